"""The model's rules: what it refuses, and what it derives."""

from __future__ import annotations

import datetime as dt
import pickle

import attrs
import pytest

from newsevent import Change, Event, Related, Source

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
        ({"slug": "é"}, "slug"),
        ({"prefix": "zh"}, "prefix"),
        ({"language": "en"}, "language must be None"),
        ({"language": "fr", "cover_image": "http://x"}, "one of"),
        ({"cover_image": "http://x"}, "language is required"),
        ({"cover_image": "http://x y", "language": "en"}, "normalised"),
        ({"sources": (Source(name="Cover Image", url="u"),), "language": "en"}, "cover_image"),
        ({"changes": (Change(title="", url="u", label="Update"),), "language": "zh"}, "'en'"),
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
