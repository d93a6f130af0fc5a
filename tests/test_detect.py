"""Format detection and the load/dump entry points."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import newsevent

EXAMPLE = newsevent.parse(newsevent.example())
FORMATS = ["markdown", "json", "xml", "html"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("bom", [False, True])
@pytest.mark.parametrize("as_bytes", [False, True])
def test_detects_every_format(fmt: str, bom: bool, as_bytes: bool) -> None:
    text = newsevent.dumps(EXAMPLE, fmt)
    data: str | bytes = ("\ufeff" if bom else "") + text
    if as_bytes:
        data = data.encode("utf-8")
    assert newsevent.detect(data) == fmt
    assert newsevent.parse(data) == EXAMPLE


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        ("  \n{", "json"),
        ("<?xml version='1.0'?><html/>", "xml"),
        ("<!-- c --><html><body/></html>", "html"),
        ("<!doctype HTML><p>x", "html"),
        ("<event/>", "xml"),
        ("### [2012-11-8](/news/2012/11/8/index.md)", "markdown"),
        ("", "markdown"),
        ("news/2012/11/8/page.json", "markdown"),
    ],
)
def test_ambiguous_inputs(data: str, fmt: str) -> None:
    assert newsevent.detect(data) == fmt


def test_a_string_is_never_a_path(tmp_path: Path) -> None:
    path = tmp_path / "page.md"
    path.write_text(newsevent.example(), encoding="utf-8")
    with pytest.raises(newsevent.ParseError):
        newsevent.parse(str(path))


@pytest.mark.parametrize(
    ("suffix", "fmt"),
    [(".md", "markdown"), (".json", "json"), (".xml", "xml"), (".html", "html"), (".htm", "html")],
)
def test_dump_and_load_by_suffix(tmp_path: Path, suffix: str, fmt: str) -> None:
    path = tmp_path / f"page{suffix}"
    newsevent.dump(EXAMPLE, path)
    assert path.read_text("utf-8") == newsevent.dumps(EXAMPLE, fmt)
    assert newsevent.load(path) == EXAMPLE
    with open(path, "rb") as fh:
        assert newsevent.load(fh) == EXAMPLE


def test_load_follows_the_suffix_then_the_content(tmp_path: Path) -> None:
    wrong = tmp_path / "page.md"
    wrong.write_text(newsevent.dumps(EXAMPLE, "json"), encoding="utf-8")
    with pytest.raises(newsevent.ParseError, match="not an event page"):
        newsevent.load(wrong)
    assert newsevent.load(wrong, "json") == EXAMPLE
    unknown = tmp_path / "page.txt"
    unknown.write_text(newsevent.dumps(EXAMPLE, "xml"), encoding="utf-8")
    assert newsevent.load(unknown) == EXAMPLE
    with open(wrong, "rb") as fh:
        assert newsevent.load(io.BytesIO(fh.read())) == EXAMPLE


def test_dump_to_open_file_and_unknown_suffix(tmp_path: Path) -> None:
    with open(tmp_path / "x.txt", "w", encoding="utf-8") as fh:
        with pytest.raises(ValueError, match="suffix"):
            newsevent.dump(EXAMPLE, fh)
        newsevent.dump(EXAMPLE, fh, "json")
    assert newsevent.load(tmp_path / "x.txt") == EXAMPLE


def test_load_errors_name_the_path(tmp_path: Path) -> None:
    path = tmp_path / "bad.xml"
    path.write_text("<event", encoding="utf-8")
    with pytest.raises(newsevent.ParseError) as info:
        newsevent.load(path)
    assert info.value.path == str(path) and str(info.value).startswith(f"{path}:1:")
