"""The hardware backend: a `program.Program` lowered to a `ttnn.ProgramDescriptor` for `ttnn.generic_op`."""
from ttnn_backend.lowering import DeviceTensorResolver, to_ttnn

__all__ = ["DeviceTensorResolver", "to_ttnn"]
