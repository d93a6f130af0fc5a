"""Format registry, detection and the load/dump entry points."""

from __future__ import annotations

import os
from collections.abc import Callable
from importlib import resources
from typing import IO, Any, NamedTuple, Union

from . import _json, _markdown
from ._errors import ParseError
from ._model import Event

PathOrFile = Union[str, "os.PathLike[str]", IO[str], IO[bytes]]
TextTarget = Union[str, "os.PathLike[str]", IO[str]]


class _Format(NamedTuple):
    loads: Callable[[str], Event]
    dumps: Callable[[Event], str]
    suffixes: tuple[str, ...]


FORMATS: dict[str, _Format] = {
    "markdown": _Format(_markdown.loads, _markdown.dumps, (".md", ".markdown")),
    "json": _Format(_json.loads, _json.dumps, (".json",)),
}
_ALIASES = {"md": "markdown"}


def _format(name: str) -> _Format:
    key = _ALIASES.get(name.lower(), name.lower()) if isinstance(name, str) else name
    try:
        return FORMATS[key]
    except (KeyError, TypeError):
        raise ValueError(f"unknown format {name!r}; choose one of {', '.join(FORMATS)}") from None


def _text(data: str | bytes) -> str:
    if isinstance(data, str):
        return data[1:] if data.startswith("\ufeff") else data
    if isinstance(data, (bytes, bytearray, memoryview)):
        try:
            return bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ParseError(f"input is not UTF-8: {exc.reason} at byte {exc.start}") from None
    raise TypeError(f"expected str or bytes, not {type(data).__name__}")


def detect(data: str | bytes) -> str:
    """Return the name of the format ``data`` is written in.

    Looks at the first non-blank character only: ``{`` is JSON, anything
    else is Markdown.
    """
    head = _text(data).lstrip(" \t\r\n")[:1]
    return "json" if head == "{" else "markdown"


def loads(data: str | bytes, format: str | None = None) -> Event:
    """Read an event from ``data`` written in ``format`` (detected when None)."""
    text = _text(data)
    return _format(format or detect(text)).loads(text)


def parse(data: str | bytes) -> Event:
    """Read an event from text or bytes in any supported format.

    The format is detected from the content; a string is never taken as a path.
    """
    return loads(data)


def dumps(obj: Event, format: str = "markdown") -> str:
    """Write ``obj`` in ``format`` (``markdown`` or ``json``)."""
    if not isinstance(obj, Event):
        raise TypeError(f"expected an Event, not {type(obj).__name__}")
    return _format(format).dumps(obj)


def format_for_path(path: str | os.PathLike[str]) -> str:
    """Return the format whose suffix ``path`` has."""
    suffix = os.path.splitext(os.fspath(path))[1].lower()
    for name, fmt in FORMATS.items():
        if suffix in fmt.suffixes:
            return name
    raise ValueError(f"cannot tell the format of {os.fspath(path)!r} from its suffix")


def load(source: PathOrFile, format: str | None = None) -> Event:
    """Read an event from a path or an open file; errors name the path."""
    name: str | None = None
    if isinstance(source, (str, os.PathLike)):
        name = os.fspath(source)
        with open(name, "rb") as fh:
            data: Any = fh.read()
    else:
        name = getattr(source, "name", None)
        data = source.read()
    try:
        return loads(data, format)
    except ParseError as exc:
        raise exc.with_path(str(name)) if name else exc from None


def dump(obj: Event, target: TextTarget, format: str | None = None) -> None:
    """Write ``obj`` to a path or an open text file.

    Without ``format`` the format follows the path's suffix (Markdown for an
    open file without a name).
    """
    if format is None:
        name = target if isinstance(target, (str, os.PathLike)) else getattr(target, "name", None)
        format = format_for_path(name) if isinstance(name, (str, os.PathLike)) else "markdown"
    text = dumps(obj, format)
    if isinstance(target, (str, os.PathLike)):
        with open(target, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    else:
        target.write(text)


def example() -> str:
    """Return the Markdown of the example page bundled with the package."""
    return resources.files("newsevent").joinpath("data/example.md").read_text("utf-8")
