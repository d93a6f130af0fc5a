"""Markdown event pages: ``loads`` reads every generator's layout, ``dumps`` writes the newest."""

from ._markdown import dumps, loads

__all__ = ["dumps", "loads"]
