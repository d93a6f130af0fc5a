"""The public surface: what __all__ lists exists and explains itself."""

from __future__ import annotations

import inspect

import newsevent


def test_all_names_exist_and_have_docstrings() -> None:
    missing = []
    for name in newsevent.__all__:
        obj = getattr(newsevent, name)
        if name == "Page":  # a type alias: documented in docs/api.md
            continue
        if not (inspect.getdoc(obj) or "").strip():
            missing.append(name)
        if inspect.isclass(obj) or inspect.ismodule(obj):
            for attr, member in vars(obj).items():
                if attr.startswith("_") or not callable(member):
                    continue
                if not (inspect.getdoc(member) or "").strip():
                    missing.append(f"{name}.{attr}")
    assert not missing


def test_private_modules_stay_private() -> None:
    public_modules = {"html", "json", "markdown", "xml"}
    for name in newsevent.__all__:
        obj = getattr(newsevent, name)
        if inspect.ismodule(obj):
            assert name in public_modules
    assert sorted(
        n for n in newsevent.__all__ if inspect.ismodule(getattr(newsevent, n))
    ) == sorted(public_modules)
