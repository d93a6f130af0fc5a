"""Arrow tables and Parquet datasets: schema, ids, losslessness, streaming, errors, CLI."""

from __future__ import annotations

import datetime as dt
import inspect
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import attrs
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import newsevent
from newsevent import (
    Change,
    DayPage,
    Editorial,
    Entry,
    Event,
    FrontPage,
    FrontSection,
    Related,
    Source,
    _arrow,
)
from newsevent import arrow as na
from tests import strategies as S
from tests import test_faults as faults

EXE = shutil.which("newsevent", path=str(Path(sys.executable).parent))

EVENT = Event(
    date=dt.date(2012, 11, 8),
    title="A title",
    category="Politics",
    body="One.\n\nTwo.",
    sources=(
        Source(name="Gazette", url="https://g.example/a", image="https://g.example/i.jpg"),
        Source(name="", url="https://r.example/b"),
    ),
    cover_image="https://g.example/c.jpg",
    related=(Related(title="Before", url="/news/2012/11/7/before.md", context=("X", "Y z")),),
    changes=(
        Change(
            title="Old title",
            url="/news/2012/11/8/a.md",
            label="First version",
            timestamp=dt.datetime(2018, 2, 6, 13, 49, 17),
        ),
        Change(title="A title", url="/news/2012/11/8/a.md", label="Current version"),
    ),
    slug="a-title",
    prefix="/zh",
    language="zh",
    extra=("kept line",),
)
DAY = DayPage(
    date=dt.date(2012, 11, 8),
    entries=(
        Entry(title="A", url="/news/2012/11/8/a.md", category="", summary="Sum.", context=("T",)),
        Entry(title="B", url="/news/2012/11/8/b.md"),
    ),
    previous="/news/2012/11/7/index.md",
    formats=True,
    language="en",
)
FRONT = FrontPage(
    sections=(
        FrontSection(
            label="News",
            url="/news/2012/11/8/index.md",
            entries=(Entry(title="A", url="/news/2012/11/8/a.md"),),
            rule=True,
        ),
        FrontSection(label="Opinion", entries=(Entry(title="E", url="/opinion/e.md"),)),
    ),
)


def rows(table: pa.Table) -> list[tuple[object, ...]]:
    return [tuple(r.values()) for r in table.to_pylist()]


# ------------------------------------------------------------------ schema


def test_tables_carry_every_content_field_of_the_model() -> None:
    # A field added to the model must be given a column (or declared not content).
    for cls, fields in _arrow.FIELDS.items():
        assert set(fields) == {f.name for f in attrs.fields(cls)} - {"spelling"}, cls


def test_schema_uses_real_arrow_types() -> None:
    s = na.SCHEMAS
    assert na.TABLES == (
        "pages",
        "events",
        "sources",
        "related",
        "changes",
        "days",
        "fronts",
        "sections",
        "entries",
        "editorials",
        "errors",
    )
    assert s["events"].field("date").type == pa.date32()
    assert s["days"].field("date").type == pa.date32()
    assert s["editorials"].field("date").type == pa.date32()
    assert s["changes"].field("timestamp").type == pa.timestamp("ms")
    assert s["related"].field("context").type == pa.list_(pa.string())
    assert s["entries"].field("context").type == pa.list_(pa.string())
    assert s["events"].field("extra").type == pa.list_(pa.string())
    for table in ("events", "days", "fronts", "editorials"):
        assert s[table].field("language").type == pa.dictionary(pa.int8(), pa.string())
    for table in ("events", "entries"):
        assert s[table].field("category").type == pa.dictionary(pa.int32(), pa.string())
    assert s["pages"].field("kind").type == pa.dictionary(pa.int8(), pa.string())
    for name in na.TABLES:
        assert s[name].names[0] == "page_id" and not s[name].field("page_id").nullable
        assert s[name].metadata == {b"newsevent.schema": b"1"}


def test_rows_of_an_event_a_day_and_a_front_page() -> None:
    t = na.to_tables([EVENT, DAY, FRONT])
    ev, day, front = "/zh/news/2012/11/8/a-title.md", "/news/2012/11/8/index.md", na.page_id(FRONT)
    assert rows(t["pages"]) == [(ev, "event"), (day, "day"), (front, "front")]
    assert rows(t["events"]) == [
        (
            ev,
            dt.date(2012, 11, 8),
            "A title",
            "Politics",
            "One.\n\nTwo.",
            "https://g.example/c.jpg",
            "a-title",
            "/zh",
            "zh",
            ["kept line"],
        )
    ]
    assert rows(t["sources"]) == [
        (ev, 0, "Gazette", "https://g.example/a", "https://g.example/i.jpg"),
        (ev, 1, "", "https://r.example/b", None),
    ]
    assert rows(t["related"]) == [(ev, 0, "Before", "/news/2012/11/7/before.md", ["X", "Y z"])]
    assert rows(t["changes"]) == [
        (
            ev,
            0,
            "Old title",
            "/news/2012/11/8/a.md",
            "First version",
            dt.datetime(2018, 2, 6, 13, 49, 17),
        ),
        (ev, 1, "A title", "/news/2012/11/8/a.md", "Current version", None),
    ]
    assert rows(t["days"]) == [
        (day, dt.date(2012, 11, 8), "/news/2012/11/7/index.md", "", True, "en", [])
    ]
    assert rows(t["fronts"]) == [(front, False, None, [])]
    assert rows(t["sections"]) == [
        (front, 0, "News", "/news/2012/11/8/index.md", True),
        (front, 1, "Opinion", None, False),
    ]
    assert rows(t["entries"]) == [
        (day, None, 0, "A", "/news/2012/11/8/a.md", "", "Sum.", ["T"]),
        (day, None, 1, "B", "/news/2012/11/8/b.md", None, None, []),
        (front, 0, 0, "A", "/news/2012/11/8/a.md", None, None, []),
        (front, 1, 0, "E", "/opinion/e.md", None, None, []),
    ]
    assert t["errors"].num_rows == 0
    assert na.from_tables(t) == [EVENT, DAY, FRONT]
    # Rows of every table follow the pages' order, whatever their kinds.
    back = na.to_tables([FRONT, DAY])["entries"]
    assert back["page_id"].to_pylist() == [front, front, day, day]


# ------------------------------------------------------------------ ids


def test_ids_of_pages_in_memory() -> None:
    assert na.page_id(EVENT) == EVENT.url == "/zh/news/2012/11/8/a-title.md"
    assert na.page_id(DAY) == "/news/2012/11/8/index.md"
    no_slug = attrs.evolve(EVENT, slug=None)
    pid = na.page_id(no_slug)
    # Stable across runs and releases: a dataset's ids must not change under it.
    assert pid == "/zh/news/2012/11/8/#8c09f85d089065fd"
    assert na.page_id(FRONT) == "/#563a04fd0d1fb62e"
    # The digest follows the content, and only the content: language is bookkeeping.
    assert na.page_id(attrs.evolve(no_slug, title="Other")) != pid
    assert na.page_id(attrs.evolve(no_slug, language="en")) == pid
    assert na.page_id(attrs.evolve(no_slug)) == pid


def test_editorials_have_a_table_of_their_own() -> None:
    ed = Editorial(
        title="A view",
        author="An Author",
        body="One *thing*.\n\n[A link](https://x.example/a).",
        date=dt.date(2017, 4, 4),
        slug="a-view",
        language="en",
    )
    loose = attrs.evolve(ed, date=None, slug=None, language=None)
    t = na.to_tables([ed, loose])
    assert rows(t["pages"]) == [
        ("/opinion/2017/04/4/a-view/index.md", "editorial"),
        (na.page_id(loose), "editorial"),
    ]
    assert na.page_id(loose).startswith("/opinion/#")
    assert rows(t["editorials"])[0] == (
        "/opinion/2017/04/4/a-view/index.md",
        dt.date(2017, 4, 4),
        "A view",
        "An Author",
        "One *thing*.\n\n[A link](https://x.example/a).",
        "a-view",
        "",
        "en",
        [],
    )
    back = na.from_tables(t)
    assert back == [ed, loose] and [p.language for p in back] == ["en", None]


def test_ids_of_files_follow_the_archive_root(tmp_path: Path) -> None:
    path = str(tmp_path / "news" / "2012" / "11" / "8" / "a.md")
    result = newsevent.Loaded(path=path, page=EVENT)
    assert na.page_id(result, tmp_path) == "/news/2012/11/8/a.md"
    assert na.page_id(result, str(tmp_path) + os.sep) == "/news/2012/11/8/a.md"
    assert na.page_id(newsevent.Loaded(path="archive/x.md", page=EVENT)) == "archive/x.md"
    assert na.page_id(newsevent.Loaded(path="archive/x.md", page=EVENT), "archive") == "/x.md"
    with pytest.raises(ValueError, match="not inside the archive root"):
        na.page_id(result, tmp_path / "news" / "2013")
    # The shortcut for many paths under one root agrees with relpath() on odd spellings.
    for root in (tmp_path, f"{tmp_path}/", "archive", "./archive", "archive/"):
        fast = _arrow._PathIds(root)
        for rest in ("a.md", "x/.b.md", "x/./a.md", "x//a.md", "x/../a.md", ".a.md", "x/a b.md"):
            path = os.path.join(str(root), rest)
            assert fast(path) == _arrow.path_id(path, root), path
    odd = newsevent.Loaded(path=str(tmp_path / "news" / ".." / "news" / "b.md"), page=DAY)
    t = na.to_tables([result, odd], root=tmp_path)
    assert t["pages"]["page_id"].to_pylist() == ["/news/2012/11/8/a.md", "/news/b.md"]


def test_repeated_ids_are_told_apart() -> None:
    twin = attrs.evolve(DAY, entries=DAY.entries[:1])  # README.md twin: same address
    pages = [DAY, twin, DAY, FRONT, FRONT]
    t = na.to_tables(pages)
    front = na.page_id(FRONT)
    assert t["pages"]["page_id"].to_pylist() == [
        "/news/2012/11/8/index.md",
        "/news/2012/11/8/index.md~2",
        "/news/2012/11/8/index.md~3",
        front,
        front + "~2",
    ]
    assert na.from_tables(t) == pages


# ------------------------------------------------------------------ lossless


def _languages(pages: list[newsevent.Page]) -> list[str | None]:
    return [p.language for p in pages]


@given(st.lists(S.pages, max_size=4))
def test_tables_round_trip(pages: list[newsevent.Page]) -> None:
    back = na.from_tables(na.to_tables(pages))
    assert back == pages
    assert _languages(back) == _languages(pages)


@settings(max_examples=40)  # files on disk; the tables' own round trip runs the full count
@given(st.lists(S.pages, min_size=1, max_size=5), st.integers(1, 3))
def test_dataset_round_trip(pages: list[newsevent.Page], batch: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        assert na.write_dataset(pages, tmp, batch_size=batch) == len(pages)
        back = list(na.read_dataset(tmp))
        assert back == pages and _languages(back) == _languages(pages)
        tables = na.read_tables(tmp)
        ids = tables["pages"]["page_id"].to_pylist()
        if len(set(ids)) == len(ids):  # else equal pages sit in different batches
            assert na.from_tables(tables) == pages


def test_every_corpus_page_round_trips(corpus: Path, tmp_path: Path) -> None:
    results = list(newsevent.iter_load(corpus))
    pages = [r.page for r in results if r.page is not None]
    tables = na.to_tables(results, root=corpus)
    assert tables["pages"].num_rows == len(pages) == 12422
    assert tables["events"].num_rows == 1 + 187 + 6777 + 164  # the corpus README's count
    back = na.from_tables(tables)
    assert back == pages and _languages(back) == _languages(pages)
    # Through Parquet files, several batches and row groups.
    errors: list[str] = []
    written = na.write_dataset(
        results,
        tmp_path / "ds",
        root=corpus,
        batch_size=3000,
        on_error=lambda r: errors.append(r.path),
    )
    assert written == len(pages)
    failed = [r.path for r in results if r.error is not None]
    assert errors == failed == [str(corpus / "README.md")]  # the corpus's own notes
    assert (
        pq.ParquetFile(tmp_path / "ds" / "pages" / "part-000000-0000.parquet").num_row_groups == 5
    )
    streamed = list(na.read_dataset(tmp_path / "ds"))
    assert streamed == pages and _languages(streamed) == _languages(pages)
    err = na.read_tables(tmp_path / "ds")["errors"]
    assert err.column("page_id").to_pylist() == ["/README.md"]
    assert err.column("line").to_pylist() == [1]
    # The one editorial of the corpus, named by its place.
    ed = tables["editorials"].to_pylist()
    assert [(e["page_id"], e["date"], e["slug"]) for e in ed] == [
        (
            "/en/opinion/2017/04/4/the-post-truth-and-the-context/README.md",
            dt.date(2017, 4, 4),
            "the-post-truth-and-the-context",
        )
    ]
    ids = tables["pages"]["page_id"].to_pylist()
    assert len(set(ids)) == len(ids)
    assert ids[:2] == ["/en/README.md", "/en/index.md"]
    (seed,) = (r for r in results if r.path.startswith(str(corpus / "en-seed")))
    assert isinstance(seed.page, Event) and seed.page.url is not None
    assert ids[pages.index(seed.page)] == "/en-seed" + seed.page.url


# ------------------------------------------------------------------ bad tables


def _tables() -> dict[str, pa.Table]:
    return na.to_tables([EVENT, DAY, FRONT])


def _replace(table: pa.Table, column: str, values: list[object]) -> pa.Table:
    i = table.schema.get_field_index(column)
    return table.set_column(i, table.schema.field(i), pa.array(values, table.schema.field(i).type))


def _error(tables: dict[str, pa.Table]) -> newsevent.ParseError:
    with pytest.raises(newsevent.ParseError) as info:
        na.from_tables(tables)
    return info.value


def test_missing_and_unknown_tables() -> None:
    t = _tables()
    del t["sources"]
    assert _error(t).msg == "table 'sources' is missing"
    t = _tables()
    t["opinion"] = t["events"]
    assert "unknown table 'opinion'" in _error(t).msg
    t = _tables()
    del t["errors"]  # optional
    assert na.from_tables(t) == [EVENT, DAY, FRONT]


def test_columns_are_checked_and_cast() -> None:
    t = _tables()
    t["sources"] = t["sources"].drop_columns(["image"])
    e = _error(t)
    assert (e.msg, e.lineno, e.colno) == ("table 'sources' has no column 'image'", 1, 5)
    t = _tables()
    t["sources"] = t["sources"].append_column("extra_col", pa.array([1, 2]))
    assert _error(t).msg == "table 'sources' has an unknown column 'extra_col'"
    t = _tables()
    t["events"] = t["events"].set_column(1, "date", pa.array(["8 Nov 2012"], pa.string()))
    e = _error(t)
    assert (e.colno, e.field) == (2, "events.date")
    assert e.msg == "column 'date' of table 'events' is string, not date32[day]"
    # Plain strings where the schema has dictionaries, and columns in another order, cast.
    t = _tables()
    ev = t["events"]
    t["events"] = ev.select(list(reversed(ev.column_names))).cast(
        pa.schema(
            [
                (f.name, pa.string() if pa.types.is_dictionary(f.type) else f.type)
                for f in reversed(list(ev.schema))
            ]
        )
    )
    assert na.from_tables(t) == [EVENT, DAY, FRONT]


def test_rows_are_checked() -> None:
    t = _tables()
    t["sources"] = _replace(t["sources"], "url", ["https://g.example/a", None])
    e = _error(t)
    assert (e.msg, e.lineno, e.colno, e.field) == ("url must not be null", 2, 4, "sources[1].url")
    t = _tables()
    t["sources"] = _replace(t["sources"], "page_id", ["/nowhere", "/nowhere"])
    e = _error(t)
    assert (e.msg, e.lineno, e.field) == ("no page has id '/nowhere'", 1, "sources[0].page_id")
    t = _tables()
    t["sources"] = _replace(t["sources"], "page_id", ["/news/2012/11/8/index.md"] * 2)
    assert _error(t).msg == "page '/news/2012/11/8/index.md' is a day page"
    t = _tables()
    t["sources"] = _replace(t["sources"], "position", [0, 2])
    e = _error(t)
    assert e.msg.startswith("positions of page '/zh/news/2012/11/8/a-title.md' must run 0, 1, 2")
    assert e.lineno == 2
    t = _tables()
    t["sources"] = _replace(t["sources"], "position", [1, 0])
    assert na.from_tables(t)[0].sources == EVENT.sources[::-1]
    t = _tables()
    t["sources"] = _replace(t["sources"], "url", ["https://g.example/a", "has space"])
    e = _error(t)
    assert e.msg.startswith("invalid Source: ") and (e.lineno, e.field) == (2, "sources[1]")
    t = _tables()
    t["pages"] = _replace(t["pages"], "kind", ["event", "day", "essay"])
    assert _error(t).msg == "unknown kind 'essay'"
    t = _tables()
    t["pages"] = _replace(t["pages"], "page_id", ["/a", "/a", "/b"])
    assert _error(t).msg == "page id '/a' is used twice"
    t = _tables()
    t["fronts"] = t["fronts"].slice(0, 0)
    assert "has no row in 'fronts'" in _error(t).msg
    t = _tables()
    t["entries"] = _replace(t["entries"], "section", [None, None, 0, 5])
    assert "section 5 of page" in _error(t).msg
    t = _tables()
    t["entries"] = _replace(t["entries"], "section", [0, None, 0, 1])
    assert _error(t).msg == "section must be null on a day page"


def test_inconsistent_dataset_is_reported(tmp_path: Path) -> None:
    na.write_dataset([EVENT, DAY], tmp_path / "a")
    pages = tmp_path / "a" / "pages" / "part-000000-0000.parquet"
    pq.write_table(pq.read_table(pages).slice(0, 1), pages)  # drop the day page
    with pytest.raises(newsevent.ParseError) as info:
        list(na.read_dataset(tmp_path / "a"))
    e = info.value
    assert (e.msg, e.lineno) == ("no day page has id '/news/2012/11/8/index.md'", 1)
    assert (e.path, e.field) == (
        str(tmp_path / "a" / "days" / "part-000000-0000.parquet"),
        "days[0].page_id",
    )
    # Row groups that no longer line up (a table rewritten by another tool).
    na.write_dataset([EVENT, DAY, FRONT], tmp_path / "b", batch_size=1)
    sources = tmp_path / "b" / "sources" / "part-000000-0000.parquet"
    pq.write_table(pq.read_table(sources), sources)
    with pytest.raises(newsevent.ParseError, match="1 row groups where 'pages' has 3"):
        list(na.read_dataset(tmp_path / "b"))
    assert na.from_tables(na.read_tables(tmp_path / "b")) == [EVENT, DAY, FRONT]
    (tmp_path / "b" / "events" / "part-000000-0000.parquet").rename(
        tmp_path / "b" / "events" / "x.parquet"
    )
    with pytest.raises(newsevent.ParseError, match="part files of 'events' are not those"):
        list(na.read_dataset(tmp_path / "b"))


def test_a_new_file_every_so_many_batches(tmp_path: Path) -> None:
    pages = [EVENT, DAY, FRONT, DAY, EVENT]
    assert _arrow.write_dataset(pages, tmp_path, batch_size=1, batches_per_file=2) == 5
    for name in na.TABLES:
        files = sorted((tmp_path / name).iterdir())
        assert [f.name for f in files] == [f"part-000000-000{k}.parquet" for k in range(3)]
        assert [pq.ParquetFile(f).num_row_groups for f in files] == [2, 2, 1]
    assert list(na.read_dataset(tmp_path)) == pages
    stats = pq.ParquetFile(tmp_path / "events" / "part-000000-0000.parquet").metadata
    columns = [stats.row_group(0).column(i) for i in range(stats.num_columns)]
    assert [c.path_in_schema for c in columns if c.is_stats_set] == [
        "page_id",
        "date",
        "category",
        "prefix",
        "language",
    ]


def test_repeated_ids_in_different_batches_read_back(tmp_path: Path) -> None:
    pages = [DAY, EVENT, DAY, DAY]
    na.write_dataset(pages, tmp_path, batch_size=2)
    ids = na.read_tables(tmp_path)["pages"]["page_id"].to_pylist()
    assert ids == [DAY.url, EVENT.url, DAY.url, DAY.url + "~2"]
    assert list(na.read_dataset(tmp_path)) == pages


# ------------------------------------------------------------------ writing


def test_write_dataset_layout_and_refusal(tmp_path: Path) -> None:
    out = tmp_path / "ds"
    assert na.write_dataset([], out) == 0
    for name in na.TABLES:
        f = out / name / "part-000000-0000.parquet"
        assert pq.read_schema(f).names == na.SCHEMAS[name].names
        assert pq.read_table(f).num_rows == 0
    assert list(na.read_dataset(out)) == []
    with pytest.raises(FileExistsError, match=r"part-000000-0000\.parquet exists"):
        na.write_dataset([EVENT], out)
    with pytest.raises(ValueError, match="batch_size"):
        na.write_dataset([EVENT], tmp_path / "other", batch_size=0)


def test_failed_results_go_to_the_errors_table(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "ok.md").write_text(newsevent.example(), encoding="utf-8")
    (tmp_path / "a" / "bad.md").write_text("### [2012-11-8](/news/2012/11/8/index.md)\n", "utf-8")
    results = list(newsevent.iter_load(tmp_path / "a"))
    results.append(
        newsevent.Loaded(
            path=str(tmp_path / "a" / "gone.md"),
            error=FileNotFoundError(2, "No such file or directory"),
        )
    )
    seen: list[newsevent.Loaded] = []
    assert (
        na.write_dataset(results, tmp_path / "ds", root=tmp_path / "a", on_error=seen.append) == 1
    )
    assert [os.path.basename(r.path) for r in seen] == ["bad.md", "gone.md"]
    errors = pq.read_table(tmp_path / "ds" / "errors").to_pylist()
    bad = results[0].error
    assert isinstance(bad, newsevent.ParseError)
    assert errors == [
        {
            "page_id": "/bad.md",
            "path": str(tmp_path / "a" / "bad.md"),
            "error": "ParseError",
            "message": bad.msg,
            "line": bad.lineno,
            "column": bad.colno,
        },
        {
            "page_id": "/gone.md",
            "path": str(tmp_path / "a" / "gone.md"),
            "error": "FileNotFoundError",
            "message": "[Errno 2] No such file or directory",
            "line": None,
            "column": None,
        },
    ]
    assert list(na.read_dataset(tmp_path / "ds")) == [newsevent.parse(newsevent.example())]


# ------------------------------------------------------------------ command line


def run(*args: str) -> subprocess.CompletedProcess[str]:
    cmd = [EXE, *args] if EXE else [sys.executable, "-m", "newsevent", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_convert_to_parquet(tmp_path: Path, jobs: str) -> None:
    src = tmp_path / "archive"
    (src / "news" / "2012" / "11" / "8").mkdir(parents=True)
    (src / "news" / "2012" / "11" / "8" / "a.md").write_text(newsevent.example(), "utf-8")
    (src / "news" / "2012" / "11" / "8" / "index.md").write_text(newsevent.dumps(DAY), "utf-8")
    (src / "broken.md").write_text("# no date\n", encoding="utf-8")
    out = tmp_path / "ds"
    r = run("convert", str(src), "--to", "parquet", "-o", str(out), "--jobs", jobs)
    assert r.returncode == 1
    assert r.stdout == ""
    assert r.stderr.splitlines()[0].startswith(f"{src / 'broken.md'}:1:1: ")
    assert r.stderr.splitlines()[-1] == "newsevent: 2 converted, 1 failed"
    t = na.read_tables(out)
    assert t["pages"]["page_id"].to_pylist() == [
        "/news/2012/11/8/a.md",
        "/news/2012/11/8/index.md",
    ]
    assert t["errors"]["page_id"].to_pylist() == ["/broken.md"]
    assert list(na.read_dataset(out)) == [newsevent.parse(newsevent.example()), DAY]
    again = run("convert", str(src), "--to", "parquet", "-o", str(out))
    assert again.returncode == 1 and "write a dataset to a new or empty directory" in again.stderr


def test_convert_to_parquet_usage(tmp_path: Path) -> None:
    page = tmp_path / "a.md"
    page.write_text(newsevent.example(), encoding="utf-8")
    for args, message in (
        ([str(page), "--to", "parquet"], "needs -o DIR"),
        (["-", "--to", "parquet", "-o", str(tmp_path / "d")], "not standard input"),
        ([str(page), "--to", "parquet", "--jsonl", "-o", "x"], "--jsonl writes JSON"),
        ([str(page), "--to", "parquet", "-o", str(page)], "is a file"),
    ):
        r = run("convert", *args)
        assert r.returncode == 2 and message in r.stderr, (args, r.stderr)
    r = run("convert", str(tmp_path / "missing"), "--to", "parquet", "-o", str(tmp_path / "d"))
    assert r.returncode == 1 and "missing: no such file or directory" in r.stderr
    ok = run("convert", str(page), "--to", "parquet", "-o", str(tmp_path / "one"))
    assert ok.returncode == 0 and ok.stderr == "newsevent: 1 converted, 0 failed\n"
    assert na.read_tables(tmp_path / "one")["pages"]["page_id"].to_pylist() == ["/a.md"]
    # A file named twice is read once: one page, one id.
    twice = run("convert", str(page), str(tmp_path), "--to", "parquet", "-o", str(tmp_path / "2"))
    assert twice.returncode == 0 and twice.stderr == "newsevent: 1 converted, 0 failed\n"


# ------------------------------------------------------------------ public surface


def test_public_names_explain_themselves() -> None:
    for name in na.__all__:
        obj = getattr(na, name)
        if callable(obj):
            assert (inspect.getdoc(obj) or "").strip(), name
    assert (na.__doc__ or "").strip()


def test_core_install_does_not_need_pyarrow(tmp_path: Path) -> None:
    page = tmp_path / "a.md"
    page.write_text(newsevent.example(), encoding="utf-8")
    code = (
        "import sys\n"
        "sys.modules['pyarrow'] = None  # as if it were not installed\n"
        "import newsevent\n"
        "from newsevent._cli import main\n"
        "assert newsevent.dumps(newsevent.parse(newsevent.example()), 'json')\n"
        f"sys.exit(main(['convert', {str(page)!r}, '--to', 'parquet', '-o', 'out']))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert r.stderr.splitlines()[-1].endswith(
        "error: --to parquet needs pyarrow: pip install 'newsevent[arrow]'"
    )


def test_parquet_keeps_every_type(tmp_path: Path) -> None:
    na.write_dataset([EVENT, DAY, FRONT], tmp_path)
    for name in na.TABLES:
        on_disk = pq.read_schema(tmp_path / name / "part-000000-0000.parquet")
        assert on_disk.remove_metadata() == na.SCHEMAS[name].remove_metadata(), name


def _leftovers(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_a_failed_write_leaves_no_part_file(tmp_path: Path) -> None:
    def pages_then_failure() -> Iterator[newsevent.Page]:
        for _ in range(5):
            yield DAY
        raise RuntimeError("the source went away")

    with pytest.raises(RuntimeError, match="went away"):
        na.write_dataset(pages_then_failure(), tmp_path, batch_size=2)
    assert _leftovers(tmp_path) == []  # the first batches were written, then removed
    assert na.write_dataset([DAY], tmp_path) == 1  # and the folder takes a dataset


@pytest.mark.parametrize(
    ("sig", "to_group", "status"), [(signal.SIGINT, True, 130), (signal.SIGTERM, False, 143)]
)
def test_an_interrupted_conversion_leaves_no_dataset(
    tmp_path: Path, sig: int, to_group: bool, status: int
) -> None:
    src = faults.pages(tmp_path / "in", 1100)
    out = tmp_path / "ds"
    slow = [{"call": "open", "match": "p105", "writing": False, "sleep": 1}]
    args = ("convert", src, "--to", "parquet", "-o", out, "--jobs", "2")
    with faults.started(*args, faults=slow) as p:
        # The first batch of 1,000 pages is in the part files' temporary names.
        faults.wait_until(lambda: any(faults.TEMP.fullmatch(f.name) for f in out.rglob("*")))
        if to_group:  # Ctrl-C reaches the workers too
            os.killpg(p.pid, sig)
        else:
            os.kill(p.pid, sig)
        _, err = p.communicate(timeout=faults.TIMEOUT)
        assert faults.group_gone(p.pid)  # the workers ended with it
    assert p.returncode == status
    assert re.fullmatch(
        rf"newsevent: interrupted: \d+ converted, 0 failed; "
        rf"no dataset written in {re.escape(str(out))}\n",
        err,
    ), err
    assert _leftovers(out) == []


def test_a_killed_worker_stops_the_conversion(tmp_path: Path) -> None:
    src = faults.pages(tmp_path / "in", 40)
    out = tmp_path / "ds"
    stuck = [{"call": "open", "match": "p0005", "writing": False, "sleep": 60}]
    args = ("convert", src, "--to", "parquet", "-o", out, "--jobs", "2")
    with faults.started(*args, faults=stuck) as p:
        faults.wait_until(lambda: len(faults.children(p.pid)) == 2)
        time.sleep(0.5)  # the workers are at their first chunks
        os.kill(faults.children(p.pid)[0], signal.SIGKILL)
        _, err = p.communicate(timeout=faults.TIMEOUT)
    assert p.returncode == 1
    lines = err.splitlines()
    assert lines[0] == "newsevent: a worker process ended unexpectedly (signal 9)", err
    assert re.fullmatch(
        rf"newsevent: stopped: \d+ converted, 0 failed; "
        rf"no dataset written in {re.escape(str(out))}",
        lines[1],
    ), err
    assert len(lines) == 2 and _leftovers(out) == []


def test_a_dataset_inside_the_archive_and_special_files(tmp_path: Path) -> None:
    src = faults.pages(tmp_path / "in", 3)
    os.mkfifo(src / "2024" / "pipe.md")
    out = src / "ds"
    r = run("convert", str(src), "--to", "parquet", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert r.stderr.splitlines() == [
        f"{src / '2024' / 'pipe.md'}: skipped: a named pipe, not a regular file",
        "newsevent: 3 converted, 0 failed, 1 skipped",
    ]
    t = na.read_tables(out)
    assert t["errors"].select(["page_id", "error", "line"]).to_pylist() == [
        {"page_id": "/2024/pipe.md", "error": "Skipped", "line": None}
    ]
    again = run("convert", str(src), "--to", "parquet", "-o", str(tmp_path / "again"))
    assert again.returncode == 0
    assert na.read_tables(tmp_path / "again")["pages"].to_pylist() == t["pages"].to_pylist()
