"""The ``newsevent`` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import _api
from ._errors import ParseError
from ._model import Page

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="newsevent",
        description="Convert news-event pages between Markdown, JSON, XML and HTML.",
        epilog="Exit codes: 0 success, 1 a page could not be read, 2 usage error.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    c = sub.add_parser("convert", help="convert one page (a file or - for stdin)")
    c.add_argument("source", help="the page to read, or - for standard input")
    c.add_argument("--to", required=True, choices=sorted(_api.FORMATS), help="output format")
    c.add_argument(
        "--from", dest="from_", choices=sorted(_api.FORMATS), help="input format (default: detect)"
    )
    c.add_argument("--indent", type=int, default=None, help="indent JSON output by N spaces")
    e = sub.add_parser("example", help="print the example page bundled with newsevent")
    e.add_argument("--to", default="markdown", choices=sorted(_api.FORMATS), help="output format")
    e.add_argument("--indent", type=int, default=None, help="indent JSON output by N spaces")
    return p


def _write(ev: Page, fmt: str, indent: int | None) -> None:
    if fmt == "json" and indent is not None:
        from . import _json

        text = _json.dumps(ev, indent=indent) + "\n"
    else:
        text = _api.dumps(ev, fmt)
        if fmt == "json":
            text += "\n"
    sys.stdout.write(text)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``)."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "example":
            ev = _api.parse(_api.example())
        elif args.source == "-":
            ev = _api.loads(sys.stdin.buffer.read(), args.from_)
        else:
            ev = _api.load(args.source, args.from_)
    except ParseError as exc:
        print(f"newsevent: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as exc:
        print(f"newsevent: {exc}", file=sys.stderr)
        return EXIT_FAILED
    _write(ev, args.to, args.indent)
    return EXIT_OK
