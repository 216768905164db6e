//! Drop-ins for Linux's `drivers/gpu/drm/drm_panic_qr.rs`: the same
//! symbols, arguments and results, so that this library links where the
//! kernel's encoder sits.

use core::ffi::c_char;

use panicqr::{encode_codewords, Ecc, Mask, Options, Polarity, Segment, Version};

use crate::checked::{self, bytes, bytes_mut, disjoint, MaybeBytes};

// For the documentation's links.
#[cfg(doc)]
use crate::encode::panicqr_panic_url_capacity;

/// The image buffer Linux requires: a version 40 image.
const DRM_DATA_SIZE: usize = 4071;
/// The scratch buffer Linux requires: a version 40 codeword buffer.
const DRM_TMP_SIZE: usize = 3706;

/// Generates a QR code for Linux's DRM panic screen, exactly as
/// `drm_panic_qr_generate` in `drivers/gpu/drm/drm_panic_qr.rs` does.
///
/// With `url` NULL, the first `data_len` bytes of `data` go in one byte
/// segment. Otherwise the NUL-terminated `url` goes in a byte segment and
/// the data follows packed as digits (each 7 little-endian bytes become 17
/// digits). ECC L, mask 0, the smallest version that fits.
///
/// Returns the width of the code, or 0 when the data does not fit,
/// `data_size < 4071`, `tmp_size < 3706`, `data_len > data_size`, or `url`
/// (with its NUL), `data` and `tmp` overlap one another. On
/// success `data` holds the image, `ceil(width / 8)` bytes a row, a set bit
/// a **light** module, and zeros up to `data_size`; `tmp` holds the
/// codewords. On failure both buffers are untouched.
///
/// # Safety
///
/// - `url` is NULL or points to a NUL-terminated string.
/// - `data` points to `data_size` readable and writable bytes.
/// - `tmp` points to `tmp_size` writable bytes.
///
/// Overlap between the three is refused, not undefined.
#[no_mangle]
pub unsafe extern "C" fn drm_panic_qr_generate(
    url: *const c_char,
    data: *mut u8,
    data_len: usize,
    data_size: usize,
    tmp: *mut u8,
    tmp_size: usize,
) -> u8 {
    // NULL buffers are refused here, before `tmp` is written, so that a
    // failure leaves both untouched.
    if data_size < DRM_DATA_SIZE
        || tmp_size < DRM_TMP_SIZE
        || data_len > data_size
        || data.is_null()
        || tmp.is_null()
    {
        return 0;
    }
    // The URL and the data lengths that can fit a version 40 code bound the
    // URL; a longer one cannot fit, so it is not read further.
    // 2956 codewords: `max_url + 1` does not wrap.
    let max_url = Version::MAX.data_codewords(Ecc::Low);
    // SAFETY: the caller guarantees `url` NUL-terminated when not NULL; at
    // most `max_url + 1` bytes are read, stopping at the NUL.
    let url = match unsafe { checked::c_string(url, max_url.wrapping_add(1)) } {
        Ok(url) => url,
        Err(_) => return 0,
    };
    let options = Options {
        min_version: Version::MIN,
        max_version: Version::MAX,
        ecc: Ecc::Low,
        boost_ecc: false,
        mask: Mask::new(0),
        polarity: Polarity::LightIsSet,
    };
    // SAFETY: the caller guarantees `data` and `tmp` valid for their sizes;
    // the checked helpers reject NULL, oversized lengths and overlap between
    // `data`, `tmp` and the URL with its NUL. The shared view of `data` ends
    // before the mutable one is made, and the URL is not read after that.
    unsafe {
        if disjoint(&[
            MaybeBytes::raw(data, data_size),
            MaybeBytes::raw(tmp, tmp_size),
            url.map_or(MaybeBytes::raw(core::ptr::null(), 0), MaybeBytes::c_string),
        ])
        .is_err()
        {
            return 0;
        }
        let Ok(tmp) = bytes_mut(tmp, tmp_size) else {
            return 0;
        };
        let codewords = {
            let Ok(input) = bytes(data, data_len) else {
                return 0;
            };
            let with_url = [
                Segment::Bytes(url.unwrap_or(&[])),
                Segment::PanicDigits(input),
            ];
            let without_url = [Segment::Bytes(input)];
            let segments = match url {
                Some(_) => &with_url[..],
                None => &without_url[..],
            };
            match encode_codewords(segments, &options, tmp) {
                Ok(codewords) => codewords,
                Err(_) => return 0,
            }
        };
        let Ok(image) = bytes_mut(data, data_size) else {
            return 0;
        };
        match codewords.place(tmp, image) {
            Ok(code) => {
                let width = code.width();
                let used = code.rows().len();
                if let Some(rest) = image.get_mut(used..) {
                    rest.fill(0);
                }
                width
            }
            Err(_) => 0,
        }
    }
}

/// Returns how many bytes of binary data Linux's panic screen may pass to
/// [`drm_panic_qr_generate`] for a code of `version` after a URL of
/// `url_len` bytes, exactly as `drm_panic_qr_max_data_size` in
/// `drivers/gpu/drm/drm_panic_qr.rs` does: 39/40 of the room left after the
/// URL and the segment headers, or, without a URL, the byte capacity.
/// [`panicqr_panic_url_capacity`] gives the exact figure instead.
#[no_mangle]
pub extern "C" fn drm_panic_qr_max_data_size(version: u8, url_len: usize) -> usize {
    let Some(version) = Version::new(version) else {
        return 0;
    };
    let max_data = version.data_codewords(Ecc::Low);
    if url_len > 0 {
        // Byte segment header (4 + 16 bits) and numeric segment header
        // (4 + 12 bits), as Linux counts them: 5 bytes.
        match max_data.checked_sub(url_len.saturating_add(5)) {
            // At most 2956 codewords: no wrap.
            Some(max) if max > 0 => max.wrapping_mul(39) / 40,
            _ => 0,
        }
    } else {
        // Header 4 bits, length 16 bits, stop 4 bits.
        // At least 19 data codewords: no wrap.
        max_data.wrapping_sub(3)
    }
}
