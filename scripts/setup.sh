#!/usr/bin/env bash
# Installs what the project needs into the current python3 (CPython >= 3.10; 3.11 on our machines).
# torch is installed first, pinned to the CPU build on local disk, so that nothing pulls a CUDA build.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python3 -m pip install --quiet --disable-pip-version-check "torch==2.13.0"
# [dev]: import-linter (the layering check `lint-imports`), pytest-xdist, hypothesis (property tests), mutmut.
python3 -m pip install --quiet --disable-pip-version-check -e "$repo[dev]"
