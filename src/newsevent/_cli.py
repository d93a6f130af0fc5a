"""The ``newsevent`` command: convert, validate, schema, example."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterator, Sequence
from multiprocessing import get_context
from typing import IO, NamedTuple

from . import _api, _json, _portal_cli
from . import json as _json_module
from . import xml as _xml_module
from ._errors import ParseError
from ._model import Page
from ._stream import SUFFIXES, iter_files, iter_load

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
SUFFIX = {name: fmt.suffixes[0] for name, fmt in _api.FORMATS.items()}  # .md, .json, …
FORMAT_NAMES = sorted(_api.FORMATS)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="newsevent",
        description="Convert news-event pages between Markdown, JSON, XML and HTML.",
        epilog="Exit codes: 0 success, 1 some input failed, 2 usage error.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    c = sub.add_parser(
        "convert",
        help="convert files, directory trees or standard input",
        description=(
            "Convert pages to another format. One file or '-' (standard input) is written to "
            "standard output unless -o is given; directories and several inputs need -o DIR "
            "(the output tree mirrors the input tree) or --jsonl."
        ),
        epilog="Exit codes: 0 all converted, 1 some input failed, 2 usage error.",
    )
    c.add_argument("sources", nargs="+", metavar="SOURCE", help="file, directory, or -")
    c.add_argument("--to", required=True, choices=FORMAT_NAMES, help="output format")
    c.add_argument(
        "--from", dest="from_", choices=FORMAT_NAMES, help="input format (default: detect)"
    )
    c.add_argument("-o", "--output", help="output file (one input) or directory")
    c.add_argument(
        "--jsonl",
        action="store_true",
        help="write every page as one JSON document per line (to -o FILE or standard output)",
    )
    c.add_argument("-j", "--jobs", type=int, default=1, help="convert in N processes (default 1)")
    c.add_argument("--indent", type=int, default=None, help="indent JSON output by N spaces")
    c.add_argument(
        "--progress",
        choices=["auto", "always", "never"],
        default="auto",
        help="progress bar on standard error (auto: only when both standard output and "
        "standard error are a terminal)",
    )
    v = sub.add_parser(
        "validate",
        help="check that pages parse; print path:line:col: message per problem",
        description="Read every page under PATH and report each problem as path:line:col: message.",
        epilog="Exit codes: 0 every page parsed, 1 some page did not, 2 usage error.",
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
    _portal_cli.add_parsers(sub)
    return p


def _render(page: Page, fmt: str, indent: int | None) -> str:
    if fmt == "json":
        return _json.dumps(page, indent=indent) + "\n"
    return _api.dumps(page, fmt)


def _error_text(exc: BaseException, path: str) -> str:
    if isinstance(exc, ParseError):
        return str(exc if exc.path else exc.with_path(path))
    return f"{path}: {exc}"


# ------------------------------------------------------------------ convert


class _Task(NamedTuple):
    source: str
    target: str | None  # None: hand the text back to the main process
    fmt_in: str | None
    fmt_out: str
    indent: int | None


class _Done(NamedTuple):
    source: str
    text: str | None
    error: str | None


_MADE: set[str] = set()  # output folders this process has created
_INPUTS: set[str] = set()  # absolute paths of every input of the run
_REAL_INPUTS: set[str] = set()  # the same, symlinks resolved; filled on first need


def _set_inputs(inputs: frozenset[str]) -> None:
    _INPUTS.clear()
    _INPUTS.update(inputs)
    _REAL_INPUTS.clear()


def _is_input(target: str) -> bool:
    # Checked by the worker just before writing: one stat per target, in parallel.
    if not os.path.exists(target):
        return False
    if os.path.abspath(target) in _INPUTS:
        return True
    if not _REAL_INPUTS:
        _REAL_INPUTS.update(os.path.realpath(p) for p in _INPUTS)
    return os.path.realpath(target) in _REAL_INPUTS


def _convert_one(task: _Task) -> _Done:
    if task.target is not None and _is_input(task.target):
        msg = f"{task.source}: refusing to overwrite an input ({task.target})"
        return _Done(task.source, None, msg)
    try:
        page = _api.load(task.source, task.fmt_in)
        text = _render(page, task.fmt_out, task.indent)
        if task.target is None:
            return _Done(task.source, text, None)
        folder = os.path.dirname(task.target) or "."
        if folder not in _MADE:
            os.makedirs(folder, exist_ok=True)
            _MADE.add(folder)
        with open(task.target, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        return _Done(task.source, None, None)
    except (ParseError, OSError) as exc:
        return _Done(task.source, None, _error_text(exc, task.source))


class _Progress:
    """A one-line progress bar on a terminal; silent otherwise."""

    def __init__(self, mode: str, stream: IO[str], total: int) -> None:
        self.stream = stream
        self.total = total
        # auto: only for a person watching a terminal, never when output is piped.
        auto = mode == "auto" and stream.isatty() and sys.stdout.isatty()
        self.on = total > 1 and (mode == "always" or auto)
        self.last = 0.0

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


def _plan(args: argparse.Namespace) -> list[_Task] | str:
    """The conversion tasks, or a usage error message."""
    sources: list[str] = args.sources
    many = len(sources) > 1 or any(os.path.isdir(s) for s in sources)
    to_dir = args.output is not None and not args.jsonl and many
    if many and args.output is None and not args.jsonl:
        return "several inputs or a directory need -o DIR or --jsonl"
    if to_dir and os.path.isfile(args.output):
        return f"output {args.output!r} is a file; several inputs need an output directory"
    pairs = [(src, path) for src in sources for path in iter_files(src, suffixes=SUFFIXES)]
    indent = None if args.jsonl else args.indent
    tasks = []
    for src, path in pairs:
        target: str | None = None
        if to_dir:
            base = src if os.path.isdir(src) else os.path.dirname(src)
            rel = os.path.splitext(os.path.relpath(path, base))[0] + SUFFIX[args.to]
            target = os.path.join(args.output, rel)
        elif args.output is not None and not args.jsonl:
            target = args.output
        tasks.append(_Task(path, target, args.from_, args.to, indent))
    _set_inputs(frozenset(os.path.abspath(path) for _src, path in pairs))
    return tasks


def _run(tasks: list[_Task], jobs: int) -> Iterator[_Done]:
    if jobs <= 1 or len(tasks) <= 1:
        yield from map(_convert_one, tasks)
        return
    ctx = get_context("spawn" if sys.platform == "win32" else "fork")
    chunk = max(1, min(64, len(tasks) // (jobs * 8)))
    with ctx.Pool(jobs, initializer=_set_inputs, initargs=(frozenset(_INPUTS),)) as pool:
        yield from pool.imap(_convert_one, tasks, chunksize=chunk)


def _stdin(args: argparse.Namespace) -> int:
    try:
        page = _api.loads(sys.stdin.buffer.read(), args.from_)
    except ParseError as exc:
        print(f"newsevent: {_error_text(exc, '<stdin>')}", file=sys.stderr)
        return EXIT_FAILED
    text = _render(page, args.to, None if args.jsonl else args.indent)
    if args.output and not args.jsonl:
        with open(args.output, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _convert(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.jsonl and args.to != "json":
        parser.error("--jsonl writes JSON: use it with --to json")
    if args.sources == ["-"]:
        return _stdin(args)
    if "-" in args.sources:
        parser.error("'-' (standard input) cannot be mixed with other sources")
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    missing = [s for s in args.sources if not os.path.exists(s)]
    for s in missing:
        print(f"newsevent: {s}: no such file or directory", file=sys.stderr)
    if missing:
        return EXIT_FAILED
    plan = _plan(args)
    if isinstance(plan, str):
        parser.error(plan)
    progress = _Progress(args.progress, sys.stderr, len(plan))
    out: IO[str] = sys.stdout
    if args.jsonl and args.output:
        out = open(args.output, "w", encoding="utf-8", newline="")
    done = failed = 0
    try:
        for result in _run(plan, args.jobs):
            done += 1
            if result.error is not None:
                failed += 1
                progress.message(result.error)
            elif result.text is not None:
                out.write(result.text)
            progress.update(done, failed)
    finally:
        progress.close()
        if out is not sys.stdout:
            out.close()
    if len(plan) != 1 or failed:
        print(f"newsevent: {done - failed} converted, {failed} failed", file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK


# ------------------------------------------------------------------ validate


def _validate(args: argparse.Namespace) -> int:
    count = bad = 0
    for result in iter_load(args.paths, format=args.from_):
        count += 1
        if result.error is not None:
            bad += 1
            print(_error_text(result.error, result.path))
    print(f"newsevent: {count} checked, {bad} with problems", file=sys.stderr)
    return EXIT_FAILED if bad or count == 0 else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``)."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command in _portal_cli.COMMANDS:
        return _portal_cli.run(args, parser)
    if args.command == "example":
        sys.stdout.write(_render(_api.parse(_api.example()), args.to, args.indent))
        return EXIT_OK
    if args.command == "schema":
        sys.stdout.write(_json_module.schema() if args.kind == "json" else _xml_module.xsd())
        return EXIT_OK
    if args.command == "validate":
        for p in args.paths:
            if not os.path.exists(p):
                print(f"{p}: no such file or directory")
                return EXIT_FAILED
        return _validate(args)
    return _convert(args, parser)
