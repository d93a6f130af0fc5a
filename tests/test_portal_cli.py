"""The import and fetch commands (fetch against a local server on 127.0.0.1 only)."""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import shutil
import threading
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

import newsevent
from newsevent import portal
from newsevent._cli import main


def _archive_files(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text("utf-8") for p in sorted(root.rglob("*.md"))
    }


def test_import_writes_a_chained_archive(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = corpus / "wikitext"
    out = tmp_path / "archive"
    assert main(["import", str(src), "-o", str(out)]) == 0
    assert capsys.readouterr().err.strip() == (
        "newsevent: 24 days imported (337 events), 361 pages written, 0 unchanged, 0 removed, "
        "0 failed"
    )
    days = sorted(p.stem for p in src.rglob("*.wiki"))
    for k, iso in enumerate(days):
        page = newsevent.load(out / "news" / iso[:4] / iso[5:7] / str(int(iso[8:])) / "index.md")
        assert isinstance(page, newsevent.DayPage)
        want = (
            None
            if k == 0
            else f"/news/{days[k - 1][:4]}/{days[k - 1][5:7]}/{int(days[k - 1][8:])}/index.md"
        )
        assert page.previous == want
    first = _archive_files(out)
    assert len(first) == 361
    # Again: nothing rewritten. With two processes: the same archive.
    assert main(["import", str(src), "-o", str(out), "--jobs", "2"]) == 0
    assert "0 pages written, 361 unchanged" in capsys.readouterr().err
    assert _archive_files(out) == first
    assert main(["validate", str(out)]) == 0


def test_import_inserts_a_day_and_rechains(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = corpus / "wikitext"
    out = tmp_path / "a"
    feb6 = src / "2018" / "02" / "2018-02-06.wiki"
    feb10 = src / "2018" / "02" / "2018-02-10.wiki"
    jul4 = src / "2018" / "07" / "2018-07-04.wiki"
    assert main(["import", str(feb6), str(jul4), "-o", str(out)]) == 0
    assert main(["import", str(feb10), "-o", str(out)]) == 0
    err = capsys.readouterr().err.splitlines()
    n = len(portal.read(feb10.read_bytes()).events)
    # The new day and the day after it (its previous link moved) are written.
    assert err[-1] == (
        f"newsevent: 1 days imported ({n} events), {n + 2} pages written, 0 unchanged, "
        "0 removed, 0 failed"
    )
    jul = newsevent.load(out / "news" / "2018" / "07" / "4" / "index.md")
    assert isinstance(jul, newsevent.DayPage) and jul.previous == "/news/2018/02/10/index.md"


def test_import_from_stdin_and_failures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io
    import sys

    monkeypatch.setattr(
        sys, "stdin", io.TextIOWrapper(io.BytesIO(b"*One. [https://a.example/ (X)]\n"))
    )
    assert main(["import", "-", "--date", "2020-01-02", "-o", str(tmp_path)]) == 0
    ev = newsevent.load(tmp_path / "news" / "2020" / "01" / "2" / "one.md")
    assert isinstance(ev, newsevent.Event) and ev.sources[0].name == "X"
    bad = tmp_path / "bad.wiki"
    bad.write_text("\n{{Current events|year=2020|month=14|day=1|content=\n*x\n}}", "utf-8")
    assert main(["import", str(bad), "-o", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:2:1: the Current events template names no valid date" in err
    assert err.strip().endswith(
        "0 days imported (0 events), 0 pages written, 0 unchanged, 0 removed, 1 failed"
    )
    assert main(["import", str(tmp_path / "nope.wiki"), "-o", str(tmp_path)]) == 1
    with pytest.raises(SystemExit) as info:
        main(["import", "-", "--date", "someday", "-o", str(tmp_path)])
    assert info.value.code == 2


# ------------------------------------------------------------------ fetch


class _Api(http.server.BaseHTTPRequestHandler):
    pages: ClassVar[dict[str, tuple[int, str, str]]] = {}
    script: ClassVar[list[str]] = []
    seen: ClassVar[list[dict[str, list[str]]]] = []

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        type(self).seen.append({**query, "ua": [self.headers.get("User-Agent", "")]})
        step = type(self).script.pop(0) if type(self).script else "ok"
        if step == "503":
            self.send_response(503)
            self.send_header("Retry-After", "0")
            self.end_headers()
            return
        if step == "maxlag":
            body: dict[str, object] = {"error": {"code": "maxlag", "info": "lagged", "lag": 0}}
        else:
            titles = query["titles"][0].split("|")
            start = int(query.get("rvcontinue", ["0"])[0])
            pages: list[dict[str, object]] = []
            for t in titles[start : start + 2]:  # two pages per answer: the rest continues
                if t in self.pages:
                    revid, stamp, content = self.pages[t]
                    pages.append(
                        {
                            "pageid": revid,
                            "ns": 100,
                            "title": t,
                            "revisions": [
                                {
                                    "revid": revid,
                                    "timestamp": stamp,
                                    "slots": {
                                        "main": {"contentmodel": "wikitext", "content": content}
                                    },
                                }
                            ],
                        }
                    )
                else:
                    pages.append({"ns": 100, "title": t, "missing": True})
            body = {"batchcomplete": True, "query": {"pages": pages}}
            if start + 2 < len(titles):
                body["continue"] = {"rvcontinue": str(start + 2), "continue": "||"}
        data = json.dumps(body).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def api() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Api)
    server.timeout = 5
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/w/api.php"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_fetch_downloads_resumes_and_retries(
    api: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        "{{Current events|year=2026|month=08|day=%d|content=\n"
        "*Item é %d. [https://a.example/%d (X)]\n}}"
    )
    _Api.pages = {
        "Portal:Current events/2026 August 1": (101, "2026-08-02T00:00:00Z", text % (1, 1, 1)),
        "Portal:Current events/2026 August 2": (102, "2026-08-03T00:00:00Z", text % (2, 2, 2)),
        "Portal:Current events/2026 August 4": (104, "2026-08-05T00:00:00Z", text % (4, 4, 4)),
    }
    _Api.script = ["maxlag", "503"]
    _Api.seen = []
    out = tmp_path / "wikitext"
    args = [
        "fetch",
        "2026-08-01",
        "2026-08-04",
        "-o",
        str(out),
        "--api",
        api,
        "--backoff",
        "0.01",
        "--timeout",
        "5",
    ]
    assert main(args) == 0
    assert capsys.readouterr().err.splitlines() == [
        "newsevent: Portal:Current events/2026 August 3: no such page",
        "newsevent: 3 fetched, 0 already there, 1 missing, 0 failed",
    ]
    # One batch of four titles: two retried answers, then two continued ones.
    assert len(_Api.seen) == 4
    first = _Api.seen[0]
    assert first["titles"] == [
        "|".join(f"Portal:Current events/2026 August {d}" for d in (1, 2, 3, 4))
    ]
    assert first["maxlag"] == ["5"] and first["formatversion"] == ["2"]
    assert first["ua"][0].startswith("newsevent/")
    data = (out / "2026" / "08" / "2026-08-02.wiki").read_bytes()
    assert data == (text % (2, 2, 2)).encode("utf-8")
    side = json.loads((out / "2026" / "08" / "2026-08-02.json").read_text("utf-8"))
    assert side == {
        "title": "Portal:Current events/2026 August 2",
        "revision": 102,
        "timestamp": "2026-08-03T00:00:00Z",
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    # Resumable: only the missing day is asked for again.
    _Api.seen = []
    assert main(args) == 0
    assert [s["titles"] for s in _Api.seen] == [["Portal:Current events/2026 August 3"]]
    assert (
        capsys.readouterr().err.splitlines()[-1]
        == "newsevent: 0 fetched, 3 already there, 1 missing, 0 failed"
    )
    # The import reads the sidecar: provenance names the revision.
    archive = tmp_path / "archive"
    assert main(["import", str(out), "-o", str(archive)]) == 0
    ev = newsevent.load(archive / "news" / "2026" / "08" / "2" / "item-a-c-2.md")
    assert isinstance(ev, newsevent.Event)
    assert "revision 102" in ev.body


def test_fetch_gives_up_after_retries(
    api: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _Api.pages = {}
    _Api.script = ["503", "503", "503"]
    args = [
        "fetch",
        "2026-08-01",
        "-o",
        str(tmp_path),
        "--api",
        api,
        "--backoff",
        "0.01",
        "--retries",
        "3",
    ]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "gave up after 3 tries: HTTP 503" in err
    assert err.splitlines()[-1] == "newsevent: 0 fetched, 0 already there, 0 missing, 1 failed"
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_import_dates_a_page_without_template_by_its_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "2004-02-29.wiki"
    page.write_text("*Leap day news. [http://a.example/ (X)]\n", "utf-8")
    assert main(["import", str(page), "-o", str(tmp_path / "a")]) == 0
    assert (tmp_path / "a" / "news" / "2004" / "02" / "29" / "leap-day-news.md").is_file()
    other = tmp_path / "undated.wiki"
    other.write_text("*No date anywhere.\n", "utf-8")
    assert main(["import", str(other), "-o", str(tmp_path / "a")]) == 1
    assert f"{other}:1:1: no date" in capsys.readouterr().err


# ------------------------------------------------------------------ re-import


def _day_files(folder: Path) -> dict[str, int]:
    """Every file of a day folder with its modification time in nanoseconds."""
    return {p.name: p.stat().st_mtime_ns for p in sorted(folder.iterdir())}


def _age(folder: Path) -> None:
    # An hour in the past, so that any rewrite shows in the modification time.
    for p in folder.iterdir():
        st = p.stat()
        os.utime(p, ns=(st.st_atime_ns - 3600 * 10**9, st.st_mtime_ns - 3600 * 10**9))


def test_reimport_removes_the_pages_it_wrote_that_a_new_revision_drops(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (corpus / "wikitext" / "2018" / "02" / "2018-02-10.wiki").read_text("utf-8")
    lines = text.split("\n")
    page = tmp_path / "2018-02-10.wiki"
    out = tmp_path / "archive"
    folder = out / "news" / "2018" / "02" / "10"
    first = portal.read(text)
    n = len(first.events)
    page.write_text(text, "utf-8")
    assert main(["import", str(page), "-o", str(out)]) == 0
    # A page written by hand beside the imported ones.
    (folder / "hand-written.md").write_text(
        newsevent.dumps(newsevent.Event(date=first.date, title="Hand written")), "utf-8"
    )
    _age(folder)
    before = _day_files(folder)
    assert set(before) == {e.slug + ".md" for e in first.events} | {
        "index.md",
        "hand-written.md",
        ".portal-import",
    }
    capsys.readouterr()

    # The same day again: nothing is written, no file is touched.
    assert main(["import", str(page), "-o", str(out)]) == 0
    assert capsys.readouterr().err.strip() == (
        f"newsevent: 1 days imported ({n} events), 0 pages written, {n + 1} unchanged, "
        "0 removed, 0 failed"
    )
    assert _day_files(folder) == before

    # A new revision drops the Grand Canyon item (line 16) and retitles the Hong Kong one.
    dropped = first.events[[it.line for it in first.items].index(16)]
    retitled = first.events[[it.line for it in first.items].index(14)]
    assert lines[13].startswith("**A [[double-decker bus]] overturns")
    lines[13] = lines[13].replace("at least 19 people", "19 people")
    del lines[15]
    page.write_text("\n".join(lines), "utf-8")
    assert main(["import", str(page), "-o", str(out)]) == 0
    # Written: the retitled event and the day page; removed: the dropped and the old title.
    assert capsys.readouterr().err.strip() == (
        f"newsevent: 1 days imported ({n - 1} events), 2 pages written, {n - 2} unchanged, "
        "2 removed, 0 failed"
    )
    second = portal.read("\n".join(lines))
    new_slug = second.events[[it.line for it in second.items].index(14)].slug
    after = _day_files(folder)
    assert set(after) == set(before) - {dropped.slug + ".md", retitled.slug + ".md"} | {
        new_slug + ".md"
    }
    # The unchanged pages kept their times; the hand-written page was not touched.
    changed = {k for k in after if k in before and after[k] != before[k]}
    assert changed == {"index.md", ".portal-import"}
    day = newsevent.load(folder / "index.md")
    assert isinstance(day, newsevent.DayPage)
    assert {e.url.rsplit("/", 1)[1] for e in day.entries} == set(after) - {
        "index.md",
        "hand-written.md",
        ".portal-import",
    }
    assert main(["validate", str(out)]) == 0


def test_reimport_never_removes_or_replaces_a_page_it_cannot_prove_it_wrote(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (corpus / "wikitext" / "2018" / "02" / "2018-02-10.wiki").read_text("utf-8")
    lines = text.split("\n")
    page = tmp_path / "2018-02-10.wiki"
    out = tmp_path / "archive"
    folder = out / "news" / "2018" / "02" / "10"
    first = portal.read(text)
    page.write_text(text, "utf-8")
    assert main(["import", str(page), "-o", str(out)]) == 0
    # An imported page edited by hand, whose item the next revision drops: kept.
    dropped = folder / (first.events[[it.line for it in first.items].index(16)].slug + ".md")
    dropped.write_text(dropped.read_text("utf-8").replace("three people", "3 people"), "utf-8")
    edited = dropped.read_text("utf-8")
    # A page at an imported event's path that the import did not write: not replaced.
    other = folder / (first.events[[it.line for it in first.items].index(15)].slug + ".md")
    theirs = newsevent.dumps(newsevent.Event(date=first.date, title="The Context's own page"))
    other.write_text(theirs, "utf-8")
    capsys.readouterr()
    del lines[15]
    page.write_text("\n".join(lines), "utf-8")
    assert main(["import", str(page), "-o", str(out)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"newsevent: {dropped}: kept: edited since it was imported, and no longer imported",
        f"{other}: not replaced: the import did not write this page (or it was edited since)",
        "newsevent: 0 days imported (0 events), 0 pages written, "
        f"{len(first.events) - 2} unchanged, 0 removed, 1 failed",
    ]
    assert dropped.read_text("utf-8") == edited
    assert other.read_text("utf-8") == theirs


def test_day_text_is_the_day_page_with_its_previous_link(corpus: Path) -> None:
    from newsevent._portal_cli import _day_text

    head = "{{Current events|year=2020|month=01|day=2|content=\n"
    texts = [p.read_bytes().decode("utf-8") for p in sorted((corpus / "wikitext").rglob("*.wiki"))]
    texts += [
        head + "*One. [https://a.example/ (X)]\n*Two. [https://b.example/ (Y)]\n}}",
        head + "*\u6d88\u606f\u4e00\u3002 [https://a.example/ (X)]\n}}",  # no tags, Chinese
        head + ";Sports\n*\u6d88\u606f\u4e00\u3002 [https://a.example/ (X)]\nloose\n}}",
    ]
    alone = 0
    for text in texts:
        page = portal.read(text).day
        got = _day_text(page)
        alone += got.alone is not None
        for previous in (None, "/news/2019/12/31/index.md"):
            localised = previous is not None or any(e.context for e in page.entries)
            want = newsevent.DayPage(
                date=page.date,
                entries=page.entries,
                previous=previous,
                language="en" if localised else None,
                extra=page.extra,
            )
            assert got.text(previous) == newsevent.dumps(want)
    assert alone == 1
