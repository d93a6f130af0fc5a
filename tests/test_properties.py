"""Round-trip and robustness properties over generated values and text."""

from __future__ import annotations

from collections import Counter

import attrs
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import newsevent
from newsevent import ParseError, _inline
from newsevent._md import event as _markdown
from newsevent._model import new_related, new_source
from newsevent._spelling import all_marks
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


_line_piece = st.one_of(
    _item_piece,
    st.sampled_from(
        ["消息: ", "上下文: ", "Context:  ", "\t", "\x01", "\ud800", "\ufffe", "&", "!"]
    ),
)
_tags = st.one_of(
    st.sampled_from(["Kentucky", "Rand Paul, CPAC", "中國, 伊朗"]),
    st.lists(_line_piece, max_size=5).map("".join),
)
_text = st.one_of(
    st.sampled_from(["Rand Paul wins. ", " 中國 ", "x_y [a] b", "S&amp;P"]),
    st.lists(_line_piece, max_size=6).map("".join),
)
_url = st.one_of(st.sampled_from(["/news/2016/02/3/a-b.md", "http://x.org/?a=1&amp;b=2"]), _dest)
_item_line = st.one_of(
    st.builds(lambda n, t, u, tags: f"{n}[{t}]({u}) _{tags}_", st.sampled_from(["1. ", "12.\t"]),
              _text, _url, st.sampled_from(["Context: ", "消息: ", "Context:", "Kontext: "])
              .flatmap(lambda label: _tags.map(lambda t: label + t))),
    st.builds(lambda n, t, u, img: f"{n}[{t}]({u}){img}", st.sampled_from(["1. ", "3.  "]),
              _text, _url, st.sampled_from(["", " [IMG](i)", " [IMG](&amp;)", " [IMG]( )"])),
    st.builds(lambda a, b: a + b, st.sampled_from(["1. ", "2. "]), _item),
)  # fmt: skip


def test_item_lines_read_in_one_step_read_as_mistune_does() -> None:
    # related_item and source_item take a line only when mistune reads it as the same link,
    # emphasis and [IMG] link, and the values pass the model's validators.
    paths: Counter[str] = Counter()

    @settings(derandomize=True, database=None, max_examples=400)
    @given(_item_line)
    @example("1. [a](b) _Context: x, y_")
    @example("1. [a [b] c](d&amp;e) _消息: x_")
    @example("1. [a](b) [IMG](c)")
    @example("1. [a x_y](b&amp;c)")
    def check(line: str) -> None:
        start = _markdown._ITEM.match(line)
        got = _inline.nodes(line[start.end() :].strip(" \t"), fast=False) if start else None
        rel = _inline.related_item(line)
        if rel is not None:
            title, url, label, tags = rel
            assert got is not None and got[:2] == [("link", got[0][1], url), ("text", " ")]
            assert got[0][1].strip(" \t") == title
            assert got[2:] == [("em", f"{label}: {', '.join(tags)}")]
            assert newsevent.Related(title=title, url=url, context=tags) == new_related(
                title, url, tags
            )
            paths["related " + ("plain" if _inline._RELATED_SHAPE.fullmatch(line) else "any")] += 1
        src = _inline.source_item(line)
        if src is not None:
            name, url, image = src
            assert got is not None and got[0] == ("link", got[0][1], url)
            assert got[0][1].strip(" \t") == name
            assert got[1:] == ([] if image is None else [("text", " "), ("link", "IMG", image)])
            assert newsevent.Source(name=name, url=url, image=image) == new_source(*src)
            paths["source " + ("plain" if _inline._SOURCE_SHAPE.fullmatch(line) else "any")] += 1
        paths["neither"] += rel is None and src is None
        # The same pieces as a listing's entry heading and context line.
        start = line.find(" [") + 1
        if start and line.endswith("_") and " _" in line:
            link, em = line[start:].split(" _", 1)
            em = "_" + em
            plain = _inline.plain_link(link)
            if plain is not None:
                assert _inline.nodes(link, fast=False) == [("link", *plain)]
                assert newsevent.Entry(title=plain[0].strip(" \t"), url=plain[1]).url == plain[1]
                paths["plain link"] += 1
            ctx = _inline.plain_context(em)
            if ctx is not None:
                assert _inline.nodes(em, fast=False) == [("em", f"{ctx[0]}: {', '.join(ctx[1])}")]
                assert newsevent.Entry(title="t", url="u", context=ctx[1]).context == ctx[1]
                paths["plain context"] += 1

    check()
    assert len(paths) == 7 and min(paths.values()) > 0, paths


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
    # Read as an event page, the one-step reading of item lines and its unvalidated
    # construction agree with mistune and the validators, down to the spelling's blocks.
    fast = _outcome(src, fast=True)
    assert fast == _outcome(src, fast=False)
    if not isinstance(fast, str):
        ev = fast[0]
        assert attrs.evolve(ev, related=tuple(attrs.evolve(r) for r in ev.related)) == ev
    try:
        page = newsevent.parse(src)
    except ParseError:
        return
    # Whatever was read is a valid value and survives its own round trip.
    assert newsevent.parse(newsevent.dumps(page)) == page


def _outcome(src: str, *, fast: bool) -> tuple[newsevent.Event, object] | str:
    try:
        ev = _markdown.loads(src, fast=fast)
    except ParseError as exc:
        return str(exc)
    assert ev.spelling is not None
    return ev, all_marks(ev.spelling)


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
