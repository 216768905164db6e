//! The status every `panicqr_*` call returns, and the text of each.
//!
//! The enum is written out in full, as cbindgen reads it to write the
//! header. Each status's text is given once, by name, in the table under
//! it: the table's `match` is exhaustive, so a status added to the enum
//! without a text does not compile, and the numbers come from the enum
//! alone.

use core::ffi::{c_char, CStr};

use panicqr::screen::layout::LayoutError;
use panicqr::Error;

use panicqr_status::*;

/// The result of a `panicqr_*` call. The numbers never change.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum panicqr_status {
    /// Success.
    PANICQR_OK = 0,
    /// A required pointer is NULL.
    PANICQR_ERR_NULL_POINTER = 1,
    /// A buffer is shorter than the call needs.
    PANICQR_ERR_BUFFER_TOO_SMALL = 2,
    /// The data does not fit the largest allowed version.
    PANICQR_ERR_DATA_TOO_LONG = 3,
    /// An argument is out of range, buffers overlap, or a length exceeds
    /// `PTRDIFF_MAX`.
    PANICQR_ERR_INVALID_ARGUMENT = 4,
    /// Even the smallest code does not fit the screen at the minimum scale.
    PANICQR_ERR_SCREEN_TOO_SMALL = 5,
}

/// Gives each status its text: generates [`panicqr_status::text`], an
/// exhaustive `match`, and [`panicqr_status::from_number`], which tries the
/// same statuses in turn.
macro_rules! status_texts {
    ($($status:ident => $text:literal,)*) => {
        impl panicqr_status {
            /// Returns the status whose number is `number`, if any.
            pub(crate) fn from_number(number: u32) -> Option<panicqr_status> {
                $(
                    if number == panicqr_status::$status as u32 {
                        return Some(panicqr_status::$status);
                    }
                )*
                None
            }

            /// Returns the description [`panicqr_status_str`] gives.
            pub(crate) const fn text(self) -> &'static CStr {
                match self {
                    $(panicqr_status::$status => $text,)*
                }
            }
        }
    };
}

status_texts! {
    PANICQR_OK => c"success",
    PANICQR_ERR_NULL_POINTER => c"a required pointer is NULL",
    PANICQR_ERR_BUFFER_TOO_SMALL => c"a buffer is too small",
    PANICQR_ERR_DATA_TOO_LONG => c"the data does not fit the largest allowed version",
    PANICQR_ERR_INVALID_ARGUMENT => c"an argument is out of range",
    PANICQR_ERR_SCREEN_TOO_SMALL => c"the screen is too small for a QR code",
}

/// Returns a static, NUL-terminated description of a status, or of an
/// unknown number.
#[no_mangle]
pub extern "C" fn panicqr_status_str(status: u32) -> *const c_char {
    panicqr_status::from_number(status)
        .map_or(c"unknown status", panicqr_status::text)
        .as_ptr()
}

impl From<Error> for panicqr_status {
    fn from(error: Error) -> panicqr_status {
        match error {
            Error::DataTooLong { .. } => PANICQR_ERR_DATA_TOO_LONG,
            Error::BufferTooSmall { .. } => PANICQR_ERR_BUFFER_TOO_SMALL,
            Error::InvalidArgument => PANICQR_ERR_INVALID_ARGUMENT,
        }
    }
}

impl From<LayoutError> for panicqr_status {
    fn from(error: LayoutError) -> panicqr_status {
        match error {
            LayoutError::DoesNotFit { .. } => PANICQR_ERR_SCREEN_TOO_SMALL,
            LayoutError::InvalidArgument => PANICQR_ERR_INVALID_ARGUMENT,
        }
    }
}

/// Returns `PANICQR_OK` for success, else the error's status.
pub(crate) fn status_of(result: Result<(), panicqr_status>) -> panicqr_status {
    match result {
        Ok(()) => PANICQR_OK,
        Err(status) => status,
    }
}
