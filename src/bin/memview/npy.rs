//! Reading the header of a NumPy `.npy` file and translating its dtype descriptor into a
//! PEP 3118 format string.
//!
//! The file format (NEP 1 / `numpy.lib.format`): the magic `\x93NUMPY`, a major and minor
//! version byte, the header length (2 bytes little-endian in version 1, 4 bytes in versions
//! 2 and 3), then a Python dict literal `{'descr': ..., 'fortran_order': ..., 'shape': ...}`
//! padded with spaces and a newline; the data follows, in C or Fortran order.
//!
//! Translation of `descr` (what `np.lib.format.dtype_to_descr` writes):
//!
//! | descr | format | | descr | format |
//! |---|---|---|---|---|
//! | `<i4` `>u2` `\|i1` | `<i` `>H` `b` | | `<f2` `<f4` `<f8` `<f16` | `<e` `<f` `<d` `<g` |
//! | `\|b1` | `?` | | `<c8` `<c16` `<c32` | `<Zf` `<Zd` `<Zg` |
//! | `\|S5` | `5s` | | `<U3` | `<3w` |
//! | `\|V4` | `4s` (`4x` for an unnamed padding field) | | `<M8[ns]` `<m8[s]` | `<q` (int64 ticks) |
//! | `[('x', '<i4'), ('y', '>f8', (2,))]` | `T{<i:x:(2)>d:y:}` | | `\|O` | refused (pickled objects) |
//!
//! Inside a struct every multi-byte item carries its own byte-order prefix (`=` for native), so
//! no native alignment is added: the descriptor's fields are already laid out with explicit
//! padding entries. One-byte items need no prefix (their alignment is 1 in every mode).

use std::fmt::Write as _;

use crate::pylit::{self, Lit};

/// The magic string every `.npy` file starts with.
pub const MAGIC: &[u8] = b"\x93NUMPY";

/// What the header of a `.npy` file says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NpyHeader {
    /// `(major, minor)` version of the file format.
    pub version: (u8, u8),
    /// The `descr` entry as written in the file.
    pub descr: String,
    /// The PEP 3118 format equivalent to `descr`.
    pub format: String,
    /// The array's shape.
    pub shape: Vec<usize>,
    /// Whether the data is in Fortran (column-major) order.
    pub fortran_order: bool,
    /// Byte offset of the data in the file.
    pub data_offset: usize,
    /// A remark about the translation (datetimes read as integers), if any.
    pub note: Option<String>,
}

/// Whether `bytes` looks like a `.npy` file.
pub fn is_npy(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

/// Parse the header of a `.npy` file held in `bytes` (the whole file or at least its header).
pub fn parse_header(bytes: &[u8]) -> Result<NpyHeader, String> {
    if !is_npy(bytes) {
        return Err("not a .npy file (it does not start with \\x93NUMPY)".into());
    }
    let (Some(&major), Some(&minor)) = (bytes.get(6), bytes.get(7)) else {
        return Err(format!(
            "truncated .npy file: {} bytes, the header is incomplete",
            bytes.len()
        ));
    };
    let (len_size, utf8) = match major {
        1 => (2, false),
        2 => (4, false),
        3 => (4, true),
        _ => {
            return Err(format!(
                ".npy format version {major}.{minor} is not supported (known: 1.0, 2.0, 3.0)"
            ))
        }
    };
    let start = 8 + len_size;
    let Some(len_bytes) = bytes.get(8..start) else {
        return Err(format!(
            "truncated .npy file: {} bytes, the header length is missing",
            bytes.len()
        ));
    };
    let header_len = len_bytes
        .iter()
        .rev()
        .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
    let end = start.saturating_add(header_len);
    let Some(raw) = bytes.get(start..end) else {
        return Err(format!(
            "truncated .npy file: the header claims {header_len} bytes after byte {start}, \
             but the file has only {} bytes",
            bytes.len()
        ));
    };
    let text: String = if utf8 {
        String::from_utf8(raw.to_vec())
            .map_err(|e| format!(".npy header is not valid UTF-8: {e}"))?
    } else {
        raw.iter().map(|&b| char::from(b)).collect()
    };
    let dict = pylit::parse(&text).map_err(|e| {
        format!(
            ".npy header is not a Python dict literal: {e}\n  header: {}",
            text.trim()
        )
    })?;
    let Lit::Dict(items) = dict else {
        return Err(format!(".npy header is not a dict: {}", text.trim()));
    };
    let get = |key: &str| {
        items
            .iter()
            .find(|(k, _)| matches!(k, Lit::Str(s) if s == key))
            .map(|(_, v)| v)
            .ok_or_else(|| format!(".npy header has no {key:?} entry: {}", text.trim()))
    };
    let descr_lit = get("descr")?;
    let fortran_order = match get("fortran_order")? {
        Lit::Bool(b) => *b,
        other => {
            return Err(format!(
                ".npy header: 'fortran_order' is {other:?}, not True/False"
            ))
        }
    };
    let shape = match get("shape")? {
        Lit::Tuple(dims) => dims
            .iter()
            .map(|d| match d {
                Lit::Int(n) => usize::try_from(*n).map_err(|_| format!("negative dimension {n}")),
                other => Err(format!("dimension {other:?} is not an integer")),
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!(".npy header: bad 'shape': {e}"))?,
        other => return Err(format!(".npy header: 'shape' is {other:?}, not a tuple")),
    };
    let mut note = None;
    let format = descr_to_format(descr_lit, &mut note)?;
    Ok(NpyHeader {
        version: (major, minor),
        descr: lit_repr(descr_lit),
        format,
        shape,
        fortran_order,
        data_offset: end,
        note,
    })
}

/// The PEP 3118 format for a `descr` value (a type string or a list of fields).
pub fn descr_to_format(descr: &Lit, note: &mut Option<String>) -> Result<String, String> {
    match descr {
        Lit::Str(s) => typestr_to_format(s, note),
        Lit::List(fields) => {
            let mut out = String::from("T{");
            fields_to_format(fields, &mut out, note)?;
            out.push('}');
            Ok(out)
        }
        other => Err(format!(
            "dtype descriptor {} is neither a type string nor a list of fields",
            lit_repr(other)
        )),
    }
}

/// Append the items for a structured descriptor's field list to `out`.
fn fields_to_format(
    fields: &[Lit],
    out: &mut String,
    note: &mut Option<String>,
) -> Result<(), String> {
    for field in fields {
        let Lit::Tuple(parts) = field else {
            return Err(format!("dtype field {} is not a tuple", lit_repr(field)));
        };
        let (name, ty, shape) = match parts.as_slice() {
            [n, t] => (n, t, None),
            [n, t, s] => (n, t, Some(s)),
            _ => {
                return Err(format!(
                    "dtype field {} should have 2 or 3 items",
                    lit_repr(field)
                ))
            }
        };
        let name = match name {
            Lit::Str(s) => s.clone(),
            // (title, name)
            Lit::Tuple(tn) if tn.len() == 2 => match &tn[1] {
                Lit::Str(s) => s.clone(),
                other => {
                    return Err(format!(
                        "dtype field name {} is not a string",
                        lit_repr(other)
                    ))
                }
            },
            other => {
                return Err(format!(
                    "dtype field name {} is not a string",
                    lit_repr(other)
                ))
            }
        };
        if name.contains(':') || name.contains('\0') {
            return Err(format!(
                "field name {name:?} contains ':' or NUL, which a PEP 3118 format cannot express"
            ));
        }
        if let Some(shape) = shape {
            let dims = match shape {
                Lit::Tuple(d) => d.clone(),
                Lit::Int(_) => vec![shape.clone()],
                other => {
                    return Err(format!(
                        "sub-array shape {} is not a tuple",
                        lit_repr(other)
                    ))
                }
            };
            let dims: Vec<String> = dims
                .iter()
                .map(|d| match d {
                    Lit::Int(n) if *n >= 0 => Ok(n.to_string()),
                    other => Err(format!(
                        "sub-array dimension {} is not a count",
                        lit_repr(other)
                    )),
                })
                .collect::<Result<_, _>>()?;
            if !dims.is_empty() {
                let _ = write!(out, "({})", dims.join(","));
            }
        }
        match ty {
            Lit::Str(t) => {
                let void_size = t
                    .strip_prefix(['<', '>', '|', '='])
                    .unwrap_or(t)
                    .strip_prefix('V');
                if let (true, Some(digits)) = (name.is_empty(), void_size) {
                    // An unnamed void field is padding.
                    let n = parse_size(digits, t)?;
                    let _ = write!(out, "{n}x");
                    continue;
                }
                out.push_str(&typestr_to_format(t, note)?);
            }
            Lit::List(sub) => {
                out.push_str("T{");
                fields_to_format(sub, out, note)?;
                out.push('}');
            }
            other => {
                return Err(format!(
                    "dtype field type {} is not understood",
                    lit_repr(other)
                ))
            }
        }
        if !name.is_empty() {
            let _ = write!(out, ":{name}:");
        }
    }
    Ok(())
}

fn parse_size(digits: &str, whole: &str) -> Result<usize, String> {
    digits
        .parse()
        .map_err(|_| format!("dtype {whole:?}: size {digits:?} is not a number"))
}

/// Translate one NumPy type string (`'<f8'`, `'|S5'`, `'<M8[ns]'`). Multi-byte types keep an
/// explicit byte order (`=` for native), so no native alignment applies.
pub fn typestr_to_format(t: &str, note: &mut Option<String>) -> Result<String, String> {
    let mut chars = t.chars();
    let (order, rest) = match chars.next() {
        Some(c @ ('<' | '>' | '|' | '=')) => (c, chars.as_str()),
        _ => ('=', t),
    };
    let mut rc = rest.chars();
    let kind = rc
        .next()
        .ok_or_else(|| format!("empty dtype string {t:?}"))?;
    let size_text: String = rc
        .as_str()
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    let unit = &rc.as_str()[size_text.len()..];
    let size = if size_text.is_empty() {
        None
    } else {
        Some(parse_size(&size_text, t)?)
    };
    let unsupported = || format!("dtype {t:?} has no PEP 3118 equivalent");
    let code: String = match (kind, size) {
        ('b', Some(1)) => "?".into(),
        ('i', Some(1)) => "b".into(),
        ('u', Some(1)) => "B".into(),
        ('i', Some(2)) => "h".into(),
        ('u', Some(2)) => "H".into(),
        ('i', Some(4)) => "i".into(),
        ('u', Some(4)) => "I".into(),
        ('i', Some(8)) => "q".into(),
        ('u', Some(8)) => "Q".into(),
        ('f', Some(2)) => "e".into(),
        ('f', Some(4)) => "f".into(),
        ('f', Some(8)) => "d".into(),
        ('f', Some(n)) if n == long_double_size() => "g".into(),
        ('c', Some(8)) => "Zf".into(),
        ('c', Some(16)) => "Zd".into(),
        ('c', Some(n)) if n == 2 * long_double_size() => "Zg".into(),
        ('S' | 'a', Some(n)) => format!("{n}s"),
        ('V', Some(n)) => format!("{n}s"),
        ('U', Some(n)) => format!("{n}w"),
        ('M' | 'm', Some(8)) => {
            let what = if kind == 'M' {
                "datetime64"
            } else {
                "timedelta64"
            };
            *note = Some(format!(
                "{what}{unit} values are shown as int64 tick counts (PEP 3118 has no date type)"
            ));
            "q".into()
        }
        ('O', _) => {
            return Err(format!(
                "dtype {t:?} is an object array: its data is pickled Python objects, not raw values"
            ))
        }
        _ => return Err(unsupported()),
    };
    let one_byte = matches!(kind, 'b' | 'S' | 'a' | 'V') || size == Some(1);
    let prefix = match order {
        '<' if !one_byte => "<",
        '>' if !one_byte => ">",
        '=' if !one_byte => "=",
        // One-byte items need no byte order, and take no alignment in any mode.
        _ => "",
    };
    Ok(format!("{prefix}{code}"))
}

/// The size of `long double` (`g`) on this host, from the format engine.
fn long_double_size() -> usize {
    memview::calcsize("g").unwrap_or(16)
}

/// A Python-like repr of a literal, for messages.
pub fn lit_repr(l: &Lit) -> String {
    match l {
        Lit::Int(i) => i.to_string(),
        Lit::Float(f) => memview::Value::Float(*f).to_string(),
        Lit::Complex(re, im) => memview::Value::Complex(num_complex_pair(*re, *im)).to_string(),
        Lit::Bool(true) => "True".into(),
        Lit::Bool(false) => "False".into(),
        Lit::None => "None".into(),
        Lit::Bytes(b) => memview::Value::Bytes(b.clone()).to_string(),
        Lit::Str(s) => memview::Value::Str(s.clone()).to_string(),
        Lit::Tuple(items) if items.len() == 1 => format!("({},)", lit_repr(&items[0])),
        Lit::Tuple(items) => format!(
            "({})",
            items.iter().map(lit_repr).collect::<Vec<_>>().join(", ")
        ),
        Lit::List(items) => format!(
            "[{}]",
            items.iter().map(lit_repr).collect::<Vec<_>>().join(", ")
        ),
        Lit::Dict(items) => format!(
            "{{{}}}",
            items
                .iter()
                .map(|(k, v)| format!("{}: {}", lit_repr(k), lit_repr(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn num_complex_pair(re: f64, im: f64) -> num_complex::Complex64 {
    num_complex::Complex64::new(re, im)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt_of(descr: &str) -> Result<String, String> {
        let lit = pylit::parse(descr).map_err(|e| e.to_string())?;
        descr_to_format(&lit, &mut None)
    }

    #[test]
    fn descriptors() {
        assert_eq!(fmt_of("'<f8'").unwrap(), "<d");
        assert_eq!(fmt_of("'>i2'").unwrap(), ">h");
        assert_eq!(fmt_of("'|u1'").unwrap(), "B");
        assert_eq!(fmt_of("'|b1'").unwrap(), "?");
        assert_eq!(fmt_of("'|S5'").unwrap(), "5s");
        assert_eq!(fmt_of("'<U3'").unwrap(), "<3w");
        assert_eq!(fmt_of("'>c16'").unwrap(), ">Zd");
        assert_eq!(
            fmt_of("[('x', '<i4'), ('y', '>f8', (2,))]").unwrap(),
            "T{<i:x:(2)>d:y:}"
        );
        assert_eq!(
            fmt_of("[('a', '|i1'), ('', '|V3'), ('b', '<i4'), ('', '|V4')]").unwrap(),
            "T{b:a:3x<i:b:4x}"
        );
        assert!(fmt_of("'|O'").is_err());
        assert!(fmt_of("'<f3'").is_err());
    }

    #[test]
    fn headers() {
        let mut file = b"\x93NUMPY\x01\x00".to_vec();
        let h = b"{'descr': '<i2', 'fortran_order': True, 'shape': (3, 1), }  \n";
        file.extend_from_slice(&(h.len() as u16).to_le_bytes());
        file.extend_from_slice(h);
        let hdr = parse_header(&file).unwrap();
        assert_eq!(hdr.format, "<h");
        assert_eq!(hdr.shape, vec![3, 1]);
        assert!(hdr.fortran_order);
        assert_eq!(hdr.data_offset, file.len());
        assert!(parse_header(&file[..20]).unwrap_err().contains("truncated"));
        assert!(parse_header(&file[..7]).unwrap_err().contains("truncated"));
    }
}
