"""Arrow and Parquet over the shared corpus: speed against JSON Lines, memory, and Dask.

    python bench/bench_arrow.py [--repeat N] [--corpus DIR] [--skip-cli] [--dask] [--times N]

1. Archive -> Parquet dataset (newsevent.arrow.write_dataset over iter_load) against
   archive -> JSON Lines (one JSON document a line, over the same iter_load), in-process.
2. The same two through the real command (`newsevent convert CORPUS --to parquet -o DIR`
   against `--to json --jsonl -o FILE`), interpreter start and imports included.
3. Peak RSS of write_dataset and of read_dataset over a tenth of the corpus, all of it and
   --times N times it (every file read N times, 10 by default), each in a fresh process.
4. With --dask: read_pages + write_dataset on a LocalCluster of 2 worker processes against
   the one-process run, per-page cost and each worker's peak RSS.

Every timing is the best of N interleaved rounds from a cold URL memo, so that a noisy
neighbour slows both sides of a ratio alike.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import newsevent
from newsevent import _text
from newsevent import arrow as na
from newsevent import json as nejson

HERE = Path(__file__).resolve().parent


def corpus_dir(arg: str | None) -> Path:
    path = Path(
        arg or os.environ.get("NEWSEVENT_CORPUS") or HERE.parent.parent / "shared" / "corpus"
    )
    if not (path / "README.md").is_file():
        raise SystemExit(f"no corpus at {path}; pass --corpus or set NEWSEVENT_CORPUS")
    return path


def best(rounds: int, jobs: dict[str, Callable[[int], object]]) -> dict[str, tuple[float, float]]:
    """Best wall-clock and best CPU time of each job over interleaved rounds."""
    times = {name: (float("inf"), float("inf")) for name in jobs}
    for r in range(rounds):
        for name, job in jobs.items():
            _text.clear_caches()
            wall, cpu = time.perf_counter(), time.process_time()
            job(r)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            times[name] = (min(times[name][0], wall), min(times[name][1], cpu))
    return times


def in_process(root: Path, rounds: int, tmp: str) -> None:
    """Archive -> JSON Lines against archive -> Parquet, in this process."""
    total = sum(1 for _ in newsevent.iter_files(root))

    def jsonl(r: int) -> None:
        with open(os.path.join(tmp, f"pages-{r}.jsonl"), "w", encoding="utf-8") as fh:
            for result in newsevent.iter_load(root):
                if result.page is not None:
                    fh.write(nejson.dumps(result.page) + "\n")

    def parquet(r: int) -> None:
        na.write_dataset(newsevent.iter_load(root), os.path.join(tmp, f"ds-{r}"), root=root)

    na.to_tables([newsevent.parse(newsevent.example())])  # pyarrow's first-use imports
    t = best(rounds, {"archive -> JSON Lines": jsonl, "archive -> Parquet": parquet})
    print(f"{total} files, best of {rounds} rounds, in-process:")
    for name, (wall, cpu) in t.items():
        print(
            f"  {name:24s} {total / wall:8.0f} pages/s  ({wall:.2f} s;"
            f" CPU {cpu:.2f} s, {total / cpu:.0f} pages/s)"
        )
    (jw, jc), (pw, pc) = t["archive -> JSON Lines"], t["archive -> Parquet"]
    print(f"  Parquet vs JSON Lines: {jw / pw:.2f}x the pages/s, {jc / pc:.2f}x in CPU time")
    size = sum(f.stat().st_size for f in Path(tmp, "ds-0").rglob("*.parquet"))
    jsize = Path(tmp, "pages-0.jsonl").stat().st_size
    print(
        f"  sizes: Parquet {size / 2**20:.1f} MiB ({size / total:.0f} B/page), "
        f"JSON Lines {jsize / 2**20:.1f} MiB"
    )


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cli(root: Path, rounds: int, tmp: str) -> None:
    """The same through the command line, one process per run; start-up measured apart."""
    exe = shutil.which("newsevent", path=str(Path(sys.executable).parent)) or "newsevent"
    total = sum(1 for _ in newsevent.iter_files(root))
    one = str(next(iter(newsevent.iter_files(root / "en-seed"))))
    runs = [(kind, src) for kind in ("jsonl", "parquet") for src in ("corpus", "one")]
    wall = dict.fromkeys(runs, float("inf"))
    cpu = dict.fromkeys(runs, float("inf"))
    for r in range(rounds):
        for kind, src in runs:
            source = str(root) if src == "corpus" else one
            out = os.path.join(tmp, f"cli-{kind}-{src}-{r}")
            if kind == "jsonl":
                cmd = [exe, "convert", source, "--to", "json", "--jsonl", "-o", out]
            else:
                cmd = [exe, "convert", source, "--to", "parquet", "-o", out]
            start, used = time.perf_counter(), _child_cpu()
            subprocess.run(cmd, stderr=subprocess.DEVNULL, check=False)
            wall[kind, src] = min(wall[kind, src], time.perf_counter() - start)
            cpu[kind, src] = min(cpu[kind, src], _child_cpu() - used)
    print(f"\nnewsevent convert CORPUS, best of {rounds}:")
    for kind, label in (("jsonl", "--to json --jsonl"), ("parquet", "--to parquet")):
        w, c = wall[kind, "corpus"], cpu[kind, "corpus"]
        w1 = wall[kind, "one"]
        print(
            f"  {label:18s} {w:5.2f} s ({total / w:5.0f} pages/s); one file {w1:4.2f} s;"
            f" after start-up {total / (w - w1):5.0f} pages/s; CPU {c:5.2f} s"
        )
    ratio = wall["jsonl", "corpus"] / wall["parquet", "corpus"]
    steady = (wall["jsonl", "corpus"] - wall["jsonl", "one"]) / (
        wall["parquet", "corpus"] - wall["parquet", "one"]
    )
    print(f"  Parquet vs JSON Lines: {ratio:.2f}x the pages/s, {steady:.2f}x after start-up")


# VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec from the (large) parent.
_RSS = """
import itertools, sys
import newsevent
from newsevent import arrow
mode, root, out = sys.argv[1:4]
n, times = int(sys.argv[4]), int(sys.argv[5])
if mode == "write":
    results = itertools.islice(newsevent.iter_load([root] * times), n if n else None)
    pages = arrow.write_dataset(results, out, root=root)
else:
    pages = sum(1 for _ in arrow.read_dataset(out))
with open("/proc/self/status") as fh:
    print(pages, next(int(x.split()[1]) for x in fh if x.startswith("VmHWM:")))
"""


def memory(root: Path, tmp: str, many: int = 10) -> None:
    """Peak RSS of writing and of reading a tenth, all and ``many`` times the corpus."""
    total = sum(1 for _ in newsevent.iter_files(root))
    rows = []
    for label, n, times in (("a tenth", total // 10, 1), ("all", 0, 1), (f"{many}x", 0, many)):
        out = os.path.join(tmp, f"rss-{n}-{times}")
        peak = {}
        for mode in ("write", "read"):
            proc = subprocess.run(
                [sys.executable, "-c", _RSS, mode, str(root), out, str(n), str(times)],
                capture_output=True,
                text=True,
                check=True,
            )
            pages, kib = proc.stdout.split()
            peak[mode] = int(kib) / 1024
        rows.append((label, int(pages), peak["write"], peak["read"]))
    print("\nPeak RSS (fresh process each; pyarrow and newsevent loaded):")
    for label, pages, w, r in rows:
        print(
            f"  {label:8s} {pages:7d} pages   write_dataset {w:6.1f} MiB"
            f"   read_dataset {r:6.1f} MiB"
        )
    base = rows[0]
    for label, _pages, w, r in rows[1:]:
        print(f"  {label} vs a tenth: write {w / base[2]:.2f}x, read {r / base[3]:.2f}x")


_WORKER = """
import time

def peak():
    with open("/proc/self/status") as fh:
        return next(int(x.split()[1]) for x in fh if x.startswith("VmHWM:")) / 1024

def cpu():
    return time.process_time()
"""


def dask_run(root: Path, tmp: str, rounds: int) -> None:
    """read_pages + write_dataset on 2 worker processes against one process."""
    from dask.distributed import Client, LocalCluster

    from newsevent import dask as nd

    total = sum(1 for _ in newsevent.iter_files(root))
    one = one_cpu = float("inf")
    for r in range(rounds):
        _text.clear_caches()
        start, used = time.perf_counter(), time.process_time()
        na.write_dataset(newsevent.iter_load(root), os.path.join(tmp, f"one-{r}"), root=root)
        one = min(one, time.perf_counter() - start)
        one_cpu = min(one_cpu, time.process_time() - used)
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        namespace: dict[str, Any] = {}
        exec(_WORKER, namespace)
        idle = client.run(namespace["peak"])  # workers up before the clock starts
        two = two_cpu = float("inf")
        for r in range(rounds):
            start, used = time.perf_counter(), client.run(namespace["cpu"])
            bag = nd.read_pages(root)
            nd.write_dataset(bag, os.path.join(tmp, f"dask-{r}"), root=root)
            two = min(two, time.perf_counter() - start)
            after = client.run(namespace["cpu"])
            two_cpu = min(two_cpu, sum(after[w] - used[w] for w in after))
        peaks = client.run(namespace["peak"])
        parts = bag.npartitions
    print(f"\nDask, {total} files in {parts} partitions, best of {rounds}:")
    print(
        f"  one process      {one:6.2f} s  {1e3 * one / total:6.3f} ms/page"
        f"  (CPU {1e3 * one_cpu / total:.3f} ms/page)"
    )
    print(
        f"  2 Dask workers   {two:6.2f} s  {1e3 * two / total:6.3f} ms/page of wall time"
        f"  (workers' CPU {1e3 * two_cpu / total:.3f} ms/page)"
    )
    print(f"  speed-up: {one / two:.2f}x")
    for addr, mib in sorted(peaks.items()):
        print(f"  worker {addr}: peak RSS {mib:.1f} MiB (idle {idle[addr]:.1f} MiB)")
    per_path = sum(len(p) for p in newsevent.iter_files(root)) / total
    print(f"  paths sent to the workers: {per_path:.0f} B/page")


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--corpus")
    ap.add_argument("--skip-cli", action="store_true", help="leave out the command-line runs")
    ap.add_argument("--dask", action="store_true", help="also run on a Dask LocalCluster")
    ap.add_argument(
        "--times", type=int, default=10, help="the largest memory run reads the corpus N times"
    )
    args = ap.parse_args(argv)
    root = corpus_dir(args.corpus)
    with tempfile.TemporaryDirectory() as tmp:
        in_process(root, args.repeat, tmp)
        if not args.skip_cli:
            cli(root, args.repeat, tmp)
        memory(root, tmp, args.times)
        if args.dask:
            dask_run(root, tmp, min(args.repeat, 3))


if __name__ == "__main__":
    main()
