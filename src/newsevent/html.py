"""Standalone HTML5 pages: ``dumps`` writes one per event, ``loads`` reads back its own pages."""

from ._html import dumps, is_safe_url, loads

__all__ = ["dumps", "is_safe_url", "loads"]
