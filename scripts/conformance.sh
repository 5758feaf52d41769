#!/usr/bin/env bash
# ttnn conformance: ttnn 0.81.1's own production kernels, unmodified from the wheel, run on the emulator
# and held to the bounds their tt-metal unit tests assert (tests/conformance, README "Conformance").
# The wheel is downloaded on first use into ~/.cache/ttnn-opbuilder/wheel (TTNN_WHEEL_CACHE moves it).
#
#   ./scripts/conformance.sh                  # the suite under the default numerics; prints its table
#   ./scripts/conformance.sh --all-variants   # then once per other EMULATOR_NUMERICS variant, a table each;
#                                             # only the default run decides the exit code (the others are
#                                             # calibration evidence, see README)
# Other arguments are passed to pytest.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
all_variants=0
args=()
for a in "$@"; do
    if [[ "$a" == "--all-variants" ]]; then all_variants=1; else args+=("$a"); fi
done
python3 -m pytest tests/conformance -q -p no:cacheprovider "${args[@]}"
if [[ $all_variants == 1 ]]; then
    for variant in isa ttsim exact; do
        echo "== conformance under EMULATOR_NUMERICS=$variant (calibration: misses are reported, not gating)"
        EMULATOR_NUMERICS=$variant python3 -m pytest tests/conformance -q -p no:cacheprovider "${args[@]}" || true
    done
fi
