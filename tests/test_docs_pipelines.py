"""Every code block of docs/pipelines.md runs, in a folder that holds an archive of pages."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import newsevent

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "pipelines.md"
DATA = Path(__file__).resolve().parent / "data" / "valid"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def _blocks() -> list[tuple[str, str, int]]:
    text = DOC.read_text("utf-8")
    return [
        (m[1], m[2], text.count("\n", 0, m.start()) + 1)
        for m in FENCE.finditer(text)
        if m[1] != "text"
    ]


def _archive(folder: Path) -> None:
    """A small site: an event per generator, a day page and a front page."""
    pages = {
        "news/2024/03/5/example.md": newsevent.example(),
        "news/2006/09/5/old-generator.md": (DATA / "old-generator.md").read_text("utf-8"),
        "zh/news/2014/08/27/chinese-early.md": (DATA / "chinese-early.md").read_text("utf-8"),
        "news/2001/04/8/kept-lines.md": (DATA / "kept-lines.md").read_text("utf-8"),
        "news/2014/03/8/index.md": (DATA / "day-page.md").read_text("utf-8"),
        "index.md": (DATA / "front-page.md").read_text("utf-8"),
    }
    for rel, text in pages.items():
        path = folder / "archive" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_every_block_is_marked() -> None:
    text = DOC.read_text("utf-8")
    langs = {m[1] for m in FENCE.finditer(text)}
    assert langs == {"python", "sh", "text"}
    # Each opening fence of a block that runs, counted line by line, is one block here.
    opening = [n for n, line in enumerate(text.splitlines(), 1) if line in ("```python", "```sh")]
    assert [line for _, _, line in _blocks()] == opening


# Named by language and line: a name made of the code's first characters may hold a line
# break or brackets, which a test selection by name cannot give back.
@pytest.mark.parametrize(
    ("lang", "code", "line"), _blocks(), ids=[f"{lang}-{line}" for lang, _, line in _blocks()]
)
def test_block_runs(lang: str, code: str, line: int, tmp_path: Path) -> None:
    _archive(tmp_path)
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.pop("DASK_SCHEDULER_ADDRESS", None)
    if lang == "python":
        (tmp_path / "block.py").write_text(code, encoding="utf-8")
        cmd = [sys.executable, "block.py"]
    else:
        assert lang == "sh"
        cmd = [shutil.which("bash") or "bash", "-euo", "pipefail", "-c", code]
    r = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, f"docs/pipelines.md:{line}\n{r.stdout}\n{r.stderr}"
