"""Round-trip and robustness properties over generated values and text."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import newsevent
from newsevent import ParseError, _inline
from newsevent._md import event as _markdown
from tests import strategies as S


@given(S.events())
def test_markdown_round_trip(ev: newsevent.Event) -> None:
    text = newsevent.dumps(ev, "markdown")
    assert newsevent.loads(text, "markdown") == ev
    assert _markdown.loads(text, fast=False) == ev


@pytest.mark.parametrize("fmt", ["markdown", "json", "xml", "html"])
@given(page=st.one_of(S.day_pages(), S.front_pages()))
def test_listing_round_trip(fmt: str, page: newsevent.Page) -> None:
    assert newsevent.loads(newsevent.dumps(page, fmt), fmt) == page


@given(S.events())
def test_json_round_trip(ev: newsevent.Event) -> None:
    assert newsevent.loads(newsevent.dumps(ev, "json"), "json") == ev


@given(S.events())
def test_xml_round_trip(ev: newsevent.Event) -> None:
    assert newsevent.loads(newsevent.dumps(ev, "xml"), "xml") == ev


@given(S.events())
def test_html_round_trip(ev: newsevent.Event) -> None:
    assert newsevent.loads(newsevent.dumps(ev, "html"), "html") == ev


@given(S.pages)
def test_pages_pickle_equal(page: newsevent.Page) -> None:
    import pickle

    assert pickle.loads(pickle.dumps(page)) == page


@given(S.pages)
def test_chain_of_formats_ends_where_it_started(ev: newsevent.Page) -> None:
    md = newsevent.dumps(ev, "markdown")
    step = newsevent.parse(md)
    for fmt in ("json", "xml", "html", "markdown"):
        text = newsevent.dumps(step, fmt)
        assert newsevent.detect(text) == fmt
        step = newsevent.parse(text)
        assert step == ev
    assert newsevent.dumps(step, "markdown") == md


@given(S.raw_text)
@example("a \\&quot; b &quot; [x](y) _z_ M<sub>W</sub>")
@example("[a [b] c](http://x/(y)) _Context: d_")
def test_inline_fast_path_matches_mistune(src: str) -> None:
    one = src.replace("\n", " ")
    assert _inline.nodes(one) == _inline.nodes(one, fast=False)
    assert _inline.text(src) == _inline.text(src, fast=False)


_item_piece = st.sampled_from(
    [
        "[",
        "]",
        "(",
        ")",
        " ",
        "_",
        "__",
        "*",
        "Context: ",
        "IMG",
        "a",
        "中",
        "&amp;",
        "\\",
        "<b>",
        ", ",
        "²",
        "Ⅳ",
        "\u0661",
        "é",
        "\u0301",
        "-",
        ".",
        "\u00a0",
        "😀",
        "x_y",
    ]
)


_link_text = st.lists(_item_piece, max_size=6).map("".join)
_dest = st.lists(
    st.sampled_from(["a", "/", ".", "(", ")", "&amp;", "中", "%20", "\\", "x_y", "-", "<"]),
    max_size=6,
).map("".join)
_link = st.builds(lambda t, u: f"[{t}]({u})", _link_text, _dest)
# The shapes the fast path reads (a link; a link and an [IMG] link; a link and an emphasis),
# built from the same awkward pieces, and arbitrary piece runs around them.
_item = st.one_of(
    _link,
    st.builds(lambda a, b: f"{a} {b}", _link, _link),
    st.builds(lambda a, em: f"{a} _{em}_", _link, _link_text),
    st.lists(_item_piece, max_size=14).map("".join),
    st.builds(lambda a, b: a + b, st.lists(_item_piece, max_size=3).map("".join), _link),
)


def test_item_fast_path_matches_mistune() -> None:
    # Both paths must give mistune's nodes; the fast one must be reached, and so must mistune.
    paths: Counter[str] = Counter()

    @settings(derandomize=True, database=None)
    @given(_item, st.sampled_from(["1. ", "12.\t", "3.  "]))
    @example("[a](b) [IMG](c)", "1. ")
    @example("[a](b) _Context: x, y_", "1. ")
    def check(src: str, number: str) -> None:
        expected = _inline.nodes(src, fast=False)
        assert _inline.nodes(src) == expected
        item = _inline.item_nodes(number + src)
        if item is not None:
            # A list item's text starts after the number's blanks and ends before its own.
            assert item == _inline.nodes(src.strip(" \t"), fast=False)
        fast = _inline._FAST.fullmatch(src) is not None and not _inline._PLAIN.fullmatch(src)
        paths["fast" if fast else "mistune"] += 1
        paths["item fast"] += item is not None

    check()
    assert paths["fast"] > 0 and paths["mistune"] > 0 and paths["item fast"] > 0, paths


_page_piece = st.sampled_from(
    [
        "### [2012-11-8](/news/2012/11/8/index.md)\n",
        "## [2012-11-8](/news/2012/11/8/index.md)\n",
        "## [Previous Day...](/news/2012/11/7/index.md)\n",
        "## [今天](/news/2012/11/8/index.md)\n",
        "## Opinion\n",
        "## Unparsed:\n",
        "---\n",
        "### [t](/news/2012/11/8/t.md)\n",
        "_Context: a, b_\n",
        "# title\n",
        "##### cat\n",
        "### Sources:\n",
        "### Related:\n",
        "### Changes:\n",
        "### Unparsed:\n",
        "1. [a](b)\n",
        "1. [a](b) _Context: x_\n",
        "2. [a](b) _2018-02-06 13:49:17 (Update)_\n",
        "Formats: [HTML](/news/2012/11/8/s.html)  [JSON](/news/2012/11/8/s.json)"
        "  [XML](/news/2012/11/8/s.xml)\n",
        "\n",
        "text &quot;x&quot;\n",
        "\\",
        "\x0b",
        "&#0;",
        "&#10;",
    ]
)


@given(st.lists(_page_piece, max_size=12).map("".join))
def test_page_shaped_text_parses_or_raises_parse_error(src: str) -> None:
    try:
        ev = newsevent.parse(src)
    except ParseError:
        return
    # Whatever was read is a valid value and survives its own round trip.
    assert newsevent.parse(newsevent.dumps(ev)) == ev


@pytest.mark.parametrize("fmt", ["markdown", "json", "xml", "html"])
@given(data=st.one_of(st.binary(), st.text(), S.raw_text.map(lambda s: "<" + s)))
def test_any_input_to_any_reader_parses_or_raises_parse_error(fmt: str, data: str | bytes) -> None:
    try:
        newsevent.loads(data, fmt)
    except ParseError as exc:
        assert exc.lineno >= 1 and exc.colno >= 1


_markup_piece = st.sampled_from(
    [
        "<event xmlns='urn:x-newsevent:1' version='1' date='2012-11-08'>",
        "</event>",
        "<title>",
        "</title>",
        "<body>",
        "</body>",
        "<p>",
        "</p>",
        "x",
        " ",
        "<sources><source url='u'>",
        "</source></sources>",
        "<!DOCTYPE e>",
        "&amp;",
        "&x;",
        "<article class='newsevent' data-newsevent-version='1'>",
        "</article>",
        "<h1>",
        "</h1>",
        "<p class='date'><a><time datetime='2012-11-08'>",
        "</time></a></p>",
        "<div class='body'>",
        "</div>",
        "<![CDATA[",
        "]]>",
        "<?pi?>",
        "<!--",
        "-->",
    ]
)


@pytest.mark.parametrize("fmt", ["xml", "html"])
@given(st.lists(_markup_piece, max_size=14).map("".join))
def test_markup_shaped_input_parses_or_raises_parse_error(fmt: str, data: str) -> None:
    try:
        ev = newsevent.loads(data, fmt)
    except ParseError:
        return
    assert newsevent.loads(newsevent.dumps(ev, fmt), fmt) == ev


@pytest.mark.parametrize("fmt", ["markdown", "json", "xml", "html"])
def test_unknown_format_name(fmt: str) -> None:
    ev = newsevent.parse(newsevent.example())
    with pytest.raises(ValueError, match="unknown format"):
        newsevent.dumps(ev, fmt + "x")
