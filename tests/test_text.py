"""The character rules every reader and the model share (newsevent._text), value by value."""

from __future__ import annotations

import pytest

import newsevent
from newsevent import _inline, _text
from newsevent._spelling import all_marks


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


@pytest.mark.parametrize(
    ("data", "where", "msg"),
    [
        (b"a\xff", (1, 2), "invalid start byte at byte 1"),
        # The column counts characters, the offset bytes (of the whole input, BOM too).
        (b"ab\n\xc3\xa9\xe4\xb8\xad\xff", (2, 3), "invalid start byte at byte 8"),
        (b"\xef\xbb\xbfa\nb\xc3", (2, 2), "unexpected end of data at byte 6"),
        (b"\xef\xbb\xbf\xff", (1, 1), "invalid start byte at byte 3"),
        (b"\n\n\xc3(", (3, 1), "invalid continuation byte at byte 2"),
        (b"\n\xff", (2, 1), "invalid start byte at byte 1"),
    ],
)
def test_bytes_that_are_not_utf8_are_placed(data: bytes, where: tuple[int, int], msg: str) -> None:
    for read in (_text.as_text, _text.utf8):
        with pytest.raises(newsevent.ParseError) as info:
            read(data)
        err = info.value
        assert (err.msg, err.lineno, err.colno) == (f"input is not UTF-8: {msg}", *where)


def test_utf8() -> None:
    assert _text.utf8("a\u00e9") == b"a\xc3\xa9"
    assert _text.utf8(b"\xef\xbb\xbfa") == b"\xef\xbb\xbfa"  # bytes pass as they are
    msg = "input holds U+DC80, a lone surrogate, which UTF-8 cannot encode"
    for text, where in (("ab\nc\u00e9\udc80d", (2, 3)), ("\n\udc80", (2, 1)), ("\udc80", (1, 1))):
        with pytest.raises(newsevent.ParseError) as info:
            _text.utf8(text)
        err = info.value
        assert (err.msg, err.lineno, err.colno) == (msg, *where)
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


def test_related_lines_read_once_are_remembered_bounded_and_forgotten(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from newsevent._md import event

    _text.clear_caches()
    page = "### [2012-11-8](/news/2012/11/8/index.md)\n\n# T\n\n### Related:\n\n{}\n"
    lines = [f"{n}. [Event {n}](/news/2012/11/{n}/e.md) _Context: A, B_" for n in range(1, 5)]
    first = newsevent.parse(page.format("\n".join(lines)))
    again = newsevent.parse(page.format("\n".join(reversed(lines))))
    assert isinstance(first, newsevent.Event) and isinstance(again, newsevent.Event)
    assert first.related == tuple(reversed(again.related))
    assert first.related[0] is again.related[-1]  # the remembered value itself
    assert len(event._SEEN_RELATED) == 4
    # Read without the memo (mistune), the page is the same, spelling blocks included.
    slow = event.loads(page.format("\n".join(lines)), fast=False)
    assert slow == first and slow.spelling and first.spelling
    assert all_marks(slow.spelling) == all_marks(first.spelling)
    _text.clear_caches()
    assert event._SEEN_RELATED == {}
    monkeypatch.setattr(event, "_SEEN_MAX", 3)
    ev = newsevent.parse(page.format("\n".join(lines)))
    assert isinstance(ev, newsevent.Event)
    assert ev.related == first.related and len(event._SEEN_RELATED) == 1  # emptied at 3


def test_related_lines_are_remembered_without_their_number() -> None:
    from newsevent._md import event

    _text.clear_caches()
    page = "### [2012-11-8](/news/2012/11/8/index.md)\n\n# T\n\n### Related:\n\n{}\n"
    item = ". [Event](/news/2012/11/1/e.md) _Context: A_"
    first = newsevent.parse(page.format("1" + item))
    later = newsevent.parse(page.format("2. [Other](/o.md) _Context: B_\n123456789" + item))
    assert isinstance(first, newsevent.Event) and isinstance(later, newsevent.Event)
    assert later.related[1] is first.related[0]  # found again under another number
    assert set(event._SEEN_RELATED) == {item, ". [Other](/o.md) _Context: B_"}
    # Each page still writes back as read, numbers included.
    assert newsevent.markdown.dumps(later).endswith("\n123456789" + item + "\n")
    # A line whose number is not ASCII digits is remembered whole (and read the same).
    # (mistune, like the fast path, takes any Unicode digit for an item number.)
    _text.clear_caches()
    odd = "\u0661" + item  # ARABIC-INDIC DIGIT ONE
    got = newsevent.parse(page.format(odd))
    assert got == event.loads(page.format(odd), fast=False)
    assert isinstance(got, newsevent.Event) and got.related == first.related
    assert list(event._SEEN_RELATED) == [odd]
