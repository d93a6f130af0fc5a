"""The top-level functions (newsevent._api): format names, detection at its edges, files
with and without names."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import newsevent

EV = newsevent.parse(newsevent.example())


@pytest.mark.parametrize("name", ["MD", "Markdown", "JSON", "Xml", "HTM", "html"])
def test_format_names_ignore_case_and_aliases(name: str) -> None:
    text = newsevent.dumps(EV, name)
    assert newsevent.loads(text, name) == EV


@pytest.mark.parametrize("name", ["x", None, 3])
def test_an_unknown_format_is_named(name: object) -> None:
    with pytest.raises(ValueError) as info:
        newsevent.dumps(EV, name)  # type: ignore[arg-type]
    assert str(info.value) == f"unknown format {name!r}; choose one of markdown, json, xml, html"


def test_dumps_refuses_what_is_not_a_page() -> None:
    with pytest.raises(TypeError) as info:
        newsevent.dumps("page")  # type: ignore[arg-type]
    assert str(info.value) == "expected an Event, DayPage, FrontPage or Editorial, not str"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xff\xfe{", "markdown"),
        ("X{}", "markdown"),
        ("\ufeff \t\r\n{}", "json"),
        ('<?xml version="1.0"?><html>', "xml"),
        ("<!DOCTYPE html>", "html"),
        # Detection reads the first 4,096 characters, and HTML markers in the first 1,024.
        (" " * 4096 + "{}", "markdown"),
        (b" " * 4096 + b"{}", "markdown"),
        (" " * 4095 + "{}", "json"),
        ("<x>" + "a" * 1016 + "<html>", "xml"),
        ("<x>" + "a" * 1015 + "<html>", "html"),
    ],
)
def test_detect(data: str | bytes, expected: str) -> None:
    assert newsevent.detect(data) == expected


def test_xml_bytes_are_read_with_their_own_declaration() -> None:
    data = newsevent.dumps(EV, "xml").encode("utf-8")
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert newsevent.loads(data, "xml") == EV
    assert newsevent.loads(bytearray(data)) == EV


def test_files_without_a_name_are_markdown(tmp_path: Path) -> None:
    buf = io.StringIO()
    newsevent.dump(EV, buf)
    assert buf.getvalue() == newsevent.dumps(EV)
    with pytest.raises(newsevent.ParseError) as info:
        newsevent.load(io.BytesIO(b"{not json"), "json")
    assert info.value.path is None
    newsevent.dump(EV, tmp_path / "x.json")
    assert (tmp_path / "x.json").read_text("utf-8") == newsevent.dumps(EV, "json")
    with pytest.raises(newsevent.ParseError) as info:
        newsevent.load(tmp_path / "x.json", "xml")
    assert info.value.path == str(tmp_path / "x.json")


def test_a_path_given_as_text_picks_the_format_from_its_suffix(tmp_path: Path) -> None:
    newsevent.dump(EV, str(tmp_path / "y.xml"))
    assert (tmp_path / "y.xml").read_text("utf-8") == newsevent.dumps(EV, "xml")
    assert newsevent.load(str(tmp_path / "y.xml")) == EV
