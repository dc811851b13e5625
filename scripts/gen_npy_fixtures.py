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

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "ndarray")


def fmt_value(v):
    if isinstance(v, (bool, np.bool_)):
        return "1" if v else "0"
    if isinstance(v, (complex, np.complexfloating)):
        return f"{fmt_value(float(v.real))},{fmt_value(float(v.imag))}"
    if isinstance(v, (float, np.floating)):
        return repr(float(v))
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
