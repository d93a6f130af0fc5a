"""An archive on a Dask cluster (``pip install 'newsevent[dask]'``).

``read_pages(sources)`` lists the files on the client and returns a :class:`dask.bag.Bag`
of :class:`newsevent.Loaded` results, read by the workers: a page that fails to parse is a
result carrying its error, never an exception that stops the job. ``write_dataset`` makes
each worker write its partitions straight into a Parquet dataset (the layout of
:mod:`newsevent.arrow`), and ``to_dataframes`` gives the tables as Dask DataFrames.

Only paths travel to the workers. The same code runs on one machine and on a cluster:
whichever :class:`dask.distributed.Client` is current runs it; the workers must see the
archive and the output directory at the same paths (a shared file system).
"""

# A module named ``dask`` inside the package: absolute imports below are the real Dask.
from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

import dask.bag as db
import dask.dataframe as dd
import pandas as pd
import pyarrow as pa
from dask.base import compute
from dask.delayed import Delayed, delayed

from newsevent import _arrow
from newsevent._errors import ParseError
from newsevent._stream import SUFFIXES, Loaded, Problem, Sources, load_regular, scan


def _load(items: list[str | Problem], format: str | None) -> list[Loaded]:
    out = []
    for item in items:
        if isinstance(item, Problem):
            out.append(Loaded(path=item.path, error=item.error))
            continue
        try:
            out.append(Loaded(path=item, page=load_regular(item, format)))
        except (ParseError, OSError) as exc:
            out.append(Loaded(path=item, error=exc))
    return out


def read_pages(
    sources: Sources,
    *,
    files_per_partition: int = 256,
    format: str | None = None,
    suffixes: Iterable[str] = SUFFIXES,
) -> db.Bag:
    """Return a bag of :class:`newsevent.Loaded` results, one per file under ``sources``.

    The files are listed here, as :func:`newsevent.iter_load` lists them (same order, and
    a result carrying the reason for each special file, link to a folder or unreadable
    folder met), and read by the workers, ``files_per_partition`` to a partition.
    ``format`` forces one format, as for :func:`newsevent.iter_load`.
    """
    if files_per_partition < 1:
        raise ValueError("files_per_partition must be at least 1")
    items = list(scan(sources, suffixes))
    if not items:
        return db.from_sequence([], npartitions=1)  # type: ignore[no-untyped-call,no-any-return]
    bag = db.from_sequence(items, partition_size=files_per_partition)  # type: ignore[no-untyped-call]
    return bag.map_partitions(_load, format)  # type: ignore[no-any-return]


def _tables(results: Iterable[Any], root: str | None) -> dict[str, pa.Table]:
    return _arrow.to_tables(results, root=root)


def _frame(tables: dict[str, pa.Table], name: str) -> pd.DataFrame:
    return tables[name].to_pandas(types_mapper=pd.ArrowDtype)


def _meta(name: str) -> pd.DataFrame:
    return _arrow.SCHEMAS[name].empty_table().to_pandas(types_mapper=pd.ArrowDtype)


def _root(root: str | os.PathLike[str] | None) -> str | None:
    return None if root is None else os.fspath(root)


def to_dataframes(
    results: db.Bag, *, root: str | os.PathLike[str] | None = None
) -> dict[str, dd.DataFrame]:
    """Return every table of :mod:`newsevent.arrow` as a Dask DataFrame, by name.

    Each partition of ``results`` (pages or :class:`newsevent.Loaded` results) becomes one
    partition of each DataFrame, with Arrow-backed columns (``pandas.ArrowDtype``) of the
    tables' types. Page ids follow :func:`newsevent.arrow.page_id` with ``root`` and are
    told apart within a partition. Compute several DataFrames together
    (``dask.compute(*frames.values())``) to read each file once.
    """
    chunks = results.to_delayed()  # type: ignore[no-untyped-call]
    parts: list[Delayed] = [delayed(_tables)(p, _root(root)) for p in chunks]
    return {
        name: dd.from_delayed(
            [delayed(_frame)(t, name) for t in parts], meta=_meta(name), verify_meta=False
        )
        for name in _arrow.TABLES
    }


def _write_part(results: Iterable[Any], directory: str, part: int, root: str | None) -> int:
    return _arrow.write_dataset(results, directory, root=root, part=part, check=False)


def write_dataset(
    results: db.Bag,
    directory: str | os.PathLike[str],
    *,
    root: str | os.PathLike[str] | None = None,
) -> int:
    """Write ``results`` as a Parquet dataset from the workers; return how many pages it holds.

    Partition *i* becomes ``directory/<table>/part-<i>.parquet`` (six digits), so the
    dataset reads back in the bag's order and holds, row for row, what
    :func:`newsevent.arrow.write_dataset` writes from one process. Failed results go to the
    ``errors`` table. ``directory`` must be new or empty (:class:`FileExistsError`).
    """
    _arrow.prepare(directory)
    folder = os.fspath(directory)
    chunks = results.to_delayed()  # type: ignore[no-untyped-call]
    tasks = [delayed(_write_part)(p, folder, i, _root(root)) for i, p in enumerate(chunks)]
    counts = compute(*tasks)  # type: ignore[no-untyped-call]
    return sum(int(c) for c in counts)


__all__ = ["read_pages", "to_dataframes", "write_dataset"]
