"""Pages as relational Arrow tables, and Parquet datasets written and read in batches."""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Union

import pyarrow as pa
import pyarrow.parquet as pq

from ._atomic import _sync_folder as sync_folder
from ._atomic import remove_stale, temp_path
from ._errors import ParseError
from ._model import (
    Change,
    DayPage,
    Editorial,
    Entry,
    Event,
    FrontPage,
    FrontSection,
    Page,
    Related,
    Source,
)
from ._stream import Loaded

SCHEMA_VERSION = "1"
PathLike = Union[str, "os.PathLike[str]"]
Item = Page | Loaded

# The content of each class, field by field: what a table carries. Anything else on the
# model (the Markdown spelling of a parsed page) is not content and is never written.
FIELDS: dict[type, tuple[str, ...]] = {
    Source: ("name", "url", "image"),
    Related: ("title", "url", "context"),
    Change: ("title", "url", "label", "timestamp"),
    Event: (
        "date",
        "title",
        "category",
        "body",
        "sources",
        "cover_image",
        "related",
        "changes",
        "slug",
        "prefix",
        "language",
        "extra",
    ),
    Entry: ("title", "url", "category", "summary", "context"),
    DayPage: ("date", "entries", "previous", "prefix", "formats", "language", "extra"),
    FrontSection: ("label", "url", "entries", "rule"),
    FrontPage: ("sections", "formats", "language", "extra"),
    Editorial: ("title", "author", "body", "date", "slug", "prefix", "language", "extra"),
}
# Bookkeeping that equality ignores: carried in the tables, left out of content ids.
NOT_IN_ID = frozenset({"language"})

KINDS: dict[type, str] = {
    Event: "event",
    DayPage: "day",
    FrontPage: "front",
    Editorial: "editorial",
}
KIND_TABLE = {"event": "events", "day": "days", "front": "fronts", "editorial": "editorials"}

_STR = pa.string()
_LANGUAGE = pa.dictionary(pa.int8(), pa.string())
_LABEL = pa.dictionary(pa.int32(), pa.string())  # categories, change labels: open sets
_TEXTS = pa.list_(pa.string())
_INT = pa.int32()
_TIMESTAMP = pa.timestamp("ms")  # naive, whole seconds; Parquet has no seconds unit


def _f(name: str, type_: pa.DataType, nullable: bool = False) -> pa.Field[Any]:
    return pa.field(name, type_, nullable=nullable)


_PAGE_ID = _f("page_id", _STR)
_POSITION = _f("position", _INT)

SCHEMAS: dict[str, pa.Schema] = {
    "pages": pa.schema([_PAGE_ID, _f("kind", pa.dictionary(pa.int8(), pa.string()))]),
    "events": pa.schema(
        [
            _PAGE_ID,
            _f("date", pa.date32()),
            _f("title", _STR),
            _f("category", _LABEL, True),
            _f("body", _STR),
            _f("cover_image", _STR, True),
            _f("slug", _STR, True),
            _f("prefix", _STR),
            _f("language", _LANGUAGE, True),
            _f("extra", _TEXTS),
        ]
    ),
    "sources": pa.schema(
        [_PAGE_ID, _POSITION, _f("name", _STR), _f("url", _STR), _f("image", _STR, True)]
    ),
    "related": pa.schema(
        [_PAGE_ID, _POSITION, _f("title", _STR), _f("url", _STR), _f("context", _TEXTS)]
    ),
    "changes": pa.schema(
        [
            _PAGE_ID,
            _POSITION,
            _f("title", _STR),
            _f("url", _STR),
            _f("label", _LABEL),
            _f("timestamp", _TIMESTAMP, True),
        ]
    ),
    "days": pa.schema(
        [
            _PAGE_ID,
            _f("date", pa.date32()),
            _f("previous", _STR, True),
            _f("prefix", _STR),
            _f("formats", pa.bool_()),
            _f("language", _LANGUAGE, True),
            _f("extra", _TEXTS),
        ]
    ),
    "fronts": pa.schema(
        [
            _PAGE_ID,
            _f("formats", pa.bool_()),
            _f("language", _LANGUAGE, True),
            _f("extra", _TEXTS),
        ]
    ),
    "sections": pa.schema(
        [
            _PAGE_ID,
            _POSITION,
            _f("label", _STR),
            _f("url", _STR, True),
            _f("rule", pa.bool_()),
        ]
    ),
    "entries": pa.schema(
        [
            _PAGE_ID,
            _f("section", _INT, True),
            _POSITION,
            _f("title", _STR),
            _f("url", _STR),
            _f("category", _LABEL, True),
            _f("summary", _STR, True),
            _f("context", _TEXTS),
        ]
    ),
    "editorials": pa.schema(
        [
            _PAGE_ID,
            _f("date", pa.date32(), True),
            _f("title", _STR),
            _f("author", _STR),
            _f("body", _STR),
            _f("slug", _STR, True),
            _f("prefix", _STR),
            _f("language", _LANGUAGE, True),
            _f("extra", _TEXTS),
        ]
    ),
    "errors": pa.schema(
        [
            _PAGE_ID,
            _f("path", _STR),
            _f("error", pa.dictionary(pa.int8(), pa.string())),
            _f("message", _STR),
            _f("line", _INT, True),
            _f("column", _INT, True),
        ]
    ),
}
SCHEMAS = {
    name: schema.with_metadata({"newsevent.schema": SCHEMA_VERSION})
    for name, schema in SCHEMAS.items()
}
TABLES: tuple[str, ...] = tuple(SCHEMAS)
_LISTS = frozenset({"extra", "context"})  # list<string> columns: tuples in the model


# ------------------------------------------------------------------ page ids


def _plain(value: Any) -> Any:
    """The content of ``value`` as JSON-ready data, in the order of :data:`FIELDS`."""
    fields = FIELDS.get(type(value))
    if fields is not None:
        return [type(value).__name__] + [
            _plain(getattr(value, f)) for f in fields if f not in NOT_IN_ID
        ]
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return value


def content_digest(page: Page) -> str:
    """Sixteen hex digits that depend on the page's content only (equal pages, equal digest)."""
    text = json.dumps(_plain(page), ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def page_id(item: Item, root: PathLike | None = None) -> str:
    """The id a page gets in the tables (before repeats are told apart)."""
    if isinstance(item, Loaded):
        return path_id(item.path, root)
    return memory_id(item)


def memory_id(page: Page) -> str:
    """The id of a page given in memory: its own address, else folder and content digest."""
    if isinstance(page, Event):
        return page.url if page.url is not None else f"{page.path}/#{content_digest(page)}"
    if isinstance(page, DayPage):
        return page.url
    if isinstance(page, FrontPage):
        return f"/#{content_digest(page)}"
    if isinstance(page, Editorial):
        return (
            page.url if page.url is not None else f"{page.prefix}/opinion/#{content_digest(page)}"
        )
    raise TypeError(f"expected a page or a Loaded result, not {type(page).__name__}")


def path_id(path: str, root: PathLike | None) -> str:
    """A file's id: its path under ``root`` as a site path, or the path as given."""
    if root is None:
        return path.replace(os.sep, "/")
    rel = os.path.relpath(path, root)
    if rel == os.curdir or rel == os.pardir or rel.startswith(os.pardir + os.sep):
        raise ValueError(f"{path!r} is not inside the archive root {os.fspath(root)!r}")
    return "/" + rel.replace(os.sep, "/")


class _PathIds:
    """:func:`path_id` for many paths under one root, without a relpath() for each."""

    def __init__(self, root: PathLike | None) -> None:
        self.root = root
        self.heads: tuple[str, ...] = ()
        if root is not None:
            given = os.path.normpath(os.fspath(root))
            heads = (given, os.path.abspath(given))
            self.heads = tuple(
                dict.fromkeys(h if h.endswith(os.sep) else h + os.sep for h in heads)
            )
        sep = os.sep
        self.odd = (sep + ".", sep + sep)  # segments that need relpath()'s normalisation

    def __call__(self, path: str) -> str:
        for head in self.heads:
            if path.startswith(head):
                rest = path[len(head) :]
                if rest and rest[0] not in "./\\" and not any(o in rest for o in self.odd):
                    return "/" + rest.replace(os.sep, "/")
        return path_id(path, self.root)


def unique(pid: str, seen: set[str]) -> str:
    """``pid``, or ``pid~2``, ``pid~3``… when it is already in ``seen``; records the result."""
    if pid in seen:
        n = 2
        while f"{pid}~{n}" in seen:
            n += 1
        pid = f"{pid}~{n}"
    seen.add(pid)
    return pid


# ------------------------------------------------------------------ pages -> tables


class TableBuilder:
    """The rows of one batch, column by column.

    Each page's values are taken as it is added, so the page itself (and the spelling of
    its Markdown, which can outweigh it) is not kept for the rest of the batch.
    """

    def __init__(self, root: PathLike | None = None, *, path_ids: _PathIds | None = None) -> None:
        self.path_id = _PathIds(root) if path_ids is None else path_ids
        self.seen: set[str] = set()
        self.cols: dict[str, list[list[Any]]] = {
            name: [[] for _ in schema] for name, schema in SCHEMAS.items()
        }
        self.pages = 0

    def add(self, item: Item) -> str:
        """Add a page or a result; return the id it got."""
        if isinstance(item, Loaded):
            pid = unique(self.path_id(item.path), self.seen)
            if item.page is None:
                self._error(pid, item)
                return pid
            page: Page = item.page
        else:
            pid = unique(memory_id(item), self.seen)
            page = item
        kind = type(page)
        if kind is Event:
            self._event(pid, page)  # type: ignore[arg-type]
        elif kind is DayPage:
            self._day(pid, page)  # type: ignore[arg-type]
        elif kind is FrontPage:
            self._front(pid, page)  # type: ignore[arg-type]
        elif kind is Editorial:
            self._editorial(pid, page)  # type: ignore[arg-type]
        else:
            raise TypeError(f"expected a page, not {kind.__name__}")
        self.pages += 1
        return pid

    def _row(self, table: str, values: tuple[Any, ...]) -> None:
        for column, value in zip(self.cols[table], values, strict=True):
            column.append(value)

    def _event(self, pid: str, ev: Event) -> None:
        self._row("pages", (pid, "event"))
        self._row(
            "events",
            (
                pid,
                ev.date,
                ev.title,
                ev.category,
                ev.body,
                ev.cover_image,
                ev.slug,
                ev.prefix,
                ev.language,
                ev.extra,
            ),
        )
        if ev.sources:
            c, items = self.cols["sources"], ev.sources
            self._ids(c, pid, len(items))
            c[2] += [s.name for s in items]
            c[3] += [s.url for s in items]
            c[4] += [s.image for s in items]
        if ev.related:
            c, rel = self.cols["related"], ev.related
            self._ids(c, pid, len(rel))
            c[2] += [r.title for r in rel]
            c[3] += [r.url for r in rel]
            c[4] += [r.context for r in rel]
        if ev.changes:
            c, chs = self.cols["changes"], ev.changes
            self._ids(c, pid, len(chs))
            c[2] += [ch.title for ch in chs]
            c[3] += [ch.url for ch in chs]
            c[4] += [ch.label for ch in chs]
            c[5] += [ch.timestamp for ch in chs]

    @staticmethod
    def _ids(columns: list[list[Any]], pid: str, n: int) -> None:
        """Fill the page id and position columns of ``n`` child rows."""
        columns[0] += [pid] * n
        columns[1] += range(n)

    def _entries(self, pid: str, section: int | None, entries: tuple[Entry, ...]) -> None:
        if not entries:
            return
        c, n = self.cols["entries"], len(entries)
        c[0] += [pid] * n
        c[1] += [section] * n
        c[2] += range(n)
        c[3] += [e.title for e in entries]
        c[4] += [e.url for e in entries]
        c[5] += [e.category for e in entries]
        c[6] += [e.summary for e in entries]
        c[7] += [e.context for e in entries]

    def _day(self, pid: str, day: DayPage) -> None:
        self._row("pages", (pid, "day"))
        self._row(
            "days",
            (pid, day.date, day.previous, day.prefix, day.formats, day.language, day.extra),
        )
        self._entries(pid, None, day.entries)

    def _front(self, pid: str, front: FrontPage) -> None:
        self._row("pages", (pid, "front"))
        self._row("fronts", (pid, front.formats, front.language, front.extra))
        for i, s in enumerate(front.sections):
            self._row("sections", (pid, i, s.label, s.url, s.rule))
            self._entries(pid, i, s.entries)

    def _editorial(self, pid: str, ed: Editorial) -> None:
        self._row("pages", (pid, "editorial"))
        self._row(
            "editorials",
            (pid, ed.date, ed.title, ed.author, ed.body, ed.slug, ed.prefix, ed.language, ed.extra),
        )

    def _error(self, pid: str, result: Loaded) -> None:
        exc = result.error
        row: tuple[Any, ...]
        if isinstance(exc, ParseError):
            row = (pid, result.path, "ParseError", exc.msg, exc.lineno, exc.colno)
        else:
            row = (pid, result.path, type(exc).__name__, str(exc), None, None)
        self._row("errors", row)

    def tables(self) -> dict[str, pa.Table]:
        """The tables of everything added so far."""
        out = {}
        for name, schema in SCHEMAS.items():
            arrays = [
                pa.array(values, type=field.type)
                for values, field in zip(self.cols[name], schema, strict=True)
            ]
            out[name] = pa.Table.from_arrays(arrays, schema=schema)
        return out


def to_tables(items: Iterable[Item], *, root: PathLike | None = None) -> dict[str, pa.Table]:
    """Build one table per kind of row from pages and/or results (see newsevent.arrow)."""
    builder = TableBuilder(root)
    for item in items:
        builder.add(item)
    return builder.tables()


# ------------------------------------------------------------------ tables -> pages


class _Columns:
    """One table's columns as Python lists, with where each row came from."""

    def __init__(self, name: str, table: pa.Table, offset: int, path: str | None) -> None:
        self.name = name
        self.offset = offset
        self.path = path
        self.names: list[str] = list(table.schema.names)
        self.data: dict[str, list[Any]] = {n: table.column(n).to_pylist() for n in self.names}
        self.rows = table.num_rows

    def error(self, row: int, msg: str, column: str | None = None) -> ParseError:
        colno = self.names.index(column) + 1 if column in self.names else 1
        where = f"{self.name}[{self.offset + row}]" + (f".{column}" if column else "")
        return ParseError(msg, self.offset + row + 1, colno, path=self.path, field=where)

    def kwargs(self, row: int, skip: Sequence[str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for n in self.names:
            if n in skip:
                continue
            v = self.data[n][row]
            out[n] = tuple(v) if n in _LISTS and v is not None else v
        return out


def _conform(name: str, table: Any, path: str | None) -> pa.Table:
    """``table`` with exactly the columns of ``name``'s schema, cast to its types."""
    schema = SCHEMAS[name]
    if isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    if not isinstance(table, pa.Table):
        raise TypeError(f"table {name!r} must be a pyarrow.Table, not {type(table).__name__}")
    have = set(table.schema.names)
    for i, field in enumerate(schema):
        if field.name not in have:
            msg = f"table {name!r} has no column {field.name!r}"
            raise ParseError(msg, 1, i + 1, path=path, field=name)
    for i, n in enumerate(table.schema.names):
        if n not in schema.names:
            raise ParseError(f"table {name!r} has an unknown column {n!r}", 1, i + 1, path=path)
        if table.schema.names.count(n) > 1:
            raise ParseError(f"table {name!r} has column {n!r} twice", 1, i + 1, path=path)
    table = table.select(schema.names)
    if table.schema.remove_metadata() == schema.remove_metadata():
        return table  # type: ignore[no-any-return]
    columns = []
    for i, field in enumerate(schema):
        column = table.column(i)
        if column.type != field.type:
            try:
                column = column.cast(field.type)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                msg = f"column {field.name!r} of table {name!r} is {column.type}, not {field.type}"
                raise ParseError(msg, 1, i + 1, path=path, field=f"{name}.{field.name}") from exc
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=schema.remove_metadata())


def _required(cols: _Columns) -> None:
    """Refuse nulls where the schema has none."""
    for field in SCHEMAS[cols.name]:
        if not field.nullable:
            values = cols.data[field.name]
            if None in values:
                row = values.index(None)
                raise cols.error(row, f"{field.name} must not be null", field.name)


class _Children:
    """Rows of a child table grouped by page (and section), checked and in position order."""

    def __init__(self, cols: _Columns, kinds: dict[str, str], kind: tuple[str, ...]) -> None:
        self.cols = cols
        groups: dict[tuple[str, int | None], list[tuple[int, int]]] = {}
        pids = cols.data["page_id"]
        positions = cols.data["position"]
        sections = cols.data.get("section")
        for row in range(cols.rows):
            pid = pids[row]
            found = kinds.get(pid)
            if found is None:
                raise cols.error(row, f"no page has id {pid!r}", "page_id")
            if found not in kind:
                raise cols.error(row, f"page {pid!r} is a {found} page", "page_id")
            section = None if sections is None else sections[row]
            if sections is not None and (section is None) != (found == "day"):
                need = "null on a day page" if found == "day" else "set on a front page"
                raise cols.error(row, f"section must be {need}", "section")
            groups.setdefault((pid, section), []).append((positions[row], row))
        self.groups: dict[tuple[str, int | None], list[int]] = {}
        for key, pairs in groups.items():
            pairs.sort()
            for expected, (position, row) in enumerate(pairs):
                if position != expected:
                    msg = f"positions of page {key[0]!r} must run 0, 1, 2…; found {position}"
                    raise cols.error(row, msg, "position")
            self.groups[key] = [row for _position, row in pairs]
        self.used: set[tuple[str, int | None]] = set()

    def rows(self, pid: str, section: int | None = None) -> list[int]:
        key = (pid, section)
        self.used.add(key)
        return self.groups.get(key, [])

    def check_used(self) -> None:
        for key, rows in self.groups.items():
            if key not in self.used:
                raise self.cols.error(rows[0], f"section {key[1]} of page {key[0]!r} is missing")


def _build(cls: type, cols: _Columns, row: int, **more: Any) -> Any:
    kwargs = cols.kwargs(row, ("page_id", "position", "section"))
    kwargs.update(more)
    try:
        return cls(**kwargs)
    except (ValueError, TypeError) as exc:
        raise cols.error(row, f"invalid {cls.__name__}: {exc}") from None


def from_tables(
    tables: Mapping[str, Any],
    *,
    offsets: Mapping[str, int] | None = None,
    paths: Mapping[str, str] | None = None,
) -> list[Page]:
    """Rebuild the pages from tables made by :func:`to_tables` (or read from a dataset)."""
    for name in tables:
        if name not in SCHEMAS:
            raise ParseError(f"unknown table {name!r}; the tables are {', '.join(TABLES)}")
    for name in TABLES:
        if name != "errors" and name not in tables:
            raise ParseError(f"table {name!r} is missing", field=name)
    offsets = offsets or {}
    paths = paths or {}
    cols = {
        name: _Columns(
            name,
            _conform(name, tables[name], paths.get(name)),
            offsets.get(name, 0),
            paths.get(name),
        )
        for name in TABLES
        if name != "errors"
    }
    for c in cols.values():
        _required(c)
    pages = cols["pages"]
    kinds: dict[str, str] = {}
    for row, (pid, kind) in enumerate(zip(pages.data["page_id"], pages.data["kind"], strict=True)):
        if kind not in KIND_TABLE:
            raise pages.error(row, f"unknown kind {kind!r}", "kind")
        if pid in kinds:
            raise pages.error(row, f"page id {pid!r} is used twice", "page_id")
        kinds[pid] = kind
    own: dict[str, int] = {}  # page id -> its row in its kind's table
    for kind, name in KIND_TABLE.items():
        c = cols[name]
        for row, pid in enumerate(c.data["page_id"]):
            if kinds.get(pid) != kind:
                raise c.error(row, f"no {kind} page has id {pid!r}", "page_id")
            if pid in own:
                raise c.error(row, f"page {pid!r} has two rows", "page_id")
            own[pid] = row
    sources = _Children(cols["sources"], kinds, ("event",))
    related = _Children(cols["related"], kinds, ("event",))
    changes = _Children(cols["changes"], kinds, ("event",))
    sections = _Children(cols["sections"], kinds, ("front",))
    entries = _Children(cols["entries"], kinds, ("day", "front"))

    def entry_tuple(pid: str, section: int | None) -> tuple[Entry, ...]:
        ec = cols["entries"]
        return tuple(_build(Entry, ec, r) for r in entries.rows(pid, section))

    out: list[Page] = []
    for row, (pid, kind) in enumerate(zip(pages.data["page_id"], pages.data["kind"], strict=True)):
        if pid not in own:
            raise pages.error(row, f"page {pid!r} has no row in {KIND_TABLE[kind]!r}", "page_id")
        own_row = own[pid]
        page: Page
        if kind == "event":
            page = _build(
                Event,
                cols["events"],
                own_row,
                sources=tuple(_build(Source, cols["sources"], r) for r in sources.rows(pid)),
                related=tuple(_build(Related, cols["related"], r) for r in related.rows(pid)),
                changes=tuple(_build(Change, cols["changes"], r) for r in changes.rows(pid)),
            )
        elif kind == "day":
            page = _build(DayPage, cols["days"], own_row, entries=entry_tuple(pid, None))
        elif kind == "editorial":
            page = _build(Editorial, cols["editorials"], own_row)
        else:
            sc = cols["sections"]
            secs = tuple(
                _build(FrontSection, sc, r, entries=entry_tuple(pid, sc.data["position"][r]))
                for r in sections.rows(pid)
            )
            page = _build(FrontPage, cols["fronts"], own_row, sections=secs)
        out.append(page)
    entries.check_used()
    return out


# ------------------------------------------------------------------ Parquet datasets

PART = "part-{:06d}-{:04d}.parquet"  # writer (a Dask partition, 0 otherwise), file
BATCHES_PER_FILE = 100
# Statistics (min and max per row group) only where a filter would use them: a footer
# holding them for every text column grows with the number of row groups.
STATISTICS = [
    "page_id",
    "kind",
    "position",
    "section",
    "date",
    "timestamp",
    "language",
    "category",
    "label",
    "prefix",
    "formats",
    "rule",
    "error",
]
# Dictionary encoding where values repeat (ids of child rows, labels, related links and
# titles, outlets); long or unique text (bodies, summaries) is written plain, which is
# as small and saves building a dictionary that would be dropped.
DICTIONARY = [
    "page_id",
    "kind",
    "language",
    "category",
    "label",
    "prefix",
    "error",
    "context",
    "url",
    "title",
    "name",
]


def table_dir(directory: PathLike, name: str) -> str:
    """The folder of one table inside a dataset."""
    return os.path.join(os.fspath(directory), name)


def prepare(directory: PathLike) -> None:
    """Create the dataset's folders; refuse a directory that already holds part files."""
    for name in TABLES:
        folder = table_dir(directory, name)
        if os.path.isdir(folder):
            taken = sorted(f for f in os.listdir(folder) if _is_part(f))
            if taken:
                raise FileExistsError(
                    f"{os.path.join(folder, taken[0])} exists: write a dataset to a new "
                    "or empty directory"
                )
    for name in TABLES:
        folder = table_dir(directory, name)
        os.makedirs(folder, exist_ok=True)
        remove_stale(folder)  # left by a run that was killed


def _is_part(name: str) -> bool:
    return name.endswith(".parquet") and not name.startswith(".")


class DatasetWriter:
    """Part files for every table, one row group per batch, a new file every so many batches.

    Each file's footer lists its row groups and is kept in memory until the file is
    closed, so a file holds at most :data:`BATCHES_PER_FILE` batches. Files are written
    under temporary names (which no reader of ``*.parquet`` sees) and renamed into place
    by :meth:`commit`; :meth:`discard` removes them.
    """

    def __init__(
        self, directory: PathLike, part: int = 0, batches_per_file: int = BATCHES_PER_FILE
    ) -> None:
        self.directory = directory
        self.part = part
        self.batches_per_file = batches_per_file
        self.files = 0
        self.batches = 0
        self.writers: dict[str, pq.ParquetWriter] = {}
        self.pending: list[tuple[str, str]] = []  # (temporary, final) paths

    def _open(self) -> None:
        name = PART.format(self.part, self.files)
        self.files += 1
        for table, schema in SCHEMAS.items():
            final = os.path.join(table_dir(self.directory, table), name)
            temp = temp_path(final)
            self.pending.append((temp, final))
            self.writers[table] = pq.ParquetWriter(
                temp,
                schema,
                compression="snappy",  # pyarrow's default: faster to write than zstd
                write_statistics=STATISTICS,
                use_dictionary=DICTIONARY,  # type: ignore[arg-type]  # (a list is taken)
            )

    def write(self, tables: Mapping[str, pa.Table]) -> None:
        if self.batches == self.batches_per_file:
            self._close()
        if not self.writers:
            self._open()
        for name, writer in self.writers.items():
            table = tables[name]
            writer.write_table(table, row_group_size=max(1, table.num_rows))
        self.batches += 1

    def _close(self) -> None:
        writers, self.writers, self.batches = self.writers, {}, 0
        for writer in writers.values():
            writer.close()

    def commit(self) -> None:
        """Close the files, force them to disk and give them their names."""
        self._close()
        for temp, _final in self.pending:
            with open(temp, "rb") as fh:
                os.fsync(fh.fileno())
        for temp, final in self.pending:
            os.replace(temp, final)
        for name in TABLES:
            sync_folder(table_dir(self.directory, name))
        self.pending = []

    def discard(self) -> None:
        """Remove every file written so far; nothing of this writer stays."""
        writers, self.writers, self.batches = self.writers, {}, 0
        for writer in writers.values():
            with contextlib.suppress(Exception):  # the file goes anyway
                writer.close()
        for temp, _final in self.pending:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        self.pending = []


def write_dataset(
    items: Iterable[Item],
    directory: PathLike,
    *,
    root: PathLike | None = None,
    batch_size: int = 1000,
    on_error: Callable[[Loaded], None] | None = None,
    part: int = 0,
    check: bool = True,
    batches_per_file: int = BATCHES_PER_FILE,
) -> int:
    """Write pages and results to a Parquet dataset, one batch at a time; return the pages."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    if check:
        prepare(directory)
    writer = DatasetWriter(directory, part, batches_per_file)
    written = batches = 0
    ids = _PathIds(root)
    try:
        builder = TableBuilder(root, path_ids=ids)
        count = 0
        for item in items:
            builder.add(item)
            count += 1
            if on_error is not None and isinstance(item, Loaded) and item.page is None:
                on_error(item)
            if count == batch_size:
                writer.write(builder.tables())
                written += builder.pages
                batches += 1
                builder = TableBuilder(root, path_ids=ids)
                count = 0
        if count or not batches:  # every table gets a file, even an empty one
            writer.write(builder.tables())
            written += builder.pages
        writer.commit()
    except BaseException:
        writer.discard()
        raise
    return written


def write_batches(
    batches: Iterable[Mapping[str, pa.Table]],
    directory: PathLike,
    *,
    batch_size: int = 1000,
) -> int:
    """Write tables already built (by worker processes) as a dataset; return the pages.

    Consecutive tables are joined until they hold ``batch_size`` pages, then written as
    one row group each; their page ids must not repeat (distinct files under one root).
    """
    prepare(directory)
    writer = DatasetWriter(directory)
    pending: list[Mapping[str, pa.Table]] = []
    count = written = batches_done = 0
    try:
        for tables in batches:
            pending.append(tables)
            count += tables["pages"].num_rows
            if count >= batch_size:
                writer.write(_joined(pending))
                written, batches_done = written + count, batches_done + 1
                pending, count = [], 0
        if pending or not batches_done:
            writer.write(_joined(pending))
            written += count
        writer.commit()
    except BaseException:
        writer.discard()
        raise
    return written


def _joined(parts: Sequence[Mapping[str, pa.Table]]) -> dict[str, pa.Table]:
    return {
        name: pa.concat_tables([p[name] for p in parts]) if parts else schema.empty_table()
        for name, schema in SCHEMAS.items()
    }


def part_files(directory: PathLike, name: str) -> list[str]:
    """The part files of one table, in order."""
    folder = table_dir(directory, name)
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"{folder}: no such table folder (not a newsevent dataset?)")
    return [os.path.join(folder, f) for f in sorted(os.listdir(folder)) if _is_part(f)]


def read_tables(directory: PathLike) -> dict[str, pa.Table]:
    """Every table of a dataset, whole, its part files in order."""
    out = {}
    for name, schema in SCHEMAS.items():
        parts = [pq.read_table(f) for f in part_files(directory, name)]
        out[name] = pa.concat_tables(parts) if parts else schema.empty_table()
    return out


def _read_group(reader: pq.ParquetFile, group: int) -> pa.Table:
    return reader.read_row_group(group, use_threads=False)


def read_dataset(directory: PathLike) -> Iterator[Page]:
    """Yield the pages of a dataset in order, one written batch (row group) at a time."""
    files = {name: part_files(directory, name) for name in TABLES if name != "errors"}
    names = [os.path.basename(f) for f in files["pages"]]
    for name, found in files.items():
        if [os.path.basename(f) for f in found] != names:
            folder = table_dir(directory, name)
            msg = f"the part files of {name!r} are not those of 'pages' ({', '.join(names)})"
            raise ParseError(msg, path=folder, field=name)
    for k in range(len(names)):
        readers = {
            name: pq.ParquetFile(found[k], pre_buffer=False) for name, found in files.items()
        }
        groups = readers["pages"].num_row_groups
        for name, reader in readers.items():
            if reader.num_row_groups != groups:
                msg = (
                    f"{reader.num_row_groups} row groups where 'pages' has {groups}: "
                    "not written by newsevent (read it with from_tables(read_tables(…)))"
                )
                raise ParseError(msg, path=files[name][k], field=name)
        offsets = dict.fromkeys(readers, 0)
        paths = {name: p[k] for name, p in files.items()}
        for g in range(groups):
            tables = {name: _read_group(reader, g) for name, reader in readers.items()}
            yield from from_tables(tables, offsets=offsets, paths=paths)
            for name, table in tables.items():
                offsets[name] += table.num_rows
