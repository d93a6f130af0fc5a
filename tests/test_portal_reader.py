"""The portal reader on hand-written pages: each layout, source form, template rule."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import mwparserfromhell
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import newsevent
from newsevent import _portal, _wikitext, portal

HEAD = "{{Current events|year=2026|month=08|day=9|content=\n"
TAIL = "\n}}"


def read(body: str) -> portal.PortalDay:
    return portal.read(HEAD + body + TAIL)


def test_story_chain_section_and_category() -> None:
    day = read(
        "'''Armed conflicts and attacks'''\n"
        "*[[Middle Eastern crisis (2023\u2013present)|Middle Eastern crisis]]\n"
        "**[[Gaza war]]\n"
        "***[[Hamas]] returns a body. [https://x.example/a (''The Times'')]\n"
        ";Sports\n"
        "*A plain item in [[association football|football]]. [https://y.example/b (AP via RFI)]\n"
    )
    first, second = day.items
    assert first.section == "Armed conflicts and attacks"
    assert first.stories == ("Middle Eastern crisis", "Gaza war")
    assert first.event.category == "Gaza war"
    assert first.event.title == "Hamas returns a body."
    assert first.event.sources == (newsevent.Source(name="The Times", url="https://x.example/a"),)
    assert first.line == 5
    assert second.section == "Sports" and second.stories == ()
    # Without a story, the category is the first link's text, as the Context chose it.
    assert second.event.category == "Football"
    assert second.event.sources[0].name == "AP via RFI"
    assert day.day.entries[0].context == (
        "Armed conflicts and attacks",
        "Middle Eastern crisis",
        "Gaza war",
    )
    assert day.day.entries[0].url == f"/news/2026/08/9/{first.event.slug}.md"


def test_text_as_a_reader_sees_it() -> None:
    day = read(
        "*[[Israel]]i '''police''' ''arrest'' a man&nbsp;in [[Tel Aviv|''Tel Aviv'']]"
        "<!-- note --> {{convert|26|in|cm}} of snow{{Dead link|date=May 2020}},"
        " {{lang|fr|en français}}, {{nowrap|5 km}}{{flagicon|France}}"
        " &amp; more. [https://a.example/x (Reuters)]"
    )
    (ev,) = day.events
    assert (
        ev.title
        == "Israeli police arrest a man\xa0in Tel Aviv 26 in of snow, en français, 5 km & more."
    )
    assert ev.body.split("\n\n")[0] == (
        "[Israeli](https://en.wikipedia.org/wiki/Israel) police arrest a man\xa0in "
        "[Tel Aviv](https://en.wikipedia.org/wiki/Tel_Aviv) 26 in of snow, en français, "
        "5 km & more."
    )
    assert ev.category == "Israeli"
    assert day.remainder == ()


def test_source_forms() -> None:
    day = read(
        "*One. [https://a.example/1 (BBC)] [https://b.example/2 (''The Guardian'')], "
        "[https://web.archive.org/web/2012/http://c.example/3 (AFP via ''Yahoo!'')]\n"
        "*Two. [https://d.example/4] <ref>[https://e.example/5 (Ref Outlet)]</ref>"
        "<ref>{{cite web |url=https://f.example/6 |title=T |work=''Cited Work''}}</ref>\n"
        "*Three with [https://g.example/7 an inline label] in it. "
        "[https://h.example/8 (Euronews <small>in French</small>)]\n"
    )
    one, two, three = day.events
    assert one.sources == (
        newsevent.Source(name="BBC", url="https://a.example/1"),
        newsevent.Source(name="The Guardian", url="https://b.example/2"),
        newsevent.Source(
            name="AFP via Yahoo!", url="https://web.archive.org/web/2012/http://c.example/3"
        ),
    )
    assert one.title == "One. ,"
    assert [(s.name, s.url) for s in two.sources] == [
        ("", "https://d.example/4"),
        ("Ref Outlet", "https://e.example/5"),
        ("Cited Work", "https://f.example/6"),
    ]
    assert two.title == "Two."
    assert three.title == "Three with an inline label in it."
    assert [s.name for s in three.sources] == ["an inline label", "Euronews in French"]


def test_layouts_early_and_top_bottom() -> None:
    early = portal.read(
        "<!-- All news items below this line -->{{Current events|year=2002|month=07|day=1|"
        "content=\n\n* [[Topic]]: text here. [http://a.example/ (BBC)]\n\n"
        "<!-- All news items above this line -->}}"
    )
    assert early.date == dt.date(2002, 7, 1)
    (ev,) = early.events
    assert ev.title == "Topic: text here."
    # The Context's spelling keeps the space after the bullet: it moves the file name's cut.
    assert early.items[0].slug_title == " Topic: text here. "
    assert ev.slug == "topic-text-here"
    top = portal.read(
        "{{Current events|year=2026|month=08|day=30|top=yes}}\n"
        "<!-- All news items below this line -->\n'''Sports'''\n*A. [https://a.example/ (X)]\n"
        "<!-- All news items above this line -->\n\n'''Politics'''\n*B. [https://b.example/ (Y)]\n"
        "{{Current events|year=2026|month=08|day=30|bottom=yes}}\nafter the page\n"
    )
    assert [it.section for it in top.items] == ["Sports", "Politics"]
    assert top.remainder == (portal.Remainder(line=10, text="after the page"),)
    assert top.day.extra == ("wikitext line 10: after the page",)


def test_unknown_lines_and_templates_are_kept_with_line_numbers() -> None:
    day = read(
        "stray text line\n*Item {{mystery|x|[[Linked]]}} here. [https://a.example/ (X)]\n"
        ":an indented note\n"
    )
    assert day.remainder == (
        portal.Remainder(line=2, text="stray text line"),
        portal.Remainder(line=3, text="{{mystery|x|[[Linked]]}}"),
        portal.Remainder(line=4, text=":an indented note"),
    )
    assert day.events[0].title == "Item here."
    assert [w.target for w in day.wikilinks] == ["Linked"]


def test_date_given_and_errors() -> None:
    day = portal.read("*Just a bullet.", date=dt.date(2020, 1, 2), revision=7, title="T")
    assert day.date == dt.date(2020, 1, 2)
    assert day.provenance.url == "https://en.wikipedia.org/w/index.php?title=T&oldid=7"
    assert day.events[0].body.endswith("by Wikipedia contributors, CC BY-SA 4.0.")
    with pytest.raises(newsevent.ParseError, match="no date"):
        portal.read("*Just a bullet.")
    with pytest.raises(newsevent.ParseError, match="not UTF-8"):
        portal.read(b"*\xff")
    with pytest.raises(newsevent.ParseError, match="valid date") as info:
        portal.read("\n{{Current events|year=2026|month=13|day=1|content=\n*x\n}}")
    assert (info.value.lineno, info.value.colno) == (2, 1)
    with pytest.raises(newsevent.ParseError, match="not closed"):
        portal.read("{{Current events|year=2026|month=1|day=1|top=yes\n*x\n")


def test_list_marks_after_the_first_star_are_part_of_the_bullet() -> None:
    # MediaWiki reads the whole run of "*", "#", ":" and ";" at a line's start as list
    # marks: "*:" indents a line under the item above, "*#" numbers it.
    day = read(
        "*[[Japan]] earthquake\n*:A tsunami warning is lifted. [https://a.example/1 (NHK)]\n"
        "*#Floods in [[Peru]]. [https://a.example/2 (X)]\n*;Term. [https://a.example/3 (Y)]\n"
        "  *: An indented line. [https://a.example/4 (Z)]\n*:\n"
    )
    assert [(it.line, it.event.title, it.stories) for it in day.items] == [
        (3, "A tsunami warning is lifted.", ("Japan earthquake",)),
        (4, "Floods in Peru.", ("Japan earthquake",)),
        (5, "Term.", ("Japan earthquake",)),
        (6, "An indented line.", ("Japan earthquake",)),
    ]
    assert [it.slug_title for it in day.items][-1] == " An indented line. "
    # An empty bullet is kept as written, its marks included.
    assert day.remainder == (portal.Remainder(line=7, text="*:"),)


def test_a_month_may_be_named() -> None:
    for month in ("March", "mar", " MARCH ", "03", "3"):
        page = f"{{{{Current events|year=2024|month={month}|day=5|content=\n*A.\n}}}}"
        assert portal.read(page).date == dt.date(2024, 3, 5), month
    with pytest.raises(newsevent.ParseError, match="valid date"):
        portal.read("{{Current events|year=2024|month=Marc|day=5|content=\n*A.\n}}")


def test_stray_braces_and_empty_bullets() -> None:
    day = read("*One {{broken. [https://a.example/1 (X)]\n*\n*Two. [https://a.example/2 (Y)]")
    assert [e.title for e in day.events] == ["One {{broken.", "Two."]
    assert day.remainder == (portal.Remainder(line=3, text="*"),)
    unclosed = portal.read("{{Current events|year=2026|month=1|day=1|content=\n*A }}\n*B {{x\n}}")
    assert [e.title for e in unclosed.events] == ["A }}", "B {{x"]


def test_provenance_and_page_title() -> None:
    assert portal.page_title(dt.date(2018, 2, 10)) == "Portal:Current events/2018 February 10"
    p = portal.Provenance(title="Portal:Current events/2018 February 10")
    assert p.url == "https://en.wikipedia.org/wiki/Portal:Current_events/2018_February_10"


def test_same_slug_twice_gets_a_number() -> None:
    day = read("*Same. [https://a.example/1 (X)]\n*Same. [https://a.example/2 (X)]\n")
    assert [e.slug for e in day.events] == ["same", "same-2"]


# ----------------------------------------------------------------- generated pages

_word = st.text(alphabet="abcdefghij KLMNO", min_size=1, max_size=12).map(str.strip).filter(bool)
_url = st.builds(
    lambda scheme, host, path: f"{scheme}{host}.example/{path}",
    st.sampled_from(["https://", "http://", "HTTP://", "Https://"]),
    st.text(alphabet="abcxyz", min_size=1, max_size=6),
    st.text(alphabet="abc/-_?=&%09", max_size=12),
)
_piece = st.one_of(
    _word,
    st.builds(lambda t: f"[[{t}]]", _word),
    st.builds(lambda t, label: f"[[{t}|{label}]]", _word, _word),
    st.builds(lambda t: f"''{t}''", _word),
    st.builds(lambda t: f"'''{t}'''", _word),
    st.builds(lambda t: f"{{{{nowrap|{t}}}}}", _word),
    st.just("&nbsp;"),
    st.builds(lambda t, trail: f"[[{t}]]{trail}", _word, st.sampled_from(["s", "i", "ian"])),
    st.builds(lambda u, p: f"see {u}{p}", _url, st.sampled_from(["", ".", ",", ")"])),
    st.builds(lambda t, u: f"{{{{lang|fr|[[{t}]]}}}} <ref>[{u} (R)]</ref>", _word, _url),
    st.builds(lambda u, t: f"[{u} [[{t}]] label]", _url, _word),
    # A bare URL's trailing punctuation is not part of it, so these end with a letter.
    st.builds(lambda u: f"{{{{cite web|url={u}x|work=W}}}}", _url),
    st.just("[[]]"),
    st.builds(lambda a, b: f"[[{a}'{b}]]", _word, _word),
    st.builds(lambda a, b: f"[[{a}'{b}|{b}]]", _word, _word),
    # Comments, and the halves of one (a "<!--" never closed is text).
    st.sampled_from(["<!-- c -->", "<!--", "-->"]),
    # A template dropped from the text, with a link or without.
    st.builds(lambda u: f"{{{{webarchive|url={u}x|date=2019}}}}", _url),
    st.just("{{Dead link|date=May 2020}}"),
)
_source = st.builds(
    lambda url, name: f"[{url} ({name})]" if name else f"[{url}]",
    _url,
    st.one_of(st.just(""), _word, _word.map(lambda w: f"''{w}''")),
)
# A citation whose address holds "|": one address outside a template's parameter only.
_piped_source = st.builds(lambda u, name: f"[{u}|x ({name})]", _url, _word)
_bullet = st.builds(
    lambda depth, pieces, sources: "*" * depth + " ".join(pieces) + " " + " ".join(sources),
    st.integers(1, 4),
    st.lists(_piece, min_size=1, max_size=5),
    st.lists(_source, max_size=3),
)
_line = st.one_of(
    _bullet, _bullet, _bullet, _word.map(lambda w: f";{w}"), _word.map(lambda w: f"'''{w}'''")
)


# The layouts around the news: the template's content, or the top and bottom templates.
_LAYOUTS = [
    (HEAD, TAIL),
    (
        "{{Current events|year=2026|month=08|day=9|top=yes}}\n",
        "\n{{Current events|year=2026|month=08|day=9|bottom=yes}}\n",
    ),
]


@given(st.lists(_line, min_size=1, max_size=12), st.sampled_from(_LAYOUTS))
@example(["*A <!-- never closed", "*B [https://a.example/]"], _LAYOUTS[0])
@example(["*<!--", "*<!-- c --> [https://a.example/]"], _LAYOUTS[0])
def test_generated_pages_agree_with_the_reference_parser(
    lines: list[str], layout: tuple[str, str]
) -> None:
    _agrees_with_the_reference_parser(layout[0] + "\n".join(lines) + layout[1])


def _agrees_with_the_reference_parser(text: str) -> None:
    day = portal.read(text)
    code = mwparserfromhell.parse(text)
    assert [x.url for x in day.external_links] == [str(x.url) for x in code.filter_external_links()]
    assert [x.target for x in day.wikilinks] == [
        str(x.title).strip() for x in code.filter_wikilinks()
    ]
    cited = Counter(s.url for e in day.events for s in e.sources)
    # Every other link is kept, written in the remainder.
    kept = Counter(x.url for x in day.external_links) - cited
    assert all(any(url in r.text for r in day.remainder) for url in kept)
    assert cited + kept == Counter(str(x.url) for x in code.filter_external_links())
    if "<!--" not in text and "{{webarchive" not in text:
        # (A comment may leave the rest of a bullet a line of its own, not a bullet; a
        # dropped template holding a link is kept whole.)
        assert not kept
    for ev in day.events:
        assert newsevent.parse(newsevent.dumps(ev)) == ev


def test_a_url_the_model_cannot_store_is_kept_not_lost() -> None:
    url = "https://x.example/\u00e4"
    day = read(f"*Item. [{url} (X)]")
    as_source = [s.url for e in day.events for s in e.sources].count(url)
    kept = sum(url in r.text for r in day.remainder)
    assert as_source + kept == 1


def test_pictures_with_linked_captions() -> None:
    text = (
        HEAD
        + "*[[File:X.jpg|thumb|A [[caption]] here]] Text about [[Y]]. [http://a.example/ (B)]"
        + TAIL
    )
    day = portal.read(text)
    assert [w.target for w in day.wikilinks] == ["File:X.jpg", "caption", "Y"]
    assert [str(x.title) for x in mwparserfromhell.parse(text).filter_wikilinks()] == [
        "File:X.jpg",
        "caption",
        "Y",
    ]
    (ev,) = day.events
    assert (ev.title, ev.category) == ("Text about Y.", "Y")


# ----------------------------------------------------------------- the fast line path


@given(
    st.lists(
        st.one_of(
            _piece, _source, _piped_source, st.sampled_from(["'", "''", "'''", "''''", ":", "|"])
        ),
        max_size=8,
    )
)
def test_fast_line_path_equals_the_general_renderer(pieces: list[str]) -> None:
    for line in (" ".join(pieces), "".join(pieces)):
        _both_paths_agree(line, 3)


def _both_paths_agree(line: str, number: int) -> None:
    for pipes, found in ((False, _wikitext._IN_TEMPLATE), (True, _wikitext._OUTSIDE)):
        quick = _wikitext.render(line, number, pipes=pipes)
        assert quick == _wikitext.render(line, number, fast=False, pipes=pipes)
        # The fast path takes only lines of the common shape.
        taken = _wikitext._render_simple(line, number, found.token) is not None
        assert not taken or found.simple.fullmatch(line)


@pytest.mark.parametrize(
    "line",
    [
        "x'[[A|'y]]'' z",
        "[[A|y']]'s [[B]]i '''C''' [http://a.example/ (''D'' E)]",
        "[[:Category:X]] and [[::Y]] [//a.example/x] [https://a.example/y  (Z)  ]",
        "[[File:X.jpg]] [[ A ]] [[A|B|C]] [http://a.example/ (see http://b.example/)]",
        "[[A|[[B]]]] {{nowrap|x}} &amp; <ref>x</ref> ''''four'''' [x] ]",
        "[[Moody's]] and [[People's Republic of China|China]]'s [[A''b'']]s ''[[C]]''",
        "[[http://a.example/x]] [[a://b]] [[x]]s [http://a.example/ (Y)]s",
        "a ] b [[C]] [http://a.example/?a=1&b=2 (D)] e & f [[G]]",
        "[http://a.example/?a=1&b=2 (D)] [[A]] [x] [http://b.example/]]",
        "[[A]] [http://a.example/ (B)] {x} <y> [[C|D]]",
        # Pictures and categories, in a line otherwise of the common shape.
        "[[A]] [[image:X.png|A caption]] b [http://a.example/ (C)]",
        "[[CaTeGoRy:X]]",
        "[[File:X.jpg]]",
        # "|" in an address: part of it outside a template's parameter only.
        "[http://a.example/x|y (B)] [[A|b]] see http://b.example/c|d [http://c.example/|]",
    ],
)
def test_fast_line_path_on_edge_cases(line: str) -> None:
    for form in (line, *line.split(" ")):
        _both_paths_agree(form, 1)


# ----------------------------------------------------------------- template parameters

_MARK = re.compile(r"\{\{|\}\}|\[\[|\]\]|\|")


def _split_params_by_marks(body: str) -> list[str]:
    """The template splitter as first written: each mark in turn, depths clamped at 0."""
    parts: list[str] = []
    depth_t = depth_l = last = 0
    for m in _MARK.finditer(body):
        tok = m.group()
        if tok == "|":
            if not depth_t and not depth_l:
                parts.append(body[last : m.start()])
                last = m.end()
        elif tok == "{{":
            depth_t += 1
        elif tok == "}}":
            depth_t = max(0, depth_t - 1)
        elif tok == "[[":
            depth_l += 1
        else:
            depth_l = max(0, depth_l - 1)
    parts.append(body[last:])
    return parts


@given(
    st.lists(
        st.sampled_from(["[[", "]]", "{{", "}}", "|", "[", "]", "{", "}", "a", "b=", " ", "\n"])
        | st.sampled_from(["[[a|b]]", "[[a]]", "{{x|y}}", "[[a|[[b]]]]", "]]]", "[[["]),
        max_size=30,
    ).map("".join)
)
@example("x|year=2020|content=\n*[[A|b]] c [[D]]|e]] f|g")
@example("a]]|[[b|c]]]]|d")
def test_template_parameters_split_as_by_each_mark(body: str) -> None:
    assert _wikitext._split_params(body) == _split_params_by_marks(body)


def _close_by_each_mark(text: str, start: int) -> int:
    """Where the template opened at ``start`` closes, each "{{" and "}}" looked for anew."""
    depth = 0
    i = start
    while i < len(text):
        j = text.find("{{", i)
        k = text.find("}}", i)
        if k < 0:
            return -1
        if 0 <= j < k:
            depth += 1
            i = j + 2
        else:
            depth -= 1
            i = k + 2
            if depth == 0:
                return i
    return -1


@given(
    st.lists(
        st.sampled_from(["{{", "}}", "{", "}", "{{{", "}}}", "a", "|", "\n", "[[x]]"]),
        max_size=30,
    ).map("".join),
    st.integers(0, 3),
)
@example("{{a{{b}}c}}{{d}}", 0)
@example("{{{x}}}}}", 0)
def test_a_template_closes_where_each_mark_in_turn_says(text: str, start: int) -> None:
    assert _wikitext._close_template(text, start) == _close_by_each_mark(text, start)


@given(st.text(st.characters(codec="utf-8") | st.sampled_from("\x00\x0b\x1f\ufffe\uffff\t\n\r")))
@example("a\ud800b")
@example("\xa0\u200b\u2028x")
def test_characters_no_format_can_carry_are_dropped(text: str) -> None:
    assert _portal._clean(text) == _portal._NOT_XML.sub("", text)


_BLANKS = st.sampled_from([" ", "  ", "\t", "\n", "\r", "\xa0", " \xa0 ", "\n\xa0"])


@given(st.lists(_BLANKS | st.sampled_from(["a", "b c", "."]), max_size=12).map("".join))
@example("a\n\xa0")
@example(" \na  b ")
def test_one_line_strips_the_ends_before_it_joins_the_runs(text: str) -> None:
    # Stripping first gives the same line as joining the runs of blanks first.
    assert _portal._one_line(text) == _portal._SPACES.sub(" ", text).strip(" \t\xa0")


@given(st.lists(st.sampled_from(["content", "=", " ", "c o n", "tent", "x", "|"]), max_size=8))
def test_the_content_parameter_is_named_with_or_without_spaces(pieces: list[str]) -> None:
    text = "".join(pieces)
    found = _portal._CONTENT.search(text) is not None
    assert found == ("content=" in text.replace(" ", ""))


def test_a_pipe_in_the_news_does_not_end_the_day() -> None:
    # MediaWiki would end the content parameter at the first "|" outside links and
    # templates and not show the rest of the day; the reader keeps reading.
    day = read(
        "*Score 2|1 in the final. [https://a.example/1 (A)]\n*B [[x|y]] happens. "
        "[https://a.example/2 (B)]\n|note=C\n*D = E. [https://a.example/3 (C)]"
    )
    assert [(e.title, [s.url for s in e.sources]) for e in day.events] == [
        ("Score 2|1 in the final.", ["https://a.example/1"]),
        ("B y happens.", ["https://a.example/2"]),
        ("D = E.", ["https://a.example/3"]),
    ]
    assert day.remainder == (portal.Remainder(line=4, text="|note=C"),)


@given(
    st.permutations(["year=2024", " month = 3 ", "day=5", "note=[[A|B]] {{x|y}}"]),
    st.sampled_from(["content=", " content =", "content  =", "\ncontent="]),
    st.lists(
        st.sampled_from(["\n*A [[B|C]] {{d|e}}", "\n;S", " x=y", "{{z}}", "[[a]]", "}"]),
        max_size=5,
    ).map("".join),
)
def test_the_content_is_split_off_as_the_whole_template_would_split_it(
    head: list[str], name: str, news: str
) -> None:
    # Without a "|" of its own in the news, splitting the parameters before the content
    # gives what splitting the whole template gives.
    page = "{{Current events|" + "|".join(head) + "|" + name + news + "\n}}"
    content = _portal._CONTENT.search(page)
    assert content is not None
    end = len(page)
    got = _portal._content_params(page, 0, content, end)
    assert got == _portal._params(page, 0, end)
    assert got is not None
    assert got[0]["content"] == (news + "\n", end - 3 - len(news))


@pytest.mark.parametrize(
    "template",
    [
        "{{Current events|year=2024|month=3|day=5|c o n t e n t=",
        "{{Current events|year=2024|month=3|note=content=|day=5|content=",
    ],
)
def test_a_content_name_that_is_not_the_parameter_is_split_as_written(template: str) -> None:
    page = template + "\n*A.\n}}"
    content = _portal._CONTENT.search(page)
    assert content is not None
    assert _portal._content_params(page, 0, content, len(page)) is None


def test_parameters_the_reader_does_not_use_are_kept() -> None:
    day = portal.read(
        "{{Current events|2014|year=2014|month=06|day=10|note=x [http://n.example/ (N)]|"
        "top=yes}}\n*A. [http://a.example/ (A)]\n"
        "{{Current events|year=2014|month=06|day=10|bottom=yes|extra}}\n"
    )
    assert [e.title for e in day.events] == ["A."]
    assert day.remainder == (
        portal.Remainder(line=1, text="2014"),
        portal.Remainder(line=1, text="note=x [http://n.example/ (N)]"),
        portal.Remainder(line=3, text="extra"),
    )
    assert [x.url for x in day.external_links] == ["http://n.example/", "http://a.example/"]
    # A misspelt content parameter: MediaWiki shows none of it; the reader keeps it all.
    typo = portal.read(
        "{{Current events|year=2014|month=06|day=10|contet=\n*B. [http://b.example/ (B)]\n}}"
    )
    assert typo.events == ()
    assert typo.remainder == (
        portal.Remainder(line=1, text="contet="),
        portal.Remainder(line=2, text="*B. [http://b.example/ (B)]"),
    )
    assert [x.url for x in typo.external_links] == ["http://b.example/"]


@pytest.mark.parametrize(
    ("line", "urls", "title"),
    [
        (
            "A [HTTP://X.example/a (B)] and Https://y.example/c",
            ["HTTP://X.example/a", "Https://y.example/c"],
            "A and Https://y.example/c",
        ),
        (
            "A [mailto:x@y.example (Mail)] [news:comp.x (N)]",
            ["mailto:x@y.example", "news:comp.x"],
            "A",
        ),
        # "''" ends an address, and "/" may come before a bare one.
        (
            "A [http://x.example/a'b (X)] see http://x.example/c''d'' x/http://y.example/z",
            ["http://x.example/a'b", "http://x.example/c", "http://y.example/z"],
            "A see http://x.example/cd x/http://y.example/z",
        ),
        # A protocol and nothing after it is no link, in brackets or not.
        (
            "A [http:// (X)] [// (Y)] https:// [https://",
            [],
            "A [http:// (X)] [// (Y)] https:// [https://",
        ),
    ],
)
def test_protocols_as_mediawiki_links_them(line: str, urls: list[str], title: str) -> None:
    day = read("*" + line)
    assert [x.url for x in day.external_links] == urls
    assert [str(x.url) for x in mwparserfromhell.parse(line).filter_external_links()] == urls
    assert [e.title for e in day.events] == [title]


@given(st.text(alphabet="ab'|] \t[{", max_size=12))
@example("a''b")
@example("'a'")
@example("''")
def test_an_address_body_is_its_characters_and_single_quotes(text: str) -> None:
    for char in (_wikitext._URL_CHAR, _wikitext._URL_CHAR_PIPES):
        plain = re.compile(rf"(?:{char}|'(?!'))+").match(text)
        written_out = re.compile(_wikitext._url_body(char)).match(text)
        assert (plain and plain.group()) == (written_out and written_out.group())
    # The two differ in "|" only.
    assert _wikitext._URL_CHAR.replace("|", "") == _wikitext._URL_CHAR_PIPES


_piped_bullet = st.builds(
    lambda pieces, sources: "*" + " ".join(pieces) + " " + " ".join(sources),
    st.lists(_piece, min_size=1, max_size=4),
    st.lists(st.one_of(_source, _piped_source), max_size=3),
)


@given(st.lists(st.one_of(_line, _piped_bullet), min_size=1, max_size=8))
@example(["*A [https://a.example/x|y (B)] see https://b.example/c|d"])
def test_a_pipe_in_an_address_outside_a_template_as_the_reference_parser_reads_it(
    lines: list[str],
) -> None:
    # The news between the top and bottom templates is in no template's parameter.
    head, tail = _LAYOUTS[1]
    _agrees_with_the_reference_parser(head + "\n".join(lines) + tail)
