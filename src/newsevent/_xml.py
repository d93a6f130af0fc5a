"""XML documents in the ``urn:x-newsevent:1`` vocabulary, validated by a shipped XSD."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from functools import cache, partial
from importlib import resources
from typing import Any, TypeVar

from lxml import etree

from ._errors import ParseError
from ._model import Change, Event, Related, Source

NS = "urn:x-newsevent:1"
VERSION = "1"
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
    if ev.extra:
        extra_el = _sub(root, "extra")
        for line in ev.extra:
            _sub(extra_el, "line", line)
    return root


def dumps(ev: Event) -> str:
    """Write ``ev`` as an XML document."""
    data: bytes = etree.tostring(
        to_element(ev), xml_declaration=True, encoding="UTF-8", pretty_print=True
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


def from_element(root: Any) -> Event:
    """Build an Event from a schema-valid ``<event>`` element."""
    xsd = schema()
    if not xsd.validate(root):
        err: Any = xsd.error_log.last_error  # type: ignore[attr-defined]
        raise ParseError(
            f"not a valid newsevent document: {err.message}", err.line or 1, max(err.column, 1)
        )
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
    extra = tuple(_text(el) for el in root.iterfind(f"{_Q}extra/{_Q}line"))
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


def loads(data: str | bytes) -> Event:
    """Read an XML document written by :func:`dumps` (or by hand, per the XSD)."""
    return from_element(parse_root(data))
