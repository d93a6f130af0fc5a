"""``newsevent convert SOURCE… --to parquet -o DIR``: an archive as a Parquet dataset."""

from __future__ import annotations

import argparse
import collections
import itertools
import os
import signal
import sys
from collections.abc import Iterator, Mapping
from multiprocessing import get_all_start_methods, get_context
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any

from . import _runs
from ._cli import EXIT_FAILED, EXIT_OK
from ._errors import ParseError
from ._runs import Progress, Stop, Usage, WorkerDied, error_text, say
from ._stream import SUFFIXES, Loaded, Problem, Skipped, load_regular, scan

Chunk = tuple[Any, int, list[tuple[str, BaseException]]]  # tables, pages read, failures
INSTALL_HINT = "--to parquet needs pyarrow: pip install 'newsevent[arrow]'"


def archive_root(sources: list[str]) -> str:
    """The folder page ids are taken relative to: the sources' common folder."""
    folders = [s if os.path.isdir(s) else os.path.dirname(s) or os.curdir for s in sources]
    return os.path.commonpath([os.path.abspath(f) for f in folders])


def _load(task: tuple[str, str | None]) -> Loaded:
    path, fmt = task
    try:
        return Loaded(path=path, page=load_regular(path, fmt))
    except (ParseError, OSError) as exc:
        return Loaded(path=path, error=exc)


def _serve(conn: Connection, fmt: str | None, root: str, inherited: list[Connection]) -> None:
    """A worker: read the chunks of paths the main process sends, send back their tables."""
    for other in inherited:
        other.close()  # so that the worker sees end-of-file when the main process is gone
    # The main process decides when to stop and ends the workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    from . import _arrow

    try:
        while (chunk := conn.recv()) is not None:
            builder = _arrow.TableBuilder(root)
            failures = []
            for path in chunk:
                result = _load((path, fmt))
                builder.add(result)
                if result.error is not None:
                    failures.append((result.path, result.error))
            # Arrow tables travel back, not pages: they pickle as flat buffers.
            conn.send((builder.tables(), len(chunk), failures))
    except (EOFError, OSError):
        return  # the main process is gone


def _died(proc: BaseProcess) -> WorkerDied:
    proc.join(1.0)
    code = proc.exitcode
    how = f"signal {-code}" if code is not None and code < 0 else f"status {code}"
    return WorkerDied(f"a worker process ended unexpectedly ({how})")


def _send(conn: Connection, proc: BaseProcess, chunk: list[str] | None) -> None:
    try:
        conn.send(chunk)
    except OSError:  # a broken pipe: the worker is gone
        raise _died(proc) from None


def _parallel(paths: list[str], fmt: str | None, jobs: int, root: str) -> Iterator[Chunk]:
    """The tables of ``paths``, chunk by chunk in order, made by ``jobs`` worker processes.

    Chunk *k* goes to worker *k* mod ``jobs``, each worker with at most two chunks in hand,
    so results come back in order and memory stays bounded; a worker that dies stops the
    run, and the workers are ended however the run ends.
    """
    fork = "fork" in get_all_start_methods()
    ctx = get_context("fork") if fork else get_context("spawn")
    size = max(1, min(250, len(paths) // (jobs * 8)))
    chunks = [paths[i : i + size] for i in range(0, len(paths), size)]
    if fork:  # pyarrow's first conversion imports pandas: once here, not in each worker
        from . import _arrow

        _arrow.TableBuilder().tables()
    pipes = [ctx.Pipe() for _ in range(jobs)]
    procs = []
    finished = False
    try:
        for _, theirs in pipes:
            inherited = [c for p in pipes for c in p if c is not theirs] if fork else []
            proc = ctx.Process(target=_serve, args=(theirs, fmt, root, inherited), daemon=True)
            proc.start()
            procs.append(proc)
        for _, theirs in pipes:
            theirs.close()
        conns = [mine for mine, _ in pipes]
        sentinels = {p.sentinel: p for p in procs}
        for k in range(min(len(chunks), 2 * jobs)):
            _send(conns[k % jobs], procs[k % jobs], chunks[k])
        for k in range(len(chunks)):
            conn, proc = conns[k % jobs], procs[k % jobs]
            # Any worker's death stops the run, not only that of the one awaited.
            while not conn.poll():
                for ready in wait([conn, *sentinels]):
                    if ready is not conn and not conn.poll():
                        raise _died(sentinels[ready])  # type: ignore[index]
            try:
                done = conn.recv()
            except (EOFError, OSError):
                raise _died(proc) from None
            if k + 2 * jobs < len(chunks):
                _send(conn, proc, chunks[k + 2 * jobs])
            yield done
        for conn, proc in zip(conns, procs, strict=True):
            _send(conn, proc, None)
        finished = True
    finally:
        for proc in procs:
            if finished:
                proc.join(1.0)
            if proc.is_alive():
                proc.kill()
                proc.join()
        for mine, _ in pipes:
            mine.close()


def _once(paths: list[str]) -> list[str]:
    """``paths`` without a file named twice (which would give two pages one id)."""
    seen: set[str] = set()
    out = []
    for path in paths:
        key = os.path.abspath(path)
        if key not in seen:
            seen.add(key)
            out.append(path)
    return out


def convert(args: argparse.Namespace) -> int:
    """Run ``convert --to parquet`` with parsed arguments; return the exit code."""
    if "-" in args.sources:
        raise Usage("--to parquet reads files and directories, not standard input")
    if args.output is None:
        raise Usage("--to parquet needs -o DIR (the dataset's folder)")
    if args.update:
        raise Usage("--update does not apply to --to parquet: a dataset is written whole")
    if args.jobs < 1:
        raise Usage("--jobs must be at least 1")
    if os.path.exists(args.output) and not os.path.isdir(args.output):
        raise Usage(f"output {args.output!r} is a file; --to parquet writes a directory")
    try:
        from . import _arrow
    except ImportError:
        raise Usage(INSTALL_HINT) from None
    errors = _runs.check_sources(args.sources)
    for msg in errors:
        say(msg)
    if errors:
        return EXIT_FAILED
    # A dataset folder inside an input folder is not read back as input.
    found = list(scan(args.sources, SUFFIXES, _runs.exclude(args.output)))
    paths = _once([item for item in found if isinstance(item, str)])
    problems = [Loaded(path=p.path, error=p.error) for p in found if isinstance(p, Problem)]
    progress = Progress(args.progress, sys.stderr, len(paths) + len(problems))
    count: collections.Counter[str] = collections.Counter()
    root = archive_root(args.sources)
    jobs = min(args.jobs, len(paths))

    def tally(path: str, error: BaseException | None) -> None:
        if error is None:
            count["converted"] += 1
            return
        count["skipped" if isinstance(error, Skipped) else "failed"] += 1
        progress.message(error_text(error, path))

    def results() -> Iterator[Loaded]:
        loaded = (_load((p, args.from_)) for p in paths)
        for result in itertools.chain(problems, loaded):
            tally(result.path, result.error)
            yield result
            progress.update(sum(count.values()), count["failed"])

    def chunks() -> Iterator[Mapping[str, Any]]:
        if problems:
            builder = _arrow.TableBuilder(root)
            for result in problems:
                tally(result.path, result.error)
                builder.add(result)
            yield builder.tables()
        for tables, done, failures in _parallel(paths, args.from_, jobs, root):
            for path, error in failures:
                tally(path, error)
            count["converted"] += done - len(failures)
            yield tables
            progress.update(sum(count.values()), count["failed"])

    status = EXIT_OK
    failure = ""
    try:
        if jobs > 1:
            _arrow.write_batches(chunks(), args.output)
        else:
            _arrow.write_dataset(results(), args.output, root=root)
    except (KeyboardInterrupt, Stop) as exc:
        _runs.ignore_signals()
        status = _runs.stop_status(exc)
    except WorkerDied as exc:
        status = EXIT_FAILED
        failure = str(exc)
    except OSError as exc:  # the output: the inputs' errors are results
        status = EXIT_FAILED
        failure = f"cannot write the dataset in {args.output}: {exc}"
    finally:
        progress.close()
    summary = f"{count['converted']} converted, {count['failed']} failed"
    if count["skipped"]:
        summary += f", {count['skipped']} skipped"
    if failure:
        say(failure)
        say(f"stopped: {summary}; no dataset written in {args.output}")
        return status
    if status != EXIT_OK:
        say(f"interrupted: {summary}; no dataset written in {args.output}")
        return status
    say(summary)
    return EXIT_FAILED if count["failed"] else EXIT_OK
