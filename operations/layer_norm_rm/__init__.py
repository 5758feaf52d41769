"""layer_norm_rm: LayerNorm over the last dimension of a ROW_MAJOR tensor (bfloat16 or float32)."""
from operations.layer_norm_rm.layer_norm_rm import layer_norm_rm

__all__ = ["layer_norm_rm"]
