"""The strategies of tests/strategies.py generate every construct the readers accept: over a
few hundred examples each construct is counted, and each count must be non-zero, so that a
strategy that silently stops producing one fails here."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings

import newsevent
from newsevent import DayPage, Entry, Event, FrontPage
from newsevent._md.common import guess_language
from newsevent._model import COVER_IMAGE, day_label
from tests import strategies as S

UNSAFE_SCHEMES = ("javascript:", "data:", "vbscript:")
SYNTAX_STARTS = {"#": "#", "1.": "1.", "*": "*", "[": "[", "|": "|", "\\": "\\", "&": "&"}
UNICODE_SPACES = "\u00a0\u2003\u3000\u2028"


def _entries(page: newsevent.Page) -> tuple[Entry, ...]:
    if isinstance(page, (newsevent.DayPage, newsevent.FrontPage)):
        return page.entries
    return ()


def _texts(page: newsevent.Page) -> Iterator[str]:
    """Every text value of a page, one line at a time."""
    if isinstance(page, Event):
        yield page.title
        if page.category is not None:
            yield page.category
        yield from page.body.split("\n")
        yield from (s.name for s in page.sources)
        yield from (r.title for r in page.related)
    for e in _entries(page):
        yield e.title
        yield from (x for x in (e.category, e.summary) if x is not None)
    if isinstance(page, FrontPage):
        yield from (s.label for s in page.sections)


def _urls(page: newsevent.Page) -> Iterator[str]:
    if isinstance(page, Event):
        yield from (s.url for s in page.sources)
        yield from (s.image for s in page.sources if s.image is not None)
        if page.cover_image is not None:
            yield page.cover_image
        yield from (r.url for r in page.related)
    yield from (e.url for e in _entries(page))
    if isinstance(page, FrontPage):
        yield from (s.url for s in page.sections if s.url is not None)
    if isinstance(page, DayPage) and page.previous is not None:
        yield page.previous


def _edition(page: newsevent.Page) -> str:
    if page.language is not None:
        return page.language
    if isinstance(page, Event):
        return guess_language(page.title, page.category)
    if isinstance(page, newsevent.Editorial):
        return guess_language(page.title)
    return guess_language(*(e.title for e in page.entries[:3]))


def constructs(page: newsevent.Page) -> set[str]:
    """The names of the constructs a page holds."""
    found = {f"kind {type(page).__name__}", f"edition {_edition(page)}"}
    texts = list(_texts(page))
    if any(t.strip(" \t") == "---" for t in texts):
        found.add("text line ---")
    for start, name in SYNTAX_STARTS.items():
        if any(t.startswith(start) for t in texts):
            found.add(f"text starting {name}")
    if any(c in t for t in texts for c in UNICODE_SPACES):
        found.add("Unicode space")
    if any("&" in t and ";" in t for t in texts):
        found.add("entity-like text")
    for scheme in UNSAFE_SCHEMES:
        if any(u.lower().startswith(scheme) for u in _urls(page)):
            found.add(f"URL {scheme}")
    if any(any(ord(c) > 127 for c in u) for u in _urls(page)):
        found.add("non-ASCII URL")
    if isinstance(page, Event):
        if any(s.name == COVER_IMAGE for s in page.sources):
            found.add("source named Cover Image")
        if page.cover_image is not None:
            found.add("cover image")
        if any(s.image is not None for s in page.sources):
            found.add("source with IMG")
        if page.changes:
            found.add("changes")
        if any(r.context for r in page.related):
            found.add("related with context")
        if page.extra:
            found.add("event kept lines")
    if isinstance(page, DayPage) and page.previous is not None:
        found.add("day with previous")
    if isinstance(page, FrontPage):
        rules = [s.rule for s in page.sections]
        found.add("front with a rule" if any(rules) else "front without rules")
        first = page.sections[0]
        if first.date is not None and first.label == day_label(first.date):
            if not first.rule:
                found.add("front whose first section is a day without a rule")
    if any(e.context for e in _entries(page)):
        found.add("entry with context")
    return found


EXPECTED = {
    "kind Event",
    "kind DayPage",
    "kind FrontPage",
    "edition en",
    "edition zh",
    "text line ---",
    *(f"text starting {name}" for name in SYNTAX_STARTS.values()),
    "Unicode space",
    "entity-like text",
    *(f"URL {scheme}" for scheme in UNSAFE_SCHEMES),
    "non-ASCII URL",
    "source named Cover Image",
    "cover image",
    "source with IMG",
    "changes",
    "related with context",
    "event kept lines",
    "day with previous",
    "front with a rule",
    "front without rules",
    "front whose first section is a day without a rule",
    "entry with context",
}


def test_strategies_generate_every_construct(capsys: pytest.CaptureFixture[str]) -> None:
    counts: Counter[str] = Counter()

    @settings(
        max_examples=400,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(S.pages)
    def draw(page: newsevent.Page) -> None:
        counts.update(constructs(page))

    draw()
    with capsys.disabled():
        print("\nstrategy coverage over 400 pages:", dict(sorted(counts.items())))
    missing = sorted(EXPECTED - set(counts))
    assert not missing, f"never generated: {missing}; counts: {dict(counts)}"
