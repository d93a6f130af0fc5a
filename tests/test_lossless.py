"""Lossless pages: links as written, real pages written back byte for byte, and edits that
rewrite only the lines of what changed."""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newsevent
from newsevent import markdown as nemd
from tests import strategies as S
from tests.corpus import event_pages, listing_pages

# ---------------------------------------------------------------- links as written

ZH_URL = "/zh/news/2019/11/30/伊拉克基爾庫克省基爾庫克发生三起爆炸袭击-16人受伤.md"
ZH_PAGE = (
    "### [2019-11-30](/news/2019/11/30/index.md)\n\n"
    "##### 伊拉克\n"
    "#  伊拉克基爾庫克省发生三起爆炸袭击 \n\n\n\n\n"
    "### 信息来源:\n\n"
    "1. [环球网](https://world.huanqiu.com/gallery/9CaKrnQhXFU)\n"
    "2. [维基](https://zh.wikipedia.org/wiki/伊拉克&amp;x)\n\n"
    "### 有关:\n\n"
    f"1. [ 伊拉克 ]({ZH_URL}) _上下文: 伊拉克_\n"
)


def test_chinese_links_stay_chinese_in_every_format() -> None:
    ev = newsevent.parse(ZH_PAGE)
    assert isinstance(ev, newsevent.Event)
    assert ev.related[0].url == ZH_URL
    assert ev.sources[1].url == "https://zh.wikipedia.org/wiki/伊拉克&x"  # entity decoded
    for fmt in ("json", "xml", "html"):
        text = newsevent.dumps(ev, fmt)
        back = newsevent.loads(text, fmt)
        assert back == ev and back.related[0].url == ZH_URL and back.language == "zh"
    assert json.loads(newsevent.dumps(ev, "json"))["related"][0]["url"] == ZH_URL


def test_html_href_is_the_ascii_uri_and_data_url_the_spelling() -> None:
    ev = newsevent.parse(ZH_PAGE)
    html = newsevent.dumps(ev, "html")
    encoded = newsevent.normalize_url(ZH_URL)
    assert encoded.startswith("/zh/news/2019/11/30/%E4%BC%8A") and encoded.isascii()
    assert f'href="{encoded}"' in html and f'data-url="{ZH_URL}"' in html
    # A URL that is already ASCII needs no data-url.
    assert 'href="https://world.huanqiu.com/gallery/9CaKrnQhXFU" class' in html


def test_normalize_url_percent_encodes_without_decoding() -> None:
    assert newsevent.normalize_url("http://x/über?a=1&amp;b") == "http://x/%C3%BCber?a=1&amp;b"
    assert newsevent.normalize_url("http://x/a%20b") == "http://x/a%20b"
    assert newsevent.normalize_url("http://x/a b") == "http://x/a%20b"


def test_version_1_documents_are_still_read() -> None:
    encoded = newsevent.normalize_url(ZH_URL)
    v1 = {
        "format": "newsevent.event",
        "version": 1,
        "date": "2019-11-30",
        "title": "t",
        "related": [{"title": "r", "url": encoded, "context": []}],
        "language": "zh",
    }
    ev = newsevent.loads(json.dumps(v1), "json")
    assert isinstance(ev, newsevent.Event) and ev.related[0].url == encoded
    assert json.loads(newsevent.dumps(ev, "json"))["version"] == 2
    xml = newsevent.dumps(ev, "xml").replace('version="2"', 'version="1"')
    assert newsevent.loads(xml, "xml") == ev
    html = newsevent.dumps(ev, "html").replace(
        'data-newsevent-version="2"', 'data-newsevent-version="1"'
    )
    assert newsevent.loads(html, "html") == ev


@pytest.mark.parametrize(
    "url",
    ["http://x/a(b", "http://x/a)b", "http://x/a\\b", "<x>", "http://x/&amp;", "a" + "(" * 25],
)
def test_urls_the_markdown_syntax_must_escape(url: str) -> None:
    ev = newsevent.Event(
        date=dt.date(2020, 1, 1), title="t", related=(newsevent.Related(title="r", url=url),)
    )
    assert newsevent.parse(newsevent.dumps(ev)) == ev


# ---------------------------------------------------------------- canonical layouts


def test_a_chinese_page_built_in_code_has_the_zh_layout() -> None:
    ev = newsevent.Event(
        date=dt.date(2019, 11, 30),
        title="伊拉克发生爆炸",
        category="伊拉克",
        sources=(
            newsevent.Source(name="环球网", url="https://world.huanqiu.com/a"),
            newsevent.Source(name="新华网", url="http://xinhuanet.com/b"),
        ),
        related=(newsevent.Related(title="旧闻", url=ZH_URL, context=("伊拉克",)),),
    )
    assert newsevent.dumps(ev) == (
        "### [2019-11-30](/news/2019/11/30/index.md)\n\n"
        "##### 伊拉克\n"
        "# 伊拉克发生爆炸\n\n\n\n\n"
        "### 信息来源:\n\n"
        "1. [环球网](https://world.huanqiu.com/a)\n"
        "2. [新华网](http://xinhuanet.com/b)\n\n"
        "### 有关:\n\n"
        f"1. [旧闻 ]({ZH_URL}) _消息: 伊拉克_\n"
    )
    day = newsevent.DayPage(
        date=dt.date(2019, 11, 30),
        entries=(newsevent.Entry(title="伊拉克发生爆炸", url=ZH_URL, category="伊拉克"),),
        previous="/zh/news/2019/11/29/index.md",
        prefix="/zh",
        language="zh",
    )
    assert newsevent.dumps(day) == (
        "## [2019-11-30](/zh/news/2019/11/30/index.md)\n\n"
        "##### 伊拉克\n"
        f"### [伊拉克发生爆炸 ]({ZH_URL})\n"
        "## [前一天...](/zh/news/2019/11/29/index.md)\n\n"
    )


def test_canonical_layout_on_request() -> None:
    ev = newsevent.parse(ZH_PAGE)
    assert newsevent.dumps(ev) == ZH_PAGE
    canonical = nemd.dumps(ev, canonical=True)
    head = "### [2019-11-30](/news/2019/11/30/index.md)\n\n##### 伊拉克\n"
    assert canonical.startswith(head + "# 伊拉克基爾庫克省发生三起爆炸袭击\n")
    assert canonical == newsevent.dumps(attrs.evolve(ev, spelling=None))
    assert newsevent.parse(canonical) == ev


def test_convert_canonical_on_the_command_line(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_text(ZH_PAGE, "utf-8")
    run = [sys.executable, "-m", "newsevent", "convert", str(page), "--to", "markdown"]
    same = subprocess.run(run, capture_output=True, text=True, timeout=60)
    assert same.returncode == 0 and same.stdout == ZH_PAGE
    canon = subprocess.run([*run, "--canonical"], capture_output=True, text=True, timeout=60)
    assert canon.returncode == 0
    assert canon.stdout == nemd.dumps(newsevent.parse(ZH_PAGE), canonical=True)
    bad = subprocess.run(
        [*run[:-1], "json", "--canonical"], capture_output=True, text=True, timeout=60
    )
    assert bad.returncode == 2 and "--canonical goes with --to markdown" in bad.stderr


def test_line_endings_and_byte_order_mark_are_kept() -> None:
    text = "\ufeff" + ZH_PAGE.replace("\n", "\r\n")
    ev = newsevent.parse(text)
    assert newsevent.dumps(ev) == text
    edited = newsevent.dumps(attrs.evolve(ev, title="新标题"))
    assert edited == text.replace("#  伊拉克基爾庫克省发生三起爆炸袭击 \r\n", "# 新标题\r\n")


def test_pages_read_from_bytes_keep_their_spelling() -> None:
    data = ("\ufeff" + ZH_PAGE).encode("utf-8")
    assert newsevent.dumps(newsevent.parse(data)) == "\ufeff" + ZH_PAGE


# ---------------------------------------------------------------- edits


def test_fixing_one_source_url_is_a_one_line_diff() -> None:
    ev = newsevent.parse(ZH_PAGE)
    assert isinstance(ev, newsevent.Event)
    fixed = attrs.evolve(ev.sources[0], url="https://world.huanqiu.com/gallery/fixed")
    out = newsevent.dumps(attrs.evolve(ev, sources=(fixed, *ev.sources[1:])))
    diff = difflib.unified_diff(ZH_PAGE.splitlines(), out.splitlines(), lineterm="", n=0)
    assert list(diff)[2:] == [
        "@@ -11 +11 @@",
        "-1. [环球网](https://world.huanqiu.com/gallery/9CaKrnQhXFU)",
        "+1. [环球网](https://world.huanqiu.com/gallery/fixed)",
    ]


def test_removing_the_last_related_item_of_a_page_without_sources() -> None:
    text = ZH_PAGE.split("### 信息来源:")[0] + "### 有关:\n\n" + ZH_PAGE.split("### 有关:\n\n")[1]
    ev = newsevent.parse(text)
    out = newsevent.dumps(attrs.evolve(ev, related=()))
    assert newsevent.parse(out) == attrs.evolve(ev, related=())
    assert _changed(text, out)[1] == []


def _changed(old: str, new: str) -> tuple[list[str], list[str]]:
    """The non-blank lines removed and added, item numbers set aside."""

    def lines(text: str) -> list[str]:
        # Lines as the readers split them (str.splitlines would also split at U+2028).
        return [_NUMBER.sub("", x) for x in re.split(r"\r\n|\r|\n", text) if x.strip(" \t")]

    removed: list[str] = []
    added: list[str] = []
    sm = difflib.SequenceMatcher(None, lines(old), lines(new), autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag != "equal":
            removed += lines(old)[i1:i2]
            added += lines(new)[j1:j2]
    return removed, added


_NUMBER = re.compile(r"^\d+\. ")


def _lcs(a: tuple[object, ...], b: tuple[object, ...]) -> int:
    row = [0] * (len(b) + 1)
    for x in a:
        prev = 0
        for j, y in enumerate(b, 1):
            cur = row[j]
            row[j] = prev + 1 if x == y else max(row[j], row[j - 1])
            prev = cur
    return row[-1]


def _list_change(old: tuple[object, ...], new: tuple[object, ...]) -> tuple[int, int]:
    common = _lcs(old, new)
    return len(old) - common, len(new) - common


@cache
def _sample(root: Path, kind: str) -> list[str]:
    paths = event_pages(root) if kind == "event" else listing_pages(root)
    # Every 7th page: both editions, every generator, without reading 12,000 files per run.
    return [p.read_text("utf-8") for p in paths[::7]]


def _edit_list(
    draw: st.DrawFn, items: tuple[object, ...], new_item: st.SearchStrategy[object]
) -> tuple[object, ...]:
    ops = ["add"]
    if items:
        ops += ["replace"]
    if len(items) > 1:
        ops += ["remove", "swap"]
    op = draw(st.sampled_from(ops))
    out = list(items)
    if op == "add":
        out.insert(draw(st.integers(0, len(out))), draw(new_item))
    elif op == "replace":
        i = draw(st.integers(0, len(out) - 1))
        out[i] = draw(new_item.filter(lambda x: x != items[i]))
    elif op == "remove":
        del out[draw(st.integers(0, len(out) - 1))]
    else:
        i, j = draw(st.lists(st.integers(0, len(out) - 1), min_size=2, max_size=2, unique=True))
        if out[i] == out[j]:
            return items
        out[i], out[j] = out[j], out[i]
    return tuple(out)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_edits_of_real_event_pages(corpus: Path, data: st.DataObject) -> None:
    text = data.draw(st.sampled_from(_sample(corpus, "event")), label="page")
    ev = newsevent.parse(text)
    assert isinstance(ev, newsevent.Event)
    field = data.draw(
        st.sampled_from(["title", "category", "body", "sources", "related", "context", "changes"]),
        label="field",
    )
    removed = added = 0
    if field == "title":
        new = attrs.evolve(ev, title=data.draw(S.line.filter(lambda t: t != ev.title)))
        removed, added = 1, 1
    elif field == "category":
        category = data.draw(st.none() | S.line.filter(lambda c: c != ev.category))
        new = attrs.evolve(ev, category=category)
        removed, added = int(ev.category is not None), int(category is not None)
    elif field == "body":
        old_paras = tuple(ev.body.split("\n\n")) if ev.body else ()
        paras = _edit_list(data.draw, old_paras, S.body.filter(lambda b: b and "\n\n" not in b))
        new = attrs.evolve(ev, body="\n\n".join(str(p) for p in paras))
        removed = sum(str(p).count("\n") + 1 for p in old_paras) - _lines_in_common(
            old_paras, paras
        )
        added = sum(str(p).count("\n") + 1 for p in paras) - _lines_in_common(old_paras, paras)
    elif field == "changes":
        changes = _edit_list(data.draw, ev.changes, S.changes)
        new = attrs.evolve(ev, changes=changes)  # type: ignore[arg-type]
        removed, added = _list_change(ev.changes, changes)
        if not ev.changes and "### Changes:" not in text:
            added += 1
    elif field == "sources":
        sources = _edit_list(data.draw, ev.sources, S.sources)
        new = attrs.evolve(ev, sources=sources)  # type: ignore[arg-type]
        removed, added = _list_change(ev.sources, sources)
        if not ev.sources and ev.cover_image is None and not _has_heading(text, "sources"):
            added += 1
    else:
        if field == "context":
            if not ev.related:
                return
            i = data.draw(st.integers(0, len(ev.related) - 1))
            tags = tuple(data.draw(st.lists(S.tag, max_size=3)))
            if tags == ev.related[i].context:
                return
            related = list(ev.related)
            related[i] = attrs.evolve(related[i], context=tags)
            items: tuple[object, ...] = tuple(related)
        else:
            items = _edit_list(data.draw, ev.related, S.related)
        new = attrs.evolve(ev, related=items)  # type: ignore[arg-type]
        removed, added = _list_change(ev.related, items)
        if not ev.related and not _has_heading(text, "related"):
            added += 1
    out = newsevent.dumps(new)
    back = newsevent.parse(out)
    assert back == new
    got_removed, got_added = _changed(text, out)
    assert (len(got_removed), len(got_added)) == (removed, added), (got_removed, got_added)


def _lines_in_common(old: tuple[object, ...], new: tuple[object, ...]) -> int:
    # Lines of the paragraphs both bodies keep (a longest common subsequence of paragraphs).
    table = [[0] * (len(new) + 1) for _ in range(len(old) + 1)]
    for i, a in enumerate(old):
        for j, b in enumerate(new):
            if a == b:
                table[i + 1][j + 1] = table[i][j] + str(a).count("\n") + 1
            else:
                table[i + 1][j + 1] = max(table[i][j + 1], table[i + 1][j])
    return table[-1][-1]


def _has_heading(text: str, section: str) -> bool:
    words = {"sources": ("Source:", "Sources:", "信息来源:"), "related": ("Related:", "有关:")}
    return any(re.search(rf"(?m)^###[ \t]+{re.escape(w)}[ \t]*$", text) for w in words[section])


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_edits_of_real_day_pages(corpus: Path, data: st.DataObject) -> None:
    text = data.draw(st.sampled_from(_sample(corpus, "listing")), label="page")
    page = newsevent.parse(text)
    if not isinstance(page, newsevent.DayPage) or not page.entries:
        return
    op = data.draw(st.sampled_from(["title", "summary", "list"]), label="op")
    if op == "list":
        entries = _edit_list(data.draw, page.entries, S.entries)
        new = attrs.evolve(page, entries=entries)  # type: ignore[arg-type]
        (removed, added), titles = _entry_line_change(page.entries, entries)
        out = newsevent.dumps(new)
        assert newsevent.parse(out) == new
        got_removed, got_added = _changed(text, out)
        # Title lines are each their own: exactly those of the entries that changed. An
        # entry's other lines move with it, but a line whose text is the same at both
        # places (a repeated category) moves unseen by a line diff: at most the count.
        got_titles = tuple(sum(x.startswith("### [") for x in g) for g in (got_removed, got_added))
        assert got_titles == titles, (got_removed, got_added)
        assert len(got_removed) <= removed and len(got_added) <= added, (got_removed, got_added)
        return
    else:
        i = data.draw(st.integers(0, len(page.entries) - 1))
        e = page.entries[i]
        if op == "title":
            changed = attrs.evolve(e, title=data.draw(S.line.filter(lambda t: t != e.title)))
            removed, added = 1, 1
        else:
            summary = data.draw(st.none() | S.nonempty_line.filter(lambda s: s != e.summary))
            changed = attrs.evolve(e, summary=summary)
            removed, added = int(e.summary is not None), int(summary is not None)
        entries = (*page.entries[:i], changed, *page.entries[i + 1 :])
        new = attrs.evolve(page, entries=entries)
    out = newsevent.dumps(new)
    assert newsevent.parse(out) == new
    got_removed, got_added = _changed(text, out)
    assert (len(got_removed), len(got_added)) == (removed, added), (got_removed, got_added)


def _entry_line_change(
    old: tuple[Any, ...], new: tuple[Any, ...]
) -> tuple[tuple[int, int], tuple[int, int]]:
    # An entry's lines (category, title, summary, context) move with it: entries are
    # aligned on their links; an entry that stays, or takes the place of another, changes
    # the lines whose values differ; one that comes or goes (or moves) adds or removes all.
    def parts(e: Any) -> list[object]:
        return [e.category, (e.title, e.url), e.summary, e.context or None]

    def lines(e: Any) -> int:
        return sum(p is not None for p in parts(e))

    keys = difflib.SequenceMatcher(
        None, [(e.title, e.url) for e in old], [(e.title, e.url) for e in new], autojunk=False
    )
    removed = added = titles_removed = titles_added = 0
    for _tag, i1, i2, j1, j2 in keys.get_opcodes():
        pairs = list(zip(old[i1:i2], new[j1:j2], strict=False))
        for a, b in pairs:
            for x, y in zip(parts(a), parts(b), strict=True):
                removed += x is not None and x != y
                added += y is not None and x != y
            title_changed = parts(a)[1] != parts(b)[1]
            titles_removed += title_changed
            titles_added += title_changed
        gone, come = old[i1 + len(pairs) : i2], new[j1 + len(pairs) : j2]
        removed += sum(lines(e) for e in gone)
        added += sum(lines(e) for e in come)
        titles_removed += len(gone)
        titles_added += len(come)
    return (removed, added), (titles_removed, titles_added)


_piece = st.sampled_from(
    [
        "### [2012-11-8](/news/2012/11/8/index.md)",
        "## [2012-11-08](/zh/news/2012/11/8/index.md)  ",
        "## [前一天...](/zh/news/2012/11/7/index.md)",
        "## [今天](/news/2012/11/8/index.md)",
        "---",
        "### [ 标题 ](/zh/news/2012/11/8/标题.md)",
        "_上下文: 甲, 乙_",
        "#  题目 ",
        "# title",
        "##### cat ",
        "### 信息来源:",
        "### Source:",
        "### 有关:",
        "### Changes:",
        "### Unparsed:",
        "3. [a](http://x/伊拉克(1)) [IMG](//i/x.jpg)",
        "1.  [a &amp; b](b\\(c) _Context: x_",
        "2. [a](b) _2018-02-06 13:49:17 (Update)_",
        "1. [Cover Image](http://x/c.jpg)",
        "Formats: [HTML](/news/2012/11/8/s.html)  [JSON](/news/2012/11/8/s.json)"
        "  [XML](/news/2012/11/8/s.xml)  ",
        "",
        " \t",
        "text &quot;x&quot; *y*",
        "1. [[unbalanced](x)",
    ]
)
_newline = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def _page_text(draw: st.DrawFn) -> str:
    lines = draw(st.lists(_piece, max_size=14))
    if draw(st.booleans()):  # most random pages are listings: make events as likely
        head = ["### [2012-11-8](/news/2012/11/8/index.md)", "", "##### c", "#  t "]
        lines = head[: draw(st.integers(1, 4))] + lines
    nl = draw(_newline)
    bom = draw(st.sampled_from(["", "\ufeff"]))
    return bom + nl.join(lines) + draw(st.sampled_from(["", nl, nl + nl]))


@given(src=_page_text(), title=S.line)
def test_whatever_reads_writes_back_byte_for_byte(src: str, title: str) -> None:
    try:
        page = newsevent.parse(src)
    except newsevent.ParseError:
        return
    assert newsevent.dumps(page) == src
    assert newsevent.parse(nemd.dumps(page, canonical=True)) == page
    if isinstance(page, newsevent.Event):
        edited = attrs.evolve(page, title=title)
        assert newsevent.parse(newsevent.dumps(edited)) == edited


def test_a_list_that_grows_at_its_end_keeps_its_blank_line_after_the_new_item() -> None:
    ev = newsevent.parse(ZH_PAGE)
    assert isinstance(ev, newsevent.Event)
    added = newsevent.Source(name="新华网", url="http://xinhuanet.com/b")
    out = newsevent.dumps(attrs.evolve(ev, sources=(*ev.sources, added)))
    assert out == ZH_PAGE.replace(
        "伊拉克&amp;x)\n\n### 有关:",
        "伊拉克&amp;x)\n3. [新华网](http://xinhuanet.com/b)\n\n### 有关:",
    )
