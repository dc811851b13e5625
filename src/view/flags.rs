//! Buffer requests: [`BufferFlags`] with CPython's numeric values, and the answer
//! [`BufferInfo`] that CPython's memoryview exporter (`memory_getbuf`) would give.

#![forbid(unsafe_code)]

use std::fmt;
use std::ops::{BitOr, BitOrAssign};

use super::error::ViewError;
use super::raw::Geometry;

/// The `flags` argument of `PyObject_GetBuffer`: which fields the consumer can handle and what
/// it requires. The constants have CPython's values; composites include all bits of their
/// parts (`STRIDES` includes `ND`, `FULL_RO` is `INDIRECT | FORMAT`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct BufferFlags(u32);

impl BufferFlags {
    /// `PyBUF_SIMPLE` (0): a contiguous block of unsigned bytes, no shape.
    pub const SIMPLE: BufferFlags = BufferFlags(0);
    /// `PyBUF_WRITABLE` (1): the consumer will write.
    pub const WRITABLE: BufferFlags = BufferFlags(0x001);
    /// `PyBUF_FORMAT` (4): fill in the format string.
    pub const FORMAT: BufferFlags = BufferFlags(0x004);
    /// `PyBUF_ND` (8): fill in the shape; the buffer must be C-contiguous.
    pub const ND: BufferFlags = BufferFlags(0x008);
    /// `PyBUF_STRIDES` (24): fill in shape and strides.
    pub const STRIDES: BufferFlags = BufferFlags(0x018);
    /// `PyBUF_C_CONTIGUOUS` (56): strides, and the buffer must be C-contiguous.
    pub const C_CONTIGUOUS: BufferFlags = BufferFlags(0x038);
    /// `PyBUF_F_CONTIGUOUS` (88): strides, and the buffer must be Fortran-contiguous.
    pub const F_CONTIGUOUS: BufferFlags = BufferFlags(0x058);
    /// `PyBUF_ANY_CONTIGUOUS` (152): strides, and the buffer must be C- or Fortran-contiguous.
    pub const ANY_CONTIGUOUS: BufferFlags = BufferFlags(0x098);
    /// `PyBUF_INDIRECT` (280): strides and suboffsets (needed for indirect views).
    pub const INDIRECT: BufferFlags = BufferFlags(0x118);
    /// `PyBUF_CONTIG` (9): `ND | WRITABLE`.
    pub const CONTIG: BufferFlags = BufferFlags(0x009);
    /// `PyBUF_CONTIG_RO` (8): `ND`.
    pub const CONTIG_RO: BufferFlags = BufferFlags(0x008);
    /// `PyBUF_STRIDED` (25): `STRIDES | WRITABLE`.
    pub const STRIDED: BufferFlags = BufferFlags(0x019);
    /// `PyBUF_STRIDED_RO` (24): `STRIDES`.
    pub const STRIDED_RO: BufferFlags = BufferFlags(0x018);
    /// `PyBUF_RECORDS` (29): `STRIDES | WRITABLE | FORMAT`.
    pub const RECORDS: BufferFlags = BufferFlags(0x01d);
    /// `PyBUF_RECORDS_RO` (28): `STRIDES | FORMAT`.
    pub const RECORDS_RO: BufferFlags = BufferFlags(0x01c);
    /// `PyBUF_FULL` (285): `INDIRECT | WRITABLE | FORMAT`.
    pub const FULL: BufferFlags = BufferFlags(0x11d);
    /// `PyBUF_FULL_RO` (284): `INDIRECT | FORMAT`.
    pub const FULL_RO: BufferFlags = BufferFlags(0x11c);

    /// Flags from their numeric value, as a C caller would pass them (unknown bits are kept
    /// and ignored, as CPython ignores them).
    pub const fn from_bits(bits: u32) -> BufferFlags {
        BufferFlags(bits)
    }

    /// The numeric value.
    pub const fn bits(self) -> u32 {
        self.0
    }

    /// Whether every bit of `other` is set (CPython's `(flags & X) == X` test).
    pub const fn contains(self, other: BufferFlags) -> bool {
        self.0 & other.0 == other.0
    }
}

impl BitOr for BufferFlags {
    type Output = BufferFlags;

    fn bitor(self, rhs: BufferFlags) -> BufferFlags {
        BufferFlags(self.0 | rhs.0)
    }
}

impl BitOrAssign for BufferFlags {
    fn bitor_assign(&mut self, rhs: BufferFlags) {
        self.0 |= rhs.0;
    }
}

impl fmt::Debug for BufferFlags {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BufferFlags({:#x})", self.0)
    }
}

/// What a consumer would find in its `Py_buffer` after a successful request: the fields
/// CPython fills, with `None` where it leaves a NULL pointer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BufferInfo {
    /// Byte index in the view's buffer of element `[0, ..., 0]` (CPython's `buf` pointer).
    pub offset: usize,
    /// `len`: `product(shape) * itemsize`.
    pub len: usize,
    /// `itemsize` (kept even when `format` is `None`).
    pub itemsize: usize,
    /// `readonly`.
    pub readonly: bool,
    /// `ndim` (1 when `ND` was not requested, as CPython sets it).
    pub ndim: usize,
    /// `format`, when `FORMAT` was requested.
    pub format: Option<String>,
    /// `shape`, when `ND` was requested.
    pub shape: Option<Vec<usize>>,
    /// `strides`, when `STRIDES` was requested.
    pub strides: Option<Vec<isize>>,
    /// `suboffsets`: for an indirect view (one per axis, `-1` where no pointer is followed);
    /// `None` for a direct one.
    pub suboffsets: Option<Vec<isize>>,
}

/// `memory_getbuf`: answer a request for a view with geometry `g`, format `format`.
/// Checks run in CPython's order: writable, C, F, any contiguity, strides, format.
pub(crate) fn request(
    g: &Geometry,
    format: &str,
    readonly: bool,
    flags: BufferFlags,
) -> Result<BufferInfo, ViewError> {
    let c = g.is_c_contiguous();
    let f = g.is_f_contiguous();
    if flags.contains(BufferFlags::WRITABLE) && readonly {
        return Err(ViewError::NotWritable);
    }
    let format = flags
        .contains(BufferFlags::FORMAT)
        .then(|| format.to_string());
    if flags.contains(BufferFlags::C_CONTIGUOUS) && !c {
        return Err(ViewError::NotCContiguous);
    }
    if flags.contains(BufferFlags::F_CONTIGUOUS) && !f {
        return Err(ViewError::NotFContiguous);
    }
    if flags.contains(BufferFlags::ANY_CONTIGUOUS) && !c && !f {
        return Err(ViewError::NotContiguous);
    }
    // 8. An indirect view needs a consumer that follows suboffsets.
    let suboffsets = match &g.indirect {
        None => None,
        Some(ind) => {
            if !flags.contains(BufferFlags::INDIRECT) {
                return Err(ViewError::RequiresSuboffsets);
            }
            Some(
                ind.to_pep3118()
                    .ok_or(ViewError::SuboffsetsNotRepresentable)?,
            )
        }
    };
    let mut strides = Some(g.strides.clone());
    if !flags.contains(BufferFlags::STRIDES) {
        if !c {
            return Err(ViewError::NotCContiguous);
        }
        strides = None;
    }
    let mut shape = Some(g.shape.clone());
    let mut ndim = g.ndim();
    if !flags.contains(BufferFlags::ND) {
        if format.is_some() {
            return Err(ViewError::FormatWithoutShape);
        }
        ndim = 1;
        shape = None;
    }
    Ok(BufferInfo {
        offset: g.offset,
        len: g.nbytes(),
        itemsize: g.itemsize,
        readonly,
        ndim,
        format,
        shape: shape.map(|s| s.to_vec()),
        strides: strides.map(|s| s.to_vec()),
        suboffsets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_match_cpython() {
        let table = [
            (BufferFlags::SIMPLE, 0),
            (BufferFlags::WRITABLE, 1),
            (BufferFlags::FORMAT, 4),
            (BufferFlags::ND, 8),
            (BufferFlags::STRIDES, 24),
            (BufferFlags::C_CONTIGUOUS, 56),
            (BufferFlags::F_CONTIGUOUS, 88),
            (BufferFlags::ANY_CONTIGUOUS, 152),
            (BufferFlags::INDIRECT, 280),
            (BufferFlags::CONTIG, 9),
            (BufferFlags::CONTIG_RO, 8),
            (BufferFlags::STRIDED, 25),
            (BufferFlags::STRIDED_RO, 24),
            (BufferFlags::RECORDS, 29),
            (BufferFlags::RECORDS_RO, 28),
            (BufferFlags::FULL, 285),
            (BufferFlags::FULL_RO, 284),
        ];
        for (flag, value) in table {
            assert_eq!(flag.bits(), value);
        }
        assert_eq!(
            BufferFlags::INDIRECT | BufferFlags::WRITABLE | BufferFlags::FORMAT,
            BufferFlags::FULL
        );
        assert!(BufferFlags::FULL.contains(BufferFlags::STRIDES));
        assert!(!BufferFlags::STRIDES.contains(BufferFlags::C_CONTIGUOUS));
    }

    fn geom(shape: &[usize], strides: &[isize], itemsize: usize) -> Geometry {
        Geometry {
            offset: 0,
            itemsize,
            shape: shape.into(),
            strides: strides.into(),
            indirect: None,
        }
    }

    #[test]
    fn writable_i3_matrix() {
        // cpython.md §4.2: a writable 'i'[3] view.
        let g = geom(&[3], &[4], 4);
        let simple = request(&g, "i", false, BufferFlags::SIMPLE).unwrap();
        assert_eq!(
            (simple.ndim, simple.shape, simple.strides, simple.format),
            (1, None, None, None)
        );
        assert_eq!(simple.itemsize, 4);
        assert_eq!(simple.len, 12);
        assert_eq!(
            request(&g, "i", false, BufferFlags::FORMAT),
            Err(ViewError::FormatWithoutShape)
        );
        for flags in [BufferFlags::RECORDS, BufferFlags::FULL] {
            let info = request(&g, "i", false, flags).unwrap();
            assert_eq!(info.format.as_deref(), Some("i"));
            assert_eq!(info.shape, Some(vec![3]));
            assert_eq!(info.strides, Some(vec![4]));
            assert_eq!(info.suboffsets, None);
        }
    }

    #[test]
    fn strided_readonly_matrix() {
        // m[::2] of 6 bytes: readonly, shape [3], stride 2.
        let g = geom(&[3], &[2], 1);
        for flags in [
            BufferFlags::SIMPLE,
            BufferFlags::ND,
            BufferFlags::C_CONTIGUOUS,
        ] {
            assert_eq!(
                request(&g, "B", true, flags),
                Err(ViewError::NotCContiguous),
                "{flags:?}"
            );
        }
        assert_eq!(
            request(&g, "B", true, BufferFlags::ANY_CONTIGUOUS),
            Err(ViewError::NotContiguous)
        );
        for flags in [
            BufferFlags::STRIDES,
            BufferFlags::INDIRECT,
            BufferFlags::STRIDED_RO,
            BufferFlags::RECORDS_RO,
            BufferFlags::FULL_RO,
        ] {
            assert!(request(&g, "B", true, flags).is_ok(), "{flags:?}");
        }
        for flags in [
            BufferFlags::WRITABLE,
            BufferFlags::CONTIG,
            BufferFlags::STRIDED,
            BufferFlags::RECORDS,
            BufferFlags::FULL,
        ] {
            assert_eq!(
                request(&g, "B", true, flags),
                Err(ViewError::NotWritable),
                "{flags:?}"
            );
        }
    }

    #[test]
    fn fortran_matrix() {
        let g = geom(&[2, 3], &[1, 2], 1);
        for flags in [
            BufferFlags::C_CONTIGUOUS,
            BufferFlags::ND,
            BufferFlags::SIMPLE,
        ] {
            assert_eq!(
                request(&g, "B", true, flags),
                Err(ViewError::NotCContiguous)
            );
        }
        for flags in [
            BufferFlags::F_CONTIGUOUS,
            BufferFlags::ANY_CONTIGUOUS,
            BufferFlags::STRIDES,
        ] {
            assert!(request(&g, "B", true, flags).is_ok());
        }
        let c = geom(&[2, 3], &[3, 1], 1);
        assert_eq!(
            request(&c, "B", true, BufferFlags::F_CONTIGUOUS),
            Err(ViewError::NotFContiguous)
        );
    }

    #[test]
    fn messages_are_cpythons() {
        assert_eq!(
            ViewError::NotWritable.to_string(),
            "memoryview: underlying buffer is not writable"
        );
        assert_eq!(
            ViewError::NotCContiguous.to_string(),
            "memoryview: underlying buffer is not C-contiguous"
        );
        assert_eq!(
            ViewError::NotFContiguous.to_string(),
            "memoryview: underlying buffer is not Fortran contiguous"
        );
        assert_eq!(
            ViewError::NotContiguous.to_string(),
            "memoryview: underlying buffer is not contiguous"
        );
        assert_eq!(
            ViewError::FormatWithoutShape.to_string(),
            "memoryview: cannot cast to unsigned bytes if the format flag is present"
        );
    }
}
