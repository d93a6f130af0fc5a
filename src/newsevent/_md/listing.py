"""What day pages and front pages share: telling pages apart, entries, kept lines."""

from __future__ import annotations

import re
from collections.abc import Hashable

from .. import _inline
from .._errors import ParseError
from .._model import (
    UNPARSED_LABEL,
    DayPage,
    Entry,
    FrontPage,
    Language,
    good_line,
    new_entry,
)
from .._spelling import Mark, Owned, Spelling
from .._text import BLANK
from .common import (
    CONTEXT_LABELS,
    build,
    check_kept,
    context_tags,
    date_heading,
    emphasis,
    guess_language,
    is_blank,
    link,
    same_day,
    split_lines,
)

DAY = date_heading("##")
H2 = re.compile(r"##[ \t]+(.*?)[ \t]*")
RULE = re.compile(r"[ \t]*---[ \t]*")
_CATEGORY = re.compile(r"#####(?:[ \t]|$)")
_UNPARSED = f"## {UNPARSED_LABEL}"
# The first line that starts an event page ("### [") or a listing page ("##" but not "###").
FIRST_HEADING = re.compile(r"^(?:### \[|##(?!#))", re.MULTILINE)
DAY_FORMATS = "Formats: [HTML]({0}.html)  [JSON]({0}.json)  [XML]({0}.xml)"
FRONT_FORMATS = "Formats: [HTML](/index.html)  [JSON](/index.json)  [XML](/index.xml)"


def _is_h2(line: str) -> bool:
    """A ``##`` heading with text (a ``#####`` category line starts with ``###``)."""
    return line.startswith("##") and not line.startswith("###") and not _textless(line)


def _textless(line: str) -> bool:
    """``##`` with nothing but blanks after it: no heading of any page, so a line to keep."""
    return not line[2:].strip(BLANK)


def kind(lines: list[str]) -> str:
    """``"event"``, ``"day"``, ``"front"`` or ``"editorial"``: what the first heading says.

    A page whose first heading is ``# title`` followed by ``#### by Author`` is an
    editorial. A page whose first ``##`` heading is a day heading is a day page, unless it
    has ``---`` lines (before any ``## Unparsed:`` section): then it is a front page. A
    ``##`` without text is no heading (the readers keep it as a line).
    """
    for n, line in enumerate(lines):
        if line.startswith("### ["):
            return "event"
        if line.startswith("# "):
            return "editorial" if is_editorial(lines[n:]) else "event"
        if _is_h2(line):
            body = lines[n:]
            end = next((i for i, x in enumerate(body) if _is_unparsed_h2(x)), len(body))
            if any(RULE.fullmatch(x) for x in body[:end]):
                return "front"
            return "day" if is_day_heading(line) else "front"
    return "event"


def _is_unparsed_h2(line: str) -> bool:
    # Where the readers stop reading sections: "## Unparsed:", blanks as in any "##" heading.
    return (
        line.startswith("##") and (m := H2.fullmatch(line)) is not None and (m[1] == UNPARSED_LABEL)
    )


EDITORIAL_TITLE = re.compile(r"#[ \t]+(.*?)[ \t]*")
BYLINE = re.compile(r"####[ \t]+by[ \t]+(.*?)[ \t]*")


def is_editorial(lines: list[str]) -> bool:
    """Whether the first heading is ``# title`` and the next line ``#### by Author``."""
    for n, line in enumerate(lines):
        if is_blank(line):
            continue
        if line.startswith("#"):
            if not EDITORIAL_TITLE.fullmatch(line):
                return False
            rest = next((x for x in lines[n + 1 :] if not is_blank(x)), "")
            return BYLINE.fullmatch(rest) is not None
    return False


def is_day_heading(line: str) -> bool:
    """True for ``## [YYYY-MM-D](…/news/YYYY/MM/D/index.md)`` with both dates the same."""
    m = DAY.fullmatch(line)
    return m is not None and same_day(m)


class ListingReader:
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
        check_kept(line, lineno)
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
            if _is_h2(line):
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
                cat, summary = fields["category"], fields.get("summary")
                if (
                    fields.pop("checked", False)
                    and (cat is None or good_line(str(cat)))
                    and (summary is None or (summary and good_line(str(summary))))
                ):
                    # Title, url and tags came from the plain shapes, valid as read.
                    entry = new_entry(
                        fields["title"], fields["url"], cat, summary, fields.get("context", ())
                    )
                else:  # "checked" left the fields in the test above
                    entry = build(lambda: Entry(**fields), current_no)  # type: ignore[arg-type]
                out.append(entry)
                # The other lines of an entry are aligned on their entry too, so that they
                # move with it; each keeps its text while its own value stays (a new title
                # keeps the summary line as written).
                key = (entry.title, entry.url)
                values: dict[str, Hashable] = {
                    "entry": key,
                    "entry.category": Owned(entry.category, key),
                    "entry.summary": Owned(entry.summary, key),
                    "entry.context": Owned((entry.context, self.language), key),
                }
                for part, at in parts:
                    self.marks.append((part, values[part], at, at + 1))
                current = None

        while self.i < len(lines):
            line = lines[self.i]
            if (line.startswith("##") and not line.startswith("###")) or (
                stop is not None and stop.fullmatch(line)
            ):
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
                plain = _inline.plain_link(line[4:].strip(BLANK))
                got = [("link", *plain)] if plain else _inline.nodes(line[4:].strip(BLANK))
                if len(got) == 1 and got[0][0] == "link" and got[0][2]:
                    current = {
                        "title": got[0][1].strip(BLANK),
                        "url": got[0][2],
                        "category": category,
                        "checked": plain is not None,
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
        plain = _inline.plain_context(line.strip(BLANK))
        if plain is not None:
            self.language = self.language or CONTEXT_LABELS[plain[0]]
            return plain[1]
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


def line_text(value: str) -> str:
    text = _inline.literal(value)
    if text.startswith("#") or RULE.fullmatch(text):
        return "\\" + text
    return text


def entry_lines(e: Entry, label: str, gap: str) -> str:
    out = []
    if e.category is not None:
        out.append(f"##### {line_text(e.category)}\n")
    out.append(f"### {link(e.title + ' ', e.url)}\n")
    if e.summary is not None:
        out.append(line_text(e.summary) + "\n")
    if e.context:
        em = f"{label}: {', '.join(e.context)}"
        out.append(emphasis(em) + "\n")
    out.append(gap)
    return "".join(out)


def unparsed_section(extra: tuple[str, ...]) -> str:
    if not extra:
        return ""
    return f"## {UNPARSED_LABEL}\n\n" + "".join(line + "\n" for line in extra)


def edition(page: DayPage | FrontPage) -> Language:
    if page.language is not None:
        return page.language
    entries = page.entries
    return guess_language(*(e.title for e in entries[:3]), *(e.category for e in entries[:3]))


def section_link(label: str, url: str) -> str:
    return link(label, url)
