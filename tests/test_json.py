"""The JSON document: shape, key order, errors with a path to the bad field."""

from __future__ import annotations

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
