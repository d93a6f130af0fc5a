"""XML documents in the ``urn:x-newsevent:1`` vocabulary; ``xsd()`` returns the shipped schema."""

from __future__ import annotations

from importlib import resources

from ._xml import NS, dumps, from_element, loads, to_element


def xsd() -> str:
    """Return the XML Schema (XSD 1.0) of the document, as shipped in the package."""
    return resources.files("newsevent").joinpath("data/event.xsd").read_text("utf-8")


__all__ = ["NS", "dumps", "from_element", "loads", "to_element", "xsd"]
