"""News feeds of events and editorials: RSS 2.0, Atom 1.0 and JSON Feed 1.1.

Each function takes any iterable of pages with a known address (an :class:`~newsevent.Event`
with a slug, an :class:`~newsevent.Editorial` with a date and slug), keeps the newest
``size`` (newest first; ties by address), and returns the feed as text. The output depends
on the pages and the arguments only (no clock is read), so a rebuild is byte-identical:

- item ids are stable: ``tag:thecontext.net,YYYY-MM-DD:<site path>``, the page's day and
  its address on the site;
- dates are the pages' days at midnight UTC, RFC 822 in RSS, RFC 3339 in Atom and JSON
  Feed; the feed's own date is its newest item's;
- links are the pages' HTML addresses, absolute under ``base_url``, the address the site
  is published at; without it, relative to the feed (which lies at the site's root). Atom
  1.0 resolves a relative link against the feed's own address (RFC 4287, section 4.2.7.1
  and xml:base); RSS 2.0 and JSON Feed 1.1 define every link as a URL, so a feed to be
  published in those formats needs ``base_url`` (readers that resolve a relative link
  against the feed's address, as feedparser does, read it either way).

The XML is written with lxml and the JSON with the standard library, not with a feed
library: feedgen cannot write JSON Feed and stamps its output with the build time unless
told otherwise, and lxml gives full control of every byte.
"""

from __future__ import annotations

import datetime as _dt
import json as _stdjson
from collections.abc import Iterable
from email.utils import format_datetime
from typing import Any, NamedTuple
from urllib.parse import quote, urlsplit

from lxml import etree

from ._model import Editorial, Event

__all__ = ["FeedItem", "atom", "item", "json_feed", "rss"]

ATOM_NS = "http://www.w3.org/2005/Atom"
DC_NS = "http://purl.org/dc/elements/1.1/"
SITE_TITLE = "the Context"
_TAG_AUTHORITY = "thecontext.net"


class FeedItem(NamedTuple):
    """One entry of a feed, as every feed format needs it."""

    title: str
    """The page's title."""
    path: str
    """The page's site path without suffix, e.g. ``news/2017/04/4/slug``."""
    date: _dt.date
    """The page's day."""
    summary: str
    """A plain-text summary: the first paragraph, or the title."""
    author: str | None
    """The editorial's author; ``None`` for events."""

    @property
    def id(self) -> str:
        """The stable id: a ``tag:`` URI of the page's day and path."""
        return f"tag:{_TAG_AUTHORITY},{self.date.isoformat()}:/{self.path}"

    def link(self, base_url: str | None) -> str:
        """The page's HTML address (percent-encoded), under ``base_url`` when given."""
        return _under(base_url, quote(self.path, safe="/") + ".html")

    @property
    def stamp(self) -> _dt.datetime:
        """The page's day at midnight UTC."""
        return _dt.datetime.combine(self.date, _dt.time(), _dt.timezone.utc)


def _under(base_url: str | None, path: str) -> str:
    return path if base_url is None else base_url.rstrip("/") + "/" + path


def _absolute_base(base_url: str, what: str = "base_url") -> str:
    """``base_url`` when it is an absolute http(s) URL; ValueError otherwise."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(
            f"{what} must be an absolute http(s) URL without query or fragment, "
            f"like https://example.org/site/, not {base_url!r}"
        )
    return base_url


def _feed_id(feed_path: str, language: str | None) -> str:
    # The editions lived side by side on one site: the zh one under /zh/.
    lang = _lang(language)
    where = feed_path if lang == "en" else f"{lang}/{feed_path}"
    return f"tag:{_TAG_AUTHORITY},2017:/{where}"


def item(page: Event | Editorial) -> FeedItem:
    """The feed item of ``page``; ValueError when its address is not known."""
    if isinstance(page, Event):
        if page.slug is None:
            raise ValueError(f"event {page.title!r} has no slug: its address is not known")
        first = page.body.split("\n\n")[0].replace("\n", " ") if page.body else page.title
        return FeedItem(page.title, page.url[1:-3], page.date, first, None)  # type: ignore[index]
    if isinstance(page, Editorial):
        if page.path is None or page.date is None:
            raise ValueError(f"editorial {page.title!r} has no date and slug")
        first = page.body.split("\n\n")[0].replace("\n", " ") if page.body else page.title
        return FeedItem(page.title, page.path[1:] + "/README", page.date, first, page.author)
    raise TypeError(f"expected an Event or Editorial, not {type(page).__name__}")


def _newest(pages: Iterable[Event | Editorial | FeedItem], size: int) -> list[FeedItem]:
    items = [p if isinstance(p, FeedItem) else item(p) for p in pages]
    items.sort(key=lambda i: (i.date, i.path), reverse=True)
    return items[:size]


def _lang(language: str | None) -> str:
    return language or "en"


def rss(
    pages: Iterable[Event | Editorial | FeedItem],
    *,
    title: str = SITE_TITLE,
    home: str = "index.html",
    description: str = "News events",
    language: str | None = None,
    base_url: str | None = None,
    feed_path: str = "index_rss.xml",
    size: int = 50,
) -> str:
    """An RSS 2.0 document of the newest ``size`` pages.

    Links are absolute under ``base_url`` (the site's absolute address), as RSS 2.0 asks
    (it defines the channel's and each item's ``link`` as a URL); without it they are
    relative to the feed, at the site's root, and the feed names no ``self`` link.
    """
    base = None if base_url is None else _absolute_base(base_url)
    items = _newest(pages, size)
    nsmap: Any = {"atom": ATOM_NS}
    if any(it.author is not None for it in items):
        nsmap["dc"] = DC_NS
    root = etree.Element("rss", version="2.0", nsmap=nsmap)
    ch = etree.SubElement(root, "channel")
    etree.SubElement(ch, "title").text = title
    etree.SubElement(ch, "link").text = _under(base, home)
    etree.SubElement(ch, "description").text = description
    etree.SubElement(ch, "language").text = _lang(language)
    if base is not None:
        etree.SubElement(
            ch,
            "{" + ATOM_NS + "}link",
            href=_under(base, feed_path),
            rel="self",
            type="application/rss+xml",
        )
    if items:
        etree.SubElement(ch, "lastBuildDate").text = format_datetime(items[0].stamp)
    for it in items:
        el = etree.SubElement(ch, "item")
        etree.SubElement(el, "title").text = it.title
        etree.SubElement(el, "link").text = it.link(base)
        etree.SubElement(el, "description").text = it.summary
        if it.author is not None:
            etree.SubElement(el, "{" + DC_NS + "}creator").text = it.author
        etree.SubElement(el, "guid", isPermaLink="false").text = it.id
        etree.SubElement(el, "pubDate").text = format_datetime(it.stamp)
    return _xml_text(root)


def atom(
    pages: Iterable[Event | Editorial | FeedItem],
    *,
    title: str = SITE_TITLE,
    home: str = "index.html",
    language: str | None = None,
    base_url: str | None = None,
    feed_path: str = "index_atom.xml",
    size: int = 50,
) -> str:
    """An Atom 1.0 document of the newest ``size`` pages.

    Links are absolute under ``base_url`` when it is given, else relative to the feed,
    which lies at the site's root (``feed_path``).
    """
    if base_url is not None:
        _absolute_base(base_url)
    items = _newest(pages, size)
    a = "{" + ATOM_NS + "}"
    nsmap: Any = {None: ATOM_NS}
    root = etree.Element(a + "feed", nsmap=nsmap)
    root.set("{http://www.w3.org/XML/1998/namespace}lang", _lang(language))
    etree.SubElement(root, a + "id").text = _feed_id(feed_path, language)
    etree.SubElement(root, a + "title").text = title
    updated = items[0].stamp if items else _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)
    etree.SubElement(root, a + "updated").text = updated.isoformat()
    etree.SubElement(root, a + "link", rel="alternate", href=_under(base_url, home))
    if base_url is not None:
        etree.SubElement(root, a + "link", rel="self", href=_under(base_url, feed_path))
    author = etree.SubElement(root, a + "author")
    etree.SubElement(author, a + "name").text = title
    for it in items:
        el = etree.SubElement(root, a + "entry")
        etree.SubElement(el, a + "id").text = it.id
        etree.SubElement(el, a + "title").text = it.title
        etree.SubElement(el, a + "updated").text = it.stamp.isoformat()
        etree.SubElement(el, a + "published").text = it.stamp.isoformat()
        etree.SubElement(el, a + "link", rel="alternate", href=it.link(base_url))
        if it.author is not None:
            name = etree.SubElement(etree.SubElement(el, a + "author"), a + "name")
            name.text = it.author
        etree.SubElement(el, a + "summary").text = it.summary
    return _xml_text(root)


def json_feed(
    pages: Iterable[Event | Editorial | FeedItem],
    *,
    title: str = SITE_TITLE,
    home: str = "index.html",
    language: str | None = None,
    base_url: str | None = None,
    feed_path: str = "index_feed.json",
    size: int = 50,
) -> str:
    """A JSON Feed 1.1 document of the newest ``size`` pages.

    Links are absolute under ``base_url`` (the site's absolute address), as JSON Feed 1.1
    asks (``home_page_url``, ``feed_url`` and each item's ``url`` are URLs); without it
    the items' ``url`` are relative to the feed, at the site's root, and the two optional
    feed-level URLs are left out.
    """
    base = None if base_url is None else _absolute_base(base_url)
    items = _newest(pages, size)
    doc: dict[str, Any] = {"version": "https://jsonfeed.org/version/1.1", "title": title}
    if base is not None:
        doc["home_page_url"] = _under(base, home)
        doc["feed_url"] = _under(base, feed_path)
    doc["language"] = _lang(language)
    entries = []
    for it in items:
        entry: dict[str, Any] = {
            "id": it.id,
            "url": it.link(base),
            "title": it.title,
            "content_text": it.summary,
            "date_published": it.stamp.isoformat(),
        }
        if it.author is not None:
            entry["authors"] = [{"name": it.author}]
        entries.append(entry)
    doc["items"] = entries
    return _stdjson.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _xml_text(root: Any) -> str:
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data.decode("utf-8")
