"""Event pages at the edges of the Markdown event reader and writer (newsevent._md.event):
every kind of line in one page and the block each one makes, lines kept because no value
takes them, errors and the line and column they name, the related-line memo, and the
canonical layout written out in full. Each page is read by the fast and the general
reader, compared with values written out by hand, and written back."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

import newsevent
from newsevent import Change, Event, ParseError, Related, Source
from newsevent._md import event
from newsevent._spelling import all_marks, unchanged

HEAD = "### [2016-02-3](/news/2016/02/3/index.md)\n\n# T\n\n"
DATE = dt.date(2016, 2, 3)


def _read(text: str) -> Event:
    """The page both readers read from ``text``, with the same blocks; written back as is."""
    page = event.loads(text)
    slow = event.loads(text, fast=False)
    assert slow == page
    assert page.spelling is not None and slow.spelling is not None
    assert all_marks(slow.spelling) == all_marks(page.spelling)
    assert newsevent.dumps(page) == text
    return page


def _blocks(page: Event) -> list[tuple[object, ...]]:
    assert page.spelling is not None
    return [tuple(b) for b in page.spelling.blocks]


def _error(text: str) -> tuple[int, int, str]:
    """Where and why both readers refuse ``text``."""
    found = []
    for fast in (True, False):
        with pytest.raises(ParseError) as info:
            event.loads(text, fast=fast)
        found.append((info.value.lineno, info.value.colno, info.value.msg))
    assert found[0] == found[1]
    return found[0]


def _event(**kw: object) -> Event:
    return Event(date=DATE, title="T", **kw)  # type: ignore[arg-type]


# ---------------------------------------------------------------- every line of a page

FULL = """\
A preface line.
Formats: [HTML](/zh/news/2016/02/3/a-b.html)  [JSON](/zh/news/2016/02/3/a-b.json)  \
[XML](/zh/news/2016/02/3/a-b.xml)

### [2016-02-3](/zh/news/2016/02/3/index.md)

##### Politics
# A title

First line
second line.

Other &amp; paragraph.
## A stray heading
Third.

### 信息来源:

1. [Gazette](http://g.example/1) [IMG](http://g.example/i.jpg)

2. [Radio](http://r.example/2)
3. [Cover Image](http://g.example/c.jpg)
4. [Wire](http://w.example/4)

### Changes:

1. [Old](/zh/news/2016/02/3/old.md) _2016-02-04 10:11:12 (First version)_
2. [New](/zh/news/2016/02/3/new.md) _(Current version)_

### Related:

1. [Before ](/zh/news/2016/01/2/before.md) _Context: Politics, Votes_

2. [Plain](/zh/news/2016/01/1/plain.md)
3. [Zh](/zh/news/2016/01/1/zh.md) _上下文: 政治_

### Notes:

1. [n](/n.md)

### Unparsed:

kept one

kept two
""".replace("# A title\n", "# A title \n")  # (a blank after the title)

GAZETTE = Source(name="Gazette", url="http://g.example/1", image="http://g.example/i.jpg")
RADIO = Source(name="Radio", url="http://r.example/2")
WIRE = Source(name="Wire", url="http://w.example/4")
OLD = Change(
    title="Old",
    url="/zh/news/2016/02/3/old.md",
    label="First version",
    timestamp=dt.datetime(2016, 2, 4, 10, 11, 12),
)
NEW = Change(title="New", url="/zh/news/2016/02/3/new.md", label="Current version")
BEFORE = Related(title="Before", url="/zh/news/2016/01/2/before.md", context=("Politics", "Votes"))
PLAIN = Related(title="Plain", url="/zh/news/2016/01/1/plain.md")
ZH = Related(title="Zh", url="/zh/news/2016/01/1/zh.md", context=("政治",))
KEPT = (
    "A preface line.",
    "## A stray heading",
    "### Notes:",
    "1. [n](/n.md)",
    "kept one",
    "kept two",
)
FULL_PAGE = Event(
    date=DATE,
    title="A title",
    category="Politics",
    body="First line\nsecond line.\n\nOther & paragraph.\n\nThird.",
    sources=(GAZETTE, RADIO, WIRE),
    cover_image="http://g.example/c.jpg",
    related=(BEFORE, PLAIN, ZH),
    changes=(OLD, NEW),
    slug="a-b",
    prefix="/zh",
    language="zh",
    extra=KEPT,
)
FULL_BLOCKS = [
    ("extra", "A preface line.", "A preface line.\n", ""),
    (
        "formats",
        (DATE, "/zh", "a-b"),
        "Formats: [HTML](/zh/news/2016/02/3/a-b.html)  [JSON](/zh/news/2016/02/3/a-b.json)  "
        "[XML](/zh/news/2016/02/3/a-b.xml)\n",
        "\n",
    ),
    ("date", (DATE, "/zh"), "### [2016-02-3](/zh/news/2016/02/3/index.md)\n", "\n"),
    ("category", "Politics", "##### Politics\n", ""),
    ("title", "A title", "# A title \n", "\n"),
    ("para", "First line\nsecond line.", "First line\nsecond line.\n", "\n"),
    ("para", "Other & paragraph.", "Other &amp; paragraph.\n", ""),
    ("extra", "## A stray heading", "## A stray heading\n", ""),
    ("para", "Third.", "Third.\n", "\n"),
    ("head:sources", "zh", "### 信息来源:\n", "\n"),
    ("sources", GAZETTE, "1. [Gazette](http://g.example/1) [IMG](http://g.example/i.jpg)\n", "\n"),
    ("sources", RADIO, "2. [Radio](http://r.example/2)\n", ""),
    (
        "sources",
        ("cover", "http://g.example/c.jpg"),
        "3. [Cover Image](http://g.example/c.jpg)\n",
        "",
    ),
    ("sources", WIRE, "4. [Wire](http://w.example/4)\n", "\n"),
    ("head:changes", None, "### Changes:\n", "\n"),
    (
        "changes",
        OLD,
        "1. [Old](/zh/news/2016/02/3/old.md) _2016-02-04 10:11:12 (First version)_\n",
        "",
    ),
    ("changes", NEW, "2. [New](/zh/news/2016/02/3/new.md) _(Current version)_\n", "\n"),
    ("head:related", "en", "### Related:\n", "\n"),
    (
        "related",
        (BEFORE, "en"),
        "1. [Before ](/zh/news/2016/01/2/before.md) _Context: Politics, Votes_\n",
        "\n",
    ),
    ("related", (PLAIN, None), "2. [Plain](/zh/news/2016/01/1/plain.md)\n", ""),
    ("related", (ZH, "zh"), "3. [Zh](/zh/news/2016/01/1/zh.md) _上下文: 政治_\n", "\n"),
    ("extra", "### Notes:", "### Notes:\n", "\n"),
    ("extra", "1. [n](/n.md)", "1. [n](/n.md)\n", "\n"),
    ("head:unparsed", None, "### Unparsed:\n", "\n"),
    ("extra", "kept one", "kept one\n", "\n"),
    ("extra", "kept two", "kept two\n", ""),
]


def test_every_kind_of_line_makes_its_block() -> None:
    page = _read(FULL)
    assert page == FULL_PAGE
    assert page.language == "zh"  # the first section heading's, not the second's
    assert _blocks(page) == FULL_BLOCKS


def test_a_page_without_kept_lines_has_the_same_values_and_blocks() -> None:
    text = FULL.replace("A preface line.\n", "").replace("## A stray heading\n", "\n")
    text = text[: text.index("### Notes:")].rstrip("\n") + "\n"
    page = _read(text)
    assert page == attrs.evolve(FULL_PAGE, extra=())
    want = [b for b in FULL_BLOCKS if b[0] not in ("extra", "head:unparsed")]
    want[5] = ("para", "Other & paragraph.", "Other &amp; paragraph.\n", "\n")
    want[-1] = (*want[-1][:3], "")
    assert _blocks(page) == want
    # Read without the checks of the constructors, and known to be unchanged.
    assert unchanged(page)
    assert page.spelling._fingerprint == tuple(  # type: ignore[union-attr]
        getattr(page, a.name) for a in attrs.fields(Event) if a.name != "spelling"
    )


# ---------------------------------------------------------------- items a section takes or keeps


def _section(heading: str, *lines: str) -> str:
    return HEAD + f"### {heading}\n\n" + "".join(line + "\n" for line in lines)


def test_source_lines_taken_and_kept() -> None:
    lines = [
        "1. [a](/a) [IMG](/i) x",  # more than a link and an image
        "2. [b](/b) [PIC](/p)",  # a second link that is no image
        "3. [c](/c)  [IMG](/i)",  # two blanks before the image
        "4. [d](/d) [IMG]()",  # an image without its url
        "5. [](/e)",  # a name may be empty
        "6. [Cover Image](/c) [IMG](/i)",  # a source named like the cover, with an image
        "7. [Cover Image]()",
        "8. [f](/f) _x_",
        "9. _g_",
        "10. [h](/h) [IMG](/i)",
        "11. [Cover Image](/c1)",
        "12. [Cover Image](/c2)",  # a second cover image
        "13. [k]()",
    ]
    page = _read(_section("Sources:", *lines))
    assert page == _event(
        sources=(
            Source(name="", url="/e"),
            Source(name="Cover Image", url="/c", image="/i"),
            Source(name="h", url="/h", image="/i"),
        ),
        cover_image="/c1",
        language="en",
        extra=tuple(lines[i] for i in (0, 1, 2, 3, 6, 7, 8, 11, 12)),
    )
    assert _blocks(page)[12:14] == [
        ("sources", Source(name="h", url="/h", image="/i"), lines[9] + "\n", ""),
        ("sources", ("cover", "/c1"), lines[10] + "\n", ""),
    ]


def test_change_lines_taken_and_kept() -> None:
    lines = [
        "1. [a](/a) _(\u3000)_",  # an ideographic space is a label
        "2. [b](/b)_(v)_",
        "3. [c](/c) _(v)_ x",
        "4. [](/d) _(v)_",  # a title may be empty
        "5. x [d](/d) _(v)_",
        "6. [e](/e) _2016-02-30 10:11:12 (v)_",  # no such day
        "7. [f](/f) _( )_",  # a blank label
        "8. [g](/g) [h](/h)",
        "9. [i](/i) _x (v)_",
        "10. [j](/j) _(v)_ _y_",
        "11. [k](/k) x _(v)_",
        "12. _x_ _(v)_",
        "13. [Old\u3000](/o) _2016-02-04 01:02:03 (v\u3000)_",
        "14. [l]() _(v)_",
    ]
    page = _read(_section("Changes:", *lines))
    assert page == _event(
        changes=(
            Change(title="a", url="/a", label="\u3000"),
            Change(title="", url="/d", label="v"),
            Change(
                title="Old\u3000",
                url="/o",
                label="v\u3000",
                timestamp=dt.datetime(2016, 2, 4, 1, 2, 3),
            ),
        ),
        extra=tuple(lines[i] for i in (1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 13)),
    )
    assert page.language is None  # "Changes:" says no language


def test_related_lines_taken_and_kept() -> None:
    lines = [
        "1. [a](/a) _Context: x_ y",
        "2. [b](/b) _Other: x_",  # not a context label
        "3. [c](/c) [d](/d)",
        "4. [e](/e)  _Context: x_",
        "5. [f](/f) _Context: x,  _",  # an empty tag
        "6. _g_",
        "7. [h]() _Context: x_",
        "8. [Ti\u3000](/t) _消息: 甲, b_",
        "9. [k\u3000](/k)",
    ]
    page = _read(_section("Related:", *lines))
    assert page == _event(
        related=(
            Related(title="Ti\u3000", url="/t", context=("甲", "b")),
            Related(title="k\u3000", url="/k"),
        ),
        language="en",
        extra=tuple(lines[:7]),
    )
    assert _blocks(page)[-2:] == [
        ("related", (page.related[0], "zh"), lines[7] + "\n", ""),
        ("related", (page.related[1], None), lines[8] + "\n", ""),
    ]


U1 = ": character U+0001 at offset 1 cannot be stored"


@pytest.mark.parametrize(
    ("heading", "line", "where", "msg"),
    [
        ("Related:", "1. [a\x01](/a)", (8, 4), "title" + U1),
        (
            "Related:",
            "12. [a](/a) _Context: x\x01_",
            (8, 5),
            "context: character U+0001 at offset 1 cannot be stored",
        ),
        ("Sources:", "1. [a\x01](/a)", (8, 4), "name" + U1),
        (
            "Sources:",
            "1. [a](/a) [IMG](<i j>)",
            (8, 4),
            "image 'i j' must not contain U+0020 at offset 1 (whitespace and control characters"
            " end a Markdown link destination)",
        ),
        (
            "Sources:",
            "10. [Cover Image](/a&#32;b)",
            (8, 5),
            "url '/a b' must not contain U+0020 at offset 2 (whitespace and control characters"
            " end a Markdown link destination)",
        ),
        ("Changes:", "1. [a\x01](/a) _(v)_", (8, 4), "title" + U1),
    ],
)
def test_an_item_that_cannot_be_built_is_an_error_at_its_line(
    heading: str, line: str, where: tuple[int, int], msg: str
) -> None:
    assert _error(_section(heading, "", line)) == (*where, msg)


# ---------------------------------------------------------------- the canonical layout

WRITTEN = Event(
    date=DATE,
    title="A_b *c*",
    category="x_y",
    body='a & b <c> "d"\nnext line\n\nthree',
    sources=(Source(name="s_1", url="/s(1)"), Source(name="[s2]", url="/s2", image="/i<2>")),
    cover_image="/c>",
    related=(
        Related(title="r_1", url="/r1", context=("t_1", "t*2")),
        Related(title="r]2", url="/r2"),
    ),
    changes=(
        Change(title="c_1", url="/c1", label="v_1", timestamp=dt.datetime(2016, 2, 4, 1, 2, 3)),
        Change(title="c]2", url="/c2", label="v]2"),
    ),
    slug="a-b",
    prefix="/p",
    extra=("k1", "k2"),
)
FORMATS = (
    "Formats: [HTML](/p/news/2016/02/3/a-b.html)  [JSON](/p/news/2016/02/3/a-b.json)  "
    "[XML](/p/news/2016/02/3/a-b.xml)  \n"
)


def test_the_canonical_layout_of_an_english_page() -> None:
    text = newsevent.dumps(WRITTEN)
    assert text == (
        "\n" + FORMATS + "\n"
        "### [2016-02-3](/p/news/2016/02/3/index.md)\n\n"
        "##### x_y\n"
        "# A_b *c* \n\n"
        "a &amp; b &lt;c&gt; &quot;d&quot;\nnext line\n\nthree\n\n"
        "\n### Sources:\n\n"
        "1. [s_1](/s(1))\n"
        "1. [[s2]](/s2) [IMG](/i<2>)\n"
        "1. [Cover Image](/c>)\n"
        "\n### Changes:\n\n"
        "1. [c_1 ](/c1) _2016-02-04 01:02:03 (v_1)_\n"
        "2. [c\\]2 ](/c2) _(v\\]2)_\n"
        "\n### Related:\n\n"
        "1. [r_1 ](/r1) _Context: t_1, t*2_\n"
        "2. [r\\]2 ](/r2)\n"
        "\n### Unparsed:\n\n"
        "k1\nk2\n"
    )
    assert _read(text) == WRITTEN


def test_the_canonical_layout_of_a_chinese_page() -> None:
    page = attrs.evolve(WRITTEN, language="zh", slug=None, changes=(), extra=())
    text = newsevent.dumps(page)
    assert text == (
        "### [2016-02-3](/p/news/2016/02/3/index.md)\n\n"
        "##### x_y\n"
        "# A_b *c*\n\n"
        "a &amp; b &lt;c&gt; &quot;d&quot;\nnext line\n\nthree\n\n"
        "\n### 信息来源:\n\n"
        "1. [s_1](/s(1))\n"
        "2. [[s2]](/s2) [IMG](/i<2>)\n"
        "3. [Cover Image](/c>)\n"
        "\n### 有关:\n\n"
        "1. [r_1 ](/r1) _消息: t_1, t*2_\n"
        "2. [r\\]2 ](/r2)\n"
    )
    assert _read(text) == page


def test_the_language_of_a_page_without_one_is_guessed_from_its_words() -> None:
    page = Event(date=DATE, title="标题", sources=(Source(name="s", url="/s"),))
    assert newsevent.dumps(page) == (
        "### [2016-02-3](/news/2016/02/3/index.md)\n\n# 标题\n\n\n\n\n### 信息来源:\n\n1. [s](/s)\n"
    )
    page = Event(date=DATE, title="T", category="分类", cover_image="/c")
    assert newsevent.dumps(page) == (
        "### [2016-02-3](/news/2016/02/3/index.md)\n\n##### 分类\n# T\n\n\n\n"
        "\n### 信息来源:\n\n1. [Cover Image](/c)\n"
    )


@pytest.mark.parametrize(
    ("body", "written"),
    [
        # Entities are enough: the text reads back the same.
        ('a & b <c> "d"\nnext', "a &amp; b &lt;c&gt; &quot;d&quot;\nnext"),
        # Emphasis would read as "*x*": escaped instead, entities left as they are.
        ("_x_ & y", "\\_x\\_ & y"),
        # A line that would be a heading (in any paragraph), "#" elsewhere as is.
        ("#one\n## two\n\nx #3", "\\#one\n\\## two\n\nx #3"),
        ("a\n\n#b", "a\n\n\\#b"),
        # A "#" inside a line needs nothing.
        ("a #b & c", "a #b &amp; c"),
        ("a]b", "a]b"),
        ("", ""),
    ],
)
def test_bodies_are_written_with_entities_or_escapes(body: str, written: str) -> None:
    page = Event(date=DATE, title="T", body=body)
    text = newsevent.dumps(page)
    assert text == "### [2016-02-3](/news/2016/02/3/index.md)\n\n# T \n\n" + written + "\n\n"
    assert _read(text) == page


def test_bodies_ending_alike_are_each_checked_but_for_their_shared_last_paragraph() -> None:
    # The writer checks the last paragraph of a body once for the bodies after it that end
    # alike (the events of an imported day share their attribution): every other
    # paragraph is still checked, and a paragraph that needs escapes is never taken as
    # the shared one.
    last = "From a portal, revision 7 (https://example.org/w?a=1&b=2), CC BY-SA 4.0."
    entities = last.replace("&", "&amp;")
    for body, written in [
        (f"a & b\n\n{last}", f"a &amp; b\n\n{entities}"),
        (f"_x_ & y\n\n{last}", f"\\_x\\_ & y\n\n{last}"),
        (f"{last}\n\n_x_", f"{last}\n\n\\_x\\_"),
        ("_x_", "\\_x\\_"),
        ("_x_", "\\_x\\_"),
        (f"{last}\n\n{last}", f"{entities}\n\n{entities}"),
        (f"a & b\n\n{last}", f"a &amp; b\n\n{entities}"),
    ]:
        page = Event(date=DATE, title="T", body=body)
        text = newsevent.dumps(page)
        assert text == "### [2016-02-3](/news/2016/02/3/index.md)\n\n# T \n\n" + written + "\n\n"
        assert _read(text) == page


# ---------------------------------------------------------------- the formats line


def _formats(a: str, b: str, c: str) -> str:
    return f"Formats: [HTML]({a}.html)  [JSON]({b}.json)  [XML]({c}.xml)"


@pytest.mark.parametrize(
    "line",
    [
        _formats("/news/2016/02/3/a", "/news/2016/02/3/b", "/news/2016/02/3/a"),
        _formats("/news/2016/02/3/a", "/news/2016/02/3/a", "/news/2016/02/3/b"),
        _formats("/news/2016/02/4/a", "/news/2016/02/4/a", "/news/2016/02/4/a"),
        _formats("/news/2016/02/3/", "/news/2016/02/3/", "/news/2016/02/3/"),
        _formats("/news/2016/02/3/\x7f", "/news/2016/02/3/\x7f", "/news/2016/02/3/\x7f"),
        _formats("/zh/news/2016/02/3/a", "/zh/news/2016/02/3/a", "/zh/news/2016/02/3/a"),
        _formats("/news/2016/02/3/a", "/news/2016/02/3/a", "/news/2016/02/3/a") + " x",
        "Formats:",
    ],
)
def test_a_formats_line_that_names_no_page_of_this_day_is_kept_in_page_order(
    line: str,
) -> None:
    text = f"x\n{line}\ny\n\n{HEAD}body\n"
    page = _read(text)
    assert page == _event(body="body", extra=("x", line, "y"))
    assert page.slug is None
    assert _blocks(page)[:3] == [
        ("extra", "x", "x\n", ""),
        ("extra", line, line + "\n", ""),
        ("extra", "y", "y\n", "\n"),
    ]
    # Kept in place when another line is edited.
    assert newsevent.dumps(attrs.evolve(page, title="U")) == text.replace("# T\n", "# U \n")


def test_the_first_formats_line_is_the_one_read() -> None:
    first = _formats("/news/2016/02/3/a.b", "/news/2016/02/3/a.b", "/news/2016/02/3/a.b")
    second = _formats("/news/2016/02/3/c", "/news/2016/02/3/c", "/news/2016/02/3/c")
    page = _read(f"x\n{first}\n{second}\n{HEAD}")
    assert page == _event(slug="a.b", extra=("x", second))
    assert _blocks(page)[:3] == [
        ("extra", "x", "x\n", ""),
        ("formats", (DATE, "", "a.b"), first + "\n", ""),
        ("extra", second, second + "\n", ""),
    ]


# ---------------------------------------------------------------- the body


def test_a_body_paragraph_the_rule_refuses_is_an_error_at_its_own_line() -> None:
    # Not at the line of the last paragraph read.
    assert _error(HEAD + "ok\n\nb\x01d\n\nc\n") == (
        7,
        1,
        "body: character U+0001 at offset 5 cannot be stored",
    )
    assert _error(HEAD + "x\n&#32;\n\nend\n") == (
        5,
        1,
        "body line '' must be non-blank without surrounding blanks",
    )
    assert _error(HEAD + "a\x01\n") == (5, 1, "body: character U+0001 at offset 1 cannot be stored")


# ---------------------------------------------------------------- the head of the page

DATE_LINE = "### [2016-02-3](/news/2016/02/3/index.md)"


@pytest.mark.parametrize(
    ("text", "where", "msg"),
    [
        (
            "x\n## [2016-02-3](/news/2016/02/3/index.md)\n" + HEAD,
            (2, 1),
            "this is a day or front page, not an event page",
        ),
        (
            "x\n\n# T\n",
            (1, 1),
            "not an event page: no date heading '### [YYYY-MM-D](/news/YYYY/MM/D/index.md)'",
        ),
        (
            "\n### [2016-02-3](/news/2016/02/4/index.md)\n# T\n",
            (2, 5),
            "malformed date heading: expected '### [YYYY-MM-D](/news/YYYY/MM/D/index.md)'",
        ),
        (
            "\n### [2016-02-x](/news/2016/02/3/index.md)\n# T\n",
            (2, 5),
            "malformed date heading: expected '### [YYYY-MM-D](/news/YYYY/MM/D/index.md)'",
        ),
        (
            "\n\n### [2016-02-30](/news/2016/02/30/index.md)\n# T\n",
            (3, 6),
            "invalid date in the date heading: day is out of range for month",
        ),
        (DATE_LINE + "\n", (2, 1), "expected the title line '# …'"),
        (DATE_LINE, (1, 1), "expected the title line '# …'"),
        (DATE_LINE + "\n\n##### C\n\n", (5, 1), "expected the title line '# …'"),
        # An ideographic space is no blank line.
        (DATE_LINE + "\n\u3000\n# T\n", (2, 1), "expected the title line '# …'"),
        (DATE_LINE + "\n##### C\n\u3000\n# T\n", (3, 1), "expected the title line '# …'"),
        (DATE_LINE + "\n#T\n", (2, 1), "expected the title line '# …'"),
        (DATE_LINE + "\n# T\x01\n", (2, 1), "title: character U+0001 at offset 1 cannot be stored"),
        (
            DATE_LINE + "\n\n##### C\x01\n# T\n",
            (4, 1),
            "category: character U+0001 at offset 1 cannot be stored",
        ),
        (
            "### [2016-02-3](/p\x01/news/2016/02/3/index.md)\n\n# T\n",
            (3, 1),
            "prefix '/p\\x01' must be empty or '/segment[/segment…]'",
        ),
    ],
)
def test_a_page_the_reader_refuses(text: str, where: tuple[int, int], msg: str) -> None:
    assert _error(text) == (*where, msg)


def test_blank_lines_around_the_category_and_blanks_in_the_title() -> None:
    page = _read(DATE_LINE + "\n\t\n##### C\n \n# T\n")
    assert page == _event(category="C")
    assert _blocks(page) == [
        ("date", (DATE, ""), DATE_LINE + "\n", "\t\n"),
        ("category", "C", "##### C\n", " \n"),
        ("title", "T", "# T\n", ""),
    ]
    # Tabs after the marks; an ideographic space belongs to the value.
    page = _read(DATE_LINE + "\n#####\tC\u3000\n#\tT\u3000\n")
    assert page == Event(date=DATE, title="T\u3000", category="C\u3000")
    # A category may be empty.
    assert _read(DATE_LINE + "\n#####\n# T\n") == _event(category="")


def test_lines_before_the_date_heading() -> None:
    text = "\n \nx\n### y\n\t\n" + HEAD
    page = _read(text)
    assert page == _event(extra=("x", "### y"))
    assert _blocks(page)[:2] == [("extra", "x", "x\n", ""), ("extra", "### y", "### y\n", "\t\n")]
    assert page.spelling is not None and page.spelling.head == "\n \n"


def test_a_byte_order_mark_is_kept() -> None:
    text = "\ufeff" + HEAD
    page = event.loads(text)
    assert page == _event()
    assert newsevent.dumps(page) == text
    assert newsevent.dumps(event.loads(text.encode("utf-8"))) == text
    assert newsevent.dumps(event.loads(HEAD.encode("utf-8"))) == HEAD


# ---------------------------------------------------------------- sections


def test_the_language_is_the_first_heading_s_with_items_after_any_heading() -> None:
    # Headings without items name no language; "Changes:" names none at all.
    text = HEAD + "### 信息来源:\n\n### Related:\n\n### Changes:\n\n1. [a](/a) _(v)_\n"
    page = _read(text)
    assert page == _event(changes=(Change(title="a", url="/a", label="v"),))
    assert page.language is None
    assert [b[:2] for b in _blocks(page)[2:5]] == [
        ("head:sources", "zh"),
        ("head:related", "en"),
        ("head:changes", None),
    ]
    # A cover image alone is enough.
    page = _read(HEAD + "### 信息来源:\n\n1. [Cover Image](/c)\n### Source:\n1. [a](/a)\n")
    assert page == _event(sources=(Source(name="a", url="/a"),), cover_image="/c")
    assert page.language == "zh"
    page = _read(HEAD + "### 有关:\n1. [a](/a)\n### Sources:\n1. [b](/b)\n")
    assert page.language == "zh"
    assert page == _event(
        sources=(Source(name="b", url="/b"),), related=(Related(title="a", url="/a"),)
    )


def test_lines_under_other_headings_are_kept() -> None:
    lines = [
        "### Changes:",
        "1. [a](/a) _(v)_",
        "### [x](/y)",  # a link heading is no section heading: still under "Changes:"
        "1. [b](/b) _(w)_",
        "### Notes:",  # any other heading: its items are kept
        "1. [c](/c) _(w)_",
        "1. [d](/d)",
        "### Sources:",
        "1. [e](/e)",
        "###  Unparsed: \t",  # every line after it is kept, headings and items too
        "",
        " 1. [f](/f)",
        "### Related:",
        "1. [g](/g)",
    ]
    page = _read(HEAD + "\n".join(lines) + "\n")
    assert page == _event(
        sources=(Source(name="e", url="/e"),),
        changes=(
            Change(title="a", url="/a", label="v"),
            Change(title="b", url="/b", label="w"),
        ),
        language="en",
        extra=(lines[2], lines[4], lines[5], lines[6], lines[11], lines[12], lines[13]),
    )
    assert [b[0] for b in _blocks(page)] == [
        "date",
        "title",
        "head:changes",
        "changes",
        "extra",
        "changes",
        "extra",
        "extra",
        "extra",
        "head:sources",
        "sources",
        "head:unparsed",
        "extra",
        "extra",
        "extra",
    ]
    assert _blocks(page)[11] == ("head:unparsed", None, lines[9] + "\n", "\n")


def test_items_right_after_a_heading_and_around_lines_the_fast_path_leaves() -> None:
    lines = [
        "### Sources:",
        "1. [a](/a)",
        "2. [Cover Image](/c)",
        "3. [b](/b)",
        "4. [c\\_d](/c)",  # an escape: read by the general path
        "5. [e](/e)",
        "### Related:",
        "1. [f](/f) _Context: x_",
        "2. [g\\_h](/g)",
        "3. [i](/i)",
    ]
    page = _read(HEAD + "\n".join(lines) + "\n")
    assert page == _event(
        sources=(
            Source(name="a", url="/a"),
            Source(name="b", url="/b"),
            Source(name="c_d", url="/c"),
            Source(name="e", url="/e"),
        ),
        cover_image="/c",
        related=(
            Related(title="f", url="/f", context=("x",)),
            Related(title="g_h", url="/g"),
            Related(title="i", url="/i"),
        ),
        language="en",
    )
    assert [(b[0], b[2]) for b in _blocks(page)[2:]] == [
        ("head:sources", lines[0] + "\n"),
        *[("sources", line + "\n") for line in lines[1:6]],
        ("head:related", lines[6] + "\n"),
        *[("related", line + "\n") for line in lines[7:]],
    ]


# ---------------------------------------------------------------- the related-line memo

CTX = "[a](/news/2016/01/1/a.md) _Context: x_"


def test_a_related_line_is_read_once_under_any_number() -> None:
    one = _read(_section("Related:", "1. " + CTX))
    two = _read(_section("Related:", "1. [b](/b)", "123456789. " + CTX))
    assert (
        one.related[0]
        == two.related[1]
        == Related(title="a", url="/news/2016/01/1/a.md", context=("x",))
    )
    assert two.related[1] is one.related[0]
    # A dot in the title is no part of the number.
    dots = [f"{n}. [a.b](/x) _Context: x_" for n in (1, 2)]
    assert (
        _read(_section("Related:", dots[0])).related[0]
        is _read(_section("Related:", dots[1])).related[0]
    )


@pytest.mark.parametrize(
    "line",
    [
        "x. " + CTX,  # not a number
        "\u00b2. " + CTX,  # a digit to str.isdigit, not to the item pattern
        "1234567890. " + CTX,  # ten digits
        "1.5. " + CTX,
    ],
)
def test_a_line_like_a_remembered_one_but_for_its_number_is_no_item(line: str) -> None:
    page = _read(_section("Related:", "1. " + CTX, line))
    assert page.related == (Related(title="a", url="/news/2016/01/1/a.md", context=("x",)),)
    assert page.extra == (line,)


def test_the_memo_is_emptied_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(event, "_SEEN_MAX", 2)
    lines = [f"{n}. [t{n}](/t{n}) _Context: x_" for n in (1, 2, 3)]
    page = _read(_section("Related:", *lines))
    assert [r.title for r in page.related] == ["t1", "t2", "t3"]
    # The third line found two lines remembered: it emptied the memo, then was remembered.
    assert list(event._SEEN_RELATED) == [". [t3](/t3) _Context: x_"]
    event.clear_cache()
    assert not event._SEEN_RELATED


def test_blank_lines_in_a_run_and_lines_the_run_leaves() -> None:
    lines = ["1. " + CTX, "", " \t", "\u3000", "2. " + CTX, "3. x"]
    page = _read(_section("Related:", *lines))
    rel = Related(title="a", url="/news/2016/01/1/a.md", context=("x",))
    assert page == _event(related=(rel, rel), language="en", extra=("\u3000", lines[5]))
    assert [b[0] for b in _blocks(page)[3:]] == ["related", "extra", "related", "extra"]
    assert _blocks(page)[3][3] == "\n \t\n"
    lines = ["1. [a](/a)", "", " \t", "\u3000", "2. [b](/b)"]
    page = _read(_section("Sources:", *lines))
    assert page == _event(
        sources=(Source(name="a", url="/a"), Source(name="b", url="/b")),
        language="en",
        extra=("\u3000",),
    )
    assert _blocks(page)[3][3] == "\n \t\n"


def test_paragraph_lines_and_their_blanks() -> None:
    text = HEAD + "a&#32;\n&#32;b\n\n\u3000x\u3000\n\ny\u3000\n\u3000z\n\n###x\n#\tH\nend"
    page = _read(text)
    # Blanks an entity spells are stripped at the ends of each line, an ideographic space
    # at the end of one is kept; "###x" is no heading, "#\tH" is one.
    assert page == _event(
        body="a\nb\n\n\u3000x\u3000\n\ny\u3000\nz\n\n###x\n\nend", extra=("#\tH",)
    )
    assert _blocks(page)[2:] == [
        ("para", "a\nb", "a&#32;\n&#32;b\n", "\n"),
        ("para", "\u3000x\u3000", "\u3000x\u3000\n", "\n"),
        ("para", "y\u3000\nz", "y\u3000\n\u3000z\n", "\n"),
        ("para", "###x", "###x\n", ""),
        ("extra", "#\tH", "#\tH\n", ""),
        ("para", "end", "end", ""),  # no line ending after the last line
    ]
    # A paragraph of blanks only is no paragraph.
    assert _read(HEAD + "&#32;\n\nx\n") == _event(body="x")


# ---------------------------------------------------------------- kept lines are checked in place


@pytest.mark.parametrize(
    ("text", "lineno"),
    [
        ("x\x01\n" + HEAD, 1),
        ("Formats: \x01\n" + HEAD, 1),
        ("x\nFormats: [HTML](a.html)\x01\n" + HEAD, 2),
        (HEAD + "body\n## x\x01\n", 6),
        (HEAD + "### Notes\x01:\n", 5),
        (HEAD + "### Sources:\n\n1. [a](/a) x\x01\n", 7),
        (HEAD + "### Unparsed:\n\nx\n\ny\x01\n", 9),
    ],
)
def test_a_kept_line_that_cannot_be_stored_is_an_error_at_its_line(text: str, lineno: int) -> None:
    where, col, msg = _error(text)
    assert (where, col) == (lineno, 1)
    assert msg.startswith("extra line: character U+0001 at offset ")


def test_a_title_that_cannot_be_stored_is_an_error_on_a_page_with_kept_lines() -> None:
    assert _error("x\n" + DATE_LINE + "\n# T\x01\n") == (
        3,
        1,
        "title: character U+0001 at offset 1 cannot be stored",
    )
    # (An error of the page's own values is reported at the title line.)
    assert _error("x\n" + DATE_LINE + "\n##### \x01\n# T\n") == (
        4,
        1,
        "category: character U+0001 at offset 0 cannot be stored",
    )


# ---------------------------------------------------------------- more edges


def test_a_formats_line_on_the_first_line() -> None:
    line = _formats("/news/2016/02/3/a", "/news/2016/02/3/a", "/news/2016/02/3/a")
    page = _read(line + "\n" + HEAD)
    assert page == _event(slug="a")
    assert _blocks(page)[0] == ("formats", (DATE, "", "a"), line + "\n", "")
    # Only the HTML link differs from the others.
    other = _formats("/news/2016/02/3/b", "/news/2016/02/3/a", "/news/2016/02/3/a")
    assert _read(other + "\n" + HEAD) == _event(extra=(other,))


def test_a_title_after_blanks_and_an_ideographic_space() -> None:
    assert _read(DATE_LINE + "\n# \t\u3000T\n") == Event(date=DATE, title="\u3000T")


def test_items_with_blanks_or_an_ideographic_space_at_their_end() -> None:
    page = _read(
        _section(
            "Sources:",
            "1. [a](/a)\u3000",
            "2. [b](/b) \t",
            "3. [s\u3000](/s)",
            "4. [c](/c) [IMG](/i) ",
        )
    )
    assert page == _event(
        sources=(
            Source(name="b", url="/b"),
            Source(name="s\u3000", url="/s"),
            Source(name="c", url="/c", image="/i"),
        ),
        extra=("1. [a](/a)\u3000",),
    )
    assert page.language == "en"
    page = _read(_section("有关:", "1. [a](/a)\u3000", "2. [b](/b) \t", "3. [r](/r) _上下文: x_ "))
    assert page == _event(
        related=(Related(title="b", url="/b"), Related(title="r", url="/r", context=("x",))),
        extra=("1. [a](/a)\u3000",),
    )
    assert page.language == "zh"
    page = _read(_section("Changes:", "1. [a](/a) _(v)_\u3000", "2. [b](/b) _(v)_ \t"))
    assert page == _event(
        changes=(Change(title="b", url="/b", label="v"),), extra=("1. [a](/a) _(v)_\u3000",)
    )


def test_items_after_a_link_heading_before_any_section_are_kept() -> None:
    lines = ("### [x](/y)", "1. [a](/a) _(v)_", "2. [b](/b)")
    assert _read(HEAD + "\n".join(lines) + "\n") == _event(extra=lines)


def test_runs_of_the_fast_reader() -> None:
    # The one-line blocks of a section, blank lines between them included, make one run; a
    # line the run cannot take ends it and the next run starts after it.
    page = _read(FULL)
    assert page.spelling is not None
    assert [(r[0], r[3]) for r in page.spelling._runs] == [
        ("sources", (17, 19)),
        ("sources", (21,)),
        ("related", (30,)),
        ("related", (33,)),
    ]
    page = _read(_section("Related:", "1. " + CTX, "", " ", "2. " + CTX))
    assert page.spelling is not None
    assert [(r[0], r[3]) for r in page.spelling._runs] == [("related", (6, 9))]
    assert event.loads(FULL, fast=False).spelling._runs == ()  # type: ignore[union-attr]
    # A related line after one the general path reads is taken from the memo again.
    first = _read(_section("Related:", "1. " + CTX))
    again = _read(_section("Related:", "1. [g\\_h](/g)", "2. " + CTX))
    assert again.related == (Related(title="g_h", url="/g"), first.related[0])
    assert again.related[1] is first.related[0]


def test_the_general_reader_reads_every_line_with_mistune(monkeypatch: pytest.MonkeyPatch) -> None:
    # ``fast=False`` takes none of the fast paths: no one-step item readers, and every
    # inline reading asks mistune.
    from newsevent import _inline

    def refuse(*args: object) -> None:
        raise AssertionError("a fast path was taken")

    for name in ("related_item", "source_item"):
        monkeypatch.setattr(event, name, refuse)
    monkeypatch.setattr(_inline, "item_nodes", refuse)
    for name in ("nodes", "text"):
        real = getattr(_inline, name)

        def slow(src: str, real: object = real, **kw: object) -> object:
            assert kw == {"fast": False}
            return real(src, **kw)  # type: ignore[operator]

        monkeypatch.setattr(_inline, name, slow)
    assert event.loads(FULL, fast=False) == FULL_PAGE
