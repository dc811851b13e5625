//! The public view API against CPython's answers (cpython.md §7 oracle table and §3), and the
//! value-level operations (`get`, `tolist`, `==`, `set`, `assign`, `fill`).

use crate::value::Value;

use super::*;

fn list(items: &[i128]) -> Value {
    Value::List(items.iter().map(|&i| Value::Int(i)).collect())
}

fn m2(buf: &[u8]) -> MemoryView<'_> {
    // memoryview(bytes(range(6))).cast('B', [2, 3])
    MemoryView::new(buf).cast("B", Some(&[2, 3])).unwrap()
}

#[test]
fn new_is_a_1d_byte_view() {
    let buf = b"QUANTRIMANG";
    let mv = MemoryView::new(buf);
    assert_eq!(mv.format().as_str(), "B");
    assert_eq!((mv.itemsize(), mv.ndim(), mv.len()), (1, 1, Ok(11)));
    assert_eq!(
        (mv.shape(), mv.strides(), mv.offset()),
        (&[11][..], &[1][..], 0)
    );
    assert_eq!(mv.nbytes(), 11);
    assert!(mv.readonly());
    assert!(mv.is_c_contiguous() && mv.is_f_contiguous() && mv.is_contiguous());
    assert_eq!(mv.get(&[0]), Ok(Value::Int(81)));
    assert_eq!(mv.select("0:2").unwrap().to_bytes(Order::C), b"QU");
    assert_eq!(mv.select(":3").unwrap().to_list(), Ok(list(&[81, 85, 65])));
    assert_eq!(mv.buffer().unwrap(), buf);
}

#[test]
fn from_parts_validates() {
    let buf: Vec<u8> = (0..6).collect();
    let v = MemoryView::from_parts(&buf, "B", &[3], Some(&[-2]), 4).unwrap();
    assert_eq!(v.to_list(), Ok(list(&[4, 2, 0])));
    assert_eq!(
        MemoryView::from_parts(&buf, "B", &[2, 4], None, 0).unwrap_err(),
        ViewError::OutOfBounds {
            start: 0,
            end: 8,
            len: 6
        }
    );
    assert!(matches!(
        MemoryView::from_parts(&buf, "T{i", &[1], None, 0),
        Err(ViewError::Format(_))
    ));
    let e = MemoryView::from_parts_with_itemsize(&buf, "i", 2, &[1], None, 0).unwrap_err();
    assert_eq!(
        e,
        ViewError::ItemsizeTooSmall {
            itemsize: 2,
            format_size: 4
        }
    );
    assert_eq!(
        e.to_string(),
        "itemsize 2 is smaller than the format's size 4"
    );
    assert_eq!(
        MemoryView::from_parts(&buf, "", &[1], None, 0).unwrap_err(),
        ViewError::ItemsizeZero
    );
    assert_eq!(
        MemoryView::from_parts(&buf, "B", &[1; 65], None, 0).unwrap_err(),
        ViewError::TooManyDimensions { ndim: 65 }
    );
    assert!(matches!(
        MemoryView::from_parts(&buf, "B", &[usize::MAX, 2], None, 0),
        Err(ViewError::SizeOverflow { .. })
    ));
    assert!(matches!(
        MemoryView::from_parts(&buf, "B", &[2], Some(&[isize::MIN]), 5),
        Err(ViewError::OutOfBounds { .. })
    ));
    // Padded items: itemsize 8 for 'i' (NumPy-style trailing padding).
    let buf: Vec<u8> = [1i32.to_ne_bytes(), [9; 4], 2i32.to_ne_bytes(), [9; 4]].concat();
    let v = MemoryView::from_parts_with_itemsize(&buf, "i", 8, &[2], None, 0).unwrap();
    assert_eq!((v.itemsize(), v.strides()), (8, &[8][..]));
    assert_eq!(v.to_list(), Ok(list(&[1, 2])));
    assert_eq!(v.to_bytes(Order::C), buf);
}

#[test]
fn oracle_indexing() {
    let m = MemoryView::new(b"abc");
    // 20: m[3], m[-4]
    assert_eq!(
        m.get(&[3]).unwrap_err().to_string(),
        "index 3 is out of bounds for axis 0 with size 3"
    );
    assert!(m.get(&[-4]).is_err());
    // 23: m[0, 0] on 1-D
    assert_eq!(
        m.get(&[0, 0]).unwrap_err().to_string(),
        "cannot index 1-dimension view with 2 indices"
    );
    // 24: m[(0,)], m[-1]
    assert_eq!(m.get(&[0]), Ok(Value::Int(97)));
    assert_eq!(m.get(&[-1]), Ok(Value::Int(99)));
    // 26: m[1:1:-1] and m[1:1] are contiguous (empty): beyond CPython's 1-D flag.
    assert!(m.select("1:1:-1").unwrap().is_c_contiguous());
    assert_eq!(m.select("1:1:-1").unwrap().strides(), &[-1]);
    let buf: Vec<u8> = (0..6).collect();
    let m2 = m2(&buf);
    // 27: m2[1, 2]; m2[0] is a sub-view here.
    assert_eq!(m2.get(&[1, 2]), Ok(Value::Int(5)));
    assert_eq!(m2.select("0").unwrap().to_list(), Ok(list(&[0, 1, 2])));
    // 28: m2[:, 0], m2[:, :]
    assert_eq!(m2.select(":, 0").unwrap().to_list(), Ok(list(&[0, 3])));
    assert_eq!(m2.select(":, :").unwrap().to_list(), m2.to_list());
    // 29
    assert_eq!(
        m2.select("0:1").unwrap().to_list(),
        Ok(Value::List(vec![list(&[0, 1, 2])]))
    );
    assert_eq!(
        m2.select("::-1").unwrap().to_list(),
        Ok(Value::List(vec![list(&[3, 4, 5]), list(&[0, 1, 2])]))
    );
    // 30
    assert_eq!(m2.to_bytes(Order::F), [0, 3, 1, 4, 2, 5]);
    assert_eq!(
        "X".parse::<Order>().unwrap_err().to_string(),
        "order must be 'C', 'F' or 'A', not \"X\""
    );
    // 31, 32: 0-dim
    let z = MemoryView::new(b"a").cast("B", Some(&[])).unwrap();
    assert_eq!(z.ndim(), 0);
    assert_eq!(z.get(&[]), Ok(Value::Int(97)));
    assert_eq!(z.to_list(), Ok(Value::Int(97)));
    assert_eq!(z.select("...").unwrap().shape(), &[] as &[usize]);
    assert_eq!(z.select("()").unwrap().ndim(), 0);
    assert_eq!(z.len(), Err(ViewError::NoLength));
    assert_eq!(
        z.len().unwrap_err().to_string(),
        "0-dim memory has no length"
    );
    assert_eq!(z.iter().unwrap_err(), ViewError::NoLength);
    assert_eq!(
        z.select("0").unwrap_err(),
        ViewError::TooManyIndices { ndim: 0, given: 1 }
    );
    // 65
    let v = MemoryView::from_parts(&buf, "B", &[3], Some(&[-2]), 4).unwrap();
    assert_eq!(v.to_list(), Ok(list(&[4, 2, 0])));
}

#[test]
fn multi_dimensional_selection() {
    let buf: Vec<u8> = (0..24).collect();
    let x = MemoryView::from_parts(&buf, "B", &[2, 3, 4], None, 0).unwrap();
    let s = x.select("1:, ::-2, ...").unwrap();
    assert_eq!((s.shape(), s.strides()), (&[1, 2, 4][..], &[12, -8, 1][..]));
    assert_eq!(s.to_bytes(Order::C), [20, 21, 22, 23, 12, 13, 14, 15]);
    let s = x.select("0, None").unwrap();
    assert_eq!((s.shape(), s.strides()), (&[1, 3, 4][..], &[0, 4, 1][..]));
    let s = x.select("..., 1").unwrap();
    assert_eq!(s.shape(), &[2, 3]);
    assert_eq!(s.to_bytes(Order::C), [1, 5, 9, 13, 17, 21]);
    let s = x.select("-1, -1, -1").unwrap();
    assert_eq!((s.ndim(), s.get(&[])), (0, Ok(Value::Int(23))));
    let s = x
        .select_with(&[
            SliceArg::NewAxis,
            1.into(),
            (..2).into(),
            SliceArg::Ellipsis,
            SliceArg::NewAxis,
        ])
        .unwrap();
    assert_eq!(s.shape(), &[1, 2, 4, 1]);
    assert_eq!(s.to_bytes(Order::C), (12..20).collect::<Vec<u8>>());
    // iteration over the first axis
    let rows: Vec<Vec<u8>> = x
        .iter()
        .unwrap()
        .map(|row| row.to_bytes(Order::C))
        .collect();
    assert_eq!(rows, [(0..12).collect::<Vec<u8>>(), (12..24).collect()]);
    let items: Vec<Value> = MemoryView::new(b"ab")
        .iter()
        .unwrap()
        .map(|v| v.get(&[]).unwrap())
        .collect();
    assert_eq!(items, [Value::Int(97), Value::Int(98)]);
    // transpose / permute / reshape
    let t = x.transpose();
    assert_eq!((t.shape(), t.strides()), (&[4, 3, 2][..], &[1, 4, 12][..]));
    assert!(t.is_f_contiguous() && !t.is_c_contiguous());
    assert_eq!(t.to_bytes(Order::A), buf);
    assert_eq!(t.to_bytes(Order::C), x.to_bytes(Order::F));
    let p = x.permute_axes(&[1, 0, 2]).unwrap();
    assert_eq!(p.shape(), &[3, 2, 4]);
    let r = x.reshape(&[4, 6]).unwrap();
    assert_eq!((r.shape(), r.strides()), (&[4, 6][..], &[6, 1][..]));
    assert_eq!(
        t.reshape(&[24]).unwrap_err(),
        ViewError::ReshapeNotContiguous
    );
}

#[test]
fn oracle_casts() {
    // 38: '<i' is accepted here (beyond CPython), 46: '@i' keeps its '@'.
    let b = MemoryView::new(b"abcd");
    assert_eq!(b.cast("<i", None).unwrap().shape(), &[1]);
    let c = b.cast("@i", None).unwrap();
    assert_eq!(
        (c.format().as_str(), c.itemsize(), c.shape()),
        ("@i", 4, &[1][..])
    );
    // 39: non-byte -> non-byte is allowed here.
    let h = b.cast("i", None).unwrap().cast("h", None).unwrap();
    assert_eq!((h.shape(), h.strides()), (&[2][..], &[2][..]));
    // 40, 41
    assert_eq!(
        MemoryView::new(b"abc").cast("i", None).unwrap_err(),
        ViewError::CastLengthNotMultiple {
            nbytes: 3,
            itemsize: 4
        }
    );
    assert_eq!(
        b.cast("i", Some(&[2])).unwrap_err(),
        ViewError::CastShapeMismatch {
            shape: vec![2],
            itemsize: 4,
            nbytes: 4
        }
    );
    // 42: 2-D -> 2-D is allowed here.
    let buf: Vec<u8> = (0..6).collect();
    let m2 = m2(&buf);
    let r = m2.cast("B", Some(&[3, 2])).unwrap();
    assert_eq!((r.shape(), r.strides()), (&[3, 2][..], &[2, 1][..]));
    // 43
    assert_eq!(
        MemoryView::new(b"abc")
            .select("::2")
            .unwrap()
            .cast("B", None)
            .unwrap_err(),
        ViewError::CastNotContiguous
    );
    // 44: empty views cast here.
    let e = MemoryView::new(b"");
    assert_eq!(e.cast("i", None).unwrap().shape(), &[0]);
    assert_eq!(
        e.cast("B", Some(&[1])).unwrap_err(),
        ViewError::CastShapeMismatch {
            shape: vec![1],
            itemsize: 1,
            nbytes: 0
        }
    );
    assert_eq!(e.cast("d", Some(&[0, 3])).unwrap().shape(), &[0, 3]);
    // 45
    assert_eq!(
        MemoryView::new(b"a").cast("B", Some(&[1; 65])).unwrap_err(),
        ViewError::TooManyDimensions { ndim: 65 }
    );
    // 48: c_int(5) -> B -> i (ctypes exports the native order explicitly: '<i' on
    // little-endian hosts, '>i' on big-endian ones)
    let five = 5i32.to_ne_bytes();
    let native = if cfg!(target_endian = "little") {
        "<i"
    } else {
        ">i"
    };
    let ci = MemoryView::from_parts(&five, native, &[], None, 0).unwrap();
    assert_eq!(ci.to_list(), Ok(Value::Int(5)));
    assert_eq!(ci.cast("B", None).unwrap().shape(), &[4]);
    assert_eq!(
        ci.cast("B", None)
            .unwrap()
            .cast("i", None)
            .unwrap()
            .to_list(),
        Ok(list(&[5]))
    );
    // N-D -> 1-D keeps CPython's strides.
    let buf: Vec<u8> = (0..24).collect();
    let x = MemoryView::from_parts(&buf, "B", &[2, 3, 4], None, 0).unwrap();
    let i = x.cast("i", Some(&[2, 3])).unwrap();
    assert_eq!(
        (i.shape(), i.strides(), i.nbytes()),
        (&[2, 3][..], &[12, 4][..], 24)
    );
    // Struct formats.
    let s = x.cast("hhi", None).unwrap();
    assert_eq!((s.shape(), s.itemsize()), (&[3][..], 8));
    let Value::List(items) = s.to_list().unwrap() else {
        panic!("not a list")
    };
    assert_eq!(items.len(), 3);
    assert_eq!(
        items[0],
        Value::Tuple(vec![
            Value::Int(i16::from_ne_bytes([0, 1]).into()),
            Value::Int(i16::from_ne_bytes([2, 3]).into()),
            Value::Int(i32::from_ne_bytes([4, 5, 6, 7]).into()),
        ])
    );
}

#[test]
fn oracle_tobytes_hex() {
    let buf: Vec<u8> = (0..6).collect();
    // 72: an F-contiguous 2x3 view.
    let f = MemoryView::from_parts(&buf, "B", &[2, 3], Some(&[1, 2]), 0).unwrap();
    assert_eq!(f.to_bytes(Order::A), [0, 1, 2, 3, 4, 5]);
    assert_eq!(f.to_bytes(Order::C), [0, 2, 4, 1, 3, 5]);
    // 64
    let h = MemoryView::new(&[0xb9, 0x01, 0xef]);
    assert_eq!(h.hex(Some(':'), -2).unwrap(), "b901:ef");
    assert_eq!(h.hex(Some(':'), 2).unwrap(), "b9:01ef");
    assert_eq!(m2(&buf).hex(Some('-'), 2).unwrap(), "0001-0203-0405");
    assert_eq!(MemoryView::new(b"abc").hex(None, 1).unwrap(), "616263");
    assert_eq!(
        MemoryView::new(b"abc")
            .select("::-1")
            .unwrap()
            .hex(None, 0)
            .unwrap(),
        "636261"
    );
}

#[test]
fn oracle_equality() {
    let ints: Vec<u8> = [1i32, 2].iter().flat_map(|i| i.to_ne_bytes()).collect();
    let doubles: Vec<u8> = [1f64, 2.0].iter().flat_map(|d| d.to_ne_bytes()).collect();
    let i = MemoryView::from_parts(&ints, "i", &[2], None, 0).unwrap();
    let d = MemoryView::from_parts(&doubles, "d", &[2], None, 0).unwrap();
    // 52
    assert!(i == d);
    // 51: NaN
    let nan = f64::NAN.to_ne_bytes();
    let n = MemoryView::from_parts(&nan, "d", &[1], None, 0).unwrap();
    assert!(n != n.clone());
    // 53: 'c' never equals ints.
    let ab = MemoryView::new(b"ab");
    assert!(ab.cast("c", None).unwrap() != ab);
    assert!(ab.cast("c", None).unwrap() == ab.cast("c", None).unwrap());
    // 54: '?' raw path vs struct path.
    let two = MemoryView::new(b"\x02");
    let one = MemoryView::new(b"\x01");
    assert!(two.cast("?", None).unwrap() == one);
    assert!(two.cast("?", None).unwrap() != one.cast("?", None).unwrap());
    assert!(two.cast("<?", None).unwrap() == one.cast("<?", None).unwrap());
    // b'\xff' as 'b' vs 'B'
    let ff = MemoryView::new(b"\xff");
    assert!(ff.cast("b", None).unwrap() != ff);
    // 56: shapes equal up to the first zero.
    let e1 = MemoryView::from_parts(b"", "B", &[1, 0, 5], None, 0).unwrap();
    let e2 = MemoryView::from_parts(b"", "B", &[1, 0, 7], None, 0).unwrap();
    assert!(e1 == e2);
    let e3 = MemoryView::from_parts(b"", "B", &[2, 0, 5], None, 0).unwrap();
    assert!(e1 != e3);
    // No broadcasting, 1-D never equals 2-D.
    let buf: Vec<u8> = (0..6).collect();
    assert!(m2(&buf) != MemoryView::new(&buf));
    assert!(m2(&buf) == MemoryView::from_parts(&buf, "B", &[2, 3], None, 0).unwrap());
    // '<i' vs '>i' with equal values; struct formats compare by value.
    let le = 7i32.to_le_bytes();
    let be = 7i32.to_be_bytes();
    assert!(
        MemoryView::from_parts(&le, "<i", &[1], None, 0).unwrap()
            == MemoryView::from_parts(&be, ">i", &[1], None, 0).unwrap()
    );
    let ii = MemoryView::from_parts(&ints, "ii", &[1], None, 0).unwrap();
    let ll: Vec<u8> = [1i64, 2].iter().flat_map(|i| i.to_ne_bytes()).collect();
    let ll = MemoryView::from_parts(&ll, "qq", &[1], None, 0).unwrap();
    assert!(ii == ll);
    // Strided and reversed views compare by value.
    let rev = MemoryView::new(b"cba").select("::-1").unwrap();
    assert!(rev == MemoryView::new(b"abc"));
}

#[test]
fn writing() {
    let mut data = *b"QUANTRIMANG";
    let mut mv = MemoryViewMut::new(&mut data);
    assert!(!mv.readonly());
    mv.set(&[1], 85).unwrap();
    mv.set(&[-1], 0x5a).unwrap();
    // 34: range and type errors.
    let e = mv.set(&[0], 256).unwrap_err();
    assert!(matches!(e, ViewError::InvalidValue { .. }));
    assert_eq!(
        e.to_string(),
        "memoryview: invalid value for format 'B': 'B' format requires 0 <= number <= 255 (got int 256)"
    );
    let e = mv.set(&[0], "a").unwrap_err();
    assert!(
        e.to_string()
            .starts_with("memoryview: invalid type for format 'B'"),
        "{e}"
    );
    assert_eq!(
        mv.set(&[11], 1).unwrap_err(),
        ViewError::IndexOutOfBounds {
            axis: 0,
            index: 11,
            size: 11
        }
    );
    assert_eq!(mv.to_bytes(Order::C), b"QUANTRIMANZ");
    // 35/36: structure mismatch.
    let e = mv.assign("0:2", &MemoryView::new(b"xyz")).unwrap_err();
    assert_eq!(
        e,
        ViewError::AssignShapeMismatch {
            dst: vec![2],
            src: vec![3]
        }
    );
    assert!(e
        .to_string()
        .starts_with("memoryview assignment: lvalue and rvalue have different structures"));
    mv.assign("::2", &MemoryView::new(b"abcdef")).unwrap();
    assert_eq!(mv.to_bytes(Order::C), b"aUbNcRdMeNf");
    drop(mv);
    // memmove semantics within one buffer: mb[1:5] = mb[0:4]
    let mut data = *b"abcdef";
    let mut mv = MemoryViewMut::new(&mut data);
    mv.assign_within("1:5", "0:4").unwrap();
    assert_eq!(mv.to_bytes(Order::C), b"aabcdf");
    mv.assign_within(":", "::-1").unwrap();
    assert_eq!(mv.to_bytes(Order::C), b"fdcbaa");
    assert!(mv.assign_within(":2", ":3").is_err());
    drop(mv);
    assert_eq!(&data, b"fdcbaa");
    // Both contiguous (the memmove path), overlapping either way, 2-D rows, and empty.
    let mut data: Vec<u8> = (0..12).collect();
    let mut mv = MemoryViewMut::new(&mut data);
    mv.assign_within("0:8", "4:12").unwrap();
    assert_eq!(
        mv.to_bytes(Order::C),
        [4, 5, 6, 7, 8, 9, 10, 11, 8, 9, 10, 11]
    );
    mv.assign_within("3:11", "1:9").unwrap();
    assert_eq!(
        mv.to_bytes(Order::C),
        [4, 5, 6, 5, 6, 7, 8, 9, 10, 11, 8, 11]
    );
    mv.assign_within("5:5", "0:0").unwrap();
    assert!(mv.assign_within("0:3", "0:4").is_err());
    let mut m2 = mv.cast_mut("B", Some(&[3, 4])).unwrap();
    m2.assign_within("1:3", "0:2").unwrap();
    assert_eq!(m2.to_bytes(Order::C), [4, 5, 6, 5, 4, 5, 6, 5, 6, 7, 8, 9]);
    drop(m2);
    drop(mv);
    // Formats must be equivalent.
    let mut words = [0u8; 8];
    let mut w = MemoryViewMut::from_parts(&mut words, "i", &[2], None, 0).unwrap();
    let src: Vec<u8> = [7i64].iter().flat_map(|i| i.to_ne_bytes()).collect();
    let l = MemoryView::from_parts(&src, "q", &[1], None, 0).unwrap();
    let e = w.assign("0:1", &l).unwrap_err();
    assert_eq!(
        e,
        ViewError::AssignFormatMismatch {
            dst: "i".into(),
            dst_itemsize: 4,
            src: "q".into(),
            src_itemsize: 8
        }
    );
    let src = 9i32.to_ne_bytes();
    w.assign(
        "1:",
        &MemoryView::from_parts(&src, "@i", &[1], None, 0).unwrap(),
    )
    .unwrap();
    assert_eq!(w.get(&[1]), Ok(Value::Int(9)));
    w.fill(-3).unwrap();
    assert_eq!(w.to_list(), Ok(list(&[-3, -3])));
    // 'c' takes bytes of length 1: other bytes are a ValueError, anything else a TypeError;
    // a leading '@' is not printed (CPython's adjust_fmt strips it).
    let mut cbuf = *b"xy";
    let mut cv = MemoryViewMut::from_parts(&mut cbuf, "@c", &[2], None, 0).unwrap();
    let e = cv.set(&[0], 97).unwrap_err().to_string();
    assert!(
        e.starts_with("memoryview: invalid type for format 'c'"),
        "{e}"
    );
    let e = cv.set(&[0], &b"ab"[..]).unwrap_err().to_string();
    assert!(
        e.starts_with("memoryview: invalid value for format 'c'"),
        "{e}"
    );
    cv.set(&[1], &b"z"[..]).unwrap();
    assert_eq!(cv.to_list().unwrap().to_string(), "[b'x', b'z']");
    // No silent float overflow.
    let mut f = [0u8; 4];
    let mut fv = MemoryViewMut::from_parts(&mut f, "f", &[1], None, 0).unwrap();
    assert!(fv.set(&[0], 1e300).is_err());
    fv.set(&[0], 1.5).unwrap();
    assert_eq!(fv.get(&[0]), Ok(Value::Float(1.5)));
}

#[test]
fn writing_n_dimensional() {
    let mut data = [0u8; 12];
    let mut m = MemoryViewMut::from_parts(&mut data, "B", &[3, 4], None, 0).unwrap();
    m.select_mut(":, 1").unwrap().fill(1).unwrap();
    m.select_mut("::2, ::3").unwrap().fill(2).unwrap();
    let src = MemoryView::new(b"xyz");
    m.assign("..., -1", &src.cast("B", Some(&[3])).unwrap())
        .unwrap();
    m.transpose_mut().select_mut("2").unwrap().fill(7).unwrap();
    assert_eq!(
        m.to_bytes(Order::C),
        [2, 1, 7, b'x', 0, 1, 7, b'y', 2, 1, 7, b'z']
    );
    assert_eq!(m.get(&[2, 3]), Ok(Value::Int(122)));
    let mut c = m.cast_mut("h", Some(&[6])).unwrap();
    c.set(&[0], -1).unwrap();
    assert_eq!(c.as_view().get(&[0]), Ok(Value::Int(-1)));
    let view = m.into_view();
    assert_eq!(view.to_bytes(Order::C)[..2], [0xff, 0xff]);
}

#[test]
fn requests() {
    let buf: Vec<u8> = (0..12).collect();
    let mut wbuf = buf.clone();
    let r = MemoryView::from_parts(&buf, "i", &[3], None, 0).unwrap();
    let w = MemoryViewMut::from_parts(&mut wbuf, "i", &[3], None, 0).unwrap();
    assert_eq!(
        r.request(BufferFlags::WRITABLE),
        Err(ViewError::NotWritable)
    );
    let info = w.request(BufferFlags::FULL).unwrap();
    assert_eq!(
        info,
        BufferInfo {
            offset: 0,
            len: 12,
            itemsize: 4,
            readonly: false,
            ndim: 1,
            format: Some("i".into()),
            shape: Some(vec![3]),
            strides: Some(vec![4]),
            suboffsets: None,
        }
    );
    assert_eq!(
        w.request(BufferFlags::FORMAT),
        Err(ViewError::FormatWithoutShape)
    );
    let s = r.select("::2").unwrap();
    assert_eq!(
        s.request(BufferFlags::SIMPLE),
        Err(ViewError::NotCContiguous)
    );
    let info = s.request(BufferFlags::FULL_RO).unwrap();
    assert_eq!(info.strides, Some(vec![8]));
    assert_eq!(info.len, 8);
}

mod no_panics {
    //! Extreme inputs through the public API: every call returns, none panics.

    use super::*;
    use proptest::prelude::*;

    fn extreme_usize() -> impl Strategy<Value = usize> {
        prop_oneof![
            0usize..=4,
            Just(usize::MAX),
            Just(isize::MAX as usize),
            Just(1 << 32),
            Just((1 << 62) + 1),
        ]
    }

    fn extreme_isize() -> impl Strategy<Value = isize> + Clone {
        prop_oneof![
            -9isize..=9,
            Just(isize::MIN),
            Just(isize::MAX),
            Just(isize::MIN + 1),
            Just(1 << 40),
            Just(-(1 << 40)),
        ]
    }

    fn arg() -> impl Strategy<Value = SliceArg> {
        let b = || prop::option::of(extreme_isize());
        prop_oneof![
            extreme_isize().prop_map(SliceArg::Index),
            (b(), b(), b()).prop_map(|(a, b, c)| SliceArg::slice(a, b, c)),
            Just(SliceArg::Ellipsis),
            Just(SliceArg::NewAxis),
        ]
    }

    const FORMATS: &[&str] = &[
        "B",
        "i",
        "<d",
        "ii",
        "T{i:a:h:b:}",
        "",
        "3s",
        "?",
        "e",
        "Zd",
    ];

    fn exercise(
        v: &MemoryView<'_>,
        args: &[SliceArg],
        shape: &[usize],
        fmt: &str,
        index: &[isize],
    ) {
        let small = v.nbytes() <= 4096 && v.num_elements() <= 1024;
        let _ = v.len();
        let _ = v.get(index);
        let _ = v.permute_axes(&shape.iter().map(|&n| n % 4).collect::<Vec<_>>());
        let _ = v.reshape(shape);
        let _ = v.cast(fmt, Some(shape));
        let _ = v.cast(fmt, None);
        for bits in [0, 1, 4, 8, 0x18, 0x38, 0x58, 0x98, 0x118, 0x11d, 0x11c, 0xc] {
            let _ = v.request(BufferFlags::from_bits(bits));
        }
        let t = v.transpose();
        if small {
            let _ = v.to_bytes(Order::A);
            let _ = t.to_bytes(Order::C);
            let _ = v.hex(Some(':'), -3);
            let _ = v.to_list();
            let _ = v == &t;
        }
        if let Ok(s) = v.select_with(args) {
            if s.nbytes() <= 4096 && s.num_elements() <= 1024 {
                assert_eq!(s.to_bytes(Order::C).len(), s.nbytes());
                let _ = s.to_list();
            }
        }
    }

    proptest! {
        #![proptest_config(crate::view::tests::config(256))]

        #[test]
        fn public_api_never_panics(
            buflen in 0usize..64,
            fmt in prop::sample::select(FORMATS),
            shape in prop::collection::vec(extreme_usize(), 0..=66),
            strides in prop::option::of(prop::collection::vec(extreme_isize(), 0..=66)),
            offset in extreme_usize(),
            itemsize in prop::option::of(extreme_usize()),
            args in prop::collection::vec(arg(), 0..6),
            new_shape in prop::collection::vec(extreme_usize(), 0..4),
            new_fmt in prop::sample::select(FORMATS),
            index in prop::collection::vec(extreme_isize(), 0..4),
        ) {
            let buf: Vec<u8> = (0..buflen as u8).collect();
            let made = match itemsize {
                Some(n) => MemoryView::from_parts_with_itemsize(&buf, fmt, n, &shape, strides.as_deref(), offset),
                None => MemoryView::from_parts(&buf, fmt, &shape, strides.as_deref(), offset),
            };
            if let Ok(v) = made {
                exercise(&v, &args, &new_shape, new_fmt, &index);
            }
            // Small, usually valid views too.
            let v = MemoryView::new(&buf);
            exercise(&v, &args, &new_shape, new_fmt, &index);
            if let Ok(v) = v.cast("B", Some(&[2, buflen / 2])) {
                exercise(&v, &args, &new_shape, new_fmt, &index);
            }
            let mut wbuf = buf.clone();
            let mut w = MemoryViewMut::new(&mut wbuf);
            if let Ok(mut s) = w.select_with_mut(&args) {
                let _ = s.fill(7);
                let _ = s.set(&index, 1);
            }
            let _ = w.assign_within(":", "::-1");
        }
    }
}

mod equality_model {
    //! `==` (byte fast paths included) against comparing `to_list()` values.

    use super::*;
    use crate::view::tests::{config, valid_geometry};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(config(256))]

        #[test]
        fn eq_agrees_with_tolist((g, len) in valid_geometry(), flip in any::<prop::sample::Index>()) {
            let fmt = match g.itemsize { 2 => "h", 4 => "i", _ => "B" };
            let buf: Vec<u8> = (0..len).map(|i| (i % 3) as u8).collect();
            let a = MemoryView::from_parts_with_itemsize(
                &buf, fmt, g.itemsize, &g.shape, Some(&g.strides), g.offset,
            ).unwrap();
            let copy = a.to_bytes(Order::C);
            let b = MemoryView::from_parts_with_itemsize(&copy, fmt, g.itemsize, &g.shape, None, 0).unwrap();
            prop_assert!(a == b);
            prop_assert!(b == a);
            let mut changed = copy.clone();
            if !changed.is_empty() {
                let i = flip.index(changed.len());
                changed[i] ^= 1;
            }
            let c = MemoryView::from_parts_with_itemsize(&changed, fmt, g.itemsize, &g.shape, None, 0).unwrap();
            let same = a.to_list().unwrap() == c.to_list().unwrap();
            prop_assert_eq!(a == c, same);
            prop_assert_eq!(c == a, same);
            // A different format with the same values compares equal too.
            if fmt == "B" && g.itemsize == 1 {
                let wide: Vec<u8> = copy.iter().flat_map(|&x| u16::from(x).to_ne_bytes()).collect();
                let w = MemoryView::from_parts(&wide, "H", &g.shape, None, 0).unwrap();
                prop_assert!(a == w);
            }
        }
    }
}
