"""docs/portal.md: its blocks run as written, and newsevent.portal documents itself."""

from __future__ import annotations

import contextlib
import inspect
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from newsevent import portal

DOC = Path(__file__).resolve().parent.parent / "docs" / "portal.md"
BLOCK = re.compile(r"```(\w+)\n(.*?)```", re.DOTALL)


def _blocks() -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in BLOCK.finditer(DOC.read_text("utf-8"))]


def test_every_block_is_python_shell_or_text() -> None:
    assert {kind for kind, _ in _blocks()} == {"python", "sh", "text"}


def test_python_block_prints_what_the_page_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocks = _blocks()
    k = next(i for i, (kind, _) in enumerate(blocks) if kind == "python")
    out = io.StringIO()
    monkeypatch.chdir(tmp_path)
    with contextlib.redirect_stdout(out):
        exec(compile(blocks[k][1], str(DOC), "exec"), {})
    assert blocks[k + 1][0] == "text"
    assert out.getvalue() == blocks[k + 1][1]


def test_shell_blocks_run(tmp_path: Path) -> None:
    (tmp_path / "archive").mkdir()
    env = {**os.environ, "PATH": os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]}
    for kind, code in _blocks():
        if kind != "sh":
            continue
        run = subprocess.run(
            ["bash", "-e", "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True
        )
        assert run.returncode == 0, run.stderr
    assert sorted(
        p.name for p in (tmp_path / "archive" / "news" / "2018" / "02" / "10").iterdir()
    ) == [
        ".portal-import",
        "a-bus-carrying-local-tourists-crashes-in-west-java-indonesia-killing-at-least-27-people.md",
        "index.md",
    ]


def test_public_names_document_themselves() -> None:
    assert (portal.__doc__ or "").strip()
    missing = []
    for name in portal.__all__:
        obj = getattr(portal, name)
        if isinstance(obj, str):
            continue
        if not (inspect.getdoc(obj) or "").strip():
            missing.append(name)
        if inspect.isclass(obj):
            for attr, member in vars(obj).items():
                if not attr.startswith("_") and callable(member) and not inspect.getdoc(member):
                    missing.append(f"{name}.{attr}")
    assert missing == []


def test_page_is_in_the_site_navigation() -> None:
    nav = (DOC.parent.parent / "mkdocs.yml").read_text("utf-8")
    assert "  - Import Wikipedia's current events: portal.md\n" in nav
