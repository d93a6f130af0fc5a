"""``newsevent site ARCHIVE -o OUT``: the archive as a browsable site in all four formats.

Every Markdown page of the archive is written at its own path as ``x.md``, ``x.html``,
``x.json`` and ``x.xml``. In the HTML, every link to a page the archive holds is made
relative and opens that page's ``.html`` (the URL as the page wrote it rides in
``data-url``, so the HTML reader still reads the page back exactly); a link to a page the
archive does not hold keeps its URL and is marked ``leaves-archive``.

The build is incremental: a manifest in OUT remembers each page's source digest and
links, a page is rendered again only when its source or the pages its links resolve to
changed, and a file is written only when its bytes differ. The result is the same as a
clean build, byte for byte.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import json
import os
import posixpath
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import IO, Any, NamedTuple
from urllib.parse import quote, unquote, urlsplit

from lxml.html.builder import E

from . import _html, _json, _runs, _xml
from ._atomic import remove_stale, write_bytes
from ._errors import ParseError
from ._model import Editorial, Event, Page
from ._runs import Workers
from ._stream import Problem, Skipped, scan

MANIFEST = ".newsevent-site.json"
_EXIT_OK, _EXIT_FAILED = 0, 1
_SITE_HOSTS = frozenset({"thecontext.net", "www.thecontext.net"})
_SUFFIX = re.compile(r"\.(?:md|html|json|xml)$")
_SECTIONS = ("news/", "opinion/")
OUTSIDE = "leaves-archive"
STYLE = "style.css"
STYLESHEET = """\
body { font: 17px/1.5 Georgia, serif; max-width: 46em; margin: 1em auto; padding: 0 1em;
  color: #222; background: #fdfdfb; }
a { color: #0645ad; }
nav.site { font: 14px sans-serif; border-bottom: 1px solid #ccc; padding-bottom: .4em; }
nav.site a { margin-right: .8em; }
nav.formats, .context, .category, .date { font: 14px sans-serif; color: #555; }
article.entry { margin: 0 0 1em; }
article.entry h3 { margin: .2em 0; }
a.leaves-archive::after { content: " \\2197"; font-size: .8em; }
a.leaves-archive { color: #7a4a00; }
section.extra code { white-space: pre-wrap; }
"""


class Resolver:
    """Tells which archive page (a key: its relative path without ``.md``) a URL names."""

    def __init__(self, keys: set[str]) -> None:
        self.keys = keys

    def page(self, url: str, base: str) -> str | None:
        """The key of the page ``url`` (written on page ``base``) names, if the archive has it."""
        parts = urlsplit(url)
        if parts.scheme or url.startswith("//"):
            if parts.scheme not in ("", "http", "https") or parts.hostname not in _SITE_HOSTS:
                return None
        path = parts.path
        if not path:
            return None
        if not path.startswith("/"):
            path = posixpath.join(posixpath.dirname("/" + base), path)
        path = posixpath.normpath(path).lstrip("/")
        for candidate in dict.fromkeys((path, unquote(path))):
            found = self._find(candidate)
            if found is not None:
                return found
        return None

    def _find(self, path: str) -> str | None:
        if path.endswith("/") or not path:
            path += "index"
        path = _SUFFIX.sub("", path)
        segments = path.split("/")
        for k in range(min(3, len(segments))):
            rest = "/".join(segments[k:])
            if k and not (rest.startswith(_SECTIONS) or rest in ("index", "README")):
                continue
            for name in _twins(rest):
                if name in self.keys:
                    return name
        return None


def _twins(key: str) -> tuple[str, ...]:
    head, _, last = key.rpartition("/")
    pre = head + "/" if head else ""
    if last == "index":
        return (key, pre + "README")
    if last == "README":
        return (key, pre + "index")
    return (key,)


def relative(from_key: str, to_key: str, suffix: str = ".html") -> str:
    """The relative href from page ``from_key``'s file to ``to_key``'s ``suffix`` file."""
    rel = posixpath.relpath(to_key + suffix, posixpath.dirname(from_key) or ".")
    return quote(rel, safe="/")


def _root(key: str) -> str:
    depth = key.count("/")
    return "../" * depth


class Built(NamedTuple):
    key: str
    digest: str
    urls: tuple[str, ...]
    written: int
    outside: int
    error: str | None
    unwritable: str | None = None  # why an output could not be written: the run stops


def _urls(doc: Any) -> list[Any]:
    return list(doc.iter("a"))


def render(page: Page, key: str, resolver: Resolver, opinion: bool) -> tuple[str, list[str], int]:
    """The site HTML of ``page`` at ``key``: its links, and how many leave the archive."""
    doc = _html.document(page)
    urls: list[str] = []
    outside = 0
    for a in _urls(doc):
        url = a.get("data-url") or a.get("href")
        if url is None:
            continue
        cls = (a.get("class") or "").split()
        if "format" in cls:
            # A Formats: link names another format of this very page.
            name = posixpath.basename(key)
            a.set("href", quote(name, safe="") + "." + (a.text or "html").lower())
            continue
        urls.append(url)
        target = resolver.page(url, key)
        if target is None:
            if not _html.is_safe_url(url) or urlsplit(url).scheme or url.startswith("//"):
                continue  # a link to another site: left as it is
            href = a.get("href") or ""
            if not href.startswith("/"):
                # Relative to the page's place on the site: made site-absolute, so that it
                # never stands as a broken relative link here.
                a.set("href", posixpath.join(posixpath.dirname("/" + key), href))
                a.set("data-url", url)
            a.set("class", " ".join([*cls, OUTSIDE]))
            a.set("title", "not in this archive")
            outside += 1
            continue
        a.set("data-url", url)
        a.set("href", relative(key, target))
    head = doc.find("head")
    root = _root(key)
    head.append(E.link(rel="stylesheet", href=root + STYLE))
    nav = E.nav({"class": "site"}, E.a("Home", href=root + "index.html"))
    if opinion:
        nav.append(E.a("Opinion", href=root + "opinion/index.html"))
    name = quote(posixpath.basename(key), safe="")
    for fmt in ("md", "json", "xml"):
        nav.append(E.a(fmt.upper(), href=f"{name}.{fmt}", **{"class": "other-format"}))
    doc.find("body").insert(0, nav)
    return _html.serialize(doc), urls, outside


# ------------------------------------------------------------------- workers

_STATE: dict[str, Any] = {}
_CLEANED: set[str] = set()  # output folders this process has rid of stale temporary files


def _outputs(out: str, key: str) -> list[str]:
    base = os.path.join(out, *key.split("/"))
    return [base + s for s in (".md", ".html", ".json", ".xml")]


def _write(path: str, data: bytes) -> bool:
    try:
        with open(path, "rb") as fh:
            if fh.read() == data:
                return False
    except OSError:
        pass
    folder = os.path.dirname(path)
    if folder and folder not in _CLEANED:
        os.makedirs(folder, exist_ok=True)
        remove_stale(folder)  # left by a build killed outright (kill -9, power loss)
        _CLEANED.add(folder)
    write_bytes(path, data, durable=False)
    return True


def build_page(task: tuple[str, str]) -> Built:
    """Read one archive page and write its four files (those whose bytes changed)."""
    key, source = task
    out: str = _STATE["out"]
    resolver: Resolver = _STATE["resolver"]
    try:
        with open(source, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        return Built(key, "", (), 0, 0, f"{source}: {exc.strerror or exc}")
    digest = hashlib.sha256(data).hexdigest()
    try:
        page = _api_load(data, source)
    except ParseError as exc:
        return Built(key, digest, (), 0, 0, str(exc.with_path(source)))
    html, urls, outside = render(page, key, resolver, _STATE["opinion"])
    files = [
        data,
        html.encode("utf-8"),
        _json.dumps(page).encode("utf-8"),
        _xml.dumps(page).encode("utf-8"),
    ]
    written = 0
    for path, content in zip(_outputs(out, key), files, strict=True):
        try:
            written += _write(path, content)
        except OSError as exc:
            why = f"cannot write {exc.filename or path}: {exc.strerror or exc}"
            if os.path.basename(str(exc.filename or "")).startswith("."):
                why = f"cannot write {path}: {exc.strerror or exc}"  # not the temporary name
            return Built(key, digest, (), written, 0, None, why)
    return Built(key, digest, tuple(urls), written, outside, None)


def _api_load(data: bytes, source: str) -> Page:
    from ._api import loads
    from ._model import placed

    page = loads(data, "markdown")
    return placed(page, source) if isinstance(page, Editorial) else page


def _build_chunk(tasks: list[tuple[str, str]]) -> list[Built]:
    """A worker process's chunk of pages (see ``_runs.Workers``): built in turn until one
    cannot be written or the worker is asked to stop."""
    return list(_runs.each(tasks, build_page, lambda built: built.unwritable is not None))


def _serial(tasks: list[tuple[str, str]], state: dict[str, Any]) -> Iterator[Built]:
    _STATE.update(state)
    yield from map(build_page, tasks)


# ------------------------------------------------------------------- the build


class Summary(NamedTuple):
    pages: int
    rendered: int
    written: int
    failed: int
    outside: int
    removed: int
    skipped: int = 0
    """Special files (named pipes, sockets, devices) and links to folders passed over."""
    left: int = 0
    """Pages that were to be rebuilt and were not: the build was stopped."""


def _load_manifest(out: str) -> dict[str, Any]:
    try:
        with open(os.path.join(out, MANIFEST), encoding="utf-8") as fh:
            doc = json.load(fh)
        return doc if isinstance(doc, dict) and doc.get("version") == 1 else {}
    except (OSError, ValueError):
        return {}


def scan_archive(
    archive: str, exclude: set[tuple[int, int]] | None = None
) -> tuple[dict[str, str], list[Problem]]:
    """The Markdown pages of ``archive`` (key -> path) and the paths passed over, and why.

    ``exclude``: ``(st_dev, st_ino)`` of folders never to walk (the site, when it lies
    inside the archive).
    """
    found: dict[str, str] = {}
    problems: list[Problem] = []
    for item in scan(archive, (".md",), exclude or set()):
        if isinstance(item, Problem):
            problems.append(item)
            continue
        rel = os.path.relpath(item, archive).replace(os.sep, "/")
        found[rel[:-3]] = item
    return found, problems


def pages_of(archive: str) -> dict[str, str]:
    """Every Markdown page of ``archive``: key (relative path without ``.md``) -> path."""
    return scan_archive(archive)[0]


class Builder:
    """One build of the site of ``archive`` in ``out``; its counts stay readable when stopped.

    :meth:`run` builds. When it is cut short (Ctrl-C, a signal, an output that cannot be
    written, a worker that died), the workers are ended, the pages built so far are
    remembered in the manifest (the next build does the rest) and the exception goes on;
    :meth:`summary` then tells what was done.
    """

    def __init__(
        self,
        archive: str,
        out: str,
        *,
        jobs: int = 1,
        progress: IO[str] | None = None,
        report: IO[str] | None = None,
        feeds: bool = True,
        feed_size: int = 50,
        base_url: str | None = None,
    ) -> None:
        self.archive, self.out, self.jobs = archive, out, jobs
        self.progress, self.report = progress, report
        self.feeds, self.feed_size, self.base_url = feeds, feed_size, base_url
        self.pages = self.rendered = self.written = self.failed = 0
        self.removed = self.skipped = self.done = 0
        self.manifest: dict[str, Any] = {}

    def summary(self) -> Summary:
        """What the build did (so far)."""
        outside = sum(int(e["outside"]) for e in self.manifest.values())
        left = self.rendered - self.done
        return Summary(
            self.pages,
            self.rendered,
            self.written,
            self.failed,
            outside,
            self.removed,
            self.skipped,
            left,
        )

    def _say(self, text: str) -> None:
        if self.report is not None:
            print(text, file=self.report)

    def run(self, on_stop: Callable[[], object] | None = None) -> Summary:
        """Build (or bring up to date) the site; ``on_stop`` is called first when stopped."""
        out = self.out
        os.makedirs(out, exist_ok=True)
        st = os.stat(out)
        pages, problems = scan_archive(self.archive, {(st.st_dev, st.st_ino)})
        for problem in problems:
            if isinstance(problem.error, Skipped):
                self.skipped += 1
                self._say(str(problem.error))
            else:
                self.failed += 1
                self._say(f"{problem.path}: {problem.error.strerror or problem.error}")
        self.pages = len(pages)
        keys = set(pages)
        resolver = Resolver(keys)
        old = _load_manifest(out)
        old_pages: dict[str, Any] = old.get("pages", {})
        same_keys = sorted(old.get("keys", [])) == sorted(keys)
        has_opinion = "opinion/index" in keys
        # When the opinion section comes or goes, every page's navigation bar changes.
        reuse = old_pages if old.get("opinion") == has_opinion else {}
        tasks: list[tuple[str, str]] = []
        manifest = self.manifest
        for key in sorted(pages):
            entry = reuse.get(key)
            if entry is not None and all(os.path.exists(p) for p in _outputs(out, key)):
                try:
                    with open(pages[key], "rb") as fh:
                        digest = hashlib.sha256(fh.read()).hexdigest()
                except OSError:
                    digest = ""
                if digest == entry["digest"] and (
                    same_keys or [resolver.page(u, key) for u in entry["urls"]] == entry["resolved"]
                ):
                    manifest[key] = entry
                    continue
            tasks.append((key, pages[key]))
        self.rendered = len(tasks)
        gone = sorted(set(old_pages) - keys)
        state = {"out": out, "resolver": resolver, "opinion": has_opinion}
        pool: Workers | None = None
        finished = False
        bar = _Bar(self.progress, len(tasks))

        def take(result: Built) -> None:
            self.written += result.written
            if result.unwritable is not None:
                raise Unwritable(result.unwritable)
            self.done += 1
            if result.error is not None:
                self.failed += 1
                bar.message(result.error, self.report)
            else:
                resolved = [resolver.page(u, result.key) for u in result.urls]
                manifest[result.key] = {
                    "digest": result.digest,
                    "urls": list(result.urls),
                    "resolved": resolved,
                    "outside": result.outside,
                }
            bar.update(self.done)

        try:
            for key in gone:
                for path in _outputs(out, key):
                    if os.path.exists(path):
                        os.remove(path)
                        self.removed += 1
                old_pages.pop(key)
            jobs = min(self.jobs, len(tasks))
            if jobs > 1:
                pool = Workers(jobs, _build_chunk, partial(_STATE.update, state))
                stream = pool.map(tasks, max(1, min(32, len(tasks) // (jobs * 8))))
            else:
                stream = _serial(tasks, state)
            for result in stream:
                take(result)
            bar.close()
            try:
                self.written += _write(os.path.join(out, STYLE), STYLESHEET.encode("utf-8"))
                if self.feeds:
                    self.written += _write_feeds(out, pages, self.feed_size, self.base_url)
            except OSError as exc:
                raise Unwritable(f"cannot write {exc.filename or out}: {exc.strerror}") from None
            finished = True
        except BaseException:
            if on_stop is not None:
                on_stop()
            raise
        finally:
            if pool is not None:
                # Pages the workers finished after the stop are whole: remembered as built.
                for result in pool.stop(early=not finished):
                    if result.unwritable is None:
                        take(result)
            bar.close()
            if not finished:
                # Remembered as built: the pages done now and those that were current. A
                # page removed from the archive whose files are still here stays listed,
                # so that the next build removes them.
                manifest.update({k: old_pages[k] for k in gone if k in old_pages})
            doc = {"version": 1, "keys": sorted(keys), "opinion": has_opinion, "pages": manifest}
            try:
                data = json.dumps(doc, sort_keys=True, indent=0).encode()
                self.written += _write(os.path.join(out, MANIFEST), data)
            except OSError as exc:
                if finished:
                    raise Unwritable(
                        f"cannot write {os.path.join(out, MANIFEST)}: {exc.strerror}"
                    ) from None
        return self.summary()


class Unwritable(Exception):
    """An output of the site cannot be written: the build stops."""


def build(
    archive: str,
    out: str,
    *,
    jobs: int = 1,
    progress: IO[str] | None = None,
    report: IO[str] | None = None,
    feeds: bool = True,
    feed_size: int = 50,
    base_url: str | None = None,
) -> Summary:
    """Build (or bring up to date) the site of ``archive`` in ``out``."""
    return Builder(
        archive,
        out,
        jobs=jobs,
        progress=progress,
        report=report,
        feeds=feeds,
        feed_size=feed_size,
        base_url=base_url,
    ).run()


_EVENT_KEY = re.compile(r"(?:.*/)?news/(\d{4})/(\d{2})/(\d{1,2})/([^/]+)")
_EDITORIAL_KEY = re.compile(r"(?:.*/)?opinion/(\d{4})/(\d{2})/(\d{1,2})/[^/]+/(?:README|index)")


def _dated(keys: Iterable[str], pattern: re.Pattern[str]) -> list[tuple[_dt.date, str]]:
    out = []
    for key in keys:
        m = pattern.fullmatch(key)
        if m is None or (pattern is _EVENT_KEY and m[4] in ("index", "README")):
            continue
        try:
            out.append((_dt.date(int(m[1]), int(m[2]), int(m[3])), key))
        except ValueError:
            continue
    out.sort(reverse=True)
    return out


def _items(pages: dict[str, str], pattern: re.Pattern[str], size: int) -> list[Any]:
    from ._api import load
    from .feeds import FeedItem

    items: list[tuple[Any, Any]] = []
    seen: set[str] = set()
    for date, key in _dated(pages, pattern):
        if len(items) == size:
            break
        folder = posixpath.dirname(key)
        if pattern is _EDITORIAL_KEY and folder in seen:
            continue  # index.md and README.md twins: one editorial
        seen.add(folder)
        try:
            page = load(pages[key])
        except (ParseError, OSError):
            continue
        if not isinstance(page, (Event, Editorial)):
            continue
        body = page.body.split("\n\n")[0].replace("\n", " ") if page.body else page.title
        author = page.author if isinstance(page, Editorial) else None
        items.append((FeedItem(page.title, key, date, body, author), page.language))
    return items


def _write_feeds(out: str, pages: dict[str, str], size: int, base_url: str | None) -> int:
    """Write the feeds, links absolute under ``base_url`` or relative to the site's root;
    return how many files changed."""
    from . import feeds

    news = _items(pages, _EVENT_KEY, size)
    language = next((lang for _, lang in news if lang is not None), None)
    if language is None and news:
        language = "zh" if _html._CJK.search(news[0][0].title) else "en"
    events = [i for i, _ in news]
    kw: dict[str, Any] = {"language": language, "base_url": base_url, "size": size}
    opinion = [i for i, _ in _items(pages, _EDITORIAL_KEY, size)]
    texts = {
        "index_rss.xml": feeds.rss(events, **kw),
        "index_atom.xml": feeds.atom(events, **kw),
        "index_feed.json": feeds.json_feed(events, **kw),
        "opinion_rss.xml": feeds.rss(
            opinion,
            description="Opinion",
            home="opinion/index.html",
            feed_path="opinion_rss.xml",
            **kw,
        ),
    }
    return sum(_write(os.path.join(out, n), t.encode("utf-8")) for n, t in texts.items())


class _Bar:
    def __init__(self, stream: IO[str] | None, total: int) -> None:
        self.stream = stream
        self.total = total
        self.last = 0.0

    def update(self, done: int) -> None:
        now = time.monotonic()
        if self.stream is None or (now - self.last < 0.1 and done != self.total):
            return
        self.last = now
        bar = "#" * (30 * done // max(self.total, 1))
        self.stream.write(f"\r[{bar:.<30}] {done}/{self.total}")
        self.stream.flush()

    def message(self, text: str, report: IO[str] | None) -> None:
        if self.stream is not None:
            self.stream.write("\r\x1b[K")
        if report is not None:
            print(text, file=report)

    def close(self) -> None:
        if self.stream is not None and self.total:
            self.stream.write("\n")
            self.stream.flush()


# ------------------------------------------------------------------- command line


def run(args: argparse.Namespace) -> int:
    """Run ``newsevent site``: the fault rules are those of ``convert`` (docs/cli.md)."""
    from .feeds import _absolute_base

    archive, out = args.archive, args.output
    if args.jobs < 1 or args.feed_size < 1:
        print("newsevent: --jobs and --feed-size must be at least 1", file=sys.stderr)
        return 2
    if args.base_url is not None:
        try:
            _absolute_base(args.base_url, "--base-url")
        except ValueError as exc:
            print(f"newsevent: {exc}", file=sys.stderr)
            return 2
    if os.path.exists(out) and not os.path.isdir(out):
        print(f"newsevent: cannot write {out}: a file, not a folder", file=sys.stderr)
        return _EXIT_FAILED
    errors = _runs.check_sources([archive])
    if not errors and not os.path.isdir(archive):
        errors = [f"{archive}: not a directory"]
    if errors:
        print(f"newsevent: {errors[0]}", file=sys.stderr)
        return _EXIT_FAILED
    auto = args.progress == "auto" and sys.stderr.isatty() and sys.stdout.isatty()
    stream = sys.stderr if (args.progress == "always" or auto) else None
    started = time.monotonic()
    builder = Builder(
        archive,
        out,
        jobs=args.jobs,
        progress=stream,
        report=sys.stderr,
        feed_size=args.feed_size,
        base_url=args.base_url,
    )
    status, why = _EXIT_OK, None
    with _runs.stop_on_signals():
        try:
            try:
                _runs.prepare_dir(out)
            except (_runs.Unwritable, _runs.Usage) as exc:
                print(f"newsevent: {exc}", file=sys.stderr)
                return _EXIT_FAILED
            summary = builder.run(on_stop=_runs.ignore_signals)
        except (KeyboardInterrupt, _runs.Stop) as exc:
            status = _runs.stop_status(exc)
            why = "interrupted"
        except (Unwritable, _runs.WorkerDied) as exc:
            print(f"newsevent: {exc}", file=sys.stderr)
            status, why = _EXIT_FAILED, "stopped"
        except OSError as exc:
            name = exc.filename or out
            print(f"newsevent: cannot write {name}: {exc.strerror or exc}", file=sys.stderr)
            status, why = _EXIT_FAILED, "stopped"
        if why is not None:
            summary = builder.summary()
        took = time.monotonic() - started
        print(_summary_text(summary, why, took), file=sys.stderr)
        if why is None and args.base_url is None:
            print(
                "newsevent: no --base-url: feed links are relative to the site's root "
                "(give the address the site is published at for absolute links, as "
                "RSS 2.0 and JSON Feed 1.1 ask)",
                file=sys.stderr,
            )
    if status != _EXIT_OK:
        return status
    return _EXIT_FAILED if summary.failed else _EXIT_OK


def _summary_text(summary: Summary, why: str | None, took: float) -> str:
    parts = [
        f"{summary.pages} pages",
        f"{summary.rendered - summary.left} rebuilt",
        f"{summary.written} files written",
        f"{summary.failed} failed",
        f"{summary.outside} links leave the archive",
    ]
    if summary.skipped:
        parts.append(f"{summary.skipped} skipped")
    if summary.removed:
        parts.append(f"{summary.removed} files removed")
    if why is not None:
        parts.append(f"{summary.left} not done; run the command again to finish")
    head = "newsevent: " + (f"{why}: " if why else "")
    return head + ", ".join(parts) + f" ({took:.1f} s)"
