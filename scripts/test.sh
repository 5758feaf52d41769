#!/usr/bin/env bash
# The README's test command: set up, then every test suite. Exits non-zero when any suite fails.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
./scripts/setup.sh
echo "== layering (import-linter contracts in pyproject.toml)"
lint-imports
echo "== tests/ (program, emulator, builder, schemas, foundation)"
python3 -m pytest tests -q -n 2 --ignore=tests/conformance
echo "== the wheel, installed non-editable into a fresh venv (tests/packaging)"
python3 -m pytest tests/packaging -q -m wheel
echo "== ttnn conformance (downloads the ttnn wheel on first use)"
./scripts/conformance.sh --all-variants
echo "== op tests (scripts/dev-test.sh), default numerics variant (pessimistic)"
./scripts/dev-test.sh -- -q
for variant in isa ttsim exact; do
    echo "== op numeric tests under EMULATOR_NUMERICS=$variant"
    EMULATOR_NUMERICS="$variant" ./scripts/dev-test.sh -- -q -m "numeric and not grids"
done
echo "== real-ttnn checks (Python 3.12 venv)"
./scripts/ttnn-check.sh
