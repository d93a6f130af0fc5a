"""The fast paths of newsevent._inline at their edges: item lines the one-step readers
(related_item, source_item, plain_link, plain_context) must refuse or read in full, and
URL destinations the writer must escape. Each expected value is written out by hand and
checked against mistune's own reading (``fast=False``)."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from newsevent import ParseError, _inline
from newsevent._md import event

PAGE = "### [2016-02-3](/news/2016/02/3/index.md)\n\n# T\n\n### {heading}\n\n{line}\n"


def _mistune(line: str) -> list[_inline.Node]:
    """The nodes mistune reads from an item line's content (after ``N. ``)."""
    return _inline.nodes(line.split(" ", 1)[1].strip(" \t"), fast=False)


def _read(text: str, fast: bool) -> event.Event | str:
    try:
        return event.loads(text, fast=fast)
    except ParseError as exc:
        return str(exc)


def _same_page(line: str, heading: str) -> event.Event | str:
    """The line read inside an event page by the fast reader equals the general reader's
    reading (the page, or the error message)."""
    text = PAGE.format(heading=heading, line=line)
    page = _read(text, True)
    assert page == _read(text, False)
    return page


# (line, what related_item answers, what mistune reads from the item). The plain shape
# (_RELATED_SHAPE) matches every one of these lines; each holds one thing that makes the
# plain reading wrong, so related_item must leave it to the general path (None) or to
# _related_any, which decodes what the plain path cannot.
RELATED_REFUSED = [
    # A control character: the model refuses it, the plain path would not notice.
    (
        "1. [a\x01](u) _Context: x_",
        None,
        [("link", "a\x01", "u"), ("text", " "), ("em", "Context: x")],
    ),
    # An escape: mistune reads "a.".
    ("1. [a\\.](u) _Context: x_", None, [("link", "a.", "u"), ("text", " "), ("em", "Context: x")]),
    # A code span from the title into the tags: no link at all.
    ("1. [a`](u) _Context: x`_", None, [("text", "[a`](u) _Context: x`_")]),
    # Raw HTML in the title: mistune reads no link.
    ("1. [<a>](u) _Context: x_", None, [("text", "[<a>](u) "), ("em", "Context: x")]),
    # Emphasis inside the title is written back with "*".
    ("1. [_a_](u) _Context: x_", None, [("link", "*a*", "u"), ("text", " "), ("em", "Context: x")]),
    # A bracket in the title: the link is "[a](u)" after a "[".
    (
        "1. [[a](u) _Context: x_",
        None,
        [("text", "["), ("link", "a", "u"), ("text", " "), ("em", "Context: x")],
    ),
    # A blank in the destination is no destination.
    ("1. [a](u v) _Context: x_", None, [("text", "[a](u v) "), ("em", "Context: x")]),
    # A parenthesis in the destination: "(u(" is no destination either.
    ("1. [a](u() _Context: x_", None, [("text", "[a](u() "), ("em", "Context: x")]),
    # Tags that do not split on ", " into tags without blanks at their ends.
    ("1. [a](u) _Context:  x_", None, [("link", "a", "u"), ("text", " "), ("em", "Context:  x")]),
    ("1. [a](u) _Context: xy _", None, [("link", "a", "u"), ("text", " _Context: xy _")]),
    ("1. [a](u) _Context: x _", None, [("link", "a", "u"), ("text", " _Context: x _")]),
    ("1. [a](u) _Context: , x_", None, [("link", "a", "u"), ("text", " "), ("em", "Context: , x")]),
    (
        "1. [a](u) _Context: x , y_",
        None,
        [("link", "a", "u"), ("text", " "), ("em", "Context: x , y")],
    ),
    (
        "1. [a](u) _Context: x,  y_",
        None,
        [("link", "a", "u"), ("text", " "), ("em", "Context: x,  y")],
    ),
]


@pytest.mark.parametrize(("line", "answer", "nodes"), RELATED_REFUSED)
def test_related_item_refuses_what_the_plain_shape_cannot_read(
    line: str, answer: object, nodes: list[_inline.Node] | None
) -> None:
    assert _inline._RELATED_SHAPE.fullmatch(line)
    assert _inline.related_item(line) == answer
    if nodes is not None:
        assert _mistune(line) == nodes
    _same_page(line, "Related:")


# Lines the plain shape refuses or the plain checks leave to _related_any, which decodes
# entities and takes blanks the model keeps: (line, what related_item answers).
RELATED_DECODED = [
    ("1. [a &amp; b](u) _Context: x_", ("a & b", "u", "Context", ("x",))),
    ("1. [X &amp; X](u?a=1&amp;b=2) _消息: x_", ("X & X", "u?a=1&b=2", "消息", ("x",))),
    # An ideographic space is not printable (plain refuses) but a title keeps it.
    ("1. [\u3000a](u) _上下文: x_", ("\u3000a", "u", "上下文", ("x",))),
    ("1. [a\t](u) _Context: x_", ("a", "u", "Context", ("x",))),
    # An entity that decodes to a blank in the url, or to a newline in the title.
    ("1. [a &amp; b](u&#32;v) _Context: x_", None),
    ("1. [a&#10;b](u) _Context: x_", None),
    # Tags the model refuses.
    ("1. [a &amp; b](u) _Context: x , y_", None),
]


@pytest.mark.parametrize(("line", "answer"), RELATED_DECODED)
def test_related_item_decodes_or_refuses_what_the_plain_path_leaves(
    line: str, answer: object
) -> None:
    assert _inline.related_item(line) == answer
    page = _same_page(line, "Related:")
    if answer is not None:
        assert isinstance(page, event.Event)
        title, url, _label, tags = answer  # type: ignore[misc]
        assert page.related == (event.Related(title=title, url=url, context=tags),)


@pytest.mark.parametrize(
    ("line", "answer"),
    [
        ("1. [ a b ](u) _Context: x, y z_", ("a b", "u", "Context", ("x", "y z"))),
        (
            "12.\t[中國](/zh/a.md) _消息: 中國, 伊朗_ \t",
            ("中國", "/zh/a.md", "消息", ("中國", "伊朗")),
        ),
        ("3. [Xa X](u) _上下文: X_", ("Xa X", "u", "上下文", ("X",))),
    ],
)
def test_related_item_reads_the_plain_spelling(line: str, answer: object) -> None:
    assert _inline.related_item(line) == answer
    _same_page(line, "Related:")


def test_star_bang_and_closing_angle_read_as_themselves_in_a_related_line() -> None:
    # related_item leaves these to the general path, which reads them as the plain path
    # would: a mutant that lets the plain path take them changes nothing (see testing.md).
    line = "1. [*a* !](u>) _Context: b*, !c_"
    assert _inline.related_item(line) is None
    page = _same_page(line, "Related:")
    assert isinstance(page, event.Event)
    assert page.related == (event.Related(title="*a* !", url="u>", context=("b*", "!c")),)


# (line, what source_item answers): each line holds one thing the plain path must refuse.
SOURCES = [
    ("1. [ Xa X ](u)", ("Xa X", "u", None)),
    ("1. [a](u) [IMG](i)", ("a", "u", "i")),
    ("1. [a\x01](u)", None),
    ("1. [a\\.](u)", None),
    ("1. [`a](u`)", None),
    ("1. [<a>](u)", None),
    ("1. [_a_](u)", None),
    ("1. [[a](u)", None),
    ("1. [a](u v)", None),
    ("1. [a](u()", None),
    ("1. [a](u) [IMG](i j)", None),
    ("1. [a](u) [IMG](i()", None),
    ("1. [a &amp; b](u)", ("a & b", "u", None)),
    ("1. [a](u?x=1&amp;y=2) [IMG](i&amp;j)", ("a", "u?x=1&y=2", "i&j")),
    ("1. [\u3000a X](u)", ("\u3000a X", "u", None)),
    ("1. [Xa\t](u) [IMG](i)", ("Xa", "u", "i")),
    ("1. [a](u&#32;v)", None),
    ("1. [a](u) [IMG](i&#32;j)", None),
    ("1. [a&#10;b](u)", None),
]


@pytest.mark.parametrize(("line", "answer"), SOURCES)
def test_source_item_takes_only_what_reads_the_same(line: str, answer: object) -> None:
    assert _inline.source_item(line) == answer
    page = _same_page(line, "Sources:")
    if answer is not None:
        assert isinstance(page, event.Event)
        name, url, image = answer  # type: ignore[misc]
        assert page.sources == (event.Source(name=name, url=url, image=image),)


@pytest.mark.parametrize(
    ("src", "answer"),
    [
        ("[a](u)", ("a", "u")),
        ("[ a ](/x.md)", (" a ", "/x.md")),
        ("[a\\.](u)", None),
        ("[a_b_](u)", None),
        ("[a](u) x", None),
        ("[a](u v)", None),
    ],
)
def test_plain_link(src: str, answer: object) -> None:
    assert _inline.plain_link(src) == answer
    if answer is not None:
        assert _inline.nodes(src, fast=False) == [("link", *answer)]


@pytest.mark.parametrize(
    ("src", "answer"),
    [
        ("_Context: a, b c_", ("Context", ("a", "b c"))),
        ("_消息: 中國_", ("消息", ("中國",))),
        ("_Context: a\\.b_", None),
        ("_Context: a`b`_", None),
        ("_Context:  a_", None),
        ("_Context: ab _", None),
        ("_Context: , a_", None),
        ("_Context: a , b_", None),
        ("_Context: a,  b_", None),
        ("_Context: [a](b 't')_", None),
        ("_Kontext: a_", None),
        ("_Context: a_ b", None),
    ],
)
def test_plain_context(src: str, answer: object) -> None:
    assert _inline.plain_context(src) == answer
    if answer is not None:
        label, tags = answer  # type: ignore[misc]
        assert _inline.nodes(src, fast=False) == [("em", f"{label}: {', '.join(tags)}")]


@pytest.mark.parametrize(
    ("url", "dest"),
    [
        ("a(b)c", "a(b)c"),
        ("a(b", "a\\(b"),
        ("a)(b)", "a\\)\\(b\\)"),
        ("a(b)c)", "a\\(b\\)c\\)"),
        ("(" * 19 + "a" + ")" * 19, "(" * 19 + "a" + ")" * 19),
        ("(" * 20 + "a" + ")" * 20, "\\(" * 20 + "a" + "\\)" * 20),
        ("&amp;", "&amp;amp;"),
        ("&#x41;&#1;", "&amp;#x41;&amp;#1;"),
        ("a&b", "a&b"),
        ("a\\b", "a\\\\b"),
        ("<a", "\\<a"),
        ("a<b", "a<b"),
        ("<a(", "\\<a\\("),
    ],
)
def test_escape_url_dest(url: str, dest: str) -> None:
    assert _inline.escape_url_dest(url) == dest
    assert _inline.nodes(f"[x]({dest})", fast=False) == [("link", "x", url)]


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        (
            "a &amp; *b* [c] <d> !e \\ `f` _g_",
            "a &amp;amp; \\*b\\* \\[c\\] \\<d> \\!e \\\\ \\`f\\` \\_g\\_",
        ),
        ("  a\u3000", "&#x20;&#x20;a&#x3000;"),
        ("a & b", "a & b"),
    ],
)
def test_escape(value: str, escaped: str) -> None:
    assert _inline.escape(value) == escaped
    assert _inline.text(escaped, fast=False) == value


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("", ""),
        ("1 < 2!", "1 < 2!"),
        ("*x*", "\\*x\\*"),
        ("[a](b)", "\\[a\\](b)"),
    ],
)
def test_literal(value: str, written: str) -> None:
    assert _inline.literal(value) == written
    assert _inline.nodes(written, fast=False) == ([("text", value)] if value else [])


@pytest.mark.parametrize(
    ("src", "nodes", "text"),
    [
        # Autolinks: the url as written, "mailto:" for an address.
        ("<http://x.org/a>", [("link", "http://x.org/a", "http://x.org/a")], None),
        ("<a@b.org>", [("link", "a@b.org", "mailto:a@b.org")], None),
        # ... not percent-encoded, not decoded, in page order among the other links.
        ("<http://x.org/ä>", [("link", "http://x.org/ä", "http://x.org/ä")], None),
        (
            "[x](/ä) <http://x.org/ä?q&amp;r> [y](/ä) <a@b.org>",
            [
                ("link", "x", "/ä"),
                ("text", " "),
                ("link", "http://x.org/ä?q&r", "http://x.org/ä?q&amp;r"),
                ("text", " "),
                ("link", "y", "/ä"),
                ("text", " "),
                ("link", "a@b.org", "mailto:a@b.org"),
            ],
            "[x](/ä) [http://x.org/ä?q&r](http://x.org/ä?q&amp;r) [y](/ä)"
            " [a@b.org](mailto:a@b.org)",
        ),
        # An address that percent-encoding changes: "mailto:" and the address as written.
        ("<a{b@x.org>", [("link", "a{b@x.org", "mailto:a{b@x.org")], None),
        # The same encoded url written twice, the autolink first: each link its own spelling.
        (
            "<http://x.org/ä> [a](http://x.org/%C3%A4)",
            [
                ("link", "http://x.org/ä", "http://x.org/ä"),
                ("text", " "),
                ("link", "a", "http://x.org/%C3%A4"),
            ],
            "[http://x.org/ä](http://x.org/ä) [a](http://x.org/%C3%A4)",
        ),
        # Strong emphasis and a hard line break are written back as written.
        ("**x** y", [("text", "**x** y")], "**x** y"),
        ("a  \nb", [("text", "a\\\nb")], "a\\\nb"),
        # A link inside emphasis, an image inside a link, a link inside strong emphasis.
        ("*[a](b)*", [("em", "[a](b)")], "*[a](b)*"),
        ("[![i](j)](k)", [("link", "![i](j)", "k")], "[![i](j)](k)"),
        ("**[a](b)**", [("text", "**[a](b)**")], "**[a](b)**"),
        # A link with a title is text, its title written back in double quotes.
        ("[a](b 't') c", [("text", '[a](b "t") c')], '[a](b "t") c'),
        # Entities are not decoded in a code span.
        ("`&amp;`", [("text", "`&amp;`")], "`&amp;`"),
    ],
)
def test_mistune_reading_flattened(src: str, nodes: list[_inline.Node], text: str | None) -> None:
    assert _inline.nodes(src, fast=False) == nodes
    assert _inline.nodes(src) == nodes
    if text is None:  # a link alone: its text form is the link as written
        text = f"[{nodes[0][1]}]({nodes[0][2]})"
    assert _inline.text(src, fast=False) == _inline.text(src) == text


# The links-line shape as it was first written, an address being one or more characters
# or "(…)" groups each: the faster spelling must take exactly the same lines.
_LINKS_LINE_FIRST = re.compile(
    rf"{_inline._TXT}(?:\[{_inline._TXT}\]\((?:{_inline._DEST}|\({_inline._DEST}*\))+\)"
    rf"{_inline._TXT})*"
)


@given(st.text(alphabet="ab _[]()<>\\`*!&;#\n\t", max_size=40))
@example("[a](b(c)d)")
@example("[a]()")
@example("[a](())")
@example("[a]((b))")
@example("[a](b)(c)")
@example("x_y [a_b](c_(d)_e) f")
def test_links_line_shape_takes_the_same_lines(src: str) -> None:
    fast = _inline._LINKS_LINE.fullmatch(src) is not None
    assert fast == (_LINKS_LINE_FIRST.fullmatch(src) is not None)
    if fast:
        assert _inline.text(src) == _inline.text(src, fast=False)
