"""Day pages in Markdown (``news/YYYY/MM/D/index.md`` and its ``README.md`` twin)."""

from __future__ import annotations

import datetime as _dt

from .. import _inline
from .._errors import ParseError
from .._model import (
    DayPage,
    Language,
    day_folder,
    day_label,
    good_prefix,
    new_day,
)
from .._text import BLANK, GOOD_URL
from .common import PREVIOUS_LABELS, WRITE_HEADINGS, WRITE_PREVIOUS, build_page, same_day
from .listing import (
    DAY,
    DAY_FORMATS,
    ListingReader,
    edition,
    entry_lines,
    unparsed_section,
)


def loads_day(src: str, lead: str = "") -> DayPage:
    """Read a day listing page written in Markdown."""
    r = ListingReader(src, lead)
    lines = r.lines
    r.preamble()
    line = lines[r.i]
    m = DAY.fullmatch(line)
    if not m or not same_day(m):
        raise ParseError(
            "malformed day heading: expected '## [YYYY-MM-D](/news/YYYY/MM/D/index.md)'", r.i + 1, 4
        )
    try:
        date = _dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError as exc:
        raise ParseError(f"invalid date in the day heading: {exc}", r.i + 1, 5) from None
    formats = r.take_formats(DAY_FORMATS.format(day_folder(date) + "/index"), date)
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
    extra = tuple(r.extra)
    if not extra and (previous is None or GOOD_URL.fullmatch(previous)) and good_prefix(m[4]):
        # The entries were built checked; the date, flags and language are read as valid.
        values: tuple[object, ...] = (date, entries, previous, m[4], formats, language, extra)
        page = new_day(*values, spelling)
        spelling._fingerprint = values  # = fingerprint(page), without reading it back
        return page
    return build_page(
        lambda: DayPage(
            date=date,
            entries=entries,
            previous=previous,
            prefix=m[4],
            formats=formats,
            language=language,
            extra=extra,
            spelling=spelling,
        ),
        spelling,
        1,
    )


def dumps_day(page: DayPage) -> str:
    """Write a day page in the canonical layout of its edition (its spelling unused).

    English: the newest generator's; Chinese: the zh generator's of December 2019 (no
    blank line between entries).
    """
    head, tail = day_parts(page)
    if page.previous is None:
        return head + tail
    return head + previous_line(page.previous, edition(page)) + tail


def day_parts(page: DayPage) -> tuple[str, str]:
    """:func:`dumps_day`'s text before the ``Previous Day...`` heading's place and after
    it (the heading itself is :func:`previous_line`)."""
    out = []
    d = page.date
    language = edition(page)
    gap = "" if language == "zh" else "\n"
    if page.formats:
        out.append(f"\n{DAY_FORMATS.format(day_folder(d) + '/index')}  \n\n")
    out.append(f"## [{day_label(d)}]({page.url})\n\n")
    label = WRITE_HEADINGS[language][2]
    out.extend(entry_lines(e, label, gap) for e in page.entries)
    return "".join(out), unparsed_section(page.extra)


def previous_line(url: str, language: Language) -> str:
    """The ``## [Previous Day...](url)`` heading of a day page in ``language``."""
    return f"## [{WRITE_PREVIOUS[language]}]({_inline.escape_url_dest(url)})\n\n"
