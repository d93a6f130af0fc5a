"""Day and front pages at the edges of the listing reader (newsevent._md.listing): lines an
entry cannot take are kept in place, odd headings, and the plain spelling of what needs no
escape. Each page is read, compared with values written out by hand, and written back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest

import newsevent
from newsevent import DayPage, Entry
from newsevent._md.listing import is_editorial, kind, section_link

DATA = Path(__file__).parent / "data" / "valid"
HEAD = "## [2014-03-8](/news/2014/03/8/index.md)\n\n"
FORMATS = (
    "Formats: [HTML](2014/03/8/index.html)  [JSON](2014/03/8/index.json)  "
    "[XML](2014/03/8/index.xml)"
)


def _day(text: str) -> DayPage:
    page = newsevent.parse(text)
    assert isinstance(page, DayPage)
    assert newsevent.dumps(page) == text
    return page


def _entry(title: str = "T", **kw: object) -> Entry:
    return Entry(title=title, url="/t.md", **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("body", "entries", "extra"),
    [
        # A category right after another: the first one is kept.
        ("##### A\n##### B\n### [T](/t.md)\n", [_entry(category="B")], ["##### A"]),
        # A category over a heading that is not an entry: both kept.
        ("##### A\n### not a link\n", [], ["##### A", "### not a link"]),
        # A category with no entry after it, at the end.
        ("### [T](/t.md)\n##### Late\n", [_entry()], ["##### Late"]),
        # A second context line, a second summary, a summary after the context.
        (
            "### [T](/t.md)\n_Context: X_\n_Context: Y_\n",
            [_entry(context=("X",))],
            ["_Context: Y_"],
        ),
        ("### [T](/t.md)\nsum one\nsum two\n", [_entry(summary="sum one")], ["sum two"]),
        ("### [T](/t.md)\n_Context: X_\nafter\n", [_entry(context=("X",))], ["after"]),
        # A context line followed by an ideographic space is a summary (emphasis as "*").
        ("### [T](/t.md)\n_Context: X_\u3000\n", [_entry(summary="*Context: X*\u3000")], []),
        # So is an "Unparsed:" heading: it is a kept line like the lines after it.
        ("### [T](/t.md)\n\n## Unparsed:\u3000\n\nx\n", [_entry()], ["## Unparsed:\u3000", "x"]),
        # An entry heading followed by an ideographic space is not an entry heading.
        ("### [T](/t.md)\u3000\n", [], ["### [T](/t.md)\u3000"]),
        # Nor is a heading with text before its link.
        ("### x[T](/t.md)\n", [], ["### x[T](/t.md)"]),
    ],
)
def test_lines_an_entry_cannot_take_are_kept(
    body: str, entries: list[Entry], extra: list[str]
) -> None:
    page = _day(HEAD + body)
    assert page.entries == tuple(entries)
    assert page.extra == tuple(extra)


def test_a_third_level_heading_before_the_day_heading_is_kept() -> None:
    page = _day("### x\n" + HEAD + "### [T](/t.md)\n")
    assert page.extra == ("### x",)
    assert page.entries == (_entry(),)


def test_a_kept_category_line_is_rewritten_in_place() -> None:
    text = HEAD + "##### A\n##### B\n### [T](/t.md)\n"
    page = _day(text)
    out = newsevent.dumps(attrs.evolve(page, extra=("##### Z",)))
    assert out == text.replace("##### A\n", "##### Z\n")


def test_a_formats_line_ending_in_an_ideographic_space_is_a_kept_line() -> None:
    page = _day(FORMATS + "\u3000\n\n" + HEAD + "### [T](/t.md)\n")
    assert page.formats is False
    assert page.extra == (FORMATS + "\u3000",)


def test_an_edited_date_rewrites_a_formats_line_next_to_a_kept_line() -> None:
    text = FORMATS + "\nstray\n" + HEAD + "### [T](/t.md)\n"
    page = _day(text)
    assert page.formats is True and page.extra == ("stray",)
    out = newsevent.dumps(attrs.evolve(page, date=dt.date(2014, 3, 9)))
    # The formats line is rewritten in the canonical layout (two spaces at its end).
    want = text.replace("03/8", "03/9").replace("2014-03-8", "2014-03-9")
    assert out == want.replace("index.xml)\n", "index.xml)  \n")


def test_an_unparsed_heading_with_trailing_blanks_and_its_removal() -> None:
    text = HEAD + "### [T](/t.md)\n\n## Unparsed:  \n\nx\n"
    page = _day(text)
    assert page.extra == ("x",)
    out = newsevent.dumps(attrs.evolve(page, extra=()))
    assert out == HEAD + "### [T](/t.md)\n\n"
    assert newsevent.parse(out) == attrs.evolve(page, extra=())


def test_an_entry_that_cannot_be_built_is_an_error_at_its_line() -> None:
    with pytest.raises(newsevent.ParseError) as info:
        newsevent.parse(HEAD + "\n### [T\x01](/t.md)\n")
    assert (info.value.lineno, info.value.colno) == (4, 1)
    assert info.value.msg == "title: character U+0001 at offset 1 cannot be stored"


def test_kind_of_pages_that_start_with_a_title() -> None:
    assert kind(["# Title", "", "#### by A"]) == "editorial"
    assert kind(["# Title", "", "text"]) == "event"
    assert kind(["text", "## Heading", "---"]) == "front"
    assert kind(["## [2014-03-8](/news/2014/03/8/index.md)"]) == "day"
    assert kind(["nothing"]) == "event"


def test_is_editorial_needs_a_title_heading_first() -> None:
    assert is_editorial(["", "# T", "#### by A"])
    assert not is_editorial(["##x", "#### by A"])
    assert not is_editorial(["#### by A"])
    assert not is_editorial(["# T"])
    assert not is_editorial(["text"])


def test_a_section_label_that_needs_no_escape_is_written_plain() -> None:
    assert section_link("a_b", "/x.md") == "[a_b](/x.md)"
    assert section_link("x*y", "/x.md") == "[x*y](/x.md)"


def test_titles_and_context_that_need_no_escape_are_written_plain() -> None:
    page = DayPage(
        date=dt.date(2014, 3, 8),
        entries=(Entry(title="a_b", url="/a.md", context=("x_y",)),),
    )
    assert newsevent.dumps(page) == (
        "## [2014-03-8](/news/2014/03/8/index.md)\n\n### [a_b ](/a.md)\n_Context: x_y_\n\n"
    )


_U0001 = "character U+0001 at offset 1 cannot be stored"


@pytest.mark.parametrize(
    ("body", "lineno", "msg"),
    [
        # The plain shapes take the title and url; a category or a summary the model
        # refuses still is an error at the entry's heading.
        ("##### a\x01\n### [T](/t.md)\n", 4, f"category: {_U0001}"),
        ("### [T](/t.md)\na\x01\n", 3, f"summary: {_U0001}"),
        ("### [T](/t.md)\n&#1;\n", 3, "summary must not be empty"),
    ],
)
def test_a_category_or_summary_the_model_refuses_is_an_error(
    body: str, lineno: int, msg: str
) -> None:
    with pytest.raises(newsevent.ParseError) as info:
        newsevent.parse(HEAD + body)
    assert (info.value.lineno, info.value.colno) == (lineno, 1)
    assert info.value.msg == msg


def _edit_first(page: DayPage, **changes: object) -> str:
    entry = attrs.evolve(page.entries[0], **changes)
    return newsevent.dumps(attrs.evolve(page, entries=(entry, *page.entries[1:])))


def test_an_edited_category_or_context_rewrites_its_line_only() -> None:
    # The summary's trailing blanks are its own spelling: kept while only another line changes.
    page = _day(HEAD + "##### A\n### [T](/t.md)\nsum  \n_Context: X_\n")
    assert _edit_first(page, category="B") == (
        HEAD + "##### B\n### [T](/t.md)\nsum  \n_Context: X_\n"
    )
    assert _edit_first(page, context=("Y",)) == (
        HEAD + "##### A\n### [T](/t.md)\nsum  \n_Context: Y_\n"
    )


def test_a_summary_and_context_move_with_their_entry() -> None:
    # Entry A moves after B and C; its lines go with it, as written, even with a kept line
    # and its heading further down the page.
    tail = "\n## Unparsed:\n\nx\n"
    page = _day(
        HEAD + "### [A](/a.md)\nsum a  \n_Context: X_\n\n### [B](/b.md)\n\n### [C](/c.md)\n" + tail
    )
    out = newsevent.dumps(attrs.evolve(page, entries=(*page.entries[1:], page.entries[0])))
    assert out == (
        HEAD + "### [B](/b.md)\n\n### [C](/c.md)\n\n### [A](/a.md)\nsum a  \n_Context: X_\n" + tail
    )


@pytest.mark.parametrize(
    ("text", "msg"),
    [
        # The date heading's pattern takes a DEL in the prefix; the model does not.
        (
            HEAD.replace("](/news", "](/a\x7fb/news") + "### [T](/t.md)\n",
            "prefix '/a\\x7fb' must be empty or '/segment[/segment…]'",
        ),
        # Angle brackets let a space into the previous-day link; the model does not.
        (
            HEAD + "### [T](/t.md)\n\n## [Previous Day...](</news/2014 03/7>)\n",
            "previous '/news/2014 03/7' must not contain U+0020 at offset 10 (whitespace and "
            "control characters end a Markdown link destination)",
        ),
        # The same, with kept lines: the page is built by the validating constructor.
        (
            HEAD + "### [T](/t.md)\n\n## [Previous Day...](</news/2014 03/7>)\n\nkept\n",
            "previous '/news/2014 03/7' must not contain U+0020 at offset 10 (whitespace and "
            "control characters end a Markdown link destination)",
        ),
    ],
)
def test_a_day_page_the_model_refuses_is_an_error_at_line_1(text: str, msg: str) -> None:
    # A value of the whole page, not of a line: the error is the page's, at line 1.
    with pytest.raises(newsevent.ParseError) as info:
        newsevent.parse("\n" + FORMATS + "  \n\n" + text)
    assert (info.value.msg, info.value.lineno, info.value.colno) == (msg, 1, 1)


def test_a_day_page_with_kept_lines_keeps_its_language() -> None:
    # Kept lines send the page through the validating constructor, which takes the language.
    page = _day(HEAD + "### [T](/t.md)\n_消息: A_\n\nkept\n")
    assert page.extra == ("kept",)
    assert page.language == "zh"
    page = _day(HEAD + "### [T](/t.md)\n\n## [前一天...](/news/2014/03/7/index.md)\n\nkept\n")
    assert (page.previous, page.language) == ("/news/2014/03/7/index.md", "zh")


@pytest.mark.parametrize("blanks", [" ", "  ", "\t", " \t"])
def test_a_day_page_with_a_rule_under_any_unparsed_heading_is_a_day_page(blanks: str) -> None:
    # The readers stop reading sections at "## Unparsed:" with any blanks after "##", as
    # at any "##" heading; a kept "---" under it is no front-page rule. Spelled otherwise
    # than "## Unparsed:", the heading is itself a kept line.
    day = "## [2012-11-8](/news/2012/11/8/index.md)"
    lines = [day, "", "### [A ](/news/2012/11/8/a.md)", "", f"##{blanks}Unparsed:", "", "---"]
    assert kind(lines) == "day"
    page = newsevent.parse("\n".join(lines) + "\n")
    assert isinstance(page, newsevent.DayPage)
    kept = ("---",) if blanks == " " else (f"##{blanks}Unparsed:", "---")
    assert (page.entries[0].title, page.extra) == ("A", kept)
    assert newsevent.markdown.dumps(page) == "\n".join(lines) + "\n"
    # A rule above the heading is a front page's, whatever comes under the heading.
    front = [*lines[:4], "---", "", f"##{blanks}Unparsed:", "", "x"]
    assert kind(front) == "front"
    assert isinstance(newsevent.parse("\n".join(front) + "\n"), newsevent.FrontPage)


@pytest.mark.parametrize("stray", ["##", "## ", "##\t", "##  \t"])
@pytest.mark.parametrize("kind_", ["day", "front", "event"])
def test_a_heading_mark_without_text_before_the_first_heading_is_kept(
    stray: str, kind_: str
) -> None:
    # "##" alone heads nothing: a line to keep, in every page kind, where it was refused
    # (a day page taken for a front page, an event page for no page at all).
    page = {
        "day": f"{FORMATS}  \n\n{HEAD}### [T](/t.md)\n",
        "front": (DATA / "front-page.md").read_text("utf-8"),
        "event": newsevent.example(),
    }[kind_]
    lines = page.split("\n")
    first = next(i for i, x in enumerate(lines) if x.startswith("##"))
    text = "\n".join([*lines[:first], stray, *lines[first:]])
    assert kind(text.split("\n")) == kind_
    got = newsevent.parse(text)
    assert type(got).__name__ == {"day": "DayPage", "front": "FrontPage", "event": "Event"}[kind_]
    assert got.extra == (stray,)
    assert newsevent.dumps(got) == text
    assert attrs.evolve(got, extra=()) == newsevent.parse(page)
    canonical = newsevent.markdown.dumps(got, canonical=True)
    assert newsevent.parse(canonical) == got


def test_only_blanks_after_the_marks_make_a_line_without_text() -> None:
    day = HEAD.rstrip("\n")
    assert kind(["## \t", day]) == "day"
    # Text right after the marks, or a space that is no blank (no-break, form feed): a
    # heading's text, so a first heading that is no day heading (a front page's).
    assert kind(["##x", day]) == "front"
    assert kind(["##\xa0", day]) == "front"
    assert kind(["##\x0c", day]) == "front"
