"""Front pages in Markdown (an edition's ``index.md``): the last few days."""

from __future__ import annotations

from functools import partial

from .. import _inline
from .._errors import ParseError
from .._model import (
    UNPARSED_LABEL,
    FrontPage,
    FrontSection,
)
from .._text import BLANK
from .common import WRITE_HEADINGS, build, build_page, is_blank
from .listing import (
    FRONT_FORMATS,
    H2,
    RULE,
    ListingReader,
    edition,
    entry_lines,
    line_text,
    section_link,
    unparsed_section,
)


def loads_front(src: str, lead: str = "") -> FrontPage:
    """Read a front page written in Markdown."""
    r = ListingReader(src, lead)
    r.preamble()
    formats = r.take_formats(FRONT_FORMATS, None)
    lines = r.lines
    sections: list[FrontSection] = []
    while r.i < len(lines):
        line = lines[r.i]
        if is_blank(line):
            r.i += 1
            continue
        if RULE.fullmatch(line):
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
        hm = H2.fullmatch(line) if line.startswith("##") and not line.startswith("###") else None
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
        entries = r.entries(stop=RULE)
        section = partial(FrontSection, label=label, url=url, entries=entries)
        sections.append(build(section, lineno))
    if not any(s.url is not None or s.entries for s in sections):
        raise ParseError("not a page: no event, day or front-page heading with a link", 1, 1)
    localised = any(e.context for s in sections for e in s.entries)
    spelling = r.spelling()
    return build_page(
        lambda: FrontPage(
            sections=tuple(sections),
            formats=formats,
            language=r.language if localised else None,
            extra=tuple(r.extra),
            spelling=spelling,
        ),
        spelling,
        1,
    )


def dumps_front(page: FrontPage) -> str:
    """Write a front page in the canonical layout of its edition (its spelling unused).

    English: the newest generator's; Chinese: the zh generator's of December 2019 (two
    blank lines first, no blank line between entries).
    """
    out = []
    language = edition(page)
    gap = "" if language == "zh" else "\n"
    if page.formats:
        out.append(f"\n{FRONT_FORMATS}  \n\n")
    elif language == "zh":
        out.append("\n\n")
    label = WRITE_HEADINGS[language][2]
    for s in page.sections:
        if s.url is None:
            out.append(f"## {line_text(s.label)}\n\n")
        else:
            head = section_link(s.label, s.url)
            out.append(f"## {head}\n\n")
        out.extend(entry_lines(e, label, gap) for e in s.entries)
        if s.rule:
            out.append("---\n\n")
    out.append(unparsed_section(page.extra))
    return "".join(out)
