"""JSON documents: one configured cattrs converter and a shipped JSON Schema."""

from __future__ import annotations

import datetime as _dt
import json as _stdjson
from typing import Any

import cattrs
from cattrs.errors import IterableValidationError, IterableValidationNote
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from cattrs.preconf.json import make_converter
from cattrs.v import format_exception

from ._errors import ParseError
from ._model import (
    Change,
    DayPage,
    Editorial,
    Entry,
    Event,
    FrontPage,
    FrontSection,
    Page,
    Related,
    Source,
)

FORMAT = "newsevent.event"
FORMATS: dict[str, type] = {
    "newsevent.event": Event,
    "newsevent.day": DayPage,
    "newsevent.front": FrontPage,
    "newsevent.editorial": Editorial,
}
_MARKERS = {cls: name for name, cls in FORMATS.items()}
VERSION = 2
_READ_VERSIONS = (1, 2)  # version 1 documents held percent-encoded URLs

converter = make_converter(forbid_extra_keys=True, detailed_validation=True)


def _strict_str(value: Any, _type: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, not {type(value).__name__}")
    return value


def _date(value: Any, _type: Any) -> _dt.date:
    if not isinstance(value, str) or len(value) != 10:
        raise ValueError(f"expected an ISO date 'YYYY-MM-DD', not {value!r}")
    return _dt.date.fromisoformat(value)


def _datetime(value: Any, _type: Any) -> _dt.datetime:
    if not isinstance(value, str) or len(value) != 19 or value[10] != "T":
        raise ValueError(f"expected 'YYYY-MM-DDTHH:MM:SS', not {value!r}")
    return _dt.datetime.fromisoformat(value)


converter.register_structure_hook(str, _strict_str)
converter.register_structure_hook(_dt.date, _date)
converter.register_structure_hook(_dt.datetime, _datetime)
converter.register_unstructure_hook(_dt.date, lambda d: d.isoformat())
converter.register_unstructure_hook(
    _dt.datetime, lambda d: d.isoformat(sep="T", timespec="seconds")
)


def _list_of(item: type) -> Any:
    # cattrs would iterate a string into a tuple of characters; JSON arrays only.
    def hook(value: Any, type_: Any) -> tuple[Any, ...]:
        if not isinstance(value, list):
            raise TypeError(f"expected an array, not {type(value).__name__}")
        out: list[Any] = []
        errors: list[Exception] = []
        for index, x in enumerate(value):
            try:
                out.append(converter.structure(x, item))
            except Exception as exc:
                note = IterableValidationNote(f"Structuring @ index {index}", index, item)
                exc.__notes__ = [*getattr(exc, "__notes__", []), note]
                errors.append(exc)
        if errors:
            raise IterableValidationError(f"While structuring {type_!r}", errors, type_)
        return tuple(out)

    return hook


for _item in (str, Source, Related, Change, Entry, FrontSection):
    _tuple_type = tuple[_item, ...]  # type: ignore[valid-type]
    converter.register_structure_hook_func(
        lambda t, tt=_tuple_type: t == tt,  # type: ignore[misc]
        _list_of(_item),
    )

# The spelling is Markdown's alone: documents carry the content and the language.
for _page in (Event, DayPage, FrontPage, Editorial):
    converter.register_unstructure_hook(
        _page, make_dict_unstructure_fn(_page, converter, spelling=override(omit=True))
    )
    converter.register_structure_hook(
        _page,
        make_dict_structure_fn(
            _page,
            converter,
            _cattrs_forbid_extra_keys=True,
            spelling=override(omit=True),
        ),
    )

# Make sure the nested classes are configured before first use.
for _cls in (Source, Related, Change, Event, Entry, DayPage, FrontSection, FrontPage, Editorial):
    converter.get_structure_hook(_cls)


def _describe(exc: BaseException, type_: Any) -> str:
    # Model validators explain themselves; keep their words.
    if type(exc) in (ValueError, TypeError) and str(exc):
        return str(exc)
    return format_exception(exc, type_)


def to_dict(page: Page) -> dict[str, Any]:
    """Return the JSON document of ``page`` as plain Python data."""
    doc: dict[str, Any] = {"format": _MARKERS[type(page)], "version": VERSION}
    doc.update(converter.unstructure(page))
    return doc


def from_dict(doc: Any) -> Page:
    """Build a page from a decoded JSON document, checking it fully."""
    if not isinstance(doc, dict):
        raise ParseError("a newsevent JSON document is an object", field="$")
    cls = FORMATS.get(doc.get("format"))  # type: ignore[arg-type]
    if cls is None:
        raise ParseError(f"'format' must be one of {', '.join(FORMATS)}", field="$.format")
    if doc.get("version") not in _READ_VERSIONS or type(doc.get("version")) is not int:
        raise ParseError(f"unsupported 'version' {doc.get('version')!r}", field="$.version")
    body = {k: v for k, v in doc.items() if k not in ("format", "version")}
    try:
        page: Page = converter.structure(body, cls)
    except Exception as exc:  # cattrs wraps every failure in a group
        messages = cattrs.transform_error(exc, path="$", format_exception=_describe)
        first = messages[0] if messages else str(exc)
        msg, _, field = first.rpartition(" @ ")
        raise ParseError(f"invalid document: {msg or first}", field=field or "$") from None
    return page


def dumps(page: Page, *, indent: int | None = None) -> str:
    """Write ``page`` as a JSON document (compact unless ``indent`` is given)."""
    seps = (",", ":") if indent is None else (",", ": ")
    return _stdjson.dumps(to_dict(page), ensure_ascii=False, indent=indent, separators=seps)


def loads(src: str | bytes) -> Page:
    """Read a JSON document written by :func:`dumps` (or by hand, per the schema)."""
    try:
        doc = _stdjson.loads(src)
    except _stdjson.JSONDecodeError as exc:
        raise ParseError(f"invalid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except (UnicodeDecodeError, RecursionError) as exc:
        raise ParseError(f"invalid JSON: {exc}") from None
    return from_dict(doc)
