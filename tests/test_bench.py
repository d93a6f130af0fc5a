"""The benchmark's table: rendered exactly, and the one in docs/index.md is its output.

Nothing is timed here; speed is measured by bench/bench.py itself.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("newsevent_bench", ROOT / "bench" / "bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


bench = _bench()
Row, Target = bench.Row, bench.Target

ROWS = [
    Row("parser A", 687.4, "pages/s", 1.0, "mistune"),
    Row("parser B", 17011.5, "pages/s", 24.7474, "mistune"),
    Row("newsevent", 12345.0, "pages/s", 0.72571, "cmarkgfm", Target(1.0)),
    Row("writing", 20000.0, "pages/s", 1.62, "reading", Target(1.0)),
    Row("big archive", 6.994, "s", target=Target(7.0, "value", most=True)),
    Row("big archive rate", 14999.6, "pages/s", target=Target(15_000, "value")),
    Row("speed-up", 1.6049, "x", target=Target(1.6, "value")),
    Row("peak RSS, all", 61.25, "MiB", 1.3333, "a tenth", Target(1.2, most=True)),
    Row("start-up", 0.3149, "s"),
]

TABLE = """\
| measurement | figure | ratio | target | met |
|---|---|---|---|---|
| parser A | 687 pages/s | 1.00x mistune | - | - |
| parser B | 17,012 pages/s | 24.75x mistune | - | - |
| newsevent | 12,345 pages/s | 0.73x cmarkgfm | >= 1.00x cmarkgfm | no |
| writing | 20,000 pages/s | 1.62x reading | >= 1.00x reading | yes |
| big archive | 6.99 s | - | <= 7.00 s | yes |
| big archive rate | 15,000 pages/s | - | >= 15,000 pages/s | no |
| speed-up | 1.60x | - | >= 1.60x | yes |
| peak RSS, all | 61.2 MiB | 1.33x a tenth | <= 1.20x a tenth | no |
| start-up | 0.31 s | - | - | - |

Measured on a test machine.
"""


def test_render_table_exact() -> None:
    assert bench.render_table(ROWS, "Measured on a test machine.") == TABLE


def test_stamp_names_date_machine_and_command() -> None:
    line = bench.stamp(3, ["--repeat", "3", "--write-docs"], dt.date(2026, 1, 2))
    assert line.startswith("Measured 2026-01-02 on ")
    assert line.endswith(", best of 3 rounds: `python bench/bench.py --repeat 3 --write-docs`.")
    assert re.fullmatch(STAMP, line)


def test_unknown_unit_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown unit 'ms'"):
        bench.fmt_value(1.0, "ms")


def test_write_docs_replaces_only_between_markers(tmp_path: Path) -> None:
    page = tmp_path / "index.md"
    page.write_text(f"# Title\n\ntext\n\n{bench.START}\nold\n{bench.END}\n\nafter\n", "utf-8")
    bench.write_docs(TABLE, page)
    expected = f"# Title\n\ntext\n\n{bench.START}\n\n{TABLE}\n{bench.END}\n\nafter\n"
    assert page.read_text("utf-8") == expected
    bench.write_docs(TABLE, page)  # a second run changes nothing
    assert page.read_text("utf-8") == expected


def test_write_docs_needs_the_markers(tmp_path: Path) -> None:
    page = tmp_path / "index.md"
    page.write_text(f"{bench.END}\n{bench.START}\n", "utf-8")
    with pytest.raises(SystemExit, match="markers"):
        bench.write_docs(TABLE, page)
    assert page.read_text("utf-8") == f"{bench.END}\n{bench.START}\n"


FIGURE = r"[\d,]+ pages/s|\d+\.\d\d s|\d+\.\d MiB|\d+\.\d\dx"
CELLS = re.compile(
    rf"\| ([^|]+) \| ({FIGURE}) \| (-|\d+\.\d\dx [^|]+) \| (-|[<>]= [^|]+) \| (yes|no|-) \|"
)
STAMP = (
    r"Measured \d{4}-\d\d-\d\d on \d+ CPUs \([^)]*\), Python [\d.]+\w*, newsevent [\w.]+, "
    r"best of \d+ rounds: `python bench/bench\.py[^`]*--write-docs[^`]*`\."
)


def test_docs_table_is_the_renderers_output() -> None:
    text = (ROOT / "docs" / "index.md").read_text("utf-8")
    assert text.count(bench.START) == 1 and text.count(bench.END) == 1
    inside = text[text.index(bench.START) + len(bench.START) : text.index(bench.END)]
    assert inside.startswith("\n\n" + bench.HEADER)
    body, blank, stamp, blank_end, end = inside[2 + len(bench.HEADER) :].rsplit("\n", 4)
    assert (blank, blank_end, end) == ("", "", "")
    assert re.fullmatch(STAMP, stamp)
    whats = []
    for line in body.split("\n"):
        cells = CELLS.fullmatch(line)
        assert cells, line
        assert (cells[4] == "-") == (cells[5] == "-"), line  # a verdict exactly where a target
        whats.append(cells[1])
    for needed in (
        "newsevent against cmarkgfm",
        "Markdown writing, parsed pages",
        "Markdown writing, pages built in code",
        "JSON loads, event pages",
        "JSON loads against json.loads alone",
        "XML loads, 5,",
        "HTML loads, 5,",
        "convert --jsonl --jobs 1",
        "convert --jsonl --jobs 2",
        "convert -o DIR --jobs 2",
        "start-up",
        "beyond start-up",
        "iter_load peak RSS",
    ):
        assert any(needed in what for what in whats), needed
