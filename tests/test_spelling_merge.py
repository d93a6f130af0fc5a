"""How an edited page is written back (newsevent._spelling): blocks cut at the reader's
marks, and merge() laying the canonical text of what changed into the page as it was
written. Each expected text is the original page with the edited lines changed by hand."""

from __future__ import annotations

import pickle

import attrs
import pytest

import newsevent
from newsevent import Event, Source, markdown
from newsevent._spelling import (
    Block,
    Owned,
    Spelling,
    _owner,
    attach,
    fingerprint,
    merge,
    unchanged,
)

PAGE = (
    "### [2020-01-2](/news/2020/01/2/index.md)\n\n"
    "##### Cat\n"
    "# Title \n\n"
    "Para one.\n\n"
    "Para two.\n\n\n\n"
    "### Sources:\n\n"
    "1. [A](http://a.example/)\n"
    "2. [B](http://b.example/)\n\n"
    "### Related:\n\n"
    "1. [R1](/news/2020/01/1/r1.md)\n"
    "2. [R2](/news/2020/01/1/r2.md)\n"
)
A = "1. [A](http://a.example/)\n"
B = "2. [B](http://b.example/)\n"
C = Source(name="C", url="http://c.example/")


def _event(text: str = PAGE) -> Event:
    ev = newsevent.parse(text)
    assert isinstance(ev, Event)
    return ev


def _written(ev: Event) -> str:
    out = newsevent.dumps(ev)
    assert newsevent.parse(out) == ev
    return out


# ---------------------------------------------------------------- blocks


def test_blocks_are_cut_at_the_marks_in_line_order() -> None:
    text = "a\nb\n\nc\r\nd"
    # Marks in any order; the last block ends at the text's end.
    sp = Spelling(text, [("y", 2, 3, 4), ("x", 1, 0, 2)], lead="\ufeff")
    assert sp.blocks == (Block("x", 1, "a\nb\n", "\n"), Block("y", 2, "c\r\n", "d"))
    assert sp.blocks is sp.blocks  # cut once
    assert sp.text == "\ufeff" + text
    assert sp.head == "\ufeff"
    assert repr(sp) == "<Spelling of 2 blocks>"


def test_a_block_that_runs_to_the_end_of_the_text() -> None:
    sp = Spelling("\n\nx\ny", [("f", "v", 2, 4)])
    assert sp.blocks == (Block("f", "v", "x\ny", ""),)
    assert sp.head == "\n\n"


def test_the_head_is_what_stands_before_the_first_block() -> None:
    assert Spelling("\n\nx\n", [("f", 1, 2, 3)], lead="\ufeff").head == "\ufeff\n\n"
    assert Spelling("one\ntwo\n", [("g", 2, 1, 2), ("f", 1, 0, 1)]).head == ""
    assert Spelling("no marks\n", [], lead="\ufeff").head == "\ufeff" + "no marks\n"


@pytest.mark.parametrize(
    ("text", "newline"),
    [("a\r\nb\n", "\r\n"), ("a\rb\r\n", "\r"), ("a\nb\r\n", "\n"), ("a", "\n"), ("", "\n")],
)
def test_the_newline_is_that_of_the_first_line(text: str, newline: str) -> None:
    assert Spelling(text, []).newline == newline


def test_a_pickled_page_keeps_its_spelling_and_knows_it_is_unchanged() -> None:
    text = "\ufeff" + PAGE.replace("\n", "\r\n")
    ev = _event(text)
    back = pickle.loads(pickle.dumps(ev))
    assert back == ev and back.spelling is not None
    assert back.spelling.text == text
    assert back.spelling.blocks == ev.spelling.blocks  # type: ignore[union-attr]
    assert unchanged(back)
    assert newsevent.dumps(back) == text
    edited = attrs.evolve(back, title="New")
    assert not unchanged(edited)
    assert newsevent.dumps(edited) == text.replace("# Title \r\n", "# New \r\n")


def test_a_page_is_unchanged_until_a_value_or_its_language_changes() -> None:
    ev = _event()
    day = newsevent.parse(
        "## [2014-03-8](/news/2014/03/8/index.md)\n\n### [T](/news/2014/03/8/t.md)\n"
    )
    # Pages of two classes: each class has its own fields.
    assert unchanged(ev) and unchanged(day) and unchanged(attrs.evolve(ev))
    assert not unchanged(attrs.evolve(ev, title="Other"))
    assert not unchanged(attrs.evolve(ev, language="zh"))
    assert not unchanged(attrs.evolve(ev, spelling=None))
    assert unchanged(attrs.evolve(day)) and not unchanged(attrs.evolve(day, previous="/p.md"))


# ---------------------------------------------------------------- edits of lists


def test_an_item_added_at_the_end_of_a_list() -> None:
    ev = _event()
    out = _written(attrs.evolve(ev, sources=(*ev.sources, C)))
    assert out == PAGE.replace(B, B + "3. [C](http://c.example/)\n")


def test_an_item_added_at_the_start_of_a_list_renumbers_the_list() -> None:
    ev = _event()
    out = _written(attrs.evolve(ev, sources=(C, *ev.sources)))
    assert out == PAGE.replace(
        A + B, "1. [C](http://c.example/)\n2. [A](http://a.example/)\n3. [B](http://b.example/)\n"
    )


def test_an_item_added_in_the_middle_of_a_list() -> None:
    ev = _event()
    out = _written(attrs.evolve(ev, sources=(ev.sources[0], C, ev.sources[1])))
    assert out == PAGE.replace(A + B, A + "2. [C](http://c.example/)\n3. [B](http://b.example/)\n")


def test_an_item_replaced_keeps_its_place_and_number() -> None:
    ev = _event()
    out = _written(attrs.evolve(ev, sources=(C, ev.sources[1])))
    assert out == PAGE.replace(A, "1. [C](http://c.example/)\n")


def test_the_last_item_removed_leaves_the_list_its_blank_line() -> None:
    ev = _event()
    out = _written(attrs.evolve(ev, sources=ev.sources[:1]))
    assert out == PAGE.replace(B, "")


def test_the_first_item_removed_renumbers_the_rest() -> None:
    ev = _event()
    out = _written(attrs.evolve(ev, sources=ev.sources[1:]))
    assert out == PAGE.replace(A + B, "1. [B](http://b.example/)\n")


def test_a_list_emptied_loses_its_heading() -> None:
    ev = _event()
    out = _written(attrs.evolve(ev, sources=()))
    assert out == PAGE.replace("### Sources:\n\n" + A + B + "\n", "")


def test_a_list_added_gets_its_heading() -> None:
    text = PAGE.replace("### Sources:\n\n" + A + B + "\n", "")
    ev = _event(text)
    out = _written(attrs.evolve(ev, sources=(C,)))
    assert out == text.replace(
        "### Related:", "### Sources:\n\n1. [C](http://c.example/)\n\n### Related:"
    )


def test_lists_numbered_with_ones_stay_numbered_with_ones() -> None:
    text = PAGE.replace(B, "1. [B](http://b.example/)\n")
    ev = _event(text)
    out = _written(attrs.evolve(ev, sources=(C, *ev.sources)))
    assert out == text.replace(A, "1. [C](http://c.example/)\n" + A)


def test_lists_numbered_as_written_keep_their_numbers() -> None:
    text = PAGE.replace(B, "5. [B](http://b.example/)\n")
    ev = _event(text)
    # Numbers that follow no rule are not rewritten: the new item has the canonical "1.".
    out = _written(attrs.evolve(ev, sources=(*ev.sources, C)))
    assert out == text.replace(
        "5. [B](http://b.example/)\n", "5. [B](http://b.example/)\n1. [C](http://c.example/)\n"
    )


def test_new_lines_take_the_page_line_ending() -> None:
    text = PAGE.replace("\n", "\r\n")
    ev = _event(text)
    out = _written(attrs.evolve(ev, sources=(*ev.sources, C)))
    assert out == text.replace(
        "2. [B](http://b.example/)\r\n",
        "2. [B](http://b.example/)\r\n3. [C](http://c.example/)\r\n",
    )


# ---------------------------------------------------------------- edits of single values


def test_a_paragraph_added_between_two() -> None:
    ev = _event()
    out = _written(attrs.evolve(ev, body="Para one.\n\nNew.\n\nPara two."))
    assert out == PAGE.replace("Para one.\n\n", "Para one.\n\nNew.\n\n")


def test_the_body_removed() -> None:
    ev = _event()
    out = _written(attrs.evolve(ev, body=""))
    assert out == PAGE.replace("Para one.\n\nPara two.\n\n\n\n", "")


def test_the_category_removed() -> None:
    ev = _event()
    out = _written(attrs.evolve(ev, category=None))
    assert out == PAGE.replace("##### Cat\n", "")


def test_merge_of_a_page_with_itself_is_the_page() -> None:
    sp = _event().spelling
    assert sp is not None
    assert merge(sp, sp) == PAGE


D = Source(name="D", url="http://d.example/")


def test_two_items_added_at_the_end_of_a_list() -> None:
    ev = _event()
    out = _written(attrs.evolve(ev, sources=(*ev.sources, C, D)))
    assert out == PAGE.replace(B, B + "3. [C](http://c.example/)\n4. [D](http://d.example/)\n")


def test_one_item_replaced_by_two() -> None:
    ev = _event()
    out = _written(attrs.evolve(ev, sources=(C, D, ev.sources[1])))
    assert out == PAGE.replace(
        A + B,
        "1. [C](http://c.example/)\n2. [D](http://d.example/)\n3. [B](http://b.example/)\n",
    )


def test_an_item_removed_from_the_middle_of_a_list() -> None:
    text = PAGE.replace(B, B + "3. [C](http://c.example/)\n")
    ev = _event(text)
    out = _written(attrs.evolve(ev, sources=(ev.sources[0], ev.sources[2])))
    assert out == PAGE.replace(B, "2. [C](http://c.example/)\n")


def test_the_last_two_items_removed() -> None:
    text = PAGE.replace(B, B + "3. [C](http://c.example/)\n")
    ev = _event(text)
    out = _written(attrs.evolve(ev, sources=ev.sources[:1]))
    assert out == PAGE.replace(B, "")


def test_the_last_item_of_the_page_removed() -> None:
    ev = _event()
    out = _written(attrs.evolve(ev, related=ev.related[:1]))
    assert out == PAGE.replace("2. [R2](/news/2020/01/1/r2.md)\n", "")


def test_a_page_without_a_final_newline_keeps_its_end() -> None:
    text = PAGE.rstrip("\n")
    ev = _event(text)
    assert _written(attrs.evolve(ev, title="New")) == text.replace("# Title \n", "# New \n")


def test_one_source_and_a_second_added_follow_the_canonical_numbers() -> None:
    # Fewer than two numbers say no style: the canonical one (English sources: all "1.").
    text = PAGE.replace(B, "")
    ev = _event(text)
    out = _written(attrs.evolve(ev, sources=(*ev.sources, C)))
    assert out == text.replace(A, A + "1. [C](http://c.example/)\n")


CHANGES = (
    "\n### Changes:\n\n"
    "1. [V1](/news/2020/01/2/v1.md) _(First version)_\n"
    "2. [V2](/news/2020/01/2/v2.md) _(Current version)_\n"
)
NEW_FIRST = {
    "sources": (A, "1. [C](http://c.example/)\n2. [A](http://a.example/)\n"),
    "related": ("1. [R1]", "1. [R0 ](/news/2020/01/1/r0.md)\n2. [R1]"),
    "changes": ("1. [V1]", "1. [V0 ](/news/2020/01/2/v0.md) _(Zero)_\n2. [V1]"),
}
SECOND = {
    "sources": "2. [B](",
    "related": "2. [R2](",
    "changes": "2. [V2](",
}


@pytest.mark.parametrize("as_written", ["sources", "related", "changes"])
def test_each_list_keeps_its_own_numbering(as_written: str) -> None:
    # One list numbered in no order keeps its numbers; the other two are renumbered
    # (whatever order the lists are renumbered in).
    text = (PAGE + CHANGES).replace(SECOND[as_written], "7. [" + SECOND[as_written][4:])
    ev = _event(text)
    added = {
        "sources": (C, *ev.sources),
        "related": (newsevent.Related(title="R0", url="/news/2020/01/1/r0.md"), *ev.related),
        "changes": (
            newsevent.Change(title="V0", url="/news/2020/01/2/v0.md", label="Zero"),
            *ev.changes,
        ),
    }
    edited = [f for f in added if f != as_written]
    out = _written(attrs.evolve(ev, **{f: added[f] for f in edited}))
    want = text
    for f in edited:
        old, new = NEW_FIRST[f]
        want = want.replace(old, new, 1).replace(SECOND[f], "3. [" + SECOND[f][4:])
    assert out == want


def test_new_paragraphs_take_the_page_line_ending() -> None:
    text = PAGE.replace("\n", "\r\n")
    ev = _event(text)
    out = _written(attrs.evolve(ev, body="Para one.\n\nNew.\n\nPara two."))
    assert out == text.replace("Para one.\r\n\r\n", "Para one.\r\n\r\nNew.\r\n\r\n")


def test_a_long_body_of_repeated_paragraphs_is_aligned_item_by_item() -> None:
    # Over 200 equal blocks: a matcher that drops frequent items as junk would rewrite
    # every paragraph in the canonical spelling (&quot;) instead of inserting one.
    text = "### [2020-01-2](/news/2020/01/2/index.md)\n\n# Title \n\n" + "\n\n".join(
        ["Say &#34;hi&#34;."] * 205
    )
    ev = _event(text)
    out = _written(attrs.evolve(ev, body="Other.\n\n" + ev.body))
    assert out == text.replace("# Title \n\n", "# Title \n\nOther.\n\n")


KEPT = (
    "Some preface the reader does not know.\n\n"
    "### [2001-04-8](/news/2001/04/8/index.md)\n\n"
    "#  Only a title. \n"
    "## A stray heading in the body\n\n"
    "### Sources:\n\n"
    "1. [Broken [link](http://example.org/x)\n"
    "not an item at all\n\n"
    "### Notes:\n\n"
    "1. [note](http://example.org/n)\n"
)


def test_kept_lines_stay_where_they_stood_with_the_heading_above_them() -> None:
    ev = _event(KEPT)
    # "### Sources:" introduces no source, only kept lines: it stays with them, and
    # the canonical "### Unparsed:" heading of kept lines is not added.
    assert _written(attrs.evolve(ev, title="New")) == KEPT.replace(
        "#  Only a title. \n", "# New \n"
    )
    out = _written(attrs.evolve(ev, extra=ev.extra[:2] + ev.extra[3:]))
    assert out == KEPT.replace("1. [Broken [link](http://example.org/x)\n", "")


def test_a_heading_goes_with_the_last_kept_line_under_it() -> None:
    ev = _event(KEPT)
    out = _written(attrs.evolve(ev, extra=()))
    assert out == "### [2001-04-8](/news/2001/04/8/index.md)\n\n#  Only a title. \n"


def test_a_kept_line_added_to_a_page_without_any_gets_its_heading() -> None:
    ev = _event()
    out = _written(attrs.evolve(ev, extra=("kept line",)))
    assert out == PAGE + "### Unparsed:\n\nkept line\n"


def test_a_kept_line_added_after_kept_lines_elsewhere_needs_no_heading() -> None:
    # The new line goes after the kept line before it, wherever that stands; the
    # "Unparsed:" heading, which would stand alone at the end, is not added.
    ev = _event(KEPT)
    out = _written(attrs.evolve(ev, extra=(*ev.extra[:1], "new", *ev.extra[1:])))
    assert out == KEPT.replace("know.\n", "know.\nnew\n")
    assert _written(attrs.evolve(ev, extra=(*ev.extra, "new"))) == KEPT + "new\n"
    day = "kept\n\n## [2014-03-8](/news/2014/03/8/index.md)\n\n### [T](/t.md)\n"
    page = newsevent.parse(day)
    edited = attrs.evolve(page, extra=("kept", "new"))
    out = newsevent.dumps(edited)
    assert out == day.replace("kept\n", "kept\nnew\n")
    assert newsevent.parse(out) == edited


def test_a_kept_line_added_before_the_kept_lines_gets_the_heading() -> None:
    # Before the first kept line, the new one has no kept line to follow: it goes under a
    # new heading at the end, and the page, which reads back in another order, is
    # written in the canonical layout.
    day = "kept\n\n## [2014-03-8](/news/2014/03/8/index.md)\n\n### [T](/t.md)\n"
    edited = attrs.evolve(newsevent.parse(day), extra=("new", "kept"))
    out = newsevent.dumps(edited)
    assert out == markdown.dumps(edited, canonical=True)
    assert out.endswith("## Unparsed:\n\nnew\nkept\n")
    assert newsevent.parse(out) == edited


FRONT = (
    "## [今天](/news/2019/12/22/index.md)\n\n"
    "### [ 选举结果公布。 ](/zh/news/2019/12/22/选举.md)\n"
    "---\n\n"
    "## [前一天...](/news/2019/12/21/index.md)\n"
    "---\n"
)


def test_a_section_added_before_the_first_goes_first() -> None:
    page = newsevent.parse(FRONT)
    assert isinstance(page, newsevent.FrontPage)
    section = newsevent.FrontSection(
        label="明天",
        url="/news/2019/12/23/index.md",
        entries=(newsevent.Entry(title="新", url="/zh/news/2019/12/23/新.md"),),
        rule=True,
    )
    new = attrs.evolve(page, sections=(section, *page.sections))
    out = newsevent.dumps(new)
    assert newsevent.parse(out) == new
    assert out == (
        "## [明天](/news/2019/12/23/index.md)\n\n### [新 ](/zh/news/2019/12/23/新.md)\n---\n\n"
        + FRONT
    )


def test_the_values_of_a_class_met_for_the_first_time() -> None:
    # A class made here is new to the cache of field names on every run.
    @attrs.frozen
    class Page:
        a: int
        spelling: Spelling | None = attrs.field(default=None, eq=False)
        b: str = "x"

    assert fingerprint(Page(1, None, "y")) == (1, "y")
    sp = Spelling("", [])
    page = Page(2, sp)
    attach(sp, page)
    assert unchanged(page) and not unchanged(attrs.evolve(page, b="z"))


def test_a_heading_stays_for_its_first_kept_line() -> None:
    ev = _event(KEPT)
    out = _written(attrs.evolve(ev, extra=ev.extra[:3]))
    assert out == KEPT.split("not an item")[0]


def test_a_heading_stays_for_its_second_kept_line() -> None:
    ev = _event(KEPT)
    out = _written(attrs.evolve(ev, extra=(*ev.extra[:2], ev.extra[3])))
    assert out == KEPT.split("1. [Broken")[0] + "not an item at all\n"


def test_a_list_that_grows_moves_its_blank_lines_after_the_new_item() -> None:
    text = PAGE.replace(B, B + "\n\n")
    ev = _event(text)
    out = _written(attrs.evolve(ev, sources=(*ev.sources, C)))
    assert out == text.replace(B, B + "3. [C](http://c.example/)\n")


def test_a_list_numbered_with_ones_numbers_a_new_last_item_one() -> None:
    # The canonical layout numbers related events 1, 2, 3: the page's own style wins.
    text = PAGE.replace("2. [R2]", "1. [R2]")
    ev = _event(text)
    new = newsevent.Related(title="R3", url="/news/2020/01/1/r3.md")
    out = _written(attrs.evolve(ev, related=(*ev.related, new)))
    assert out == text + "1. [R3 ](/news/2020/01/1/r3.md)\n"


def test_the_last_of_three_bare_entries_removed() -> None:
    day = (
        "## [2014-03-8](/news/2014/03/8/index.md)\n\n"
        "### [A](/news/2014/03/8/a.md)\n"
        "### [B](/news/2014/03/8/b.md)\n"
        "### [C](/news/2014/03/8/c.md)\n\n"
        "## [Previous Day...](/news/2014/03/7/index.md)\n"
    )
    page = newsevent.parse(day)
    assert isinstance(page, newsevent.DayPage)
    new = attrs.evolve(page, entries=page.entries[:2])
    out = newsevent.dumps(new)
    assert newsevent.parse(out) == new
    assert out == day.replace("### [C](/news/2014/03/8/c.md)\n", "")


def test_a_section_added_after_a_first_section_without_entries() -> None:
    front = "## Opinion\n\n\n## [前一天...](/news/2019/12/19/index.md)\n---\n"
    page = newsevent.parse(front)
    assert isinstance(page, newsevent.FrontPage)
    section = newsevent.FrontSection(label="X", url=None, entries=(), rule=False)
    new = attrs.evolve(page, sections=(page.sections[0], section, page.sections[1]))
    out = newsevent.dumps(new)
    assert newsevent.parse(out) == new
    # The new section takes the canonical blank line; the old blank lines follow it.
    assert out == front.replace("## Opinion\n\n\n", "## Opinion\n\n## X\n\n\n")


# ---------------------------------------------------------------- day pages

DAY = (
    "## [2007-01-12](/zh/news/2007/01/12/index.md)\n\n"
    "##### 美国\n"
    "### [ 甲。](/zh/news/2007/01/12/a.md)\n"
    "甲 &amp; 乙\n"
    "##### 索马里\n"
    "### [乙。 ](/zh/news/2007/01/12/b.md)\n"
    "_消息: 索马里_\n"
    "##### 美国\n"
    "### [丙。](/zh/news/2007/01/12/c.md)\n"
    "## [前一天...](/zh/news/2007/01/11/index.md)\n"
)


def _day(text: str = DAY) -> newsevent.DayPage:
    day = newsevent.parse(text)
    assert isinstance(day, newsevent.DayPage)
    return day


def test_moved_entries_take_their_own_lines_with_them() -> None:
    day = _day()
    a, b, c = day.entries
    lines = DAY.splitlines(keepends=True)
    # Each entry moves with its category, summary and context lines, as written.
    swapped = attrs.evolve(day, entries=(b, a, c))
    assert newsevent.dumps(swapped) == "".join(lines[:2] + lines[5:8] + lines[2:5] + lines[8:])
    swapped = attrs.evolve(day, entries=(c, b, a))
    expected = lines[:2] + lines[8:10] + lines[5:8] + lines[2:5] + lines[10:]
    assert newsevent.dumps(swapped) == "".join(expected)


def test_an_entry_with_a_new_title_keeps_its_other_lines_as_written() -> None:
    day = _day()
    a, b, c = day.entries
    retitled = attrs.evolve(day, entries=(attrs.evolve(a, title="丁"), b, c))
    lines = DAY.splitlines(keepends=True)
    lines[3] = "### [丁 ](/zh/news/2007/01/12/a.md)\n"  # (the Chinese layout's blank)
    assert newsevent.dumps(retitled) == "".join(lines)


def test_the_owner_of_a_block_is_the_nearest_block_with_its_value() -> None:
    key = ("t", "/a")
    blocks = [
        Block("entry", key, "### [t](/a)\n", ""),
        Block("entry.summary", Owned("s", key), "s\n", ""),
        Block("entry", ("u", "/b"), "### [u](/b)\n", ""),
    ]
    assert _owner(blocks, 1, key) == 0  # the first block too
    assert _owner(blocks, 0, ("u", "/b")) == 2  # after it
    assert _owner(blocks, 2, ("x", "/x")) is None  # none: the search stops at the ends


def test_a_line_whose_owner_is_gone_is_written_as_it_was() -> None:
    key = ("t", "/a")
    old = Spelling("a\nb\n", [("entry", key, 0, 1), ("entry.summary", Owned("s", key), 1, 2)])
    # The new page holds the summary's value without its entry: the line is not kept in
    # place (its owner is not), it moves, with its own text.
    new = Spelling("B\n", [("entry.summary", Owned("s", key), 0, 1)])
    assert merge(old, new) == "b\n"
