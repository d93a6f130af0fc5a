"""Format registry, detection and the load/dump entry points."""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable
from importlib import resources
from typing import IO, Any, NamedTuple, Union

from . import _json, _md
from ._atomic import write_bytes
from ._errors import ParseError
from ._model import DayPage, Editorial, Event, FrontPage, Page, placed
from ._text import as_text

PathOrFile = Union[str, "os.PathLike[str]", IO[str], IO[bytes]]
TextTarget = Union[str, "os.PathLike[str]", IO[str]]


class _Format(NamedTuple):
    loads: Callable[[str | bytes], Page]
    dumps: Callable[[Page], str]
    suffixes: tuple[str, ...]


# XML and HTML need lxml, which takes a while to import: their modules load on first use, so
# that a program (or a command) that reads and writes only Markdown and JSON never loads it.
def _on_use(module: str, name: str) -> Callable[[Any], Any]:
    """``newsevent.<module>.<name>``, imported when first called."""

    def call(arg: Any) -> Any:
        return getattr(importlib.import_module(f"{__package__}.{module}"), name)(arg)

    return call


FORMATS: dict[str, _Format] = {
    "markdown": _Format(_md.loads, _md.dumps, (".md", ".markdown")),
    "json": _Format(_json.loads, _json.dumps, (".json",)),
    "xml": _Format(_on_use("_xml", "loads"), _on_use("_xml", "dumps"), (".xml",)),
    "html": _Format(_on_use("_html", "loads"), _on_use("_html", "dumps"), (".html", ".htm")),
}
_BYTES_OK = {"xml", "html", "markdown"}  # these readers take bytes as they are
_HTML_START = re.compile(r"<!doctype\s+html|<html[\s>]", re.IGNORECASE)
_ALIASES = {"md": "markdown", "htm": "html"}


def _format(name: str) -> _Format:
    key = _ALIASES.get(name.lower(), name.lower()) if isinstance(name, str) else name
    try:
        return FORMATS[key]
    except (KeyError, TypeError):
        raise ValueError(f"unknown format {name!r}; choose one of {', '.join(FORMATS)}") from None


def detect(data: str | bytes) -> str:
    """Return the name of the format ``data`` is written in.

    Looks at the start of the content: ``{`` is JSON; ``<`` is HTML when an
    HTML doctype or ``<html>`` tag opens the document, XML otherwise; anything
    else is Markdown.
    """
    if isinstance(data, (bytes, bytearray, memoryview)):
        head = bytes(data[:4096]).decode("utf-8", "replace")
    else:
        head = data[:4096]
    head = head.lstrip("\ufeff \t\r\n")
    if head.startswith("{"):
        return "json"
    if head.startswith("<"):
        if head.startswith("<?xml"):
            return "xml"
        return "html" if _HTML_START.search(head[:1024]) else "xml"
    return "markdown"


def loads(data: str | bytes, format: str | None = None) -> Page:
    """Read a page from ``data`` written in ``format`` (detected when None).

    The result is an :class:`Event`, a :class:`DayPage`, a :class:`FrontPage` or an
    :class:`Editorial`, whichever the content is.
    """
    name = _ALIASES.get(format.lower(), format.lower()) if format else detect(data)
    fmt = _format(name)
    if name in _BYTES_OK and isinstance(data, (bytes, bytearray, memoryview)):
        return fmt.loads(bytes(data))
    if name == "markdown" and isinstance(data, str):
        # The Markdown reader keeps a byte-order mark in the page's spelling.
        return fmt.loads(data)
    return fmt.loads(as_text(data))


def parse(data: str | bytes) -> Page:
    """Read a page (event, day, front page or editorial) from text or bytes in any format.

    The format is detected from the content; a string is never taken as a path.
    """
    return loads(data)


def dumps(obj: Page, format: str = "markdown") -> str:
    """Write a page in ``format``: ``markdown``, ``json``, ``xml`` or ``html``."""
    if not isinstance(obj, (Event, DayPage, FrontPage, Editorial)):
        raise TypeError(
            f"expected an Event, DayPage, FrontPage or Editorial, not {type(obj).__name__}"
        )
    return _format(format).dumps(obj)


def format_for_path(path: str | os.PathLike[str]) -> str:
    """Return the format whose suffix ``path`` has."""
    name = _suffix_format(os.fspath(path))
    if name is None:
        raise ValueError(f"cannot tell the format of {os.fspath(path)!r} from its suffix")
    return name


def _suffix_format(name: object) -> str | None:
    if isinstance(name, str):
        suffix = os.path.splitext(name)[1].lower()
        for fmt_name, fmt in FORMATS.items():
            if suffix in fmt.suffixes:
                return fmt_name
    return None


def load(source: PathOrFile, format: str | None = None) -> Page:
    """Read a page from a path or an open file; errors name the path.

    Without ``format`` the file's suffix decides (``.md``, ``.json``, ``.xml``,
    ``.html``…); a file with another suffix, or an open file without a name, is
    read in the format its content shows. An :class:`Editorial` read from
    ``opinion/YYYY/MM/D/<slug>/README.md`` (or ``index.*``) takes its date and slug from
    the path when its document does not give them.
    """
    name: str | None = None
    if isinstance(source, (str, os.PathLike)):
        name = os.fspath(source)
        with open(name, "rb") as fh:
            data: Any = fh.read()
    else:
        name = getattr(source, "name", None)
        data = source.read()
    format = format or _suffix_format(name)
    try:
        page = loads(data, format)
    except ParseError as exc:
        raise exc.with_path(str(name)) if name else exc from None
    if isinstance(page, Editorial) and isinstance(name, str):
        return placed(page, name)
    return page


def dump(obj: Page, target: TextTarget, format: str | None = None) -> None:
    """Write ``obj`` to a path or an open text file.

    Without ``format`` the format follows the path's suffix (Markdown for an
    open file without a name). A path is replaced atomically: the page is written
    to a temporary file in the same folder, forced to disk and renamed over the
    target, so the target is the old file or the complete new one even after a
    crash, an interrupt or a full disk.
    """
    if format is None:
        name = target if isinstance(target, (str, os.PathLike)) else getattr(target, "name", None)
        format = format_for_path(name) if isinstance(name, (str, os.PathLike)) else "markdown"
    text = dumps(obj, format)
    if isinstance(target, (str, os.PathLike)):
        write_bytes(target, text.encode("utf-8"))
    else:
        target.write(text)


def example() -> str:
    """Return the Markdown of the example page bundled with the package."""
    return resources.files("newsevent").joinpath("data/example.md").read_text("utf-8")
