"""Standalone HTML5 pages that read well in a browser and read back exactly.

The page carries every field of the Event in its markup (an ``<article
class="newsevent">``); the schema.org JSON-LD block in the head is derived data
for search engines and is not read back.
"""

from __future__ import annotations

import datetime as _dt
import json as _stdjson
import re
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import lxml.html
from lxml import etree
from lxml.html import builder as E

from ._errors import ParseError
from ._markdown import WRITE_HEADINGS
from ._model import COVER_IMAGE, Change, Event, Related, Source

VERSION = "1"
T = TypeVar("T")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SECTION_TITLES = {
    "en": {"sources": "Sources", "related": "Related", "changes": "Changes", "extra": "Unparsed"},
    "zh": {"sources": "信息来源", "related": "有关", "changes": "Changes", "extra": "Unparsed"},
}


def is_safe_url(url: str) -> bool:
    """True for ``http:``, ``https:`` and scheme-less (relative) URLs."""
    m = _SCHEME.match(url)
    return m is None or m.group().lower() in ("http:", "https:")


def page_language(ev: Event) -> str:
    """The ``lang`` of the page: the headings' language, else a guess from the title."""
    if ev.language is not None:
        return ev.language
    return "zh" if _CJK.search(ev.title + (ev.category or "")) else "en"


def _link(url: str, text: str, cls: str) -> Any:
    # Only safe schemes become links; any other URL is kept, inert, for the round trip.
    if is_safe_url(url):
        return E.A(text, href=url, **{"class": cls})
    return E.SPAN(text, **{"class": f"{cls} inert-url", "data-url": url})


def _json_ld(ev: Event) -> str:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": ev.title,
        "datePublished": ev.date.isoformat(),
        "inLanguage": page_language(ev),
    }
    if ev.category:
        data["articleSection"] = ev.category
    if ev.body:
        data["articleBody"] = ev.body
    if ev.cover_image is not None and is_safe_url(ev.cover_image):
        data["image"] = ev.cover_image
    cites = [{"@type": "CreativeWork", "name": s.name, "url": s.url} for s in ev.sources]
    if cites:
        data["citation"] = cites
    text = _stdjson.dumps(data, ensure_ascii=False, indent=1)
    # No "</script>", "<!--" or "]]>" can appear: every <, > and & is a JSON escape.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def to_document(ev: Event) -> Any:
    """Return the lxml element tree of the page."""
    lang = page_language(ev)
    titles = _SECTION_TITLES[ev.language or "en"]
    d = ev.date
    art_attrs = {"class": "newsevent", "data-newsevent-version": VERSION, "data-prefix": ev.prefix}
    if ev.slug is not None:
        art_attrs["data-slug"] = ev.slug
    if ev.language is not None:
        art_attrs["data-language"] = ev.language
    article = E.ARTICLE(**art_attrs)
    if ev.format_urls:
        nav = E.NAV({"class": "formats"}, "Formats: ")
        for name, url in ev.format_urls.items():
            a = E.A(name.upper(), href=url, **{"class": "format"})
            a.tail = " "
            nav.append(a)
        article.append(nav)
    label = f"{d.year:04d}-{d.month:02d}-{d.day}"
    article.append(
        E.P({"class": "date"}, E.A(E.TIME(label, datetime=d.isoformat()), href=ev.day_url))
    )
    if ev.category is not None:
        article.append(E.P(ev.category, **{"class": "category"}))
    article.append(E.H1(ev.title))
    body = E.DIV({"class": "body"})
    for para in ev.body.split("\n\n") if ev.body else ():
        body.append(E.P(para))
    article.append(body)
    if ev.sources or ev.cover_image is not None:
        ol = E.OL()
        for s in ev.sources:
            li = E.LI({"class": "source"}, _link(s.url, s.name, "source-link"))
            if s.image is not None:
                img = _link(s.image, "IMG", "image-link")
                li.append(img)
                li[0].tail = " "
            ol.append(li)
        if ev.cover_image is not None:
            ol.append(E.LI({"class": "cover-image"}, _link(ev.cover_image, COVER_IMAGE, "cover")))
        article.append(E.SECTION({"class": "sources"}, E.H2(titles["sources"]), ol))
    if ev.changes:
        ol = E.OL()
        for c in ev.changes:
            li = E.LI({"class": "change", "data-label": c.label}, _link(c.url, c.title, "title"))
            li[0].tail = " "
            if c.timestamp is not None:
                ts = c.timestamp.isoformat(timespec="seconds")
                t = E.TIME(ts.replace("T", " "), datetime=ts)
                t.tail = " "
                li.append(t)
            li.append(E.SPAN(f"({c.label})", **{"class": "label"}))
            ol.append(li)
        article.append(E.SECTION({"class": "changes"}, E.H2(titles["changes"]), ol))
    if ev.related:
        ol = E.OL()
        word = WRITE_HEADINGS[ev.language or "en"][2]
        for r in ev.related:
            li = E.LI({"class": "related"}, _link(r.url, r.title, "title"))
            if r.context:
                li[0].tail = " "
                ctx = E.SPAN({"class": "context"}, f"{word}: ")
                for i, tag in enumerate(r.context):
                    span = E.SPAN(tag, **{"class": "tag"})
                    if i < len(r.context) - 1:
                        span.tail = ", "
                    ctx.append(span)
                li.append(ctx)
            ol.append(li)
        article.append(E.SECTION({"class": "related"}, E.H2(titles["related"]), ol))
    if ev.extra:
        ul = E.UL(*[E.LI(E.CODE(line), **{"class": "line"}) for line in ev.extra])
        article.append(E.SECTION({"class": "extra"}, E.H2(titles["extra"]), ul))
    script = E.SCRIPT(_json_ld(ev), type="application/ld+json")
    head = E.HEAD(
        E.META(charset="utf-8"),
        E.META(name="viewport", content="width=device-width, initial-scale=1"),
        E.META(name="generator", content=f"newsevent html {VERSION}"),
        E.TITLE(ev.title or label),
        script,
    )
    return E.HTML(head, E.BODY(article), lang=lang)


def dumps(ev: Event) -> str:
    """Write ``ev`` as a standalone HTML5 document."""
    html: str = lxml.html.tostring(
        to_document(ev), encoding="unicode", doctype="<!DOCTYPE html>", pretty_print=True
    )
    return html


# ---------------------------------------------------------------- reading


def _fail(msg: str, el: Any = None) -> ParseError:
    line = getattr(el, "sourceline", None) or 1
    return ParseError(msg, line, 1)


def _leaf(el: Any, what: str) -> str:
    if el is None:
        raise _fail(f"missing {what}")
    if len(el):
        raise _fail(f"unexpected markup inside {what}", el)
    return str(el.text or "")


def _one(parent: Any, xpath: str, what: str) -> Any:
    found = parent.xpath(xpath)
    if len(found) != 1:
        raise _fail(f"expected one {what}, found {len(found)}", parent)
    return found[0]


def _url(el: Any) -> str:
    url = el.get("href") if el.tag == "a" else el.get("data-url")
    if url is None:
        raise _fail("link without a URL", el)
    return str(url)


def _build(factory: Callable[[], T], el: Any) -> T:
    try:
        return factory()
    except (ValueError, TypeError) as exc:
        raise _fail(str(exc), el) from None


def _cls(cls: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')"


def _linked(li: Any, cls: str) -> tuple[str, str]:
    a = _one(li, f"./*[{_cls(cls)}]", f"'{cls}' link")
    return _leaf(a, "a link"), _url(a)


def loads(data: str | bytes) -> Event:
    """Read an HTML page written by :func:`dumps`.

    Any other HTML raises ParseError: the reader does not guess.
    """
    try:
        doc: Any = lxml.html.document_fromstring(data)
    except (etree.ParserError, ValueError) as exc:
        raise ParseError(f"malformed HTML: {exc}") from None
    arts: Any = doc.xpath(f"//article[{_cls('newsevent')}]")
    if len(arts) != 1 or arts[0].get("data-newsevent-version") != VERSION:
        raise ParseError(
            'not a page written by newsevent: no <article class="newsevent" '
            f'data-newsevent-version="{VERSION}">'
        )
    art: Any = arts[0]
    time_el = _one(art, f"./p[{_cls('date')}]/a/time", "date")
    try:
        date = _dt.date.fromisoformat(time_el.get("datetime") or "")
    except ValueError:
        raise _fail("invalid <time datetime>", time_el) from None
    cats = art.xpath(f"./p[{_cls('category')}]")
    category = _leaf(cats[0], "category") if cats else None
    title = _leaf(_one(art, "./h1", "<h1>"), "<h1>")
    body = "\n\n".join(
        _leaf(p, "a body paragraph") for p in _one(art, f"./div[{_cls('body')}]", "body")
    )
    sources: list[Source] = []
    cover = None
    for li in art.xpath(f"./section[{_cls('sources')}]/ol/li"):
        if "cover-image" in (li.get("class") or "").split():
            cover = _url(_one(li, "./*", "cover image link"))
            continue
        name, url = _linked(li, "source-link")
        imgs = li.xpath(f"./*[{_cls('image-link')}]")
        image = _url(imgs[0]) if imgs else None
        sources.append(_build(partial(Source, name=name, url=url, image=image), li))
    changes: list[Change] = []
    for li in art.xpath(f"./section[{_cls('changes')}]/ol/li"):
        t, url = _linked(li, "title")
        times = li.xpath("./time")
        stamp = times[0].get("datetime") if times else None
        label = li.get("data-label")

        def change(
            t: str = t, url: str = url, stamp: str | None = stamp, label: Any = label
        ) -> Change:
            ts = _dt.datetime.fromisoformat(stamp) if stamp else None
            return Change(title=t, url=url, label=label, timestamp=ts)

        changes.append(_build(change, li))
    related: list[Related] = []
    for li in art.xpath(f"./section[{_cls('related')}]/ol/li"):
        t, url = _linked(li, "title")
        tags = tuple(_leaf(s, "a context tag") for s in li.xpath(f"./span[{_cls('context')}]/span"))
        related.append(_build(partial(Related, title=t, url=url, context=tags), li))
    extra = tuple(
        _leaf(c, "an unparsed line") for c in art.xpath(f"./section[{_cls('extra')}]/ul/li/code")
    )
    language: Any = art.get("data-language")
    return _build(
        lambda: Event(
            date=date,
            title=title,
            category=category,
            body=body,
            sources=tuple(sources),
            cover_image=cover,
            related=tuple(related),
            changes=tuple(changes),
            slug=art.get("data-slug"),
            prefix=art.get("data-prefix") or "",
            language=language,
            extra=extra,
        ),
        art,
    )
