"""The kernel build key covers the kernel's own source text: editing it (even to the same length) gives a
new build, though the warm path no longer reads the source on every launch (it is remembered with its
include closure while their stamps hold)."""
from __future__ import annotations

from emulator import build


def test_editing_a_kernel_source_changes_its_build_key(tmp_path):
    source = tmp_path / "k.cpp"
    source.write_text('#include "api/dataflow/dataflow_api.h"\nvoid kernel_main() { int v = 1; (void)v; }\n')
    job = lambda: build.kernel_job(tmp_path / "cache", source, "reader", "k", [], {}, {})  # noqa: E731
    first = job().path
    assert job().path == first
    source.write_text('#include "api/dataflow/dataflow_api.h"\nvoid kernel_main() { int v = 2; (void)v; }\n')
    second = job().path
    assert second != first
    source.write_text('#include "api/dataflow/dataflow_api.h"\nvoid kernel_main() { int v = 1; (void)v; }\n')
    assert job().path == first, "the key is the content's, not the edit's"
