//! The CLI's errors and their exit codes.
//!
//! | exit code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | the data is at fault: unreadable or empty file, truncated `.npy`, a shape or offset that does not fit the bytes, a value out of range for its type |
//! | 2 | the command line is at fault: unknown option, bad format string (with carets), bad shape, selection, hex or Python literal |

use std::fmt;

use memview::format::FormatError;

/// An error the CLI reports on stderr before exiting with [`CliError::exit_code`].
#[derive(Debug)]
pub enum CliError {
    /// A format string did not parse; shown with carets under the problem.
    Format(FormatError),
    /// Something on the command line is wrong (exit code 2).
    Usage(String),
    /// The input data does not fit what was asked (exit code 1).
    Data(String),
    /// Writing the output failed (a closed pipe ends the program quietly).
    Io(std::io::Error),
}

impl CliError {
    /// 2 for usage and format errors, 1 for data errors.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Format(_) | CliError::Usage(_) => 2,
            CliError::Data(_) | CliError::Io(_) => 1,
        }
    }

    /// A usage error.
    pub fn usage(msg: impl Into<String>) -> CliError {
        CliError::Usage(msg.into())
    }

    /// A data error.
    pub fn data(msg: impl Into<String>) -> CliError {
        CliError::Data(msg.into())
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Format(e) => write!(f, "bad format string: {e}"),
            CliError::Usage(m) | CliError::Data(m) => f.write_str(m),
            CliError::Io(e) => write!(f, "cannot write the output: {e}"),
        }
    }
}

impl From<FormatError> for CliError {
    fn from(e: FormatError) -> CliError {
        CliError::Format(e)
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> CliError {
        CliError::Io(e)
    }
}
