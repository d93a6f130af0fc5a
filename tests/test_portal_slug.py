"""The Context's slug of a title, proven on every event page of the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsevent import _slug
from newsevent.portal import context_slug
from tests.corpus import event_pages

# Pages whose heading the English edition rewrote after naming the file: accents and dashes
# folded to ASCII, and the "<p>" that joined a story line to its item removed. Each entry
# gives the changes back to the spelling the file was named from (the real names can be
# checked on Wikipedia). Every other page is named from its heading exactly as written.
RENAMED = {
    "en/news/2001/04/1/former-president": [("Milosevic", "Milošević")],
    "en/news/2005/01/1/israeli-palestinian": [("conflict: ", "conflict:<p> ")],
    # An early generator transliterated without re-reading the bytes: Köhler gave kohler.
    "en/news/2005/07/21/german-president": [("Khler", "Kohler")],
    "en/news/2005/10/12/german-chancellor": [("Schroder", "Schröder")],
    "en/news/2006/02/23/al-askari": [("Mosque: 47", "Mosque:<p> 47")],
    "en/news/2006/09/5/waziristan": [("War: ", "War:<p> ")],
    "en/news/2007/02/12/2007-guinean": [("Conte", "Conté"), ("Eugene", "Eugène")],
    "en/news/2007/04/16/ekmeleddin": [("Ihsanoglu", "İhsanoğlu")],
    "en/news/2007/11/20/november-2007": [("France: ", "France:<p> ")],
    "en/news/2008/10/21/global-financial": [("September-October", "September\u2013October")],
    "en/news/2009/04/6/convicted": [("Ostberg", "Östberg")],
    "en/news/2009/04/6/gjorge": [("VMRO-DPMNE", "VMRO\u2013DPMNE")],
    "en/news/2009/08/17/an-accident": [("Sayano-Shushenskaya", "Sayano\u2013Shushenskaya")],
    "en/news/2010/01/10/president-of-sinn": [("Fein", "Féin")],
    "en/news/2010/01/12/a-bomb-blast": [(" - ", " \u2013 ")],
    "en/news/2010/06/21/bronisaaw": [
        ("Bronislaw", "Bronisław"),
        ("Jaroslaw", "Jarosław"),
        ("Kaczynski", "Kaczyński"),
    ],
    "en/news/2011/09/19/the-united-nations": [("EUR307", "€307")],
    "en/news/2012/02/8/english-football": [(":Tottenham", ":<p>Tottenham")],
    "en/news/2012/10/17/lance-armstrong": [(":Lance", ":<p>Lance"), (".Athletic", ".<p>Athletic")],
    "en/news/2013/11/8/war-in-somalia": [("2009-present):At", "2009\u2013present):<p>At")],
    "en/news/2015/10/31/guinea-s": [("Conde", "Condé")],
    "en/news/2016/07/12/philippines-v-china": [("''The", "''<p>The")],
    # The bullet's leading space was dropped from the heading, not from the file name.
    "en/news/2017/01/31/austria": [("Austria", " Austria")],
    "en/news/2017/04/20/one-policeman": [("Champs-Elysees", "Champs-Élysées")],
    "en/news/2017/08/19/the-lebanese": [("Lebanon-Syria", "Lebanon\u2013Syria")],
    "en/news/2017/10/10/californiaas": [("California's", "California\u2019s")],
    "en/news/2018/01/1/2017a18": [("2017-18", "2017\u201318")],
    "en/news/2018/02/10/mary-lou": [("Fein", "Féin")],
}


def heading(text: str) -> str:
    """The title exactly as the page writes it (after ``# ``), surrounding spaces kept."""
    for line in text.split("\n"):
        if line.startswith("# "):
            return line[2:].rstrip("\r")
    raise AssertionError("no title heading")


def test_every_event_page_is_named_by_context_slug(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pages = event_pages(corpus)
    renamed_used: set[str] = set()
    wrong: list[str] = []
    counts = {"en": 0, "zh": 0}
    for path in pages:
        rel = path.relative_to(corpus).as_posix()
        language = "zh" if rel.startswith("zh/") else "en"
        title = heading(path.read_text("utf-8"))
        keys = [k for k in RENAMED if rel.startswith(k)]
        if keys:
            (key,) = keys
            renamed_used.add(key)
            for old, new in RENAMED[key]:
                assert old in title, (rel, old)
                title = title.replace(old, new)
        counts[language] += 1
        if context_slug(title, language) != path.stem:
            wrong.append(f"{rel}: {context_slug(title, language)}")
    with capsys.disabled():
        print(
            f"\nslugs: {counts['en']} English and {counts['zh']} Chinese event pages, "
            f"{len(wrong)} named otherwise, {len(RENAMED)} from their spelling before renaming"
        )
    assert counts == {"en": 188, "zh": 6941}
    assert renamed_used == set(RENAMED)
    assert wrong == []


@pytest.mark.parametrize(
    ("title", "language", "slug"),
    [
        (" Saddam Hussein is executed, by hanging.", "en", "saddam-hussein-is-executed-by-hanging"),
        ("Sinn Féin", "en", "sinn-fa-c-in"),
        ("California\u2019s governor", "en", "californiaas-governor"),
        ("2017\u201318 protests", "en", "2017a18-protests"),
        ("a<p>b", "en", "apb"),
        ("", "en", ""),
        ("—", "en", "a"),
        ("巴西新總統迪爾瑪·羅塞夫宣誓就職。", "zh", "巴西新總統迪爾瑪-羅塞夫宣誓就職"),
        ("規模6.5強震\uff0c3,000人", "zh", "規模65強震-3000人"),
        ("iPhone 7 與 newsid_63", "zh", "iPhone-7-與-newsid_63"),
    ],
)
def test_context_slug_examples(title: str, language: str, slug: str) -> None:
    assert context_slug(title, language) == slug


def test_cut_lengths() -> None:
    # The cut falls on the text before it is made a slug: 140 (English) or 60 characters.
    assert context_slug("a" * 139 + " b") == "a" * 139
    assert context_slug("x" * 141) == "x" * 140
    # é is two bytes, so two characters once re-read: 80 of them are cut to 70.
    assert context_slug("é" * 80) == "-".join(["a-c"] * 70)
    assert context_slug("字" * 61, "zh") == "字" * 60


def test_unknown_language() -> None:
    with pytest.raises(ValueError, match="language"):
        context_slug("x", "fr")


@given(st.text(st.characters(max_codepoint=0x7F), max_size=200))
def test_ascii_titles_take_the_table_of_bytes(title: str) -> None:
    # Titles of ASCII characters only are made by one translation of their bytes: the
    # same slugs as the general rule's, cut, "<" and ">" dropped, and control characters
    # and every mark turned into "-" alike.
    assert _slug._en_ascii(title) == _slug._en(title)
    assert context_slug(title) == _slug._en(title)
