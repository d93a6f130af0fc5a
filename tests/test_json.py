"""The JSON document: shape, key order, errors with a path to the bad field."""

from __future__ import annotations

import datetime as dt
import json

import pytest

import newsevent
from newsevent import ParseError
from newsevent import json as nejson


@pytest.fixture
def doc() -> dict[str, object]:
    return nejson.to_dict(newsevent.parse(newsevent.example()))


def test_shape_and_key_order(doc: dict[str, object]) -> None:
    assert list(doc)[:4] == ["format", "version", "date", "title"]
    assert doc["format"] == "newsevent.event" and doc["version"] == 2
    assert doc["date"] == "2024-03-05"
    text = nejson.dumps(newsevent.parse(newsevent.example()))
    assert "\n" not in text and ", " not in text.split('"body"')[0]
    pretty = nejson.dumps(newsevent.parse(newsevent.example()), indent=2)
    assert json.loads(pretty) == json.loads(text) == doc


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda d: d.update(date="2012-13-01"), "$.date"),
        (lambda d: d.update(date=20121301), "$.date"),
        (lambda d: d["sources"][0].update(url=5), "$.sources[0].url"),
        (lambda d: d["sources"][0].update(url="a b"), "$.sources[0]"),
        (lambda d: d.update(format="other"), "$.format"),
        (lambda d: d.update(version=3), "$.version"),
        (lambda d: d.update(version="2"), "$.version"),
        (lambda d: d.update(version=True), "$.version"),
        (lambda d: d.update(unknown=1), "$"),
        (lambda d: d.pop("title"), "$.title"),
        (lambda d: d["related"][1].update(context="Transport"), "$.related[1].context"),
    ],
)
def test_schema_breaks_name_the_field(doc: dict[str, object], mutate, field: str) -> None:  # type: ignore[no-untyped-def]
    mutate(doc)
    with pytest.raises(ParseError) as info:
        nejson.loads(json.dumps(doc))
    assert info.value.field is not None and info.value.field.startswith(field)
    assert field in str(info.value)


def test_syntax_error_has_line_and_column() -> None:
    with pytest.raises(ParseError) as info:
        nejson.loads('{\n  "format": "newsevent.event",\n  "version": 1,,\n}')
    assert (info.value.lineno, info.value.colno) == (3, 16)


def test_parse_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        newsevent.loads("[1, 2]", "json")


@pytest.mark.parametrize(
    ("mutate", "message", "field"),
    [
        (
            lambda d: d.update(sources="x"),
            "invalid document: expected an array, not str",
            "$.sources",
        ),
        (
            lambda d: d.update(date="2012-1-1"),
            "invalid document: expected an ISO date 'YYYY-MM-DD', not '2012-1-1'",
            "$.date",
        ),
        (
            lambda d: d.update(date=5),
            "invalid document: expected an ISO date 'YYYY-MM-DD', not 5",
            "$.date",
        ),
        (
            lambda d: d.update(
                changes=[
                    {"title": "t", "url": "u", "label": "l", "timestamp": "2012-01-01 10:00:00"}
                ]
            ),
            "invalid document: expected 'YYYY-MM-DDTHH:MM:SS', not '2012-01-01 10:00:00'",
            "$.changes[0].timestamp",
        ),
        (lambda d: d.update(title=5), "invalid document: expected a string, not int", "$.title"),
        (
            lambda d: d.update(title=" x"),
            "invalid document: title must not start or end with blanks: ' x'",
            "$.title",
        ),
        (
            lambda d: d.pop("format"),
            "'format' must be one of newsevent.event, newsevent.day, newsevent.front, "
            "newsevent.editorial",
            "$.format",
        ),
        (lambda d: d.update(version=3), "unsupported 'version' 3", "$.version"),
        (lambda d: d.update(zzz=1), "invalid document: extra fields found (zzz)", "$"),
        (
            lambda d: d["related"][0].update(context="abc"),
            "invalid document: expected an array, not str",
            "$.related[0].context",
        ),
    ],
)
def test_errors_say_what_was_expected(
    doc: dict[str, object], mutate, message: str, field: str
) -> None:  # type: ignore[no-untyped-def]
    mutate(doc)
    with pytest.raises(ParseError) as info:
        nejson.loads(json.dumps(doc))
    assert (info.value.msg, info.value.field) == (message, field)


def test_items_are_read_in_order_and_timestamps_to_the_second(doc: dict[str, object]) -> None:
    doc["changes"] = [
        {"title": "a", "url": "/a", "label": "x", "timestamp": "2012-01-01T10:00:05"},
        {"title": "b", "url": "/b", "label": "y", "timestamp": None},
    ]
    ev = nejson.loads(json.dumps(doc))
    assert isinstance(ev, newsevent.Event)
    assert [(c.title, c.timestamp) for c in ev.changes] == [
        ("a", dt.datetime(2012, 1, 1, 10, 0, 5)),
        ("b", None),
    ]
    assert nejson.to_dict(ev)["changes"][0]["timestamp"] == "2012-01-01T10:00:05"


def test_not_json_is_an_error_at_its_place() -> None:
    with pytest.raises(ParseError) as info:
        nejson.loads("[1]")
    assert (info.value.msg, info.value.field) == ("a newsevent JSON document is an object", "$")
    with pytest.raises(ParseError) as info:
        nejson.loads("{")
    assert str(info.value) == "1:2: invalid JSON: Expecting property name enclosed in double quotes"
    with pytest.raises(ParseError) as info:
        nejson.loads(b"\xff")
    assert info.value.msg.startswith("invalid JSON: 'utf-8' codec can't decode byte 0xff")


def test_indented_documents() -> None:
    ev = newsevent.parse(newsevent.example())
    assert nejson.dumps(ev, indent=2).startswith(
        '{\n  "format": "newsevent.event",\n  "version": 2,'
    )


def test_compact_documents_keep_non_ascii_characters() -> None:
    ev = newsevent.Event(date=dt.date(2012, 1, 1), title="中文")
    assert nejson.dumps(ev) == (
        '{"format":"newsevent.event","version":2,"date":"2012-01-01","title":"中文",'
        '"category":null,"body":"","sources":[],"cover_image":null,"related":[],"changes":[],'
        '"slug":null,"prefix":"","language":null,"extra":[]}'
    )


@pytest.mark.parametrize(
    ("mutate", "message", "field"),
    [
        (
            lambda d: d.update(changes=[{"title": "t", "url": "u", "label": "l", "timestamp": 5}]),
            "invalid document: expected 'YYYY-MM-DDTHH:MM:SS', not 5",
            "$.changes[0].timestamp",
        ),
        (
            lambda d: d.update(title=" a @ b"),
            "invalid document: title must not start or end with blanks: ' a @ b'",
            "$.title",
        ),
    ],
)
def test_errors_about_odd_values(doc: dict[str, object], mutate, message: str, field: str) -> None:  # type: ignore[no-untyped-def]
    mutate(doc)
    with pytest.raises(ParseError) as info:
        nejson.loads(json.dumps(doc))
    assert (info.value.msg, info.value.field) == (message, field)
