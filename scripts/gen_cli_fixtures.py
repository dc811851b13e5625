#!/usr/bin/env python3
"""Write the fixtures for tests/cli.rs (the `memview` command-line tool) into tests/fixtures/cli/.

* `*.npy`  - small arrays saved by NumPy: several dtypes, big-endian, Fortran order, structured
             (packed, aligned with padding, nested, big-endian), 0-d, empty, and broken files
             for the error paths;
* `*.bin`  - raw dumps (`arr.tobytes()`) and struct records;
* `cases.tsv` - one case per line: what to run and what Python prints for the same data.

`cases.tsv` format: UTF-8; `#` lines are comments; tab-separated fields, the first is the
case kind, the others `key=value` with `\\\\`, `\\t`, `\\n` escaped:

    run    args=<shell words>  stdout=<exact expected stdout>
    hex    args=<shell words>  hex=<expected bytes as hex; the test joins our hex lines>
    bytes  args=<shell words>  hex=<expected raw stdout as hex>

`args` are POSIX shell words (shlex.join); `{dir}` stands for tests/fixtures/cli. Every
expected output comes from Python: repr(arr.tolist()), repr(struct.unpack(...)),
struct.pack(...).hex(), json.dumps(...), arr.tobytes(order).hex().

Run from the repository root:  python3 scripts/gen_cli_fixtures.py
Needs NumPy (1.2x or 2.x). The output is deterministic and committed.
"""

import json
import os
import shlex
import struct

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "cli")
D = "{dir}"

cases = []


def esc(s):
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def case(kind, args, **fields):
    line = [kind, "args=" + esc(shlex.join(args))]
    for k, v in fields.items():
        line.append(f"{k}={esc(v)}")
    cases.append("\t".join(line))


def pylist(x):
    """tolist(), with sub-array fields (which NumPy leaves as ndarrays) turned into lists."""
    if isinstance(x, np.ndarray):
        return [pylist(v) for v in x] if x.ndim else pylist(x.item())
    if isinstance(x, list):
        return [pylist(v) for v in x]
    if isinstance(x, tuple):
        return tuple(pylist(v) for v in x)
    if isinstance(x, np.generic):
        return pylist(x.item())
    return x


def save(name, arr, fortran=False):
    if fortran:
        arr = np.asfortranarray(arr)
    np.save(os.path.join(OUT, name), arr)
    return f"{D}/{name}"


def raw(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    return f"{D}/{name}"


def view_case(path, arr, *extra, expect=None):
    value = pylist(arr.tolist()) if expect is None else expect
    case("run", ["view", path, "--no-header", *extra], stdout=repr(value) + "\n")


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        os.remove(os.path.join(OUT, f))

    # --- .npy files of several dtypes -------------------------------------------------------
    a = np.arange(12, dtype="<i4").reshape(3, 4)
    p = save("i4_2d.npy", a)
    view_case(p, a)
    view_case(p, a[1:, ::2], "--select", "1:, ::2")
    view_case(p, a[::-1, 1], "--select", "::-1, 1")
    view_case(p, a[..., 0], "--select", "..., 0")
    view_case(p, a[:, None, 2], "--select", ":, None, 2")
    view_case(p, a[1, 2], "--select", "1, 2")
    view_case(p, a.T, "--select", "::-1, ::-1", expect=a[::-1, ::-1].tolist())
    case("run", ["view", p], stdout=(
        f"{D}/i4_2d.npy: .npy v1.0, dtype '<i4', shape (3, 4), C order\n"
        "format '<i', itemsize 4, shape (3, 4), strides (16, 4), offset 128\n"
        + repr(a.tolist()) + "\n"))
    # --format overrides the dtype: the same bytes as unsigned 16-bit halves.
    view_case(p, a.view("<u2"), "--format", "<H", "--shape", "3,8")
    # A 12-element view as two rows of six.
    view_case(p, a.reshape(2, 6), "--cast", "i:2,6", expect=a.reshape(2, 6).tolist())

    b = np.array([1.5, -2.25, 1e16, 1e-5, float("inf"), float("nan"), -0.0], dtype=">f8")
    p = save("f8_be.npy", b)
    view_case(p, b)

    f = np.arange(6, dtype="<f4").reshape(2, 3) / 4
    p = save("f4_fortran.npy", f, fortran=True)
    view_case(p, f)
    view_case(p, f[:, 1:], "--select", ":, 1:")
    case("bytes", ["view", p, "--as", "bytes", "--order", "F"], hex=np.asfortranarray(f).tobytes("F").hex())
    case("bytes", ["view", p, "--as", "bytes", "--order", "C"], hex=f.tobytes("C").hex())
    case("hex", ["view", p, "--as", "hex"], hex=f.tobytes("C").hex())

    for name, arr in [
        ("bool.npy", np.array([True, False, True])),
        ("u1.npy", np.array([0, 7, 255], dtype="u1")),
        ("i8_be.npy", np.array([-(2**63), 2**63 - 1, -1], dtype=">i8")),
        ("u2.npy", np.array([[1, 65535], [256, 2]], dtype="<u2")),
        ("f2.npy", np.array([0.1, 65504, -1 / 3], dtype="<f2")),
        ("c16.npy", np.array([1 + 2j, -1j, 0.5 - 0j], dtype="<c16")),
        ("c8_be.npy", np.array([1.5 + 2j, -3j], dtype=">c8")),
        ("S3.npy", np.array([b"abc", b"xyz"], dtype="S3")),
        ("U3.npy", np.array(["ab", "héé", "\u20ac"], dtype="<U3")),
        ("scalar.npy", np.array(3.25)),
        ("empty.npy", np.zeros((0,), dtype="<i2")),
        ("empty_2d.npy", np.zeros((2, 0), dtype="<i2")),
        ("i2_3d.npy", np.arange(24, dtype="<i2").reshape(2, 3, 4)),
    ]:
        view_case(save(name, arr), arr)

    # --- structured dtypes --------------------------------------------------------------------
    rec = np.dtype([("x", "<i4"), ("y", "<f8", (2,)), ("tag", "S3")])
    r = np.array([(1, [1.5, 2.5], b"abc"), (-2, [0.0, -1.0], b"xyz")], dtype=rec)
    p = save("records.npy", r)
    view_case(p, r)
    view_case(p, r[::-1], "--select", "::-1")

    aligned = np.dtype([("id", "u2"), ("temp", "<f4"), ("pos", "<f8", (2,)), ("tag", "S4")], align=True)
    ra = np.zeros(2, dtype=aligned)  # zeroed padding, so the file is the same on every run
    ra[:] = [(7, 21.5, [1.5, -2.0], b"ABCD"), (8, -0.5, [3.0, 4.0], b"WXYZ")]
    p = save("records_aligned.npy", ra)
    view_case(p, ra)

    be = np.dtype([("a", ">i2"), ("b", ">f4"), ("c", "|b1")])
    rb = np.array([(1, 0.5, True), (-300, 1e10, False)], dtype=be)
    view_case(save("records_be.npy", rb), rb)

    nested = np.dtype([("id", "<u4"), ("pt", [("x", "<f4"), ("y", "<f4")]), ("flags", "u1", (3,))])
    rn = np.array([(1, (0.5, -0.5), [1, 2, 3]), (2, (1.5, 2.5), [4, 5, 6])], dtype=nested)
    view_case(save("records_nested.npy", rn), rn)

    titled = np.dtype({"names": ["a", "b"], "formats": ["<i4", "<f2"], "titles": ["A title", None]})
    rt = np.array([(1, 0.5), (2, -1.5)], dtype=titled)
    view_case(save("records_titled.npy", rt), rt)

    # Format versions 2.0 and 3.0 (3.0: UTF-8 field names).
    v2 = np.arange(5, dtype="<u4")
    with open(os.path.join(OUT, "v2.npy"), "wb") as fh:
        np.lib.format.write_array(fh, v2, version=(2, 0))
    view_case(f"{D}/v2.npy", v2)
    utf = np.array([(20.5, 3)], dtype=[("température", "<f8"), ("n°", "<i2")])
    with open(os.path.join(OUT, "v3_utf8.npy"), "wb") as fh:
        np.lib.format.write_array(fh, utf, version=(3, 0))
    view_case(f"{D}/v3_utf8.npy", utf)

    if np.dtype(np.longdouble).itemsize == 16:
        # x87 80-bit values written byte by byte (NumPy leaves the 6 padding bytes of each
        # element uninitialised when it converts): 1.5, float(1/3), -2**-1000.
        x87 = [(0xC000000000000000, 0x3FFF), (0xAAAAAAAAAAAAA800, 0x3FFD), (0x8000000000000000, 0xBC17)]
        raw_ld = b"".join(struct.pack("<QH6x", m, se) for m, se in x87)
        ld = np.frombuffer(raw_ld, dtype=np.longdouble)
        assert [float(v) for v in ld] == [1.5, 1 / 3, -(2.0**-1000)]
        view_case(save("f16_longdouble.npy", ld), ld, expect=[float(v) for v in ld])

    f3 = np.arange(24, dtype=">i4").reshape(2, 3, 4)
    p = save("i4_be_fortran_3d.npy", f3, fortran=True)
    view_case(p, f3)
    view_case(p, f3[:, ::-1, 1::2], "--select", ":, ::-1, 1::2")

    dt = np.array([0, 86400, -1], dtype="<M8[s]")
    view_case(save("datetime.npy", dt), dt, expect=dt.view("<i8").tolist())

    # --- summarising large arrays ---------------------------------------------------------
    big = np.arange(200, dtype="<i2")
    p = save("big.npy", big)
    case("run", ["view", p, "--no-header", "--limit", "10"], stdout="[0, 1, 2, ..., 197, 198, 199]\n")
    view_case(p, big, "--limit", "0")
    view_case(p, big[::50], "--select", "::50", "--limit", "10")
    big2 = np.arange(100, dtype="<i2").reshape(10, 10)
    p = save("big_2d.npy", big2)
    case("run", ["view", p, "--no-header", "--limit", "50"], stdout=(
        "[[0, 1, 2, ..., 7, 8, 9],\n"
        " [10, 11, 12, ..., 17, 18, 19],\n"
        " [20, 21, 22, ..., 27, 28, 29],\n"
        " ...,\n"
        " [70, 71, 72, ..., 77, 78, 79],\n"
        " [80, 81, 82, ..., 87, 88, 89],\n"
        " [90, 91, 92, ..., 97, 98, 99]]\n"))

    # --- raw dumps ------------------------------------------------------------------------------
    d = np.arange(16, dtype="<f8")
    p = raw("f8_16.bin", d.tobytes())
    view_case(p, d.reshape(4, 4), "--cast", "d:4,4")
    view_case(p, d.reshape(4, 4)[1:, ::2], "--cast", "d:4,4", "--select", "1:, ::2")
    view_case(p, d[:12].reshape(3, 4), "--format", "<d", "--shape", "3,4")
    view_case(p, d[:12].reshape(3, 4).T, "--format", "<d", "--shape", "4,3", "--strides", "8,32")
    view_case(p, d[2:6], "--format", "<d", "--offset", "16", "--shape", "4")
    view_case(p, d.view(">f8")[:3], "--format", ">d", "--shape", "3")
    case("run", ["view", p, "--no-header", "--as", "json", "--format", "<d", "--shape", "2,2"],
         stdout=json.dumps({"format": "<d", "itemsize": 8, "shape": [2, 2], "strides": [16, 8],
                            "data": d[:4].reshape(2, 2).tolist()}) + "\n")
    case("bytes", ["view", p, "--format", "<d", "--shape", "2,3", "--as", "bytes", "--order", "F"],
         hex=d[:6].reshape(2, 3).tobytes("F").hex())
    case("hex", ["view", p, "--format", "<d", "--shape", "2,3", "--select", ":, ::2", "--as", "hex"],
         hex=d[:6].reshape(2, 3)[:, ::2].tobytes().hex())
    # Plain bytes: the default format is B.
    q = raw("quantrimang.bin", b"QUANTRIMANG")
    mv = memoryview(b"QUANTRIMANG")
    view_case(q, mv, expect=mv.tolist())
    view_case(q, mv, "--format", "c", expect=mv.cast("c").tolist())
    view_case(q, mv, "--select", "::-2", expect=mv[::-2].tolist())
    view_case(q, mv, "--format", "<H", expect=list(struct.unpack("<5H", b"QUANTRIMAN")))

    # Struct records, as a C program might write them.
    fmt = "<hd?"
    recs = [(-2, 1.5, True), (7, -0.25, False), (300, 1e100, True)]
    data = b"".join(struct.pack(fmt, *v) for v in recs)
    p = raw("hdq_records.bin", data)
    case("run", ["unpack", fmt, "--file", p], stdout="".join(repr(v) + "\n" for v in struct.iter_unpack(fmt, data)))
    view_case(p, None, "--format", fmt, expect=[struct.unpack(fmt, data[i:i + 11]) for i in range(0, 33, 11)])
    view_case(p, None, "--format", fmt, "--select", "1", expect=struct.unpack(fmt, data[11:22]))

    # --- struct: calcsize, pack, unpack -------------------------------------------------------
    for f_ in ["<hd?", "@hd?", "ib", "qc0q", ">3sxH", "<5p", "=e", "@P"]:
        case("run", ["calcsize", f_], stdout=f"{struct.calcsize(f_)}\n")
    pack_cases = [
        ("<hd?", ["-2", "1.5", "True"], (-2, 1.5, True)),
        (">IhQ", ["4294967295", "-0x8000", "1_000"], (4294967295, -0x8000, 1000)),
        ("<e", ["0.1"], (0.1,)),
        ("<f", ["-1e-3"], (-1e-3,)),
        ("<5s", ["b'ab'"], (b"ab",)),
        ("<3p", ["b'hello'"], (b"hello",)),
        ("c", ["b'\\x00'"], (b"\x00",)),
        ("<2q", ["-1", "9223372036854775807"], (-1, 9223372036854775807)),
        ("@ib", ["7", "-8"], (7, -8)),
        ("<4B", ["1", "0x10", "0o20", "0b11"], (1, 16, 16, 3)),
        ("!d", ["inf"], (float("inf"),)),
        ("<?", ["False"], (False,)),
    ]
    for f_, args, values in pack_cases:
        packed = struct.pack(f_, *values)
        case("run", ["pack", f_, *args], stdout=packed.hex() + "\n")
        case("run", ["unpack", f_, packed.hex()], stdout=repr(struct.unpack(f_, packed)) + "\n")
    for f_, hexdata in [
        ("<hd?", "feff000000000000f83f01"),
        (">iHq", "80000000ffff" + "00" * 7 + "2a"),
        ("<5s", "6869000000"),
        ("<3p", "0541420000"[:6]),
        ("<d", "000000000000f87f"),
        ("<d", "0000000000000080"),
        ("<d", "0000000000000000"),
        ("<e", "0004"),
        ("<f", "cdcccc3d"),
        ("<Q", "ffffffffffffffff"),
        ("<h", "feff01000200"),
        ("2c", "27ff"),
        ("?", "01"),
    ]:
        values = struct.iter_unpack(f_, bytes.fromhex(hexdata))
        case("run", ["unpack", f_, hexdata], stdout="".join(repr(v) + "\n" for v in values))

    # --- the tour: each Python line it shows, with what Python prints ------------------------
    tour = [
        ("buf = bytearray(b'QUANTRIMANG'); mv = memoryview(buf)", None),
        ("mv[0]", "mv[0]"),
        ("mv[-1]", "mv[-1]"),
        ("bytes(mv[0:2])", "bytes(mv[0:2])"),
        ("mv[0:3].tolist()", "mv[0:3].tolist()"),
        ("mv[::-2].tobytes()", "mv[::-2].tobytes()"),
        ("mv[0] = ord('q')", None),
        ("mv[0] = ord('q'); buf", "buf"),
        ("m2 = mv[:10].cast('B', (2, 5))", None),
        ("m2.shape, m2.strides", "(m2.shape, m2.strides)"),
        ("m2.tolist()", "m2.tolist()"),
        ("m2[1, 2]", "m2[1, 2]"),
        ("a = np.asarray(m2)", None),
        ("a[:, ::2].tolist()", "a[:, ::2].tolist()"),
        ("a[:, ::2].strides", "a[:, ::2].strides"),
        ("a[::-1, 1].tolist()", "a[::-1, 1].tolist()"),
        ("v = np.arange(12.).reshape(3, 4)[::2, 1:]", None),
        ("v.tolist()", "v.tolist()"),
        ("v.strides", "v.strides"),
        ("float(v.sum())", "float(v.sum())"),
    ]
    env = {"np": np}
    for line, expr in tour:
        if expr is None:
            if ";" not in line or line.startswith("buf"):
                exec(line, env)
            continue
        cases.append("tour\t" + "python=" + esc(line) + "\tresult=" + esc(repr(eval(expr, env))))

    # --- files for the error paths ---------------------------------------------------------
    raw("empty.bin", b"")
    full = open(os.path.join(OUT, "i4_2d.npy"), "rb").read()
    raw("truncated_data.npy", full[:128 + 20])
    raw("truncated_header.npy", full[:40])
    raw("bad_header.npy", full[:10] + b"{'descr': '<i4', 'fortran_order': False, 'shape': (3, 4), ".ljust(117) + b"\n")
    np.save(os.path.join(OUT, "object.npy"), np.array([1, "a"], dtype=object), allow_pickle=True)

    with open(os.path.join(OUT, "cases.tsv"), "w", encoding="utf-8") as fh:
        fh.write("# Written by scripts/gen_cli_fixtures.py; do not edit. See that script for the format.\n")
        fh.write(f"# numpy {np.__version__}\n")
        for c in cases:
            fh.write(c + "\n")


if __name__ == "__main__":
    main()
