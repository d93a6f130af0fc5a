"""Throughput and memory of newsevent over the shared corpus, against baselines run alike.

    python bench/bench.py [--repeat N] [--corpus DIR] [--skip-cli]

1. Markdown -> Event against the other Markdown parsers over the same texts, every ratio
   against mistune.create_markdown(renderer=None): markdown-it-py tokens, pyromark events
   (Rust), markdown-it-pyrs tree (Rust) and cmarkgfm markdown_to_html (C), those installed
   (`pip install -e '.[bench]'` installs them all).
2. JSON dumps and loads of every event.
3. Day pages: loads and dumps per format.
4. `newsevent convert CORPUS --to json -o DIR` with --jobs 2 against --jobs 1.
5. Peak RSS of iterating newsevent.iter_load over the whole corpus against a tenth of it.

Every measurement is the best of N interleaved rounds, so that a noisy neighbour slows both
sides of a ratio alike.
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import mistune

import newsevent
from newsevent import _text
from newsevent import json as nejson
from newsevent import markdown as nemd

HERE = Path(__file__).resolve().parent


def corpus_dir(arg: str | None) -> Path:
    path = Path(
        arg or os.environ.get("NEWSEVENT_CORPUS") or HERE.parent.parent / "shared" / "corpus"
    )
    if not (path / "README.md").is_file():
        raise SystemExit(f"no corpus at {path}; pass --corpus or set NEWSEVENT_CORPUS")
    return path


def event_texts(root: Path) -> list[str]:
    return [
        p.read_text("utf-8")
        for p in sorted(root.rglob("*.md"))
        if p.name not in ("index.md", "README.md") and "news" in p.parts
    ]


def listing_texts(root: Path) -> list[str]:
    return [
        p.read_text("utf-8")
        for p in sorted(root.rglob("*.md"))
        if p.name in ("index.md", "README.md") and "news" in p.parts
    ]


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
    for _ in range(rounds):
        for name, job in jobs.items():
            _text.clear_caches()  # every round starts cold: no credit for an earlier round
            t = time.perf_counter()
            job()
            times[name] = min(times[name], time.perf_counter() - t)
    return times


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--corpus")
    ap.add_argument("--skip-cli", action="store_true", help="leave out the --jobs comparison")
    args = ap.parse_args(argv)
    texts = event_texts(corpus_dir(args.corpus))
    n = len(texts)
    others, missing = peers()
    events = [nemd.loads(t) for t in texts]
    docs = [nejson.dumps(e) for e in events]
    jobs_: dict[str, Callable[[], object]] = {
        name: lambda parse=parse: [parse(s) for s in texts] for name, parse in others.items()
    }
    jobs_.update(
        {
            "newsevent markdown loads": lambda: [nemd.loads(s) for s in texts],
            "newsevent markdown dumps": lambda: [nemd.dumps(e) for e in events],
            "newsevent json dumps": lambda: [nejson.dumps(e) for e in events],
            "newsevent json loads": lambda: [nejson.loads(d) for d in docs],
        }
    )
    t = best(args.repeat, jobs_)
    print(f"{n} event pages, best of {args.repeat} rounds (newsevent {newsevent.__version__})")
    base = n / t["mistune AST"]
    for name, secs in t.items():
        rate = n / secs
        print(f"  {name:30s} {rate:10.0f} files/s   {rate / base:6.2f}x mistune")
    if missing:
        print(f"  (not installed: {', '.join(missing)}; pip install -e '.[bench]')")
    for name in others:
        if name != "mistune AST":
            ratio = t[name] / t["newsevent markdown loads"]
            print(f"Markdown -> Event vs {name}: {ratio:.2f}x (target 1.0x or more)")

    root = corpus_dir(args.corpus)
    days_md = listing_texts(root)
    days = [nemd.loads(t) for t in days_md]
    texts_by_fmt = {f: [newsevent.dumps(d, f) for d in days] for f in ("json", "xml", "html")}
    jobs: dict[str, Callable[[], object]] = {
        "markdown loads": lambda: [nemd.loads(t) for t in days_md],
        "markdown dumps": lambda: [nemd.dumps(d) for d in days],
    }
    for fmt, docs_f in texts_by_fmt.items():
        jobs[f"{fmt} loads"] = lambda fmt=fmt, docs_f=docs_f: [
            newsevent.loads(d, fmt) for d in docs_f
        ]
        jobs[f"{fmt} dumps"] = lambda fmt=fmt: [newsevent.dumps(d, fmt) for d in days]
    t = best(args.repeat, jobs)
    print(f"\n{len(days)} day pages, best of {args.repeat} rounds")
    for name, secs in t.items():
        print(f"  day pages {name:20s} {len(days) / secs:10.0f} files/s")

    if not args.skip_cli:
        cli_jobs(root, args.repeat)
    memory(root)


def cli_jobs(root: Path, rounds: int) -> None:
    """Whole-corpus Markdown -> JSON through the real command, --jobs 2 against --jobs 1."""
    exe = shutil.which("newsevent", path=str(Path(sys.executable).parent)) or "newsevent"
    times = {"1": float("inf"), "2": float("inf")}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(rounds):
            for j in times:
                out = os.path.join(tmp, f"out-{r}-{j}")  # fresh folder: no deletes in the timing
                cmd = [exe, "convert", str(root), "--to", "json", "-o", out, "--jobs", j]
                start = time.perf_counter()
                subprocess.run(cmd, stderr=subprocess.DEVNULL, check=False)
                times[j] = min(times[j], time.perf_counter() - start)
    print(f"\nnewsevent convert CORPUS --to json, best of {rounds}:")
    total = sum(1 for _ in newsevent.iter_files(root))
    print(
        f"  --jobs 1 {times['1']:6.2f} s ({total / times['1']:.0f} files/s)   "
        f"--jobs 2 {times['2']:6.2f} s ({total / times['2']:.0f} files/s)"
    )
    print(f"  speed-up with 2 jobs: {times['1'] / times['2']:.2f}x (target 1.6x on 2 cores)")


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


def memory(root: Path) -> None:
    """Peak RSS of a whole-corpus iteration against a tenth of it, each in a fresh process."""
    total = sum(1 for _ in itertools.islice(newsevent.iter_files(root), None))
    rss = {}
    for label, n in (("a tenth", total // 10), ("all", 0)):
        out = subprocess.run(
            [sys.executable, "-c", _RSS, str(root), str(n)], capture_output=True, text=True
        )
        rss[label] = int(out.stdout.strip()) / 1024
    print(
        f"\niter_load peak RSS: {total // 10} files {rss['a tenth']:.1f} MiB, "
        f"{total} files {rss['all']:.1f} MiB ({rss['all'] / rss['a tenth']:.2f}x)"
    )


if __name__ == "__main__":
    main()
