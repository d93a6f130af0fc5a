"""Editorials of the opinion section: every format, detection and the Markdown spelling."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import attrs
import jsonschema
import pytest
from hypothesis import given
from lxml import etree

import newsevent
from newsevent import json as nejson
from newsevent import markdown as nemd
from newsevent import xml as nexml
from newsevent._md.listing import kind
from tests import strategies as S

DATA = Path(__file__).parent / "data" / "valid"
FORMATS = ("markdown", "json", "xml", "html")


@given(page=S.editorials(placed=False))
def test_markdown_round_trip(page: newsevent.Editorial) -> None:
    text = newsevent.dumps(page)
    back = newsevent.parse(text)
    assert back == page
    assert newsevent.dumps(back) == text


@pytest.mark.parametrize("fmt", FORMATS[1:])
@given(page=S.editorials())
def test_document_round_trip(fmt: str, page: newsevent.Editorial) -> None:
    back = newsevent.parse(newsevent.dumps(page, fmt))
    assert back == page
    assert back.language == page.language


JSON_SCHEMA = jsonschema.Draft202012Validator(json.loads(nejson.schema()))
XSD = etree.XMLSchema(etree.fromstring(nexml.xsd().encode("utf-8")))


@given(page=S.editorials())
def test_documents_match_their_schemas(page: newsevent.Editorial) -> None:
    JSON_SCHEMA.validate(json.loads(newsevent.dumps(page, "json")))
    assert XSD.validate(etree.fromstring(newsevent.dumps(page, "xml").encode("utf-8")))


def test_hand_written_editorial_reads_exactly() -> None:
    text = (DATA / "editorial.md").read_text("utf-8")
    page = newsevent.parse(text)
    assert page == newsevent.Editorial(
        title="On *slow* news",
        author="A. N. Writer",
        body=(
            "First paragraph with a [link (with parens)](https://example.org/a_(b)) and "
            "_emphasis_,\nspread over two lines.\n\nSecond paragraph: **strong**, `code` and "
            "\\*escaped\\* stars &amp; an entity."
        ),
        extra=("#### A heading the reader keeps as a line",),
    )
    assert kind(text.split("\n")) == "editorial"
    assert newsevent.dumps(page) == text


def test_an_edit_rewrites_only_the_edited_line() -> None:
    text = (DATA / "editorial.md").read_text("utf-8")
    page = newsevent.parse(text)
    assert isinstance(page, newsevent.Editorial)
    out = newsevent.dumps(attrs.evolve(page, author="B. Writer"))
    assert out == text.replace("#### by  A. N. Writer\n", "#### by B. Writer\n")
    first, _second = page.body.split("\n\n")
    edited = attrs.evolve(page, body=first + "\n\nA new last paragraph.")
    lines = text.split("\n")
    assert newsevent.dumps(edited).split("\n") == [*lines[:9], "A new last paragraph.", *lines[10:]]


def test_html_renders_links_and_emphasis_and_reads_back() -> None:
    page = newsevent.parse((DATA / "editorial.md").read_text("utf-8"))
    html = newsevent.dumps(page, "html")
    doc = etree.fromstring(html.split("\n", 1)[1].encode("utf-8"), etree.HTMLParser())
    body = doc.xpath("//div[@class='body']/p")
    assert body[0].xpath("./a/@href") == ["https://example.org/a_(b)"]
    assert body[0].xpath("./a/text()") == ["link (with parens)"]
    assert body[0].xpath("./em/text()") == ["emphasis"]
    assert doc.xpath("//p[@class='author']/span/text()") == ["A. N. Writer"]
    assert newsevent.parse(html) == page


def test_date_and_slug_come_from_the_path(tmp_path: Path) -> None:
    folder = tmp_path / "opinion" / "2019" / "12" / "7" / "on-slow-news"
    folder.mkdir(parents=True)
    text = (DATA / "editorial.md").read_text("utf-8")
    (folder / "README.md").write_text(text, "utf-8")
    page = newsevent.load(folder / "README.md")
    assert isinstance(page, newsevent.Editorial)
    assert (page.date, page.slug) == (dt.date(2019, 12, 7), "on-slow-news")
    assert page.url == "/opinion/2019/12/7/on-slow-news/index.md"
    assert newsevent.dumps(page) == text
    changed = attrs.evolve(page, title="Slow news")
    assert newsevent.dumps(changed) == text.replace("# On *slow* news  \n", "# Slow news\n")
    for fmt in FORMATS[1:]:
        assert newsevent.parse(newsevent.dumps(page, fmt)) == page


def test_a_page_without_byline_is_not_an_editorial() -> None:
    with pytest.raises(newsevent.ParseError, match="event"):
        newsevent.parse("\n# A title\n\nBody.\n")


def test_a_body_line_cannot_start_a_heading() -> None:
    with pytest.raises(ValueError, match="must not start with '#'"):
        newsevent.Editorial(title="t", author="a", body="# not a paragraph")


def test_canonical_layout() -> None:
    page = newsevent.Editorial(title="T", author="A", body="One.\n\nTwo *x*.")
    assert nemd.dumps(page) == "\n# T\n#### by A\n\nOne.\n\nTwo *x*.\n\n"


def test_docs_block_prints_what_the_page_says() -> None:
    import contextlib
    import io
    import re

    doc = Path(__file__).resolve().parent.parent / "docs" / "opinion.md"
    blocks = re.findall(r"```(\w+)\n(.*?)```", doc.read_text("utf-8"), re.DOTALL)
    assert [kind for kind, _ in blocks] == ["python", "text"]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(blocks[0][1], str(doc), "exec"), {})
    assert out.getvalue() == blocks[1][1]


def test_the_path_gives_date_and_slug_only_to_a_page_without_either() -> None:
    from newsevent._model import placed
    from newsevent._spelling import unchanged

    page = newsevent.Editorial(title="T", author="A", body="b")
    got = placed(page, "C:\\site\\opinion\\2019\\12\\9\\the-slug\\README.md")
    assert (got.date, got.slug, got.spelling) == (dt.date(2019, 12, 9), "the-slug", None)
    assert got == attrs.evolve(page, date=dt.date(2019, 12, 9), slug="the-slug")
    # A page that names its day or its slug keeps what it says.
    for known in (attrs.evolve(page, date=dt.date(2001, 1, 1)), attrs.evolve(page, slug="s")):
        assert placed(known, "opinion/2019/12/9/the-slug/README.md") is known
    # A page read from Markdown still knows it is the page it was read as.
    read = newsevent.parse(newsevent.dumps(page))
    assert isinstance(read, newsevent.Editorial)
    moved = placed(read, "opinion/2019/12/9/the-slug/index.md")
    assert unchanged(moved) and (moved.date, moved.slug) == (dt.date(2019, 12, 9), "the-slug")


def test_no_line_of_an_editorial_body_is_a_heading() -> None:
    with pytest.raises(ValueError) as info:
        newsevent.Editorial(title="T", author="A", body="a\n#b")
    assert str(info.value) == "editorial body line '#b' must not start with '#' (a heading)"
