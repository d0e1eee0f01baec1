#!/usr/bin/env python3
"""Writes the small deterministic inputs of the demo MLP (examples/mlp.mlir)
as .npy files: x (8x64), w1 (64x128), w2 (128x10). Gaussian values from a
fixed seed; weights scaled by 1/sqrt(fan_in). Plain Python (no NumPy), run
once to produce the checked-in files; the demo itself does not need Python.
"""
import array
import math
import os
import random
import struct


def save(path, shape, values):
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }" % (
        ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else ""))
    pad = 64 - (10 + len(header) + 1) % 64
    header += " " * pad + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)))
        f.write(header.encode("latin1"))
        f.write(array.array("f", values).tobytes())


def main():
    rng = random.Random(2026)
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
    os.makedirs(here, exist_ok=True)
    gauss = lambda n, s: [rng.gauss(0.0, s) for _ in range(n)]
    save(os.path.join(here, "x.npy"), (8, 64), gauss(8 * 64, 1.0))
    save(os.path.join(here, "w1.npy"), (64, 128), gauss(64 * 128, 1 / math.sqrt(64)))
    save(os.path.join(here, "w2.npy"), (128, 10), gauss(128 * 10, 1 / math.sqrt(128)))


if __name__ == "__main__":
    main()
