"""Atomic file writing: a temporary file beside the target, renamed over it when complete.

A reader of the target sees the old file or the complete new one, never a part. The
temporary file is named ``.NAME.tmp-PID-XXXXXXXX`` (PID: the writing process), is removed
when writing fails or the process is interrupted, and can only be left behind by a process
killed outright (``kill -9``, power loss); :func:`remove_stale` removes those. A folder
built whole before it is renamed into place (an imported day's) is named the same way.
"""

from __future__ import annotations

import errno
import os
import random
import re
import shutil
import stat
from collections.abc import Callable

_TEMP = re.compile(r"\A\.(.*)\.tmp-(\d+)-[0-9a-f]{8}\Z", re.DOTALL)
_BUFFER = 1 << 20


def _short(name: str) -> str:
    # Leave room for the decoration within the usual 255-byte limit on a name.
    if len(name) <= 50:
        return name
    raw = os.fsencode(name)
    return name if len(raw) <= 200 else os.fsdecode(raw[:200])


def temp_path(target: str) -> str:
    """A fresh temporary path in ``target``'s folder, recognisable as this process's."""
    folder, name = os.path.split(target)
    # (random is reseeded in a forked child; a name taken already is retried by the caller)
    tag = f".{_short(name)}.tmp-{os.getpid()}-{random.getrandbits(32):08x}"
    return os.path.join(folder, tag)


class AtomicWriter:
    """Collects bytes in a temporary file; :meth:`commit` renames it over the target.

    ``durable`` forces the data and the rename to disk (``fsync``), so that even a power
    loss leaves the old file or the new one. A target that exists and is not a regular
    file (a named pipe, a device) has nothing to rename over and is written directly, and
    so is any path under ``/dev`` or ``/proc`` (``/dev/stdout``).
    Until :meth:`commit` returns, :meth:`discard` (or leaving the ``with`` block) removes
    the temporary file and leaves the target as it was.
    """

    def __init__(self, target: str | os.PathLike[str], *, durable: bool = True) -> None:
        path = os.fspath(target)
        self.durable = durable
        self.temp: str | None = None
        self._fd = -1
        self._pending: list[bytes] = []
        self._size = 0
        self._done = False
        if os.name == "posix" and os.path.abspath(path).startswith(("/dev/", "/proc/")):
            # /dev/stdout and the like name a stream, not a file to replace.
            self.target = path
            flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC
            self._fd = os.open(path, flags, 0o666)
            return
        st = _stat(os.lstat, path)
        if st is not None and stat.S_ISLNK(st.st_mode):
            # Through a symbolic link the linked file is replaced, as open(path, "w") would.
            path = os.path.realpath(path)
            st = _stat(os.stat, path)
        if st is not None and stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
        self.target = path
        if st is not None and not stat.S_ISREG(st.st_mode):
            self._fd = os.open(path, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
            return
        mode = None if st is None else stat.S_IMODE(st.st_mode)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
        for attempt in range(8):
            self.temp = temp_path(path)
            try:
                self._fd = os.open(self.temp, flags, 0o666)
                if mode is not None and hasattr(os, "fchmod"):
                    os.fchmod(self._fd, mode)
                break
            except FileExistsError:
                self.temp = None  # someone else's: never removed here
                if attempt == 7:
                    raise
            except BaseException:
                self._close()
                self._unlink()
                raise

    def __enter__(self) -> AtomicWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()

    def write(self, data: bytes) -> None:
        """Add ``data`` to the file."""
        self._pending.append(data)
        self._size += len(data)
        if self._size >= _BUFFER:
            self._flush()

    def _flush(self) -> None:
        data = b"".join(self._pending)
        self._pending.clear()
        self._size = 0
        view = memoryview(data)
        while view:
            view = view[os.write(self._fd, view) :]

    def commit(self) -> None:
        """Finish the file and put it in place of the target."""
        if self._done:
            return
        try:
            self._flush()
            if self.durable and self.temp is not None:
                os.fsync(self._fd)
            fd, self._fd = self._fd, -1
            os.close(fd)
            if self.temp is not None:
                os.replace(self.temp, self.target)
                self.temp = None
                if self.durable:
                    _sync_folder(os.path.dirname(self.target) or ".")
        except BaseException:
            self.discard()
            raise
        self._done = True

    def discard(self) -> None:
        """Remove the temporary file; the target stays as it was (no-op after commit)."""
        if self._done:
            return
        self._done = True
        self._pending.clear()
        self._close()
        self._unlink()

    def _close(self) -> None:
        if self._fd >= 0:
            fd, self._fd = self._fd, -1
            try:
                os.close(fd)
            except OSError:
                pass

    def _unlink(self) -> None:
        if self.temp is not None:
            temp, self.temp = self.temp, None
            try:
                os.unlink(temp)
            except OSError:
                pass


def _stat(how: Callable[[str], os.stat_result], path: str) -> os.stat_result | None:
    try:
        return how(path)
    except (FileNotFoundError, NotADirectoryError):
        return None


def _sync_folder(folder: str) -> None:
    # Makes the rename itself durable; not every system can open or sync a folder.
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_bytes(target: str | os.PathLike[str], data: bytes, *, durable: bool = True) -> None:
    """Replace ``target`` with ``data`` atomically."""
    with AtomicWriter(target, durable=durable) as writer:
        writer.write(data)
        writer.commit()


def _alive(pid: int) -> bool:
    if pid == os.getpid() or os.name != "posix":
        return True  # (os.kill(pid, 0) is no probe on Windows)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    try:  # a killed process that nobody has reaped yet is no writer
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rpartition(b")")[2].split()[:1] not in ([b"Z"], [b"X"])
    except OSError:
        return True


def is_temp(name: str) -> bool:
    """Whether ``name`` is a temporary file's (or folder's) name of :mod:`newsevent`."""
    return _TEMP.match(name) is not None


def remove_stale(folder: str, name: str | None = None) -> list[str]:
    """Remove temporary files in ``folder`` left by processes that no longer run, and
    temporary folders (the import builds a new day's folder in one).

    With ``name``, only those of the target ``name``. Returns the removed paths.
    """
    removed: list[str] = []
    try:
        entries = os.scandir(folder)
    except OSError:
        return removed
    prefix = None if name is None else f".{_short(name)}.tmp-"
    with entries:
        for entry in entries:
            m = _TEMP.match(entry.name)
            if m is None or (prefix is not None and not entry.name.startswith(prefix)):
                continue
            try:
                if _alive(int(m.group(2))):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path)
                elif entry.is_file(follow_symlinks=False):
                    os.unlink(entry.path)
                else:
                    continue
            except OSError:
                continue
            removed.append(entry.path)
    return removed
