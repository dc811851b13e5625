//! Convert a NumPy-produced `.npy` file's data into an `ndarray::ArrayViewD<f64>` **without
//! copying**: the array borrows the bytes read from the file.
//!
//! ```text
//! cargo run --example npy_to_ndarray [FILE.npy]
//! ```
//!
//! Without an argument it reads `tests/fixtures/ndarray/c_f8.npy` (written by
//! `scripts/gen_npy_fixtures.py`: `(np.arange(12).reshape(3, 4) - 5.5) / 2` as `<f8`). The
//! header parser here is deliberately small: simple (non-structured) dtypes only.

use std::error::Error;

use memview::element::ElementError;
use memview::MemoryView;

/// What the `.npy` header says: the data's PEP 3118 format, shape, order and where it starts.
struct Header {
    format: String,
    shape: Vec<usize>,
    fortran_order: bool,
    data_offset: usize,
}

/// Parse the magic, version and header dict of a `.npy` file (versions 1, 2 and 3).
fn parse_header(file: &[u8]) -> Result<Header, Box<dyn Error>> {
    if file.get(..6) != Some(b"\x93NUMPY".as_slice()) {
        return Err("not a .npy file (bad magic)".into());
    }
    let (len, start) = match file.get(6) {
        Some(1) => (u16::from_le_bytes([file[8], file[9]]) as usize, 10),
        Some(2 | 3) if file.len() >= 12 => (
            u32::from_le_bytes([file[8], file[9], file[10], file[11]]) as usize,
            12,
        ),
        v => return Err(format!("unsupported .npy version {v:?}").into()),
    };
    let text = std::str::from_utf8(file.get(start..start + len).ok_or("truncated header")?)?;
    let value_of = |key: &str| -> Result<&str, Box<dyn Error>> {
        let at = text
            .find(&format!("'{key}':"))
            .ok_or(format!("no '{key}' in header"))?;
        Ok(text[at + key.len() + 3..].trim_start())
    };
    let descr = value_of("descr")?;
    let descr = descr
        .strip_prefix('\'')
        .and_then(|d| d.split('\'').next())
        .ok_or("structured dtypes are not handled by this small example")?;
    let fortran_order = value_of("fortran_order")?.starts_with("True");
    let shape_text = value_of("shape")?;
    let shape_text = &shape_text[1..shape_text.find(')').ok_or("bad shape")?];
    let shape = shape_text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::parse)
        .collect::<Result<Vec<usize>, _>>()?;
    // '<f8' -> '<d', '>i4' -> '>i', '|b1' -> '?', ...
    let (order, kind_size) = descr.split_at(1);
    let code = match kind_size {
        "b1" => "?",
        "i1" => "b",
        "u1" => "B",
        "i2" => "h",
        "u2" => "H",
        "i4" => "i",
        "u4" => "I",
        "i8" => "q",
        "u8" => "Q",
        "f2" => "e",
        "f4" => "f",
        "f8" => "d",
        "c8" => "Zf",
        "c16" => "Zd",
        other => return Err(format!("dtype {other} is not handled by this example").into()),
    };
    let order = if order == "|" { "=" } else { order };
    Ok(Header {
        format: format!("{order}{code}"),
        shape,
        fortran_order,
        data_offset: start + len,
    })
}

fn main() -> Result<(), Box<dyn Error>> {
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/ndarray/c_f8.npy"
        )
        .to_owned()
    });
    // Read into 8-byte-aligned storage: `Vec<u8>` promises no alignment, and zero-copy needs
    // the f64 data aligned (NumPy pads the header so the data starts at a multiple of 64).
    let raw = std::fs::read(&path)?;
    let mut storage = vec![0u64; raw.len().div_ceil(8)];
    let file = &mut bytemuck::cast_slice_mut::<u64, u8>(&mut storage)[..raw.len()];
    file.copy_from_slice(&raw);
    let file: &[u8] = file;

    let header = parse_header(file)?;
    let itemsize = memview::calcsize(&header.format)?;
    // C or Fortran strides, in bytes.
    let mut strides = vec![0isize; header.shape.len()];
    let mut step = itemsize as isize;
    let axes: Vec<usize> = if header.fortran_order {
        (0..header.shape.len()).collect()
    } else {
        (0..header.shape.len()).rev().collect()
    };
    for k in axes {
        strides[k] = step;
        step *= header.shape[k].max(1) as isize;
    }
    let view = MemoryView::from_parts(
        file,
        &header.format,
        &header.shape,
        Some(&strides),
        header.data_offset,
    )?;
    println!(
        "{path}: format {:?}, shape {:?}, strides {:?}, data at byte {}",
        header.format, header.shape, strides, header.data_offset
    );

    match view.as_array::<f64>() {
        Ok(array) => {
            // The array points into `file`: no copy was made.
            let data = array.as_ptr() as usize;
            let inside = file.as_ptr() as usize + header.data_offset;
            assert_eq!(data, inside);
            println!(
                "zero-copy ArrayViewD<f64> (points at byte {}):",
                data - file.as_ptr() as usize
            );
            println!("{array}");
            println!("sum = {}", array.sum());
        }
        Err(why @ (ElementError::ByteOrderNotNative { .. } | ElementError::Misaligned { .. })) => {
            println!("no zero-copy view: {why}; converting copy instead:");
            println!("{}", view.to_array::<f64>()?);
        }
        Err(why) => {
            println!("not f64 data ({why}); converting copy to f64:");
            println!("{}", view.to_array::<f64>()?);
        }
    }
    Ok(())
}
