"""The hardware backend: a `program.Program` lowered to a `ttnn.ProgramDescriptor` for `ttnn.generic_op`."""
from ttnn_backend.lowering import DeviceTensorResolver, TensorResolver, to_ttnn

__all__ = ["DeviceTensorResolver", "TensorResolver", "to_ttnn"]
