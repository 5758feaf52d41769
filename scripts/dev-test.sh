#!/usr/bin/env bash
# Runs op tests the way a developer runs them every day: on hardware when a Tenstorrent device is
# visible, on the emulator otherwise (or when OPBUILDER_DEVICE=emulator), and says which.
set -u

usage() {
    cat <<'USAGE'
usage: scripts/dev-test.sh [PATH ...] [-- PYTEST_ARGS ...]

Runs the op tests in PATH (default: every operations/*/test_*.py) with pytest and exits with
pytest's exit code.

Device: hardware when ttnn imports and /dev/tenstorrent* exists, else the host emulator.
Force one with OPBUILDER_DEVICE=emulator or OPBUILDER_DEVICE=hardware.

Examples:
  scripts/dev-test.sh
  scripts/dev-test.sh operations/layer_norm_rm/test_layer_norm_rm.py -- -k float32 -x
  OPBUILDER_DEVICE=emulator scripts/dev-test.sh -- -q
USAGE
}

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
paths=()
pytest_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        -h|--help) usage; exit 0 ;;
        --) shift; pytest_args=("$@"); break ;;
        -*) echo "dev-test.sh: unknown option '$1' (pytest options go after --)" >&2; usage >&2; exit 4 ;;
        *) paths+=("$1"); shift ;;
    esac
done
cd "$repo" || exit 4
if [ ${#paths[@]} -eq 0 ]; then
    shopt -s nullglob
    paths=(operations/*/test_*.py)
    shopt -u nullglob
fi
if [ ${#paths[@]} -eq 0 ]; then
    echo "dev-test.sh: no op tests found under operations/*/test_*.py" >&2
    exit 4
fi

kind="$(python3 -c 'from operations.device import backend; print(backend())')" || exit 4
export OPBUILDER_DEVICE="$kind"
if [ "$kind" = hardware ]; then
    echo "dev-test.sh: device = hardware (Tenstorrent device visible)"
else
    echo "dev-test.sh: device = emulator (host CPU; no Tenstorrent device visible or OPBUILDER_DEVICE=emulator)"
fi
python3 -m pytest "${paths[@]}" "${pytest_args[@]}"
