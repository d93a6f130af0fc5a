"""Conformance checkers for the three feed formats, and proof that each one can fail.

- Atom 1.0: the RELAX NG schema of RFC 4287, Appendix B (tests/data/feeds/atom.rng), its
  Schematron rules, and the rules of the RFC's prose that a schema cannot say.
- RSS 2.0 has no official schema: :func:`rss_problems` checks the rules of the RSS 2.0
  specification (RSS Advisory Board, version 2.0.11, rssboard.org/rss-specification).
- JSON Feed 1.1 has no official schema either: :func:`json_feed_problems` checks the
  required and typed fields of the specification (jsonfeed.org/version/1.1).

Each checker returns the list of rules a document breaks (empty: it conforms).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import functools
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from lxml import etree

import newsevent
from newsevent import feeds

SCHEMA = Path(__file__).with_name("data") / "feeds" / "atom.rng"
ATOM = "http://www.w3.org/2005/Atom"
SCHEMATRON = "http://www.ascc.net/xml/schematron"
BASE = "https://example.org/site/"

# RFC 1766 / BCP 47 language tags, as the Atom schema's atomLanguageTag spells them.
LANGUAGE = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")
# RFC 3339, section 5.6, date-time (RFC 4287, section 3.3: "T" and "Z" upper case).
RFC3339 = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})")
# RFC 822, section 5.1, with the four-digit year RSS 2.0 prefers.
RFC822 = re.compile(
    r"(?:(Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?(\d{1,2}) "
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}) "
    r"(\d{2}):(\d{2})(?::(\d{2}))? "
    r"(UT|GMT|EST|EDT|CST|CDT|MST|MDT|PST|PDT|[A-IK-Z]|[+-]\d{4})"
)


def is_url(text: str | None) -> bool:
    """An absolute http(s) URL: a scheme, a host, no spaces."""
    if not text or text != text.strip() or " " in text:
        return False
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def is_absolute_iri(text: str | None) -> bool:
    """RFC 3987 absolute IRI: a scheme, then ':' and something."""
    return bool(text) and re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:\S+", text or "") is not None


def rfc3339(text: str | None) -> bool:
    """A valid RFC 3339 date-time (the date must exist)."""
    m = RFC3339.fullmatch(text or "")
    if m is None:
        return False
    try:
        dt.datetime.fromisoformat(text.replace("Z", "+00:00"))  # type: ignore[union-attr]
    except ValueError:
        return False
    return True


def rfc822(text: str | None) -> bool:
    """An RFC 822 date-time with a four-digit year whose weekday, when given, is right."""
    m = RFC822.fullmatch(text or "")
    if m is None:
        return False
    try:
        when = email.utils.parsedate_to_datetime(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return m[1] is None or when.strftime("%a") == m[1]


# ------------------------------------------------------------------ Atom


@functools.cache
def _schema() -> tuple[etree.RelaxNG, list[tuple[str, str, str]]]:
    doc = etree.parse(str(SCHEMA))
    rules = [
        (rule.get("context"), test.get("test"), " ".join((test.text or "").split()))
        for rule in doc.iter(f"{{{SCHEMATRON}}}rule")
        for test in rule.iter(f"{{{SCHEMATRON}}}assert")
    ]
    return etree.RelaxNG(doc), rules


def atom_problems(data: bytes) -> list[str]:
    """What breaks RFC 4287 in an Atom feed document.

    - the RELAX NG schema of Appendix B;
    - the Schematron rules of Appendix B (a feed without an author needs one on every
      entry; an entry needs an alternate link or content);
    - 4.2.6: atom:id is an absolute IRI; 3.3: dates are RFC 3339 date-times;
    - 4.1.1 and 4.1.2: at most one alternate link per type and hreflang;
    - 4.1.1: entries with one id are one entry: ids are unique here.
    """
    schema, rules = _schema()
    doc = etree.fromstring(data)
    problems = []
    if not schema.validate(doc):
        problems += [f"RELAX NG: line {e.line}: {e.message}" for e in schema.error_log]
    ns = {"atom": ATOM}
    for context, test, message in rules:
        for node in [doc] if doc.xpath(f"self::{context}", namespaces=ns) else []:
            if not node.xpath(f"boolean({test})", namespaces=ns):
                problems.append(f"Schematron: {message}")
        for node in doc.xpath(f"//{context}", namespaces=ns):
            if node is not doc and not node.xpath(f"boolean({test})", namespaces=ns):
                problems.append(f"Schematron: {message}")
    for el in doc.iter(f"{{{ATOM}}}id"):
        if not is_absolute_iri(el.text):
            problems.append(f"4.2.6: atom:id {el.text!r} is not an absolute IRI")
    for name in ("updated", "published"):
        for el in doc.iter(f"{{{ATOM}}}{name}"):
            if not rfc3339(el.text):
                problems.append(f"3.3: atom:{name} {el.text!r} is not an RFC 3339 date-time")
    for parent in [doc, *doc.iter(f"{{{ATOM}}}entry")]:
        alternates = [
            (link.get("type"), link.get("hreflang"))
            for link in parent.findall(f"{{{ATOM}}}link")
            if link.get("rel", "alternate") == "alternate"
        ]
        if len(alternates) != len(set(alternates)):
            problems.append("4.1.1: two alternate links with the same type and hreflang")
    ids = [e.findtext(f"{{{ATOM}}}id") for e in doc.iter(f"{{{ATOM}}}entry")]
    if len(ids) != len(set(ids)):
        problems.append("4.1.1: two entries with the same atom:id")
    return problems


# ------------------------------------------------------------------ RSS

CHANNEL = {
    "title",
    "link",
    "description",
    "language",
    "copyright",
    "managingEditor",
    "webMaster",
    "pubDate",
    "lastBuildDate",
    "category",
    "generator",
    "docs",
    "cloud",
    "ttl",
    "image",
    "rating",
    "textInput",
    "skipHours",
    "skipDays",
    "item",
}
ITEM = {
    "title",
    "link",
    "description",
    "author",
    "category",
    "comments",
    "enclosure",
    "guid",
    "pubDate",
    "source",
}
REPEATABLE = {"category", "item"}


def rss_problems(data: bytes) -> list[str]:
    """What breaks the RSS 2.0 specification in a feed document.

    - "At the top level, a RSS document is a <rss> element, with a mandatory attribute
      called version, that specifies the version of RSS that the document conforms to";
      "Subordinate to the <rss> element is a single <channel> element".
    - Required channel elements: title, link ("The URL to the HTML website corresponding
      to the channel") and description.
    - "A RSS feed may contain elements and attributes not described on this page, only
      if those elements and attributes are defined in a namespace": every element in no
      namespace is one of the spec's; none of its elements is given twice, but category
      and item.
    - link, comments and docs are URLs (absolute; a relative reference is no URL).
    - language: a language code (the Netscape list, or "values defined by the W3C").
    - "All date-times in RSS conform to the Date and Time Specification of RFC 822, with
      the exception that the year may be expressed with two characters or four
      characters (four preferred)": four, here.
    - "All elements of an item are optional, however at least one of title or
      description must be present."
    - guid: "isPermaLink is optional, its default value is true"; when true, "the reader
      may assume that it is a permalink to the item, that is, a url": then it is a URL.
      isPermaLink is "true" or "false".
    - author: "Email address of the author of the item".
    """
    root = etree.fromstring(data)
    problems = []
    if root.tag != "rss" or root.get("version") != "2.0":
        problems.append("the root is not <rss version='2.0'>")
    channels = [c for c in root if c.tag == "channel"]
    if len(channels) != 1 or len(root) != 1:
        return [*problems, "<rss> holds not exactly one <channel> and nothing else"]
    channel = channels[0]
    problems += _children(channel, CHANNEL, "channel")
    for name in ("title", "link", "description"):
        if channel.find(name) is None:
            problems.append(f"channel: required <{name}> missing")
    problems += _common(channel, "channel")
    for i, item in enumerate(channel.findall("item")):
        where = f"item {i + 1}"
        problems += _children(item, ITEM, where)
        problems += _common(item, where)
        if item.find("title") is None and item.find("description") is None:
            problems.append(f"{where}: neither <title> nor <description>")
        guid = item.find("guid")
        if guid is not None:
            permalink = guid.get("isPermaLink", "true")
            if permalink not in ("true", "false"):
                problems.append(f"{where}: isPermaLink {permalink!r} is not true or false")
            if permalink == "true" and not is_url(guid.text):
                problems.append(f"{where}: permalink guid {guid.text!r} is not a URL")
        author = item.find("author")
        if author is not None and "@" not in (author.text or ""):
            problems.append(f"{where}: <author> is not an email address")
    return problems


def _children(el: Any, allowed: set[str], where: str) -> list[str]:
    problems = []
    seen: set[str] = set()
    for child in el:
        if not isinstance(child.tag, str) or child.tag.startswith("{"):
            continue  # comments; elements of a namespace
        if child.tag not in allowed:
            problems.append(f"{where}: <{child.tag}> is not an RSS 2.0 element")
        elif child.tag in seen and child.tag not in REPEATABLE:
            problems.append(f"{where}: <{child.tag}> given twice")
        seen.add(child.tag)
    return problems


def _common(el: Any, where: str) -> list[str]:
    problems = []
    for name in ("link", "comments", "docs"):
        child = el.find(name)
        if child is not None and not is_url(child.text):
            problems.append(f"{where}: <{name}> {child.text!r} is not a URL")
    for name in ("pubDate", "lastBuildDate"):
        child = el.find(name)
        if child is not None and not rfc822(child.text):
            problems.append(f"{where}: <{name}> {child.text!r} is not an RFC 822 date")
    language = el.find("language")
    if language is not None and not LANGUAGE.fullmatch(language.text or ""):
        problems.append(f"{where}: <language> {language.text!r} is not a language code")
    return problems


# ------------------------------------------------------------------ JSON Feed

TOP = {
    "version",
    "title",
    "home_page_url",
    "feed_url",
    "description",
    "user_comment",
    "next_url",
    "icon",
    "favicon",
    "authors",
    "author",
    "language",
    "expired",
    "hubs",
    "items",
}
ITEM_KEYS = {
    "id",
    "url",
    "external_url",
    "title",
    "content_html",
    "content_text",
    "summary",
    "image",
    "banner_image",
    "date_published",
    "date_modified",
    "authors",
    "author",
    "tags",
    "language",
    "attachments",
}


def json_feed_problems(data: bytes) -> list[str]:
    """What breaks the JSON Feed 1.1 specification in a feed document.

    - version (required, string): "https://jsonfeed.org/version/1.1";
    - title (required, string); items (required, array);
    - home_page_url, feed_url (string): "the URL of the resource that the feed
      describes", "the URL of the feed": absolute URLs;
    - language (string): "in the format specified in RFC 5646";
    - item id (required, string), unique in the feed; url (string) "the URL of the
      resource described by the item"; "content_html and content_text are each
      optional strings — but one or both must be present"; title (string);
      date_published (string) "in RFC 3339 format"; authors an array of objects with at
      least one of name, url, avatar;
    - keys the spec does not define are extensions, whose names "must start with an _".
    """
    doc = json.loads(data)
    problems = []
    if not isinstance(doc, dict):
        return ["the document is not an object"]
    if doc.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append(f"version {doc.get('version')!r} is not JSON Feed 1.1's URL")
    if not isinstance(doc.get("title"), str):
        problems.append("title missing or not a string")
    for key in ("home_page_url", "feed_url"):
        if key in doc and not is_url(doc[key]):
            problems.append(f"{key} {doc[key]!r} is not a URL")
    if "language" in doc and not LANGUAGE.fullmatch(str(doc["language"])):
        problems.append(f"language {doc['language']!r} is not an RFC 5646 tag")
    problems += [f"unknown key {k!r}" for k in doc if k not in TOP and not k.startswith("_")]
    items = doc.get("items")
    if not isinstance(items, list):
        return [*problems, "items missing or not an array"]
    ids = []
    for i, item in enumerate(items):
        where = f"item {i + 1}"
        if not isinstance(item, dict):
            problems.append(f"{where}: not an object")
            continue
        if not isinstance(item.get("id"), str) or not item["id"]:
            problems.append(f"{where}: id missing or not a string")
        ids.append(item.get("id"))
        if "url" in item and not is_url(item["url"]):
            problems.append(f"{where}: url {item['url']!r} is not a URL")
        if not any(isinstance(item.get(k), str) for k in ("content_html", "content_text")):
            problems.append(f"{where}: neither content_html nor content_text")
        if "title" in item and not isinstance(item["title"], str):
            problems.append(f"{where}: title is not a string")
        for key in ("date_published", "date_modified"):
            if key in item and not rfc3339(item[key]):
                problems.append(f"{where}: {key} {item[key]!r} is not RFC 3339")
        for author in item.get("authors", []):
            if not isinstance(author, dict) or not {"name", "url", "avatar"} & set(author):
                problems.append(f"{where}: an author without name, url or avatar")
        problems += [
            f"{where}: unknown key {k!r}" for k in item if k not in ITEM_KEYS and not k[:1] == "_"
        ]
    if len(ids) != len(set(map(str, ids))):
        problems.append("two items with the same id")
    return problems


def check_feed(name: str, data: bytes) -> list[str]:
    """The problems of a feed file by its name: ``*_atom.xml``, ``*_rss.xml``, ``*.json``."""
    if name.endswith("_atom.xml"):
        return atom_problems(data)
    if name.endswith("_rss.xml"):
        return rss_problems(data)
    if name.endswith(".json"):
        return json_feed_problems(data)
    raise ValueError(name)


# ------------------------------------------------------------------ the checkers can fail


def _events() -> list[newsevent.Event]:
    return [
        newsevent.Event(date=dt.date(2020, 1, d), title=f"Event {d}", slug=f"e{d}", body="B.")
        for d in (1, 2, 3)
    ]


def _editorial() -> feeds.FeedItem:
    path = "opinion/2017/04/4/x/README"
    return feeds.FeedItem("An editorial", path, dt.date(2017, 4, 4), "S.", "A. Writer")


@pytest.mark.parametrize("base_url", [None, BASE])
def test_the_api_feeds_conform(base_url: str | None) -> None:
    pages: list[Any] = [*_events(), _editorial()]
    assert atom_problems(feeds.atom(pages, base_url=base_url).encode()) == []
    if base_url is None:
        # Relative links: RSS 2.0 wants URLs, JSON Feed 1.1 too (its feed-level URLs,
        # optional, are left out). Exactly those rules fail, on every link.
        links = ["index.html"] + [p.link(None) for p in feeds._newest(pages, 50)]
        where = ["channel"] + [f"item {i}" for i in range(1, len(links))]
        assert rss_problems(feeds.rss(pages).encode()) == [
            f"{w}: <link> {x!r} is not a URL" for w, x in zip(where, links, strict=True)
        ]
        assert json_feed_problems(feeds.json_feed(pages).encode()) == [
            f"{w}: url {x!r} is not a URL" for w, x in zip(where[1:], links[1:], strict=True)
        ]
        return
    assert rss_problems(feeds.rss(pages, base_url=base_url).encode()) == []
    assert json_feed_problems(feeds.json_feed(pages, base_url=base_url).encode()) == []
    for language in ("zh", "en"):
        text = feeds.atom(pages, base_url=base_url, language=language)
        assert atom_problems(text.encode()) == []


@pytest.mark.parametrize(
    "bad",
    ["example.org/site", "/site/", "ftp://example.org/", "https://example.org/?q=1", "https:"],
)
def test_a_base_url_must_be_absolute(bad: str) -> None:
    for write in (feeds.rss, feeds.json_feed, feeds.atom):
        with pytest.raises(ValueError, match="absolute http"):
            write(_events(), base_url=bad)


def _atom() -> str:
    return feeds.atom([*_events(), _editorial()], base_url=BASE)


@pytest.mark.parametrize(
    ("old", "new", "rule"),
    [
        ("<title>Event 3</title>", "", "RELAX NG"),  # an entry needs a title
        ("<published>2020-01-03T00:00:00+00:00", "<published>2020-01-03", "RELAX NG"),
        (
            "<updated>2020-01-03T00:00:00+00:00</updated>\n    <published>",
            "<updated>2020-01-03t00:00:00+00:00</updated>\n    <published>",
            "3.3",
        ),
        ("<id>tag:thecontext.net,2020-01-03:/news/2020/01/3/e3</id>", "<id>news/e3</id>", "4.2.6"),
        (
            "<id>tag:thecontext.net,2020-01-02:/news/2020/01/2/e2</id>",
            "<id>tag:thecontext.net,2020-01-03:/news/2020/01/3/e3</id>",
            "two entries",
        ),
        ("<name>the Context</name>", "", "RELAX NG"),  # a person has a name
        ("  <author>\n    <name>the Context</name>\n  </author>\n", "", "Schematron"),
        (
            '<link rel="alternate" href="https://example.org/site/news/2020/01/3/e3.html"/>',
            "",
            "Schematron",
        ),
        (
            '<link rel="alternate" href="https://example.org/site/index.html"/>',
            '<link rel="alternate" href="https://example.org/site/index.html"/><link href="x"/>',
            "4.1.1",
        ),
        ('xml:lang="en"', 'xml:lang="english language"', "RELAX NG"),
        ("<summary>", "<unknown>x</unknown><summary>", "RELAX NG"),
    ],
)
def test_atom_checker_finds_each_broken_rule(old: str, new: str, rule: str) -> None:
    text = _atom()
    assert old in text, old
    problems = atom_problems(text.replace(old, new, 1).encode())
    assert problems and any(rule in p for p in problems), problems


def _rss() -> str:
    return feeds.rss([*_events(), _editorial()], base_url=BASE)


@pytest.mark.parametrize(
    ("old", "new", "rule"),
    [
        ('version="2.0"', 'version="0.92"', "root"),
        ("<description>News events</description>", "", "required <description>"),
        (
            "<link>https://example.org/site/index.html</link>",
            "<link>index.html</link>",
            "not a URL",
        ),
        (
            "<link>https://example.org/site/news/2020/01/3/e3.html</link>",
            "<link>news/2020/01/3/e3.html</link>",
            "item 1: <link>",
        ),
        (
            "<pubDate>Fri, 03 Jan 2020 00:00:00 +0000</pubDate>",
            "<pubDate>Fri, 03 Jan 20 00:00:00 +0000</pubDate>",
            "RFC 822",
        ),
        (
            "<pubDate>Fri, 03 Jan 2020 00:00:00 +0000</pubDate>",
            "<pubDate>Mon, 03 Jan 2020 00:00:00 +0000</pubDate>",
            "RFC 822",
        ),
        (
            "<pubDate>Fri, 03 Jan 2020 00:00:00 +0000</pubDate>",
            "<pubDate>2020-01-03T00:00:00Z</pubDate>",
            "RFC 822",
        ),
        ('<guid isPermaLink="false">', "<guid>", "permalink guid"),
        ('<guid isPermaLink="false">', '<guid isPermaLink="no">', "isPermaLink"),
        ("<title>Event 3</title>", "", None),  # still has a description: fine
        (
            "<language>en</language>",
            "<language>English</language><language>en</language>",
            "given twice",
        ),
        ("<language>en</language>", "<language>en_GB</language>", "language code"),
        ("<title>Event 2</title>", "<title>Event 2</title><summary>x</summary>", "not an RSS"),
        (
            "<description>S.</description>",
            "<description>S.</description><author>A.</author>",
            "email",
        ),
    ],
)
def test_rss_checker_finds_each_broken_rule(old: str, new: str, rule: str | None) -> None:
    text = _rss()
    assert old in text, old
    problems = rss_problems(text.replace(old, new, 1).encode())
    if rule is None:
        assert problems == []
    else:
        assert problems and any(rule in p for p in problems), problems


def test_rss_item_needs_a_title_or_a_description() -> None:
    text = _rss().replace("<title>Event 3</title>", "", 1)
    text = text.replace("<description>B.</description>", "", 1)
    assert rss_problems(text.encode()) == ["item 1: neither <title> nor <description>"]


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        (lambda d: d.update(version="https://jsonfeed.org/version/1"), "version"),
        (lambda d: d.pop("title"), "title"),
        (lambda d: d.update(home_page_url="index.html"), "home_page_url"),
        (lambda d: d.update(language="en_GB"), "language"),
        (lambda d: d.update(extra=1), "unknown key"),
        (lambda d: d["items"][0].update(id=3), "id"),
        (lambda d: d["items"][0].update(url="news/e3.html"), "url"),
        (lambda d: d["items"][0].pop("content_text"), "content_html"),
        (lambda d: d["items"][0].update(date_published="2020-01-03"), "RFC 3339"),
        (lambda d: d["items"][0].update(date_published="2020-02-30T00:00:00Z"), "RFC 3339"),
        (lambda d: d["items"][1].update(id=d["items"][0]["id"]), "same id"),
        (lambda d: d["items"][3].update(authors=[{}]), "author"),
        (lambda d: d.pop("items"), "items"),
    ],
)
def test_json_feed_checker_finds_each_broken_rule(change: Any, rule: str) -> None:
    doc = json.loads(feeds.json_feed([*_events(), _editorial()], base_url=BASE))
    assert json_feed_problems(json.dumps(doc).encode()) == []
    change(doc)
    problems = json_feed_problems(json.dumps(doc).encode())
    assert problems and any(rule in p for p in problems), problems


def test_the_schema_is_the_rfcs() -> None:
    schema, rules = _schema()
    # Appendix B's three Schematron assertions, and its start pattern: a feed or an entry.
    assert [r[0] for r in rules] == ["atom:feed", "atom:entry", "atom:entry"]
    entry = (
        f'<entry xmlns="{ATOM}"><id>urn:x</id><title>t</title>'
        "<updated>2020-01-01T00:00:00Z</updated><author><name>a</name></author>"
        '<link href="x"/></entry>'
    )
    assert atom_problems(entry.encode()) == []
    assert not schema.validate(etree.fromstring(b"<feed/>"))
