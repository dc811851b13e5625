//! Printing a view: as Python's `repr(tolist())` (abbreviated NumPy-style), as a table, as hex,
//! as JSON. Elements are decoded one at a time straight from the buffer, so an abbreviated
//! view of a huge file decodes only what is shown.

use std::io::Write;

use memview::view::{MemoryView, Order};
use memview::Value;

use crate::error::CliError;
use crate::table::{render, Align};

/// How many entries per axis are kept at each end when a view is abbreviated (NumPy's
/// `edgeitems`).
pub const EDGE_ITEMS: usize = 3;

/// Whether and how to abbreviate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Summary {
    edge: Option<usize>,
}

impl Summary {
    /// Abbreviate when the view has more than `limit` elements (`limit` 0: never), like
    /// NumPy's `threshold`.
    pub fn new(limit: usize, elements: usize) -> Summary {
        Summary {
            edge: (limit > 0 && elements > limit).then_some(EDGE_ITEMS),
        }
    }

    /// Whether anything is abbreviated.
    pub fn active(self) -> bool {
        self.edge.is_some()
    }

    /// The indices shown along an axis of length `n`; `None` stands for the `...`.
    pub fn indices(self, n: usize) -> Vec<Option<usize>> {
        match self.edge {
            Some(e) if n > 2 * e => (0..e)
                .map(Some)
                .chain(std::iter::once(None))
                .chain((n - e..n).map(Some))
                .collect(),
            _ => (0..n).map(Some).collect(),
        }
    }
}

/// The bytes of the element at byte offset `off` (from the start of the buffer).
fn element_bytes<'a>(view: &MemoryView<'a>, off: i128) -> Result<&'a [u8], CliError> {
    let start = usize::try_from(off).ok();
    let end = start.and_then(|s| s.checked_add(view.itemsize()));
    match (start, end) {
        (Some(s), Some(e)) => view.buffer().ok().and_then(|b| b.get(s..e)),
        _ => None,
    }
    .ok_or_else(|| CliError::data(format!("element at byte {off} is outside the buffer")))
}

/// Decode the element at byte offset `off`.
fn element(view: &MemoryView<'_>, off: i128) -> Result<Value, CliError> {
    let bytes = element_bytes(view, off)?;
    memview::codec::decode(view.format().layout(), bytes)
        .map_err(|e| CliError::data(format!("cannot decode the element at byte {off}: {e}")))
}

/// Byte offset of the element at `base + index * stride` along `axis`.
fn step(view: &MemoryView<'_>, base: i128, axis: usize, index: usize) -> i128 {
    let stride = view.strides().get(axis).copied().unwrap_or(0) as i128;
    base + index as i128 * stride
}

/// Write `repr(view.tolist())`; when abbreviated, `...` replaces the middle of long axes and
/// sub-lists go on their own lines as NumPy prints them.
pub fn list(view: &MemoryView<'_>, summary: Summary, out: &mut dyn Write) -> Result<(), CliError> {
    list_axis(view, 0, view.offset() as i128, summary, out)
}

fn list_axis(
    view: &MemoryView<'_>,
    axis: usize,
    base: i128,
    summary: Summary,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let ndim = view.ndim();
    if axis == ndim {
        write!(out, "{}", element(view, base)?)?;
        return Ok(());
    }
    let separator = if summary.active() && ndim - axis > 1 {
        format!(",{}{}", "\n".repeat(ndim - axis - 1), " ".repeat(axis + 1))
    } else {
        ", ".to_string()
    };
    out.write_all(b"[")?;
    for (k, index) in summary.indices(view.shape()[axis]).into_iter().enumerate() {
        if k > 0 {
            out.write_all(separator.as_bytes())?;
        }
        match index {
            None => out.write_all(b"...")?,
            Some(i) => list_axis(view, axis + 1, step(view, base, axis, i), summary, out)?,
        }
    }
    out.write_all(b"]")?;
    Ok(())
}

/// Multi-indices in C order (abbreviated per axis); `None` marks a skipped stretch.
fn walk_indices(shape: &[usize], summary: Summary) -> Vec<Option<Vec<usize>>> {
    let mut rows = Vec::new();
    let mut current = Vec::with_capacity(shape.len());
    fn go(
        shape: &[usize],
        summary: Summary,
        current: &mut Vec<usize>,
        rows: &mut Vec<Option<Vec<usize>>>,
    ) {
        let axis = current.len();
        if axis == shape.len() {
            rows.push(Some(current.clone()));
            return;
        }
        for index in summary.indices(shape[axis]) {
            match index {
                None => {
                    if !matches!(rows.last(), Some(None)) {
                        rows.push(None);
                    }
                }
                Some(i) => {
                    current.push(i);
                    go(shape, summary, current, rows);
                    current.pop();
                }
            }
        }
    }
    go(shape, summary, &mut current, &mut rows);
    rows
}

fn short_hex(bytes: &[u8]) -> String {
    const MAX: usize = 16;
    let mut s: String = bytes.iter().take(MAX).map(|b| format!("{b:02x}")).collect();
    if bytes.len() > MAX {
        s.push('…');
    }
    s
}

/// One row per element: its index, byte offset in the file, bytes in hex, and its value (one
/// column per field for struct formats).
pub fn table(view: &MemoryView<'_>, summary: Summary, out: &mut dyn Write) -> Result<(), CliError> {
    let rows_idx = walk_indices(view.shape(), summary);
    let mut field_names: Option<Vec<String>> = None;
    let mut rows = Vec::with_capacity(rows_idx.len());
    for idx in &rows_idx {
        let Some(idx) = idx else {
            rows.push(vec!["...".to_string()]);
            continue;
        };
        let off = idx
            .iter()
            .enumerate()
            .fold(view.offset() as i128, |acc, (axis, &i)| {
                step(view, acc, axis, i)
            });
        let bytes = element_bytes(view, off)?;
        let value = element(view, off)?;
        let mut row = vec![py_index(idx), off.to_string(), short_hex(bytes)];
        match value {
            Value::Record(fields) => {
                if field_names.is_none() {
                    field_names = Some(
                        fields
                            .iter()
                            .enumerate()
                            .map(|(i, (n, _))| n.clone().unwrap_or_else(|| format!("#{i}")))
                            .collect(),
                    );
                }
                row.extend(fields.iter().map(|(_, v)| v.to_string()));
            }
            Value::Tuple(items) => {
                if field_names.is_none() {
                    field_names = Some(tuple_labels(view, items.len()));
                }
                row.extend(items.iter().map(ToString::to_string));
            }
            other => row.push(other.to_string()),
        }
        rows.push(row);
    }
    let names = field_names.unwrap_or_else(|| vec!["value".to_string()]);
    let mut headers = vec![
        ("index", Align::Left),
        ("offset", Align::Right),
        ("bytes", Align::Left),
    ];
    headers.extend(names.iter().map(|n| (n.as_str(), Align::Right)));
    out.write_all(render(&headers, &rows).as_bytes())?;
    Ok(())
}

/// Column labels for the values of a top-level list of items (`<i:a:<d:b:?`): each item's
/// name (`a`, `b`; `name[k]` for the copies of a counted item), `#k` for unnamed ones.
fn tuple_labels(view: &MemoryView<'_>, count: usize) -> Vec<String> {
    let fields = view.format().fields();
    if view.format().layout().value_count() != count {
        return (0..count).map(|i| format!("#{i}")).collect();
    }
    let mut labels = Vec::with_capacity(count);
    for f in fields {
        for copy in 0..f.repeat {
            let k = labels.len();
            labels.push(match &f.name {
                Some(n) if f.repeat == 1 => n.clone(),
                Some(n) => format!("{n}[{copy}]"),
                None => format!("#{k}"),
            });
        }
    }
    labels
}

/// `[1, 2]` for a multi-index, `()` for a 0-dim view.
fn py_index(idx: &[usize]) -> String {
    if idx.is_empty() {
        return "()".into();
    }
    format!(
        "[{}]",
        idx.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// The bytes (`tobytes(order)`) in hex: items separated by spaces, `16 / itemsize` items per
/// line (at least one), each line starting with the number of its first item.
pub fn hex(view: &MemoryView<'_>, order: Order, out: &mut dyn Write) -> Result<(), CliError> {
    let bytes = view
        .try_to_bytes(order)
        .map_err(|e| CliError::data(e.to_string()))?;
    let itemsize = view.itemsize().max(1);
    let per_line = (16 / itemsize).max(1);
    let items = bytes.len() / itemsize;
    let width = items.saturating_sub(1).to_string().len();
    for (line, chunk) in bytes.chunks(per_line * itemsize).enumerate() {
        let groups: Vec<String> = chunk
            .chunks(itemsize)
            .map(|item| item.iter().map(|b| format!("{b:02x}")).collect())
            .collect();
        writeln!(out, "{:>width$}: {}", line * per_line, groups.join(" "))?;
    }
    Ok(())
}

/// `{"format": .., "itemsize": .., "shape": [..], "strides": [..], "data": ..}` with the whole
/// of `tolist()` as data (never abbreviated). Bytes become strings with one character per byte
/// (U+0000..U+00FF), complex numbers `[re, im]`, records objects (unnamed fields `f0`, `f1`, as
/// NumPy names them), NaN and infinities `null`.
pub fn json(view: &MemoryView<'_>, out: &mut dyn Write) -> Result<(), CliError> {
    let mut head = String::new();
    head.push_str("{\"format\": ");
    json_str(view.format().as_str(), &mut head);
    let dims = |d: &[String]| format!("[{}]", d.join(", "));
    head.push_str(&format!(
        ", \"itemsize\": {}, \"shape\": {}, \"strides\": {}, \"data\": ",
        view.itemsize(),
        dims(
            &view
                .shape()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        ),
        dims(
            &view
                .strides()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        )
    ));
    out.write_all(head.as_bytes())?;
    json_axis(view, 0, view.offset() as i128, out)?;
    out.write_all(b"}")?;
    Ok(())
}

fn json_axis(
    view: &MemoryView<'_>,
    axis: usize,
    base: i128,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    if axis == view.ndim() {
        let mut s = String::new();
        json_value(&element(view, base)?, &mut s);
        out.write_all(s.as_bytes())?;
        return Ok(());
    }
    out.write_all(b"[")?;
    for i in 0..view.shape()[axis] {
        if i > 0 {
            out.write_all(b", ")?;
        }
        json_axis(view, axis + 1, step(view, base, axis, i), out)?;
    }
    out.write_all(b"]")?;
    Ok(())
}

fn json_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn json_float(f: f64, out: &mut String) {
    if f.is_finite() {
        out.push_str(&Value::Float(f).to_string());
    } else {
        out.push_str("null");
    }
}

fn json_value(v: &Value, out: &mut String) {
    match v {
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) => json_float(*f, out),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Bytes(b) => json_str(&b.iter().map(|&c| char::from(c)).collect::<String>(), out),
        Value::Str(s) => json_str(s, out),
        Value::Complex(c) => {
            out.push('[');
            json_float(c.re, out);
            out.push_str(", ");
            json_float(c.im, out);
            out.push(']');
        }
        Value::Tuple(items) | Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                json_value(item, out);
            }
            out.push(']');
        }
        Value::Record(fields) => {
            out.push('{');
            for (i, (name, item)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                match name {
                    Some(n) => json_str(n, out),
                    None => json_str(&format!("f{i}"), out),
                }
                out.push_str(": ");
                json_value(item, out);
            }
            out.push('}');
        }
    }
}
