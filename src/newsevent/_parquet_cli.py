"""``newsevent convert SOURCE… --to parquet -o DIR``: an archive as a Parquet dataset."""

from __future__ import annotations

import argparse
import collections
import itertools
import os
import sys
from collections.abc import Iterator, Mapping
from functools import partial
from multiprocessing import get_all_start_methods
from typing import Any

from . import _runs
from ._cli import EXIT_FAILED, EXIT_OK
from ._errors import ParseError
from ._runs import Progress, Stop, Usage, WorkerDied, Workers, error_text, say
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


def _tables(paths: list[str], fmt: str | None, root: str) -> list[Chunk]:
    """A worker process's chunk (see ``_runs.Workers``): the tables of ``paths``."""
    from . import _arrow

    builder = _arrow.TableBuilder(root)
    failures: list[tuple[str, BaseException]] = []
    for path in paths:
        result = _load((path, fmt))
        builder.add(result)
        if result.error is not None:
            failures.append((result.path, result.error))
    # Arrow tables travel back, not pages: they pickle as flat buffers.
    return [(builder.tables(), len(paths), failures)]


def _parallel(paths: list[str], fmt: str | None, jobs: int, root: str) -> Iterator[Chunk]:
    """The tables of ``paths``, chunk by chunk in order, made by ``jobs`` worker processes
    (the command line's: a worker that dies stops the run, and the workers are ended
    however the run ends)."""
    if "fork" in get_all_start_methods():
        # pyarrow's first conversion imports pandas: once here, not in each worker.
        from . import _arrow

        _arrow.TableBuilder().tables()
    size = max(1, min(250, len(paths) // (jobs * 8)))
    workers = Workers(jobs, partial(_tables, fmt=fmt, root=root))
    finished = False
    try:
        yield from workers.map(paths, size)
        finished = True
    finally:
        workers.stop(early=not finished)


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
