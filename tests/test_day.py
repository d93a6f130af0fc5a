"""Day pages in Markdown, line by line: headings, the previous-day link, the edition, errors
and edits (expected texts written by hand)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest

import newsevent
from newsevent import DayPage, Entry
from newsevent import markdown as nemd
from newsevent._md.day import loads_day

DAY_PAGE = (Path(__file__).parent / "data" / "valid" / "day-page.md").read_text("utf-8")
HEAD = "## [2012-11-8](/news/2012/11/8/index.md)\n"


def _edited(page: DayPage, old: list[str], new: list[str]) -> None:
    expected = DAY_PAGE
    for a, b in zip(old, new, strict=True):
        assert expected.count(a) == 1
        expected = expected.replace(a, b)
    out = newsevent.dumps(page)
    assert out == expected
    assert newsevent.parse(out) == page


def test_an_edited_date_rewrites_the_heading_and_the_formats_line() -> None:
    page = newsevent.parse(DAY_PAGE)
    assert isinstance(page, DayPage)
    _edited(
        attrs.evolve(page, date=dt.date(2014, 3, 9)),
        [
            "(2014/03/8/index.html)  [JSON](2014/03/8/index.json)  [XML](2014/03/8/index.xml)",
            "## [2014-03-8](/news/2014/03/8/index.md)",
        ],
        [
            "(2014/03/9/index.html)  [JSON](2014/03/9/index.json)  [XML](2014/03/9/index.xml)",
            "## [2014-03-9](/news/2014/03/9/index.md)",
        ],
    )


def test_an_edited_prefix_or_previous_link_rewrites_its_heading() -> None:
    page = newsevent.parse(DAY_PAGE)
    assert isinstance(page, DayPage)
    _edited(
        attrs.evolve(page, prefix="/zh"),
        ["(/news/2014/03/8/index.md)"],
        ["(/zh/news/2014/03/8/index.md)"],
    )
    _edited(
        attrs.evolve(page, previous="/news/2014/03/6/index.md"),
        ["## [Previous Day...](/news/2014/03/7/index.md)"],
        ["## [Previous Day...](/news/2014/03/6/index.md)"],
    )


def test_lines_right_after_the_headings_are_read() -> None:
    page = newsevent.parse(HEAD + "### [t](/t.md)\n## [Previous Day...](/p.md)\nkept\n")
    assert page == DayPage(
        date=dt.date(2012, 11, 8),
        entries=(Entry(title="t", url="/t.md"),),
        previous="/p.md",
        extra=("kept",),
    )


@pytest.mark.parametrize(
    "heading",
    [
        "##[Previous Day...](/p.md)",
        "## \u00a0[Previous Day...](/p.md)",
        "## [Yesterday](/p.md)",
        "## [Previous Day...]()",
    ],
)
def test_what_is_not_a_previous_day_link_is_kept(heading: str) -> None:
    page = newsevent.parse(HEAD + heading + "\n")
    assert isinstance(page, DayPage)
    assert (page.previous, page.extra) == (None, (heading,))


def test_the_edition_comes_from_context_labels_first_then_the_previous_link() -> None:
    zh = newsevent.parse(HEAD + "## [前一天...](/p.md)\n")
    assert isinstance(zh, DayPage) and zh.language == "zh"
    en = newsevent.parse(HEAD + "### [t](/t.md)\n_Context: x_\n## [前一天...](/p.md)\n")
    assert isinstance(en, DayPage) and en.language == "en"
    none = newsevent.parse(HEAD + "### [t](/t.md)\n")
    assert isinstance(none, DayPage) and none.language is None


def test_the_chinese_layout_has_no_blank_between_entries() -> None:
    page = DayPage(
        date=dt.date(2019, 12, 22),
        prefix="/zh",
        entries=(
            Entry(title="甲", url="/a.md", context=("x",)),
            Entry(title="乙", url="/b.md", summary="s"),
        ),
        previous="/zh/news/2019/12/21/index.md",
        language="zh",
        formats=True,
    )
    expected = (
        "\nFormats: [HTML](2019/12/22/index.html)  [JSON](2019/12/22/index.json)"
        "  [XML](2019/12/22/index.xml)  \n\n"
        "## [2019-12-22](/zh/news/2019/12/22/index.md)\n\n"
        "### [甲 ](/a.md)\n_消息: x_\n"
        "### [乙 ](/b.md)\ns\n"
        "## [前一天...](/zh/news/2019/12/21/index.md)\n\n"
    )
    assert nemd.dumps(page) == expected
    back = newsevent.parse(expected)
    assert back == page and back.language == "zh"


def test_a_malformed_day_heading_is_an_error_at_its_place() -> None:
    with pytest.raises(newsevent.ParseError) as info:
        loads_day("x\n## [2012-11-8](/news/2012/11/9/index.md)\n")
    assert (info.value.lineno, info.value.colno) == (2, 4)
    assert info.value.msg == (
        "malformed day heading: expected '## [YYYY-MM-D](/news/YYYY/MM/D/index.md)'"
    )
    with pytest.raises(newsevent.ParseError) as info:
        newsevent.parse("x\n\n## [2012-02-30](/news/2012/02/30/index.md)\n")
    assert (info.value.lineno, info.value.colno) == (3, 5)
    assert info.value.msg == "invalid date in the day heading: day is out of range for month"


def test_edits_next_to_non_blank_lines_rewrite_one_line() -> None:
    text = HEAD + "### [t](/t.md)\n## [Previous Day...](/p.md)\nkept\n"
    page = newsevent.parse(text)
    assert isinstance(page, DayPage)
    moved = attrs.evolve(page, date=dt.date(2012, 11, 9))
    assert newsevent.dumps(moved) == text.replace(
        "2012-11-8](/news/2012/11/8", "2012-11-9](/news/2012/11/9"
    )
    back = attrs.evolve(page, previous="/q.md")
    assert newsevent.dumps(back) == text.replace("(/p.md)", "(/q.md)")
