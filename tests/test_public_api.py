"""The public surface: what __all__ lists exists and explains itself."""

from __future__ import annotations

import inspect
import subprocess
import sys

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


# Markdown and JSON never need lxml; newsevent.html and newsevent.xml load it on first use.
_LAZY_LXML = """
import sys
import newsevent
page = newsevent.loads(newsevent.example(), "markdown")
page = newsevent.loads(newsevent.dumps(page, "json"))
print("lxml" in sys.modules)
from newsevent import html
print(html.loads(newsevent.html.dumps(page)) == page)
print(newsevent.xml.loads(newsevent.dumps(page, "xml")) == page)
print("lxml" in sys.modules, "html" in dir(newsevent), "xml" in dir(newsevent))
"""


def test_lxml_loads_only_when_xml_or_html_is_used() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _LAZY_LXML], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["False", "True", "True", "True", "True", "True"]


def test_lazy_modules_are_attributes() -> None:
    assert newsevent.html.loads is newsevent._html.loads
    assert newsevent.xml.xsd().startswith("<?xml")
    try:
        newsevent.nothing  # noqa: B018
    except AttributeError as exc:
        assert "nothing" in str(exc)
    else:
        raise AssertionError("newsevent.nothing exists")
