"""JSON documents: one configured cattrs converter and a shipped JSON Schema."""

from __future__ import annotations

import datetime as _dt
import json as _stdjson
import re
import typing
from functools import cache
from typing import Any

import attrs
import cattrs
from cattrs.errors import IterableValidationError, IterableValidationNote
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from cattrs.preconf.json import make_converter
from cattrs.v import format_exception

from . import _checks as ok
from ._errors import ParseError
from ._model import (
    COVER_IMAGE,
    UNPARSED_LABEL,
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
    good_tag_run,
    new_change,
    new_day,
    new_entry,
    new_event,
    new_front_section,
    new_related,
    new_source,
)

_orjson: Any
try:  # the optional fast backend (the ``fast`` extra)
    import orjson as _orjson
except ImportError:  # pragma: no cover - the test extra installs it
    _orjson = None

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


def _strict_bool(value: Any, _type: Any) -> bool:
    # cattrs would call bool(): "false" and 1 would read as True.
    if type(value) is not bool:
        raise TypeError(f"expected true or false, not {type(value).__name__}")
    return value


def _date(value: Any, _type: Any) -> _dt.date:
    # The pattern, not just the length: Python 3.11 also reads week dates ("2012-W45-4").
    if not isinstance(value, str) or not ok.iso_date(value):
        raise ValueError(f"expected an ISO date 'YYYY-MM-DD', not {value!r}")
    return _dt.date.fromisoformat(value)


def _datetime(value: Any, _type: Any) -> _dt.datetime:
    if not isinstance(value, str) or not ok.iso_timestamp(value):
        raise ValueError(f"expected 'YYYY-MM-DDTHH:MM:SS', not {value!r}")
    return _dt.datetime.fromisoformat(value)


converter.register_structure_hook(str, _strict_str)
converter.register_structure_hook(bool, _strict_bool)
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
    # Model validators explain themselves; keep their words. Anything else (a ValueError or
    # TypeError without words, a missing key, an extra key) in cattrs' words.
    if type(exc) in (ValueError, TypeError) and str(exc):
        return str(exc)
    return format_exception(exc, type_)


def to_dict(page: Page) -> dict[str, Any]:
    """Return the JSON document of ``page`` as plain Python data."""
    doc: dict[str, Any] = {"format": _MARKERS[type(page)], "version": VERSION}
    doc.update(converter.unstructure(page))
    return doc


def from_dict(doc: Any, *, fast: bool = True) -> Page:
    """Build a page from a decoded JSON document, checking it fully.

    With ``fast`` (the default) a document whose every value passes the model's rules is
    built without running the validators a second time; any other document goes through
    the validating converter, which names the bad field. ``fast=False`` always does.
    """
    if not isinstance(doc, dict):
        raise ParseError("a newsevent JSON document is an object", field="$")
    marker = doc.get("format")
    cls = FORMATS.get(marker) if type(marker) is str else None
    if cls is None:
        raise ParseError(f"'format' must be one of {', '.join(FORMATS)}", field="$.format")
    if doc.get("version") not in _READ_VERSIONS or type(doc.get("version")) is not int:
        raise ParseError(f"unsupported 'version' {doc.get('version')!r}", field="$.version")
    if fast:
        built = _trusted(doc)
        if built is not None:
            return built
    body = {k: v for k, v in doc.items() if k not in ("format", "version")}
    try:
        page: Page = converter.structure(body, cls)
    except Exception as exc:  # cattrs wraps every failure in a group
        # One "description @ path" per error (a group is never empty); descriptions are
        # never empty either (see _describe).
        seen: list[BaseException] = []

        def describe(error: BaseException, type_: Any) -> str:
            seen.append(error)  # (in the order of the messages)
            return _describe(error, type_)

        first = cattrs.transform_error(exc, path="$", format_exception=describe)[0]
        msg, _, field = first.rpartition(" @ ")
        if type(seen[0]) in (ValueError, TypeError):  # a model validator's, in its own words
            field = _named_field(cls, field, msg)
        raise ParseError(f"invalid document: {msg}", field=field) from None
    return page


_STEP = re.compile(r"\.(\w+)|\[\d+\]")


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _named_field(cls: type, path: str, msg: str) -> str:
    """``path`` of the object a model validator refused, with the field its message starts
    with (``title must not …`` at ``$`` is ``$.title``), when that is one of its fields:
    cattrs names the object whose constructor raised, not the field."""
    cur: Any = cls
    for name in _STEP.findall(path):
        if name:  # a field of the object
            cur = _hints(cur).get(name) if attrs.has(cur) else None
        else:  # an item of the tuple
            cur = (typing.get_args(cur) or (None,))[0]
    word = msg.partition(" ")[0].removesuffix(":")
    if attrs.has(cur) and word in attrs.fields_dict(cur):
        return f"{path}.{word}"
    return path


def dumps(page: Page, *, indent: int | None = None) -> str:
    """Write ``page`` as a JSON document (compact unless ``indent`` is given)."""
    if indent is None and _orjson is not None:
        text: str = _orjson.dumps(to_dict(page)).decode("utf-8")
        return text
    seps = (",", ":") if indent is None else (",", ": ")
    return _stdjson.dumps(to_dict(page), ensure_ascii=False, indent=indent, separators=seps)


def loads(src: str | bytes) -> Page:
    """Read a JSON document written by :func:`dumps` (or by hand, per the schema)."""
    if _orjson is None:
        return from_dict(_decode(src))
    try:
        built = _trusted(_orjson.loads(src))
    except ValueError:  # the standard decoder accepts more, or names the error
        built = None
    # Anything the trusted path refuses is decoded again by the standard decoder (which
    # keeps integers of any size exact) and read as it always has been.
    return from_dict(_decode(src), fast=False) if built is None else built


def _decode(src: str | bytes) -> Any:
    try:
        doc = _stdjson.loads(src)
    except _stdjson.JSONDecodeError as exc:
        raise ParseError(f"invalid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except (UnicodeDecodeError, RecursionError) as exc:
        raise ParseError(f"invalid JSON: {exc}") from None
    return doc


# ---------------------------------------------------------------- trusted construction
# Each builder checks every rule the model's validators (and the converter's hooks) enforce
# and then builds the value with the unchecked constructors; at the first value that fails
# a check it gives up (_Refused) and from_dict takes the validating converter, which raises
# exactly the error it always has. tests/test_trusted.py proves both paths agree.


class _Refused(Exception):
    pass


_good_line = ok.good_line
_good_url = ok.good_url
_good_tag_run = good_tag_run


_REFUSED = _Refused()
_NO_ITEMS: list[Any] = []


def _keys(cls: type, *more: str) -> frozenset[str]:
    names = {a.name for a in cls.__attrs_attrs__} - {"spelling"}  # type: ignore[attr-defined]
    return frozenset(names.union(more))


_EVENT_KEYS = _keys(Event, "format", "version")
_DAY_KEYS = _keys(DayPage, "format", "version")
_FRONT_KEYS = _keys(FrontPage, "format", "version")
_SOURCE_KEYS = _keys(Source)
_RELATED_KEYS = _keys(Related)
_CHANGE_KEYS = _keys(Change)
_ENTRY_KEYS = _keys(Entry)
_SECTION_KEYS = _keys(FrontSection)
_LANGUAGES = frozenset(("en", "zh"))


def _items(value: Any) -> list[Any]:
    if type(value) is not list:
        raise _REFUSED
    return value


def _fields(value: Any, keys: frozenset[str]) -> dict[str, Any]:
    if type(value) is not dict or not keys.issuperset(value):
        raise _REFUSED
    return value


def _line(value: Any) -> str:
    if type(value) is not str:
        raise _REFUSED
    # (isprintable: see _related)
    if not (value.isprintable() and value[:1] != " " and value[-1:] != " ") and not (
        ok.good_line(value)
    ):
        raise _REFUSED
    return value


def _opt_line(value: Any) -> str | None:
    return None if value is None else _line(value)


def _url(value: Any) -> str:
    if type(value) is not str:
        raise _REFUSED
    if not (value and value.isprintable() and " " not in value) and not ok.good_url(value):
        raise _REFUSED
    return value


def _opt_url(value: Any) -> str | None:
    return None if value is None else _url(value)


def _tags(value: Any) -> tuple[str, ...]:
    if type(value) is not list:
        raise _REFUSED
    if not value:
        return ()
    # One match for the run: as many tags as separators (no tag holds ", "), each valid.
    run = ", ".join(value)
    if run.count(", ") != len(value) - 1 or not _good_tag_run(run):
        raise _REFUSED
    return tuple(value)


def _extra_lines(value: Any) -> tuple[str, ...]:
    lines = tuple(_items(value))
    for line in lines:
        if type(line) is not str or not ok.good_extra_line(line):
            raise _REFUSED
    return lines


def _iso_date(value: Any) -> _dt.date:
    if type(value) is not str or not ok.iso_date(value):
        raise _REFUSED
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        raise _REFUSED from None


def _prefix(value: Any) -> str:
    if type(value) is not str or not ok.good_prefix(value):
        raise _REFUSED
    return value


def _language(value: Any) -> Any:
    if value is not None and (type(value) is not str or value not in _LANGUAGES):
        raise _REFUSED
    return value


def _flag(value: Any) -> bool:
    if type(value) is not bool:
        raise _REFUSED
    return value


def _source(doc: Any) -> Source:
    d = _fields(doc, _SOURCE_KEYS)
    name = _line(d.get("name"))
    image = _opt_url(d.get("image"))
    if image is None and name == COVER_IMAGE:
        raise _REFUSED
    return new_source(name, _url(d.get("url")), image)


def _related(doc: Any) -> Related:
    if type(doc) is not dict or not _RELATED_KEYS.issuperset(doc):
        raise _REFUSED
    get = doc.get
    title: Any = get("title")
    url: Any = get("url")
    tags = get("context", _NO_ITEMS)
    if type(title) is not str or type(url) is not str or type(tags) is not list:
        raise _REFUSED
    # isprintable() (no control, tab, surrogate, non-character or space but " ") is a
    # quicker, stricter test than the rules' expressions, which decide when it fails.
    if not (title.isprintable() and title[:1] != " " and title[-1:] != " ") and not _good_line(
        title
    ):
        raise _REFUSED
    if not (url and url.isprintable() and " " not in url) and not _good_url(url):
        raise _REFUSED
    if tags:  # as _tags()
        run = ", ".join(tags)
        if run.count(", ") != len(tags) - 1:
            raise _REFUSED
        if not (
            run
            and run.isprintable()
            and run[0] != " "
            and run[-1] != " "
            and not run.startswith(", ")
            and " , " not in run
            and ",  " not in run
        ) and not _good_tag_run(run):
            raise _REFUSED
    return new_related(title, url, tuple(tags))


def _change(doc: Any) -> Change:
    d = _fields(doc, _CHANGE_KEYS)
    label = d.get("label")
    if type(label) is not str or not ok.good_label(label):
        raise _REFUSED
    stamp = d.get("timestamp")
    if stamp is not None:
        if type(stamp) is not str or not ok.iso_timestamp(stamp):
            raise _REFUSED
        try:
            stamp = _dt.datetime.fromisoformat(stamp)
        except ValueError:
            raise _REFUSED from None
    return new_change(_line(d.get("title")), _url(d.get("url")), label, stamp)


def _event(doc: dict[str, Any]) -> Event:
    if not _EVENT_KEYS.issuperset(doc):
        raise _REFUSED
    g = doc.get
    body = g("body", "")
    if type(body) is not str:
        raise _REFUSED
    one_line = "\n" not in body and body.isprintable() and body[:1] != " " and body[-1:] != " "
    if not one_line and not ok.good_body(body):
        raise _REFUSED
    slug = g("slug")
    if slug is not None and (type(slug) is not str or not ok.is_slug(slug)):
        raise _REFUSED
    return new_event(
        _iso_date(g("date")),
        _line(g("title")),
        _opt_line(g("category")),
        body,
        tuple(map(_source, _items(g("sources", _NO_ITEMS)))),
        _opt_url(g("cover_image")),
        tuple(map(_related, _items(g("related", _NO_ITEMS)))),
        tuple(map(_change, _items(g("changes", _NO_ITEMS)))),
        slug,
        _prefix(g("prefix", "")),
        _language(g("language")),
        _extra_lines(g("extra", _NO_ITEMS)),
        None,
    )


def _entry(doc: Any) -> Entry:
    d = _fields(doc, _ENTRY_KEYS)
    summary = d.get("summary")
    if summary is not None and (
        type(summary) is not str or not summary or not ok.good_line(summary)
    ):
        raise _REFUSED
    return new_entry(
        _line(d.get("title")),
        _url(d.get("url")),
        _opt_line(d.get("category")),
        summary,
        _tags(d.get("context", _NO_ITEMS)),
    )


def _day(doc: dict[str, Any]) -> DayPage:
    if not _DAY_KEYS.issuperset(doc):
        raise _REFUSED
    g = doc.get
    return new_day(
        _iso_date(g("date")),
        tuple(map(_entry, _items(g("entries", _NO_ITEMS)))),
        _opt_url(g("previous")),
        _prefix(g("prefix", "")),
        _flag(g("formats", False)),
        _language(g("language")),
        _extra_lines(g("extra", _NO_ITEMS)),
        None,
    )


def _section(doc: Any) -> FrontSection:
    d = _fields(doc, _SECTION_KEYS)
    label = d.get("label")
    url = _opt_url(d.get("url"))
    if type(label) is not str or not label or not ok.good_line(label):
        raise _REFUSED
    if url is None and label == UNPARSED_LABEL:
        raise _REFUSED
    entries = tuple(map(_entry, _items(d.get("entries", _NO_ITEMS))))
    return new_front_section(label, url, entries, _flag(d.get("rule", False)))


def _front(doc: dict[str, Any]) -> FrontPage:
    if not _FRONT_KEYS.issuperset(doc):
        raise _REFUSED
    g = doc.get
    sections = tuple(map(_section, _items(g("sections", _NO_ITEMS))))
    try:  # the page-wide rules of a front page: its own validator, values already checked
        return FrontPage(
            sections=sections,
            formats=_flag(g("formats", False)),
            language=_language(g("language")),
            extra=_extra_lines(g("extra", _NO_ITEMS)),
        )
    except ValueError:
        raise _REFUSED from None


_FAST: dict[type, Any] = {Event: _event, DayPage: _day, FrontPage: _front}


def _trusted(doc: Any) -> Page | None:
    """The page of ``doc`` when the trusted path takes it, else None."""
    if type(doc) is not dict:
        return None
    marker = doc.get("format")
    cls = FORMATS.get(marker) if type(marker) is str else None
    version = doc.get("version")
    if cls is None or type(version) is not int or version not in _READ_VERSIONS:
        return None
    build = _FAST.get(cls)
    if build is None:
        return None
    try:
        built: Page = build(doc)
    except (_Refused, TypeError):
        return None
    return built
