"""Common runtime args (one list for every core of a kernel) reach the ttnn.KernelDescriptor, buffer
addresses resolved like per-core args (mutation suite mutant `lowering-common-args-dropped`: the op's
own kernels pass none, so the main lowering test cannot see them dropped)."""
from __future__ import annotations

from operations.layer_norm_rm.layer_norm_rm_program_descriptor import build_program
from program import BufferAddress
from tests.ttnn_checks.readback import SentinelResolver, lower


def test_common_runtime_args_are_lowered_with_buffer_addresses_resolved():
    program = build_program([1, 1, 64, 128], "float32", True, True)
    resolver = SentinelResolver()
    program.kernels[0].common_runtime_args = [7, BufferAddress(program.tensors[1].name), 9]
    desc = lower(program, resolver)
    assert list(desc.kernels[0].common_runtime_args) == [7, resolver.buffer_address(1), 9]
    assert all(list(d.common_runtime_args) == [] for d in desc.kernels[1:])
