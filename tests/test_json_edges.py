"""The JSON reader's trusted path, value by value: what it takes, what it leaves to the
validating path, and that both give the same page or the same error.

Each case says by hand whether the trusted builders take the document and whether the
model's rules allow it; the test checks both against the validating converter
(``from_dict(doc, fast=False)``) and the validating constructors (``attrs.evolve``).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest

from newsevent import ParseError, _json
from newsevent._model import DayPage, Entry, Event, FrontPage, FrontSection, Source
from tests.test_trusted import outcome, revalidated


def ev(**fields: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {"format": "newsevent.event", "version": 2}
    doc.update(date="2012-11-08", title="t")
    doc.update(fields)
    return {k: v for k, v in doc.items() if v is not _DROP}


def day(**fields: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {"format": "newsevent.day", "version": 2, "date": "2012-11-08"}
    doc.update(fields)
    return {k: v for k, v in doc.items() if v is not _DROP}


def front(**fields: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {"format": "newsevent.front", "version": 2}
    doc.update(sections=[{"label": "L", "url": "/x"}])
    doc.update(fields)
    return {k: v for k, v in doc.items() if v is not _DROP}


_DROP = object()
SRC = {"name": "n", "url": "u"}
REL = {"title": "t", "url": "u"}
CHG = {"title": "t", "url": "u", "label": "l"}
ENT = {"title": "t", "url": "u"}
NBSP, TAB = "\u00a0", "\t"

# (name, document, the trusted path takes it, the rules allow it)
CASES: list[tuple[str, Any, bool, bool]] = [
    ("minimal event", ev(), True, True),
    ("version 1", ev(version=1), True, True),
    ("version 3", ev(version=3), False, False),
    ("version true", ev(version=True), False, False),
    ("version string", ev(version="2"), False, False),
    ("format missing", ev(format=_DROP), False, False),
    ("format not a string", ev(format=["newsevent.event"]), False, False),
    (
        "editorial: no trusted builder",
        {"format": "newsevent.editorial", "version": 2, "title": "t", "author": "a"},
        False,
        True,
    ),
    ("unknown key", ev(zzz=1), False, False),
    ("date missing", ev(date=_DROP), False, False),
    ("date short", ev(date="2012-1-1"), False, False),
    ("date impossible", ev(date="2012-02-30"), False, False),
    ("date number", ev(date=20121108), False, False),
    ("date of a week", ev(date="2012-W45-4"), False, False),
    ("title missing", ev(title=_DROP), False, False),
    ("title number", ev(title=5), False, False),
    ("title empty", ev(title=""), True, True),
    ("title blank first", ev(title=" t"), False, False),
    ("title blank last", ev(title="tt "), False, False),
    ("title two lines", ev(title="a\nb"), False, False),
    ("title tab inside", ev(title=f"a{TAB}b"), True, True),
    ("title no-break space", ev(title=NBSP), True, True),
    ("category", ev(category="c"), True, True),
    ("category blank first", ev(category=" c"), False, False),
    ("category no-break space", ev(category=f"{NBSP}c"), True, True),
    ("body number", ev(body=5), False, False),
    ("body paragraphs", ev(body="a\nb\n\nc"), True, True),
    ("body two blank lines", ev(body="a\n\n\nb"), False, False),
    ("body blank first", ev(body=" a"), False, False),
    ("body blank last", ev(body="ab "), False, False),
    ("body no-break space", ev(body=f"a{NBSP}b"), True, True),
    ("body tab", ev(body=f"a{TAB}b"), True, True),
    ("slug", ev(slug="s"), True, True),
    ("slug null", ev(slug=None), True, True),
    ("slug number", ev(slug=5), False, False),
    ("slug two segments", ev(slug="a/b"), False, False),
    ("prefix", ev(prefix="/zh"), True, True),
    ("prefix without slash", ev(prefix="zh"), False, False),
    ("prefix number", ev(prefix=5), False, False),
    ("language en", ev(language="en"), True, True),
    ("language zh", ev(language="zh"), True, True),
    ("language fr", ev(language="fr"), False, False),
    ("language number", ev(language=5), False, False),
    ("extra", ev(extra=["x", f"{TAB}y"]), True, True),
    ("extra blank", ev(extra=[" "]), False, False),
    ("extra empty", ev(extra=[""]), False, False),
    ("extra number", ev(extra=[5]), False, False),
    ("extra string", ev(extra="x"), False, False),
    ("cover image", ev(cover_image="c"), True, True),
    ("cover image with a blank", ev(cover_image="a b"), False, False),
    ("cover image empty", ev(cover_image=""), False, False),
    # sources
    ("source", ev(sources=[SRC]), True, True),
    ("sources string", ev(sources="x"), False, False),
    ("source not an object", ev(sources=["x"]), False, False),
    ("source unknown key", ev(sources=[{**SRC, "zzz": 1}]), False, False),
    ("source with image", ev(sources=[{**SRC, "image": "i"}]), True, True),
    ("source image empty", ev(sources=[{**SRC, "image": ""}]), False, False),
    ("source name missing", ev(sources=[{"url": "u"}]), False, False),
    ("source url missing", ev(sources=[{"name": "n"}]), False, False),
    ("source url empty", ev(sources=[{**SRC, "url": ""}]), False, False),
    ("source url blank", ev(sources=[{**SRC, "url": "a b"}]), False, False),
    ("source url number", ev(sources=[{**SRC, "url": 5}]), False, False),
    ("source url no-break space", ev(sources=[{**SRC, "url": f"a{NBSP}b"}]), True, True),
    ("cover image source", ev(sources=[{**SRC, "name": "Cover Image"}]), False, False),
    (
        "cover image source with image",
        ev(sources=[{**SRC, "name": "Cover Image", "image": "i"}]),
        True,
        True,
    ),
    # related
    ("related", ev(related=[REL]), True, True),
    ("related tags", ev(related=[{**REL, "context": ["a", "b"]}]), True, True),
    ("related no tags", ev(related=[{**REL, "context": []}]), True, True),
    ("related not an object", ev(related=[["t", "u"]]), False, False),
    ("related unknown key", ev(related=[{**REL, "zzz": 1}]), False, False),
    ("related title number", ev(related=[{**REL, "title": 5}]), False, False),
    ("related title missing", ev(related=[{"url": "u"}]), False, False),
    ("related url number", ev(related=[{**REL, "url": 5}]), False, False),
    ("related tags string", ev(related=[{**REL, "context": "a"}]), False, False),
    ("related title blank first", ev(related=[{**REL, "title": " t"}]), False, False),
    ("related title blank last", ev(related=[{**REL, "title": "tt "}]), False, False),
    ("related title empty", ev(related=[{**REL, "title": ""}]), True, True),
    ("related title tab", ev(related=[{**REL, "title": f"a{TAB}b"}]), True, True),
    ("related title two lines", ev(related=[{**REL, "title": "a\nb"}]), False, False),
    ("related url empty", ev(related=[{**REL, "url": ""}]), False, False),
    ("related url blank", ev(related=[{**REL, "url": "a b"}]), False, False),
    ("related url control", ev(related=[{**REL, "url": "a\x7fb"}]), False, False),
    ("related url no-break space", ev(related=[{**REL, "url": f"a{NBSP}"}]), True, True),
    ("related tag holding a separator", ev(related=[{**REL, "context": ["a, b"]}]), False, False),
    ("related tag empty", ev(related=[{**REL, "context": [""]}]), False, False),
    ("related tags empty first", ev(related=[{**REL, "context": ["", "a"]}]), False, False),
    ("related tags empty last", ev(related=[{**REL, "context": ["a", ""]}]), False, False),
    ("related tag blank first", ev(related=[{**REL, "context": [" a"]}]), False, False),
    ("related tag blank last", ev(related=[{**REL, "context": ["a "]}]), False, False),
    (
        "related tags blank before a separator",
        ev(related=[{**REL, "context": ["a ", "b"]}]),
        False,
        False,
    ),
    (
        "related tags blank after a separator",
        ev(related=[{**REL, "context": ["a", " b"]}]),
        False,
        False,
    ),
    ("related tag two lines", ev(related=[{**REL, "context": ["a\nb"]}]), False, False),
    ("related tag tab inside", ev(related=[{**REL, "context": [f"a{TAB}b"]}]), True, True),
    ("related tag no-break space", ev(related=[{**REL, "context": [NBSP, "b"]}]), True, True),
    ("related tag comma", ev(related=[{**REL, "context": ["a ,b", ",c"]}]), True, True),
    ("related tag number", ev(related=[{**REL, "context": [5]}]), False, False),
    # changes
    ("change", ev(changes=[CHG]), True, True),
    ("change timestamp", ev(changes=[{**CHG, "timestamp": "2012-01-01T10:00:05"}]), True, True),
    ("change timestamp null", ev(changes=[{**CHG, "timestamp": None}]), True, True),
    (
        "change timestamp hour 25",
        ev(changes=[{**CHG, "timestamp": "2012-01-01T25:00:00"}]),
        False,
        False,
    ),
    (
        "change timestamp blank",
        ev(changes=[{**CHG, "timestamp": "2012-01-01 10:00:00"}]),
        False,
        False,
    ),
    ("change timestamp number", ev(changes=[{**CHG, "timestamp": 5}]), False, False),
    (
        "change timestamp of a week",
        ev(changes=[{**CHG, "timestamp": "2012-W45-4T10:00:00"}]),
        False,
        False,
    ),
    ("change not an object", ev(changes=[5]), False, False),
    ("change unknown key", ev(changes=[{**CHG, "zzz": 1}]), False, False),
    ("change label missing", ev(changes=[{"title": "t", "url": "u"}]), False, False),
    ("change label number", ev(changes=[{**CHG, "label": 5}]), False, False),
    ("change label empty", ev(changes=[{**CHG, "label": ""}]), False, False),
    ("change label parentheses", ev(changes=[{**CHG, "label": "a(b)"}]), False, False),
    ("change label blank first", ev(changes=[{**CHG, "label": " l"}]), False, False),
    ("change title blank", ev(changes=[{**CHG, "title": " t"}]), False, False),
    ("change url blank", ev(changes=[{**CHG, "url": "a b"}]), False, False),
    # day pages
    ("minimal day", day(), True, True),
    ("day unknown key", day(zzz=1), False, False),
    ("day date missing", day(date=_DROP), False, False),
    ("entry", day(entries=[ENT]), True, True),
    ("entries string", day(entries="x"), False, False),
    ("entry not an object", day(entries=[5]), False, False),
    ("entry unknown key", day(entries=[{**ENT, "zzz": 1}]), False, False),
    ("entry summary", day(entries=[{**ENT, "summary": f"s{TAB}s"}]), True, True),
    ("entry summary empty", day(entries=[{**ENT, "summary": ""}]), False, False),
    ("entry summary blank", day(entries=[{**ENT, "summary": " s"}]), False, False),
    ("entry summary number", day(entries=[{**ENT, "summary": 5}]), False, False),
    ("entry category", day(entries=[{**ENT, "category": "c"}]), True, True),
    ("entry category blank", day(entries=[{**ENT, "category": "c "}]), False, False),
    ("entry title blank", day(entries=[{**ENT, "title": " t"}]), False, False),
    ("entry url blank", day(entries=[{**ENT, "url": "a b"}]), False, False),
    ("entry tags", day(entries=[{**ENT, "context": ["a", f"b{NBSP}c"]}]), True, True),
    ("entry tags string", day(entries=[{**ENT, "context": "a"}]), False, False),
    ("entry tag holding a separator", day(entries=[{**ENT, "context": ["a, b"]}]), False, False),
    ("entry tag empty", day(entries=[{**ENT, "context": [""]}]), False, False),
    ("entry tags empty first", day(entries=[{**ENT, "context": ["", "a"]}]), False, False),
    ("entry tag blank", day(entries=[{**ENT, "context": ["a", " b"]}]), False, False),
    ("entry tag number", day(entries=[{**ENT, "context": [5]}]), False, False),
    ("previous", day(previous="/p"), True, True),
    ("previous blank", day(previous="a b"), False, False),
    ("formats", day(formats=True), True, True),
    ("formats number", day(formats=1), False, False),
    ("formats string", day(formats="false"), False, False),
    ("day prefix", day(prefix="/zh"), True, True),
    ("day prefix bad", day(prefix="zh"), False, False),
    ("day language", day(language="zh"), True, True),
    ("day language bad", day(language="de"), False, False),
    ("day extra", day(extra=["x"]), True, True),
    ("day extra blank", day(extra=[" "]), False, False),
    # front pages
    ("minimal front", front(), True, True),
    ("front unknown key", front(zzz=1), False, False),
    ("front without sections", front(sections=_DROP), False, False),
    ("front sections string", front(sections="x"), False, False),
    ("section not an object", front(sections=[5]), False, False),
    ("section unknown key", front(sections=[{"label": "L", "url": "/x", "zzz": 1}]), False, False),
    ("section label missing", front(sections=[{"url": "/x"}]), False, False),
    ("section label number", front(sections=[{"label": 5, "url": "/x"}]), False, False),
    ("section label empty", front(sections=[{"label": "", "url": "/x"}]), False, False),
    ("section label blank", front(sections=[{"label": " L", "url": "/x"}]), False, False),
    ("section label tab", front(sections=[{"label": f"a{TAB}b", "url": "/x"}]), True, True),
    ("section url blank", front(sections=[{"label": "L", "url": "a b"}]), False, False),
    (
        "section Unparsed without a link",
        front(sections=[{"label": "L", "url": "/x"}, {"label": "Unparsed:", "entries": [ENT]}]),
        False,
        False,
    ),
    (
        "section Unparsed with a link",
        front(sections=[{"label": "Unparsed:", "url": "/u"}]),
        True,
        True,
    ),
    ("section entries", front(sections=[{"label": "L", "entries": [ENT]}]), True, True),
    (
        "section entry blank title",
        front(sections=[{"label": "L", "entries": [{**ENT, "title": " t"}]}]),
        False,
        False,
    ),
    ("section rule", front(sections=[{"label": "L", "url": "/x", "rule": True}]), True, True),
    ("section rule number", front(sections=[{"label": "L", "url": "/x", "rule": 1}]), False, False),
    ("front: no section with a link or an entry", front(sections=[{"label": "L"}]), False, False),
    (
        "front: a day heading first without a rule",
        front(sections=[{"label": "2012-11-8", "url": "/news/2012/11/8/index.md"}]),
        False,
        False,
    ),
    ("front formats", front(formats=True), True, True),
    ("front formats number", front(formats=0), False, False),
    ("front language", front(language="en"), True, True),
    ("front language bad", front(language="EN"), False, False),
    ("front extra", front(extra=["x"]), True, True),
    ("front extra blank", front(extra=[f"{TAB}"]), False, False),
    # not a document
    ("an array", [ev()], False, False),
]


@pytest.mark.parametrize(
    ("doc", "taken", "valid"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_trusted_path_takes_exactly_what_it_should(doc: Any, taken: bool, valid: bool) -> None:
    built = _json._trusted(copy.deepcopy(doc))
    try:
        slow: Any = _json.from_dict(copy.deepcopy(doc), fast=False)
    except ParseError:
        slow = None
    assert (built is not None, slow is not None) == (taken, valid)
    if built is not None:
        assert (built, built.language) == (slow, slow.language)
        assert revalidated(built) == built
    text = json.dumps(doc)
    expected = outcome(lambda: _json.from_dict(json.loads(text), fast=False))
    assert outcome(lambda: _json.from_dict(json.loads(text))) == expected
    assert outcome(lambda: _json.loads(text)) == expected


def test_built_values_are_exact() -> None:
    # Written out by hand, not read back from the code under test.
    doc = ev(
        date="2012-11-08",
        title="Title",
        category="Cat",
        body="One\n\nTwo",
        sources=[{"name": "N", "url": "/s", "image": "/i"}],
        cover_image="/c",
        related=[{"title": "R", "url": "/r", "context": ["x", "y z"]}],
        changes=[
            {"title": "C", "url": "/c1", "label": "Update", "timestamp": "2012-11-08T10:20:30"}
        ],
        slug="s",
        prefix="/zh",
        language="zh",
        extra=["e1", "e2"],
    )
    page = _json._trusted(doc)
    assert isinstance(page, Event)
    assert (page.date, page.title, page.category, page.body) == (
        dt.date(2012, 11, 8),
        "Title",
        "Cat",
        "One\n\nTwo",
    )
    assert page.sources == (Source(name="N", url="/s", image="/i"),)
    assert page.cover_image == "/c"
    assert [(r.title, r.url, r.context) for r in page.related] == [("R", "/r", ("x", "y z"))]
    assert [(c.title, c.url, c.label, c.timestamp) for c in page.changes] == [
        ("C", "/c1", "Update", dt.datetime(2012, 11, 8, 10, 20, 30))
    ]
    assert (page.slug, page.prefix, page.language, page.extra, page.spelling) == (
        "s",
        "/zh",
        "zh",
        ("e1", "e2"),
        None,
    )

    listing = _json._trusted(
        day(
            entries=[
                {"title": "T", "url": "/t", "category": "C", "summary": "S", "context": ["a", "b"]}
            ],
            previous="/p",
            prefix="/zh",
            formats=True,
            language="en",
            extra=["x"],
        )
    )
    assert isinstance(listing, DayPage)
    assert listing.entries == (
        Entry(title="T", url="/t", category="C", summary="S", context=("a", "b")),
    )
    assert (listing.date, listing.previous, listing.prefix, listing.formats) == (
        dt.date(2012, 11, 8),
        "/p",
        "/zh",
        True,
    )
    assert (listing.language, listing.extra, listing.spelling) == ("en", ("x",), None)

    page_ = _json._trusted(
        front(
            sections=[
                {"label": "A", "url": "/a", "rule": True},
                {"label": "B", "entries": [{"title": "T", "url": "/t"}]},
            ],
            formats=True,
            language="zh",
            extra=["x"],
        )
    )
    assert isinstance(page_, FrontPage)
    assert page_.sections == (
        FrontSection(label="A", url="/a", rule=True),
        FrontSection(label="B", entries=(Entry(title="T", url="/t"),)),
    )
    assert (page_.formats, page_.language, page_.extra) == (True, "zh", ("x",))


def test_defaults_of_absent_members() -> None:
    page = _json._trusted(ev())
    assert page == Event(date=dt.date(2012, 11, 8), title="t")
    assert (page.body, page.prefix, page.sources, page.extra, page.language) == (
        "",
        "",
        (),
        (),
        None,
    )
    listing = _json._trusted(day())
    assert listing == DayPage(date=dt.date(2012, 11, 8))
    assert (listing.formats, listing.entries, listing.prefix) == (False, (), "")
    entry = _json._trusted(day(entries=[ENT]))
    assert isinstance(entry, DayPage) and entry.entries[0].context == ()
    section = _json._trusted(front())
    assert isinstance(section, FrontPage)
    assert section.sections == (FrontSection(label="L", url="/x"),)
    assert section.sections[0].rule is False and section.formats is False


@pytest.mark.parametrize(
    ("doc", "field", "kind"),
    [
        (day(formats="false"), "$.formats", "str"),
        (day(formats=1), "$.formats", "int"),
        (front(formats=0), "$.formats", "int"),
        (
            front(sections=[{"label": "L", "url": "/x", "rule": "true"}]),
            "$.sections[0].rule",
            "str",
        ),
    ],
)
def test_flags_must_be_booleans(doc: dict[str, Any], field: str, kind: str) -> None:
    # The schema says boolean; bool() would read "false" as True.
    with pytest.raises(ParseError) as info:
        _json.loads(json.dumps(doc))
    assert (info.value.msg, info.value.field) == (
        f"invalid document: expected true or false, not {kind}",
        field,
    )


@pytest.mark.parametrize(
    ("doc", "message", "field"),
    [
        (
            ev(date="2012-W45-4"),
            "invalid document: expected an ISO date 'YYYY-MM-DD', not '2012-W45-4'",
            "$.date",
        ),
        (
            ev(changes=[{**CHG, "timestamp": "2012-W45-4T10:00:00"}]),
            "invalid document: expected 'YYYY-MM-DDTHH:MM:SS', not '2012-W45-4T10:00:00'",
            "$.changes[0].timestamp",
        ),
    ],
)
def test_week_dates_are_not_dates(doc: dict[str, Any], message: str, field: str) -> None:
    # Python 3.11's fromisoformat reads "2012-W45-4" as 2012-11-08; the schema does not.
    with pytest.raises(ParseError) as info:
        _json.loads(json.dumps(doc))
    assert (info.value.msg, info.value.field) == (message, field)


def test_without_the_fast_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    # The standard library writes and reads alone when orjson is not installed.
    monkeypatch.setattr(_json, "_orjson", None)
    page = Event(date=dt.date(2012, 1, 1), title="中文", extra=("x",))
    compact = (
        '{"format":"newsevent.event","version":2,"date":"2012-01-01","title":"中文",'
        '"category":null,"body":"","sources":[],"cover_image":null,"related":[],"changes":[],'
        '"slug":null,"prefix":"","language":null,"extra":["x"]}'
    )
    assert _json.dumps(page) == compact
    pretty = _json.dumps(page, indent=1)
    assert pretty.startswith('{\n "format": "newsevent.event",\n "version": 2,\n "date": ')
    assert '"title": "中文",\n' in pretty and pretty.endswith('"extra": [\n  "x"\n ]\n}')
    assert _json.loads(compact) == page
    assert _json.loads(compact.encode("utf-8")) == page
    with pytest.raises(ParseError) as info:
        _json.loads(compact.replace('"title":"中文"', '"title":" x"'))
    assert (info.value.msg, info.value.field) == (
        "invalid document: title must not start or end with blanks: ' x'",
        "$.title",
    )


@pytest.mark.parametrize(
    ("exc", "type_", "message"),
    [
        (ValueError("title must not be empty"), str, "title must not be empty"),
        (TypeError("expected a string, not int"), str, "expected a string, not int"),
        # Without words, or of another type: cattrs' words, which name the expected type.
        (ValueError(), str, "invalid value for type, expected str"),
        (TypeError(), int, "invalid value for type, expected int"),
        (ParseError("x"), str, "invalid value for type, expected str"),
        (KeyError("title"), str, "required field missing"),
    ],
)
def test_errors_are_described_in_the_models_words_or_in_cattrs(
    exc: BaseException, type_: Any, message: str
) -> None:
    # No document is known to make cattrs report an error without words: the helper itself.
    assert _json._describe(exc, type_) == message


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"date": "2012-11-08"}, ("invalid document: required field missing", "$.title")),
        (
            {"date": "2012-11-08", "title": "t", "x": 1},
            ("invalid document: extra fields found (x)", "$"),
        ),
        # The description holds " @ " itself: the path is after the last one. cattrs
        # names the object whose validator raised; the field is the word the message
        # starts with, when the object has such a field.
        (
            {"date": "2012-11-08", "title": "a @ b "},
            ("invalid document: title must not start or end with blanks: 'a @ b '", "$.title"),
        ),
        (
            {"date": "2012-11-08", "title": "a\x01"},
            ("invalid document: title: character U+0001 at offset 1 cannot be stored", "$.title"),
        ),
        (
            {"date": "2012-11-08", "title": "t", "sources": [{"name": "Cover Image", "url": "/c"}]},
            ("invalid document: a source named 'Cover Image' must be given as cover_image", "$"),
        ),
        (
            {
                "date": "2012-11-08",
                "title": "t",
                "related": [{"title": "r", "url": "/r", "context": ["a, b"]}],
            },
            (
                "invalid document: context tag 'a, b' must not contain ', ' (the tag separator)",
                "$.related[0].context",
            ),
        ),
    ],
)
def test_the_first_error_cattrs_reports_names_its_path(
    body: dict[str, Any], error: tuple[str, str]
) -> None:
    doc = {"format": "newsevent.event", "version": 2, **body}
    with pytest.raises(ParseError) as info:
        _json.from_dict(doc, fast=False)
    assert (info.value.msg, info.value.field) == error
