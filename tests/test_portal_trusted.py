"""The portal reader's trusted path: values checked once, pages built without validators.

Every event, entry and day page it builds must equal the same page built again by the
validating constructors (which must accept it), on every corpus page and on generated
pages; a value the checks refuse goes through the validating constructors, which give
their own result or error unchanged.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsevent import portal
from newsevent._model import DayPage, Entry, Event
from tests.test_portal import _wikitext
from tests.test_portal_reader import HEAD, TAIL, _line
from tests.test_trusted import revalidated


def check_day(day: portal.PortalDay) -> None:
    """Each page of ``day`` equals itself rebuilt by the validating constructors."""
    for ev in day.events:
        again = revalidated(ev)
        assert (again, again.language) == (ev, ev.language)
        assert type(ev) is Event
    listing = revalidated(day.day)
    assert (listing, listing.language) == (day.day, day.day.language)
    assert all(type(e) is Entry for e in day.day.entries)
    for item in day.items:
        assert attrs.evolve(item) == item
    assert attrs.evolve(day) == day
    assert all(attrs.evolve(r) == r for r in day.remainder)


def test_every_corpus_page_built_trusted_equals_validated(corpus: Path) -> None:
    pages = _wikitext(corpus)
    assert len(pages) == 24
    for _path, data in pages:
        check_day(portal.read(data))
        check_day(portal.read(data, revision=5, timestamp="2020-01-02T03:04:05Z"))


@given(st.lists(_line, min_size=1, max_size=12))
def test_generated_pages_built_trusted_equal_validated(lines: list[str]) -> None:
    check_day(portal.read(HEAD + "\n".join(lines) + TAIL))


@given(
    st.text(alphabet="ab &#;x1'[]*:\n\t\xa0", max_size=30),
    st.sampled_from(["*", "**", ";", "*[[S]]\n**"]),
)
def test_odd_values_take_the_validating_path(text: str, mark: str) -> None:
    body = f"{mark}{text} [http://a.example/ (Y)]"
    try:
        day = portal.read(HEAD + body + TAIL)
    except ValueError as exc:
        # The validating constructors' own error: the checks never refuse quietly.
        assert "must" in str(exc)
        return
    check_day(day)


def test_values_the_checks_refuse() -> None:
    # A title with a line break makes an attribution of two lines: a valid body, built
    # by the validating constructor.
    day = portal.read(HEAD + "*A b. [http://a.example/ (Y)]" + TAIL, title="T\nU")
    (ev,) = day.events
    assert ev.body == (
        "A b.\n\nFrom Wikipedia, T\nU (https://en.wikipedia.org/wiki/T%0AU), by Wikipedia "
        "contributors, CC BY-SA 4.0."
    )
    check_day(day)
    # The event's validator refuses a source named like the cover image, as before.
    with pytest.raises(ValueError, match="must be given as cover_image"):
        portal.read(HEAD + "*A b. [http://a.example/ (Cover Image)]" + TAIL)
    # A date the model does not take.
    with pytest.raises(TypeError, match=r"date must be a datetime\.date, not datetime"):
        portal.read(HEAD + "*A b. [http://a.example/ (Y)]" + TAIL, date=dt.datetime(2020, 1, 1))
    # A remainder line the day page keeps verbatim.
    day = portal.read(HEAD + "*A b. [http://a.example/ (Y)]\nloose text" + TAIL)
    assert day.day.extra == ("wikitext line 3: loose text",)
    assert type(day.day) is DayPage
    check_day(day)
