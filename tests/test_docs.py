"""Every code block of README.md and docs/ runs: no untested recipe.

Python blocks of one page run in order as one script, shell blocks with ``bash -e``, both
in a fresh folder holding ``archive/`` (a few pages written by the package itself). Blocks
fenced as ``text``, ``json``, ``xml`` or ``html`` show data or output and are not run.
docs/portal.md and docs/pipelines.md have their own tests (tests/test_portal_docs.py,
tests/test_docs_pipelines.py), and the README's install
commands are what .ci/run itself runs, word for word.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import newsevent

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
OWN_TESTS = {"portal.md", "pipelines.md"}
BLOCK = re.compile(r"^```(\w*)\n(.*?)^```", re.DOTALL | re.MULTILINE)
DATA = {"text", "json", "xml", "html"}
INSTALL = re.compile(r"python3 -m venv \.venv")


def _blocks(page: Path) -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in BLOCK.finditer(page.read_text("utf-8"))]


def _archive(folder: Path) -> None:
    """A small archive: the example page, a Chinese event and their day pages."""
    example = newsevent.parse(newsevent.example())
    assert isinstance(example, newsevent.Event)
    zh = newsevent.Event(
        date=dt.date(2019, 11, 30),
        title="伊拉克发生爆炸",
        category="伊拉克",
        sources=(newsevent.Source(name="维基", url="https://zh.wikipedia.org/wiki/伊拉克"),),
        slug="伊拉克发生爆炸",
    )
    for ev in (example, zh):
        day = folder / "news" / ev.path.split("/news/")[1]
        day.mkdir(parents=True, exist_ok=True)
        (day / f"{ev.slug or 'event'}.md").write_text(newsevent.dumps(ev), "utf-8")
        listing = newsevent.DayPage(
            date=ev.date,
            entries=(newsevent.Entry(title=ev.title, url=ev.url or f"{ev.path}/event.md"),),
        )
        (day / "index.md").write_text(newsevent.dumps(listing), "utf-8")


@pytest.mark.parametrize(
    "page", [p for p in PAGES if p.name not in OWN_TESTS], ids=lambda p: p.name
)
def test_every_block_runs(page: Path, tmp_path: Path) -> None:
    _archive(tmp_path / "archive")
    env = {**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]}
    script: list[str] = []
    ran = 0
    for kind, code in _blocks(page):
        if kind in DATA:
            continue
        assert kind in ("python", "sh"), f"{page.name}: a block fenced {kind!r}"
        if kind == "python":
            script.append(code)
        elif INSTALL.search(code):
            assert page.name == "README.md", f"{page.name}: install commands belong in README"
            continue
        else:
            _run(["bash", "-e", "-c", code], tmp_path, env, page)
        ran += 1
    if script:
        (tmp_path / "blocks.py").write_text("\n".join(script), "utf-8")
        _run([sys.executable, "blocks.py"], tmp_path, env, page)
    expected = sum(kind not in DATA and not INSTALL.search(code) for kind, code in _blocks(page))
    assert ran == expected


def _run(command: list[str], cwd: Path, env: dict[str, str], page: Path) -> None:
    run = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, f"{page.name}: {command[-1]}\n{run.stderr}"


def test_ci_runs_the_readme_install_commands_as_written() -> None:
    readme = [code.strip() for kind, code in _blocks(ROOT / "README.md") if INSTALL.search(code)]
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert len(readme) == 2 and all(command in ci for command in readme)
