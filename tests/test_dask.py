"""newsevent.dask: a bag of results, DataFrames and a dataset written by the workers."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import dask
import pandas as pd
import pytest
from dask.distributed import Client, LocalCluster

import newsevent
from newsevent import arrow as na
from newsevent import dask as nd

EXAMPLE = newsevent.parse(newsevent.example())


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    day = root / "news" / "2024" / "03" / "5"
    day.mkdir(parents=True)
    (day / "a.md").write_text(newsevent.example(), encoding="utf-8")
    (day / "b.json").write_text(newsevent.dumps(EXAMPLE, "json"), encoding="utf-8")
    (day / "c.md").write_text("# no date\n", encoding="utf-8")
    (day / "d.xml").write_text(newsevent.dumps(EXAMPLE, "xml"), encoding="utf-8")
    (root / "notes.txt").write_text("not a page", encoding="utf-8")
    return root


def _same(a: list[newsevent.Loaded], b: list[newsevent.Loaded]) -> bool:
    return [(r.path, r.page, str(r.error)) for r in a] == [
        (r.path, r.page, str(r.error)) for r in b
    ]


def test_the_module_does_not_hide_dask() -> None:
    code = (
        "import newsevent.dask as nd, dask, dask.bag\n"
        "print(dask.__name__, nd.db is dask.bag, callable(dask.compute))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "dask True True\n"
    assert "site-packages" in (dask.__file__ or "") and "newsevent" not in (dask.__file__ or "")


def test_bag_of_results_in_partitions(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    bag = nd.read_pages(root, files_per_partition=3)
    assert bag.npartitions == 2
    with dask.config.set(scheduler="sync"):
        results = bag.compute()
    assert _same(results, list(newsevent.iter_load(root)))
    assert [r.ok for r in results] == [True, True, False, True]
    assert results[0].page == EXAMPLE
    forced = nd.read_pages(root, format="markdown").compute(scheduler="sync")
    assert [r.ok for r in forced] == [True, False, False, False]
    (tmp_path / "empty").mkdir()
    assert nd.read_pages(tmp_path / "empty").compute(scheduler="sync") == []
    (missing,) = nd.read_pages(tmp_path / "missing").compute(scheduler="sync")
    assert isinstance(missing.error, FileNotFoundError)  # as iter_load reports it
    with pytest.raises(ValueError, match="files_per_partition"):
        nd.read_pages(root, files_per_partition=0)


def test_dataframes_hold_the_tables(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    frames = nd.to_dataframes(nd.read_pages(root, files_per_partition=2), root=root)
    assert list(frames) == list(na.TABLES)
    with dask.config.set(scheduler="sync"):
        computed = dict(zip(frames, dask.compute(*frames.values()), strict=True))
    expected = na.to_tables(newsevent.iter_load(root), root=root)
    for name, frame in computed.items():
        want = expected[name].to_pandas(types_mapper=pd.ArrowDtype)
        pd.testing.assert_frame_equal(frame.reset_index(drop=True), want, check_dtype=True)
    assert computed["pages"]["page_id"].tolist() == [
        "/news/2024/03/5/a.md",
        "/news/2024/03/5/b.json",
        "/news/2024/03/5/d.xml",
    ]
    assert computed["errors"]["page_id"].tolist() == ["/news/2024/03/5/c.md"]
    assert str(computed["events"]["date"].dtype) == "date32[day][pyarrow]"
    assert str(computed["related"]["context"].dtype) == "list<item: string>[pyarrow]"


def test_workers_write_the_dataset(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    out = tmp_path / "ds"
    with dask.config.set(scheduler="sync"):
        written = nd.write_dataset(nd.read_pages(root, files_per_partition=3), out, root=root)
    assert written == 3
    assert sorted(p.name for p in (out / "events").iterdir()) == [
        "part-000000-0000.parquet",
        "part-000001-0000.parquet",
    ]
    assert list(na.read_dataset(out)) == [EXAMPLE] * 3
    na.write_dataset(newsevent.iter_load(root), tmp_path / "one", root=root)
    one, many = na.read_tables(tmp_path / "one"), na.read_tables(out)
    for name in na.TABLES:
        assert many[name].to_pylist() == one[name].to_pylist(), name
    with pytest.raises(FileExistsError):
        nd.write_dataset(nd.read_pages(root), out, root=root)


def test_corpus_on_a_local_cluster(corpus: Path, tmp_path: Path) -> None:
    one = list(newsevent.iter_load(corpus))
    na.write_dataset(one, tmp_path / "one", root=corpus)
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster),
    ):
        bag = nd.read_pages(corpus, files_per_partition=512).persist()
        results = bag.compute()
        written = nd.write_dataset(bag, tmp_path / "dask", root=corpus)
    assert len(results) == len(one) == 12423
    assert _same(results, one)  # the same pages and the same errors, in the same order
    assert [r.path for r in results if not r.ok] == [str(corpus / "README.md")]
    assert written == 12422
    assert len(list((tmp_path / "dask" / "pages").iterdir())) == bag.npartitions == 25
    a, b = na.read_tables(tmp_path / "one"), na.read_tables(tmp_path / "dask")
    for name in na.TABLES:
        assert b[name].num_rows == a[name].num_rows, name
        assert b[name].to_pylist() == a[name].to_pylist(), name


def test_public_names_explain_themselves() -> None:
    assert (nd.__doc__ or "").strip()
    for name in nd.__all__:
        assert (inspect.getdoc(getattr(nd, name)) or "").strip(), name
