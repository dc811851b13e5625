#!/usr/bin/env python3
"""Load every .npy and .npz file memview wrote into DIR with NumPy, and compare each array with
what memview says it wrote (DIR/manifest.json): the dtype (as the header's descr), shape,
Fortran order, header version, and the elements' bytes in C order.

    MEMVIEW_NPY_OUT=/tmp/npy cargo test --test npy_write writes_a_checkable_directory
    python3 scripts/check_npy_with_numpy.py /tmp/npy

Prints one line per file and a closing 'N passed, N failed' line; exits 1 on any failure.
Files in DIR that the manifest does not name are loaded too (and must load).
tests/npy_numpy.rs (feature `python`) runs `check` on a directory the tests write.
"""

import ast
import json
import os
import sys

import numpy as np


# memview writes headers of any length (a struct of 3000 fields needs 72 KiB); np.load
# refuses headers over 10,000 bytes unless told.
MAX_HEADER = 1 << 24


def header_of(f):
    """(version, fortran_order) of an open .npy file: the magic and version by NumPy, the
    header dict by Python's literal parser, as np.load reads it."""
    version = np.lib.format.read_magic(f)
    size = 2 if version == (1, 0) else 4
    length = int.from_bytes(f.read(size), "little")
    text = f.read(length).decode("utf-8" if version == (3, 0) else "latin1")
    return version, ast.literal_eval(text)["fortran_order"]


def value_mask(dtype):
    """For each byte of one item, whether it holds a value (not padding): np.load of an .npz
    copies structured arrays field by field, so padding bytes are not kept."""
    if dtype.names is None:
        return np.ones(dtype.itemsize, bool)
    probe = np.zeros(1, dtype)
    probe[...] = np.frombuffer(b"\xff" * dtype.itemsize, dtype)
    return probe.view(np.uint8) != 0


def check_array(where, arr, version, fortran, expected):
    problems = []
    descr = repr(np.lib.format.dtype_to_descr(arr.dtype))
    if descr != expected["descr"]:
        problems.append(f"descr {descr} != {expected['descr']}")
    if list(arr.shape) != expected["shape"]:
        problems.append(f"shape {arr.shape} != {expected['shape']}")
    if fortran != expected["fortran_order"]:
        problems.append(f"fortran_order {fortran} != {expected['fortran_order']}")
    if list(version) != expected["version"]:
        problems.append(f"version {version} != {expected['version']}")
    data = np.frombuffer(arr.tobytes(order="C"), np.uint8)
    want = np.frombuffer(bytes.fromhex(expected["data_hex"]), np.uint8)
    if data.size != want.size:
        problems.append(f"{data.size} bytes of data, expected {want.size}")
    elif arr.dtype.itemsize:
        mask = np.tile(value_mask(arr.dtype), data.size // arr.dtype.itemsize)
        if not (data[mask] == want[mask]).all():
            first = int(np.nonzero(mask & (data != want))[0][0])
            problems.append(f"data differs from byte {first}")
    return [f"{where}: {p}" for p in problems]


def check(directory):
    """Check DIR against DIR/manifest.json: returns (arrays checked, arrays failed, problems)."""
    with open(os.path.join(directory, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    problems = []
    checked = failed = 0
    named = set()
    for entry in manifest:
        path = os.path.join(directory, entry["file"])
        named.add(entry["file"])
        try:
            if "members" in entry:
                with np.load(path, max_header_size=MAX_HEADER) as z:
                    want = [m["name"] for m in entry["members"]]
                    if z.files != want:
                        problems.append(f"{entry['file']}: members {z.files} != {want}")
                    for m in entry["members"]:
                        with z.zip.open(m["name"] + ".npy") as member:
                            version, fortran = header_of(member)
                        p = check_array(f"{entry['file']}[{m['name']}]", z[m["name"]],
                                        version, fortran, m)
                        problems += p
                        checked += 1
                        failed += bool(p)
            else:
                arr = np.load(path, max_header_size=MAX_HEADER)
                with open(path, "rb") as f:
                    version, fortran = header_of(f)
                p = check_array(entry["file"], arr, version, fortran, entry["array"])
                problems += p
                checked += 1
                failed += bool(p)
        except Exception as e:  # noqa: BLE001 - report every failure, keep going
            problems.append(f"{entry['file']}: {type(e).__name__}: {e}")
            checked += 1
            failed += 1
    for name in sorted(os.listdir(directory)):
        if name.endswith((".npy", ".npz")) and name not in named:
            checked += 1
            try:
                np.load(os.path.join(directory, name), max_header_size=MAX_HEADER)
            except Exception as e:  # noqa: BLE001
                problems.append(f"{name}: {type(e).__name__}: {e}")
                failed += 1
    return checked, failed, problems


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    checked, failed, problems = check(sys.argv[1])
    for p in problems:
        print("FAIL", p)
    print(f"checked with NumPy {np.__version__}")
    print(f"{checked - failed} passed, {failed} failed")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
