"""A character the model cannot store, on a line a listing page keeps, is an error at that
line (it was reported at line 1)."""

from __future__ import annotations

import pytest

import newsevent


@pytest.mark.parametrize(
    ("text", "lineno"),
    [
        ("## [2012-11-8](/news/2012/11/8/index.md)\n\nx\x00y\n", 3),
        ("## [2012-11-8](/news/2012/11/8/index.md)\n## Unparsed:\n\x0b\n", 3),
        ("\x01\n## [2012-11-8](/news/2012/11/8/index.md)\n", 1),
        ("## [A](/a.md)\n---\n---\nx\ufffey\n", 4),
    ],
)
def test_a_bad_character_in_a_kept_line_is_an_error_at_its_line(text: str, lineno: int) -> None:
    with pytest.raises(newsevent.ParseError) as info:
        newsevent.parse(text)
    assert (info.value.lineno, info.value.colno) == (lineno, 1)
    assert info.value.msg.startswith("extra line: character U+")
