"""What every Markdown reader shares (newsevent._md.common), value by value."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import newsevent
from newsevent import _inline
from newsevent._md import common


def test_context_tags() -> None:
    assert common.context_tags("Context: a, b") == ("en", ("a", "b"))
    assert common.context_tags("消息: 甲") == ("zh", ("甲",))
    assert common.context_tags("上下文: a: b") == ("zh", ("a: b",))
    assert common.context_tags("Context:a") is None
    assert common.context_tags("Other: a") is None
    assert common.context_tags("Context: a, , b") is None
    assert common.context_tags("Context: ") is None


def test_split_lines() -> None:
    assert common.split_lines("\ufeffa\r\nb\rc\n") == ["a", "b", "c", ""]
    assert common.split_lines("a\u2028b") == ["a\u2028b"]


def test_build_turns_model_errors_into_parse_errors() -> None:
    def bad() -> None:
        raise ValueError("no")

    with pytest.raises(newsevent.ParseError) as info:
        common.build(bad, 7)
    assert (info.value.msg, info.value.lineno, info.value.colno) == ("no", 7, 1)


def test_guess_language() -> None:
    assert common.guess_language(None, "a", "中") == "zh"
    assert common.guess_language("かな") == "zh"
    assert common.guess_language(None, "a é") == "en"
    assert common.guess_language() == "en"


def test_bom() -> None:
    assert common.bom("\ufeffa") == "\ufeff"
    assert common.bom("a\ufeff") == ""
    assert common.bom(b"\xef\xbb\xbfa") == "\ufeff"
    assert common.bom(b"\xef\xbb") == ""
    assert common.bom(b"abcd") == ""
    assert common.bom(memoryview(b"\xef\xbb\xbf")) == "\ufeff"


# Text and addresses from the characters that matter to Markdown's inline rules.
_MARKUP = "ab _[]()<>\\`*!&;#:/ \t\n\xa0\x01"


def _checked_link(text: str, url: str) -> str:
    dest = _inline.escape_url_dest(url)
    return common.written(lambda esc: f"[{esc(text)}]({dest})", [("link", text, url)])


@given(st.text(alphabet=_MARKUP, max_size=12), st.text(alphabet=_MARKUP, min_size=1, max_size=12))
@example("Reuters", "https://x.org/a?b=1&c=2")
@example("A &amp; B", "https://x.org/")  # an entity in the text: escaped
@example("A", "https://x.org/?a&amp;b")  # and in the address
@example("A", "https://x.org/a_(b)")  # parentheses: the checked way
def test_link_is_the_checked_writers_line(text: str, url: str) -> None:
    assert common.link(text, url) == _checked_link(text, url)
    if _inline.bare_link(text, url):
        assert common.link(text, url) == f"[{text}]({url})"
        # mistune itself, not the readers' fast path, reads the link back.
        assert _inline.nodes(f"[{text}]({url})", fast=False) == [("link", text, url)]


def test_bare_link() -> None:
    assert _inline.bare_link("Reuters ", "https://x.org/a?b=1&c=2")
    assert not _inline.bare_link("A_B", "https://x.org/")  # "_": the checked way
    assert not _inline.bare_link("A &amp; B", "https://x.org/")
    assert _inline.bare_link("A & B", "https://x.org/")
    assert not _inline.bare_link("A & B;", "https://x.org/")  # no entity, but not proven so
    assert not _inline.bare_link("A", "https://x.org/a;b")
    assert not _inline.bare_link("A", "")
    assert not _inline.bare_link("A", "https://x.org/a b")


@given(st.text(alphabet=_MARKUP, max_size=12))
@example("Context: Gaza war, Israel")
@example(" a")
@example("a&amp;")
def test_emphasis_is_the_checked_writers_line(em: str) -> None:
    checked = common.written(lambda esc: f"_{esc(em)}_", [("em", em)])
    assert common.emphasis(em) == checked
    if _inline.bare_em(em):
        assert checked == f"_{em}_"
        assert _inline.nodes(f"_{em}_", fast=False) == [("em", em)]


def test_bare_em() -> None:
    assert _inline.bare_em("Context: a, b")
    assert not _inline.bare_em("")
    assert not _inline.bare_em("a ")
    assert not _inline.bare_em("a*b")
    assert not _inline.bare_em("a &amp; b")
    assert _inline.bare_em("a & b")
