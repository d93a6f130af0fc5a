"""Typed news-event pages, converted without loss between Markdown, JSON, XML and HTML."""

from . import html, json, markdown, xml
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
