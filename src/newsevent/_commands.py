"""The arguments of the commands whose code loads only when they run: import, fetch, site.

``newsevent convert`` and the other commands in ``_cli`` start without importing the portal
reader, the site builder and what they need (lxml among them); ``--help`` still lists every
command with its options.
"""

from __future__ import annotations

from typing import Any

PORTAL_COMMANDS = frozenset({"import", "fetch"})
SITE_COMMANDS = frozenset({"site"})
API = "https://en.wikipedia.org/w/api.php"
USER_AGENT = "newsevent/0.1 (https://pypi.org/project/newsevent/; portal fetcher) Python-urllib"


def add_progress(parser: Any, auto: str) -> None:
    """The ``--progress`` option of a command; ``auto`` says when ``auto`` shows the bar."""
    parser.add_argument(
        "--progress",
        choices=["auto", "always", "never"],
        default="auto",
        help=f"progress bar on standard error (auto: {auto})",
    )


def add_portal_parsers(sub: Any) -> None:
    """Register ``import`` and ``fetch`` on the main parser's subparsers."""
    i = sub.add_parser(
        "import",
        help="import portal wikitext (files, directories or -) into a Markdown archive",
        description=(
            "Read day pages of Wikipedia's Current Events Portal (wikitext, as 'fetch' "
            "writes them or as exported) and write their events and day pages in Markdown "
            "at the site's paths under ARCHIVE/news/, chaining the previous-day links. "
            "A page is rewritten only when its text changed."
        ),
        epilog="Exit codes: 0 every page imported, 1 some page failed, ARCHIVE cannot be "
        "written or a worker died, 2 usage error, 129 hung up (SIGHUP), 130 interrupted "
        "(Ctrl-C), 143 terminated (SIGTERM).",
    )
    i.add_argument("sources", nargs="+", metavar="SOURCE", help=".wiki file, directory, or -")
    i.add_argument("-o", "--output", required=True, metavar="ARCHIVE", help="archive folder")
    i.add_argument("--date", help="the day of a page read from standard input (YYYY-MM-DD)")
    i.add_argument("-j", "--jobs", type=int, default=1, help="read in N processes (default 1)")
    add_progress(i, "only on a terminal")
    f = sub.add_parser(
        "fetch",
        help="download portal day pages from the MediaWiki Action API (needs the network)",
        description=(
            "Download the day pages of Wikipedia's Current Events Portal for the days "
            "FIRST..LAST (inclusive) with the MediaWiki Action API, several titles per "
            "request, and write OUTPUT/YYYY/MM/YYYY-MM-DD.wiki with a .json sidecar "
            "(title, revision, timestamp, sha256). Days already downloaded are skipped, so "
            "an interrupted run resumes where it stopped."
        ),
        epilog="Exit codes: 0 all fetched, 1 some request failed or a file cannot be "
        "written, 2 usage error, 129 hung up (SIGHUP), 130 interrupted (Ctrl-C), 143 "
        "terminated (SIGTERM).",
    )
    f.add_argument("first", help="first day, YYYY-MM-DD")
    f.add_argument("last", nargs="?", help="last day, YYYY-MM-DD (default: the first)")
    f.add_argument("-o", "--output", default="wikitext", help="cache folder (default wikitext)")
    f.add_argument("--api", default=API, help=f"the API endpoint (default {API})")
    f.add_argument("--batch", type=int, default=50, help="titles per request (1-50, default 50)")
    f.add_argument("--maxlag", type=int, default=5, help="maxlag parameter in seconds (default 5)")
    f.add_argument("--retries", type=int, default=5, help="tries per request (default 5)")
    f.add_argument("--backoff", type=float, default=2.0, help="first retry wait in seconds")
    f.add_argument("--timeout", type=float, default=60.0, help="seconds per request")
    f.add_argument("--user-agent", default=USER_AGENT, help="User-Agent header to send")
    f.add_argument("--refresh", action="store_true", help="download days already in the cache")


def add_site_parser(sub: Any, cores: int) -> None:
    """Register ``site`` on the main parser's subparsers."""
    s = sub.add_parser(
        "site",
        help="build a browsable site of an archive: every page in four formats, feeds",
        description=(
            "Write every Markdown page of ARCHIVE at its own path under OUT as .md, .html, "
            ".json and .xml, with relative links between the HTML pages, a stylesheet and "
            "the feeds. Running it again rewrites only what changed."
        ),
        epilog="Exit codes: 0 every page built, 1 some page failed, OUT cannot be "
        "written or a worker died, 2 usage error, 129 hung up (SIGHUP), 130 interrupted "
        "(Ctrl-C), 143 terminated (SIGTERM).",
    )
    s.add_argument("archive", metavar="ARCHIVE", help="archive folder (Markdown pages)")
    s.add_argument("-o", "--output", required=True, metavar="OUT", help="site folder")
    s.add_argument(
        "-j", "--jobs", type=int, default=cores, help=f"build in N processes (default {cores})"
    )
    s.add_argument("--feed-size", type=int, default=50, help="events per feed (default 50)")
    s.add_argument(
        "--base-url",
        help="absolute http(s) address OUT is published at, for absolute feed links "
        "(without it, links relative to the site's root)",
    )
    add_progress(s, "only on a terminal")
