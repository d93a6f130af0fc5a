"""``newsevent site`` under faults: signals, dead workers, special files, unwritable output.

Every run is a real child process with a timeout, and the signals are real; slow or
failing writes are injected into the child's system calls by tests/faults.py, as in
tests/test_faults.py for ``convert``.
"""

from __future__ import annotations

import errno
import os
import re
import signal
import time
from pathlib import Path

import pytest

from tests.test_faults import (
    TIMEOUT,
    children,
    group_gone,
    pages,
    run,
    signalled,
    started,
    temps,
    tree,
    wait_until,
)

PAGES = 120
SUMMARY = (
    r"newsevent: (interrupted|stopped): {n} pages, (\d+) rebuilt, (\d+) files written, "
    r"0 failed, (\d+) links leave the archive, (\d+) not done; run the command again to "
    r"finish \(\d+\.\d s\)"
)


def _htmls(out: Path) -> int:
    return sum(1 for _ in out.rglob("*.html"))


def _clean(src: Path, out: Path) -> dict[str, bytes]:
    r = run("site", src, "-o", out, "--jobs", "1")
    assert r.returncode == 0, r.stderr
    return tree(out)


def _finish(src: Path, out: Path, left: int, clean: dict[str, bytes]) -> None:
    """A second run builds exactly the pages not done, and OUT is then the clean build."""
    r = run("site", src, "-o", out, "--jobs", "2")
    assert r.returncode == 0, r.stderr
    assert re.search(rf"newsevent: {PAGES} pages, {left} rebuilt, ", r.stderr), r.stderr
    assert tree(out) == clean


@pytest.mark.parametrize(
    ("sig", "to_group", "status"),
    [
        (signal.SIGINT, True, 130),  # Ctrl-C in a terminal reaches the whole group
        (signal.SIGTERM, False, 143),
        (signal.SIGHUP, False, 129),
        (signal.SIGTERM, True, 143),  # the workers get it too
    ],
)
def test_a_signal_stops_the_build_within_a_second(
    tmp_path: Path, sig: int, to_group: bool, status: int
) -> None:
    src = pages(tmp_path / "in", PAGES)
    out = tmp_path / "out"
    slow = [{"call": "write", "match": str(out), "sleep": 0.01}]
    with started("site", src, "-o", out, "--jobs", "2", faults=slow) as p:
        wait_until(lambda: _htmls(out) >= 15)
        workers = children(p.pid)
        assert len(workers) == 2
        err, took = signalled(p, sig, to_group)
        assert group_gone(p.pid)  # the workers ended with it
    assert p.returncode == status, err
    assert took < 1.0
    m = re.fullmatch(SUMMARY.format(n=PAGES) + "\n", err)
    assert m is not None and m[1] == "interrupted", err
    done, left = int(m[2]), int(m[5])
    assert done + left == PAGES and done > 0 and left > 0
    assert temps(out) == []
    # Every file there is whole: the clean build's bytes (the manifest aside).
    clean = _clean(src, tmp_path / "clean")
    for rel, data in tree(out).items():
        if rel != ".newsevent-site.json":
            assert data == clean[rel], rel
    _finish(src, out, left, clean)


def test_ctrl_c_during_a_stuck_write_removes_the_temporary_file(tmp_path: Path) -> None:
    src = pages(tmp_path / "in", 40)
    out = tmp_path / "out"
    stuck = [{"call": "write", "match": "p0007.html", "sleep": 60}]
    with started("site", src, "-o", out, "--jobs", "2", faults=stuck) as p:
        wait_until(lambda: any("p0007.html" in t.name for t in temps(out)))
        sent = time.monotonic()
        os.killpg(p.pid, signal.SIGINT)
        _, err = p.communicate(timeout=TIMEOUT)
        assert time.monotonic() - sent < 1.0
        assert group_gone(p.pid)
    assert p.returncode == 130 and err.startswith("newsevent: interrupted: 40 pages, "), err
    assert temps(out) == [] and not list(out.rglob("p0007.html"))


def test_a_worker_that_dies_stops_the_build(tmp_path: Path) -> None:
    src = pages(tmp_path / "in", PAGES)
    out = tmp_path / "out"
    slow = [{"call": "write", "match": str(out), "sleep": 0.01}]
    with started("site", src, "-o", out, "--jobs", "2", faults=slow) as p:
        wait_until(lambda: _htmls(out) >= 10)
        sent = time.monotonic()
        os.kill(children(p.pid)[0], signal.SIGKILL)
        _, err = p.communicate(timeout=TIMEOUT)
        assert time.monotonic() - sent < 1.5
        assert group_gone(p.pid)
    assert p.returncode == 1
    lines = err.splitlines()
    assert lines[0] == "newsevent: a worker process ended unexpectedly (signal 9)"
    m = re.fullmatch(SUMMARY.format(n=PAGES), lines[1])
    assert m is not None and m[1] == "stopped" and len(lines) == 2, err
    # The killed worker may leave the temporary file it was writing: the next run
    # removes it, and finishes the build.
    _finish(src, out, int(m[5]), _clean(src, tmp_path / "clean"))
    assert temps(out) == []


def test_a_full_disk_stops_the_build_with_one_message(tmp_path: Path) -> None:
    src = pages(tmp_path / "in", 30)
    out = tmp_path / "out"
    full = [{"call": "write", "match": str(out), "after": 40, "errno": errno.ENOSPC}]
    r = run("site", src, "-o", out, "--jobs", "1", faults=full)
    assert r.returncode == 1
    lines = r.stderr.splitlines()
    assert re.fullmatch(
        rf"newsevent: cannot write {re.escape(str(out))}/\S+\.(md|html|json|xml): "
        "No space left on device",
        lines[0],
    ), lines
    assert len(lines) == 2 and lines[1].startswith("newsevent: stopped: 30 pages, 10 rebuilt, ")
    assert temps(out) == []
    # (The manifest could not be written either: the next run renders every page again,
    # and writes only the files that are missing.)
    r = run("site", src, "-o", out)
    assert r.returncode == 0 and "newsevent: 30 pages, 30 rebuilt, " in r.stderr
    assert tree(out) == _clean(src, tmp_path / "clean")


def test_an_output_that_cannot_be_written_is_one_message(tmp_path: Path) -> None:
    src = pages(tmp_path / "in", 3)
    for call, what in (("open", "write to"), ("mkdir", "create")):
        out = tmp_path / call
        message = f"cannot {what} output directory {out}: Permission denied"
        denied = [{"call": call, "match": str(out), "errno": errno.EACCES}]
        r = run("site", src, "-o", out, "--jobs", "2", faults=denied)
        assert (r.returncode, r.stderr) == (1, f"newsevent: {message}\n")
        assert not out.exists() or list(out.iterdir()) == []


def test_special_files_in_the_archive_are_skipped_and_never_opened(tmp_path: Path) -> None:
    src = pages(tmp_path / "in", 3)
    os.mkfifo(src / "x.md")  # opening it for reading would wait for a writer for ever
    (src / "zero.md").symlink_to("/dev/zero")
    (src / "loop").symlink_to(".")
    out = tmp_path / "out"
    r = run("site", src, "-o", out, "--jobs", "2")
    assert r.returncode == 0, r.stderr
    lines = r.stderr.splitlines()
    assert lines[:3] == [
        f"{src / 'loop'}: skipped: symbolic link loop, not followed",
        f"{src / 'x.md'}: skipped: a named pipe, not a regular file",
        f"{src / 'zero.md'}: skipped: link to a character device, not a regular file",
    ]
    assert re.fullmatch(
        r"newsevent: 3 pages, 3 rebuilt, 18 files written, 0 failed, \d+ links leave the "
        r"archive, 3 skipped \(\d+\.\d s\)",
        lines[3],
    ), lines
    assert not (out / "x.html").exists() and not (out / "zero.html").exists()


def test_a_site_inside_its_archive_is_not_read_as_pages(tmp_path: Path) -> None:
    src = pages(tmp_path / "in", 3)
    for _ in range(2):
        r = run("site", src, "-o", src / "site")
        assert r.returncode == 0 and "newsevent: 3 pages, " in r.stderr, r.stderr
