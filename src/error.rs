//! [`Error`]: any of the crate's errors, for callers that mix operations and use `?`.

use std::fmt;

use crate::codec::PackError;
use crate::element::ElementError;
use crate::format::FormatError;
use crate::npy::NpyError;
use crate::view::ViewError;

/// Any error this crate returns. Each operation returns its own precise error type; this enum
/// wraps them (with `From` impls) so code that formats, packs, views and converts in one
/// function can use `?` throughout.
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
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Format(e) => e.fmt(f),
            Error::Pack(e) => e.fmt(f),
            Error::View(e) => e.fmt(f),
            Error::Element(e) => e.fmt(f),
            Error::Npy(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Format(e) => Some(e),
            Error::Pack(e) => Some(e),
            Error::View(e) => Some(e),
            Error::Element(e) => Some(e),
            Error::Npy(e) => Some(e),
        }
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
    Npy(NpyError)
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_and_displays_the_inner_error() {
        let inner = crate::format::Format::parse("T{i").unwrap_err();
        let e = Error::from(inner.clone());
        assert_eq!(e.to_string(), inner.to_string());
        assert!(std::error::Error::source(&e).is_some());
        let e: Error = crate::MemoryView::new(b"ab")
            .select("5")
            .unwrap_err()
            .into();
        assert!(matches!(e, Error::View(_)));
    }
}
