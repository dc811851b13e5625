#!/usr/bin/env python3
"""Write the NumPy-produced fixtures for tests/ndarray_interop.rs into tests/fixtures/ndarray/.

Each case reproduces a failure of PyO3's `PyBuffer` or rust-numpy's `as_array` with bytes that
NumPy itself produced:

* `<name>.bin`  - the raw bytes of the base buffer the view points into;
* `<name>.txt`  - what NumPy's PEP 3118 export (`memoryview(view)`) says about the view: format,
                  shape, byte strides, byte offset of element [0,...,0] in the .bin, and the
                  expected values in C order (from `view.ravel()`; complex as `re,im`; bools as
                  0/1; NaN/inf spelled as Python prints them).

It also writes a few `.npy` files (for the `.npy` header parser and the example program).

Run from the repository root:  python3 scripts/gen_npy_fixtures.py
Needs NumPy (any 1.2x or 2.x). The output is deterministic and committed.
"""

import os
import warnings

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "ndarray")


def fmt_value(v):
    if isinstance(v, (bool, np.bool_)):
        return "1" if v else "0"
    if isinstance(v, (complex, np.complexfloating)):
        return f"{fmt_value(float(v.real))},{fmt_value(float(v.imag))}"
    if isinstance(v, (float, np.floating)):
        with np.errstate(over="ignore"):
            return repr(float(v))
    if isinstance(v, str):
        return v
    return str(int(v))


def write_case(name, base, view, note, values_of=None):
    """`base` is a 1-D uint8 array owning the bytes; `view` is a NumPy array into it. The
    expected values are those of `view` (or of `values_of`, e.g. one field of a record view)."""
    assert base.dtype == np.uint8 and base.ndim == 1
    m = memoryview(view)
    offset = view.__array_interface__["data"][0] - base.__array_interface__["data"][0]
    assert 0 <= offset <= base.nbytes
    shown = view if values_of is None else values_of
    values = [fmt_value(v) for v in shown.ravel(order="C")]
    with open(os.path.join(OUT, name + ".bin"), "wb") as f:
        f.write(base.tobytes())
    with open(os.path.join(OUT, name + ".txt"), "w") as f:
        f.write(f"# {note}\n")
        f.write(f"dtype: {view.dtype.str}\n")
        f.write(f"format: {m.format}\n")
        f.write(f"itemsize: {m.itemsize}\n")
        f.write("shape: " + " ".join(str(n) for n in m.shape) + "\n")
        f.write("strides: " + " ".join(str(s) for s in m.strides) + "\n")
        f.write(f"offset: {offset}\n")
        f.write("values: " + " ".join(values) + "\n")


def owned_bytes(nbytes):
    return np.zeros(nbytes, dtype=np.uint8)


def as_dtype(base, dtype, count, offset=0):
    return np.ndarray(shape=(count,), dtype=dtype, buffer=base.data, offset=offset)


def main():
    os.makedirs(OUT, exist_ok=True)

    # 1. Big-endian floats (PyO3 accepts `>f` on little-endian hosts and returns garbage).
    base = owned_bytes(16)
    a = as_dtype(base, ">f4", 4)
    a[:] = [1.5, 2.5, -3.25, 1e10]
    write_case("be_f4", base, a, "big-endian float32; PyO3 PyBuffer<f32> reads garbage")

    base = owned_bytes(48)
    a = as_dtype(base, ">f8", 6).reshape(2, 3)
    a[:] = [[0.1, -2.0, np.inf], [3.5, np.nan, 1e-300]]
    write_case("be_f8_2d", base, a, "big-endian float64, 2x3")

    # 2. A complex64 field of a packed struct: byte stride 12 (rust-numpy truncates to 1).
    dt = np.dtype([("a", "<f4"), ("b", "<c8")])
    assert dt.itemsize == 12 and not dt.isalignedstruct
    base = owned_bytes(4 * dt.itemsize)
    rec = np.ndarray(shape=(4,), dtype=dt, buffer=base.data)
    rec["a"] = [10, 20, 30, 40]
    rec["b"] = [1 + 1j, 2 + 2j, 3 + 3j, 4 + 4j]
    write_case("packed_c8_field", base, rec["b"], "complex64 field b of packed {a:<f4, b:<c8}, stride 12")
    write_case("packed_c8_records", base, rec, "the whole packed record array; values of field b", rec["b"])

    # 3. A misaligned float64 field: packed {a:u1, b:<f8}, b at offset 1, stride 9.
    dt = np.dtype([("a", "u1"), ("b", "<f8")])
    base = owned_bytes(3 * dt.itemsize)
    rec = np.ndarray(shape=(3,), dtype=dt, buffer=base.data)
    rec["a"] = [7, 8, 9]
    rec["b"] = [1.25, -2.5, 1e100]
    write_case("misaligned_f8_field", base, rec["b"], "float64 field at offset 1, stride 9")

    # 3b. Misaligned but evenly strided: {a:u1, b:<f8, pad:V7}, b at offset 1, stride 16.
    dt = np.dtype([("a", "u1"), ("b", "<f8"), ("pad", "V7")])
    assert dt.itemsize == 16
    base = owned_bytes(3 * dt.itemsize)
    rec = np.ndarray(shape=(3,), dtype=dt, buffer=base.data)
    rec["b"] = [0.5, 1.5, 2.5]
    write_case("misaligned_f8_stride16", base, rec["b"], "float64 field at offset 1, stride 16")

    # 4. Reversed and transposed arrays.
    base = owned_bytes(80)
    a = as_dtype(base, "<f8", 10)
    a[:] = np.arange(10) * 1.5
    write_case("reversed_f8", base, a[::-1], "arange(10)*1.5 reversed: stride -8")
    write_case("reversed_step_f8", base, a[::-3], "every third element, reversed: stride -24")

    base = owned_bytes(96)
    a = as_dtype(base, "<f8", 12).reshape(3, 4)
    a[:] = np.arange(12).reshape(3, 4) + 0.5
    write_case("transposed_f8", base, a.T, "3x4 transposed: strides (8, 32)")
    write_case("transposed_reversed_f8", base, a.T[::-1, ::-1], "3x4 transposed, both axes reversed")

    base = owned_bytes(24)
    a = as_dtype(base, "<i4", 6).reshape(2, 3)
    a[:] = [[1, -2, 300], [40000, -5, 2**31 - 1]]
    write_case("i4_2d", base, a, "int32 2x3 (for numeric conversion)")

    # 5. float16 and bool arrays.
    base = owned_bytes(12)
    a = as_dtype(base, "<f2", 6)
    a[:] = [0.5, -2.0, 65504.0, 6.1e-05, np.inf, 1.0 / 3.0]
    write_case("f2", base, a, "float16")

    base = owned_bytes(8)
    a = as_dtype(base, ">f2", 4)
    a[:] = [1.0, -0.25, 1000.0, 0.0]
    write_case("be_f2", base, a, "big-endian float16")

    base = owned_bytes(5)
    a = as_dtype(base, "?", 5)
    a[:] = [True, False, True, True, False]
    write_case("bool", base, a, "bool")

    # A bool field of a packed struct (stride 3; the gaps hold int16 data).
    dt = np.dtype([("flag", "?"), ("n", "<i2")])
    base = owned_bytes(4 * dt.itemsize)
    rec = np.ndarray(shape=(4,), dtype=dt, buffer=base.data)
    rec["flag"] = [True, False, False, True]
    rec["n"] = [1000, -1, 7, 2]
    write_case("bool_field", base, rec["flag"], "bool field with int16 data in the gaps")

    # 6. Zero-length and 0-d.
    base = owned_bytes(8)
    a = as_dtype(base, "<f8", 1).reshape(())
    a[()] = 42.0
    write_case("scalar_f8", base, a, "0-d float64")

    # 6b. C long double ('g') and complex long double ('Zg'): NumPy's x87 80-bit extended
    # values in 16-byte slots on x86-64 (the tests that read these run only there). Values are
    # float(v): NumPy's nearest-double rounding, which to_array::<f64>() must reproduce.
    # NumPy copies all 16 bytes of each value from a temporary, so bytes 10..16 (unused by
    # x87) would be whatever was in memory: they are set here to keep the output deterministic
    # (0x5a in the first case, to show they are ignored; 0 elsewhere).
    if np.dtype(np.longdouble).itemsize == 16 and np.finfo(np.longdouble).nmant == 63:
        ld = np.longdouble

        def pad(base, byte=0):
            base.reshape(-1, 16)[:, 10:] = byte
        base = owned_bytes(8 * 16)
        a = as_dtype(base, np.longdouble, 8).reshape(2, 4)
        a[:] = np.array([ld("0.1"), ld(1) / ld(3), ld("-2.5"), ld("1e300"),
                         ld("1e-320"), ld("inf"), ld("nan"), ld("-0.0")]).reshape(2, 4)
        pad(base, 0x5A)
        write_case("longdouble", base, a.T, "x87 long double 2x4, transposed: strides (16, 64)")

        base = owned_bytes(4 * 16)
        a = as_dtype(base, np.longdouble, 4)
        with warnings.catch_warnings():  # NumPy warns although 1e4000 is finite in x87
            warnings.simplefilter("ignore", RuntimeWarning)
            a[:] = [ld("1.5"), ld("1e4000"), ld("-1e-5000"), ld("-1e4000")]
        assert np.isfinite(a).all()
        pad(base)
        write_case("longdouble_huge", base, a, "finite long doubles beyond f64's range at [1], [3]; "
                   "values as float() gives them (inf, with NumPy's overflow)")

        base = owned_bytes(4 * 16)
        a = as_dtype(base, np.longdouble, 4)
        a[:] = [ld(2**63 - 1), ld(-(2**63)), ld(12345), ld(-7)]
        pad(base)
        write_case("longdouble_ints", base, a, "integers exact in x87 but not in f64 (2**63-1)",
                   np.array([int(v) for v in a], dtype=object))

        base = owned_bytes(3 * 16)
        a = as_dtype(base, np.longdouble, 3)
        a[:] = [ld(2**64 - 1), ld(2) + ld(2) ** -60, ld(2) ** 70]
        pad(base)
        write_case("longdouble_wide_ints", base, a, "u64::MAX exactly; 2 + 2**-60 (f64 rounds it to 2.0); 2**70",
                   np.array([int(a[0]), "2+2**-60", int(a[2])], dtype=object))

        base = owned_bytes(3 * 32)
        c = as_dtype(base, np.clongdouble, 3)
        c[:] = [ld("0.1") + 1j * (ld(1) / ld(3)), ld("-2.5") - 1j * ld("1e300"), ld("inf") + 0j]
        pad(base)
        write_case("clongdouble", base, c[::-1], "complex long double reversed: stride -32")

        # Big-endian: NumPy will not export '>g' through the buffer protocol, so the format is
        # written here; the bytes are NumPy's byte-swapped 16-byte long doubles.
        a = np.array([ld("1.5"), ld("-0.1"), ld("1e-300")], dtype=np.dtype(np.longdouble).newbyteorder(">"))
        base = np.frombuffer(a.tobytes(), dtype=np.uint8).copy()
        base.reshape(-1, 16)[:, :6] = 0  # the padding, first in big-endian order
        assert (base.view(a.dtype) == a).all()
        with open(os.path.join(OUT, "be_longdouble.bin"), "wb") as f:
            f.write(base.tobytes())
        with open(os.path.join(OUT, "be_longdouble.txt"), "w") as f:
            f.write("# big-endian x87 long double (NumPy byte-swaps all 16 bytes)\n")
            f.write(f"dtype: {a.dtype.str}\nformat: >g\nitemsize: 16\nshape: 3\nstrides: 16\noffset: 0\n")
            f.write("values: " + " ".join(fmt_value(v) for v in a) + "\n")

    # 7. .npy files.
    np.save(os.path.join(OUT, "c_f8.npy"), (np.arange(12, dtype="<f8").reshape(3, 4) - 5.5) / 2)
    np.save(os.path.join(OUT, "fortran_i4.npy"), np.asfortranarray(np.arange(6, dtype="<i4").reshape(2, 3)))
    np.save(os.path.join(OUT, "be_f4.npy"), np.array([1.5, 2.5, -3.25], dtype=">f4"))
    rec = np.zeros(3, dtype=[("a", "<f4"), ("b", "<c8"), ("m", "<i2", (2,))])
    rec["a"] = [1, 2, 3]
    rec["b"] = [1 + 1j, 2 - 2j, -3 + 0.5j]
    rec["m"] = [[1, 2], [3, 4], [5, 6]]
    np.save(os.path.join(OUT, "packed_records.npy"), rec)
    aligned = np.zeros(2, dtype=np.dtype([("a", "u1"), ("b", "<f8")], align=True))
    aligned["a"] = [1, 2]
    aligned["b"] = [0.25, 0.75]
    np.save(os.path.join(OUT, "aligned_records.npy"), aligned)
    np.save(os.path.join(OUT, "empty_f8.npy"), np.zeros((0, 3), dtype="<f8"))
    np.save(os.path.join(OUT, "bool.npy"), np.array([[True, False], [False, True]]))


if __name__ == "__main__":
    main()
