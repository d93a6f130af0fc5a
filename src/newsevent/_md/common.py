"""What every Markdown page shares: line splitting, the edition's words, inline helpers."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from .. import _inline
from .._errors import ParseError
from .._model import (
    Language,
)
from .._spelling import Spelling, attach
from .._text import BLANK, bad_char

T = TypeVar("T")

SOURCES_HEADINGS: dict[str, Language] = {"Source:": "en", "Sources:": "en", "信息来源:": "zh"}
RELATED_HEADINGS: dict[str, Language] = {"Related:": "en", "有关:": "zh"}
CHANGES_HEADING = "Changes:"
UNPARSED_HEADING = "Unparsed:"
CONTEXT_LABELS: dict[str, Language] = {"Context": "en", "消息": "zh", "上下文": "zh"}
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
WRITE_HEADINGS: dict[Language, tuple[str, str, str]] = {
    "en": ("Sources:", "Related:", "Context"),
    "zh": ("信息来源:", "有关:", "消息"),
}

PREVIOUS_LABELS: dict[str, Language] = {"Previous Day...": "en", "前一天...": "zh"}
WRITE_PREVIOUS: dict[Language, str] = {"en": "Previous Day...", "zh": "前一天..."}


def check_kept(line: str, lineno: int) -> None:
    """The rule of a page's ``extra`` lines, checked where the line (0-based) is read."""
    problem = bad_char(line)
    if problem is not None:
        raise ParseError(f"extra line: {problem}", lineno + 1, 1)


def is_blank(line: str) -> bool:
    return not line.strip(BLANK)


def context_tags(text: str) -> tuple[Language, tuple[str, ...]] | None:
    """Read the text of a ``_LABEL: tag, tag_`` emphasis: the label's language and the tags."""
    label, sep, rest = text.partition(": ")
    if not sep or label not in CONTEXT_LABELS:
        return None
    tags = tuple(t.strip(BLANK) for t in rest.split(", "))
    return (CONTEXT_LABELS[label], tags) if all(tags) else None


def same_day(m: re.Match[str]) -> bool:
    """Whether a heading's label (groups 1-3) and link (groups 5-7) name the same day."""
    # Year and month have fixed widths in both; the day may be zero-padded in one only.
    return m[1] == m[5] and m[2] == m[6] and (m[3] == m[7] or int(m[3]) == int(m[7]))


def split_lines(src: str) -> list[str]:
    """Split a page into lines the way every reader of this package does."""
    if src.startswith("\ufeff"):
        src = src[1:]
    if "\r" in src:
        src = src.replace("\r\n", "\n").replace("\r", "\n")
    return src.split("\n")


def date_heading(marks: str) -> re.Pattern[str]:
    """A heading ``MARKS [YYYY-MM-D](PREFIX/news/YYYY/MM/D/index.md)``: groups 1-3 the label's
    date, 4 the prefix, 5-7 the link's date (see :func:`same_day`)."""
    return re.compile(
        marks + r" \[(\d{4})-(\d{2})-(\d{1,2})\]"
        r"\(((?:/[^/?#()\s]+)*)/news/(\d{4})/(\d{2})/(\d{1,2})/index\.md\)[ \t]*"
    )


def build(factory: Callable[[], T], lineno: int, colno: int = 1) -> T:
    try:
        return factory()
    except (ValueError, TypeError) as exc:
        raise ParseError(str(exc), lineno, colno) from None


def build_page(factory: Callable[[], T], spelling: Spelling, lineno: int) -> T:
    """``build`` a page that holds ``spelling``, then tell the spelling its values."""
    page = build(factory, lineno)
    attach(spelling, page)
    return page


def guess_language(*texts: str | None) -> Language:
    """The edition a page without localised words belongs to: Chinese script or not."""
    return "zh" if any(t and _CJK.search(t) for t in texts) else "en"


def bom(src: str | bytes) -> str:
    """The byte-order mark ``src`` starts with, as text (``""`` when none)."""
    if isinstance(src, str):
        return "\ufeff" if src.startswith("\ufeff") else ""
    return "\ufeff" if bytes(src[:3]) == b"\xef\xbb\xbf" else ""


def written(build: Callable[[Callable[[str], str]], str], expected: list[_inline.Node]) -> str:
    """``build(plain)`` when it reads back as ``expected``, else ``build(escape)``."""
    line = build(_inline.plain_or_escaped)
    if _inline.nodes(line) == expected:
        return line
    return build(_inline.escape)


def link(text: str, url: str) -> str:
    """``[text](url)``, escaped only where it would not read back as that one link."""
    if _inline.bare_link(text, url):
        return f"[{text}]({url})"  # what written() gives, without writing it twice
    dest = _inline.escape_url_dest(url)
    return written(lambda esc: f"[{esc(text)}]({dest})", [("link", text, url)])


def emphasis(em: str) -> str:
    """``_em_``, escaped only where it would not read back as that emphasis."""
    if _inline.bare_em(em):
        return f"_{em}_"
    return written(lambda esc: f"_{esc(em)}_", [("em", em)])
