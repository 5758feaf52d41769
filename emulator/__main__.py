"""`python -m emulator run PROGRAM.json --tensor NAME=FILE.npy ... --out DIR`: replay a dumped Program
outside the op, to debug its kernels (optionally with a Chrome-trace timeline)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
import jsonschema
import numpy as np

import emulator
from emulator.host_values import from_raw, to_raw
from program import Program, anchor_sources, schema


@click.group()
def main() -> None:
    """Host emulator for ttnn generic-op programs."""


@main.command("run")
@click.argument("program_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--tensor", "tensors", multiple=True, metavar="NAME=FILE.npy",
              help="Input tensor values (float32 .npy in the tensor's shape); inputs not given are zeros.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the outputs, one NAME.npy (float32) each.")
@click.option("--trace", type=click.Path(dir_okay=False, path_type=Path),
              help="Write a Chrome-trace / Perfetto timeline of CB waits and NOC transfers here.")
@click.option("--grid", default="8x8", show_default=True, help="Worker grid of the emulated device, XxY.")
@click.option("--root", type=click.Path(exists=True, file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Folder the dump's relative kernel sources are relative to (the tree it came "
                                      "from, e.g. the repository root).")
def run_command(program_file: Path, tensors: tuple[str, ...], out_dir: Path, trace: Path | None, grid: str,
                root: Path) -> None:
    """Run the Program dump PROGRAM_FILE (program/program.schema.json) on an emulated device."""
    data = json.loads(program_file.read_text())
    errors = sorted(jsonschema.Draft202012Validator(schema()).iter_errors(data), key=lambda e: list(e.path))
    if errors:
        first = errors[0]
        raise click.BadParameter(f"/{'/'.join(map(str, first.path))}: {first.message}", param_hint="PROGRAM_FILE")
    program = anchor_sources(Program.from_dict(data), root.resolve())
    malformed = [item for item in tensors if "=" not in item]
    if malformed:
        raise click.BadParameter(f"{malformed[0]!r}: expected NAME=FILE.npy", param_hint="--tensor")
    given = dict(item.split("=", 1) for item in tensors)
    unknown = set(given) - {t.name for t in program.tensors}
    if unknown:
        raise click.BadParameter(f"no io tensor named {sorted(unknown)}; the program has "
                                 f"{[t.name for t in program.tensors]}", param_hint="--tensor")
    device = emulator.EmulatedDevice(grid=_grid(grid))
    io = []
    for slot in program.tensors:
        t = device.allocate(slot.shape, slot.dtype)
        values = np.load(given[slot.name]) if slot.name in given else np.zeros(slot.shape, dtype=np.float32)
        if list(values.shape) != list(slot.shape):
            raise click.BadParameter(f"{slot.name}: {given[slot.name]} has shape {list(values.shape)}, expected "
                                     f"{slot.shape}", param_hint="--tensor")
        t.write(to_raw(values, slot.dtype))
        io.append(t)
    try:
        result = emulator.run(program, io, trace=trace)
    except emulator.EmulatorError as error:
        click.echo(f"emulator: {type(error).__name__}: {error}", err=True)
        sys.exit(1)
    out_dir.mkdir(parents=True, exist_ok=True)
    for slot, t in zip(program.tensors, io):
        if slot.role == "output":
            np.save(out_dir / f"{slot.name}.npy", from_raw(t.read(), slot.dtype))
    click.echo(f"{program.name}: ok on {len(result.cores)} cores; DRAM read {result.dram_bytes_read} B, written "
               f"{result.dram_bytes_written} B, {result.noc_transactions} NOC transactions; kernels compiled "
               f"{result.compiled}, cached {result.cache_hits}" + (f"; trace {trace}" if trace else ""))
    device.close()


def _grid(text: str) -> tuple[int, int]:
    parts = text.lower().split("x")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise click.BadParameter(f"{text!r}: expected XxY, e.g. 8x8", param_hint="--grid")
    return int(parts[0]), int(parts[1])


if __name__ == "__main__":
    main()
