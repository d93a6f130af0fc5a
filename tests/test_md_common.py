"""What every Markdown reader shares (newsevent._md.common), value by value."""

from __future__ import annotations

import pytest

import newsevent
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
