"""Every day page and front page of the shared corpus, in every format."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import attrs
import jsonschema
import pytest
from lxml import etree

import newsevent
from newsevent import json as nejson
from newsevent import markdown as nemd
from newsevent import xml as nexml
from tests.corpus import editorial_pages, is_front, listing_pages


def test_every_listing_page_round_trips(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    validator = jsonschema.Draft202012Validator(json.loads(nejson.schema()))
    xsd = etree.XMLSchema(etree.fromstring(nexml.xsd().encode("utf-8")))
    paths = listing_pages(corpus)
    days = fronts = identical = with_extra = 0
    failures: list[str] = []
    for path in paths:
        text = path.read_text("utf-8")
        try:
            page = newsevent.parse(text)
        except newsevent.ParseError as exc:
            failures.append(f"{path}: {exc}")
            continue
        expected = newsevent.FrontPage if is_front(path) else newsevent.DayPage
        if not isinstance(page, expected):
            failures.append(f"{path}: read as {type(page).__name__}")
            continue
        days += isinstance(page, newsevent.DayPage)
        fronts += isinstance(page, newsevent.FrontPage)
        # The reader builds most entries without the validators: they must take them.
        if tuple(attrs.evolve(e) for e in page.entries) != page.entries or (
            attrs.evolve(page) != page
        ):
            failures.append(f"{path}: the page or an entry differs once validated")
        canonical = nemd.dumps(page, canonical=True)
        if newsevent.parse(canonical) != page:
            failures.append(f"{path}: the canonical layout reads back differently")
        for fmt in ("markdown", "json", "xml", "html"):
            out = newsevent.dumps(page, fmt)
            back = newsevent.parse(out)
            if back != page or back.language != page.language:
                failures.append(f"{path}: {fmt} round trip differs")
            if fmt == "markdown":
                identical += out == text
                if out != text:
                    failures.append(f"{path}: not written back byte for byte")
            elif nemd.dumps(back) != canonical:
                failures.append(f"{path}: {fmt} -> Markdown is not the canonical layout")
            if fmt == "json":
                errors = list(validator.iter_errors(json.loads(out)))
                if errors:
                    failures.append(f"{path}: schema: {errors[0].message}")
            elif fmt == "xml" and not xsd.validate(etree.fromstring(out.encode("utf-8"))):
                failures.append(f"{path}: XSD: {xsd.error_log.last_error}")
        with_extra += bool(page.extra)
    with capsys.disabled():
        print(
            f"\ncorpus: {len(paths)} listing pages ({days} day, {fronts} front), "
            f"{identical} written back byte for byte, {with_extra} with lines kept in extra"
        )
    assert not failures, "\n".join(failures[:20])
    # Day pages (index.md + README.md in news/ day folders): 11 + 11 English, 2,545 + 2,576
    # and 81 + 62 Chinese, as counted in the corpus folders. Front pages: en/index.md,
    # en/README.md and the opinion listing (en/opinion/index.md and README.md, read as front
    # pages: a "## Opinion" section of entries, the shape of en/README.md's own Opinion
    # section), zh/index.md and zh/README.md.
    assert identical == len(paths)
    assert days == 11 + 11 + 2545 + 2576 + 81 + 62
    assert fronts == 4 + 2


def test_front_pages_keep_their_days(corpus: Path) -> None:
    page = newsevent.load(corpus / "zh" / "index.md")
    assert isinstance(page, newsevent.FrontPage)
    labels = [s.label for s in page.sections]
    assert labels[:3] == ["今天", "昨天", "昨天前一天"] and all(s.rule for s in page.sections)
    en = newsevent.load(corpus / "en" / "README.md")
    assert isinstance(en, newsevent.FrontPage)
    assert "Opinion" in [s.label for s in en.sections]
    assert en.sections[0].date is not None and en.sections[0].entries


def test_every_editorial_round_trips(corpus: Path) -> None:
    validator = jsonschema.Draft202012Validator(json.loads(nejson.schema()))
    xsd = etree.XMLSchema(etree.fromstring(nexml.xsd().encode("utf-8")))
    paths = editorial_pages(corpus)
    # The corpus holds the site's one editorial.
    assert [p.relative_to(corpus).as_posix() for p in paths] == [
        "en/opinion/2017/04/4/the-post-truth-and-the-context/README.md"
    ]
    path = paths[0]
    text = path.read_text("utf-8")
    page = newsevent.load(path)
    assert isinstance(page, newsevent.Editorial)
    lines = text.split("\n")
    assert page.title == lines[1].removeprefix("# ")
    assert page.author == lines[2].removeprefix("#### by ")
    assert page.body == "\n\n".join(x for x in lines[4:] if x)
    assert len(page.body.split("\n\n")) == 8
    assert (page.date, page.slug) == (dt.date(2017, 4, 4), "the-post-truth-and-the-context")
    assert page.extra == ()
    assert newsevent.dumps(page) == text
    for fmt in ("json", "xml", "html"):
        out = newsevent.dumps(page, fmt)
        assert newsevent.parse(out) == page
        assert nemd.dumps(newsevent.parse(out), canonical=True) == nemd.dumps(page, canonical=True)
    assert not list(validator.iter_errors(json.loads(newsevent.dumps(page, "json"))))
    assert xsd.validate(etree.fromstring(newsevent.dumps(page, "xml").encode("utf-8")))


def test_the_opinion_listing_links_the_editorial(corpus: Path) -> None:
    editorial = newsevent.load(editorial_pages(corpus)[0])
    assert isinstance(editorial, newsevent.Editorial)
    for name, category in (("index.md", "Introduction"), ("README.md", None)):
        page = newsevent.load(corpus / "en" / "opinion" / name)
        assert isinstance(page, newsevent.FrontPage)
        assert [s.label for s in page.sections] == ["Opinion"]
        (entry,) = page.entries
        assert (entry.title, entry.url, entry.category) == (
            editorial.title,
            editorial.url,
            category,
        )
    front = newsevent.load(corpus / "en" / "README.md")
    assert isinstance(front, newsevent.FrontPage)
    opinion = [s for s in front.sections if s.label == "Opinion"]
    assert [e.url for s in opinion for e in s.entries] == [editorial.url]


def test_every_heading_and_rule_is_read(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Independent counts from the text: every "### [" line is an entry or a kept line, every
    # front-page "## " heading (but "## Unparsed:") a section, every "---" line a rule, every
    # "previous day" heading a DayPage.previous.
    entry_lines = entries = kept = sections = headings = rules = rule_lines = 0
    previous = previous_lines = 0
    mismatched: list[str] = []
    for path in listing_pages(corpus):
        text = path.read_text("utf-8")
        page = newsevent.parse(text)
        assert isinstance(page, (newsevent.DayPage, newsevent.FrontPage))
        n = len(re.findall(r"(?m)^### \[", text))
        got = len(page.entries) + sum(x.startswith("### [") for x in page.extra)
        if got != n:
            mismatched.append(f"{path}: {n} '### [' lines, {got} entries and kept lines")
        entry_lines += n
        entries += len(page.entries)
        kept += sum(x.startswith("### [") for x in page.extra)
        if isinstance(page, newsevent.FrontPage):
            sections += len(page.sections)
            headings += len(re.findall(r"(?m)^##(?!#)(?! Unparsed:)", text))
            rules += sum(s.rule for s in page.sections)
            rule_lines += len(re.findall(r"(?m)^---[ \t]*$", text))
        else:
            previous += page.previous is not None
            previous_lines += len(re.findall(r"(?m)^## \[(?:Previous Day|前一天)\.\.\.\]\(", text))
    with capsys.disabled():
        print(
            f"\ncorpus listings: {entries} entries + {kept} kept '### [' lines, {sections} "
            f"front-page sections, {rules} rules, {previous} previous-day links"
        )
    assert not mismatched, "\n".join(mismatched[:20])
    assert entries + kept == entry_lines
    assert (sections, rules, previous) == (headings, rule_lines, previous_lines)
