"""ttnn's simplest interleaved matmul program (MatmulMultiCoreProgramFactory: one output tile at a time,
K streamed tile by tile), as selected by MatmulMultiCoreProgramConfig{}.

Factory: ttnn/cpp/ttnn/operations/matmul/device/factory/matmul_multicore_program_factory.cpp
(tenstorrent/tt-metal 01502698f35612d8fafa3f8a608f3ed751b5b571). CBs c_0 / c_1 (2 tiles each, the inputs'
formats) and c_16 (2 tiles, output format). Reader reader_bmm_8bank_output_tiles_partitioned.cpp:
compile-time [last_ktile_w = 0, last_ktile_h = 0, TensorAccessorArgs(a), TensorAccessorArgs(b)], named
compile-time {cb_in0: 0, cb_in1: 1}, runtime [a, b, Mt, Kt, Nt, MtKt, KtNt, B, bcast_batch, start tile,
tiles, MtNt]. Compute bmm.cpp: compile-time [1, 1, Kt, tiles of its core group], named {cb_in0, cb_in1,
cb_out = 16}, one kernel per core group. Writer: in the 0.81.1 wheel the matmul writer
(matmul/.../writer_unary_interleaved_start_id.cpp) takes named bindings, so it is bound here as
args {num_pages, start_id}, dfb {out: 16}, tensor {output} with the factory's values [tiles, start tile].
Work: split_work_to_cores(grid, output tiles) with its default column-major order, core i = (i / grid_y,
i % grid_y). The throttle/stagger defines the factory may add change timing only and are left out.
"""
from __future__ import annotations

from program import AccessorArgs, BufferAddress, CircularBuffer, ComputeConfig, CoreRange, Kernel, Program, TensorSlot
from tests.conformance.bindings import Bindings, bind
from tests.conformance.programs.common import TILE_BYTES, kernel_source
from tests.conformance.work_split import split_work

KERNELS = "matmul/device/kernels/"


def named_ct_map(values: dict[str, int]) -> str:
    """KERNEL_COMPILE_TIME_ARG_MAP, the define through which tt-metal's JIT passes named compile-time args."""
    return ",".join(f'{{"{name}",{value}}}' for name, value in values.items())


def program(mt: int, kt: int, nt: int, dtype: str, grid: tuple[int, int], config: ComputeConfig) -> Program:
    """C [Mt x Nt tiles] = A [Mt x Kt] @ B [Kt x Nt], batch 1."""
    work = [(core, n) for core, n in split_work(grid, mt * nt, row_wise=False) if n]
    cores = [CoreRange(c, c) for c, _ in work]
    tile = TILE_BYTES[dtype]
    cbs = [CircularBuffer(0, dtype, tile, 2, cores, "in0"), CircularBuffer(1, dtype, tile, 2, cores, "in1"),
           CircularBuffer(16, dtype, tile, 2, cores, "out")]
    reader = Kernel("reader", "reader", kernel_source(KERNELS + "dataflow/reader_bmm_8bank_output_tiles_partitioned.cpp"),
                    cores, [0, 0, AccessorArgs("a"), AccessorArgs("b")],
                    defines={"KERNEL_COMPILE_TIME_ARG_MAP": named_ct_map({"cb_in0": 0, "cb_in1": 1})})
    writer_bindings = Bindings(rta=["num_pages", "start_id"], dfb={"out": 16}, tensors=["output"])
    writer = bind(Kernel("writer", "writer", kernel_source(KERNELS + "dataflow/writer_unary_interleaved_start_id.cpp"),
                         cores), writer_bindings)
    groups: dict[int, list[tuple[int, int]]] = {}
    start = 0
    for core, n in work:
        reader.runtime_args[core] = [BufferAddress("a"), BufferAddress("b"), mt, kt, nt, mt * kt, kt * nt, 1, 0,
                                     start, n, mt * nt]
        writer.runtime_args[core] = writer_bindings.runtime_args({"num_pages": n, "start_id": start})
        groups.setdefault(n, []).append(core)
        start += n
    computes = [Kernel(f"compute_group_{g}", "compute", kernel_source(KERNELS + "compute/bmm.cpp"),
                       [CoreRange(c, c) for c in group], [1, 1, kt, n],
                       defines={"KERNEL_COMPILE_TIME_ARG_MAP": named_ct_map({"cb_in0": 0, "cb_in1": 1, "cb_out": 16})},
                       compute_config=config)
                for g, (n, group) in enumerate(groups.items(), start=1)]
    tensors = [TensorSlot("a", [mt * kt, 1024], dtype, "input"), TensorSlot("b", [kt * nt, 1024], dtype, "input"),
               TensorSlot("output", [mt * nt, 1024], dtype, "output")]
    return Program("matmul_multicore", cbs, [reader, writer, *computes], tensors)
