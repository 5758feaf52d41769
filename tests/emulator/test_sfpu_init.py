"""An SFPU operation with no init at all is compute misuse (emulator/README.md "Faults it promises":
missing init), reported naming the call and the init it needs (mutation suite mutant
`sfpu-without-init-accepted`; the hoisted-init test covers an init overwritten by another kind)."""
from __future__ import annotations

import numpy as np
import pytest

import emulator
from tests.emulator.harness import run_tile_op


@pytest.mark.parametrize("call,name,init", [("exp_tile(i)", "exp_tile", "exp_tile_init"),
                                            ("rsqrt_tile<RsqrtMode::Default>(i)", "rsqrt_tile", "rsqrt_tile_init")])
def test_an_sfpu_operation_without_any_init_is_refused(emu, call, name, init):
    x = np.ones((1, 32, 32), dtype=np.float32)
    defines = {"OP_SFPU_UNARY": "1", "OP_SFPU_INIT": "[] {}", "OP_SFPU(i)": call}  # the init slot calls nothing
    with pytest.raises(emulator.ComputeMisuseError) as info:
        run_tile_op(emu, defines, [x], "float32", "float32", unpack_to_dest=[0])
    # The no-init message itself, not the one for an init another SFPU kind overwrote.
    assert str(info.value).endswith(f"[compute_misuse] {name} without {init}"), str(info.value)
    assert info.value.report["category"] == "compute_misuse"
