"""The import and fetch commands under faults: signals, killed processes, full disks,
unwritable archives, special files. Every run is a real child process (tests/faults.py
injects the system-call failures), as in tests/test_faults.py.
"""

from __future__ import annotations

import datetime as dt
import errno
import http.server
import os
import re
import shutil
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_faults import (
    TEMP,
    TIMEOUT,
    UNWRITABLE_OUTPUTS,
    children,
    ended,
    group_gone,
    run,
    signalled,
    started,
    tree,
    wait_until,
)

STOPPED = re.compile(
    r"newsevent: (interrupted|stopped): (\d+) days imported \((\d+) events\), (\d+) pages "
    r"written, 0 unchanged, 0 removed, 0 failed, (\d+) not done; import again to finish"
)


def days(root: Path, n: int, per: int = 4, version: str = "") -> Path:
    """``n`` portal day pages of ``per`` news items each, one file per day."""
    for i in range(n):
        d = dt.date(2020, 1, 1) + dt.timedelta(days=i)
        lines = [
            f"{{{{Current events|year={d.year}|month={d.month:02d}|day={d.day:02d}|content=",
            ";Armed conflicts and attacks",
        ]
        lines += [
            f"*Item {k} of day {i}{version} in [[Place {k}|a place]]. "
            f"[https://example.org/{i}/{k} (Outlet {k})]"
            for k in range(per)
        ]
        lines.append("}}")
        path = root / str(d.year) / f"{d.month:02d}" / f"{d.isoformat()}.wiki"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def files(root: Path) -> list[Path]:
    """Every file under ``root``, also while a run renames folders there."""
    return [Path(top, name) for top, _dirs, names in os.walk(root) for name in names]


def events(archive: Path) -> list[Path]:
    """The event pages of an archive (not those of a day still being built)."""
    return [
        p
        for p in files(archive)
        if p.suffix == ".md" and p.name != "index.md" and not TEMP.fullmatch(p.parent.name)
    ]


def temps(root: Path) -> list[Path]:
    """Temporary files and folders under ``root``."""
    return [
        Path(top, name)
        for top, dirs, names in os.walk(root)
        for name in dirs + names
        if TEMP.fullmatch(name)
    ]


def clean_import(src: Path, out: Path) -> dict[str, bytes]:
    r = run("import", src, "-o", out, "--jobs", "1")
    assert r.returncode == 0, r.stderr
    return tree(out)


def complete(archive: Path, clean: dict[str, bytes]) -> None:
    """Every page in ``archive`` is whole: the one a clean import writes there."""
    for p in events(archive):
        assert p.read_bytes() == clean[p.relative_to(archive).as_posix()]


# ------------------------------------------------------------------ signals and kills


@pytest.mark.parametrize(
    ("sig", "to_group", "jobs", "status"),
    [
        (signal.SIGINT, True, "2", 130),  # Ctrl-C in a terminal reaches the whole group
        (signal.SIGTERM, False, "2", 143),
        (signal.SIGTERM, True, "2", 143),  # a service manager stops the whole group
        (signal.SIGHUP, False, "2", 129),
        (signal.SIGINT, True, "1", 130),
    ],
)
def test_an_interrupted_import_says_what_it_did_and_a_second_one_finishes(
    tmp_path: Path, sig: int, to_group: bool, jobs: str, status: int
) -> None:
    src = days(tmp_path / "in", 120)
    out = tmp_path / "out"
    slow = [{"call": "write", "match": str(out), "sleep": 0.005}]
    with started("import", src, "-o", out, "--jobs", jobs, faults=slow) as p:
        wait_until(lambda: len(events(out)) >= 20)
        err, took = signalled(p, sig, to_group)
        assert group_gone(p.pid)  # the workers ended with it
    assert p.returncode == status
    assert took < 1.0
    m = STOPPED.fullmatch(err.rstrip("\n"))
    assert m is not None and err.count("\n") == 1, err
    assert m[1] == "interrupted" and int(m[2]) + int(m[5]) == 120
    assert int(m[3]) == int(m[4]) == len(events(out)) == 4 * int(m[2])
    assert temps(out) == []
    assert list(out.rglob("index.md")) == []  # the day pages come last
    clean = clean_import(src, tmp_path / "clean")
    complete(out, clean)
    r = run("import", src, "-o", out, "--jobs", jobs)
    assert r.returncode == 0, r.stderr
    assert r.stderr == (
        f"newsevent: 120 days imported (480 events), {600 - int(m[4])} pages written, "
        f"{m[4]} unchanged, 0 removed, 0 failed\n"
    )
    assert tree(out) == clean


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_signal_as_a_new_day_s_folder_is_made_leaves_no_folder(tmp_path: Path, jobs: str) -> None:
    # The temporary folder of day 5 is made, then the signal comes before anything else.
    src = days(tmp_path / "in", 8)
    out = tmp_path / "out"
    made = [{"call": "mkdir", "match": f"{os.sep}.5.tmp-", "then": 60}]
    with started("import", src, "-o", out, "--jobs", jobs, faults=made) as p:
        wait_until(lambda: any(t.name.startswith(".5.tmp-") for t in temps(out)))
        err, took = signalled(p, signal.SIGINT, True)
    assert p.returncode == 130 and took < 1.0
    m = STOPPED.fullmatch(err.rstrip("\n"))
    assert m is not None and m[1] == "interrupted", err
    assert int(m[3]) == int(m[4]) == len(events(out)) == 4 * int(m[2])
    assert temps(out) == []


def test_a_killed_worker_stops_the_import_instead_of_hanging(tmp_path: Path) -> None:
    src = days(tmp_path / "in", 60)
    out = tmp_path / "out"
    stuck = [{"call": "write", "match": "item-2-of-day-30", "sleep": 60}]
    with started("import", src, "-o", out, "--jobs", "2", faults=stuck) as p:
        # A new day is built in a temporary folder, renamed into place once whole.
        wait_until(lambda: any("item-2-of-day-30" in f.name for f in files(out)))
        (temp,) = (f.parent for f in files(out) if "item-2-of-day-30" in f.name)
        m = TEMP.fullmatch(temp.name)
        assert m is not None
        os.kill(int(m[2]), signal.SIGKILL)
        _, err = p.communicate(timeout=TIMEOUT)
    assert p.returncode == 1
    first, second = err.splitlines()
    assert first == "newsevent: a worker process ended unexpectedly (signal 9)"
    s = STOPPED.fullmatch(second)
    assert s is not None and s[1] == "stopped" and int(s[2]) + int(s[5]) == 60
    # What the killed worker wrote in its last chunk it could not report.
    assert int(s[4]) <= len(events(out))
    assert temps(out) == [temp]
    clean = clean_import(src, tmp_path / "clean")
    complete(out, clean)
    r = run("import", src, "-o", out, "--jobs", "2")
    assert r.returncode == 0, r.stderr
    assert tree(out) == clean  # the killed worker's temporary file is gone too


def test_the_workers_end_when_the_import_is_killed_outright(tmp_path: Path) -> None:
    src = days(tmp_path / "in", 200)
    out = tmp_path / "out"
    slow = [{"call": "write", "match": str(out), "sleep": 0.01}]
    with started("import", src, "-o", out, "--jobs", "2", faults=slow) as p:
        wait_until(lambda: len(events(out)) >= 5)
        workers = children(p.pid)
        assert len(workers) == 2
        os.kill(p.pid, signal.SIGKILL)
        p.wait(TIMEOUT)
        wait_until(lambda: all(ended(w) for w in workers), timeout=10)


# ------------------------------------------------------------------ full disks, unwritable


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_full_disk_stops_the_import_with_one_message(tmp_path: Path, jobs: str) -> None:
    src = days(tmp_path / "in", 40)
    out = tmp_path / "out"
    full = [{"call": "write", "match": str(out), "errno": errno.ENOSPC, "after": 13}]
    r = run("import", src, "-o", out, "--jobs", jobs, faults=full)
    assert r.returncode == 1
    first, second = r.stderr.splitlines()
    # The 14th write of a process: the fourth page of its third day (a new day writes
    # its four pages, then its manifest, in a folder renamed into place once complete).
    assert re.fullmatch(
        rf"newsevent: cannot write {re.escape(str(out))}/news/2020/01/\d+/"
        r"item-3-of-day-\d+-in-a-place\.md: No space left on device",
        first,
    ), first
    s = STOPPED.fullmatch(second)
    assert s is not None and s[1] == "stopped", second
    assert int(s[4]) == len(events(out))
    if jobs == "1":
        assert (s[2], s[3], s[4], s[5]) == ("2", "8", "8", "38")
    assert temps(out) == []
    clean = clean_import(src, tmp_path / "clean")
    complete(out, clean)
    again = run("import", src, "-o", out, "--jobs", jobs)
    assert again.returncode == 0, again.stderr
    assert tree(out) == clean


def test_a_day_stopped_halfway_is_still_the_imports_own(tmp_path: Path) -> None:
    # A newer revision of a day, stopped by a full disk after its first page: the next
    # import, of a newer revision still, may replace every page, old or new.
    out = tmp_path / "out"
    first = days(tmp_path / "v1", 1)
    assert run("import", first, "-o", out).returncode == 0
    second = days(tmp_path / "v2", 1, version=" (second)")
    full = [{"call": "write", "match": str(out), "errno": errno.ENOSPC, "after": 2}]
    r = run("import", second, "-o", out, faults=full)
    assert r.returncode == 1
    assert "item-1-of-day-0-second-in-a-place.md" in r.stderr.splitlines()[0]
    written = sorted(p.name[: -len("-in-a-place.md")] for p in events(out))
    assert written == [
        "item-0-of-day-0",
        "item-0-of-day-0-second",
        "item-1-of-day-0",
        "item-2-of-day-0",
        "item-3-of-day-0",
    ]
    third = days(tmp_path / "v3", 1, version=" (third)")
    r = run("import", third, "-o", out)
    assert r.returncode == 0, r.stderr
    assert r.stderr == (
        "newsevent: 1 days imported (4 events), 5 pages written, 0 unchanged, 5 removed, 0 failed\n"
    )
    assert tree(out) == clean_import(third, tmp_path / "clean")


@pytest.mark.parametrize(("fault", "message"), UNWRITABLE_OUTPUTS)
def test_an_unwritable_archive_fails_before_any_page_is_read(
    tmp_path: Path, fault: dict[str, object], message: str
) -> None:
    src = days(tmp_path / "in", 3)
    out = tmp_path / "out"
    if fault["call"] == "open":
        out.mkdir()
    r = run("import", src, "-o", out, faults=[{**fault, "match": str(out)}])
    assert r.returncode == 1
    assert r.stderr == "newsevent: " + message.format(out=out) + "\n"


@pytest.mark.parametrize(("command", "first"), [("import", "in"), ("fetch", "2020-01-01")])
def test_an_output_that_is_a_file_fails_before_anything_is_read(
    tmp_path: Path, command: str, first: str
) -> None:
    days(tmp_path / "in", 1)
    out = tmp_path / "out"
    out.write_text("", encoding="utf-8")
    source = str(tmp_path / first) if command == "import" else first
    r = run(command, source, "-o", out)
    assert r.returncode == 1
    assert r.stderr == f"newsevent: cannot create output directory {out}: File exists\n"
    assert out.read_text(encoding="utf-8") == ""


def test_a_day_folder_that_cannot_be_made_stops_the_import(tmp_path: Path) -> None:
    src = days(tmp_path / "in", 3)
    out = tmp_path / "out"
    folder = out / "news" / "2020" / "01" / "2"
    deny = [{"call": "mkdir", "match": f"{folder.parent}/.2.tmp-", "errno": errno.EACCES}]
    r = run("import", src, "-o", out, faults=deny)
    assert r.returncode == 1
    assert r.stderr.splitlines() == [
        f"newsevent: cannot create directory {folder}: Permission denied",
        "newsevent: stopped: 1 days imported (4 events), 4 pages written, 0 unchanged, "
        "0 removed, 0 failed, 2 not done; import again to finish",
    ]


# ------------------------------------------------------------------ special files


def test_special_files_among_the_sources_are_skipped_or_refused(tmp_path: Path) -> None:
    src = days(tmp_path / "in", 2)
    fifo = src / "2020" / "01" / "2020-01-05.wiki"
    os.mkfifo(fifo)
    out = tmp_path / "out"
    r = run("import", src, "-o", out)
    assert r.returncode == 0
    assert r.stderr.splitlines() == [
        f"{fifo}: skipped: a named pipe, not a regular file",
        "newsevent: 2 days imported (8 events), 10 pages written, 0 unchanged, 0 removed, "
        "0 failed, 1 skipped",
    ]
    r = run("import", fifo, "-o", out)
    assert r.returncode == 1
    assert r.stderr == (
        f"newsevent: {fifo}: a named pipe, not a regular file; refused "
        "(read standard input with '-' instead)\n"
    )


def test_a_named_pipe_where_a_page_goes_stops_the_import_without_waiting(
    tmp_path: Path,
) -> None:
    src = days(tmp_path / "in", 2)
    out = tmp_path / "out"
    folder = out / "news" / "2020" / "01" / "1"
    folder.mkdir(parents=True)
    os.mkfifo(folder / "item-1-of-day-0-in-a-place.md")
    r = run("import", src, "-o", out)
    assert r.returncode == 1
    assert r.stderr.splitlines()[0] == (
        f"newsevent: cannot write {folder / 'item-1-of-day-0-in-a-place.md'}: "
        "a named pipe, not a regular file"
    )


# ------------------------------------------------------------------ fetch


class _Slow(http.server.BaseHTTPRequestHandler):
    """Answers every title with a day page; while ``held`` names a title asked for, only
    once the test lets it go (``release``)."""

    held = ""
    release = threading.Event()

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        import json
        import urllib.parse

        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        if self.held and self.held in query["titles"][0]:
            self.release.wait(TIMEOUT)
        pages = [
            {
                "title": t,
                "revisions": [
                    {
                        "revid": 7,
                        "timestamp": "2026-01-01T00:00:00Z",
                        "slots": {"main": {"content": f"*News of {t}. [https://a.example/ (A)]"}},
                    }
                ],
            }
            for t in query["titles"][0].split("|")
        ]
        data = json.dumps({"query": {"pages": pages}}).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def slow_api() -> Iterator[str]:
    _Slow.release.clear()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Slow)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/w/api.php"
    finally:
        _Slow.held = ""
        _Slow.release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


def fetch_args(api: str, out: Path) -> tuple[str, ...]:
    return ("fetch", "2026-01-01", "2026-01-06", "-o", str(out), "--api", api, "--batch", "2")


def test_a_fetch_killed_mid_write_leaves_no_part_and_resumes(slow_api: str, tmp_path: Path) -> None:
    out = tmp_path / "wikitext"
    stuck = [{"call": "write", "match": "2026-01-04.wiki", "sleep": 60}]
    with started(*fetch_args(slow_api, out), faults=stuck) as p:
        wait_until(lambda: any("2026-01-04.wiki" in t.name for t in temps(out)))
        os.kill(p.pid, signal.SIGKILL)
        p.wait(TIMEOUT)
    month = out / "2026" / "01"
    assert sorted(p.name for p in month.iterdir() if not TEMP.fullmatch(p.name)) == [
        f"2026-01-0{d}.{x}" for d in (1, 2, 3) for x in ("json", "wiki")
    ]
    r = run(*fetch_args(slow_api, out))
    assert r.returncode == 0, r.stderr
    assert r.stderr == "newsevent: 3 fetched, 3 already there, 0 missing, 0 failed\n"
    assert temps(out) == []
    text = (month / "2026-01-04.wiki").read_text("utf-8")
    assert text == "*News of Portal:Current events/2026 January 4. [https://a.example/ (A)]"


def test_an_interrupted_fetch_says_what_it_did(slow_api: str, tmp_path: Path) -> None:
    out = tmp_path / "wikitext"
    _Slow.held = "2026 January 3"  # the second request waits: the fetch is stopped there
    # A day's files are forced to disk, the month's folder last, once its sidecar is in
    # place: the signal comes then, before the day is counted unless the count waits.
    synced = [{"call": "fsync", "match": str(out / "2026" / "01"), "then": 0.3}]
    try:
        with started(*fetch_args(slow_api, out), faults=synced) as p:
            wait_until(lambda: (out / "2026" / "01" / "2026-01-02.json").exists())
            os.killpg(p.pid, signal.SIGINT)
            _, err = p.communicate(timeout=TIMEOUT)
    finally:
        _Slow.release.set()
    assert p.returncode == 130
    assert (
        err
        == "newsevent: interrupted: 2 fetched, 0 already there, 0 missing, 0 failed, 4 not done\n"
    )
    assert temps(out) == []


def test_a_fetch_that_cannot_write_says_so_once(slow_api: str, tmp_path: Path) -> None:
    out = tmp_path / "wikitext"
    full = [{"call": "write", "match": "2026-01-03", "errno": errno.ENOSPC}]
    r = run(*fetch_args(slow_api, out), faults=full)
    assert r.returncode == 1
    assert r.stderr.splitlines() == [
        f"newsevent: cannot write {out / '2026' / '01' / '2026-01-03.wiki'}: "
        "No space left on device",
        "newsevent: stopped: 2 fetched, 0 already there, 0 missing, 0 failed, 4 not done",
    ]
    assert temps(out) == []
    deny = [{"call": "mkdir", "match": str(out), "errno": errno.EACCES}]
    r = run(*fetch_args(slow_api, tmp_path / "elsewhere" / "w"), faults=deny)
    assert r.returncode == 0, r.stderr  # (the fault names another folder)


# ------------------------------------------------------------------ one day, two sources


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("last", ["b", "a"])
def test_a_day_of_two_sources_is_imported_as_the_last_of_them(
    tmp_path: Path, jobs: str, last: str
) -> None:
    # a: 30 days of four items; b: the first of them again, with two other items. With
    # --jobs 2 the two sources of the day may be read at once: the day is written by one
    # process, and the last source's pages replace the first's at the end.
    a = days(tmp_path / "a", 30)
    b = days(tmp_path / "b", 1, per=2, version=" (again)")
    day = "2020/01/2020-01-01.wiki"
    order = (a, b) if last == "b" else (b, a)
    out = tmp_path / "out"
    r = run("import", *order, "-o", out, "--jobs", jobs)
    assert r.returncode == 0, r.stderr
    message, summary = r.stderr.splitlines()
    assert message == (
        f"newsevent: {order[0] / day}: not imported: 2020-01-01 is also the day of {order[1] / day}"
    )
    # 120 pages of a, 2 of b, 30 day pages; the first source's pages of the day removed.
    events, removed = (29 * 4 + 2, 4) if last == "b" else (30 * 4, 2)
    done = f"newsevent: 30 days imported ({events} events), {{}} pages written, 0 unchanged, "
    wanted = {done.format(152) + f"{removed} removed, 0 failed"}
    if jobs == "2" and last == "a":
        # Both sources are read at once, first thing, and the summary counts what was done.
        # a's written first: b's is left for the end and never written, or written once
        # a's is done, and a's then written again.
        wanted.add(done.format(150) + "0 removed, 0 failed")
        wanted.add(done.format(156) + "6 removed, 0 failed")
    assert summary in wanted
    # The archive is that of the same sources without the day's first source.
    alone = tmp_path / "alone"
    shutil.copytree(a, alone)
    shutil.copy(order[1] / day, alone / day)
    assert tree(out) == clean_import(alone, tmp_path / "clean")


def test_the_last_source_of_a_day_written_at_the_end_says_what_it_could_not_write(
    tmp_path: Path,
) -> None:
    # With --jobs N, a source left for the end (another process was writing its day) is
    # written for the first time there: a page it may not replace is said, and fails it.
    from newsevent._portal_cli import _last_sources, _Tally

    a = days(tmp_path / "a", 1)
    b = days(tmp_path / "b", 1, per=2, version=" (again)")
    out = tmp_path / "out"
    assert run("import", b, "-o", out).returncode == 0
    folder = out / "news" / "2020" / "01" / "1"
    mine = folder / "item-3-of-day-0-in-a-place.md"
    mine.write_text("written by hand\n", encoding="utf-8")
    before = tree(out)
    day = dt.date(2020, 1, 1)
    first, last = str(b / "2020/01/2020-01-01.wiki"), str(a / "2020/01/2020-01-01.wiki")
    tally = _Tally(2)
    tally.done = 2
    tally.sources[day] = [(1, first), (2, last)]
    tally.events_of[day] = 2
    said: list[str] = []
    fatal: list[str] = []
    assert _last_sources(str(out), tally, fatal, said.append)
    assert said == [
        f"newsevent: {first}: not imported: 2020-01-01 is also the day of {last}",
        f"{mine}: not replaced: the import did not write this page (or it was edited since)",
    ]
    assert fatal == [] and tally.failed == 1 and tally.events == 0 and tally.days == {}
    # The pages it could write are written, and the one written by hand is left as it was.
    assert (tally.written, tally.removed) == (3, 2)
    assert mine.read_text(encoding="utf-8") == "written by hand\n"
    assert tree(out) != before
