"""Lazy iteration over files and directory trees: one result per file, errors included."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Collection, Iterable, Iterator
from typing import IO, NamedTuple

import attrs

from ._api import FORMATS, load
from ._atomic import is_temp
from ._errors import ParseError
from ._model import Page

SUFFIXES: frozenset[str] = frozenset(s for f in FORMATS.values() for s in f.suffixes)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)

Sources = str | os.PathLike[str] | Iterable[str | os.PathLike[str]]


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


class Skipped(OSError):
    """A path left alone on purpose: a special file, or a link to a folder."""

    def __str__(self) -> str:
        return f"{self.filename}: skipped: {self.strerror}"


def kind(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    return "not a regular file"


def _skipped(path: str, why: str) -> Skipped:
    return Skipped(None, why, path)


class Problem(NamedTuple):
    """A path found in a walk that will not be read, and why."""

    path: str
    error: OSError


def scan(
    sources: Sources,
    suffixes: Iterable[str] = SUFFIXES,
    exclude: Collection[tuple[int, int]] = (),
) -> Iterator[str | Problem]:
    """The files to read under ``sources``, and a :class:`Problem` for each path that is not.

    Never opens a file. Inside directories only regular files with a wanted suffix are
    taken (links to them included); special files and links to directories are
    :class:`Skipped`, a directory that cannot be listed is a problem, and a file or folder
    whose ``(st_dev, st_ino)`` is in ``exclude`` (the output of a run) is passed over. A path
    named in ``sources`` is yielded unless it is a special file; a directory named there is
    walked even when excluded.
    """
    wanted = frozenset(s.lower() for s in suffixes)
    inodes = frozenset(ino for _dev, ino in exclude)
    if isinstance(sources, (str, os.PathLike)):
        sources = [sources]
    for source in sources:
        path = os.fspath(source)
        try:
            mode = os.stat(path).st_mode
        except OSError:
            yield path  # reading it reports why (missing, permission, link loop)
            continue
        if stat.S_ISDIR(mode):
            yield from _walk(path, wanted, exclude, inodes)
        elif stat.S_ISREG(mode):
            yield path
        else:
            yield Problem(path, _skipped(path, f"{kind(mode)}, not a regular file"))


def _excluded(entry: os.DirEntry[str], exclude: Collection[tuple[int, int]]) -> bool:
    st = entry.stat(follow_symlinks=False)
    return (st.st_dev, st.st_ino) in exclude


def _walk(
    top: str,
    wanted: frozenset[str],
    exclude: Collection[tuple[int, int]],
    inodes: frozenset[int],
) -> Iterator[str | Problem]:
    try:
        with os.scandir(top) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        why = f"cannot read directory ({exc.strerror or exc})"
        yield Problem(top, OSError(exc.errno, why, top))
        return
    for entry in entries:
        path = entry.path
        try:
            if inodes and entry.inode() in inodes and _excluded(entry, exclude):
                continue
            if entry.is_dir(follow_symlinks=False):
                if not is_temp(entry.name):  # (a folder being built, or left half-built)
                    yield from _walk(path, wanted, exclude, inodes)
                continue
            page = os.path.splitext(entry.name)[1].lower() in wanted
            if entry.is_file(follow_symlinks=False):
                if page:
                    yield path
            elif entry.is_symlink():
                verdict = _link(path, top, exclude)
                if isinstance(verdict, Problem):
                    yield verdict
                elif verdict and page:
                    yield path
            else:
                mode = entry.stat(follow_symlinks=False).st_mode
                yield Problem(path, _skipped(path, f"{kind(mode)}, not a regular file"))
        except OSError as exc:
            yield Problem(path, exc)


def _link(path: str, folder: str, exclude: Collection[tuple[int, int]]) -> Problem | bool:
    """Whether the symbolic link ``path`` may be read, or why it is skipped."""
    try:
        st = os.stat(path)
    except OSError:
        return True  # dangling or looping: reading it reports which
    if stat.S_ISDIR(st.st_mode):
        # Links to folders are not followed: a walk never loops or reads a tree twice.
        here = os.path.realpath(folder)
        there = os.path.realpath(path)
        loop = here == there or here.startswith(there.rstrip(os.sep) + os.sep)
        why = "symbolic link loop" if loop else "symbolic link to a directory"
        return Problem(path, _skipped(path, f"{why}, not followed"))
    if (st.st_dev, st.st_ino) in exclude:
        return False
    if not stat.S_ISREG(st.st_mode):
        return Problem(path, _skipped(path, f"link to {kind(st.st_mode)}, not a regular file"))
    return True


def open_regular(path: str) -> IO[bytes]:
    """Open ``path`` for reading, refusing anything but a regular file.

    Opening does not wait (a named pipe put in the file's place since it was found does
    not hang the reader) and nothing is read from a file that is not regular.
    """
    fh = open(path, "rb", opener=lambda p, flags: os.open(p, flags | _NONBLOCK))
    try:
        mode = os.fstat(fh.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise _skipped(path, f"{kind(mode)}, not a regular file")
    except BaseException:
        fh.close()
        raise
    return fh


def load_regular(path: str, format: str | None = None) -> Page:
    """:func:`newsevent.load` of a path, through :func:`open_regular`."""
    with open_regular(path) as fh:
        return load(fh, format)


def iter_files(
    sources: Sources,
    *,
    suffixes: Iterable[str] = SUFFIXES,
    onerror: Callable[[OSError], object] | None = None,
) -> Iterator[str]:
    """Yield the files under ``sources`` (files as given; directories walked, sorted).

    Inside directories only regular files with one of ``suffixes`` are yielded (links
    to them included); special files (named pipes, sockets, devices) and links to
    directories are never opened or followed, and a directory that cannot be listed is
    passed over. A file named directly is always yielded unless it is a special file.
    Each path left out for one of these reasons is handed to ``onerror`` as an
    :class:`OSError` naming it, when given. Nothing is read, and only one directory
    listing is held at a time per level.
    """
    for item in scan(sources, suffixes):
        if isinstance(item, Problem):
            if onerror is not None:
                onerror(item.error)
        else:
            yield item


def iter_load(
    sources: Sources,
    *,
    format: str | None = None,
    suffixes: Iterable[str] = SUFFIXES,
) -> Iterator[Loaded]:
    """Read every file under ``sources`` lazily, one :class:`Loaded` per file.

    A file that cannot be read or parsed yields a result carrying its error
    (a :class:`ParseError` naming the path, or the :class:`OSError`); the
    iteration goes on. So does a directory that cannot be listed, and a special
    file or a link to a directory, which are reported without being opened or
    followed. Nothing is kept between files, so memory stays flat however large
    the archive. ``format`` forces one format for every file; by default each
    file's suffix decides, as for :func:`newsevent.load`.
    """
    for item in scan(sources, suffixes):
        if isinstance(item, Problem):
            yield Loaded(path=item.path, error=item.error)
            continue
        try:
            yield Loaded(path=item, page=load_regular(item, format))
        except (ParseError, OSError) as exc:
            yield Loaded(path=item, error=exc)
