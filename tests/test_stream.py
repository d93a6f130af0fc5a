"""The streaming API: lazy, per-file results, errors carried, pages that travel."""

from __future__ import annotations

import os
import pickle
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

import newsevent

EXAMPLE = newsevent.parse(newsevent.example())


def _tree(tmp_path: Path) -> Path:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "ok.md").write_text(newsevent.example(), encoding="utf-8")
    (tmp_path / "a" / "b" / "ok.json").write_text(
        newsevent.dumps(EXAMPLE, "json"), encoding="utf-8"
    )
    (tmp_path / "a" / "bad.md").write_text("# not a page\n", encoding="utf-8")
    (tmp_path / "a" / "notes.txt").write_text("ignored", encoding="utf-8")
    return tmp_path / "a"


def test_one_bad_file_does_not_stop_the_run(tmp_path: Path) -> None:
    results = list(newsevent.iter_load(_tree(tmp_path)))
    assert [Path(r.path).name for r in results] == ["ok.json", "bad.md", "ok.md"]
    assert [r.ok for r in results] == [True, False, True]
    bad = results[1]
    assert isinstance(bad.error, newsevent.ParseError) and bad.page is None
    assert bad.error.path == bad.path and bad.error.lineno == 1
    assert results[0].page == results[2].page == EXAMPLE


def test_iteration_is_lazy(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    it = newsevent.iter_load(root)
    first = next(it)
    assert first.ok
    # A file removed after the walk started is reported, not fatal.
    (root / "bad.md").unlink()
    rest = list(it)
    assert isinstance(rest[0].error, OSError) and rest[1].ok


def test_lists_of_paths_and_forced_format(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    paths = [root / "ok.md", root / "b" / "ok.json"]
    assert [r.ok for r in newsevent.iter_load(paths)] == [True, True]
    forced = list(newsevent.iter_load(paths, format="json"))
    assert [r.ok for r in forced] == [False, True]
    assert list(newsevent.iter_files(root, suffixes=[".txt"])) == [str(root / "notes.txt")]


def test_results_and_errors_pickle(tmp_path: Path) -> None:
    for r in newsevent.iter_load(_tree(tmp_path)):
        back = pickle.loads(pickle.dumps(r))
        assert back.path == r.path and back.page == r.page
        assert str(back.error) == str(r.error)


def _count_sources(page: newsevent.Page) -> int:
    return len(page.sources) if isinstance(page, newsevent.Event) else -1


def test_pages_travel_through_a_process_pool(tmp_path: Path) -> None:
    pages = [r.page for r in newsevent.iter_load(_tree(tmp_path)) if r.page is not None]
    with ProcessPoolExecutor(2) as pool:
        assert list(pool.map(_count_sources, pages)) == [2, 2]
        assert list(pool.map(newsevent.dumps, pages)) == [newsevent.dumps(p) for p in pages]


def test_special_files_links_and_unreadable_folders_are_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _tree(tmp_path)
    os.mkfifo(root / "pipe.md")
    (root / "up").symlink_to("..")
    real = os.scandir

    def deny(path: str = ".") -> object:
        if os.fspath(path) == str(root / "b"):
            raise PermissionError(13, "Permission denied", path)
        return real(path)

    monkeypatch.setattr(os, "scandir", deny)
    errors: list[OSError] = []
    files = list(newsevent.iter_files(root, onerror=errors.append))
    assert files == [str(root / "bad.md"), str(root / "ok.md")]
    assert [(type(e).__name__, e.filename, e.strerror) for e in errors] == [
        ("PermissionError", str(root / "b"), "cannot read directory (Permission denied)"),
        ("Skipped", str(root / "pipe.md"), "a named pipe, not a regular file"),
        ("Skipped", str(root / "up"), "symbolic link loop, not followed"),
    ]
    results = list(newsevent.iter_load(root))
    assert [(Path(r.path).name, r.ok) for r in results] == [
        ("b", False),
        ("bad.md", False),
        ("ok.md", True),
        ("pipe.md", False),
        ("up", False),
    ]
    assert str(results[3].error) == f"{root / 'pipe.md'}: skipped: a named pipe, not a regular file"
    for r in results:
        back = pickle.loads(pickle.dumps(r))
        assert type(back.error) is type(r.error) and str(back.error) == str(r.error)
