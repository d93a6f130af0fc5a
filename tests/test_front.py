"""Front pages in Markdown, line by line: sections, rules, kept lines, errors and the
Chinese layout (expected values written by hand)."""

from __future__ import annotations

import attrs
import pytest

import newsevent
from newsevent import Entry, FrontPage, FrontSection
from newsevent import markdown as nemd


def _front(text: str) -> FrontPage:
    page = newsevent.parse(text)
    assert isinstance(page, FrontPage)
    assert newsevent.dumps(page) == text
    return page


def test_a_second_rule_and_stray_lines_are_kept_in_place() -> None:
    text = "## [A](/a.md)\n---\n---\ntext\n## [B](/b.md)\n### [t](/t.md)\n"
    page = _front(text)
    assert page == FrontPage(
        sections=(
            FrontSection(label="A", url="/a.md", rule=True),
            FrontSection(label="B", url="/b.md", entries=(Entry(title="t", url="/t.md"),)),
        ),
        extra=("---", "text"),
    )
    edited = attrs.evolve(
        page, sections=(attrs.evolve(page.sections[0], label="Z"), page.sections[1])
    )
    assert newsevent.dumps(edited) == text.replace("## [A]", "## [Z]")


def test_a_section_right_after_a_rule_is_read() -> None:
    page = _front("## [A](/a.md)\n---\n## [B](/b.md)\n---\n")
    assert [(s.label, s.rule) for s in page.sections] == [("A", True), ("B", True)]


@pytest.mark.parametrize(
    ("heading", "label", "url"),
    [
        ("## [\u00a0A\u00a0](/a.md)", "\u00a0A\u00a0", "/a.md"),
        ("## [\u00a0](/a.md)", "\u00a0", "/a.md"),
        ("## [](/a.md)", "[](/a.md)", None),
        ("## [ A ](/a.md)", "A", "/a.md"),
        ("## News  ", "News", None),
    ],
)
def test_section_headings(heading: str, label: str, url: str | None) -> None:
    page = _front(f"{heading}\n### [t](/t.md)\n")
    assert (page.sections[0].label, page.sections[0].url) == (label, url)


def test_errors_name_their_line() -> None:
    with pytest.raises(newsevent.ParseError) as info:
        newsevent.parse("## [A](/a.md)\n\n## \n")
    assert (info.value.lineno, info.value.colno) == (3, 1)
    with pytest.raises(newsevent.ParseError) as info:
        newsevent.parse("## Opinion\n\n## Other\n")
    assert (info.value.msg, info.value.lineno, info.value.colno) == (
        "not a page: no event, day or front-page heading with a link",
        1,
        1,
    )


def test_the_chinese_layout() -> None:
    page = FrontPage(
        sections=(
            FrontSection(
                label="今天",
                url="/news/2019/12/22/index.md",
                entries=(
                    Entry(title="甲", url="/a.md", context=("x",)),
                    Entry(title="乙", url="/b.md"),
                ),
                rule=True,
            ),
        ),
        language="zh",
    )
    expected = (
        "\n\n## [今天](/news/2019/12/22/index.md)\n\n"
        "### [甲 ](/a.md)\n_消息: x_\n### [乙 ](/b.md)\n---\n\n"
    )
    assert nemd.dumps(page) == expected
    back = newsevent.parse(expected)
    assert back == page and back.language == "zh"
    with_formats = attrs.evolve(page, formats=True)
    assert nemd.dumps(with_formats) == (
        "\nFormats: [HTML](/index.html)  [JSON](/index.json)  [XML](/index.xml)  \n\n"
        + expected[2:]
    )
