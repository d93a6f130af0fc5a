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
import multiprocessing
import os
import posixpath
import re
import signal
import sys
import time
from collections.abc import Iterable, Iterator
from typing import IO, Any, NamedTuple
from urllib.parse import quote, unquote, urlsplit

from lxml.html.builder import E

from . import _html, _json, _xml
from ._atomic import write_bytes
from ._errors import ParseError
from ._model import Editorial, Event, Page
from ._stream import iter_files

COMMANDS = frozenset({"site"})
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
    if folder:
        os.makedirs(folder, exist_ok=True)
    write_bytes(path, data, durable=False)
    return True


def build_page(task: tuple[str, str]) -> Built:
    """Read one archive page and write its four files (those whose bytes changed)."""
    key, source = task
    out: str = _STATE["out"]
    resolver: Resolver = _STATE["resolver"]
    with open(source, "rb") as fh:
        data = fh.read()
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
    written = sum(_write(p, b) for p, b in zip(_outputs(out, key), files, strict=True))
    return Built(key, digest, tuple(urls), written, outside, None)


def _api_load(data: bytes, source: str) -> Page:
    from ._api import loads
    from ._model import placed

    page = loads(data, "markdown")
    return placed(page, source) if isinstance(page, Editorial) else page


def _init(state: dict[str, Any]) -> None:
    _STATE.update(state)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


# ------------------------------------------------------------------- the build


class Summary(NamedTuple):
    pages: int
    rendered: int
    written: int
    failed: int
    outside: int
    removed: int


def _load_manifest(out: str) -> dict[str, Any]:
    try:
        with open(os.path.join(out, MANIFEST), encoding="utf-8") as fh:
            doc = json.load(fh)
        return doc if isinstance(doc, dict) and doc.get("version") == 1 else {}
    except (OSError, ValueError):
        return {}


def pages_of(archive: str) -> dict[str, str]:
    """Every Markdown page of ``archive``: key (relative path without ``.md``) -> path."""
    found: dict[str, str] = {}
    for path in iter_files([archive], suffixes=(".md",)):
        rel = os.path.relpath(path, archive).replace(os.sep, "/")
        found[rel[:-3]] = path
    return found


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
    os.makedirs(out, exist_ok=True)
    pages = pages_of(archive)
    keys = set(pages)
    resolver = Resolver(keys)
    old = _load_manifest(out)
    old_pages: dict[str, Any] = old.get("pages", {})
    same_keys = sorted(old.get("keys", [])) == sorted(keys)
    has_opinion = "opinion/index" in keys
    # When the opinion section comes or goes, every page's navigation bar changes.
    reuse = old_pages if old.get("opinion") == has_opinion else {}
    tasks: list[tuple[str, str]] = []
    manifest: dict[str, Any] = {}
    for key in sorted(pages):
        entry = reuse.get(key)
        if entry is not None and all(os.path.exists(p) for p in _outputs(out, key)):
            with open(pages[key], "rb") as fh:
                digest = hashlib.sha256(fh.read()).hexdigest()
            if digest == entry["digest"] and (
                same_keys or [resolver.page(u, key) for u in entry["urls"]] == entry["resolved"]
            ):
                manifest[key] = entry
                continue
        tasks.append((key, pages[key]))
    state = {"out": out, "resolver": resolver, "opinion": has_opinion}
    written = failed = 0
    bar = _Bar(progress, len(tasks))
    for done, result in enumerate(_run(tasks, jobs, state), 1):
        written += result.written
        if result.error is not None:
            failed += 1
            bar.message(result.error, report)
        else:
            resolved = [resolver.page(u, result.key) for u in result.urls]
            manifest[result.key] = {
                "digest": result.digest,
                "urls": list(result.urls),
                "resolved": resolved,
                "outside": result.outside,
            }
        bar.update(done)
    bar.close()
    removed = 0
    for key in sorted(set(old_pages) - keys):
        for path in _outputs(out, key):
            if os.path.exists(path):
                os.remove(path)
                removed += 1
    written += _write(os.path.join(out, STYLE), STYLESHEET.encode("utf-8"))
    if feeds:
        written += _write_feeds(out, pages, feed_size, base_url)
    outside = sum(int(e["outside"]) for e in manifest.values())
    doc = {"version": 1, "keys": sorted(keys), "opinion": has_opinion, "pages": manifest}
    _write(os.path.join(out, MANIFEST), json.dumps(doc, sort_keys=True, indent=0).encode())
    return Summary(len(pages), len(tasks), written, failed, outside, removed)


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
    from . import feeds

    news = _items(pages, _EVENT_KEY, size)
    language = next((lang for _, lang in news if lang is not None), None)
    if language is None and news:
        language = "zh" if _html._CJK.search(news[0][0].title) else "en"
    events = [i for i, _ in news]
    opinion = [i for i, _ in _items(pages, _EDITORIAL_KEY, size)]
    kw: dict[str, Any] = {"language": language, "base_url": base_url, "size": size}
    texts = {
        "index_rss.xml": feeds.rss(events, **kw),
        "index_atom.xml": feeds.atom(events, **kw),
        "index_feed.json": feeds.json_feed(events, **kw),
        "opinion_rss.xml": feeds.rss(
            opinion, description="Opinion", home="opinion/index.html", **kw
        ),
    }
    return sum(_write(os.path.join(out, n), t.encode("utf-8")) for n, t in texts.items())


def _run(tasks: list[tuple[str, str]], jobs: int, state: dict[str, Any]) -> Iterator[Built]:
    if jobs <= 1 or len(tasks) < 2:
        _STATE.update(state)
        yield from map(build_page, tasks)
        return
    ctx = multiprocessing.get_context("fork")
    pool = ctx.Pool(jobs, _init, (state,))
    try:
        yield from pool.imap(build_page, tasks, chunksize=32)
        pool.close()
    finally:
        pool.terminate()
        pool.join()


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


def add_parser(sub: Any, cores: int) -> None:
    """Register ``site`` on the main parser's subparsers."""
    s = sub.add_parser(
        "site",
        help="build a browsable site of an archive: every page in four formats, feeds",
        description=(
            "Write every Markdown page of ARCHIVE at its own path under OUT as .md, .html, "
            ".json and .xml, with relative links between the HTML pages, a stylesheet and "
            "the feeds. Running it again rewrites only what changed."
        ),
        epilog="Exit codes: 0 every page built, 1 some page failed or OUT cannot be "
        "written, 2 usage error, 130 interrupted (Ctrl-C), 143 terminated.",
    )
    s.add_argument("archive", metavar="ARCHIVE", help="archive folder (Markdown pages)")
    s.add_argument("-o", "--output", required=True, metavar="OUT", help="site folder")
    s.add_argument(
        "-j", "--jobs", type=int, default=cores, help=f"build in N processes (default {cores})"
    )
    s.add_argument("--feed-size", type=int, default=50, help="events per feed (default 50)")
    s.add_argument("--base-url", help="absolute address of OUT, for absolute feed links")
    s.add_argument(
        "--progress",
        choices=["auto", "always", "never"],
        default="auto",
        help="progress bar on standard error (auto: only on a terminal)",
    )


def run(args: argparse.Namespace) -> int:
    """Run ``newsevent site``."""
    archive, out = args.archive, args.output
    if not os.path.isdir(archive):
        print(f"newsevent: {archive}: not a directory", file=sys.stderr)
        return _EXIT_FAILED
    if args.jobs < 1 or args.feed_size < 1:
        print("newsevent: --jobs and --feed-size must be at least 1", file=sys.stderr)
        return 2
    auto = args.progress == "auto" and sys.stderr.isatty() and sys.stdout.isatty()
    stream = sys.stderr if (args.progress == "always" or auto) else None
    started = time.monotonic()
    try:
        summary = build(
            archive,
            out,
            jobs=args.jobs,
            progress=stream,
            report=sys.stderr,
            feed_size=args.feed_size,
            base_url=args.base_url,
        )
    except KeyboardInterrupt:
        print("newsevent: interrupted; run the command again to finish", file=sys.stderr)
        return 130
    except OSError as exc:
        name = exc.filename or out
        print(f"newsevent: cannot write {name}: {exc.strerror or exc}", file=sys.stderr)
        return _EXIT_FAILED
    took = time.monotonic() - started
    print(
        f"newsevent: {summary.pages} pages, {summary.rendered} rebuilt, "
        f"{summary.written} files written, {summary.failed} failed, "
        f"{summary.outside} links leave the archive"
        + (f", {summary.removed} files removed" if summary.removed else "")
        + f" ({took:.1f} s)",
        file=sys.stderr,
    )
    return _EXIT_FAILED if summary.failed else _EXIT_OK
