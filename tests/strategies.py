"""Hypothesis strategies for every value the model allows."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from newsevent import (
    Change,
    DayPage,
    Editorial,
    Entry,
    Event,
    FrontPage,
    FrontSection,
    Page,
    Related,
    Source,
)
from newsevent._md.common import guess_language
from newsevent._model import COVER_IMAGE, day_folder, day_label

BLANK = " \t"
# Characters with a meaning in Markdown, HTML or this page grammar.
SPECIAL = [
    "[",
    "]",
    "(",
    ")",
    "*",
    "_",
    "#",
    "&",
    "<",
    ">",
    "\\",
    "`",
    "!",
    "~",
    "|",
    '"',
    "'",
    "&amp;",
    "&quot;",
    "&#39;",
    "&nbsp;",
    "1. ",
    "2.",
    "### ",
    "# ",
    "_Context: ",
    ", ",
    "[IMG](x)",
    "[a](b)",
    "](",
    "-{zh-hans:中;zh-tw:中}-",
    "''",
    "[http://x.org y]",
    "  ",
    "中文",
    "消息: ",
    "\u00a0",
    "\u2028",
    "e\u0301",
    "😀",
    "\t",
    "---",
    "- ",
    "* ",
    "> ",
    "|",
    "&#35;",
    "\u2003",
    "\u3000",
]
# Whole lines that are Markdown syntax on their own: as a text value each must be escaped.
SYNTAX_LINES = [
    "---",
    "--- ",
    "***",
    "___",
    "# x",
    "#",
    "##### x",
    "1. x",
    "2) x",
    "* x",
    "- x",
    "+ x",
    "> x",
    "[x]",
    "[x](y)",
    "| a | b |",
    "\\",
    "&amp;",
    "=====",
    "    code",
]
# Link destinations a browser would run: kept as written, never followed or dropped.
UNSAFE_URLS = [
    "javascript:alert(1)",
    "JavaScript:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
    "data:image/png;base64,iVBORw0KGgo=",
    "vbscript:msgbox(1)",
    "javascript:void(0)",
]
_chars = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
_piece = st.one_of(st.text(_chars, max_size=6), st.sampled_from(SPECIAL))


def _xml_ok(s: str) -> bool:
    return all(
        c in "\t\n\r" or 0x20 <= ord(c) <= 0xD7FF or 0xE000 <= ord(c) <= 0xFFFD or ord(c) > 0xFFFF
        for c in s
    )


raw_text = st.lists(_piece, max_size=8).map("".join).filter(_xml_ok)
line = st.one_of(
    raw_text.map(lambda s: s.replace("\n", " ").replace("\r", " ").strip(BLANK)),
    st.sampled_from(SYNTAX_LINES).map(lambda s: s.strip(BLANK)),
)
nonempty_line = line.filter(bool)


def _as_url(s: str) -> str:
    # URLs are kept as written; only ASCII whitespace and controls cannot be carried.
    return "".join(c for c in s if c > " " and c != "\x7f")


url = st.one_of(
    st.sampled_from(
        [
            "http://example.org/a(b)c",
            "/news/2012/11/8/x.md",
            "//img.example/x.jpg",
            "/zh/news/2019/11/30/伊拉克基爾庫克省.md",
            "http://example.org/%E4%BC%8A?a=1&amp;b=2",
            "http://x/a\\(b",
            "<http://x>",
        ]
    ),
    st.sampled_from(UNSAFE_URLS),
    raw_text.map(_as_url),
).filter(bool)
extra_line = raw_text.map(lambda s: s.replace("\n", " ").replace("\r", " ")).filter(
    lambda s: bool(s.strip(BLANK))
)
tag = nonempty_line.filter(lambda s: ", " not in s)
body = st.lists(st.lists(nonempty_line, min_size=1, max_size=3).map("\n".join), max_size=3).map(
    "\n\n".join
)
sources = st.one_of(
    st.builds(Source, name=line, url=url, image=st.none() | url).filter(
        lambda s: not (s.name == COVER_IMAGE and s.image is None)
    ),
    # A source named like the cover image is one only when it has no [IMG] link.
    st.builds(Source, name=st.just(COVER_IMAGE), url=url, image=url),
)
related = st.builds(Related, title=line, url=url, context=st.lists(tag, max_size=3).map(tuple))
changes = st.builds(
    Change,
    title=line,
    url=url,
    label=nonempty_line.filter(lambda s: "(" not in s and ")" not in s),
    timestamp=st.none()
    | st.datetimes(dt.datetime(1000, 1, 1)).map(lambda d: d.replace(microsecond=0)),
)
segment = st.text(
    st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789-_.~%&;伊拉克é"), min_size=1, max_size=12
)


def _edition(draw: st.DrawFn, localised: bool, *texts: str | None) -> str | None:
    # A page whose Markdown has no localised word does not say its edition: the reader
    # leaves None and the writer guesses from the script.
    if localised:
        return draw(st.sampled_from(["en", "zh"]))
    return draw(st.sampled_from([None, guess_language(*texts)]))


@st.composite
def events(draw: st.DrawFn) -> Event:
    srcs = tuple(draw(st.lists(sources, max_size=3)))
    cover = draw(st.none() | url)
    rel = tuple(draw(st.lists(related, max_size=3)))
    chg = tuple(draw(st.lists(changes, max_size=2)))
    title, category = draw(line), draw(st.none() | line)
    language = _edition(draw, bool(srcs or rel or cover is not None), title, category)
    return Event(
        date=draw(st.dates(dt.date(1000, 1, 1))),
        title=title,
        category=category,
        body=draw(body),
        sources=srcs,
        cover_image=cover,
        related=rel,
        changes=chg,
        slug=draw(st.none() | segment),
        prefix=draw(st.sampled_from(["", "/zh"]) | segment.map(lambda s: "/" + s)),
        language=language,
        extra=tuple(draw(st.lists(extra_line, max_size=2))),
    )


entries = st.builds(
    Entry,
    title=line,
    url=url,
    category=st.none() | line,
    summary=st.none() | nonempty_line,
    context=st.lists(tag, max_size=3).map(tuple),
)


def _listing_edition(draw: st.DrawFn, localised: bool, ents: tuple[Entry, ...]) -> str | None:
    first = ents[:3]
    return _edition(draw, localised, *(e.title for e in first), *(e.category for e in first))


@st.composite
def day_pages(draw: st.DrawFn) -> DayPage:
    ents = tuple(draw(st.lists(entries, max_size=4)))
    previous = draw(st.none() | url)
    return DayPage(
        date=draw(st.dates(dt.date(1000, 1, 1))),
        entries=ents,
        previous=previous,
        prefix=draw(st.sampled_from(["", "/zh"]) | segment.map(lambda s: "/" + s)),
        formats=draw(st.booleans()),
        language=_listing_edition(draw, previous is not None or any(e.context for e in ents), ents),
        extra=tuple(draw(st.lists(extra_line, max_size=2))),
    )


front_sections = st.builds(
    FrontSection,
    label=nonempty_line,
    url=st.none() | url,
    entries=st.lists(entries, max_size=3).map(tuple),
    rule=st.booleans(),
).filter(lambda s: not (s.url is None and s.label == "Unparsed:"))


@st.composite
def day_sections(draw: st.DrawFn) -> FrontSection:
    """A front-page section headed by a day, as a day page's heading is."""
    d = draw(st.dates(dt.date(1000, 1, 1)))
    prefix = draw(st.sampled_from(["", "/zh"]))
    return FrontSection(
        label=day_label(d),
        url=f"{prefix}/news/{day_folder(d)}/index.md",
        entries=tuple(draw(st.lists(entries, max_size=2))),
        rule=draw(st.booleans()),
    )


def _not_a_day_page(ss: list[FrontSection]) -> bool:
    first = ss[0]
    is_day = (
        first.url is not None and first.date is not None and first.label == day_label(first.date)
    )
    return not (is_day and first.url.endswith("/index.md") and not any(s.rule for s in ss))


@st.composite
def front_pages(draw: st.DrawFn) -> FrontPage:
    secs = tuple(
        draw(
            st.lists(front_sections | day_sections(), min_size=1, max_size=4)
            .filter(lambda ss: any(s.url is not None or s.entries for s in ss))
            .filter(_not_a_day_page)
        )
    )
    localised = any(e.context for s in secs for e in s.entries)
    ents = tuple(e for s in secs for e in s.entries)
    return FrontPage(
        sections=secs,
        formats=draw(st.booleans()),
        language=_listing_edition(draw, localised, ents),
        extra=tuple(draw(st.lists(extra_line, max_size=2))),
    )


editorial_body = body.filter(lambda b: not any(line.startswith("#") for line in b.split("\n")))


@st.composite
def editorials(draw: st.DrawFn, placed: bool = True) -> Editorial:
    """Editorials; ``placed=False`` leaves out what Markdown does not carry (date, slug…)."""
    return Editorial(
        title=draw(nonempty_line),
        author=draw(nonempty_line),
        body=draw(editorial_body),
        date=draw(st.none() | st.dates()) if placed else None,
        slug=draw(st.none() | segment) if placed else None,
        prefix=draw(st.sampled_from(["", "/zh"])) if placed else "",
        language=draw(st.sampled_from([None, "en", "zh"])) if placed else None,
        extra=tuple(draw(st.lists(extra_line, max_size=2))),
    )


pages: st.SearchStrategy[Page] = st.one_of(
    events(), day_pages(), front_pages(), editorials(placed=False)
)
