"""The ``import`` command (portal wikitext into an archive); ``fetch`` is in _portal_fetch."""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import os
import re
import shutil
import stat
import sys
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any, NamedTuple

import attrs

from . import _api
from ._atomic import remove_stale, temp_path, write_bytes
from ._errors import ParseError
from ._md.day import day_parts, dumps_day, previous_line
from ._md.event import dumps as dumps_event
from ._md.listing import edition
from ._model import DayPage, Language, day_folder
from ._portal import read
from ._runs import (
    Hold,
    Progress,
    Stop,
    Unwritable,
    WorkerDied,
    Workers,
    cannot_write,
    check_sources,
    each,
    error_text,
    exclude,
    ignore_signals,
    make_folder,
    parse_day,
    ready_folder,
    ready_output,
    say,
    stop_on_signals,
    stop_status,
)
from ._stream import Problem, Skipped, kind, scan

_DATE_NAME = re.compile(r"(\d{4})-(\d{2})-(\d{2})\.wiki$")
_EXIT_OK, _EXIT_FAILED = 0, 1


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Run ``import`` or ``fetch``."""
    if args.command == "import":
        return _import(args, parser)
    from . import _portal_fetch

    return _portal_fetch.fetch(args, parser)


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
    fatal: str | None = None
    """Why the archive could not be written: the run stops."""
    later: _dt.date | None = None
    """The day read, when another process was writing another source of it: its pages
    are left for the end (see :func:`_last_sources`)."""


class _Wrote(NamedTuple):
    """A day page written (or found as it was) by the last step of the import."""

    written: bool
    fatal: str | None = None


class _DayWrite(NamedTuple):
    root: str
    rel: str
    text: str


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


def _read_one(
    path: str,
    root: str,
    data: bytes | None = None,
    date: _dt.date | None = None,
    claims: str | None = None,
) -> _Read:
    """Read one page (the file ``path``, or ``data``) and write its event pages; the day
    page is handed back for chaining. ``date``, when given, is the day's date.

    ``claims``: the folder where the import's processes claim a day while they write it
    (a folder named by its date, made at once or not at all), so that two sources of the
    same day are never written at the same time. A day claimed at the moment is not
    written here (``later``)."""
    try:
        meta: dict[str, Any] = {}
        if data is None:
            with open(path, "rb") as fh:
                data = fh.read()
            meta = _sidecar(path)
        try:
            files, day = _pages(data, meta, date)
        except ParseError as exc:
            # A page without its template is dated by its file name, as fetch names it.
            named = _DATE_NAME.search(os.path.basename(path))
            if not exc.msg.startswith("no date") or named is None:
                raise
            files, day = _pages(data, meta, _dt.date(*map(int, named.groups())))
    except ParseError as exc:
        return _Read(path, None, 0, 0, 0, str(exc if exc.path else exc.with_path(path)))
    except OSError as exc:
        return _Read(path, None, 0, 0, 0, f"{path}: {exc.strerror or exc}")
    # Made before the pages are written: once they are, little is left to do before the
    # result is counted, so a Ctrl-C has little time to come between the two.
    text = _day_text(day)
    claim = None
    if claims is not None:
        claim = os.path.join(claims, day.date.isoformat())
        try:
            os.mkdir(claim)
        except FileExistsError:
            return _Read(path, None, 0, 0, 0, None, later=day.date)
        except OSError as exc:
            return _Read(path, None, 0, 0, 0, None, fatal=str(cannot_write(exc, claims)))
    try:
        w = _write_day(root, day.date, files)
    except Unwritable as exc:
        return _Read(path, None, 0, 0, 0, None, fatal=str(exc))
    finally:
        if claim is not None:
            try:
                os.rmdir(claim)  # (written: another source of the day may be written now)
            except OSError:
                pass
    if w.fatal is not None:  # what was written before counts
        return _Read(path, None, 0, w.written, 0, None, w.removed, w.notes, w.fatal)
    return _Read(path, text, len(files), w.written, w.unchanged, w.error, w.removed, w.notes)


def _write_page(task: _DayWrite) -> _Wrote:
    try:
        return _Wrote(_write(task.root, task.rel, task.text))
    except Unwritable as exc:
        return _Wrote(False, str(exc))


def _import_one(task: tuple[str, str] | _DayWrite, claims: str | None = None) -> _Read | _Wrote:
    """One task of the import: a day page to write, or a wikitext file and the archive."""
    if isinstance(task, _DayWrite):
        return _write_page(task)
    path, root = task
    return _read_one(path, root, claims=claims)


def _import_chunk(
    tasks: list[tuple[str, str] | _DayWrite], claims: str | None = None
) -> list[_Read | _Wrote]:
    """A worker process's share of the import (see ``_runs._serve``)."""
    return list(each(tasks, partial(_import_one, claims=claims), _fatal))


def _fatal(result: _Read | _Wrote) -> bool:
    return result.fatal is not None


MANIFEST = ".portal-import"
"""The file in each imported day folder that lists the event pages the import wrote there."""
_MANIFEST_HEAD = "# newsevent import: event pages written here, with the sha256 of each\n"


class _Written(NamedTuple):
    written: int
    unchanged: int
    removed: int
    notes: tuple[str, ...]
    error: str | None
    fatal: str | None = None
    """Why the day's pages could not all be written (the run stops)."""


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _manifest(folder: str) -> dict[str, set[str]]:
    """The event pages an earlier import wrote in ``folder``: name -> the sha256 of each
    text it may hold (two while an import was replacing it, should it have been stopped)."""
    data = _current(os.path.join(folder, MANIFEST))
    if data is None:
        return {}
    out: dict[str, set[str]] = {}
    for line in data.decode("utf-8", "replace").splitlines():
        sha, sep, name = line.partition("  ")
        if sep and len(sha) == 64 and name.endswith(".md") and "/" not in name:
            out.setdefault(name, set()).add(sha)
    return out


def _manifest_text(pages: dict[str, set[str]]) -> str:
    lines = (f"{sha}  {name}\n" for name in sorted(pages) for sha in sorted(pages[name]))
    return _MANIFEST_HEAD + "".join(lines)


# The import opens some 150,000 files for 9,000 days: with os.open and os.read or
# os.write, without a Python file object each (a third of the time of a small file).
# O_NONBLOCK: a named pipe where a page should be opens at once (and is then refused)
# instead of waiting for a writer; it changes nothing for a regular file.
_READ = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
_READ |= getattr(os, "O_NONBLOCK", 0)
_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
_NEW |= getattr(os, "O_CLOEXEC", 0)


def _current(path: str) -> bytes | None:
    """The bytes of a file, or None when there is none. (Bytes, not text: a file that is
    not UTF-8 is never equal to a page, and its sha256 never the one of a page written.)
    Anything but a regular file there cannot be replaced: :class:`Unwritable`."""
    try:
        fd = os.open(path, _READ)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise cannot_write(exc, path) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Unwritable(f"cannot write {path}: {kind(st.st_mode)}, not a regular file")
        chunks = []
        want = st.st_size + 1  # one more: a file that grew is read to its end
        while chunk := os.read(fd, want):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise cannot_write(exc, path) from None
    finally:
        os.close(fd)


def _put(path: str, data: bytes) -> None:
    """Create or replace the file ``path`` with ``data``, whole (:func:`write_bytes`: a
    temporary file renamed over it once complete); :class:`Unwritable` naming ``path``."""
    try:
        write_bytes(path, data, durable=False)
    except OSError as exc:
        raise cannot_write(exc, path) from None


def _write_day(root: str, date: _dt.date, files: dict[str, str]) -> _Written:
    """Write one day's event pages and remove the ones an earlier import of the day wrote
    that this one no longer makes. A page is replaced or removed only when the import can
    prove it wrote it: the day's manifest names it with the sha256 of its current text.
    Each day has its own folder, so the processes never write the same file.

    Before any page changes, the manifest names both texts of each page being replaced or
    removed, so that an import stopped halfway (a full disk, a signal, a power loss) can
    still prove every page of the day its own the next time; once done, only the new ones.
    """
    rel = f"news/{day_folder(date)}"
    folder = os.path.join(root, *rel.split("/"))
    try:
        present = set(os.listdir(folder))
    except FileNotFoundError:
        if not files or _new_day(folder, files):
            return _Written(len(files), 0, 0, (), None)
        present = set(os.listdir(folder))  # made meanwhile: another source of the same day
    except OSError as exc:
        raise cannot_write(exc, folder) from None
    if any(".tmp-" in name for name in present):
        remove_stale(folder)  # left by an import killed outright
    before = _manifest(folder) if MANIFEST in present else {}
    unchanged = 0
    notes: list[str] = []
    refused: list[str] = []
    ours: dict[str, set[str]] = {}
    puts: list[tuple[str, bytes]] = []
    removes: list[str] = []
    for name, text in files.items():
        data = text.encode("utf-8")
        old = _current(folder + os.sep + name) if name in present else None
        if old == data:
            unchanged += 1
        elif old is None or _sha(old) in before.get(name, ()):
            puts.append((name, data))
        else:
            refused.append(f"{rel}/{name}")
            continue
        ours[name] = {_sha(data)}
    for name in sorted(before.keys() - files.keys()):
        old = _current(folder + os.sep + name) if name in present else None
        if old is None:
            continue
        if _sha(old) in before[name]:
            removes.append(name)
        else:
            why = "kept: edited since it was imported, and no longer imported"
            notes.append(f"{folder}{os.sep}{name}: {why}")
    final = _manifest_text(ours)
    written = removed = 0
    fatal = None
    manifest = folder + os.sep + MANIFEST
    try:
        if puts or removes:
            # The manifest of the day while it changes: the new pages and the old ones.
            meanwhile = {k: set(v) for k, v in ours.items()}
            for name in [n for n, _ in puts] + removes:
                meanwhile.setdefault(name, set()).update(before.get(name, ()))
            text = _manifest_text(meanwhile)
            _put(manifest, text.encode("utf-8"))
            present.add(MANIFEST)
            if text == final:
                final = ""  # (written already)
        for name, data in puts:
            _put(folder + os.sep + name, data)
            written += 1
        for name in removes:
            path = folder + os.sep + name
            try:
                os.remove(path)
            except OSError as exc:
                raise cannot_write(exc, path) from None
            removed += 1
        if final and (ours or MANIFEST in present):
            _write(root, f"{rel}/{MANIFEST}", final)
    except Unwritable as exc:
        fatal = str(exc)
    error = None
    if refused:
        error = (
            f"{os.path.join(root, *refused[0].split('/'))}: not replaced: the import did not "
            f"write this page (or it was edited since)"
            + (f"; and {len(refused) - 1} more" if len(refused) > 1 else "")
        )
    return _Written(written, unchanged, removed, tuple(notes), error, fatal)


_MONTHS: set[str] = set()  # month folders this run has made or cleared of stale temporaries


def _new_day(folder: str, files: dict[str, str]) -> bool:
    """Write the event pages and manifest of a day the archive does not have yet into a
    temporary folder beside the day's, renamed into place once complete: the day appears
    whole or not at all, at the cost of one rename rather than one per page. False (and
    nothing written) when the day's folder was made meanwhile. Raises
    :class:`Unwritable` (the temporary folder removed) when it cannot be written."""
    ready_folder(os.path.dirname(folder), _MONTHS)  # (a day half-built is removed there)
    temp = temp_path(folder)
    target = folder
    # One block from the folder's making on: a Ctrl-C that comes as os.mkdir returns is
    # raised there, and the folder must not outlive it.
    try:
        try:
            os.mkdir(temp)
        except OSError as exc:
            raise Unwritable(f"cannot create directory {folder}: {exc.strerror or exc}") from None
        ours: dict[str, set[str]] = {}
        for name, text in files.items():
            target = folder + os.sep + name
            data = text.encode("utf-8")
            _create(temp + os.sep + name, data)
            ours[name] = {_sha(data)}
        target = folder + os.sep + MANIFEST
        _create(temp + os.sep + MANIFEST, _manifest_text(ours).encode("utf-8"))
        target = folder
        os.rename(temp, folder)
    except BaseException as exc:
        shutil.rmtree(temp, ignore_errors=True)
        if isinstance(exc, OSError) and target == folder and os.path.isdir(folder):
            return False
        if isinstance(exc, OSError):
            raise cannot_write(exc, target) from None
        raise
    return True


def _create(path: str, data: bytes) -> None:
    """Create the new file ``path`` (in a folder nobody else writes) with ``data``."""
    fd = os.open(path, _NEW, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def _write(root: str, rel: str, text: str) -> bool:
    """Write ``text`` to root/rel unless the file already holds it; True when written."""
    path = os.path.join(root, *rel.split("/"))
    data = text.encode("utf-8")
    old = _current(path)
    if old == data:
        return False
    if old is None:
        make_folder(os.path.dirname(path))
    else:
        try:
            old.decode("utf-8")
        except UnicodeDecodeError:
            # Not a page the import wrote: left as it was.
            raise Unwritable(f"cannot write {path}: it is not UTF-8 text") from None
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


class _Tally:
    """What an import did so far: its summary, exact also when it is cut short."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = self.failed = self.skipped = self.events = 0
        self.written = self.unchanged = self.removed = 0
        self.days: dict[_dt.date, _DayText] = {}
        self.events_of: dict[_dt.date, int] = {}
        """Per day, the events counted for it (those of the source last written)."""
        self.sources: dict[_dt.date, list[tuple[int, str]]] = {}
        """Per day, every source of it read (place, path)."""
        self.chained = False

    def imported(self, day: _dt.date, events: int, text: _DayText) -> None:
        """Count ``day`` as written from a source of ``events`` events (in place of
        another source of it written before)."""
        self.events += events - self.events_of.get(day, 0)
        self.events_of[day] = events
        self.days[day] = text

    def summary(self, interrupted: bool, stopped: bool) -> str:
        imported = len(self.days)  # (a day read from two sources is one day)
        text = (
            f"{imported} days imported ({self.events} events), {self.written} pages written, "
            f"{self.unchanged} unchanged, {self.removed} removed, {self.failed} failed"
        )
        if self.skipped:
            text += f", {self.skipped} skipped"
        if not (interrupted or stopped):
            return text
        left = self.total - self.done
        if left:
            text += f", {left} not done"
        if left or not self.chained:
            text += "; import again to finish"
        return ("interrupted: " if interrupted else "stopped: ") + text


def _chain(root: str, tally: _Tally, run: Callable[[list[_DayWrite]], Iterator[_Wrote]]) -> None:
    """Write the imported day pages and point every day page's ``Previous Day...`` link
    at the archive's day before it, counting them in ``tally``. The imported days' pages
    are written by ``run`` (the import's processes), in batches; each is its own file, so
    they never write the same one."""
    changed = tally.days
    days = sorted(set(_days_in(root)) | set(changed))
    writes: list[_DayWrite] = []
    for k, d in enumerate(days):
        previous = f"/news/{day_folder(days[k - 1])}/index.md" if k else None
        rel = f"news/{day_folder(d)}/index.md"
        imported = changed.get(d)
        if imported is not None:
            writes.append(_DayWrite(root, rel, imported.text(previous)))
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
        _count_page(tally, _write(root, rel, _api.dumps(page)))
    for w in run(writes):
        if w.fatal is not None:
            raise Unwritable(w.fatal)
        _count_page(tally, w.written)
    tally.chained = True


def _count_page(tally: _Tally, written: bool) -> None:
    if written:
        tally.written += 1
    else:
        tally.unchanged += 1


def _last_sources(root: str, tally: _Tally, fatal: list[str], tell: Callable[[str], None]) -> bool:
    """Write each day read from more than one source once more, alone, as the last of
    them (in the order of the sources) has it: the processes may have written them in any
    order. ``tell`` each source left out. False when the archive cannot be written."""
    for day, seen in sorted(tally.sources.items()):
        if len(seen) < 2:
            continue
        *left, (_, last) = sorted(seen)
        for _, path in left:
            tell(f"newsevent: {path}: not imported: {day:%Y-%m-%d} is also the day of {last}")
        r = _read_one(last, root)
        # Its pages replace any other source's (the day's manifest proves them the
        # import's own): what it changes counts, and its events instead of theirs.
        tally.written += r.written
        tally.removed += r.removed
        for note in r.notes:
            tell(f"newsevent: {note}")
        if r.fatal is not None:
            fatal.append(r.fatal)
            return False
        if r.error is not None:
            # (Said here for the first time: a source whose reading failed is not one of
            # the sources of its day. This one was left for the end unwritten.)
            tally.failed += 1
            tell(r.error)
        elif r.day is not None:
            tally.imported(day, r.events, r.day)
    return True


def _import(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    date = parse_day(args.date, parser, "--date") if args.date else None
    if "-" in args.sources and len(args.sources) > 1:
        parser.error("'-' (standard input) cannot be mixed with other sources")
    errors = [] if args.sources == ["-"] else check_sources(args.sources)
    for msg in errors:
        say(msg)
    if errors:
        return _EXIT_FAILED
    if not ready_output(args.output, parser):
        return _EXIT_FAILED
    with stop_on_signals():
        return _run_import(args, date)


def _run_import(args: argparse.Namespace, date: _dt.date | None) -> int:
    """Read the days, write their pages, chain the day pages; report; the exit code."""
    root = args.output
    _MONTHS.clear()  # (the workers, forked later, start from it too)
    paths: list[str] = []
    problems: list[Problem] = []
    if args.sources != ["-"]:
        for item in scan(args.sources, (".wiki",), exclude(root)):
            if isinstance(item, Problem):
                problems.append(item)
            else:
                paths.append(item)
    tally = _Tally(len(paths) + len(problems) if args.sources != ["-"] else 1)
    progress = Progress(args.progress, sys.stderr, tally.total)
    for problem in problems:
        tally.done += 1
        if isinstance(problem.error, Skipped):
            tally.skipped += 1
        else:
            tally.failed += 1
        progress.message(error_text(problem.error, problem.path))

    def take(r: _Read | _Wrote) -> bool:
        """Count one day read; False when the run must stop."""
        if r.fatal is not None:
            if isinstance(r, _Read):  # pages it wrote before it had to stop
                tally.written += r.written
                tally.removed += r.removed
            fatal.append(r.fatal)
            return False
        assert isinstance(r, _Read)
        with Hold():
            tally.done += 1
            for note in r.notes:
                progress.message(f"newsevent: {note}")
            tally.written += r.written
            tally.unchanged += r.unchanged
            tally.removed += r.removed
            day = r.later or (r.day.date if r.day is not None else None)
            if r.error is not None or day is None:
                tally.failed += 1
                progress.message(r.error or f"{r.source}: not read")
            else:
                tally.sources.setdefault(day, []).append((tally.done, r.source))
                if r.later is None:
                    assert r.day is not None
                    tally.imported(day, r.events, r.day)
            progress.update(tally.done, tally.failed)
        return True

    fatal: list[str] = []
    status = _EXIT_OK
    finished = False
    jobs = min(args.jobs, len(paths))
    workers: Workers | None = None
    claims: str | None = None
    try:
        if jobs > 1:
            claims = temp_path(os.path.join(root, "import"))
            try:
                os.mkdir(claims)
            except OSError as exc:
                raise cannot_write(exc, root) from None
            workers = Workers(jobs, partial(_import_chunk, claims=claims))
        stream: Iterator[Any]
        if args.sources == ["-"]:
            stream = iter([_read_one("<stdin>", root, sys.stdin.buffer.read(), date)])
        elif workers is not None:
            chunk = max(1, min(64, len(paths) // (jobs * 8)))
            stream = workers.map([(p, root) for p in paths], chunk)
        else:
            stream = each([(p, root) for p in paths], _import_one, _fatal)
        if all(take(r) for r in stream) and _last_sources(root, tally, fatal, progress.message):
            if workers is not None:
                _chain(root, tally, lambda w: workers.map(w, _WRITES_PER_TASK))
            else:
                _chain(root, tally, lambda w: each(w, _write_page, _fatal))
            finished = True
    except (KeyboardInterrupt, Stop) as exc:
        ignore_signals()
        status = stop_status(exc)
    except (Unwritable, WorkerDied) as exc:
        fatal.append(str(exc))
    finally:
        if workers is not None:
            for r in workers.stop(early=not finished):
                if isinstance(r, _Read):
                    take(r)
                elif r.fatal is None:
                    _count_page(tally, r.written)
        if claims is not None:
            shutil.rmtree(claims, ignore_errors=True)
        progress.close()
    if fatal:
        say(fatal[0])
    interrupted = status != _EXIT_OK
    say(tally.summary(interrupted, bool(fatal)))
    if interrupted:
        return status
    return _EXIT_FAILED if tally.failed or fatal else _EXIT_OK
