"""JSON documents (``newsevent.event`` version 1); see ``schema()`` for the JSON Schema."""

from __future__ import annotations

from importlib import resources

from ._json import FORMAT, VERSION, dumps, from_dict, loads, to_dict


def schema() -> str:
    """Return the JSON Schema of the document, as shipped in the package."""
    return resources.files("newsevent").joinpath("data/event.schema.json").read_text("utf-8")


__all__ = ["FORMAT", "VERSION", "dumps", "from_dict", "loads", "schema", "to_dict"]
