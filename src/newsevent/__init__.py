"""Typed news-event pages, converted without loss between Markdown, JSON, XML and HTML."""

from typing import TYPE_CHECKING, Any

from . import json, markdown
from ._api import detect, dump, dumps, example, load, loads, parse
from ._errors import ParseError
from ._model import (
    Change,
    DayPage,
    Editorial,
    Entry,
    Event,
    FrontPage,
    FrontSection,
    Page,
    Related,
    Source,
)
from ._spelling import Spelling
from ._stream import Loaded, iter_files, iter_load
from ._text import normalize_url

__all__ = [
    "Change",
    "DayPage",
    "Editorial",
    "Entry",
    "Event",
    "FrontPage",
    "FrontSection",
    "Loaded",
    "Page",
    "ParseError",
    "Related",
    "Source",
    "Spelling",
    "detect",
    "dump",
    "dumps",
    "example",
    "html",
    "iter_files",
    "iter_load",
    "json",
    "load",
    "loads",
    "markdown",
    "normalize_url",
    "parse",
    "xml",
]
__version__ = "0.1.0"

if TYPE_CHECKING:
    from . import html, xml

# The lxml-based modules load on first use, so that reading Markdown or JSON never imports lxml.
_LAZY = frozenset({"html", "xml"})


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
