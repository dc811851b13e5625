//! NumPy `.npy` and `.npz` files: read (the header, the dtype as a PEP 3118 format, a
//! [`MemoryView`] of the data without copying), load (an [`NpyArray`] that owns or maps the
//! bytes, aligned), and write (`np.save`'s bytes, exactly).
//!
//! | NumPy | memview |
//! |---|---|
//! | `np.load(f)` of bytes in memory | [`view`] (borrows), [`from_bytes`] (owns a `Vec<u8>`) |
//! | `np.load(path)` | [`load_mut`] (reads into aligned memory), [`read`] (any `Read`) |
//! | `np.load(path, mmap_mode='r')` | [`load`] (`unsafe`: memory-mapped, see its Safety) |
//! | `np.save(f, a)`, `np.save(path, a)` | [`write`](write()), [`save`] |
//! | `np.savez`, `np.savez_compressed`, `np.load` of an `.npz` | [`npz::Writer`], [`npz::Reader`], [`npz::read`] |
//! | `np.lib.format.dtype_to_descr` / `descr_to_dtype` | [`format_to_descr`] / [`descr_to_format`] |
//!
//! ```
//! use memview::npy;
//!
//! // What np.save(f, np.array([[1, 2, 3], [4, 5, 6]], dtype='<i2')) writes.
//! let mut file = b"\x93NUMPY\x01\x00\x76\x00".to_vec();
//! let dict = "{'descr': '<i2', 'fortran_order': False, 'shape': (2, 3), }";
//! file.extend_from_slice(format!("{dict:<117}\n").as_bytes());
//! for v in [1i16, 2, 3, 4, 5, 6] {
//!     file.extend_from_slice(&v.to_le_bytes());
//! }
//!
//! let header = npy::Header::parse(&file)?;
//! assert_eq!((header.version(), header.descr(), header.format()), ((1, 0), "'<i2'", "<h"));
//! assert_eq!((header.shape(), header.fortran_order(), header.data_offset()), (&[2, 3][..], false, 128));
//!
//! let view = npy::view(&file)?;                     // np.load(f), but borrowing `file`
//! assert_eq!(view.to_list()?.to_string(), "[[1, 2, 3], [4, 5, 6]]");
//! assert_eq!(view.strides(), &[6, 2]);
//!
//! // np.save(g, a[:, ::-2]): memview writes the bytes NumPy writes.
//! let mut out = Vec::new();
//! npy::write(&view.select(":, ::-2")?, &mut out)?;
//! assert!(out[10..].starts_with(b"{'descr': '<i2', 'fortran_order': False, 'shape': (2, 2), }"));
//! assert_eq!(npy::view(&out)?.to_list()?.to_string(), "[[3, 1], [6, 4]]");
//! # Ok::<(), memview::Error>(())
//! ```
//!
//! # Loading files: an owned, aligned array
//!
//! [`view`] borrows bytes you hold, so `npy::view(&std::fs::read(path)?)?` does not compile
//! (E0716: the `Vec` is a temporary), and a `Vec<u8>` promises no alignment, so a zero-copy
//! typed view ([`as_array`](MemoryView::as_array)) of its data may fail with "the first
//! element's address is 1 mod 8". The loaders return an [`NpyArray`], which owns (or maps)
//! the bytes with the data aligned for its format, and hands out views:
//!
//! ```
//! use memview::npy;
//!
//! # let dir = std::env::temp_dir();
//! # let path = dir.join(format!("memview-npy-module-doc-{}.npy", std::process::id()));
//! # let data: Vec<u8> = (0..12).flat_map(|i| (i as f64).to_le_bytes()).collect();
//! # npy::save(&memview::MemoryView::from_parts(&data, "<d", &[3, 4], None, 0)?, &path)?;
//! let a = npy::load_mut(&path)?;                   // np.load(path)
//! let v = a.view();
//! assert_eq!(v.select("1, 1:3")?.to_list()?.to_string(), "[5.0, 6.0]");
//! # #[cfg(target_endian = "little")]
//! assert_eq!(v.as_array::<f64>()?.sum(), 66.0);    // zero-copy: the data is aligned
//!
//! // np.load(path, mmap_mode='r'): nothing is read until it is touched.
//! // SAFETY: nothing modifies or truncates the file while `m` lives.
//! let m = unsafe { npy::load(&path)? };
//! assert!(m.is_mapped() && m.view() == v);
//! # drop(m);
//! # std::fs::remove_file(&path)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`load`] is `unsafe` because a memory map is only sound while no one changes the file
//! (Rust assumes the bytes behind `&[u8]` do not change; truncation makes reading them crash
//! with `SIGBUS`): memview cannot check that, so the caller promises it, as with
//! `memmap2::Mmap::map`. [`load_mut`], [`read`] and [`from_bytes`] are safe: they read or take
//! the bytes, and their arrays can be written ([`NpyArray::view_mut`]).
//!
//! # Writing
//!
//! [`write`](write()) and [`save`] write any view whose format has a NumPy dtype, as `np.save`
//! writes the array `np.asarray` makes of the same buffer: the header text, its padding to a
//! multiple of 64 bytes, the spare spaces for the growth axis and the version (1.0; 2.0 when the
//! header exceeds 64 KiB; 3.0 when a field name is not Latin-1) are NumPy's, byte for byte (checked
//! against files `np.save` wrote, `tests/fixtures/npy_write`). The data is written as it is when
//! the view is C-contiguous, or Fortran-contiguous (then `'fortran_order': True`, as for a
//! transposed array); other views (strided, reversed, broadcast, indirect) are copied in C order, a
//! piece at a time.
//!
//! The dtype follows NumPy's importer (table below, [`format_to_descr`]): byte order is kept
//! (`'>f8'`); a struct becomes a list of `(name, typestr[, shape])` fields with its padding
//! as `('', '|V<n>')` entries (`dtype.descr`'s form, which `np.load` turns back into the
//! same offsets and item size); unnamed fields are named `f0`, `f1`, ...; a top-level list
//! of items (`<hd?`) is a struct too; a lone top-level sub-array (`(2,3)d`, `4c`) adds its
//! axes to the shape. What NumPy has no dtype for is [`NpyError::DtypeUnrepresentable`],
//! naming the field: pointers (`P`, `&i`, `X{}`), `O` (a `.npy` stores objects pickled),
//! Pascal strings `p`, UCS-2 `u`, empty strings `0s`. Named padding (`x:pad:`, a `V1` field
//! in NumPy) is written as padding, as memview reads it.
//!
//! ```
//! use memview::{npy, MemoryView};
//!
//! let data: Vec<u8> = (0..24u8).collect();
//! let records = MemoryView::from_parts(&data, "T{<h:id:x:pad:>f:x:b:flag:}", &[3], None, 0)?;
//! assert_eq!(
//!     npy::format_to_descr(records.format())?,
//!     "[('id', '<i2'), ('', '|V1'), ('x', '>f4'), ('flag', '|i1')]"
//! );
//! let mut file = Vec::new();
//! npy::write(&records.select("::-1")?, &mut file)?;
//! let back = npy::view(&file)?;
//! assert_eq!(back.format().as_str(), "T{<h:id:1x>f:x:b:flag:}");
//! assert_eq!(back.to_list()?, records.select("::-1")?.to_list()?);
//!
//! let ptrs = MemoryView::from_parts(&data, "<i:n:P:next:", &[2], None, 0)?;
//! let e = npy::write(&ptrs, &mut Vec::new()).unwrap_err();
//! assert_eq!(e.to_string(), "format '<i:n:P:next:' has no NumPy dtype, so it cannot be \
//!     written as .npy: field 'next' is 'P', a pointer: NumPy has no pointer dtype");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # `.npz` archives
//!
//! Module [`npz`]: [`npz::Writer`] writes stored (`np.savez`) or deflated
//! (`np.savez_compressed`) archives, naming positional arrays `arr_0`, `arr_1`, ...;
//! [`npz::Reader`] and [`npz::read`] read any of them into [`NpyArray`]s.
//!
//! # The file format
//!
//! NEP 1 / `numpy.lib.format`: the magic `\x93NUMPY`, a major and minor version byte, the
//! header length (2 bytes little-endian in version 1.0, 4 bytes in versions 2.0 and 3.0), then
//! a Python dict literal `{'descr': ..., 'fortran_order': ..., 'shape': ...}` padded with
//! spaces and a newline (Latin-1 in versions 1.0 and 2.0, UTF-8 in 3.0); the data follows, in C
//! or Fortran order. [`Header::parse`] reads all three versions.
//!
//! What this reader does where `np.load` could differ:
//!
//! * **Trailing bytes** after the data are ignored, as `np.load` ignores them; the view covers
//!   exactly the data ([`Header::data`]).
//! * **Too little data** is [`NpyError::DataTruncated`], naming the bytes needed and present
//!   (`np.load`: "EOF: reading array data, expected 48 bytes got 20").
//! * **Header keys**: `'descr'`, `'fortran_order'` and `'shape'` must be present; other keys
//!   are ignored (`np.load` refuses them), and of a repeated key the last counts, as in Python.
//! * **No header size limit** (`np.load` refuses headers over 10,000 bytes unless told
//!   otherwise, to protect `ast.literal_eval`): the literal parser here is linear and limits
//!   bracket nesting, so a huge or hostile header costs its length and no more. A header
//!   length beyond the end of the file is [`NpyError::HeaderTruncated`] before anything is
//!   read.
//! * **Object arrays** (`'|O'`) are refused ([`NpyError::TypestrObject`]): their data is
//!   pickled Python objects.
//! * Python 2's `3L` integer suffixes (very old files) are not accepted.
//!
//! # From `descr` to a PEP 3118 format
//!
//! What `np.lib.format.dtype_to_descr` writes, and the format [`Header::format`] gives:
//!
//! | descr | format | | descr | format |
//! |---|---|---|---|---|
//! | `<i4` `>u2` `\|i1` | `<i` `>H` `b` | | `<f2` `<f4` `<f8` `<f16` | `<e` `<f` `<d` `<g` |
//! | `\|b1` | `?` | | `<c8` `<c16` `<c32` | `<Zf` `<Zd` `<Zg` |
//! | `\|S5` | `5s` | | `<U3` | `<3w` |
//! | `\|V4` | `4s` (`4x` for an unnamed padding field) | | `<M8[ns]` `<m8[s]` | `<q` (int64 ticks, see [`Header::note`]) |
//! | `[('x', '<i4'), ('y', '>f8', (2,))]` | `T{<i:x:(2)>d:y:}` | | `\|O` | refused (pickled objects) |
//!
//! `<f16`/`<c32` are `long double`: they translate only where `g` has that size (16 bytes on
//! x86-64 Linux). A titled field `(('title', 'name'), '<i4')` keeps its name; the title has no
//! PEP 3118 spelling and is dropped.
//!
//! Inside a struct every multi-byte item carries its own byte-order prefix (`=` for native), so
//! no native alignment is added: the descriptor's fields are already laid out with explicit
//! padding entries. One-byte items need no prefix (their alignment is 1 in every mode). The
//! format is read in NumPy's [dialect](crate::format::Dialect::NumPy) ([`Header::to_format`]).
//!
//! A sub-array dtype `('<f8', (2, 3))` (what [`format_to_descr`] gives for `(2,3)<d`) reads
//! as `(2,3)<d`.
//!
//! # From a format to `descr`
//!
//! What [`write`](write()) puts in the header ([`format_to_descr`]; native order is spelled `<` or
//! `>` as the host is, as NumPy spells it):
//!
//! | format | descr |
//! |---|---|
//! | `<d` `>i` `B` `?` `b` | `'<f8'` `'>i4'` `'\|u1'` `'\|b1'` `'\|i1'` |
//! | `c` `5s` `<3w` | `'\|S1'` `'\|S5'` `'<U3'` |
//! | `<e` `>Zd` `g` `Zg` (x86-64) | `'<f2'` `'>c16'` `'<f16'` `'<c32'` |
//! | `<hd?` (a top-level list of items) | `[('f0', '<i2'), ('f1', '<f8'), ('f2', '\|b1')]` |
//! | `T{b:a:i:b:}` (padding) | `[('a', '\|i1'), ('', '\|V3'), ('b', '<i4')]` |
//! | `T{(2)T{<h:p:b:q:}:s:<d:t:}` | `[('s', [('p', '<i2'), ('q', '\|i1')], (2,)), ('t', '<f8')]` |
//! | `(2,3)<d`, `4c` (a lone sub-array) | `'<f8'`, `'\|S1'`, the shape gains `(2, 3)`, `(4,)` |
//! | `P` `&i` `X{}` `O` `p` `u` `0s` | refused ([`NpyError::DtypeUnrepresentable`]) |
//!
//! # Python literals
//!
//! The header is read by a small parser for Python literals, which is also available as
//! [`Value`](crate::Value)'s `FromStr`: `"(1, 2.5, b'ab')".parse::<Value>()` gives what
//! [`pack`](crate::pack()) takes; its error is
//! [`LiteralError`](crate::value::LiteralError) (module [`value`](crate::value)).

#![forbid(unsafe_code)]

mod descr;
mod error;
mod load;
pub mod npz;
#[cfg(test)]
mod tests;
mod write;

use std::sync::Arc;

use crate::format::{Dialect, Format};
use crate::view::{MemoryView, ViewError};

pub use crate::ffi::mmap::load;
pub use error::NpyError;
pub use load::{from_bytes, load_mut, read, NpyArray};
pub use write::{format_to_descr, save, write};

use crate::value::literal::{self as pylit, Lit};

/// The magic string every `.npy` file starts with.
pub const MAGIC: &[u8; 6] = b"\x93NUMPY";

/// Whether `bytes` starts with the `.npy` magic [`MAGIC`].
pub fn is_npy(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

/// What the header of a `.npy` file says: version, dtype (as written and as a PEP 3118
/// format), shape, order, and where the data starts. Made by [`Header::parse`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    version: (u8, u8),
    descr: String,
    format: String,
    shape: Vec<usize>,
    fortran_order: bool,
    data_offset: usize,
    note: Option<String>,
}

impl Header {
    /// Parse the header of a `.npy` file held in `file` (the whole file, or at least its
    /// header: the data is not looked at).
    ///
    /// The `descr` is translated here, so an object array or a dtype without a PEP 3118
    /// spelling is an error at once; whether the format lays out is checked by
    /// [`to_format`](Self::to_format).
    pub fn parse(file: &[u8]) -> Result<Header, NpyError> {
        if !is_npy(file) {
            return Err(NpyError::MagicMissing);
        }
        let (Some(&major), Some(&minor)) = (file.get(6), file.get(7)) else {
            return Err(NpyError::VersionTruncated {
                file_len: file.len(),
            });
        };
        let (len_size, utf8) = match major {
            1 => (2, false),
            2 => (4, false),
            3 => (4, true),
            _ => return Err(NpyError::VersionUnsupported { major, minor }),
        };
        let start = 8 + len_size;
        let Some(len_bytes) = file.get(8..start) else {
            return Err(NpyError::HeaderLengthTruncated {
                file_len: file.len(),
            });
        };
        // At most 4 bytes, little-endian; saturate where usize is narrower (16-bit targets).
        let header_len = len_bytes
            .iter()
            .rev()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        let header_len = usize::try_from(header_len).unwrap_or(usize::MAX);
        let end = start.saturating_add(header_len);
        let Some(raw) = file.get(start..end) else {
            return Err(NpyError::HeaderTruncated {
                header_len,
                start,
                file_len: file.len(),
            });
        };
        let text: String = if utf8 {
            std::str::from_utf8(raw)
                .map_err(|error| NpyError::HeaderNotUtf8 { error })?
                .to_owned()
        } else {
            // Latin-1: every byte is the code point of the same number.
            raw.iter().map(|&b| char::from(b)).collect()
        };
        from_dict(&text, (major, minor), end)
    }

    /// The `(major, minor)` version of the file format: `(1, 0)`, `(2, 0)` or `(3, 0)`.
    pub fn version(&self) -> (u8, u8) {
        self.version
    }

    /// The `'descr'` entry as Python prints it: `'<f8'`, `[('x', '<i4'), ('y', '<f8')]`.
    pub fn descr(&self) -> &str {
        &self.descr
    }

    /// The PEP 3118 format equivalent to [`descr`](Self::descr) (table in the
    /// [module docs](self)), to be read in NumPy's dialect.
    pub fn format(&self) -> &str {
        &self.format
    }

    /// The array's shape (`()` for a 0-d array).
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    /// Whether the data is in Fortran (column-major) order.
    pub fn fortran_order(&self) -> bool {
        self.fortran_order
    }

    /// The byte offset of the data in the file (NumPy pads the header so that this is a
    /// multiple of 64, or of 16 for files from NumPy before 1.14).
    pub fn data_offset(&self) -> usize {
        self.data_offset
    }

    /// A remark about the translation, if any: datetimes and timedeltas are read as int64
    /// tick counts (PEP 3118 has no date type), and this says so with the unit.
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// The [`format`](Self::format) parsed in NumPy's dialect ([`NpyError::FormatUnreadable`]
    /// if the format engine refuses it).
    pub fn to_format(&self) -> Result<Format, NpyError> {
        Format::parse_with(&self.format, Dialect::NumPy).map_err(|error| {
            NpyError::FormatUnreadable {
                descr: self.descr.clone(),
                format: self.format.clone(),
                error: Box::new(error),
            }
        })
    }

    /// The number of bytes of data the header implies: the item size times the number of
    /// elements; `None` when that does not fit `usize`.
    fn data_len_for(&self, itemsize: usize) -> Option<usize> {
        self.shape
            .iter()
            .try_fold(itemsize, |acc, &n| acc.checked_mul(n))
    }

    /// The number of bytes of data the header implies (item size times number of elements).
    /// [`NpyError::View`] with [`ViewError::SizeOverflow`] when that exceeds `isize::MAX`, the
    /// most any buffer can hold.
    pub fn data_len(&self) -> Result<usize, NpyError> {
        let itemsize = self.to_format()?.itemsize();
        self.data_len_for(itemsize)
            .filter(|&n| isize::try_from(n).is_ok())
            .ok_or_else(|| {
                NpyError::View(ViewError::SizeOverflow {
                    shape: self.shape.clone(),
                    itemsize,
                })
            })
    }

    /// The data bytes of `file`: exactly [`data_len`](Self::data_len) bytes from
    /// [`data_offset`](Self::data_offset); bytes after them are ignored, as `np.load` ignores
    /// them. [`NpyError::DataTruncated`] if the file is too short (with `needed: None` when
    /// the size does not even fit `usize`).
    pub fn data<'a>(&self, file: &'a [u8]) -> Result<&'a [u8], NpyError> {
        let itemsize = self.to_format()?.itemsize();
        self.data_for(file, itemsize)
    }

    fn data_for<'a>(&self, file: &'a [u8], itemsize: usize) -> Result<&'a [u8], NpyError> {
        let available = file.len().saturating_sub(self.data_offset);
        let needed = self.data_len_for(itemsize);
        match needed {
            Some(n) if n <= available => Ok(&file[self.data_offset..self.data_offset + n]),
            _ => Err(NpyError::DataTruncated {
                shape: self.shape.clone(),
                descr: self.descr.clone(),
                needed,
                available,
            }),
        }
    }

    /// The byte strides of the data: C order (last axis fastest) or Fortran order (first axis
    /// fastest), as [`fortran_order`](Self::fortran_order) says. An axis of length 0 counts as
    /// 1, as in NumPy. [`NpyError::View`] with [`ViewError::SizeOverflow`] if a stride does not
    /// fit `isize`.
    pub fn strides(&self) -> Result<Vec<isize>, NpyError> {
        let itemsize = self.to_format()?.itemsize();
        self.strides_for(itemsize)
    }

    fn strides_for(&self, itemsize: usize) -> Result<Vec<isize>, NpyError> {
        let overflow = || {
            NpyError::View(ViewError::SizeOverflow {
                shape: self.shape.clone(),
                itemsize,
            })
        };
        let mut strides = vec![0isize; self.shape.len()];
        let mut step = isize::try_from(itemsize).map_err(|_| overflow())?;
        let mut set = |k: usize| -> Result<(), NpyError> {
            strides[k] = step;
            let n = isize::try_from(self.shape[k].max(1)).map_err(|_| overflow())?;
            step = step.checked_mul(n).ok_or_else(overflow)?;
            Ok(())
        };
        if self.fortran_order {
            (0..self.shape.len()).try_for_each(&mut set)?;
        } else {
            (0..self.shape.len()).rev().try_for_each(&mut set)?;
        }
        Ok(strides)
    }

    /// A view of the data in `file` (the file this header was parsed from), without copying:
    /// the header's format, shape and C or Fortran strides over exactly
    /// [`data`](Self::data), offset 0.
    pub fn view<'a>(&self, file: &'a [u8]) -> Result<MemoryView<'a>, NpyError> {
        let format = self.to_format()?;
        let itemsize = format.itemsize();
        let data = self.data_for(file, itemsize)?;
        let strides = self.strides_for(itemsize)?;
        Ok(MemoryView::from_format(
            data,
            Arc::new(format),
            None,
            &self.shape,
            Some(&strides),
            0,
        )?)
    }
}

/// Read a `.npy` file held in memory: its data as a view, without copying (`np.load`, but
/// borrowing `file`). The same as [`Header::parse`] then [`Header::view`].
///
/// To read a file from disk, use a loader instead: [`load_mut`] reads it into memory the
/// returned [`NpyArray`] owns, [`load`] maps it. They also keep the data aligned, which a
/// zero-copy `ndarray` view ([`MemoryView::as_array`]) needs: NumPy aligns the data to 64
/// bytes within the file, but a `Vec<u8>` holding the file promises no alignment.
pub fn view(file: &[u8]) -> Result<MemoryView<'_>, NpyError> {
    Header::parse(file)?.view(file)
}

/// Translate a NumPy dtype descriptor into a PEP 3118 format: a type string (`"<f8"`,
/// `"'<f8'"`, quoted or not) or the Python literal of a structured `dtype.descr`
/// (`"[('x', '<i4'), ('', '|V4')]"`). The table is in the [module docs](self).
///
/// ```
/// use memview::npy::descr_to_format;
///
/// assert_eq!(descr_to_format(">c16")?, ">Zd");
/// assert_eq!(descr_to_format("[('x', '<i4'), ('', '|V4'), ('y', '>f8', (2,))]")?, "T{<i:x:4x(2)>d:y:}");
/// assert!(descr_to_format("|O").is_err());
/// # Ok::<(), memview::npy::NpyError>(())
/// ```
pub fn descr_to_format(descr: &str) -> Result<String, NpyError> {
    let trimmed = descr.trim();
    let lit = if trimmed.starts_with(['\'', '"', '[', '(']) {
        pylit::parse(trimmed).map_err(|error| NpyError::HeaderNotLiteral {
            error,
            header: trimmed.to_owned(),
        })?
    } else {
        Lit::Str(trimmed.to_owned())
    };
    descr::descr_to_format(&lit, &mut None)
}

/// Parse the header's dict literal `text` into the [`Header`] of a file of that version whose
/// data starts at `data_offset`.
fn from_dict(text: &str, version: (u8, u8), data_offset: usize) -> Result<Header, NpyError> {
    let header = || text.trim().to_owned();
    let dict = pylit::parse(text).map_err(|error| NpyError::HeaderNotLiteral {
        error,
        header: header(),
    })?;
    let Lit::Dict(items) = dict else {
        return Err(NpyError::HeaderNotDict { header: header() });
    };
    // Of a repeated key the last counts, as in a Python dict.
    let get = |key: &'static str| {
        items
            .iter()
            .rev()
            .find(|(k, _)| matches!(k, Lit::Str(s) if s == key))
            .map(|(_, v)| v)
            .ok_or_else(|| NpyError::KeyMissing {
                key,
                header: header(),
            })
    };
    let descr_lit = get("descr")?;
    let fortran_order = match get("fortran_order")? {
        Lit::Bool(b) => *b,
        other => {
            return Err(NpyError::FortranOrderInvalid {
                found: other.to_string(),
            })
        }
    };
    let shape = match get("shape")? {
        Lit::Tuple(dims) => dims
            .iter()
            .map(|d| match d {
                Lit::Int(n) if *n < 0 => Err(NpyError::DimensionNegative { dim: *n }),
                Lit::Int(n) => {
                    usize::try_from(*n).map_err(|_| NpyError::DimensionTooLarge { dim: *n })
                }
                other => Err(NpyError::DimensionNotInteger {
                    found: other.to_string(),
                }),
            })
            .collect::<Result<Vec<_>, _>>()?,
        other => {
            return Err(NpyError::ShapeNotTuple {
                found: other.to_string(),
            })
        }
    };
    let mut note = None;
    let format = descr::descr_to_format(descr_lit, &mut note)?;
    Ok(Header {
        version,
        descr: descr_lit.to_string(),
        format,
        shape,
        fortran_order,
        data_offset,
        note,
    })
}
