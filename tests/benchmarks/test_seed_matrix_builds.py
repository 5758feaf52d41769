"""Issue #15: the 64-case seed matrix (8 shapes x 2 dtypes x gamma on/off x beta on/off, default compute
config, one numerics variant) needs at most 12 kernel builds from a cold cache. Counted as distinct build
keys of the programs' kernels, nothing compiled."""
from __future__ import annotations

from benchmarks.seed_matrix import kernel_builds, seed_cases
from operations import device as devices


def test_the_seed_matrix_needs_at_most_12_kernel_builds(tmp_path):
    device = devices.open_emulated_device(cache_dir=tmp_path)
    try:
        builds = kernel_builds(device)
        # each dtype's three kernels share one build across shapes and parameter sets; the compute kernel
        # once per block width (1 for W = 32, 4 otherwise): pack_untilize_block takes it as a template argument
        assert len(seed_cases()) == 64
        assert len(builds) <= 12, f"{len(builds)} kernel builds"
        assert not list(tmp_path.glob("kernel-*.so")), "counting compiled nothing"
    finally:
        devices.close_device(device)


def test_a_parameter_set_changes_no_kernel_build(tmp_path):
    device = devices.open_emulated_device(cache_dir=tmp_path)
    try:
        with_both = kernel_builds(device, [([1, 1, 64, 256], "bfloat16", True, True)])
        for gamma, beta in ((False, False), (True, False), (False, True)):
            assert kernel_builds(device, [([1, 1, 64, 256], "bfloat16", gamma, beta)]) == with_both
        assert kernel_builds(device, [([1, 1, 96, 1024], "bfloat16", False, True)]) == with_both, "nor a shape"
    finally:
        devices.close_device(device)
