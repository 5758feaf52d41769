"""Host emulator for ttnn generic-op programs: the same C++ kernels, compiled with g++ and run with
one thread per kernel per core over real circular buffers. See emulator/README.md."""
from emulator.device import EmulatedDevice, EmulatedTensor
from emulator.errors import (
    CBMisuseError,
    CompileError,
    ComputeMisuseError,
    DeadlockError,
    DeviceClosedError,
    EmulatorError,
    HangError,
    KernelArgError,
    KernelCrashError,
    KernelExitError,
    L1OverflowError,
    NocAddressError,
    PlanError,
    TensorDeallocatedError,
    UninitialisedReadError,
)
from emulator.run import RunResult, run

__all__ = [
    "CBMisuseError", "CompileError", "ComputeMisuseError", "DeadlockError", "DeviceClosedError", "EmulatedDevice",
    "EmulatedTensor", "EmulatorError", "HangError", "KernelArgError", "KernelCrashError", "KernelExitError",
    "L1OverflowError", "NocAddressError", "PlanError", "RunResult", "TensorDeallocatedError",
    "UninitialisedReadError", "run",
]
