"""Throughput of newsevent over the shared corpus, against mistune in the same process.

    python bench/bench.py [--repeat N] [--corpus DIR]

Every measurement is the best of N interleaved rounds, so that a noisy neighbour slows both
sides of a ratio alike.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import mistune

import newsevent
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


def best(rounds: int, jobs: dict[str, Callable[[], object]]) -> dict[str, float]:
    times = {name: float("inf") for name in jobs}
    for _ in range(rounds):
        for name, job in jobs.items():
            t = time.perf_counter()
            job()
            times[name] = min(times[name], time.perf_counter() - t)
    return times


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--corpus")
    args = ap.parse_args(argv)
    texts = event_texts(corpus_dir(args.corpus))
    n = len(texts)
    md = mistune.create_markdown(renderer=None)
    events = [nemd.loads(t) for t in texts]
    docs = [nejson.dumps(e) for e in events]
    t = best(
        args.repeat,
        {
            "mistune": lambda: [md(s) for s in texts],
            "newsevent markdown loads": lambda: [nemd.loads(s) for s in texts],
            "newsevent markdown dumps": lambda: [nemd.dumps(e) for e in events],
            "newsevent json dumps": lambda: [nejson.dumps(e) for e in events],
            "newsevent json loads": lambda: [nejson.loads(d) for d in docs],
        },
    )
    print(f"{n} event pages, best of {args.repeat} rounds (newsevent {newsevent.__version__})")
    base = n / t["mistune"]
    for name, secs in t.items():
        rate = n / secs
        print(f"  {name:28s} {rate:10.0f} files/s   {rate / base:6.2f}x mistune")
    ratio = t["mistune"] / t["newsevent markdown loads"]
    print(f"Markdown -> Event vs mistune.create_markdown(renderer=None): {ratio:.1f}x (target 10x)")


if __name__ == "__main__":
    main()
