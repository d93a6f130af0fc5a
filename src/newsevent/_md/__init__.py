"""Markdown pages: one reader and one canonical writer per page kind, and the writer that
keeps a parsed page's spelling.

- :mod:`.common`: line splitting, the editions' words, helpers every page kind uses;
- :mod:`.event`: event pages; :mod:`.day`: day pages; :mod:`.front`: front pages;
- :mod:`.listing`: what day and front pages share (telling pages apart, entries);
- :mod:`.opinion`: editorials of the opinion section.
"""

from __future__ import annotations

import attrs

from .._errors import ParseError
from .._model import DayPage, Editorial, Event, FrontPage, Page
from .._spelling import merge, unchanged
from .._text import as_text
from . import event
from .common import bom, split_lines
from .day import dumps_day, loads_day
from .front import dumps_front, loads_front
from .listing import FIRST_HEADING, is_editorial, kind
from .opinion import dumps_editorial, loads_editorial


def loads(src: str | bytes, *, fast: bool = True) -> Page:
    """Read an event, day, front page or editorial in Markdown (told apart by its headings).

    The page keeps its spelling (see :class:`newsevent.Spelling`), so that :func:`dumps`
    writes it back byte for byte. ``fast=False`` sends every event-page line through
    mistune instead of the regular-expression fast path; the result is the same, only
    slower.
    """
    lead = bom(src)
    src = as_text(src)
    first = FIRST_HEADING.search(src)
    if first is None:
        what = "editorial" if is_editorial(split_lines(src)) else "event"
    else:
        # kind() also tells an editorial with a "## Unparsed:" section from a listing.
        what = "event" if first.group() == "### [" else kind(split_lines(src))
    if what == "editorial":
        return loads_editorial(src, lead)
    if what == "day":
        return loads_day(src, lead)
    if what == "front":
        return loads_front(src, lead)
    return event.EventReader(src, fast, lead).read()


def canonical(page: Page) -> str:
    """Write any page in the canonical layout of its edition, whatever its spelling."""
    if isinstance(page, Event):
        return event.dumps(page)
    if isinstance(page, DayPage):
        return dumps_day(page)
    if isinstance(page, FrontPage):
        return dumps_front(page)
    if isinstance(page, Editorial):
        return dumps_editorial(page)
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
        # An editorial's date and slug come from its path, not from its Markdown.
        want = attrs.evolve(page, date=None, slug=None) if isinstance(page, Editorial) else page
        if loads(merged) == want:
            return merged
    except ParseError:
        pass
    return text


_canonical = canonical
