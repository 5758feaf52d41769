"""`builder new OP`: a folder with a spec template that validates and passes the spec phase."""
from __future__ import annotations

from builder_helpers import cli


def test_new_creates_a_valid_spec_and_readme(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text("")
    monkeypatch.chdir(tmp_path)
    result = cli("new", "my_op")
    assert result.exit_code == 0, result.stderr
    folder = tmp_path / "operations" / "my_op"
    assert sorted(p.name for p in folder.iterdir()) == ["README.md", "spec.json"]
    assert cli("validate", str(folder / "spec.json")).exit_code == 0
    readme = (folder / "README.md").read_text()
    assert "builder advance --phase spec --op operations/my_op" in readme and "$" not in readme
    todo = cli("advance", "--phase", "spec", "--op", "operations/my_op")
    assert todo.exit_code == 1 and "spec.json still holds 22 TODO placeholder(s)" in todo.stderr
    assert "/summary: 'TODO: what my_op computes" in todo.stderr
    spec = folder / "spec.json"
    spec.write_text(spec.read_text().replace("TODO: ", ""))
    spec_phase = cli("advance", "--phase", "spec", "--op", "operations/my_op")
    assert spec_phase.exit_code == 0, spec_phase.stderr
    assert (folder / "my_op_spec.md").exists()
    refused = cli("advance", "--phase", "descriptor", "--op", "operations/my_op")
    assert refused.exit_code == 1 and "descriptor module 'operations.my_op.my_op_program_descriptor' not found" \
        in refused.stderr


def test_new_refuses_an_existing_folder_and_bad_names(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    parent = tmp_path / "ops"
    assert cli("new", "first", "--dir", str(parent)).exit_code == 0
    again = cli("new", "first", "--dir", str(parent))
    assert again.exit_code == 2 and "already exists" in again.stderr
    bad = cli("new", "My-Op", "--dir", str(parent))
    assert bad.exit_code == 2 and "OP 'My-Op': expected lowercase letters" in bad.stderr


def test_new_needs_a_package_folder_below_the_root(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    result = cli("new", "x", "--dir", str(tmp_path))
    assert result.exit_code == 2 and "must sit in a package folder below the repository root" in result.stderr
