//! Checked conversions from C pointers and lengths to Rust references.
//!
//! Every `unsafe` block of the crate goes through these helpers, which turn
//! the conditions a caller can get wrong into statuses: NULL pointers,
//! lengths beyond `isize::MAX`, and buffers that overlap. What they cannot
//! check (that a non-NULL pointer is valid for its length) is each export's
//! `# Safety` contract.

use core::ptr;

use crate::status::panicqr_status::{self, *};

/// Returns the `len` bytes at `data`: an empty slice for NULL with length 0,
/// `PANICQR_ERR_NULL_POINTER` for NULL with a length.
///
/// # Safety
///
/// A non-NULL `data` points to `len` readable bytes that nothing writes for
/// the lifetime `'a`.
pub(crate) unsafe fn bytes<'a>(data: *const u8, len: usize) -> Result<&'a [u8], panicqr_status> {
    if data.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(PANICQR_ERR_NULL_POINTER)
        };
    }
    if len > isize::MAX as usize {
        return Err(PANICQR_ERR_INVALID_ARGUMENT);
    }
    // SAFETY: not NULL, `len` fits `isize`, and the caller guarantees the
    // bytes readable and unchanged for `'a`.
    Ok(unsafe { core::slice::from_raw_parts(data, len) })
}

/// Returns the `len` writable bytes at `data`, which must not be NULL.
///
/// # Safety
///
/// A non-NULL `data` points to `len` writable bytes that nothing else
/// accesses for the lifetime `'a`.
pub(crate) unsafe fn bytes_mut<'a>(
    data: *mut u8,
    len: usize,
) -> Result<&'a mut [u8], panicqr_status> {
    if data.is_null() {
        return Err(PANICQR_ERR_NULL_POINTER);
    }
    if len > isize::MAX as usize {
        return Err(PANICQR_ERR_INVALID_ARGUMENT);
    }
    // SAFETY: not NULL, `len` fits `isize`, and the caller guarantees the
    // bytes writable and not aliased for `'a`.
    Ok(unsafe { core::slice::from_raw_parts_mut(data, len) })
}

/// A byte range for the overlap check; its pointer is only compared.
pub(crate) struct MaybeBytes {
    start: usize,
    len: usize,
    writable: bool,
}

impl MaybeBytes {
    /// An input, which other inputs may overlap.
    pub(crate) fn of(bytes: &[u8]) -> MaybeBytes {
        MaybeBytes {
            start: bytes.as_ptr() as usize,
            len: bytes.len(),
            writable: false,
        }
    }

    /// An input read from a NUL-terminated string: the bytes [`c_string`]
    /// returned and the NUL after them.
    pub(crate) fn c_string(text: &[u8]) -> MaybeBytes {
        MaybeBytes {
            start: text.as_ptr() as usize,
            len: text.len().saturating_add(1),
            writable: false,
        }
    }

    /// An output, which nothing may overlap. NULL is left to other checks.
    pub(crate) fn raw(data: *const u8, len: usize) -> MaybeBytes {
        MaybeBytes {
            start: if data.is_null() { 0 } else { data as usize },
            len: if data.is_null() { 0 } else { len },
            writable: true,
        }
    }
}

/// Returns `PANICQR_ERR_INVALID_ARGUMENT` when an output overlaps another
/// range, or a range wraps around the address space. Inputs may overlap
/// each other.
pub(crate) fn disjoint(ranges: &[MaybeBytes]) -> Result<(), panicqr_status> {
    for (i, a) in ranges.iter().enumerate() {
        if a.len == 0 {
            continue;
        }
        let a_end = a
            .start
            .checked_add(a.len)
            .ok_or(PANICQR_ERR_INVALID_ARGUMENT)?;
        for b in ranges.iter().skip(i + 1) {
            if b.len == 0 || !(a.writable || b.writable) {
                continue;
            }
            let b_end = b
                .start
                .checked_add(b.len)
                .ok_or(PANICQR_ERR_INVALID_ARGUMENT)?;
            if a.start < b_end && b.start < a_end {
                return Err(PANICQR_ERR_INVALID_ARGUMENT);
            }
        }
    }
    Ok(())
}

/// Reads a struct, or returns `None` for NULL. Alignment is not required.
///
/// # Safety
///
/// A non-NULL `value` points to a readable, initialised `T`.
pub(crate) unsafe fn read_struct<T: Copy>(value: *const T) -> Option<T> {
    if value.is_null() {
        None
    } else {
        // SAFETY: not NULL, and the caller guarantees a readable `T`;
        // `read_unaligned` needs no alignment.
        Some(unsafe { ptr::read_unaligned(value) })
    }
}

/// Writes a struct. Alignment is not required.
///
/// # Safety
///
/// `target` is not NULL and points to writable memory for a `T`.
pub(crate) unsafe fn write_struct<T>(target: *mut T, value: T) {
    // SAFETY: the caller guarantees `target` writable; `write_unaligned`
    // needs no alignment.
    unsafe { ptr::write_unaligned(target, value) }
}

/// Returns the bytes of a NUL-terminated string before its NUL, or `None`
/// for NULL. Reads at most `max` bytes; a string with no NUL among them is
/// an error.
///
/// # Safety
///
/// A non-NULL `text` points to a NUL-terminated string, or to at least `max`
/// readable bytes.
pub(crate) unsafe fn c_string<'a>(
    text: *const core::ffi::c_char,
    max: usize,
) -> Result<Option<&'a [u8]>, panicqr_status> {
    if text.is_null() {
        return Ok(None);
    }
    let start = text.cast::<u8>();
    let mut len = 0;
    loop {
        if len == max {
            return Err(PANICQR_ERR_DATA_TOO_LONG);
        }
        // SAFETY: bytes before the NUL, and the NUL itself, are readable by
        // the caller's guarantee; `len` never passes the NUL or `max`.
        if unsafe { *start.add(len) } == 0 {
            break;
        }
        len += 1;
    }
    // SAFETY: the `len` bytes before the NUL are readable and unchanged.
    Ok(Some(unsafe { core::slice::from_raw_parts(start, len) }))
}
