"""Typed news-event pages, converted without loss between Markdown and JSON."""

from . import json, markdown
from ._api import detect, dump, dumps, example, load, loads, parse
from ._errors import ParseError
from ._model import Change, Event, Related, Source
from ._text import normalize_url

__all__ = [
    "Change",
    "Event",
    "ParseError",
    "Related",
    "Source",
    "detect",
    "dump",
    "dumps",
    "example",
    "json",
    "load",
    "loads",
    "markdown",
    "normalize_url",
    "parse",
]
__version__ = "0.1.0"
