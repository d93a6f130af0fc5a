"""The character rules every reader and the model share (newsevent._text), value by value."""

from __future__ import annotations

import pytest

import newsevent
from newsevent import _inline, _text


@pytest.fixture(autouse=True)
def _cold_cache() -> None:
    # normalize_url remembers what it encoded: each test must see the encoder run.
    _text.clear_caches()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://x.org/a(b)?c=1&d=%20#e", "http://x.org/a(b)?c=1&d=%20#e"),
        ("/zh/伊拉克", "/zh/%E4%BC%8A%E6%8B%89%E5%85%8B"),
        ("a b\u00e9c", "a%20b%C3%A9c"),
        ("😀[x]", "%F0%9F%98%80%5Bx%5D"),
        # A lone surrogate cannot be stored, but the encoder still gives its three bytes.
        ("x\ud800", "x%ED%A0%80"),
    ],
)
def test_normalize_url_percent_encodes_as_utf8(url: str, expected: str) -> None:
    assert newsevent.normalize_url(url) == expected


def test_url_problem_names_the_character_and_where() -> None:
    assert _text.url_problem("http://x/é") is None
    assert _text.url_problem("") == "must not be empty"
    assert _text.url_problem("a b") == (
        "must not contain U+0020 at offset 1 "
        "(whitespace and control characters end a Markdown link destination)"
    )
    assert _text.url_problem("ab\x7f").startswith("must not contain U+007F at offset 2 ")


def test_bad_char() -> None:
    assert _text.bad_char("a\tb\n中😀") is None
    assert _text.bad_char("ab\x00") == "character U+0000 at offset 2 cannot be stored"
    assert _text.bad_char("\ufffe") == "character U+FFFE at offset 0 cannot be stored"


def test_as_text() -> None:
    assert _text.as_text("\ufeffa") == "a"
    assert _text.as_text(b"\xef\xbb\xbfa\xc3\xa9") == "a\u00e9"
    assert _text.as_text(bytearray(b"x")) == "x"
    assert _text.as_text(memoryview(b"y")) == "y"
    with pytest.raises(
        newsevent.ParseError, match="input is not UTF-8: invalid start byte at byte 1"
    ):
        _text.as_text(b"a\xff")
    with pytest.raises(TypeError, match=r"^expected str or bytes, not int$"):
        _text.as_text(3)


def test_remembered_inline_lines_are_copies_and_clear_caches_forgets_them() -> None:
    line = "[a]]b [c](d) *e*"  # no fast path takes it: mistune reads it, once
    first = _inline.nodes(line)
    assert first == _inline.nodes(line, fast=False)
    first.append(("text", "changed by the caller"))
    assert _inline.nodes(line) == _inline.nodes(line, fast=False)
    assert _inline._remembered_nodes.cache_info().currsize == 1
    assert _inline.text(line) == _inline.text(line, fast=False) == "[a]]b [c](d) *e*"
    assert _inline._remembered_text.cache_info().currsize == 1
    _text.clear_caches()
    assert _inline._remembered_nodes.cache_info().currsize == 0
    assert _inline._remembered_text.cache_info().currsize == 0
