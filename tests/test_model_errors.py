"""What the model refuses, word for word: each message names the field and the reason."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from newsevent import DayPage, Entry, Event, Related, Source
from newsevent._model import check_body, check_url

D = dt.date(2012, 1, 1)
LINK_END = "(whitespace and control characters end a Markdown link destination)"


@pytest.mark.parametrize(
    ("build", "error", "message"),
    [
        (lambda: Event(date=D, title=5), TypeError, "title must be a str, not int"),
        (
            lambda: Event(date=D, title="a\x00"),
            ValueError,
            "title: character U+0000 at offset 1 cannot be stored",
        ),
        (
            lambda: Event(date=D, title="t", category="a\x01"),
            ValueError,
            "category: character U+0001 at offset 1 cannot be stored",
        ),
        (
            lambda: Source(name="a", url="a b"),
            ValueError,
            f"url 'a b' must not contain U+0020 at offset 1 {LINK_END}",
        ),
        (
            lambda: Source(name="a", url="u", image="a\x00"),
            ValueError,
            "image: character U+0000 at offset 1 cannot be stored",
        ),
        (lambda: Source(name="a", url=5), TypeError, "url must be a str, not int"),
        (
            lambda: check_url("a b"),
            ValueError,
            f"url 'a b' must not contain U+0020 at offset 1 {LINK_END}",
        ),
        (
            lambda: check_url("a\ud800", "cover"),
            ValueError,
            "cover: character U+D800 at offset 1 cannot be stored",
        ),
        (
            lambda: Event(date=D, title="t", sources=[]),
            TypeError,
            "sources must be a tuple, not list",
        ),
        (
            lambda: Event(date=D, title="t", sources=(5,)),
            TypeError,
            "sources items must be Source, not 5",
        ),
        (
            lambda: Related(title="t", url="u", context=("a, b",)),
            ValueError,
            "context tag 'a, b' must not contain ', ' (the tag separator)",
        ),
        (
            lambda: Related(title="t", url="u", context=["a"]),
            TypeError,
            "context must be a tuple, not list",
        ),
        (
            lambda: Related(title="t", url="u", context=(5,)),
            TypeError,
            "context items must be str, not 5",
        ),
        (
            lambda: Related(title="t", url="u", context=("",)),
            ValueError,
            "context must not be empty",
        ),
        (
            lambda: Event(date="2012-01-01", title="t"),
            TypeError,
            "date must be a datetime.date, not str",
        ),
        (lambda: check_body("a\rb"), ValueError, "body must not contain carriage returns"),
        (
            lambda: check_body("a\n\n\n\nb"),
            ValueError,
            "body paragraphs are separated by exactly one blank line",
        ),
        (
            lambda: check_body("a\n\n b"),
            ValueError,
            "body line ' b' must be non-blank without surrounding blanks",
        ),
        (
            lambda: check_body("a\x00"),
            ValueError,
            "body: character U+0000 at offset 1 cannot be stored",
        ),
        (
            lambda: Event(date=D, title="t", extra=("a\x00",)),
            ValueError,
            "extra line: character U+0000 at offset 1 cannot be stored",
        ),
        (
            lambda: Event(date=D, title="t", extra=(" ",)),
            ValueError,
            "extra lines must not be blank",
        ),
        (lambda: DayPage(date=D, entries=(5,)), TypeError, "entries items must be Entry, not 5"),
        (
            lambda: Entry(title="t", url="u", summary="a\nb"),
            ValueError,
            "summary must be a single line: 'a\\nb'",
        ),
    ],
)
def test_refusals_say_which_field_and_why(
    build: Callable[[], object], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as info:
        build()
    assert type(info.value) is error
    assert str(info.value) == message


def test_valid_bodies() -> None:
    for body in ("", "a", "a\nb", "a\n\nb\nc", "中 文\u00a0"):
        check_body(body)
