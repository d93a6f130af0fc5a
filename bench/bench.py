"""Throughput and memory of newsevent over the shared corpus, against peers run alike.

    python bench/bench.py [--repeat N] [--corpus DIR] [--skip-cli] [--write-docs]

Everything issue 8 asks for, in one run:

1. Markdown -> Event over the event pages against the other Markdown parsers over the same
   texts: mistune.create_markdown(renderer=None), markdown-it-py tokens, pyromark events
   (Rust), markdown-it-pyrs tree (Rust) and cmarkgfm markdown_to_html (C); every ratio against
   mistune, and newsevent against cmarkgfm (`pip install -e '.[bench]'` installs them all).
2. Markdown writing of the parsed pages and of the same pages built in code (no spelling),
   against reading.
3. JSON dumps and loads of every event page; loads against the issue's baseline and against
   json.loads alone of the same documents.
4. XML and HTML (and Markdown, JSON) reading and writing of day pages and event pages.
5. The real command in subprocesses: `convert CORPUS --to json --jsonl -o FILE` with --jobs 1
   and 2, `convert CORPUS --to json -o DIR` with --jobs 2, the start-up cost (one page) and
   --jsonl --jobs 2 over an archive of the corpus's news pages eight times (about 100,000).
6. Peak RSS of iterating newsevent.iter_load over a tenth, half and all of the corpus.

Every measurement is the best of N interleaved rounds, so that a noisy neighbour slows both
sides of a ratio alike. The in-process fixtures are frozen out of the cyclic garbage
collector (gc.freeze) while they are timed, so that no job pays for scanning them.
--write-docs rewrites the table in docs/index.md between its markers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import attrs
import mistune

import newsevent
from newsevent import _text
from newsevent import json as nejson
from newsevent import markdown as nemd

HERE = Path(__file__).resolve().parent
DOCS = HERE.parent / "docs" / "index.md"
START = "<!-- bench:start -->"
END = "<!-- bench:end -->"

# The figures issue 8 reports for the code before it (pages/s on the same machine); the
# upper end of each range it gives, so that "2x today" is read strictly.
JSON_LOADS_BEFORE = 11_000
DAY_READ_BEFORE = 3_500
FORMATS = {"markdown": "Markdown", "json": "JSON", "xml": "XML", "html": "HTML"}
COPIES = 8  # the corpus's news pages this many times: about a 100,000-page archive


@dataclass(frozen=True)
class Target:
    """A bound on a row's value (``on="value"``) or on its ratio; ``most``: an upper bound."""

    bound: float
    on: str = "ratio"
    most: bool = False

    def met(self, row: Row) -> bool:
        got = row.ratio if self.on == "ratio" else row.value
        assert got is not None, f"{row.what}: a ratio target needs a ratio"
        return got <= self.bound if self.most else got >= self.bound

    def text(self, row: Row) -> str:
        sign = "<=" if self.most else ">="
        if self.on == "ratio":
            return f"{sign} {self.bound:.2f}x {row.ratio_of}"
        return f"{sign} {fmt_value(self.bound, row.unit)}"


@dataclass(frozen=True)
class Row:
    """One measurement of the table: what, its figure, a ratio and the target it has."""

    what: str
    value: float
    unit: str  # "pages/s", "s", "MiB" or "x"
    ratio: float | None = None
    ratio_of: str = ""
    target: Target | None = None


def fmt_value(value: float, unit: str) -> str:
    if unit == "pages/s":
        return f"{value:,.0f} pages/s"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "MiB":
        return f"{value:.1f} MiB"
    if unit == "x":
        return f"{value:.2f}x"
    raise ValueError(f"unknown unit {unit!r}")


HEADER = "| measurement | figure | ratio | target | met |\n|---|---|---|---|---|\n"


def render_table(rows: Sequence[Row], stamp: str) -> str:
    """The Markdown table of ``rows`` and the line ``stamp`` that says how it was measured."""
    lines = [HEADER]
    for row in rows:
        ratio = "-" if row.ratio is None else f"{row.ratio:.2f}x {row.ratio_of}"
        target = "-" if row.target is None else row.target.text(row)
        met = "-" if row.target is None else ("yes" if row.target.met(row) else "no")
        cells = (row.what, fmt_value(row.value, row.unit), ratio, target, met)
        lines.append("| " + " | ".join(cells) + " |\n")
    return "".join(lines) + "\n" + stamp + "\n"


def render_text(rows: Sequence[Row]) -> str:
    """The same rows as aligned plain text, for the terminal."""
    out = []
    for row in rows:
        ratio = "" if row.ratio is None else f"{row.ratio:6.2f}x {row.ratio_of}"
        target = ""
        if row.target is not None:
            verdict = "met" if row.target.met(row) else "NOT met"
            target = f"  (target {row.target.text(row)}: {verdict})"
        out.append(f"  {row.what:58s} {fmt_value(row.value, row.unit):>16s}  {ratio}{target}")
    return "\n".join(out)


def stamp(rounds: int, argv: Sequence[str], today: dt.date) -> str:
    """When, where and by which command the figures were measured."""
    command = " ".join(["python bench/bench.py", *argv])
    return (
        f"Measured {today.isoformat()} on {os.cpu_count()} CPUs ({platform.machine()}), "
        f"Python {platform.python_version()}, newsevent {newsevent.__version__}, "
        f"best of {rounds} rounds: `{command}`."
    )


def write_docs(table: str, path: Path = DOCS) -> None:
    """Put ``table`` between the markers of ``path``, leaving the rest as it is."""
    text = path.read_text("utf-8")
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise SystemExit(f"{path}: no {START} ... {END} markers")
    head = text[: start + len(START)]
    # blank lines apart from the comments, so that Markdown reads the table as a table
    path.write_text(head + "\n\n" + table + "\n" + text[end:], "utf-8")


def corpus_dir(arg: str | None) -> Path:
    path = Path(
        arg or os.environ.get("NEWSEVENT_CORPUS") or HERE.parent.parent / "shared" / "corpus"
    )
    if not (path / "README.md").is_file():
        raise SystemExit(f"no corpus at {path}; pass --corpus or set NEWSEVENT_CORPUS")
    return path


def news_pages(root: Path) -> list[Path]:
    """Event and day pages: the Markdown files under a ``news`` folder."""
    return [p for p in sorted(root.rglob("*.md")) if "news" in p.parts]


def is_day(p: Path) -> bool:
    return p.name in ("index.md", "README.md")


def peers() -> tuple[dict[str, Callable[[str], object]], list[str]]:
    """The other parsers, each called the way it is fastest, and the names of those missing."""
    found: dict[str, Callable[[str], object]] = {
        "mistune AST": mistune.create_markdown(renderer=None)
    }
    missing = []
    try:
        from markdown_it import MarkdownIt

        found["markdown-it-py tokens"] = MarkdownIt("commonmark").parse
    except ImportError:
        missing.append("markdown-it-py")
    try:
        import pyromark

        # events() is lazy: the list makes it parse the whole page, as the others do.
        found["pyromark events (Rust)"] = lambda s: list(pyromark.events(s))
    except ImportError:
        missing.append("pyromark")
    try:
        import markdown_it_pyrs

        found["markdown-it-pyrs tree (Rust)"] = markdown_it_pyrs.MarkdownIt("commonmark").tree
    except ImportError:
        missing.append("markdown-it-pyrs")
    try:
        import cmarkgfm

        found["cmarkgfm to HTML (C)"] = cmarkgfm.markdown_to_html
    except ImportError:
        missing.append("cmarkgfm")
    return found, missing


def best(rounds: int, jobs: dict[str, Callable[[], object]]) -> dict[str, float]:
    times = {name: float("inf") for name in jobs}
    # The inputs and parsed pages the jobs share (a few million objects) are set aside from
    # the cyclic garbage collector: a collection that a job's own allocations trigger would
    # otherwise scan them all, charging the bench's fixtures to the job that allocates most.
    # The collections of what each job creates are still counted.
    gc.collect()
    gc.freeze()
    try:
        for _ in range(rounds):
            for name, job in jobs.items():
                _text.clear_caches()  # every round starts cold: no credit for an earlier round
                t = time.perf_counter()
                job()
                times[name] = min(times[name], time.perf_counter() - t)
    finally:
        gc.unfreeze()
    return times


def in_process(root: Path, rounds: int) -> list[Row]:
    """Sections 1 to 4: the readers and writers against their peers, interleaved."""
    pages = news_pages(root)
    texts = [p.read_text("utf-8") for p in pages if not is_day(p)]
    days_md = [p.read_text("utf-8") for p in pages if is_day(p)]
    others, missing = peers()
    if missing:
        print(f"(not installed: {', '.join(missing)}; pip install -e '.[bench]')")
    events = [nemd.loads(t) for t in texts]
    built = [attrs.evolve(e, spelling=None) for e in events]
    assert all(e.spelling is None for e in built)
    docs = [nejson.dumps(e) for e in events]
    dicts = [json.loads(d) for d in docs]
    days = [nemd.loads(t) for t in days_md]
    by_fmt = {
        f"{kind} {fmt}": [newsevent.dumps(x, fmt) for x in pages_]
        for kind, pages_ in (("day", days), ("event", events))
        for fmt in ("json", "xml", "html")
    }
    jobs: dict[str, Callable[[], object]] = {
        name: lambda parse=parse: [parse(s) for s in texts] for name, parse in others.items()
    }
    jobs.update(
        {
            "md loads": lambda: [nemd.loads(s) for s in texts],
            "md dumps parsed": lambda: [nemd.dumps(e) for e in events],
            "md dumps built": lambda: [nemd.dumps(e) for e in built],
            "json dumps": lambda: [nejson.dumps(e) for e in events],
            "json.dumps": lambda: [json.dumps(d, ensure_ascii=False) for d in dicts],
            "json loads": lambda: [nejson.loads(d) for d in docs],
            "json.loads": lambda: [json.loads(d) for d in docs],
            "day markdown loads": lambda: [nemd.loads(t) for t in days_md],
            "day markdown dumps": lambda: [nemd.dumps(d) for d in days],
        }
    )
    for kind, objs in (("day", days), ("event", events)):
        for fmt in ("json", "xml", "html"):
            if kind == "event" and fmt == "json":
                continue  # measured above
            docs_f = by_fmt[f"{kind} {fmt}"]
            jobs[f"{kind} {fmt} loads"] = lambda fmt=fmt, docs_f=docs_f: [
                newsevent.loads(d, fmt) for d in docs_f
            ]
            jobs[f"{kind} {fmt} dumps"] = lambda fmt=fmt, objs=objs: [
                newsevent.dumps(x, fmt) for x in objs
            ]
    t = best(rounds, jobs)
    n, nd = len(texts), len(days)
    rate = {name: (nd if name.startswith("day ") else n) / secs for name, secs in t.items()}

    rows = []
    mistune_rate = rate["mistune AST"]
    for name in others:
        rows.append(
            Row(
                f"Markdown, {n:,} event pages: {name}",
                rate[name],
                "pages/s",
                rate[name] / mistune_rate,
                "mistune",
            )
        )
    cmark = "cmarkgfm to HTML (C)"
    md = rate["md loads"]
    rows.append(
        Row(
            f"Markdown -> Event, {n:,} event pages: newsevent",
            md,
            "pages/s",
            md / mistune_rate,
            "mistune",
        )
    )
    if cmark in rate:
        rows.append(
            Row(
                "Markdown -> Event: newsevent against cmarkgfm",
                md,
                "pages/s",
                md / rate[cmark],
                "cmarkgfm",
                Target(1.0),
            )
        )
    for key, what in (("parsed", "parsed pages"), ("built", "pages built in code")):
        r = rate[f"md dumps {key}"]
        rows.append(Row(f"Markdown writing, {what}", r, "pages/s", r / md, "reading", Target(1.0)))
    rows += [
        Row(
            "JSON dumps, event pages",
            rate["json dumps"],
            "pages/s",
            rate["json dumps"] / rate["json.dumps"],
            "json.dumps alone",
        ),
        Row(
            "JSON loads, event pages",
            rate["json loads"],
            "pages/s",
            rate["json loads"] / JSON_LOADS_BEFORE,
            f"{JSON_LOADS_BEFORE:,} (before)",
            Target(2.0),
        ),
        Row(
            "JSON loads against json.loads alone",
            rate["json loads"],
            "pages/s",
            rate["json loads"] / rate["json.loads"],
            "json.loads",
        ),
    ]
    for kind, count in (("day", nd), ("event", n)):
        for fmt in ("markdown", "json", "xml", "html"):
            for op in ("loads", "dumps"):
                key = f"{kind} {fmt} {op}"
                if key not in rate:
                    continue
                what = f"{FORMATS[fmt]} {op}, {count:,} {kind} pages"
                if kind == "day" and op == "loads" and fmt in ("xml", "html"):
                    before = f"{DAY_READ_BEFORE:,} (before)"
                    rows.append(
                        Row(
                            what,
                            rate[key],
                            "pages/s",
                            rate[key] / DAY_READ_BEFORE,
                            before,
                            Target(2.0),
                        )
                    )
                else:
                    rows.append(Row(what, rate[key], "pages/s"))
    return rows


class Cli:
    """Runs of the real ``newsevent`` command, each timed alone, its output removed after."""

    def __init__(self, tmp: Path) -> None:
        self.exe = shutil.which("newsevent", path=str(Path(sys.executable).parent)) or "newsevent"
        self.tmp = tmp
        self.runs = 0
        self.converted: dict[str, int] = {}

    def run(self, name: str, args: Sequence[str]) -> float:
        self.runs += 1
        out = self.tmp / f"out-{self.runs}"  # a fresh target: no deletes in the timing
        cmd = [self.exe, "convert", *args, "-o", str(out)]
        start = time.perf_counter()
        done = subprocess.run(cmd, stderr=subprocess.PIPE, text=True, check=False)
        secs = time.perf_counter() - start
        found = re.search(r"(\d+) converted", done.stderr)
        if found is not None and done.returncode in (0, 1):
            self.converted[name] = int(found.group(1))
        elif done.returncode == 0 and not done.stderr:
            self.converted[name] = 1  # one page converted: no summary
        else:
            raise SystemExit(f"{' '.join(cmd)}: exit {done.returncode}\n{done.stderr[-2000:]}")
        if out.is_dir():
            shutil.rmtree(out)
        else:
            out.unlink()
        return secs


def big_archive(root: Path, into: Path) -> int:
    """The corpus's news pages ``COPIES`` times under ``into`` (hard links where possible)."""
    pages = [p.relative_to(root) for p in news_pages(root)]
    for copy in range(COPIES):
        for folder in sorted({p.parent for p in pages}):
            (into / str(copy) / folder).mkdir(parents=True, exist_ok=True)
        for p in pages:
            try:
                os.link(root / p, into / str(copy) / p)
            except OSError:
                shutil.copyfile(root / p, into / str(copy) / p)
    return len(pages) * COPIES


def cli(root: Path, rounds: int) -> list[Row]:
    """Section 5: the real command in subprocesses, every run interleaved."""
    with tempfile.TemporaryDirectory(prefix="newsevent-bench-") as tmp_:
        tmp = Path(tmp_)
        big = tmp / "archive"
        big_archive(root, big)
        one = next(p for p in news_pages(root) if not is_day(p))
        c = Cli(tmp)
        jsonl = ["--to", "json", "--jsonl"]
        commands = {
            "start": [str(one), *jsonl, "--jobs", "2"],
            "jsonl 1": [str(root), *jsonl, "--jobs", "1"],
            "jsonl 2": [str(root), *jsonl, "--jobs", "2"],
            "dir 2": [str(root), "--to", "json", "--jobs", "2"],
            "big 2": [str(big), *jsonl, "--jobs", "2"],
        }
        t = {name: float("inf") for name in commands}
        for _ in range(rounds):
            for name, args in commands.items():
                t[name] = min(t[name], c.run(name, args))
    n = c.converted
    rate = {name: n[name] / secs for name, secs in t.items()}
    beyond = (n["big 2"] - n["start"]) / (t["big 2"] - t["start"])
    pages, big_pages = f"{n['jsonl 1']:,} pages", f"{n['big 2']:,} pages"
    return [
        Row(f"convert --jsonl --jobs 1, {pages}", rate["jsonl 1"], "pages/s"),
        Row(
            f"convert --jsonl --jobs 2, {pages}",
            rate["jsonl 2"],
            "pages/s",
            rate["jsonl 2"] / rate["jsonl 1"],
            "--jobs 1",
            Target(1.6),
        ),
        Row(
            f"convert -o DIR --jobs 2, {pages}",
            rate["dir 2"],
            "pages/s",
            target=Target(8_000, "value"),
        ),
        Row("convert --jsonl --jobs 2, start-up (one page)", t["start"], "s"),
        Row(
            f"convert --jsonl --jobs 2, {big_pages}: time",
            t["big 2"],
            "s",
            target=Target(7.0, "value", most=True),
        ),
        Row(
            f"convert --jsonl --jobs 2, {big_pages}: rate",
            rate["big 2"],
            "pages/s",
            target=Target(15_000, "value"),
        ),
        Row(
            "convert --jsonl --jobs 2, beyond start-up",
            beyond,
            "pages/s",
            target=Target(15_000, "value"),
        ),
    ]


# VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the (large) parent.
_RSS = """
import itertools, sys
import newsevent
n = int(sys.argv[2])
for r in itertools.islice(newsevent.iter_load(sys.argv[1]), n if n else None):
    pass
with open("/proc/self/status") as fh:
    print(next(int(x.split()[1]) for x in fh if x.startswith("VmHWM:")))
"""


def memory(root: Path) -> list[Row]:
    """Section 6: peak RSS of iterating a tenth, half and all of the corpus, each in a new
    process. The readers' bounded memos of lines already read fill over the first few
    thousand files; after that an archive twice as large costs no more: the target is on
    the whole corpus against its half."""
    total = sum(1 for _ in newsevent.iter_files(root))
    rss = {}
    for n in (total // 10, total // 2, 0):
        out = subprocess.run(
            [sys.executable, "-c", _RSS, str(root), str(n)], capture_output=True, text=True
        )
        rss[n] = int(out.stdout.strip()) / 1024
    tenth, half = total // 10, total // 2
    return [
        Row(f"iter_load peak RSS, {tenth:,} files", rss[tenth], "MiB"),
        Row(f"iter_load peak RSS, {half:,} files", rss[half], "MiB"),
        Row(
            f"iter_load peak RSS, {total:,} files",
            rss[0],
            "MiB",
            rss[0] / rss[half],
            "half",
            Target(1.05, most=True),
        ),
    ]


def main(argv: Sequence[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5, help="rounds; the best counts")
    ap.add_argument("--corpus", help="the corpus folder (default: ../shared/corpus)")
    ap.add_argument("--skip-cli", action="store_true", help="leave out the convert runs")
    ap.add_argument("--write-docs", action="store_true", help="rewrite the table in docs/index.md")
    args = ap.parse_args(argv)
    if args.write_docs and args.skip_cli:
        ap.error("--write-docs needs every measurement: drop --skip-cli")
    if args.write_docs and peers()[1]:
        ap.error("--write-docs needs every peer: pip install -e '.[bench]'")
    root = corpus_dir(args.corpus)
    print(f"best of {args.repeat} rounds, newsevent {newsevent.__version__}")
    rows = in_process(root, args.repeat)
    print(render_text(rows), flush=True)
    vs = next((r for r in rows if r.ratio_of == "cmarkgfm"), None)
    if vs is not None:
        print(f"newsevent vs cmarkgfm: {vs.ratio:.2f}x (target >= 1.0x)", flush=True)
    if not args.skip_cli:
        more = cli(root, args.repeat)
        print(render_text(more), flush=True)
        rows += more
    more = memory(root)
    print(render_text(more))
    rows += more
    if args.write_docs:
        write_docs(render_table(rows, stamp(args.repeat, argv, dt.date.today())))
        print(f"wrote the table to {DOCS}")


if __name__ == "__main__":
    main()
