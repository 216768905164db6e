//! Errors, as values.
//!
//! No function in this crate panics on bad input. Each failure is one of the
//! variants below, and each carries the numbers a caller needs to recover.

use core::fmt;

/// Why an encode call failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Error {
    /// The data does not fit the largest allowed version at the requested
    /// error correction level.
    DataTooLong {
        /// Bits the data needs at the largest allowed version, or
        /// `usize::MAX` when a segment is too long for its character count
        /// field.
        needed_bits: usize,
        /// Data bits the largest allowed version holds.
        available_bits: usize,
    },
    /// A caller buffer is shorter than the call needs.
    BufferTooSmall {
        /// Bytes the buffer needs.
        needed: usize,
    },
    /// An argument is out of its documented range, for example a version
    /// range whose minimum exceeds its maximum, or a numeric segment that
    /// holds a character other than a digit.
    InvalidArgument,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Error::DataTooLong {
                needed_bits,
                available_bits,
            } => write!(
                f,
                "data too long: needs {needed_bits} bits, {available_bits} available"
            ),
            Error::BufferTooSmall { needed } => {
                write!(f, "buffer too small: needs {needed} bytes")
            }
            Error::InvalidArgument => f.write_str("invalid argument"),
        }
    }
}
