"""Checkpoints damaged in ways that pass every check before a run and still fail to load."""

from __future__ import annotations

import re
import struct
from pathlib import Path


def swap_a_weight_shape(folder: Path) -> None:
    """Corrupt a checkpoint so that its files pass every check (a whole, readable safetensors
    header) and loading still fails: one matrix's shape is swapped in the header."""
    path = folder / "model.safetensors"
    data = bytearray(path.read_bytes())
    (length,) = struct.unpack("<Q", data[:8])
    header = data[8 : 8 + length].decode()
    weight = re.escape('"model.decoder.layers.0.fc1.weight"')
    match = re.search(weight + r':\{[^}]*"shape":\[(\d+),(\d+)\]', header)
    assert match and match.group(1) != match.group(2)
    swapped = f"[{match.group(2)},{match.group(1)}]"
    start, end = match.start(1) - 1, match.end(2) + 1
    header = header[:start] + swapped + header[end:]
    data[8 : 8 + length] = header.encode()
    path.write_bytes(bytes(data))
