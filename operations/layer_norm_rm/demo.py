"""Runs layer_norm_rm once on the device the environment picks and compares it with torch."""
from __future__ import annotations

import torch

from operations import device as devices
from operations.layer_norm_rm import layer_norm_rm


def main() -> None:
    shape, dtype = [2, 3, 64, 256], "bfloat16"
    g = torch.Generator().manual_seed(0)
    x = torch.randn(shape, generator=g).to(torch.bfloat16)
    gamma = torch.rand(shape[-1], generator=g).to(torch.bfloat16)
    beta = torch.randn(shape[-1], generator=g).to(torch.bfloat16)
    device = devices.open_device()
    try:
        out = devices.to_torch(layer_norm_rm(devices.from_torch(x, device), devices.from_torch(gamma, device),
                                             devices.from_torch(beta, device), epsilon=1e-5))
    finally:
        devices.close_device(device)
    ref = torch.nn.functional.layer_norm(x.double(), shape[-1:], gamma.double(), beta.double(), 1e-5)
    err = (out.double() - ref).abs()
    print(f"layer_norm_rm {shape} {dtype} on {devices.backend()}: max |err| {err.max().item():.3e}, "
          f"mean |err| {err.mean().item():.3e} vs float64 torch")


if __name__ == "__main__":
    main()
