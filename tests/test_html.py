"""HTML: structure, safety against hostile values, and the strict reader."""

from __future__ import annotations

import datetime as dt
import json
import re

import lxml.html
import pytest

import newsevent
from newsevent import Change, Event, ParseError, Related, Source
from newsevent import html as nehtml

EXAMPLE = newsevent.parse(newsevent.example())
NASTY = "</script><script>alert(1)</script>\"'<!--]]><img src=x onerror=alert(1)>"
BAD_URLS = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "vbscript:msgbox"]


def hostile() -> Event:
    urls = [newsevent.normalize_url(u) for u in BAD_URLS]
    return Event(
        date=dt.date(2020, 1, 2),
        title=NASTY,
        category=NASTY,
        body=f"{NASTY}\n{NASTY}\n\n{NASTY}",
        sources=tuple(Source(name=NASTY, url=u, image=u) for u in urls),
        cover_image=urls[0],
        related=tuple(Related(title=NASTY, url=u, context=(NASTY, "a")) for u in urls),
        changes=(Change(title=NASTY, url=urls[1], label="x'\"<>&"),),
        slug="s",
        language="en",
        extra=(NASTY, " javascript:alert(1)"),
    )


def test_structure_of_a_page() -> None:
    page = nehtml.dumps(EXAMPLE)
    assert page.startswith("<!DOCTYPE html>")
    doc = lxml.html.document_fromstring(page)
    assert doc.get("lang") == "en"
    art = doc.find(".//article")
    assert art.find("h1").text == EXAMPLE.title
    assert art.find(".//time").get("datetime") == "2024-03-05"
    assert len(art.findall(".//section[@class='sources']/ol/li")) == 3
    assert len(art.findall(".//section[@class='related']/ol/li")) == 2
    formats = [a.get("href") for a in art.findall(".//nav/a")]
    assert formats == list(EXAMPLE.format_urls.values())
    (ld,) = doc.xpath("//script[@type='application/ld+json']")
    data = json.loads(ld.text)
    assert data["@type"] == "NewsArticle" and data["headline"] == EXAMPLE.title
    assert data["datePublished"] == "2024-03-05"


def test_lang_follows_language() -> None:
    ev = Event(date=dt.date(2019, 3, 3), title="中文标题")
    assert 'lang="zh"' in nehtml.dumps(ev)


def test_hostile_event_is_inert_and_round_trips() -> None:
    ev = hostile()
    page = nehtml.dumps(ev)
    doc = lxml.html.document_fromstring(page)
    scripts = doc.xpath("//script")
    assert len(scripts) == 1 and scripts[0].get("type") == "application/ld+json"
    json.loads(scripts[0].text)  # the block was not broken out of
    assert "</script" not in scripts[0].text.lower()
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), (el.tag, name)
            if name in ("href", "src", "action", "formaction"):
                assert nehtml.is_safe_url(value), (el.tag, value)
    assert not re.search(r"<img|<iframe|<object|<embed", page.split("</head>")[1])
    assert nehtml.loads(page) == ev


@pytest.mark.parametrize(
    "page",
    [
        "<html><body><p>hello</p></body></html>",
        "<!DOCTYPE html><html><body><article class='newsevent'></article></body></html>",
        "",
    ],
)
def test_foreign_html_is_refused(page: str) -> None:
    with pytest.raises(ParseError, match=r"not a page written by newsevent|malformed"):
        nehtml.loads(page)


def test_tampered_page_is_refused() -> None:
    page = nehtml.dumps(EXAMPLE).replace("<h1>", "<h1><b>bold</b>")
    with pytest.raises(ParseError, match="unexpected markup"):
        nehtml.loads(page)
    page = nehtml.dumps(EXAMPLE).replace('datetime="2024-03-05"', 'datetime="soon"')
    with pytest.raises(ParseError, match="time"):
        nehtml.loads(page)
