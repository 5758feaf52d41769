"""Runs rms_norm_rm once on the device the environment picks and compares it with torch."""
from __future__ import annotations

import torch

from operations import device as devices
from operations.rms_norm_rm import rms_norm_rm


def main() -> None:
    shape, dtype, epsilon = [2, 3, 64, 256], "bfloat16", 1e-6
    g = torch.Generator().manual_seed(0)
    x = torch.randn(shape, generator=g).to(torch.bfloat16)
    gamma = torch.rand(shape[-1], generator=g).to(torch.bfloat16)
    device = devices.open_device()
    try:
        out = devices.to_torch(rms_norm_rm(devices.from_torch(x, device), devices.from_torch(gamma, device),
                                           epsilon=epsilon))
    finally:
        devices.close_device(device)
    x64 = x.double()
    ref = x64 * torch.rsqrt(x64.pow(2).mean(dim=-1, keepdim=True) + epsilon) * gamma.double()
    err = (out.double() - ref).abs()
    print(f"rms_norm_rm {shape} {dtype} on {devices.backend()}: max |err| {err.max().item():.3e}, "
          f"mean |err| {err.mean().item():.3e} vs float64 torch")


if __name__ == "__main__":
    main()
