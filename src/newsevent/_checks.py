"""Cheap whole-value checks for the JSON, XML and HTML readers' trusted construction path.

Each one accepts exactly the values the matching model validator accepts, or fewer; a reader
that sees a value fail builds the page through the validating path instead, which raises
the precise error. tests/test_trusted.py compares both paths.
"""

from __future__ import annotations

import re

from ._model import _EDGE, _IN, good_line, good_prefix, good_tag_run, is_slug
from ._text import GOOD_URL

__all__ = [
    "good_body",
    "good_extra_line",
    "good_label",
    "good_line",
    "good_prefix",
    "good_tag",
    "good_url",
    "is_slug",
    "iso_date",
    "iso_timestamp",
]

_LINE = f"[{_EDGE}](?:[{_IN}]*[{_EDGE}])?"
# Non-blank lines without blanks at their edges, paragraphs split by one blank line.
good_body = re.compile(f"(?:{_LINE}(?:\n\n?{_LINE})*)?").fullmatch
good_url = GOOD_URL.fullmatch
# XML characters only, at least one that is not a blank.
good_extra_line = re.compile(f"[{_IN}]*[{_EDGE}][{_IN}]*").fullmatch
iso_date = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}").fullmatch
iso_timestamp = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}").fullmatch


def good_tag(tag: str) -> bool:
    """Whether ``tag`` is one valid context tag."""
    return ", " not in tag and good_tag_run(tag) is not None


def good_label(value: str) -> bool:
    """Whether ``value`` is a valid change label: a non-empty line without parentheses."""
    return bool(value) and good_line(value) is not None and "(" not in value and ")" not in value
