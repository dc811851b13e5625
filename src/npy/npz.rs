//! `.npz` archives: zip files of `.npy` files, as `np.savez` (stored) and `np.savez_compressed`
//! (deflated) write them and `np.load` reads them.
//!
//! ```
//! use memview::npy::npz;
//! use memview::MemoryView;
//!
//! let xs: Vec<u8> = (0..4).flat_map(|i| (i as f64 / 2.0).to_le_bytes()).collect();
//! let ids = b"\x01\x02\x03";
//!
//! // np.savez_compressed(f, MemoryView..., ids=...), into memory.
//! let mut w = npz::Writer::new_compressed(std::io::Cursor::new(Vec::new()));
//! assert_eq!(w.add_positional(&MemoryView::from_parts(&xs, "<d", &[2, 2], None, 0)?)?, "arr_0");
//! w.add("ids", &MemoryView::new(ids))?;
//! let bytes = w.finish()?.into_inner();
//!
//! // np.load(f)
//! let mut r = npz::Reader::new(std::io::Cursor::new(bytes))?;
//! assert_eq!(r.names(), ["arr_0", "ids"]);
//! let a = r.by_name("arr_0")?;                     // an NpyArray: owned, aligned
//! assert_eq!(a.view().to_list()?.to_string(), "[[0.0, 0.5], [1.0, 1.5]]");
//! assert_eq!(r.by_name("ids")?.view().to_bytes(memview::Order::C), ids);
//! assert!(r.by_name("nope").is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Archives are read and written with the `zip` crate (stored and deflated members only,
//! which is all NumPy writes). Array names are the member names without their `.npy` suffix,
//! as `np.load(...).files` gives them; positional arrays are named `arr_0`, `arr_1`, ... as
//! `np.savez(f, a, b)` names them.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, Write};
use std::path::Path;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::load::read_sized;
use super::{NpyArray, NpyError};
use crate::view::MemoryView;

fn zip_error(e: zip::result::ZipError) -> NpyError {
    match e {
        zip::result::ZipError::Io(e) => NpyError::io(None, &e),
        other => NpyError::Zip {
            message: other.to_string(),
        },
    }
}

/// A `.npz` archive open for reading: `np.load(f)` of an `.npz` file.
pub struct Reader<R: Read + Seek> {
    archive: ZipArchive<R>,
    /// `(array name, member index)`, in archive order.
    members: Vec<(String, usize)>,
}

impl Reader<BufReader<File>> {
    /// Open the archive at `path`.
    ///
    /// # Errors
    /// [`NpyError::Io`] naming the path; [`NpyError::Zip`] when it is not a zip archive.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, NpyError> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|e| NpyError::io(Some(path), &e))?;
        Reader::new(BufReader::new(file)).map_err(|e| e.with_path(path))
    }
}

impl<R: Read + Seek> Reader<R> {
    /// Read the archive's directory from `reader`.
    ///
    /// # Errors
    /// [`NpyError::Zip`] when it is not a zip archive (or a member name is not UTF-8).
    pub fn new(reader: R) -> Result<Self, NpyError> {
        let archive = ZipArchive::new(reader).map_err(zip_error)?;
        let mut members = Vec::with_capacity(archive.len());
        for (index, name) in archive.file_names().enumerate() {
            let name = name.map_err(zip_error)?;
            if name.ends_with('/') {
                continue; // a directory entry
            }
            let array = name.strip_suffix(".npy").unwrap_or(&name).to_owned();
            members.push((array, index));
        }
        Ok(Reader { archive, members })
    }

    /// The array names, in archive order: member names without `.npy` (`np.load(f).files`).
    pub fn names(&self) -> Vec<String> {
        self.members.iter().map(|(n, _)| n.clone()).collect()
    }

    /// The number of arrays.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether the archive holds no arrays.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// Read the array `name` (`np.load(f)[name]`) into aligned memory it owns.
    ///
    /// # Errors
    /// [`NpyError::NpzNameMissing`] listing the names there are; [`NpyError::NpzMember`] when
    /// the member is not a readable `.npy` file; [`NpyError::Zip`] for a damaged archive.
    pub fn by_name(&mut self, name: &str) -> Result<NpyArray, NpyError> {
        let Some(&(_, index)) = self.members.iter().find(|(n, _)| n == name) else {
            return Err(NpyError::NpzNameMissing {
                name: name.to_owned(),
                available: self.names(),
            });
        };
        self.by_member(name, index)
    }

    /// Read the `i`-th array (in [`names`](Self::names) order).
    ///
    /// # Errors
    /// As [`by_name`](Self::by_name); [`NpyError::NpzNameMissing`] when `i` is out of range.
    pub fn by_index(&mut self, i: usize) -> Result<NpyArray, NpyError> {
        let Some((name, index)) = self.members.get(i).cloned() else {
            return Err(NpyError::NpzNameMissing {
                name: format!("#{i}"),
                available: self.names(),
            });
        };
        self.by_member(&name, index)
    }

    fn by_member(&mut self, name: &str, index: usize) -> Result<NpyArray, NpyError> {
        let member = self.archive.by_index(index).map_err(zip_error)?;
        let size = member.size();
        // A bad checksum or a broken deflate stream come as I/O errors of the member.
        read_sized(member, size).map_err(|e| NpyError::NpzMember {
            name: name.to_owned(),
            error: Box::new(e),
        })
    }
}

/// Read every array of the `.npz` archive at `path`, in archive order, with its name.
///
/// # Errors
/// As [`Reader::open`] and [`Reader::by_name`].
pub fn read(path: impl AsRef<Path>) -> Result<Vec<(String, NpyArray)>, NpyError> {
    let mut reader = Reader::open(path)?;
    (0..reader.len())
        .map(|i| {
            let name = reader.members[i].0.clone();
            reader.by_index(i).map(|a| (name, a))
        })
        .collect()
}

/// A `.npz` archive being written: `np.savez` ([`Writer::new`], members stored) or
/// `np.savez_compressed` ([`Writer::new_compressed`], members deflated). Call
/// [`finish`](Self::finish) to write the zip directory; an archive dropped before that is
/// incomplete.
pub struct Writer<W: Write + Seek> {
    zip: ZipWriter<W>,
    method: CompressionMethod,
    names: HashSet<String>,
    positional: usize,
}

impl Writer<BufWriter<File>> {
    /// Create (or truncate) the file at `path`, members stored (`np.savez`).
    ///
    /// # Errors
    /// [`NpyError::Io`] naming the path.
    pub fn create(path: impl AsRef<Path>) -> Result<Self, NpyError> {
        let path = path.as_ref();
        let file = File::create(path).map_err(|e| NpyError::io(Some(path), &e))?;
        Ok(Writer::new(BufWriter::new(file)))
    }

    /// Create (or truncate) the file at `path`, members deflated (`np.savez_compressed`).
    ///
    /// # Errors
    /// [`NpyError::Io`] naming the path.
    pub fn create_compressed(path: impl AsRef<Path>) -> Result<Self, NpyError> {
        let path = path.as_ref();
        let file = File::create(path).map_err(|e| NpyError::io(Some(path), &e))?;
        Ok(Writer::new_compressed(BufWriter::new(file)))
    }
}

impl<W: Write + Seek> Writer<W> {
    /// An archive written to `out`, members stored uncompressed (`np.savez`).
    pub fn new(out: W) -> Self {
        Self::with_method(out, CompressionMethod::Stored)
    }

    /// An archive written to `out`, members deflated (`np.savez_compressed`).
    pub fn new_compressed(out: W) -> Self {
        Self::with_method(out, CompressionMethod::Deflated)
    }

    fn with_method(out: W, method: CompressionMethod) -> Self {
        Writer {
            zip: ZipWriter::new(out),
            method,
            names: HashSet::new(),
            positional: 0,
        }
    }

    /// Add `view` as the array `name` (member `name.npy`), written as
    /// [`npy::write`](super::write()) writes it (`np.savez(f, name=a)`).
    ///
    /// # Errors
    /// [`NpyError::NpzNameDuplicate`] when the name is taken; as [`npy::write`](super::write())
    /// otherwise (a format NumPy cannot represent is refused before anything is written).
    pub fn add(&mut self, name: &str, view: &MemoryView<'_>) -> Result<(), NpyError> {
        if self.names.contains(name) {
            return Err(NpyError::NpzNameDuplicate {
                name: name.to_owned(),
            });
        }
        // Refuse an unrepresentable format before the member is started.
        super::write::dtype_of(view.format(), view.itemsize())?;
        // A member of 4 GiB or more needs zip64 sizes, which must be announced up front.
        let large = view.nbytes() >= u32::MAX as usize - (1 << 16);
        let options = SimpleFileOptions::default()
            .compression_method(self.method)
            .large_file(large);
        self.zip
            .start_file(format!("{name}.npy"), options)
            .map_err(zip_error)?;
        super::write(view, &mut self.zip)?;
        self.names.insert(name.to_owned());
        Ok(())
    }

    /// Add `view` under the next positional name, `arr_0`, `arr_1`, ... (`np.savez(f, a, b)`);
    /// returns the name.
    ///
    /// # Errors
    /// As [`add`](Self::add).
    pub fn add_positional(&mut self, view: &MemoryView<'_>) -> Result<String, NpyError> {
        let name = format!("arr_{}", self.positional);
        self.add(&name, view)?;
        self.positional += 1;
        Ok(name)
    }

    /// Write the zip directory, flush, and return the output.
    ///
    /// # Errors
    /// [`NpyError::Io`] or [`NpyError::Zip`] when writing fails.
    pub fn finish(self) -> Result<W, NpyError> {
        let mut out = self.zip.finish().map_err(zip_error)?;
        out.flush().map_err(|e| NpyError::io(None, &e))?;
        Ok(out)
    }
}
