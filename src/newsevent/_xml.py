"""XML documents in the ``urn:x-newsevent:1`` vocabulary, validated by a shipped XSD."""

from __future__ import annotations

import datetime as _dt
import threading
from collections.abc import Callable
from functools import cache, partial
from importlib import resources
from typing import Any, TypeVar

from lxml import etree

from . import _checks as ok
from ._errors import ParseError
from ._model import (
    COVER_IMAGE,
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
    new_change,
    new_day,
    new_entry,
    new_event,
    new_related,
    new_source,
)
from ._text import utf8

NS = "urn:x-newsevent:1"
VERSION = "2"
_Q = f"{{{NS}}}"
T = TypeVar("T")


def _parser() -> etree.XMLParser:
    # Hardened for untrusted input: no entity expansion, no DTD, no network,
    # libxml2's size limits kept (huge_tree off).
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


_parsers = threading.local()


def _shared_parser() -> etree.XMLParser:
    # A parser per thread, made once: building one costs as much as reading a small page.
    parser: etree.XMLParser | None = getattr(_parsers, "parser", None)
    if parser is None:
        parser = _parsers.parser = _parser()
    return parser


@cache
def schema() -> etree.XMLSchema:
    """The shipped XSD, compiled."""
    text = resources.files("newsevent").joinpath("data/event.xsd").read_bytes()
    return etree.XMLSchema(etree.fromstring(text, _parser()))


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrib: str) -> Any:
    el = etree.SubElement(parent, _Q + tag, attrib)
    if text is not None:
        el.text = text
    return el


def to_element(ev: Event) -> Any:
    """Return the ``<event>`` element of ``ev``."""
    attrib = {"version": VERSION, "date": ev.date.isoformat()}
    if ev.language is not None:
        attrib["language"] = ev.language
    if ev.prefix:
        attrib["prefix"] = ev.prefix
    if ev.slug is not None:
        attrib["slug"] = ev.slug
    nsmap: Any = {None: NS}
    root: Any = etree.Element(_Q + "event", attrib, nsmap=nsmap)
    _sub(root, "title", ev.title)
    if ev.category is not None:
        _sub(root, "category", ev.category)
    body = _sub(root, "body")
    for para in ev.body.split("\n\n") if ev.body else ():
        _sub(body, "p", para)
    if ev.sources:
        sources = _sub(root, "sources")
        for s in ev.sources:
            extra = {"image": s.image} if s.image is not None else {}
            _sub(sources, "source", s.name, url=s.url, **extra)
    if ev.cover_image is not None:
        _sub(root, "cover-image", url=ev.cover_image)
    if ev.changes:
        changes = _sub(root, "changes")
        for c in ev.changes:
            at = {"label": c.label}
            if c.timestamp is not None:
                at["timestamp"] = c.timestamp.isoformat(timespec="seconds")
            el = _sub(changes, "change", url=c.url, **at)
            _sub(el, "title", c.title)
    if ev.related:
        related = _sub(root, "related")
        for r in ev.related:
            el = _sub(related, "item", url=r.url)
            _sub(el, "title", r.title)
            for tag in r.context:
                _sub(el, "context", tag)
    _extra(root, ev.extra)
    return root


def _extra(root: Any, extra: tuple[str, ...]) -> None:
    if extra:
        extra_el = _sub(root, "extra")
        for line in extra:
            _sub(extra_el, "line", line)


def _entry(parent: Any, e: Entry) -> None:
    el = _sub(parent, "entry", url=e.url)
    _sub(el, "title", e.title)
    if e.category is not None:
        _sub(el, "category", e.category)
    if e.summary is not None:
        _sub(el, "summary", e.summary)
    for tag in e.context:
        _sub(el, "context", tag)


def _root(tag: str, attrib: dict[str, str]) -> Any:
    nsmap: Any = {None: NS}
    return etree.Element(_Q + tag, {"version": VERSION, **attrib}, nsmap=nsmap)


def _day_element(page: DayPage) -> Any:
    attrib = {"date": page.date.isoformat()}
    if page.previous is not None:
        attrib["previous"] = page.previous
    if page.prefix:
        attrib["prefix"] = page.prefix
    if page.formats:
        attrib["formats"] = "true"
    if page.language is not None:
        attrib["language"] = page.language
    root = _root("day", attrib)
    for e in page.entries:
        _entry(root, e)
    _extra(root, page.extra)
    return root


def _front_element(page: FrontPage) -> Any:
    attrib = {}
    if page.formats:
        attrib["formats"] = "true"
    if page.language is not None:
        attrib["language"] = page.language
    root = _root("front", attrib)
    for sec in page.sections:
        at = {} if sec.url is None else {"url": sec.url}
        if sec.rule:
            at["rule"] = "true"
        el = _sub(root, "section", **at)
        _sub(el, "label", sec.label)
        for e in sec.entries:
            _entry(el, e)
    _extra(root, page.extra)
    return root


def _editorial_element(page: Editorial) -> Any:
    attrib = {}
    if page.date is not None:
        attrib["date"] = page.date.isoformat()
    if page.slug is not None:
        attrib["slug"] = page.slug
    if page.prefix:
        attrib["prefix"] = page.prefix
    if page.language is not None:
        attrib["language"] = page.language
    root = _root("editorial", attrib)
    _sub(root, "title", page.title)
    _sub(root, "author", page.author)
    body = _sub(root, "body")
    for para in page.body.split("\n\n") if page.body else ():
        _sub(body, "p", para)
    _extra(root, page.extra)
    return root


def page_element(page: Page) -> Any:
    """Return the root element (``<event>``, ``<day>`` or ``<front>``) of ``page``."""
    if isinstance(page, Event):
        return to_element(page)
    if isinstance(page, DayPage):
        return _day_element(page)
    if isinstance(page, FrontPage):
        return _front_element(page)
    if isinstance(page, Editorial):
        return _editorial_element(page)
    raise TypeError(f"expected a page, not {type(page).__name__}")


def dumps(page: Page) -> str:
    """Write ``page`` as an XML document."""
    data: bytes = etree.tostring(
        page_element(page), xml_declaration=True, encoding="UTF-8", pretty_print=True
    )
    return data.decode("utf-8")


def _text(el: Any) -> str:
    return str(el.text or "")


def _build(factory: Callable[[], T], el: Any) -> T:
    try:
        return factory()
    except ParseError:
        raise  # raised for an element inside: it names that element's line already
    except (ValueError, TypeError) as exc:
        raise ParseError(str(exc), el.sourceline or 1, 1) from None


def parse_root(data: str | bytes) -> Any:
    """Parse untrusted XML safely; no DTD of any kind is accepted."""
    # Bytes go to lxml as they are: it honours their declared encoding and refuses bytes
    # that do not follow it. A str goes as UTF-8, where a lone surrogate cannot.
    raw = utf8(data) if isinstance(data, str) else data
    try:
        tree: Any = etree.fromstring(raw, _shared_parser()).getroottree()
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (1, 1)
        raise ParseError(f"malformed XML: {exc.msg}", line or 1, max(col, 1)) from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise ParseError("DTDs and entity declarations are not allowed", 1, 1)
    return tree.getroot()


def _source(el: Any) -> Source:
    return Source(name=_text(el), url=el.get("url"), image=el.get("image"))


def _change(el: Any) -> Change:
    stamp = el.get("timestamp")
    return Change(
        title=_text(el.find(_Q + "title")),
        url=el.get("url"),
        label=el.get("label"),
        timestamp=_dt.datetime.fromisoformat(stamp) if stamp else None,
    )


def _related(el: Any) -> Related:
    tags = tuple(_text(t) for t in el.iterfind(_Q + "context"))
    return Related(title=_text(el.find(_Q + "title")), url=el.get("url"), context=tags)


def _bool(value: str | None) -> bool:
    return value in ("true", "1")


def _entries(parent: Any) -> tuple[Entry, ...]:
    return tuple(_build(partial(_entry_from, el), el) for el in parent.iterfind(_Q + "entry"))


def _entry_from(el: Any) -> Entry:
    category = el.find(_Q + "category")
    summary = el.find(_Q + "summary")
    return Entry(
        title=_text(el.find(_Q + "title")),
        url=el.get("url"),
        category=None if category is None else _text(category),
        summary=None if summary is None else _text(summary),
        context=tuple(_text(t) for t in el.iterfind(_Q + "context")),
    )


def _extra_from(root: Any) -> tuple[str, ...]:
    return tuple(_text(el) for el in root.iterfind(f"{_Q}extra/{_Q}line"))


def _day_from(root: Any) -> DayPage:
    return _build(
        lambda: DayPage(
            date=_dt.date.fromisoformat(root.get("date", "")),
            entries=_entries(root),
            previous=root.get("previous"),
            prefix=root.get("prefix", ""),
            formats=_bool(root.get("formats")),
            language=root.get("language"),
            extra=_extra_from(root),
        ),
        root,
    )


def _section_from(el: Any) -> FrontSection:
    return FrontSection(
        label=_text(el.find(_Q + "label")),
        url=el.get("url"),
        entries=_entries(el),
        rule=_bool(el.get("rule")),
    )


def _front_from(root: Any) -> FrontPage:
    sections = tuple(_build(partial(_section_from, el), el) for el in root.iterfind(_Q + "section"))
    return _build(
        lambda: FrontPage(
            sections=sections,
            formats=_bool(root.get("formats")),
            language=root.get("language"),
            extra=_extra_from(root),
        ),
        root,
    )


def _editorial_from(root: Any) -> Editorial:
    date = root.get("date")
    return _build(
        lambda: Editorial(
            title=_text(root.find(_Q + "title")),
            author=_text(root.find(_Q + "author")),
            body="\n\n".join(_text(p) for p in root.iterfind(f"{_Q}body/{_Q}p")),
            date=None if date is None else _dt.date.fromisoformat(date),
            slug=root.get("slug"),
            prefix=root.get("prefix", ""),
            language=root.get("language"),
            extra=_extra_from(root),
        ),
        root,
    )


def page_from_element(root: Any, *, fast: bool = True) -> Page:
    """Build a page from a root element, validating it against the XSD first.

    With ``fast`` (the default) a document in the writer's layout whose every value passes
    the model's rules (which imply the XSD's) is read in one pass and built without
    validating twice; any other document is validated against the XSD and built by the
    validating constructors, which name the error. ``fast=False`` always does.
    """
    if fast:
        trusted = _FAST.get(root.tag)
        if trusted is not None:
            try:
                return trusted(root)
            except _Refused:
                pass
    xsd = schema()
    if not xsd.validate(root):
        err: Any = xsd.error_log.last_error  # type: ignore[attr-defined]
        msg = f"not a valid newsevent document: {err.message}"
        raise ParseError(msg, err.line or 1, max(err.column, 1))
    if root.tag == _Q + "day":
        return _day_from(root)
    if root.tag == _Q + "front":
        return _front_from(root)
    if root.tag == _Q + "editorial":
        return _editorial_from(root)
    return _event_from(root)


def from_element(root: Any) -> Event:
    """Build an Event from an ``<event>`` element, validating it against the XSD first."""
    page = page_from_element(root)
    if not isinstance(page, Event):
        raise ParseError(f"expected an <event>, not <{etree.QName(root).localname}>", 1, 1)
    return page


def _event_from(root: Any) -> Event:
    find = root.find
    category = find(_Q + "category")
    body = [_text(p) for p in root.iterfind(f"{_Q}body/{_Q}p")]
    sources = tuple(
        _build(partial(_source, el), el) for el in root.iterfind(f"{_Q}sources/{_Q}source")
    )
    cover = find(_Q + "cover-image")
    changes = tuple(
        _build(partial(_change, el), el) for el in root.iterfind(f"{_Q}changes/{_Q}change")
    )
    related = tuple(
        _build(partial(_related, el), el) for el in root.iterfind(f"{_Q}related/{_Q}item")
    )
    extra = _extra_from(root)
    return _build(
        lambda: Event(
            date=_dt.date.fromisoformat(root.get("date", "")),
            title=_text(find(_Q + "title")),
            category=None if category is None else _text(category),
            body="\n\n".join(body),
            sources=sources,
            cover_image=None if cover is None else cover.get("url"),
            related=related,
            changes=changes,
            slug=root.get("slug"),
            prefix=root.get("prefix", ""),
            language=root.get("language"),
            extra=extra,
        ),
        root,
    )


def loads(data: str | bytes) -> Page:
    """Read an XML document written by :func:`dumps` (or by hand, per the XSD)."""
    return page_from_element(parse_root(data))


# ---------------------------------------------------------------- trusted construction
# One pass over a document laid out as dumps() writes it (elements in the XSD's order, only
# whitespace between them, no attribute the XSD does not declare), checking every value by
# the model's rules, which are stricter than the XSD's types: what passes is valid against
# the XSD and is built with the unchecked constructors. At the first thing that does not
# pass, _Refused sends the document through the XSD and the validating constructors, which
# raise the error they always have. tests/test_trusted.py proves both paths agree.


class _Refused(Exception):
    pass


_REFUSED = _Refused()
_WS = " \t\n\r"
_TITLE, _CATEGORY, _SUMMARY, _CONTEXT = (
    _Q + t for t in ("title", "category", "summary", "context")
)
_ENTRY, _EXTRA, _LINE, _BODY, _P = (_Q + t for t in ("entry", "extra", "line", "body", "p"))
_SOURCES, _SOURCE, _COVER = (_Q + t for t in ("sources", "source", "cover-image"))
_CHANGES, _CHANGE, _RELATED, _ITEM = (_Q + t for t in ("changes", "change", "related", "item"))
_VERSIONS = frozenset(("1", "2"))
_LANGUAGES = frozenset((None, "en", "zh"))
_FLAGS = {None: False, "false": False, "0": False, "true": True, "1": True}
_DAY_ATTRS = frozenset(("version", "date", "previous", "prefix", "formats", "language"))
_EVENT_ATTRS = frozenset(("version", "date", "language", "prefix", "slug"))
_good_line = ok.good_line
_good_url = ok.good_url


def _blank(text: str | None) -> None:
    if text is not None and text.strip(_WS):
        raise _REFUSED


def _leaf(el: Any) -> str:
    # Text only: no attribute, no child (an entity reference or an element).
    if len(el) or el.attrib:
        raise _REFUSED
    text = el.text
    return "" if text is None else text


def _line_of(el: Any) -> str:
    text = _leaf(el)
    if not _good_line(text):
        raise _REFUSED
    return text


def _attrs(el: Any, allowed: frozenset[str]) -> dict[str, str]:
    at = dict(el.attrib)
    if not allowed.issuperset(at):
        raise _REFUSED
    return at


def _head(root: Any, allowed: frozenset[str]) -> tuple[dict[str, str], _dt.date, str, Any]:
    at = _attrs(root, allowed)
    if at.get("version") not in _VERSIONS:
        raise _REFUSED
    date = at.get("date")
    if date is None or not ok.iso_date(date):
        raise _REFUSED
    try:
        day = _dt.date.fromisoformat(date)
    except ValueError:
        raise _REFUSED from None
    prefix = at.get("prefix", "")
    language = at.get("language")
    if not ok.good_prefix(prefix) or language not in _LANGUAGES:
        raise _REFUSED
    _blank(root.text)
    return at, day, prefix, language


def _tags(children: list[Any], start: int) -> tuple[str, ...]:
    tags = []
    for el in children[start:]:
        if el.tag != _CONTEXT:
            raise _REFUSED
        _blank(el.tail)
        tag = _leaf(el)
        if not ok.good_tag(tag):
            raise _REFUSED
        tags.append(tag)
    return tuple(tags)


def _fast_entry(el: Any) -> Entry:
    at = el.attrib
    url = at.get("url")
    if len(at) != 1 or url is None or not _good_url(url):
        raise _REFUSED
    _blank(el.text)
    children = list(el)
    n = len(children)
    if not n or children[0].tag != _TITLE:
        raise _REFUSED
    for child in children:
        _blank(child.tail)
    title = _line_of(children[0])
    i = 1
    category = summary = None
    if i < n and children[i].tag == _CATEGORY:
        category = _line_of(children[i])
        i += 1
    if i < n and children[i].tag == _SUMMARY:
        summary = _line_of(children[i])
        if not summary:
            raise _REFUSED
        i += 1
    return new_entry(title, url, category, summary, _tags(children, i))


def _fast_extra(el: Any) -> tuple[str, ...]:
    if el.attrib or not len(el):
        raise _REFUSED
    _blank(el.text)
    lines = []
    for line in el:
        if line.tag != _LINE:
            raise _REFUSED
        _blank(line.tail)
        text = _leaf(line)
        if not ok.good_extra_line(text):
            raise _REFUSED
        lines.append(text)
    return tuple(lines)


def _fast_day(root: Any) -> DayPage:
    at, day, prefix, language = _head(root, _DAY_ATTRS)
    previous = at.get("previous")
    if previous is not None and not _good_url(previous):
        raise _REFUSED
    formats = _FLAGS.get(at.get("formats"))
    if formats is None:
        raise _REFUSED
    entries = []
    extra: tuple[str, ...] = ()
    for el in root:
        if extra:  # nothing after <extra>
            raise _REFUSED
        _blank(el.tail)
        if el.tag == _ENTRY:
            entries.append(_fast_entry(el))
        elif el.tag == _EXTRA:
            extra = _fast_extra(el)
        else:
            raise _REFUSED
    return new_day(day, tuple(entries), previous, prefix, formats, language, extra, None)


def _children(el: Any, tag: str) -> list[Any]:
    # A list element: no attribute, one child or more, each ``tag``, only whitespace around.
    if el.attrib:
        raise _REFUSED
    _blank(el.text)
    items = list(el)
    if not items:
        raise _REFUSED
    for item in items:
        if item.tag != tag:
            raise _REFUSED
        _blank(item.tail)
    return items


def _linked(el: Any, allowed: frozenset[str]) -> tuple[dict[str, str], str, str, list[Any]]:
    at = _attrs(el, allowed)
    url = at.get("url")
    if url is None or not _good_url(url):
        raise _REFUSED
    _blank(el.text)
    children = list(el)
    if not children or children[0].tag != _TITLE:
        raise _REFUSED
    for child in children:
        _blank(child.tail)
    return at, url, _line_of(children[0]), children


_SOURCE_ATTRS = frozenset(("url", "image"))
_CHANGE_ATTRS = frozenset(("url", "label", "timestamp"))
_ITEM_ATTRS = frozenset(("url",))


def _fast_source(el: Any) -> Source:
    at = _attrs(el, _SOURCE_ATTRS)
    url = at.get("url")
    image = at.get("image")
    if url is None or not _good_url(url) or (image is not None and not _good_url(image)):
        raise _REFUSED
    if len(el):
        raise _REFUSED
    name = "" if el.text is None else el.text
    if not _good_line(name) or (image is None and name == COVER_IMAGE):
        raise _REFUSED
    return new_source(name, url, image)


def _fast_change(el: Any) -> Change:
    at, url, title, children = _linked(el, _CHANGE_ATTRS)
    label = at.get("label")
    if len(children) != 1 or label is None or not ok.good_label(label):
        raise _REFUSED
    stamp: Any = at.get("timestamp")
    if stamp is not None:
        if not ok.iso_timestamp(stamp):
            raise _REFUSED
        try:
            stamp = _dt.datetime.fromisoformat(stamp)
        except ValueError:
            raise _REFUSED from None
    return new_change(title, url, label, stamp)


def _fast_related(el: Any) -> Related:
    _at, url, title, children = _linked(el, _ITEM_ATTRS)
    return new_related(title, url, _tags(children, 1))


_EVENT_ORDER = {
    _TITLE: 0,
    _CATEGORY: 1,
    _BODY: 2,
    _SOURCES: 3,
    _COVER: 4,
    _CHANGES: 5,
    _RELATED: 6,
    _EXTRA: 7,
}


def _fast_event(root: Any) -> Event:
    at, day, prefix, language = _head(root, _EVENT_ATTRS)
    slug = at.get("slug")
    if slug is not None and not ok.is_slug(slug):
        raise _REFUSED
    found: dict[int, Any] = {}
    last = -1
    for el in root:
        place = _EVENT_ORDER.get(el.tag, -1)
        if place <= last:  # unknown, repeated or out of order
            raise _REFUSED
        _blank(el.tail)
        last = place
        found[place] = el
    if 0 not in found or 2 not in found:
        raise _REFUSED
    title = _line_of(found[0])
    category = _line_of(found[1]) if 1 in found else None
    body_el = found[2]
    paras = [] if len(body_el) == 0 and not body_el.attrib else _children(body_el, _P)
    _blank(body_el.text)
    texts = list(map(_leaf, paras))
    body = "\n\n".join(texts)
    # Each <p> one paragraph: not empty, no blank line inside (the XSD's paragraph type).
    if not ok.good_body(body) or any(not t or "\n\n" in t for t in texts):
        raise _REFUSED
    sources = tuple(map(_fast_source, _children(found[3], _SOURCE))) if 3 in found else ()
    cover = None
    if 4 in found:
        el = found[4]
        cover = _attrs(el, _ITEM_ATTRS).get("url")
        if cover is None or not _good_url(cover) or len(el) or el.text is not None:
            raise _REFUSED
    changes = tuple(map(_fast_change, _children(found[5], _CHANGE))) if 5 in found else ()
    related = tuple(map(_fast_related, _children(found[6], _ITEM))) if 6 in found else ()
    extra = _fast_extra(found[7]) if 7 in found else ()
    return new_event(
        day,
        title,
        category,
        body,
        sources,
        cover,
        related,
        changes,
        slug,
        prefix,
        language,
        extra,
        None,
    )


_FAST: dict[str, Callable[[Any], Page]] = {_Q + "day": _fast_day, _Q + "event": _fast_event}
