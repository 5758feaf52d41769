"""rms_norm_rm: RMS norm over the last dimension of a ROW_MAJOR tensor (bfloat16 or float32)."""
from operations.rms_norm_rm.rms_norm_rm import rms_norm_rm

__all__ = ["rms_norm_rm"]
