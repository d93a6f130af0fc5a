"""Every event page of the shared corpus: parse, round-trip in every format, schemas,
the format chain, and how many pages are reproduced byte for byte."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import jsonschema
import pytest
from lxml import etree

import newsevent
from newsevent import _markdown
from newsevent import json as nejson
from newsevent import xml as nexml
from tests.corpus import event_pages


@cache
def _pages(root: Path) -> list[tuple[Path, str]]:
    return [(p, p.read_text("utf-8")) for p in event_pages(root)]


def test_corpus_has_event_pages(corpus: Path) -> None:
    # The README counts 1 + 187 + 6,777 + 164 event pages.
    assert len(_pages(corpus)) == 1 + 187 + 6777 + 164


def test_seed_is_reproduced_byte_for_byte(corpus: Path) -> None:
    (seed,) = event_pages(corpus / "en-seed")
    text = seed.read_text("utf-8")
    ev = newsevent.parse(text)
    assert newsevent.dumps(ev, "markdown") == text
    assert ev.extra == ()
    assert ev.cover_image is not None and len(ev.sources) == 1 and len(ev.related) == 5


def test_every_page_round_trips(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    validator = jsonschema.Draft202012Validator(json.loads(nejson.schema()))
    xsd = etree.XMLSchema(etree.fromstring(nexml.xsd().encode("utf-8")))
    identical = with_extra = 0
    failures: list[str] = []
    for path, text in _pages(corpus):
        try:
            ev = _markdown.loads(text)
            if _markdown.loads(text, fast=False) != ev:
                failures.append(f"{path}: fast path differs from mistune")
            md = newsevent.dumps(ev, "markdown")
            if newsevent.parse(md) != ev:
                failures.append(f"{path}: Markdown round trip differs")
            doc = newsevent.dumps(ev, "json")
            if newsevent.loads(doc, "json") != ev:
                failures.append(f"{path}: JSON round trip differs")
            errors = list(validator.iter_errors(json.loads(doc)))
            if errors:
                failures.append(f"{path}: schema: {errors[0].message}")
            xml = newsevent.dumps(ev, "xml")
            if not xsd.validate(etree.fromstring(xml.encode("utf-8"))):
                failures.append(f"{path}: XSD: {xsd.error_log.last_error}")
            # The chain Markdown -> JSON -> XML -> HTML -> Markdown.
            step = newsevent.loads(doc, "json")
            for fmt in ("xml", "html", "markdown"):
                step = newsevent.loads(newsevent.dumps(step, fmt), fmt)
            if step != ev or newsevent.dumps(step, "markdown") != md:
                failures.append(f"{path}: the format chain changed the event")
        except newsevent.ParseError as exc:
            failures.append(f"{path}: {exc}")
            continue
        identical += md == text
        with_extra += bool(ev.extra)
    total = len(_pages(corpus))
    with capsys.disabled():
        print(
            f"\ncorpus: {total} event pages, {identical} reproduced byte for byte, "
            f"{with_extra} with lines kept verbatim in Event.extra"
        )
    assert not failures, "\n".join(failures[:20])
    assert identical >= 300


def test_chinese_headings_are_written_back(corpus: Path) -> None:
    for _path, text in _pages(corpus):
        if "### 信息来源:" in text and "### 有关:" in text:
            ev = newsevent.parse(text)
            out = newsevent.dumps(ev)
            assert ev.language == "zh"
            assert "### 信息来源:" in out and "### 有关:" in out and "_消息: " in out
            break
    else:
        pytest.fail("no Chinese page with both sections found")


def test_changes_and_images_are_read(corpus: Path) -> None:
    changes = images = 0
    for _path, text in _pages(corpus):
        if "### Changes:" in text or "[IMG](" in text:
            ev = newsevent.parse(text)
            changes += bool(ev.changes)
            images += any(s.image for s in ev.sources)
    assert changes >= 5 and images >= 100
