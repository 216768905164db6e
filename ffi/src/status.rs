//! The status every `panicqr_*` call returns, and the text of each.

use core::ffi::c_char;

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

/// Returns a static, NUL-terminated description of a status, or of an
/// unknown number.
#[no_mangle]
pub extern "C" fn panicqr_status_str(status: u32) -> *const c_char {
    let text: &'static [u8] = match status {
        0 => b"success\0",
        1 => b"a required pointer is NULL\0",
        2 => b"a buffer is too small\0",
        3 => b"the data does not fit the largest allowed version\0",
        4 => b"an argument is out of range\0",
        5 => b"the screen is too small for a QR code\0",
        _ => b"unknown status\0",
    };
    text.as_ptr().cast()
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
