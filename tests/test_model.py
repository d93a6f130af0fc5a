"""The model's rules: what it refuses, and what it derives."""

from __future__ import annotations

import datetime as dt
import pickle

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import newsevent
from newsevent import Change, Event, Related, Source, _model
from tests import strategies as S

D = dt.date(2012, 11, 8)


def ev(**kw: object) -> Event:
    base: dict[str, object] = {"date": D, "title": "t"}
    base.update(kw)
    return Event(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"title": "a\nb"}, "single line"),
        ({"title": " padded"}, "blanks"),
        ({"title": "nul\x00"}, "cannot be stored"),
        ({"title": "\ufffe"}, "cannot be stored"),
        ({"category": "x\r"}, "single line"),
        ({"body": "a\n\n\nb"}, "non-blank"),
        ({"body": "a\n b"}, "surrounding blanks"),
        ({"body": "\nb"}, "separated|blank"),
        ({"slug": "a/b"}, "slug"),
        ({"slug": "a b"}, "slug"),
        ({"slug": "a(1)"}, "slug"),
        ({"prefix": "zh"}, "prefix"),
        ({"prefix": "/z h"}, "prefix"),
        ({"language": "fr", "cover_image": "http://x"}, "one of"),
        ({"language": "EN"}, "one of"),
        ({"cover_image": "http://x y"}, "U\\+0020 at offset 8"),
        ({"cover_image": "http://x\ty"}, "U\\+0009 at offset 8"),
        ({"cover_image": "http://x\x7f"}, "U\\+007F"),
        ({"cover_image": ""}, "empty"),
        ({"cover_image": "http://x\x00"}, "cannot be stored"),
        ({"sources": (Source(name="Cover Image", url="u"),)}, "cover_image"),
        ({"extra": (" \t",)}, "blank"),
    ],
)
def test_invalid_values_raise_value_error(kw: dict[str, object], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        ev(**kw)


def test_wrong_types_raise_type_error() -> None:
    with pytest.raises(TypeError):
        ev(date=dt.datetime(2012, 1, 1))
    with pytest.raises(TypeError):
        ev(sources=[Source(name="a", url="u")], language="en")
    with pytest.raises(TypeError):
        Change(title="", url="u", label="x", timestamp="2018-01-01")  # type: ignore[arg-type]


def test_item_rules() -> None:
    with pytest.raises(ValueError, match="tag separator"):
        Related(title="", url="u", context=("a, b",))
    with pytest.raises(ValueError, match="empty"):
        Related(title="", url="u", context=("",))
    with pytest.raises(ValueError, match="parentheses"):
        Change(title="", url="u", label="a (b)")
    with pytest.raises(ValueError, match="naive"):
        Change(title="", url="u", label="x", timestamp=dt.datetime(2018, 1, 1, 0, 0, 0, 5))
    with pytest.raises(ValueError, match="empty"):
        Source(name="", url="")


def test_frozen_hashable_keyword_only() -> None:
    e = ev(sources=(Source(name="a", url="u"),), language="en")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        e.title = "x"  # type: ignore[misc]
    assert hash(e) == hash(ev(sources=(Source(name="a", url="u"),), language="en"))
    with pytest.raises(TypeError):
        Source("a", "u")  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(e)) == e


def test_derived_properties() -> None:
    e = ev(slug="s", prefix="/zh", date=dt.date(2012, 1, 8))
    assert e.day_url == "/zh/news/2012/01/8/index.md"
    assert e.url == "/zh/news/2012/01/8/s.md"
    assert e.format_urls["xml"] == "/zh/news/2012/01/8/s.xml"
    assert ev().url is None and ev().format_urls == {}
    r = Related(title="", url="/zh/news/2015/10/31/x.md")
    assert r.date == dt.date(2015, 10, 31)
    assert Related(title="", url="/about").date is None
    assert Related(title="", url="/news/2015/02/31/x.md").date is None


def test_urls_are_kept_as_written() -> None:
    s = Source(name="维基百科", url="https://zh.wikipedia.org/wiki/伊拉克")
    assert s.url == "https://zh.wikipedia.org/wiki/伊拉克"
    r = Related(title="t", url="/zh/news/2019/11/30/伊拉克基爾庫克省.md")
    assert r.url.endswith("伊拉克基爾庫克省.md") and r.date == dt.date(2019, 11, 30)
    for url in (
        "http://x/a%20b",
        "http://x/(a",
        "http://x/a\\b",
        "http://x/&amp;",
        "<x>",
        "\u3000",
    ):
        assert Related(title="", url=url).url == url
    e = ev(slug="伊拉克-16人受伤", prefix="/zh")
    assert e.url == "/zh/news/2012/11/8/伊拉克-16人受伤.md"


def test_language_is_bookkeeping_outside_equality() -> None:
    # Content edits never fail for a reason the user did not touch.
    plain = ev(sources=(Source(name="a", url="u"),))
    zh = attrs.evolve(plain, language="zh")
    assert plain.language is None and zh.language == "zh"
    assert plain == zh and hash(plain) == hash(zh)
    rel = ev(related=(Related(title="r", url="/news/2000/01/1/r.md"),), language="en")
    assert attrs.evolve(rel, related=()) == ev()
    assert ev(changes=(Change(title="", url="u", label="Update"),), language="zh").language == "zh"
    with pytest.raises(ValueError, match="one of"):
        attrs.evolve(zh, language="de")


def test_spelling_is_outside_equality_and_survives_pickling() -> None:
    from newsevent import dumps, parse

    text = "### [2012-11-8](/news/2012/11/8/index.md)\n\n#   t   \n\n\n"
    page = parse(text)
    assert page == ev() and page.spelling is not None and repr(page).count("spelling") == 0
    back = pickle.loads(pickle.dumps(page))
    assert back == page and back.spelling is not None and back.spelling.text == text
    assert dumps(back) == text
    with pytest.raises(TypeError):
        ev(spelling="### [2012-11-8](/news/2012/11/8/index.md)")


@given(st.one_of(S.events(), S.day_pages(), S.front_pages()))
def test_unchecked_constructors_build_the_validated_value(page: newsevent.Page) -> None:
    # The readers' constructors without validators set every field, eq=False ones included.
    parts = [page, *getattr(page, "sections", ()), *getattr(page, "entries", ())]
    parts += [*getattr(page, "sources", ()), *getattr(page, "related", ())]
    parts += list(getattr(page, "changes", ()))
    for value in parts:
        cls = type(value)
        names = [a.name for a in attrs.fields(cls)]
        built = _model.unchecked(cls)(*(getattr(value, n) for n in names))
        assert type(built) is cls and built == value
        assert [getattr(built, n) for n in names] == [getattr(value, n) for n in names]
        assert hash(built) == hash(value)
