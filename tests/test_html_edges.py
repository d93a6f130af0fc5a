"""The HTML writer and reader at their edges: every page kind written exactly, read back by
both paths, and the reader's errors with their messages and lines.

The expected documents are written out by hand (head, JSON-LD block and body), not made by
the code under test.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest
from lxml import etree

from newsevent import _html
from newsevent._model import (
    Change,
    DayPage,
    Editorial,
    Entry,
    Event,
    FrontPage,
    FrontSection,
    Related,
    Source,
)
from tests.test_trusted import outcome, revalidated

D = dt.date(2012, 11, 8)


def document(lang: str, title: str, ld: str, body: str) -> str:
    """The whole page: the writer's head around ``ld`` and ``body``."""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="newsevent html 2">\n'
        f"<title>{title}</title>\n"
        f'<script type="application/ld+json">{ld}</script>\n'
        "</head>\n"
        f"<body>{body}</body>\n"
        "</html>\n"
    )


EVENT_FULL = Event(
    date=D,
    title="T",
    category="C",
    body="One\n\nTwo",
    sources=(Source(name="N", url="/s", image="/i"), Source(name="M", url="/s2")),
    cover_image="/c",
    changes=(
        Change(
            title="C1", url="/c1", label="Update", timestamp=dt.datetime(2012, 11, 8, 10, 20, 30)
        ),
        Change(title="C2", url="/c2", label="First"),
    ),
    related=(Related(title="R", url="/r", context=("x", "y z")), Related(title="Q", url="/q")),
    slug="s",
    prefix="/zh",
    language="zh",
    extra=("e1", "e2"),
)
# No language, no category, no body: English, and the date for the empty title.
EVENT_BARE = Event(date=D, title="")
# No language: the category's script decides.
EVENT_CJK_CATEGORY = Event(date=D, title="t", category="中")
# Unsafe URLs kept inert, a URL beyond ASCII kept in data-url, text to escape.
EVENT_URLS = Event(
    date=D,
    title="t <&>",
    sources=(Source(name="N", url="javascript:x", image="http://例.com/ü"),),
    cover_image="data:x",
    changes=(Change(title="C", url="vbscript:y", label="L"),),
    related=(Related(title="R", url="HTTPS://a/b%7c\u00e9", context=("k",)),),
    language="en",
)
DAY_FULL = DayPage(
    date=D,
    entries=(
        Entry(title="T", url="/t", category="C", summary="S", context=("a", "b")),
        Entry(title="U", url="javascript:u"),
    ),
    previous="/p",
    prefix="/zh",
    formats=True,
    language="zh",
    extra=("x",),
)
# No language: only the first five entries are looked at, all Latin.
DAY_BARE = DayPage(
    date=D, entries=tuple(Entry(title=t, url="/e") for t in ("a", "b", "c", "d", "e", "中"))
)
DAY_CJK = DayPage(date=D, entries=(Entry(title="a", url="/a", category="中"),))
FRONT_FULL = FrontPage(
    sections=(
        FrontSection(
            label="L", url="/l", entries=(Entry(title="T", url="/t", context=("c",)),), rule=True
        ),
        FrontSection(label="M", entries=(Entry(title="U", url="/u", summary="S"),)),
    ),
    formats=True,
    language="en",
    extra=("x",),
)
FRONT_BARE = FrontPage(
    sections=(FrontSection(label="L", url="/l", entries=(Entry(title="中", url="/t"),)),)
)
EDITORIAL_FULL = Editorial(
    title="T",
    author="A",
    body="Say [a](/a) and *b* [c](javascript:c) end\n\n[d](/d)x *e*",
    date=D,
    slug="s",
    prefix="/zh",
    language="en",
    extra=("x",),
)
EDITORIAL_BARE = Editorial(title="中", author="A")
EDITORIAL_LATIN = Editorial(title="T", author="A")
# No language: the English words of related events and of the previous-day link.
EVENT_RELATED_NO_LANGUAGE = Event(
    date=D, title="t", related=(Related(title="r", url="/r", context=("k",)),)
)
DAY_PREVIOUS_NO_LANGUAGE = DayPage(date=D, previous="/p")
# The language, where given, decides over the entries' script.
FRONT_ENGLISH = FrontPage(
    sections=(FrontSection(label="L", url="/l", entries=(Entry(title="中", url="/t"),)),),
    language="en",
)

WRITTEN: list[tuple[str, Any, str]] = [
    (
        "event full",
        EVENT_FULL,
        document(
            "zh",
            "T",
            (
                "{\n"
                ' "@context": "https://schema.org",\n'
                ' "@type": "NewsArticle",\n'
                ' "headline": "T",\n'
                ' "datePublished": "2012-11-08",\n'
                ' "inLanguage": "zh",\n'
                ' "articleSection": "C",\n'
                ' "articleBody": "One\\n\\nTwo",\n'
                ' "image": "/c",\n'
                ' "citation": [\n'
                "  {\n"
                '   "@type": "CreativeWork",\n'
                '   "name": "N",\n'
                '   "url": "/s"\n'
                "  },\n"
                "  {\n"
                '   "@type": "CreativeWork",\n'
                '   "name": "M",\n'
                '   "url": "/s2"\n'
                "  }\n"
                " ]\n"
                "}"
            ),
            (
                '<article class="newsevent" data-newsevent-version="2" data-prefix="/zh"'
                ' data-slug="s" data-language="zh">'
                '<nav class="formats">Formats: <a href="/zh/news/2012/11/8/s.html"'
                ' class="format">HTML</a> <a href="/zh/news/2012/11/8/s.json"'
                ' class="format">JSON</a> <a href="/zh/news/2012/11/8/s.xml"'
                ' class="format">XML</a> </nav><p class="date">'
                '<a href="/zh/news/2012/11/8/index.md">'
                '<time datetime="2012-11-08">2012-11-8</time></a></p>\n'
                '<p class="category">C</p>\n'
                "<h1>T</h1>\n"
                '<div class="body">\n'
                "<p>One</p>\n"
                "<p>Two</p>\n"
                "</div>\n"
                '<section class="sources"><h2>信息来源</h2>\n'
                "<ol>\n"
                '<li class="source">\n'
                '<a href="/s" class="source-link">N</a> <a href="/i"'
                ' class="image-link">IMG</a>\n'
                "</li>\n"
                '<li class="source"><a href="/s2" class="source-link">M</a></li>\n'
                '<li class="cover-image"><a href="/c" class="cover">Cover Image</a></li>\n'
                '</ol></section><section class="changes"><h2>Changes</h2>\n'
                "<ol>\n"
                '<li class="change" data-label="Update">\n'
                '<a href="/c1" class="title">C1</a> <time'
                ' datetime="2012-11-08T10:20:30">2012-11-08 10:20:30</time> <span'
                ' class="label">(Update)</span>\n'
                "</li>\n"
                '<li class="change" data-label="First">\n'
                '<a href="/c2" class="title">C2</a> <span class="label">(First)</span>\n'
                "</li>\n"
                '</ol></section><section class="related"><h2>有关</h2>\n'
                "<ol>\n"
                '<li class="related">\n'
                '<a href="/r" class="title">R</a> <span class="context">消息: <span'
                ' class="tag">x</span>, <span class="tag">y z</span></span>\n'
                "</li>\n"
                '<li class="related"><a href="/q" class="title">Q</a></li>\n'
                '</ol></section><section class="extra"><h2>Unparsed</h2>\n'
                "<ul>\n"
                '<li class="line"><code>e1</code></li>\n'
                '<li class="line"><code>e2</code></li>\n'
                "</ul></section></article>"
            ),
        ),
    ),
    (
        "event bare",
        EVENT_BARE,
        document(
            "en",
            "2012-11-8",
            (
                "{\n"
                ' "@context": "https://schema.org",\n'
                ' "@type": "NewsArticle",\n'
                ' "headline": "",\n'
                ' "datePublished": "2012-11-08",\n'
                ' "inLanguage": "en"\n'
                "}"
            ),
            (
                '<article class="newsevent" data-newsevent-version="2" data-prefix="">'
                '<p class="date"><a href="/news/2012/11/8/index.md">'
                '<time datetime="2012-11-08">2012-11-8</time></a></p>\n'
                "<h1></h1>\n"
                '<div class="body"></div></article>'
            ),
        ),
    ),
    (
        "event cjk category",
        EVENT_CJK_CATEGORY,
        document(
            "zh",
            "t",
            (
                "{\n"
                ' "@context": "https://schema.org",\n'
                ' "@type": "NewsArticle",\n'
                ' "headline": "t",\n'
                ' "datePublished": "2012-11-08",\n'
                ' "inLanguage": "zh",\n'
                ' "articleSection": "中"\n'
                "}"
            ),
            (
                '<article class="newsevent" data-newsevent-version="2" data-prefix="">'
                '<p class="date"><a href="/news/2012/11/8/index.md">'
                '<time datetime="2012-11-08">2012-11-8</time></a></p>\n'
                '<p class="category">中</p>\n'
                "<h1>t</h1>\n"
                '<div class="body"></div></article>'
            ),
        ),
    ),
    (
        "event urls",
        EVENT_URLS,
        document(
            "en",
            "t &lt;&amp;&gt;",
            (
                "{\n"
                ' "@context": "https://schema.org",\n'
                ' "@type": "NewsArticle",\n'
                ' "headline": "t \\u003c\\u0026\\u003e",\n'
                ' "datePublished": "2012-11-08",\n'
                ' "inLanguage": "en",\n'
                ' "citation": [\n'
                "  {\n"
                '   "@type": "CreativeWork",\n'
                '   "name": "N",\n'
                '   "url": "javascript:x"\n'
                "  }\n"
                " ]\n"
                "}"
            ),
            (
                '<article class="newsevent" data-newsevent-version="2" data-prefix=""'
                ' data-language="en"><p class="date"><a href="/news/2012/11/8/index.md">'
                '<time datetime="2012-11-08">2012-11-8</time></a></p>\n'
                "<h1>t &lt;&amp;&gt;</h1>\n"
                '<div class="body"></div>\n'
                '<section class="sources"><h2>Sources</h2>\n'
                "<ol>\n"
                '<li class="source">\n'
                '<span class="source-link inert-url" data-url="javascript:x">N</span> <a'
                ' href="http://%E4%BE%8B.com/%C3%BC" class="image-link"'
                ' data-url="http://例.com/ü">IMG</a>\n'
                "</li>\n"
                '<li class="cover-image">'
                '<span class="cover inert-url" data-url="data:x">Cover Image</span></li>\n'
                '</ol></section><section class="changes"><h2>Changes</h2>\n'
                '<ol><li class="change" data-label="L">\n'
                '<span class="title inert-url" data-url="vbscript:y">C</span> <span'
                ' class="label">(L)</span>\n'
                '</li></ol></section><section class="related"><h2>Related</h2>\n'
                '<ol><li class="related">\n'
                '<a href="HTTPS://a/b%7c%C3%A9" class="title"'
                ' data-url="HTTPS://a/b%7cé">R</a> <span class="context">Context: <span'
                ' class="tag">k</span></span>\n'
                "</li></ol></section></article>"
            ),
        ),
    ),
    (
        "day full",
        DAY_FULL,
        document(
            "zh",
            "2012-11-8",
            (
                "{\n"
                ' "@context": "https://schema.org",\n'
                ' "@type": "ItemList",\n'
                ' "name": "2012-11-08",\n'
                ' "inLanguage": "zh",\n'
                ' "itemListElement": [\n'
                "  {\n"
                '   "@type": "ListItem",\n'
                '   "position": 1,\n'
                '   "name": "T",\n'
                '   "url": "/t"\n'
                "  }\n"
                " ]\n"
                "}"
            ),
            (
                '<article class="newsevent-day" data-newsevent-version="2" data-prefix="/zh"'
                ' data-language="zh">'
                '<nav class="formats">Formats: <a href="2012/11/8/index.html"'
                ' class="format">HTML</a> <a href="2012/11/8/index.json"'
                ' class="format">JSON</a> <a href="2012/11/8/index.xml"'
                ' class="format">XML</a> </nav><h1><a href="/zh/news/2012/11/8/index.md">'
                '<time datetime="2012-11-08">2012-11-8</time></a></h1>\n'
                '<section class="entries"><article class="entry"><p class="category">C</p>\n'
                '<h3><a href="/t" class="title">T</a></h3>\n'
                '<p class="summary">S</p>\n'
                '<p class="context">消息: <span class="tag">a</span>, <span'
                ' class="tag">b</span></p></article><article class="entry"><h3>'
                '<span class="title inert-url" data-url="javascript:u">U</span></h3>'
                '</article></section><nav class="previous">'
                '<a href="/p" class="previous">前一天...</a></nav><section class="extra">'
                "<h2>Unparsed</h2>\n"
                '<ul><li class="line"><code>x</code></li></ul></section></article>'
            ),
        ),
    ),
    (
        "day bare",
        DAY_BARE,
        document(
            "en",
            "2012-11-8",
            (
                "{\n"
                ' "@context": "https://schema.org",\n'
                ' "@type": "ItemList",\n'
                ' "name": "2012-11-08",\n'
                ' "inLanguage": "en",\n'
                ' "itemListElement": [\n'
                "  {\n"
                '   "@type": "ListItem",\n'
                '   "position": 1,\n'
                '   "name": "a",\n'
                '   "url": "/e"\n'
                "  },\n"
                "  {\n"
                '   "@type": "ListItem",\n'
                '   "position": 2,\n'
                '   "name": "b",\n'
                '   "url": "/e"\n'
                "  },\n"
                "  {\n"
                '   "@type": "ListItem",\n'
                '   "position": 3,\n'
                '   "name": "c",\n'
                '   "url": "/e"\n'
                "  },\n"
                "  {\n"
                '   "@type": "ListItem",\n'
                '   "position": 4,\n'
                '   "name": "d",\n'
                '   "url": "/e"\n'
                "  },\n"
                "  {\n"
                '   "@type": "ListItem",\n'
                '   "position": 5,\n'
                '   "name": "e",\n'
                '   "url": "/e"\n'
                "  },\n"
                "  {\n"
                '   "@type": "ListItem",\n'
                '   "position": 6,\n'
                '   "name": "中",\n'
                '   "url": "/e"\n'
                "  }\n"
                " ]\n"
                "}"
            ),
            (
                '<article class="newsevent-day" data-newsevent-version="2" data-prefix="">'
                '<h1><a href="/news/2012/11/8/index.md">'
                '<time datetime="2012-11-08">2012-11-8</time></a></h1>\n'
                '<section class="entries"><article class="entry"><h3>'
                '<a href="/e" class="title">a</a></h3></article><article class="entry"><h3>'
                '<a href="/e" class="title">b</a></h3></article><article class="entry"><h3>'
                '<a href="/e" class="title">c</a></h3></article><article class="entry"><h3>'
                '<a href="/e" class="title">d</a></h3></article><article class="entry"><h3>'
                '<a href="/e" class="title">e</a></h3></article><article class="entry"><h3>'
                '<a href="/e" class="title">中</a></h3></article></section></article>'
            ),
        ),
    ),
    (
        "day cjk",
        DAY_CJK,
        document(
            "zh",
            "2012-11-8",
            (
                "{\n"
                ' "@context": "https://schema.org",\n'
                ' "@type": "ItemList",\n'
                ' "name": "2012-11-08",\n'
                ' "inLanguage": "zh",\n'
                ' "itemListElement": [\n'
                "  {\n"
                '   "@type": "ListItem",\n'
                '   "position": 1,\n'
                '   "name": "a",\n'
                '   "url": "/a"\n'
                "  }\n"
                " ]\n"
                "}"
            ),
            (
                '<article class="newsevent-day" data-newsevent-version="2" data-prefix="">'
                '<h1><a href="/news/2012/11/8/index.md">'
                '<time datetime="2012-11-08">2012-11-8</time></a></h1>\n'
                '<section class="entries"><article class="entry"><p class="category">中</p>\n'
                '<h3><a href="/a" class="title">a</a></h3></article></section></article>'
            ),
        ),
    ),
    (
        "front full",
        FRONT_FULL,
        document(
            "en",
            "L",
            (
                "{\n"
                ' "@context": "https://schema.org",\n'
                ' "@type": "ItemList",\n'
                ' "name": "L",\n'
                ' "inLanguage": "en",\n'
                ' "itemListElement": [\n'
                "  {\n"
                '   "@type": "ListItem",\n'
                '   "position": 1,\n'
                '   "name": "T",\n'
                '   "url": "/t"\n'
                "  },\n"
                "  {\n"
                '   "@type": "ListItem",\n'
                '   "position": 2,\n'
                '   "name": "U",\n'
                '   "url": "/u"\n'
                "  }\n"
                " ]\n"
                "}"
            ),
            (
                '<article class="newsevent-front" data-newsevent-version="2"'
                ' data-language="en">'
                '<nav class="formats">Formats: <a href="/index.html" class="format">HTML</a>'
                ' <a href="/index.json" class="format">JSON</a> <a href="/index.xml"'
                ' class="format">XML</a> </nav><section class="section" data-rule="true">'
                '<h2><a href="/l" class="day">L</a></h2>\n'
                '<article class="entry"><h3><a href="/t" class="title">T</a></h3>\n'
                '<p class="context">Context: <span class="tag">c</span></p></article>'
                "</section><hr>\n"
                '<section class="section"><h2>M</h2>\n'
                '<article class="entry"><h3><a href="/u" class="title">U</a></h3>\n'
                '<p class="summary">S</p></article></section><section class="extra">'
                "<h2>Unparsed</h2>\n"
                '<ul><li class="line"><code>x</code></li></ul></section></article>'
            ),
        ),
    ),
    (
        "front bare",
        FRONT_BARE,
        document(
            "zh",
            "L",
            (
                "{\n"
                ' "@context": "https://schema.org",\n'
                ' "@type": "ItemList",\n'
                ' "name": "L",\n'
                ' "inLanguage": "zh",\n'
                ' "itemListElement": [\n'
                "  {\n"
                '   "@type": "ListItem",\n'
                '   "position": 1,\n'
                '   "name": "中",\n'
                '   "url": "/t"\n'
                "  }\n"
                " ]\n"
                "}"
            ),
            (
                '<article class="newsevent-front" data-newsevent-version="2">'
                '<section class="section"><h2><a href="/l" class="day">L</a></h2>\n'
                '<article class="entry"><h3><a href="/t" class="title">中</a></h3></article>'
                "</section></article>"
            ),
        ),
    ),
    (
        "editorial full",
        EDITORIAL_FULL,
        document(
            "en",
            "T",
            (
                "{\n"
                ' "@context": "https://schema.org",\n'
                ' "@type": "OpinionNewsArticle",\n'
                ' "headline": "T",\n'
                ' "author": {\n'
                '  "@type": "Person",\n'
                '  "name": "A"\n'
                " },\n"
                ' "inLanguage": "en",\n'
                ' "datePublished": "2012-11-08"\n'
                "}"
            ),
            (
                '<article class="newsevent-editorial" data-newsevent-version="2"'
                ' data-prefix="/zh" data-slug="s" data-language="en"><p class="date">'
                '<time datetime="2012-11-08">2012-11-08</time></p>\n'
                "<h1>T</h1>\n"
                '<p class="author">by <span class="name">A</span></p>\n'
                '<div class="body">\n'
                '<p data-md="Say [a](/a) and *b* [c](javascript:c) end">Say <a href="/a"'
                ' class="inline">a</a> and <em>b</em> <span class="inline inert-url"'
                ' data-url="javascript:c">c</span> end</p>\n'
                '<p data-md="[d](/d)x *e*"><a href="/d" class="inline">d</a>x <em>e</em></p>\n'
                "</div>\n"
                '<section class="extra"><h2>Unparsed</h2>\n'
                '<ul><li class="line"><code>x</code></li></ul></section></article>'
            ),
        ),
    ),
    (
        "editorial bare",
        EDITORIAL_BARE,
        document(
            "zh",
            "中",
            (
                "{\n"
                ' "@context": "https://schema.org",\n'
                ' "@type": "OpinionNewsArticle",\n'
                ' "headline": "中",\n'
                ' "author": {\n'
                '  "@type": "Person",\n'
                '  "name": "A"\n'
                " },\n"
                ' "inLanguage": "zh"\n'
                "}"
            ),
            (
                '<article class="newsevent-editorial" data-newsevent-version="2"><h1>中</h1>\n'
                '<p class="author">by <span class="name">A</span></p>\n'
                '<div class="body"></div></article>'
            ),
        ),
    ),
    (
        "event related no language",
        EVENT_RELATED_NO_LANGUAGE,
        document(
            "en",
            "t",
            (
                "{\n"
                ' "@context": "https://schema.org",\n'
                ' "@type": "NewsArticle",\n'
                ' "headline": "t",\n'
                ' "datePublished": "2012-11-08",\n'
                ' "inLanguage": "en"\n'
                "}"
            ),
            (
                '<article class="newsevent" data-newsevent-version="2" data-prefix="">'
                '<p class="date"><a href="/news/2012/11/8/index.md">'
                '<time datetime="2012-11-08">2012-11-8</time></a></p>\n'
                "<h1>t</h1>\n"
                '<div class="body"></div>\n'
                '<section class="related"><h2>Related</h2>\n'
                '<ol><li class="related">\n'
                '<a href="/r" class="title">r</a> <span class="context">Context: <span'
                ' class="tag">k</span></span>\n'
                "</li></ol></section></article>"
            ),
        ),
    ),
    (
        "day previous no language",
        DAY_PREVIOUS_NO_LANGUAGE,
        document(
            "en",
            "2012-11-8",
            (
                "{\n"
                ' "@context": "https://schema.org",\n'
                ' "@type": "ItemList",\n'
                ' "name": "2012-11-08",\n'
                ' "inLanguage": "en",\n'
                ' "itemListElement": []\n'
                "}"
            ),
            (
                '<article class="newsevent-day" data-newsevent-version="2" data-prefix="">'
                '<h1><a href="/news/2012/11/8/index.md">'
                '<time datetime="2012-11-08">2012-11-8</time></a></h1>\n'
                '<section class="entries"></section><nav class="previous">'
                '<a href="/p" class="previous">Previous Day...</a></nav></article>'
            ),
        ),
    ),
    (
        "front, English, entries in Chinese",
        FRONT_ENGLISH,
        document(
            "en",
            "L",
            (
                "{\n"
                ' "@context": "https://schema.org",\n'
                ' "@type": "ItemList",\n'
                ' "name": "L",\n'
                ' "inLanguage": "en",\n'
                ' "itemListElement": [\n'
                "  {\n"
                '   "@type": "ListItem",\n'
                '   "position": 1,\n'
                '   "name": "中",\n'
                '   "url": "/t"\n'
                "  }\n"
                " ]\n"
                "}"
            ),
            (
                '<article class="newsevent-front" data-newsevent-version="2" data-language="en">'
                '<section class="section"><h2><a href="/l" class="day">L</a></h2>\n'
                '<article class="entry"><h3><a href="/t" class="title">中</a></h3></article>'
                "</section></article>"
            ),
        ),
    ),
    (
        "editorial bare, Latin title",
        EDITORIAL_LATIN,
        document(
            "en",
            "T",
            (
                "{\n"
                ' "@context": "https://schema.org",\n'
                ' "@type": "OpinionNewsArticle",\n'
                ' "headline": "T",\n'
                ' "author": {\n'
                '  "@type": "Person",\n'
                '  "name": "A"\n'
                " },\n"
                ' "inLanguage": "en"\n'
                "}"
            ),
            (
                '<article class="newsevent-editorial" data-newsevent-version="2"><h1>T</h1>\n'
                '<p class="author">by <span class="name">A</span></p>\n'
                '<div class="body"></div></article>'
            ),
        ),
    ),
]


@pytest.mark.parametrize(("page", "text"), [w[1:] for w in WRITTEN], ids=[w[0] for w in WRITTEN])
def test_pages_are_written_exactly(page: Any, text: str) -> None:
    assert _html.dumps(page) == text
    for fast in (True, False):
        back = _html.loads(text, fast=fast)
        assert (type(back), back, back.language) == (type(page), page, page.language)


URL_SPACE = (
    "{} 'a b' must not contain U+0020 at offset 1 (whitespace and control characters end a "
    "Markdown link destination)"
)
LANGUAGE_FR = "language must be None or one of ('en', 'zh'), not 'fr'"
# (name, page, text replaced (its first occurrence), by what, message, line of the error)
ERRORS: list[tuple[str, Any, str, str, str, int]] = [
    (
        "event h1 markup",
        EVENT_FULL,
        "<h1>T</h1>",
        "<h1><b>T</b></h1>",
        "unexpected markup inside <h1>",
        33,
    ),
    (
        "event h1 twice",
        EVENT_FULL,
        "<h1>T</h1>",
        "<h1>T</h1><h1>U</h1>",
        "expected one <h1>, found 2",
        31,
    ),
    ("event no h1", EVENT_BARE, "<h1></h1>", "", "expected one <h1>, found 0", 16),
    (
        "event date",
        EVENT_FULL,
        'datetime="2012-11-08"',
        'datetime="2012-11-8"',
        "invalid <time datetime>",
        31,
    ),
    (
        "event no date",
        EVENT_FULL,
        '<time datetime="2012-11-08">2012-11-8</time>',
        "",
        "expected one date, found 0",
        31,
    ),
    (
        "event category markup",
        EVENT_FULL,
        'class="category">C<',
        'class="category"><i>C</i><',
        "unexpected markup inside category",
        32,
    ),
    (
        "event paragraph markup",
        EVENT_FULL,
        "<p>Two</p>",
        "<p><i>Two</i></p>",
        "unexpected markup inside a body paragraph",
        36,
    ),
    (
        "event no body",
        EVENT_FULL,
        '<div class="body">',
        '<div class="x">',
        "expected one body, found 0",
        31,
    ),
    (
        "source no link",
        EVENT_FULL,
        'class="source-link">M<',
        'class="x">M<',
        "expected one 'source-link' link, found 0",
        43,
    ),
    (
        "source link no URL",
        EVENT_FULL,
        '<a href="/s2" class="source-link">',
        '<a class="source-link">',
        "link without a URL",
        43,
    ),
    (
        "source link markup",
        EVENT_FULL,
        'class="source-link">M</a>',
        'class="source-link"><b>M</b></a>',
        "unexpected markup inside a link",
        43,
    ),
    ("source URL", EVENT_FULL, '<a href="/s2"', '<a href="a b"', URL_SPACE.format("url"), 43),
    (
        "source image URL",
        EVENT_FULL,
        '<a href="/i"',
        '<a href="a b"',
        URL_SPACE.format("image"),
        40,
    ),
    (
        "cover image no link",
        EVENT_FULL,
        '<a href="/c" class="cover">Cover Image</a>',
        "",
        "expected one cover image link, found 0",
        44,
    ),
    (
        "change timestamp",
        EVENT_FULL,
        'datetime="2012-11-08T10:20:30"',
        'datetime="2012-13-08T10:20:30"',
        "month must be in 1..12",
        47,
    ),
    # Dates and times in the one form newsevent writes: Python 3.11's fromisoformat
    # alone would also read "20121108", week dates and times without seconds.
    (
        "event date basic form",
        EVENT_FULL,
        'datetime="2012-11-08"',
        'datetime="20121108"',
        "invalid <time datetime>",
        31,
    ),
    (
        "day week date",
        DAY_FULL,
        'datetime="2012-11-08"',
        'datetime="2012-W45-4"',
        "invalid <time datetime>",
        23,
    ),
    (
        "editorial date basic form",
        EDITORIAL_FULL,
        'datetime="2012-11-08"',
        'datetime="20121108"',
        "invalid <time datetime>",
        20,
    ),
    (
        "change timestamp without seconds",
        EVENT_FULL,
        'datetime="2012-11-08T10:20:30"',
        'datetime="2012-11-08 10:20"',
        "invalid <time datetime>: expected YYYY-MM-DDTHH:MM:SS",
        48,
    ),
    (
        "change timestamp empty",
        EVENT_FULL,
        'datetime="2012-11-08T10:20:30"',
        'datetime=""',
        "invalid <time datetime>: expected YYYY-MM-DDTHH:MM:SS",
        48,
    ),
    (
        "change label",
        EVENT_FULL,
        'data-label="First"',
        'data-label="a(b)"',
        "label must not contain parentheses: 'a(b)'",
        50,
    ),
    (
        "change no title link",
        EVENT_FULL,
        '<a href="/c2" class="title">',
        '<a href="/c2">',
        "expected one 'title' link, found 0",
        50,
    ),
    (
        "related tag markup",
        EVENT_FULL,
        '<span class="tag">y z</span>',
        '<span class="tag"><b>y</b></span>',
        "unexpected markup inside a context tag",
        56,
    ),
    ("related URL", EVENT_FULL, '<a href="/q"', '<a href="a b"', URL_SPACE.format("url"), 58),
    (
        "event extra markup",
        EVENT_FULL,
        "<code>e2</code>",
        "<code><b>e2</b></code>",
        "unexpected markup inside an unparsed line",
        62,
    ),
    (
        "event extra blank",
        EVENT_FULL,
        "<code>e2</code>",
        "<code> </code>",
        "extra lines must not be blank",
        31,
    ),
    ("event language", EVENT_FULL, 'data-language="zh"', 'data-language="fr"', LANGUAGE_FR, 31),
    (
        "event prefix",
        EVENT_FULL,
        'data-prefix="/zh"',
        'data-prefix="zh"',
        "prefix 'zh' must be empty or '/segment[/segment…]'",
        31,
    ),
    (
        "event slug",
        EVENT_FULL,
        'data-slug="s"',
        'data-slug="a/b"',
        "slug 'a/b' must be one URL path segment",
        31,
    ),
    (
        "day date",
        DAY_FULL,
        'datetime="2012-11-08"',
        'datetime="soon"',
        "invalid <time datetime>",
        23,
    ),
    (
        "day no date",
        DAY_FULL,
        '<time datetime="2012-11-08">2012-11-8</time>',
        "",
        "expected one date, found 0",
        23,
    ),
    (
        "day no entries",
        DAY_FULL,
        '<section class="entries">',
        '<section class="x">',
        "expected one entries, found 0",
        23,
    ),
    (
        "entry without a title link",
        DAY_FULL,
        '<a href="/t" class="title">T</a>',
        "",
        "expected one entry link, found 0",
        24,
    ),
    (
        "entry link no URL",
        DAY_FULL,
        '<a href="/t" class="title">',
        '<a class="title">',
        "link without a URL",
        25,
    ),
    (
        "entry title markup",
        DAY_FULL,
        'class="title">T</a>',
        'class="title"><b>T</b></a>',
        "unexpected markup inside an entry title",
        25,
    ),
    ("entry URL", DAY_FULL, '<a href="/t"', '<a href="a b"', URL_SPACE.format("url"), 24),
    (
        "entry category markup",
        DAY_FULL,
        '<p class="category">C</p>',
        '<p class="category"><b>C</b></p>',
        "unexpected markup inside a category",
        24,
    ),
    (
        "entry summary markup",
        DAY_FULL,
        '<p class="summary">S</p>',
        '<p class="summary"><b>S</b></p>',
        "unexpected markup inside a summary",
        26,
    ),
    (
        "entry tag markup",
        DAY_FULL,
        '<span class="tag">b</span>',
        '<span class="tag"><b>b</b></span>',
        "unexpected markup inside a context tag",
        27,
    ),
    (
        "previous no URL",
        DAY_FULL,
        '<a href="/p" class="previous">',
        '<a class="previous">',
        "link without a URL",
        27,
    ),
    ("previous URL", DAY_FULL, '<a href="/p"', '<a href="a b"', URL_SPACE.format("previous"), 23),
    ("day language", DAY_FULL, 'data-language="zh"', 'data-language="fr"', LANGUAGE_FR, 23),
    (
        "day extra markup",
        DAY_FULL,
        "<code>x</code>",
        "<code><b>x</b></code>",
        "unexpected markup inside an unparsed line",
        28,
    ),
    (
        "front no heading",
        FRONT_FULL,
        '<h2><a href="/l" class="day">L</a></h2>',
        "",
        "expected one section heading, found 0",
        29,
    ),
    (
        "front heading with a comment",
        FRONT_FULL,
        "<h2>M</h2>",
        "<h2>M<!--c--></h2>",
        "unexpected markup inside a section heading",
        32,
    ),
    (
        "front link no URL",
        FRONT_FULL,
        '<a href="/l" class="day">',
        '<a class="day">',
        "link without a URL",
        29,
    ),
    (
        "front link markup",
        FRONT_FULL,
        'class="day">L</a>',
        'class="day"><b>L</b></a>',
        "unexpected markup inside a section link",
        29,
    ),
    (
        "front heading markup",
        FRONT_FULL,
        "<h2>M</h2>",
        "<h2><b>M</b></h2>",
        "link without a URL",
        32,
    ),
    (
        "front unlinked Unparsed",
        FRONT_FULL,
        "<h2>M</h2>",
        "<h2>Unparsed:</h2>",
        "a section without a link cannot be labelled 'Unparsed:'",
        32,
    ),
    ("front URL", FRONT_FULL, '<a href="/l"', '<a href="a b"', URL_SPACE.format("url"), 29),
    ("front language", FRONT_FULL, 'data-language="en"', 'data-language="fr"', LANGUAGE_FR, 29),
    (
        "front extra markup",
        FRONT_FULL,
        "<code>x</code>",
        "<code><b>x</b></code>",
        "unexpected markup inside an unparsed line",
        35,
    ),
    (
        "editorial date",
        EDITORIAL_FULL,
        'datetime="2012-11-08"',
        'datetime="soon"',
        "invalid <time datetime>",
        20,
    ),
    (
        "editorial no data-md",
        EDITORIAL_FULL,
        '<p data-md="[d](/d)x *e*">',
        "<p>",
        "body paragraph without data-md",
        25,
    ),
    (
        "editorial no author",
        EDITORIAL_FULL,
        '<span class="name">A</span>',
        "A",
        "expected one author, found 0",
        20,
    ),
    (
        "editorial author markup",
        EDITORIAL_FULL,
        '<span class="name">A</span>',
        '<span class="name"><b>A</b></span>',
        "unexpected markup inside the author",
        22,
    ),
    (
        "editorial author empty",
        EDITORIAL_BARE,
        '<span class="name">A</span>',
        '<span class="name"></span>',
        "author must not be empty",
        19,
    ),
    (
        "editorial h1 markup",
        EDITORIAL_FULL,
        "<h1>T</h1>",
        "<h1><b>T</b></h1>",
        "unexpected markup inside <h1>",
        21,
    ),
    ("editorial no h1", EDITORIAL_FULL, "<h1>T</h1>", "", "expected one <h1>, found 0", 20),
    (
        "editorial no body",
        EDITORIAL_FULL,
        '<div class="body">',
        '<div class="x">',
        "expected one body, found 0",
        20,
    ),
    (
        "editorial slug",
        EDITORIAL_FULL,
        'data-slug="s"',
        'data-slug="a/b"',
        "slug 'a/b' must be one URL path segment",
        20,
    ),
    (
        "editorial language",
        EDITORIAL_FULL,
        'data-language="en"',
        'data-language="fr"',
        LANGUAGE_FR,
        20,
    ),
    (
        "editorial extra markup",
        EDITORIAL_FULL,
        "<code>x</code>",
        "<code><b>x</b></code>",
        "unexpected markup inside an unparsed line",
        28,
    ),
]


@pytest.mark.parametrize(
    ("page", "old", "new", "msg", "line"), [e[1:] for e in ERRORS], ids=[e[0] for e in ERRORS]
)
def test_errors_name_the_element_at_fault(
    page: Any, old: str, new: str, msg: str, line: int
) -> None:
    # An error inside an entry, a section or a line keeps its own message and line: the
    # page's checks around it do not wrap it again.
    text = _html.dumps(page)
    assert old in text
    text = text.replace(old, new, 1)
    expected = ("error", msg, line, 1, None)
    assert outcome(lambda: _html.loads(text)) == expected
    assert outcome(lambda: _html.loads(text, fast=False)) == expected


NOT_A_PAGE = (
    'not a page written by newsevent: no <article class="newsevent…" data-newsevent-version="2">'
)


def test_a_second_document_after_the_page_is_read_alike() -> None:
    # lxml's HTML parser keeps a second <html> after the first as a sibling of the root;
    # the validating reader sees its articles, so the one-pass reader must not take the page.
    text = _html.dumps(DAY_FULL)
    twice = text + text
    expected = ("error", NOT_A_PAGE, 1, 1, None)
    assert outcome(lambda: _html.loads(twice)) == expected
    assert outcome(lambda: _html.loads(twice, fast=False)) == expected
    # A comment after the document is no second document: the one-pass reader takes it.
    trailing = text + "<!-- c -->\n"
    assert _html._fast_page(etree.fromstring(trailing, _html._PARSER)) == DAY_FULL
    assert _html.loads(trailing, fast=False) == DAY_FULL


# ---------------------------------------------------------------- the one-pass reader

H1 = '<h1><a href="/d"><time datetime="2012-11-08">2012-11-8</time></a></h1>'
ENT = '<article class="entry"><h3><a href="/t" class="title">t</a></h3></article>'
FORMATS = '<nav class="formats">Formats: </nav>'
PREV = '<nav class="previous"><a href="/p" class="previous">Previous</a></nav>'
EXTRA = (
    '<section class="extra"><h2>Unparsed</h2><ul><li class="line"><code>x</code></li></ul>'
    "</section>"
)


def hday(inner: str, attrs: str = "", cls: str = "newsevent-day") -> str:
    article = f'<article class="{cls}" data-newsevent-version="2"{attrs}>{inner}</article>'
    return f"<!DOCTYPE html>\n<html><body>{article}</body></html>"


def entries(*items: str) -> str:
    return f'<section class="entries">{"".join(items)}</section>'


def day(*parts: str, attrs: str = "") -> str:
    return hday("".join(parts), attrs)


def entry(inner: str, cls: str = "entry") -> str:
    return day(H1, entries(f'<article class="{cls}">{inner}</article>'))


TITLE = '<h3><a href="/t" class="title">t</a></h3>'


def extra(inner: str) -> str:
    return day(H1, entries(ENT), f'<section class="extra">{inner}</section>')


# (name, document, the one-pass reader takes it, the validating reader allows it)
TRUSTED: list[tuple[str, str, bool, bool]] = [
    ("minimal day", day(H1, entries()), True, True),
    ("version 1", day(H1, entries()).replace('version="2"', 'version="1"'), True, True),
    ("version 3", day(H1, entries()).replace('version="2"', 'version="3"'), False, False),
    ("no version", day(H1, entries()).replace(' data-newsevent-version="2"', ""), False, False),
    ("another class too", hday(H1 + entries(), cls="newsevent-day x"), False, True),
    ("an event", hday(H1 + entries(), cls="newsevent"), False, False),
    ("two days", day(H1, entries()) + day(H1, entries()), False, False),
    (
        "a day and an event",
        hday(H1 + entries(ENT)).replace("</body>", '<article class="newsevent"></article></body>'),
        False,
        False,
    ),
    (
        "every member",
        day(
            FORMATS,
            H1,
            entries(ENT, ENT),
            PREV,
            EXTRA,
            attrs=' data-prefix="/zh" data-language="zh"',
        ),
        True,
        True,
    ),
    ("language en", day(H1, entries(), attrs=' data-language="en"'), True, True),
    ("language fr", day(H1, entries(), attrs=' data-language="fr"'), False, False),
    ("prefix", day(H1, entries(), attrs=' data-prefix="/zh"'), True, True),
    ("prefix without slash", day(H1, entries(), attrs=' data-prefix="zh"'), False, False),
    ("formats twice", day(FORMATS, FORMATS, H1, entries()), False, True),
    ("formats after h1", day(H1, FORMATS, entries()), False, True),
    ("no h1", day(entries()), False, False),
    ("h1 twice", day(H1, H1, entries()), False, False),
    ("h1 with two children", day(H1.replace("</a>", "</a><b>x</b>"), entries()), False, True),
    (
        "h1 child not a link",
        day(H1.replace("<a ", "<b ").replace("</a>", "</b>"), entries()),
        False,
        False,
    ),
    (
        "h1 link with two children",
        day(H1.replace("</time>", "</time><b>x</b>"), entries()),
        False,
        True,
    ),
    (
        "h1 link child not a time",
        day(H1.replace("<time", "<b").replace("</time>", "</b>"), entries()),
        False,
        False,
    ),
    (
        "time without datetime",
        day(H1.replace(' datetime="2012-11-08"', ""), entries()),
        False,
        False,
    ),
    # Python reads the basic format from 3.11 on; newsevent never writes it: no reader takes it.
    (
        "datetime basic format",
        day(H1.replace("2012-11-08", "20121108"), entries()),
        False,
        False,
    ),
    ("datetime impossible", day(H1.replace("2012-11-08", "2012-02-30"), entries()), False, False),
    ("no entries section", day(H1), False, False),
    ("entries twice", day(H1, entries(), entries()), False, False),
    ("entries before h1", day(entries(), H1), False, True),
    ("entries with another child", day(H1, entries(ENT, "<p>x</p>")), False, True),
    ("entry with another class too", entry(TITLE, "entry x"), False, True),
    ("previous", day(H1, entries(), PREV), True, True),
    ("previous before entries", day(H1, PREV, entries()), False, True),
    ("previous twice", day(H1, entries(), PREV, PREV), False, True),
    (
        "previous with two links",
        day(H1, entries(), PREV.replace("</a>", "</a><a>x</a>")),
        False,
        True,
    ),
    ("previous URL blank", day(H1, entries(), PREV.replace("/p", "a b")), False, False),
    ("previous without URL", day(H1, entries(), PREV.replace(' href="/p"', "")), False, False),
    ("extra after previous", day(H1, entries(), PREV, EXTRA), True, True),
    ("extra before entries", day(H1, EXTRA, entries()), False, True),
    ("extra twice", day(H1, entries(), EXTRA, EXTRA), False, True),
    ("previous after extra", day(H1, entries(), EXTRA, PREV), False, True),
    ("another element", day(H1, entries(), "<p>x</p>"), False, True),
    (
        "extra heading not h2",
        extra("<h3>Unparsed</h3><ul><li><code>x</code></li></ul>"),
        False,
        True,
    ),
    ("extra without heading", extra("<ul><li><code>x</code></li></ul>"), False, True),
    ("extra list not ul", extra("<h2>Unparsed</h2><ol><li><code>x</code></li></ol>"), False, True),
    (
        "extra with a third child",
        extra("<h2>U</h2><ul><li><code>x</code></li></ul><p>y</p>"),
        False,
        True,
    ),
    ("extra empty list", extra("<h2>U</h2><ul></ul>"), False, True),
    ("extra line not code", extra("<h2>U</h2><ul><li><b>x</b></li></ul>"), False, True),
    ("extra line in a p", extra("<h2>U</h2><ul><p><code>x</code></p></ul>"), False, True),
    (
        "extra line with two children",
        extra("<h2>U</h2><ul><li><code>x</code><code>y</code></li></ul>"),
        False,
        True,
    ),
    ("extra line blank", extra("<h2>U</h2><ul><li><code> </code></li></ul>"), False, False),
    ("extra line markup", extra("<h2>U</h2><ul><li><code><b>x</b></code></li></ul>"), False, False),
    # entries
    ("entry", entry(TITLE), True, True),
    (
        "entry every member",
        entry(
            '<p class="category">c</p>' + TITLE + '<p class="summary">s</p>'
            '<p class="context">Context: <span class="tag">a</span>, '
            '<span class="tag">b c</span></p>'
        ),
        True,
        True,
    ),
    (
        "entry inert URL",
        entry('<h3><span class="title inert-url" data-url="javascript:x">t</span></h3>'),
        True,
        True,
    ),
    (
        "entry URL as written",
        entry('<h3><a href="/%C3%A9" data-url="/\u00e9" class="title">t</a></h3>'),
        True,
        True,
    ),
    ("entry without title", entry('<p class="category">c</p>'), False, False),
    ("entry title empty", entry('<h3><a href="/t" class="title"></a></h3>'), True, True),
    ("entry title blank first", entry('<h3><a href="/t" class="title"> t</a></h3>'), False, False),
    ("entry title markup", entry('<h3><a href="/t" class="title"><b>t</b></a></h3>'), False, False),
    ("entry title in a div", entry('<div><a href="/t" class="title">t</a></div>'), False, False),
    ("entry h3 twice", entry(TITLE + TITLE), False, False),
    ("entry h3 with two children", entry(TITLE.replace("</a>", "</a><b>x</b>")), False, True),
    ("entry h3 child of another class", entry(TITLE.replace("title", "name")), False, False),
    ("entry URL blank", entry(TITLE.replace("/t", "a b")), False, False),
    ("entry without URL", entry(TITLE.replace(' href="/t"', "")), False, False),
    ("entry category after title", entry(TITLE + '<p class="category">c</p>'), False, True),
    ("entry category twice", entry('<p class="category">c</p>' * 2 + TITLE), False, True),
    ("entry category blank", entry('<p class="category">c </p>' + TITLE), False, False),
    ("entry summary before title", entry('<p class="summary">s</p>' + TITLE), False, True),
    ("entry summary empty", entry(TITLE + '<p class="summary"></p>'), False, False),
    ("entry summary blank first", entry(TITLE + '<p class="summary"> s</p>'), False, False),
    (
        "entry summary after context",
        entry(
            TITLE + '<p class="context">Context: <span class="tag">a</span></p>'
            '<p class="summary">s</p>'
        ),
        False,
        True,
    ),
    (
        "entry title after context",
        entry('<p class="context">Context: <span class="tag">a</span></p>' + TITLE),
        False,
        True,
    ),
    (
        "entry context twice",
        entry(TITLE + '<p class="context">Context: <span class="tag">a</span></p>' * 2),
        False,
        True,
    ),
    (
        "entry context tag not a span",
        entry(TITLE + '<p class="context">Context: <b class="tag">a</b></p>'),
        False,
        True,
    ),
    (
        "entry context tag with a separator",
        entry(TITLE + '<p class="context">Context: <span class="tag">a, b</span></p>'),
        False,
        False,
    ),
    ("entry other element", entry(TITLE + "<p>x</p>"), False, True),
    ("entry not an article", day(H1, entries(f'<div class="entry">{TITLE}</div>')), False, True),
    (
        "entry title again after context",
        entry(TITLE + '<p class="context">Context: <span class="tag">a</span></p>' + TITLE),
        False,
        False,
    ),
    ("h1 after extra", day(H1, entries(), EXTRA, H1), False, False),
]


def _one_pass(text: str) -> Any:
    try:
        return _html._fast_page(etree.fromstring(text, _html._PARSER))
    except _html._Refused:
        return None


@pytest.mark.parametrize(
    ("text", "taken", "valid"), [c[1:] for c in TRUSTED], ids=[c[0] for c in TRUSTED]
)
def test_one_pass_reader_takes_exactly_what_it_should(text: str, taken: bool, valid: bool) -> None:
    built = _one_pass(text)
    slow = outcome(lambda: _html.loads(text, fast=False))
    assert (built is not None, slow[0] == "page") == (taken, valid)
    if built is not None:
        assert slow == ("page", DayPage, built, built.language)
        assert revalidated(built) == built
    assert outcome(lambda: _html.loads(text)) == slow


def test_comments_in_an_event_body_are_not_paragraphs() -> None:
    text = _html.dumps(EVENT_FULL).replace("<p>One</p>", "<p>One</p><!--x--><?pi y?>")
    assert "<!--x-->" in text
    for fast in (True, False):
        assert _html.loads(text, fast=fast) == EVENT_FULL


def test_a_cover_image_before_the_sources_is_read() -> None:
    # The writer puts the cover image last; the reader takes it anywhere in the list.
    text = _html.dumps(EVENT_FULL)
    cover = '<li class="cover-image"><a href="/c" class="cover">Cover Image</a></li>\n'
    assert cover in text
    first = '<ol>\n<li class="source">'
    text = text.replace(cover, "").replace(first, f'<ol>\n{cover}<li class="source">', 1)
    assert text.index("cover-image") < text.index('class="source"')
    for fast in (True, False):
        assert _html.loads(text, fast=fast) == EVENT_FULL


@pytest.mark.parametrize(
    ("text", "msg"),
    [
        ("", "malformed HTML: Document is empty"),
        (" ", "malformed HTML: Document is empty"),
        ("<!--x-->", "malformed HTML: Document is empty"),
        ("<p>x</p>", NOT_A_PAGE),
    ],
)
def test_what_is_no_page_at_all(text: str, msg: str) -> None:
    for fast in (True, False):
        got = outcome(lambda fast=fast: _html.loads(text, fast=fast))
        assert got == ("error", msg, 1, 1, None)


@pytest.mark.parametrize("thing", [None, "page", 3])
def test_the_writer_refuses_what_is_not_a_page(thing: Any) -> None:
    with pytest.raises(TypeError) as info:
        _html.document(thing)
    assert str(info.value) == f"expected a page, not {type(thing).__name__}"


def test_an_element_without_a_source_line_is_at_line_1() -> None:
    # Every element the reader meets comes from the parsed page, with its line; one built in
    # memory has none.
    p = etree.Element("p")
    etree.SubElement(p, "b")
    assert p.sourceline is None
    assert outcome(lambda: _html._leaf(p, "a summary")) == (
        "error",
        "unexpected markup inside a summary",
        1,
        1,
        None,
    )


_UTF8_META = '<meta charset="utf-8">'
_TITLED = Event(date=D, title="Härbour", body="x")


def _titled_html() -> str:
    text = _html.dumps(_TITLED)
    assert text.count(_UTF8_META) == 1
    return text


@pytest.mark.parametrize(
    ("make", "title"),
    [
        # Bytes are UTF-8 unless they say otherwise, with or without the writer's meta.
        (lambda t: t.encode(), "Härbour"),
        (lambda t: t.replace(_UTF8_META, "").encode(), "Härbour"),
        (lambda t: t.encode("utf-8-sig"), "Härbour"),
        # A declared encoding is honoured: meta charset, http-equiv, a UTF-16 BOM.
        (lambda t: t.replace("utf-8", "ISO-8859-1", 1).encode("latin-1"), "Härbour"),
        (
            lambda t: t.replace(
                _UTF8_META,
                '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">',
            ).encode("cp1252"),
            "Härbour",
        ),
        (lambda t: t.replace(_UTF8_META, "").encode("utf-16"), "Härbour"),
        (lambda t: ("\ufeff" + t.replace(_UTF8_META, "")).encode("utf-16-be"), "Härbour"),
        # A name no codec has: the reader's own encoding.
        (lambda t: t.replace("utf-8", "x-none", 1).encode(), "Härbour"),
    ],
)
def test_html_bytes_are_read_in_their_encoding(make: Any, title: str) -> None:
    for fast in (True, False):
        assert _html.loads(make(_titled_html()), fast=fast) == attrs.evolve(_TITLED, title=title)


@pytest.mark.parametrize(
    ("make", "msg"),
    [
        # lxml would put U+FFFD in place of the byte (declared UTF-8), or read the page as
        # Latin-1 (nothing declared): refused instead, at the byte.
        (lambda t: t.encode().replace("ä".encode(), b"\xff"), "invalid start byte"),
        (
            lambda t: t.replace(_UTF8_META, "").encode().replace("ä".encode(), b"\xc3"),
            "invalid continuation byte",
        ),
    ],
)
def test_html_bytes_that_are_not_utf8_are_refused_where_they_stand(make: Any, msg: str) -> None:
    data = make(_titled_html())
    at = data.index(b"H") + 1  # the first byte after the title's "H"
    line = data.count(b"\n", 0, at) + 1
    col = at - data.rfind(b"\n", 0, at)
    for fast in (True, False):
        got = outcome(lambda fast=fast: _html.loads(data, fast=fast))
        assert got == ("error", f"input is not UTF-8: {msg} at byte {at}", line, col, None)


def test_html_text_with_a_lone_surrogate_is_refused_where_it_stands() -> None:
    text = _titled_html().replace("ä", "\udc80")
    at = text.index("\udc80")
    line = text.count("\n", 0, at) + 1
    col = at - text.rfind("\n", 0, at)
    got = outcome(lambda: _html.loads(text))
    msg = "input holds U+DC80, a lone surrogate, which UTF-8 cannot encode"
    assert got == ("error", msg, line, col, None)


def test_an_error_lxml_raises_while_parsing_is_a_parse_error(monkeypatch: Any) -> None:
    # lxml's HTML parser repairs what it is given rather than raise; should it raise, the
    # reader says so in its own words.
    def refuse(data: bytes, parser: Any) -> None:
        raise etree.ParserError("Document is empty")

    monkeypatch.setattr(etree, "fromstring", refuse)
    got = outcome(lambda: _html.loads(b"<p>x</p>"))
    assert got == ("error", "malformed HTML: Document is empty", 1, 1, None)
