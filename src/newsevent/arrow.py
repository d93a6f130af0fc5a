"""Pages as relational Arrow tables, and Parquet datasets (``pip install 'newsevent[arrow]'``).

``to_tables(pages)`` turns pages into one :class:`pyarrow.Table` per kind of row, keyed by a
page id and a position; ``from_tables(tables)`` turns them back into equal pages.
``write_dataset`` and ``read_dataset`` do the same through a folder of Parquet files, one
batch of pages at a time. The tables and their columns are listed in :data:`SCHEMAS` and
documented in docs/pipelines.md.

Page ids (the ``page_id`` column):

- a page read from a file (a :class:`newsevent.Loaded` result) is named by the file's path
  under ``root``, as a site path: ``/news/2012/11/8/index.md``; without ``root``, by its
  path as given (``/`` separated);
- a page given in memory is named by its own address when it has one (``Event.url`` when
  the slug is known, ``DayPage.url``, ``Editorial.url`` when its date and slug are known),
  else by its folder and a digest of its content (``/news/2012/11/8/#0123456789abcdef``
  for an event without a slug, ``/opinion/#…`` for an editorial, ``/#…`` for a front page);
- an id already used in the same call of :func:`to_tables` (or the same batch of
  :func:`write_dataset`) gets ``~2``, ``~3``… appended, in order of arrival. Files of one
  archive never share an id; pages given in memory share one only when they are equal or
  have the same address.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import pyarrow as pa

from . import _arrow
from ._model import Page
from ._stream import Loaded

SCHEMAS: dict[str, pa.Schema] = _arrow.SCHEMAS
"""The schema of every table, by name, in the order :func:`to_tables` returns them."""
TABLES: tuple[str, ...] = _arrow.TABLES
"""The table names: pages, events, sources, related, changes, days, fronts, sections,
entries, editorials, errors."""
SCHEMA_VERSION: str = _arrow.SCHEMA_VERSION
"""The version of the table layout, stored as ``newsevent.schema`` in each schema's metadata."""


def page_id(item: Page | Loaded, root: str | os.PathLike[str] | None = None) -> str:
    """Return the id :func:`to_tables` gives ``item`` when no earlier item has taken it.

    See the module documentation for the rule; ``root`` is the archive root that file
    paths are taken relative to.
    """
    return _arrow.page_id(item, root)


def to_tables(
    pages: Iterable[Page | Loaded], *, root: str | os.PathLike[str] | None = None
) -> dict[str, pa.Table]:
    """Return every table (see :data:`SCHEMAS`) of ``pages``, in the order given.

    ``pages`` may hold pages and :class:`newsevent.Loaded` results (as
    :func:`newsevent.iter_load` yields them); a result without a page becomes a row of the
    ``errors`` table. ``root`` is the archive root that results' paths are named relative to.
    """
    return _arrow.to_tables(pages, root=root)


def from_tables(tables: Mapping[str, Any]) -> list[Page]:
    """Return the pages of ``tables`` (as made by :func:`to_tables`), in the ``pages`` order.

    ``from_tables(to_tables(pages)) == pages`` for every list of pages. Columns may come in
    any order and in types that cast to the schema's (plain strings for dictionary columns,
    for example); the ``errors`` table is optional and ignored. A table that breaks the
    schema or a rule of the model raises :class:`newsevent.ParseError` whose ``lineno`` is
    the 1-based row, ``colno`` the 1-based column and ``field`` the table and row.
    """
    return _arrow.from_tables(tables)


def write_dataset(
    pages: Iterable[Page | Loaded],
    directory: str | os.PathLike[str],
    *,
    root: str | os.PathLike[str] | None = None,
    batch_size: int = 1000,
    on_error: Callable[[Loaded], None] | None = None,
) -> int:
    """Write ``pages`` as a Parquet dataset in ``directory``; return how many pages it holds.

    Each table goes to its own folder, ``directory/<table>/part-000000-0000.parquet``,
    written ``batch_size`` pages at a time (one row group per batch in every table, a new
    file every 100 batches), and nothing is kept from one batch to the next, so memory does
    not grow with the number of pages.
    A result without a page is written to the ``errors`` table, passed to ``on_error`` if
    given, and the run goes on. Part files get their names only when everything is
    written: a run that raises (from ``pages``, from writing, or an interrupt) leaves none.
    ``directory`` is created; one that already holds part files is refused
    (:class:`FileExistsError`). Ids follow :func:`page_id` with ``root`` and are
    told apart within a batch; the files of one archive have distinct ids anyway.
    """
    return _arrow.write_dataset(
        pages, directory, root=root, batch_size=batch_size, on_error=on_error
    )


def read_dataset(directory: str | os.PathLike[str]) -> Iterator[Page]:
    """Yield the pages of the dataset in ``directory`` in order, one written batch at a time.

    A batch is a row group in each table's part file (as :func:`write_dataset` and
    :func:`newsevent.dask.write_dataset` write them); only one batch of pages and of their
    rows is held at once. A dataset that breaks the schema or whose row groups do not line
    up raises :class:`newsevent.ParseError` naming the part file.
    """
    return _arrow.read_dataset(directory)


def read_tables(directory: str | os.PathLike[str]) -> dict[str, pa.Table]:
    """Read every table of the dataset in ``directory`` whole (part files in name order)."""
    return _arrow.read_tables(directory)


__all__ = [
    "SCHEMAS",
    "SCHEMA_VERSION",
    "TABLES",
    "from_tables",
    "page_id",
    "read_dataset",
    "read_tables",
    "to_tables",
    "write_dataset",
]
