//! Convert a NumPy-produced `.npy` file's data into an `ndarray::ArrayViewD<f64>` **without
//! copying**: the array borrows the bytes [`npy::load_mut`] read from the file into aligned
//! memory.
//!
//! ```text
//! cargo run --example npy_to_ndarray [FILE.npy]
//! ```
//!
//! Without an argument it reads `tests/fixtures/ndarray/c_f8.npy` (written by
//! `scripts/gen_npy_fixtures.py`: `(np.arange(12).reshape(3, 4) - 5.5) / 2` as `<f8`). The
//! header is read by [`memview::npy`]: any `.npy` version, byte order, C or Fortran order, and
//! structured dtypes (which print as records instead of converting to `f64`).

use std::error::Error;
use std::fmt::Write as _;
use std::path::Path;

use memview::element::ElementError;
use memview::npy;

/// Read the `.npy` file at `path` and describe it: the header, then the data as a zero-copy
/// `ArrayViewD<f64>` when the dtype is native-order, aligned `f64`, else as a converting copy
/// (other numbers) or as Python prints the values (records, strings). Returns the text printed.
pub fn run(path: &str) -> Result<String, Box<dyn Error>> {
    // The loader owns the bytes, with the data aligned for its format (a `Vec<u8>` from
    // `std::fs::read` promises no alignment, and zero-copy needs the f64 data aligned).
    let loaded = npy::load_mut(path)?;
    let header = loaded.header();
    let view = loaded.view();
    let mut out = String::new();
    let name = Path::new(path)
        .file_name()
        .unwrap_or_default()
        .to_string_lossy();
    writeln!(
        out,
        "{name}: .npy v{}.{}, dtype {}, format {:?}, shape {:?}, strides {:?}, data at byte {}",
        header.version().0,
        header.version().1,
        header.descr(),
        header.format(),
        header.shape(),
        view.strides(),
        header.data_offset()
    )?;

    match view.as_array::<f64>() {
        Ok(array) => {
            // The array points at the loaded data: no copy was made.
            assert_eq!(array.as_ptr() as usize, loaded.data().as_ptr() as usize);
            writeln!(
                out,
                "zero-copy ArrayViewD<f64> (points at byte {} of the file, as loaded):",
                header.data_offset()
            )?;
            writeln!(out, "{array}")?;
            writeln!(out, "sum = {}", array.sum())?;
        }
        Err(why @ (ElementError::ByteOrderNotNative { .. } | ElementError::Misaligned { .. })) => {
            writeln!(out, "no zero-copy view: {why}; converting copy instead:")?;
            writeln!(out, "{}", view.to_array::<f64>()?)?;
        }
        Err(why) => match view.to_array::<f64>() {
            Ok(array) => {
                writeln!(out, "not f64 data ({why}); converting copy to f64:")?;
                writeln!(out, "{array}")?;
            }
            // Records, strings: no f64 conversion; the values as Python prints them.
            Err(_) => writeln!(out, "not numbers ({why}); the values:\n{}", view.to_list()?)?,
        },
    }
    Ok(out)
}

#[allow(dead_code)] // tests/npy.rs includes this file and calls `run`.
fn main() -> Result<(), Box<dyn Error>> {
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/ndarray/c_f8.npy"
        )
        .to_owned()
    });
    print!("{}", run(&path)?);
    Ok(())
}
