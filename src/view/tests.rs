//! The view layer checked against a naive model: walk every multi-index, compute
//! `offset + Σ i[k] * stride[k]` in wide arithmetic, and compare with validation, iteration,
//! copying and selection.

use proptest::prelude::*;

use super::copy;
use super::raw::{Exclusive, Geometry, RawView, Shared};
use super::select::{self, SliceArg};
use super::{Order, ViewError};

/// Every multi-index of `shape` in C order (last index fastest).
fn indices(shape: &[usize]) -> Vec<Vec<usize>> {
    let mut out = vec![vec![]];
    for &n in shape {
        out = out
            .into_iter()
            .flat_map(|prefix| {
                (0..n).map(move |i| {
                    let mut v = prefix.clone();
                    v.push(i);
                    v
                })
            })
            .collect();
    }
    out
}

/// Start of the element at `index`, in wide arithmetic.
fn model_position(g: &Geometry, index: &[usize]) -> i128 {
    g.offset as i128
        + index
            .iter()
            .zip(&g.strides)
            .map(|(&i, &s)| i as i128 * s as i128)
            .sum::<i128>()
}

/// Element starts in C order, or in F order with `fortran`.
fn model_positions(g: &Geometry, fortran: bool) -> Vec<i128> {
    if fortran {
        let rev: Vec<usize> = g.shape.iter().rev().copied().collect();
        indices(&rev)
            .into_iter()
            .map(|mut ix| {
                ix.reverse();
                model_position(g, &ix)
            })
            .collect()
    } else {
        indices(&g.shape)
            .iter()
            .map(|ix| model_position(g, ix))
            .collect()
    }
}

fn model_valid(g: &Geometry, len: usize) -> bool {
    g.itemsize > 0
        && g.offset <= len
        && model_positions(g, false)
            .iter()
            .all(|&p| p >= 0 && p + g.itemsize as i128 <= len as i128)
}

fn model_bytes(buf: &[u8], g: &Geometry, fortran: bool) -> Vec<u8> {
    model_positions(g, fortran)
        .into_iter()
        .flat_map(|p| buf[p as usize..p as usize + g.itemsize].iter().copied())
        .collect()
}

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + 3) as u8).collect()
}

/// A geometry and a buffer length, not necessarily valid.
fn any_geometry() -> impl Strategy<Value = (Geometry, usize)> {
    (0usize..=4, 1usize..=4)
        .prop_flat_map(|(ndim, itemsize)| {
            (
                prop::collection::vec(0usize..=4, ndim),
                prop::collection::vec(-12isize..=12, ndim),
                0usize..=40,
                Just(itemsize),
                0usize..=48,
            )
        })
        .prop_map(|(shape, strides, offset, itemsize, len)| {
            (
                Geometry {
                    offset,
                    itemsize,
                    shape: shape.into(),
                    strides: strides.into(),
                    indirect: None,
                },
                len,
            )
        })
}

/// A valid geometry: the buffer is sized to fit the reachable range plus some slack.
pub(super) fn valid_geometry() -> impl Strategy<Value = (Geometry, usize)> {
    (0usize..=4, 1usize..=4, 0usize..=3, 0usize..=3)
        .prop_flat_map(|(ndim, itemsize, before, after)| {
            (
                prop::collection::vec(0usize..=4, ndim),
                prop::collection::vec(-12isize..=12, ndim),
                Just((itemsize, before, after)),
            )
        })
        .prop_map(|(shape, strides, (itemsize, before, after))| {
            let mut lo = 0isize;
            let mut hi = 0isize;
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
            let len = offset + hi as usize + itemsize + after;
            (
                Geometry {
                    offset,
                    itemsize,
                    shape: shape.into(),
                    strides: strides.into(),
                    indirect: None,
                },
                len,
            )
        })
}

fn any_slice_arg() -> impl Strategy<Value = SliceArg> {
    let bound = prop::option::of(-7isize..=7);
    prop_oneof![
        (-6isize..=6).prop_map(SliceArg::Index),
        (
            bound.clone(),
            bound,
            prop::option::of(prop_oneof![-4isize..=-1, 1isize..=4])
        )
            .prop_map(|(a, b, c)| SliceArg::slice(a, b, c)),
        Just(SliceArg::Ellipsis),
        Just(SliceArg::NewAxis),
    ]
}

/// Python's slice semantics by brute force: which indices of `0..n` does `start:stop:step` pick,
/// in order.
fn model_slice(
    n: usize,
    start: Option<isize>,
    stop: Option<isize>,
    step: Option<isize>,
) -> Vec<usize> {
    let n = n as i64;
    let step = step.unwrap_or(1) as i64;
    let norm = |v: Option<isize>, default: i64| -> i64 {
        match v {
            None => default,
            Some(v) if v < 0 => v as i64 + n,
            Some(v) => v as i64,
        }
    };
    if step > 0 {
        let s = norm(start, 0).max(0);
        let e = norm(stop, n).min(n);
        (0..n)
            .filter(|&i| i >= s && i < e && (i - s) % step == 0)
            .map(|i| i as usize)
            .collect()
    } else {
        let s = norm(start, n - 1).min(n - 1);
        let e = norm(stop, -1 - n).max(-1);
        (0..n)
            .rev()
            .filter(|&i| i <= s && i > e && (s - i) % (-step) == 0)
            .map(|i| i as usize)
            .collect()
    }
}

/// The model of a selection: per resulting axis, the list of source indices it walks (or a
/// fixed index / new axis); returns `None` where the real code must fail.
fn model_select(g: &Geometry, args: &[SliceArg]) -> Option<(Vec<usize>, Vec<Vec<usize>>)> {
    // Expand the ellipsis / implicit trailing slices.
    let consumed = args
        .iter()
        .filter(|a| matches!(a, SliceArg::Index(_) | SliceArg::Slice { .. }))
        .count();
    if consumed > g.ndim() || args.iter().filter(|a| **a == SliceArg::Ellipsis).count() > 1 {
        return None;
    }
    let mut expanded = Vec::new();
    for &a in args {
        if a == SliceArg::Ellipsis {
            expanded.extend(std::iter::repeat_n(SliceArg::FULL, g.ndim() - consumed));
        } else {
            expanded.push(a);
        }
    }
    let rest = g.ndim() - expanded.iter().filter(|a| **a != SliceArg::NewAxis).count();
    expanded.extend(std::iter::repeat_n(SliceArg::FULL, rest));
    // For each source axis, the selected indices; `fixed` for integers.
    let mut per_source: Vec<Vec<usize>> = Vec::new();
    let mut out_shape = Vec::new();
    let mut axis = 0;
    for a in expanded {
        match a {
            SliceArg::Index(i) => {
                let n = g.shape[axis] as isize;
                let i = if i < 0 { i + n } else { i };
                if !(0..n).contains(&i) {
                    return None;
                }
                per_source.push(vec![i as usize]);
                axis += 1;
            }
            SliceArg::Slice { start, stop, step } => {
                let picked = model_slice(g.shape[axis], start, stop, step);
                out_shape.push(picked.len());
                per_source.push(picked);
                axis += 1;
            }
            SliceArg::NewAxis => out_shape.push(1),
            SliceArg::Ellipsis => unreachable!(),
        }
    }
    // Every selected source multi-index in C order of the result (new axes have extent 1 and
    // do not change the order).
    let mut selected = vec![vec![]];
    for picks in &per_source {
        selected = selected
            .into_iter()
            .flat_map(|prefix: Vec<usize>| {
                picks.iter().map(move |&i| {
                    let mut v = prefix.clone();
                    v.push(i);
                    v
                })
            })
            .collect();
    }
    Some((out_shape, selected))
}

/// `cases` cases natively; a handful, without failure files (no file system), under Miri.
pub(super) fn config(cases: u32) -> ProptestConfig {
    if cfg!(miri) {
        ProptestConfig {
            cases: 4,
            failure_persistence: None,
            ..ProptestConfig::default()
        }
    } else {
        ProptestConfig::with_cases(cases)
    }
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn validation_matches_model((g, len) in any_geometry()) {
        let buf = vec![0u8; len];
        let got = RawView::new(Shared::from_slice(&buf), g.clone());
        prop_assert_eq!(got.is_ok(), model_valid(&g, len), "{:?} len {}: {:?}", g, len, got.err());
    }

    #[test]
    fn walks_match_model((g, len) in valid_geometry()) {
        let buf = pattern(len);
        let raw = RawView::new(Shared::from_slice(&buf), g.clone()).unwrap();
        for fortran in [false, true] {
            let positions: Vec<i128> = raw
                .items(fortran)
                .map(|item| item.as_ptr() as i128 - buf.as_ptr() as i128)
                .collect();
            prop_assert_eq!(&positions, &model_positions(&g, fortran));
            let items: Vec<u8> = raw.items(fortran).flatten().copied().collect();
            prop_assert_eq!(&items, &model_bytes(&buf, &g, fortran));
        }
        prop_assert_eq!(copy::to_bytes(&raw, Order::C), model_bytes(&buf, &g, false));
        prop_assert_eq!(copy::to_bytes(&raw, Order::F), model_bytes(&buf, &g, true));
        let a = copy::to_bytes(&raw, Order::A);
        let fortran = !g.is_c_contiguous() && g.is_f_contiguous();
        prop_assert_eq!(a, model_bytes(&buf, &g, fortran));
        // Element access by index agrees with the walk.
        for ix in indices(&g.shape) {
            let p = model_position(&g, &ix) as usize;
            prop_assert_eq!(raw.item(&ix), Some(&buf[p..p + g.itemsize]));
        }
    }

    #[test]
    fn contiguity_matches_model((g, len) in valid_geometry()) {
        let buf = pattern(len);
        let raw = RawView::new(Shared::from_slice(&buf), g.clone()).unwrap();
        // C-contiguous means: C-order element positions are offset, offset+itemsize, ...
        let packed = |fortran: bool| {
            g.shape.contains(&0)
                || model_positions(&g, fortran)
                    .iter()
                    .enumerate()
                    .all(|(k, &p)| p == g.offset as i128 + (k * g.itemsize) as i128)
        };
        prop_assert_eq!(raw.geom().is_c_contiguous(), packed(false));
        prop_assert_eq!(raw.geom().is_f_contiguous(), packed(true));
    }

    #[test]
    fn selection_matches_model(
        (g, len) in valid_geometry(),
        args in prop::collection::vec(any_slice_arg(), 0..=5),
    ) {
        let buf = pattern(len);
        let raw = RawView::new(Shared::from_slice(&buf), g.clone()).unwrap();
        let got = select::apply(raw.geom(), &args).and_then(|sg| RawView::new(Shared::from_slice(&buf), sg));
        match model_select(&g, &args) {
            None => prop_assert!(got.is_err(), "{:?} {:?} should fail", g, args),
            Some((shape, selected)) => {
                let sel = got.unwrap();
                prop_assert_eq!(&sel.geom().shape, &shape);
                let want: Vec<u8> = selected
                    .iter()
                    .flat_map(|ix| raw.item(ix).unwrap().iter().copied())
                    .collect();
                prop_assert_eq!(copy::to_bytes(&sel, Order::C), want);
            }
        }
    }

    #[test]
    fn permutation_matches_model((g, len) in valid_geometry(), seed in any::<u64>()) {
        let buf = pattern(len);
        let raw = RawView::new(Shared::from_slice(&buf), g.clone()).unwrap();
        let mut axes: Vec<usize> = (0..g.ndim()).collect();
        // Fisher–Yates with a tiny LCG.
        let mut s = seed;
        for i in (1..axes.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            axes.swap(i, (s >> 33) as usize % (i + 1));
        }
        let pg = select::permute(raw.geom(), &axes).unwrap();
        let p = RawView::new(Shared::from_slice(&buf), pg).unwrap();
        for ix in indices(&p.geom().shape) {
            let mut src = vec![0; ix.len()];
            for (k, &a) in axes.iter().enumerate() {
                src[a] = ix[k];
            }
            prop_assert_eq!(p.item(&ix), raw.item(&src));
        }
        // The transpose's C order is the original's F order.
        let rev: Vec<usize> = (0..g.ndim()).rev().collect();
        let t = RawView::new(Shared::from_slice(&buf), select::permute(raw.geom(), &rev).unwrap()).unwrap();
        prop_assert_eq!(copy::to_bytes(&t, Order::C), copy::to_bytes(&raw, Order::F));
    }

    #[test]
    fn scatter_matches_model((g, len) in valid_geometry(), seed in any::<u8>()) {
        let mut buf = pattern(len);
        let data: Vec<u8> = (0..g.nbytes()).map(|i| (i as u8).wrapping_mul(31) ^ seed).collect();
        // Model: write the items one by one in C order (later writes win where items overlap).
        let mut want = buf.clone();
        for (k, p) in model_positions(&g, false).into_iter().enumerate() {
            let p = p as usize;
            want[p..p + g.itemsize].copy_from_slice(&data[k * g.itemsize..(k + 1) * g.itemsize]);
        }
        let mut raw = RawView::new(Exclusive::from_slice(&mut buf), g.clone()).unwrap();
        raw.scatter_from(false, &data).unwrap();
        prop_assert_eq!(buf, want);
    }

    #[test]
    fn reshape_and_cast_keep_c_order_bytes((g, len) in valid_geometry(), new_itemsize in 1usize..=4) {
        let buf = pattern(len);
        let raw = RawView::new(Shared::from_slice(&buf), g.clone()).unwrap();
        let bytes = copy::to_bytes(&raw, Order::C);
        let flat = [g.nelements()];
        match raw.geom().reshaped(&flat) {
            Ok(rg) => {
                prop_assert!(g.is_c_contiguous());
                let r = RawView::new(Shared::from_slice(&buf), rg).unwrap();
                prop_assert_eq!(copy::to_bytes(&r, Order::C), bytes.clone());
            }
            Err(e) => {
                prop_assert!(!g.is_c_contiguous());
                prop_assert_eq!(e, ViewError::ReshapeNotContiguous);
            }
        }
        match raw.geom().cast(new_itemsize, None) {
            Ok(cg) => {
                let c = RawView::new(Shared::from_slice(&buf), cg).unwrap();
                prop_assert_eq!(c.geom().shape.clone(), vec![bytes.len() / new_itemsize]);
                prop_assert_eq!(copy::to_bytes(&c, Order::C), bytes);
            }
            Err(ViewError::CastNotContiguous) => prop_assert!(!g.is_c_contiguous()),
            Err(ViewError::CastLengthNotMultiple { nbytes, itemsize }) => {
                prop_assert_eq!(nbytes % itemsize, nbytes % new_itemsize);
                prop_assert!(nbytes % itemsize != 0);
            }
            Err(e) => prop_assert!(false, "unexpected {e}"),
        }
    }
}

fn geom(offset: usize, itemsize: usize, shape: &[usize], strides: &[isize]) -> Geometry {
    Geometry {
        offset,
        itemsize,
        shape: shape.into(),
        strides: strides.into(),
        indirect: None,
    }
}

#[test]
fn worked_example_from_the_invariant_docs() {
    let buf: Vec<u8> = (0..12).collect();
    let g = geom(4, 2, &[2, 3], &[6, -2]);
    let raw = RawView::new(Shared::from_slice(&buf), g).unwrap();
    let starts: Vec<u8> = raw.items(false).map(|b| b[0]).collect();
    assert_eq!(starts, [4, 2, 0, 10, 8, 6]);
    let g = geom(8, 2, &[3, 2], &[0, 2]);
    let raw = RawView::new(Shared::from_slice(&buf), g).unwrap();
    assert_eq!(copy::to_bytes(&raw, Order::C), [8, 9, 10, 11].repeat(3));
    assert_eq!(
        RawView::new(Shared::from_slice(&buf), geom(9, 2, &[3, 2], &[0, 2])).err(),
        Some(ViewError::OutOfBounds {
            start: 9,
            end: 13,
            len: 12
        })
    );
    assert!(RawView::new(
        Shared::from_slice(&buf),
        geom(0, 2, &[0, 2], &[isize::MAX, isize::MIN])
    )
    .is_ok());
}

#[test]
fn testbuffer_examples() {
    // cpython.md §5.5, six bytes of 'B'.
    let buf: Vec<u8> = (0..6).collect();
    let ok = |g: Geometry| {
        RawView::new(Shared::from_slice(&buf), g).map(|r| copy::to_bytes(&r, Order::C))
    };
    assert!(ok(geom(0, 1, &[2, 4], &[4, 1])).is_err());
    assert!(ok(geom(0, 1, &[3], &[3])).is_err());
    assert_eq!(ok(geom(0, 1, &[2], &[5])).unwrap(), [0, 5]);
    assert!(ok(geom(0, 1, &[2], &[6])).is_err());
    assert_eq!(ok(geom(4, 1, &[3], &[-2])).unwrap(), [4, 2, 0]);
    assert!(ok(geom(3, 1, &[3], &[-2])).is_err());
    assert_eq!(ok(geom(1, 1, &[3], &[2])).unwrap(), [1, 3, 5]);
    assert!(ok(geom(1, 1, &[6], &[1])).is_err());
    assert_eq!(ok(geom(0, 1, &[6], &[0])).unwrap(), [0; 6]);
    // Strides that are not multiples of the itemsize are fine here (a field of a packed struct).
    let buf: Vec<u8> = (0..12).collect();
    let r = RawView::new(Shared::from_slice(&buf), geom(1, 2, &[4], &[3])).unwrap();
    assert_eq!(copy::to_bytes(&r, Order::C), [1, 2, 4, 5, 7, 8, 10, 11]);
}

#[test]
fn validation_errors_name_their_numbers() {
    let buf = [0u8; 40];
    let err = |g: Geometry| RawView::new(Shared::from_slice(&buf), g).err().unwrap();
    let e = err(geom(0, 4, &[3, 4], &[16, 4]));
    assert_eq!(
        e,
        ViewError::OutOfBounds {
            start: 0,
            end: 48,
            len: 40
        }
    );
    assert_eq!(e.to_string(), "needs bytes 0..48, buffer has 40");
    let e = err(geom(2, 1, &[3], &[-2]));
    assert_eq!(e.to_string(), "needs bytes -2..3, buffer has 40");
    let e = err(geom(0, 1, &[1; 65], &[1; 65]));
    assert_eq!(e, ViewError::TooManyDimensions { ndim: 65 });
    assert_eq!(
        e.to_string(),
        "number of dimensions must not exceed 64, got 65"
    );
    let e = err(geom(0, 1, &[1, 2], &[1]));
    assert_eq!(
        e.to_string(),
        "shape has 2 dimensions but strides has 1 entry"
    );
    assert_eq!(err(geom(0, 0, &[1], &[1])), ViewError::ItemsizeZero);
    assert_eq!(
        ViewError::ItemsizeZero.to_string(),
        "itemsize must not be zero"
    );
    let e = err(geom(0, 8, &[usize::MAX / 4], &[8]));
    assert_eq!(
        e,
        ViewError::SizeOverflow {
            shape: vec![usize::MAX / 4],
            itemsize: 8
        }
    );
    let e = err(geom(0, 1, &[1 << 40, 1 << 30], &[0, 0]));
    assert!(matches!(e, ViewError::SizeOverflow { .. }), "{e}");
    let e = err(geom(0, 1, &[3], &[isize::MAX]));
    assert_eq!(
        e,
        ViewError::StrideOverflow {
            axis: 0,
            extent: 3,
            stride: isize::MAX
        }
    );
    assert_eq!(
        e.to_string(),
        "byte offsets overflow isize at axis 0 (extent 3, stride 9223372036854775807)"
    );
    let e = err(geom(0, 1, &[2, 2], &[isize::MIN, isize::MIN]));
    assert!(
        matches!(e, ViewError::StrideOverflow { axis: 1, .. }),
        "{e}"
    );
    let e = err(geom(41, 1, &[0], &[1]));
    assert_eq!(
        e,
        ViewError::OffsetOutOfBounds {
            offset: 41,
            len: 40
        }
    );
    assert_eq!(
        e.to_string(),
        "offset 41 is past the end of the 40-byte buffer"
    );
    let e = err(geom(usize::MAX, 1, &[1], &[1]));
    assert_eq!(
        e,
        ViewError::OffsetOutOfBounds {
            offset: usize::MAX,
            len: 40
        }
    );
}

#[test]
fn selection_errors_name_their_numbers() {
    let g = geom(0, 1, &[3, 4], &[4, 1]);
    let e = select::apply(&g, &[SliceArg::Index(5)]).unwrap_err();
    assert_eq!(
        e,
        ViewError::IndexOutOfBounds {
            axis: 0,
            index: 5,
            size: 3
        }
    );
    assert_eq!(
        e.to_string(),
        "index 5 is out of bounds for axis 0 with size 3"
    );
    let e = select::apply(&g, &[SliceArg::FULL, SliceArg::Index(-5)]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "index -5 is out of bounds for axis 1 with size 4"
    );
    let e = select::apply(&g, &[0.into(), 0.into(), 0.into()]).unwrap_err();
    assert_eq!(e, ViewError::TooManyIndices { ndim: 2, given: 3 });
    assert_eq!(
        e.to_string(),
        "too many indices: view is 2-dimensional, but 3 were indexed"
    );
    let e = select::apply(&g, &[SliceArg::Ellipsis, SliceArg::Ellipsis]).unwrap_err();
    assert_eq!(e, ViewError::MultipleEllipsis);
    assert_eq!(
        e.to_string(),
        "an index can only have a single ellipsis ('...')"
    );
    let e = select::apply(&g, &[SliceArg::slice(None, None, Some(0))]).unwrap_err();
    assert_eq!(e, ViewError::SliceStepZero);
    assert_eq!(e.to_string(), "slice step cannot be zero");
    let many = vec![SliceArg::NewAxis; 63];
    let e = select::apply(&g, &many).unwrap_err();
    assert_eq!(e, ViewError::TooManyDimensions { ndim: 65 });
    assert_eq!(
        select::permute(&g, &[0]).unwrap_err().to_string(),
        "axes don't match view: view is 2-dimensional, but 1 axes were given"
    );
    assert_eq!(
        select::permute(&g, &[1, 1]).unwrap_err().to_string(),
        "axes [1, 1] are not a permutation of 0..2"
    );
    assert_eq!(
        select::permute(&g, &[0, 2]).unwrap_err(),
        ViewError::AxesNotPermutation { axes: vec![0, 2] }
    );
    let e = &g.reshaped(&[5]).unwrap_err();
    assert_eq!(e.to_string(), "cannot reshape 12 elements into shape [5]");
    let t = select::permute(&g, &[1, 0]).unwrap();
    assert_eq!(
        &t.reshaped(&[12]).unwrap_err().to_string(),
        "reshape is restricted to C-contiguous views"
    );
}

#[test]
fn slicing_keeps_cpython_strides_and_offsets() {
    // b'abc'[1:1:-1]: empty, stride -1 (CPython), offset unchanged.
    let g = geom(0, 1, &[3], &[1]);
    let s = select::apply(&g, &[SliceArg::slice(Some(1), Some(1), Some(-1))]).unwrap();
    assert_eq!((s.shape.to_vec(), s.strides.to_vec()), (vec![0], vec![-1]));
    // m[100:] clamps.
    let s = select::apply(&g, &[SliceArg::slice(Some(100), None, None)]).unwrap();
    assert_eq!(s.shape, vec![0]);
    // [::-1] starts at the last element.
    let s = select::apply(&g, &[SliceArg::slice(None, None, Some(-1))]).unwrap();
    assert_eq!((s.offset, s.strides.to_vec()), (2, vec![-1]));
    // Huge steps on a valid view cannot overflow the stride.
    let g = geom(0, 8, &[4], &[8]);
    let s = select::apply(&g, &[SliceArg::slice(None, None, Some(isize::MAX))]).unwrap();
    assert_eq!(
        (s.shape.to_vec(), s.strides.to_vec()),
        (vec![1], vec![isize::MAX])
    );
    let s = select::apply(&g, &[SliceArg::slice(None, None, Some(isize::MIN))]).unwrap();
    assert_eq!((s.offset, s.shape.to_vec()), (24, vec![1]));
    // Integer indexing on an empty view still checks bounds but never moves the offset.
    let g = geom(0, 1, &[0, 3], &[isize::MAX, isize::MAX]);
    let s = select::apply(&g, &[SliceArg::FULL, SliceArg::Index(2)]).unwrap();
    assert_eq!((s.offset, s.shape.to_vec()), (0, vec![0]));
    assert!(select::apply(&g, &[SliceArg::FULL, SliceArg::Index(3)]).is_err());
}

#[test]
fn cast_errors_name_their_numbers() {
    let g = geom(0, 1, &[3], &[1]);
    let e = g.cast(4, None).unwrap_err();
    assert_eq!(
        e,
        ViewError::CastLengthNotMultiple {
            nbytes: 3,
            itemsize: 4
        }
    );
    assert_eq!(
        e.to_string(),
        "memoryview: length is not a multiple of itemsize (3 bytes, itemsize 4)"
    );
    let g = geom(0, 1, &[4], &[1]);
    let e = g.cast(4, Some(&[2])).unwrap_err();
    assert_eq!(
        e.to_string(),
        "memoryview: product(shape) * itemsize != buffer size (shape [2], itemsize 4, buffer size 4)"
    );
    let e = g.cast(1, Some(&[usize::MAX, 2])).unwrap_err();
    assert!(matches!(e, ViewError::CastShapeMismatch { .. }));
    let e = geom(0, 1, &[2], &[2]).cast(1, None).unwrap_err();
    assert_eq!(e, ViewError::CastNotContiguous);
    assert_eq!(
        e.to_string(),
        "memoryview: casts are restricted to C-contiguous views"
    );
    let e = g.cast(1, Some(&[1; 65])).unwrap_err();
    assert_eq!(e, ViewError::TooManyDimensions { ndim: 65 });
    // An empty shape with an extent past isize::MAX breaks invariant 3 (found by
    // `no_panics`: the derived geometry failed its debug re-check), in a cast and a reshape.
    let empty = geom(0, 1, &[0], &[1]);
    let huge = [usize::MAX, 0];
    let overflow = ViewError::SizeOverflow {
        shape: huge.to_vec(),
        itemsize: 1,
    };
    assert_eq!(empty.cast(1, Some(&huge)).unwrap_err(), overflow);
    assert_eq!(empty.reshaped(&huge).unwrap_err(), overflow);
    let fits = [isize::MAX as usize, 0];
    assert_eq!(empty.reshaped(&fits).unwrap().shape.to_vec(), fits);
    assert_eq!(g.cast(0, None).unwrap_err(), ViewError::ItemsizeZero);
    // 0-dim results, and casts of empty views.
    let c = g.cast(4, Some(&[])).unwrap();
    assert_eq!((c.shape.to_vec(), c.strides.to_vec()), (vec![], vec![]));
    let empty = geom(0, 4, &[2, 0], &[-100, 3]);
    let c = empty.cast(8, Some(&[0, 5])).unwrap();
    assert_eq!(
        (c.shape.to_vec(), c.strides.to_vec()),
        (vec![0, 5], vec![40, 8])
    );
    let c = empty.cast(2, None).unwrap();
    assert_eq!(c.shape, vec![0]);
}

/// Invariant 3 is about the product of the extents, which a zero makes 0 whatever the others:
/// found by `public_api_never_panics` as a transpose accepted in one axis order only.
#[test]
fn zero_extent_validates_in_any_axis_order() {
    let huge = [1usize << 62, usize::MAX >> 1, 1, 1 << 32, 0, 3];
    let mut shape = huge.to_vec();
    for _ in 0..2 {
        let g = geom(0, 1 << 32, &shape, &[1; 6]);
        assert_eq!(g.validate(0), Ok(()), "{shape:?}");
        shape.reverse();
    }
    let buf = [0u8; 4];
    let m = crate::MemoryView::from_parts(&buf, "B", &huge, Some(&[1; 6]), 0).unwrap();
    assert_eq!(
        m.transpose().shape(),
        &[3, 0, 1 << 32, 1, usize::MAX >> 1, 1 << 62]
    );
    assert_eq!(m.to_bytes(Order::C), b"");
}

/// CPython unpacks each item with `struct` and compares a 1-tuple as its one value:
/// `memoryview(ndarray([5], format='h 0c')) == memoryview(ndarray([5], format='h'))` is True
/// (CPython 3.11), as is the comparison of two such views.
#[test]
fn one_value_tuples_compare_as_their_value() {
    let b = 5i16.to_ne_bytes();
    let tuple = crate::MemoryView::from_parts(&b, "h 0c", &[1], None, 0).unwrap();
    let plain = crate::MemoryView::from_parts(&b, "h", &[1], None, 0).unwrap();
    assert!(tuple == plain);
    assert!(plain == tuple);
    let other = (-5i16).to_ne_bytes();
    assert!(crate::MemoryView::from_parts(&other, "h 0c", &[1], None, 0).unwrap() != plain);
}
