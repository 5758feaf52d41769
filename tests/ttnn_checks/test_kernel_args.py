"""The kernels' argument reads against the Program's lowered argument lists (see kernel_args.py).

Accessor words are 1, 2 and 3 long here: the host decides how many TensorAccessorArgs(tensor) yields,
and a kernel that hard-codes a later accessor's offset is right for one length only. The ops' accessors
take a runtime page size (the config word alone, whatever the host), so the checks of that rule run on
a copy of the Program whose accessors carry every word (`full_words`).
"""
from __future__ import annotations

import dataclasses
import itertools

import pytest

from operations.layer_norm_rm.layer_norm_rm_program_descriptor import build_program
from program import AccessorArgs, Program
from tests.ttnn_checks import kernel_args
from tests.ttnn_checks.readback import SentinelResolver, lower

CASES = list(itertools.product(["bfloat16", "float32"], [False, True], [False, True], [1, 2, 3]))


def with_source(program: Program, kind: str, source: str) -> Program:
    kernels = [dataclasses.replace(k, source=source) if k.kind == kind else k for k in program.kernels]
    return dataclasses.replace(program, kernels=kernels)


def full_words(program: Program) -> Program:
    """`program` with every accessor passing all of its tensor's words (no runtime page size)."""
    def words(args):
        return [AccessorArgs(a.tensor) if isinstance(a, AccessorArgs) else a for a in args]
    kernels = [dataclasses.replace(k, compile_time_args=words(k.compile_time_args)) for k in program.kernels]
    return dataclasses.replace(program, kernels=kernels)


def problems_of(program: Program, kind: str, words: int = 2) -> list[str]:
    kernel = next(k for k in program.kernels if k.kind == kind)
    return kernel_args.arg_mismatches(program, kernel, SentinelResolver(words).accessor_args)


@pytest.mark.parametrize("dtype,gamma,beta,words", CASES,
                         ids=[f"{d}-g{int(g)}-b{int(b)}-{w}words" for d, g, b, w in CASES])
def test_every_kernel_reads_its_args_where_the_program_puts_them(dtype, gamma, beta, words):
    program = build_program([1, 1, 256, 128], dtype, gamma, beta)
    for kernel in program.kernels:
        assert kernel_args.arg_mismatches(program, kernel, SentinelResolver(words).accessor_args) == []
    readers = [kernel_args.read_args(kernel_args.source_file(k), k.defines) for k in program.kernels]
    assert [len(r.accessors) for r in readers] == [3, 0, 1], "input, gamma and beta slots whatever the parameters"


def test_common_runtime_args_are_empty_or_lowered():
    """No kernel of this op reads common runtime args; whatever the Program holds reaches ttnn unchanged."""
    for dtype, gamma, beta in itertools.product(["bfloat16", "float32"], [False, True], [False, True]):
        program = build_program([1, 1, 64, 128], dtype, gamma, beta)
        desc = lower(program)
        for kernel, kernel_desc in zip(program.kernels, desc.kernels):
            assert list(kernel_desc.common_runtime_args) == kernel.common_runtime_args == []
            assert kernel_args.read_args(kernel_args.source_file(kernel), kernel.defines).common == []
    program = build_program([1, 1, 64, 128], "float32", True, True)
    program.kernels[1].common_runtime_args = [7, 8]
    assert list(lower(program).kernels[1].common_runtime_args) == [7, 8]


def integer_args_before_accessors(program, kernel_name: str) -> int:
    """How many integer compile-time args the Program puts before the kernel's first accessor words."""
    kernel = next(k for k in program.kernels if k.name == kernel_name)
    return next(i for i, a in enumerate(kernel.compile_time_args) if isinstance(a, AccessorArgs))


def test_a_hard_coded_later_offset_is_right_for_one_word_count_only(tmp_path):
    """gamma's accessor hard-coded at n + 2 matches n integers + 2 words of input, and nothing else."""
    program = full_words(build_program([1, 1, 64, 128], "float32", True, True))
    n = integer_args_before_accessors(program, "reader")
    source = tmp_path / "reader.cpp"
    source.write_text(f"void kernel_main() {{\n  constexpr auto input_args = TensorAccessorArgs<{n}>();\n"
                      f"  constexpr auto gamma_args = TensorAccessorArgs<{n + 2}>();\n"
                      f"  constexpr auto beta_args = TensorAccessorArgs<gamma_args.next_compile_time_args_offset()>();\n}}\n")
    program = with_source(program, "reader", str(source))
    assert problems_of(program, "reader", 2) == []
    assert problems_of(program, "reader", 3)[0] == (
        f"reader.cpp:3: TensorAccessorArgs<{n + 2}> starts at compile-time arg {n + 2}; the Program puts 'gamma''s "
        f"accessor words at {n + 3} (after {n} integer args)")
    assert problems_of(program, "reader", 1)[0].startswith(f"reader.cpp:3: TensorAccessorArgs<{n + 2}> starts at "
                                                           f"compile-time arg {n + 2}; the Program puts 'gamma''s")


def test_runtime_page_size_accessors_are_one_word_whatever_the_host(tmp_path):
    """The same source is right for every host word count once the accessors take a runtime page size."""
    program = build_program([1, 1, 64, 128], "float32", True, True)
    n = integer_args_before_accessors(program, "reader")
    source = tmp_path / "reader.cpp"
    source.write_text(f"void kernel_main() {{\n  constexpr auto input_args = TensorAccessorArgs<{n}>();\n"
                      f"  constexpr auto gamma_args = TensorAccessorArgs<{n + 1}>();\n"
                      f"  constexpr auto beta_args = TensorAccessorArgs<{n + 2}>();\n}}\n")
    program = with_source(program, "reader", str(source))
    assert [problems_of(program, "reader", words) for words in (1, 2, 3)] == [[], [], []]


def test_a_wrong_first_offset_and_a_read_inside_accessor_words_are_named(tmp_path):
    program = full_words(build_program([1, 1, 64, 128], "float32", False, False))
    n = integer_args_before_accessors(program, "writer")
    runtime = min(len(args) for k in program.kernels if k.name == "writer" for args in k.runtime_args.values())
    source = tmp_path / "writer.cpp"
    source.write_text(f"void kernel_main() {{\n  constexpr uint32_t cb = get_compile_time_arg_val(0);\n"
                      f"  constexpr uint32_t base = {n - 1};\n  constexpr auto out_args = TensorAccessorArgs<base>();\n"
                      f"  constexpr uint32_t oops = get_compile_time_arg_val({n + 1});\n"
                      f"  uint32_t a = get_arg_val<uint32_t>({runtime});\n  uint32_t c = get_common_arg_val<uint32_t>(0);\n}}\n")
    program = with_source(program, "writer", str(source))
    assert problems_of(program, "writer", 2) == [
        f"writer.cpp:4: TensorAccessorArgs<base> starts at compile-time arg {n - 1}; the Program puts 'output''s "
        f"accessor words at {n} (after {n} integer args)",
        f"writer.cpp:5: reads compile-time arg {n + 1}, which is word 1 of 'output''s accessor args, not an integer arg",
        f"writer.cpp:6: reads runtime arg {runtime}; some core gets only {runtime}",
        "writer.cpp:7: reads common runtime arg 0; the Program passes 0"]


def test_a_missing_accessor_and_an_unreadable_offset_are_named(tmp_path):
    source = tmp_path / "reader.cpp"
    source.write_text("void kernel_main() {\n  constexpr auto input_args = TensorAccessorArgs<where()>();\n}\n")
    program = with_source(build_program([1, 1, 64, 128], "float32", True, False), "reader", str(source))
    assert problems_of(program, "reader") == [
        "reader.cpp: declares 1 TensorAccessorArgs; the Program passes accessor args of 3 tensors "
        "(['input', 'gamma', 'input'])",
        "reader.cpp:2: TensorAccessorArgs<where()>: offset not evaluable from literals, constants and "
        "next_compile_time_args_offset()"]


def test_conditionals_follow_the_defines_and_others_are_refused(tmp_path):
    source = tmp_path / "k.cpp"
    source.write_text("#ifndef FUSE_GAMMA\nA\n#else\nB\n#endif\n#if defined(FUSE_BETA)\nC\n#endif\n"
                      "#if !defined FUSE_BETA\nD\n#endif\n#if defined(FUSE_GAMMA) || defined(FUSE_BETA)\nE\n#endif\n")
    assert kernel_args.active_text(source, {"FUSE_GAMMA": "1"}).split() == ["B", "D", "E"]
    assert kernel_args.active_text(source, {"FUSE_BETA": "1"}).split() == ["A", "C", "E"]
    assert kernel_args.active_text(source, {}).split() == ["A", "D"]
    source.write_text("#if FUSE_GAMMA > 1\nA\n#endif\n")
    with pytest.raises(ValueError, match=r"k.cpp:1: #if FUSE_GAMMA > 1: only #ifdef, #ifndef and #if over defined"):
        kernel_args.active_text(source, {})


def test_a_local_include_is_read_in_place_on_its_line(tmp_path):
    """The ops' writer is a one-line kernel including kernel_lib/row_major_writer.h: the header's reads count,
    at the include's line; a header on the include path (the kernel API) is not read, nor a cycle twice."""
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "body.h").write_text('#pragma once\n#include "body.h"\n#ifdef FUSE_GAMMA\n'
                                             "uint32_t g = get_arg_val<uint32_t>(4);\n#endif\n"
                                             "uint32_t a = get_arg_val<uint32_t>(3);\n")
    source = tmp_path / "k.cpp"
    source.write_text('// kernel\n#include "api/dataflow/dataflow_api.h"\n#include "lib/body.h"\n')
    assert kernel_args.read_args(source, {}).runtime == [(3, 3)]
    assert kernel_args.read_args(source, {"FUSE_GAMMA": "1"}).runtime == [(3, 4), (3, 3)]
