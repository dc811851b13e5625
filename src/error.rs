//! [`Error`]: any of the crate's errors, for callers that mix operations and use `?`.

use std::fmt;

use crate::codec::PackError;
use crate::element::ElementError;
use crate::ffi::BufferError;
use crate::format::FormatError;
use crate::npy::NpyError;
use crate::value::LiteralError;
use crate::view::ViewError;

/// Any error this crate returns. Each operation returns its own precise error type; this enum
/// wraps them (with `From` impls) so code that formats, packs, views and converts in one
/// function can use `?` throughout.
///
/// It is transparent, as regex-syntax's `Error` is: `Display` shows the inner error's message
/// and `source()` is the inner error's source, so an error chain prints each message once.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// A bad format string.
    Format(FormatError),
    /// A `struct`-style pack or unpack failed.
    Pack(PackError),
    /// A view operation failed.
    View(ViewError),
    /// A typed or `ndarray` conversion failed.
    Element(ElementError),
    /// A `.npy` file could not be read.
    Npy(NpyError),
    /// A foreign `Py_buffer` could not be imported.
    Buffer(BufferError),
    /// A Python literal did not parse (`"(1, 2.5)".parse::<Value>()`).
    Literal(LiteralError),
}

impl Error {
    /// The wrapped error.
    pub fn inner(&self) -> &(dyn std::error::Error + 'static) {
        match self {
            Error::Format(e) => e,
            Error::Pack(e) => e,
            Error::View(e) => e,
            Error::Element(e) => e,
            Error::Npy(e) => e,
            Error::Buffer(e) => e,
            Error::Literal(e) => e,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.inner(), f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner().source()
    }
}

macro_rules! from_error {
    ($($variant:ident($ty:ty)),*) => {$(
        impl From<$ty> for Error {
            fn from(e: $ty) -> Error {
                Error::$variant(e)
            }
        }
    )*};
}
from_error!(
    Format(FormatError),
    Pack(PackError),
    View(ViewError),
    Element(ElementError),
    Npy(NpyError),
    Buffer(BufferError),
    Literal(LiteralError)
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_and_displays_the_inner_error() {
        let inner = crate::format::Format::parse("T{i").unwrap_err();
        let e = Error::from(inner.clone());
        assert_eq!(e.to_string(), inner.to_string());
        // Transparent: the chain continues from the inner error's source, not the inner error
        // itself (whose message `Display` already showed).
        assert!(std::error::Error::source(&e).is_none());
        let chain = |e: &dyn std::error::Error| {
            let mut n = 1;
            let mut at = e.source();
            while let Some(s) = at {
                n += 1;
                at = s.source();
            }
            n
        };
        let view = Error::from(crate::ViewError::Format(inner));
        assert_eq!(chain(&view), 1, "{view}");
        let e: Error = crate::MemoryView::new(b"ab")
            .select("5")
            .unwrap_err()
            .into();
        assert!(matches!(e, Error::View(_)));
    }
}
