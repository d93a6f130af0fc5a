#!/usr/bin/env bash
# Mutation testing with mutmut, one module (shard) at a time; see docs/testing.md.
#
#   bench/mutation.sh                 every module, one after the other
#   bench/mutation.sh _text _md.day   only these modules (names under newsevent.)
#
# Needs the `mutation` extra (pip install -e '.[mutation]'). Work happens in ./mutants
# (git-ignored). mutmut remembers each mutant's result and retries only mutants whose
# function changed, not those whose tests changed: so each shard forgets its module's
# results first (KEEP=1 keeps them, to resume an interrupted run).
# Each shard's score is printed as "module caught/total score not caught=N (seconds)",
# then every mutant not caught; `mutmut show NAME` prints one.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
MUTMUT="$(dirname "$PY")/mutmut"
export HYPOTHESIS_PROFILE=mutation
# The corpus tests are not in the selection; make sure none tries to find the corpus.
export NEWSEVENT_CORPUS=/nonexistent
unset CI
# Smallest first; `_md` is the package's __init__.py.
MODULES=(_text _md _md.common _api _json _model _md.day _md.front _md.listing _spelling
    _inline _md.event _xml _html)
if [ "$#" -gt 0 ]; then MODULES=("$@"); fi
JOBS="${JOBS:-2}"
mkdir -p mutants
for m in "${MODULES[@]}"; do
    start=$(date +%s)
    if [ "${KEEP:-0}" != 1 ]; then
        "$PY" - "$m" <<'PYEOF'
import json
import sys
from pathlib import Path

module = sys.argv[1]
path = "_md/__init__" if module == "_md" else module.replace(".", "/")
meta = Path("mutants/src/newsevent") / f"{path}.py.meta"
if meta.is_file():
    data = json.loads(meta.read_text())
    data["exit_code_by_key"] = dict.fromkeys(data["exit_code_by_key"])
    meta.write_text(json.dumps(data))
PYEOF
    fi
    if ! "$MUTMUT" run --max-children "$JOBS" "newsevent.$m.x*" >"mutants/run-$m.log" 2>&1; then
        echo "$m: mutmut failed (a test fails without mutants?), see mutants/run-$m.log"
        continue
    fi
    "$MUTMUT" results --all true >"mutants/results-$m.txt" 2>/dev/null || true
    "$PY" - "$m" "$(( $(date +%s) - start ))" <<'PYEOF'
import re
import sys
from pathlib import Path

module, seconds = sys.argv[1], sys.argv[2]
CAUGHT = {"killed", "timeout"}
lines = Path(f"mutants/results-{module}.txt").read_text().splitlines()
pattern = re.compile(rf"\s*newsevent\.{re.escape(module)}\.x\S*__mutmut_\d+: (\S+)")
status = [m.group(1) for m in map(pattern.match, lines) if m]
# A mutant that makes a test time out is caught too.
killed = status.count("killed") + status.count("timeout")
survivors = [
    ln.strip() for ln in lines if pattern.match(ln) and pattern.match(ln).group(1) not in CAUGHT
]
score = f"{100 * killed / len(status):.1f} %" if status else "no mutants"
print(f"{module} {killed}/{len(status)} {score} not caught={len(survivors)} ({seconds} s)")
for s in survivors:
    print("   ", s)
PYEOF
done
