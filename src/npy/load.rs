//! [`NpyArray`]: a `.npy` file held in memory that it owns or maps, with its data aligned, and
//! the loaders that make one ([`load`](super::load), [`load_mut`], [`read`], [`from_bytes`]).

use std::fmt;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use std::sync::Arc;

use super::error::shape_repr;
use super::{Header, NpyError};
use crate::ffi::AlignedBuffer;
use crate::format::{FieldType, Format, Layout, ScalarKind, StructLayout};
use crate::view::{MemoryView, MemoryViewMut};

/// Where the bytes of an [`NpyArray`] live.
enum Storage {
    /// A read-only mapping of the whole file; the data is `start..start + len`.
    Mapped {
        map: memmap2::Mmap,
        start: usize,
        len: usize,
    },
    /// A buffer holding the whole file (or only the data); the data is `start..start + len`.
    Bytes {
        bytes: Vec<u8>,
        start: usize,
        len: usize,
    },
    /// The data alone, in 16-byte aligned storage.
    Aligned(AlignedBuffer),
}

impl Storage {
    fn data(&self) -> &[u8] {
        match self {
            Storage::Mapped { map, start, len } => &map[*start..*start + *len],
            Storage::Bytes { bytes, start, len } => &bytes[*start..*start + *len],
            Storage::Aligned(buf) => buf.as_bytes(),
        }
    }

    fn data_mut(&mut self) -> Option<&mut [u8]> {
        match self {
            Storage::Mapped { .. } => None,
            Storage::Bytes { bytes, start, len } => Some(&mut bytes[*start..*start + *len]),
            Storage::Aligned(buf) => Some(buf.as_bytes_mut()),
        }
    }
}

/// A `.npy` array held in memory: the [`Header`] and the data, owned or memory-mapped, with
/// the data aligned for its format, so that zero-copy typed access
/// ([`as_array`](MemoryView::as_array)) works on what [`view`](Self::view) gives. Made by
/// [`load`](super::load) (memory-mapped, read-only), [`load_mut`] (read into memory),
/// [`read`] (from any reader) and [`from_bytes`] (from a `Vec<u8>` you hold).
///
/// **Alignment.** The data is aligned to [`alignment`](Self::alignment): what the widest
/// scalar of the format needs in Rust (8 for `'<f8'`, 4 for `'<c8'`, 16 for `'<f16'`, 1 for
/// bytes; the largest over a struct's fields). NumPy writes the data at a multiple of 64 in
/// the file (16 before NumPy 1.14), so a mapped or read file is aligned as it is; only when
/// the data's address is not a multiple of that alignment (a hand-made header, a `Vec<u8>`
/// whose allocation happens to be misaligned) is the data copied into aligned memory, and
/// [`copied_for_alignment`](Self::copied_for_alignment) says so.
///
/// ```
/// use memview::npy;
///
/// # let path = std::env::temp_dir().join(format!("memview-npyarray-doc-{}.npy", std::process::id()));
/// # let data: Vec<u8> = (0..6).flat_map(|i| (i as f64).to_le_bytes()).collect();
/// # npy::save(&memview::MemoryView::from_parts(&data, "<d", &[2, 3], None, 0)?, &path)?;
/// // `npy::view(&std::fs::read(&path)?)` does not compile (the Vec is a temporary), and a
/// // Vec<u8> promises no alignment. An NpyArray owns its bytes, aligned:
/// let mut a = npy::load_mut(&path)?;
/// assert_eq!(a.view().shape(), &[2, 3]);
/// # #[cfg(target_endian = "little")] {
/// assert_eq!(a.view().as_array::<f64>()?[[1, 2]], 5.0);       // zero-copy
/// # }
/// a.view_mut()?.set(&[0, 0], 42.0)?;                          // it owns its bytes
/// assert_eq!(a.view().get(&[0, 0])?.to_string(), "42.0");
/// assert!(!a.copied_for_alignment());
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct NpyArray {
    header: Header,
    format: Arc<Format>,
    strides: Vec<isize>,
    alignment: usize,
    storage: Storage,
    /// When the data had to be copied to be aligned: its address was this much past a
    /// multiple of `alignment`.
    copied_from: Option<usize>,
    readonly: bool,
}

/// A checked header with what an [`NpyArray`] derives from it: everything but the bytes.
struct Parsed {
    header: Header,
    format: Arc<Format>,
    strides: Vec<isize>,
    alignment: usize,
}

impl Parsed {
    fn new(header: Header) -> Result<Parsed, NpyError> {
        let format = header.to_format()?;
        let strides = header.strides()?;
        let alignment = alignment_of(format.layout());
        Ok(Parsed {
            header,
            format: Arc::new(format),
            strides,
            alignment,
        })
    }

    /// The array over `storage` (validated once here: [`NpyArray::view`] relies on it).
    fn into_array(
        self,
        storage: Storage,
        copied_from: Option<usize>,
        readonly: bool,
    ) -> Result<NpyArray, NpyError> {
        let array = NpyArray {
            header: self.header,
            format: self.format,
            strides: self.strides,
            alignment: self.alignment,
            storage,
            copied_from,
            readonly,
        };
        array.try_view()?;
        Ok(array)
    }
}

/// Where the data of a whole `.npy` file held in `file` lies: `(start, len)`.
fn data_range(header: &Header, file: &[u8]) -> Result<(usize, usize), NpyError> {
    Ok((header.data_offset(), header.data(file)?.len()))
}

impl NpyArray {
    /// An array over `map`, the mapping of a whole `.npy` file (see [`load`](super::load)).
    pub(crate) fn from_map(map: memmap2::Mmap) -> Result<NpyArray, NpyError> {
        let parsed = Parsed::new(Header::parse(&map)?)?;
        let (start, len) = data_range(&parsed.header, &map)?;
        let remainder = (map.as_ptr() as usize).wrapping_add(start) % parsed.alignment;
        if remainder == 0 {
            parsed.into_array(Storage::Mapped { map, start, len }, None, true)
        } else {
            let buf = aligned_copy(&map[start..start + len])?;
            parsed.into_array(Storage::Aligned(buf), Some(remainder), true)
        }
    }

    fn try_view(&self) -> Result<MemoryView<'_>, NpyError> {
        Ok(MemoryView::from_format(
            self.storage.data(),
            self.format.clone(),
            None,
            self.header.shape(),
            Some(&self.strides),
            0,
        )?)
    }

    /// The file's header: version, descr, format, shape, order.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The data bytes (exactly [`Header::data_len`] of them), aligned to
    /// [`alignment`](Self::alignment).
    pub fn data(&self) -> &[u8] {
        self.storage.data()
    }

    /// The array as a view: the header's format (NumPy's dialect), shape and C or Fortran
    /// strides over [`data`](Self::data), without copying.
    pub fn view(&self) -> MemoryView<'_> {
        match self.try_view() {
            Ok(v) => v,
            // Checked when the array was made; the storage does not change.
            Err(e) => unreachable!("validated .npy view: {e}"),
        }
    }

    /// The array as a writable view. [`NpyError::ReadOnly`] for a memory-mapped array
    /// ([`load`](super::load)); arrays read into memory ([`load_mut`], [`read`],
    /// [`from_bytes`]) own their bytes.
    pub fn view_mut(&mut self) -> Result<MemoryViewMut<'_>, NpyError> {
        if self.readonly {
            return Err(NpyError::ReadOnly);
        }
        let format = self.format.clone();
        let shape = self.header.shape().to_vec();
        let strides = self.strides.clone();
        let data = self.storage.data_mut().ok_or(NpyError::ReadOnly)?;
        Ok(MemoryViewMut::from_format(
            data,
            format,
            None,
            &shape,
            Some(&strides),
            0,
        )?)
    }

    /// Whether the bytes are a read-only memory map of the file ([`load`](super::load)).
    pub fn is_mapped(&self) -> bool {
        matches!(self.storage, Storage::Mapped { .. })
    }

    /// Whether the data was copied because its address in the file's bytes was not a multiple
    /// of [`alignment`](Self::alignment) (a header whose length NumPy would not write, or a
    /// misaligned `Vec<u8>` given to [`from_bytes`]). `false` for every file NumPy writes.
    pub fn copied_for_alignment(&self) -> bool {
        self.copied_from.is_some()
    }

    /// The alignment the data has in memory: what the widest scalar of the format needs in
    /// Rust (8 for `'<f8'`, 4 for `'<c8'` and `'<U3'`, 16 for `'<f16'`, the largest over a
    /// struct's fields), at most 16.
    pub fn alignment(&self) -> usize {
        self.alignment
    }
}

impl fmt::Debug for NpyArray {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NpyArray")
            .field("descr", &self.header.descr())
            .field("format", &self.header.format())
            .field("shape", &self.header.shape())
            .field("fortran_order", &self.header.fortran_order())
            .field("mapped", &self.is_mapped())
            .field("alignment", &self.alignment)
            .field("copied_for_alignment", &self.copied_for_alignment())
            .finish()
    }
}

impl fmt::Display for NpyArray {
    /// `.npy array: shape (2, 3), dtype '<f8', C order, memory-mapped`, and when the data was
    /// copied to be aligned, `(copied to be aligned: the data was at an address 1 mod 8)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            ".npy array: shape {}, dtype {}, {} order, {}",
            shape_repr(self.header.shape()),
            self.header.descr(),
            if self.header.fortran_order() {
                "Fortran"
            } else {
                "C"
            },
            if self.is_mapped() {
                "memory-mapped"
            } else {
                "in memory"
            }
        )?;
        if let Some(remainder) = self.copied_from {
            write!(
                f,
                " (copied to be aligned: the data was at an address {remainder} mod {})",
                self.alignment
            )?;
        }
        Ok(())
    }
}

/// The alignment zero-copy typed access needs for data of `layout`: the largest natural
/// alignment of its scalars (see [`NpyArray::alignment`]).
pub(crate) fn alignment_of(layout: &Layout) -> usize {
    fn of_struct(st: &StructLayout) -> usize {
        st.fields
            .iter()
            .map(|f| match &f.ty {
                FieldType::Scalar(s) => {
                    let n = match s.kind {
                        ScalarKind::Complex => s.size / 2,
                        ScalarKind::Ucs4 => 4,
                        ScalarKind::Ucs2 => 2,
                        ScalarKind::Pad
                        | ScalarKind::Char
                        | ScalarKind::Bool
                        | ScalarKind::Bytes
                        | ScalarKind::Pascal => 1,
                        _ => s.size,
                    };
                    n.clamp(1, 16).next_power_of_two()
                }
                FieldType::Struct(inner) => of_struct(inner),
            })
            .max()
            .unwrap_or(1)
    }
    of_struct(&layout.top).min(16)
}

/// `bytes` copied into 16-byte aligned memory.
fn aligned_copy(bytes: &[u8]) -> Result<AlignedBuffer, NpyError> {
    let mut buf = AlignedBuffer::zeroed("B", &[bytes.len()])?;
    buf.as_bytes_mut().copy_from_slice(bytes);
    Ok(buf)
}

/// Read a `.npy` file held in `bytes`, keeping the `Vec` (no copy) when the data's address in
/// it is aligned for the format, else copying the data into aligned memory
/// ([`NpyArray::copied_for_alignment`]). The array owns its bytes and can be written
/// ([`NpyArray::view_mut`]).
///
/// ```
/// use memview::npy;
///
/// let mut file = b"\x93NUMPY\x01\x00\x76\x00".to_vec();
/// let dict = "{'descr': '<i2', 'fortran_order': True, 'shape': (2, 3), }";
/// file.extend_from_slice(format!("{dict:<117}\n").as_bytes());
/// for v in [1i16, 4, 2, 5, 3, 6] {
///     file.extend_from_slice(&v.to_le_bytes());
/// }
/// let a = npy::from_bytes(file)?;
/// assert_eq!(a.view().to_list()?.to_string(), "[[1, 2, 3], [4, 5, 6]]");
/// assert_eq!(a.view().strides(), &[2, 4]);
/// # Ok::<(), memview::Error>(())
/// ```
///
/// # Errors
/// As [`view`](super::view).
pub fn from_bytes(bytes: Vec<u8>) -> Result<NpyArray, NpyError> {
    let parsed = Parsed::new(Header::parse(&bytes)?)?;
    let (start, len) = data_range(&parsed.header, &bytes)?;
    let remainder = (bytes.as_ptr() as usize).wrapping_add(start) % parsed.alignment;
    if remainder == 0 {
        parsed.into_array(Storage::Bytes { bytes, start, len }, None, false)
    } else {
        let buf = aligned_copy(&bytes[start..start + len])?;
        parsed.into_array(Storage::Aligned(buf), Some(remainder), false)
    }
}

/// Read a `.npy` file from `reader` into aligned memory that the array owns (writable): the
/// header, then exactly the data it announces (the reader is not read further, so several
/// arrays can follow each other in one stream).
///
/// Memory grows with the bytes actually read, so a header announcing more data than the
/// stream holds costs no more than the stream: [`NpyError::DataTruncated`].
///
/// # Errors
/// As [`view`](super::view); [`NpyError::Io`] when reading fails.
pub fn read<R: Read>(mut reader: R) -> Result<NpyArray, NpyError> {
    let prefix = read_header(&mut reader)?;
    let parsed = Parsed::new(Header::parse(&prefix)?)?;
    let needed = parsed.header.data_len()?;
    let mut data = Vec::new();
    (&mut reader)
        .take(needed as u64)
        .read_to_end(&mut data)
        .map_err(|e| NpyError::io(None, &e))?;
    if data.len() < needed {
        return Err(truncated(&parsed.header, Some(needed), data.len()));
    }
    let remainder = (data.as_ptr() as usize) % parsed.alignment;
    if remainder == 0 {
        let len = data.len();
        let storage = Storage::Bytes {
            bytes: data,
            start: 0,
            len,
        };
        parsed.into_array(storage, None, false)
    } else {
        let buf = aligned_copy(&data)?;
        parsed.into_array(Storage::Aligned(buf), Some(remainder), false)
    }
}

/// Read a `.npy` whose bytes number at most `size` (a file, a zip member) straight into
/// aligned memory: no growing, no copy.
pub(crate) fn read_sized<R: Read>(mut reader: R, size: u64) -> Result<NpyArray, NpyError> {
    let prefix = read_header(&mut reader)?;
    let parsed = Parsed::new(Header::parse(&prefix)?)?;
    let header = &parsed.header;
    let needed = header.data_len()?;
    let available = size.saturating_sub(prefix.len() as u64);
    if (needed as u64) > available {
        let available = usize::try_from(available).unwrap_or(usize::MAX);
        return Err(truncated(header, Some(needed), available));
    }
    let mut buf = AlignedBuffer::zeroed("B", &[needed])?;
    if let Err(e) = reader.read_exact(buf.as_bytes_mut()) {
        return Err(match e.kind() {
            // The file shrank while it was read.
            std::io::ErrorKind::UnexpectedEof => truncated(header, Some(needed), 0),
            _ => NpyError::io(None, &e),
        });
    }
    parsed.into_array(Storage::Aligned(buf), None, false)
}

fn truncated(header: &Header, needed: Option<usize>, available: usize) -> NpyError {
    NpyError::DataTruncated {
        shape: header.shape().to_vec(),
        descr: header.descr().to_owned(),
        needed,
        available,
    }
}

/// Read magic, version, header length and header from `reader`: the bytes before the data.
fn read_header<R: Read>(reader: &mut R) -> Result<Vec<u8>, NpyError> {
    let mut prefix = Vec::with_capacity(128);
    // Magic and version, then the 2- or 4-byte length: read only what each step needs, and
    // let `Header::parse` name what is missing.
    let fill = |reader: &mut R, prefix: &mut Vec<u8>, upto: usize| -> Result<(), NpyError> {
        let want = upto.saturating_sub(prefix.len()) as u64;
        reader
            .by_ref()
            .take(want)
            .read_to_end(prefix)
            .map(|_| ())
            .map_err(|e| NpyError::io(None, &e))
    };
    fill(reader, &mut prefix, 8)?;
    let len_size = match (super::is_npy(&prefix), prefix.get(6)) {
        (true, Some(1)) => 2,
        (true, Some(2 | 3)) => 4,
        // Not a .npy, cut short, or an unknown version: the parser says which.
        _ => return Header::parse(&prefix).map(|_| prefix),
    };
    fill(reader, &mut prefix, 8 + len_size)?;
    let header_len = prefix
        .get(8..8 + len_size)
        .map(|b| {
            b.iter()
                .rev()
                .fold(0usize, |acc, &x| (acc << 8) | usize::from(x))
        })
        .unwrap_or(0);
    fill(
        reader,
        &mut prefix,
        (8 + len_size).saturating_add(header_len),
    )?;
    Ok(prefix)
}

/// Read the `.npy` file at `path` into aligned memory the array owns (writable with
/// [`NpyArray::view_mut`]); the safe counterpart of [`load`](super::load), which maps the
/// file instead. The memory is allocated once, for exactly the data the header announces,
/// after checking that the file holds it.
///
/// ```
/// use memview::npy;
///
/// # let path = std::env::temp_dir().join(format!("memview-load-mut-doc-{}.npy", std::process::id()));
/// # npy::save(&memview::MemoryView::new(b"QUANTRIMANG"), &path)?;
/// let mut a = npy::load_mut(&path)?;
/// a.view_mut()?.set(&[0], b'q')?;
/// npy::save(&a.view(), &path)?;                 // write it back
/// assert_eq!(npy::load_mut(&path)?.view().to_bytes(memview::Order::C), b"qUANTRIMANG");
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`view`](super::view); [`NpyError::Io`] naming the path when the file cannot be read.
pub fn load_mut(path: impl AsRef<Path>) -> Result<NpyArray, NpyError> {
    let path = path.as_ref();
    let io = |e: std::io::Error| NpyError::io(Some(path), &e);
    let file = File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    read_sized(BufReader::new(file), size).map_err(|e| e.with_path(path))
}
