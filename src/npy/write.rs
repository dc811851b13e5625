//! Writing `.npy` files: the NumPy dtype of a view's format ([`format_to_descr`]), the header
//! exactly as `np.save` writes it, and the data in C or Fortran order ([`write`](write()),
//! [`save`]).

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use super::error::shape_repr;
use super::{Header, NpyError, MAGIC};
use crate::format::{Field, FieldType, Format, Scalar, ScalarKind, StructLayout};
use crate::view::{MemoryView, Order, SliceArg};
use crate::Value;

/// How a `.npy` file describes items of one format: the `'descr'` entry as Python prints it,
/// and the axes a top-level sub-array format adds to the array's shape (NumPy has no arrays
/// of sub-array dtype: `np.zeros(3, ('<f8', (2,)))` has shape `(3, 2)`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Dtype {
    pub(crate) descr: String,
    pub(crate) extra_shape: Vec<usize>,
}

/// The dtype NumPy gives items of `format` laid out in `itemsize` bytes (at least the format's
/// size): what `np.asarray` of a buffer with that format and item size has, written as
/// `np.lib.format.dtype_to_descr` writes it.
pub(crate) fn dtype_of(format: &Format, itemsize: usize) -> Result<Dtype, NpyError> {
    let layout = format.layout();
    let unsupported =
        |field: Option<String>, s: &Scalar, reason: &'static str| NpyError::DtypeUnrepresentable {
            format: format.as_str().to_owned(),
            field,
            code: s.code.to_owned(),
            reason,
        };
    let mut w = DescrWriter {
        unsupported: &unsupported,
    };
    // NumPy's importer unwraps a lone unnamed item that fills the whole item (`d`, `T{...}`,
    // `(2,3)d`, `4c`); everything else is a structured dtype of the top-level items.
    if let ([f], true) = (layout.top.fields.as_slice(), itemsize == layout.size()) {
        if f.name.is_none() && f.offset == 0 && f.size().checked_mul(f.repeat) == Some(itemsize) {
            let extra_shape = subarray_shape(f);
            let descr = w.element(&f.ty, None)?;
            return Ok(Dtype { descr, extra_shape });
        }
    }
    let descr = w.fields(&layout.top.fields, itemsize, None)?;
    Ok(Dtype {
        descr,
        extra_shape: Vec::new(),
    })
}

/// A field's sub-array shape as NumPy sees it: a top-level count (`2i`, a `repeat` in
/// memview's layout) is an outer dimension.
fn subarray_shape(f: &Field) -> Vec<usize> {
    let mut shape = Vec::with_capacity(f.shape.len() + 1);
    if f.repeat != 1 {
        shape.push(f.repeat);
    }
    shape.extend_from_slice(&f.shape);
    shape
}

struct DescrWriter<'u> {
    unsupported: &'u dyn Fn(Option<String>, &Scalar, &'static str) -> NpyError,
}

impl DescrWriter<'_> {
    /// The descr of one element of a field's type: a type string, or a list of fields.
    fn element(&mut self, ty: &FieldType, path: Option<String>) -> Result<String, NpyError> {
        match ty {
            FieldType::Scalar(s) => self.typestr(s, path),
            FieldType::Struct(st) => self.structure(st, path),
        }
    }

    fn structure(&mut self, st: &StructLayout, path: Option<String>) -> Result<String, NpyError> {
        self.fields(&st.fields, st.size, path)
    }

    /// `[('name', typestr[, shape]), ...]` with `('', '|V<n>')` for the gaps and the trailing
    /// padding up to `size`, as `dtype.descr` lists them.
    fn fields(
        &mut self,
        fields: &[Field],
        size: usize,
        path: Option<String>,
    ) -> Result<String, NpyError> {
        let names = numpy_names(fields);
        let mut items: Vec<String> = Vec::with_capacity(fields.len() + 1);
        let mut pos = 0usize;
        for (f, name) in fields.iter().zip(&names) {
            if f.offset > pos {
                items.push(padding(f.offset - pos));
            }
            let here = match &path {
                Some(p) => format!("{p}.{name}"),
                None => name.clone(),
            };
            let ty = self.element(&f.ty, Some(here))?;
            let shape = subarray_shape(f);
            let mut item = format!("({}, {ty}", Value::Str(name.clone()));
            if !shape.is_empty() {
                item.push_str(", ");
                item.push_str(&shape_repr(&shape));
            }
            item.push(')');
            items.push(item);
            // Layouts never overlap, and their sizes fit `usize` (lowering checked them).
            pos = f
                .offset
                .saturating_add(f.size().saturating_mul(f.repeat))
                .max(pos);
        }
        if size > pos {
            items.push(padding(size - pos));
        }
        Ok(format!("[{}]", items.join(", ")))
    }

    /// The type string of one scalar (`'<f8'`, `'|S5'`, `'>U3'`), or why NumPy has none.
    fn typestr(&mut self, s: &Scalar, path: Option<String>) -> Result<String, NpyError> {
        use ScalarKind as K;
        let order = match s.endian {
            crate::format::Endian::Little => '<',
            crate::format::Endian::Big => '>',
        };
        let n = s.size;
        let fail = |reason| Err((self.unsupported)(path.clone(), s, reason));
        Ok(match s.kind {
            K::Bool => "'|b1'".into(),
            K::Char => "'|S1'".into(),
            K::Int | K::UInt if n == 1 => {
                format!("'|{}1'", if s.kind == K::Int { 'i' } else { 'u' })
            }
            K::Int => format!("'{order}i{n}'"),
            K::UInt => format!("'{order}u{n}'"),
            K::Float | K::LongDouble => format!("'{order}f{n}'"),
            K::Complex => format!("'{order}c{n}'"),
            K::Bytes if n == 0 => {
                return fail("an empty byte string: NumPy's 'S0' is not a fixed-size type")
            }
            K::Bytes => format!("'|S{n}'"),
            K::Ucs4 if n == 0 => {
                return fail("an empty string: NumPy's 'U0' is not a fixed-size type")
            }
            K::Ucs4 => format!("'{order}U{}'", n / 4),
            K::Ucs2 => return fail("UCS-2 text: NumPy has no UCS-2 dtype ('U' is UCS-4)"),
            K::Pascal => return fail("a Pascal string: NumPy has no Pascal-string dtype"),
            K::Pointer => return fail("a pointer: NumPy has no pointer dtype"),
            K::Object => {
                return fail(
                    "a Python object pointer: .npy files store objects pickled, not as addresses",
                )
            }
            K::Pad => return fail("padding"),
        })
    }
}

/// `('', '|V<n>')`: `n` bytes of padding, as `dtype.descr` lists them.
fn padding(n: usize) -> String {
    format!("('', '|V{n}')")
}

/// The field names NumPy's PEP 3118 importer gives: a field's own name, and for unnamed ones
/// the lowest `f<j>` not used by another field of the same struct (`_fix_names`:
/// `ii:f0:` gives `f1`, `f0`).
fn numpy_names(fields: &[Field]) -> Vec<String> {
    let mut names: Vec<Option<String>> = fields.iter().map(|f| f.name.clone()).collect();
    for i in 0..names.len() {
        if names[i].is_some() {
            continue;
        }
        let mut j = 0usize;
        let name = loop {
            let candidate = format!("f{j}");
            if !names
                .iter()
                .any(|n| n.as_deref() == Some(candidate.as_str()))
            {
                break candidate;
            }
            j += 1;
        };
        names[i] = Some(name);
    }
    names.into_iter().map(Option::unwrap_or_default).collect()
}

/// The NumPy dtype descriptor of items of `format` (the inverse of
/// [`descr_to_format`](super::descr_to_format)): a type string, a list of fields, or for a
/// top-level sub-array format the sub-array dtype `('<f8', (2, 3))`. Written as `np.save`
/// writes `'descr'` in a `.npy` header for the array `np.asarray` makes of a buffer with this
/// format: unnamed struct fields are named `f0`, `f1`, ... as NumPy's importer names them,
/// and padding is listed as `('', '|V<n>')` entries.
///
/// ```
/// use memview::format::Format;
/// use memview::npy::format_to_descr;
///
/// assert_eq!(format_to_descr(&Format::parse(">d")?)?, "'>f8'");
/// assert_eq!(format_to_descr(&Format::parse("<hd?")?)?, "[('f0', '<i2'), ('f1', '<f8'), ('f2', '|b1')]");
/// assert_eq!(
///     format_to_descr(&Format::parse("T{b:a:i:b:}")?)?,
///     "[('a', '|i1'), ('', '|V3'), ('b', '<i4')]",
/// );
/// assert_eq!(format_to_descr(&Format::parse("(2,3)<d")?)?, "('<f8', (2, 3))");
/// assert!(format_to_descr(&Format::parse("T{i:a:P:p:}")?).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`NpyError::DtypeUnrepresentable`] for formats NumPy has no dtype for, naming the field:
/// pointers (`P`, `&i`, `X{}`), `O`, Pascal strings `p`, UCS-2 `u`, and empty strings
/// (`0s`, `0w`).
pub fn format_to_descr(format: &Format) -> Result<String, NpyError> {
    let dtype = dtype_of(format, format.itemsize())?;
    Ok(if dtype.extra_shape.is_empty() {
        dtype.descr
    } else {
        format!("({}, {})", dtype.descr, shape_repr(&dtype.extra_shape))
    })
}

/// The `.npy` header `np.save` writes for an array of `shape` with this descr and order:
/// magic, version, length, then the dict literal with keys in sorted order, spare spaces for
/// the growth axis, space padding and a newline so that the data starts at a multiple of 64.
/// Version 1.0 when the header fits its 2-byte length and Latin-1, 2.0 when it needs a 4-byte
/// length, 3.0 when it needs UTF-8 (NumPy's `_wrap_header_guess_version`).
pub(crate) fn header_bytes(
    descr: &str,
    fortran_order: bool,
    shape: &[usize],
) -> Result<Vec<u8>, NpyError> {
    let mut text = String::with_capacity(descr.len() + 96);
    let _ = write!(
        text,
        "{{'descr': {descr}, 'fortran_order': {}, 'shape': {}, }}",
        if fortran_order { "True" } else { "False" },
        shape_repr(shape)
    );
    // Room to rewrite the growth axis's length in place (GROWTH_AXIS_MAX_DIGITS = 21).
    let growth = if fortran_order {
        shape.last()
    } else {
        shape.first()
    };
    if let Some(n) = growth {
        let digits = n.to_string().len();
        text.extend(std::iter::repeat_n(' ', 21usize.saturating_sub(digits)));
    }
    let latin1: Option<Vec<u8>> = text.chars().map(|c| u8::try_from(c).ok()).collect();
    let (encoded, versions): (Vec<u8>, &[u8]) = match latin1 {
        Some(bytes) => (bytes, &[1, 2]),
        None => (text.into_bytes(), &[3]),
    };
    const ALIGN: usize = 64;
    // The header text plus its final newline.
    let hlen = encoded.len().saturating_add(1);
    for &major in versions {
        let prefix = if major == 1 { 10 } else { 12 };
        let padlen = ALIGN - (prefix + hlen % ALIGN) % ALIGN;
        let total = hlen.saturating_add(padlen);
        let length = if major == 1 {
            u16::try_from(total).map(|n| n.to_le_bytes().to_vec())
        } else {
            u32::try_from(total).map(|n| n.to_le_bytes().to_vec())
        };
        let Ok(length) = length else {
            continue;
        };
        let mut out = Vec::with_capacity(prefix + total);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&[major, 0]);
        out.extend_from_slice(&length);
        out.extend_from_slice(&encoded);
        out.extend(std::iter::repeat_n(b' ', padlen));
        out.push(b'\n');
        return Ok(out);
    }
    Err(NpyError::HeaderTooLong { len: hlen })
}

impl Header {
    /// The header [`write`](write()) writes for `view` (version, descr, shape, order, data
    /// offset), without writing anything.
    ///
    /// ```
    /// use memview::{npy, MemoryView};
    ///
    /// let data = [0u8; 48];
    /// let m = MemoryView::from_parts(&data, ">d", &[2, 3], None, 0)?;
    /// let h = npy::Header::for_view(&m.transpose())?;
    /// assert_eq!((h.descr(), h.shape(), h.fortran_order()), ("'>f8'", &[3, 2][..], true));
    /// assert_eq!((h.version(), h.data_offset()), ((1, 0), 128));
    /// # Ok::<(), memview::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`NpyError::DtypeUnrepresentable`] and [`NpyError::HeaderTooLong`], as `write`.
    pub fn for_view(view: &MemoryView<'_>) -> Result<Header, NpyError> {
        let plan = plan(view)?;
        let bytes = header_bytes(&plan.descr, plan.fortran_order, &plan.shape)?;
        Header::parse(&bytes)
    }
}

/// How [`write`](write()) lays out a view's data: the header's descr, shape and order.
struct Plan {
    descr: String,
    shape: Vec<usize>,
    fortran_order: bool,
}

fn plan(view: &MemoryView<'_>) -> Result<Plan, NpyError> {
    let dtype = dtype_of(view.format(), view.itemsize())?;
    let mut shape = view.shape().to_vec();
    shape.extend_from_slice(&dtype.extra_shape);
    // Fortran order only when the bytes are already in it: the file then takes them as they
    // are. A sub-array format's element axes are C-ordered inside each item, so such a view
    // is never Fortran-ordered as a whole.
    let fortran_order =
        !view.is_c_contiguous() && view.is_f_contiguous() && dtype.extra_shape.is_empty();
    Ok(Plan {
        descr: dtype.descr,
        shape,
        fortran_order,
    })
}

/// Write `view` as a `.npy` file to `out`, as `np.save` writes the array `np.asarray` makes
/// of the view: the same header bytes, then the data.
///
/// * **Order.** A C-contiguous view is written as it is (`'fortran_order': False`); a view
///   that is Fortran-contiguous and not C-contiguous (a transposed array, a Fortran `.npy`) is
///   written as it is too, with `'fortran_order': True`; any other view (strided, reversed,
///   broadcast, indirect) is written in C order, copied piecewise (at most 1 MiB at a time).
/// * **Dtype.** The view's format translates as [`format_to_descr`] says (big-endian stays
///   big-endian, `'>f8'`; structs keep names, offsets and padding); a top-level sub-array
///   format (`(2,3)d`, `4c`) adds its axes to the shape, as NumPy does. Items larger than the
///   format (an explicit item size) get trailing padding.
///
/// ```
/// use memview::{npy, MemoryView};
///
/// let data: Vec<u8> = (0..6i32).flat_map(|v| v.to_le_bytes()).collect();
/// let m = MemoryView::from_parts(&data, "<i", &[2, 3], None, 0)?;
/// let mut file = Vec::new();
/// npy::write(&m.transpose(), &mut file)?;             // Fortran order, no copy
/// let back = npy::view(&file)?;
/// assert_eq!(npy::Header::parse(&file)?.fortran_order(), true);
/// assert_eq!(back.to_list()?.to_string(), "[[0, 3], [1, 4], [2, 5]]");
///
/// let mut file = Vec::new();
/// npy::write(&m.select("::-1, ::2")?, &mut file)?;    // strided: copied in C order
/// assert_eq!(npy::view(&file)?.to_list()?.to_string(), "[[3, 5], [0, 2]]");
/// # Ok::<(), memview::Error>(())
/// ```
///
/// # Errors
/// [`NpyError::DtypeUnrepresentable`] for formats NumPy has no dtype for;
/// [`NpyError::Io`] when `out` fails; [`NpyError::View`] if a piece of a huge broadcast view
/// cannot be allocated.
pub fn write<W: Write + ?Sized>(view: &MemoryView<'_>, out: &mut W) -> Result<(), NpyError> {
    let plan = plan(view)?;
    let header = header_bytes(&plan.descr, plan.fortran_order, &plan.shape)?;
    let io = |e: std::io::Error| NpyError::io(None, &e);
    out.write_all(&header).map_err(io)?;
    if plan.fortran_order {
        // The transpose of a Fortran-contiguous view is C-contiguous: its bytes, as they are.
        match view.transpose().as_contiguous_bytes() {
            Some(bytes) => out.write_all(bytes).map_err(io),
            None => write_in(view, Order::F, out),
        }
    } else {
        write_c(view, out)
    }
}

/// At most this many bytes are copied at once when a view is not contiguous.
const CHUNK: usize = 1 << 20;

/// Write the view's elements in C order, without copying when it is C-contiguous, else in
/// pieces of whole rows of at most [`CHUNK`] bytes (or one row at a time, recursively, when a
/// row is larger).
fn write_c<W: Write + ?Sized>(view: &MemoryView<'_>, out: &mut W) -> Result<(), NpyError> {
    let io = |e: std::io::Error| NpyError::io(None, &e);
    if let Some(bytes) = view.as_contiguous_bytes() {
        return out.write_all(bytes).map_err(io);
    }
    let (Some(&rows), true) = (view.shape().first(), view.nbytes() > CHUNK) else {
        return write_in(view, Order::C, out);
    };
    if rows == 0 {
        return Ok(());
    }
    let row_bytes = view.nbytes() / rows;
    if row_bytes > CHUNK {
        for i in 0..rows {
            let row = view.select_with(&[SliceArg::Index(as_isize(i))])?;
            write_c(&row, out)?;
        }
        return Ok(());
    }
    let per = (CHUNK / row_bytes.max(1)).max(1);
    let mut start = 0;
    while start < rows {
        let stop = start.saturating_add(per).min(rows);
        let piece = view.select_with(&[SliceArg::Slice {
            start: Some(as_isize(start)),
            stop: Some(as_isize(stop)),
            step: None,
        }])?;
        write_in(&piece, Order::C, out)?;
        start = stop;
    }
    Ok(())
}

/// An index below an extent of a valid view (extents fit `isize`).
fn as_isize(i: usize) -> isize {
    isize::try_from(i).unwrap_or(isize::MAX)
}

fn write_in<W: Write + ?Sized>(
    view: &MemoryView<'_>,
    order: Order,
    out: &mut W,
) -> Result<(), NpyError> {
    let bytes = view.try_to_bytes(order)?;
    out.write_all(&bytes).map_err(|e| NpyError::io(None, &e))
}

/// [`write`](write()) to a new file at `path` (created, or truncated if it exists):
/// `np.save(path, a)`, except that no `.npy` suffix is added.
///
/// ```
/// use memview::{npy, MemoryView};
///
/// let path = std::env::temp_dir().join(format!("memview-save-doc-{}.npy", std::process::id()));
/// let data: Vec<u8> = [1.5f64, -2.0, 0.25].iter().flat_map(|v| v.to_be_bytes()).collect();
/// npy::save(&MemoryView::from_parts(&data, ">d", &[3], None, 0)?, &path)?;
/// let file = std::fs::read(&path)?;
/// assert_eq!(npy::Header::parse(&file)?.descr(), "'>f8'");     // byte order kept
/// assert_eq!(npy::view(&file)?.to_list()?.to_string(), "[1.5, -2.0, 0.25]");
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`write`](write()); I/O errors ([`NpyError::Io`]) name the path.
pub fn save(view: &MemoryView<'_>, path: impl AsRef<Path>) -> Result<(), NpyError> {
    let path = path.as_ref();
    // Check the dtype before creating the file, so a refused format leaves nothing behind.
    plan(view)?;
    let with_path = |e: NpyError| e.with_path(path);
    let file = File::create(path).map_err(|e| NpyError::io(Some(path), &e))?;
    let mut out = BufWriter::new(file);
    write(view, &mut out).map_err(with_path)?;
    out.flush().map_err(|e| NpyError::io(Some(path), &e))?;
    Ok(())
}

#[cfg(test)]
mod tests;
