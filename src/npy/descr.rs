//! Translating a NumPy dtype descriptor (`dtype.descr`, as `.npy` headers write it) into a
//! PEP 3118 format string. The table is in the [module docs](super).

use std::fmt::Write as _;

use super::NpyError;
use crate::value::literal::Lit;

/// The PEP 3118 format for a `descr` value (a type string or a list of fields). A remark
/// about the translation (datetimes read as integers) goes to `note`.
pub(crate) fn descr_to_format(descr: &Lit, note: &mut Option<String>) -> Result<String, NpyError> {
    match descr {
        Lit::Str(s) => typestr_to_format(s, note),
        Lit::List(fields) => {
            let mut out = String::from("T{");
            fields_to_format(fields, &mut out, note)?;
            out.push('}');
            Ok(out)
        }
        // A sub-array dtype, `('<f8', (2, 3))`: what `format_to_descr` gives for `(2,3)<d`.
        Lit::Tuple(parts) if parts.len() == 2 && !matches!(parts[0], Lit::Tuple(_)) => {
            let mut out = String::new();
            write_shape(&parts[1], &mut out)?;
            out.push_str(&descr_to_format(&parts[0], note)?);
            Ok(out)
        }
        other => Err(NpyError::DescrNotUnderstood {
            descr: other.to_string(),
        }),
    }
}

/// Append the items for a structured descriptor's field list to `out`. Recursion is bounded
/// by the literal parser's nesting limit.
fn fields_to_format(
    fields: &[Lit],
    out: &mut String,
    note: &mut Option<String>,
) -> Result<(), NpyError> {
    for field in fields {
        let Lit::Tuple(parts) = field else {
            return Err(NpyError::FieldNotTuple {
                field: field.to_string(),
            });
        };
        let (name, ty, shape) = match parts.as_slice() {
            [n, t] => (n, t, None),
            [n, t, s] => (n, t, Some(s)),
            _ => {
                return Err(NpyError::FieldItemCount {
                    field: field.to_string(),
                })
            }
        };
        let name = match name {
            Lit::Str(s) => s.clone(),
            // (title, name): the title has no PEP 3118 spelling and is dropped.
            Lit::Tuple(tn) if tn.len() == 2 => match &tn[1] {
                Lit::Str(s) => s.clone(),
                other => {
                    return Err(NpyError::FieldNameNotString {
                        name: other.to_string(),
                    })
                }
            },
            other => {
                return Err(NpyError::FieldNameNotString {
                    name: other.to_string(),
                })
            }
        };
        if name.contains(':') || name.contains('\0') {
            return Err(NpyError::FieldNameInexpressible { name });
        }
        if let Some(shape) = shape {
            write_shape(shape, out)?;
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
                return Err(NpyError::FieldTypeInvalid {
                    ty: other.to_string(),
                })
            }
        }
        if !name.is_empty() {
            let _ = write!(out, ":{name}:");
        }
    }
    Ok(())
}

/// Append the PEP 3118 shape `(2,3)` of a sub-array shape literal (`(2, 3)`, `(2,)`, `2`);
/// nothing for `()`.
fn write_shape(shape: &Lit, out: &mut String) -> Result<(), NpyError> {
    let dims = match shape {
        Lit::Tuple(d) => d.as_slice(),
        Lit::Int(_) => std::slice::from_ref(shape),
        other => {
            return Err(NpyError::SubarrayShapeInvalid {
                shape: other.to_string(),
            })
        }
    };
    let dims: Vec<String> = dims
        .iter()
        .map(|d| match d {
            Lit::Int(n) if *n >= 0 => Ok(n.to_string()),
            other => Err(NpyError::SubarrayDimensionInvalid {
                dim: other.to_string(),
            }),
        })
        .collect::<Result<_, _>>()?;
    if !dims.is_empty() {
        let _ = write!(out, "({})", dims.join(","));
    }
    Ok(())
}

fn parse_size(digits: &str, whole: &str) -> Result<usize, NpyError> {
    digits.parse().map_err(|_| NpyError::TypestrSizeInvalid {
        typestr: whole.to_owned(),
        size: digits.to_owned(),
    })
}

/// Translate one NumPy type string (`'<f8'`, `'|S5'`, `'<M8[ns]'`). Multi-byte types keep an
/// explicit byte order (`=` for native), so no native alignment applies.
pub(crate) fn typestr_to_format(t: &str, note: &mut Option<String>) -> Result<String, NpyError> {
    let mut chars = t.chars();
    let (order, rest) = match chars.next() {
        Some(c @ ('<' | '>' | '|' | '=')) => (c, chars.as_str()),
        _ => ('=', t),
    };
    let mut rc = rest.chars();
    let kind = rc.next().ok_or_else(|| NpyError::TypestrEmpty {
        typestr: t.to_owned(),
    })?;
    let after_kind = rc.as_str();
    let size_len = after_kind.bytes().take_while(u8::is_ascii_digit).count();
    let (size_text, unit) = after_kind.split_at(size_len);
    let size = if size_text.is_empty() {
        None
    } else {
        Some(parse_size(size_text, t)?)
    };
    let unsupported = || NpyError::TypestrUnsupported {
        typestr: t.to_owned(),
    };
    // Only datetimes carry text after the size (their unit, `[ns]`).
    if !unit.is_empty() && !matches!(kind, 'M' | 'm') {
        return Err(unsupported());
    }
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
        ('c', Some(n)) if Some(n) == long_double_size().checked_mul(2) => "Zg".into(),
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
            return Err(NpyError::TypestrObject {
                typestr: t.to_owned(),
            })
        }
        _ => return Err(unsupported()),
    };
    // `U`'s size counts characters of 4 bytes: `'>U1'` keeps its byte order.
    let one_byte = matches!(kind, 'b' | 'S' | 'a' | 'V') || (size == Some(1) && kind != 'U');
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
    crate::calcsize("g").unwrap_or(16)
}
