"""Every event page of the shared corpus: parse, round-trip in every format, schemas,
the format chain, and how many pages are reproduced byte for byte."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import attrs
import jsonschema
import pytest
from lxml import etree

import newsevent
from newsevent import json as nejson
from newsevent import markdown as nemd
from newsevent import xml as nexml
from newsevent._md import event as _markdown
from newsevent._spelling import all_marks
from tests.corpus import event_pages


@cache
def _pages(root: Path) -> list[tuple[Path, str]]:
    return [(p, p.read_text("utf-8")) for p in event_pages(root)]


def _marks(page: newsevent.Page) -> object:
    assert page.spelling is not None
    return all_marks(page.spelling)


def _revalidated(ev: newsevent.Event) -> bool:
    """Whether the validating constructor takes every value of ``ev`` (the reader builds
    most values without it) and gives an equal event."""
    try:
        again = attrs.evolve(
            ev,
            sources=tuple(attrs.evolve(s) for s in ev.sources),
            related=tuple(attrs.evolve(r) for r in ev.related),
        )
    except ValueError:
        return False
    return again == ev


def test_corpus_has_event_pages(corpus: Path) -> None:
    # The README counts 1 + 187 + 6,777 + 164 event pages.
    assert len(_pages(corpus)) == 1 + 187 + 6777 + 164


def test_seed_is_reproduced_byte_for_byte(corpus: Path) -> None:
    (seed,) = event_pages(corpus / "en-seed")
    text = seed.read_text("utf-8")
    ev = newsevent.parse(text)
    assert newsevent.dumps(ev, "markdown") == text
    # The seed is the English canonical layout: built again from its values, it is the same.
    assert nemd.dumps(ev, canonical=True) == text
    assert newsevent.dumps(newsevent.loads(newsevent.dumps(ev, "json"), "json")) == text
    assert ev.extra == ()
    assert ev.cover_image is not None and len(ev.sources) == 1 and len(ev.related) == 5


def test_every_page_round_trips(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    validator = jsonschema.Draft202012Validator(json.loads(nejson.schema()))
    xsd = etree.XMLSchema(etree.fromstring(nexml.xsd().encode("utf-8")))
    identical = with_extra = canonical_already = 0
    failures: list[str] = []
    for path, text in _pages(corpus):
        try:
            ev = _markdown.loads(text)
            slow = _markdown.loads(text, fast=False)
            if slow != ev or _marks(slow) != _marks(ev):
                failures.append(f"{path}: fast path differs from mistune")
            if not _revalidated(ev):
                failures.append(f"{path}: the reader built a value its validators refuse")
            md = newsevent.dumps(ev, "markdown")
            canonical = nemd.dumps(ev, canonical=True)
            if newsevent.parse(canonical) != ev:
                failures.append(f"{path}: the canonical layout reads back differently")
            doc = newsevent.dumps(ev, "json")
            if newsevent.loads(doc, "json") != ev:
                failures.append(f"{path}: JSON round trip differs")
            errors = list(validator.iter_errors(json.loads(doc)))
            if errors:
                failures.append(f"{path}: schema: {errors[0].message}")
            xml = newsevent.dumps(ev, "xml")
            if not xsd.validate(etree.fromstring(xml.encode("utf-8"))):
                failures.append(f"{path}: XSD: {xsd.error_log.last_error}")
            # The chain Markdown -> JSON -> XML -> HTML -> Markdown ends in the canonical layout
            # of the page's edition: the other formats carry the content and the language.
            step = newsevent.loads(doc, "json")
            for fmt in ("xml", "html", "markdown"):
                step = newsevent.loads(newsevent.dumps(step, fmt), fmt)
                if step.language != ev.language:
                    failures.append(f"{path}: {fmt} lost the language")
            if step != ev or newsevent.dumps(step, "markdown") != canonical:
                failures.append(f"{path}: the format chain changed the event")
        except newsevent.ParseError as exc:
            failures.append(f"{path}: {exc}")
            continue
        if md != text:
            failures.append(f"{path}: not written back byte for byte")
        identical += md == text
        canonical_already += canonical == text
        with_extra += bool(ev.extra)
    total = len(_pages(corpus))
    with capsys.disabled():
        print(
            f"\ncorpus: {total} event pages, {identical} written back byte for byte, "
            f"{canonical_already} already in the canonical layout, "
            f"{with_extra} with lines kept verbatim in Event.extra"
        )
    assert not failures, "\n".join(failures[:20])
    assert identical == total


def test_chinese_pages_are_written_in_the_zh_layout(corpus: Path) -> None:
    # Every Chinese page with a section, written canonically, keeps the edition's words and
    # numbers its sources 1, 2, 3 as the zh generator did.
    checked = 0
    for path, text in _pages(corpus):
        if "### 信息来源:" not in text and "### 有关:" not in text:
            continue
        ev = newsevent.parse(text)
        assert isinstance(ev, newsevent.Event) and ev.language == "zh", path
        out = nemd.dumps(ev, canonical=True)
        assert ("\n### 信息来源:\n" in out) == bool(ev.sources), path
        assert ("\n### 有关:\n" in out) == bool(ev.related), path
        assert ("_消息: " in out) == any(r.context for r in ev.related), path
        items = out.split("### 信息来源:")[-1].split("###")[0].splitlines()
        numbers = [int(x.split(".")[0]) for x in items if x[:1].isdigit()] if ev.sources else []
        assert numbers == list(range(1, len(ev.sources) + 1)), path
        checked += 1
    assert checked == sum("### 信息来源:" in t or "### 有关:" in t for _p, t in _pages(corpus))


def test_changes_and_images_are_read(corpus: Path) -> None:
    # An independent count: the pages whose text has the section or the link.
    with_changes = sum("\n### Changes:\n" in t for _p, t in _pages(corpus))
    with_images = sum(") [IMG](" in t for _p, t in _pages(corpus))
    changes = images = 0
    for _path, text in _pages(corpus):
        ev = newsevent.parse(text)
        assert isinstance(ev, newsevent.Event)
        changes += bool(ev.changes)
        images += any(s.image for s in ev.sources)
    assert (changes, images) == (with_changes, with_images)
