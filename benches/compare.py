#!/usr/bin/env python3
"""Rust (criterion) vs CPython / NumPy, back to back on one machine, as one table of ratios.

Usage (from the repository root):

    python3 benches/compare.py            # run both criterion benches, then the Python side
    python3 benches/compare.py --no-cargo # reuse the last criterion results
    python3 benches/compare.py --markdown # print the table as Markdown (for BENCHMARKS.md)

The Rust numbers are criterion's median estimates, read from
``$CARGO_TARGET_DIR/criterion/<group>/<bench>/new/estimates.json`` (``target/`` without
``CARGO_TARGET_DIR``). The Python side times the same operations on the same data with
``timeit`` (median of several repeats of an auto-ranged loop), right after the Rust run.
Every Python operation checks its answer against the one the Rust bench asserts.
Ratios are Rust time / other time: below 1 means Rust is faster.
"""

import argparse
import array
import collections
import json
import os
import platform
import statistics
import struct
import subprocess
import sys
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The same constants as benches/codec.rs.
FMT_1 = "<d"
FMT_30 = "<bBhHiIlLqQefd?sbBhHiIlLqQefd?s"
FMT_IQ = "<iQ"
RECORDS = 1_000_000
SIZES = {"4KiB": 4 << 10, "1MiB": 1 << 20, "64MiB": 64 << 20}


def criterion_dir():
    target = os.environ.get("CARGO_TARGET_DIR") or str(ROOT / "target")
    return Path(target) / "criterion"


_INDEX = None


def rust_time(bench_id):
    """Median time in seconds of one criterion benchmark, by its full id
    (``group/function/parameter``, as criterion prints it)."""
    global _INDEX
    if _INDEX is None:
        # criterion sanitises directory names; its benchmark.json records the full id.
        _INDEX = {}
        for meta in criterion_dir().glob("**/new/benchmark.json"):
            with open(meta) as f:
                _INDEX[json.load(f)["full_id"]] = meta.parent / "estimates.json"
    with open(_INDEX[bench_id]) as f:
        return json.load(f)["median"]["point_estimate"] * 1e-9


def py_time(fn, repeat=7, min_time=0.2):
    """Median seconds per call of ``fn``, each repeat an auto-ranged loop of >= min_time."""
    number = 1
    while True:
        t = timeit.timeit(fn, number=number)
        if t >= min_time or number >= 1 << 20:
            break
        number *= max(2, int(min_time / max(t, 1e-9) * 1.2))
    return statistics.median(timeit.repeat(fn, number=number, repeat=repeat)) / number


def doubles(n):
    """The doubles of benches/common/mod.rs: (i % 1024) - 300."""
    return array.array("d", [(i % 1024) - 300.0 for i in range(n)])


def python_side(np):
    """Time the Python operations; return {name: seconds}."""
    out = {}

    # memoryview.tobytes of contiguous doubles.
    for label, size in SIZES.items():
        mv = memoryview(doubles(size // 8))
        assert mv.tobytes() == bytes(mv)
        out[f"tobytes/{label}"] = py_time(mv.tobytes, repeat=5 if size > 1 << 20 else 7)

    # memoryview.tolist of 1M doubles (the data of benches/codec.rs to_list).
    d = array.array("d", [i * 0.5 - 1000.0 for i in range(RECORDS)])
    mv = memoryview(d)
    assert mv.tolist() == d.tolist()
    out["tolist/1M d"] = py_time(mv.tolist, repeat=5)

    # struct.iter_unpack of 1M <iQ records (the records of benches/codec.rs).
    buf = bytearray()
    expected = 0
    for i in range(RECORDS):
        a = ((i * 7919 + 2**31) % 2**32 - 2**31) - 500_000
        a = (a + 2**31) % 2**32 - 2**31
        q = (i * 0x9E3779B97F4A7C15) % 2**64
        buf += struct.pack("<iQ", a, q)
        expected += a ^ q
    buf = bytes(buf)
    assert sum(a ^ q for a, q in struct.iter_unpack(FMT_IQ, buf)) == expected
    out["iter_unpack/<iQ"] = py_time(
        lambda: collections.deque(struct.iter_unpack(FMT_IQ, buf), maxlen=0), repeat=5
    )

    # struct.Struct construction (parses the format).
    for label, fmt in [("1-field", FMT_1), ("30-field", FMT_30)]:
        assert len(struct.unpack(fmt, bytes(struct.calcsize(fmt)))) in (1, 30)
        out[f"struct.Struct/{label}"] = py_time(lambda fmt=fmt: struct.Struct(fmt))

    if np is None:
        return out

    # NumPy tobytes of the same strided selection and of a transposed array.
    a = np.frombuffer(doubles(4096 * 4096), dtype=np.float64).reshape(4096, 4096)
    sel = a[::2, ::2]
    assert sel.tobytes() == np.ascontiguousarray(sel).tobytes()
    out["np.tobytes/4096x4096[::2,::2]"] = py_time(sel.tobytes, repeat=5)
    for label, size in SIZES.items():
        n = size // 8
        cols = 1 << ((n.bit_length() - 1 + 1) // 2)
        t = np.frombuffer(doubles(n), dtype=np.float64).reshape(n // cols, cols).T
        out[f"np.T.tobytes/{label}"] = py_time(t.tobytes, repeat=5 if size > 1 << 20 else 7)

    # NumPy structured records to Python tuples (the nearest to iter_unpack of T{...}).
    dt = np.dtype([("id", "<i4"), ("count", "<u8")])
    recs = np.frombuffer(buf, dtype=dt)
    assert sum(int(a) ^ int(q) for a, q in recs[:1000].tolist()) == sum(
        a ^ q for a, q in struct.iter_unpack(FMT_IQ, buf[:12000])
    )
    out["np.frombuffer.tolist/T{named}"] = py_time(recs.tolist, repeat=5)

    # NumPy's PEP 3118 import: np.asarray of an exporter with the format string.
    import _testbuffer

    for label, fmt in [("1-field", FMT_1), ("30-field", FMT_30)]:
        item = struct.unpack(fmt, bytes(struct.calcsize(fmt)))
        exporter = _testbuffer.ndarray([item if len(item) > 1 else item[0]], shape=[1], format=fmt)
        m = memoryview(exporter)
        assert m.format == fmt
        arr = np.asarray(m)
        assert arr.dtype.itemsize == struct.calcsize(fmt)
        assert len(arr.dtype.names or [None]) == (30 if label == "30-field" else 1)
        out[f"np.asarray/{label}"] = py_time(lambda m=m: np.asarray(m))
    return out


# (label, rust bench id, other side: python key or rust bench id, target ratio or None, note)
ROWS = [
    ("view vs to_vec, 4 KiB", "view_vs_copy/view/4KiB", "rust:view_vs_copy/to_vec/4KiB", None, ""),
    ("view vs to_vec, 1 MiB", "view_vs_copy/view/1MiB", "rust:view_vs_copy/to_vec/1MiB", None, ""),
    ("view vs to_vec, 64 MiB", "view_vs_copy/view/64MiB", "rust:view_vs_copy/to_vec/64MiB", 1e-4, "≥10,000× cheaper"),
    ("view vs ndarray to_owned, 64 MiB", "view_vs_copy/view/64MiB", "rust:view_vs_copy/ndarray_to_owned/64MiB", 1e-4, "≥10,000× cheaper"),
    ("to_bytes contiguous vs copy_from_slice, 4 KiB", "to_bytes_contiguous/to_bytes/4KiB", "rust:to_bytes_contiguous/copy_from_slice/4KiB", 1.10, "within 10%"),
    ("to_bytes contiguous vs copy_from_slice, 1 MiB", "to_bytes_contiguous/to_bytes/1MiB", "rust:to_bytes_contiguous/copy_from_slice/1MiB", 1.10, "within 10%"),
    ("to_bytes contiguous vs copy_from_slice, 64 MiB", "to_bytes_contiguous/to_bytes/64MiB", "rust:to_bytes_contiguous/copy_from_slice/64MiB", 1.10, "within 10%"),
    ("to_bytes [::2, ::2] of 4096² vs ndarray", "to_bytes_strided/to_bytes/4096x4096[::2,::2]", "rust:to_bytes_strided/ndarray_standard_layout/4096x4096[::2,::2]", 1.0, "not slower"),
    ("to_bytes transposed vs ndarray, 1 MiB", "to_bytes_transposed/to_bytes/1MiB", "rust:to_bytes_transposed/ndarray_standard_layout/1MiB", 1.0, "not slower"),
    ("to_bytes transposed vs ndarray, 64 MiB", "to_bytes_transposed/to_bytes/64MiB", "rust:to_bytes_transposed/ndarray_standard_layout/64MiB", 1.0, "not slower"),
    ("typed sum (stride 2) vs ndarray, 1 MiB", "typed_sum/typed/1MiB", "rust:typed_sum/ndarray/1MiB", 1.10, "within 10%"),
    ("typed sum (stride 2) vs ndarray, 64 MiB", "typed_sum/typed/64MiB", "rust:typed_sum/ndarray/64MiB", 1.10, "within 10%"),
    ("as_array sum (stride 2) vs ndarray, 1 MiB", "typed_sum/as_array/1MiB", "rust:typed_sum/ndarray/1MiB", 1.10, "within 10%"),
    ("as_array sum (stride 2) vs ndarray, 64 MiB", "typed_sum/as_array/64MiB", "rust:typed_sum/ndarray/64MiB", 1.10, "within 10%"),
    ("typed sum byte-swapped vs native, 1 MiB", "typed_sum/typed_swapped/1MiB", "rust:typed_sum/typed/1MiB", 1.5, "within 1.5×"),
    ("typed sum byte-swapped vs native, 64 MiB", "typed_sum/typed_swapped/64MiB", "rust:typed_sum/typed/64MiB", 1.5, "within 1.5×"),
    ("cast to 2-D vs bytemuck + ArrayView, 64 MiB", "cast/cast/64MiB", "rust:cast/bytemuck_ndarray/64MiB", None, ""),
    ("select text vs ndarray slice, 64 MiB", "select/select/64MiB", "rust:select/ndarray_slice/64MiB", None, ""),
    ("select_with vs ndarray slice, 64 MiB", "select/select_with/64MiB", "rust:select/ndarray_slice/64MiB", None, ""),
    ("assign vs copy_from_slice, 64 MiB", "assign/assign/64MiB", "rust:assign/copy_from_slice/64MiB", None, ""),
    ("assign_within overlap vs copy_within, 64 MiB", "assign/assign_within_overlap/64MiB", "rust:assign/copy_within/64MiB", None, ""),
    ("to_bytes vs memoryview.tobytes, 4 KiB", "to_bytes_contiguous/to_bytes/4KiB", "tobytes/4KiB", None, ""),
    ("to_bytes vs memoryview.tobytes, 1 MiB", "to_bytes_contiguous/to_bytes/1MiB", "tobytes/1MiB", None, ""),
    ("to_bytes vs memoryview.tobytes, 64 MiB", "to_bytes_contiguous/to_bytes/64MiB", "tobytes/64MiB", None, ""),
    ("to_bytes [::2, ::2] of 4096² vs NumPy tobytes", "to_bytes_strided/to_bytes/4096x4096[::2,::2]", "np.tobytes/4096x4096[::2,::2]", 1.0, "at least as fast"),
    ("to_bytes transposed vs NumPy .T.tobytes, 1 MiB", "to_bytes_transposed/to_bytes/1MiB", "np.T.tobytes/1MiB", None, ""),
    ("to_bytes transposed vs NumPy .T.tobytes, 64 MiB", "to_bytes_transposed/to_bytes/64MiB", "np.T.tobytes/64MiB", None, ""),
    ("iter_unpack <iQ ×1M vs struct.iter_unpack", "iter_unpack/iter/<iQ", "iter_unpack/<iQ", 0.2, "≥5× faster"),
    ("next_into <iQ ×1M vs struct.iter_unpack", "iter_unpack/next_into/<iQ", "iter_unpack/<iQ", 0.2, "≥5× faster"),
    ("iter_unpack_as::<(i32, u64)> <iQ ×1M vs struct.iter_unpack", "iter_unpack/iter_as/<iQ", "iter_unpack/<iQ", 0.2, "≥5× faster"),
    ("iter_unpack_as::<(i32, u64)> T{named} ×1M vs struct.iter_unpack <iQ", "iter_unpack/iter_as/T{named}", "iter_unpack/<iQ", None, ""),
    ("iter_unpack T{named} ×1M vs NumPy recs.tolist()", "iter_unpack/iter/T{named}", "np.frombuffer.tolist/T{named}", None, ""),
    ("typed field views T{named} ×1M vs iter_unpack", "iter_unpack/typed_fields/T{named}", "rust:iter_unpack/iter/T{named}", None, ""),
    ("typed field views T{named} ×1M vs struct.iter_unpack <iQ", "iter_unpack/typed_fields/T{named}", "iter_unpack/<iQ", None, ""),
    ("to_list 1M d vs memoryview.tolist", "to_list/to_list/1M d", "tolist/1M d", 1 / 3, "≥3× faster"),
    ("to_list 1M d vs building the same Values from a slice", "to_list/to_list/1M d", "rust:to_list/values_from_slice/1M d", None, ""),
    ("Struct::new 1-field vs struct.Struct", "format_parse/struct_new/1-field", "struct.Struct/1-field", None, ""),
    ("Struct::new 30-field vs struct.Struct", "format_parse/struct_new/30-field", "struct.Struct/30-field", None, ""),
    ("parse 1-field vs NumPy PEP 3118 import", "format_parse/parse/1-field", "np.asarray/1-field", None, ""),
    ("parse 30-field vs NumPy PEP 3118 import", "format_parse/parse/30-field", "np.asarray/30-field", 0.05, "≥20× faster"),
    ("parse 30-field (NumPy dialect) vs NumPy import", "format_parse/parse_numpy/30-field", "np.asarray/30-field", 0.05, "≥20× faster"),
]


def fmt_time(s):
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if s >= scale:
            return f"{s / scale:.3g} {unit}"
    return f"{s / 1e-9:.3g} ns"


def fmt_ratio(r):
    return f"{r:.2e}" if r < 0.01 else f"{r:.3f}"


def run_cargo():
    env = dict(os.environ)
    for bench in ("views", "codec"):
        cmd = ["cargo", "bench", "--bench", bench]
        print("+", " ".join(cmd), file=sys.stderr, flush=True)
        subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=sys.stderr)


def machine():
    import datetime

    lines = [f"date: {datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}"]
    try:
        cpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        model = next((l.split(":", 1)[1].strip() for l in cpu.splitlines() if l.startswith("Model name")), "?")
        cores = next((l.split(":", 1)[1].strip() for l in cpu.splitlines() if l.startswith("CPU(s)")), "?")
        lines.append(f"CPU: {model}, {cores} CPUs")
    except OSError:
        pass
    try:
        mem_kb = int(next(l for l in open("/proc/meminfo") if l.startswith("MemTotal")).split()[1])
        lines.append(f"memory: {mem_kb / 2**20:.1f} GiB")
    except (OSError, StopIteration):
        pass
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    lines.append(f"{rustc}; Python {platform.python_version()}")
    lines.append(f"load average: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--no-cargo", action="store_true", help="reuse the last criterion results")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = ap.parse_args()
    try:
        import numpy as np
    except ImportError:
        np = None
    load_before = os.getloadavg()
    if not args.no_cargo:
        run_cargo()
    print("timing the Python side...", file=sys.stderr, flush=True)
    py = python_side(np)

    header = ["operation", "Rust", "other", "ratio", "target", "met"]
    rows = []
    missed = 0
    for label, rid, other, target, note in ROWS:
        try:
            r = rust_time(rid)
            o = rust_time(other[5:]) if other.startswith("rust:") else py[other]
        except (OSError, KeyError) as e:
            rows.append([label, "-", "-", "-", note, f"missing ({e.__class__.__name__})"])
            continue
        ratio = r / o
        met = "" if target is None else ("yes" if ratio <= target else "NO")
        missed += met == "NO"
        rows.append([label, fmt_time(r), fmt_time(o), fmt_ratio(ratio), note, met])

    info = machine()
    info.append(f"numpy {np.__version__}" if np is not None else "numpy: not installed")
    info.append(f"load average before the run: {load_before[0]:.2f}")
    if args.markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for row in rows:
            print("| " + " | ".join(row) + " |")
        print()
        for line in info:
            print(f"- {line}")
    else:
        widths = [max(len(str(row[i])) for row in rows + [header]) for i in range(len(header))]
        for row in [header] + rows:
            print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip())
        print()
        for line in info:
            print(line)
    print(f"\nratio = Rust time / other time (below 1: Rust faster); targets missed: {missed}")


if __name__ == "__main__":
    main()
