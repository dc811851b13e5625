//! Memory-mapped `.npy` files: the one call to `memmap2::Mmap::map`, whose soundness rests on
//! a promise only the caller can keep, so [`load`] is an `unsafe fn` (re-exported as
//! [`npy::load`](crate::npy::load)).

use std::fs::File;
use std::path::Path;

use crate::npy::{NpyArray, NpyError};

/// Map the `.npy` file at `path` read-only and view its data without reading it: `np.load(path,
/// mmap_mode='r')`. Opening costs the header; pages are read when the data is touched. The
/// data is used in place when its offset in the file is aligned for the format (every file
/// NumPy writes: it puts the data at a multiple of 64), else copied into aligned memory
/// ([`NpyArray::copied_for_alignment`]). The array is read-only
/// ([`NpyArray::view_mut`] is [`NpyError::ReadOnly`]).
///
/// ```
/// use memview::npy;
///
/// # let path = std::env::temp_dir().join(format!("memview-load-doc-{}.npy", std::process::id()));
/// # let data: Vec<u8> = (0..12).flat_map(|i| (i as f32).to_le_bytes()).collect();
/// # npy::save(&memview::MemoryView::from_parts(&data, "<f", &[3, 4], None, 0)?, &path)?;
/// // SAFETY: nothing modifies or truncates the file while `a` lives.
/// let a = unsafe { npy::load(&path)? };
/// assert!(a.is_mapped() && !a.copied_for_alignment());
/// let v = a.view();
/// assert_eq!(v.select("1:, 2")?.to_list()?.to_string(), "[6.0, 10.0]");
/// # #[cfg(target_endian = "little")]
/// assert_eq!(v.as_array::<f32>()?.sum(), 66.0);     // zero-copy from the page cache
/// # drop(a);
/// # std::fs::remove_file(&path)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Safety
///
/// The file must not be modified or truncated — by this process or any other — while the
/// returned array or any view borrowed from it lives. The views hand out `&[u8]` over the
/// mapped pages, and Rust assumes the bytes behind a shared reference do not change: a write
/// to the file would change them under the reference (undefined behaviour), and truncating it
/// makes reading the lost pages raise `SIGBUS`. This is the contract of
/// [`memmap2::Mmap::map`], passed on unchanged; memview cannot check it (no portable file lock
/// stops other processes from writing). When you cannot promise it, use
/// [`npy::load_mut`](crate::npy::load_mut), which reads the file into memory the array owns.
///
/// # Errors
/// [`NpyError::Io`] naming the path when the file cannot be opened or mapped; otherwise as
/// [`npy::view`](crate::npy::view).
pub unsafe fn load(path: impl AsRef<Path>) -> Result<NpyArray, NpyError> {
    let path = path.as_ref();
    let io = |e: std::io::Error| NpyError::io(Some(path), &e);
    let file = File::open(path).map_err(io)?;
    if file.metadata().map_err(io)?.len() == 0 {
        // Mapping an empty file fails on some systems; it is no .npy file anyway.
        return crate::npy::from_bytes(Vec::new());
    }
    // SAFETY: memmap2's contract — the file is not modified or truncated while the mapping
    // lives — is this function's own (its `# Safety` section), which the caller promised. The
    // mapping is moved into the returned array, and every view of it borrows the array, so
    // the promise covers every reference into the pages.
    let map = unsafe { memmap2::Mmap::map(&file) }.map_err(io)?;
    NpyArray::from_map(map).map_err(|e| e.with_path(path))
}
