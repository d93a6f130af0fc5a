"""Where the shared corpus's pages are, by kind."""

from __future__ import annotations

from pathlib import Path

LISTING_NAMES = {"index.md", "README.md"}


def event_pages(root: Path) -> list[Path]:
    """Every single-event page: any .md under a news/ day folder but the listings."""
    return sorted(
        p for p in root.rglob("*.md") if p.name not in LISTING_NAMES and "news" in p.parts
    )
