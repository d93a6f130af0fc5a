"""JSON documents (``newsevent.event``, ``.day``, ``.front``, version 1).

``schema()`` returns the JSON Schema of all three.
"""

from __future__ import annotations

from importlib import resources

from ._json import FORMAT, VERSION, dumps, from_dict, loads, to_dict


def schema() -> str:
    """Return the JSON Schema of the documents (event, day, front), as shipped in the package."""
    return resources.files("newsevent").joinpath("data/newsevent.schema.json").read_text("utf-8")


__all__ = ["FORMAT", "VERSION", "dumps", "from_dict", "loads", "schema", "to_dict"]
