"""What the commands of the command line share: stopping on signals, worker processes,
progress, and the checks of sources and outputs made before any work is done."""

from __future__ import annotations

import argparse
import collections
import datetime as _dt
import itertools
import os
import signal
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from multiprocessing import get_all_start_methods, get_context
from multiprocessing.connection import Connection, wait
from typing import IO, Any, TypeVar

from ._atomic import remove_stale, temp_path
from ._errors import ParseError
from ._stream import Skipped, kind

T = TypeVar("T")
R = TypeVar("R")
_SIGNALS = [getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n)]


def why(exc: OSError) -> str:
    """An OSError's cause in words ("No space left on device")."""
    return exc.strerror or str(exc)


def error_text(exc: BaseException, path: str) -> str:
    """The one-line message for ``exc`` met reading ``path``: ``path:line:col: message``."""
    if isinstance(exc, ParseError):
        return str(exc if exc.path else exc.with_path(path))
    if isinstance(exc, Skipped):
        return str(exc)
    if isinstance(exc, OSError):
        where = exc.filename if isinstance(exc.filename, str) and exc.filename else path
        return f"{where}: {why(exc)}"
    return f"{path}: {exc}"


class Stop(BaseException):
    """A signal asking the command to stop (SIGINT arrives as KeyboardInterrupt)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class Hold:
    """``with Hold():`` while a result is written out and counted: a stop signal waits
    until both are done, so that the summary counts exactly what was written. It is
    acted on when the outermost such block ends without an exception."""

    depth = 0
    pending: int | None = None

    def __enter__(self) -> None:
        Hold.depth += 1

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        Hold.depth -= 1
        if kind is None:
            _release()


def _raise_stop(signum: int, _frame: object) -> None:
    if Hold.depth:
        Hold.pending = signum
        return
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise Stop(signum)


def _release() -> None:
    """Act on a stop signal that came while held."""
    signum, Hold.pending = Hold.pending, None
    if signum is not None:
        _raise_stop(signum, None)


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP unwind like Ctrl-C, so temporary files are removed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {s: signal.getsignal(s) for s in _SIGNALS}
    for s in _SIGNALS:
        signal.signal(s, _raise_stop)
    try:
        yield
    finally:
        for s, handler in old.items():
            signal.signal(s, handler if handler is not None else signal.SIG_DFL)


def ignore_signals() -> None:
    """Once the command is stopping, a second Ctrl-C must not cut the cleanup short."""
    if threading.current_thread() is threading.main_thread():
        for s in _SIGNALS:
            signal.signal(s, signal.SIG_IGN)


def stop_status(exc: BaseException) -> int:
    """The exit status of a run stopped by ``exc``: 128 + the signal's number."""
    return 128 + (exc.signum if isinstance(exc, Stop) else signal.SIGINT)


class WorkerDied(Exception):
    """A worker process ended without being asked to: the run stops."""


_NUDGE = 0.5  # seconds a stopping worker has to finish the page in hand


class WorkerState:
    """The state of a worker process (class attributes: one per process)."""

    idle = True  # waiting for work: SIGTERM may end the process at once
    stopping = False  # asked to stop: finish the current page, report, then end
    asked = 0.0  # when it was asked to stop


def _worker_stop(_signum: int, _frame: object) -> None:
    now = time.monotonic()
    if WorkerState.stopping and now - WorkerState.asked < _NUDGE / 2:
        # Sent to the whole process group (as a service manager stops a service), a
        # SIGTERM reaches a worker twice at once: from there and from the main process.
        # Only the main process's nudge, half a second on, interrupts the page in hand.
        return
    if WorkerState.idle or WorkerState.stopping:
        raise SystemExit(128 + signal.SIGTERM)  # unwinds: a temporary file being written goes
    WorkerState.stopping = True
    WorkerState.asked = now


def each(tasks: Iterable[T], one: Callable[[T], R], stops: Callable[[R], bool]) -> Iterator[R]:
    """``one(task)`` for each task in turn, up to the first result that ``stops`` the run
    (an output that cannot be written), or the first after the worker was asked to stop
    (:attr:`WorkerState.stopping`: never so in the main process)."""
    for task in tasks:
        result = one(task)
        yield result
        if stops(result) or WorkerState.stopping:
            return


def _serve(
    conn: Connection,
    inherited: list[Connection],
    work: Callable[[Any], list[Any]],
    start: Callable[[], object] | None,
) -> None:
    """A worker process: hand each chunk the main process sends to ``work`` and send back
    its results, until told to stop. ``start`` runs once, first.

    ``work`` ends a chunk early when :attr:`WorkerState.stopping` is set (SIGTERM from the
    main process) and after a result that must stop the run (an output that cannot be
    written).
    """
    for other in inherited:
        other.close()  # so that each worker sees end-of-file when the main process is gone
    for s in _SIGNALS:  # the main process decides when to stop, and says so with SIGTERM
        signal.signal(s, _worker_stop if s == signal.SIGTERM else signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _SIGNALS)
    if start is not None:
        start()
    try:
        while not WorkerState.stopping:
            WorkerState.idle = True
            job = conn.recv()
            WorkerState.idle = False
            if job is None:
                return
            index, tasks = job
            conn.send((index, work(tasks)))
    except (EOFError, OSError):
        return  # the main process is gone


class Workers:
    """Worker processes running ``work`` on chunks of tasks (see :func:`_serve`); results
    come back in task order.

    A worker that dies makes the run stop with an error rather than wait for it. When the
    run stops early, each worker finishes the task in hand and reports it before it ends.
    """

    def __init__(
        self,
        jobs: int,
        work: Callable[[Any], list[Any]],
        start: Callable[[], object] | None = None,
    ) -> None:
        fork = "fork" in get_all_start_methods()
        ctx = get_context("fork") if fork else get_context("spawn")
        pipes = [ctx.Pipe() for _ in range(jobs)]
        self.conns = [mine for mine, _ in pipes]
        self.procs: list[Any] = []
        self.ready: dict[int, list[Any]] = {}  # chunks received, not yet handed on
        self.busy: dict[Connection, collections.deque[int]] = {
            c: collections.deque() for c in self.conns
        }
        masked = hasattr(signal, "pthread_sigmask")
        if masked:  # a signal before a worker set its handlers would kill it untidily
            old = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
        try:
            try:
                for _, theirs in pipes:
                    # A forked worker holds copies of every pipe end; it closes all but its own.
                    inherited = [c for p in pipes for c in p if c is not theirs] if fork else []
                    args = (theirs, inherited, work, start)
                    proc = ctx.Process(target=_serve, args=args, daemon=True)
                    proc.start()
                    self.procs.append(proc)
            finally:
                for _, theirs in pipes:
                    theirs.close()
                if masked:  # a signal that came meanwhile is raised here
                    signal.pthread_sigmask(signal.SIG_SETMASK, old)
        except BaseException:
            self.stop(early=True)
            raise

    def _receive(self, conn: Connection) -> None:
        with Hold():  # (a chunk received is kept, not lost to a Ctrl-C on its way)
            index, results = conn.recv()
            self.busy[conn].remove(index)
            self.ready[index] = results

    def map(self, tasks: Iterable[Any], chunk: int, alike: bool = False) -> Iterator[Any]:
        """Run ``tasks`` in chunks of ``chunk``, taken from it as workers need them;
        yield the results in task order.

        ``alike``: the tasks differ only in their source; a chunk travels as its first task
        and the sources, not as a task per page to pickle and unpickle.
        """
        source = iter(tasks)
        sent = given = 0
        more = True
        window = 4 * len(self.conns)  # chunks in flight or waiting: memory stays bounded

        def feed(conn: Connection, most: int = 2) -> None:
            nonlocal sent, more
            while more and len(self.busy[conn]) < most and sent - given < window:
                # Small chunks first, so that every worker starts at once.
                part = list(itertools.islice(source, min(chunk, 4 << sent)))
                if not part:
                    more = False
                    return
                conn.send((sent, (part[0], [t.source for t in part]) if alike else part))
                self.busy[conn].append(sent)
                sent += 1

        for conn in self.conns:
            feed(conn, 1)  # one chunk each to begin with: results come back the sooner
        procs = dict(zip(self.conns, self.procs, strict=True))
        sentinels = {p.sentinel: c for c, p in procs.items()}
        while more or given < sent:
            if given in self.ready:
                # A stop signal waits while a chunk is handed on and counted (the consumer
                # counts each result before it asks for the next), so that no result is
                # lost between the two.
                with Hold():
                    results = self.ready.pop(given)
                    given += 1
                    yield from results
                for conn in self.conns:
                    feed(conn)
                continue
            for obj in wait([*self.conns, *sentinels]):
                conn = obj if isinstance(obj, Connection) else sentinels[obj]
                try:
                    while conn.poll():  # what a worker sent before it ended still counts
                        self._receive(conn)
                except (EOFError, OSError):  # (a connection reset by a killed worker)
                    pass
                if not isinstance(obj, Connection) or not procs[conn].is_alive():
                    procs[conn].join(1.0)
                    code = procs[conn].exitcode
                    how = f"signal {-code}" if code is not None and code < 0 else f"status {code}"
                    raise WorkerDied(f"a worker process ended unexpectedly ({how})")
                feed(conn)

    def stop(self, early: bool = False) -> list[Any]:
        """End the workers; return what they did that :meth:`map` has not handed on.

        ``early``: the run is cut short; each worker finishes the page in hand (a second
        SIGTERM after half a second interrupts it, SIGKILL ends it after a second).
        """
        for conn, proc in zip(self.conns, self.procs, strict=False):
            try:
                if early:
                    proc.terminate()
                else:
                    conn.send(None)
            except OSError:
                proc.terminate()
        start = time.monotonic()
        live = {p.sentinel: (c, p) for c, p in zip(self.conns, self.procs, strict=False)}
        nudged = False
        while live:
            spent = time.monotonic() - start
            if spent >= _NUDGE and not nudged:
                nudged = True
                for _, proc in live.values():
                    proc.terminate()
            if spent >= 1.0:
                for _, proc in live.values():
                    proc.kill()
            for obj in wait([*live, *(c for c, _ in live.values())], timeout=0.1):
                if isinstance(obj, Connection):
                    try:
                        while obj.poll():
                            self._receive(obj)
                    except (EOFError, OSError):
                        pass
                elif obj in live:
                    conn, proc = live.pop(obj)
                    proc.join()
                    try:
                        while conn.poll():
                            self._receive(conn)
                    except (EOFError, OSError):
                        pass
        for conn in self.conns:
            conn.close()
        late = [r for index in sorted(self.ready) for r in self.ready[index]]
        self.ready.clear()
        return late


class Progress:
    """A one-line progress bar on a terminal; silent otherwise."""

    def __init__(self, mode: str, stream: IO[str], total: int) -> None:
        self.stream = stream
        self.total = total
        self.on = total > 1 and self.wanted(mode, stream)
        self.last = 0.0

    @staticmethod
    def wanted(mode: str, stream: IO[str]) -> bool:
        # auto: only for a person watching a terminal, never when output is piped.
        return mode == "always" or (mode == "auto" and stream.isatty() and sys.stdout.isatty())

    def update(self, done: int, failed: int) -> None:
        now = time.monotonic()
        if not self.on or (now - self.last < 0.1 and done != self.total):
            return
        self.last = now
        width = 30
        bar = "#" * (width * done // self.total)
        tail = f", {failed} failed" if failed else ""
        self.stream.write(f"\r[{bar:.<{width}}] {done}/{self.total}{tail}")
        self.stream.flush()

    def message(self, text: str) -> None:
        if self.on:
            self.stream.write("\r\x1b[K")
        print(text, file=self.stream)

    def close(self) -> None:
        if self.on:
            self.stream.write("\n")
            self.stream.flush()


def say(text: str) -> None:
    """Print ``newsevent: text`` on standard error."""
    print(f"newsevent: {text}", file=sys.stderr)


class Usage(Exception):
    """Arguments that do not go together: a usage error (exit 2)."""


class Unwritable(Exception):
    """An output that cannot be written (its message says where and why): the run stops."""


def exclude(path: str) -> set[tuple[int, int]]:
    """``(st_dev, st_ino)`` of ``path`` when it exists: an output no walk reads as input."""
    try:
        st = os.stat(path)
    except OSError:
        return set()
    return {(st.st_dev, st.st_ino)}


def prepare_dir(out: str) -> None:
    """Create the output folder and prove it takes a file, before any work is done."""
    make_folder(out, "output directory")
    if not os.path.isdir(out):
        raise Usage(f"output {out!r} is a file; several inputs need an output directory")
    probe = temp_path(os.path.join(out, "probe"))
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        os.unlink(probe)
    except OSError as exc:
        raise Unwritable(f"cannot write to output directory {out}: {why(exc)}") from None
    remove_stale(out)


def check_sources(sources: list[str]) -> list[str]:
    """Why named sources cannot be read: missing, or special files (which may block)."""
    errors = []
    for s in sources:
        try:
            mode = os.stat(s).st_mode
        except FileNotFoundError:
            errors.append(f"{s}: no such file or directory")
            continue
        except OSError as exc:
            errors.append(f"{s}: {why(exc)}")
            continue
        if not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
            errors.append(
                f"{s}: {kind(mode)}, not a regular file; refused "
                "(read standard input with '-' instead)"
            )
    return errors


def parse_day(value: str, parser: argparse.ArgumentParser, what: str) -> _dt.date:
    """The date ``value`` (``YYYY-MM-DD``) of the option ``what``; a usage error if not."""
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        parser.error(f"{what} must be a date YYYY-MM-DD, not {value!r}")


def cannot_write(exc: OSError, path: str) -> Unwritable:
    """The error that stops the run when ``path`` cannot be written (or read, to compare);
    it names ``path``, never the temporary file that stood for it."""
    return Unwritable(f"cannot write {path}: {exc.strerror or exc}")


def make_folder(folder: str, what: str = "directory") -> None:
    """Create ``folder`` and its parents (nothing when it exists); :class:`Unwritable`
    names it as ``what`` when it cannot be made."""
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as exc:
        raise _not_made(exc, folder, what) from None


def ready_folder(folder: str, seen: set[str]) -> None:
    """Create ``folder`` to write in, or, when it exists, remove the temporary files and
    folders that processes killed outright left there: once for each folder not in
    ``seen`` (the run's), which it joins. :class:`Unwritable` when it cannot be made."""
    if folder in seen:
        return
    try:
        os.makedirs(folder)
    except FileExistsError:
        remove_stale(folder)
    except OSError as exc:
        raise _not_made(exc, folder, "directory") from None
    seen.add(folder)


def _not_made(exc: OSError, folder: str, what: str) -> Unwritable:
    return Unwritable(f"cannot create {what} {exc.filename or folder}: {why(exc)}")


def ready_output(out: str, parser: argparse.ArgumentParser) -> bool:
    """Create the output folder and prove it takes a file, before any work is done;
    False (the reason said) when it cannot be written."""
    try:
        prepare_dir(out)
    except Usage:
        parser.error(f"-o {out}: the output must be a directory, not a file")
    except Unwritable as exc:
        say(str(exc))
        return False
    return True
