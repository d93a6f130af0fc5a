"""Where the shared corpus's pages are, by kind."""

from __future__ import annotations

from pathlib import Path

LISTING_NAMES = {"index.md", "README.md"}
# The site's one editorial: no page type reads it yet (the opinion section is future work),
# so the corpus tests name it as the one known exception.
EDITORIAL = "en/opinion/2017/04/4/the-post-truth-and-the-context/README.md"


def event_pages(root: Path) -> list[Path]:
    """Every single-event page: any .md under a news/ day folder but the listings."""
    return sorted(
        p for p in root.rglob("*.md") if p.name not in LISTING_NAMES and "news" in p.parts
    )


def listing_pages(root: Path) -> list[Path]:
    """Every day page (``index.md``/``README.md`` in a day folder) and front page."""
    editorial = root / EDITORIAL
    return sorted(
        p
        for p in root.rglob("*.md")
        if p.name in LISTING_NAMES and p.parent != root and p != editorial
    )


def is_front(path: Path) -> bool:
    """Front pages sit at an edition's root (or its opinion folder), not in a day folder."""
    return "news" not in path.parts
