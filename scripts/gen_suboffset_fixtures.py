#!/usr/bin/env python3
"""Write tests/fixtures/suboffsets/pil.tsv: CPython's answers for PIL-style (suboffset) buffers.

Each case builds a `_testbuffer.ndarray(..., flags=ND_PIL)` (an array of pointers to rows, the
layout PEP 3118's suboffsets describe), reads its real memory layout through `PyObject_GetBuffer`
(ctypes) so that the Rust test can rebuild the same layout in Rust-owned memory, and records what
CPython reads from it: tolist, tobytes in every order, items, N-dimensional slices (shape, strides,
suboffsets and values after `_testbuffer.ndarray`'s slicing, which adjusts the nearest earlier
non-negative suboffset), slice assignment, comparison with a direct copy, and the memoryview
exporter's answer to every buffer request.

Run with any CPython 3.11+ that has `_testbuffer` (`python3 scripts/gen_suboffset_fixtures.py`).
Record format: as tests/fixtures/reader.rs describes (tab-separated `key=value` fields).
Lists of integers are comma-separated; byte strings are hex; reprs are Python's repr.

Record kinds:
  case    id, fmt, itemsize, values (repr of the flat list), shape, strides, suboffsets (the
          memoryview's), table (for each index of axis 0: the pointer stored in its slot, as a
          byte offset into `data`), data (hex of the pointed-to bytes), tolist, c, f, a
          (tobytes), items (`index:repr` for every element, `;`-separated)
  slice   case, key (subscript text), shape, strides, suboffsets, tolist, c
  assign  case, key, src_shape, src_values (repr of a flat list), tolist (after assignment)
  req     case, flags (decimal), result (`ok` or the error message)
"""

import ctypes
import itertools
import os
import struct
import sys

from _testbuffer import ND_PIL, ND_WRITABLE, ndarray

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "suboffsets", "pil.tsv")
PTR = ctypes.sizeof(ctypes.c_void_p)


class PyBuffer(ctypes.Structure):
    _fields_ = [
        ("buf", ctypes.c_void_p),
        ("obj", ctypes.c_void_p),
        ("len", ctypes.c_ssize_t),
        ("itemsize", ctypes.c_ssize_t),
        ("readonly", ctypes.c_int),
        ("ndim", ctypes.c_int),
        ("format", ctypes.c_char_p),
        ("shape", ctypes.POINTER(ctypes.c_ssize_t)),
        ("strides", ctypes.POINTER(ctypes.c_ssize_t)),
        ("suboffsets", ctypes.POINTER(ctypes.c_ssize_t)),
        ("internal", ctypes.c_void_p),
    ]


GET = ctypes.pythonapi.PyObject_GetBuffer
GET.argtypes = [ctypes.py_object, ctypes.POINTER(PyBuffer), ctypes.c_int]
RELEASE = ctypes.pythonapi.PyBuffer_Release
RELEASE.argtypes = [ctypes.POINTER(PyBuffer)]
FULL_RO = 0x11C

FLAGS = [0x0, 0x1, 0x4, 0x8, 0x18, 0x38, 0x58, 0x98, 0x118, 0x9, 0x19, 0x1C, 0x1D, 0x11C, 0x11D]


def esc(s):
    return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def ints(xs):
    return ",".join(str(x) for x in xs)


def record(out, kind, **fields):
    out.append(kind + "".join("\t%s=%s" % (k, esc(str(v))) for k, v in fields.items()))


def layout(nd):
    """The pointer table and pointed-to bytes of a PIL ndarray whose only suboffset is axis 0."""
    view = PyBuffer()
    if GET(nd, ctypes.byref(view), FULL_RO) != 0:
        raise RuntimeError("GetBuffer failed")
    try:
        ndim = view.ndim
        shape = [view.shape[k] for k in range(ndim)]
        strides = [view.strides[k] for k in range(ndim)]
        subs = [view.suboffsets[k] for k in range(ndim)]
        assert subs[0] >= 0 and all(s < 0 for s in subs[1:]), subs
        itemsize = view.itemsize
        rows = []
        for i in range(shape[0]):
            slot = view.buf + i * strides[0]
            rows.append(ctypes.c_void_p.from_address(slot).value + subs[0])
        lo_in = sum((n - 1) * s for n, s in zip(shape[1:], strides[1:]) if s < 0)
        hi_in = sum((n - 1) * s for n, s in zip(shape[1:], strides[1:]) if s > 0)
        lo = min(r + lo_in for r in rows)
        hi = max(r + hi_in for r in rows) + itemsize
        data = ctypes.string_at(lo, hi - lo)
        # The pointer stored in each slot, relative to `lo`.
        table = [r - subs[0] - lo for r in rows]
        return shape, strides, subs, table, data
    finally:
        RELEASE(ctypes.byref(view))


def element_reprs(nd, shape):
    m = memoryview(nd)
    out = []
    for idx in itertools.product(*[range(n) for n in shape]):
        try:
            v = m[idx] if idx else m[()]
        except (NotImplementedError, TypeError):
            v = nd.tolist()
            for i in idx:
                v = v[i]
        out.append("%s:%r" % (ints(idx), v))
    return ";".join(out)


def request(nd, flags):
    try:
        ndarray(memoryview(nd), getbuf=flags)
        return "ok"
    except Exception as e:  # noqa: BLE001 - the message is the oracle
        return str(e)


def tobytes(nd, order):
    return memoryview(nd).tobytes(order).hex()


CASES = [
    # (fmt, values, shape, strides, offset)
    ("B", list(range(12)), [3, 4], None, 0),
    ("B", list(range(12)), [3, 4], [-4, -1], 11),
    ("B", list(range(6)), [6], None, 0),
    ("B", list(range(6)), [3], [-2], 4),
    ("i", [i * 1000 - 5000 for i in range(24)], [2, 3, 4], None, 0),
    ("i", [i * 7 for i in range(24)], [4, 3, 2], [-24, 8, -4], 76),
    ("d", [i / 4 for i in range(12)], [4, 3], None, 0),
    ("h", list(range(-10, 14)), [2, 3, 4], [-24, -8, 2], 40),
    ("B", list(range(8)), [2, 4], [4, -1], 3),
    ("q", [2**40 + i for i in range(6)], [3, 2], None, 0),
]

SLICES = {
    2: ["1:", "::-1", ":, 1:", ":, ::-2", "1:, ::-2", "::-1, 1:3", "::2, ::3", "1:1", ":, 2:2",
        "-1:, -2:"],
    3: ["1:", ":, 1:", ":, :, ::-1", "::-1, 1:, ::2", ":, ::-2, 1:3", "-1:, -1:, -1:"],
    1: ["1:", "::-1", "1:5:2", "::-2", "2:2"],
}


def key_of(text):
    parts = []
    for p in text.split(","):
        a = [int(x) if x.strip() else None for x in p.split(":")]
        parts.append(slice(*a))
    return tuple(parts) if len(parts) > 1 else parts[0]


def main():
    out = [
        "# PIL-style (suboffset) buffers: CPython %s _testbuffer.ndarray(flags=ND_PIL) and its "
        "memoryview." % sys.version.split()[0],
        "# Generated by scripts/gen_suboffset_fixtures.py; do not edit. Format: see that script.",
    ]
    for cid, (fmt, values, shape, strides, offset) in enumerate(CASES):
        kw = {"shape": shape, "format": fmt, "flags": ND_PIL}
        if strides is not None:
            kw.update(strides=strides, offset=offset)
        nd = ndarray(values, **kw)
        m = memoryview(nd)
        sh, st, subs, table, data = layout(nd)
        assert list(m.suboffsets) == subs and list(m.strides) == st
        record(out, "case", id=cid, fmt=fmt, itemsize=m.itemsize, values=repr(values),
               shape=ints(sh), strides=ints(st), suboffsets=ints(subs), table=ints(table),
               data=data.hex(), tolist=repr(nd.tolist()), c=tobytes(nd, "C"),
               f=tobytes(nd, "F"), a=tobytes(nd, "A"), items=element_reprs(nd, sh),
               contig="%d%d" % (m.c_contiguous, m.f_contiguous))
        for text in SLICES[len(sh)]:
            s = nd[key_of(text)]
            ms = memoryview(s)
            record(out, "slice", case=cid, key=text, shape=ints(ms.shape),
                   strides=ints(ms.strides), suboffsets=ints(ms.suboffsets),
                   tolist=repr(s.tolist()), c=ms.tobytes("C").hex())
        for flags in FLAGS:
            record(out, "req", case=cid, flags=flags, result=request(nd, flags))
        # Assignment: a writable copy with the same layout, one slice assigned.
        for text in SLICES[len(sh)][:3]:
            kw2 = dict(kw)
            kw2["flags"] = ND_PIL | ND_WRITABLE
            w = ndarray(values, **kw2)
            target = w[key_of(text)]
            tshape = list(memoryview(target).shape)
            n = 1
            for x in tshape:
                n *= x
            src_values = [values[(i * 5 + 3) % len(values)] for i in range(n)]
            if n == 0:
                continue
            w[key_of(text)] = ndarray(src_values, shape=tshape, format=fmt)
            record(out, "assign", case=cid, key=text, src_shape=ints(tshape),
                   src_values=repr(src_values), tolist=repr(w.tolist()))
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    print("wrote", os.path.normpath(OUT), len(out) - 2, "records")


if __name__ == "__main__":
    main()
