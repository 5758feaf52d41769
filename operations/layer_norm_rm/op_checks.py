"""What layer_norm_rm's test modules share: the seed matrix, inputs, the float64 reference, running the op
on a device and the precision check with its stated bounds (see test_layer_norm_rm.py's docstring for why
these bounds). A helper module, not a test module, so the test modules never import one another.
"""
from __future__ import annotations

import math

import torch

from operations import device as devices
from operations.layer_norm_rm import layer_norm_rm
from operations.layer_norm_rm.layer_norm_rm_program_descriptor import build_program
from program import cores_of

SHAPES = [[1, 1, 32, 32], [1, 1, 128, 128], [1, 1, 32, 1024], [1, 1, 1024, 32], [1, 1, 4096, 32],
          [1, 1, 512, 512], [2, 3, 64, 128], [1, 64, 128]]
DTYPES = ["bfloat16", "float32"]
TORCH_DTYPE = {"bfloat16": torch.bfloat16, "float32": torch.float32}
ELEMENT_BYTES = {"bfloat16": 2, "float32": 4}
TOLERANCE = {"bfloat16": {"atol": 1e-3, "rtol": 2.0 ** -7}, "float32": {"atol": 1e-5, "rtol": 1e-5}}
TTNN_TOLERANCE = {"atol": 5e-2, "rtol": 1e-2}
MIN_PCC = 0.9999
MIN_WITHIN_2_ULPS = 0.999


def shape_id(shape: list[int]) -> str:
    return "x".join(map(str, shape))


def make_inputs(shape, dtype, has_gamma, has_beta, seed=0, mean=0.0, std=1.0):
    g = torch.Generator().manual_seed(seed)
    x = (torch.randn(shape, generator=g, dtype=torch.float64) * std + mean).to(TORCH_DTYPE[dtype])
    w = shape[-1]
    gamma = (torch.rand(w, generator=g, dtype=torch.float64) * 1.5 + 0.25).to(TORCH_DTYPE[dtype]) if has_gamma else None
    beta = (torch.randn(w, generator=g, dtype=torch.float64) * 0.5).to(TORCH_DTYPE[dtype]) if has_beta else None
    return x, gamma, beta


def reference(x, gamma, beta, epsilon):
    """float64 LayerNorm of the values the device actually holds."""
    w = x.shape[-1]
    return torch.nn.functional.layer_norm(
        x.double(), (w,), None if gamma is None else gamma.double(), None if beta is None else beta.double(), epsilon)


def run_op(device, x, gamma, beta, epsilon=1e-5):
    to_dev = lambda t: None if t is None else devices.from_torch(t, device)  # noqa: E731
    out = layer_norm_rm(to_dev(x), to_dev(gamma), to_dev(beta), epsilon=epsilon)
    return devices.to_torch(out)


def bf16_ulp(values: torch.Tensor) -> torch.Tensor:
    """Spacing of bf16 numbers at each value (8 significant bits)."""
    exponent = torch.floor(torch.log2(values.abs().clamp_min(2.0 ** -126)))
    return torch.pow(2.0, exponent - 7)


def precision(out, ref, dtype):
    out64 = out.double()
    err = (out64 - ref).abs()
    within = {1: None, 2: None}
    if dtype == "bfloat16":
        rounded = ref.to(torch.bfloat16).double()
        within = {n: ((out64 - rounded).abs() <= n * bf16_ulp(rounded)).double().mean().item() for n in within}
    stacked = torch.stack([out64.flatten(), ref.flatten()])
    pcc = torch.corrcoef(stacked)[0, 1].item() if ref.numel() > 1 and ref.std() > 0 else (1.0 if torch.equal(out64, ref) else 0.0)
    return {"max_abs": err.max().item(), "max_rel": (err / ref.abs().clamp_min(1e-3)).max().item(),
            "within_1ulp": within[1], "within_2ulp": within[2], "pcc": pcc}


def cores_used(device, shape, launches):
    """Cores the last launch ran on: counted by the emulator's runtime, else taken from the Program."""
    if devices.is_emulated(device):
        return len(launches[-1].stats.cores)
    program = build_program(shape, "bfloat16", False, False, grid=devices.grid_size(device))
    return len(cores_of(program.kernels[0].core_ranges))


def check(out, ref, dtype, case, precision_log, cores=None):
    assert out.shape == ref.shape and out.dtype == TORCH_DTYPE[dtype]
    figures = precision(out, ref, dtype)
    precision_log.append({"case": case, "cores": cores, **figures})
    torch.testing.assert_close(out.double(), ref, **TOLERANCE[dtype])
    torch.testing.assert_close(out.double(), ref, **TTNN_TOLERANCE)
    if not math.isnan(figures["pcc"]):
        assert figures["pcc"] >= MIN_PCC, f"{case}: PCC {figures['pcc']:.6f} < {MIN_PCC}"
    if figures["within_2ulp"] is not None:
        assert figures["within_2ulp"] >= MIN_WITHIN_2_ULPS, f"{case}: only {figures['within_2ulp']:.4%} within 2 ulps"


# --- 16-bit DST (fp32_dest_acc_en False): the bound derived from bf16 DST precision -----------------
# Every value in a 16-bit DST is a bf16. One store into it (SFPSTORE truncation, FPU round-to-nearest,
# the unpacker dropping an fp32 operand's low 16 bits) errs by less than one bf16 ulp: u = 2^-7 relative,
# under every numerics variant (emulator README fidelity table). Per row, d = x - c (c: the shift, the
# mean of the row's first tile), e = x - mean, z = e * rstd, y = z [* gamma] [+ beta]; first order in u,
# times 1.25 for the higher orders ((1 + u)^n - 1 <= 1.1 n u while n u <= 0.2) and the shift's own error:
#   d_j           dd_j = u |d_j| (+ u |x_j| for a float32 input, truncated to bf16 on its way into DST)
#   mean          the element-wise cascade sum over Wt tiles passes each term through <= l adds
#                 (cascade_adds), the matmul by ones rounds <= r partial row sums (2 halves x the srcB
#                 high/low fidelity phases: r = 4 at HiFi3/4; LoFi/HiFi2 drop srcB's last bit: r = 5),
#                 the 1/W scale once:  E_mean = (sum dd + (l + r) u sum(|d| + dd)) / W + u |mean_d|
#   e_j           eps_j = E_mean + dd_j + u (|e_j| + E_mean + dd_j)
#   variance      squares round once, then the same cascade + matmul + scale:
#                 dQ = sum(2 |e| eps + eps^2) + u sum((|e| + eps)^2);  dV = (dQ + (l + r) u (sum e^2 + dQ)) / W
#                 + u (var + dQ / W)
#   rstd          relative error rho = 0.55 dV / (var + epsilon) + 2u (epsilon add, rsqrt's store)
#   z_j           zeta_j = eps_j rstd (1 + rho) + |z_j| (rho + u)
#   y_j           |err_j| <= |gamma_j| zeta_j (1 + u) + u |gamma_j z_j| + u |y_j| (the multiply and add
#                 roundings, when gamma / beta are fused) + u (|gamma_j z_j| + |beta_j|) for float32 params.
DEST16_U = 2.0 ** -7
DEST16_CASCADE_LEVELS = 5  # the compute kernel's kLevels under DEST_16BIT


def cascade_adds(num_tiles: int, levels: int = DEST16_CASCADE_LEVELS) -> int:
    """Most additions any tile's term goes through in the compute kernel's cascade sum (sum_tiles)."""
    stack: dict[int, int] = {}
    for _ in range(num_tiles):
        k = 0
        while k + 1 < levels and k in stack:
            k += 1
        depth = 0
        for j in range(k):
            depth = max(depth, stack.pop(j)) + 1
        if k in stack:
            depth = max(depth, stack[k]) + 1
        stack[k] = depth
    total = None
    for k in sorted(stack):
        total = stack[k] if total is None else max(total, stack[k]) + 1
    return total or 0


def dest16_bound(x, gamma, beta, epsilon: float, fidelity: str = "HiFi3"):
    """Per-element |err| bound of the 16-bit DST configuration (derivation above), from the device's values."""
    u = DEST16_U
    xs = x.double()
    W = xs.shape[-1]
    fp32 = x.dtype == torch.float32
    first = xs[..., : min(W, 32)]
    shift = first.mean(dim=-1, keepdim=True)
    d = xs - shift
    dd = u * d.abs() + (u * xs.abs() if fp32 else 0.0) + 8 * u * first.abs().mean(dim=-1, keepdim=True)
    adds = cascade_adds(-(-W // 32)) + (4 if fidelity in ("HiFi3", "HiFi4") else 5)
    mean_d = d.mean(dim=-1, keepdim=True)
    e_mean = (dd.sum(-1, keepdim=True) + adds * u * (d.abs() + dd).sum(-1, keepdim=True)) / W + u * mean_d.abs()
    e = xs - xs.mean(dim=-1, keepdim=True)
    eps = e_mean + dd + u * (e.abs() + e_mean + dd)
    var = (e * e).mean(dim=-1, keepdim=True)
    dq = (2 * e.abs() * eps + eps * eps).sum(-1, keepdim=True) + u * ((e.abs() + eps) ** 2).sum(-1, keepdim=True)
    dv = (dq + adds * u * ((e * e).sum(-1, keepdim=True) + dq)) / W + u * (var + dq / W)
    rho = 0.55 * dv / (var + epsilon) + 2 * u
    rstd = 1.0 / torch.sqrt(var + epsilon)
    z = e * rstd
    zeta = eps * rstd * (1 + rho) + z.abs() * (rho + u)
    g = torch.ones(W, dtype=torch.float64) if gamma is None else gamma.double()
    b = torch.zeros(W, dtype=torch.float64) if beta is None else beta.double()
    y = z * g + b
    bound = g.abs() * zeta * (1 + u)
    if gamma is not None:
        bound = bound + u * (g * z).abs()
    if beta is not None:
        bound = bound + u * y.abs()
    if fp32:
        bound = bound + u * ((g * z).abs() * (gamma is not None) + b.abs())
    return 1.25 * bound
