//! `memview` with no arguments: a one-screen tour on built-in data.
//!
//! Every result printed is computed by the crate at run time; the Python beside it is what
//! you would type in CPython (or NumPy, where CPython stops) to get the same text.

use std::io::Write;

use memview::format::FieldType;
use memview::view::{MemoryView, MemoryViewMut, Order};
use memview::Value;

use crate::error::CliError;
use crate::viewcmd::py_tuple;

/// Width of the Python column.
const LEFT: usize = 34;

fn fail(e: impl std::fmt::Display) -> CliError {
    CliError::data(format!("the tour failed (a bug in memview): {e}"))
}

fn line(out: &mut dyn Write, python: &str, result: impl std::fmt::Display) -> Result<(), CliError> {
    let python = format!(">>> {python}");
    let result = result.to_string();
    if result.is_empty() {
        writeln!(out, "  {python}")?;
    } else if python.chars().count() >= LEFT {
        writeln!(out, "  {python}\n  {:LEFT$}{result}", "")?;
    } else {
        writeln!(out, "  {python:LEFT$}{result}")?;
    }
    Ok(())
}

/// Print the tour.
pub fn run(out: &mut dyn Write) -> Result<(), CliError> {
    writeln!(
        out,
        "memview: PEP 3118 buffers in Rust: memoryview, struct and NumPy-style views over\n\
         bytes, printed as Python prints them. Left: a Python line; right: memview's result.\n"
    )?;

    // 1. memoryview basics.
    writeln!(
        out,
        "1. memoryview over bytearray(b'QUANTRIMANG')   [MemoryViewMut::new(&mut buf)]"
    )?;
    let mut buf = *b"QUANTRIMANG";
    {
        let mut mv = MemoryViewMut::new(&mut buf);
        line(out, "mv[0]", mv.get(&[0]).map_err(fail)?)?;
        line(out, "mv[-1]", mv.get(&[-1]).map_err(fail)?)?;
        let ro = mv.as_view();
        let qu = ro
            .select("0:2")
            .map_err(fail)?
            .try_to_bytes(Order::C)
            .map_err(fail)?;
        line(out, "bytes(mv[0:2])", Value::Bytes(qu))?;
        line(
            out,
            "mv[0:3].tolist()",
            ro.select("0:3").map_err(fail)?.to_list().map_err(fail)?,
        )?;
        let back = ro
            .select("::-2")
            .map_err(fail)?
            .try_to_bytes(Order::C)
            .map_err(fail)?;
        line(out, "mv[::-2].tobytes()", Value::Bytes(back))?;
        mv.set(&[0], 113).map_err(fail)?;
    }
    line(
        out,
        "mv[0] = ord('q'); buf",
        format!("bytearray({})", Value::Bytes(buf.to_vec())),
    )?;

    // 2. A 2-D cast and a multi-dimensional slice.
    writeln!(
        out,
        "\n2. A 2-D cast and a multi-dimensional slice   [cast(..), select(\":, ::2\")]"
    )?;
    let mv = MemoryView::new(&buf);
    let m2 = mv
        .select(":10")
        .and_then(|v| v.cast("B", Some(&[2, 5])))
        .map_err(fail)?;
    line(out, "m2 = mv[:10].cast('B', (2, 5))", "")?;
    line(
        out,
        "m2.shape, m2.strides",
        format!("({}, {})", py_tuple(m2.shape()), py_tuple(m2.strides())),
    )?;
    line(out, "m2.tolist()", m2.to_list().map_err(fail)?)?;
    line(out, "m2[1, 2]", m2.get(&[1, 2]).map_err(fail)?)?;
    let cols = m2.select(":, ::2").map_err(fail)?;
    writeln!(
        out,
        "  # CPython stops here (NotImplementedError); memview slices like NumPy:"
    )?;
    line(out, "a = np.asarray(m2)", "")?;
    line(out, "a[:, ::2].tolist()", cols.to_list().map_err(fail)?)?;
    line(out, "a[:, ::2].strides", py_tuple(cols.strides()))?;
    let col = m2.select("::-1, 1").map_err(fail)?;
    line(out, "a[::-1, 1].tolist()", col.to_list().map_err(fail)?)?;

    // 3. A C struct decoded field by field.
    let fmt = "T{H:id:f:temp:(2)d:pos:4s:tag:}";
    let values = vec![Value::Tuple(vec![
        Value::from(7),
        Value::from(21.5),
        Value::List(vec![Value::from(1.5), Value::from(-2.0)]),
        Value::from(&b"ABCD"[..]),
    ])];
    let bytes = memview::pack(fmt, &values).map_err(fail)?;
    let rv = MemoryView::from_parts(&bytes, fmt, &[], None, 0).map_err(fail)?;
    writeln!(
        out,
        "\n3. A C struct, field by field: '{fmt}', itemsize {}",
        rv.itemsize()
    )?;
    let decoded = rv.get(&[]).map_err(fail)?;
    let (Some(field), Value::Record(fields)) = (rv.format().fields().first(), &decoded) else {
        return Err(fail("record layout"));
    };
    let FieldType::Struct(inner) = &field.ty else {
        return Err(fail("record layout"));
    };
    let mut cursor = 0;
    let row = |out: &mut dyn Write, off: usize, size: usize, name: &str, value: String| {
        writeln!(out, "   {off:>6}  {size:>4}  {name:<6} {value}")
    };
    writeln!(out, "   offset  size  name   value")?;
    for (f, (_, v)) in inner.fields.iter().zip(fields) {
        if f.offset > cursor {
            row(out, cursor, f.offset - cursor, "-", "(padding)".into())?;
        }
        let name = f.name.as_deref().unwrap_or("?");
        row(out, f.offset, f.size(), name, v.to_string())?;
        cursor = f.offset + f.size();
    }
    if inner.size > cursor {
        row(out, cursor, inner.size - cursor, "-", "(padding)".into())?;
    }
    writeln!(out, "   the whole record: {decoded}")?;

    // 4. Zero-copy ndarray.
    writeln!(
        out,
        "\n4. An ndarray view of the same memory, no copy   [view.as_array::<f64>()]"
    )?;
    let data: Vec<f64> = (0..12).map(f64::from).collect();
    let raw: &[u8] = bytemuck::cast_slice(&data);
    let v = MemoryView::from_parts(raw, "d", &[3, 4], None, 0)
        .and_then(|v| v.select("::2, 1:"))
        .map_err(fail)?;
    let a = v.as_array::<f64>().map_err(fail)?;
    line(out, "v = np.arange(12.).reshape(3, 4)[::2, 1:]", "")?;
    line(out, "v.tolist()", v.to_list().map_err(fail)?)?;
    line(out, "v.strides", py_tuple(v.strides()))?;
    line(out, "float(v.sum())", Value::Float(a.sum()))?;
    let expected = raw.as_ptr().wrapping_add(v.offset());
    let shared = std::ptr::eq(a.as_ptr().cast::<u8>(), expected);
    writeln!(
        out,
        "  array data at {:p} = buffer + {} bytes: {}",
        a.as_ptr(),
        v.offset(),
        if shared {
            "the same memory, nothing copied"
        } else {
            "NOT shared (a bug)"
        }
    )?;

    writeln!(
        out,
        "\nTry: memview explain 'T{{<i:x:<d:y:}}'   memview view FILE.npy   memview --help"
    )?;
    Ok(())
}
