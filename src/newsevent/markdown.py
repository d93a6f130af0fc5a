"""Markdown pages: ``loads`` reads every generator's layout, ``dumps`` writes the newest.

``loads`` tells an event page, a day page and a front page apart by their headings.
"""

from ._md import dumps, loads

__all__ = ["dumps", "loads"]
