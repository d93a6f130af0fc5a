"""The XML reader's one-pass trusted path, value by value: what it takes, what it leaves to
the XSD and the validating constructors, and that both give the same page or error.

Each case says by hand whether the trusted builders take the document and whether the XSD
and the model's rules allow it; the test checks both against the validating path
(``page_from_element(root, fast=False)``) and the validating constructors.
"""

from __future__ import annotations

import datetime as dt
import http.server
import threading
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from newsevent import ParseError, _xml
from newsevent._model import (
    Change,
    DayPage,
    Editorial,
    Entry,
    Event,
    FrontPage,
    FrontSection,
    Related,
    Source,
)
from tests.test_trusted import outcome, revalidated

NS = 'xmlns="urn:x-newsevent:1"'
TAB = "&#9;"


def xev(inner: str = "<title>t</title><body/>", attrs: str = "") -> str:
    return f'<event {NS} version="2" date="2012-11-08"{attrs}>{inner}</event>'


def xday(inner: str = "", attrs: str = "") -> str:
    return f'<day {NS} version="2" date="2012-11-08"{attrs}>{inner}</day>'


def head(inner: str) -> str:
    return xev(f"<title>t</title><body/>{inner}")


ENT = '<entry url="u"><title>t</title></entry>'
SRC = '<sources><source url="u">n</source></sources>'


def changes(change: str) -> str:
    return head(f"<changes>{change}</changes>")


def related(item: str) -> str:
    return head(f"<related>{item}</related>")


def entry(inner: str, attrs: str = ' url="u"') -> str:
    return xday(f"<entry{attrs}>{inner}</entry>")


# (name, document, the trusted path takes it, the XSD and the rules allow it)
CASES: list[tuple[str, str, bool, bool]] = [
    ("minimal event", xev(), True, True),
    ("version 1", xev().replace('version="2"', 'version="1"'), True, True),
    ("version 3", xev().replace('version="2"', 'version="3"'), False, False),
    ("no version", xev().replace(' version="2"', ""), False, False),
    ("no date", xev().replace(' date="2012-11-08"', ""), False, False),
    ("date short", xev().replace("2012-11-08", "2012-11-8"), False, False),
    ("date impossible", xev().replace("2012-11-08", "2012-02-30"), False, False),
    ("unknown attribute", xev(attrs=' zzz="1"'), False, False),
    ("slug", xev(attrs=' slug="s"'), True, True),
    ("slug two segments", xev(attrs=' slug="a/b"'), False, False),
    ("prefix", xev(attrs=' prefix="/zh"'), True, True),
    ("prefix without slash", xev(attrs=' prefix="zh"'), False, False),
    ("language zh", xev(attrs=' language="zh"'), True, True),
    ("language en", xev(attrs=' language="en"'), True, True),
    ("language fr", xev(attrs=' language="fr"'), False, False),
    ("whitespace between elements", xev("\n  <title>t</title>\n  <body/>\n"), True, True),
    ("text in the root", xev("x<title>t</title><body/>"), False, False),
    ("text after an element", xev("<title>t</title>x<body/>"), False, False),
    ("unknown element", xev("<title>t</title><body/><zzz/>"), False, False),
    ("unknown element first", xev("<zzz/><title>t</title><body/>"), False, False),
    ("unknown element for a category", xev("<title>t</title><zzz>c</zzz><body/>"), False, False),
    ("no-break space between elements", xev("<title>t</title>&#160;<body/>"), False, False),
    ("elements out of order", xev("<body/><title>t</title>"), False, False),
    ("title twice", xev("<title>t</title><title>t</title><body/>"), False, False),
    ("no title", xev("<body/>"), False, False),
    ("no body", xev("<title>t</title>"), False, False),
    ("title empty", xev("<title/><body/>"), True, True),
    ("title tab", xev(f"<title>a{TAB}b</title><body/>"), True, True),
    ("title blank first", xev("<title> t</title><body/>"), False, False),
    ("title with an attribute", xev('<title x="1">t</title><body/>'), False, False),
    ("title with a child", xev("<title>t<p/></title><body/>"), False, False),
    ("category", xev("<title>t</title><category>c</category><body/>"), True, True),
    ("category blank", xev("<title>t</title><category>c </category><body/>"), False, False),
    ("body paragraphs", xev("<title>t</title><body><p>a</p><p>b\nc</p></body>"), True, True),
    ("body blank text", xev("<title>t</title><body> </body>"), True, True),
    ("body text", xev("<title>t</title><body>x</body>"), False, False),
    ("body text before p", xev("<title>t</title><body>x<p>a</p></body>"), False, False),
    ("body text after p", xev("<title>t</title><body><p>a</p>x</body>"), False, False),
    ("body attribute", xev('<title>t</title><body x="1"/>'), False, False),
    ("body empty p", xev("<title>t</title><body><p/></body>"), False, False),
    ("body p with a blank line", xev("<title>t</title><body><p>a\n\nb</p></body>"), False, False),
    ("body p blank first", xev("<title>t</title><body><p> a</p></body>"), False, False),
    ("body other child", xev("<title>t</title><body><q>a</q></body>"), False, False),
    # sources and cover image
    ("source", head(SRC), True, True),
    (
        "source with image",
        head('<sources><source url="u" image="i">n</source></sources>'),
        True,
        True,
    ),
    ("sources empty", head("<sources/>"), False, False),
    (
        "sources attribute",
        head('<sources x="1"><source url="u">n</source></sources>'),
        False,
        False,
    ),
    ("sources text", head('<sources>x<source url="u">n</source></sources>'), False, False),
    (
        "sources other child",
        head("<sources><item url='u'><title>t</title></item></sources>"),
        False,
        False,
    ),
    ("source without url", head("<sources><source>n</source></sources>"), False, False),
    ("source url blank", head('<sources><source url="a b">n</source></sources>'), False, False),
    (
        "source image empty",
        head('<sources><source url="u" image="">n</source></sources>'),
        False,
        False,
    ),
    (
        "source unknown attribute",
        head('<sources><source url="u" x="1">n</source></sources>'),
        False,
        False,
    ),
    (
        "source with a child",
        head('<sources><source url="u">n<p/></source></sources>'),
        False,
        False,
    ),
    ("source name blank", head('<sources><source url="u">n </source></sources>'), False, False),
    ("source name empty", head('<sources><source url="u"/></sources>'), True, True),
    (
        "cover image source",
        head('<sources><source url="u">Cover Image</source></sources>'),
        False,
        False,
    ),
    (
        "cover image source with image",
        head('<sources><source url="u" image="i">Cover Image</source></sources>'),
        True,
        True,
    ),
    ("cover image", head('<cover-image url="c"/>'), True, True),
    ("cover image without url", head("<cover-image/>"), False, False),
    ("cover image url blank", head('<cover-image url="a b"/>'), False, False),
    ("cover image unknown attribute", head('<cover-image url="c" x="1"/>'), False, False),
    ("cover image text", head('<cover-image url="c">x</cover-image>'), False, False),
    ("cover image child", head('<cover-image url="c"><p/></cover-image>'), False, False),
    # changes
    ("change", changes('<change url="u" label="l"><title>t</title></change>'), True, True),
    (
        "change timestamp",
        changes(
            '<change url="u" label="l" timestamp="2012-01-01T10:00:05"><title>t</title></change>'
        ),
        True,
        True,
    ),
    (
        "change timestamp hour 24",
        changes(
            '<change url="u" label="l" timestamp="2012-01-01T24:00:00"><title>t</title></change>'
        ),
        False,
        False,
    ),
    (
        "change timestamp with a zone",
        changes(
            '<change url="u" label="l" timestamp="2012-01-01T10:00:00Z"><title>t</title></change>'
        ),
        False,
        False,
    ),
    (
        "change label parentheses",
        changes('<change url="u" label="a(b)"><title>t</title></change>'),
        False,
        False,
    ),
    (
        "change label empty",
        changes('<change url="u" label=""><title>t</title></change>'),
        False,
        False,
    ),
    ("change without label", changes('<change url="u"><title>t</title></change>'), False, False),
    ("change without url", changes('<change label="l"><title>t</title></change>'), False, False),
    (
        "change url blank",
        changes('<change url="a b" label="l"><title>t</title></change>'),
        False,
        False,
    ),
    (
        "change unknown attribute",
        changes('<change url="u" label="l" x="1"><title>t</title></change>'),
        False,
        False,
    ),
    ("change without title", changes('<change url="u" label="l"/>'), False, False),
    (
        "change two titles",
        changes('<change url="u" label="l"><title>t</title><title>t</title></change>'),
        False,
        False,
    ),
    ("change text", changes('<change url="u" label="l">x<title>t</title></change>'), False, False),
    (
        "change text after title",
        changes('<change url="u" label="l"><title>t</title>x</change>'),
        False,
        False,
    ),
    (
        "change title blank",
        changes('<change url="u" label="l"><title> t</title></change>'),
        False,
        False,
    ),
    # related
    ("related", related('<item url="u"><title>t</title></item>'), True, True),
    (
        "related tags",
        related('<item url="u"><title>t</title><context>a</context><context>b c</context></item>'),
        True,
        True,
    ),
    (
        "related tag holding a separator",
        related('<item url="u"><title>t</title><context>a, b</context></item>'),
        False,
        False,
    ),
    ("related tag empty", related('<item url="u"><title>t</title><context/></item>'), False, False),
    (
        "related tag blank",
        related('<item url="u"><title>t</title><context> a</context></item>'),
        False,
        False,
    ),
    (
        "related tag attribute",
        related('<item url="u"><title>t</title><context x="1">a</context></item>'),
        False,
        False,
    ),
    (
        "related text after a tag",
        related('<item url="u"><title>t</title><context>a</context>x</item>'),
        False,
        False,
    ),
    (
        "related other child",
        related('<item url="u"><title>t</title><category>c</category></item>'),
        False,
        False,
    ),
    (
        "related unknown attribute",
        related('<item url="u" x="1"><title>t</title></item>'),
        False,
        False,
    ),
    (
        "related text after title",
        related('<item url="u"><title>t</title>x<context>a</context></item>'),
        False,
        False,
    ),
    ("related without title", related('<item url="u"><context>a</context></item>'), False, False),
    ("related url blank", related('<item url="a b"><title>t</title></item>'), False, False),
    # extra lines
    ("extra", head(f"<extra><line>x</line><line>a{TAB}b</line></extra>"), True, True),
    ("extra empty", head("<extra/>"), False, False),
    ("extra attribute", head('<extra x="1"><line>x</line></extra>'), False, False),
    ("extra text", head("<extra>x<line>x</line></extra>"), False, False),
    ("extra blank line", head("<extra><line> </line></extra>"), False, False),
    ("extra other child", head("<extra><p>x</p></extra>"), False, False),
    ("extra line text after", head("<extra><line>x</line>y</extra>"), False, False),
    # day pages
    ("minimal day", xday(), True, True),
    ("day text", xday("x"), False, False),
    ("day unknown attribute", xday(attrs=' slug="s"'), False, False),
    ("day previous", xday(attrs=' previous="/p"'), True, True),
    ("day previous blank", xday(attrs=' previous="a b"'), False, False),
    ("day formats true", xday(attrs=' formats="true"'), True, True),
    ("day formats 1", xday(attrs=' formats="1"'), True, True),
    ("day formats false", xday(attrs=' formats="false"'), True, True),
    ("day formats 0", xday(attrs=' formats="0"'), True, True),
    ("day formats yes", xday(attrs=' formats="yes"'), False, False),
    ("day prefix", xday(attrs=' prefix="/zh"'), True, True),
    ("day language", xday(attrs=' language="en"'), True, True),
    ("day language bad", xday(attrs=' language="EN"'), False, False),
    ("day extra", xday("<extra><line>x</line></extra>"), True, True),
    ("day entry after extra", xday(f"<extra><line>x</line></extra>{ENT}"), False, False),
    (
        "day extra twice",
        xday("<extra><line>x</line></extra><extra><line>y</line></extra>"),
        False,
        False,
    ),
    ("day other child", xday("<title>t</title>"), False, False),
    ("day text after an entry", xday(f"{ENT}x"), False, False),
    ("entry", xday(ENT), True, True),
    ("entries", xday(f"{ENT}\n{ENT}"), True, True),
    ("entry without url", entry("<title>t</title>", ""), False, False),
    ("entry url blank", entry("<title>t</title>", ' url="a b"'), False, False),
    ("entry unknown attribute", entry("<title>t</title>", ' url="u" x="1"'), False, False),
    ("entry other attribute only", entry("<title>t</title>", ' x="u"'), False, False),
    ("entry without title", entry(""), False, False),
    ("entry category first", entry("<category>c</category><title>t</title>"), False, False),
    ("entry text", entry("x<title>t</title>"), False, False),
    ("entry text after title", entry("<title>t</title>x"), False, False),
    ("entry title blank", entry("<title>t </title>"), False, False),
    ("entry category", entry("<title>t</title><category>c</category>"), True, True),
    ("entry summary", entry("<title>t</title><summary>s</summary>"), True, True),
    ("entry summary empty", entry("<title>t</title><summary/>"), False, False),
    ("entry summary blank", entry("<title>t</title><summary> s</summary>"), False, False),
    (
        "entry summary before category",
        entry("<title>t</title><summary>s</summary><category>c</category>"),
        False,
        False,
    ),
    (
        "entry all",
        entry("<title>t</title><category>c</category><summary>s</summary><context>a</context>"),
        True,
        True,
    ),
    ("entry tag separator", entry("<title>t</title><context>a, b</context>"), False, False),
    ("entry tag empty", entry("<title>t</title><context></context>"), False, False),
    ("entry title twice", entry("<title>t</title><title>t</title>"), False, False),
]


def _trusted(text: str) -> Any:
    root = _xml.parse_root(text)
    try:
        return _xml._FAST[root.tag](root)
    except _xml._Refused:
        return None


@pytest.mark.parametrize(
    ("text", "taken", "valid"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_trusted_path_takes_exactly_what_it_should(text: str, taken: bool, valid: bool) -> None:
    built = _trusted(text)
    try:
        slow: Any = _xml.page_from_element(_xml.parse_root(text), fast=False)
    except ParseError:
        slow = None
    assert (built is not None, slow is not None) == (taken, valid)
    if built is not None:
        assert (built, built.language) == (slow, slow.language)
        assert revalidated(built) == built
        assert _xml.schema().validate(_xml.parse_root(text))
    expected = outcome(lambda: _xml.page_from_element(_xml.parse_root(text), fast=False))
    assert outcome(lambda: _xml.loads(text)) == expected


def test_built_values_are_exact() -> None:
    # Written out by hand, not read back from the code under test.
    text = xev(
        "<title>T</title><category>C</category><body><p>One</p><p>Two</p></body>"
        '<sources><source url="/s" image="/i">N</source><source url="/s2">M</source></sources>'
        '<cover-image url="/c"/>'
        '<changes><change url="/c1" label="Update" timestamp="2012-11-08T10:20:30">'
        '<title>C1</title></change><change url="/c2" label="First"><title>C2</title></change>'
        "</changes>"
        '<related><item url="/r"><title>R</title><context>x</context><context>y z</context>'
        "</item></related>"
        "<extra><line>e1</line><line>e2</line></extra>",
        ' slug="s" prefix="/zh" language="zh"',
    )
    page = _trusted(text)
    assert isinstance(page, Event)
    assert (page.date, page.title, page.category, page.body) == (
        dt.date(2012, 11, 8),
        "T",
        "C",
        "One\n\nTwo",
    )
    assert page.sources == (Source(name="N", url="/s", image="/i"), Source(name="M", url="/s2"))
    assert page.cover_image == "/c"
    assert page.changes == (
        Change(
            title="C1", url="/c1", label="Update", timestamp=dt.datetime(2012, 11, 8, 10, 20, 30)
        ),
        Change(title="C2", url="/c2", label="First"),
    )
    assert page.related == (Related(title="R", url="/r", context=("x", "y z")),)
    assert (page.slug, page.prefix, page.language, page.extra, page.spelling) == (
        "s",
        "/zh",
        "zh",
        ("e1", "e2"),
        None,
    )

    listing = _trusted(
        xday(
            '<entry url="/t"><title>T</title><category>C</category><summary>S</summary>'
            "<context>a</context><context>b</context></entry>"
            '<entry url="/u"><title>U</title></entry>'
            "<extra><line>x</line></extra>",
            ' previous="/p" prefix="/zh" formats="1" language="en"',
        )
    )
    assert isinstance(listing, DayPage)
    assert listing.entries == (
        Entry(title="T", url="/t", category="C", summary="S", context=("a", "b")),
        Entry(title="U", url="/u"),
    )
    assert (listing.date, listing.previous, listing.prefix, listing.formats) == (
        dt.date(2012, 11, 8),
        "/p",
        "/zh",
        True,
    )
    assert (listing.language, listing.extra, listing.spelling) == ("en", ("x",), None)


def test_defaults_of_absent_members() -> None:
    page = _trusted(xev())
    assert page == Event(date=dt.date(2012, 11, 8), title="t")
    assert (page.category, page.body, page.prefix, page.slug, page.language) == (
        None,
        "",
        "",
        None,
        None,
    )
    assert (page.sources, page.cover_image, page.changes, page.related, page.extra) == (
        (),
        None,
        (),
        (),
        (),
    )
    listing = _trusted(xday())
    assert listing == DayPage(date=dt.date(2012, 11, 8))
    assert (listing.formats, listing.previous, listing.prefix, listing.language) == (
        False,
        None,
        "",
        None,
    )
    for flag, value in (("true", True), ("1", True), ("false", False), ("0", False)):
        got = _trusted(xday(attrs=f' formats="{flag}"'))
        assert isinstance(got, DayPage) and got.formats is value


def test_front_page_errors_name_their_line() -> None:
    # Valid against the XSD, refused by the model: the page's line, or the section's.
    no_link = f'<front {NS} version="2">\n<section>\n<label>L</label>\n</section>\n</front>'
    with pytest.raises(ParseError) as info:
        _xml.loads(no_link)
    assert (info.value.msg, info.value.lineno, info.value.colno) == (
        "a front page has at least one section with a link or an entry",
        1,
        1,
    )
    unparsed = (
        f'<front {NS} version="2">\n<section url="/x"><label>L</label></section>\n'
        "<section>\n<label>Unparsed:</label></section>\n</front>"
    )
    with pytest.raises(ParseError) as info:
        _xml.loads(unparsed)
    assert (info.value.msg, info.value.lineno, info.value.colno) == (
        "a section without a link cannot be labelled 'Unparsed:'",
        3,
        1,
    )


def test_from_element_reads_events_only() -> None:
    assert _xml.from_element(_xml.parse_root(xev())) == Event(date=dt.date(2012, 11, 8), title="t")
    with pytest.raises(ParseError) as info:
        _xml.from_element(_xml.parse_root(xday()))
    assert (info.value.msg, info.value.lineno, info.value.colno) == (
        "expected an <event>, not <day>",
        1,
        1,
    )


def test_a_new_threads_parser_drops_comments_and_instructions() -> None:
    # Each thread makes its own parser; one made in a new thread must be configured alike.
    text = xev("<title>a<!--c-->b<?x y?>c</title><body><p>d<!---->e</p></body>")
    got: list[Any] = []
    thread = threading.Thread(target=lambda: got.append(outcome(lambda: _xml.loads(text))))
    thread.start()
    thread.join()
    page = Event(date=dt.date(2012, 11, 8), title="abc", body="de")
    assert got == [("page", Event, page, None)]


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", ("malformed XML: Document is empty, line 1, column 1", 1, 1)),
        (
            "<a/>\n<b/>",
            ("malformed XML: Extra content at the end of the document, line 2, column 1", 2, 1),
        ),
        ("<!DOCTYPE event>" + xev(), ("DTDs and entity declarations are not allowed", 1, 1)),
        (
            '<!DOCTYPE event [<!ENTITY e "x">]>' + xev(),
            ("DTDs and entity declarations are not allowed", 1, 1),
        ),
        (
            xev().replace("2012-11-08", "2012-11-8"),
            (
                "not a valid newsevent document: Element '{urn:x-newsevent:1}event', attribute "
                "'date': '2012-11-8' is not a valid value of the atomic type "
                "'{urn:x-newsevent:1}date'.",
                1,
                1,
            ),
        ),
    ],
)
def test_errors_have_their_place(text: str, error: tuple[str, int, int]) -> None:
    with pytest.raises(ParseError) as info:
        _xml.loads(text)
    assert (info.value.msg, info.value.lineno, info.value.colno) == error


def test_an_element_built_in_memory_gets_line_1() -> None:
    # No source line: the XSD's error says line 0, which is not a line.
    root = _xml.to_element(Event(date=dt.date(2012, 11, 8), title="t"))
    root.set("date", "2012-11-8")
    with pytest.raises(ParseError) as info:
        _xml.from_element(root)
    assert (info.value.lineno, info.value.colno) == (1, 1)
    assert info.value.msg.startswith("not a valid newsevent document: Element ")


def test_a_new_threads_parser_keeps_the_limits() -> None:
    # libxml2's depth limit stands (huge_tree off) in a parser made in a new thread too.
    deep = xev("<title>t</title><body/>" + "<x>" * 300 + "</x>" * 300)
    got: list[Any] = []
    thread = threading.Thread(target=lambda: got.append(outcome(lambda: _xml.loads(deep))))
    thread.start()
    thread.join()
    assert len(got) == 1 and got[0][0] == "error"
    assert got[0][1].startswith("malformed XML: Excessive depth in document: 256")


def test_an_event_is_written_in_the_default_namespace() -> None:
    # No prefix: the writer declares the vocabulary as the default namespace.
    assert _xml.dumps(Event(date=dt.date(2012, 11, 8), title="t")) == (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        '<event xmlns="urn:x-newsevent:1" version="2" date="2012-11-08">\n'
        "  <title>t</title>\n"
        "  <body/>\n"
        "</event>\n"
    )


D = dt.date(2012, 11, 8)
DECL = "<?xml version='1.0' encoding='UTF-8'?>\n"
# Every field of every kind of page, and each kind without its optional fields, with the
# document the writer gives, written out by hand.
WRITTEN: list[tuple[str, Any, str]] = [
    (
        "event, every field",
        Event(
            date=D,
            title="T",
            category="C",
            body="One\n\nTwo",
            sources=(Source(name="N", url="/s", image="/i"), Source(name="M", url="/s2")),
            cover_image="/c",
            changes=(
                Change(
                    title="C1",
                    url="/c1",
                    label="Update",
                    timestamp=dt.datetime(2012, 11, 8, 10, 20, 30),
                ),
                Change(title="C2", url="/c2", label="First"),
            ),
            related=(
                Related(title="R", url="/r", context=("x", "y z")),
                Related(title="Q", url="/q"),
            ),
            slug="s",
            prefix="/zh",
            language="zh",
            extra=("e1", "e2"),
        ),
        '<event xmlns="urn:x-newsevent:1" version="2" date="2012-11-08" language="zh"'
        ' prefix="/zh" slug="s">\n'
        "  <title>T</title>\n"
        "  <category>C</category>\n"
        "  <body>\n"
        "    <p>One</p>\n"
        "    <p>Two</p>\n"
        "  </body>\n"
        "  <sources>\n"
        '    <source url="/s" image="/i">N</source>\n'
        '    <source url="/s2">M</source>\n'
        "  </sources>\n"
        '  <cover-image url="/c"/>\n'
        "  <changes>\n"
        '    <change url="/c1" label="Update" timestamp="2012-11-08T10:20:30">\n'
        "      <title>C1</title>\n"
        "    </change>\n"
        '    <change url="/c2" label="First">\n'
        "      <title>C2</title>\n"
        "    </change>\n"
        "  </changes>\n"
        "  <related>\n"
        '    <item url="/r">\n'
        "      <title>R</title>\n"
        "      <context>x</context>\n"
        "      <context>y z</context>\n"
        "    </item>\n"
        '    <item url="/q">\n'
        "      <title>Q</title>\n"
        "    </item>\n"
        "  </related>\n"
        "  <extra>\n"
        "    <line>e1</line>\n"
        "    <line>e2</line>\n"
        "  </extra>\n"
        "</event>\n",
    ),
    (
        "event, text to escape and beyond ASCII",
        Event(date=D, title="", body="中文 & <b>", language="en"),
        '<event xmlns="urn:x-newsevent:1" version="2" date="2012-11-08" language="en">\n'
        "  <title></title>\n"
        "  <body>\n"
        "    <p>中文 &amp; &lt;b&gt;</p>\n"
        "  </body>\n"
        "</event>\n",
    ),
    (
        "day, every field",
        DayPage(
            date=D,
            entries=(
                Entry(title="T", url="/t", category="C", summary="S", context=("a", "b")),
                Entry(title="U", url="/u"),
            ),
            previous="/p",
            prefix="/zh",
            formats=True,
            language="en",
            extra=("x",),
        ),
        '<day xmlns="urn:x-newsevent:1" version="2" date="2012-11-08" previous="/p"'
        ' prefix="/zh" formats="true" language="en">\n'
        '  <entry url="/t">\n'
        "    <title>T</title>\n"
        "    <category>C</category>\n"
        "    <summary>S</summary>\n"
        "    <context>a</context>\n"
        "    <context>b</context>\n"
        "  </entry>\n"
        '  <entry url="/u">\n'
        "    <title>U</title>\n"
        "  </entry>\n"
        "  <extra>\n"
        "    <line>x</line>\n"
        "  </extra>\n"
        "</day>\n",
    ),
    (
        "day, no field but the date",
        DayPage(date=D),
        '<day xmlns="urn:x-newsevent:1" version="2" date="2012-11-08"/>\n',
    ),
    (
        "front, every field",
        FrontPage(
            sections=(
                FrontSection(label="L", url="/l", entries=(Entry(title="T", url="/t"),), rule=True),
                FrontSection(label="M", entries=(Entry(title="U", url="/u", summary="S"),)),
            ),
            formats=True,
            language="zh",
            extra=("x",),
        ),
        '<front xmlns="urn:x-newsevent:1" version="2" formats="true" language="zh">\n'
        '  <section url="/l" rule="true">\n'
        "    <label>L</label>\n"
        '    <entry url="/t">\n'
        "      <title>T</title>\n"
        "    </entry>\n"
        "  </section>\n"
        "  <section>\n"
        "    <label>M</label>\n"
        '    <entry url="/u">\n'
        "      <title>U</title>\n"
        "      <summary>S</summary>\n"
        "    </entry>\n"
        "  </section>\n"
        "  <extra>\n"
        "    <line>x</line>\n"
        "  </extra>\n"
        "</front>\n",
    ),
    (
        "front, one linked section",
        FrontPage(sections=(FrontSection(label="L", url="/l"),)),
        '<front xmlns="urn:x-newsevent:1" version="2">\n'
        '  <section url="/l">\n'
        "    <label>L</label>\n"
        "  </section>\n"
        "</front>\n",
    ),
    (
        "editorial, every field",
        Editorial(
            title="T",
            author="A",
            body="One\n\nTwo",
            date=D,
            slug="s",
            prefix="/zh",
            language="en",
            extra=("x",),
        ),
        '<editorial xmlns="urn:x-newsevent:1" version="2" date="2012-11-08" slug="s"'
        ' prefix="/zh" language="en">\n'
        "  <title>T</title>\n"
        "  <author>A</author>\n"
        "  <body>\n"
        "    <p>One</p>\n"
        "    <p>Two</p>\n"
        "  </body>\n"
        "  <extra>\n"
        "    <line>x</line>\n"
        "  </extra>\n"
        "</editorial>\n",
    ),
    (
        "editorial, title and author",
        Editorial(title="T", author="A"),
        '<editorial xmlns="urn:x-newsevent:1" version="2">\n'
        "  <title>T</title>\n"
        "  <author>A</author>\n"
        "  <body/>\n"
        "</editorial>\n",
    ),
]


@pytest.mark.parametrize(("page", "text"), [w[1:] for w in WRITTEN], ids=[w[0] for w in WRITTEN])
def test_pages_are_written_exactly(page: Any, text: str) -> None:
    written = _xml.dumps(page)
    assert written == DECL + text
    assert _xml.schema().validate(_xml.parse_root(written))
    back = _xml.loads(written)
    assert (type(back), back, back.language) == (type(page), page, page.language)
    slow = _xml.page_from_element(_xml.parse_root(written), fast=False)
    assert (slow, slow.language) == (page, page.language)


@pytest.mark.parametrize("thing", [None, "page", 3])
def test_the_writer_refuses_what_is_not_a_page(thing: Any) -> None:
    with pytest.raises(TypeError) as info:
        _xml.page_element(thing)
    assert str(info.value) == f"expected a page, not {type(thing).__name__}"


def test_a_model_error_in_an_element_built_in_memory_is_at_line_1() -> None:
    # Valid against the XSD, refused by the model; the element has no source line.
    root = _xml.page_element(FrontPage(sections=(FrontSection(label="L", url="/x"),)))
    del root[0].attrib["url"]
    assert root.sourceline is None
    with pytest.raises(ParseError) as info:
        _xml.page_from_element(root)
    assert (info.value.msg, info.value.lineno, info.value.colno) == (
        "a front page has at least one section with a link or an entry",
        1,
        1,
    )


def test_an_editorial_body_the_model_refuses_names_the_root_line() -> None:
    # The XSD allows a paragraph starting with "#"; the model does not (a heading).
    text = (
        f'<editorial {NS} version="2">\n<title>T</title><author>A</author>\n'
        "<body><p># x</p></body></editorial>"
    )
    expected = ("error", "editorial body line '# x' must not start with '#' (a heading)", 1, 1)
    assert outcome(lambda: _xml.loads(text))[:4] == expected


def _read_in_a_new_thread(text: str) -> list[Any]:
    # _parser runs once per thread: a new thread makes a parser with the options as they are.
    got: list[Any] = []
    thread = threading.Thread(target=lambda: got.append(outcome(lambda: _xml.loads(text))))
    thread.start()
    thread.join()
    return got


REFUSED_DTD = ("error", "DTDs and entity declarations are not allowed", 1, 1, None)


def test_a_dtd_in_a_file_the_document_names_is_not_read(tmp_path: Path) -> None:
    # Read, this DTD would be a syntax error (an entity declaration never closed).
    dtd = tmp_path / "event.dtd"
    dtd.write_text('<!ENTITY e "x"', encoding="utf-8")
    text = f'<!DOCTYPE event SYSTEM "{dtd.as_uri()}">' + xev("<title>&e;</title><body/>")
    assert _read_in_a_new_thread(text) == [REFUSED_DTD]


def test_a_dtd_on_the_network_the_document_names_is_not_fetched() -> None:
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            body = b'<!ENTITY e "x">'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    serving = threading.Thread(target=server.serve_forever)
    serving.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/event.dtd"
        text = f'<!DOCTYPE event SYSTEM "{url}">' + xev("<title>&e;</title><body/>")
        got = _read_in_a_new_thread(text)
    finally:
        server.shutdown()
        serving.join()
        server.server_close()
    assert got == [REFUSED_DTD]
    assert requests == []


def test_an_error_without_a_position_is_at_line_1(monkeypatch: pytest.MonkeyPatch) -> None:
    # libxml2 reports some errors (a failed allocation: "unknown error") at line 0 and
    # column 0; the reader places them at the document's start instead.
    def fail(data: bytes, parser: Any) -> Any:
        raise etree.XMLSyntaxError("unknown error", 2, 0, 0)

    monkeypatch.setattr(_xml.etree, "fromstring", fail)
    with pytest.raises(ParseError) as info:
        _xml.parse_root(b"<a/>")
    assert (info.value.msg, info.value.lineno, info.value.colno) == (
        "malformed XML: unknown error",
        1,
        1,
    )


# The XSD refuses every value the model refuses in a day page, an entry, a source or a
# related event; their builders still turn a model error into a ParseError at the element's
# line. Called here on documents the XSD would refuse.


def test_a_day_page_the_model_refuses_is_an_error_at_its_line() -> None:
    root = _xml.parse_root(f'<?xml version="1.0"?>\n<day {NS} version="2" date="2013-02-29"/>')
    with pytest.raises(ParseError) as info:
        _xml._day_from(root)
    assert (info.value.msg, info.value.lineno, info.value.colno) == (
        "day is out of range for month",
        2,
        1,
    )


@pytest.mark.parametrize(
    ("inner", "error"),
    [
        ('\n\n<entry url="u"><title>t </title></entry>', ("title", "'t '", 3)),
        (
            '\n<entry url="u"><title>t</title></entry>\n<entry url="u"><title> t</title></entry>',
            ("title", "' t'", 3),
        ),
    ],
)
def test_an_entry_the_model_refuses_is_an_error_at_its_line(
    inner: str, error: tuple[str, str, int]
) -> None:
    root = _xml.parse_root(xday(inner))
    with pytest.raises(ParseError) as info:
        _xml._day_from(root)
    what, value, line = error
    assert (info.value.msg, info.value.lineno, info.value.colno) == (
        f"{what} must not start or end with blanks: {value}",
        line,
        1,
    )


@pytest.mark.parametrize(
    ("inner", "error"),
    [
        (
            '\n<sources>\n<source url="u">n</source>\n<source url="u">n </source></sources>',
            ("name must not start or end with blanks: 'n '", 4),
        ),
        (
            '\n<related>\n<item url="u"><title> t</title></item></related>',
            ("title must not start or end with blanks: ' t'", 3),
        ),
    ],
)
def test_a_source_or_related_event_the_model_refuses_is_an_error_at_its_line(
    inner: str, error: tuple[str, int]
) -> None:
    root = _xml.parse_root(head(inner))
    with pytest.raises(ParseError) as info:
        _xml._event_from(root)
    assert (info.value.msg, info.value.lineno, info.value.colno) == (*error, 1)


@pytest.mark.parametrize(
    ("inner", "error"),
    [
        # An entry's own error stands at the entry's line, not wrapped at its section's.
        (
            '\n<section url="/a.md">\n<label>L</label>\n<entry url="u"><title>t </title></entry>'
            "</section>",
            ("title must not start or end with blanks: 't '", 4),
        ),
        # A section the model refuses is an error at the section's line.
        ('\n\n<section url="/a.md"><label> L</label></section>', ("label must not start "
         "or end with blanks: ' L'", 3)),
    ],
)  # fmt: skip
def test_a_front_section_or_its_entry_the_model_refuses_is_an_error_at_its_line(
    inner: str, error: tuple[str, int]
) -> None:
    root = _xml.parse_root(f'<front {NS} version="2">{inner}</front>')
    with pytest.raises(ParseError) as info:
        _xml._front_from(root)
    msg, line = error
    assert (info.value.msg, info.value.lineno, info.value.colno) == (msg, line, 1)


def test_xml_text_with_a_lone_surrogate_is_refused_where_it_stands() -> None:
    # lxml takes UTF-8 bytes: a str is encoded first, and a lone surrogate cannot be.
    text = xev("<title>a\n b\udc80</title><body/>")
    got = outcome(lambda: _xml.loads(text))
    msg = "input holds U+DC80, a lone surrogate, which UTF-8 cannot encode"
    assert got == ("error", msg, 2, 3, None)


def test_xml_bytes_follow_their_declared_encoding() -> None:
    doc = "<?xml version='1.0' encoding='ISO-8859-1'?>\n" + xev("<title>Här</title><body/>")
    page = _xml.loads(doc.encode("latin-1"))
    assert page == Event(date=dt.date(2012, 11, 8), title="Här", body="")
    bad = doc.replace("ISO-8859-1", "UTF-8").encode("latin-1")  # "ä" alone is no UTF-8
    col = bad.split(b"\n")[1].index(b"\xe4") + 1
    msg = f"malformed XML: Invalid bytes in character encoding, line 2, column {col}"
    assert outcome(lambda: _xml.loads(bad)) == ("error", msg, 2, col, None)
