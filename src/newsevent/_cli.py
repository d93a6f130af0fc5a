"""The ``newsevent`` command: convert, validate, schema, example."""

from __future__ import annotations

import argparse
import codecs
import collections
import itertools
import os
import signal
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from multiprocessing import get_all_start_methods, get_context
from multiprocessing.connection import Connection, wait
from typing import IO, Any, NamedTuple

from . import _api, _commands, _json, _md
from . import json as _json_module
from ._atomic import AtomicWriter, remove_stale, temp_path, write_bytes
from ._errors import ParseError
from ._model import Page
from ._stream import SUFFIXES, Problem, Skipped, iter_load, kind, load_regular, scan

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
SUFFIX = {name: fmt.suffixes[0] for name, fmt in _api.FORMATS.items()}  # .md, .json, …
FORMAT_NAMES = sorted(_api.FORMATS)
_SIGNALS = [getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n)]


def usable_cores() -> int:
    """The number of cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="newsevent",
        description="Convert news-event pages between Markdown, JSON, XML and HTML.",
        epilog="Exit codes: 0 success, 1 some input failed, 2 usage error, "
        "130 interrupted (Ctrl-C), 143 terminated.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    c = sub.add_parser(
        "convert",
        help="convert files, directory trees or standard input",
        description=(
            "Convert pages to another format. One file or '-' (standard input) is written to "
            "standard output unless -o is given; directories and several inputs need -o DIR "
            "(the output tree mirrors the input tree) or --jsonl. Every output file is "
            "written to a temporary file and renamed into place when complete."
        ),
        epilog="Exit codes: 0 all converted, 1 some input failed or the output cannot be "
        "written, 2 usage error, 130 interrupted (Ctrl-C), 143 terminated (SIGTERM).",
    )
    c.add_argument("sources", nargs="+", metavar="SOURCE", help="file, directory, or -")
    c.add_argument(
        "--to",
        required=True,
        choices=[*FORMAT_NAMES, "parquet"],
        help="output format (parquet: a dataset folder, needs -o DIR and newsevent[arrow])",
    )
    c.add_argument(
        "--from", dest="from_", choices=FORMAT_NAMES, help="input format (default: detect)"
    )
    c.add_argument("-o", "--output", help="output file (one input) or directory")
    c.add_argument(
        "--jsonl",
        action="store_true",
        help="write every page as one JSON document per line (to -o FILE or standard output)",
    )
    c.add_argument(
        "-u",
        "--update",
        action="store_true",
        help="with -o: convert only sources whose output is missing, empty or older",
    )
    cores = usable_cores()
    c.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=cores,
        help=f"convert in N processes (default: the usable cores, {cores} here)",
    )
    c.add_argument("--indent", type=int, default=None, help="indent JSON output by N spaces")
    c.add_argument(
        "--canonical",
        action="store_true",
        help="with --to markdown: write each page in the canonical layout of its edition "
        "instead of the way it was written (normalises an archive)",
    )
    _commands.add_progress(c, "only when both standard output and standard error are a terminal")
    v = sub.add_parser(
        "validate",
        help="check that pages parse; print path:line:col: message per problem",
        description="Read every page under PATH and report each problem as path:line:col: message.",
        epilog="Exit codes: 0 every page parsed, 1 some page did not, 2 usage error, "
        "130 interrupted.",
    )
    v.add_argument("paths", nargs="+", metavar="PATH", help="file or directory")
    v.add_argument(
        "--from", dest="from_", choices=FORMAT_NAMES, help="input format (default: detect)"
    )
    s = sub.add_parser(
        "schema",
        help="print the shipped JSON Schema or XSD",
        description="Print the JSON Schema (json) or the XML Schema (xml) shipped in the package.",
        epilog="Exit codes: 0 success, 2 usage error.",
    )
    s.add_argument("kind", choices=["json", "xml"])
    e = sub.add_parser(
        "example",
        help="print the example page bundled with newsevent",
        description="Print the example event page that ships with the package.",
        epilog="Exit codes: 0 success, 2 usage error.",
    )
    e.add_argument("--to", default="markdown", choices=FORMAT_NAMES, help="output format")
    e.add_argument("--indent", type=int, default=None, help="indent JSON output by N spaces")
    _commands.add_portal_parsers(sub)
    _commands.add_site_parser(sub, cores)
    return p


def _render(page: Page, fmt: str, indent: int | None, canonical: bool = False) -> str:
    if fmt == "json":
        return _json.dumps(page, indent=indent) + "\n"
    if canonical:
        return _md.dumps(page, canonical=True)
    return _api.dumps(page, fmt)


def _why(exc: OSError) -> str:
    """An OSError's cause in words ("No space left on device")."""
    return exc.strerror or str(exc)


def _error_text(exc: BaseException, path: str) -> str:
    if isinstance(exc, ParseError):
        return str(exc if exc.path else exc.with_path(path))
    if isinstance(exc, Skipped):
        return str(exc)
    if isinstance(exc, OSError):
        where = exc.filename if isinstance(exc.filename, str) and exc.filename else path
        return f"{where}: {_why(exc)}"
    return f"{path}: {exc}"


def _write_error(exc: OSError, target: str) -> str:
    where = exc.filename if isinstance(exc.filename, str) and exc.filename else target
    if os.path.basename(where).startswith("."):  # a temporary file: name the target
        where = target
    return f"cannot write {where}: {_why(exc)}"


class _Stop(BaseException):
    """A signal asking the command to stop (SIGINT arrives as KeyboardInterrupt)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class _Hold:
    """While a result is written out and counted, a stop signal waits until both are done,
    so that the summary counts exactly what was written."""

    depth = 0
    pending: int | None = None


def _raise_stop(signum: int, _frame: object) -> None:
    if _Hold.depth:
        _Hold.pending = signum
        return
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise _Stop(signum)


def _release() -> None:
    """Act on a stop signal that came while held."""
    signum, _Hold.pending = _Hold.pending, None
    if signum is not None:
        _raise_stop(signum, None)


@contextmanager
def _stop_on_signals() -> Iterator[None]:
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


def _ignore_signals() -> None:
    """Once the command is stopping, a second Ctrl-C must not cut the cleanup short."""
    if threading.current_thread() is threading.main_thread():
        for s in _SIGNALS:
            signal.signal(s, signal.SIG_IGN)


def _stop_status(exc: BaseException) -> int:
    return 128 + (exc.signum if isinstance(exc, _Stop) else signal.SIGINT)


# ------------------------------------------------------------------ convert


class _Task(NamedTuple):
    source: str
    target: str | None  # None: hand the text back to the main process
    fmt_in: str | None
    fmt_out: str
    indent: int | None
    update: bool
    durable: bool  # force the file to disk: one target, not each file of a tree
    canonical: bool = False  # Markdown in the edition's canonical layout


DONE, FAILED, SKIPPED, CURRENT, UNWRITABLE = "done", "failed", "skipped", "current", "unwritable"


class _Done(NamedTuple):
    source: str
    status: str
    text: bytes | None = None  # UTF-8, encoded by the worker: the main process only copies it
    message: str | None = None
    pages: int = 1  # a worker hands back a run of converted pages as one result


_MADE: set[str] = set()  # output folders this process has created or cleaned
_INPUTS: set[str] = set()  # absolute paths of every input of the run
_REAL_INPUTS: set[str] = set()  # the same, symlinks resolved; filled on first need


def _set_inputs(inputs: frozenset[str]) -> None:
    _INPUTS.clear()
    _INPUTS.update(inputs)
    _REAL_INPUTS.clear()
    _MADE.clear()


def _is_input(target: str) -> bool:
    # Checked by the worker just before writing: one stat per target, in parallel.
    if not os.path.exists(target):
        return False
    if os.path.abspath(target) in _INPUTS:
        return True
    if not _REAL_INPUTS:
        _REAL_INPUTS.update(os.path.realpath(p) for p in _INPUTS)
    return os.path.realpath(target) in _REAL_INPUTS


def _up_to_date(source: str, target: str) -> bool:
    try:
        out = os.stat(target)
        return out.st_size > 0 and out.st_mtime_ns >= os.stat(source).st_mtime_ns
    except OSError:
        return False


def _folder(target: str) -> None:
    """Create the target's folder; in one that existed, remove stale temporary files."""
    folder = os.path.dirname(target) or "."
    if folder in _MADE:
        return
    try:
        os.makedirs(folder)
    except FileExistsError:
        remove_stale(folder)
    _MADE.add(folder)


def _convert_one(task: _Task) -> _Done:
    target = task.target
    if target is not None and task.update and _up_to_date(task.source, target):
        return _Done(task.source, CURRENT)
    if target is not None and _is_input(target):
        return _Done(task.source, FAILED, None, f"{task.source}: refusing to overwrite an input")
    try:
        page = load_regular(task.source, task.fmt_in)
        text = _render(page, task.fmt_out, task.indent, task.canonical)
    except Skipped as exc:
        return _Done(task.source, SKIPPED, None, str(exc))
    except (ParseError, OSError) as exc:
        return _Done(task.source, FAILED, None, _error_text(exc, task.source))
    except Exception as exc:  # a bug: report it against the file and go on
        msg = f"{task.source}: internal error: {type(exc).__name__}: {exc}"
        return _Done(task.source, FAILED, None, msg)
    data = text.encode("utf-8")
    if target is None:
        return _Done(task.source, DONE, data)
    try:
        _folder(target)
    except OSError as exc:
        where = exc.filename or os.path.dirname(target)
        return _Done(task.source, UNWRITABLE, None, f"cannot create directory {where}: {_why(exc)}")
    try:
        write_bytes(target, data, durable=task.durable)
    except OSError as exc:
        return _Done(task.source, UNWRITABLE, None, _write_error(exc, target))
    return _Done(task.source, DONE)


class _WorkerDied(Exception):
    pass


_NUDGE = 0.5  # seconds a stopping worker has to finish the page in hand


class _WorkerState:
    idle = True  # waiting for work: SIGTERM may end the process at once
    stopping = False  # asked to stop: finish the current page, report, then end
    asked = 0.0  # when it was asked to stop


def _worker_stop(_signum: int, _frame: object) -> None:
    now = time.monotonic()
    if _WorkerState.stopping and now - _WorkerState.asked < _NUDGE / 2:
        # Sent to the whole process group (as a service manager stops a service), a
        # SIGTERM reaches a worker twice at once: from there and from the main process.
        # Only the main process's nudge, half a second on, interrupts the page in hand.
        return
    if _WorkerState.idle or _WorkerState.stopping:
        raise SystemExit(128 + signal.SIGTERM)  # unwinds: a temporary file being written goes
    _WorkerState.stopping = True
    _WorkerState.asked = now


def _serve(
    conn: Connection,
    inherited: list[Connection],
    work: Callable[[Any], list[Any]],
    start: Callable[[], object] | None,
) -> None:
    """A worker process: hand each chunk the main process sends to ``work`` and send back
    its results, until told to stop. ``start`` runs once, first.

    ``work`` ends a chunk early when :attr:`_WorkerState.stopping` is set (SIGTERM from the
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
        while not _WorkerState.stopping:
            _WorkerState.idle = True
            job = conn.recv()
            _WorkerState.idle = False
            if job is None:
                return
            index, tasks = job
            conn.send((index, work(tasks)))
    except (EOFError, OSError):
        return  # the main process is gone


def _convert_chunk(tasks: list[_Task] | tuple[_Task, list[str]], join: bool) -> list[_Done]:
    """Convert a chunk of tasks in a worker process.

    ``join``: hand back each run of alike pages as one result (:func:`_joined`).
    """
    if isinstance(tasks, tuple):  # one task and the sources it stands for
        first, sources = tasks
        rest = first[1:]
        tasks = [_Task(path, *rest) for path in sources]
    done = []
    for task in tasks:
        done.append(_convert_one(task))
        if _WorkerState.stopping or done[-1].status == UNWRITABLE:
            break
    return _joined(done) if join else done


def _joined(results: list[_Done]) -> list[_Done]:
    """``results`` with each run of pages that ended alike, without a message, as one result
    (their texts joined), so that the main process receives, writes and counts a run at
    once rather than page by page."""
    out: list[_Done] = []
    for key, group in itertools.groupby(results, _alike):
        run = list(group)
        if key is None or len(run) == 1:
            out.extend(run)
            continue
        texts = [r.text for r in run if r.text is not None]
        text = b"".join(texts) if texts else None
        out.append(_Done(run[-1].source, run[-1].status, text, None, sum(r.pages for r in run)))
    return out


def _alike(result: _Done) -> tuple[str, bool] | None:
    return None if result.message is not None else (result.status, result.text is None)


class _Workers:
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
                    raise _WorkerDied(f"a worker process ended unexpectedly ({how})")
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


def _serial(tasks: list[_Task]) -> Iterator[_Done]:
    for task in tasks:
        result = _convert_one(task)
        yield result
        if result.status == UNWRITABLE:
            return


class _Progress:
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


def _say(text: str) -> None:
    print(f"newsevent: {text}", file=sys.stderr)


class _Usage(Exception):
    pass


class _Unwritable(Exception):
    pass


def _exclude(path: str) -> set[tuple[int, int]]:
    try:
        st = os.stat(path)
    except OSError:
        return set()
    return {(st.st_dev, st.st_ino)}


def _prepare_dir(out: str) -> None:
    """Create the output folder and prove it takes a file, before any work is done."""
    try:
        os.makedirs(out, exist_ok=True)
    except OSError as exc:
        where = exc.filename or out
        raise _Unwritable(f"cannot create output directory {where}: {_why(exc)}") from None
    if not os.path.isdir(out):
        raise _Usage(f"output {out!r} is a file; several inputs need an output directory")
    probe = temp_path(os.path.join(out, "probe"))
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        os.unlink(probe)
    except OSError as exc:
        raise _Unwritable(f"cannot write to output directory {out}: {_why(exc)}") from None
    remove_stale(out)


def _prepare_parent(target: str) -> None:
    folder = os.path.dirname(target)
    if folder:
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as exc:
            where = exc.filename or folder
            msg = f"cannot create directory {where} for {target}: {_why(exc)}"
            raise _Unwritable(msg) from None
    remove_stale(folder or ".", os.path.basename(target))


class _Setup(NamedTuple):
    to_dir: bool  # one output file per input, in the output directory
    exclude: set[tuple[int, int]]  # (device, inode) of the output: never read as input
    writes: bool  # the workers write files (else they hand the text back)


def _prepare(args: argparse.Namespace) -> _Setup:
    """Check the arguments and make the output ready, before any input is read."""
    sources: list[str] = args.sources
    many = len(sources) > 1 or any(os.path.isdir(s) for s in sources)
    to_dir = args.output is not None and not args.jsonl and many
    if many and args.output is None and not args.jsonl:
        raise _Usage("several inputs or a directory need -o DIR or --jsonl")
    if to_dir and os.path.isfile(args.output):
        raise _Usage(f"output {args.output!r} is a file; several inputs need an output directory")
    if args.update and (args.output is None or args.jsonl):
        raise _Usage("--update needs -o (an output file or directory to compare with)")
    if to_dir:
        _prepare_dir(args.output)
    elif args.output is not None:
        _prepare_parent(args.output)
    exclude = _exclude(args.output) if args.output is not None else set()
    return _Setup(to_dir, exclude, to_dir or (args.output is not None and not args.jsonl))


def _walk(args: argparse.Namespace, setup: _Setup) -> Iterator[_Task | Problem]:
    """The conversion tasks, and the paths that will not be read, as the walk finds them.

    Unless ``setup.writes``, the tasks differ only in their source.
    """
    indent = None if args.jsonl else args.indent
    for src in args.sources:
        base = src if os.path.isdir(src) else os.path.dirname(src)
        for item in scan(src, SUFFIXES, setup.exclude):
            if isinstance(item, Problem):
                yield item
                continue
            target: str | None = None
            if setup.to_dir:
                rel = os.path.splitext(os.path.relpath(item, base))[0] + SUFFIX[args.to]
                target = os.path.join(args.output, rel)
            elif setup.writes:
                target = args.output
            yield _Task(
                item,
                target,
                args.from_,
                args.to,
                indent,
                args.update,
                not setup.to_dir,
                args.canonical,
            )


def _plan(args: argparse.Namespace, setup: _Setup) -> tuple[list[_Task], list[Problem]]:
    """Every conversion task, and the paths that will not be read."""
    tasks: list[_Task] = []
    problems: list[Problem] = []
    for item in _walk(args, setup):
        if isinstance(item, Problem):
            problems.append(item)
        else:
            tasks.append(item)
    # Only a run that writes files needs its inputs, never to overwrite one.
    if setup.writes:
        _set_inputs(frozenset(os.path.abspath(t.source) for t in tasks))
    else:
        _set_inputs(frozenset())
    return tasks, problems


def _check_sources(sources: list[str]) -> list[str]:
    """Why named sources cannot be read: missing, or special files (which may block)."""
    errors = []
    for s in sources:
        try:
            mode = os.stat(s).st_mode
        except FileNotFoundError:
            errors.append(f"{s}: no such file or directory")
            continue
        except OSError as exc:
            errors.append(f"{s}: {_why(exc)}")
            continue
        if not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
            errors.append(
                f"{s}: {kind(mode)}, not a regular file; refused "
                "(read standard input with '-' instead)"
            )
    return errors


class _Out:
    """Where converted text goes: standard output or one file written atomically."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        try:
            self.file = AtomicWriter(path) if path is not None else None
        except OSError as exc:
            raise _Unwritable(_write_error(exc, str(path))) from None

    def write(self, data: bytes) -> None:
        if self.file is not None:
            try:
                self.file.write(data)
            except OSError as exc:
                raise _Unwritable(_write_error(exc, str(self.path))) from None
        else:
            _stdout(data)

    def finish(self, keep: bool) -> None:
        if self.file is None:
            if keep:
                _stdout(None)
            else:  # what was written is whole lines: let it through if it can go
                try:
                    sys.stdout.flush()
                except (OSError, ValueError):
                    pass
        elif keep:
            try:
                self.file.commit()
            except OSError as exc:
                raise _Unwritable(_write_error(exc, str(self.path))) from None
        else:
            self.file.discard()


class _PipeClosed(Exception):
    pass


class _Stdout:
    text = False  # text written to sys.stdout since its last flush


def _stdout(text: str | bytes | None) -> None:
    """Write to standard output (None: flush it), turning failures into clear errors.

    Bytes are UTF-8: copied as they are when standard output is UTF-8, decoded otherwise.
    """
    try:
        if isinstance(text, bytes):
            raw = getattr(sys.stdout, "buffer", None)
            if raw is not None and _utf8_stdout():
                if _Stdout.text:  # what was written as text goes first
                    sys.stdout.flush()
                    _Stdout.text = False
                raw.write(text)
            else:
                sys.stdout.write(text.decode("utf-8"))
        elif text is not None:
            sys.stdout.write(text)
            _Stdout.text = True
        else:
            sys.stdout.flush()
            _Stdout.text = False
    except BrokenPipeError:
        raise _PipeClosed from None
    except OSError as exc:
        raise _Unwritable(f"cannot write standard output: {_why(exc)}") from None
    except UnicodeEncodeError as exc:
        raise _Unwritable(
            f"cannot write standard output: its encoding, {exc.encoding}, cannot hold "
            f"{exc.object[exc.start]!r}; write to a file with -o, or set PYTHONIOENCODING=utf-8"
        ) from None


def _utf8_stdout() -> bool:
    return codecs.lookup(sys.stdout.encoding or "ascii").name == "utf-8"


def _stdin(args: argparse.Namespace) -> int:
    if args.update:
        raise _Usage("--update needs a source file to compare with, not standard input")
    try:
        page = _api.loads(sys.stdin.buffer.read(), args.from_)
    except ParseError as exc:
        _say(_error_text(exc, "<stdin>"))
        return EXIT_FAILED
    text = _render(page, args.to, None if args.jsonl else args.indent, args.canonical)
    if args.output and not args.jsonl:
        _prepare_parent(args.output)
        try:
            write_bytes(args.output, text.encode("utf-8"))
        except OSError as exc:
            raise _Unwritable(_write_error(exc, args.output)) from None
    else:
        _stdout(text)
        _stdout(None)
    return EXIT_OK


def _convert(args: argparse.Namespace) -> int:
    if args.canonical and args.to != "markdown":
        raise _Usage("--canonical goes with --to markdown")
    if args.jsonl and args.to != "json":
        raise _Usage("--jsonl writes JSON: use it with --to json")
    if args.to == "parquet":
        from . import _parquet_cli

        return _parquet_cli.convert(args)
    if args.sources == ["-"]:
        return _stdin(args)
    if "-" in args.sources:
        raise _Usage("'-' (standard input) cannot be mixed with other sources")
    if args.jobs < 1:
        raise _Usage("--jobs must be at least 1")
    errors = _check_sources(args.sources)
    for msg in errors:
        _say(msg)
    if errors:
        return EXIT_FAILED
    setup = _prepare(args)
    count: collections.Counter[str] = collections.Counter()
    # JSON Lines from a tree with --jobs N: the workers start at once and take the tasks as
    # the walk finds them (a progress bar, which needs the total, walks the tree first).
    lazy = (
        args.jsonl
        and args.jobs > 1
        and not _Progress.wanted(args.progress, sys.stderr)
        and any(os.path.isdir(s) for s in args.sources)
    )
    walk = _Walked()

    def report(problem: Problem) -> None:
        walk.problems += 1
        count[SKIPPED if isinstance(problem.error, Skipped) else FAILED] += 1
        progress.message(_error_text(problem.error, problem.path))

    def tasks() -> Iterator[_Task]:
        for item in _walk(args, setup):
            if isinstance(item, Problem):
                report(item)
            else:
                walk.tasks += 1
                yield item
        walk.ended = True

    if lazy:
        _set_inputs(frozenset())
        plan: list[_Task] = []
        progress = _Progress(args.progress, sys.stderr, 0)
    else:
        plan, problems = _plan(args, setup)
        walk.tasks, walk.ended = len(plan), True
        progress = _Progress(args.progress, sys.stderr, len(plan))
        for problem in problems:
            report(problem)

    out: _Out | None = None
    fatal: str | None = None
    status = EXIT_OK
    closed = finished = False

    def take(result: _Done, late: bool = False) -> bool:
        """Count and pass on one result; False when the run must stop."""
        nonlocal fatal
        if result.status == UNWRITABLE:
            fatal = fatal or result.message
            return False
        if late and result.text is not None:
            return True  # converted after the stop, never written out: not done
        _Hold.depth += 1
        try:
            if result.text is not None and out is not None:
                out.write(result.text)  # (counted once written)
            count[result.status] += result.pages
        finally:
            _Hold.depth -= 1
        _release()
        if result.message is not None:
            progress.message(result.message)
        if progress.on:
            progress.update(sum(count[k] for k in (DONE, FAILED, SKIPPED, CURRENT)), count[FAILED])
        return True

    jobs = args.jobs if lazy else min(args.jobs, len(plan))
    workers: _Workers | None = None
    if args.jsonl:
        out = _Out(args.output)  # (its temporary file is removed in the finally below)
    elif plan and plan[0].target is None:
        out = _Out(None)
    # Runs of pages can be written at once unless each page's text is encoded for a
    # standard output that is not UTF-8 (a page it cannot hold ends the run at that page).
    join = out is None or out.path is not None or _utf8_stdout()
    try:
        if lazy:
            workers = _Workers(
                jobs, partial(_convert_chunk, join=join), partial(_set_inputs, frozenset())
            )
            stream = workers.map(tasks(), 64, not setup.writes)
        elif jobs > 1:
            start = partial(_set_inputs, frozenset(_INPUTS))
            workers = _Workers(jobs, partial(_convert_chunk, join=join), start)
            size = max(1, min(64, len(plan) // (jobs * 8)))
            stream = workers.map(plan, size, not setup.writes)
        else:
            stream = _serial(plan)
        finished = all(take(result) for result in stream)
        if out is not None and finished:
            out.finish(keep=True)
    except (KeyboardInterrupt, _Stop) as exc:
        _ignore_signals()
        status = _stop_status(exc)
    except (_Unwritable, _WorkerDied) as exc:
        fatal = str(exc)
    except _PipeClosed:
        _ignore_signals()
        closed = True
    finally:
        if workers is not None:
            for result in workers.stop(early=not finished):
                take(result, late=True)
        progress.close()
        if out is not None and (fatal is not None or status != EXIT_OK or closed):
            out.finish(keep=False)
    if closed:
        _quiet_stdout()
        return 128 + getattr(signal, "SIGPIPE", 13)
    if fatal is not None:
        _say(fatal)
    interrupted = status != EXIT_OK
    if walk.tasks != 1 or count[FAILED] or interrupted:
        text = _summary(count, walk.tasks + walk.problems, interrupted, fatal is not None, out)
        _say(text if walk.ended else text + ", the rest of the inputs not looked at")
    if interrupted:
        return status
    return EXIT_FAILED if count[FAILED] or fatal is not None else EXIT_OK


class _Walked:
    """What the walk of the inputs found so far."""

    def __init__(self) -> None:
        self.tasks = 0
        self.problems = 0
        self.ended = False


def _summary(
    count: collections.Counter[str], total: int, interrupted: bool, stopped: bool, out: _Out | None
) -> str:
    parts = [f"{count[DONE]} converted", f"{count[FAILED]} failed"]
    if count[SKIPPED]:
        parts.append(f"{count[SKIPPED]} skipped")
    if count[CURRENT]:
        parts.append(f"{count[CURRENT]} up to date")
    left = total - sum(count[k] for k in (DONE, FAILED, SKIPPED, CURRENT))
    if (interrupted or stopped) and left:
        parts.append(f"{left} not done")
    text = ", ".join(parts)
    if interrupted or stopped:
        text = ("interrupted: " if interrupted else "stopped: ") + text
        if out is not None and out.path is not None:
            text += f"; {out.path} left as it was"
    return text


def _quiet_stdout() -> None:
    # The reader has gone (`| head`): nothing more can be said there, not even at exit.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


# ------------------------------------------------------------------ validate


def _validate(args: argparse.Namespace) -> int:
    for p in args.paths:
        if not os.path.exists(p):
            print(f"{p}: no such file or directory")
            return EXIT_FAILED
    errors = _check_sources(args.paths)
    for msg in errors:
        _say(msg)
    if errors:
        return EXIT_FAILED
    count = bad = 0
    try:
        for result in iter_load(args.paths, format=args.from_):
            if isinstance(result.error, Skipped):
                _say(str(result.error))
                continue
            count += 1
            if result.error is not None:
                bad += 1
                print(_error_text(result.error, result.path))
    except (KeyboardInterrupt, _Stop) as exc:
        _say(f"interrupted: {count} checked, {bad} with problems")
        return _stop_status(exc)
    print(f"newsevent: {count} checked, {bad} with problems", file=sys.stderr)
    return EXIT_FAILED if bad or count == 0 else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``)."""
    parser = _parser()
    args = parser.parse_args(argv)
    # These commands' modules load only when they run: convert starts without them.
    if args.command in _commands.PORTAL_COMMANDS:
        from . import _portal_cli

        return _portal_cli.run(args, parser)
    if args.command in _commands.SITE_COMMANDS:
        from . import _site

        return _site.run(args)
    try:
        with _stop_on_signals():
            if args.command == "example":
                _stdout(_render(_api.parse(_api.example()), args.to, args.indent))
            elif args.command == "schema":
                if args.kind == "json":
                    _stdout(_json_module.schema())
                else:
                    from . import xml  # (lxml: loaded only for XML)

                    _stdout(xml.xsd())
            elif args.command == "validate":
                return _validate(args)
            else:
                return _convert(args)
            _stdout(None)
            return EXIT_OK
    except _Usage as exc:
        parser.error(str(exc))
    except _Unwritable as exc:
        _say(str(exc))
        return EXIT_FAILED
    except _PipeClosed:
        _quiet_stdout()
        return 128 + getattr(signal, "SIGPIPE", 13)
    except (KeyboardInterrupt, _Stop) as exc:
        _say("interrupted")
        return _stop_status(exc)
