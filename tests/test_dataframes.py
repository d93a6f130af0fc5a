"""The corpus dataset read by DuckDB, pandas and polars, answers checked against the pages."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pytest

import newsevent
from newsevent import arrow as na


@pytest.fixture(scope="module")
def corpus_events(corpus: Path) -> list[newsevent.Event]:
    return [r.page for r in newsevent.iter_load(corpus) if isinstance(r.page, newsevent.Event)]


@pytest.fixture(scope="module")
def dataset(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus") / "dataset"
    na.write_dataset(newsevent.iter_load(corpus), out, root=corpus)
    return out


def sql(dataset: Path, query: str) -> list[tuple[object, ...]]:
    con = duckdb.connect()
    for name in na.TABLES:
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM '{dataset / name}/*.parquet'")
    return con.execute(query).fetchall()


def test_events_per_year(dataset: Path, corpus_events: list[newsevent.Event]) -> None:
    got = sql(dataset, "SELECT year(date) AS y, count(*) FROM events GROUP BY y ORDER BY y")
    want = sorted(Counter(e.date.year for e in corpus_events).items())
    assert got == want
    assert sum(n for _y, n in got) == 1 + 187 + 6777 + 164


def test_most_frequent_context_tags(dataset: Path, corpus_events: list[newsevent.Event]) -> None:
    got = sql(
        dataset,
        "SELECT tag, count(*) AS n FROM (SELECT unnest(context) AS tag FROM related) "
        "GROUP BY tag ORDER BY n DESC, tag LIMIT 10",
    )
    counts = Counter(t for e in corpus_events for r in e.related for t in r.context)
    want = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    assert got == want
    assert got[0][1] > got[9][1] > 1


def test_outlets_cited_most(dataset: Path, corpus_events: list[newsevent.Event]) -> None:
    got = sql(
        dataset,
        "SELECT name, count(*) AS n FROM sources GROUP BY name ORDER BY n DESC, name LIMIT 10",
    )
    counts = Counter(s.name for e in corpus_events for s in e.sources)
    want = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    assert got == want


def test_events_without_sources(dataset: Path, corpus_events: list[newsevent.Event]) -> None:
    got = sql(
        dataset,
        "SELECT count(*) FROM events e "
        "WHERE NOT EXISTS (SELECT 1 FROM sources s WHERE s.page_id = e.page_id)",
    )
    assert got == [(sum(1 for e in corpus_events if not e.sources),)]
    # And by language: the dictionary column reads as plain text in SQL.
    by_language = sql(
        dataset,
        "SELECT language, count(*) FROM events e WHERE NOT EXISTS "
        "(SELECT 1 FROM sources s WHERE s.page_id = e.page_id) GROUP BY 1 ORDER BY 1 NULLS FIRST",
    )
    want = Counter(e.language for e in corpus_events if not e.sources)
    assert by_language == sorted(want.items(), key=lambda kv: (kv[0] is not None, kv[0] or ""))


def test_pandas_reads_the_dataset(dataset: Path, corpus_events: list[newsevent.Event]) -> None:
    events = pd.read_parquet(dataset / "events")
    assert len(events) == len(corpus_events)
    assert isinstance(events["category"].dtype, pd.CategoricalDtype)
    assert isinstance(events["language"].dtype, pd.CategoricalDtype)
    assert events["date"].tolist() == [e.date for e in corpus_events]
    assert events["title"].tolist() == [e.title for e in corpus_events]
    changes = pd.read_parquet(dataset / "changes")
    stamps = [c.timestamp for e in corpus_events for c in e.changes]
    assert changes["timestamp"].dtype == "datetime64[ms]"
    assert [None if pd.isna(t) else t.to_pydatetime() for t in changes["timestamp"]] == stamps


def test_polars_reads_the_dataset(dataset: Path, corpus_events: list[newsevent.Event]) -> None:
    related = pl.read_parquet(dataset / "related" / "*.parquet")
    assert related.schema["context"] == pl.List(pl.String)
    assert related["context"].to_list() == [
        list(r.context) for e in corpus_events for r in e.related
    ]
    events = pl.read_parquet(dataset / "events" / "*.parquet")
    assert events.schema["date"] == pl.Date
    assert events.schema["language"] == pl.Categorical
    first = min(e.date for e in corpus_events)
    assert events["date"].min() == first and isinstance(first, dt.date)
