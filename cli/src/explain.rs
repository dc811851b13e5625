//! `memview explain FORMAT`: the layout of a format string as a table.

use memview::format::{
    Dialect, Endian, Field, FieldType, Format, Layout, Scalar, ScalarKind, StructLayout,
};

use crate::error::CliError;
use crate::table::{render, Align};

/// Print the layout table of `text`, in the struct dialect (or NumPy's with `numpy`), and the
/// other dialect's table too when its layout differs.
pub fn run(text: &str, numpy: bool) -> Result<String, CliError> {
    let (first, second) = if numpy {
        (Dialect::NumPy, Dialect::Struct)
    } else {
        (Dialect::Struct, Dialect::NumPy)
    };
    let main = Format::parse_with(text, first).map_err(CliError::Format)?;
    let mut out = String::new();
    out.push_str(&format!("format {}\n", quote(text)));
    let canonical = main.to_string();
    if canonical != text {
        out.push_str(&format!("canonical {}\n", quote(&canonical)));
    }
    match Format::parse_with(text, second) {
        Ok(other) if other.layout() != main.layout() => {
            out.push('\n');
            out.push_str(&dialect_section(&main));
            out.push('\n');
            out.push_str(&dialect_section(&other));
        }
        Ok(_) => {
            out.push_str(&format!(
                "(the {} dialect gives the same layout)\n\n",
                dialect_name(second)
            ));
            out.push_str(&table(main.layout()));
            out.push_str(&summary(&main));
        }
        Err(_) => {
            out.push('\n');
            out.push_str(&dialect_section(&main));
        }
    }
    Ok(out)
}

fn dialect_name(d: Dialect) -> &'static str {
    match d {
        Dialect::Struct => "struct",
        Dialect::NumPy => "NumPy",
    }
}

fn dialect_section(f: &Format) -> String {
    let heading = match f.dialect() {
        Dialect::Struct => "struct dialect (Python's struct.calcsize; memview's default):",
        Dialect::NumPy => "NumPy dialect (NumPy's PEP 3118 reader pads the top level; --numpy):",
    };
    format!("{heading}\n{}{}", table(f.layout()), summary(f))
}

fn summary(f: &Format) -> String {
    let values = match (f.layout().tuple, f.fields()) {
        (false, [one]) => format!("one {}", value_kind(one)),
        (true, _) => format!("a tuple of {} values", f.layout().value_count()),
        (false, _) => "nothing".to_string(),
    };
    format!(
        "itemsize {}, alignment {}; one item unpacks to {values}\n",
        f.itemsize(),
        f.alignment()
    )
}

fn value_kind(field: &Field) -> String {
    if !field.shape.is_empty() {
        return "list".into();
    }
    match &field.ty {
        FieldType::Struct(_) => "record (tuple)".into(),
        FieldType::Scalar(s) => match s.kind {
            ScalarKind::Int | ScalarKind::UInt | ScalarKind::Pointer | ScalarKind::Object => "int",
            ScalarKind::Float | ScalarKind::LongDouble => "float",
            ScalarKind::Bool => "bool",
            ScalarKind::Char | ScalarKind::Bytes | ScalarKind::Pascal => "bytes",
            ScalarKind::Ucs2 | ScalarKind::Ucs4 => "str",
            ScalarKind::Complex => "complex",
            ScalarKind::Pad => "nothing",
        }
        .into(),
    }
}

/// `'text'` with Python's quoting (for display).
pub fn quote(text: &str) -> String {
    memview::Value::Str(text.to_string()).to_string()
}

/// The layout table: one row per field and per run of padding bytes.
pub fn table(layout: &Layout) -> String {
    let mut rows = Vec::new();
    walk(&layout.top, 0, 0, "", &mut rows);
    render(
        &[
            ("offset", Align::Right),
            ("size", Align::Right),
            ("order", Align::Left),
            ("type", Align::Left),
            ("meaning", Align::Left),
            ("name", Align::Left),
        ],
        &rows,
    )
}

fn pad_row(offset: usize, size: usize, depth: usize) -> Vec<String> {
    vec![
        offset.to_string(),
        size.to_string(),
        "-".into(),
        "x".into(),
        format!("padding ({size} byte{})", if size == 1 { "" } else { "s" }),
        format!("{}-", "  ".repeat(depth)),
    ]
}

/// Top-level repeat counts up to this many get one row per copy; larger ones one row in all.
const EXPAND_REPEAT: usize = 16;

fn walk(s: &StructLayout, base: usize, depth: usize, prefix: &str, rows: &mut Vec<Vec<String>>) {
    let mut cursor = 0usize;
    // The index of the next value in what `struct.unpack` returns (repeats counted).
    let mut value_index = 0usize;
    for field in &s.fields {
        if field.offset > cursor {
            rows.push(pad_row(base + cursor, field.offset - cursor, depth));
        }
        let shape = if field.shape.is_empty() {
            String::new()
        } else {
            format!(
                "({})",
                field
                    .shape
                    .iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join(",")
            )
        };
        let indent = "  ".repeat(depth);
        let name_of = |k: usize| match &field.name {
            Some(n) => format!("{prefix}{n}"),
            None => format!("{prefix}#{k}"),
        };
        match &field.ty {
            FieldType::Scalar(sc) if field.repeat > EXPAND_REPEAT => {
                // One row for all copies: `'1000i'` is 1000 values.
                let last = value_index.saturating_add(field.repeat - 1);
                rows.push(vec![
                    (base + field.offset).to_string(),
                    field.size().saturating_mul(field.repeat).to_string(),
                    order(sc).into(),
                    format!("{}{shape}{}", field.repeat, code(sc)),
                    format!("{} x {}", field.repeat, meaning(sc, &field.shape)),
                    format!("{indent}{}..{}", name_of(value_index), name_of(last)),
                ]);
            }
            FieldType::Scalar(sc) => {
                for (k, offset) in field.copy_offsets().enumerate() {
                    rows.push(vec![
                        (base + offset).to_string(),
                        field.size().to_string(),
                        order(sc).into(),
                        format!("{shape}{}", code(sc)),
                        meaning(sc, &field.shape),
                        format!("{indent}{}", name_of(value_index + k)),
                    ]);
                }
            }
            FieldType::Struct(inner) => {
                let what = if field.shape.is_empty() {
                    format!("struct of {} bytes", inner.size)
                } else {
                    format!("array {shape} of structs of {} bytes", inner.size)
                };
                for (k, offset) in field.copy_offsets().take(EXPAND_REPEAT).enumerate() {
                    let name = name_of(value_index + k);
                    rows.push(vec![
                        (base + offset).to_string(),
                        field.size().to_string(),
                        "".into(),
                        format!("{shape}T{{}}"),
                        what.clone(),
                        format!("{indent}{name}"),
                    ]);
                    let child_prefix = match (&field.name, field.shape.is_empty()) {
                        (None, _) => prefix.to_string(),
                        (Some(_), true) => format!("{name}."),
                        (Some(_), false) => format!("{name}[0]."),
                    };
                    walk(inner, base + offset, depth + 1, &child_prefix, rows);
                }
                if field.repeat > EXPAND_REPEAT {
                    rows.push(vec![
                        "...".into(),
                        "".into(),
                        "".into(),
                        "".into(),
                        format!("{} more copies", field.repeat - EXPAND_REPEAT),
                        String::new(),
                    ]);
                }
            }
        }
        value_index = value_index.saturating_add(field.repeat);
        let end = field
            .offset
            .saturating_add(field.size().saturating_mul(field.repeat));
        cursor = cursor.max(end);
    }
    if s.size > cursor {
        rows.push(pad_row(base + cursor, s.size - cursor, depth));
    }
}

fn order(s: &Scalar) -> &'static str {
    let byte_sized = matches!(
        s.kind,
        ScalarKind::Char
            | ScalarKind::Bool
            | ScalarKind::Bytes
            | ScalarKind::Pascal
            | ScalarKind::Pad
    ) || s.size == 1;
    match (byte_sized, s.endian) {
        (true, _) => "-",
        (false, Endian::Little) => "little",
        (false, Endian::Big) => "big",
    }
}

fn code(s: &Scalar) -> String {
    match s.kind {
        ScalarKind::Bytes | ScalarKind::Pascal => format!("{}{}", s.size, s.code),
        ScalarKind::Ucs2 => format!("{}{}", s.size / 2, s.code),
        ScalarKind::Ucs4 => format!("{}{}", s.size / 4, s.code),
        _ => s.code.to_string(),
    }
}

fn c_name(code: &str) -> Option<&'static str> {
    Some(match code {
        "b" => "signed char",
        "B" => "unsigned char",
        "h" => "short",
        "H" => "unsigned short",
        "i" => "int",
        "I" => "unsigned int",
        "l" => "long",
        "L" => "unsigned long",
        "q" => "long long",
        "Q" => "unsigned long long",
        "n" => "ssize_t",
        "N" => "size_t",
        "e" => "half",
        "f" => "float",
        "d" => "double",
        "g" => "long double",
        "Zf" => "float complex",
        "Zd" => "double complex",
        "Zg" => "long double complex",
        "?" => "_Bool",
        "c" => "char",
        "P" => "void *",
        "&" => "pointer",
        "X{}" => "function pointer",
        "O" => "PyObject *",
        _ => return None,
    })
}

/// A person's description of a scalar: `int32 (int)`, `bytes[5]`, `UCS-4 text of 3 chars`.
pub fn meaning(s: &Scalar, shape: &[usize]) -> String {
    let bits = s.size * 8;
    let base = match s.kind {
        ScalarKind::Int => format!("int{bits}"),
        ScalarKind::UInt => format!("uint{bits}"),
        ScalarKind::Float => format!("float{bits}"),
        ScalarKind::LongDouble => format!("float{bits} storage"),
        ScalarKind::Complex => format!("complex{bits}"),
        ScalarKind::Bool => "bool".into(),
        ScalarKind::Char => "bytes of length 1".into(),
        ScalarKind::Bytes => format!("bytes[{}]", s.size),
        ScalarKind::Pascal => format!("Pascal string[{}]", s.size),
        ScalarKind::Ucs2 => format!("UCS-2 text of {} chars", s.size / 2),
        ScalarKind::Ucs4 => format!("UCS-4 text of {} chars", s.size / 4),
        ScalarKind::Pointer => format!("{bits}-bit address"),
        ScalarKind::Object => format!("{bits}-bit object address"),
        ScalarKind::Pad => "padding".into(),
    };
    let base = match c_name(s.code) {
        Some(c) if !matches!(s.kind, ScalarKind::Char) => format!("{base} ({c})"),
        _ => base,
    };
    if shape.is_empty() {
        base
    } else {
        let count: usize = shape.iter().product();
        format!("{count} x {base}")
    }
}
