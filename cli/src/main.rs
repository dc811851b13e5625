//! `memview`: see what a binary file or a format string contains, the way Python would print it.
//!
//! ```text
//! memview                      a one-screen tour of the crate on a built-in buffer
//! memview view FILE            bytes (or a .npy file) as a typed N-dimensional view
//! memview explain FORMAT       the layout of a PEP 3118 / struct format, field by field
//! memview calcsize FORMAT      struct.calcsize
//! memview pack FORMAT VALUE... struct.pack, values as Python literals
//! memview unpack FORMAT HEX    struct.unpack / iter_unpack
//! ```
//!
//! Exit codes: 0 success, 1 the data is at fault (unreadable, empty or truncated file, a shape
//! that does not fit, a value out of range), 2 the command line is at fault (unknown option,
//! bad format string, shape, selection, hex or literal). Errors go to stderr.
//!
//! This is the workspace's `memview-cli` package; the library (`memview`) it shows has no
//! command-line dependencies of its own.

mod error;
mod explain;
mod input;
mod render;
mod structcmd;
mod table;
mod tour;
mod viewcmd;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::error::CliError;

const TOP_AFTER_HELP: &str = "\
Without a subcommand, memview prints a one-screen tour of the crate.

Examples:
  memview
  memview explain 'T{<i:x:<d:y:}'
  memview calcsize '<hd?'
  memview pack '<hd?' -2 1.5 True
  memview unpack '<hd?' feff000000000000f83f01
  memview view data.npy --select '1:, ::2'
  memview view data.npy --select '::-1' --save flipped.npy

Exit codes: 0 success; 1 the data is at fault (unreadable, empty or truncated file, a shape or
offset that does not fit the bytes, a value out of range); 2 the command line is at fault
(unknown option, bad format string, shape, selection, hex or Python literal).";

const VIEW_AFTER_HELP: &str = "\
Steps, in this order: open FILE (a .npy file supplies format, shape and order from its header;
--format, --shape, --strides, --offset and --itemsize override them), make the view, apply
--cast, then --select, then --field, then print, or with --save write the view as a .npy file
(the bytes np.save writes for the same array: C order, or Fortran order when the view is
Fortran-contiguous; big-endian and struct dtypes kept).

Examples:
  memview view data.npy
  memview view data.npy --select '1:, ::2'
  memview view data.npy --as table --limit 20
  memview view dump.bin --format '<d' --shape 3,4
  memview view dump.bin --format B --cast d:4,4 --select '::-1, 0'
  memview view dump.bin --format 'T{<H:id:<f:temp:}' --as table
  memview view dump.bin --format '<d:x:<d:y:' --as table --limit 4
  memview view records.npy --select ':1' --field pt.y
  memview view data.npy --select '::-1, 1:' --save flipped.npy
  memview view dump.bin --format '<d' --shape 4,4 --save - | memview view - --select 0
  printf 'QUANTRIMANG' | memview view - --format c

Files are memory-mapped, not read, so a large file opens at once (do not modify a file while
memview has it open). Output stays exactly Python's repr(view.tolist()) unless the view holds
more than --limit elements; then each axis shows its first and last 3 entries, as NumPy
summarises. --as hex and --as bytes honour --order (C or F) like memoryview.tobytes(order).";

const EXPLAIN_AFTER_HELP: &str = "\
Examples:
  memview explain 'T{<i:x:<d:y:}'
  memview explain '@hT{i:x:d:y:}:pt:3s:tag:'
  memview explain ib --numpy

Each row is a field or a run of padding bytes. When Python's struct and NumPy lay the format out
differently (only top-level trailing padding in native '@' mode), both tables are shown.
A bad format prints the error with carets under the problem and exits with code 2.";

const CALCSIZE_AFTER_HELP: &str = "\
Examples:
  memview calcsize '<hd?'      # 11, as struct.calcsize('<hd?')
  memview calcsize ib          # 5 (struct); add --numpy for NumPy's 8";

const PACK_AFTER_HELP: &str = "\
Values are Python literals, one per top-level field: 12, -0x1f, 1.5, 1e-3, inf, True, b'ab',
'text', 1+2j, (1, 2.5) for a T{...} field, [1, 2] for a sub-array field.

Examples:
  memview pack '<hd?' -2 1.5 True          # feff000000000000f83f01
  memview pack '<i4s' 7 \"b'abcd'\"
  memview pack 'T{<i:x:<d:y:}' '(1, 2.5)'
  memview pack '<2Zd' 1+2j -1j --raw > out.bin";

const UNPACK_AFTER_HELP: &str = "\
The data is hex (spaces allowed) or a file. When it holds several records, one tuple is printed
per record, as struct.iter_unpack gives them.

Examples:
  memview unpack '<hd?' feff000000000000f83f01           # (-2, 1.5, True)
  memview unpack '<h' 'feff 0100 0200'                   # three records
  memview unpack '<hd?' --file record.bin
  memview pack '<hd?' -2 1.5 True --raw | memview unpack '<hd?' --file -";

/// See what a binary file or a format string contains, the way Python would print it.
#[derive(Parser, Debug)]
#[command(name = "memview", version, about, after_help = TOP_AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
enum Command {
    /// Print a file's bytes (or a .npy array) as a typed N-dimensional view.
    #[command(after_help = VIEW_AFTER_HELP)]
    View(viewcmd::ViewArgs),
    /// Show the layout of a format string: fields, offsets, sizes, byte order, padding.
    #[command(after_help = EXPLAIN_AFTER_HELP)]
    Explain {
        /// A struct / PEP 3118 format string, e.g. '<hd?' or 'T{<i:x:<d:y:}'.
        #[arg(allow_hyphen_values = true)]
        format: String,
        /// Lay the format out as NumPy does (pads the top level in native '@' mode).
        #[arg(long)]
        numpy: bool,
    },
    /// Print the size in bytes of a format (struct.calcsize).
    #[command(after_help = CALCSIZE_AFTER_HELP)]
    Calcsize {
        /// A struct / PEP 3118 format string.
        #[arg(allow_hyphen_values = true)]
        format: String,
        /// Use NumPy's layout rules (pads the top level in native '@' mode).
        #[arg(long)]
        numpy: bool,
    },
    /// Pack values into bytes (struct.pack); prints hex unless --raw.
    #[command(after_help = PACK_AFTER_HELP)]
    Pack {
        /// A struct / PEP 3118 format string.
        #[arg(allow_hyphen_values = true)]
        format: String,
        /// One Python literal per top-level field.
        #[arg(allow_hyphen_values = true)]
        values: Vec<String>,
        /// Write the raw bytes to stdout instead of hex.
        #[arg(long)]
        raw: bool,
    },
    /// Unpack bytes into Python values (struct.unpack, or iter_unpack for several records).
    #[command(after_help = UNPACK_AFTER_HELP)]
    Unpack {
        /// A struct / PEP 3118 format string.
        #[arg(allow_hyphen_values = true)]
        format: String,
        /// The bytes as hex ('feff 0100'); several arguments are joined.
        hex: Vec<String>,
        /// Read the bytes from a file instead ('-' for stdin).
        #[arg(long, short = 'f', value_name = "FILE")]
        file: Option<String>,
    },
}

fn run(cli: Cli, out: &mut dyn Write) -> Result<(), CliError> {
    match cli.command {
        None => tour::run(out),
        Some(Command::View(args)) => viewcmd::run(&args, out),
        Some(Command::Explain { format, numpy }) => {
            Ok(out.write_all(explain::run(&format, numpy)?.as_bytes())?)
        }
        Some(Command::Calcsize { format, numpy }) => {
            Ok(out.write_all(structcmd::calcsize(&format, numpy)?.as_bytes())?)
        }
        Some(Command::Pack {
            format,
            values,
            raw,
        }) => {
            // Values take hyphens (-2, -1j), so clap hands a trailing --raw over as a value.
            let raw = raw || values.iter().any(|v| v == "--raw");
            let values: Vec<String> = values.into_iter().filter(|v| v != "--raw").collect();
            let bytes = structcmd::pack(&format, &values)?;
            if raw {
                out.write_all(&bytes)?;
            } else {
                let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
                writeln!(out, "{hex}")?;
            }
            Ok(())
        }
        Some(Command::Unpack { format, hex, file }) => {
            // Check the format before reading the data, so a bad format is reported as such.
            memview::Struct::new(&format)?;
            let data = structcmd::unpack_input(&hex, file.as_deref())?;
            structcmd::unpack(&format, data.bytes(), out)
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version print to stdout and succeed; usage errors exit with 2.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let result = run(cli, &mut out).and_then(|()| out.flush().map_err(CliError::Io));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            // Flush what was printed before the error, then report it.
            let _ = out.flush();
            let _ = writeln!(std::io::stderr(), "memview: error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
