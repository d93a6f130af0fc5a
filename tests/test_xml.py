"""XML: the schema, the hardened reader and its errors."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from lxml import etree

import newsevent
from newsevent import ParseError
from newsevent import xml as nexml

EXAMPLE = newsevent.parse(newsevent.example())


def test_example_validates_against_shipped_xsd() -> None:
    schema = etree.XMLSchema(etree.fromstring(nexml.xsd().encode()))
    doc = etree.fromstring(nexml.dumps(EXAMPLE).encode())
    assert schema.validate(doc), schema.error_log
    assert doc.tag == f"{{{nexml.NS}}}event"


def test_round_trip_str_and_bytes() -> None:
    text = nexml.dumps(EXAMPLE)
    assert nexml.loads(text) == EXAMPLE
    assert nexml.loads(text.encode("utf-8")) == EXAMPLE
    latin = text.replace("UTF-8", "ISO-8859-1").encode("latin-1", "xmlcharrefreplace")
    assert newsevent.parse(latin) == EXAMPLE


def _timed_parse_error(doc: str | bytes) -> ParseError:
    start = time.perf_counter()
    with pytest.raises(ParseError) as info:
        newsevent.loads(doc, "xml")
    assert time.perf_counter() - start < 2.0
    return info.value


def test_xxe_file_read_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET", encoding="utf-8")
    doc = (
        f'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file://{secret}">]>'
        f'<event xmlns="{nexml.NS}" version="1" date="2012-11-08"><title>&x;</title><body/></event>'
    )
    err = _timed_parse_error(doc)
    assert "TOPSECRET" not in str(err)


def test_external_dtd_is_refused(tmp_path: Path) -> None:
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY x "INJECTED">', encoding="utf-8")
    doc = (
        f'<?xml version="1.0"?><!DOCTYPE event SYSTEM "file://{dtd}">'
        f'<event xmlns="{nexml.NS}" version="1" date="2012-11-08"><title>&x;</title><body/></event>'
    )
    err = _timed_parse_error(doc)
    assert "INJECTED" not in str(err)


def test_billion_laughs_is_refused_fast() -> None:
    ents = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    doc = (
        f'<?xml version="1.0"?><!DOCTYPE e [{ents}]>'
        f'<event xmlns="{nexml.NS}" version="1" date="2012-11-08">'
        "<title>&a9;</title><body/></event>"
    )
    _timed_parse_error(doc)


def test_network_entity_is_refused() -> None:
    doc = (
        '<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "http://127.0.0.1:9/x">]>'
        f'<event xmlns="{nexml.NS}" version="1" date="2012-11-08"><title>&x;</title><body/></event>'
    )
    _timed_parse_error(doc)


@pytest.mark.parametrize(
    ("doc", "line", "col", "words"),
    [
        ("<event", 1, 7, "malformed XML"),
        ('<event xmlns="urn:x-newsevent:1" version="1">\n</evnt>', 2, 8, "malformed XML"),
        (
            '<event xmlns="urn:x-newsevent:1" version="1" date="2012-11-08">\n'
            "  <title> padded</title><body/></event>",
            2,
            1,
            "not a valid newsevent document",
        ),
        ('<other xmlns="urn:x"/>', 1, 1, "not a valid newsevent document"),
        (
            '<event xmlns="urn:x-newsevent:1" version="1" date="2012-11-08">\n'
            '<title>t</title><body/><sources><source url="a b">x</source></sources></event>',
            2,
            1,
            "not a valid",
        ),
    ],
)
def test_errors_have_positions(doc: str, line: int, col: int, words: str) -> None:
    with pytest.raises(ParseError) as info:
        nexml.loads(doc)
    assert info.value.lineno == line and words in info.value.msg
    if col > 1:
        assert info.value.colno == col


def test_model_rules_checked_after_schema() -> None:
    doc = (
        f'<event xmlns="{nexml.NS}" version="2" date="2012-11-08" language="en">\n'
        '<title>t</title><body/><sources><source url="u">Cover Image</source></sources></event>'
    )
    with pytest.raises(ParseError, match="cover_image"):
        nexml.loads(doc)
