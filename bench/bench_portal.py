"""Portal import throughput against mwparserfromhell's bare parse(), in the same run.

    python bench/bench_portal.py [--repeat N] [--corpus DIR] [--days N] [--tmp DIR]

1. newsevent.portal.read() of every corpus wikitext page (events, day page, links) against
   mwparserfromhell.parse() of the same texts (parsing only: no events are built).
   Then where the reader's time goes: read() again with each line's rendering handed back
   from a first pass (as if rendering a line cost nothing), and that rendering alone.
2. `newsevent import` of N day pages (the corpus pages repeated under other dates, default
   9,000: about 25 years of the portal) with --jobs 1 and --jobs 2, wall time and the CPU
   time of the command's processes (the summary lines of the command go to standard error),
   then the same import again (nothing to write).

Every measurement is the best of N interleaved rounds, so that a noisy neighbour slows both
sides of a ratio alike. The ratio is given in wall time and in CPU time: on a shared
machine the CPU time is the steadier one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import mwparserfromhell

from newsevent import _portal, portal

HERE = Path(__file__).resolve().parent


def corpus_dir(arg: str | None) -> Path:
    path = Path(
        arg or os.environ.get("NEWSEVENT_CORPUS") or HERE.parent.parent / "shared" / "corpus"
    )
    if not (path / "wikitext").is_dir():
        sys.exit(f"no corpus wikitext under {path}")
    return path


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    """Wall time and CPU time of fn()."""
    t, c = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - t, time.process_time() - c


def children_cpu() -> float:
    """CPU time of the finished child processes so far (0 where it is not known)."""
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def passes(fn: Callable[[str], object], texts: list[str], rounds: int) -> Callable[[], None]:
    """A run of ``fn`` over every text, ``rounds`` times."""

    def run() -> None:
        for _ in range(rounds):
            for t in texts:
                fn(t)

    return run


def stages(texts: list[str], rounds: int, repeat: int, theirs: float) -> None:
    """Print the reader's CPU time per page, whole and without rendering its lines, and
    the budget per page of the 10x goal (``theirs``: mwparserfromhell's CPU time a page)."""
    real = _portal.render
    done: dict[tuple[str, int, bool], object] = {}

    def recording(text: str, line: int, *, pipes: bool = False) -> object:
        done[text, line, pipes] = got = real(text, line, pipes=pipes)
        return got

    def replaying(text: str, line: int, *, pipes: bool = False) -> object:
        return done[text, line, pipes]

    read_all = passes(portal.read, texts, rounds)

    def render_all() -> None:
        for _ in range(rounds):
            for text, line, pipes in done:
                real(text, line, pipes=pipes)

    try:
        _portal.render = recording  # type: ignore[assignment]
        read_all()
        _portal.render = replaying  # type: ignore[assignment]
        free = min(timed(read_all)[1] for _ in range(repeat))
    finally:
        _portal.render = real
    alone = min(timed(render_all)[1] for _ in range(repeat))
    n = rounds * len(texts)
    print(
        f"per page: rendering its lines {alone / n * 1e6:.0f} us; the rest of portal.read "
        f"{free / n * 1e6:.0f} us, against {theirs / 10 * 1e6:.0f} us for all of it at 10x "
        f"(with rendering free, {theirs / free * n:.1f}x)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--corpus")
    ap.add_argument("--days", type=int, default=9000)
    ap.add_argument("--tmp", help="where to write the pages and archives (default: the system's)")
    args = ap.parse_args()
    root = corpus_dir(args.corpus)
    texts = [p.read_text("utf-8") for p in sorted((root / "wikitext").rglob("*.wiki"))]
    rounds = max(1, 2000 // len(texts))
    print(f"{len(texts)} pages, {sum(map(len, texts)):,} characters; {rounds} passes per timing")

    ours = passes(portal.read, texts, rounds)
    theirs = passes(mwparserfromhell.parse, texts, rounds)

    a = b = ac = bc = float("inf")
    for _ in range(args.repeat):  # interleaved
        wall, cpu = timed(ours)
        a, ac = min(a, wall), min(ac, cpu)
        wall, cpu = timed(theirs)
        b, bc = min(b, wall), min(bc, cpu)
    n = rounds * len(texts)
    print(f"portal.read:             {n / a:8.0f} pages/s ({n / ac:.0f} per CPU second)")
    print(f"mwparserfromhell.parse:  {n / b:8.0f} pages/s ({n / bc:.0f} per CPU second)")
    print(f"ratio: {b / a:.1f}x, in CPU time {bc / ac:.1f}x (goal: at least 10x)")
    stages(texts, rounds, args.repeat, bc / n)

    if args.days < 1:
        return
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        src = Path(tmp) / "wikitext"
        start = dt.date(2001, 1, 1)
        for k in range(args.days):
            d = start + dt.timedelta(days=k)
            text = re.sub(
                r"\|year=\d+\|month=\d+\|day=\d+",
                f"|year={d.year}|month={d.month:02d}|day={d.day}",
                texts[k % len(texts)],
                count=1,
            )
            path = src / f"{d.year}" / f"{d.month:02d}" / f"{d.isoformat()}.wiki"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, "utf-8")
        cmd = [sys.executable, "-m", "newsevent", "import", str(src)]
        rounds = min(args.repeat, 2)

        def run(out: Path, jobs: int) -> tuple[float, float]:
            t, c = time.perf_counter(), children_cpu()
            subprocess.run([*cmd, "-o", str(out), "--jobs", str(jobs)], check=True)
            return time.perf_counter() - t, children_cpu() - c

        for jobs in (1, 2):
            runs = [run(Path(tmp) / f"archive-{jobs}-{r}", jobs) for r in range(rounds)]
            wall, cpu = min(w for w, _ in runs), min(c for _, c in runs)
            print(
                f"import of {args.days} days, --jobs {jobs}: {wall:.1f} s, {cpu:.1f} s of CPU "
                "(goal: under 5 s)"
            )
        # Again into the same archive: every page is unchanged, nothing is written.
        runs = [run(Path(tmp) / f"archive-2-{rounds - 1}", 2) for _ in range(rounds)]
        wall, cpu = min(w for w, _ in runs), min(c for _, c in runs)
        print(
            f"import of the same {args.days} days again, --jobs 2: {wall:.1f} s, {cpu:.1f} s of CPU"
        )


if __name__ == "__main__":
    main()
