"""Writing imported pages: the Markdown writer's fast paths on the lines the import makes."""

from __future__ import annotations

from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st

import newsevent
from newsevent import _inline, portal

_chars = st.text(alphabet="ab _-:,.()&;#'\"!*`[]<>\\/\u00e9\u2013\xa0\t", max_size=10)
_word = st.text(alphabet="abAB09 ,:-()\u00e9\u2013", max_size=8)
_url = st.text(alphabet="abc/:._-?=&;%#~()\"'*_!`[]", min_size=1, max_size=12)
_link = st.builds(lambda t, u: f"[{t}]({u})", _word, _url)


@given(st.lists(st.one_of(_chars, _word, _link, st.just("&amp;"), st.just("_")), max_size=6))
@example(["From [A_B](https://x/A_B) &amp; ", "[C](https://x/Mortar_(weapon))"])
def test_link_lines_read_as_mistune_reads_them(pieces: list[str]) -> None:
    line = "".join(pieces)
    assert _inline.text(line) == _inline.text(line, fast=False)


@given(st.builds(lambda s: f"_{s}_", st.one_of(_chars, _word)))
@example("_Context: a, b_")
@example("_ a_")
@example("_(a)_")
def test_emphasis_lines_read_as_mistune_reads_them(line: str) -> None:
    assert _inline.nodes(line) == _inline.nodes(line, fast=False)


def test_every_imported_page_reads_back_and_takes_the_fast_paths(corpus: Path) -> None:
    bodies = fast = 0
    for path in sorted((corpus / "wikitext").rglob("*.wiki")):
        day = portal.read(path.read_bytes())
        for ev in day.events:
            assert newsevent.parse(newsevent.dumps(ev)) == ev
            for para in ev.body.split("\n\n"):
                escaped = para.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                escaped = escaped.replace('"', "&quot;")
                bodies += 1
                fast += bool(_inline._LINKS_LINE.fullmatch(escaped))
                assert _inline.text(escaped) == _inline.text(escaped, fast=False)
        assert newsevent.parse(newsevent.dumps(day.day)) == day.day
    # Every paragraph of every imported body takes the fast path (addresses such as
    # ``Mortar_(weapon)`` included).
    assert (bodies, fast) == (674, 674)
