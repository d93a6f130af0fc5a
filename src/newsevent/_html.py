"""Standalone HTML5 pages that read well in a browser and read back exactly.

The page carries every field of the Event in its markup (an ``<article
class="newsevent">``); the schema.org JSON-LD block in the head is derived data
for search engines and is not read back.
"""

from __future__ import annotations

import codecs
import datetime as _dt
import json as _stdjson
import re
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import lxml.html
from lxml import etree
from lxml.html.builder import E  # tag factory: E.article(...), any tag name

from . import _checks as ok
from . import _inline
from ._errors import ParseError
from ._md.common import WRITE_HEADINGS, WRITE_PREVIOUS
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
    day_label,
    new_day,
    new_entry,
)
from ._text import normalize_url, utf8

VERSION = "2"
_READ_VERSIONS = ("1", "2")  # version 1 pages held percent-encoded URLs in href
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
    # A link's href is the ASCII URI; a URL written otherwise rides along in data-url.
    if is_safe_url(url):
        href = normalize_url(url)
        if href == url:
            return E.a(text, href=href, **{"class": cls})
        return E.a(text, href=href, **{"class": cls, "data-url": url})
    return E.span(text, **{"class": f"{cls} inert-url", "data-url": url})


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
    return _ld_text(data)


def _ld_text(data: dict[str, Any]) -> str:
    text = _stdjson.dumps(data, ensure_ascii=False, indent=1)
    # No "</script>", "<!--" or "]]>" can appear: every <, > and & is a JSON escape.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _document(title: str, lang: str, ld: str, article: Any) -> Any:
    head = E.head(
        E.meta(charset="utf-8"),
        E.meta(name="viewport", content="width=device-width, initial-scale=1"),
        E.meta(name="generator", content=f"newsevent html {VERSION}"),
        E.title(title),
        E.script(ld, type="application/ld+json"),
    )
    return E.html(head, E.body(article), lang=lang)


def _formats_nav(urls: dict[str, str]) -> Any:
    nav = E.nav({"class": "formats"}, "Formats: ")
    for name, url in urls.items():
        a = E.a(name.upper(), href=url, **{"class": "format"})
        a.tail = " "
        nav.append(a)
    return nav


def _context(word: str, tags: tuple[str, ...], tag: Any = E.span) -> Any:
    ctx = tag({"class": "context"}, f"{word}: ")
    for i, t in enumerate(tags):
        span = E.span(t, **{"class": "tag"})
        if i < len(tags) - 1:
            span.tail = ", "
        ctx.append(span)
    return ctx


def _extra_section(extra: tuple[str, ...], title: str) -> Any:
    ul = E.ul(*[E.li(E.code(line), **{"class": "line"}) for line in extra])
    return E.section({"class": "extra"}, E.h2(title), ul)


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
    article = E.article(**art_attrs)
    if ev.format_urls:
        article.append(_formats_nav(ev.format_urls))
    label = day_label(d)
    article.append(
        E.p({"class": "date"}, E.a(E.time(label, datetime=d.isoformat()), href=ev.day_url))
    )
    if ev.category is not None:
        article.append(E.p(ev.category, **{"class": "category"}))
    article.append(E.h1(ev.title))
    body = E.div({"class": "body"})
    for para in ev.body.split("\n\n") if ev.body else ():
        body.append(E.p(para))
    article.append(body)
    if ev.sources or ev.cover_image is not None:
        ol = E.ol()
        for s in ev.sources:
            li = E.li({"class": "source"}, _link(s.url, s.name, "source-link"))
            if s.image is not None:
                img = _link(s.image, "IMG", "image-link")
                li.append(img)
                li[0].tail = " "
            ol.append(li)
        if ev.cover_image is not None:
            ol.append(E.li({"class": "cover-image"}, _link(ev.cover_image, COVER_IMAGE, "cover")))
        article.append(E.section({"class": "sources"}, E.h2(titles["sources"]), ol))
    if ev.changes:
        ol = E.ol()
        for c in ev.changes:
            li = E.li({"class": "change", "data-label": c.label}, _link(c.url, c.title, "title"))
            li[0].tail = " "
            if c.timestamp is not None:
                ts = c.timestamp.isoformat(timespec="seconds")
                t = E.time(ts.replace("T", " "), datetime=ts)
                t.tail = " "
                li.append(t)
            li.append(E.span(f"({c.label})", **{"class": "label"}))
            ol.append(li)
        article.append(E.section({"class": "changes"}, E.h2(titles["changes"]), ol))
    if ev.related:
        ol = E.ol()
        word = WRITE_HEADINGS[ev.language or "en"][2]
        for r in ev.related:
            li = E.li({"class": "related"}, _link(r.url, r.title, "title"))
            if r.context:
                li[0].tail = " "
                li.append(_context(word, r.context))
            ol.append(li)
        article.append(E.section({"class": "related"}, E.h2(titles["related"]), ol))
    if ev.extra:
        article.append(_extra_section(ev.extra, titles["extra"]))
    return _document(ev.title or label, lang, _json_ld(ev), article)


def _entry(e: Entry, word: str) -> Any:
    art = E.article({"class": "entry"})
    if e.category is not None:
        art.append(E.p(e.category, **{"class": "category"}))
    art.append(E.h3(_link(e.url, e.title, "title")))
    if e.summary is not None:
        art.append(E.p(e.summary, **{"class": "summary"}))
    if e.context:
        art.append(_context(word, e.context, E.p))
    return art


def _item_list(name: str, entries: tuple[Entry, ...], lang: str) -> str:
    items = [
        {"@type": "ListItem", "position": i, "name": e.title, "url": e.url}
        for i, e in enumerate(entries, 1)
        if is_safe_url(e.url)
    ]
    data = {"@context": "https://schema.org", "@type": "ItemList", "name": name}
    return _ld_text({**data, "inLanguage": lang, "itemListElement": items})


def _listing_lang(language: str | None, entries: tuple[Entry, ...]) -> str:
    if language is not None:
        return language
    text = "".join(e.title + (e.category or "") for e in entries[:5])
    return "zh" if _CJK.search(text) else "en"


def _day_document(page: DayPage) -> Any:
    lang = _listing_lang(page.language, page.entries)
    d = page.date
    attrs = {
        "class": "newsevent-day",
        "data-newsevent-version": VERSION,
        "data-prefix": page.prefix,
    }
    if page.language is not None:
        attrs["data-language"] = page.language
    art = E.article(**attrs)
    if page.formats:
        art.append(_formats_nav(page.format_urls))
    label = day_label(d)
    art.append(E.h1(E.a(E.time(label, datetime=d.isoformat()), href=page.url)))
    word = WRITE_HEADINGS[page.language or "en"][2]
    art.append(E.section({"class": "entries"}, *[_entry(e, word) for e in page.entries]))
    if page.previous is not None:
        prev = WRITE_PREVIOUS[page.language or "en"]
        art.append(E.nav({"class": "previous"}, _link(page.previous, prev, "previous")))
    if page.extra:
        art.append(_extra_section(page.extra, "Unparsed"))
    return _document(label, lang, _item_list(d.isoformat(), page.entries, lang), art)


def _front_document(page: FrontPage) -> Any:
    lang = _listing_lang(page.language, page.entries)
    attrs = {"class": "newsevent-front", "data-newsevent-version": VERSION}
    if page.language is not None:
        attrs["data-language"] = page.language
    art = E.article(**attrs)
    if page.formats:
        art.append(_formats_nav(page.format_urls))
    word = WRITE_HEADINGS[page.language or "en"][2]
    for sec in page.sections:
        head = E.h2(sec.label if sec.url is None else _link(sec.url, sec.label, "day"))
        at = {"class": "section"}
        if sec.rule:
            at["data-rule"] = "true"
        art.append(E.section(at, head, *[_entry(e, word) for e in sec.entries]))
        if sec.rule:
            art.append(E.hr())
    if page.extra:
        art.append(_extra_section(page.extra, "Unparsed"))
    title = page.sections[0].label if page.sections else "newsevent"
    return _document(title, lang, _item_list(title, page.entries, lang), art)


def _rendered(para: str) -> Any:
    # The paragraph's Markdown rides along in data-md: the reader takes it back exactly.
    p = E.p(**{"data-md": para})
    last: Any = None
    for node in _inline.nodes(para):
        if node[0] == "link":
            el = _link(node[2], node[1], "inline")
        elif node[0] == "em":
            el = E.em(node[1])
        else:
            if last is None:
                p.text = (p.text or "") + node[1]
            else:
                last.tail = (last.tail or "") + node[1]
            continue
        p.append(el)
        last = el
    return p


def _editorial_document(page: Editorial) -> Any:
    lang = page.language or ("zh" if _CJK.search(page.title) else "en")
    attrs = {"class": "newsevent-editorial", "data-newsevent-version": VERSION}
    if page.prefix:
        attrs["data-prefix"] = page.prefix
    if page.slug is not None:
        attrs["data-slug"] = page.slug
    if page.language is not None:
        attrs["data-language"] = page.language
    art = E.article(**attrs)
    if page.date is not None:
        art.append(
            E.p(E.time(page.date.isoformat(), datetime=page.date.isoformat()), **{"class": "date"})
        )
    art.append(E.h1(page.title))
    art.append(E.p("by ", E.span(page.author, **{"class": "name"}), **{"class": "author"}))
    paras = page.body.split("\n\n") if page.body else []
    art.append(E.div({"class": "body"}, *[_rendered(p) for p in paras]))
    if page.extra:
        art.append(_extra_section(page.extra, "Unparsed"))
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "OpinionNewsArticle",
        "headline": page.title,
        "author": {"@type": "Person", "name": page.author},
        "inLanguage": lang,
    }
    if page.date is not None:
        data["datePublished"] = page.date.isoformat()
    return _document(page.title, lang, _ld_text(data), art)


def dumps(page: Page) -> str:
    """Write ``page`` as a standalone HTML5 document."""
    return serialize(document(page))


def serialize(doc: Any) -> str:
    """The HTML5 text of a document tree from :func:`document`."""
    html: str = lxml.html.tostring(
        doc, encoding="unicode", doctype="<!DOCTYPE html>", pretty_print=True
    )
    return html


def document(page: Page) -> Any:
    """The lxml tree of ``page``'s HTML document."""
    if isinstance(page, Event):
        doc = to_document(page)
    elif isinstance(page, DayPage):
        doc = _day_document(page)
    elif isinstance(page, FrontPage):
        doc = _front_document(page)
    elif isinstance(page, Editorial):
        doc = _editorial_document(page)
    else:
        raise TypeError(f"expected a page, not {type(page).__name__}")
    return doc


# ---------------------------------------------------------------- reading


def _fail(msg: str, el: Any) -> ParseError:
    # Every element comes from the parsed page; one built in memory has no source line.
    return ParseError(msg, el.sourceline or 1, 1)


def _leaf(el: Any, what: str) -> str:
    # ``el`` is always an element a query found: no caller passes None.
    if len(el):
        raise _fail(f"unexpected markup inside {what}", el)
    return str(el.text or "")


def _one(parent: Any, xpath: str, what: str) -> Any:
    found = parent.xpath(xpath)
    if len(found) != 1:
        raise _fail(f"expected one {what}, found {len(found)}", parent)
    return found[0]


def _url(el: Any) -> str:
    url = el.get("data-url")
    if url is None and el.tag == "a":
        url = el.get("href")
    if url is None:
        raise _fail("link without a URL", el)
    return str(url)


def _build(factory: Callable[[], T], el: Any) -> T:
    try:
        return factory()
    except ParseError:
        raise  # raised for an element inside: it names that element's line already
    except (ValueError, TypeError) as exc:
        raise _fail(str(exc), el) from None


def _cls(cls: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')"


def _linked(li: Any, cls: str) -> tuple[str, str]:
    a = _one(li, f"./*[{_cls(cls)}]", f"'{cls}' link")
    return _leaf(a, "a link"), _url(a)


_KINDS = ("newsevent", "newsevent-day", "newsevent-front", "newsevent-editorial")


# lxml.html's parser with plain elements: the same tree, without a Python class lookup for
# every element the reader touches. Bytes are read as UTF-8, the encoding newsevent writes,
# unless the document declares another one (then the second parser honours it).
_PARSER = etree.HTMLParser(encoding="utf-8")
_DECLARED = etree.HTMLParser()
_CHARSET = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)


def _parsed(data: str | bytes) -> Any:
    """The tree of ``data``. UTF-8 is checked, not repaired: lxml would replace a bad byte
    (or read bytes without a declaration as Latin-1) without a word."""
    if isinstance(data, bytes) and (
        data.startswith((b"\xff\xfe", b"\xfe\xff")) or _declares_other(data)
    ):
        raw, parser = data, _DECLARED  # UTF-16 by its BOM, or another declared encoding
    else:
        raw, parser = utf8(data), _PARSER
    try:
        doc: Any = etree.fromstring(raw, parser)
    except (etree.ParserError, ValueError) as exc:
        raise ParseError(f"malformed HTML: {exc}") from None
    if doc is None:
        raise ParseError("malformed HTML: Document is empty")
    return doc


def _declares_other(data: bytes) -> bool:
    m = _CHARSET.search(data)
    if m is None:
        return False
    try:
        return codecs.lookup(m[1].decode("ascii")).name != "utf-8"
    except LookupError:
        return False  # a name no codec has: read as UTF-8, the reader's own encoding


def loads(data: str | bytes, *, fast: bool = True) -> Page:
    """Read an HTML page written by :func:`dumps`.

    Any other HTML raises ParseError: the reader does not guess. With ``fast`` (the default)
    a day page in the writer's exact layout whose values pass the model's rules is read in
    one pass and built without validating twice; any other page is read as before.
    """
    doc = _parsed(data)
    if fast:
        try:
            return _fast_page(doc)
        except _Refused:
            pass
    found = " or ".join(_cls(k) for k in _KINDS)
    arts: Any = doc.xpath(f"//article[{found}]")
    if len(arts) != 1 or arts[0].get("data-newsevent-version") not in _READ_VERSIONS:
        raise ParseError(
            'not a page written by newsevent: no <article class="newsevent…" '
            f'data-newsevent-version="{VERSION}">'
        )
    art: Any = arts[0]
    kind = (art.get("class") or "").split()
    if "newsevent-day" in kind:
        return _day_from(art)
    if "newsevent-front" in kind:
        return _front_from(art)
    if "newsevent-editorial" in kind:
        return _editorial_from(art)
    return _event_from(art)


def _entries_from(parent: Any) -> tuple[Entry, ...]:
    out = []
    for el in parent.xpath(f"./article[{_cls('entry')}]"):
        cats = el.xpath(f"./p[{_cls('category')}]")
        sums = el.xpath(f"./p[{_cls('summary')}]")
        link = _one(el, f"./h3/*[{_cls('title')}]", "entry link")
        tags = tuple(_leaf(t, "a context tag") for t in el.xpath(f"./p[{_cls('context')}]/span"))
        fields = {
            "title": _leaf(link, "an entry title"),
            "url": _url(link),
            "category": _leaf(cats[0], "a category") if cats else None,
            "summary": _leaf(sums[0], "a summary") if sums else None,
            "context": tags,
        }
        out.append(_build(partial(Entry, **fields), el))  # type: ignore[arg-type]
    return tuple(out)


def _extra_from(art: Any) -> tuple[str, ...]:
    return tuple(
        _leaf(c, "an unparsed line") for c in art.xpath(f"./section[{_cls('extra')}]/ul/li/code")
    )


def _time_date(el: Any) -> _dt.date:
    """The date of a ``<time datetime="YYYY-MM-DD">`` element (that form only: Python 3.11
    would also read ``20121108`` and week dates, which newsevent never writes)."""
    value = el.get("datetime") or ""
    try:
        if ok.iso_date(value):
            return _dt.date.fromisoformat(value)
    except ValueError:
        pass
    raise _fail("invalid <time datetime>", el)


def _day_from(art: Any) -> DayPage:
    time_el = _one(art, "./h1/a/time", "date")
    date = _time_date(time_el)
    prev = art.xpath(f"./nav[{_cls('previous')}]/*")
    language: Any = art.get("data-language")
    return _build(
        lambda: DayPage(
            date=date,
            entries=_entries_from(_one(art, f"./section[{_cls('entries')}]", "entries")),
            previous=_url(prev[0]) if prev else None,
            prefix=art.get("data-prefix") or "",
            formats=bool(art.xpath(f"./nav[{_cls('formats')}]")),
            language=language,
            extra=_extra_from(art),
        ),
        art,
    )


def _front_from(art: Any) -> FrontPage:
    sections = []
    for sec in art.xpath(f"./section[{_cls('section')}]"):
        h2 = _one(sec, "./h2", "section heading")
        links = h2.xpath("./*")
        label = _leaf(links[0], "a section link") if links else _leaf(h2, "a section heading")
        url = _url(links[0]) if links else None
        fields = {
            "label": label,
            "url": url,
            "entries": _entries_from(sec),
            "rule": sec.get("data-rule") == "true",
        }
        sections.append(_build(partial(FrontSection, **fields), sec))
    language: Any = art.get("data-language")
    return _build(
        lambda: FrontPage(
            sections=tuple(sections),
            formats=bool(art.xpath(f"./nav[{_cls('formats')}]")),
            language=language,
            extra=_extra_from(art),
        ),
        art,
    )


def _editorial_from(art: Any) -> Editorial:
    times = art.xpath(f"./p[{_cls('date')}]/time")
    date = _time_date(times[0]) if times else None
    paras = []
    for p in _one(art, f"./div[{_cls('body')}]", "body").xpath("./p"):
        md = p.get("data-md")
        if md is None:
            raise _fail("body paragraph without data-md", p)
        paras.append(str(md))
    author = _one(art, f"./p[{_cls('author')}]/span[{_cls('name')}]", "author")
    language: Any = art.get("data-language")
    return _build(
        lambda: Editorial(
            title=_leaf(_one(art, "./h1", "<h1>"), "<h1>"),
            author=_leaf(author, "the author"),
            body="\n\n".join(paras),
            date=date,
            slug=art.get("data-slug"),
            prefix=art.get("data-prefix") or "",
            language=language,
            extra=_extra_from(art),
        ),
        art,
    )


def _event_from(art: Any) -> Event:
    time_el = _one(art, f"./p[{_cls('date')}]/a/time", "date")
    date = _time_date(time_el)
    cats = art.xpath(f"./p[{_cls('category')}]")
    category = _leaf(cats[0], "category") if cats else None
    title = _leaf(_one(art, "./h1", "<h1>"), "<h1>")
    body_div = _one(art, f"./div[{_cls('body')}]", "body")
    # Elements only: a comment or processing instruction in the body is not a paragraph.
    body = "\n\n".join(_leaf(p, "a body paragraph") for p in body_div.iterchildren(etree.Element))
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
        if stamp is not None and not ok.iso_timestamp(stamp):
            raise _fail("invalid <time datetime>: expected YYYY-MM-DDTHH:MM:SS", times[0])
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
    extra = _extra_from(art)
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


# ---------------------------------------------------------------- trusted construction
# A page laid out exactly as dumps() writes it (known tags and exact class names in the
# writer's order) is read in one pass; its values are checked by the model's rules and built
# with the unchecked constructors. On such a page the reader's queries above find exactly
# the elements the pass visits. Anything else raises _Refused and loads() reads the page with
# those queries and the validating constructors, which raise the error they always have.
# tests/test_trusted.py proves both paths agree.


class _Refused(Exception):
    pass


_REFUSED = _Refused()
_LANGUAGES = frozenset((None, "en", "zh"))
_TITLE_CLASSES = frozenset(("title", "title inert-url"))  # a link, or an unsafe URL kept inert
_good_line = ok.good_line
_good_url = ok.good_url


def _fast_page(doc: Any) -> Page:
    if next(doc.itersiblings(etree.Element), None) is not None:
        raise _REFUSED  # a second document after the first: its articles count too
    top = None
    for art in doc.iter("article"):
        cls = art.get("class")
        if cls == "entry":
            continue
        if top is not None or cls != "newsevent-day":  # other kinds: read as before
            raise _REFUSED
        top = art
    if top is None or top.get("data-newsevent-version") not in _READ_VERSIONS:
        raise _REFUSED
    return _fast_day(top)


def _fast_url(el: Any) -> str:
    url = el.get("data-url")
    if url is None and el.tag == "a":
        url = el.get("href")
    if url is None or not _good_url(url):
        raise _REFUSED
    return str(url)


def _fast_leaf(el: Any) -> str:
    if len(el):
        raise _REFUSED
    text = el.text
    return "" if text is None else str(text)


def _fast_entry(el: Any) -> Entry:
    category = summary = None
    tags: tuple[str, ...] = ()
    title = url = None
    step = 0  # the writer's order: category?, h3, summary?, context?
    for child in el:
        tag = child.tag
        cls = child.get("class")
        if tag == "p" and cls == "category" and step == 0:
            category = _fast_leaf(child)
            if not _good_line(category):
                raise _REFUSED
            step = 1
        elif tag == "h3" and step < 2:
            if len(child) != 1 or child[0].get("class") not in _TITLE_CLASSES:
                raise _REFUSED
            link = child[0]
            title = _fast_leaf(link)
            url = _fast_url(link)
            step = 2
        elif tag == "p" and cls == "summary" and step == 2:
            summary = _fast_leaf(child)
            if not summary or not _good_line(summary):
                raise _REFUSED
            step = 3
        elif tag == "p" and cls == "context" and step in (2, 3):
            found = []
            for span in child:
                if span.tag != "span":
                    raise _REFUSED
                text = _fast_leaf(span)
                if not ok.good_tag(text):
                    raise _REFUSED
                found.append(text)
            tags = tuple(found)
            step = 4
        else:
            raise _REFUSED
    if title is None or url is None or not _good_line(title):
        raise _REFUSED
    return new_entry(title, url, category, summary, tags)


def _fast_extra(section: Any) -> tuple[str, ...]:
    if len(section) != 2 or section[0].tag != "h2" or section[1].tag != "ul":
        raise _REFUSED
    lines = []
    for li in section[1]:
        if li.tag != "li" or len(li) != 1 or li[0].tag != "code":
            raise _REFUSED
        line = _fast_leaf(li[0])
        if not ok.good_extra_line(line):
            raise _REFUSED
        lines.append(line)
    if not lines:
        raise _REFUSED
    return tuple(lines)


def _fast_day(art: Any) -> DayPage:
    language = art.get("data-language")
    prefix = art.get("data-prefix") or ""
    if language not in _LANGUAGES or not ok.good_prefix(prefix):
        raise _REFUSED
    formats = False
    date = entries = previous = None
    extra: tuple[str, ...] = ()
    step = 0  # the writer's order: nav.formats?, h1, section.entries, nav.previous?, extra?
    for child in art:
        tag = child.tag
        cls = child.get("class")
        if tag == "nav" and cls == "formats" and step == 0:
            formats = True
            step = 1
        elif tag == "h1" and step < 2:
            if len(child) != 1 or child[0].tag != "a":
                raise _REFUSED
            a = child[0]
            if len(a) != 1 or a[0].tag != "time":
                raise _REFUSED
            stamp = a[0].get("datetime")
            if stamp is None or not ok.iso_date(stamp):
                raise _REFUSED
            try:
                date = _dt.date.fromisoformat(stamp)
            except ValueError:
                raise _REFUSED from None
            step = 2
        elif tag == "section" and cls == "entries" and step == 2:
            found = []
            for e in child:
                if e.tag != "article" or e.get("class") != "entry":
                    raise _REFUSED
                found.append(_fast_entry(e))
            entries = tuple(found)
            step = 3
        elif tag == "nav" and cls == "previous" and step == 3:
            if len(child) != 1:
                raise _REFUSED
            previous = _fast_url(child[0])
            step = 4
        elif tag == "section" and cls == "extra" and step in (3, 4):
            extra = _fast_extra(child)
            step = 5
        else:
            raise _REFUSED
    if date is None or entries is None:
        raise _REFUSED
    return new_day(date, entries, previous, prefix, formats, language, extra, None)
