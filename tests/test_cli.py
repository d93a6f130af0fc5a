"""The installed console script, driven in a subprocess."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import newsevent

EXE = shutil.which("newsevent", path=str(Path(sys.executable).parent))


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    cmd = [EXE, *args] if EXE else [sys.executable, "-m", "newsevent", *args]
    return subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=60)


def test_console_script_is_installed() -> None:
    assert EXE is not None, "pip install did not put the newsevent script beside python"


def test_example_as_json() -> None:
    r = run("example", "--to", "json")
    assert r.returncode == 0, r.stderr
    assert newsevent.loads(r.stdout, "json") == newsevent.parse(newsevent.example())


def test_convert_file_and_stdin(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(newsevent.example(), encoding="utf-8")
    r = run("convert", str(page), "--to", "json", "--indent", "2")
    assert r.returncode == 0 and r.stdout.startswith('{\n  "format"')
    back = run("convert", "-", "--to", "markdown", stdin=r.stdout)
    assert back.returncode == 0 and back.stdout == newsevent.example()


def test_python_dash_m() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "newsevent", "example"], capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 0 and r.stdout == newsevent.example()


def test_bad_input_reports_path_line_col(tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text("# no date\n", encoding="utf-8")
    r = run("convert", str(bad), "--to", "json")
    assert r.returncode == 1 and r.stdout == ""
    assert f"{bad}:1:1:" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("args", [[], ["convert"], ["convert", "x", "--to", "pdf"]])
def test_usage_errors_exit_2(args: list[str]) -> None:
    r = run(*args)
    assert r.returncode == 2 and "usage:" in r.stderr


def test_missing_file_exit_1(tmp_path: Path) -> None:
    r = run("convert", str(tmp_path / "nope.md"), "--to", "json")
    assert r.returncode == 1 and "nope.md" in r.stderr


def test_help() -> None:
    for args in (["--help"], ["convert", "--help"], ["example", "--help"]):
        r = run(*args)
        assert r.returncode == 0 and "usage:" in r.stdout


def test_schema_is_valid_json() -> None:
    schema = json.loads(newsevent.json.schema())
    consts = [
        schema["$defs"][k]["properties"]["format"]["const"] for k in ("event", "day", "front")
    ]
    assert consts == ["newsevent.event", "newsevent.day", "newsevent.front"]
