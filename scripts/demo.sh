#!/usr/bin/env bash
# The main job: set up, build layer_norm_rm and rms_norm_rm through every phase (spec, descriptor, stubs,
# kernels, tests) on the emulator, audit both ops' breadcrumbs, then run each op once and show what it computed.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
./scripts/setup.sh
export OPBUILDER_DEVICE="${OPBUILDER_DEVICE:-emulator}"
for op in layer_norm_rm rms_norm_rm; do
  builder run --op "operations/$op"
  builder audit --op "operations/$op"
done
python3 -m operations.layer_norm_rm.demo
python3 -m operations.rms_norm_rm.demo
