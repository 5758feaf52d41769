"""agents/ imports point down only: orchestration -> runners -> phases -> spec_tools -> core, and no
phase agent imports another (they share what they need through the context and phases/shared.py)."""
from __future__ import annotations

import ast
from pathlib import Path

import agents

LAYERS = ["core", "spec_tools", "phases", "runners", "orchestration"]  # lowest first
PHASE_AGENTS = {"spec", "descriptor", "stubs", "kernels", "tests"}
ROOT = Path(agents.__file__).resolve().parent


def our_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("agents"):
            found += [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("agents")]
    return found


def modules():
    return sorted(p for p in ROOT.rglob("*.py") if p.parent != ROOT)


def test_every_module_sits_in_a_layer():
    assert {p.relative_to(ROOT).parts[0] for p in modules()} == set(LAYERS)


def test_imports_point_down():
    wrong = []
    for path in modules():
        layer = LAYERS.index(path.relative_to(ROOT).parts[0])
        for name in our_imports(path):
            parts = name.split(".")
            if len(parts) > 1 and parts[1] in LAYERS and LAYERS.index(parts[1]) > layer:
                wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert wrong == []


def test_no_phase_agent_imports_another():
    wrong = []
    for name in PHASE_AGENTS:
        path = ROOT / "phases" / f"{name}.py"
        for imported in our_imports(path):
            parts = imported.split(".")
            if parts[:2] == ["agents", "phases"] and len(parts) > 2 and parts[2] in PHASE_AGENTS:
                wrong.append(f"phases/{name}.py imports {imported}")
    assert wrong == []
