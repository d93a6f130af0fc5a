"""Lazy iteration over files and directory trees: one result per file, errors included."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

import attrs

from ._api import FORMATS, load
from ._errors import ParseError
from ._model import Page

SUFFIXES: frozenset[str] = frozenset(s for f in FORMATS.values() for s in f.suffixes)


@attrs.frozen(kw_only=True)
class Loaded:
    """What :func:`iter_load` yields for one file: the page, or why there is none."""

    path: str
    """The file's path, as found (joined onto the directory it was found under)."""
    page: Page | None = None
    error: ParseError | OSError | None = None

    @property
    def ok(self) -> bool:
        """True when the file was read."""
        return self.error is None


def iter_files(
    sources: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    suffixes: Iterable[str] = SUFFIXES,
) -> Iterator[str]:
    """Yield the files under ``sources`` (files as given; directories walked, sorted).

    Inside directories only files with one of ``suffixes`` are yielded; a file named
    directly is always yielded. Nothing is read, and only one directory listing is
    held at a time per level.
    """
    wanted = frozenset(s.lower() for s in suffixes)
    if isinstance(sources, (str, os.PathLike)):
        sources = [sources]
    for source in sources:
        path = os.fspath(source)
        if os.path.isdir(path):
            yield from _walk(path, wanted)
        else:
            yield path


def _walk(top: str, wanted: frozenset[str]) -> Iterator[str]:
    try:
        with os.scandir(top) as it:
            names = sorted((e.name, e.is_dir(follow_symlinks=False)) for e in it)
    except OSError:
        return
    for name, is_dir in names:
        path = os.path.join(top, name)
        if is_dir:
            yield from _walk(path, wanted)
        elif os.path.splitext(name)[1].lower() in wanted:
            yield path


def iter_load(
    sources: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    format: str | None = None,
    suffixes: Iterable[str] = SUFFIXES,
) -> Iterator[Loaded]:
    """Read every file under ``sources`` lazily, one :class:`Loaded` per file.

    A file that cannot be read or parsed yields a result carrying its error
    (a :class:`ParseError` naming the path, or the :class:`OSError`); the
    iteration goes on. Nothing is kept between files, so memory stays flat
    however large the archive. ``format`` forces one format for every file;
    by default each file's suffix decides, as for :func:`newsevent.load`.
    """
    for path in iter_files(sources, suffixes=suffixes):
        try:
            yield Loaded(path=path, page=load(path, format))
        except (ParseError, OSError) as exc:
            yield Loaded(path=path, error=exc)
