from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from newsevent import _text

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile("dev", max_examples=400, deadline=None)
settings.register_profile("quick", max_examples=30, deadline=None)
# CI is reproducible and so explores the same examples on every run; `deep` looks for new
# ones: randomized, ten times CI's examples, failures kept in the example database (run it
# before a release and after a change to a reader or writer; see docs/testing.md).
settings.register_profile(
    "deep",
    derandomize=False,
    max_examples=1500,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
# One mutant runs every test that calls the mutated function: few examples, and the same
# ones for every mutant so that the scores can be compared.
settings.register_profile(
    "mutation",
    derandomize=True,
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

ROOT = Path(__file__).resolve().parent.parent


def corpus_root() -> Path | None:
    """The shared corpus: $NEWSEVENT_CORPUS, else ../shared/corpus beside the project."""
    env = os.environ.get("NEWSEVENT_CORPUS")
    path = Path(env) if env else ROOT.parent / "shared" / "corpus"
    return path if (path / "README.md").is_file() else None


@pytest.fixture(scope="session")
def corpus() -> Path:
    root = corpus_root()
    if root is None:
        msg = (
            "shared corpus not found (set NEWSEVENT_CORPUS or place it at ../shared/corpus); "
            "corpus tests need it"
        )
        if os.environ.get("CI"):
            pytest.fail(msg)
        pytest.skip(msg)
    return root


@pytest.fixture(autouse=True)
def _cold_caches() -> None:
    # Each test reads its lines afresh: otherwise a line remembered by an earlier test hides
    # the code under it, from the test and from the mutation tester (a mutant of a function
    # the memo skips would survive, and the test would not be selected for it).
    _text.clear_caches()
