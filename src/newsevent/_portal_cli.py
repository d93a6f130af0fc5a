"""The ``import`` and ``fetch`` commands: portal wikitext into an archive, and downloading it."""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import os
import re
import sys
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from multiprocessing import get_context
from typing import Any, NamedTuple

import attrs

from . import _api
from ._errors import ParseError
from ._md.day import day_parts, dumps_day, previous_line
from ._md.event import dumps as dumps_event
from ._md.listing import edition
from ._model import DayPage, Language, day_folder
from ._portal import page_title, read

_DATE_NAME = re.compile(r"(\d{4})-(\d{2})-(\d{2})\.wiki$")
_EXIT_OK, _EXIT_FAILED = 0, 1


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Run ``import`` or ``fetch``."""
    if args.command == "import":
        return _import(args, parser)
    return _fetch(args, parser)


def _day(value: str, parser: argparse.ArgumentParser, what: str) -> _dt.date:
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        parser.error(f"{what} must be a date YYYY-MM-DD, not {value!r}")


# ------------------------------------------------------------------ import


class _DayText(NamedTuple):
    """An imported day page as the import writes it, but for its ``Previous Day...`` link,
    which needs the whole archive: made where the day is read, so that the processes
    hand back text rather than pages, and the writing of day pages is shared out too."""

    date: _dt.date
    head: str
    """The text before the link's place, for the page in English."""
    tail: str
    """The text after it."""
    alone: str | None
    """The whole text without the link when it is not head + tail: a page without context
    tags and without the link has no language, and its titles may make it Chinese."""

    def text(self, previous: str | None) -> str:
        """The page's text with ``previous`` as its previous-day link."""
        if previous is not None:
            return self.head + previous_line(previous, "en") + self.tail
        if self.alone is not None:
            return self.alone
        return self.head + self.tail


def _day_text(page: DayPage) -> _DayText:
    """What :func:`_chain` writes for an imported day page (read, so without a previous
    link): the page is in English when it has one or any context tag, else of no language."""
    en = page
    if page.previous is not None or page.language != "en":
        en = attrs.evolve(page, previous=None, language="en")
    head, tail = day_parts(en)
    alone = None
    if not any(e.context for e in page.entries):
        bare = attrs.evolve(page, previous=None, language=None)
        if edition(bare) != "en":
            alone = dumps_day(bare)
    return _DayText(page.date, head, tail, alone)


_Run = Callable[..., Iterator[Any]]
"""A lazy, ordered map: ``run(fn, items[, chunk])``."""


class _Read(NamedTuple):
    source: str
    day: _DayText | None
    events: int
    written: int
    unchanged: int
    error: str | None
    removed: int = 0
    notes: tuple[str, ...] = ()
    """Warnings: pages kept because the import cannot prove it wrote them."""


def _sidecar(path: str) -> dict[str, Any]:
    side = os.path.splitext(path)[0] + ".json"
    try:
        with open(side, encoding="utf-8") as fh:
            meta = json.load(fh)
    except (OSError, ValueError):
        return {}
    return meta if isinstance(meta, dict) else {}


def _pages(
    data: bytes, meta: dict[str, Any], date: _dt.date | None
) -> tuple[dict[str, str], DayPage]:
    revision = meta.get("revision")
    day = read(
        data,
        date=date,
        title=meta.get("title") if isinstance(meta.get("title"), str) else None,
        revision=revision if isinstance(revision, int) else None,
        timestamp=meta.get("timestamp") if isinstance(meta.get("timestamp"), str) else None,
    )
    # (_api.dumps of a page without spelling, i.e. built in code: the canonical writer.)
    files = {f"{ev.slug}.md": dumps_event(ev) for ev in day.events}
    return files, day.day


def _read_one(task: tuple[str, str]) -> _Read:
    """Read one page and write its event pages (each day has its own folder, so the
    processes never write the same file); the day page is handed back for chaining."""
    path, root = task
    try:
        with open(path, "rb") as fh:
            data = fh.read()
        meta = _sidecar(path)
        try:
            files, day = _pages(data, meta, None)
        except ParseError as exc:
            # A page without its template is dated by its file name, as fetch names it.
            named = _DATE_NAME.search(os.path.basename(path))
            if not exc.msg.startswith("no date") or named is None:
                raise
            files, day = _pages(data, meta, _dt.date(*map(int, named.groups())))
        w = _write_day(root, day.date, files)
        text = _day_text(day)
        return _Read(path, text, len(files), w.written, w.unchanged, w.error, w.removed, w.notes)
    except ParseError as exc:
        return _Read(path, None, 0, 0, 0, str(exc if exc.path else exc.with_path(path)))
    except OSError as exc:
        return _Read(path, None, 0, 0, 0, f"{path}: {exc.strerror or exc}")


MANIFEST = ".portal-import"
"""The file in each imported day folder that lists the event pages the import wrote there."""
_MANIFEST_HEAD = "# newsevent import: event pages written here, with the sha256 of each\n"


class _Written(NamedTuple):
    written: int
    unchanged: int
    removed: int
    notes: tuple[str, ...]
    error: str | None


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _manifest(folder: str) -> dict[str, str]:
    """The event pages an earlier import wrote in ``folder``: name -> sha256 of the text."""
    try:
        with open(os.path.join(folder, MANIFEST), encoding="utf-8") as fh:
            lines = fh.read().splitlines()
    except FileNotFoundError:
        return {}
    out: dict[str, str] = {}
    for line in lines:
        sha, sep, name = line.partition("  ")
        if sep and len(sha) == 64 and name.endswith(".md") and "/" not in name:
            out[name] = sha
    return out


# The import opens some 150,000 files for 9,000 days: with os.open and os.read or
# os.write, without a Python file object each (a third of the time of a small file).
_READ = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
_WRITE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)
_WRITE |= getattr(os, "O_CLOEXEC", 0)


def _current(path: str) -> bytes | None:
    """The bytes of a file, or None when there is none. (Bytes, not text: a file that is
    not UTF-8 is never equal to a page, and its sha256 never the one of a page written.)"""
    try:
        fd = os.open(path, _READ)
    except FileNotFoundError:
        return None
    try:
        chunks = []
        want = os.fstat(fd).st_size + 1  # one more: a file that grew is read to its end
        while chunk := os.read(fd, want):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _put(path: str, data: bytes) -> None:
    """Create or replace the file ``path`` with ``data`` (as open(path, "wb") would)."""
    fd = os.open(path, _WRITE, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def _write_day(root: str, date: _dt.date, files: dict[str, str]) -> _Written:
    """Write one day's event pages and remove the ones an earlier import of the day wrote
    that this one no longer makes. A page is replaced or removed only when the import can
    prove it wrote it: the day's manifest names it with the sha256 of its current text.
    Each day has its own folder, so the processes never write the same file."""
    rel = f"news/{day_folder(date)}"
    folder = os.path.join(root, *rel.split("/"))
    try:
        present = set(os.listdir(folder))
    except FileNotFoundError:
        present = set()
        if files:
            os.makedirs(folder)
    before = _manifest(folder) if MANIFEST in present else {}
    written = unchanged = removed = 0
    notes: list[str] = []
    refused: list[str] = []
    ours: dict[str, str] = {}
    at = folder + os.sep
    for name, text in files.items():
        path = at + name
        data = text.encode("utf-8")
        old = _current(path) if name in present else None
        if old == data:
            unchanged += 1
        elif old is None or before.get(name) == _sha(old):
            _put(path, data)
            written += 1
        else:
            refused.append(f"{rel}/{name}")
            continue
        ours[name] = _sha(data)
    for name in sorted(before.keys() - files.keys()):
        path = os.path.join(folder, name)
        old = _current(path) if name in present else None
        if old is None:
            continue
        if _sha(old) == before[name]:
            os.remove(path)
            removed += 1
        else:
            notes.append(f"{path}: kept: edited since it was imported, and no longer imported")
    manifest = _MANIFEST_HEAD + "".join(f"{sha}  {name}\n" for name, sha in sorted(ours.items()))
    if MANIFEST in present:
        _write(root, f"{rel}/{MANIFEST}", manifest)
    elif ours:
        _put(at + MANIFEST, manifest.encode("utf-8"))
    error = None
    if refused:
        error = (
            f"{os.path.join(root, *refused[0].split('/'))}: not replaced: the import did not "
            f"write this page (or it was edited since)"
            + (f"; and {len(refused) - 1} more" if len(refused) > 1 else "")
        )
    return _Written(written, unchanged, removed, tuple(notes), error)


def _inputs(sources: Sequence[str]) -> Iterator[str]:
    for s in sources:
        if os.path.isdir(s):
            for top, dirs, names in os.walk(s):
                dirs.sort()
                for name in sorted(names):
                    if name.endswith(".wiki"):
                        yield os.path.join(top, name)
        else:
            yield s


def _write(root: str, rel: str, text: str) -> bool:
    """Write ``text`` to root/rel unless the file already holds it; True when written."""
    path = os.path.join(root, *rel.split("/"))
    data = text.encode("utf-8")
    old = _current(path)
    if old == data:
        return False
    if old is None:
        os.makedirs(os.path.dirname(path), exist_ok=True)
    else:
        old.decode("utf-8")  # a file that is not UTF-8 fails here, as reading it as text did
    _put(path, data)
    return True


def _days_in(root: str) -> list[_dt.date]:
    news = os.path.join(root, "news")
    out: list[_dt.date] = []
    if not os.path.isdir(news):
        return out
    for y in os.listdir(news):
        for m in _listdir(os.path.join(news, y)):
            for d in _listdir(os.path.join(news, y, m)):
                if os.path.isfile(os.path.join(news, y, m, d, "index.md")):
                    try:
                        out.append(_dt.date(int(y), int(m), int(d)))
                    except ValueError:
                        continue
    return sorted(out)


def _listdir(path: str) -> list[str]:
    try:
        return os.listdir(path)
    except OSError:
        return []


_WRITES_PER_TASK = 256


def _write_pages(batch: list[tuple[str, str, str]]) -> tuple[int, int]:
    """``_write`` each (root, rel, text): the numbers of files written and left as they were."""
    written = sum(_write(root, rel, text) for root, rel, text in batch)
    return written, len(batch) - written


def _chain(root: str, changed: dict[_dt.date, _DayText], run: _Run = map) -> tuple[int, int]:
    """Write the imported day pages and point every day page's ``Previous Day...`` link
    at the archive's day before it; the numbers of day pages written and left as they were.
    The imported days' pages are written by ``run`` (the import's processes), in batches;
    each is its own file, so they never write the same one."""
    written = unchanged = 0
    days = sorted(set(_days_in(root)) | set(changed))
    writes: list[tuple[str, str, str]] = []
    for k, d in enumerate(days):
        previous = f"/news/{day_folder(days[k - 1])}/index.md" if k else None
        rel = f"news/{day_folder(d)}/index.md"
        imported = changed.get(d)
        if imported is not None:
            writes.append((root, rel, imported.text(previous)))
            continue
        try:
            page = _api.load(os.path.join(root, *rel.split("/")))
        except (ParseError, OSError):
            continue
        if not isinstance(page, DayPage) or page.previous == previous:
            continue
        localised = previous is not None or any(e.context for e in page.entries)
        language: Language | None = "en" if localised else None
        page = DayPage(
            date=page.date,
            entries=page.entries,
            previous=previous,
            prefix=page.prefix,
            formats=page.formats,
            language=language,
            extra=page.extra,
        )
        if _write(root, rel, _api.dumps(page)):
            written += 1
        else:
            unchanged += 1
    batches = [writes[k : k + _WRITES_PER_TASK] for k in range(0, len(writes), _WRITES_PER_TASK)]
    for w, u in run(_write_pages, batches):
        written += w
        unchanged += u
    return written, unchanged


def _import(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    date = _day(args.date, parser, "--date") if args.date else None
    if "-" in args.sources and len(args.sources) > 1:
        parser.error("'-' (standard input) cannot be mixed with other sources")
    missing = [s for s in args.sources if s != "-" and not os.path.exists(s)]
    for s in missing:
        print(f"newsevent: {s}: no such file or directory", file=sys.stderr)
    if missing:
        return _EXIT_FAILED
    if args.sources == ["-"]:
        try:
            files, page = _pages(sys.stdin.buffer.read(), {}, date)
            w = _write_day(args.output, page.date, files)
            text = _day_text(page)
            results: Iterator[_Read] = iter(
                [_Read("<stdin>", text, len(files), *w[:2], w.error, w.removed, w.notes)]
            )
        except ParseError as exc:
            print(f"newsevent: {exc.with_path('<stdin>')}", file=sys.stderr)
            return _EXIT_FAILED
        total = 1
    else:
        paths = list(_inputs(args.sources))
        total = len(paths)
    with _processes(args.jobs if total > 1 else 1) as run:
        if args.sources != ["-"]:
            tasks = [(p, args.output) for p in paths]
            chunk = max(1, min(64, len(tasks) // (args.jobs * 8)))
            results = run(_read_one, tasks, chunk)
        return _collect(args, results, total, run)


def _collect(args: argparse.Namespace, results: Iterator[_Read], total: int, run: _Run) -> int:
    """Report each page read, then write and chain the day pages; the exit code."""
    from ._cli import _Progress  # the command line's own progress bar

    progress = _Progress(args.progress, sys.stderr, total)
    done = failed = events = written = unchanged = removed = 0
    days: dict[_dt.date, _DayText] = {}
    try:
        for r in results:
            done += 1
            for note in r.notes:
                progress.message(f"newsevent: {note}")
            written += r.written
            unchanged += r.unchanged
            removed += r.removed
            if r.error is not None or r.day is None:
                failed += 1
                progress.message(r.error or f"{r.source}: not read")
            else:
                events += r.events
                days[r.day.date] = r.day
            progress.update(done, failed)
    finally:
        progress.close()
    day_written, day_unchanged = _chain(args.output, days, run)
    written += day_written
    unchanged += day_unchanged
    print(
        f"newsevent: {done - failed} days imported ({events} events), {written} pages "
        f"written, {unchanged} unchanged, {removed} removed, {failed} failed",
        file=sys.stderr,
    )
    return _EXIT_FAILED if failed else _EXIT_OK


@contextmanager
def _processes(jobs: int) -> Iterator[_Run]:
    """A map over ``jobs`` processes (in order, lazily), or the built-in map for one; the
    processes serve both the reading and the writing of day pages, and end with the block."""
    if jobs <= 1:
        yield lambda fn, items, chunk=1: map(fn, items)
        return
    ctx = get_context("spawn" if sys.platform == "win32" else "fork")
    with ctx.Pool(jobs) as pool:
        yield lambda fn, items, chunk=1: pool.imap(fn, items, chunksize=chunk)


# ------------------------------------------------------------------ fetch


class FetchError(Exception):
    """A request that failed after every retry."""


def _get(url: str, args: argparse.Namespace) -> dict[str, Any]:
    """GET ``url`` as JSON, retrying with exponential backoff on lag, 429 and 5xx."""
    import urllib.error  # (here: 30 ms of imports every other command need not pay)
    import urllib.request

    wait = args.backoff
    last = ""
    for attempt in range(max(1, args.retries)):
        if attempt:
            time.sleep(wait)
            wait *= 2
        req = urllib.request.Request(url, headers={"User-Agent": args.user_agent})
        try:
            with urllib.request.urlopen(req, timeout=args.timeout) as resp:
                body = json.loads(resp.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code}"
            retry = exc.headers.get("Retry-After") if exc.headers else None
            if exc.code == 429 or exc.code >= 500:
                wait = max(wait, _seconds(retry))
                continue
            raise FetchError(f"{last} for {url}") from None
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            last = str(getattr(exc, "reason", exc))
            continue
        if not isinstance(body, dict):
            raise FetchError(f"unexpected answer from {url}")
        err = body.get("error")
        if isinstance(err, dict):
            last = f"{err.get('code')}: {err.get('info')}"
            if err.get("code") in {"maxlag", "ratelimited", "readonly"}:
                wait = max(wait, _seconds(str(err.get("lag", ""))))
                continue
            raise FetchError(f"API error {last}")
        return body
    raise FetchError(f"gave up after {args.retries} tries: {last} ({url})")


def _seconds(value: str | None) -> float:
    try:
        return min(60.0, float(value)) if value else 0.0
    except ValueError:
        return 0.0


def _dates(first: _dt.date, last: _dt.date) -> list[_dt.date]:
    return [first + _dt.timedelta(days=k) for k in range((last - first).days + 1)]


def _target(out: str, d: _dt.date) -> str:
    return os.path.join(out, f"{d.year:04d}", f"{d.month:02d}", f"{d.isoformat()}.wiki")


def _fetch_batch(titles: dict[str, _dt.date], args: argparse.Namespace) -> dict[str, Any]:
    """Revision data per title (None for a missing page), following continuations."""
    found: dict[str, Any] = {}
    params: dict[str, str] = {
        "action": "query",
        "format": "json",
        "formatversion": "2",
        "prop": "revisions",
        "rvprop": "ids|timestamp|content",
        "rvslots": "main",
        "maxlag": str(args.maxlag),
        "titles": "|".join(titles),
    }
    for _round in range(len(titles) + 1):
        body = _get(f"{args.api}?{urllib.parse.urlencode(params)}", args)
        query = body.get("query", {})
        names = {
            n.get("to"): n.get("from") for n in query.get("normalized", []) if isinstance(n, dict)
        }
        for page in query.get("pages", []):
            title = str(names.get(page.get("title")) or page.get("title"))
            if page.get("missing") or page.get("invalid"):
                found[title] = None
            elif page.get("revisions"):
                found[title] = page["revisions"][0]
        cont = body.get("continue")
        if not isinstance(cont, dict):
            break
        params.update({k: str(v) for k, v in cont.items()})
    return found


def _fetch(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    first = _day(args.first, parser, "FIRST")
    last = _day(args.last, parser, "LAST") if args.last else first
    if last < first:
        parser.error("LAST is before FIRST")
    if not 1 <= args.batch <= 50:
        parser.error("--batch must be between 1 and 50")
    todo = [
        d
        for d in _dates(first, last)
        if args.refresh
        or not (os.path.isfile(_target(args.output, d)) and os.path.isfile(_side(args.output, d)))
    ]
    skipped = (last - first).days + 1 - len(todo)
    got = missing = failed = 0
    for k in range(0, len(todo), args.batch):
        batch = {page_title(d): d for d in todo[k : k + args.batch]}
        try:
            found = _fetch_batch(batch, args)
        except FetchError as exc:
            failed += len(batch)
            print(f"newsevent: {exc}", file=sys.stderr)
            continue
        for title, d in batch.items():
            rev = found.get(title)
            if not isinstance(rev, dict):
                missing += 1
                print(f"newsevent: {title}: no such page", file=sys.stderr)
                continue
            content = rev.get("slots", {}).get("main", {}).get("content", rev.get("content"))
            if not isinstance(content, str):
                failed += 1
                print(f"newsevent: {title}: the answer holds no text", file=sys.stderr)
                continue
            data = content.encode("utf-8")
            path = _target(args.output, d)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as fh:
                fh.write(data)
            meta = {
                "title": title,
                "revision": rev.get("revid"),
                "timestamp": rev.get("timestamp"),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
            with open(_side(args.output, d), "w", encoding="utf-8") as fh:
                json.dump(meta, fh, ensure_ascii=False, indent=1)
                fh.write("\n")
            got += 1
    print(
        f"newsevent: {got} fetched, {skipped} already there, {missing} missing, {failed} failed",
        file=sys.stderr,
    )
    return _EXIT_FAILED if failed else _EXIT_OK


def _side(out: str, d: _dt.date) -> str:
    return os.path.splitext(_target(out, d))[0] + ".json"
