#!/usr/bin/env python3
"""Generate the conformance fixtures in tests/fixtures/ from CPython and NumPy.

Run from anywhere:

    python3 scripts/gen_fixtures.py

`python3` must have NumPy (it is the NumPy oracle and runs ctypes/_testbuffer for its own
version). The `struct` messages must come from CPython 3.12+ (3.11 words range errors
differently), so the script re-executes itself under a 3.12+ interpreter for every `struct`,
`memoryview` and `_testbuffer` question (`--worker` mode, JSON over stdin/stdout). That
interpreter is `$MEMVIEW_ORACLE_PYTHON`, else `python3.13` or `python3.12` on the PATH, else
the newest 3.12+ build that pyenv has, else `python3` itself if it is 3.12+.

Output is deterministic: every random choice comes from `random.Random(<fixed seed or
string>)`, and no output depends on addresses or dict order of the running process.

File format (all files in tests/fixtures/*.tsv), read by tests/fixtures/reader.rs:
  * UTF-8 text, one record per line; lines starting with '#' and blank lines are ignored.
  * A record is tab-separated: the first field is the record kind, every further field is
    `key=value`.
  * Every value is escaped: backslash -> `\\\\`, TAB -> `\\t`, LF -> `\\n`, CR -> `\\r`, every
    other ASCII control character (and DEL) -> `\\xHH`; everything else is literal UTF-8.
    So a value never contains a raw tab or newline, and unescaping is one pass.
  * Each file's header comment documents its record kinds and keys.
"""

import glob
import json
import math
import os
import random
import shutil
import struct
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "tests", "fixtures")
SEED = 3118

# ----------------------------------------------------------------------------------------
# helpers shared by both modes


def esc(s):
    """Escape one value for the .tsv files (see the module docstring)."""
    out = []
    for ch in str(s):
        o = ord(ch)
        if ch == "\\":
            out.append("\\\\")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif o < 0x20 or o == 0x7F:
            out.append("\\x%02x" % o)
        else:
            out.append(ch)
    return "".join(out)


def exc_text(e):
    """`ExcType: message`, as the fixtures record errors."""
    return "%s: %s" % (type(e).__name__, e)


def ctypes_exports():
    """What ctypes exports for a collection of types: (description, format, itemsize, shape)."""
    import ctypes as C

    out = []

    def add(desc, obj):
        try:
            m = memoryview(obj)
        except Exception as e:  # pragma: no cover - depends on the version
            out.append((desc, None, None, None, exc_text(e)))
            return
        out.append((desc, m.format, m.itemsize, list(m.shape), None))

    scalars = [
        "c_bool", "c_char", "c_wchar", "c_byte", "c_ubyte", "c_short", "c_ushort", "c_int",
        "c_uint", "c_long", "c_ulong", "c_longlong", "c_ulonglong", "c_size_t", "c_ssize_t",
        "c_float", "c_double", "c_longdouble", "c_char_p", "c_wchar_p", "c_void_p",
        "py_object", "c_int8", "c_int16", "c_int32", "c_int64", "c_uint8", "c_uint16",
        "c_uint32", "c_uint64",
    ]
    for name in scalars:
        t = getattr(C, name)
        add(name, t())
        add(name + "*3", (t * 3)())
        if name in ("c_int", "c_double", "c_char"):
            add("(%s*2)*3" % name, ((t * 2) * 3)())
    add("POINTER(c_int)", C.pointer(C.c_int(1)))
    add("POINTER(c_double)*2", (C.POINTER(C.c_double) * 2)())
    add("CFUNCTYPE(c_int)", C.CFUNCTYPE(C.c_int)(lambda: 0))

    def struct_type(name, fields, base=C.Structure, pack=None):
        ns = {"_fields_": fields}
        if pack is not None:
            ns = {"_pack_": pack, "_fields_": fields}
            if sys.version_info >= (3, 13):
                ns["_layout_"] = "ms"
        return type(name, (base,), ns)

    P = struct_type("P", [("x", C.c_int), ("y", C.c_double)])
    Q = struct_type("Q", [("p", P), ("a", C.c_short * 3), ("m", (C.c_char * 2) * 2)])
    BE = struct_type("BE", [("x", C.c_longlong), ("y", C.c_ushort)], C.BigEndianStructure)
    LE = struct_type("LE", [("x", C.c_int), ("y", C.c_double)], C.LittleEndianStructure)
    PT = struct_type("PT", [("p", C.POINTER(C.c_int)), ("s", C.c_char_p),
                            ("v", C.c_void_p), ("o", C.py_object)])
    BI = struct_type("BI", [("a", C.c_ubyte), ("b", C.c_uint)])
    PK = struct_type("PK", [("c", C.c_char), ("i", C.c_int)], pack=1)
    PK2 = struct_type("PK2", [("a", C.c_short), ("b", C.c_double), ("c", C.c_char)], pack=2)
    U = type("U", (C.Union,), {"_fields_": [("i", C.c_int), ("d", C.c_double)]})
    BF = struct_type("BF", [("a", C.c_int, 3), ("b", C.c_int, 5), ("c", C.c_short)])
    MIX = struct_type("MIX", [("b", C.c_bool), ("f", C.c_float), ("l", C.c_long),
                              ("h", C.c_short), ("g", C.c_longdouble)])
    WC = struct_type("WC", [("w", C.c_wchar), ("s", C.c_wchar * 3), ("c", C.c_char)])
    NEST3 = struct_type("NEST3", [("q", Q), ("z", C.c_byte), ("pp", P * 2)])
    EMPTY = struct_type("EMPTY", [])
    for name, t in [("P", P), ("Q", Q), ("BE", BE), ("LE", LE), ("PT", PT), ("BI", BI),
                    ("PK", PK), ("PK2", PK2), ("U", U), ("BF", BF), ("MIX", MIX), ("WC", WC),
                    ("NEST3", NEST3), ("EMPTY", EMPTY)]:
        add("struct " + name, t())
        add("struct %s*2" % name, (t * 2)())
    return out


# ----------------------------------------------------------------------------------------
# worker mode: runs under CPython 3.12+ and answers `struct` questions


def struct_items(fmt):
    """Split a struct-valid format into (prefix, [(count, code)]) (whitespace skipped)."""
    prefix = "@"
    i = 0
    if fmt[:1] in "@=<>!" and fmt:
        prefix = fmt[0]
        i = 1
    items = []
    while i < len(fmt):
        ch = fmt[i]
        if ch.isspace():
            i += 1
            continue
        j = i
        while fmt[j].isdigit():
            j += 1
        count = int(fmt[i:j]) if j > i else 1
        items.append((count, fmt[j]))
        i = j + 1
    return prefix, items


INT_CODES = "bBhHiIlLqQnNP"


def int_range(prefix, code):
    size = struct.calcsize((prefix if prefix != "@" else "") + code)
    if code in "bhilqn":
        return -(1 << (8 * size - 1)), (1 << (8 * size - 1)) - 1
    if code == "P":
        return -(1 << 63), (1 << 64) - 1  # PyLong_AsVoidPtr takes both signs
    return 0, (1 << (8 * size)) - 1


def sample_value(rng, prefix, code, count):
    """One valid argument for one item."""
    if code in INT_CODES:
        lo, hi = int_range(prefix, code)
        r = rng.random()
        if r < 0.15:
            return lo
        if r < 0.3:
            return hi
        if r < 0.4:
            return rng.choice([0, 1, -1 if lo < 0 else 2, True, False])
        if r < 0.7:
            return rng.randint(max(lo, -300), min(hi, 300))
        return rng.randint(lo, hi)
    if code == "?":
        return rng.choice([True, False, 0, 1, 5, -3])
    if code == "c":
        return bytes([rng.randrange(256)])
    if code in "sp":
        n = rng.choice([0, count - 1, count, count + 3, rng.randrange(count + 2)])
        return bytes(rng.randrange(256) for _ in range(max(n, 0)))
    if code in "efd":
        specials = [0.0, -0.0, 1.0, -2.5, float("inf"), float("-inf"), float("nan"), 1e16,
                    0.1, 1 / 3, 123456789.0, 5e-324, 2.2250738585072014e-308]
        if code == "e":
            specials += [65504.0, -65504.0, 65519.0, 2049.0, 2051.0, 5.96e-8, 3.0e-8, 2.9e-8,
                         6.1e-5, 0.333]
        if code == "f":
            specials += [3.4028234663852886e38, -3.4028234663852886e38, 1.4e-45, 16777217.0,
                         0.7]
        if code == "d":
            specials += [1.7976931348623157e308, 1e300, -1e-300]
        r = rng.random()
        if r < 0.5:
            v = rng.choice(specials)
            if code != "d" and abs(v) > 1e39 and not math.isinf(v):
                v = 1.5
            if code == "e" and abs(v) > 65519 and not math.isinf(v):
                v = 2.0
            return v
        if r < 0.6:
            return rng.randint(-1000, 1000)  # ints are accepted by float codes
        e = {"e": 4, "f": 30, "d": 300}[code]
        return rng.uniform(-1, 1) * 10 ** rng.randint(-e, e)
    raise ValueError(code)


def sample_args(rng, fmt):
    prefix, items = struct_items(fmt)
    args = []
    for count, code in items:
        if code == "x":
            continue
        if code in "sp":
            args.append(sample_value(rng, prefix, code, count))
        else:
            for _ in range(count):
                args.append(sample_value(rng, prefix, code, count))
    return args


def bad_values(prefix, code):
    """Arguments that make pack fail (or that sit at a boundary) for one code."""
    out = []
    if code in INT_CODES:
        lo, hi = int_range(prefix, code)
        out += [lo - 1, hi + 1, lo, hi, 1.0, "1", b"1", 2 ** 100 if code != "Q" else 2 ** 64]
        if lo == 0:
            out.append(-1)
    elif code in "efd":
        out += ["1.0", b"\x00", True]
        if code == "e":
            out += [65520.0, -65520.0, 65519.99, 1e10, 1e300]
        if code == "f":
            out += [3.5e38, -1e300, 3.4028235e38, 3.4028235677973366e38, 1e39]
        if code == "d":
            out += [2 ** 70]
    elif code == "?":
        out += ["", "x", b"", 0.0, 2 ** 100]
    elif code == "c":
        out += [b"", b"ab", "a", 97, 1.0, True]  # (bytearray is not representable)
    elif code in "sp":
        out += ["abc", 1, b"x" * 300]
    return out


def arg_text(v):
    """Typed text for one pack argument (see struct.tsv's header)."""
    if isinstance(v, bool):
        return "?:" + ("1" if v else "0")
    if isinstance(v, int):
        return "i:%d" % v
    if isinstance(v, float):
        return "f:%016x" % struct.unpack("<Q", struct.pack("<d", v))[0]
    if isinstance(v, (bytes, bytearray)):
        return "b:" + bytes(v).hex()
    if isinstance(v, str):
        return "s:" + v.encode().hex()
    raise TypeError(v)


def worker_struct(req):
    rng_base = req["seed"]
    out = {"version": sys.version.split()[0], "calcsize": {}, "records": []}
    recs = out["records"]
    for fmt in req["formats"]:
        try:
            out["calcsize"][fmt] = ["ok", struct.calcsize(fmt)]
        except Exception as e:
            out["calcsize"][fmt] = ["err", exc_text(e)]
    # pack / unpack samples for the struct-valid formats that are not huge
    for fmt in req["pack_formats"]:
        size = struct.calcsize(fmt)
        if size > 256:
            continue
        rng = random.Random("%s:pack:%s" % (rng_base, fmt))
        for _ in range(req["packs_per_format"]):
            args = sample_args(rng, fmt)
            try:
                data = struct.pack(fmt, *args)
                rec = {"kind": "pack", "fmt": fmt, "args": args, "ok": data.hex()}
                rec["unpacked"] = repr(struct.unpack(fmt, data))
            except Exception as e:
                rec = {"kind": "pack", "fmt": fmt, "args": args, "err": exc_text(e)}
            recs.append(rec)
        for _ in range(req["unpacks_per_format"]):
            data = bytes(rng.randrange(256) for _ in range(size))
            if rng.random() < 0.3:
                data = bytes(rng.choice([0, 0xFF, 0x7F, 0x80, 1]) for _ in range(size))
            recs.append({"kind": "unpack", "fmt": fmt, "data": data.hex(),
                         "ok": repr(struct.unpack(fmt, data))})
        # wrong buffer length for unpack
        recs.append(_call("unpack", fmt, data=bytes(size + 1)))
        # wrong argument count for pack
        args = sample_args(rng, fmt)
        recs.append(_call("pack", fmt, args=args + [0]))
        if args:
            recs.append(_call("pack", fmt, args=args[:-1]))
    # bad values per code and mode
    for prefix in ["", "@", "=", "<", ">", "!"]:
        for code in "bBhHiIlLqQnNPefd?csp":
            if prefix not in ("", "@") and code in "nNP":
                continue
            fmt = prefix + code
            for v in bad_values(prefix or "@", code):
                recs.append(_call("pack", fmt, args=[v]))
            for cnt in (0, 1, 2, 3, 5):
                if code in "sp":
                    f2 = "%s%d%s" % (prefix, cnt, code)
                    for v in [b"", b"a", b"ab", b"abc", b"abcdef", bytearray(b"xyz")]:
                        recs.append(_call("pack", f2, args=[v]))
                    for data in [b"", b"\x00", b"\x09", b"\xff"]:
                        data = (data + b"abcdef")[: cnt] if cnt else b""
                        if len(data) == cnt:
                            recs.append(_call("unpack", f2, data=data))
    for fmt, args in req["extra_packs"]:
        recs.append(_call("pack", fmt, args=args))
    for fmt, data in req["extra_unpacks"]:
        recs.append(_call("unpack", fmt, data=bytes.fromhex(data)))
    for fmt, buflen, offset, args in req["pack_into"]:
        buf = bytearray(b"\xaa" * buflen)
        try:
            struct.pack_into(fmt, buf, offset, *args)
            recs.append({"kind": "pack_into", "fmt": fmt, "buflen": buflen, "offset": offset,
                         "args": args, "ok": bytes(buf).hex()})
        except Exception as e:
            recs.append({"kind": "pack_into", "fmt": fmt, "buflen": buflen, "offset": offset,
                         "args": args, "err": exc_text(e)})
    for fmt, data, offset in req["unpack_from"]:
        data = bytes.fromhex(data)
        try:
            r = {"ok": repr(struct.unpack_from(fmt, data, offset))}
        except Exception as e:
            r = {"err": exc_text(e)}
        r.update({"kind": "unpack_from", "fmt": fmt, "data": data.hex(), "offset": offset})
        recs.append(r)
    for fmt, data in req["iter_unpack"]:
        data = bytes.fromhex(data)
        try:
            r = {"ok": repr(list(struct.iter_unpack(fmt, data)))}
        except Exception as e:
            r = {"err": exc_text(e)}
        r.update({"kind": "iter_unpack", "fmt": fmt, "data": data.hex()})
        recs.append(r)
    for r in recs:
        if "args" in r:
            r["args"] = [arg_text(a) for a in r["args"]]
    out["ctypes"] = ctypes_exports()
    return out


def _call(kind, fmt, args=None, data=None):
    rec = {"kind": kind, "fmt": fmt}
    try:
        if kind == "pack":
            rec["args"] = list(args)
            rec["ok"] = struct.pack(fmt, *args).hex()
        else:
            rec["data"] = data.hex()
            rec["ok"] = repr(struct.unpack(fmt, data))
    except Exception as e:
        rec.pop("ok", None)
        rec["err"] = exc_text(e)
    return rec


# ---- phase 2 worker: memoryview and _testbuffer (CPython 3.12+) --------------------------

VIEW_NATIVE = list("bBhHiIlLqQnNfde?cP")
VIEW_STRUCT = ["@i", "@B", "<h", ">i", "=d", "<e", ">f", "<?", ">q", "ii", "hb", "3s", "i2x",
               "<qb", "bxh", "2h", "cb", ">Hb", "=lc", "?d"]
# flag name, value: the order of the `req` field (documented in views.tsv's header)
REQUEST_FLAGS = [
    ("SIMPLE", 0x0), ("WRITABLE", 0x1), ("FORMAT", 0x4), ("ND", 0x8), ("STRIDES", 0x18),
    ("C_CONTIGUOUS", 0x38), ("F_CONTIGUOUS", 0x58), ("ANY_CONTIGUOUS", 0x98),
    ("INDIRECT", 0x118), ("CONTIG", 0x9), ("CONTIG_RO", 0x8), ("STRIDED", 0x19),
    ("STRIDED_RO", 0x18), ("RECORDS", 0x1D), ("RECORDS_RO", 0x1C), ("FULL", 0x11D),
    ("FULL_RO", 0x11C), ("FORMAT|ND", 0xC), ("FORMAT|STRIDES", 0x1C),
    ("FORMAT|C_CONTIGUOUS", 0x3C), ("FORMAT|F_CONTIGUOUS", 0x5C),
    ("FORMAT|ANY_CONTIGUOUS", 0x9C),
]
MAX_ELEMENTS = 48


def _prod(xs):
    n = 1
    for x in xs:
        n *= x
    return n


def _item_value(fmt, data, pos):
    t = struct.unpack_from(fmt, data, pos)
    return t[0] if len(t) == 1 else t


def _walk(fmt, data, shape, strides, offset):
    """tolist() by walking every index with struct (the 'struct' oracle for any format)."""
    def rec(dim, pos):
        if dim == len(shape):
            return _item_value(fmt, data, pos)
        return [rec(dim + 1, pos + i * strides[dim]) for i in range(shape[dim])]
    return rec(0, offset)


def _c_strides(shape, itemsize):
    out, s = [], itemsize
    for d in reversed(shape):
        out.append(s)
        s *= d
    return out[::-1]


def _f_strides(shape, itemsize):
    out, s = [], itemsize
    for d in shape:
        out.append(s)
        s *= d
    return out


def _rand_bytes(rng, n):
    r = rng.random()
    if r < 0.2:
        return bytes(rng.choice([0, 0xFF, 0x7F, 0x80, 1, 0x7C, 0x7E]) for _ in range(n))
    if r < 0.35:
        return bytes(rng.randrange(4) for _ in range(n))
    return bytes(rng.randrange(256) for _ in range(n))


def _req_text(m, flags, strides=None):
    """The answers of memoryview `m` to `flags`; `strides` replaces the reported strides."""
    import _testbuffer as tb

    out = []
    for _, fl in flags:
        try:
            x = tb.ndarray(m, getbuf=fl)
            st = x.strides if strides is None or not x.strides else strides
            out.append("ok:%d:%s:%s:%s:%d:%d" % (
                x.ndim, ",".join(map(str, x.shape)) if x.shape else "-",
                ",".join(map(str, st)) if st else "-", x.format or "-",
                x.itemsize, int(x.readonly)))
        except BufferError as e:
            out.append("E:" + str(e))
    return ";".join(out)


def _contig(m):
    import _testbuffer as tb

    return "".join(o for o in "CF" if tb.is_contiguous(m, o)) or "-"


def worker_views(req):
    import _testbuffer as tb

    rng = random.Random("%s:views" % req["seed"])
    views, derived, builds = [], [], []

    def new_view(fmt, data, shape, strides, offset, src, writable=False):
        size = struct.calcsize(fmt)
        n = len(data) // size
        items = [_item_value(fmt, data, k * size) for k in range(n)]
        flags = tb.ND_WRITABLE if writable else 0
        if shape == []:
            nd = tb.ndarray(items[0], shape=[], format=fmt, flags=flags)
        else:
            nd = tb.ndarray(items, shape=shape, strides=strides, offset=offset, format=fmt,
                            flags=flags)
        m = memoryview(nd)
        phys = memoryview(tb.ndarray(items, shape=[n], format=fmt)).tobytes()
        vid = len(views)
        rec = {"id": vid, "src": src, "fmt": fmt, "itemsize": size, "buf": phys.hex(),
               "shape": list(m.shape), "strides": list(m.strides), "offset": offset}
        walked = _walk(fmt, phys, list(m.shape), list(m.strides), offset if shape else 0)
        if len(fmt.lstrip("@")) == 1 and fmt.lstrip("@") in VIEW_NATIVE:
            tl = m.tolist()
            assert repr(tl) == repr(walked), (fmt, tl, walked)
            rec["tolist_src"] = "memoryview"
        else:
            rec["tolist_src"] = "struct"
        rec["tolist"] = repr(walked)
        c = m.tobytes("C")
        rec["c"] = c.hex()
        f = m.tobytes("F")
        a = m.tobytes("A")
        if f != c:
            rec["f"] = f.hex()
        if a != c:
            rec["a"] = a.hex()
        rec["contig"] = _contig(m)
        sep = rng.choice([None, ":", "-", " ", "é"])
        bps = rng.choice([1, 1, 2, 3, -1, -2, -3, 0, 5])
        rec["hex_sep"] = "" if sep is None else sep
        rec["hex_bps"] = bps
        try:
            rec["hex"] = m.hex() if sep is None else m.hex(sep, bps)
        except ValueError as e:
            rec["hex_err"] = exc_text(e)
        try:
            rec["eq_self"] = m == m
        except Exception as e:  # pragma: no cover
            rec["eq_self_err"] = exc_text(e)
        if rng.random() < 0.3 or src != "random" or (shape == [0] and strides[0] != size):
            rw_flags = [f for f in REQUEST_FLAGS if f[1] & 1]
            if shape == [0] and strides[0] != size:
                # CPython's 1-D flag calls this empty view non-contiguous (no len == 0 rule);
                # memview uses PyBuffer_IsContiguous (empty = contiguous), DESIGN.md §1. The
                # expected answers are CPython's for the same empty view with stride itemsize,
                # reporting the real stride.
                sur = tb.ndarray(items, shape=[0], strides=[size], offset=offset, format=fmt)
                surw = tb.ndarray(items, shape=[0], strides=[size], offset=offset, format=fmt,
                                  flags=tb.ND_WRITABLE)
                rec["req"] = _req_text(memoryview(sur), REQUEST_FLAGS, strides)
                rec["req_rw"] = _req_text(memoryview(surw), rw_flags, strides)
                rec["req_note"] = ("deviation: CPython says " +
                                   _req_text(m, REQUEST_FLAGS[:1]) + " for SIMPLE")
            else:
                rec["req"] = _req_text(m, REQUEST_FLAGS)
                if shape == []:
                    ndw = tb.ndarray(items[0], shape=[], format=fmt, flags=tb.ND_WRITABLE)
                else:
                    ndw = tb.ndarray(items, shape=shape, strides=strides, offset=offset,
                                     format=fmt, flags=tb.ND_WRITABLE)
                rec["req_rw"] = _req_text(memoryview(ndw), rw_flags)
        views.append(rec)
        return vid, m, nd

    def random_geometry(size, n):
        ndim = rng.choice([1, 1, 1, 2, 2, 2, 3, 3, 4])
        shape = [rng.choice([0, 1, 1, 2, 2, 3, 3, 4]) for _ in range(ndim)]
        while _prod(shape) > MAX_ELEMENTS:
            shape[rng.randrange(ndim)] -= 1
        mode = rng.random()
        if mode < 0.3:
            strides = _c_strides(shape, size)
        elif mode < 0.45:
            strides = _f_strides(shape, size)
        else:
            strides = [size * rng.choice([-4, -3, -2, -1, 0, 1, 1, 2, 3, 4]) for _ in shape]
        offset = size * rng.randrange(n)
        return shape, strides, offset

    def cpython_build(fmt, data, shape, strides, offset):
        size = struct.calcsize(fmt)
        items = [_item_value(fmt, data, k * size) for k in range(len(data) // size)]
        try:
            tb.ndarray(items, shape=shape, strides=strides, offset=offset, format=fmt)
            return None
        except Exception as e:
            return exc_text(e)

    n_views = req["n_views"]
    attempts = 0
    while sum(1 for v in views if v["src"] == "random") < n_views:
        attempts += 1
        fmt = rng.choice(VIEW_NATIVE * 3 + VIEW_STRUCT)
        size = struct.calcsize(fmt)
        if rng.random() < 0.08:
            data = _rand_bytes(rng, size)
            vid, m, nd = new_view(fmt, data, [], [], 0, "random")
        else:
            n = rng.randint(1, 24)
            data = _rand_bytes(rng, n * size)
            shape, strides, offset = random_geometry(size, n)
            err = cpython_build(fmt, data, shape, strides, offset)
            if err is not None:
                if len(builds) < req["n_builds"]:
                    builds.append({"fmt": fmt, "buflen": len(data), "shape": shape,
                                   "strides": strides, "offset": offset, "err": err})
                continue
            vid, m, nd = new_view(fmt, data, shape, strides, offset, "random")
        view_extras(rng, vid, m, views, derived, new_view)

    # build errors with strides that are not multiples of the itemsize (CPython refuses;
    # memview accepts them when in bounds)
    for _ in range(req["n_builds"] // 3):
        fmt = rng.choice(["i", "h", "d", "ii", "<q"])
        size = struct.calcsize(fmt)
        n = rng.randint(1, 8)
        shape = [rng.randint(1, 4) for _ in range(rng.randint(1, 2))]
        strides = [rng.choice([1, 3, 5, -3, size + 1]) for _ in shape]
        offset = size * rng.randrange(n)
        err = cpython_build(fmt, bytes(n * size), shape, strides, offset)
        builds.append({"fmt": fmt, "buflen": n * size, "shape": shape, "strides": strides,
                       "offset": offset, "err": err or "none"})
    for r in derived:
        if "args" in r:
            r["args"] = " ".join(arg_text(a) for a in r["args"])
    return {"views": views, "derived": derived, "builds": builds}


def view_extras(rng, vid, m, views, derived, new_view):
    """Slices, item reads, casts and equality partners of one view, with CPython's answers."""
    import _testbuffer as tb

    v = views[vid]
    fmt, shape = v["fmt"], v["shape"]
    native = len(fmt.lstrip("@")) == 1 and fmt.lstrip("@") in VIEW_NATIVE
    # dim-0 slices (CPython slices any format, any ndim, on the first axis)
    if shape:
        for _ in range(2):
            parts = [rng.choice(["", str(rng.randint(-5, 5))]) for _ in range(2)]
            step = rng.choice(["", "", "1", "2", "-1", "-2", "3", "0"])
            text = ":".join(parts) + (":" + step if step else "")
            sl = slice(*[int(p) if p else None for p in parts + [step]])
            try:
                s = m[sl]
                parent = _walk(fmt, bytes.fromhex(v["buf"]), shape, v["strides"], v["offset"])
                derived.append({"kind": "select", "id": vid, "src": "cpython", "sel": text,
                                "shape": list(s.shape), "strides": list(s.strides),
                                "c": s.tobytes().hex(), "tolist": repr(parent[sl])})
            except Exception as e:
                derived.append({"kind": "select", "id": vid, "src": "cpython", "sel": text,
                                "err": exc_text(e)})
    # item reads with one integer per axis (CPython: native formats only)
    if native:
        for _ in range(2):
            idx = [rng.randint(-d - 1, d) for d in shape]
            key = tuple(idx)
            try:
                val = m[key] if shape else m[()]
                derived.append({"kind": "get", "id": vid, "index": idx, "ok": repr(val)})
            except IndexError as e:
                derived.append({"kind": "get", "id": vid, "index": idx, "err": exc_text(e)})
    # item assignment m[index] = value and 1-D slice assignment m[a:b:c] = src
    if native and 0 not in shape and rng.random() < 0.5:
        data = bytes.fromhex(v["buf"])
        size = v["itemsize"]
        items = [_item_value(fmt, data, k * size) for k in range(len(data) // size)]
        code = fmt.lstrip("@")

        def writable():
            if not shape:
                return memoryview(tb.ndarray(items[0], shape=[], format=fmt,
                                             flags=tb.ND_WRITABLE))
            return memoryview(tb.ndarray(items, shape=shape, strides=v["strides"],
                                         offset=v["offset"], format=fmt,
                                         flags=tb.ND_WRITABLE))
        for _ in range(2):
            w = writable()
            idx = [rng.randrange(d) - (d if rng.random() < 0.3 else 0) for d in shape]
            if rng.random() < 0.5:
                val = sample_value(rng, "@", code, 1)
            else:
                val = rng.choice(bad_values("@", code))
            if isinstance(val, bytearray):
                val = bytes(val)
            rec = {"kind": "set", "id": vid, "index": idx, "args": [val]}
            try:
                w[tuple(idx)] = val
                rec["ok"] = repr(w.tolist())
                if (code == "f" and isinstance(val, (int, float)) and not isinstance(val, bool)
                        and not math.isinf(val) and abs(float(val)) > 3.4028234663852886e38):
                    try:
                        struct.pack("<f", val)
                    except OverflowError:
                        rec["note"] = ("deviation: CPython <= 3.13 stores inf when a finite "
                                       "value overflows 'f'; memview refuses (DESIGN.md §1)")
            except (TypeError, ValueError, OverflowError) as e:
                rec["err"] = exc_text(e)
            derived.append(rec)
        if len(shape) == 1 and rng.random() < 0.7:
            w = writable()
            parts = [rng.choice(["", str(rng.randint(-4, 4))]) for _ in range(2)]
            step = rng.choice(["", "2", "-1", "-2"])
            text = ":".join(parts) + (":" + step if step else "")
            sl = slice(*[int(p) if p else None for p in parts + [step]])
            n = len(range(*sl.indices(shape[0])))
            n_src = n if rng.random() < 0.8 else n + 1
            src = [items[rng.randrange(len(items))] for _ in range(n_src)]
            rec = {"kind": "assign", "id": vid, "sel": text,
                   "src": b"".join(struct.pack(fmt, x) for x in src).hex()}
            try:
                w[sl] = memoryview(tb.ndarray(src or items, shape=[n_src], format=fmt))
                rec["ok"] = repr(w.tolist())
            except (TypeError, ValueError) as e:
                rec["err"] = exc_text(e)
            derived.append(rec)
    # casts
    if rng.random() < 0.6:
        for _ in range(rng.randint(1, 3)):
            dest = rng.choice(VIEW_NATIVE + ["@i", "@B", "<i", "ii", "3s", "=h", "2B"])
            dsize = struct.calcsize(dest)
            nb = m.nbytes
            r = rng.random()
            if r < 0.3:
                cshape = None
            elif r < 0.4:
                cshape = []
            else:
                total = nb // dsize if dsize else 0
                cshape = _factor(rng, total) if rng.random() < 0.85 else [total + 1]
            derived.append(cast_record(m, v, vid, dest, cshape))
    # equality partners
    if native and shape and rng.random() < 0.35:
        partner = _partner(rng, v)
        if partner is not None:
            pfmt, pdata, pshape, pstrides, poff = partner
            pid, pm, pnd = new_view(pfmt, pdata, pshape, pstrides, poff, "eq-partner")
            derived.append({"kind": "eq", "id": vid, "other": pid, "result": m == pm})
            derived.append({"kind": "eq", "id": pid, "other": vid, "result": pm == m})


def _factor(rng, total):
    if total == 0:
        return [0]
    dims = []
    rest = total
    for _ in range(rng.randint(0, 2)):
        divs = [d for d in range(2, rest + 1) if rest % d == 0]
        if not divs:
            break
        d = rng.choice(divs)
        dims.append(d)
        rest //= d
    dims.append(rest)
    rng.shuffle(dims)
    return dims


def cast_record(m, v, vid, dest, cshape):
    rec = {"kind": "cast", "id": vid, "fmt": dest,
           "cshape": "none" if cshape is None else cshape}
    try:
        c = m.cast(dest) if cshape is None else m.cast(dest, cshape)
        rec.update(shape=list(c.shape), strides=list(c.strides), format=c.format)
        data = c.tobytes()
        rec["tolist"] = repr(_walk(dest, data, list(c.shape), _c_strides(list(c.shape),
                                                                        c.itemsize), 0))
        return rec
    except (TypeError, ValueError) as e:
        rec["err"] = exc_text(e)
    # beyond CPython: memview casts any C-contiguous view whose byte count fits
    msg = rec["err"]
    beyond = ("cannot cast between two non-byte formats" in msg
              or "cast must be 1D -> ND or ND -> 1D" in msg
              or "destination format must be a native single character" in msg
              or "cannot cast view with zeros in shape" in msg
              or ("casts are restricted to C-contiguous views" in msg and m.nbytes == 0))
    if not beyond:
        return rec
    import _testbuffer as tb

    if not tb.is_contiguous(m, "C"):
        rec["ours"] = "err"
        return rec
    dsize = struct.calcsize(dest)
    nb = m.nbytes
    if cshape is None:
        if nb % dsize:
            rec["ours"] = "err"
            return rec
        shape = [nb // dsize]
    else:
        if _prod(cshape) * dsize != nb:
            rec["ours"] = "err"
            return rec
        shape = list(cshape)
    data = m.tobytes()
    rec["ours"] = "ok"
    rec["ours_shape"] = shape
    rec["ours_strides"] = _c_strides(shape, dsize)
    rec["ours_tolist"] = repr(_walk(dest, data, shape, _c_strides(shape, dsize), 0))
    # cross-check the model against CPython's two-step cast where CPython can do it
    try:
        if len(dest.lstrip("@")) == 1 and 0 not in shape and (shape or nb == dsize):
            two = m.cast("B").cast(dest, shape)
            assert list(two.shape) == shape and repr(two.tolist()) == rec["ours_tolist"]
            rec["ours_checked"] = "cast('B').cast(fmt, shape)"
    except (TypeError, ValueError):
        pass
    return rec


def _partner(rng, v):
    """Another view of the same shape: equal values in another format, or one value changed,
    or the same values in another memory order."""
    fmt = v["fmt"].lstrip("@")
    data = bytes.fromhex(v["buf"])
    shape = v["shape"]
    values = _walk(v["fmt"], data, shape, v["strides"], v["offset"])
    flat = []

    def flatten(x, d):
        if d == len(shape):
            flat.append(x)
        else:
            for y in x:
                flatten(y, d + 1)
    flatten(values, 0)
    if not flat:
        return None
    r = rng.random()
    if r < 0.4:
        # same values, another format that can hold them
        cands = {"b": "hiqd", "B": "HIQd?", "h": "iqd", "H": "Iqd", "i": "qd", "I": "Qd",
                 "l": "qd", "L": "Qd", "q": "d", "Q": "d", "n": "q", "N": "Q", "f": "d",
                 "e": "fd", "d": "f", "?": "Bb", "c": "c", "P": "Q"}.get(fmt, "")
        if not cands:
            return None
        pfmt = rng.choice(cands)
        try:
            pdata = b"".join(struct.pack(pfmt, x) for x in flat)
        except (struct.error, OverflowError):
            return None
    else:
        pfmt = fmt
        vals = list(flat)
        if r < 0.75:
            k = rng.randrange(len(vals))
            x = vals[k]
            if isinstance(x, bool):
                vals[k] = not x
            elif isinstance(x, bytes):
                vals[k] = bytes([x[0] ^ 1])
            elif isinstance(x, float):
                vals[k] = 0.5 if x != 0.5 else 0.25
            else:
                vals[k] = x ^ 1
        pdata = b"".join(struct.pack(pfmt, x) for x in vals)
    size = struct.calcsize(pfmt)
    if rng.random() < 0.5 and len(shape) >= 2:
        # store the same logical values in Fortran order
        n = len(flat)
        fdata = bytearray(n * size)
        fstr = _f_strides(shape, 1)
        for k in range(n):
            idx, rest = [], k
            for d in reversed(shape):
                idx.append(rest % d)
                rest //= d
            p = sum(i * st for i, st in zip(reversed(idx), fstr))
            fdata[p * size:(p + 1) * size] = pdata[k * size:(k + 1) * size]
        return pfmt, bytes(fdata), shape, _f_strides(shape, size), 0
    return pfmt, pdata, shape, _c_strides(shape, size), 0


def worker_main():
    req = _unjson(json.load(sys.stdin))
    if req["task"] == "struct":
        res = worker_struct(req)
    elif req["task"] == "views":
        res = worker_views(req)
    else:
        raise SystemExit("unknown task " + req["task"])
    json.dump(res, sys.stdout)


# ----------------------------------------------------------------------------------------
# main mode


def oracle_python():
    """A CPython 3.12+ interpreter: $MEMVIEW_ORACLE_PYTHON, else python3.13 / python3.12 on the
    PATH, else the newest 3.12+ build pyenv knows, else python3 itself if it is 3.12+."""
    cands = [os.environ.get("MEMVIEW_ORACLE_PYTHON"),
             shutil.which("python3.13"), shutil.which("python3.12")]
    try:
        root = subprocess.run(["pyenv", "root"], capture_output=True, text=True,
                              check=True).stdout.strip()
        found = glob.glob(os.path.join(root, "versions", "3.1[2-9]*", "bin", "python3"))
        cands += sorted(found, reverse=True)
    except (OSError, subprocess.CalledProcessError):
        pass
    for c in cands:
        if c and os.path.exists(c) and subprocess.run(
                [c, "-c", "import sys; sys.exit(sys.version_info < (3, 12))"],
                capture_output=True, check=False).returncode == 0:
            return c
    if sys.version_info >= (3, 12):
        return sys.executable
    raise SystemExit("need a CPython 3.12+ interpreter: set MEMVIEW_ORACLE_PYTHON")


def run_worker(req):
    py = oracle_python()
    p = subprocess.run([py, os.path.abspath(__file__), "--worker"], input=json.dumps(req),
                       capture_output=True, text=True, check=False)
    if p.returncode != 0:
        sys.stderr.write(p.stderr)
        raise SystemExit("worker failed under " + py)
    return json.loads(p.stdout)


class Writer:
    def __init__(self, name, header):
        self.path = os.path.join(FIXTURES, name)
        self.lines = [("# " + h).rstrip() for h in header.strip("\n").split("\n")]
        self.count = 0

    def rec(self, kind, **kv):
        fields = [kind]
        for k, v in kv.items():
            if v is None:
                continue
            fields.append("%s=%s" % (k, esc(v)))
        self.lines.append("\t".join(fields))
        self.count += 1

    def close(self):
        os.makedirs(FIXTURES, exist_ok=True)
        with open(self.path, "w", encoding="utf-8", newline="\n") as f:
            f.write("\n".join(self.lines) + "\n")
        print("wrote %s: %d records" % (os.path.relpath(self.path, ROOT), self.count))


# ---- phase 1: formats and struct --------------------------------------------------------

NUMPY_CORPUS = [
    '?', 'c', 'b', 'B', 'h', 'H', 'i', 'I', 'l', 'L', 'q', 'Q', 'n', 'N', 'e', 'f', 'd', 'g',
    'Zf', 'Zd', 'Zg', 's', '4s', '0s', 'w', '3w', 'O', 'x', '4c', '@i', '=i', '<i', '>i', '!i',
    '^i', '=l', '<q', '>Zd', '<e', '>4w', '>O', '<g', '=Zg', '<n', 'p', 'P', '10p', 'u', '&i',
    't', 'X{}', 'Ze', 'Zb', 'Z', 'k', '-1i', '', '<', 'i<', '<>i', 'bi<', '2i', '1i', '0i',
    '(3)i', '(2,3)i', '(2)3i', '( 2 , 3 )i', '(0)i', '()i', '(2,)i', '(2', '<(3)i', '(3)<i',
    '(2)(3)i', '99999999999999999999i', 'bi', '@bi', '=bi', '<bi', '>bi', '^bi', 'bd', '=bd',
    'ib', '=ib', 'bg', 'bZf', 'bZd', 'bO', 'b3w', 'be', 'bq', 'bl', '=bl', 'bxi', 'b3xi', 'ix',
    'i7x', '^ix', 'bx:pad:i', 'b@i', '=b@i', 'b=i', '@ib=b', 'b:a:>d:b:@i:c:', 'i:a:d:b:',
    'i:my field:d: x :', 'i:ü:', 'i::', 'i:a:i:a:', 'i:a', 'ii:f0:', 'i:f0:i', 'i:a:i', 'i i',
    'T{}', 'T{i}', 'T{i:a:}', 'T{b:a:i:b:}', 'T{ib}b', 'T{b:a:i:b:}:s:b:c:', 'bT{bi}',
    '2T{ib}', '3T{b}', '(2)T{ib}b', '(3)T{ix}', 'x3T{xi}', '^x3T{xi}', '(2,2)T{b:x:i:y:}:pts:',
    'T{b:a:(2)i:b:}:s:b:c:', 'T{i:a:T{d:x:}:n:}:outer:', 'T{T{b}}i', 'T{}i', 'bT{}i',
    'T{<i:a:>h:b:}', 'T{<b}i', 'T{=b}@i', 'T{i=b}', '@T{^i}xi', '=T{@ib}b', 'T{>i:a:d:b:}',
    '!T{h:a:q:b:}', 'T{b:a:xxxi:b:T{b:f0:=i:f1:}:sub:xxxi:c:}',
    'T{b:a:=h:b:i:c:q:d:q:dx:B:e:@H:f:=I:g:Q:h:Q:hx:f:i:d:j:^g:k:=Zf:ix:Zd:jx:^Zg:kx:4s:l:'
    '=4w:m:3x:n:?:o:@e:p:}',
    'T{T{i:a:b:b:}:s:xxxb:c:}', 'T{i', 'i}garbage', '}', ':a:i', 'T{u}', 'T{n:a:}',
    'T{?:flag:e:half:}', 'Zf:re:Zd:im:', '10s10w', '?2?',
]

# cpython.md §1 and §7, the issue text, DESIGN.md, and other edge cases.
HAND = [
    'ci', 'ic', 'ic0i', 'c0i', 'ci0c', 'bq', 'hq', 'iq', 'cd', 'ce', 'cP', 'cN', 'lc', 'll',
    'xi', '3xi', 'si', '3si', 'bxh', 'hc0h', 'h0c', 'c0s', '2c0d', 'qc', 'qc0q', '@l', '<l',
    '3 i', ' <i', '< i', '<n', '=P', '>N', '3', 'i3', 'i\x00', '\x00', '9223372036854775807x',
    '9223372036854775808x', '4611686018427387904h', '4611686018427387903h',
    '2305843009213693952i', '1152921504606846976q', '99999999999999999999i', 'z', 'T{i}',
    '(2)i', 'i:x:', '@@i', 'F', 'D', '<lc', '=lc', '!lc', '=ci', 'c 3i', '', '@', '=', '<',
    '>', '!', 'é', 'iéi', '4h', '10s', '0s', '0p', '1p', '3p', '255p', '256p', '300p', 'p',
    '0c', '0x', '3x', 'x3', '2s2p', 'i\t\nd', 'i  ', '\ti', ' i', ' ', '\x0bi\x0c', 'ib',
    '@llh0l', '=llh0l', 'hhl', '>hhl', 'e', '<e', '>e', '?', '3?', '<?', 'P', '@P', 'n', 'N',
    'nN', 'bPn', 'c0P', 'q0P', 'xxxxP', '<P', '>P', '<O', '&<i', '<g', '>g', '<Zg', '^g',
    'X{}', 'X{}X{}', '&i', '&&i', '&T{ii}', '&(2)i', 'T{&<i:p:<z:s:<P:v:<O:o:}', '<u', 'u',
    '3u', '2w', 'w', '^u', 't', '3t', 'T{t}', 'Zf', 'Zd', 'Zg', '<Zf', '>Zd', 'Zi', 'Z',
    'ZZf', 'T{ii', 'T{ii}}', 'T{ii}x}', 'ii}', '{}', 'T', 'T{', 'T{:a:}', 'T{i:a', 'i:a:',
    'i:a:i:a:', 'i::i::', '(2,3)d', '(2, 3)d', '(2,3)<d', '<(2,3)d', '(2)(3)i', '()i',
    '(2,)i', '(,)i', '(-1)i', '(0)i', '(0,5)i', '(2', '(2)', '2(3)i', '(3)2i', 'i(2)',
    '(99999999999,99999999999)i', '(4611686018427387904)h', '(2)T{i}', '2T{i}', '0T{i}',
    'T{2i}', 'T{(2)i}', 'T{(2)3i}', 'T{T{T{T{i}}}}', 'T{' * 40 + 'i' + '}' * 40,
    'T{' * 2000 + 'i' + '}' * 2000, '(2)' * 3 + 'i', 'i' * 100, ' '.join(['i'] * 20),
    'T{i:x:d:y:}', 'T{<i:x:<d:y:}', 'T{<i:x:4x<d:y:}', 'T{>q:x:>H:y:}', 'T{>q:x:>H:y:6x}',
    'T{T{<i:x:<d:y:}:p:(3)<h:a:(2,2)<c:m:}', 'T{T{<i:x:4x<d:y:}:p:(3)<h:a:(2,2)<c:m:6x}',
    'T{<c:c:<i:i:}', 'T{b:a:xxxi:b:}', 'T{b:a:=i:b:}', 'T{(2,3)d:a:B:b:}',
    'T{T{h:x:h:y:}:p:>I:z:}', 'i<', '<i<', '^ib', '^qc', '^bg', '@^i', 'b^i', '=b^i',
    '<i>i', 'i>i<i', 'T{<b}i', 'T{>i}i', '>T{i}i', 'T{i}:x:', 'T{}:x:', '3T{}',
    'ix:pad:', 'x:a:', '2x:a:', 'i:a b:', 'i:\t:', 'i:ü:', 'i:}:', 'i:{:', 'i:T{:',
    'i:(2):', 'i:a:b:c:', 'b?', '?b', 'bB?hHiIlLqQnNefdspP', '=bB?hHiIlLqQefds',
    '<bB?hHiIlLqQefdsp', '>bB?hHiIlLqQefdsp', '!bB?hHiIlLqQefdsp', '4s4p', '0s0p0c',
    'c0e', 'b0d0b', '0q', '0q0q', 'b0q', '0i', 'i0i', '0ii', '00i', '01i', '007s',
    # many top-level repeats: struct sizes them without materialising anything
    '65536B', '65537B', '100000i', '1000000x', '70000s', 'T{100000i}', '(100000)i',
]

CODES_ALL = ["x", "c", "b", "B", "?", "h", "H", "i", "I", "l", "L", "q", "Q", "n", "N", "e",
             "f", "d", "g", "s", "p", "P", "O", "w", "u", "Zf", "Zd", "Zg", "&i", "X{}", "t"]
PREFIXES = ["", "@", "=", "<", ">", "!", "^"]
GRAMMAR_CHARS = set("xcbB?hHiIlLqQnNefdgspPOwuZ&T{}():,^@=<>!0123456789X \t\n\r\x0b\x0c")


def per_code_formats():
    out = []
    for p in PREFIXES:
        for c in CODES_ALL:
            out.append(p + c)
            out.append(p + "3" + c)
            out.append(p + "b" + c)
    return out


def numpy_exports():
    """(description, format, itemsize) of what NumPy exports for many dtypes."""
    import numpy as np

    out = []
    seen = set()

    def add(desc, arr):
        try:
            m = memoryview(arr)
        except Exception as e:
            out.append((desc, None, None, exc_text(e)))
            return
        out.append((desc, m.format, m.itemsize, None))

    scalars = ["?", "i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8", "long", "ulong",
               "longlong", "ulonglong", "intp", "uintp", "f2", "f4", "f8", "g", "c8", "c16",
               "G", "S5", "S1", "U3", "U1", "V4", "V1", "O", "S0", "U0", "V0", "M8[s]", "m8[s]"]
    for s in scalars:
        dt = np.dtype(s)
        add("np.zeros(2, %r)" % s, np.zeros(2, dt))
        for bo in "<>":
            if dt.byteorder == "|" and dt.kind not in "U":
                continue
            try:
                d2 = dt.newbyteorder(bo)
            except Exception:
                continue
            add("np.zeros(2, np.dtype(%r).newbyteorder(%r))" % (s, bo), np.zeros(2, d2))
        if dt.itemsize > 1 and dt.kind != "O":
            raw = np.zeros(dt.itemsize * 4 + 8, "u1")
            add("misaligned %r" % s, raw[1:1 + 2 * dt.itemsize].view(dt))
            add("stride itemsize+2 %r" % s, np.lib.stride_tricks.as_strided(
                raw[2:2 + dt.itemsize].view(dt), (2,), (dt.itemsize + 2,)))
        if dt.kind not in "OMm":
            add("scalar %r" % s, np.zeros(1, dt)[0])

    structured = [
        ("[('a','b'),('b','i')]", dict(dtype=[("a", "b"), ("b", "i")])),
        ("[('a','b'),('b','i')] align", dict(dtype=[("a", "b"), ("b", "i")], align=True)),
        ("[('a','i'),('b','b')] align", dict(dtype=[("a", "i"), ("b", "b")], align=True)),
        ("[('a','i'),('b','b')]", dict(dtype=[("a", "i"), ("b", "b")])),
        ("itemsize 4 i1", dict(dtype={"names": ["a"], "formats": ["i1"], "offsets": [0],
                                      "itemsize": 4})),
        ("offsets 0,3", dict(dtype={"names": ["a", "b"], "formats": ["i1", "i1"],
                                    "offsets": [0, 3]})),
        ("leading pad", dict(dtype={"names": ["a"], "formats": ["i4"], "offsets": [4]})),
        ("u1,i4,u1 align", dict(dtype="u1,i4,u1", align=True)),
        ("u1,i4,u1", dict(dtype="u1,i4,u1")),
        ("nested aligned", dict(dtype=[("s", np.dtype([("a", "i"), ("b", "b")], align=True)),
                                       ("c", "b")], align=True)),
        ("nested outer packed", dict(dtype=[("s", np.dtype([("a", "i"), ("b", "b")],
                                                           align=True)), ("c", "b")])),
        ("nested subarray aligned", dict(dtype=[("s", np.dtype([("a", "i"), ("b", "b")],
                                                               align=True), (3,)),
                                                ("c", "i")], align=True)),
        ("subarray field", dict(dtype=[("a", "i", (2, 2)), ("b", "d")])),
        ("subarray align", dict(dtype=[("x", "b"), ("a", "i", (3,)), ("b", "d")], align=True)),
        ("packed subarray", dict(dtype=[("a", "b"), ("v", "i4", (2,))])),
        ("(3,)>i2", dict(dtype=[("a", ">i2", (3,))])),
        ("big-endian", dict(dtype=[("a", ">i4"), ("b", ">f8")])),
        ("mixed packed", dict(dtype=[("a", "<i4"), ("b", ">i2"), ("c", "i4")])),
        ("mixed align", dict(dtype=[("a", "<i4"), ("b", ">i2"), ("c", "i4")], align=True)),
        ("names", dict(dtype=[("my field", "i"), ("ü", "d")])),
        ("b,O align", dict(dtype=[("a", "b"), ("o", "O")], align=True)),
        ("b,O packed", dict(dtype=[("a", "b"), ("o", "O")])),
        ("b,g packed", dict(dtype=[("a", "b"), ("g", "g")])),
        ("b,g align", dict(dtype=[("a", "b"), ("g", "g")], align=True)),
        ("S3,U2", dict(dtype=[("s", "S3"), ("u", "U2")])),
        ("V3,i4", dict(dtype=[("v", "V3"), ("i", "i4")])),
        ("?,e align", dict(dtype=[("b", "?"), ("h", "e")], align=True)),
        ("b,Zf,Zd align", dict(dtype=[("b", "b"), ("F", "c8"), ("D", "c16")], align=True)),
        ("b,l packed", dict(dtype=[("b", "b"), ("l", "long")])),
        ("b,l align", dict(dtype=[("b", "b"), ("l", "long")], align=True)),
        ("empty", dict(dtype=[])),
        ("zero-size subarray", dict(dtype=[("a", "i"), ("z", "i", (0,))])),
        ("numpy test record", dict(dtype=[
            ("a", "b"), ("b", "h"), ("c", "i"), ("d", "l"), ("dx", "q"), ("e", "B"),
            ("f", "H"), ("g", "I"), ("h", "L"), ("hx", "Q"), ("i", "f"), ("j", "d"),
            ("k", "g"), ("ix", "F"), ("jx", "D"), ("kx", "G"), ("l", "S4"), ("m", "U4"),
            ("n", "V3"), ("o", "?"), ("p", "e")])),
        ("deep nest", dict(dtype=[("o", [("m", [("i", "i2"), ("c", "S1")], (2,)),
                                         ("d", ">f8")]), ("z", "u1")], align=True)),
    ]
    for desc, kw in structured:
        dt = np.dtype(kw["dtype"], align=kw.get("align", False))
        add("np.zeros(2, %s)" % desc, np.zeros(2, dt))
        add("np.zeros(1, %s)" % desc, np.zeros(1, dt))
        add("np.zeros((2,3), %s)" % desc, np.zeros((2, 3), dt))

    rng = random.Random("%d:numpy-dtypes" % SEED)
    pool = ["?", "i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8", "f2", "f4", "f8", "g", "c8",
            "c16", "S3", "U2", "V2", "O", "long"]

    def rand_dtype(depth):
        n = rng.randint(1, 4)
        fields = []
        for k in range(n):
            r = rng.random()
            if depth < 2 and r < 0.2:
                t = rand_dtype(depth + 1)
            else:
                t = np.dtype(rng.choice(pool))
                if t.byteorder not in "|" and rng.random() < 0.3 and t.char not in "gG":
                    t = t.newbyteorder(rng.choice("<>"))
            if rng.random() < 0.2:
                shape = tuple(rng.randint(0, 3) for _ in range(rng.randint(1, 2)))
                fields.append(("f%d_%d" % (depth, k), t, shape))
            else:
                fields.append(("f%d_%d" % (depth, k), t))
        return np.dtype(fields, align=rng.random() < 0.5)

    for k in range(80):
        dt = rand_dtype(0)
        if rng.random() < 0.15:
            # explicit offsets with gaps, maybe an explicit itemsize
            names, formats, offsets, off = [], [], [], 0
            for name in dt.names:
                t = dt.fields[name][0]
                off += rng.randint(0, 3)
                names.append(name)
                formats.append(t)
                offsets.append(off)
                off += t.itemsize
            spec = {"names": names, "formats": formats, "offsets": offsets}
            if rng.random() < 0.5:
                spec["itemsize"] = off + rng.randint(0, 4)
            dt = np.dtype(spec)
        add("np.zeros(2, random dtype %d %s)" % (k, dt.descr if dt.names else dt.str),
            np.zeros(2, dt))
    dedup = []
    for item in out:
        if item[:2] in seen:
            continue
        seen.add(item[:2])
        dedup.append(item)
    return dedup


def rand_struct_format(rng):
    prefix = rng.choice(["", "", "@", "=", "<", ">", "!"])
    codes = "xcbB?hHiIlLqQefdsp" + ("nNP" if prefix in ("", "@") else "")
    parts = [prefix]
    for _ in range(rng.randint(0, 6)):
        if rng.random() < 0.2:
            parts.append(rng.choice([" ", "  ", "\t", "\n"]))
        r = rng.random()
        count = "" if r < 0.6 else str(rng.choice([0, 1, 2, 3, 4, 7, 8, 16]))
        parts.append(count + rng.choice(codes))
    return "".join(parts)


def rand_ext_format(rng, depth=0, names=None):
    """A format in the PEP 3118 grammar, mostly in the part NumPy also reads."""
    names = names if names is not None else [0]
    codes = ["?", "c", "b", "B", "h", "H", "i", "I", "l", "L", "q", "Q", "e", "f", "d", "g",
             "s", "w", "O", "x", "Zf", "Zd", "Zg"]
    items = []
    for _ in range(rng.randint(0 if depth else 1, 4)):
        part = ""
        if rng.random() < 0.15:
            dims = [str(rng.randint(0, 3)) for _ in range(rng.randint(1, 3))]
            part += "(" + ",".join(dims) + ")"
        if rng.random() < 0.25:
            part += rng.choice("@=<>!^")
        if rng.random() < 0.25:
            part += str(rng.choice([0, 1, 2, 3, 5]))
        if depth < 3 and rng.random() < 0.18:
            part += "T{" + rand_ext_format(rng, depth + 1, [0]) + "}"
        else:
            part += rng.choice(codes)
        if rng.random() < 0.35:
            names[0] += 1
            part += ":" + rng.choice(["n%d" % names[0], "f%d" % rng.randint(0, 3),
                                      "fld %d" % names[0], "ü%d" % names[0]]) + ":"
        items.append(part)
    return "".join(items)


def mutate(rng, fmt):
    pool = list("zkaT{}():,<>@=!^0123456789 \tx&XZs") + ["\x00", "é"]
    s = list(fmt)
    for _ in range(rng.randint(1, 2)):
        r = rng.random()
        if r < 0.35 and s:
            del s[rng.randrange(len(s))]
        elif r < 0.8:
            s.insert(rng.randint(0, len(s)), rng.choice(pool))
        elif s:
            i = rng.randrange(len(s))
            s.insert(i, s[i])
    return "".join(s)


def numpy_oracle(fmt):
    """NumPy's raw PEP 3118 parser: (dtype, parser alignment) or an error text."""
    import numpy._core._internal as internal

    try:
        dt, align = getattr(internal, "__dtype_from_pep3118")(internal._Stream(fmt),
                                                              is_subdtype=False)
        assert dt == internal._dtype_from_pep3118(fmt)
        return dt, align, None
    except RecursionError:
        return None, None, "RecursionError: maximum recursion depth exceeded"
    except Exception as e:
        return None, None, exc_text(e)


def np_leaves(dt, base=0, out=None):
    out = [] if out is None else out
    if dt.subdtype is not None:
        sub, shape = dt.subdtype
        n = 1
        for d in shape:
            n *= d
        for k in range(n):
            np_leaves(sub, base + k * sub.itemsize, out)
    elif dt.names is not None:
        for name in dt.names:
            fdt, off = dt.fields[name][:2]
            np_leaves(fdt, base + off, out)
    elif dt.kind != "V":
        out.append((base, dt.str))
    return out


def brace_problem(fmt):
    """NumPy leniencies about braces: an unterminated T{ or text after a top-level '}'."""
    depth, i = 0, 0
    while i < len(fmt):
        ch = fmt[i]
        if ch == ":":
            j = fmt.find(":", i + 1)
            if j < 0:
                return None
            i = j + 1
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth < 0:
                return "text after a top-level '}' (NumPy ignores the rest)"
        i += 1
    if depth > 0:
        return "unterminated 'T{' (NumPy accepts it)"
    return None


def strip_names(fmt):
    out, i = [], 0
    while i < len(fmt):
        if fmt[i] == ":":
            j = fmt.find(":", i + 1)
            if j < 0:
                out.append(fmt[i:])
                break
            i = j + 1
            continue
        out.append(fmt[i])
        i += 1
    return "".join(out)


# sizes used only for an overflow lower bound (native sizes; `u`/`w` per unit)
_LB_SIZE = {"x": 1, "c": 1, "b": 1, "B": 1, "?": 1, "h": 2, "H": 2, "i": 4, "I": 4, "l": 4,
            "L": 4, "q": 8, "Q": 8, "n": 8, "N": 8, "e": 2, "f": 4, "d": 8, "g": 16, "s": 1,
            "p": 1, "P": 8, "O": 8, "w": 4, "u": 2, "Zf": 8, "Zd": 16, "Zg": 32}
_WS = " \t\n\r\x0b\x0c"


class _NotClear(Exception):
    pass


def documented_grammar(fmt):
    """Recognise the grammar the issue documents, conservatively.

    item   := [prefix] [(d,...)] [prefix] [count] '&'* (code | 'T{' item* '}' | 'X{}') [:name:]
    with whitespace allowed between items only, one prefix per item. Returns
    (max nesting depth, lower bound of the size in bytes) or raises _NotClear.
    """
    pos = [0]
    s = fmt

    def peek(k=1):
        return s[pos[0]:pos[0] + k]

    def number():
        j = pos[0]
        while pos[0] < len(s) and s[pos[0]].isdigit():
            pos[0] += 1
        return int(s[j:pos[0]]) if pos[0] > j else None

    def items(depth, closing):
        total, maxdepth = 0, depth
        names = set()
        while True:
            while peek() and peek() in _WS:
                pos[0] += 1
                if peek() and peek() in "@=<>!^":
                    raise _NotClear  # ' <i': struct says bad char; left to our grammar
            if not peek():
                if closing:
                    raise _NotClear
                return total, maxdepth
            if peek() == "}":
                if not closing:
                    raise _NotClear
                pos[0] += 1
                return total, maxdepth
            mult = 1
            prefixes = 0
            if peek() in "@=<>!^":
                pos[0] += 1
                prefixes += 1
            if peek() == "(":
                pos[0] += 1
                dims = []
                while True:
                    d = number()
                    if d is None:
                        raise _NotClear
                    dims.append(d)
                    if peek() == ",":
                        pos[0] += 1
                        continue
                    if peek() == ")":
                        pos[0] += 1
                        break
                    raise _NotClear
                for d in dims:
                    mult *= d
            if peek() and peek() in "@=<>!^":
                pos[0] += 1
                prefixes += 1
            if prefixes > 1:
                raise _NotClear
            c = number()
            count = 1 if c is None else c
            pointer = False
            while peek() == "&":
                pos[0] += 1
                pointer = True
            if pointer and peek() and peek() in "@=<>!^":
                pos[0] += 1  # ctypes: '&<i'
            if peek(2) == "T{":
                pos[0] += 2
                size, d = items(depth + 1, True)
                maxdepth = max(maxdepth, d)
            elif peek(3) == "X{}":
                pos[0] += 3
                size = 8
            elif peek(2) in ("Zf", "Zd", "Zg"):
                size = _LB_SIZE[peek(2)]
                pos[0] += 2
            elif peek() and peek() in _LB_SIZE and peek() != "Z":
                size = _LB_SIZE[peek()]
                pos[0] += 1
            else:
                raise _NotClear
            if pointer:
                size = 8
            if peek() == ":":
                j = s.find(":", pos[0] + 1)
                if j < 0 or s[pos[0] + 1:j] in names:
                    raise _NotClear  # unterminated or duplicate name
                names.add(s[pos[0] + 1:j])
                pos[0] = j + 1
            total += mult * count * size

    return items(0, False)[::-1]


def expectation(fmt, st, np_err):
    """What memview must do with `fmt`: (accept|reject|unknown, why)."""
    lenient = brace_problem(fmt)
    if lenient and np_err is None:
        return "reject", "NumPy leniency: " + lenient
    if st[0] == "ok":
        return "accept", "struct accepts it"
    if np_err is None:
        return "accept", "NumPy accepts it"
    bare = strip_names(fmt)
    bad = sorted(set(ch for ch in bare if ch not in GRAMMAR_CHARS))
    if bad:
        return "reject", "character(s) in no PEP 3118 rule: %r" % "".join(bad)
    if "t" in bare:
        return "reject", "'t' (bit) is unsupported"
    if st[1].endswith("repeat count given without format specifier"):
        return "reject", "a count without a type code"
    if st[1].endswith("total struct size too long"):
        return "reject", "size overflows"
    for i, ch in enumerate(bare):
        if ch == "Z" and bare[i + 1: i + 2] not in ("f", "d", "g"):
            return "reject", "'Z' must be followed by f, d or g"
    try:
        depth, lower = documented_grammar(fmt)
    except (_NotClear, RecursionError):
        return "unknown", "neither oracle accepts it; our grammar decides"
    if lower > (1 << 63) - 1:
        return "reject", "size overflows"
    if depth > 1000:
        return "reject", "nesting deeper than any sane limit"
    if lower > (1 << 60) or depth > 32:
        return "unknown", "near the size or nesting limits"
    return "accept", "the documented PEP 3118 grammar (issue 2) accepts it"


def main():
    import numpy as np

    t_start = __import__("time").time()
    rng = random.Random(SEED)
    sources = {}
    order = []

    def add(fmt, src):
        if fmt not in sources:
            sources[fmt] = []
            order.append(fmt)
        if src not in sources[fmt]:
            sources[fmt].append(src)

    for f in HAND:
        add(f, "hand")
    for f in NUMPY_CORPUS:
        add(f, "numpy-corpus")
    for f in per_code_formats():
        add(f, "per-code")
    np_exp = numpy_exports()
    for desc, fmt, isz, err in np_exp:
        if fmt is not None:
            add(fmt, "numpy-export")
    for _ in range(200):
        add(rand_struct_format(rng), "random-struct")
    ext = [rand_ext_format(rng) for _ in range(250)]
    for f in ext:
        add(f, "random-pep3118")
    for _ in range(200):
        base = rng.choice(ext + order[:300])
        add(mutate(rng, base), "random-mutated")
    ct_local = ctypes_exports()
    for desc, fmt, isz, shape, err in ct_local:
        if fmt is not None:
            add(fmt, "ctypes-export")

    struct_valid_probe = [f for f in order]
    # pack_into / unpack_from / iter_unpack cases
    pack_into, unpack_from, iter_unpack = [], [], []
    for fmt, args in [("i", [5]), ("<h", [-2]), ("3s", [b"ab"]), ("qc", [7, b"z"]),
                      ("", []), ("0i", []), ("b?x", [-1, True])]:
        for buflen in (0, 4, 8, 9, 16):
            for off in (-17, -10, -9, -8, -5, -4, -3, -1, 0, 1, 4, 5, 8, 9, 16):
                pack_into.append((fmt, buflen, off, args))
                data = bytes(range(0x41, 0x41 + buflen))
                unpack_from.append((fmt, data.hex(), off))
    for fmt in ["i", "<h", "3s", "qc", "", "0i", "b?x", "B", "2x", "<d"]:
        for n in (0, 1, 2, 3, 4, 8, 9, 16, 17, 18, 24):
            iter_unpack.append((fmt, bytes(range(0x30, 0x30 + n)).hex()))
    extra_packs = [
        ("3p", [b"abcdef"]), ("p", [b"abc"]), ("0p", [b"abc"]), ("300p", [b"a" * 300]),
        ("256p", [b"b" * 255]), ("3s", [b"abcdef"]), ("0s", [b"x"]), ("P", [-1]),
        ("P", [-(2 ** 63)]), ("P", [2 ** 64]), ("P", [-(2 ** 63) - 1]), ("P", [1.0]),
        ("f", [1e300]), ("f", [-1e300]), ("f", [3.5e38]), ("<f", [1e300]), ("e", [65520.0]),
        ("<e", [65504.0]), ("<e", [65519.0]), ("<e", [2049.0]), ("<e", [2051.0]),
        ("<e", [float("nan")]), ("<e", [5.96e-8]), ("<e", [3.0e-8]), ("<e", [2.9e-8]),
        ("?", [5]), ("b", [128]), ("I", [-1]), ("i", [1.0]), ("l", [2 ** 63]),
        ("<l", [2 ** 31]), ("<L", [-1]), (">q", [2 ** 63]), ("<Q", [-1]), ("i", [2 ** 70]),
        ("2i", [1]), ("", [1]), ("x", []), ("3x", [1]), ("ii", [1, 2, 3]), ("c", [b"a"]),
        ("c", [b"\x00"]), ("d", [2 ** 70]), ("e", [2 ** 70]), ("f", [2 ** 70]),
        ("?", ["a"]), ("?", [""]), ("?", [b""]), ("s", [bytearray(b"q")]),
    ]
    extra_unpacks = [
        ("4p", "09616263"), ("1p", "05"), ("3p", "ff6162"), ("e", "007c"), (">e", "7e00"),
        ("<e", "00fc"), ("<e", "0100"), ("<e", "ff7b"), ("?", "02"), ("<?", "80"),
        ("3x", "616263"), ("P", "ffffffffffffffff"), ("N", "ffffffffffffffff"),
        ("n", "ffffffffffffffff"), ("<f", "0000c07f"), ("<f", "0100807f"),
        ("<d", "000000000000f87f"), ("<d", "010000000000f0ff"), ("<d", "0000000000000080"),
        ("c", "27"), ("c", "5c"), ("c", "80"), ("s", "22"), ("3s", "272227"), ("3s", "090a0d"),
        ("<d", "0000000000003043"), ("<d", "0000000000001043"), ("<f", "00000080"),
    ]
    req = {"task": "struct", "seed": SEED, "formats": struct_valid_probe,
           "pack_formats": [], "packs_per_format": 3, "unpacks_per_format": 2,
           "extra_packs": [(f, a) for f, a in extra_packs],
           "extra_unpacks": extra_unpacks, "pack_into": pack_into,
           "unpack_from": unpack_from, "iter_unpack": iter_unpack}
    # bytes are not JSON: send pack args typed
    req = _jsonable(req)
    probe = run_worker(dict(req, pack_formats=[], pack_into=[], unpack_from=[], iter_unpack=[],
                            extra_packs=[], extra_unpacks=[]))
    calc = probe["calcsize"]
    pack_formats = [f for f in order if calc[f][0] == "ok" and calc[f][1] <= 256]
    res = run_worker(dict(req, pack_formats=pack_formats))
    version = res["version"]
    for desc, fmt, isz, shape, err in res["ctypes"]:
        if fmt is not None and fmt not in sources:
            add(fmt, "ctypes-export-%s" % version)
    calc.update(run_worker(dict(req, formats=[f for f in order if f not in calc],
                                pack_formats=[], pack_into=[], unpack_from=[],
                                iter_unpack=[], extra_packs=[], extra_unpacks=[]))["calcsize"])

    # ---- formats.tsv
    w = Writer("formats.tsv", FORMATS_HEADER % {"struct_version": version,
                                                "py": sys.version.split()[0],
                                                "np": np.__version__, "n": len(order)})
    counts = {"accept": 0, "reject": 0, "unknown": 0}
    np_info = {}
    for fmt in order:
        st = calc[fmt]
        dt, align, np_err = numpy_oracle(fmt)
        exp, why = expectation(fmt, st, np_err)
        counts[exp] += 1
        kv = {"fmt": fmt, "src": ",".join(sources[fmt]), "expect": exp, "why": why}
        if st[0] == "ok":
            kv["struct_size"] = st[1]
        else:
            kv["struct_err"] = st[1]
        if np_err is None:
            kv["np_size"] = dt.itemsize
            kv["np_align"] = align
            leaves = np_leaves(dt)
            if len(leaves) <= 200:
                kv["np_leaves"] = ",".join("%d:%s" % lf for lf in leaves)
            if dt.names is not None:
                kv["np_names"] = "\x1f".join("%s@%d" % (n, dt.fields[n][1]) for n in dt.names)
            lenient = brace_problem(fmt)
            if lenient:
                kv["np_lenient"] = lenient
        else:
            kv["np_err"] = np_err
        np_info[fmt] = (dt, np_err)
        w.rec("format", **kv)
    w.close()

    # ---- exports.tsv
    w = Writer("exports.tsv", EXPORTS_HEADER % {"py": sys.version.split()[0],
                                                "np": np.__version__,
                                                "struct_version": version})
    for desc, fmt, isz, err in np_exp:
        kv = {"exporter": "numpy", "desc": desc}
        if fmt is None:
            kv["err"] = err
        else:
            kv.update(fmt=fmt, itemsize=isz)
            dt, np_err = np_info[fmt]
            if np_err is not None:
                kv["bug"] = "NumPy cannot re-import its own export: " + np_err
            elif dt.itemsize != isz:
                kv["bug"] = ("NumPy's parser reads %d bytes from this format, the exporter "
                             "says %d" % (dt.itemsize, isz))
        w.rec("export", **kv)
    newer = {desc: fmt for desc, fmt, isz, shape, err in res["ctypes"]}
    for ver, lst in ((sys.version.split()[0], ct_local), (version, res["ctypes"])):
        for desc, fmt, isz, shape, err in lst:
            kv = {"exporter": "ctypes-" + ver, "desc": desc}
            if fmt is None:
                kv["err"] = err
            else:
                kv.update(fmt=fmt, itemsize=isz, shape=",".join(map(str, shape)))
                dt, np_err = np_info[fmt]
                bare = strip_names(fmt)
                if "z" in bare or "<Z" in bare and "<Zf" not in bare:
                    kv["bug"] = ("ctypes emits 'z'/'Z' for char*/wchar_t* pointers, codes "
                                 "PEP 3118 does not have")
                elif "u" in bare and isz != 2 * bare.count("u"):
                    kv["bug"] = ("ctypes exports wchar_t (4 bytes on Linux) as 'u', which "
                                 "PEP 3118 defines as UCS-2 (2 bytes)")
                elif np_err is None and dt.itemsize != isz:
                    kv["bug"] = ("NumPy's parser reads %d bytes from this format, the "
                                 "exporter says %d" % (dt.itemsize, isz))
                elif ver != version and newer.get(desc) not in (None, fmt):
                    kv["bug"] = ("ctypes before 3.12 emits no padding; %s exports %s" %
                                 (version, newer[desc]))
                if np_err is None:
                    kv["np_size"] = dt.itemsize
                elif fmt == "B" and isz != 1:
                    kv["bug"] = "format 'B' does not describe the %d-byte item" % isz
            w.rec("export", **kv)
    w.close()

    # ---- struct.tsv
    w = Writer("struct.tsv", STRUCT_HEADER % {"struct_version": version})
    for r in res["records"]:
        kind = r.pop("kind")
        kv = {"fmt": r.pop("fmt")}
        if "args" in r:
            kv["args"] = " ".join(r.pop("args"))
        for k in ("buflen", "offset", "data"):
            if k in r:
                kv[k] = r.pop(k)
        note = struct_note(kind, kv, r)
        kv.update(r)
        if note:
            kv["note"] = note
        w.rec(kind, **kv)
    w.close()
    print("formats: %s; %.1fs" % (counts, __import__("time").time() - t_start))


def struct_note(kind, kv, r):
    """Mark oracle answers that memview deliberately does not reproduce."""
    if kind not in ("pack", "pack_into") or "ok" not in r:
        return None
    fmt = kv["fmt"]
    if fmt[:1] in "=<>!":
        return None
    prefix, items = struct_items(fmt)
    args = kv["args"].split(" ") if kv["args"] else []
    k = 0
    for count, code in items:
        if code == "x":
            continue
        n = 1 if code in "sp" else count
        for _ in range(n):
            a = args[k]
            k += 1
            if code == "f" and a.startswith(("f:", "i:")):
                v = (struct.unpack(">d", bytes.fromhex(a[2:]))[0] if a.startswith("f:")
                     else float(int(a[2:])))
                if not math.isinf(v) and not math.isnan(v):
                    try:
                        struct.pack("<f", v)
                    except OverflowError:
                        return ("deviation: native 'f' overflow stores inf silently in CPython "
                                "<= 3.13.0; memview raises 'float too large to pack with f "
                                "format' (DESIGN.md §1)")
    return None


def _jsonable(x):
    if isinstance(x, (bytes, bytearray)):
        return {"__bytes__": bytes(x).hex(), "bytearray": isinstance(x, bytearray)}
    if isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
        return {"__float__": repr(x)}
    if isinstance(x, dict):
        return {k: _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    return x


def _unjson(x):
    if isinstance(x, dict):
        if "__bytes__" in x:
            b = bytes.fromhex(x["__bytes__"])
            return bytearray(b) if x["bytearray"] else b
        if "__float__" in x:
            return float(x["__float__"])
        return {k: _unjson(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_unjson(v) for v in x]
    return x


FORMATS_HEADER = """\
Format strings and what the oracles say about them. Generated by scripts/gen_fixtures.py;
do not edit. %(n)s formats.
Oracles: `struct.calcsize` of CPython %(struct_version)s; NumPy %(np)s's raw PEP 3118 parser
`numpy._core._internal._dtype_from_pep3118` (no C fast path, no whitespace stripping) on
CPython %(py)s; x86-64 Linux, LP64.
Record kind `format`, keys:
  fmt          the format string
  src          where it came from: hand, numpy-corpus (numpy.md §5), per-code, numpy-export,
               ctypes-export[-<version>], random-struct, random-pep3118, random-mutated
  expect       accept | reject | unknown: what memview must do (both dialects), and
  why          the reason (an oracle accepts it; a documented NumPy leniency; a character in no
               grammar rule; ...). `unknown` = neither oracle accepts it, so only our own
               grammar decides and the conformance test asserts nothing.
  struct_size  calcsize(fmt)                       | struct_err  `ExcType: message`
  np_size      NumPy dtype itemsize                | np_err      `ExcType: message` (the cause;
  np_align     the parser's common alignment       |             NumPy wraps it in ValueError)
  np_leaves    every scalar of the dtype, flattened through sub-arrays and nested structs:
               `offset:dtype.str` comma-separated (`0:|i1,4:<i4`); void/padding omitted;
               missing when there would be more than 200
  np_names     the top-level field names of a struct dtype as `name@offset`, separated by
               U+001F (escaped as \\x1f); NumPy invents f0, f1, ... for unnamed fields
  np_lenient   set when NumPy accepts the format only through a leniency memview rejects
"""

EXPORTS_HEADER = """\
What exporters put in a buffer's `format` and `itemsize`. Generated by scripts/gen_fixtures.py.
NumPy %(np)s on CPython %(py)s; ctypes of CPython %(py)s and %(struct_version)s.
Record kind `export`, keys:
  exporter  numpy | ctypes-<python version>
  desc      the exported object (Python expression or a short description)
  fmt       memoryview(obj).format         itemsize  memoryview(obj).itemsize
  shape     memoryview(obj).shape (ctypes only), comma-separated
  err       the export failed (`ExcType: message`); no fmt/itemsize then
  bug       the exporter is known to be wrong here: the format describes a different number of
            bytes than `itemsize` (checked with NumPy's parser, or: ctypes before 3.12 omits
            padding that newer ctypes emits), or uses codes outside PEP 3118.
  np_size   (ctypes) the itemsize NumPy's parser reads from fmt, when it can
Every fmt also appears in formats.tsv with the oracles' answers.
"""

STRUCT_HEADER = """\
CPython `struct` behaviour: pack, unpack, pack_into, unpack_from, iter_unpack.
Generated by scripts/gen_fixtures.py with CPython %(struct_version)s (3.12+ wording of range
errors), x86-64 Linux. Deterministic (seeded).
Record kinds and keys:
  pack         fmt, args -> ok (hex of the packed bytes) and unpacked (repr of unpack(ok)),
               or err
  unpack       fmt, data (hex) -> ok (repr of the tuple) or err
  pack_into    fmt, buflen, offset, args; the buffer starts as buflen bytes of 0xaa ->
               ok (hex of the whole buffer afterwards) or err
  unpack_from  fmt, data (hex), offset -> ok (repr of the tuple) or err
  iter_unpack  fmt, data (hex) -> ok (repr of the list of tuples) or err
  err          `ExcType: message` (struct.error prints as `error`)
  note         `deviation: ...` where memview deliberately differs from this CPython; the
               test asserts memview's documented behaviour instead
args: space-separated typed values: `i:<decimal int>`, `f:<16 hex digits: IEEE-754 bits of a
double>`, `?:0|1` (bool), `b:<hex bytes>` (bytes), `s:<hex of UTF-8>` (a str).
"""

# ---- phase 2 main: views.tsv -------------------------------------------------------------

NUMPY_SCALAR = {"b": "i1", "B": "u1", "h": "i2", "H": "u2", "i": "i4", "I": "u4", "l": "i8",
                "L": "u8", "q": "i8", "Q": "u8", "n": "i8", "N": "u8", "P": "u8", "f": "f4",
                "d": "f8", "e": "f2", "?": "?", "c": "u1"}  # 'c' via u1: NumPy's S1 drops NULs


def numpy_dtype(fmt):
    """The NumPy dtype of a single-scalar struct format, or None."""
    import numpy as np

    prefix = fmt[0] if fmt[:1] in "@=<>!" else "@"
    code = fmt.lstrip("@=<>!")
    if len(code) != 1 or code not in NUMPY_SCALAR:
        return None
    if prefix in "=<>!" and code in "lLnNP":
        return None
    if prefix in "=<>!" and code in "lL":
        return None
    order = {"@": "=", "=": "=", "<": "<", ">": ">", "!": ">"}[prefix]
    return np.dtype(order + NUMPY_SCALAR[code])


def py_contig(shape, strides, itemsize):
    """PyBuffer_IsContiguous for C and F (no suboffsets)."""
    if 0 in shape:
        return "CF"
    out = ""
    for order, dims in (("C", list(range(len(shape)))[::-1]), ("F", range(len(shape)))):
        sd, ok = itemsize, True
        for d in dims:
            if shape[d] > 1 and strides[d] != sd:
                ok = False
                break
            sd *= shape[d]
        if ok:
            out += order
    return out or "-"


def random_subscript(rng, ndim):
    parts = []
    n = rng.randint(1, ndim + 1) if ndim else rng.randint(0, 2)
    ell = 0
    for _ in range(n):
        r = rng.random()
        if r < 0.3:
            parts.append(str(rng.randint(-4, 4)))
        elif r < 0.75:
            a = rng.choice(["", str(rng.randint(-5, 5))])
            b = rng.choice(["", str(rng.randint(-5, 5))])
            c = rng.choice(["", "", "1", "-1", "2", "-2", "3", "0"])
            parts.append(a + ":" + b + (":" + c if c else ""))
        elif r < 0.87 and ell < 2:
            parts.append("...")
            ell += 1
        else:
            parts.append("None")
    if not parts:
        return "()"
    text = ", ".join(parts)
    if len(parts) == 1 and rng.random() < 0.2:
        text += ","
    return text


def as_chars(x):
    """tolist() of a 'c' view computed through u1: ints -> 1-byte bytes."""
    if isinstance(x, list):
        return [as_chars(y) for y in x]
    return bytes([x])


class _KeyOf:
    """`_KeyOf()[text]` is the key Python builds from subscript text."""

    def __getitem__(self, key):
        return key


def numpy_select(arr, text, fmt):
    import numpy as np

    r = eval("arr[%s]" % text, {"arr": arr})
    if not isinstance(r, np.ndarray):
        # an integer-only key gives a scalar (in native byte order); ours is a 0-dim view,
        # which NumPy gives for the same key followed by '...'
        key = eval("K[%s]" % text, {"K": _KeyOf()})
        r = arr[(key if isinstance(key, tuple) else (key,)) + (Ellipsis,)]
    strides = list(r.strides)
    tl = r.tolist()
    if fmt.lstrip("@") == "c":
        tl = as_chars(tl)
    return list(r.shape), strides, r.tobytes(order="C"), repr(tl)


def main_views():
    import numpy as np

    res = run_worker({"task": "views", "seed": SEED, "n_views": 1100, "n_builds": 90})
    views, derived, builds = res["views"], res["derived"], res["builds"]
    rng = random.Random("%d:numpy-views" % SEED)
    np_select = []
    # NumPy basic indexing on every view whose format NumPy has a scalar dtype for
    for v in views:
        dt = numpy_dtype(v["fmt"])
        if dt is None:
            continue
        buf = bytes.fromhex(v["buf"])
        arr = np.ndarray(v["shape"], dt, buffer=buf, offset=v["offset"], strides=v["strides"])
        tl = as_chars(arr.tolist()) if v["fmt"].lstrip("@") == "c" else arr.tolist()
        assert repr(tl) == v["tolist"], (v["fmt"], tl, v["tolist"])
        for _ in range(3):
            text = random_subscript(rng, len(v["shape"]))
            rec = {"kind": "select", "id": v["id"], "src": "numpy", "sel": text}
            try:
                shape, strides, c, tl = numpy_select(arr, text, v["fmt"])
                rec.update(shape=shape, strides=strides, c=c.hex(), tolist=tl)
            except (IndexError, ValueError, TypeError) as e:
                rec["err"] = exc_text(e)
            np_select.append(rec)
    # views only NumPy can build: strides that are not multiples of the itemsize, odd offsets
    n0 = len(views)
    tries = 0
    while len(views) - n0 < 250 and tries < 5000:
        tries += 1
        fmt = rng.choice(["i", "h", "d", "<i", ">h", "B", "q", "f", "e", "?", ">d", "H"])
        dt = numpy_dtype(fmt)
        size = dt.itemsize
        buflen = rng.randint(size, 40)
        buf = bytes(rng.randrange(256) for _ in range(buflen))
        if fmt == "?":
            buf = bytes(b & 1 for b in buf)
        ndim = rng.choice([0, 1, 1, 2, 2, 3])
        shape = [rng.choice([0, 1, 2, 3, 4]) for _ in range(ndim)]
        strides = [rng.randint(-9, 9) for _ in range(ndim)]
        offset = rng.randrange(buflen)
        try:
            arr = np.ndarray(shape, dt, buffer=buf, offset=offset, strides=strides)
        except (ValueError, TypeError):
            continue
        if 0 not in shape:
            lo = offset + sum((d - 1) * s for d, s in zip(shape, strides) if s < 0)
            hi = offset + sum((d - 1) * s for d, s in zip(shape, strides) if s > 0) + size
            if lo < 0 or hi > buflen:
                continue  # NumPy does not check negative strides against the start
        elif offset + size > buflen:
            continue
        c = arr.tobytes(order="C")
        f = arr.tobytes(order="F")
        contig = py_contig(shape, strides, size)
        a = c if "C" in contig else (f if "F" in contig else c)
        rec = {"id": len(views), "src": "numpy", "fmt": fmt, "itemsize": size,
               "buf": buf.hex(), "shape": shape, "strides": strides, "offset": offset,
               "tolist": repr(arr.tolist()), "tolist_src": "numpy", "c": c.hex(),
               "contig": contig}
        if f != c:
            rec["f"] = f.hex()
        if a != c:
            rec["a"] = a.hex()
        views.append(rec)
        for _ in range(2):
            text = random_subscript(rng, ndim)
            srec = {"kind": "select", "id": rec["id"], "src": "numpy", "sel": text}
            try:
                s_shape, s_strides, s_c, tl = numpy_select(arr, text, fmt)
                srec.update(shape=s_shape, strides=s_strides, c=s_c.hex(), tolist=tl)
            except (IndexError, ValueError, TypeError) as e:
                srec["err"] = exc_text(e)
            np_select.append(srec)

    struct_views(rng, views, np_select)

    def lst(x):
        return ",".join(map(str, x))

    w = Writer("views.tsv", VIEWS_HEADER % {
        "flags": " ".join("%s=%#x" % f for f in REQUEST_FLAGS_MAIN),
        "py": sys.version.split()[0], "np": np.__version__})
    counts = {}
    for v in views:
        kv = dict(v)
        for k in ("shape", "strides"):
            kv[k] = lst(kv[k])
        if "hex_bps" in kv:
            kv["hex_bps"] = str(kv["hex_bps"])
        for k in ("eq_self",):
            if k in kv:
                kv[k] = str(kv[k])
        w.rec("view", **kv)
        counts["view"] = counts.get("view", 0) + 1
    for d in derived + np_select:
        kind = d.pop("kind")
        for k in ("shape", "strides", "index", "ours_shape", "ours_strides"):
            if k in d:
                d[k] = lst(d[k])
        if "cshape" in d and d["cshape"] != "none":
            d["cshape"] = lst(d["cshape"])
        if "result" in d:
            d["result"] = str(d["result"])
        w.rec(kind, **d)
        counts[kind] = counts.get(kind, 0) + 1
    for b in builds:
        size = struct.calcsize(b["fmt"])
        ok = True
        if 0 not in b["shape"]:
            lo = b["offset"] + sum((d - 1) * s for d, s in zip(b["shape"], b["strides"])
                                   if s < 0)
            hi = b["offset"] + sum((d - 1) * s for d, s in zip(b["shape"], b["strides"])
                                   if s > 0) + size
            ok = lo >= 0 and hi <= b["buflen"]
        w.rec("build", fmt=b["fmt"], buflen=b["buflen"], shape=lst(b["shape"]),
              strides=lst(b["strides"]), offset=b["offset"], err=b["err"],
              ours="ok" if ok else "err")
        counts["build"] = counts.get("build", 0) + 1
    w.close()
    print("views.tsv: %s" % counts)


def struct_views(rng, views, np_select):
    """Views of NumPy structured arrays: memview's tolist for T{...} formats (records as tuples,
    sub-arrays as lists) against ndarray.tolist()."""
    import numpy as np
    import numpy._core._internal as internal

    pool = ["i1", "u1", "<i2", ">u2", "i4", ">i4", "u4", "i8", ">u8", "f2", "f4", ">f8", "c8",
            ">c16", "S3", "U2", ">U1", "?"]

    def rand_dtype(depth):
        fields = []
        for k in range(rng.randint(1, 4)):
            if depth < 2 and rng.random() < 0.2:
                t = rand_dtype(depth + 1)
            else:
                t = np.dtype(rng.choice(pool))
            if rng.random() < 0.2:
                fields.append(("f%d" % k, t, tuple(rng.randint(1, 3)
                                                   for _ in range(rng.randint(1, 2)))))
            else:
                fields.append(("f%d" % k, t))
        return np.dtype(fields, align=rng.random() < 0.5)

    made = 0
    while made < 150:
        dt = rand_dtype(0)
        n = rng.randint(1, 5)
        shape = [n] if rng.random() < 0.7 else [n, 2]
        arr = np.zeros(shape, dt)
        raw = bytearray(rng.randrange(256) for _ in range(arr.nbytes))
        leaves = np_leaves(dt)
        for e in range(arr.size):
            base = e * dt.itemsize
            for off, ts in leaves:
                p = base + off
                if ts[1] == "U":
                    n_ch = int(ts[2:])
                    chars = [rng.randrange(0x20, 0x7F) for _ in range(rng.randint(0, n_ch))]
                    chars += [0] * (n_ch - len(chars))
                    order = "<" if ts[0] == "<" else ">"
                    raw[p:p + 4 * n_ch] = struct.pack(order + "%dI" % n_ch, *chars)
                elif ts[1] == "S":
                    n_b = int(ts[2:])
                    # no NULs: NumPy's tolist strips trailing NULs, memview keeps them (struct)
                    raw[p:p + n_b] = bytes(rng.randrange(1, 256) for _ in range(n_b))
                elif ts[1] == "b":
                    raw[p] = rng.randrange(2)
        arr = np.frombuffer(bytes(raw), dt).reshape(shape)
        if rng.random() < 0.3:
            arr = arr[::-1]
        m = memoryview(arr)
        try:
            back = internal._dtype_from_pep3118(m.format)
        except Exception:
            continue
        if back != dt or back.itemsize != m.itemsize:
            continue  # NumPy's export does not describe the item (its export bugs)
        buf = bytes(raw)
        offset = (arr.__array_interface__["data"][0] -
                  np.frombuffer(raw_holder(arr), "u1").__array_interface__["data"][0])
        # raw item bytes, padding included (NumPy's structured copies skip padding; memoryview
        # and memview copy whole items)
        raw_items = arr.view(np.dtype(("V", dt.itemsize)))
        c = raw_items.tobytes(order="C")
        f = raw_items.tobytes(order="F")
        contig = py_contig(list(arr.shape), list(arr.strides), dt.itemsize)
        a = c if "C" in contig else (f if "F" in contig else c)
        rec = {"id": len(views), "src": "numpy-struct", "fmt": m.format, "dialect": "numpy",
               "itemsize": m.itemsize, "buf": buf.hex(), "shape": list(arr.shape),
               "strides": list(arr.strides), "offset": offset,
               "tolist": repr(plain(arr.tolist())), "tolist_src": "numpy", "c": c.hex(),
               "contig": contig}
        if f != c:
            rec["f"] = f.hex()
        if a != c:
            rec["a"] = a.hex()
        views.append(rec)
        made += 1


def plain(x):
    """ndarray.tolist() of a structured array leaves sub-array fields as ndarrays: make them
    lists (what NumPy's tolist gives for a plain sub-array dtype, and what DESIGN.md §2 says)."""
    import numpy as np

    if isinstance(x, np.ndarray):
        return plain(x.tolist())
    if isinstance(x, tuple):
        return tuple(plain(y) for y in x)
    if isinstance(x, list):
        return [plain(y) for y in x]
    if isinstance(x, np.generic):
        return plain(x.item())
    return x


def raw_holder(arr):
    """The bytes object an ndarray made by frombuffer (possibly sliced) is a view of."""
    b = arr
    while b.base is not None and not isinstance(b.base, (bytes, bytearray)):
        b = b.base
    return b.base


REQUEST_FLAGS_MAIN = [
    ("SIMPLE", 0x0), ("WRITABLE", 0x1), ("FORMAT", 0x4), ("ND", 0x8), ("STRIDES", 0x18),
    ("C_CONTIGUOUS", 0x38), ("F_CONTIGUOUS", 0x58), ("ANY_CONTIGUOUS", 0x98),
    ("INDIRECT", 0x118), ("CONTIG", 0x9), ("CONTIG_RO", 0x8), ("STRIDED", 0x19),
    ("STRIDED_RO", 0x18), ("RECORDS", 0x1D), ("RECORDS_RO", 0x1C), ("FULL", 0x11D),
    ("FULL_RO", 0x11C), ("FORMAT|ND", 0xC), ("FORMAT|STRIDES", 0x1C),
    ("FORMAT|C_CONTIGUOUS", 0x3C), ("FORMAT|F_CONTIGUOUS", 0x5C),
    ("FORMAT|ANY_CONTIGUOUS", 0x9C),
]

VIEWS_HEADER = """\
N-dimensional views: CPython 3.12+ memoryview over _testbuffer.ndarray, and NumPy %(np)s
(on CPython %(py)s) basic indexing. Generated by scripts/gen_fixtures.py; do not edit.
Lists (shape, strides, index, ...) are comma-separated integers; an empty value is the empty
list (a 0-dim view). Byte strings are hex. Reprs are Python's repr.
Record kinds and keys:
  view    id (referenced by the other kinds), src (random | eq-partner: _testbuffer.ndarray
          and memoryview; numpy: np.ndarray, for strides that are not multiples of the itemsize
          and odd offsets, which _testbuffer refuses), fmt, itemsize, buf (the whole buffer),
          shape, strides, offset (byte index of element [0,...,0]) ->
          tolist (repr), tolist_src (memoryview: memoryview.tolist(); struct: every element
          unpacked with struct.unpack_from, a 1-tuple collapsed to its item, as DESIGN.md §2
          says memview decodes it; numpy: ndarray.tolist()),
          c (tobytes('C')), f (tobytes('F'), only when different from c), a (tobytes('A'),
          only when different from c), contig (PyBuffer_IsContiguous: 'C', 'F', 'CF' or '-'),
          hex_sep (empty = none), hex_bps, hex | hex_err (memoryview.hex(sep, bytes_per_sep)),
          eq_self (m == m: False when a NaN is inside),
          req: the answer of the read-only memoryview to each buffer request, in this order:
          %(flags)s
          req_rw: the answer of a writable memoryview to those of the requests that contain
          WRITABLE (the others do not depend on writability); both separated by ';',
          req_note: set where memview deliberately differs from CPython (1-D empty views with
          a stride other than the itemsize are contiguous for memview, as for
          PyBuffer_IsContiguous; req/req_rw then hold memview's expected answers); each `ok:<ndim>:<shape>:<strides>:<format>:<itemsize>:<readonly>`
          (`-` = NULL) or `E:<BufferError message>`.
  select  id, src (cpython: memoryview slicing of the first axis; numpy: arr[sel]), sel (the
          subscript text) -> shape, strides, c, tolist | err. For an integer-only key NumPy
          returns a scalar; the record is NumPy's 0-dim view `arr[sel, ...]` instead.
          NumPy does not scale the stride of an empty sliced axis by the step the way CPython
          does (memview follows CPython), so strides of zero-length axes may differ.
  get     id, index -> ok (repr of memoryview[index]) | err
  cast    id, fmt, cshape (`none` = no shape argument) -> shape, strides, format, tolist |
          err (CPython's), and where CPython refuses only for a restriction memview lifts
          (two non-byte formats, N-D -> N-D, non-native destination formats, empty views):
          ours (ok | err), ours_shape, ours_strides, ours_tolist: the same byte
          reinterpretation (C-contiguous source, byte counts match), cross-checked against
          CPython's cast('B').cast(fmt, shape) where that is possible (ours_checked).
  eq      id, other -> result (memoryview(id) == memoryview(other))
  set     id, index, args (one typed value, as in struct.tsv) -> ok (repr of tolist() of a
          writable copy after `m[index] = value`) | err; note=deviation: ... where memview
          refuses what CPython <= 3.13 stores silently (native 'f' overflow)
  assign  id, sel (a 1-D slice), src (hex of items of the same format, 1-D) -> ok (repr of
          tolist() after `m[sel] = src`) | err
  build   fmt, buflen, shape, strides, offset -> err (_testbuffer.ndarray's message, or
          `none`), ours (ok | err: whether every reachable byte is inside the buffer; memview
          does not require strides to be multiples of the itemsize)
"""


if __name__ == "__main__":
    if "--worker" in sys.argv:
        worker_main()
    else:
        main()
        main_views()
