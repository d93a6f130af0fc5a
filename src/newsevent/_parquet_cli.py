"""``newsevent convert SOURCE… --to parquet -o DIR``: an archive as a Parquet dataset."""

from __future__ import annotations

import argparse
import collections
import os
import signal
import sys
from collections.abc import Iterator
from multiprocessing import get_context

from . import _cli
from ._cli import EXIT_FAILED, EXIT_OK, _error_text, _Progress, _say, _Stop, _Usage
from ._errors import ParseError
from ._stream import SUFFIXES, Loaded, Problem, Skipped, load_regular, scan

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


def _worker_signals() -> None:
    # The parent handles Ctrl-C and ends the workers; they die on SIGTERM as usual.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _results(paths: list[str], fmt: str | None, jobs: int) -> Iterator[Loaded]:
    tasks = [(p, fmt) for p in paths]
    if jobs <= 1 or len(tasks) <= 1:
        yield from map(_load, tasks)
        return
    ctx = get_context("spawn" if sys.platform == "win32" else "fork")
    chunk = max(1, min(64, len(tasks) // (jobs * 8)))
    with ctx.Pool(jobs, initializer=_worker_signals) as pool:
        yield from pool.imap(_load, tasks, chunksize=chunk)


def convert(args: argparse.Namespace) -> int:
    """Run ``convert --to parquet`` with parsed arguments; return the exit code."""
    if "-" in args.sources:
        raise _Usage("--to parquet reads files and directories, not standard input")
    if args.output is None:
        raise _Usage("--to parquet needs -o DIR (the dataset's folder)")
    if args.update:
        raise _Usage("--update does not apply to --to parquet: a dataset is written whole")
    if args.jobs < 1:
        raise _Usage("--jobs must be at least 1")
    if os.path.exists(args.output) and not os.path.isdir(args.output):
        raise _Usage(f"output {args.output!r} is a file; --to parquet writes a directory")
    try:
        from . import _arrow
    except ImportError:
        raise _Usage(INSTALL_HINT) from None
    errors = _cli._check_sources(args.sources)
    for msg in errors:
        _say(msg)
    if errors:
        return EXIT_FAILED
    # A dataset folder inside an input folder is not read back as input.
    found = list(scan(args.sources, SUFFIXES, _cli._exclude(args.output)))
    paths = [item for item in found if isinstance(item, str)]
    problems = [item for item in found if isinstance(item, Problem)]
    progress = _Progress(args.progress, sys.stderr, len(found))
    count: collections.Counter[str] = collections.Counter()

    def results() -> Iterator[Loaded]:
        for problem in problems:
            yield Loaded(path=problem.path, error=problem.error)
        yield from _results(paths, args.from_, min(args.jobs, len(paths)))

    def counted() -> Iterator[Loaded]:
        for result in results():
            if result.error is None:
                count["converted"] += 1
            else:
                count["skipped" if isinstance(result.error, Skipped) else "failed"] += 1
                progress.message(_error_text(result.error, result.path))
            yield result
            progress.update(sum(count.values()), count["failed"])

    status = EXIT_OK
    failure = ""
    try:
        _arrow.write_dataset(counted(), args.output, root=archive_root(args.sources))
    except (KeyboardInterrupt, _Stop) as exc:
        _cli._ignore_signals()
        status = _cli._stop_status(exc)
    except OSError as exc:  # the output: the inputs' errors are results
        status = EXIT_FAILED
        failure = f"cannot write the dataset in {args.output}: {exc}"
    finally:
        progress.close()
    summary = f"{count['converted']} converted, {count['failed']} failed"
    if count["skipped"]:
        summary += f", {count['skipped']} skipped"
    if failure:
        _say(failure)
        return status
    if status != EXIT_OK:
        _say(f"interrupted: {summary}; no dataset written in {args.output}")
        return status
    _say(summary)
    return EXIT_FAILED if count["failed"] else EXIT_OK
