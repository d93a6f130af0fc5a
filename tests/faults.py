"""Run newsevent in a child process with faults injected into its system calls.

    python tests/faults.py ARGS...            the newsevent command
    python tests/faults.py -c CODE ARGS...    any Python code

$NEWSEVENT_FAULTS holds a JSON list of rules: {"call": "open"|"write"|"mkdir"|"scandir"|
"fsync", "match": substring of the path, "writing": bool (open only; default true),
"after": successful calls before failing (default 0), "errno": code to fail with,
"sleep": seconds to wait first, "then": seconds to wait once the call succeeded (mkdir
and fsync)}. Counts are per process (forked workers count anew from the fork).
"""

from __future__ import annotations

import json
import os
import runpy
import sys
import time
from typing import Any

RULES: list[dict[str, Any]] = json.loads(os.environ.get("NEWSEVENT_FAULTS", "[]"))
PATHS: dict[int, tuple[str, int, int]] = {}  # descriptor -> path it was opened with, inode


def _apply(call: str, path: str, writing: bool = True) -> None:
    for rule in RULES:
        if rule["call"] != call or rule["match"] not in path:
            continue
        if call == "open" and rule.get("writing", True) != writing:
            continue
        rule["seen"] = rule.get("seen", 0) + 1
        if rule.get("sleep"):
            time.sleep(rule["sleep"])
        if "errno" in rule and rule["seen"] > rule.get("after", 0):
            code = rule["errno"]
            raise OSError(code, os.strerror(code), path)


_open, _write, _mkdir, _scandir, _fsync = os.open, os.write, os.mkdir, os.scandir, os.fsync


def _fake_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
    name = os.fsdecode(path)
    _apply("open", name, bool(flags & (os.O_WRONLY | os.O_RDWR)))
    fd = _open(path, flags, *args, **kwargs)
    st = os.fstat(fd)
    PATHS[fd] = (name, st.st_dev, st.st_ino)
    return fd


def _path(fd: int) -> str:
    """The path ``fd`` was opened with, unless the number now stands for another file."""
    name, dev, ino = PATHS.get(fd, ("", 0, 0))
    st = os.fstat(fd)
    return name if (st.st_dev, st.st_ino) == (dev, ino) else ""


def _fake_write(fd: int, data: Any) -> int:
    _apply("write", _path(fd))
    return _write(fd, data)


def _then(call: str, path: str) -> None:
    for rule in RULES:
        if rule["call"] == call and rule["match"] in path and rule.get("then"):
            time.sleep(rule["then"])  # (a signal now comes as the call returns)


def _fake_mkdir(path: Any, *args: Any, **kwargs: Any) -> None:
    name = os.fsdecode(path)
    _apply("mkdir", name)
    _mkdir(path, *args, **kwargs)
    _then("mkdir", name)


def _fake_scandir(path: Any = ".") -> Any:
    _apply("scandir", os.fsdecode(path), writing=False)
    return _scandir(path)


def _fake_fsync(fd: Any) -> None:
    name = _path(fd)
    _apply("fsync", name)
    _fsync(fd)
    _then("fsync", name)


os.open, os.write, os.mkdir = _fake_open, _fake_write, _fake_mkdir  # type: ignore[assignment]
os.scandir, os.fsync = _fake_scandir, _fake_fsync  # type: ignore[assignment]

if __name__ == "__main__":
    if sys.argv[1:2] == ["-c"]:
        code = sys.argv[2]
        sys.argv = ["-c", *sys.argv[3:]]
        exec(compile(code, "<faults -c>", "exec"), {"__name__": "__main__"})
    else:
        sys.argv = ["newsevent", *sys.argv[1:]]
        runpy.run_module("newsevent", run_name="__main__", alter_sys=True)
