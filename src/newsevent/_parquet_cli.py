"""``newsevent convert SOURCE… --to parquet -o DIR``: an archive as a Parquet dataset."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from multiprocessing import get_context

from . import _api
from ._cli import EXIT_FAILED, EXIT_OK, _error_text, _Progress
from ._errors import ParseError
from ._stream import SUFFIXES, Loaded, iter_files

INSTALL_HINT = "--to parquet needs pyarrow: pip install 'newsevent[arrow]'"


def archive_root(sources: list[str]) -> str:
    """The folder page ids are taken relative to: the sources' common folder."""
    folders = [s if os.path.isdir(s) else os.path.dirname(s) or os.curdir for s in sources]
    return os.path.commonpath([os.path.abspath(f) for f in folders])


def _load(task: tuple[str, str | None]) -> Loaded:
    path, fmt = task
    try:
        return Loaded(path=path, page=_api.load(path, fmt))
    except (ParseError, OSError) as exc:
        return Loaded(path=path, error=exc)


def _results(paths: list[str], fmt: str | None, jobs: int) -> Iterator[Loaded]:
    tasks = [(p, fmt) for p in paths]
    if jobs <= 1 or len(tasks) <= 1:
        yield from map(_load, tasks)
        return
    ctx = get_context("spawn" if sys.platform == "win32" else "fork")
    chunk = max(1, min(64, len(tasks) // (jobs * 8)))
    with ctx.Pool(jobs) as pool:
        yield from pool.imap(_load, tasks, chunksize=chunk)


def convert(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Run ``convert --to parquet`` with parsed arguments; return the exit code."""
    if args.jsonl:
        parser.error("--jsonl writes JSON: use it with --to json")
    if "-" in args.sources:
        parser.error("--to parquet reads files and directories, not standard input")
    if args.output is None:
        parser.error("--to parquet needs -o DIR (the dataset's folder)")
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    if os.path.exists(args.output) and not os.path.isdir(args.output):
        parser.error(f"output {args.output!r} is a file; --to parquet writes a directory")
    try:
        from . import _arrow
    except ImportError:
        parser.error(INSTALL_HINT)
    missing = [s for s in args.sources if not os.path.exists(s)]
    for s in missing:
        print(f"newsevent: {s}: no such file or directory", file=sys.stderr)
    if missing:
        return EXIT_FAILED
    paths = [p for s in args.sources for p in iter_files(s, suffixes=SUFFIXES)]
    progress = _Progress(args.progress, sys.stderr, len(paths))
    done = failed = 0

    def counted() -> Iterator[Loaded]:
        nonlocal done, failed
        for result in _results(paths, args.from_, args.jobs):
            done += 1
            if not result.ok:
                failed += 1
                assert result.error is not None
                progress.message(_error_text(result.error, result.path))
            yield result
            progress.update(done, failed)

    try:
        _arrow.write_dataset(counted(), args.output, root=archive_root(args.sources))
    except FileExistsError as exc:
        print(f"newsevent: {exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        progress.close()
    print(f"newsevent: {done - failed} converted, {failed} failed", file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK
