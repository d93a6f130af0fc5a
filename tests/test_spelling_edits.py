"""Lossless Markdown, page by page: a parsed page is written back byte for byte (byte-order
mark and line endings included), and an edited page with only the edited lines rewritten.
Each expected text is the original with the edited line replaced by hand."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

import newsevent
from newsevent import DayPage, Event, FrontPage
from newsevent import markdown as nemd
from newsevent._md import canonical

VALID = sorted((Path(__file__).parent / "data" / "valid").glob("*.md"))


def _variants(text: str) -> dict[str, str]:
    return {
        "bom": "\ufeff" + text,
        "crlf": text.replace("\n", "\r\n"),
        "bom+crlf": "\ufeff" + text.replace("\n", "\r\n"),
    }


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_bom_and_line_endings_are_written_back(path: Path, tmp_path: Path) -> None:
    for name, text in _variants(path.read_text("utf-8")).items():
        for data in (text, text.encode("utf-8")):
            for page in (newsevent.parse(data), nemd.loads(data)):
                assert newsevent.dumps(page) == text, name
        file = tmp_path / f"{name}.md"
        file.write_bytes(text.encode("utf-8"))
        newsevent.dump(newsevent.load(file), tmp_path / "out.md")
        assert (tmp_path / "out.md").read_bytes() == text.encode("utf-8"), name


def _edit(path: str, old: str, new: str, change: object) -> None:
    text = (Path(__file__).parent / "data" / "valid" / path).read_text("utf-8")
    assert text.count(old) == 1
    page = newsevent.parse(text)
    edited = change(page)  # type: ignore[operator]
    out = newsevent.dumps(edited)
    assert out == text.replace(old, new)
    assert newsevent.parse(out) == edited
    # The canonical layout ignores the spelling.
    assert nemd.dumps(edited, canonical=True) == nemd.dumps(
        attrs.evolve(edited, spelling=None), canonical=True
    )


def test_an_edited_summary_rewrites_its_line_only() -> None:
    def change(page: DayPage) -> DayPage:
        first = attrs.evolve(page.entries[0], summary="Ships search.")
        return attrs.evolve(page, entries=(first, *page.entries[1:]))

    _edit("day-page.md", "Search teams &amp; ships join forces.\n", "Ships search.\n", change)


def test_an_edited_title_rewrites_its_line_only() -> None:
    def change(ev: Event) -> Event:
        return attrs.evolve(ev, title="New title")

    _edit(
        "old-generator.md",
        "#  Fighting &amp; talks: ''Operation'' in [http://example.org the south] continues. \n",
        "# New title \n",
        change,
    )


def test_an_edited_section_label_rewrites_its_heading_only() -> None:
    def change(page: FrontPage) -> FrontPage:
        second = attrs.evolve(page.sections[1], label="前天")
        return attrs.evolve(page, sections=(page.sections[0], second, *page.sections[2:]))

    _edit(
        "front-page.md",
        "## [昨天](/news/2019/12/21/index.md)\n",
        "## [前天](/news/2019/12/21/index.md)\n",
        change,
    )


def test_a_page_built_in_code_and_a_page_told_to_are_written_canonically() -> None:
    text = (Path(__file__).parent / "data" / "valid" / "old-generator.md").read_text("utf-8")
    ev = newsevent.parse(text)
    built = attrs.evolve(ev, spelling=None)
    assert newsevent.dumps(built) == nemd.dumps(ev, canonical=True) != text
    assert newsevent.dumps(ev) == text


def test_canonical_refuses_what_is_not_a_page() -> None:
    with pytest.raises(TypeError, match=r"^expected a page, not str$"):
        canonical("page")  # type: ignore[arg-type]
