#!/usr/bin/env python3
r"""Write the NumPy-made record fixtures for tests/records.rs into tests/fixtures/records/.

For each structured dtype below (packed and aligned, nested, sub-arrays, big-endian, mixed byte
order, bool, float16, complex, padding, explicit offsets and item sizes):

* `<name>.npy`   - `np.save` of a 1-D structured array of a few records, values drawn from a
                   seeded generator (deterministic);
* one `fixture` line in `records.tsv`: the dtype's `descr`, NumPy's PEP 3118 export of it
  (`memoryview(a).format`), item size, record count, byte order of its multi-byte scalars
  (`little`, `big`, `mixed`, `none`), the top-level field offsets (`name:offset,...`), the
  Rust type of tests/records.rs that reads it, and whether that type's layout (offsets, kinds,
  sizes, item size) is the dtype's (`same_layout=1`: zero-copy where every multi-byte scalar
  is in the host's byte order; 0: only a converting read);
* one `item` line per record: its scalars in field order (sub-arrays in C order, nested
  records depth-first), each as Python's `repr` of the Python scalar (`int`, `float`, `bool`,
  `complex`), separated by spaces.

`records.tsv` uses the conventions of tests/fixtures/reader.rs: `#` comments, tab-separated
`key=value` fields, `\\`, `\t`, `\n`, `\r`, `\xHH` escapes.

Run from the repository root:  python3 scripts/gen_record_fixtures.py
Needs NumPy (1.2x or 2.x). The output is deterministic and committed.
"""

import os

import numpy as np

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "records")

INNER = np.dtype([("x", "<f4"), ("y", "<f4")], align=True)
INNER_PACKED = np.dtype([("x", "<f4"), ("y", "<f4")])
L1 = np.dtype([("c", "<i2"), ("d", "u1")], align=True)
L2 = np.dtype([("b", L1), ("e", "<f4")], align=True)

PARTICLE = [("id", "<u4"), ("pos", "<f8", (3,)), ("flag", "?")]
OUTER = [("tag", "u1"), ("inner", INNER), ("n", "<i8")]
OUTER_INNER_PACKED = [("tag", "u1"), ("inner", INNER_PACKED), ("n", "<i8")]


def be(fields):
    """The same fields, big-endian (recursively)."""
    return np.dtype(fields).newbyteorder(">")


# (name, dtype, Rust type, same_layout, note)
CASES = [
    ("particle_aligned", np.dtype(PARTICLE, align=True), "Particle", True,
     "align=True: repr(C), 4 bytes of padding after id and 7 at the end"),
    ("particle_packed", np.dtype(PARTICLE), "ParticlePacked", True,
     "NumPy's default, packed: repr(C, packed)"),
    ("particle_packed_as_c", np.dtype(PARTICLE), "Particle", False,
     "packed file read into the repr(C) type: a converting read"),
    ("particle_be", be(PARTICLE), "ParticlePacked", True,
     "big-endian, packed"),
    ("nested_aligned", np.dtype(OUTER, align=True), "Outer", True,
     "a nested record field"),
    ("nested_packed", np.dtype(OUTER), "OuterPacked", True,
     "a nested record field, packed"),
    ("nested_inner_packed", np.dtype(OUTER_INNER_PACKED, align=True), "OuterInnerPacked", True,
     "an aligned record holding a packed one (at offset 1)"),
    ("nested_be_aligned", be(np.dtype(OUTER, align=True)), "Outer", True,
     "big-endian with aligned offsets: only the byte order differs"),
    ("grid", np.dtype([("m", "<f4", (2, 3)), ("k", "<u2")], align=True), "Grid", True,
     "a 2-D sub-array"),
    ("cloud", np.dtype([("n", "<u4"), ("pts", INNER, (3,))], align=True), "Cloud", True,
     "a sub-array of records"),
    ("flags", np.dtype([("a", "?"), ("b", "?", (3,)), ("c", "u1")]), "Flags", True,
     "bools, one-byte fields only"),
    ("half", np.dtype([("h", "<f2"), ("v", "<f2", (2,)), ("i", "i1")], align=True), "Half", True,
     "float16"),
    ("cplx", np.dtype([("z", "<c16"), ("w", "<c8"), ("k", "<i4")], align=True), "Cplx", True,
     "complex128 and complex64"),
    ("cplx_be_packed", be([("z", "<c16"), ("w", "<c8"), ("k", "<i4")]), "CplxPacked", True,
     "complex, big-endian, packed"),
    ("ints", np.dtype([("g", "<i8"), ("h", "<u8"), ("e", "<i4"), ("f", "<u4"), ("c", "<i2"),
                       ("d", "<u2"), ("a", "i1"), ("b", "u1"), ("z", "u1", (2,))], align=True),
     "Ints", True, "every integer width, no padding (the last two bytes an explicit field)"),
    ("padded", np.dtype([("a", "u1"), ("b", "<f8"), ("c", "u1")], align=True), "Padded", True,
     "7 + 7 bytes of padding"),
    ("pair", np.dtype([("f0", "<u2"), ("f1", "<f4")], align=True), "Pair", True,
     "a tuple struct: NumPy's default names f0, f1"),
    ("sizes", np.dtype([("u", "<u8"), ("i", "<i8")]), "Sizes", True,
     "usize and isize (64-bit hosts)"),
    ("deep", np.dtype([("a", L2), ("f", "u1")], align=True), "Deep", True,
     "records nested three deep"),
    ("vec3a", np.dtype({"names": ["x", "y", "z"], "formats": ["<f4"] * 3,
                        "offsets": [0, 4, 8], "itemsize": 16}), "Vec3A", True,
     "explicit item size 16: repr(C, align(16))"),
    ("packed2", np.dtype({"names": ["a", "b", "c"], "formats": ["u1", "<u4", "<u2"],
                          "offsets": [0, 2, 6], "itemsize": 8}), "Packed2", True,
     "explicit offsets: repr(C, packed(2))"),
    ("mixed_order", np.dtype([("a", ">i4"), ("b", "<f8")]), "Mixed", True,
     "one big-endian and one little-endian field"),
    ("one", np.dtype([("v", "<f8")]), "One", True,
     "a single field"),
    ("tagged", np.dtype([("name", "u1", (16,)), ("val", "<f4")]), "Tagged", True,
     "a byte-array field"),
    ("cube", np.dtype([("c", "i1", (2, 2, 2)), ("s", "<i2")]), "Cube", True,
     "a 3-D sub-array"),
]

COUNT = 5


# The .tsv escaping of every fixture script (see tests/fixtures/reader.rs).
from gen_fixtures import esc  # noqa: E402


def fill(a, rng):
    """Fill every scalar of the structured (or plain) array `a` with random values."""
    dt = a.dtype
    if dt.names is not None:
        for name in dt.names:
            fill(a[name], rng)
        return
    base = dt.base if dt.subdtype is None else dt.subdtype[0]
    shape = a.shape
    kind = base.kind
    if kind == "b":
        v = rng.integers(0, 2, size=shape).astype(bool)
    elif kind in "iu":
        info = np.iinfo(base)
        v = rng.integers(info.min, info.max, size=shape, dtype=base.newbyteorder("="), endpoint=True)
    elif kind == "f":
        scale = 100.0 if base.itemsize == 2 else 1e6
        v = rng.standard_normal(size=shape) * scale
        v[rng.random(size=shape) < 0.2] = 0.0
    elif kind == "c":
        v = (rng.standard_normal(size=shape) + 1j * rng.standard_normal(size=shape)) * 1e3
    else:
        raise ValueError(f"unexpected kind {kind}")
    a[...] = v.astype(base)


def leaves(x, dt):
    """The scalars of one value of dtype `dt`, depth-first, as Python reprs."""
    if dt.names is not None:
        out = []
        for name in dt.names:
            fdt = dt.fields[name][0]
            out += leaves(x[name], fdt)
        return out
    if dt.subdtype is not None:
        base, _ = dt.subdtype
        out = []
        for e in np.asarray(x).reshape(-1):
            out += leaves(e, base)
        return out
    if dt.kind == "b":
        return [repr(bool(x))]
    if dt.kind in "iu":
        return [repr(int(x))]
    if dt.kind == "f":
        return [repr(float(x))]
    if dt.kind == "c":
        return [repr(complex(x))]
    raise ValueError(f"unexpected dtype {dt}")


def byte_orders(dt, acc):
    """Collect the byte orders of the multi-byte scalars of `dt` into `acc`."""
    if dt.names is not None:
        for name in dt.names:
            byte_orders(dt.fields[name][0], acc)
    elif dt.subdtype is not None:
        byte_orders(dt.subdtype[0], acc)
    elif dt.itemsize > 1:
        bo = dt.byteorder
        if bo == "=":
            bo = "<" if np.little_endian else ">"
        acc.add(bo)


def main():
    os.makedirs(OUT, exist_ok=True)
    lines = [
        "# Record fixtures written by scripts/gen_record_fixtures.py with NumPy "
        + np.__version__ + "; see that script for the format.",
    ]
    for seed, (name, dt, rust, same_layout, note) in enumerate(CASES):
        rng = np.random.default_rng(1000 + seed)
        a = np.zeros(COUNT, dtype=dt)
        fill(a, rng)
        np.save(os.path.join(OUT, name + ".npy"), a)
        orders = set()
        byte_orders(dt, orders)
        order = {frozenset(): "none", frozenset("<"): "little", frozenset(">"): "big"}.get(
            frozenset(orders), "mixed")
        offsets = ",".join(f"{n}:{dt.fields[n][1]}" for n in dt.names)
        lines.append("\t".join([
            "fixture",
            "name=" + esc(name),
            "descr=" + esc(repr(np.lib.format.dtype_to_descr(dt))),
            "format=" + esc(memoryview(a).format),
            f"itemsize={dt.itemsize}",
            f"count={COUNT}",
            "order=" + order,
            "offsets=" + esc(offsets),
            "rust=" + rust,
            f"same_layout={int(same_layout)}",
            "note=" + esc(note),
        ]))
        for i in range(COUNT):
            lines.append("\t".join([
                "item",
                "name=" + esc(name),
                f"index={i}",
                "values=" + esc(" ".join(leaves(a[i], dt))),
            ]))
    with open(os.path.join(OUT, "records.tsv"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
