//! Indirect (suboffset) views over Rust-owned pointer tables, PIL-style: every test here also runs
//! under Miri (`cargo +nightly miri test --lib ffi::indirect_tests`), which checks that following
//! the pointers stays inside the rows and that writes go through pointers allowed to write.

use std::mem::size_of;
use std::ptr;

use crate::format::Format;
use crate::value::Value;
use crate::view::*;

const PTR: usize = size_of::<*const u8>();

/// A table of `ptrs.len()` pointer slots, slot `i` at byte `i * PTR`, holding `ptrs[i]`.
fn table(ptrs: &[*const u8]) -> Vec<u8> {
    let mut t = vec![0u8; ptrs.len() * PTR];
    for (i, &p) in ptrs.iter().enumerate() {
        // SAFETY: slot `i` is `PTR` bytes inside `t`; `write_unaligned` needs no alignment and
        // stores the pointer with its provenance.
        unsafe { ptr::write_unaligned(t.as_mut_ptr().add(i * PTR) as *mut *const u8, p) };
    }
    t
}

/// Rows `[[0, 1, 2, 3], [10, 11, 12, 13], [20, 21, 22, 23]]` as `'B'`, each its own allocation.
fn rows() -> Vec<Vec<u8>> {
    (0..3u8)
        .map(|r| (0..4u8).map(|c| 10 * r + c).collect())
        .collect()
}

#[test]
fn reads_follow_the_pointers() {
    let rows = rows();
    let t = table(&rows.iter().map(|r| r.as_ptr()).collect::<Vec<_>>());
    // SAFETY: the slots point to `rows`, alive and unwritten while `m` lives; the view reads
    // at most 4 bytes from each.
    let m = unsafe {
        MemoryView::from_parts_indirect(&t, "B", &[3, 4], &[PTR as isize, 1], &[0, -1], 0)
    }
    .unwrap();
    assert_eq!(
        m.to_list().unwrap().to_string(),
        "[[0, 1, 2, 3], [10, 11, 12, 13], [20, 21, 22, 23]]"
    );
    assert!(m.is_indirect() && !m.is_c_contiguous() && !m.is_f_contiguous());
    assert_eq!(m.suboffsets().unwrap(), Some(vec![0, -1]));
    assert_eq!(m.get(&[2, -1]).unwrap(), Value::Int(23));
    assert_eq!(
        m.to_bytes(Order::F),
        [0, 10, 20, 1, 11, 21, 2, 12, 22, 3, 13, 23]
    );
    assert_eq!(m.to_bytes(Order::A), m.to_bytes(Order::C));
    assert_eq!(
        m.hex(None, 0).unwrap(),
        "00010203"[..].to_string() + "0a0b0c0d" + "14151617"
    );
    // Selections on every axis, CPython's suboffset adjustment.
    let s = m.select("::-2, 1::2").unwrap();
    assert_eq!(s.to_list().unwrap().to_string(), "[[21, 23], [1, 3]]");
    assert_eq!(s.suboffsets().unwrap(), Some(vec![1, -1]));
    assert_eq!(s.strides(), &[-2 * PTR as isize, 2]);
    // An integer on the inner axis folds into the suboffset; on the outer axis the level
    // before the dereference has no axis left.
    let col = m.select(":, 2").unwrap();
    assert_eq!(col.to_list().unwrap().to_string(), "[2, 12, 22]");
    assert_eq!(col.suboffsets().unwrap(), Some(vec![2]));
    let row = m.select("1").unwrap();
    assert_eq!(row.to_list().unwrap().to_string(), "[10, 11, 12, 13]");
    assert_eq!(row.suboffsets(), Err(ViewError::SuboffsetsNotRepresentable));
    assert_eq!(m.select("1, 3").unwrap().to_list().unwrap(), Value::Int(13));
    // New axes, ellipsis, iteration.
    assert_eq!(m.select("None, ..., 0").unwrap().shape(), &[1, 3]);
    let firsts: Vec<String> = m
        .iter()
        .unwrap()
        .map(|r| r.get(&[0]).unwrap().to_string())
        .collect();
    assert_eq!(firsts, ["0", "10", "20"]);
    // Transposing keeps each axis's level: correct values, but no PEP 3118 form.
    let t2 = m.transpose();
    assert_eq!(t2.get(&[3, 1]).unwrap(), Value::Int(13));
    assert_eq!(t2.to_bytes(Order::C), m.to_bytes(Order::F));
    assert_eq!(t2.suboffsets(), Err(ViewError::SuboffsetsNotRepresentable));
    assert_eq!(
        t2.request(BufferFlags::FULL_RO),
        Err(ViewError::SuboffsetsNotRepresentable)
    );
    assert_eq!(
        m.permute_axes(&[1, 0]).unwrap().to_list().unwrap(),
        t2.to_list().unwrap()
    );
    // Equality with a direct copy, in both directions.
    let copy = m.to_bytes(Order::C);
    let direct = MemoryView::from_parts(&copy, "B", &[3, 4], None, 0).unwrap();
    assert!(m == direct);
    assert!(direct == m);
    assert!(m.select("::-1").unwrap() != direct);
    assert!(t2 == direct.transpose());
}

#[test]
fn refusals_are_cpythons() {
    let rows = rows();
    let t = table(&rows.iter().map(|r| r.as_ptr()).collect::<Vec<_>>());
    // SAFETY: as in `reads_follow_the_pointers`.
    let m = unsafe {
        MemoryView::from_parts_indirect(&t, "B", &[3, 4], &[PTR as isize, 1], &[0, -1], 0)
    }
    .unwrap();
    assert_eq!(m.cast("B", None).unwrap_err(), ViewError::CastNotContiguous);
    assert_eq!(
        m.reshape(&[12]).unwrap_err(),
        ViewError::ReshapeNotContiguous
    );
    assert_eq!(
        m.request(BufferFlags::RECORDS_RO),
        Err(ViewError::RequiresSuboffsets)
    );
    assert_eq!(
        m.request(BufferFlags::C_CONTIGUOUS),
        Err(ViewError::NotCContiguous)
    );
    let info = m.request(BufferFlags::FULL_RO).unwrap();
    assert_eq!(info.suboffsets, Some(vec![0, -1]));
    assert_eq!(info.strides, Some(vec![PTR as isize, 1]));
    assert!(m.as_contiguous_bytes().is_none());
    // The first pointers must be inside the table (checked): a 4-row view of a 3-slot table.
    // SAFETY: rejected before anything is read.
    let e = unsafe {
        MemoryView::from_parts_indirect(&t, "B", &[4, 4], &[PTR as isize, 1], &[0, -1], 0)
    }
    .unwrap_err();
    assert!(matches!(e, ViewError::OutOfBounds { .. }), "{e:?}");
    // SAFETY: rejected: wrong number of suboffsets.
    let e = unsafe { MemoryView::from_parts_indirect(&t, "B", &[3], &[PTR as isize], &[0, -1], 0) }
        .unwrap_err();
    assert_eq!(
        e,
        ViewError::SuboffsetsInvalid {
            suboffsets: vec![0, -1]
        }
    );
    // All-negative suboffsets: an ordinary direct view.
    let bytes = [1u8, 2, 3];
    // SAFETY: no pointer is followed.
    let d = unsafe { MemoryView::from_parts_indirect(&bytes, "B", &[3], &[1], &[-1], 0) }.unwrap();
    assert!(!d.is_indirect() && d.is_c_contiguous());
    // An empty indirect view reads nothing, whatever the table holds.
    // SAFETY: no element is reachable.
    let e = unsafe {
        MemoryView::from_parts_indirect(&[], "B", &[0, 4], &[PTR as isize, 1], &[0, -1], 0)
    }
    .unwrap();
    assert_eq!(e.to_list().unwrap().to_string(), "[]");
    assert_eq!(e.to_bytes(Order::F), b"");
}

#[test]
fn writes_follow_the_pointers() {
    let mut rows: Vec<Vec<u8>> = rows();
    // Mutable pointers, so writing through them is allowed.
    let ptrs: Vec<*const u8> = rows
        .iter_mut()
        .map(|r| r.as_mut_ptr() as *const u8)
        .collect();
    let mut t = table(&ptrs);
    {
        // SAFETY: the slots point to the rows, which nothing else touches while `m` lives,
        // and they are outside `t`.
        let mut m = unsafe {
            MemoryViewMut::from_format_indirect(
                &mut t,
                Format::parse("B").unwrap(),
                None,
                &[3, 4],
                &[PTR as isize, 1],
                &[0, -1],
                0,
            )
        }
        .unwrap();
        m.set(&[0, 0], 100).unwrap();
        m.select_mut(":, -1").unwrap().fill(99).unwrap();
        m.assign(
            "::2, 1:3",
            &MemoryView::new(&[50, 51, 52, 53]).reshape(&[2, 2]).unwrap(),
        )
        .unwrap();
        m.assign_within("1, :2", "0, 1:3").unwrap();
        assert!(m.buffer_mut().is_err());
        let mut c = m.transpose_mut();
        c.set(&[1, 2], 7).unwrap();
        assert_eq!(
            m.to_list().unwrap().to_string(),
            "[[100, 50, 51, 99], [50, 51, 12, 99], [20, 7, 53, 99]]"
        );
    }
    assert_eq!(rows[0], [100, 50, 51, 99]);
    assert_eq!(rows[2], [20, 7, 53, 99]);
}

#[test]
fn two_levels_of_pointers() {
    // 2 × 2 × 3: a table of 2 pointers to tables of 2 pointers to rows of 3 `<h` values.
    let rows: Vec<Vec<u8>> = (0..4i16)
        .map(|r| {
            (0..3i16)
                .flat_map(|c| (100 * r + c).to_le_bytes())
                .collect()
        })
        .collect();
    let inner: Vec<Vec<u8>> = vec![
        table(&[rows[0].as_ptr(), rows[1].as_ptr()]),
        table(&[rows[2].as_ptr(), rows[3].as_ptr()]),
    ];
    let outer = table(&[inner[0].as_ptr(), inner[1].as_ptr()]);
    let p = PTR as isize;
    // SAFETY: every pointer points into `inner` or `rows`, alive and unwritten meanwhile.
    let m = unsafe {
        MemoryView::from_parts_indirect(&outer, "<h", &[2, 2, 3], &[p, p, 2], &[0, 0, -1], 0)
    }
    .unwrap();
    assert_eq!(
        m.to_list().unwrap().to_string(),
        "[[[0, 1, 2], [100, 101, 102]], [[200, 201, 202], [300, 301, 302]]]"
    );
    assert_eq!(
        m.select(":, 1, 2").unwrap().to_list().unwrap().to_string(),
        "[102, 302]"
    );
    assert_eq!(
        m.select("1, :, ::-1")
            .unwrap()
            .to_list()
            .unwrap()
            .to_string(),
        "[[202, 201, 200], [302, 301, 300]]"
    );
    // Indexing away the middle axis leaves two dereferences in a row: still readable.
    let mid = m.select(":, 1").unwrap();
    assert_eq!(
        mid.to_list().unwrap().to_string(),
        "[[100, 101, 102], [300, 301, 302]]"
    );
    assert_eq!(mid.suboffsets(), Err(ViewError::SuboffsetsNotRepresentable));
    assert_eq!(
        m.permute_axes(&[2, 0, 1]).unwrap().get(&[2, 1, 0]).unwrap(),
        Value::Int(202)
    );
    // Exports follow the dereferences no axis comes before: with the outer axis indexed away,
    // the first pointer leads to the inner table, which PEP 3118 can describe (one suboffset
    // left); with the outer two gone, both lead to a plain row.
    let (base, info) = m
        .select("1")
        .unwrap()
        .export_request(BufferFlags::FULL_RO)
        .unwrap();
    assert_eq!(base, inner[1].as_ptr());
    assert_eq!(info.suboffsets, Some(vec![0, -1]));
    assert_eq!((info.offset, info.shape.as_deref()), (0, Some(&[2, 3][..])));
    let (base, info) = m
        .select("1, 0, 1:")
        .unwrap()
        .export_request(BufferFlags::FULL_RO)
        .unwrap();
    assert_eq!(base, rows[2].as_ptr().wrapping_add(2));
    assert_eq!((info.suboffsets, info.len), (None, 4));
    // Two dereferences in a row after an axis: not expressible, not followable.
    assert_eq!(
        mid.export_request(BufferFlags::FULL_RO).unwrap_err(),
        ViewError::SuboffsetsNotRepresentable
    );
}
