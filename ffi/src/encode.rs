//! Encoding: bytes, text or a URL with digits, into a code's image.
//!
//! The encode calls share one contract: `scratch` holds the codewords and
//! `image` the code, each sized by [`panicqr_scratch_len`] and
//! [`panicqr_image_len`] for the version the data needs, and `*code` is
//! written on success only.

use panicqr::{
    encode_binary, encode_panic_url, encode_text, Ecc, Error, Mask, Options, Polarity, QrCode,
    Version,
};

use crate::checked::{bytes, bytes_mut, disjoint, read_struct, write_struct, MaybeBytes};
use crate::status::panicqr_status::{self, *};
use crate::status::status_of;

/// How to encode. A NULL `const struct panicqr_options *` means the
/// defaults: versions 1 to 40, ECC L with boost, automatic mask.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct panicqr_options {
    /// The smallest version, 1 to 40.
    pub min_version: u8,
    /// The largest version, `min_version` to 40.
    pub max_version: u8,
    /// The least error correction: 0 = L, 1 = M, 2 = Q, 3 = H.
    pub ecc: u8,
    /// Nonzero: raise the level while the data still fits the same version.
    /// A byte rather than a `bool`, so that no value C passes is invalid.
    pub boost_ecc: u8,
    /// A mask 0 to 7, or -1 to choose by the ISO/IEC 18004 penalty rules.
    pub mask: i8,
}

/// What was encoded: written on success only.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct panicqr_code {
    /// The version chosen, 1 to 40.
    pub version: u8,
    /// The width in modules, `17 + 4 * version`.
    pub width: u8,
    /// The level used, after any boost: 0 = L, 1 = M, 2 = Q, 3 = H.
    pub ecc: u8,
    /// The mask used, 0 to 7.
    pub mask: u8,
}

impl panicqr_code {
    /// Describes an encoded code for C.
    pub(crate) fn of(code: &QrCode<'_>) -> panicqr_code {
        panicqr_code {
            version: code.version().number(),
            width: code.width(),
            ecc: code.ecc() as u8,
            mask: code.mask().number(),
        }
    }

    /// Rebuilds the view of a code from its C description and image.
    pub(crate) fn view<'a>(&self, image: &'a [u8]) -> Result<QrCode<'a>, panicqr_status> {
        let version = Version::new(self.version).ok_or(PANICQR_ERR_INVALID_ARGUMENT)?;
        let ecc = Ecc::from_ordinal(self.ecc).ok_or(PANICQR_ERR_INVALID_ARGUMENT)?;
        let mask = Mask::new(self.mask).ok_or(PANICQR_ERR_INVALID_ARGUMENT)?;
        if self.width != version.width() {
            return Err(PANICQR_ERR_INVALID_ARGUMENT);
        }
        Ok(QrCode::from_image(
            version,
            ecc,
            mask,
            Polarity::DarkIsSet,
            image,
        )?)
    }
}

/// Converts C options, or NULL for the defaults.
pub(crate) fn options_from(options: Option<panicqr_options>) -> Result<Options, panicqr_status> {
    let Some(c) = options else {
        return Ok(Options::default());
    };
    let min_version = Version::new(c.min_version).ok_or(PANICQR_ERR_INVALID_ARGUMENT)?;
    let max_version = Version::new(c.max_version).ok_or(PANICQR_ERR_INVALID_ARGUMENT)?;
    if min_version > max_version {
        return Err(PANICQR_ERR_INVALID_ARGUMENT);
    }
    let ecc = Ecc::from_ordinal(c.ecc).ok_or(PANICQR_ERR_INVALID_ARGUMENT)?;
    let mask = match c.mask {
        -1 => None,
        m => Some(
            u8::try_from(m)
                .ok()
                .and_then(Mask::new)
                .ok_or(PANICQR_ERR_INVALID_ARGUMENT)?,
        ),
    };
    Ok(Options {
        min_version,
        max_version,
        ecc,
        boost_ecc: c.boost_ecc != 0,
        mask,
        polarity: Polarity::DarkIsSet,
    })
}

/// Returns the image bytes a code of `version` needs: `width` rows of
/// `ceil(width / 8)` bytes (4071 for version 40), or 0 for a version outside
/// 1 to 40.
#[no_mangle]
pub extern "C" fn panicqr_image_len(version: u8) -> usize {
    Version::new(version).map_or(0, panicqr::image_len)
}

/// Returns the scratch bytes a code of `version` needs: one per codeword
/// (3706 for version 40), or 0 for a version outside 1 to 40.
#[no_mangle]
pub extern "C" fn panicqr_scratch_len(version: u8) -> usize {
    Version::new(version).map_or(0, panicqr::scratch_len)
}

/// Returns the exact number of binary bytes that fit, in the panic digit
/// packing, after a URL of `url_len` bytes in a code of `version` at level
/// `ecc` (0 to 3). Returns 0 for arguments out of range.
///
/// Unlike `drm_panic_qr_max_data_size`, which estimates 39/40 of the room,
/// every length up to this one encodes.
#[no_mangle]
pub extern "C" fn panicqr_panic_url_capacity(version: u8, ecc: u8, url_len: usize) -> usize {
    match (Version::new(version), Ecc::from_ordinal(ecc)) {
        (Some(version), Some(ecc)) => panicqr::panic_url_capacity(version, ecc, url_len),
        _ => 0,
    }
}

/// The shared body of the `panicqr_encode_*` calls: reads the options,
/// refuses outputs that overlap each other or the `inputs`, checks the
/// output pointers, runs `encode`, and writes `*code` only on success.
///
/// # Safety
///
/// `options` is NULL or points to a readable `struct panicqr_options`;
/// `scratch`, `image` and `code` are as the callers' `# Safety` sections
/// state.
// The C calls' own arguments, passed through unchanged.
#[allow(clippy::too_many_arguments)]
unsafe fn encode_into(
    inputs: &[&[u8]],
    options: *const panicqr_options,
    scratch: *mut u8,
    scratch_len: usize,
    image: *mut u8,
    image_len: usize,
    code: *mut panicqr_code,
    encode: impl FnOnce(&Options, &mut [u8], &mut [u8]) -> Result<panicqr_code, Error>,
) -> panicqr_status {
    status_of((|| {
        // SAFETY: the caller guarantees each pointer as documented; the
        // checked helpers reject NULL, lengths over `isize::MAX` and overlap.
        let (options, scratch, image) = unsafe {
            let options = options_from(read_struct(options))?;
            let mut ranges = [
                MaybeBytes::raw(scratch, scratch_len),
                MaybeBytes::raw(image, image_len),
                MaybeBytes::raw(core::ptr::null(), 0),
                MaybeBytes::raw(core::ptr::null(), 0),
            ];
            for (range, input) in ranges[2..].iter_mut().zip(inputs) {
                *range = MaybeBytes::of(input);
            }
            disjoint(&ranges)?;
            (
                options,
                bytes_mut(scratch, scratch_len)?,
                bytes_mut(image, image_len)?,
            )
        };
        if code.is_null() {
            return Err(PANICQR_ERR_NULL_POINTER);
        }
        let encoded = encode(&options, scratch, image)?;
        // SAFETY: `code` is not NULL and the caller guarantees it writable.
        unsafe { write_struct(code, encoded) };
        Ok(())
    })())
}

/// Encodes bytes as one byte segment.
///
/// Buffers: `scratch` needs `panicqr_scratch_len(version)` bytes and `image`
/// `panicqr_image_len(version)` bytes for the version the data needs; sizes
/// for `options->max_version` (3706 and 4071 bytes for version 40) always
/// suffice. Their contents before the call do not matter. On success,
/// `image` holds the code: `code->width` rows of `ceil(width / 8)` bytes,
/// most significant bit first, a set bit a dark module; `scratch` holds the
/// codewords; bytes past the lengths above are untouched. On failure `image`
/// and `*code` are untouched.
///
/// # Safety
///
/// - `data` points to `data_len` readable bytes, or is NULL with
///   `data_len == 0`.
/// - `options` is NULL or points to a readable `struct panicqr_options`.
/// - `scratch` points to `scratch_len` writable bytes, `image` to `image_len`
///   writable bytes; neither overlaps the other or `data`.
/// - `code` points to a writable `struct panicqr_code`.
#[no_mangle]
pub unsafe extern "C" fn panicqr_encode_binary(
    data: *const u8,
    data_len: usize,
    options: *const panicqr_options,
    scratch: *mut u8,
    scratch_len: usize,
    image: *mut u8,
    image_len: usize,
    code: *mut panicqr_code,
) -> panicqr_status {
    // SAFETY: the caller guarantees `data` readable for `data_len` bytes
    // when not NULL; `bytes` rejects NULL with a length.
    let data = match unsafe { bytes(data, data_len) } {
        Ok(data) => data,
        Err(status) => return status,
    };
    // SAFETY: the remaining pointers are as this function's contract states.
    unsafe {
        encode_into(
            &[data],
            options,
            scratch,
            scratch_len,
            image,
            image_len,
            code,
            |o, s, i| Ok(panicqr_code::of(&encode_binary(data, o, s, i)?)),
        )
    }
}

/// Encodes a text with the segmentation of fewest bits: digits in numeric
/// mode, the alphanumeric set in alphanumeric mode, the rest as bytes.
///
/// Buffers as for [`panicqr_encode_binary`]; both are also used as work
/// space for the segmentation search.
///
/// # Safety
///
/// As for [`panicqr_encode_binary`], with `text` and `text_len` in place of
/// `data` and `data_len`.
#[no_mangle]
pub unsafe extern "C" fn panicqr_encode_text(
    text: *const u8,
    text_len: usize,
    options: *const panicqr_options,
    scratch: *mut u8,
    scratch_len: usize,
    image: *mut u8,
    image_len: usize,
    code: *mut panicqr_code,
) -> panicqr_status {
    // SAFETY: as in `panicqr_encode_binary`.
    let text = match unsafe { bytes(text, text_len) } {
        Ok(text) => text,
        Err(status) => return status,
    };
    // SAFETY: the remaining pointers are as this function's contract states.
    unsafe {
        encode_into(
            &[text],
            options,
            scratch,
            scratch_len,
            image,
            image_len,
            code,
            |o, s, i| Ok(panicqr_code::of(&encode_text(text, o, s, i)?)),
        )
    }
}

/// Encodes a URL as a byte segment followed by binary data packed as
/// decimal digits, as mainline Linux's panic screen does: each 7 bytes,
/// little-endian, become 17 digits, and a tail of 1 to 6 bytes becomes 3, 5,
/// 8, 10, 13 or 15 digits. [`panicqr_panic_url_capacity`] gives the exact
/// room. An empty URL leaves out the byte segment.
///
/// Buffers as for [`panicqr_encode_binary`].
///
/// # Safety
///
/// As for [`panicqr_encode_binary`]; also, `url` points to `url_len`
/// readable bytes, or is NULL with `url_len == 0`.
#[no_mangle]
pub unsafe extern "C" fn panicqr_encode_panic_url(
    url: *const u8,
    url_len: usize,
    data: *const u8,
    data_len: usize,
    options: *const panicqr_options,
    scratch: *mut u8,
    scratch_len: usize,
    image: *mut u8,
    image_len: usize,
    code: *mut panicqr_code,
) -> panicqr_status {
    // SAFETY: as in `panicqr_encode_binary`, for both inputs.
    let inputs = unsafe { bytes(url, url_len).and_then(|url| Ok((url, bytes(data, data_len)?))) };
    let (url, data) = match inputs {
        Ok(inputs) => inputs,
        Err(status) => return status,
    };
    // SAFETY: the remaining pointers are as this function's contract states.
    unsafe {
        encode_into(
            &[url, data],
            options,
            scratch,
            scratch_len,
            image,
            image_len,
            code,
            |o, s, i| Ok(panicqr_code::of(&encode_panic_url(url, data, o, s, i)?)),
        )
    }
}
