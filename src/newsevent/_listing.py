"""Markdown day pages and front pages: the reader and the writer."""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Hashable
from functools import partial

from . import _inline, _markdown
from ._errors import ParseError
from ._markdown import (
    WRITE_HEADINGS,
    bom,
    build,
    context_tags,
    guess_language,
    is_blank,
    same_day,
    split_lines,
    written,
)
from ._model import (
    UNPARSED_LABEL,
    DayPage,
    Entry,
    Event,
    FrontPage,
    FrontSection,
    Language,
    Page,
    day_folder,
    day_label,
)
from ._spelling import Mark, Spelling, attach, merge, unchanged
from ._text import BLANK, as_text

PREVIOUS_LABELS: dict[str, Language] = {"Previous Day...": "en", "前一天...": "zh"}
WRITE_PREVIOUS: dict[Language, str] = {"en": "Previous Day...", "zh": "前一天..."}
_DAY = re.compile(
    r"## \[(\d{4})-(\d{2})-(\d{1,2})\]"
    r"\(((?:/[^/?#()\s]+)*)/news/(\d{4})/(\d{2})/(\d{1,2})/index\.md\)[ \t]*"
)
_H2 = re.compile(r"##[ \t]+(.*?)[ \t]*")
_RULE = re.compile(r"[ \t]*---[ \t]*")
_CATEGORY = re.compile(r"#####(?:[ \t]|$)")
_UNPARSED = f"## {UNPARSED_LABEL}"
# The first line that starts an event page ("### [") or a listing page ("##" but not "###").
_FIRST_HEADING = re.compile(r"^(?:### \[|##(?!#))", re.MULTILINE)
_DAY_FORMATS = "Formats: [HTML]({0}.html)  [JSON]({0}.json)  [XML]({0}.xml)"
_FRONT_FORMATS = "Formats: [HTML](/index.html)  [JSON](/index.json)  [XML](/index.xml)"


def _is_h2(line: str) -> bool:
    return line.startswith("##") and not line.startswith("###") and not _CATEGORY.match(line)


def kind(lines: list[str]) -> str:
    """``"event"``, ``"day"`` or ``"front"``: what the first heading says the page is.

    A page whose first ``##`` heading is a day heading is a day page, unless it
    has ``---`` lines (before any ``## Unparsed:`` section): then it is a front page.
    """
    for n, line in enumerate(lines):
        if line.startswith("### ["):
            return "event"
        if _is_h2(line):
            body = lines[n:]
            end = next((i for i, x in enumerate(body) if x.rstrip(BLANK) == _UNPARSED), len(body))
            if any(_RULE.fullmatch(x) for x in body[:end]):
                return "front"
            return "day" if is_day_heading(line) else "front"
    return "event"


def is_day_heading(line: str) -> bool:
    """True for ``## [YYYY-MM-D](…/news/YYYY/MM/D/index.md)`` with both dates the same."""
    m = _DAY.fullmatch(line)
    return m is not None and same_day(m)


class _Reader:
    def __init__(self, src: str, lead: str = "") -> None:
        self.src = src
        self.lead = lead
        self.lines = split_lines(src)
        self.marks: list[Mark] = []
        self.extra_at: list[int] = []  # the line of each extra line
        self.extra: list[str] = []
        self.language: Language | None = None
        self.i = 0
        self.preamble_end = 0  # extra[:preamble_end] came before the first heading

    def text(self, raw: str) -> str:
        return _inline.text(raw.strip(BLANK)).strip(BLANK)

    def keep(self, line: str, lineno: int) -> None:
        """A line the reader does not understand: kept verbatim, in place."""
        self.extra.append(line)
        self.extra_at.append(lineno)

    def spelling(self) -> Spelling:
        marks = self.marks + [
            ("extra", line, n, n + 1) for line, n in zip(self.extra, self.extra_at, strict=True)
        ]
        return Spelling(self.src, marks, self.lead)

    def preamble(self) -> None:
        """Skip to the first ``##`` heading, keeping every non-blank line in ``extra``."""
        lines = self.lines
        while self.i < len(lines):
            line = lines[self.i]
            if line.startswith("##") and not line.startswith("###"):
                self.preamble_end = len(self.extra)
                return
            if not is_blank(line):
                self.keep(line, self.i)
            self.i += 1
        raise ParseError("not a listing page: no '## ' heading", 1, 1)

    def take_formats(self, formats_line: str, value: Hashable) -> bool:
        """Whether the preamble had ``formats_line``; the first such line leaves ``extra``."""
        for n in range(self.preamble_end):
            if self.extra[n].rstrip(BLANK) == formats_line:
                del self.extra[n]
                at = self.extra_at.pop(n)
                self.marks.append(("formats", value, at, at + 1))
                self.preamble_end -= 1
                return True
        return False

    def entries(self, stop: re.Pattern[str] | None = None) -> tuple[Entry, ...]:
        """Read entries up to the next ``##`` heading (or a line matching ``stop``)."""
        lines = self.lines
        out: list[Entry] = []
        category: str | None = None
        category_line = ""
        category_at = 0
        current: dict[str, object] | None = None
        current_no = 0
        parts: list[tuple[str, int]] = []  # the lines of the current entry: part, line

        def finish() -> None:
            nonlocal current
            if current is not None:
                fields = current
                entry = build(lambda: Entry(**fields), current_no)  # type: ignore[arg-type]
                out.append(entry)
                for part, at in parts:
                    # Each line is aligned on its own value: a new title keeps the summary.
                    value: Hashable = {
                        "entry": (entry.title, entry.url),
                        "entry.category": entry.category,
                        "entry.summary": entry.summary,
                        "entry.context": (entry.context, self.language),
                    }[part]
                    self.marks.append((part, value, at, at + 1))
                current = None

        while self.i < len(lines):
            line = lines[self.i]
            if (
                line.startswith("##") and not line.startswith("###") and not _CATEGORY.match(line)
            ) or (stop is not None and stop.fullmatch(line)):
                break
            at = self.i
            self.i += 1
            if is_blank(line):
                continue
            if _CATEGORY.match(line):
                finish()
                if category is not None:
                    self.keep(category_line, category_at)
                category, category_line, category_at = self.text(line[5:]), line, at
                continue
            if line.startswith("### "):
                finish()
                got = _inline.nodes(line[4:].strip(BLANK))
                if len(got) == 1 and got[0][0] == "link" and got[0][2]:
                    current = {
                        "title": got[0][1].strip(BLANK),
                        "url": got[0][2],
                        "category": category,
                    }
                    current_no = self.i
                    parts = [("entry", at)]
                    if category is not None:
                        parts.insert(0, ("entry.category", category_at))
                else:
                    if category is not None:
                        self.keep(category_line, category_at)
                    self.keep(line, at)
                category = None
                continue
            if current is not None:
                tags = self._context(line)
                if tags is not None and "context" not in current:
                    current["context"] = tags
                    parts.append(("entry.context", at))
                    continue
                if tags is None and "summary" not in current and "context" not in current:
                    current["summary"] = self.text(line)
                    parts.append(("entry.summary", at))
                    continue
            self.keep(line, at)
        finish()
        if category is not None:
            self.keep(category_line, category_at)
        return tuple(out)

    def _context(self, line: str) -> tuple[str, ...] | None:
        got = _inline.nodes(line.strip(BLANK))
        if len(got) != 1 or got[0][0] != "em":
            return None
        found = context_tags(got[0][1])
        if found is None:
            return None
        self.language = self.language or found[0]
        return found[1]

    def rest(self) -> None:
        """Everything after the page's last heading: kept lines only."""
        lines = self.lines
        while self.i < len(lines):
            line = lines[self.i]
            self.i += 1
            if line.rstrip(BLANK) == _UNPARSED:
                self.marks.append(("head:unparsed", None, self.i - 1, self.i))
                for j in range(self.i, len(lines)):
                    if not is_blank(lines[j]):
                        self.keep(lines[j], j)
                self.i = len(lines)
                return
            if not is_blank(line):
                self.keep(line, self.i - 1)


def loads_day(src: str, lead: str = "") -> DayPage:
    """Read a day listing page written in Markdown."""
    r = _Reader(src, lead)
    lines = r.lines
    r.preamble()
    line = lines[r.i]
    m = _DAY.fullmatch(line)
    if not m or not same_day(m):
        raise ParseError(
            "malformed day heading: expected '## [YYYY-MM-D](/news/YYYY/MM/D/index.md)'", r.i + 1, 4
        )
    try:
        date = _dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError as exc:
        raise ParseError(f"invalid date in the day heading: {exc}", r.i + 1, 5) from None
    formats = r.take_formats(_DAY_FORMATS.format(day_folder(date) + "/index"), date)
    r.marks.append(("date", (date, m[4]), r.i, r.i + 1))
    r.i += 1
    entries = r.entries()
    previous = None
    if r.i < len(lines):
        heading = lines[r.i]
        got = _inline.nodes(heading[2:].strip(BLANK)) if heading.startswith("## ") else []
        if len(got) == 1 and got[0][0] == "link" and got[0][1] in PREVIOUS_LABELS and got[0][2]:
            previous = got[0][2]
            r.language = PREVIOUS_LABELS[got[0][1]] if r.language is None else r.language
            r.marks.append(("previous", (previous, PREVIOUS_LABELS[got[0][1]]), r.i, r.i + 1))
            r.i += 1
    r.rest()
    language = r.language if (previous is not None or any(e.context for e in entries)) else None
    spelling = r.spelling()
    page = build(
        lambda: DayPage(
            date=date,
            entries=entries,
            previous=previous,
            prefix=m[4],
            formats=formats,
            language=language,
            extra=tuple(r.extra),
            spelling=spelling,
        ),
        1,
    )
    attach(spelling, page)
    return page


def loads_front(src: str, lead: str = "") -> FrontPage:
    """Read a front page written in Markdown."""
    r = _Reader(src, lead)
    r.preamble()
    formats = r.take_formats(_FRONT_FORMATS, None)
    lines = r.lines
    sections: list[FrontSection] = []
    while r.i < len(lines):
        line = lines[r.i]
        if is_blank(line):
            r.i += 1
            continue
        if _RULE.fullmatch(line):
            r.i += 1
            if sections and not sections[-1].rule:
                last = sections[-1]
                sections[-1] = FrontSection(
                    label=last.label, url=last.url, entries=last.entries, rule=True
                )
                r.marks.append(("rule", (last.label, last.url), r.i - 1, r.i))
            else:
                r.keep(line, r.i - 1)
            continue
        hm = _H2.fullmatch(line) if line.startswith("##") and not line.startswith("###") else None
        if hm is None or hm[1] == UNPARSED_LABEL:
            if hm is not None:
                r.rest()
                break
            r.keep(line, r.i)
            r.i += 1
            continue
        lineno = r.i + 1
        r.i += 1
        got = _inline.nodes(hm[1])
        if len(got) == 1 and got[0][0] == "link" and got[0][2] and got[0][1].strip(BLANK):
            label, url = got[0][1].strip(BLANK), got[0][2]
        else:
            label, url = r.text(hm[1]), None
        r.marks.append(("section", (label, url), r.i - 1, r.i))
        entries = r.entries(stop=_RULE)
        section = partial(FrontSection, label=label, url=url, entries=entries)
        sections.append(build(section, lineno))
    if not any(s.url is not None or s.entries for s in sections):
        raise ParseError("not a page: no event, day or front-page heading with a link", 1, 1)
    localised = any(e.context for s in sections for e in s.entries)
    spelling = r.spelling()
    page = build(
        lambda: FrontPage(
            sections=tuple(sections),
            formats=formats,
            language=r.language if localised else None,
            extra=tuple(r.extra),
            spelling=spelling,
        ),
        1,
    )
    attach(spelling, page)
    return page


# ---------------------------------------------------------------- writing


def _line_text(value: str) -> str:
    text = _inline.literal(value)
    if text.startswith("#") or _RULE.fullmatch(text):
        return "\\" + text
    return text


def _entry(e: Entry, label: str, gap: str) -> str:
    out = []
    if e.category is not None:
        out.append(f"##### {_line_text(e.category)}\n")
    url = _inline.escape_url_dest(e.url)
    title = written(lambda esc: f"[{esc(e.title)} ]({url})", [("link", e.title + " ", e.url)])
    out.append(f"### {title}\n")
    if e.summary is not None:
        out.append(_line_text(e.summary) + "\n")
    if e.context:
        em = f"{label}: {', '.join(e.context)}"
        out.append(written(lambda esc: f"_{esc(em)}_", [("em", em)]) + "\n")
    out.append(gap)
    return "".join(out)


def _extra(extra: tuple[str, ...]) -> str:
    if not extra:
        return ""
    return f"## {UNPARSED_LABEL}\n\n" + "".join(line + "\n" for line in extra)


def _language(page: DayPage | FrontPage) -> Language:
    if page.language is not None:
        return page.language
    entries = page.entries
    return guess_language(*(e.title for e in entries[:3]), *(e.category for e in entries[:3]))


def dumps_day(page: DayPage) -> str:
    """Write a day page in the canonical layout of its edition (its spelling unused).

    English: the newest generator's; Chinese: the zh generator's of December 2019 (no
    blank line between entries).
    """
    out = []
    d = page.date
    language = _language(page)
    gap = "" if language == "zh" else "\n"
    if page.formats:
        out.append(f"\n{_DAY_FORMATS.format(day_folder(d) + '/index')}  \n\n")
    out.append(f"## [{day_label(d)}]({page.url})\n\n")
    label = WRITE_HEADINGS[language][2]
    out.extend(_entry(e, label, gap) for e in page.entries)
    if page.previous is not None:
        word = WRITE_PREVIOUS[language]
        out.append(f"## [{word}]({_inline.escape_url_dest(page.previous)})\n\n")
    out.append(_extra(page.extra))
    return "".join(out)


def _section_link(label: str, url: str) -> str:
    dest = _inline.escape_url_dest(url)
    return written(lambda esc: f"[{esc(label)}]({dest})", [("link", label, url)])


def dumps_front(page: FrontPage) -> str:
    """Write a front page in the canonical layout of its edition (its spelling unused).

    English: the newest generator's; Chinese: the zh generator's of December 2019 (two
    blank lines first, no blank line between entries).
    """
    out = []
    language = _language(page)
    gap = "" if language == "zh" else "\n"
    if page.formats:
        out.append(f"\n{_FRONT_FORMATS}  \n\n")
    elif language == "zh":
        out.append("\n\n")
    label = WRITE_HEADINGS[language][2]
    for s in page.sections:
        if s.url is None:
            out.append(f"## {_line_text(s.label)}\n\n")
        else:
            head = _section_link(s.label, s.url)
            out.append(f"## {head}\n\n")
        out.extend(_entry(e, label, gap) for e in s.entries)
        if s.rule:
            out.append("---\n\n")
    out.append(_extra(page.extra))
    return "".join(out)


# ---------------------------------------------------------------- any page


def loads(src: str | bytes, *, fast: bool = True) -> Page:
    """Read an event, day or front page written in Markdown (told apart by its headings).

    The page keeps its spelling (see :class:`newsevent.Spelling`), so that :func:`dumps`
    writes it back byte for byte. ``fast=False`` sends every event-page line through
    mistune instead of the regular-expression fast path; the result is the same, only
    slower.
    """
    lead = bom(src)
    src = as_text(src)
    first = _FIRST_HEADING.search(src)
    what = "event" if first is None or first.group() == "### [" else kind(split_lines(src))
    if what == "day":
        return loads_day(src, lead)
    if what == "front":
        return loads_front(src, lead)
    return _markdown._Reader(src, fast, lead).read()


def canonical(page: Page) -> str:
    """Write any page in the canonical layout of its edition, whatever its spelling."""
    if isinstance(page, Event):
        return _markdown.dumps(page)
    if isinstance(page, DayPage):
        return dumps_day(page)
    if isinstance(page, FrontPage):
        return dumps_front(page)
    raise TypeError(f"expected a page, not {type(page).__name__}")


def dumps(page: Page, *, canonical: bool = False) -> str:
    """Write any page in Markdown.

    A parsed page is written as it was read: unchanged, byte for byte; edited, with only
    the lines of what changed rewritten (see docs/markdown.md). A page built in code, or
    any page with ``canonical=True``, is written in the canonical layout of its edition.
    """
    if canonical or page.spelling is None:
        return _canonical(page)
    if unchanged(page):
        return page.spelling.text
    text = _canonical(page)
    try:
        merged = merge(page.spelling, loads(text).spelling)  # type: ignore[arg-type]
        if loads(merged) == page:
            return merged
    except ParseError:
        pass
    return text


_canonical = canonical
