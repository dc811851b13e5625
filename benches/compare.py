#!/usr/bin/env python3
"""The issue-14 size sweep: memview (criterion, ``benches/sweep.rs``) against ndarray, NumPy and
CPython on one machine, printed as one Markdown table of ratios per operation.

Usage (from the repository root):

    python3 benches/compare.py                    # the whole sweep once (~7 min on 2 cores)
    python3 benches/compare.py --rounds 3 --json run.json   # as BENCHMARKS.md (~21 min)
    python3 benches/compare.py --from-json run.json         # the tables of a saved run again
    python3 benches/compare.py --only strided,fixed --sizes 256x256,1024x1024
    python3 benches/compare.py --no-cargo         # reuse the last criterion results, re-time Python
    python3 benches/compare.py --legacy           # the older one-table comparison (views + codec)

The sweep runs group by group: ``cargo bench --bench sweep`` for one operation (``SWEEP_ONLY``,
``SWEEP_SIZES`` select the group and sizes), then the NumPy/CPython side of the same operation,
so each memview/NumPy pair is timed minutes apart, not half an hour; memview and ndarray are
timed back to back for each cell inside criterion. The Rust numbers are criterion's median
estimates, read from ``$CARGO_TARGET_DIR/criterion/**/new/estimates.json`` (``target/`` without
``CARGO_TARGET_DIR``); the Python side is the median of 3-5 repeats (one call each for calls of
50 ms and more, an auto-ranged loop below). Every Python operation checks its answer once
before it is timed, as the Rust ones do. With ``--rounds N`` each cell is the median of the N
same-round ratios.

Cells are memview time / baseline time: below 1 means memview is faster.
"""

import argparse
import array
import collections
import datetime
import json
import os
import platform
import statistics
import struct
import subprocess
import sys
import time
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The same constants as benches/codec.rs and benches/sweep.rs.
FMT_1 = "<d"
FMT_30 = "<bBhHiIlLqQefd?sbBhHiIlLqQefd?s"
FMT_IQ = "<iQ"
RECORDS = 1_000_000
SIZES = {"4KiB": 4 << 10, "1MiB": 1 << 20, "64MiB": 64 << 20}

# The sweep of benches/sweep.rs.
SHAPES = [(256, 256), (1024, 1024), (2048, 2048), (4096, 4096), (8192, 4096)]
ITEMS = [1, 2, 4, 8, 29]
GROUPS = [
    "strided",
    "transposed",
    "contiguous",
    "strided_assign",
    "strided_fill",
    "convert",
    "swapped_sum",
    "fixed",
]


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


def shape_label(rows, cols):
    return f"{rows}²" if rows == cols else f"{rows}×{cols}"


def case(rows, cols, k=None):
    """The criterion parameter of one cell (benches/sweep.rs `label`)."""
    return f"{rows}x{cols}" if k is None else f"{rows}x{cols}_{k}B"


def sweep_time(fn, repeat=5, min_time=0.05):
    """Median seconds per call of ``fn``: after one warm-up call, ``repeat`` single calls when a
    call takes 50 ms or more (3 of them), else ``repeat`` auto-ranged loops of >= min_time."""
    t0 = time.perf_counter()
    fn()
    first = time.perf_counter() - t0
    if first >= 0.05:
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return statistics.median(times)
    number = max(1, int(min_time / max(first, 1e-7)))
    return statistics.median(timeit.repeat(fn, number=number, repeat=repeat)) / number


class PythonSide:
    """The NumPy / CPython side of each sweep group; {criterion-style id: seconds}."""

    def __init__(self, np, shapes):
        self.np = np
        self.shapes = shapes
        self._pool = None

    def pool(self):
        """Random bytes enough for the largest matrix of 29-byte items (aligned, writable)."""
        if self._pool is None:
            n = max(r * c for r, c in self.shapes) * max(ITEMS)
            self._pool = self.np.random.default_rng(1).integers(0, 256, n, dtype=self.np.uint8)
        return self._pool

    def matrix(self, rows, cols, k):
        dtype = {1: "u1", 2: "u2", 4: "u4", 8: "u8", 29: "V29"}[k]
        return self.pool()[: rows * cols * k].view(dtype).reshape(rows, cols)

    def cells(self):
        for rows, cols in self.shapes:
            for k in ITEMS:
                yield rows, cols, k, self.matrix(rows, cols, k)

    def strided(self):
        out = {}
        for rows, cols, k, a in self.cells():
            fn = lambda a=a: a[::2, ::2].tobytes()
            b = fn()
            assert len(b) == (rows // 2) * (cols // 2) * k
            assert b[:k] == a[0, 0].tobytes() and b[k : 2 * k] == a[0, 2].tobytes()
            assert b[-k:] == a[-2, -2].tobytes()
            out[f"strided/numpy/{case(rows, cols, k)}"] = sweep_time(fn)
            fn = lambda a=a: a[::2, ::2].copy()
            c = fn()
            assert c.flags.c_contiguous and c.tobytes() == b
            del b, c
            out[f"strided/numpy_copy/{case(rows, cols, k)}"] = sweep_time(fn)
        return out

    def transposed(self):
        out = {}
        for rows, cols, k, a in self.cells():
            fn = lambda a=a: a.T.tobytes()
            b = fn()
            assert len(b) == rows * cols * k
            assert b[k : 2 * k] == a[1, 0].tobytes() and b[-k:] == a[-1, -1].tobytes()
            out[f"transposed/numpy/{case(rows, cols, k)}"] = sweep_time(fn)
        return out

    def contiguous(self):
        out = {}
        for rows, cols, k, a in self.cells():
            fn = a.tobytes
            b = fn()
            assert len(b) == rows * cols * k and b[-k:] == a[-1, -1].tobytes()
            out[f"contiguous/numpy/{case(rows, cols, k)}"] = sweep_time(fn)
        return out

    def strided_assign(self):
        np = self.np
        out = {}
        for rows, cols, k, a in self.cells():
            half = (rows // 2) * (cols // 2) * k
            src = np.random.default_rng(5).integers(0, 256, half, dtype=np.uint8)
            src = src.view(a.dtype).reshape(rows // 2, cols // 2)

            def fn(a=a, src=src):
                a[::2, ::2] = src

            fn()
            assert a[::2, ::2].tobytes() == src.tobytes()
            out[f"strided_assign/numpy/{case(rows, cols, k)}"] = sweep_time(fn)
            del src
        return out

    def convert(self):
        np = self.np
        out = {}
        for rows, cols in self.shapes:
            hr, hc = rows // 2, cols // 2
            i = np.arange(hr * hc, dtype=np.int64)
            same = ((i * 7919 + 7) % 2048 - 1000).astype("<f8").reshape(hr, hc)
            dst = np.zeros((rows, cols), dtype="<f8")
            for name, src in [
                ("same", same),
                ("be_d", same.astype(">f8")),
                ("le_i", same.astype("<i4")),
            ]:

                def fn(dst=dst, src=src):
                    dst[::2, ::2] = src

                dst[...] = 0
                fn()
                assert np.array_equal(dst[::2, ::2], same) and not dst[1::2].any()
                out[f"convert/numpy_{name}/{case(rows, cols)}"] = sweep_time(fn)
            del dst
            # `a.astype("<f8")` of the contiguous `<i4` source (the NumPy side of `to_bytes_as`
            # in runs).
            packed = same.astype("<i4")
            fn = lambda a=packed: a.astype("<f8")
            assert fn().tobytes() == same.tobytes()
            out[f"convert/numpy_packed_as_le_i/{case(rows, cols)}"] = sweep_time(fn)
            del packed
            # `a[::2, ::2].astype("<f8")` of a full matrix in each source format (the NumPy side
            # of `to_bytes_as`).
            i = np.arange(rows * cols, dtype=np.int64)
            full = ((i * 7919 + 13) % 2048 - 1000).astype("<f8").reshape(rows, cols)
            del i
            expected = full[::2, ::2].tobytes()
            for name, a in [
                ("same", full),
                ("be_d", full.astype(">f8")),
                ("le_i", full.astype("<i4")),
            ]:
                fn = lambda a=a: a[::2, ::2].astype("<f8")
                assert fn().tobytes() == expected
                out[f"convert/numpy_astype_{name}/{case(rows, cols)}"] = sweep_time(fn)
                del a
            del full, expected, same
        return out

    def fixed(self):
        np = self.np
        out = {}
        data = array.array("d", [float(x % 2048 - 1000) for x in range(64 * 64)])
        buf = data.tobytes()
        # NumPy: a 64×64 view over the bytes, [1::2, ::-1] of it.
        make = lambda: np.frombuffer(buf, dtype="<f8").reshape(64, 64)[1::2, ::-1]
        assert make()[0, 0] == data[64 + 63] and make().shape == (32, 64)
        out["fixed/view_make/numpy"] = sweep_time(make)
        a = np.frombuffer(buf, dtype="<f8").reshape(64, 64)
        sel = lambda: a[1::2, ::-1]
        assert sel()[0, 0] == data[64 + 63]
        out["fixed/select_with/numpy"] = sweep_time(sel)
        # CPython's own cast to 2-D.
        m = memoryview(buf)
        cast = lambda: m.cast("d", [64, 64])
        assert cast()[1, 0] == data[64]
        out["fixed/cast/memoryview"] = sweep_time(cast)
        for label, fmt, fields in [("1-field", FMT_1, 1), ("30-field", FMT_30, 30)]:
            assert len(struct.Struct(fmt).unpack(bytes(struct.calcsize(fmt)))) == fields
            out[f"fixed/struct_new/{label}/cpython"] = sweep_time(lambda fmt=fmt: struct.Struct(fmt))
        recs, expected = iq_records()
        assert sum(a ^ q for a, q in struct.iter_unpack(FMT_IQ, recs)) == expected
        out["fixed/iter_unpack/<iQ 1M/cpython"] = sweep_time(
            lambda: collections.deque(struct.iter_unpack(FMT_IQ, recs), maxlen=0)
        )
        return out


def iq_records():
    """The 1M ``<iQ`` records of benches/codec.rs and benches/sweep.rs, and their checksum."""
    buf = bytearray()
    expected = 0
    for i in range(RECORDS):
        a = ((i * 7919 + 2**31) % 2**32 - 2**31) - 500_000
        a = (a + 2**31) % 2**32 - 2**31
        q = (i * 0x9E3779B97F4A7C15) % 2**64
        buf += struct.pack("<iQ", a, q)
        expected += a ^ q
    return bytes(buf), expected


# One table per operation: (title, group, memview function, baseline ("rust:<function>" or
# "py:<function>"), target ratio or None, target text).
ITEM_TABLES = [
    ("strided `select(\"::2, ::2\")` + `to_bytes(C)` / ndarray `slice(s![..;2, ..;2]).to_owned()`",
     "strided", "memview", "rust:ndarray", 0.9, "≤ 0.9"),
    ("strided `select(\"::2, ::2\")` + `to_bytes(C)` / NumPy `a[::2, ::2].tobytes()`",
     "strided", "memview", "py:numpy", None, ""),
    ("strided `select(\"::2, ::2\")` + `to_bytes(C)` / NumPy `a[::2, ::2].copy()`",
     "strided", "memview", "py:numpy_copy", None, ""),
    ("strided `select(\"::2, ::2\")` + `to_bytes(C)` / its lines touched once (`touch_lines`)",
     "strided", "memview", "rust:lines", None, ""),
    ("strided ndarray `slice(s![..;2, ..;2]).to_owned()` / its lines touched once",
     "strided", "ndarray", "rust:lines", None, ""),
    ("transposed `transpose().to_bytes(C)` / ndarray `t().as_standard_layout().into_owned()`",
     "transposed", "memview", "rust:ndarray", 0.8, "≤ 0.8"),
    ("transposed `transpose().to_bytes(C)` / NumPy `a.T.tobytes()`",
     "transposed", "memview", "py:numpy", None, ""),
    ("contiguous `to_bytes(C)` / `Vec::with_capacity` + `extend_from_slice`",
     "contiguous", "memview", "rust:extend_from_slice", 1.05, "≤ 1.05"),
    ("contiguous `to_bytes(C)` / NumPy `a.tobytes()`",
     "contiguous", "memview", "py:numpy", None, ""),
    ("`assign(\"::2, ::2\", &src)` / ndarray `slice_mut(s![..;2, ..;2]).assign(&src)`",
     "strided_assign", "memview", "rust:ndarray", 1.0, "≤ 1.0"),
    ("`assign(\"::2, ::2\", &src)` / NumPy `a[::2, ::2] = b`",
     "strided_assign", "memview", "py:numpy", None, ""),
    ("`assign(\"::2, ::2\", &src)` / its lines touched once (`touch_lines`)",
     "strided_assign", "memview", "rust:lines", None, ""),
    ("ndarray `slice_mut(s![..;2, ..;2]).assign(&src)` / its lines touched once",
     "strided_assign", "ndarray", "rust:lines", None, ""),
    # `fill` is in the item 1 but has no figure in its Targets: no target here.
    ("`select_mut(\"::2, ::2\")` + `fill` / ndarray `slice_mut(..).fill`",
     "strided_fill", "memview", "rust:ndarray", None, ""),
]

# Tables over sizes only (doubles): columns (label, group, memview function, baseline, target).
SIZE_TABLES = [
    ("converting copies into `<d` `[::2, ::2]` (source contiguous, half shape)", "convert", [
        ("`>d` / same-format `copy_from`", "converted_be_d", "rust:copy_from_same", 1.2),
        ("`<i` / same-format `copy_from`", "converted_le_i", "rust:copy_from_same", 1.5),
        ("same-format `copy_from` / NumPy", "copy_from_same", "py:numpy_same", None),
        ("`>d` / NumPy `dst[::2, ::2] = src`", "converted_be_d", "py:numpy_be_d", None),
        ("`<i` / NumPy `dst[::2, ::2] = src`", "converted_le_i", "py:numpy_le_i", None),
    ]),
    ("`select(\"::2, ::2\")` + `to_bytes_as(\"<d\", C)` of a `>d` / `<i` matrix (full shape)", "convert", [
        ("`>d` / same-format `to_bytes(C)`", "to_bytes_as_be_d", "rust:to_bytes_same", 1.2),
        ("`<i` / same-format `to_bytes(C)`", "to_bytes_as_le_i", "rust:to_bytes_same", 1.5),
        ("same-format `to_bytes` / NumPy `a[::2, ::2].astype(\"<f8\")`", "to_bytes_same", "py:numpy_astype_same", None),
        ("`>d` / NumPy `astype`", "to_bytes_as_be_d", "py:numpy_astype_be_d", None),
        ("`<i` / NumPy `astype`", "to_bytes_as_le_i", "py:numpy_astype_le_i", None),
    ]),
    ("`to_bytes_as(\"<d\", C)` of a contiguous `<i` matrix (half shape; converted in runs)", "convert", [
        ("/ same-format `to_bytes(C)` of a `<d` matrix", "packed_as_le_i", "rust:packed_same", None),
        ("/ NumPy `a.astype(\"<f8\")`", "packed_as_le_i", "py:numpy_packed_as_le_i", None),
    ]),
    ("typed sum `typed::<f64>()?.sum()`, byte-swapped / native (1-D over the matrix)", "swapped_sum", [
        ("contiguous", "swapped", "rust:native", 1.1),
        ("`::2`", "swapped_step2", "rust:native_step2", 1.1),
    ]),
]

# The fixed costs: (operation, memview id, Rust baseline id or None, Python id or None,
# absolute target in s or None, ratio target (vs Rust baseline, vs Python) or None, target text).
FIXED_ROWS = [
    ("`from_format(bytes, arc.clone(), None, &[64, 64], None, 0)` + `select_with` + `as_array::<f64>()`",
     "fixed/view_make/memview", "fixed/view_make/ndarray", "fixed/view_make/numpy",
     150e-9, None, "≤ 150 ns"),
    ("the same with `from_parts(bytes, \"d\", ..)` (parses the text; no target)",
     "fixed/view_make/memview_text", "fixed/view_make/ndarray", "fixed/view_make/numpy",
     None, None, "–"),
    ("`select_with(&[1::2, ::-1])` (vs ndarray `slice(s![1..;2, ..;-1])`, NumPy `a[1::2, ::-1]`)",
     "fixed/select_with/memview", "fixed/select_with/ndarray", "fixed/select_with/numpy",
     None, (2.0, None), "≤ 2× ndarray"),
    ("`cast_format(arc, Some(&[64, 64]))` (vs `bytemuck::cast_slice` + `ArrayView2::from_shape`, `memoryview.cast`)",
     "fixed/cast/memview", "fixed/cast/bytemuck_ndarray", "fixed/cast/memoryview",
     50e-9, None, "≤ 50 ns"),
    ("`cast(\"d\", Some(&[64, 64]))` (parses the text; no target)",
     "fixed/cast/memview_text", "fixed/cast/bytemuck_ndarray", "fixed/cast/memoryview",
     None, None, "–"),
    ("`Struct::new` 1 field (vs `struct.Struct`)",
     "fixed/struct_new/1-field", None, "fixed/struct_new/1-field/cpython",
     None, (None, 1.0), "≤ 1× CPython"),
    ("`Struct::new` 30 fields (vs `struct.Struct`)",
     "fixed/struct_new/30-field", None, "fixed/struct_new/30-field/cpython",
     None, (None, 1.0), "≤ 1× CPython"),
    ("`iter_unpack(\"<iQ\")` of 1M records, consumed (vs `struct.iter_unpack` into a `deque`)",
     "fixed/iter_unpack/<iQ 1M", None, "fixed/iter_unpack/<iQ 1M/cpython",
     None, (None, 1 / 3), "≥ 3× CPython"),
]


def rust_snapshot(group):
    """{full id: seconds} of every criterion result of ``group`` now on disk."""
    out = {}
    for meta in criterion_dir().glob("**/new/benchmark.json"):
        with open(meta) as f:
            full_id = json.load(f)["full_id"]
        if full_id.startswith(group + "/"):
            with open(meta.parent / "estimates.json") as f:
                out[full_id] = json.load(f)["median"]["point_estimate"] * 1e-9
    return out


class Results:
    """The times of every round ({id: seconds} each); ratios are medians over rounds of the
    same-round ratio, so each ratio compares runs made minutes apart."""

    def __init__(self, rounds):
        self.rounds = rounds

    @staticmethod
    def cell_id(group, fn, param):
        name = fn.split(":", 1)[-1]
        return f"{group}/{name}/{param}" if param else f"{group}/{name}"

    def time(self, bench_id):
        ts = [r[bench_id] for r in self.rounds if bench_id in r]
        return statistics.median(ts) if ts else None

    def round_ratios(self, a_id, b_id):
        """The same-round ratios, round by round (rounds missing either id left out)."""
        return [r[a_id] / r[b_id] for r in self.rounds if a_id in r and b_id in r and r[b_id] > 0]

    def ratio(self, a_id, b_id):
        rs = self.round_ratios(a_id, b_id)
        return statistics.median(rs) if rs else None


def ratio_cell(r, target):
    if r is None:
        return "–"
    text = f"{r:.2f}"
    return f"**{text}**" if target is not None and r > target else text


def worst_line(cells, target, target_text):
    """`cells`: [(ratio, where)]."""
    cells = [(r, w) for r, w in cells if r is not None]
    if not cells:
        return "worst: – (no data)"
    r, where = max(cells)
    line = f"worst: **{r:.2f}** ({where})"
    if target is not None:
        met = sum(x <= target for x, _ in cells)
        line += f"; target {target_text}: met in {met} of {len(cells)} cells (misses in bold)"
    return line


def item_table(title, group, fn, base, target, target_text, shapes, res):
    lines = [f"### {title}", "", "| size | " + " | ".join(f"{k} B" for k in ITEMS) + " |",
             "|---|" + "---:|" * len(ITEMS)]
    cells = []
    for rows, cols in shapes:
        row = []
        for k in ITEMS:
            p = case(rows, cols, k)
            r = res.ratio(res.cell_id(group, fn, p), res.cell_id(group, base, p))
            cells.append((r, f"{shape_label(rows, cols)}, {k} B"))
            row.append(ratio_cell(r, target))
        lines.append(f"| {shape_label(rows, cols)} | " + " | ".join(row) + " |")
    lines += ["", worst_line(cells, target, target_text), ""]
    return lines


def size_table(title, group, columns, shapes, res):
    lines = [f"### {title}", "", "| size | " + " | ".join(c[0] for c in columns) + " |",
             "|---|" + "---:|" * len(columns)]
    per_col = [[] for _ in columns]
    for rows, cols in shapes:
        p = case(rows, cols)
        row = []
        for i, (label, fn, base, target) in enumerate(columns):
            r = res.ratio(res.cell_id(group, fn, p), res.cell_id(group, base, p))
            per_col[i].append((r, shape_label(rows, cols)))
            row.append(ratio_cell(r, target))
        lines.append(f"| {shape_label(rows, cols)} | " + " | ".join(row) + " |")
    lines.append("")
    for (label, _, _, target), cells in zip(columns, per_col):
        t = None if target is None else f"≤ {target:g}"
        lines.append(f"- {label}: " + worst_line(cells, target, t))
    lines.append("")
    return lines


def fmt_ns(s):
    if s is None:
        return "–"
    return f"{s * 1e9:.3g} ns" if s < 1e-6 else fmt_time(s)


def fixed_table(res):
    lines = ["### fixed costs (64×64 doubles; `iter_unpack`: 1M records)", "",
             "| operation | memview | Rust baseline | ratio | NumPy / CPython | ratio | target |",
             "|---|---:|---:|---:|---:|---:|---|"]
    worst_rust, worst_py, misses = [], [], []
    for label, mid, rid, pid, abs_target, ratio_target, text in FIXED_ROWS:
        m = res.time(mid)
        r = res.time(rid) if rid else None
        p = res.time(pid) if pid else None
        rr = res.ratio(mid, rid) if rid else None
        pr = res.ratio(mid, pid) if pid else None
        short = label.split(" (")[0]
        # The worst lines cover the rows with a target (the text-parsing rows are context).
        if rr is not None and text != "–":
            worst_rust.append((rr, short))
        if pr is not None and text != "–":
            worst_py.append((pr, short))
        missed = False
        if abs_target is not None and m is not None:
            missed = m > abs_target
        if ratio_target is not None:
            missed = (ratio_target[0] is not None and rr is not None and rr > ratio_target[0]) or (
                ratio_target[1] is not None and pr is not None and pr > ratio_target[1])
        if missed:
            misses.append(short)
        mark = (lambda x: f"**{x}**") if missed else (lambda x: x)
        lines.append(f"| {label} | {mark(fmt_ns(m))} | {fmt_ns(r)} | "
                     f"{'–' if rr is None else f'{rr:.2f}'} | {fmt_ns(p)} | "
                     f"{'–' if pr is None else f'{pr:.2f}'} | {text} |")
    lines.append("")
    if worst_rust:
        r, w = max(worst_rust)
        lines.append(f"- worst vs the Rust baselines (rows with a target): **{r:.2f}** ({w})")
    if worst_py:
        r, w = max(worst_py)
        lines.append(f"- worst vs NumPy / CPython (rows with a target): **{r:.2f}** ({w})")
    lines.append(f"- targets missed (in bold): {', '.join(misses) if misses else 'none'}")
    lines.append("")
    return lines


def run_sweep_group(group, sizes):
    env = dict(os.environ, SWEEP_ONLY=group)
    if sizes:
        env["SWEEP_SIZES"] = sizes
    cmd = ["cargo", "bench", "--bench", "sweep"]
    print(f"+ SWEEP_ONLY={group} {' '.join(cmd)}", file=sys.stderr, flush=True)
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--no-cargo", action="store_true", help="reuse the last criterion results")
    ap.add_argument("--no-python", action="store_true", help="skip the NumPy/CPython side")
    ap.add_argument("--only", help=f"comma-separated groups (of {','.join(GROUPS)})")
    ap.add_argument("--sizes", help="comma-separated shapes, e.g. 256x256,8192x4096")
    ap.add_argument("--rounds", type=int, default=1,
                    help="repeat the whole sweep; each cell is the median of its per-round ratios")
    ap.add_argument("--legacy", action="store_true",
                    help="the older single table (benches views + codec) instead of the sweep")
    ap.add_argument("--markdown", action="store_true", help="with --legacy: print Markdown")
    ap.add_argument("--budget-min", type=float, metavar="MIN",
                    help="with --rounds: start no round that would end past MIN minutes "
                         "(judged by the rounds so far)")
    ap.add_argument("--json", metavar="PATH",
                    help="also write every round's raw times (seconds) and the load samples here")
    ap.add_argument("--from-json", metavar="PATH",
                    help="print the tables of a run saved with --json, running nothing")
    args = ap.parse_args()
    if args.legacy:
        return legacy_main(args)
    if args.from_json:
        with open(args.from_json) as f:
            print(render(json.load(f)))
        return
    try:
        import numpy as np
    except ImportError:
        np = None
    groups = args.only.split(",") if args.only else GROUPS
    unknown = set(groups) - set(GROUPS)
    if unknown:
        ap.error(f"unknown groups: {', '.join(sorted(unknown))}")
    shapes = SHAPES
    if args.sizes:
        shapes = [s for s in SHAPES if case(*s) in args.sizes.split(",")]
    started = time.time()
    side = PythonSide(np, shapes)
    rounds = []
    # The 1-, 5- and 15-minute load averages at the start of every group (and at the end).
    load_samples = []
    timings = collections.defaultdict(lambda: [0.0, 0.0])

    def report(elapsed):
        return {"machine": machine(), "numpy": getattr(np, "__version__", None),
                "shapes": shapes, "groups": groups, "wall_seconds": elapsed,
                "group_seconds": timings, "load_samples": load_samples, "rounds": rounds}

    for n in range(1 if args.no_cargo else max(1, args.rounds)):
        round_started = time.time()
        if n > 0 and args.budget_min:
            # Start another round only if one more like the last fits in the budget.
            last = (round_started - started) / n
            if round_started - started + last > args.budget_min * 60:
                print(f"stopping after {n} round(s): another (~{last / 60:.1f} min) would pass "
                      f"the {args.budget_min:g}-minute budget", file=sys.stderr, flush=True)
                break
        times = {}
        for group in groups:
            load_samples.append((n + 1, group, round(time.time() - started), os.getloadavg()))
            t0 = time.time()
            if not args.no_cargo:
                print(f"[round {n + 1}]", file=sys.stderr, end=" ")
                run_sweep_group(group, args.sizes)
            times.update(rust_snapshot(group))
            t1 = time.time()
            if not args.no_python and hasattr(side, group) and (np is not None or group == "fixed"):
                print(f"timing the Python side of {group}...", file=sys.stderr, flush=True)
                times.update(getattr(side, group)())
            timings[group][0] += t1 - t0
            timings[group][1] += time.time() - t1
        rounds.append(times)
        if args.json:
            with open(args.json, "w") as f:
                json.dump(report(time.time() - started), f, indent=1)
    elapsed = time.time() - started
    load_samples.append((len(rounds), "end", round(elapsed), os.getloadavg()))
    run = report(elapsed)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(run, f, indent=1)
    print(render(run))


def misses_table(shapes, res):
    """Every cell of an item table against a Rust baseline that misses its target, round by
    round, beside the line-touch reference of its group where there is one (`lines`):
    memview ÷ baseline / memview ÷ lines / baseline ÷ lines. A miss where both sides take
    about the lines' time is the memory's, not the loop's."""
    out = []
    for _, group, fn, base, target, _ in ITEM_TABLES:
        if target is None or not base.startswith("rust:"):
            continue
        for rows, cols in shapes:
            for k in ITEMS:
                p = case(rows, cols, k)
                m, b, lines = (res.cell_id(group, f, p) for f in (fn, base, "rust:lines"))
                r = res.ratio(m, b)
                if r is None or r <= target:
                    continue
                parts = (res.round_ratios(m, b), res.round_ratios(m, lines),
                         res.round_ratios(b, lines))
                text = " / ".join(", ".join(f"{x:.2f}" for x in xs) or "–" for xs in parts)
                out.append(f"- {group} {shape_label(rows, cols)}, {k} B ({r:.2f}): {text}")
    if not out:
        return []
    return ["### missed cells, round by round (memview ÷ baseline / memview ÷ lines / "
            "baseline ÷ lines)", ""] + out + [""]


def times_table(shapes, res):
    """The times (medians over rounds) of each Rust pair of the item tables, 8- and 29-byte
    items, for scale."""
    lines = ["### times (first / second, median over rounds; 8- and 29-byte items)", "",
             "| operation | " + " | ".join(shape_label(r, c) for r, c in shapes) + " |",
             "|---|" + "---:|" * len(shapes)]
    for title, group, fn, base, _, _ in ITEM_TABLES:
        if not base.startswith("rust:"):
            continue
        for k in (8, 29):
            cells = []
            for rows, cols in shapes:
                p = case(rows, cols, k)
                m = res.time(res.cell_id(group, fn, p))
                b = res.time(res.cell_id(group, base, p))
                cells.append(f"{fmt_ns(m)} / {fmt_ns(b)}")
            name = f"{group} ({fn} / {base.split(':', 1)[1]}), {k} B"
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("")
    return lines


def render(run):
    """The Markdown report of one run (``main``'s record, or one read back with --from-json)."""
    groups, shapes = run["groups"], [tuple(s) for s in run["shapes"]]
    res = Results(run["rounds"])
    out = []
    for title, group, fn, base, target, text in ITEM_TABLES:
        if group in groups:
            out += item_table(title, group, fn, base, target, text, shapes, res)
    for title, group, columns in SIZE_TABLES:
        if group in groups:
            out += size_table(title, group, columns, shapes, res)
    if "fixed" in groups:
        out += fixed_table(res)
    if any(t[1] in groups for t in ITEM_TABLES):
        out += misses_table(shapes, res)
        out += times_table(shapes, res)
    out.append("Cells: memview time / baseline time (below 1: memview faster); bold: the "
               "issue-14 target missed.")
    out.append("")
    info = [line for line in run["machine"] if not line.startswith("load average")]
    info.append(f"numpy {run['numpy']}" if run["numpy"] else "numpy: not installed")
    samples = run["load_samples"]
    info.append(f"load average before: {' '.join(f'{x:.2f}' for x in samples[0][3])}; "
                f"after: {' '.join(f'{x:.2f}' for x in samples[-1][3])}")
    ones = [s[3][0] for s in samples]
    info.append(f"1-minute load at the {len(ones)} group boundaries: min {min(ones):.2f}, "
                f"median {statistics.median(ones):.2f}, max {max(ones):.2f}")
    per_group = "; ".join(f"{g} {a:.0f} s + {b:.0f} s"
                          for g, (a, b) in run.get("group_seconds", {}).items())
    info.append(f"{len(run['rounds'])} round(s); wall time {run['wall_seconds'] / 60:.1f} min"
                + (f" (cargo + Python per group: {per_group})" if per_group else ""))
    out += [f"- {line}" for line in info]
    return "\n".join(out)


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


def legacy_python_side(np):
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


def legacy_run_cargo():
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


def legacy_main(args):
    try:
        import numpy as np
    except ImportError:
        np = None
    load_before = os.getloadavg()
    if not args.no_cargo:
        legacy_run_cargo()
    print("timing the Python side...", file=sys.stderr, flush=True)
    py = legacy_python_side(np)

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
