"""The canonical Markdown writers, line by line, on pages built in code: the exact text each
writes (expected values written out by hand from the generators' layout), and that it reads
back as the same page of the same kind."""

from __future__ import annotations

import datetime as dt

import newsevent
from newsevent import Change, DayPage, Entry, Event, FrontPage, FrontSection, Related, Source
from newsevent import markdown as nemd
from newsevent._md.common import split_lines
from newsevent._md.listing import kind

DAY_HEAD = "## [2012-11-8](/news/2012/11/8/index.md)\n\n"


def _round_trip(page: newsevent.Page, expected: str) -> None:
    text = nemd.dumps(page, canonical=True)
    assert text == expected
    back = newsevent.parse(text)
    assert type(back) is type(page)
    assert back == page


def test_a_summary_or_category_that_reads_as_a_rule_is_escaped() -> None:
    # Unescaped, a `---` line is a rule: the day page would be read as a front page.
    page = DayPage(
        date=dt.date(2012, 11, 8),
        entries=(
            Entry(title="t", url="/news/2012/11/8/t.md", summary="---"),
            Entry(title="u", url="/news/2012/11/8/u.md", category="---", summary="--- ---"),
        ),
    )
    _round_trip(
        page,
        DAY_HEAD + "### [t ](/news/2012/11/8/t.md)\n\\---\n\n"
        "##### \\---\n### [u ](/news/2012/11/8/u.md)\n--- ---\n\n",
    )


def test_a_rule_like_summary_on_a_front_page_is_escaped() -> None:
    page = FrontPage(
        sections=(
            FrontSection(
                label="News",
                url="/news/index.md",
                entries=(Entry(title="t", url="/t.md", summary="---"),),
                rule=True,
            ),
        )
    )
    _round_trip(page, "## [News](/news/index.md)\n\n### [t ](/t.md)\n\\---\n\n---\n\n")


def test_a_front_page_whose_first_section_is_a_day_without_a_rule() -> None:
    # Its first heading is a day heading, as on a day page: the later rule makes it a front page.
    page = FrontPage(
        sections=(
            FrontSection(
                label="2012-11-8",
                url="/news/2012/11/8/index.md",
                entries=(Entry(title="t", url="/news/2012/11/8/t.md"),),
            ),
            FrontSection(label="2012-11-7", url="/news/2012/11/7/index.md", rule=True),
        )
    )
    expected = (
        DAY_HEAD + "### [t ](/news/2012/11/8/t.md)\n\n"
        "## [2012-11-7](/news/2012/11/7/index.md)\n\n---\n\n"
    )
    _round_trip(page, expected)
    assert kind(split_lines(expected)) == "front"


def test_page_kinds_by_their_first_heading_and_rules() -> None:
    day = "## [2012-11-8](/news/2012/11/8/index.md)\n"
    assert kind(split_lines(day)) == "day"
    assert kind(split_lines(day + "---\n")) == "front"
    assert kind(split_lines(day + " --- \n")) == "front"
    assert kind(split_lines(day + "----\n")) == "day"
    # A rule among the kept lines of the Unparsed section does not count.
    assert kind(split_lines(day + "## Unparsed:\n---\n")) == "day"
    assert kind(split_lines("## News\n")) == "front"
    assert kind(split_lines("text\n### [2012-11-8](/news/2012/11/8/index.md)\n---\n")) == "event"
    assert kind(split_lines("##### cat\n")) == "event"
    assert kind(split_lines("")) == "event"


def test_changes_are_numbered_from_one() -> None:
    ev = Event(
        date=dt.date(2012, 11, 8),
        title="T",
        changes=(
            Change(
                title="a", url="/a", label="Update", timestamp=dt.datetime(2018, 2, 6, 13, 49, 17)
            ),
            Change(title="b", url="/b", label="Fix"),
        ),
    )
    _round_trip(
        ev,
        "### [2012-11-8](/news/2012/11/8/index.md)\n\n# T \n\n\n\n"
        "\n### Changes:\n\n"
        "1. [a ](/a) _2018-02-06 13:49:17 (Update)_\n"
        "2. [b ](/b) _(Fix)_\n",
    )


def test_english_sources_are_all_numbered_one_and_related_from_one() -> None:
    ev = Event(
        date=dt.date(2012, 11, 8),
        title="T",
        sources=(Source(name="A", url="/a"), Source(name="B", url="/b", image="/b.jpg")),
        cover_image="/c.jpg",
        related=(Related(title="r", url="/r", context=("x", "y")), Related(title="s", url="/s")),
        language="en",
    )
    _round_trip(
        ev,
        "### [2012-11-8](/news/2012/11/8/index.md)\n\n# T \n\n\n\n"
        "\n### Sources:\n\n"
        "1. [A](/a)\n"
        "1. [B](/b) [IMG](/b.jpg)\n"
        "1. [Cover Image](/c.jpg)\n"
        "\n### Related:\n\n"
        "1. [r ](/r) _Context: x, y_\n"
        "2. [s ](/s)\n",
    )


def test_chinese_sources_are_numbered_one_two_three() -> None:
    ev = Event(
        date=dt.date(2019, 11, 30),
        title="标题",
        sources=(Source(name="甲", url="/a"), Source(name="乙", url="/b")),
        cover_image="/c.jpg",
        related=(Related(title="丙", url="/r", context=("x",)),),
        language="zh",
    )
    _round_trip(
        ev,
        "### [2019-11-30](/news/2019/11/30/index.md)\n\n# 标题\n\n\n\n"
        "\n### 信息来源:\n\n"
        "1. [甲](/a)\n"
        "2. [乙](/b)\n"
        "3. [Cover Image](/c.jpg)\n"
        "\n### 有关:\n\n"
        "1. [丙 ](/r) _消息: x_\n",
    )


def test_a_summary_that_reads_as_a_heading_is_escaped() -> None:
    page = DayPage(
        date=dt.date(2012, 11, 8),
        entries=(
            Entry(title="t", url="/t.md", summary="## x"),
            Entry(title="u", url="/u.md", summary="##### y"),
        ),
    )
    _round_trip(page, DAY_HEAD + "### [t ](/t.md)\n\\## x\n\n### [u ](/u.md)\n\\##### y\n\n")


def test_the_edition_of_a_listing_is_guessed_from_its_first_three_entries() -> None:
    def day(*entries: Entry) -> DayPage:
        return DayPage(date=dt.date(2012, 11, 8), entries=entries)

    def e(title: str, category: str | None = None) -> Entry:
        return Entry(title=title, url="/a.md", category=category)

    # Chinese: no blank line after an entry.
    _round_trip(day(e("a", "中")), DAY_HEAD + "##### 中\n### [a ](/a.md)\n")
    _round_trip(
        day(e("a"), e("b"), e("c"), e("中")),
        DAY_HEAD + "### [a ](/a.md)\n\n### [b ](/a.md)\n\n### [c ](/a.md)\n\n### [中 ](/a.md)\n\n",
    )
    _round_trip(
        day(e("a"), e("b"), e("c"), e("d", "中")),
        DAY_HEAD + "### [a ](/a.md)\n\n### [b ](/a.md)\n\n### [c ](/a.md)\n\n"
        "##### 中\n### [d ](/a.md)\n\n",
    )


def test_what_counts_as_a_heading_or_an_unparsed_section_for_the_page_kind() -> None:
    day = "## [2012-11-8](/news/2012/11/8/index.md)\n"
    assert kind(split_lines("### [x](y)\n" + day)) == "event"
    assert kind(split_lines("### x\n##### y\n" + day)) == "day"
    assert kind(split_lines(day + "## Unparsed: \n---\n")) == "day"
    assert kind(split_lines(day + "## Unparsed:\u00a0\n---\n")) == "front"
