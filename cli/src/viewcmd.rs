//! `memview view FILE`: bytes (or a `.npy` array) shown as a typed N-dimensional view.

use std::io::Write;
use std::sync::Arc;

use clap::{Args, ValueEnum};
use memview::format::{Dialect, Format};
use memview::npy::{self, NpyError};
use memview::view::{MemoryView, Order, ViewError};

use crate::error::CliError;
use crate::explain::quote;
use crate::input;
use crate::render::{self, Summary};

/// How `view` prints the data.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputKind {
    /// Python's `repr(view.tolist())` (abbreviated beyond --limit).
    List,
    /// One row per element: index, byte offset, raw bytes, value (a column per struct field).
    Table,
    /// The bytes in hex, grouped by item, several items per line.
    Hex,
    /// The raw bytes (`view.tobytes(order)`), for piping.
    Bytes,
    /// `{"format": .., "shape": .., "strides": .., "data": [..]}`.
    Json,
}

/// Byte order for `--as hex|bytes` (`memoryview.tobytes(order)`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OrderArg {
    /// Row-major (the last index varies fastest).
    #[value(name = "C")]
    C,
    /// Column-major (the first index varies fastest).
    #[value(name = "F")]
    F,
    /// The physical order when the view is contiguous, else C.
    #[value(name = "A")]
    A,
}

/// Arguments of `memview view`.
#[derive(Args, Debug)]
pub struct ViewArgs {
    /// The file to read ('-' for stdin). A NumPy .npy file is recognised by its header.
    pub file: String,
    /// Format of one item (struct / PEP 3118 syntax). Default: the .npy dtype, else 'B'.
    #[arg(long, short = 'f', allow_hyphen_values = true)]
    pub format: Option<String>,
    /// Lay the format out with NumPy's rules (top-level padding in native '@' mode).
    #[arg(long)]
    pub numpy: bool,
    /// Shape, e.g. 3,4 or '(3, 4)'; '()' for a single item. Default: the .npy shape, else as
    /// many items as fit after --offset.
    #[arg(long, allow_hyphen_values = true)]
    pub shape: Option<String>,
    /// Byte strides, e.g. 32,8 or -8 (default: C-contiguous, or Fortran for a Fortran .npy).
    #[arg(long, allow_hyphen_values = true)]
    pub strides: Option<String>,
    /// Byte offset of the first item; for a .npy file, counted from the start of its data.
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Bytes per item, when items carry padding beyond the format's size.
    #[arg(long)]
    pub itemsize: Option<usize>,
    /// Cast the view to another format and optional shape, e.g. 'd' or 'd:4,4'.
    #[arg(long, value_name = "FMT[:SHAPE]", allow_hyphen_values = true)]
    pub cast: Option<String>,
    /// A NumPy basic-indexing selection, e.g. '1:, ::2' or '..., 0' or '::-1, None'.
    #[arg(long, allow_hyphen_values = true)]
    pub select: Option<String>,
    /// A named field of a struct format (after --select), e.g. 'pos'; 'a.b' for field b of
    /// field a. A sub-array field adds its axes.
    #[arg(long, value_name = "NAME")]
    pub field: Option<String>,
    /// Write the view (after --cast, --select and --field) to a .npy file instead of printing
    /// it, as np.save writes it ('-' for stdout).
    #[arg(long, value_name = "FILE.npy")]
    pub save: Option<String>,
    /// Output style.
    #[arg(long = "as", value_enum, default_value_t = OutputKind::List)]
    pub output: OutputKind,
    /// Element order of --as hex and --as bytes.
    #[arg(long, value_enum, default_value_t = OrderArg::C, ignore_case = true)]
    pub order: OrderArg,
    /// Abbreviate views with more elements than this (0: never), as NumPy does.
    #[arg(long, default_value_t = 1000)]
    pub limit: usize,
    /// Do not print the header lines.
    #[arg(long)]
    pub no_header: bool,
    /// Treat a .npy file as plain bytes (do not read its header).
    #[arg(long)]
    pub raw: bool,
}

/// Parse `3,4`, `(3, 4)`, `3 4`, `()` or `` into numbers.
pub fn parse_dims<T: std::str::FromStr>(text: &str, what: &str) -> Result<Vec<T>, CliError> {
    let inner = text.trim();
    let inner = inner
        .strip_prefix('(')
        .and_then(|s| s.strip_suffix(')'))
        .or_else(|| inner.strip_prefix('[').and_then(|s| s.strip_suffix(']')))
        .unwrap_or(inner);
    inner
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .map(|p| {
            p.parse::<T>().map_err(|_| {
                CliError::usage(format!(
                    "bad {what} {text:?}: {p:?} is not a valid number (write e.g. 3,4)"
                ))
            })
        })
        .collect()
}

/// A tuple as Python prints it: `(3,)`, `(3, 4)`, `()`.
pub fn py_tuple<T: std::fmt::Display>(items: &[T]) -> String {
    match items {
        [one] => format!("({one},)"),
        _ => format!(
            "({})",
            items
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn view_error(context: &str, e: ViewError) -> CliError {
    match e {
        ViewError::Format(f) => CliError::Format(f),
        e @ (ViewError::OutOfBounds { .. } | ViewError::OffsetOutOfBounds { .. }) => {
            CliError::data(format!("{context}: {e}"))
        }
        e => CliError::usage(format!("{context}: {e}")),
    }
}

/// Split `FMT[:SHAPE]`: the shape is what follows the last ':' when that is only digits,
/// commas and spaces (formats may contain ':' in field names).
fn split_cast(text: &str) -> Result<(String, Option<Vec<usize>>), CliError> {
    if let Some(i) = text.rfind(':') {
        let tail = &text[i + 1..];
        if !tail.trim().is_empty()
            && tail.chars().all(|c| {
                c.is_ascii_digit() || c == ',' || c.is_whitespace() || c == '(' || c == ')'
            })
        {
            return Ok((text[..i].to_string(), Some(parse_dims(tail, "cast shape")?)));
        }
    }
    Ok((text.to_string(), None))
}

fn fortran_strides(shape: &[usize], itemsize: usize) -> Option<Vec<isize>> {
    let mut strides = Vec::with_capacity(shape.len());
    let mut step = isize::try_from(itemsize).ok()?;
    for &n in shape {
        strides.push(step);
        step = step.checked_mul(isize::try_from(n.max(1)).ok()?)?;
    }
    Some(strides)
}

/// Run `memview view`.
pub fn run(args: &ViewArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let input = input::open(&args.file)?;
    let bytes = input.bytes();
    let dialect = if args.numpy {
        Dialect::NumPy
    } else {
        Dialect::Struct
    };
    let header = if !args.raw && npy::is_npy(bytes) {
        Some(npy::Header::parse(bytes).map_err(|e| npy_error(&args.file, e))?)
    } else {
        None
    };
    if bytes.is_empty() && args.shape.is_none() {
        return Err(CliError::data(format!(
            "{} is empty: there are no bytes to view",
            args.file
        )));
    }

    // The format: --format, else the .npy dtype (NumPy's layout), else 'B'.
    let format = match (&args.format, &header) {
        (Some(f), _) => Format::parse_with(f, dialect)?,
        (None, Some(h)) => h.to_format().map_err(|e| npy_error(&args.file, e))?,
        (None, None) => Format::parse_with("B", dialect)?,
    };
    let itemsize = args.itemsize.unwrap_or(format.itemsize());
    if itemsize == 0 {
        return Err(CliError::usage(format!(
            "format {} has itemsize 0; give --itemsize",
            quote(format.as_str())
        )));
    }
    let base = header.as_ref().map_or(0, |h| h.data_offset());
    let offset = base.saturating_add(args.offset);
    if offset > bytes.len() {
        return Err(CliError::data(format!(
            "offset {offset} is past the end of {} ({} bytes)",
            args.file,
            bytes.len()
        )));
    }
    let available = bytes.len() - offset;

    // The shape and strides.
    let explicit_strides = match &args.strides {
        Some(s) => Some(parse_dims::<isize>(s, "strides")?),
        None => None,
    };
    // The header's shape and order apply unless --format changes the item size.
    let npy_applies = header
        .as_ref()
        .filter(|h| args.format.is_none() || h.to_format().map(|f| f.itemsize()) == Ok(itemsize));
    let (shape, strides) = match (&args.shape, npy_applies) {
        (Some(s), _) => (parse_dims::<usize>(s, "shape")?, explicit_strides),
        (None, Some(h)) => {
            // The data must be all there (trailing bytes are ignored, as np.load does); with
            // --itemsize the header's shape is counted in items of that size.
            let needed = h
                .shape()
                .iter()
                .try_fold(itemsize, |acc, &n| acc.checked_mul(n));
            let available = bytes.len().saturating_sub(h.data_offset());
            if !matches!(needed, Some(n) if n <= available) {
                let e = NpyError::DataTruncated {
                    shape: h.shape().to_vec(),
                    descr: h.descr().to_owned(),
                    needed,
                    available,
                };
                return Err(npy_error(&args.file, e));
            }
            let strides = match explicit_strides {
                Some(s) => Some(s),
                None if h.fortran_order() => fortran_strides(h.shape(), itemsize),
                None => None,
            };
            (h.shape().to_vec(), strides)
        }
        (None, None) => {
            if explicit_strides.is_some() {
                return Err(CliError::usage("--strides needs --shape"));
            }
            let n = available / itemsize;
            let rest = available % itemsize;
            if n == 0 {
                return Err(CliError::data(format!(
                    "{} has {available} bytes after offset {offset}, less than one item of {} ({itemsize} bytes)",
                    args.file,
                    quote(format.as_str())
                )));
            }
            if rest != 0 && !args.no_header {
                eprintln_quiet(&format!(
                    "memview: note: the last {rest} byte{} of {} do not fill an item of {itemsize} bytes and are not shown",
                    if rest == 1 { "" } else { "s" },
                    args.file
                ));
            }
            (vec![n], None)
        }
    };

    let mut view = MemoryView::from_format(
        bytes,
        Arc::new(format),
        Some(itemsize),
        &shape,
        strides.as_deref(),
        offset,
    )
    .map_err(|e| view_error(&format!("cannot view {} that way", args.file), e))?;

    if let Some(cast) = &args.cast {
        let (fmt, cast_shape) = split_cast(cast)?;
        let f = Format::parse_with(&fmt, dialect)?;
        view = view
            .cast_format(f, cast_shape.as_deref())
            .map_err(|e| view_error(&format!("cannot cast to {}", quote(cast)), e))?;
    }
    if let Some(sel) = &args.select {
        view = view
            .select(sel)
            .map_err(|e| view_error(&format!("cannot select {}", quote(sel)), e))?;
    }
    if let Some(name) = &args.field {
        view = field(&view, name)?;
    }
    if let Some(path) = &args.save {
        return save(&view, path, args.no_header, out);
    }

    if !args.no_header
        && matches!(
            args.output,
            OutputKind::List | OutputKind::Table | OutputKind::Hex
        )
    {
        if let Some(h) = &header {
            writeln!(
                out,
                "{}: .npy v{}.{}, dtype {}, shape {}, {} order",
                args.file,
                h.version().0,
                h.version().1,
                h.descr(),
                py_tuple(h.shape()),
                if h.fortran_order() { "Fortran" } else { "C" }
            )?;
            if let Some(note) = h.note() {
                writeln!(out, "note: {note}")?;
            }
        }
        writeln!(
            out,
            "format {}, itemsize {}, shape {}, strides {}, offset {}",
            quote(view.format().as_str()),
            view.itemsize(),
            py_tuple(view.shape()),
            py_tuple(view.strides()),
            view.offset()
        )?;
    }

    let summary = Summary::new(args.limit, view.num_elements());
    let order = match args.order {
        OrderArg::C => Order::C,
        OrderArg::F => Order::F,
        OrderArg::A => Order::A,
    };
    match args.output {
        OutputKind::List => {
            render::list(&view, summary, out)?;
            writeln!(out)?;
        }
        OutputKind::Table => render::table(&view, summary, out)?,
        OutputKind::Hex => render::hex(&view, order, out)?,
        OutputKind::Bytes => match (order, view.as_contiguous_bytes()) {
            (Order::C | Order::A, Some(b)) => out.write_all(b)?,
            _ => out.write_all(
                &view
                    .try_to_bytes(order)
                    .map_err(|e| CliError::data(e.to_string()))?,
            )?,
        },
        OutputKind::Json => {
            render::json(&view, out)?;
            writeln!(out)?;
        }
    }
    Ok(())
}

/// The field `name` of `view`: a field of that exact name, else a dotted path (`a.b`).
fn field<'a>(view: &MemoryView<'a>, name: &str) -> Result<MemoryView<'a>, CliError> {
    let whole = view.field(name);
    let err = match whole {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    if !name.contains('.') {
        return Err(CliError::usage(format!("--field: {err}")));
    }
    let mut v = view.clone();
    for part in name.split('.') {
        v = v
            .field(part)
            .map_err(|e| CliError::usage(format!("--field {}: {e}", quote(name))))?;
    }
    Ok(v)
}

/// `--save`: write the view as a `.npy` file (to stdout for `-`), and say what was written.
fn save(
    view: &MemoryView<'_>,
    path: &str,
    quiet: bool,
    out: &mut dyn Write,
) -> Result<(), CliError> {
    let not_written = |e: NpyError| match e {
        NpyError::Io { .. } => CliError::data(format!("cannot write {path}: {e}")),
        e => CliError::usage(format!("cannot save the view: {e}")),
    };
    if path == "-" {
        let mut bytes = Vec::new();
        npy::write(view, &mut bytes).map_err(not_written)?;
        out.write_all(&bytes)?;
        return Ok(());
    }
    npy::save(view, path).map_err(not_written)?;
    if !quiet {
        let h = npy::Header::for_view(view).map_err(not_written)?;
        writeln!(
            out,
            "saved {path}: .npy v{}.{}, dtype {}, shape {}, {} order, {} bytes of data",
            h.version().0,
            h.version().1,
            h.descr(),
            py_tuple(h.shape()),
            if h.fortran_order() { "Fortran" } else { "C" },
            view.nbytes()
        )?;
    }
    Ok(())
}

/// A `.npy` file that cannot be read is a data error, reported with the file's name.
fn npy_error(file: &str, e: NpyError) -> CliError {
    CliError::data(format!("{file}: {e}"))
}

/// Write a line to stderr, ignoring failures (stderr may be closed).
fn eprintln_quiet(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}
