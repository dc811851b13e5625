#!/usr/bin/env python3
"""Write the NumPy-produced fixtures for memview's `.npy` writer (tests/npy_write.rs) into
tests/fixtures/npy_write/.

Every `.npy` file here was written by `np.save`; `cases.tsv` says how memview should make the
same array, and the test checks that `memview::npy::write` produces the very same bytes
(header text, padding, version and data). One case per line, tab-separated:

* `resave  FILE`                 memview reads FILE (`npy::view`) and writes it again.
* `select  BASE  OP  EXPECTED`   memview reads BASE, applies OP and writes; EXPECTED is
                                 `np.save(base[OP])`. OP is a NumPy basic-indexing selection
                                 (`1:, ::2`), `T` (transpose), or `T|SEL` (transpose, then SEL).
* `format  FMT  SHAPE  ITEMSIZE  DATA  EXPECTED`
                                 memview views the bytes of DATA (a `.bin` file) with the PEP 3118
                                 format FMT, laid out in NumPy's dialect, and SHAPE (comma-separated);
                                 EXPECTED is `np.save` of the array NumPy's own importer makes of the
                                 same bytes and format (`np.ndarray(shape, dtype_from_pep3118(FMT),
                                 buffer)`); ITEMSIZE is that dtype's item size.
* `npz  FILE  NAMES`             an archive from `np.savez` / `np.savez_compressed`; NAMES are its
                                 array names, comma-separated, each also saved alone as `NAME.npy`
                                 next to the archive's name (`FILE` without `.npz`, then `-NAME.npy`).

Run from the repository root:  python3 scripts/gen_npy_write_fixtures.py
Needs NumPy 2.x. The output is deterministic (but for the .npz archives' zip timestamps) and
committed.
"""

import os
import warnings
import shutil

import numpy as np
from numpy._core._internal import _dtype_from_pep3118

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "npy_write")
RNG = np.random.default_rng(20240516)

lines = []


def save(name, arr):
    np.save(os.path.join(OUT, name), arr)
    return name


def fill(arr):
    """Deterministic values of every field (padding bytes stay zero)."""
    dt = arr.dtype
    if dt.names is not None:
        for name in dt.names:
            fill(arr[name])
        return
    if dt.subdtype is not None:  # only reached through fields, which expand sub-arrays
        raise AssertionError(dt)
    n = arr.size
    k = dt.kind
    if k == "b":
        vals = RNG.integers(0, 2, n).astype(bool)
    elif k in "iu":
        info = np.iinfo(dt)
        vals = RNG.integers(info.min, info.max, n, endpoint=True, dtype=dt.newbyteorder("="))
    elif k == "f":
        vals = (RNG.standard_normal(n) * 1000).round(3)
    elif k == "c":
        vals = (RNG.standard_normal(n) + 1j * RNG.standard_normal(n)).round(4)
    elif k == "S":
        vals = [bytes(RNG.integers(97, 123, RNG.integers(0, dt.itemsize + 1))) for _ in range(n)]
    elif k == "U":
        chars = "abcdéπ∑😀"
        vals = ["".join(RNG.choice(list(chars), RNG.integers(0, dt.itemsize // 4 + 1))) for _ in range(n)]
    elif k == "V":
        return  # a named padding field: zeros
    else:
        raise AssertionError(dt)
    arr[...] = np.array(vals, dtype=object).reshape(arr.shape) if k in "SU" else np.asarray(vals).reshape(arr.shape)


def filled(shape, dtype):
    a = np.zeros(shape, dtype)
    fill(a)
    return a


def resave(name, arr):
    lines.append(["resave", save(name, arr)])


def main():
    # np.save warns when it needs format 2.0 or 3.0; those files are wanted here.
    warnings.simplefilter("ignore", UserWarning)
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)

    # 1. Every scalar dtype, both byte orders, 2x3.
    scalars = ["|b1", "|i1", "|u1", "<i2", ">i2", "<u2", ">u2", "<i4", ">i4", "<u4", ">u4",
               "<i8", ">i8", "<u8", ">u8", "<f2", ">f2", "<f4", ">f4", "<f8", ">f8",
               "<c8", ">c8", "<c16", ">c16", "|S5", "<U3", ">U3"]
    if np.dtype(np.longdouble).itemsize == 16:
        scalars += ["<f16", ">f16", "<c32", ">c32"]
    for s in scalars:
        name = "s_" + s.replace("<", "le").replace(">", "be").replace("|", "") + ".npy"
        resave(name, filled((2, 3), s))

    # 2. Shapes and orders.
    resave("zero_d.npy", np.array(2.5, "<f8"))
    resave("empty.npy", np.zeros((0, 3), "<f8"))
    resave("empty_1d.npy", np.zeros((0,), "<i2"))
    resave("one.npy", np.array([7], "<u4"))
    resave("long_1d.npy", np.arange(10000, dtype="|u1"))
    resave("wide_dims.npy", np.zeros((1, 12345678901, 0), "<f4"))
    resave("fortran_2d.npy", np.asfortranarray(filled((3, 4), "<f8")))
    resave("fortran_3d.npy", np.asfortranarray(filled((2, 3, 4), ">i2")))
    resave("fortran_growth.npy", np.asfortranarray(filled((3, 1000), "<i1")))

    # 3. Structured dtypes.
    resave("packed.npy", filled(3, [("a", "<f4"), ("b", "<c8"), ("m", "<i2", (2,))]))
    resave("aligned.npy", filled(4, np.dtype([("a", "u1"), ("b", "<f8"), ("c", "<i2")], align=True)))
    resave("nested.npy", filled(2, np.dtype(
        [("x", "u1"), ("s", [("p", "<i2"), ("q", "<f4")], (2,)), ("m", "<f8", (2, 3))], align=True)))
    resave("big_endian_fields.npy", filled(3, [("a", ">i4"), ("b", ">f8"), ("c", "<u2"), ("d", ">c8")]))
    resave("offsets.npy", filled(2, np.dtype(
        {"names": ["a", "b"], "formats": ["<i4", ">f8"], "offsets": [4, 12], "itemsize": 32})))
    resave("strings_bools.npy", filled(3, [("flag", "?"), ("tag", "S4"), ("name", "<U5"), ("n", "<i8")]))
    resave("subarray_struct.npy", filled(2, [("pts", [("x", "<f4"), ("y", "<f4")], (3,)), ("id", "<u2")]))
    resave("zero_subarray.npy", filled(2, [("z", "<i4", (0,)), ("a", "<i4")]))
    resave("latin1_name.npy", filled(2, [("é", "<i4"), ("ü b", "<f4")]))
    resave("quote_names.npy", filled(2, [("it's", "<i4"), ('say "hi"', "<i2"), ("back\\slash", "u1")]))
    resave("utf8_name.npy", filled(2, [("ā", "<i4"), ("π", "<f8")]))  # version 3.0
    resave("fortran_struct.npy", np.asfortranarray(filled((2, 3), [("a", "<i2"), ("b", ">f4")])))
    many = [(f"field_{i:05d}", "<i2") for i in range(3000)]
    resave("many_fields.npy", filled(1, many))  # version 2.0: the header exceeds 64 KiB

    # 4. Selections and transposes of saved arrays.
    base_i = save("base_i4.npy", np.arange(20, dtype="<i4").reshape(4, 5))
    base_be = save("base_be_f8.npy", filled((6, 4), ">f8"))
    base_rec = save("base_records.npy", filled(5, [("a", "<i2"), ("b", "<f8"), ("c", "S3")]))
    base_3d = save("base_3d_u2.npy", filled((3, 4, 5), "<u2"))
    base_f = save("base_fortran.npy", np.asfortranarray(filled((4, 3), "<f4")))
    selections = [
        (base_i, "1:, ::2"), (base_i, "::-1"), (base_i, "..., 1"), (base_i, "::2, ::-3"),
        (base_i, "None, 1:3"), (base_i, "2"), (base_i, "1, 3"), (base_i, "T"), (base_i, "T|1:3"),
        (base_i, "T|::-1"), (base_i, ":, :0"),
        (base_be, "::2"), (base_be, "T"), (base_be, "1:5, 1:3"),
        (base_rec, "::2"), (base_rec, "::-1"),
        (base_3d, "T"), (base_3d, "::2, :, 1:4"), (base_3d, "T|1"),
        (base_f, ""), (base_f, "::2"), (base_f, "T"), (base_f, ":, 1"),
    ]
    for k, (base, op) in enumerate(selections):
        arr = np.load(os.path.join(OUT, base))
        if op == "T" or op.startswith("T|"):
            arr = arr.T
            sel = op[2:]
        else:
            sel = op
        if sel:
            arr = eval(f"arr[{sel}]")
        expected = save(f"sel_{k:02d}.npy", arr)
        lines.append(["select", base, op, expected])

    # 5. PEP 3118 formats, as NumPy's importer reads them.
    formats = [
        ("<hd?", (3,)), ("T{<i:x:<d:y:}", (2, 2)), ("<i:a:<d:b:", (3,)), ("T{i}", (2,)),
        ("ii:f0:", (2,)), ("T{ii}", (2,)), ("2i", (3,)), ("4c", (2,)), ("(2,3)<d", (2,)),
        ("3s", (4,)), ("<2w", (2,)), ("bT{bi}", (2,)), ("T{ib}b", (2,)), ("<bd", (3,)),
        ("<i4x<d", (2,)), ("T{b:a:3x<i:b:}", (3,)), ("2ih", (2,)), ("i:a:", (2,)),
        ("T{(2)T{<h:p:b:q:}:s:<d:t:}", (2,)), ("c", (5,)), ("?", (4,)), (">Zd", (2,)),
        ("Zf", (3,)), ("e", (2, 2)), ("=q", (2,)), ("@l", (2,)), ("(2,2)<f:m:", (2,)),
        ("i::", (2,)),
    ]
    if np.dtype(np.longdouble).itemsize == 16:
        formats += [("g", (2,)), ("Zg", (2,)), ("bg", (2,))]
    for k, (fmt, shape) in enumerate(formats):
        dt = _dtype_from_pep3118(fmt)
        arr = np.zeros(shape, dt)
        fill(arr)
        data = arr.tobytes()
        name = f"fmt_{k:02d}"
        with open(os.path.join(OUT, name + ".bin"), "wb") as f:
            f.write(data)
        view = np.ndarray(shape, dt, buffer=data)
        expected = save(name + ".npy", view)
        lines.append(["format", fmt, ",".join(map(str, shape)), str(dt.itemsize), name + ".bin", expected])

    # 6. .npz archives (each array also saved alone).
    arrays = {
        "arr_0": np.arange(12, dtype="<f8").reshape(3, 4) / 4,
        "arr_1": np.asfortranarray(filled((2, 3), ">i2")),
        "rec": filled(3, [("a", "<i4"), ("b", "<c8"), ("m", "<i2", (2,))]),
        "text": np.array(["ab", "cdé"], "<U3"),
    }
    for archive, saver in [("savez.npz", np.savez), ("savez_compressed.npz", np.savez_compressed)]:
        pos = [arrays["arr_0"], arrays["arr_1"]]
        saver(os.path.join(OUT, archive), *pos, rec=arrays["rec"], text=arrays["text"])
        for key, a in arrays.items():
            save(archive[:-4] + "-" + key + ".npy", a)
        # Archive order: np.savez puts the keyword arrays first.
        lines.append(["npz", archive, ",".join(np.load(os.path.join(OUT, archive)).files)])

    with open(os.path.join(OUT, "cases.tsv"), "w", encoding="utf-8") as f:
        f.write(f"# written by scripts/gen_npy_write_fixtures.py with NumPy {np.__version__}\n")
        for line in lines:
            assert all("\t" not in x and "\n" not in x for x in line)
            f.write("\t".join(line) + "\n")


if __name__ == "__main__":
    main()
