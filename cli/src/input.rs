//! Getting the bytes to look at: a memory-mapped file, standard input, or hex on the command
//! line.

use std::fs::File;
use std::io::Read;

use memmap2::Mmap;

use crate::error::CliError;

/// Bytes from a file (memory-mapped, so a large file opens without being read) or from stdin.
pub enum Input {
    /// A mapped file.
    Mapped(Mmap),
    /// Bytes read into memory (stdin, empty files).
    Owned(Vec<u8>),
}

impl Input {
    /// The bytes.
    pub fn bytes(&self) -> &[u8] {
        match self {
            Input::Mapped(m) => m,
            Input::Owned(v) => v,
        }
    }
}

/// Open `path` (`-` is standard input).
pub fn open(path: &str) -> Result<Input, CliError> {
    if path == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut buf)
            .map_err(|e| CliError::data(format!("cannot read standard input: {e}")))?;
        return Ok(Input::Owned(buf));
    }
    let file = File::open(path).map_err(|e| CliError::data(format!("cannot open {path}: {e}")))?;
    let meta = file
        .metadata()
        .map_err(|e| CliError::data(format!("cannot read {path}: {e}")))?;
    if meta.is_dir() {
        return Err(CliError::data(format!("{path} is a directory, not a file")));
    }
    if meta.len() == 0 {
        // Mapping an empty file fails on some systems; there is nothing to map anyway.
        return Ok(Input::Owned(Vec::new()));
    }
    // SAFETY: `Mmap::map` is unsafe because another process could modify or truncate the file
    // while it is mapped, changing bytes under a `&[u8]`. This tool maps files read-only to
    // print them once; such concurrent modification is the same hazard every mmap-based
    // viewer accepts (and is documented in `--help`).
    match unsafe { Mmap::map(&file) } {
        Ok(m) => {
            // Views jump around the file (strides, selections, abbreviation): ask the kernel
            // not to read ahead. Only a hint; ignore failure.
            #[cfg(unix)]
            let _ = m.advise(memmap2::Advice::Random);
            Ok(Input::Mapped(m))
        }
        // Not mappable (a pipe, /proc file...): read it instead.
        Err(_) => {
            let mut buf = Vec::new();
            let mut file = file;
            file.read_to_end(&mut buf)
                .map_err(|e| CliError::data(format!("cannot read {path}: {e}")))?;
            Ok(Input::Owned(buf))
        }
    }
}

/// Parse hex digits as `bytes.fromhex` does, also allowing whitespace anywhere and a leading
/// `0x`.
pub fn parse_hex(text: &str) -> Result<Vec<u8>, CliError> {
    let body = text.trim_start();
    let body = body
        .strip_prefix("0x")
        .or_else(|| body.strip_prefix("0X"))
        .unwrap_or(body);
    let mut digits = Vec::with_capacity(body.len());
    for (i, c) in body.char_indices() {
        if c.is_whitespace() {
            continue;
        }
        match c.to_digit(16) {
            Some(d) => digits.push(d as u8),
            None => {
                return Err(CliError::usage(format!(
                    "bad hex data: {c:?} (character {} of {:?}) is not a hex digit",
                    i + 1 + (text.len() - body.len()),
                    text
                )))
            }
        }
    }
    if digits.len() % 2 != 0 {
        return Err(CliError::usage(format!(
            "bad hex data: {} hex digits is an odd number; each byte needs two",
            digits.len()
        )));
    }
    Ok(digits.chunks(2).map(|p| (p[0] << 4) | p[1]).collect())
}
