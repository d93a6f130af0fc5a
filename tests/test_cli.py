"""The installed console script, driven in a subprocess."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import newsevent

EXE = shutil.which("newsevent", path=str(Path(sys.executable).parent))
EXAMPLE = newsevent.parse(newsevent.example())


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    cmd = [EXE, *args] if EXE else [sys.executable, "-m", "newsevent", *args]
    return subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=120)


def tree(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    (src / "2024" / "03").mkdir(parents=True)
    (src / "2024" / "03" / "a.md").write_text(newsevent.example(), encoding="utf-8")
    (src / "2024" / "03" / "b.xml").write_text(newsevent.dumps(EXAMPLE, "xml"), encoding="utf-8")
    (src / "broken.md").write_text("# no date\n", encoding="utf-8")
    (src / "readme.txt").write_text("not a page", encoding="utf-8")
    return src


def test_console_script_is_installed() -> None:
    assert EXE is not None, "pip install did not put the newsevent script beside python"


def test_example_as_json() -> None:
    r = run("example", "--to", "json")
    assert r.returncode == 0, r.stderr
    assert newsevent.loads(r.stdout, "json") == EXAMPLE


def test_convert_file_and_stdin(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(newsevent.example(), encoding="utf-8")
    r = run("convert", str(page), "--to", "json", "--indent", "2")
    assert r.returncode == 0 and r.stdout.startswith('{\n  "format"')
    back = run("convert", "-", "--to", "markdown", stdin=r.stdout)
    assert back.returncode == 0 and back.stdout == newsevent.example()
    assert r.stderr == "" and back.stderr == ""


def test_python_dash_m() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "newsevent", "example"], capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 0 and r.stdout == newsevent.example()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_directory_tree_is_mirrored_and_failures_reported(tmp_path: Path, jobs: str) -> None:
    src = tree(tmp_path)
    out = tmp_path / "out"
    r = run("convert", str(src), "--to", "html", "-o", str(out), "--jobs", jobs)
    assert r.returncode == 1
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
        "2024",
        "2024/03",
        "2024/03/a.html",
        "2024/03/b.html",
    ]
    for name in ("a", "b"):
        assert newsevent.load(out / "2024" / "03" / f"{name}.html") == EXAMPLE
    assert f"{src / 'broken.md'}:1:1:" in r.stderr
    assert "2 converted, 1 failed" in r.stderr
    assert "\r" not in r.stderr  # no progress bar when stderr is not a terminal
    assert r.stdout == ""


def test_jsonl_stream_of_an_archive(tmp_path: Path) -> None:
    src = tree(tmp_path)
    (src / "broken.md").unlink()
    r = run("convert", str(src), "--to", "json", "--jsonl", "--jobs", "2")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == 2 and all(newsevent.loads(x, "json") == EXAMPLE for x in lines)
    for source in (str(src), "-"):
        r = run("convert", source, "--to", "xml", "--jsonl", stdin=newsevent.example())
        assert r.returncode == 2 and "--jsonl" in r.stderr and r.stdout == ""


def test_never_overwrites_an_input(tmp_path: Path) -> None:
    src = tree(tmp_path)
    (src / "broken.md").unlink()
    before = (src / "2024" / "03" / "a.md").read_bytes()
    (src / "2024" / "03" / "a.json").write_text(newsevent.dumps(EXAMPLE, "json"), encoding="utf-8")
    r = run("convert", str(src), "--to", "markdown", "-o", str(src))
    assert r.returncode == 1 and "refusing to overwrite an input" in r.stderr
    assert (src / "2024" / "03" / "a.md").read_bytes() == before
    single = run(
        "convert",
        str(src / "2024" / "03" / "a.md"),
        "--to",
        "markdown",
        "-o",
        str(src / "2024" / "03" / "a.md"),
    )
    assert single.returncode == 1 and "refusing" in single.stderr


def test_progress_bar_when_asked(tmp_path: Path) -> None:
    src = tree(tmp_path)
    r = run("convert", str(src), "--to", "json", "-o", str(tmp_path / "o"), "--progress", "always")
    # (text mode turns the bar's carriage returns into newlines)
    assert "[##############################] 3/3" in r.stderr


def test_validate_reports_each_problem(tmp_path: Path) -> None:
    src = tree(tmp_path)
    (src / "bad.xml").write_text("<event", encoding="utf-8")
    r = run("validate", str(src))
    assert r.returncode == 1
    lines = r.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{src / 'bad.xml'}:1:7: malformed XML: ")
    assert lines[1].startswith(f"{src / 'broken.md'}:1:1: not an event page: no date heading")
    assert "2 checked" not in r.stdout and "4 checked, 2 with problems" in r.stderr
    ok = run("validate", str(src / "2024"))
    assert ok.returncode == 0 and ok.stdout == ""


def test_schema_command() -> None:
    j = run("schema", "json")
    assert j.returncode == 0 and json.loads(j.stdout) == json.loads(newsevent.json.schema())
    x = run("schema", "xml")
    assert x.returncode == 0 and x.stdout == newsevent.xml.xsd()


def test_bad_input_reports_path_line_col(tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text("# no date\n", encoding="utf-8")
    r = run("convert", str(bad), "--to", "json")
    assert r.returncode == 1 and r.stdout == ""
    assert f"{bad}:1:1:" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["convert"],
        ["convert", "x", "--to", "pdf"],
        ["schema", "yaml"],
        ["convert", "a", "b", "--to", "json"],
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str]) -> None:
    if args[-3:] == ["b", "--to", "json"]:
        for name in ("a", "b"):
            (tmp_path / name).write_text(newsevent.example(), encoding="utf-8")
        args = ["convert", str(tmp_path / "a"), str(tmp_path / "b"), "--to", "json"]
    r = run(*args)
    assert r.returncode == 2 and "usage:" in r.stderr


def test_missing_file_exit_1(tmp_path: Path) -> None:
    r = run("convert", str(tmp_path / "nope.md"), "--to", "json")
    assert r.returncode == 1 and "nope.md" in r.stderr


def test_help_for_every_command() -> None:
    for args in (
        ["--help"],
        ["convert", "--help"],
        ["validate", "--help"],
        ["schema", "--help"],
        ["example", "--help"],
    ):
        r = run(*args)
        assert r.returncode == 0 and "usage:" in r.stdout and "Exit codes" in r.stdout


def test_schema_is_valid_json() -> None:
    schema = json.loads(newsevent.json.schema())
    consts = [
        schema["$defs"][k]["properties"]["format"]["const"] for k in ("event", "day", "front")
    ]
    assert consts == ["newsevent.event", "newsevent.day", "newsevent.front"]


ZH_EVENT = """### [2015-05-24](/news/2015/05/24/index.md)

# 年 a

### 信息来源:

1. [ABC](http://abc.example/x)
"""


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_standard_output_in_its_own_encoding_or_a_clear_error(tmp_path: Path, jobs: str) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.md").write_text(newsevent.example(), encoding="utf-8")
    (src / "b.md").write_text(ZH_EVENT, encoding="utf-8")
    cmd = [EXE or sys.executable, *([] if EXE else ["-m", "newsevent"])]
    cmd += ["convert", str(src), "--to", "json", "--jsonl", "--jobs", jobs]
    utf8 = subprocess.run(cmd, capture_output=True, timeout=120)
    assert utf8.returncode == 0, utf8.stderr
    expected = "".join(
        newsevent.dumps(newsevent.parse(p.read_text("utf-8")), "json") + "\n"
        for p in sorted(src.iterdir())
    ).encode("utf-8")
    assert utf8.stdout == expected
    env = {**os.environ, "PYTHONIOENCODING": "utf-16-le"}
    other = subprocess.run(cmd, capture_output=True, timeout=120, env=env)
    assert other.returncode == 0, other.stderr
    assert other.stdout == expected.decode("utf-8").encode("utf-16-le")
    env["PYTHONIOENCODING"] = "ascii"
    ascii_ = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)
    assert ascii_.returncode == 1
    assert ascii_.stderr.splitlines() == [
        "newsevent: cannot write standard output: its encoding, ascii, cannot hold '\\u5e74'; "
        "write to a file with -o, or set PYTHONIOENCODING=utf-8",
        "newsevent: stopped: 1 converted, 0 failed, 1 not done",
    ]
    assert ascii_.stdout == newsevent.dumps(newsevent.parse(newsevent.example()), "json") + "\n"


_LEAN = """
import sys
from newsevent._cli import main
status = main(["convert", sys.argv[1], "--to", "json", "--jsonl", "-o", sys.argv[2], "-j", "1"])
heavy = ("lxml", "newsevent._html", "newsevent._xml", "newsevent._portal", "newsevent._site")
print(status, sorted(m for m in sys.modules if m.startswith(heavy)))
"""


def test_markdown_to_json_starts_without_lxml_or_other_commands(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.md").write_text(newsevent.example(), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    cmd = [sys.executable, "-c", _LEAN, str(src), str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.split() == ["0", "[]"]
    assert newsevent.loads(out.read_text(encoding="utf-8")) == EXAMPLE


def test_commands_that_load_on_use_are_listed_and_run() -> None:
    r = run("--help")
    assert r.returncode == 0
    assert all(name in r.stdout for name in ("import", "fetch", "site"))
    for name in ("import", "fetch", "site"):
        assert run(name, "--help").returncode == 0
    xsd = run("schema", "xml")
    assert xsd.returncode == 0 and xsd.stdout.startswith("<?xml")


def test_worker_hands_back_runs_of_alike_pages_as_one_result() -> None:
    from newsevent._cli import CURRENT, DONE, FAILED, _Done, _joined

    results = [
        _Done("a", DONE, b"1\n"),
        _Done("b", DONE, b"2\n"),
        _Done("c", FAILED, None, "c: bad"),
        _Done("d", FAILED, None, "d: bad"),
        _Done("e", DONE, b"3\n"),
        _Done("f", CURRENT),
        _Done("g", CURRENT),
        _Done("h", DONE),
    ]
    assert _joined(results) == [
        _Done("b", DONE, b"1\n2\n", None, 2),
        results[2],
        results[3],
        results[4],
        _Done("g", CURRENT, None, None, 2),
        results[7],
    ]
    assert _joined([]) == []
