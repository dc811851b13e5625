//! Cross-module property tests: views, the codec, typed access and ndarray against each other
//! and against naive models.
//!
//! * `to_bytes(F)` equals `to_bytes(C)` of the transpose, and both equal a naive walk;
//! * casts round trip (bytes and values);
//! * `pack`/`unpack` round trip for generated formats and values;
//! * `as_array`, `typed` and `to_array` agree with `get`;
//! * `assign_within` with overlapping selections equals assignment through a temporary copy.
//!
//! Case counts are modest so `cargo test` stays fast, and tiny under Miri.

use memview::format::{Endian, Format};
use memview::{MemoryView, MemoryViewMut, Order, SliceArg, Value};
use proptest::prelude::*;
use proptest::test_runner::Config;

fn config(cases: u32) -> Config {
    Config {
        cases: match std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|s| s.parse().ok())
        {
            Some(n) => n,
            None if cfg!(miri) => 2,
            None => cases,
        },
        // No files under Miri's isolation; nothing to persist in CI either.
        failure_persistence: None,
        ..Config::default()
    }
}

/// A strided layout that fits its buffer: shape, byte strides, offset, buffer length.
#[derive(Clone, Debug)]
struct Layout {
    shape: Vec<usize>,
    strides: Vec<isize>,
    offset: usize,
    len: usize,
}

/// Shapes of up to 4 axes of extent 0..=4, strides in multiples of `itemsize` (or any bytes
/// when `any_stride`), the buffer sized to the reachable range plus slack on both sides.
fn layout(itemsize: usize, any_stride: bool) -> impl Strategy<Value = Layout> {
    (0usize..=4, 0usize..=3, 0usize..=3)
        .prop_flat_map(move |(ndim, before, after)| {
            (
                prop::collection::vec(0usize..=4, ndim),
                prop::collection::vec(-6isize..=6, ndim),
                Just((before, after)),
            )
        })
        .prop_map(move |(shape, steps, (before, after))| {
            let strides: Vec<isize> = steps
                .iter()
                .map(|&s| if any_stride { s } else { s * itemsize as isize })
                .collect();
            let (mut lo, mut hi) = (0isize, 0isize);
            if !shape.contains(&0) {
                for (&n, &s) in shape.iter().zip(&strides) {
                    let span = (n as isize - 1) * s;
                    if span < 0 {
                        lo += span;
                    } else {
                        hi += span;
                    }
                }
            }
            let offset = (-lo) as usize + before;
            Layout {
                len: offset + hi as usize + itemsize + after,
                shape,
                strides,
                offset,
            }
        })
}

fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

/// Every multi-index of `shape` in C order.
fn indices(shape: &[usize]) -> Vec<Vec<usize>> {
    let mut out = vec![vec![]];
    for &n in shape {
        out = out
            .into_iter()
            .flat_map(|ix| {
                (0..n).map(move |i| {
                    let mut v = ix.clone();
                    v.push(i);
                    v
                })
            })
            .collect();
    }
    out
}

/// Naive `tobytes`: walk the indices (C order, or F order by reversing the walk's axes).
fn naive_bytes(buf: &[u8], itemsize: usize, l: &Layout, fortran: bool) -> Vec<u8> {
    let (shape, strides): (Vec<usize>, Vec<isize>) = if fortran {
        (
            l.shape.iter().rev().copied().collect(),
            l.strides.iter().rev().copied().collect(),
        )
    } else {
        (l.shape.clone(), l.strides.clone())
    };
    let mut out = Vec::new();
    for ix in indices(&shape) {
        let p = ix
            .iter()
            .zip(&strides)
            .fold(l.offset as isize, |a, (&i, &s)| a + i as isize * s) as usize;
        out.extend_from_slice(&buf[p..p + itemsize]);
    }
    out
}

fn signed(ix: &[usize]) -> Vec<isize> {
    ix.iter().map(|&i| i as isize).collect()
}

proptest! {
    #![proptest_config(config(96))]

    /// `tobytes('F')` is `tobytes('C')` of the transpose, and both match the naive walk; `A`
    /// picks one of them.
    #[test]
    fn fortran_bytes_are_c_bytes_of_the_transpose(
        itemsize in 1usize..=3,
        l in (1usize..=3).prop_flat_map(|k| layout(k, true)),
        seed in any::<u8>(),
    ) {
        // The layout was sized for its own itemsize; fit ours by growing the buffer.
        let buf = pattern(l.len + itemsize, seed);
        let v = MemoryView::from_parts_with_itemsize(
            &buf, "B", itemsize, &l.shape, Some(&l.strides), l.offset,
        ).unwrap();
        let c = v.to_bytes(Order::C);
        let f = v.to_bytes(Order::F);
        prop_assert_eq!(c.len(), v.nbytes());
        prop_assert_eq!(&c, &naive_bytes(&buf, itemsize, &l, false));
        prop_assert_eq!(&f, &naive_bytes(&buf, itemsize, &l, true));
        prop_assert_eq!(&v.transpose().to_bytes(Order::C), &f);
        prop_assert_eq!(&v.transpose().to_bytes(Order::F), &c);
        let a = v.to_bytes(Order::A);
        prop_assert!(a == c || a == f);
    }

    /// Casting a contiguous copy to another format and back gives the same bytes, shape and
    /// values.
    #[test]
    fn casts_round_trip(
        l in layout(1, false),
        seed in any::<u8>(),
        via in prop::sample::select(vec!["<i", ">h", "B", "c", "2s", "<Q", "=d", "T{h:a:b:b:x}", "hh"]),
        src_fmt in prop::sample::select(vec!["B", "<H", ">i", "b"]),
    ) {
        let buf = pattern(l.len, seed);
        let strided = MemoryView::from_parts(&buf, "B", &l.shape, Some(&l.strides), l.offset).unwrap();
        let bytes = strided.to_bytes(Order::C);
        let src = MemoryView::new(&bytes);
        let fmt = Format::parse(src_fmt).unwrap();
        let Ok(typed) = src.cast(src_fmt, None) else {
            prop_assert!(!bytes.len().is_multiple_of(fmt.itemsize()));
            return Ok(());
        };
        prop_assert_eq!(typed.to_bytes(Order::C), bytes.clone());
        match typed.cast(via, None) {
            Ok(mid) => {
                prop_assert_eq!(mid.nbytes(), bytes.len());
                prop_assert_eq!(mid.to_bytes(Order::C), bytes.clone());
                let back = mid.cast(src_fmt, Some(typed.shape())).unwrap();
                prop_assert_eq!(back.shape(), typed.shape());
                prop_assert_eq!(back.to_bytes(Order::C), bytes.clone());
                prop_assert_eq!(back.to_list().unwrap().to_string(), typed.to_list().unwrap().to_string());
                prop_assert!(back == typed);
            }
            Err(_) => {
                let size = Format::parse(via).unwrap().itemsize();
                prop_assert!(!bytes.len().is_multiple_of(size));
            }
        }
        // And to an N-D shape of the same size.
        if let Some(&n) = typed.shape().first() {
            if n % 2 == 0 && n > 0 {
                let nd = typed.cast(src_fmt, Some(&[2, n / 2])).unwrap();
                prop_assert_eq!(nd.to_bytes(Order::C), bytes.clone());
                prop_assert_eq!(nd.get(&[1, 0]).unwrap(), typed.get(&[(n / 2) as isize]).unwrap());
            }
        }
    }
}

/// One scalar item for the generated formats: its code and a strategy for its values.
fn scalar_item() -> impl Strategy<Value = (String, Value)> {
    prop_oneof![
        any::<i8>().prop_map(|x| ("b".to_string(), Value::from(x))),
        any::<u8>().prop_map(|x| ("B".to_string(), Value::from(x))),
        any::<i16>().prop_map(|x| ("h".to_string(), Value::from(x))),
        any::<u16>().prop_map(|x| ("H".to_string(), Value::from(x))),
        any::<i32>().prop_map(|x| ("i".to_string(), Value::from(x))),
        any::<u32>().prop_map(|x| ("I".to_string(), Value::from(x))),
        any::<i64>().prop_map(|x| ("q".to_string(), Value::from(x))),
        any::<u64>().prop_map(|x| ("Q".to_string(), Value::from(x))),
        any::<i32>().prop_map(|x| ("l".to_string(), Value::from(x))),
        any::<bool>().prop_map(|x| ("?".to_string(), Value::from(x))),
        any::<u8>().prop_map(|x| ("c".to_string(), Value::Bytes(vec![x]))),
        any::<f64>().prop_map(|x| ("d".to_string(), Value::Float(x))),
        any::<f32>()
            .prop_filter("finite", |x| x.is_finite())
            .prop_map(|x| ("f".to_string(), Value::Float(f64::from(x)))),
        any::<u16>()
            .prop_map(|b| half::f16::from_bits(b).to_f64())
            .prop_filter("finite", |x| x.is_finite())
            .prop_map(|x| ("e".to_string(), Value::Float(x))),
        (any::<f64>(), any::<f64>()).prop_map(|(re, im)| (
            "Zd".to_string(),
            Value::Complex(num_complex::Complex64::new(re, im))
        )),
        prop::collection::vec(any::<u8>(), 0..=5).prop_map(|b| ("5s".to_string(), Value::Bytes(b))),
        "[a-zé€😀]{0,3}".prop_map(|s| ("3w".to_string(), Value::Str(s))),
        (0u8..3).prop_map(|n| ("3x".to_string(), Value::Int(i128::from(n)))),
    ]
}

/// Python-repr comparison (NaN prints the same both times, and -0.0 keeps its sign).
fn reprs(v: &[Value]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

proptest! {
    #![proptest_config(config(128))]

    /// `unpack(pack(values)) == values`, and `pack(unpack(bytes)) == bytes`, for formats made
    /// of every scalar kind in every byte order, with padding.
    #[test]
    fn pack_unpack_round_trip(
        order in prop::sample::select(vec!["", "@", "=", "<", ">", "!"]),
        items in prop::collection::vec(scalar_item(), 0..6),
    ) {
        let mut fmt = order.to_string();
        let mut values = Vec::new();
        for (code, value) in &items {
            fmt.push_str(code);
            // Padding takes no value.
            if code != "3x" {
                values.push(value.clone());
            }
        }
        let packed = memview::pack(&fmt, &values).unwrap_or_else(|e| panic!("{fmt:?} {values:?}: {e}"));
        prop_assert_eq!(packed.len(), memview::calcsize(&fmt).unwrap());
        let back = memview::unpack(&fmt, &packed).unwrap();
        // '5s' pads short bytes with NULs; compare through a second round.
        let again = memview::pack(&fmt, &back).unwrap();
        prop_assert_eq!(&again, &packed, "{}", fmt);
        let expected: Vec<Value> = values
            .iter()
            .zip(items.iter().filter(|(c, _)| c != "3x"))
            .map(|(v, (code, _))| match (code.as_str(), v) {
                ("5s", Value::Bytes(b)) => {
                    let mut b = b.clone();
                    b.resize(5, 0);
                    Value::Bytes(b)
                }
                _ => v.clone(),
            })
            .collect();
        prop_assert_eq!(reprs(&back), reprs(&expected), "{}", fmt);
    }

    /// `as_array`, `typed` and `to_array` read what `get` reads, at every index, in both byte
    /// orders and at any alignment; `as_array` refuses exactly the non-native and misaligned
    /// layouts.
    #[test]
    fn typed_access_agrees_with_get(
        l in layout(4, false),
        endian in prop::sample::select(vec!["<", ">", "", "="]),
        shift in 0usize..4,
        seed in any::<u8>(),
    ) {
        // A u32-aligned buffer, so alignment depends only on `shift`.
        let mut words = vec![0u32; (l.len + shift).div_ceil(4) + 1];
        let bytes: &mut [u8] = bytemuck::cast_slice_mut(&mut words);
        bytes.copy_from_slice(&pattern(bytes.len(), seed));
        let buf: &[u8] = bytes;
        let fmt = format!("{endian}i");
        let v = MemoryView::from_parts(&buf[..l.len + shift], &fmt, &l.shape, Some(&l.strides), l.offset + shift).unwrap();
        let typed = v.typed::<i32>().unwrap();
        let array = v.as_array::<i32>();
        let native = Format::parse(&fmt).unwrap().layout().single_scalar().unwrap().endian == Endian::NATIVE;
        let aligned = (l.offset + shift) % 4 == 0;
        prop_assert_eq!(array.is_ok(), native && (aligned || v.is_empty()), "{:?}", array.as_ref().err());
        let copy = v.to_array::<i32>().unwrap();
        for ix in indices(&l.shape) {
            let expected = v.get(&signed(&ix)).unwrap();
            let t = typed.get(&signed(&ix)).unwrap();
            prop_assert_eq!(Value::from(t), expected.clone());
            prop_assert_eq!(Value::from(copy[ix.as_slice()]), expected.clone());
            if let Ok(a) = &array {
                prop_assert_eq!(Value::from(a[ix.as_slice()]), expected);
            }
        }
        let sum: i64 = typed.iter().map(i64::from).sum();
        let model: i64 = indices(&l.shape).iter().map(|ix| match v.get(&signed(ix)).unwrap() {
            Value::Int(x) => x as i64,
            other => panic!("{other}"),
        }).sum();
        prop_assert_eq!(sum, model);
    }

    /// `view[dst] = view[src]` within one buffer, however the selections overlap, gives the
    /// same bytes as copying `view[src]` out to a temporary first.
    #[test]
    fn overlapping_assignment_equals_assignment_through_a_copy(
        n in 1usize..=12,
        a in (-14isize..14, -14isize..14, prop::sample::select(vec![1isize, 2, -1, -2, 3])),
        b in (-14isize..14, -14isize..14, prop::sample::select(vec![1isize, 2, -1, -2, 3])),
        fmt in prop::sample::select(vec!["B", "<h", "T{b:a:b:b:}"]),
        seed in any::<u8>(),
    ) {
        let itemsize = Format::parse(fmt).unwrap().itemsize();
        let sub = |(start, stop, step): (isize, isize, isize)| {
            [SliceArg::slice(Some(start), Some(stop), Some(step))]
        };
        let text = |(start, stop, step): (isize, isize, isize)| format!("{start}:{stop}:{step}");
        let original = pattern(n * itemsize, seed);

        let mut x = original.clone();
        let mut vx = MemoryViewMut::from_parts(&mut x, fmt, &[n], None, 0).unwrap();
        let within = vx.assign_within(&text(a), &text(b));

        let mut y = original.clone();
        let mut vy = MemoryViewMut::from_parts(&mut y, fmt, &[n], None, 0).unwrap();
        let (temp, shape) = {
            let s = vy.as_view().select_with(&sub(b)).unwrap();
            (s.to_bytes(Order::C), s.shape().to_vec())
        };
        let tv = MemoryView::from_parts(&temp, fmt, &shape, None, 0).unwrap();
        let through = vy.select_with_mut(&sub(a)).unwrap().copy_from(&tv);

        prop_assert_eq!(within.is_ok(), through.is_ok());
        prop_assert_eq!(&x, &y);
        if within.is_err() {
            prop_assert_eq!(&x, &original);
        }
    }
}

/// The same property on a 2-D view with a transposed (fully overlapping) source: `a = a.T`.
#[test]
fn transpose_assignment_within_one_buffer() {
    let mut buf: Vec<u8> = (0..9).collect();
    let mut v = MemoryViewMut::from_parts(&mut buf, "B", &[3, 3], None, 0).unwrap();
    let t = v.as_view().transpose().to_bytes(Order::C);
    let tv = MemoryView::from_parts(&t, "B", &[3, 3], None, 0).unwrap();
    v.copy_from(&tv).unwrap();
    assert_eq!(buf, [0, 3, 6, 1, 4, 7, 2, 5, 8]);
}

/// An owned 3-D `i32` array, then `slice_move` with the given steps (negative: reversed) and
/// an axis permutation: any layout an owned array can have, gaps included.
fn owned_array() -> impl Strategy<Value = ndarray::ArrayD<i32>> {
    (
        prop::collection::vec(0usize..=4, 3),
        prop::collection::vec(prop::sample::select(vec![-3isize, -2, -1, 1, 2, 3]), 3),
        Just([0usize, 1, 2]).prop_shuffle(),
    )
        .prop_map(|(shape, steps, perm)| {
            let n = shape.iter().product::<usize>();
            let base = ndarray::Array::from_shape_vec(shape, (0..n as i32).collect()).unwrap();
            let sliced = base.slice_move(ndarray::s![
                ..;steps[0],
                ..;steps[1],
                ..;steps[2]
            ]);
            sliced.permuted_axes(perm).into_dyn()
        })
}

proptest! {
    #![proptest_config(config(48))]

    /// `from_owned_array` views any owned array in place, gaps and all: same pointer, shape
    /// and strides back through `as_array`, the same values through `get`; and writes through
    /// `from_owned_array_mut` land in the array's elements and nowhere else.
    #[test]
    fn owned_arrays_are_viewed_in_place(a in owned_array(), seed in any::<i32>()) {
        let v = MemoryView::from_owned_array(&a).unwrap();
        prop_assert_eq!(v.shape(), a.shape());
        let back = v.as_array::<i32>().unwrap();
        prop_assert_eq!(back.shape(), a.shape());
        if !a.is_empty() {
            prop_assert_eq!(back.as_ptr(), a.as_ptr());
            prop_assert_eq!(back.strides(), a.strides());
        }
        for (ix, &x) in a.indexed_iter() {
            let ix: Vec<isize> = ndarray::Dimension::slice(&ix).iter().map(|&i| i as isize).collect();
            prop_assert_eq!(v.get(&ix).unwrap(), Value::from(x));
        }
        let mut b = a.clone();
        // The storage as a whole: the elements the view must reach and the gaps it must not
        // touch.
        let before: Vec<i32> = {
            let (vec, _) = a.clone().into_raw_vec_and_offset();
            vec
        };
        {
            let mut m = MemoryViewMut::from_owned_array_mut(&mut b).unwrap();
            m.fill(Value::from(seed)).unwrap();
        }
        prop_assert!(b.iter().all(|&x| x == seed));
        let (after, _) = b.into_raw_vec_and_offset();
        let reached: std::collections::HashSet<i32> = a.iter().copied().collect();
        for (old, new) in before.iter().zip(&after) {
            if reached.contains(old) {
                prop_assert_eq!(*new, seed);
            } else {
                prop_assert_eq!(new, old, "a gap was written");
            }
        }
    }
}

/// A borrowed view of a 3-D `i32` array: sliced with the given steps (negative: reversed) and
/// axes permuted, as a function that receives an `ArrayView3` would see it; also its base.
#[derive(Debug, Clone)]
struct Borrowed {
    base: ndarray::Array3<i32>,
    steps: Vec<isize>,
    perm: Vec<usize>,
}

impl Borrowed {
    fn slice_info(
        &self,
    ) -> ndarray::SliceInfo<[ndarray::SliceInfoElem; 3], ndarray::Ix3, ndarray::Ix3> {
        let s = |k: usize| ndarray::SliceInfoElem::Slice {
            start: 0,
            end: None,
            step: self.steps[k],
        };
        ndarray::SliceInfo::try_from([s(0), s(1), s(2)]).unwrap()
    }
}

fn borrowed_array() -> impl Strategy<Value = Borrowed> {
    (
        prop::collection::vec(0usize..=4, 3),
        prop::collection::vec(prop::sample::select(vec![-3isize, -2, -1, 1, 2, 3]), 3),
        Just(vec![0usize, 1, 2]).prop_shuffle(),
    )
        .prop_map(|(shape, steps, perm)| {
            let n = shape.iter().product::<usize>();
            let base = ndarray::Array3::from_shape_vec(
                (shape[0], shape[1], shape[2]),
                (0..n as i32).collect(),
            )
            .unwrap();
            Borrowed { base, steps, perm }
        })
}

proptest! {
    #![proptest_config(config(48))]

    /// `from_array` views any *borrowed* array view in place — sliced, reversed, permuted,
    /// gaps and all — with the same pointer, shape and strides back through `as_array` and the
    /// same values through `get`; `from_array_mut` writes land on the view's elements and on
    /// no gap (the gaps belong to the base array, not to the view).
    #[test]
    fn borrowed_views_are_viewed_in_place(b in borrowed_array(), seed in any::<i32>()) {
        let view = b.base.slice(b.slice_info());
        let a = view.permuted_axes([b.perm[0], b.perm[1], b.perm[2]]);
        let v = MemoryView::from_array(&a).unwrap();
        prop_assert_eq!(v.shape(), a.shape());
        let strides: Vec<isize> = a.strides().iter().map(|s| s * 4).collect();
        if !a.is_empty() {
            prop_assert_eq!(v.strides(), &strides[..]);
            prop_assert_eq!(v.as_ptr(), a.as_ptr().cast::<u8>());
        }
        let back = v.as_array::<i32>().unwrap();
        prop_assert_eq!(back.shape(), a.shape());
        if !a.is_empty() {
            prop_assert_eq!(back.as_ptr(), a.as_ptr());
            prop_assert_eq!(back.strides(), a.strides());
        }
        prop_assert_eq!(&back, &a.into_dyn());
        for (ix, &x) in a.indexed_iter() {
            let ix = [ix.0 as isize, ix.1 as isize, ix.2 as isize];
            prop_assert_eq!(v.get(&ix).unwrap(), Value::from(x));
        }
        prop_assert_eq!(
            v.to_bytes(Order::C),
            a.iter().flat_map(|x| x.to_ne_bytes()).collect::<Vec<u8>>()
        );

        let mut base = b.base.clone();
        {
            let mut sliced = base.slice_mut(b.slice_info());
            let mut m_arr = sliced.view_mut().permuted_axes([b.perm[0], b.perm[1], b.perm[2]]);
            let mut m = MemoryViewMut::from_array_mut(&mut m_arr).unwrap();
            m.fill(Value::from(seed)).unwrap();
            let back = m.as_array_mut::<i32>().unwrap();
            prop_assert!(back.iter().all(|&x| x == seed));
        }
        // Elements of the view are `seed`; every other value of the base is untouched.
        let reached: std::collections::HashSet<i32> = a.iter().copied().collect();
        for (old, new) in b.base.iter().zip(base.iter()) {
            if reached.contains(old) {
                prop_assert_eq!(*new, seed);
            } else {
                prop_assert_eq!(new, old, "a gap was written");
            }
        }
    }
}
