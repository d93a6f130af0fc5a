"""`newsevent site` over the shared corpus: clean build and no-change rebuild, wall time.

    python bench/bench_site.py [--repeat N] [--corpus DIR] [--jobs N]

Builds the English and the Chinese edition (each its own site, about 12,400 pages and
49,700 files in all) into an empty folder, then runs the same command again (nothing
changed: nothing is written), and against both the time of `newsevent convert CORPUS --to
html -o DIR` of the same pages (one format instead of four, no links rewritten), run the
same way. Best of N interleaved rounds.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _run(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "newsevent", *args], check=False, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--repeat", type=int, default=1)
    root = Path(__file__).resolve().parents[1]
    p.add_argument(
        "--corpus",
        default=os.environ.get("NEWSEVENT_CORPUS", str(root.parent / "shared" / "corpus")),
    )
    p.add_argument("--jobs", type=int, default=2)
    a = p.parse_args()
    if not (Path(a.corpus) / "zh").is_dir():
        sys.exit(f"no corpus at {a.corpus} (--corpus DIR or NEWSEVENT_CORPUS)")
    best: dict[str, float] = {}
    for _ in range(a.repeat):
        tmp = Path(tempfile.mkdtemp())
        try:
            times = {"clean build": 0.0, "rebuild, nothing changed": 0.0, "convert --to html": 0.0}
            for edition in ("en", "zh"):
                src, out = str(Path(a.corpus) / edition), str(tmp / edition)
                jobs = ["--jobs", str(a.jobs)]
                times["clean build"] += _run(["site", src, "-o", out, *jobs])
                times["rebuild, nothing changed"] += _run(["site", src, "-o", out, *jobs])
                conv = str(tmp / f"conv-{edition}")
                times["convert --to html"] += _run(
                    ["convert", src, "--to", "html", "-o", conv, *jobs]
                )
            for k, v in times.items():
                best[k] = min(best.get(k, v), v)
        finally:
            shutil.rmtree(tmp)
    for k, v in best.items():
        print(f"{k:>26}: {v:6.1f} s (--jobs {a.jobs})")
    print(f"{'site / convert':>26}: {best['clean build'] / best['convert --to html']:6.2f}")


if __name__ == "__main__":
    main()
