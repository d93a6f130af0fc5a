"""The JSON, XML and HTML readers' trusted path: one pass, checks, unchecked constructors.

Every page it builds must equal the page the validating path (the converter, the XSD, the
reader's queries and the validating constructors) builds from the same document, and every
document it refuses must get the validating path's error unchanged.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from lxml import etree

import newsevent
from newsevent import ParseError, _html, _json, _xml
from newsevent._model import DayPage, Event, FrontPage
from tests import strategies as S
from tests.corpus import event_pages, is_front, listing_pages


def revalidated(page: Any) -> Any:
    """``page`` built again by the validating constructors, every nested value too."""
    if isinstance(page, Event):
        return attrs.evolve(
            page,
            sources=tuple(attrs.evolve(s) for s in page.sources),
            related=tuple(attrs.evolve(r) for r in page.related),
            changes=tuple(attrs.evolve(c) for c in page.changes),
        )
    if isinstance(page, DayPage):
        return attrs.evolve(page, entries=tuple(attrs.evolve(e) for e in page.entries))
    if isinstance(page, FrontPage):
        sections = tuple(
            attrs.evolve(s, entries=tuple(attrs.evolve(e) for e in s.entries))
            for s in page.sections
        )
        return attrs.evolve(page, sections=sections)
    return attrs.evolve(page)


def outcome(read: Any) -> tuple[Any, ...]:
    """What a reader gives: the page with its language, or the whole error."""
    try:
        page = read()
    except ParseError as exc:
        return ("error", exc.msg, exc.lineno, exc.colno, exc.field)
    return ("page", type(page), page, page.language)


def json_fast(text: str) -> Any:
    return _json.loads(text)


def json_slow(text: str) -> Any:
    return _json.from_dict(json.loads(text), fast=False)


def xml_fast(text: str) -> Any:
    return _xml.page_from_element(_xml.parse_root(text))


def xml_slow(text: str) -> Any:
    return _xml.page_from_element(_xml.parse_root(text), fast=False)


def html_fast(text: str) -> Any:
    return _html.loads(text)


def html_slow(text: str) -> Any:
    return _html.loads(text, fast=False)


def trusted_only(fmt: str, text: str) -> Any:
    """The trusted builder alone (raises its refusal instead of falling back)."""
    if fmt == "json":
        doc = json.loads(text)
        return _json._FAST[_json.FORMATS[doc["format"]]](doc)
    if fmt == "xml":
        root = _xml.parse_root(text)
        return _xml._FAST[root.tag](root)
    return _html._fast_page(etree.fromstring(text, _html._PARSER))


def check_page(page: Any, formats: tuple[str, ...]) -> None:
    """Each format's trusted builder takes ``page``'s document and gives ``page`` exactly,
    equal to the validating path's page and to ``page`` rebuilt by the validators."""
    again = revalidated(page)
    assert again == page
    readers = {"json": (json_fast, json_slow), "xml": (xml_fast, xml_slow)}
    readers["html"] = (html_fast, html_slow)
    for fmt in formats:
        text = newsevent.dumps(page, fmt)
        built = trusted_only(fmt, text)
        assert (built, built.language) == (page, page.language), fmt
        assert revalidated(built) == built
        fast, slow = readers[fmt]
        got = outcome(lambda fast=fast, text=text: fast(text))
        assert got == outcome(lambda slow=slow, text=text: slow(text)), fmt
        assert got == ("page", type(page), page, page.language)


@cache
def _corpus_pages(root: Path) -> tuple[list[Any], list[Any]]:
    events = [newsevent.parse(p.read_text("utf-8")) for p in event_pages(root)]
    days = [newsevent.parse(p.read_text("utf-8")) for p in listing_pages(root) if not is_front(p)]
    return events, days


def test_corpus_events_take_the_trusted_path(corpus: Path) -> None:
    events, _days = _corpus_pages(corpus)
    assert len(events) == 1 + 187 + 6777 + 164
    for ev in events:
        check_page(ev, ("json", "xml"))


def test_corpus_day_pages_take_the_trusted_path(corpus: Path) -> None:
    _events, days = _corpus_pages(corpus)
    # Counted apart: the index.md and README.md files inside news/ folders.
    listed = [p for p in corpus.rglob("*.md") if p.name in ("index.md", "README.md")]
    assert len(days) == sum("news" in p.relative_to(corpus).parts for p in listed) == 5286
    for day in days:
        assert isinstance(day, DayPage)
        check_page(day, ("json", "xml", "html"))


@given(S.events())
def test_generated_events_take_the_trusted_path(ev: Event) -> None:
    check_page(ev, ("json", "xml"))


@given(S.day_pages())
def test_generated_day_pages_take_the_trusted_path(page: DayPage) -> None:
    check_page(page, ("json", "xml", "html"))


@given(S.front_pages())
def test_generated_front_pages_read_alike(page: FrontPage) -> None:
    check_page(page, ("json",))
    for fmt in ("xml", "html"):  # read by the validating path only
        text = newsevent.dumps(page, fmt)
        assert newsevent.loads(text, fmt) == page


# ---------------------------------------------------------------- refused documents

_JSON_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from(
        ["", " x", "x ", "a\nb", "a\n\n\nb", "Cover Image", "2012-1-1", "2012-02-30", "zh", "en"]
    ),
    st.sampled_from(["2012-11-08T10:00:00", "2012-11-08T10:00:00+01:00", "a, b", "(x)", "/zh"]),
    st.sampled_from(["2012-11-08", "a b", "/news/x.md", "x\x7fy", "true", "1", "Unparsed:"]),
    st.lists(st.sampled_from(["", "a", "a, b", " a", "x,", 5]), max_size=3),
    # New objects each time: mutated_json changes what it inserts in place.
    st.builds(dict),
    st.builds(lambda: {"title": "t", "url": "u"}),
)


@st.composite
def mutated_json(draw: st.DrawFn) -> str:
    page = draw(st.one_of(S.events(), S.day_pages(), S.front_pages()))
    doc = json.loads(newsevent.dumps(page, "json"))
    for _ in range(draw(st.integers(1, 3))):
        # Walk to a random object or array, then change, add or drop one of its members.
        node: Any = doc
        while True:
            kids = list(node.items()) if isinstance(node, dict) else list(enumerate(node))
            kids = [(k, v) for k, v in kids if isinstance(v, (dict, list)) and v]
            if not kids or draw(st.booleans()):
                break
            node = draw(st.sampled_from(kids))[1]
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            continue
        key = draw(st.sampled_from(keys))
        action = draw(st.sampled_from(["set", "drop", "add"]))
        if action == "set":
            node[key] = draw(_JSON_VALUES)
        elif action == "drop":
            del node[key]
        elif isinstance(node, dict):
            node[draw(st.sampled_from(["zzz", "name", "image", "label", "rule"]))] = draw(
                _JSON_VALUES
            )
        else:
            node.append(draw(_JSON_VALUES))
    return json.dumps(doc, ensure_ascii=False)


@given(mutated_json())
@example('{"format": "newsevent.event", "version": 2, "date": "2012-11-08", "title": 5}')
@example('{"format": "newsevent.event", "version": 2, "date": "2012-11-08", "title": "t", "a": 1}')
def test_mutated_json_gets_the_validating_outcome(text: str) -> None:
    assert outcome(lambda: json_fast(text)) == outcome(lambda: json_slow(text))


_XML_SNIPPETS = [
    "",
    " ",
    "x",
    "\n",
    "<title>t</title>",
    "<category/>",
    "<context>a</context>",
    "<context>a, b</context>",
    "<line> </line>",
    "<extra><line>x</line></extra>",
    '<entry url="u"><title>t</title></entry>',
    "<p/>",
    "<p>a\n\nb</p>",
    "<!-- c -->",
    "<?pi x?>",
    "<![CDATA[ x ]]>",
    "&amp;",
    "&#9;",
    ' xml:lang="en"',
    ' formats="1"',
    ' formats=" true"',
    ' timestamp="2012-11-08T24:00:00"',
    ' label="a(b)"',
    ' url="a b"',
    ' image=""',
    ' prefix="/zh"',
    ' language="fr"',
    ' date="2012-02-30"',
    ' date="0000-01-01"',
    ' version="3"',
    ' xmlns:x="urn:x" x:a="1"',
    "<summary></summary>",
    "<cover-image url='u'/>",
    "<cover-image url='u'> </cover-image>",
    "<sources/>",
]


def _mutate_markup(draw: st.DrawFn, text: str, snippets: list[str]) -> str:
    for _ in range(draw(st.integers(1, 3))):
        start = draw(st.integers(0, len(text)))
        end = min(len(text), start + draw(st.integers(0, 12)))
        text = text[:start] + draw(st.sampled_from(snippets)) + text[end:]
    return text


@st.composite
def mutated_xml(draw: st.DrawFn) -> str:
    page = draw(st.one_of(S.events(), S.day_pages()))
    return _mutate_markup(draw, newsevent.dumps(page, "xml"), _XML_SNIPPETS)


@given(mutated_xml())
def test_mutated_xml_gets_the_validating_outcome(text: str) -> None:
    fast = outcome(lambda: xml_fast(text))
    assert fast == outcome(lambda: xml_slow(text))
    try:
        trusted_only("xml", text)
    except Exception:
        return
    # What the trusted path takes is valid against the XSD.
    assert _xml.schema().validate(_xml.parse_root(text))


_HTML_SNIPPETS = [
    "",
    " ",
    "x",
    "<b>x</b>",
    "<!-- c -->",
    '<article class="newsevent-day" data-newsevent-version="2">',
    '<article class="entry">',
    '<article class="entry x">',
    '<p class="category">c</p>',
    '<p class="summary"></p>',
    '<p class="context"><span>a, b</span></p>',
    '<nav class="formats"></nav>',
    '<nav class="previous"><a href="/p">p</a></nav>',
    '<section class="extra"><h2>U</h2><ul><li><code> </code></li></ul></section>',
    ' data-url="a b"',
    ' data-language="fr"',
    ' data-prefix="x"',
    ' class="title"',
    ' class="entries extra"',
    ' datetime="2012-02-30"',
    ' datetime="20121108"',
    "</section>",
    "</article>",
    "&amp;",
    "&nbsp;",
]


@st.composite
def mutated_html(draw: st.DrawFn) -> str:
    page = draw(S.day_pages())
    text = newsevent.dumps(page, "html")
    body = text.index("<body>")  # the head is not read
    return text[:body] + _mutate_markup(draw, text[body:], _HTML_SNIPPETS)


@given(mutated_html())
def test_mutated_html_gets_the_validating_outcome(text: str) -> None:
    assert outcome(lambda: html_fast(text)) == outcome(lambda: html_slow(text))


def test_a_format_that_is_not_a_string_is_a_parse_error() -> None:
    with pytest.raises(ParseError) as info:
        newsevent.loads('{"format": {}, "version": 2}', "json")
    assert info.value.field == "$.format"


def test_refusals_keep_their_errors() -> None:
    # One example per format, with the error the validating path has always given.
    doc = json.loads(newsevent.dumps(newsevent.parse(newsevent.example()), "json"))
    doc["sources"][0]["url"] = "a b"
    with pytest.raises(ParseError) as info:
        newsevent.loads(json.dumps(doc), "json")
    assert info.value.field == "$.sources[0].url"
    assert info.value.msg == (
        "invalid document: url 'a b' must not contain U+0020 at offset 1 (whitespace and "
        "control characters end a Markdown link destination)"
    )
    day = DayPage(date=dt.date(2012, 11, 8))
    xml = newsevent.dumps(day, "xml").replace('date="2012-11-08"', 'date="2012-11-8"')
    with pytest.raises(ParseError) as info:
        newsevent.loads(xml, "xml")
    assert info.value.msg.startswith(
        "not a valid newsevent document: Element '{urn:x-newsevent:1}day', attribute 'date'"
    )
    html = newsevent.dumps(day, "html").replace('datetime="2012-11-08"', 'datetime="soon"')
    with pytest.raises(ParseError) as info:
        newsevent.loads(html, "html")
    assert info.value.msg == "invalid <time datetime>"


def test_dates_python_takes_the_xsd_takes() -> None:
    # The trusted XML path takes a date when Python's date.fromisoformat does; the XSD must
    # agree on every month end and leap day of four centuries and of the edges.
    years = [*range(1, 30), *range(1890, 2110), *range(9970, 10000)]
    xsd = _xml.schema()
    for year in years:
        for month in range(1, 13):
            for day in (28, 29, 30, 31):
                text = f"{year:04d}-{month:02d}-{day:02d}"
                try:
                    dt.date.fromisoformat(text)
                except ValueError:
                    continue
                doc = f'<day xmlns="{_xml.NS}" version="2" date="{text}"/>'
                assert xsd.validate(etree.fromstring(doc)), text


# ---------------------------------------------------------------- the optional JSON backend


@given(st.one_of(S.events(), S.day_pages(), S.front_pages(), S.editorials()))
def test_fast_backend_writes_the_same_bytes(page: Any) -> None:
    doc = _json.to_dict(page)
    assert _json.dumps(page) == json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


@given(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30))
@example('\x00\x1f\x7f\u2028\u2029"\\é😀')
def test_fast_backend_escapes_strings_alike(text: str) -> None:
    orjson = pytest.importorskip("orjson")  # the test extra installs it
    doc = {"title": text, "context": [text, ""]}
    assert orjson.dumps(doc).decode() == json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


@given(st.lists(st.one_of(_JSON_VALUES, st.lists(_JSON_VALUES, max_size=3)), max_size=3))
def test_fast_backend_decodes_alike(value: Any) -> None:
    # Except integers past 64 bits (orjson makes them floats): the trusted path refuses
    # every number but the version, so those documents are decoded again by json.
    orjson = pytest.importorskip("orjson")
    text = json.dumps({"a": value, "a ": [value, 1.5, -0.0, 2**63 - 1]})
    assert orjson.loads(text) == json.loads(text)
    doc = {"format": "newsevent.event", "version": 10**30, "date": "2012-11-08", "title": "t"}
    with pytest.raises(ParseError) as info:
        _json.loads(json.dumps(doc))
    assert info.value.msg == f"unsupported 'version' {10**30}"


def test_corpus_json_is_written_byte_for_byte(corpus: Path) -> None:
    events, days = _corpus_pages(corpus)
    for page in [*events, *days]:
        doc = _json.to_dict(page)
        assert _json.dumps(page) == json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
