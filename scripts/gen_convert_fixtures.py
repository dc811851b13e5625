#!/usr/bin/env python3
"""Write tests/fixtures/convert.tsv: NumPy's `dst[...] = src` for pairs of numeric formats.

    python3 -m pip install numpy && python3 scripts/gen_convert_fixtures.py

For every pair of formats (the native numeric codes, plus byte-swapped ones) and every source
value that format can hold, NumPy assigns the one-element source array into a destination
array. The record says what memview's `copy_from_converted` must do:

    ok      <src fmt> <dst fmt> <src bytes hex> <dst bytes hex>   -- the same bytes as NumPy
    refuse  <src fmt> <dst fmt> <src bytes hex> <reason>          -- NumPy wraps or truncates

A result is "refuse" when NumPy's value is not the source value up to float rounding: an
integer that wrapped, a float truncated to an integer (2.5 -> 2), NaN or infinity cast to an
integer, a finite value that became infinite, a complex number cast to a real, or a number
cast to bool. NaN results are compared as NaN (their payload bits are NumPy's business), which
the test checks with `is_nan`. Output is deterministic.
"""

import math
import os
import sys
import warnings

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures",
                   "convert.tsv")

# PEP 3118 code -> NumPy dtype (native order).
CODES = {
    "?": "?", "b": "i1", "B": "u1", "h": "i2", "H": "u2", "i": "i4", "I": "u4",
    "q": "i8", "Q": "u8", "e": "f2", "f": "f4", "d": "f8", "Zf": "c8", "Zd": "c16",
}

INTS = [0, 1, -1, 2, 100, 127, 128, -128, -129, 255, 256, 32767, 32768, -32768, 65504, 65505,
        65535, 65536, 2**24 + 1, 2**31 - 1, 2**31, -2**31, 2**32 - 1, 2**53 + 1, 2**63 - 1,
        -2**63, 2**64 - 1]
FLOATS = [0.0, -0.0, 1.0, -2.0, 1.5, -2.5, 0.1, 100.0, 255.0, 256.0, 65504.0, 65520.0, 1e10,
          3.0e38, 3.5e38, 1e300, -1e300, 1e-50, 2.0**63, 2.0**64, float("inf"), float("-inf"),
          float("nan")]
COMPLEXES = [0j, 1 + 2j, -1.5 - 0.5j, 1e300 + 0j, complex(float("inf"), 1), 3 + 0j]


def values(code):
    dt = np.dtype(CODES[code])
    if dt.kind == "b":
        return [False, True]
    if dt.kind in "iu":
        info = np.iinfo(dt)
        return [v for v in INTS if info.min <= v <= info.max]
    if dt.kind == "f":
        out = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for v in FLOATS:
                x = dt.type(v)
                if math.isinf(float(x)) and not math.isinf(v):
                    continue  # not representable: would already be inf in the source
                out.append(float(x))
        return out
    return [c for c in COMPLEXES if not (code == "Zf" and abs(c.real) > 3e38)]


def exact(src_val, dst_dtype, got):
    """None when NumPy's result `got` is the source value up to float rounding, else why."""
    kind = dst_dtype.kind
    if isinstance(src_val, complex):
        if kind != "c":
            return "complex to real"
        for s, g in ((src_val.real, got.real), (src_val.imag, got.imag)):
            if math.isinf(g) and not math.isinf(s):
                return "overflow to inf"
        return None
    s = float(src_val) if not isinstance(src_val, bool) else float(src_val)
    if kind == "b":
        return None if isinstance(src_val, bool) else "number to bool"
    if kind in "iu":
        if isinstance(src_val, float):
            if math.isnan(src_val) or math.isinf(src_val) or src_val != math.floor(src_val):
                return "not an integer"
            return None if int(src_val) == int(got) else "out of range"
        return None if int(src_val) == int(got) else "out of range"
    g = complex(got) if kind == "c" else float(got)
    g_real = g.real if kind == "c" else g
    if math.isnan(s):
        return None
    if math.isinf(g_real) and not math.isinf(s):
        return "overflow to inf"
    return None


def main():
    formats = list(CODES)
    pairs = [(a, b) for a in formats for b in formats]
    # Byte-swapped sources and destinations for the multi-byte codes.
    swapped = [(">d", "<d"), ("<d", ">d"), (">i", "<d"), (">q", "<h"), ("<f", ">e"),
               (">Zd", "<Zf"), (">H", "<b"), (">e", "<f"), ("<Q", ">d")]
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for sf, df in pairs + swapped:
            sdt = np.dtype(CODES[sf.lstrip("<>")]).newbyteorder(sf[0] if sf[0] in "<>" else "=")
            ddt = np.dtype(CODES[df.lstrip("<>")]).newbyteorder(df[0] if df[0] in "<>" else "=")
            for v in values(sf.lstrip("<>")):
                src = np.array([v], dtype=sdt)
                dst = np.zeros(1, dtype=ddt)
                try:
                    dst[...] = src
                except (TypeError, ValueError) as e:
                    rows.append(("refuse", sf, df, src.tobytes().hex(), "numpy: " + str(e)))
                    continue
                sv = src[0].item()
                why = exact(sv, ddt, dst[0].item())
                if why is None:
                    rows.append(("ok", sf, df, src.tobytes().hex(), dst.tobytes().hex()))
                else:
                    rows.append(("refuse", sf, df, src.tobytes().hex(), why))
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("# NumPy %s dst[...] = src, one element; written by scripts/gen_convert_fixtures.py\n"
                % np.__version__)
        f.write("# kind\tsrc format\tdst format\tsrc bytes\tdst bytes (ok) or reason (refuse)\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    print("wrote %d records to %s" % (len(rows), os.path.relpath(OUT)), file=sys.stderr)


if __name__ == "__main__":
    main()
