"""XML documents in the ``urn:x-newsevent:1`` vocabulary, validated by a shipped XSD."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from functools import cache, partial
from importlib import resources
from typing import Any, TypeVar

from lxml import etree

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
    except (ValueError, TypeError) as exc:
        raise ParseError(str(exc), el.sourceline or 1, 1) from None


def parse_root(data: str | bytes) -> Any:
    """Parse untrusted XML safely; no DTD of any kind is accepted."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        tree: Any = etree.fromstring(raw, _parser()).getroottree()
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


def page_from_element(root: Any) -> Page:
    """Build a page from a root element, validating it against the XSD first."""
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
