"""The command line and dump() under faults: special files, signals, crashes, full disks.

Every run is a real child process with a timeout; signals are real, and so are FIFOs,
sockets, /dev/full and file-size limits. Failures that root would not meet (permission,
read-only file system) and full disks are injected into the child's system calls by
tests/faults.py.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import newsevent
from newsevent import _atomic, _cli, _runs

FAULTS = str(Path(__file__).with_name("faults.py"))
TIMEOUT = 60
TEMP = re.compile(r"\.(.+)\.tmp-(\d+)-[0-9a-f]{8}")


def command(args: tuple[str, ...], faults: list[dict[str, object]] | None) -> list[str]:
    if faults is None:
        return [sys.executable, "-m", "newsevent", *args]
    return [sys.executable, FAULTS, *args]


def environment(faults: list[dict[str, object]] | None) -> dict[str, str]:
    return dict(os.environ, NEWSEVENT_FAULTS=json.dumps(faults or []))


def run(
    *args: str | Path,
    faults: list[dict[str, object]] | None = None,
    **kwargs: object,
) -> subprocess.CompletedProcess[str]:
    argv = tuple(str(a) for a in args)
    if "stdout" not in kwargs:
        kwargs.update(stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        command(argv, faults),
        text=True,
        timeout=TIMEOUT,
        env=environment(faults),
        **kwargs,
    )


@contextlib.contextmanager
def started(
    *args: str | Path, faults: list[dict[str, object]] | None = None
) -> Iterator[subprocess.Popen[str]]:
    """A child in its own process group (as a terminal's foreground job is); always ended."""
    argv = tuple(str(a) for a in args)
    proc = subprocess.Popen(
        command(argv, faults),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(faults),
        start_new_session=True,
    )
    try:
        yield proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=TIMEOUT)


def signalled(p: subprocess.Popen[str], sig: int, to_group: bool) -> tuple[str, float]:
    """Send ``sig`` to the child (or its whole process group) and wait for it to end: its
    standard error, and the seconds it took to end."""
    sent = time.monotonic()
    if to_group:
        os.killpg(p.pid, sig)
    else:
        os.kill(p.pid, sig)
    _, err = p.communicate(timeout=TIMEOUT)
    return err, time.monotonic() - sent


def wait_until(check: Callable[[], object], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {check}")
        time.sleep(0.005)


def pages(root: Path, n: int) -> Path:
    """``n`` distinct event pages spread over day folders under ``root``."""
    text = newsevent.example()
    assert "eleven months" in text
    for i in range(n):
        path = root / "2024" / f"{i % 3 + 1:02d}" / str(i % 5 + 1) / f"p{i:04d}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.replace("eleven months", f"{i + 12} months"), encoding="utf-8")
    return root


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (hidden ones too) with its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def outputs(root: Path) -> list[Path]:
    return [p for p in root.rglob("*.json") if not p.name.startswith(".")]


def temps(root: Path) -> list[Path]:
    return [p for p in root.rglob(".*") if TEMP.fullmatch(p.name)]


def clean_run(src: Path, out: Path, *args: str) -> dict[str, bytes]:
    r = run("convert", src, "--to", "json", "-o", out, "--jobs", "1", *args)
    assert r.returncode == 0, r.stderr
    return tree(out)


def group_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


def children(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as fh:
        return [int(x) for x in fh.read().split()]


def ended(pid: int) -> bool:
    """Gone, or a zombie that no process has reaped yet."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


# ------------------------------------------------------------------ special files


def test_special_files_in_a_tree_are_skipped_and_never_opened(tmp_path: Path) -> None:
    src = pages(tmp_path / "in", 3)
    fifo = src / "x.md"
    os.mkfifo(fifo)
    os.mkfifo(src / "2024" / "pipe")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(src / "s.md"))
    (src / "zero.md").symlink_to("/dev/zero")  # a device: reading it would never end
    # A writer waiting on the FIFO would be let through by any reader opening it.
    opened: list[int] = []
    writer = threading.Thread(target=lambda: opened.append(os.open(fifo, os.O_WRONLY)))
    writer.daemon = True
    writer.start()
    time.sleep(0.1)
    out = tmp_path / "out"
    try:
        r = run("convert", src, "--to", "json", "-o", out, "--jobs", "2")
        assert opened == []
    finally:
        os.close(os.open(fifo, os.O_RDONLY | os.O_NONBLOCK))  # let the writer go
        writer.join(5)
        sock.close()
        for fd in opened:
            os.close(fd)
    assert r.returncode == 0, r.stderr
    assert r.stderr.splitlines() == [
        f"{src / '2024' / 'pipe'}: skipped: a named pipe, not a regular file",
        f"{src / 's.md'}: skipped: a socket, not a regular file",
        f"{fifo}: skipped: a named pipe, not a regular file",
        f"{src / 'zero.md'}: skipped: link to a character device, not a regular file",
        "newsevent: 3 converted, 0 failed, 4 skipped",
    ]
    assert len(outputs(out)) == 3


@pytest.mark.parametrize("command_", ["convert", "validate"])
def test_special_files_named_are_refused(tmp_path: Path, command_: str) -> None:
    fifo = tmp_path / "x.md"
    os.mkfifo(fifo)
    extra = ["--to", "json"] if command_ == "convert" else []
    for path, what in ((fifo, "a named pipe"), (Path("/dev/zero"), "a character device")):
        r = run(command_, path, *extra)
        assert r.returncode == 1 and r.stdout == ""
        assert r.stderr == (
            f"newsevent: {path}: {what}, not a regular file; refused "
            "(read standard input with '-' instead)\n"
        )
    # Standard input stays the way to stream, from a pipe or anything else.
    r = run("convert", "-", "--to", "json", input=newsevent.example())
    assert r.returncode == 0 and newsevent.loads(r.stdout, "json") == newsevent.parse(
        newsevent.example()
    )


def test_iter_load_reports_special_files_without_opening_them(tmp_path: Path) -> None:
    pages(tmp_path / "in", 1)
    os.mkfifo(tmp_path / "in" / "x.md")
    os.mkfifo(tmp_path / "named.md")
    code = (
        "import sys, newsevent\n"
        "for r in newsevent.iter_load(sys.argv[1:]):\n"
        "    print(r.path, r.ok, type(r.error).__name__, r.error)\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "in"), str(tmp_path / "named.md")],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    page = tmp_path / "in" / "2024" / "01" / "1" / "p0000.md"
    x, named = tmp_path / "in" / "x.md", tmp_path / "named.md"
    assert r.stdout.splitlines() == [
        f"{page} True NoneType None",
        f"{x} False Skipped {x}: skipped: a named pipe, not a regular file",
        f"{named} False Skipped {named}: skipped: a named pipe, not a regular file",
    ]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_link_loops_and_unreadable_paths_are_reported_and_the_batch_goes_on(
    tmp_path: Path, jobs: str
) -> None:
    src = pages(tmp_path / "in", 2)
    (src / "self.md").symlink_to("self.md")
    (src / "loop").symlink_to(".")
    (src / "2024" / "01" / "back").symlink_to("..")
    (src / "elsewhere").symlink_to(src / "2024")
    secret = src / "secret"
    pages(secret, 1)
    locked = src / "locked.md"
    locked.write_text(newsevent.example(), encoding="utf-8")
    faults: list[dict[str, object]] = [
        {"call": "scandir", "match": str(secret), "errno": errno.EACCES},
        {"call": "open", "match": str(locked), "writing": False, "errno": errno.EACCES},
    ]
    out = tmp_path / "out"
    r = run("convert", src, "--to", "json", "-o", out, "--jobs", jobs, faults=faults)
    assert r.returncode == 1
    assert sorted(r.stderr.splitlines()) == sorted(
        [
            f"{src / '2024' / '01' / 'back'}: skipped: symbolic link loop, not followed",
            f"{src / 'elsewhere'}: skipped: symbolic link to a directory, not followed",
            f"{src / 'loop'}: skipped: symbolic link loop, not followed",
            f"{secret}: cannot read directory (Permission denied)",
            f"{locked}: Permission denied",
            f"{src / 'self.md'}: Too many levels of symbolic links",
            "newsevent: 2 converted, 3 failed, 3 skipped",
        ]
    )
    assert sorted(p.name for p in outputs(out)) == ["p0000.json", "p0001.json"]
    v = run("validate", src, faults=faults)
    assert v.returncode == 1 and "newsevent: 5 checked, 3 with problems" in v.stderr
    assert f"{secret}: cannot read directory (Permission denied)" in v.stdout.splitlines()


# ------------------------------------------------------------------ signals


@pytest.mark.parametrize(
    ("sig", "to_group", "jobs", "status"),
    [
        (signal.SIGINT, True, "2", 130),  # Ctrl-C in a terminal reaches the whole group
        (signal.SIGINT, False, "2", 130),
        (signal.SIGTERM, False, "2", 143),
        (signal.SIGTERM, True, "2", 143),  # a service manager stops the whole group
        (signal.SIGINT, True, "1", 130),
    ],
)
def test_interrupt_stops_within_a_second_and_says_what_was_done(
    tmp_path: Path, sig: int, to_group: bool, jobs: str, status: int
) -> None:
    src = pages(tmp_path / "in", 300)
    out = tmp_path / "out"
    slow = [{"call": "write", "match": str(out), "sleep": 0.01}]
    with started("convert", src, "--to", "json", "-o", out, "--jobs", jobs, faults=slow) as p:
        wait_until(lambda: len(outputs(out)) >= 20)
        err, took = signalled(p, sig, to_group)
        assert group_gone(p.pid)  # the workers ended with it
    assert p.returncode == status
    assert took < 1.0
    m = re.fullmatch(r"newsevent: interrupted: (\d+) converted, 0 failed, (\d+) not done\n", err)
    assert m is not None, err
    written = outputs(out)
    assert int(m[1]) == len(written) and int(m[1]) + int(m[2]) == 300
    assert temps(out) == []
    # Each file there is complete, and a second run with --update finishes the work.
    clean = clean_run(src, tmp_path / "clean")
    assert all(p.read_bytes() == clean[p.relative_to(out).as_posix()] for p in written)
    r = run("convert", src, "--to", "json", "-o", out, "--update")
    assert r.returncode == 0
    assert r.stderr == f"newsevent: {m[2]} converted, 0 failed, {m[1]} up to date\n"
    assert tree(out) == clean


def test_ctrl_c_during_a_stuck_write_removes_the_temporary_file(tmp_path: Path) -> None:
    src = pages(tmp_path / "in", 40)
    out = tmp_path / "out"
    stuck = [{"call": "write", "match": "p0007", "sleep": 60}]
    with started("convert", src, "--to", "json", "-o", out, "--jobs", "2", faults=stuck) as p:
        wait_until(lambda: any("p0007" in t.name for t in temps(out)))
        sent = time.monotonic()
        os.killpg(p.pid, signal.SIGINT)
        _, err = p.communicate(timeout=TIMEOUT)
        assert time.monotonic() - sent < 1.0
    assert p.returncode == 130 and "interrupted: " in err
    assert temps(out) == [] and not any(p.name == "p0007.json" for p in outputs(out))


def test_kill_9_then_update_gives_the_clean_result(tmp_path: Path) -> None:
    src = pages(tmp_path / "in", 60)
    out = tmp_path / "out"
    stuck = [{"call": "write", "match": "p0031", "sleep": 60}]
    with started("convert", src, "--to", "json", "-o", out, "--jobs", "2", faults=stuck) as p:
        wait_until(lambda: any("p0031" in t.name for t in temps(out)))
        workers = children(p.pid)
        os.killpg(p.pid, signal.SIGKILL)
        p.wait(TIMEOUT)
    clean = clean_run(src, tmp_path / "clean")
    # Only a killed process leaves a temporary file, named after the target and itself.
    left = [TEMP.fullmatch(t.name) for t in temps(out)]
    assert "p0031.json" in [m[1] for m in left if m]
    assert all(m and int(m[2]) in workers for m in left)
    for done in outputs(out):
        assert done.read_bytes() == clean[done.relative_to(out).as_posix()]
    r = run("convert", src, "--to", "json", "-o", out, "--update")
    assert r.returncode == 0, r.stderr
    assert tree(out) == clean  # the stale temporary file is gone too


def test_a_killed_worker_stops_the_run_instead_of_hanging(tmp_path: Path) -> None:
    src = pages(tmp_path / "in", 40)
    out = tmp_path / "out"
    stuck = [{"call": "write", "match": "p0005", "sleep": 60}]
    with started("convert", src, "--to", "json", "-o", out, "--jobs", "2", faults=stuck) as p:
        wait_until(lambda: any("p0005" in t.name for t in temps(out)))
        (temp,) = (t for t in temps(out) if "p0005" in t.name)
        m = TEMP.fullmatch(temp.name)
        assert m is not None
        os.kill(int(m[2]), signal.SIGKILL)
        _, err = p.communicate(timeout=TIMEOUT)
    assert p.returncode == 1
    lines = err.splitlines()
    assert lines[0] == "newsevent: a worker process ended unexpectedly (signal 9)", err
    m2 = re.fullmatch(r"newsevent: stopped: (\d+) converted, 0 failed, (\d+) not done", lines[1])
    assert m2 is not None and len(lines) == 2 and int(m2[1]) + int(m2[2]) == 40
    # What the killed worker wrote in its last chunk (2 pages here) it could not report.
    assert int(m2[1]) <= len(outputs(out)) <= int(m2[1]) + 1
    assert temps(out) == [temp]  # its own; the next run in that folder removes it


def test_workers_end_when_the_main_process_is_killed(tmp_path: Path) -> None:
    src = pages(tmp_path / "in", 300)
    out = tmp_path / "out"
    slow = [{"call": "write", "match": str(out), "sleep": 0.01}]
    with started("convert", src, "--to", "json", "-o", out, "--jobs", "2", faults=slow) as p:
        wait_until(lambda: len(outputs(out)) >= 5)
        workers = children(p.pid)
        assert len(workers) == 2
        os.kill(p.pid, signal.SIGKILL)
        p.wait(TIMEOUT)
        wait_until(lambda: all(ended(w) for w in workers), timeout=10)


def test_a_closed_standard_output_ends_the_run_quietly(tmp_path: Path) -> None:
    src = pages(tmp_path / "in", 200)  # more than a pipe holds
    with started("convert", src, "--to", "json", "--jsonl", "--jobs", "2") as p:
        assert p.stdout is not None and p.stderr is not None
        first = p.stdout.readline()
        p.stdout.close()
        status = p.wait(TIMEOUT)
        err = p.stderr.read()
    assert status == 128 + signal.SIGPIPE and err == ""
    assert isinstance(newsevent.loads(first, "json"), newsevent.Event)


def test_jsonl_with_jobs_takes_tasks_as_the_walk_finds_them(tmp_path: Path) -> None:
    # --jsonl --jobs 2 starts converting before the walk ends; the result, the messages
    # and the summary are those of --jobs 1, which walks the whole tree first.
    src = pages(tmp_path / "in", 300)
    (src / "2024" / "broken.md").write_text("# no date\n", encoding="utf-8")
    os.mkfifo(src / "2024" / "02" / "x.md")
    one = run("convert", src, "--to", "json", "--jsonl", "--jobs", "1")
    two = run("convert", src, "--to", "json", "--jsonl", "--jobs", "2")
    assert one.returncode == two.returncode == 1
    assert two.stdout == one.stdout and len(one.stdout.splitlines()) == 300
    assert sorted(two.stderr.splitlines()) == sorted(one.stderr.splitlines())
    assert (
        one.stderr.splitlines()[-1]
        == two.stderr.splitlines()[-1]
        == ("newsevent: 300 converted, 1 failed, 1 skipped")
    )


def test_jsonl_interrupted_before_the_walk_ends_says_so(tmp_path: Path) -> None:
    src = tmp_path / "in"
    for i in range(100):  # a folder per page, and each folder slow to list
        (src / f"d{i:03d}").mkdir(parents=True)
        (src / f"d{i:03d}" / "p.md").write_text(newsevent.example(), encoding="utf-8")
    slow_walk = [{"call": "scandir", "match": str(src), "sleep": 0.1}]
    with started("convert", src, "--to", "json", "--jsonl", "--jobs", "2", faults=slow_walk) as p:
        assert p.stdout is not None
        first = p.stdout.readline()  # converting has begun while the walk goes on
        sent = time.monotonic()
        os.killpg(p.pid, signal.SIGINT)
        p.wait(TIMEOUT)
        took = time.monotonic() - sent
        # (not communicate(): it would miss what readline() has buffered)
        assert p.stderr is not None
        rest, err = p.stdout.read(), p.stderr.read()
    assert p.returncode == 130 and took < 1.0
    assert isinstance(newsevent.loads(first, "json"), newsevent.Event)
    m = re.fullmatch(
        r"newsevent: interrupted: (\d+) converted, 0 failed(?:, (\d+) not done)?"
        r", the rest of the inputs not looked at\n",
        err,
    )
    assert m is not None, err
    assert int(m[1]) == len((first + rest).splitlines()) < 100


# ------------------------------------------------------------------ atomic writes


def test_jsonl_file_is_replaced_whole_or_not_at_all(tmp_path: Path) -> None:
    src = pages(tmp_path / "in", 100)
    target = tmp_path / "all.jsonl"
    target.write_text("old\n", encoding="utf-8")
    slow = [{"call": "open", "match": str(src), "writing": False, "sleep": 0.01}]
    args = ("convert", src, "--to", "json", "--jsonl", "-o", target, "--jobs", "2")
    with started(*args, faults=slow) as p:
        wait_until(lambda: len(temps(tmp_path)) == 1)
        time.sleep(0.2)
        os.killpg(p.pid, signal.SIGINT)
        _, err = p.communicate(timeout=TIMEOUT)
    assert p.returncode == 130 and err.endswith(f"; {target} left as it was\n")
    assert sorted(os.listdir(tmp_path)) == ["all.jsonl", "in"]
    assert target.read_text(encoding="utf-8") == "old\n"
    # kill -9 leaves the old file and a temporary file the next run removes.
    with started(*args, faults=slow) as p:
        wait_until(lambda: len(temps(tmp_path)) == 1)
        os.killpg(p.pid, signal.SIGKILL)
        p.wait(TIMEOUT)
    (left,) = temps(tmp_path)
    assert left.name.startswith(f".all.jsonl.tmp-{p.pid}-")
    assert target.read_text(encoding="utf-8") == "old\n"
    r = run(*args)
    assert r.returncode == 0, r.stderr
    assert sorted(os.listdir(tmp_path)) == ["all.jsonl", "in"]
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 100 and all(newsevent.loads(x, "json") for x in lines)


def test_dump_killed_mid_write_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "page.json"
    old = newsevent.parse(newsevent.example())
    newsevent.dump(old, target)
    before = target.read_bytes()
    code = (
        "import sys, newsevent\n"
        "page = newsevent.parse(newsevent.example().replace('eleven', 'twelve'))\n"
        "newsevent.dump(page, sys.argv[1])\n"
    )
    stuck = [{"call": "write", "match": "page.json", "sleep": 60}]
    with started("-c", code, target, faults=stuck) as p:
        wait_until(lambda: len(temps(tmp_path)) == 1)
        os.kill(p.pid, signal.SIGKILL)
        p.wait(TIMEOUT)
    assert target.read_bytes() == before
    (left,) = temps(tmp_path)
    assert left.name.startswith(f".page.json.tmp-{p.pid}-")  # as documented for dump()
    # The same call, not killed, replaces the file; convert -o removes the stale one.
    r = subprocess.run(
        [sys.executable, "-c", code, str(target)], capture_output=True, timeout=TIMEOUT
    )
    assert r.returncode == 0
    assert newsevent.load(target).title == old.title.replace("eleven", "twelve")
    md = tmp_path / "page.md"
    newsevent.dump(old, md)
    assert run("convert", md, "--to", "json", "-o", target).returncode == 0
    assert sorted(os.listdir(tmp_path)) == ["page.json", "page.md"]
    assert newsevent.load(target) == old


@pytest.mark.parametrize("call", ["write", "fsync"])
def test_dump_failure_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, call: str
) -> None:
    target = tmp_path / "page.xml"
    target.write_text("old", encoding="utf-8")
    code = errno.ENOSPC if call == "write" else errno.EIO

    def failing(*args: object) -> None:
        raise OSError(code, "injected")

    monkeypatch.setattr(os, call, failing)
    with pytest.raises(OSError, match="injected") as info:
        newsevent.dump(newsevent.parse(newsevent.example()), target)
    assert info.value.errno == code
    monkeypatch.undo()
    assert os.listdir(tmp_path) == ["page.xml"]
    assert target.read_text(encoding="utf-8") == "old"


def test_dump_keeps_links_modes_and_devices(tmp_path: Path) -> None:
    page = newsevent.parse(newsevent.example())
    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    real.chmod(0o600)
    link = tmp_path / "link.json"
    link.symlink_to(real.name)
    newsevent.dump(page, link)
    assert link.is_symlink() and newsevent.load(real) == page
    assert real.stat().st_mode & 0o777 == 0o600
    fresh = tmp_path / "fresh.json"
    newsevent.dump(page, fresh)
    umask = os.umask(0)
    os.umask(umask)
    assert fresh.stat().st_mode & 0o777 == 0o666 & ~umask
    newsevent.dump(page, "/dev/null", "json")  # written to, never replaced
    assert Path("/dev/null").is_char_device()
    with pytest.raises(IsADirectoryError):
        newsevent.dump(page, tmp_path, "json")
    assert sorted(os.listdir(tmp_path)) == ["fresh.json", "link.json", "real.json"]


def test_remove_stale_takes_only_temporaries_of_dead_processes(tmp_path: Path) -> None:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait(TIMEOUT)
    dead = tmp_path / f".a.json.tmp-{gone.pid}-0123abcd"
    mine = tmp_path / f".a.json.tmp-{os.getpid()}-0123abcd"
    other = tmp_path / f".b.json.tmp-{gone.pid}-89abcdef"
    lookalike = tmp_path / f".a.json.tmp-{gone.pid}-xyz"
    for p in (dead, mine, other, lookalike):
        p.write_text("", encoding="utf-8")
    # A folder built whole before it is renamed into place (an imported day) likewise.
    day = tmp_path / f".3.tmp-{gone.pid}-0a0b0c0d"
    day.mkdir()
    (day / "x.md").write_text("# x\n", encoding="utf-8")
    building = tmp_path / f".4.tmp-{os.getpid()}-0a0b0c0d"
    building.mkdir()
    assert _atomic.remove_stale(str(tmp_path), "a.json") == [str(dead)]
    assert sorted(_atomic.remove_stale(str(tmp_path))) == sorted([str(other), str(day)])
    assert sorted(os.listdir(tmp_path)) == sorted([mine.name, lookalike.name, building.name])
    # Readers of an archive pass over such folders: they are not part of it.
    assert [r.path for r in newsevent.iter_load(tmp_path)] == []
    (building / "y.md").write_text(newsevent.example(), encoding="utf-8")
    (tmp_path / "z.md").write_text(newsevent.example(), encoding="utf-8")
    assert [r.path for r in newsevent.iter_load(tmp_path)] == [str(tmp_path / "z.md")]


# ------------------------------------------------------------------ unwritable output


def _one_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_full_disk_mid_run_gives_one_message(tmp_path: Path, jobs: str) -> None:
    src = pages(tmp_path / "in", 40)
    out = tmp_path / "out"
    full = [{"call": "write", "match": str(out), "errno": errno.ENOSPC, "after": 5}]
    r = run("convert", src, "--to", "json", "-o", out, "--jobs", jobs, faults=full)
    assert r.returncode == 1
    lines = r.stderr.splitlines()
    assert len(lines) == 2, r.stderr
    assert re.fullmatch(
        rf"newsevent: cannot write {re.escape(str(out))}/\S+\.json: "
        "No space left on device",
        lines[0],
    )
    m = re.fullmatch(r"newsevent: stopped: (\d+) converted, 0 failed, (\d+) not done", lines[1])
    assert m is not None and int(m[1]) + int(m[2]) == 40
    written = outputs(out)
    # Each process fails at its sixth file; a worker still busy finishes its page first.
    assert int(m[1]) == len(written)
    assert len(written) == 5 if jobs == "1" else 5 <= len(written) <= 10
    clean = clean_run(src, tmp_path / "clean")
    assert all(p.read_bytes() == clean[p.relative_to(out).as_posix()] for p in written)
    assert temps(out) == []


# An output folder that cannot be made, or made but not written: the fault and the message.
UNWRITABLE_OUTPUTS = [
    (
        {"call": "mkdir", "errno": errno.EACCES},
        "cannot create output directory {out}: Permission denied",
    ),
    (
        {"call": "open", "errno": errno.EROFS},
        "cannot write to output directory {out}: Read-only file system",
    ),
]


@pytest.mark.parametrize(("fault", "message"), UNWRITABLE_OUTPUTS)
def test_an_unwritable_output_directory_gives_one_message(
    tmp_path: Path, fault: dict[str, object], message: str
) -> None:
    src = pages(tmp_path / "in", 20)
    out = tmp_path / "out"
    if fault["call"] == "open":
        out.mkdir()
    r = run("convert", src, "--to", "json", "-o", out, faults=[{**fault, "match": str(out)}])
    assert r.returncode == 1
    assert _one_line(r.stderr) == "newsevent: " + message.format(out=out)


def test_a_subfolder_that_cannot_be_made_stops_the_run_with_one_message(tmp_path: Path) -> None:
    src = pages(tmp_path / "in", 30)
    out = tmp_path / "out"
    deny = [{"call": "mkdir", "match": str(out / "2024" / "02"), "errno": errno.EACCES}]
    r = run("convert", src, "--to", "json", "-o", out, "--jobs", "2", faults=deny)
    assert r.returncode == 1
    lines = r.stderr.splitlines()
    assert (
        lines[0] == f"newsevent: cannot create directory {out / '2024' / '02'}: Permission denied"
    )
    assert len(lines) == 2 and lines[1].startswith("newsevent: stopped: ")


def test_a_missing_parent_that_cannot_be_made(tmp_path: Path) -> None:
    src = pages(tmp_path / "in", 3)
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    r = run("convert", src, "--to", "json", "-o", blocker / "out")
    assert r.returncode == 1
    assert _one_line(r.stderr) == (
        f"newsevent: cannot create output directory {blocker / 'out'}: Not a directory"
    )
    one = next(src.rglob("*.md"))
    r = run("convert", one, "--to", "json", "-o", blocker / "sub" / "x.json")
    assert r.returncode == 1
    assert _one_line(r.stderr) == (
        f"newsevent: cannot create directory {blocker / 'sub'} for "
        f"{blocker / 'sub' / 'x.json'}: Not a directory"
    )


def test_single_output_file_on_a_full_disk_keeps_the_old_file(tmp_path: Path) -> None:
    one = pages(tmp_path / "in", 1) / "2024" / "01" / "1" / "p0000.md"
    target = tmp_path / "page.json"
    target.write_text("old\n", encoding="utf-8")
    full = [{"call": "write", "match": "page.json", "errno": errno.ENOSPC}]
    r = run("convert", one, "--to", "json", "-o", target, faults=full)
    assert r.returncode == 1
    assert _one_line(r.stderr) == f"newsevent: cannot write {target}: No space left on device"
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(os.listdir(tmp_path)) == ["in", "page.json"]
    # The same through standard input, and for a JSON Lines file.
    r = run("convert", "-", "--to", "json", "-o", target, faults=full, input=one.read_text())
    assert r.returncode == 1
    assert _one_line(r.stderr) == f"newsevent: cannot write {target}: No space left on device"
    r = run("convert", tmp_path / "in", "--to", "json", "--jsonl", "-o", target, faults=full)
    assert r.returncode == 1
    assert _one_line(r.stderr) == f"newsevent: cannot write {target}: No space left on device"
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(os.listdir(tmp_path)) == ["in", "page.json"]


def _limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (600, 600))


def test_a_real_file_size_limit_keeps_the_old_file(tmp_path: Path) -> None:
    one = pages(tmp_path / "in", 1) / "2024" / "01" / "1" / "p0000.md"
    target = tmp_path / "page.json"
    target.write_text("old\n", encoding="utf-8")
    r = run("convert", one, "--to", "json", "-o", target, preexec_fn=_limit_file_size)
    assert r.returncode == 1
    assert _one_line(r.stderr) == f"newsevent: cannot write {target}: File too large"
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(os.listdir(tmp_path)) == ["in", "page.json"]


@pytest.mark.parametrize(
    "args", [("example",), ("schema", "json"), ("convert", "{src}", "--to", "json", "--jsonl")]
)
def test_standard_output_on_a_full_device(tmp_path: Path, args: tuple[str, ...]) -> None:
    src = pages(tmp_path / "in", 3)
    argv = [a.format(src=src) for a in args]
    with open("/dev/full", "w", encoding="utf-8") as full:
        r = run(*argv, stdout=full, stderr=subprocess.PIPE)
    assert r.returncode == 1
    lines = r.stderr.splitlines()
    assert lines[0] == "newsevent: cannot write standard output: No space left on device"
    assert "Traceback" not in r.stderr and len(lines) <= 2


# ------------------------------------------------------------------ --update, output placement


def test_update_converts_only_what_is_missing_empty_or_older(tmp_path: Path) -> None:
    src = pages(tmp_path / "in", 12)
    out = tmp_path / "out"
    r = run("convert", src, "--to", "json", "-o", out)
    assert r.returncode == 0 and r.stderr == "newsevent: 12 converted, 0 failed\n"
    day = src / "2024" / "09" / "9"  # the archive gained a day
    day.mkdir(parents=True)
    (day / "new.md").write_text(newsevent.example(), encoding="utf-8")
    edited = next(src.rglob("p0003.md"))
    target = out / edited.relative_to(src).with_suffix(".json")
    ahead = target.stat().st_mtime_ns + 2_000_000_000
    os.utime(edited, ns=(ahead, ahead))
    emptied = next(out.rglob("p0004.json"))
    emptied.write_bytes(b"")
    before = {p: p.stat().st_mtime_ns for p in outputs(out)}
    r = run("convert", src, "--to", "json", "-o", out, "--update")
    assert r.returncode == 0 and r.stderr == "newsevent: 3 converted, 0 failed, 10 up to date\n"
    changed = sorted(p.name for p in outputs(out) if before.get(p) != p.stat().st_mtime_ns)
    assert changed == ["new.json", "p0003.json", "p0004.json"]
    assert tree(out) == clean_run(src, tmp_path / "clean")


@pytest.mark.parametrize(
    "args",
    [
        ("convert", "{src}", "--to", "json", "--jsonl", "--update"),
        ("convert", "{one}", "--to", "json", "--update"),
        ("convert", "-", "--to", "json", "-o", "{tmp}/x.json", "--update"),
    ],
)
def test_update_needs_an_output_to_compare(tmp_path: Path, args: tuple[str, ...]) -> None:
    src = pages(tmp_path / "in", 1)
    one = next(src.rglob("*.md"))
    argv = [a.format(src=src, one=one, tmp=tmp_path) for a in args]
    r = run(*argv, input="")
    assert r.returncode == 2 and "--update needs" in r.stderr


@pytest.mark.parametrize("to", ["markdown", "json"])
def test_an_output_directory_inside_the_input_is_never_read(tmp_path: Path, to: str) -> None:
    src = pages(tmp_path / "in", 5)
    out = src / "out"
    for _ in range(2):
        r = run("convert", src, "--to", to, "-o", out, "--jobs", "2")
        assert r.returncode == 0 and r.stderr == "newsevent: 5 converted, 0 failed\n"
    suffix = _cli.SUFFIX[to]
    expected = sorted(
        p.relative_to(src).with_suffix(suffix).as_posix()
        for p in src.rglob("*.md")
        if out not in p.parents
    )
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == expected
    # A JSON Lines file inside the input is not read back either.
    lines = src / "all.json"
    for _ in range(2):
        r = run("convert", src, "--to", "json", "--jsonl", "-o", lines)
        assert r.returncode == 0, r.stderr
        assert len(lines.read_text(encoding="utf-8").splitlines()) == 5 * 2  # pages + out/


def test_jobs_default_to_the_usable_cores() -> None:
    cores = len(os.sched_getaffinity(0))
    args = _cli._parser().parse_args(["convert", "x", "--to", "json"])
    assert args.jobs == cores == _cli.usable_cores()
    one = min(os.sched_getaffinity(0))
    r = subprocess.run(
        [sys.executable, "-m", "newsevent", "convert", "--help"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        preexec_fn=lambda: os.sched_setaffinity(0, {one}),
    )
    assert "(default: the usable cores, 1 here)" in " ".join(r.stdout.split())


def test_single_targets_are_forced_to_disk_and_tree_files_are_not(tmp_path: Path) -> None:
    src = pages(tmp_path / "in", 3)
    one = next(src.rglob("*.md"))
    target = tmp_path / "one.json"
    target.write_text("old\n", encoding="utf-8")
    broken_disk = [{"call": "fsync", "match": str(tmp_path), "errno": errno.EIO}]
    for args in (
        (one, "--to", "json", "-o", target),
        (src, "--to", "json", "--jsonl", "-o", target),
    ):
        r = run("convert", *args, faults=broken_disk)
        assert r.returncode == 1
        assert r.stderr.splitlines()[0] == f"newsevent: cannot write {target}: Input/output error"
        assert target.read_text(encoding="utf-8") == "old\n"
    r = run("convert", src, "--to", "json", "-o", tmp_path / "out", faults=broken_disk)
    assert r.returncode == 0 and len(outputs(tmp_path / "out")) == 3
    assert sorted(os.listdir(tmp_path)) == ["in", "one.json", "out"]


def test_streams_under_dev_are_written_not_replaced(tmp_path: Path) -> None:
    one = pages(tmp_path / "in", 1) / "2024" / "01" / "1" / "p0000.md"
    r = run("convert", one, "--to", "json", "-o", "/dev/stdout")  # standard output is a pipe
    assert r.returncode == 0 and r.stderr == ""
    assert newsevent.loads(r.stdout, "json") == newsevent.load(one)
    r = run("convert", one, "--to", "json", "-o", "/dev/full")
    assert r.returncode == 1
    assert _one_line(r.stderr) == "newsevent: cannot write /dev/full: No space left on device"
    assert Path("/dev/full").is_char_device() and Path("/dev/stdout").is_symlink()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_waits_for_the_end_of_the_outermost_held_block(sig: int) -> None:
    # What a held block writes and counts is done whole; the signal is acted on after it.
    steps = []
    with pytest.raises((_runs.Stop, KeyboardInterrupt)) as info:
        with _runs.stop_on_signals(), _runs.Hold():
            with _runs.Hold():
                os.kill(os.getpid(), sig)
                time.sleep(0.05)  # (the handler has run by now)
                steps.append("inner")
            steps.append("outer")
        steps.append("after")
    assert steps == ["inner", "outer"]
    assert isinstance(info.value, KeyboardInterrupt if sig == signal.SIGINT else _runs.Stop)
    assert _runs.Hold.depth == 0 and _runs.Hold.pending is None
