#!/usr/bin/env bash
# The main job: set up, build layer_norm_rm through every phase (spec, descriptor, stubs, kernels,
# tests) on the emulator, audit the breadcrumbs, then run the op once and show what it computed.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
./scripts/setup.sh
export OPBUILDER_DEVICE="${OPBUILDER_DEVICE:-emulator}"
builder run --op operations/layer_norm_rm
builder audit --op operations/layer_norm_rm
python3 -m operations.layer_norm_rm.demo
