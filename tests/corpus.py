"""Where the shared corpus's pages are, by kind."""

from __future__ import annotations

from pathlib import Path

LISTING_NAMES = {"index.md", "README.md"}


def event_pages(root: Path) -> list[Path]:
    """Every single-event page: any .md under a news/ day folder but the listings."""
    return sorted(
        p for p in root.rglob("*.md") if p.name not in LISTING_NAMES and "news" in p.parts
    )


def is_editorial(path: Path, root: Path) -> bool:
    """Editorials sit in dated folders under an ``opinion/`` folder."""
    parts = path.relative_to(root).parts
    return "opinion" in parts and len(parts) - parts.index("opinion") > 2


def editorial_pages(root: Path) -> list[Path]:
    """Every editorial of the opinion sections (``opinion/YYYY/MM/D/<slug>/README.md``)."""
    return sorted(p for p in root.rglob("*.md") if is_editorial(p, root))


def listing_pages(root: Path) -> list[Path]:
    """Every day page (``index.md``/``README.md`` in a day folder) and front page."""
    return sorted(
        p
        for p in root.rglob("*.md")
        if p.name in LISTING_NAMES and p.parent != root and not is_editorial(p, root)
    )


def is_front(path: Path) -> bool:
    """Front pages sit at an edition's root (or its opinion folder), not in a day folder."""
    return "news" not in path.parts
