"""The ``newsevent`` command: convert, validate, schema, example."""

from __future__ import annotations

import argparse
import codecs
import collections
import itertools
import os
import signal
import sys
from collections.abc import Iterator, Sequence
from functools import partial
from typing import NamedTuple

from . import _api, _commands, _json, _md
from . import json as _json_module
from ._atomic import AtomicWriter, remove_stale, write_bytes
from ._errors import ParseError
from ._model import Page
from ._runs import (
    Hold,
    Progress,
    Stop,
    Unwritable,
    Usage,
    WorkerDied,
    Workers,
    check_sources,
    each,
    error_text,
    exclude,
    ignore_signals,
    prepare_dir,
    ready_folder,
    say,
    stop_on_signals,
    stop_status,
    why,
)
from ._stream import SUFFIXES, Problem, Skipped, iter_load, load_regular, scan

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
SUFFIX = {name: fmt.suffixes[0] for name, fmt in _api.FORMATS.items()}  # .md, .json, …
FORMAT_NAMES = sorted(_api.FORMATS)


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


def _write_error(exc: OSError, target: str) -> str:
    where = exc.filename if isinstance(exc.filename, str) and exc.filename else target
    if os.path.basename(where).startswith("."):  # a temporary file: name the target
        where = target
    return f"cannot write {where}: {why(exc)}"


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
        return _Done(task.source, FAILED, None, error_text(exc, task.source))
    except Exception as exc:  # a bug: report it against the file and go on
        msg = f"{task.source}: internal error: {type(exc).__name__}: {exc}"
        return _Done(task.source, FAILED, None, msg)
    data = text.encode("utf-8")
    if target is None:
        return _Done(task.source, DONE, data)
    try:
        ready_folder(os.path.dirname(target) or ".", _MADE)
    except Unwritable as exc:
        return _Done(task.source, UNWRITABLE, None, str(exc))
    try:
        write_bytes(target, data, durable=task.durable)
    except OSError as exc:
        return _Done(task.source, UNWRITABLE, None, _write_error(exc, target))
    return _Done(task.source, DONE)


def _convert_chunk(tasks: list[_Task] | tuple[_Task, list[str]], join: bool) -> list[_Done]:
    """Convert a chunk of tasks in a worker process.

    ``join``: hand back each run of alike pages as one result (:func:`_joined`).
    """
    if isinstance(tasks, tuple):  # one task and the sources it stands for
        first, sources = tasks
        rest = first[1:]
        tasks = [_Task(path, *rest) for path in sources]
    done = list(each(tasks, _convert_one, _unwritable))
    return _joined(done) if join else done


def _unwritable(result: _Done) -> bool:
    return result.status == UNWRITABLE


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


def _prepare_parent(target: str) -> None:
    folder = os.path.dirname(target)
    if folder:
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as exc:
            where = exc.filename or folder
            msg = f"cannot create directory {where} for {target}: {why(exc)}"
            raise Unwritable(msg) from None
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
        raise Usage("several inputs or a directory need -o DIR or --jsonl")
    if to_dir and os.path.isfile(args.output):
        raise Usage(f"output {args.output!r} is a file; several inputs need an output directory")
    if args.update and (args.output is None or args.jsonl):
        raise Usage("--update needs -o (an output file or directory to compare with)")
    if to_dir:
        prepare_dir(args.output)
    elif args.output is not None:
        _prepare_parent(args.output)
    output = exclude(args.output) if args.output is not None else set()
    return _Setup(to_dir, output, to_dir or (args.output is not None and not args.jsonl))


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


class _Out:
    """Where converted text goes: standard output or one file written atomically."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        try:
            self.file = AtomicWriter(path) if path is not None else None
        except OSError as exc:
            raise Unwritable(_write_error(exc, str(path))) from None

    def write(self, data: bytes) -> None:
        if self.file is not None:
            try:
                self.file.write(data)
            except OSError as exc:
                raise Unwritable(_write_error(exc, str(self.path))) from None
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
                raise Unwritable(_write_error(exc, str(self.path))) from None
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
        raise Unwritable(f"cannot write standard output: {why(exc)}") from None
    except UnicodeEncodeError as exc:
        raise Unwritable(
            f"cannot write standard output: its encoding, {exc.encoding}, cannot hold "
            f"{exc.object[exc.start]!r}; write to a file with -o, or set PYTHONIOENCODING=utf-8"
        ) from None


def _utf8_stdout() -> bool:
    return codecs.lookup(sys.stdout.encoding or "ascii").name == "utf-8"


def _stdin(args: argparse.Namespace) -> int:
    if args.update:
        raise Usage("--update needs a source file to compare with, not standard input")
    try:
        page = _api.loads(sys.stdin.buffer.read(), args.from_)
    except ParseError as exc:
        say(error_text(exc, "<stdin>"))
        return EXIT_FAILED
    text = _render(page, args.to, None if args.jsonl else args.indent, args.canonical)
    if args.output and not args.jsonl:
        _prepare_parent(args.output)
        try:
            write_bytes(args.output, text.encode("utf-8"))
        except OSError as exc:
            raise Unwritable(_write_error(exc, args.output)) from None
    else:
        _stdout(text)
        _stdout(None)
    return EXIT_OK


def _convert(args: argparse.Namespace) -> int:
    if args.canonical and args.to != "markdown":
        raise Usage("--canonical goes with --to markdown")
    if args.jsonl and args.to != "json":
        raise Usage("--jsonl writes JSON: use it with --to json")
    if args.to == "parquet":
        from . import _parquet_cli

        return _parquet_cli.convert(args)
    if args.sources == ["-"]:
        return _stdin(args)
    if "-" in args.sources:
        raise Usage("'-' (standard input) cannot be mixed with other sources")
    if args.jobs < 1:
        raise Usage("--jobs must be at least 1")
    errors = check_sources(args.sources)
    for msg in errors:
        say(msg)
    if errors:
        return EXIT_FAILED
    setup = _prepare(args)
    count: collections.Counter[str] = collections.Counter()
    # JSON Lines from a tree with --jobs N: the workers start at once and take the tasks as
    # the walk finds them (a progress bar, which needs the total, walks the tree first).
    lazy = (
        args.jsonl
        and args.jobs > 1
        and not Progress.wanted(args.progress, sys.stderr)
        and any(os.path.isdir(s) for s in args.sources)
    )
    walk = _Walked()

    def report(problem: Problem) -> None:
        walk.problems += 1
        count[SKIPPED if isinstance(problem.error, Skipped) else FAILED] += 1
        progress.message(error_text(problem.error, problem.path))

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
        progress = Progress(args.progress, sys.stderr, 0)
    else:
        plan, problems = _plan(args, setup)
        walk.tasks, walk.ended = len(plan), True
        progress = Progress(args.progress, sys.stderr, len(plan))
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
        with Hold():
            if result.text is not None and out is not None:
                out.write(result.text)  # (counted once written)
            count[result.status] += result.pages
        if result.message is not None:
            progress.message(result.message)
        if progress.on:
            progress.update(sum(count[k] for k in (DONE, FAILED, SKIPPED, CURRENT)), count[FAILED])
        return True

    jobs = args.jobs if lazy else min(args.jobs, len(plan))
    workers: Workers | None = None
    if args.jsonl:
        out = _Out(args.output)  # (its temporary file is removed in the finally below)
    elif plan and plan[0].target is None:
        out = _Out(None)
    # Runs of pages can be written at once unless each page's text is encoded for a
    # standard output that is not UTF-8 (a page it cannot hold ends the run at that page).
    join = out is None or out.path is not None or _utf8_stdout()
    try:
        if lazy:
            workers = Workers(
                jobs, partial(_convert_chunk, join=join), partial(_set_inputs, frozenset())
            )
            stream = workers.map(tasks(), 64, not setup.writes)
        elif jobs > 1:
            start = partial(_set_inputs, frozenset(_INPUTS))
            workers = Workers(jobs, partial(_convert_chunk, join=join), start)
            size = max(1, min(64, len(plan) // (jobs * 8)))
            stream = workers.map(plan, size, not setup.writes)
        else:
            stream = each(plan, _convert_one, _unwritable)
        finished = all(take(result) for result in stream)
        if out is not None and finished:
            out.finish(keep=True)
    except (KeyboardInterrupt, Stop) as exc:
        ignore_signals()
        status = stop_status(exc)
    except (Unwritable, WorkerDied) as exc:
        fatal = str(exc)
    except _PipeClosed:
        ignore_signals()
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
        say(fatal)
    interrupted = status != EXIT_OK
    if walk.tasks != 1 or count[FAILED] or interrupted:
        text = _summary(count, walk.tasks + walk.problems, interrupted, fatal is not None, out)
        say(text if walk.ended else text + ", the rest of the inputs not looked at")
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
    errors = check_sources(args.paths)
    for msg in errors:
        say(msg)
    if errors:
        return EXIT_FAILED
    count = bad = 0
    try:
        for result in iter_load(args.paths, format=args.from_):
            if isinstance(result.error, Skipped):
                say(str(result.error))
                continue
            count += 1
            if result.error is not None:
                bad += 1
                print(error_text(result.error, result.path))
    except (KeyboardInterrupt, Stop) as exc:
        say(f"interrupted: {count} checked, {bad} with problems")
        return stop_status(exc)
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
        with stop_on_signals():
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
    except Usage as exc:
        parser.error(str(exc))
    except Unwritable as exc:
        say(str(exc))
        return EXIT_FAILED
    except _PipeClosed:
        _quiet_stdout()
        return 128 + getattr(signal, "SIGPIPE", 13)
    except (KeyboardInterrupt, Stop) as exc:
        say("interrupted")
        return stop_status(exc)
