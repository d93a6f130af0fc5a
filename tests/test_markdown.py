"""Hand-written pages in tests/data: valid ones against their expected JSON, invalid ones
against the error position they must report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import newsevent
from newsevent import ParseError
from newsevent import json as nejson
from newsevent import markdown as nemd
from newsevent._md import event as _markdown

DATA = Path(__file__).parent / "data"
VALID = sorted((DATA / "valid").glob("*.md"))
INVALID = sorted((DATA / "invalid").glob("*.md"))


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_page(path: Path) -> None:
    expected = json.loads(path.with_suffix(".json").read_text("utf-8"))
    text = path.read_text("utf-8")
    ev = newsevent.load(path)
    assert nejson.to_dict(ev) == expected
    if isinstance(ev, newsevent.Event):
        assert _markdown.loads(text, fast=False) == ev
    assert newsevent.dumps(ev) == text
    assert newsevent.parse(nemd.dumps(ev, canonical=True)) == ev


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_page(path: Path) -> None:
    expected = json.loads(path.with_suffix(".json").read_text("utf-8"))
    with pytest.raises(ParseError) as info:
        newsevent.load(path)
    err = info.value
    assert (err.lineno, err.colno) == (expected["lineno"], expected["colno"])
    assert expected["message"] in err.msg
    assert err.path == str(path) and str(path) in str(err)


def test_canonical_layout_of_a_minimal_event() -> None:
    import datetime as dt

    ev = newsevent.Event(date=dt.date(2005, 7, 21), title="The games end.")
    assert (
        newsevent.dumps(ev)
        == "### [2005-07-21](/news/2005/07/21/index.md)\n\n# The games end. \n\n\n\n"
    )


def test_kept_lines_stay_in_place_or_go_last_in_the_canonical_layout() -> None:
    path = DATA / "valid" / "kept-lines.md"
    ev = newsevent.load(path)
    assert newsevent.dumps(ev) == path.read_text("utf-8")
    out = nemd.dumps(ev, canonical=True)
    assert out.endswith("\n### Unparsed:\n\n" + "\n".join(ev.extra) + "\n")


def test_body_markup_is_kept_as_text() -> None:
    src = (
        "### [2012-11-8](/news/2012/11/8/index.md)\n\n# t\n\n"
        "Sagittarius A* and _x_ and `c` and M<sub>W</sub>.\n"
    )
    ev = newsevent.parse(src)
    assert ev.body == "Sagittarius A* and *x* and `c` and M<sub>W</sub>."
    assert newsevent.parse(newsevent.dumps(ev)) == ev


def test_link_titles_in_text_are_kept() -> None:
    src = (
        "### [2012-11-8](/news/2012/11/8/index.md)\n\n# t\n\n"
        'See [the report](http://example.org/r "Full report") and ![map](m.png "Map").\n'
    )
    ev = newsevent.parse(src)
    assert (
        ev.body == 'See [the report](http://example.org/r "Full report") and ![map](m.png "Map").'
    )
    assert newsevent.parse(newsevent.dumps(ev)) == ev


def test_crlf_and_bom() -> None:
    text = newsevent.example()
    ev = newsevent.parse(text)
    assert newsevent.parse("\ufeff" + text.replace("\n", "\r\n")) == ev
    assert newsevent.parse(("\ufeff" + text).encode("utf-8")) == ev


def test_zero_padded_days_are_the_same_day() -> None:
    ev = newsevent.parse("### [2012-11-8](/news/2012/11/08/index.md)\n\n# t\n")
    assert isinstance(ev, newsevent.Event) and ev.date.day == 8
    day = newsevent.parse("## [2012-11-08](/news/2012/11/8/index.md)\n\n### [a](/news/a.md)\n")
    assert isinstance(day, newsevent.DayPage) and day.date == ev.date
    with pytest.raises(ParseError, match="malformed date heading"):
        newsevent.parse("### [2012-11-8](/news/2012/11/9/index.md)\n\n# t\n")


def test_an_event_page_takes_the_shortcut_and_the_fast_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import newsevent._md as md
    from newsevent import _inline, _text

    page = (
        "### [2012-11-8](/news/2012/11/8/index.md)\n\n# T\n\n### Sources:\n\n"
        "1. [A](http://a.example/)\n\n### Related:\n\n1. [R](/news/2012/11/7/r.md) _Context: x_\n"
    )
    expected = md.loads(page, fast=False)
    _text.clear_caches()

    def refused(*_args: object, **_kwargs: object) -> object:
        raise AssertionError("not on the way of a plain event page")

    # A page that starts with its date heading is an event page: no listing test is run.
    monkeypatch.setattr(md, "kind", refused)
    # By default every line takes the one-step path: mistune is never asked.
    monkeypatch.setattr(_inline, "_mistune_nodes", refused)
    got = md.loads(page)
    assert got == expected and got.spelling is not None
    assert got.spelling.text == page
    with pytest.raises(AssertionError, match="not on the way"):
        md.loads(page, fast=False)
