//! `memview calcsize`, `pack` and `unpack`: Python's `struct` module on the command line.

use std::io::Write;

use memview::format::{Dialect, Format};
use memview::{PackError, Struct, Value};

use crate::error::CliError;
use crate::input;

/// `calcsize FORMAT`: the size in bytes (struct dialect, or NumPy's with `numpy`).
pub fn calcsize(fmt: &str, numpy: bool) -> Result<String, CliError> {
    let dialect = if numpy {
        Dialect::NumPy
    } else {
        Dialect::Struct
    };
    Ok(format!(
        "{}\n",
        Format::parse_with(fmt, dialect)?.itemsize()
    ))
}

/// Map a pack/unpack error to an exit code: format errors and a wrong number of values are
/// usage errors, the rest are about the data.
fn pack_error(e: PackError) -> CliError {
    match e {
        PackError::Format(f) => CliError::Format(f),
        e @ PackError::ItemCount { .. } => CliError::usage(format!("struct.error: {e}")),
        e => CliError::data(format!("struct.error: {e}")),
    }
}

/// `pack FORMAT VALUE...`: the packed bytes as hex (or raw bytes with `raw`).
pub fn pack(fmt: &str, values: &[String]) -> Result<Vec<u8>, CliError> {
    let st = Struct::new(fmt)?;
    let values = values
        .iter()
        .enumerate()
        .map(|(i, text)| {
            text.parse::<Value>().map_err(|e| {
                CliError::usage(format!(
                    "value {} ({text:?}) is not a Python literal: {e}",
                    i + 1
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    st.pack(&values).map_err(pack_error)
}

/// `unpack FORMAT DATA`: one tuple, or one per record when `data` holds several (like
/// `struct.iter_unpack`), written to `out` as they are decoded.
pub fn unpack(fmt: &str, data: &[u8], out: &mut dyn Write) -> Result<(), CliError> {
    let st = Struct::new(fmt)?;
    let size = st.size();
    if data.len() == size {
        let values = st.unpack(data).map_err(pack_error)?;
        writeln!(out, "{}", Value::Tuple(values))?;
        return Ok(());
    }
    let records = data.len().checked_div(size);
    let rest = data.len().checked_rem(size);
    if let (Some(n @ 1..), Some(0)) = (records, rest) {
        for record in st.iter_unpack(data).map_err(pack_error)?.take(n) {
            let values = record.map_err(pack_error)?.into_vec();
            writeln!(out, "{}", Value::Tuple(values))?;
        }
        return Ok(());
    }
    let hint = match (records, rest) {
        (Some(n), Some(r)) => format!(
            " (or a multiple of {size} for several records); got {} bytes = {n} record{} + {r} byte{}",
            data.len(),
            if n == 1 { "" } else { "s" },
            if r == 1 { "" } else { "s" },
        ),
        _ => format!("; got {} bytes", data.len()),
    };
    Err(CliError::data(format!(
        "struct.error: unpack requires a buffer of {size} bytes{hint}"
    )))
}

/// The bytes to unpack: hex arguments, or a file (`-` = stdin, also as the only HEX argument).
pub fn unpack_input(hex: &[String], file: Option<&str>) -> Result<input::Input, CliError> {
    match (hex.is_empty(), file) {
        (false, Some(_)) => Err(CliError::usage(
            "give the data either as HEX arguments or with --file, not both",
        )),
        (true, None) => Err(CliError::usage(
            "no data: give hex bytes (e.g. 'fe ff 00 00') or --file FILE (- for stdin)",
        )),
        (_, Some(path)) => input::open(path),
        // `-` alone means stdin, as for `view`.
        (false, None) if hex.len() == 1 && hex[0] == "-" => input::open("-"),
        (false, None) => Ok(input::Input::Owned(input::parse_hex(&hex.join(" "))?)),
    }
}
