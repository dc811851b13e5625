//! The NumPy corpus of numpy.md §5 (x86-64 Linux values) and a `struct.calcsize` table.

use super::*;

/// NumPy corpus (numpy.md §5): `(#, format, itemsize, leaf offsets)` that NumPy accepts;
/// leaf offsets flatten nested structs (not sub-arrays) to absolute offsets.
pub(super) const NUMPY_ACCEPTED: &[(u32, &str, usize, &[usize])] = &[
    (1, "?", 1, &[0]),
    (2, "c", 1, &[0]),
    (3, "b", 1, &[0]),
    (4, "B", 1, &[0]),
    (5, "h", 2, &[0]),
    (6, "H", 2, &[0]),
    (7, "i", 4, &[0]),
    (8, "I", 4, &[0]),
    (9, "l", 8, &[0]),
    (10, "L", 8, &[0]),
    (11, "q", 8, &[0]),
    (12, "Q", 8, &[0]),
    (13, "n", 8, &[0]), // accepted by NumPy's C fast path
    (14, "N", 8, &[0]), // accepted by NumPy's C fast path
    (15, "e", 2, &[0]),
    (16, "f", 4, &[0]),
    (17, "d", 8, &[0]),
    (18, "g", 16, &[0]),
    (19, "Zf", 8, &[0]),
    (20, "Zd", 16, &[0]),
    (21, "Zg", 32, &[0]),
    (22, "s", 1, &[0]),
    (23, "4s", 4, &[0]),
    (24, "0s", 0, &[0]),
    (25, "w", 4, &[0]),
    (26, "3w", 12, &[0]),
    (27, "O", 8, &[0]),
    (28, "x", 1, &[]),
    (29, "4c", 4, &[0, 1, 2, 3]), // top-level count: separate fields
    (30, "@i", 4, &[0]),
    (31, "=i", 4, &[0]),
    (32, "<i", 4, &[0]),
    (33, ">i", 4, &[0]),
    (34, "!i", 4, &[0]),
    (35, "^i", 4, &[0]),
    (36, "=l", 4, &[0]),
    (37, "<q", 8, &[0]),
    (38, ">Zd", 16, &[0]),
    (39, "<e", 2, &[0]),
    (40, ">4w", 16, &[0]),
    (41, ">O", 8, &[0]),
    (57, "", 0, &[]),
    (60, "<>i", 4, &[0]), // accepted by NumPy's C fast path
    (62, "2i", 8, &[0, 4]), // top-level count: separate fields
    (63, "1i", 4, &[0]),
    (64, "0i", 0, &[]), // top-level count: separate fields
    (65, "(3)i", 12, &[0]),
    (66, "(2,3)i", 24, &[0]),
    (67, "(2)3i", 24, &[0]),
    (68, "( 2 , 3 )i", 24, &[0]),
    (69, "(0)i", 0, &[0]),
    (74, "(3)<i", 12, &[0]),
    (77, "bi", 8, &[0, 4]),
    (78, "@bi", 8, &[0, 4]),
    (79, "=bi", 5, &[0, 1]),
    (80, "<bi", 5, &[0, 1]),
    (81, ">bi", 5, &[0, 1]),
    (82, "^bi", 5, &[0, 1]),
    (83, "bd", 16, &[0, 8]),
    (84, "=bd", 9, &[0, 1]),
    (85, "ib", 8, &[0, 4]),
    (86, "=ib", 5, &[0, 4]),
    (87, "bg", 32, &[0, 16]),
    (88, "bZf", 12, &[0, 4]),
    (89, "bZd", 24, &[0, 8]),
    (90, "bO", 16, &[0, 8]),
    (91, "b3w", 16, &[0, 4]),
    (92, "be", 4, &[0, 2]),
    (93, "bq", 16, &[0, 8]),
    (94, "bl", 16, &[0, 8]),
    (95, "=bl", 5, &[0, 1]),
    (96, "bxi", 8, &[0, 4]),
    (97, "b3xi", 8, &[0, 4]),
    (98, "ix", 8, &[0]),
    (99, "i7x", 12, &[0]),
    (100, "^ix", 5, &[0]),
    (101, "bx:pad:i", 8, &[0, 4]),
    (102, "b@i", 8, &[0, 4]),
    (103, "=b@i", 8, &[0, 4]),
    (104, "b=i", 5, &[0, 1]),
    (105, "@ib=b", 6, &[0, 4, 5]),
    (106, "b:a:>d:b:@i:c:", 16, &[0, 1, 12]),
    (107, "i:a:d:b:", 16, &[0, 8]),
    (108, "i:my field:d: x :", 16, &[0, 8]),
    (109, "i:ü:", 4, &[0]),
    (110, "i::", 4, &[0]),
    (113, "ii:f0:", 8, &[0, 4]),
    (114, "i:f0:i", 8, &[0, 4]),
    (115, "i:a:i", 8, &[0, 4]),
    (116, "i i", 8, &[0, 4]),
    (117, "T{}", 0, &[]),
    (118, "T{i}", 4, &[0]),
    (119, "T{i:a:}", 4, &[0]),
    (120, "T{b:a:i:b:}", 8, &[0, 4]),
    (121, "T{ib}b", 12, &[0, 4, 8]),
    (122, "T{b:a:i:b:}:s:b:c:", 12, &[0, 4, 8]),
    (123, "bT{bi}", 12, &[0, 4, 8]),
    (124, "2T{ib}", 16, &[0, 4, 8, 12]), // top-level count: separate fields
    (125, "3T{b}", 3, &[0, 1, 2]), // top-level count: separate fields
    (126, "(2)T{ib}b", 20, &[0, 16]),
    (127, "(3)T{ix}", 24, &[0]),
    (128, "x3T{xi}", 28, &[8, 16, 24]), // top-level count: separate fields
    (129, "^x3T{xi}", 16, &[2, 7, 12]), // top-level count: separate fields
    (130, "(2,2)T{b:x:i:y:}:pts:", 32, &[0]),
    (131, "T{b:a:(2)i:b:}:s:b:c:", 16, &[0, 4, 12]),
    (132, "T{i:a:T{d:x:}:n:}:outer:", 16, &[0, 8]),
    (133, "T{T{b}}i", 8, &[0, 4]),
    (134, "T{}i", 4, &[0]),
    (135, "bT{}i", 8, &[0, 4]),
    (136, "T{<i:a:>h:b:}", 6, &[0, 4]),
    (137, "T{<b}i", 5, &[0, 1]),
    (138, "T{=b}@i", 8, &[0, 4]),
    (139, "T{i=b}", 5, &[0, 4]),
    (140, "@T{^i}xi", 9, &[0, 5]),
    (141, "=T{@ib}b", 12, &[0, 4, 8]),
    (142, "T{>i:a:d:b:}", 12, &[0, 4]),
    (143, "!T{h:a:q:b:}", 10, &[0, 2]),
    (144, "T{b:a:xxxi:b:T{b:f0:=i:f1:}:sub:xxxi:c:}", 20, &[0, 4, 8, 9, 16]),
    (145, "T{b:a:=h:b:i:c:q:d:q:dx:B:e:@H:f:=I:g:Q:h:Q:hx:f:i:d:j:^g:k:=Zf:ix:Zd:jx:^Zg:kx:4s:l:=4w:m:3x:n:?:o:@e:p:}", 156, &[0, 1, 3, 7, 15, 23, 24, 26, 30, 38, 46, 50, 58, 74, 82, 98, 130, 134, 153, 154]),
    (146, "T{T{i:a:b:b:}:s:xxxb:c:}", 12, &[0, 4, 11]),
    (153, "T{?:flag:e:half:}", 4, &[0, 2]),
    (154, "Zf:re:Zd:im:", 24, &[0, 8]),
    (155, "10s10w", 52, &[0, 12]),
    (156, "?2?", 3, &[0, 1, 2]), // top-level count: separate fields
];

/// NumPy corpus entries that are errors for us too (NumPy's error, or why we reject its leniency).
pub(super) const NUMPY_REJECTED: &[(u32, &str)] = &[
    (50, "t"),     // NotImplementedError: Unrepresentable PEP 3118 data type 't' (bitfields)
    (52, "Ze"),    // NumPy leniency: fast-path bug: Z ignored
    (53, "Zb"),    // NumPy leniency: fast-path bug: Z ignored
    (54, "Z"),     // KeyError: 'Z'
    (55, "k"),     // ValueError: Unknown PEP 3118 data type specifier 'k'
    (56, "-1i"),   // ValueError: Unknown PEP 3118 data type specifier '-1i'
    (59, "i<"),    // NumPy leniency: fast path applies a trailing byte order
    (61, "bi<"),   // IndexError: string index out of range
    (70, "()i"),   // ValueError: invalid literal for int() with base 10: ''
    (71, "(2,)i"), // ValueError: invalid literal for int() with base 10: ''
    (72, "(2"),    // ValueError: substring not found
    (76, "99999999999999999999i"), // ValueError: invalid shape in fixed-type tuple.
    (111, "i:a:i:a:"), // RuntimeError: Duplicate field name 'a' in PEP3118 format
    (112, "i:a"),  // ValueError: substring not found
    (147, "T{i"),  // NumPy leniency: unterminated struct
    (148, "i}garbage"), // NumPy leniency: text after a top-level }
    (149, "}"),    // NumPy leniency: stray } at top level
    (150, ":a:i"), // ValueError: Unknown PEP 3118 data type specifier ':a:i'
];

/// NumPy corpus entries NumPy rejects and we accept (a deliberate superset), with our itemsize.
pub(super) const NUMPY_SUPERSET: &[(u32, &str, usize)] = &[
    (58, "<", 0),    // a lone prefix is the empty format, as in struct (calcsize('<') == 0)
    (42, "<g", 16),  // native-only code under <
    (43, "=Zg", 32), // native-only code under =
    (44, "<n", 8),   // native-only code under <
    (45, "p", 1),    // Pascal string (struct)
    (46, "P", 8),    // void* (struct)
    (47, "10p", 10), // Pascal string
    (48, "u", 2),    // UCS-2 (PEP 3118)
    (49, "&i", 8),   // pointer
    (51, "X{}", 8),  // function pointer
    (73, "<(3)i", 12), // byte order before shape (gh-9049)
    (75, "(2)(3)i", 24), // several shapes join (gh-9049)
    (151, "T{u}", 2), // UCS-2 in a struct
    (152, "T{n:a:}", 8), // n inside a struct
];

/// `struct.calcsize` on CPython 3.11 x86-64 Linux.
pub(super) const STRUCT_CALCSIZE: &[(&str, usize)] = &[
    ("ci", 8),
    ("ic", 5),
    ("ic0i", 8),
    ("c0i", 4),
    ("ci0c", 8),
    ("bq", 16),
    ("hq", 16),
    ("iq", 16),
    ("cd", 16),
    ("ce", 4),
    ("cP", 16),
    ("cN", 16),
    ("lc", 9),
    ("ll", 16),
    ("xi", 8),
    ("3xi", 8),
    ("si", 8),
    ("3si", 8),
    ("bxh", 4),
    ("hc0h", 4),
    ("h0c", 2),
    ("c0s", 1),
    ("2c0d", 8),
    ("qc", 9),
    ("qc0q", 16),
    ("ib", 5),
    ("ix", 5),
    ("i7x", 11),
    ("<lc", 5),
    ("=lc", 5),
    ("!lc", 5),
    ("=ci", 5),
    ("", 0),
    ("@llh0l", 24),
    ("< i", 4),
    ("c 3i", 16),
    ("i ", 4),
    (" i", 4),
    ("\t i\n", 4),
    ("0s", 0),
    ("0p", 0),
    ("10s", 10),
    ("3p", 3),
    ("=?", 1),
    ("<e", 2),
    (">d", 8),
    ("!Q", 8),
    ("@n", 8),
    ("N", 8),
    ("P", 8),
    ("Pc", 9),
    ("9223372036854775807x", 9223372036854775807),
    ("2h3x4i", 24),
    ("=bhiq", 15),
    ("<qQlLiIhHbB?cefd", 54),
    ("@qQlLiIhHbB?cefdnNP", 88),
    ("bhiqnNPfde?", 59),
    ("5s3p2c", 10),
    ("0q", 0),
    ("b0q", 8),
    ("b0qb", 9),
    ("i0s", 4),
    ("hh0i", 4),
    ("e0d", 8),
    ("=c5B", 6),
    ("=5H3e0pBc", 18),
    (">i1lp2ph", 13),
    ("Hds1en", 32),
    ("=fii2s", 14),
    ("<lb3h", 11),
    ("=e0p", 2),
    (">qf0I", 12),
    ("<clf3q3q0d", 57),
    ("?Q", 16),
    ("<3Q?p3q", 50),
    ("!?1ixh", 8),
    ("=3pLs", 8),
    (">cpQdc1f", 23),
    ("@c", 1),
    ("d", 8),
    ("bpP", 16),
    ("=d3fl", 24),
    ("2Ih", 10),
    (">5q", 40),
    ("@xlbIhi", 32),
    (">LHQi3q", 42),
    ("!I", 4),
    ("<5qqq", 56),
    ("3He", 8),
    (">dqbBH", 20),
    ("<L3f", 16),
    ("<h1x3?dq5?", 27),
    ("?HH1ls", 17),
    ("=?2fs", 10),
    ("<1sfx?3B", 10),
    (">s", 1),
    (">Bc2csx", 6),
    ("fHNe", 18),
    (">IH", 6),
    ("<Qb", 9),
    ("!HB", 3),
    ("@q1N0Qhi3f", 36),
    ("<qq5f", 36),
    ("<2ssBiB2c", 11),
    ("@nId", 24),
    (">L0hb0bb", 6),
    (">0f5e", 10),
    ("=5ih1HlH", 30),
    ("=h0I0sH", 4),
    (">3BepQ", 14),
    (">i?q", 13),
    ("2n0Q", 16),
    (">ich0ILp", 12),
    ("=2Hx", 5),
    ("=2six0?", 7),
    ("<0li5?Qd", 25),
    ("@P5Pf", 52),
    ("@sxsP0c", 16),
    ("@BNP5ixb", 46),
    ("!bbd0I1i", 14),
    ("!dblH1L2?", 21),
    ("2Be5lN", 56),
    ("0e3bNQ1b", 25),
];

#[test]
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
fn numpy_corpus_accepted() {
    for &(n, text, itemsize, expected) in NUMPY_ACCEPTED {
        let f = np(text);
        assert_eq!(f.itemsize(), itemsize, "#{n} {text:?} itemsize");
        let mut got = Vec::new();
        leaves(f.fields(), 0, &mut got);
        assert_eq!(got, expected, "#{n} {text:?} offsets");
    }
}

#[test]
fn numpy_corpus_rejected() {
    for &(n, text) in NUMPY_REJECTED {
        assert!(
            Format::parse_with(text, Dialect::NumPy).is_err(),
            "#{n} {text:?} should be an error"
        );
    }
}

#[test]
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
fn numpy_corpus_superset() {
    for &(n, text, itemsize) in NUMPY_SUPERSET {
        assert_eq!(np(text).itemsize(), itemsize, "#{n} {text:?}");
    }
}

#[test]
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
fn struct_calcsize() {
    for &(text, expected) in STRUCT_CALCSIZE {
        assert_eq!(size(text), expected, "{text:?}");
    }
}
