//! The C ABI of panicqr.
//!
//! Two families of functions:
//!
//! - `panicqr_*`: the native API. Every function returns a
//!   [`panicqr_status`], whose numbers never change once released, writes its
//!   outputs only on success, and never writes outside the buffers it is
//!   given. Each output buffer is followed by its length.
//! - `drm_panic_qr_generate` and `drm_panic_qr_max_data_size`: drop-ins for
//!   Linux's `drivers/gpu/drm/drm_panic_qr.rs`, with the same semantics, so
//!   this library links where the kernel's encoder sits.
//!
//! All unsafe code of the project lives in this crate, behind the checked
//! conversions of the `checked` module. Nothing here allocates, and nothing
//! panics: the kernel object built from this crate references no panic
//! machinery at all, which CI checks (`scripts/build-kernel-object.sh`).
#![no_std]
#![deny(missing_docs)]
#![deny(clippy::undocumented_unsafe_blocks)]
#![allow(non_camel_case_types)]

#[cfg(any(test, feature = "std"))]
extern crate std;

mod checked;

use core::ffi::c_char;

use panicqr::payload::{self, KmsgRequest};
use panicqr::screen::layout::{self, Geometry, LayoutError, Policy, Rect, Screen};
use panicqr::screen::paint::{self, Palette, PixelFormat};
use panicqr::{
    encode_binary, encode_codewords, encode_panic_url, encode_text, Ecc, Error, Mask, Options,
    Polarity, QrCode, Segment, Version,
};

use checked::{bytes, bytes_mut, disjoint, read_struct, write_struct, MaybeBytes};

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

use panicqr_status::*;

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
    fn of(code: &QrCode<'_>) -> panicqr_code {
        panicqr_code {
            version: code.version().number(),
            width: code.width(),
            ecc: code.ecc() as u8,
            mask: code.mask().number(),
        }
    }
}

/// Converts C options, or NULL for the defaults.
fn options_from(options: Option<panicqr_options>) -> Result<Options, panicqr_status> {
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

fn status_of(result: Result<(), panicqr_status>) -> panicqr_status {
    match result {
        Ok(()) => PANICQR_OK,
        Err(status) => status,
    }
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

/*---- The kernel log, from kmsg to a finished code ----*/

/// What [`panicqr_encode_kmsg`] puts in the code.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct panicqr_kmsg_request {
    /// The base URL, like `CONFIG_DRM_PANIC_SCREEN_QR_CODE_URL`, or NULL
    /// (or empty) to carry the raw log as a byte segment. A base ending in
    /// `#` puts the parameters in the fragment (`<base>#?a=...`), which the
    /// deployed decoder page reads and which keeps the log on the phone.
    pub base_url: *const u8,
    /// Bytes of `base_url`.
    pub base_url_len: usize,
    /// The machine name, sent as `a` (for example `x86_64`); NULL if empty.
    pub arch: *const u8,
    /// Bytes of `arch`.
    pub arch_len: usize,
    /// The kernel release, sent as `v`; NULL if empty.
    pub release: *const u8,
    /// Bytes of `release`.
    pub release_len: usize,
    /// Nonzero: allow the preset kmsg dictionary (URL parameter `zd=2`)
    /// when it carries more of the log. Leave it zero for the decoder page
    /// distributions deploy, which knows no dictionary. A byte rather than
    /// a `bool`, so that no value C passes is invalid.
    pub dictionary: u8,
}

/// What [`panicqr_encode_kmsg`] put in the code: written on success only.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct panicqr_kmsg_report {
    /// Offset in the log of the first byte carried.
    pub tail_start: usize,
    /// Log bytes carried, from `tail_start` to the end.
    pub tail_len: usize,
    /// Bytes of the zlib stream, or of the raw tail without a URL.
    pub payload_len: usize,
    /// Bytes of the URL before the digits, 0 without a URL.
    pub url_len: usize,
    /// Not even the last line fits: only its end is carried.
    pub truncated: bool,
    /// The stream uses the preset dictionary.
    pub dictionary: bool,
}

/// Returns the workspace bytes [`panicqr_encode_kmsg`] needs.
#[no_mangle]
pub extern "C" fn panicqr_kmsg_workspace_len() -> usize {
    payload::workspace_len()
}

/// Fits the longest tail of the kernel log that starts on a line and whose
/// compressed form fits the code, and encodes it behind the URL
/// `<base_url>?a=<arch>&v=<release>&z=<digits>` (with `&zd=2` before `z=`
/// when the dictionary is allowed and used; no `?` when the base already
/// ends in `?` or `&`). Without a base URL the raw tail goes in one byte
/// segment, as Linux does.
///
/// Buffers: `workspace` needs [`panicqr_kmsg_workspace_len`] bytes;
/// `scratch` and `image` need `panicqr_scratch_len(options->max_version)` and
/// `panicqr_image_len(options->max_version)` bytes. Before the call their
/// contents do not matter. On success `image` holds the code as in
/// [`panicqr_encode_binary`]; `workspace` and `scratch` hold intermediate
/// data. On failure `*code` and `*report` are untouched, and the buffers may
/// hold intermediate data.
///
/// # Safety
///
/// - `kmsg` points to `kmsg_len` readable bytes, or is NULL with
///   `kmsg_len == 0`.
/// - `request` points to a readable `struct panicqr_kmsg_request` whose
///   pointers follow the same rule as `kmsg`.
/// - `options` is NULL or points to a readable `struct panicqr_options`.
/// - `workspace`, `scratch` and `image` point to as many writable bytes as
///   their lengths say, and overlap nothing else.
/// - `code` and `report` point to writable structs.
#[no_mangle]
pub unsafe extern "C" fn panicqr_encode_kmsg(
    kmsg: *const u8,
    kmsg_len: usize,
    request: *const panicqr_kmsg_request,
    options: *const panicqr_options,
    workspace: *mut u8,
    workspace_len: usize,
    scratch: *mut u8,
    scratch_len: usize,
    image: *mut u8,
    image_len: usize,
    code: *mut panicqr_code,
    report: *mut panicqr_kmsg_report,
) -> panicqr_status {
    status_of((|| {
        // SAFETY: the caller guarantees each pointer as documented; the
        // checked helpers reject NULL, lengths over `isize::MAX` and overlap.
        let (kmsg, c_request, options, workspace, scratch, image) = unsafe {
            let kmsg = bytes(kmsg, kmsg_len)?;
            let c_request = read_struct(request).ok_or(PANICQR_ERR_NULL_POINTER)?;
            let options = options_from(read_struct(options))?;
            let base_url = bytes(c_request.base_url, c_request.base_url_len)?;
            let arch = bytes(c_request.arch, c_request.arch_len)?;
            let release = bytes(c_request.release, c_request.release_len)?;
            disjoint(&[
                MaybeBytes::of(kmsg),
                MaybeBytes::of(base_url),
                MaybeBytes::of(arch),
                MaybeBytes::of(release),
                MaybeBytes::raw(workspace, workspace_len),
                MaybeBytes::raw(scratch, scratch_len),
                MaybeBytes::raw(image, image_len),
            ])?;
            (
                kmsg,
                KmsgRequest {
                    base_url: if base_url.is_empty() {
                        None
                    } else {
                        Some(base_url)
                    },
                    arch,
                    release,
                    dictionary: c_request.dictionary != 0,
                    options,
                },
                options,
                bytes_mut(workspace, workspace_len)?,
                bytes_mut(scratch, scratch_len)?,
                bytes_mut(image, image_len)?,
            )
        };
        let _ = options;
        if code.is_null() || report.is_null() {
            return Err(PANICQR_ERR_NULL_POINTER);
        }
        let (encoded, kmsg_report) =
            payload::encode_kmsg(kmsg, &c_request, workspace, scratch, image)?;
        let encoded = panicqr_code::of(&encoded);
        let kmsg_report = panicqr_kmsg_report {
            tail_start: kmsg_report.tail_start,
            tail_len: kmsg_report.tail_len,
            payload_len: kmsg_report.payload_len,
            url_len: kmsg_report.url_len,
            truncated: kmsg_report.truncated,
            dictionary: kmsg_report.dictionary,
        };
        // SAFETY: both pointers are not NULL and the caller guarantees them
        // writable.
        unsafe {
            write_struct(code, encoded);
            write_struct(report, kmsg_report);
        }
        Ok(())
    })())
}

/*---- Screen layout and painting ----*/

/// A rectangle in pixels.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct panicqr_rect {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

impl From<Rect> for panicqr_rect {
    fn from(r: Rect) -> panicqr_rect {
        panicqr_rect {
            x: r.x,
            y: r.y,
            width: r.width,
            height: r.height,
        }
    }
}

impl From<panicqr_rect> for Rect {
    fn from(r: panicqr_rect) -> Rect {
        Rect {
            x: r.x,
            y: r.y,
            width: r.width,
            height: r.height,
        }
    }
}

/// A screen and the message block the panic handler draws on it.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct panicqr_screen {
    /// Screen width in pixels.
    pub width: u32,
    /// Screen height in pixels.
    pub height: u32,
    /// Font cell width in pixels.
    pub font_width: u32,
    /// Font cell height in pixels.
    pub font_height: u32,
    /// Lines of the message.
    pub text_lines: u32,
    /// Characters in the longest line of the message.
    pub text_columns: u32,
}

/// How to lay out the code. A NULL `const struct panicqr_policy *` means
/// the defaults: scale 2 or more, a quiet zone of 4 modules, up to version
/// 40, ECC L, at most 256 modules across a photo of the screen. A policy
/// initialised to zero but for these fields keeps `max_modules_across` 0:
/// no limit, the largest code that fits.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct panicqr_policy {
    /// The smallest scale, in pixels per module (0 counts as 1).
    pub min_scale: u32,
    /// The quiet zone around the code, in modules.
    pub quiet_zone: u32,
    /// The largest version, 1 to 40.
    pub max_version: u8,
    /// The level the capacity is counted at: 0 = L, 1 = M, 2 = Q, 3 = H.
    pub ecc: u8,
    /// The most modules a photo of the whole screen should have to tell
    /// apart across its width, or 0 for no limit: [`panicqr_layout_plan`]
    /// keeps at least the screen's width (or 4/3 of its height, if larger)
    /// divided by this many pixels per module, choosing a smaller version
    /// when it must, unless not even version 1 fits that way.
    pub max_modules_across: u32,
}

/// Where the code and the message go.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct panicqr_geometry {
    /// The code and its quiet zone.
    pub canvas: panicqr_rect,
    /// The modules of the code.
    pub modules: panicqr_rect,
    /// The message block.
    pub text: panicqr_rect,
    /// Pixels per module.
    pub scale: u32,
    /// Quiet zone in modules.
    pub quiet_zone: u32,
    /// Width of the code in modules.
    pub width_modules: u32,
}

impl From<Geometry> for panicqr_geometry {
    fn from(g: Geometry) -> panicqr_geometry {
        panicqr_geometry {
            canvas: g.canvas.into(),
            modules: g.modules.into(),
            text: g.text.into(),
            scale: g.scale,
            quiet_zone: g.quiet_zone,
            width_modules: g.width_modules,
        }
    }
}

impl From<panicqr_geometry> for Geometry {
    fn from(g: panicqr_geometry) -> Geometry {
        Geometry {
            canvas: g.canvas.into(),
            modules: g.modules.into(),
            text: g.text.into(),
            scale: g.scale,
            quiet_zone: g.quiet_zone,
            width_modules: g.width_modules,
        }
    }
}

fn screen_from(s: panicqr_screen) -> Screen {
    Screen {
        width: s.width,
        height: s.height,
        font_width: s.font_width,
        font_height: s.font_height,
        text_lines: s.text_lines,
        text_columns: s.text_columns,
    }
}

fn policy_from(policy: Option<panicqr_policy>) -> Result<Policy, panicqr_status> {
    let Some(p) = policy else {
        return Ok(Policy::DEFAULT);
    };
    Ok(Policy {
        min_scale: p.min_scale,
        quiet_zone: p.quiet_zone,
        max_version: Version::new(p.max_version).ok_or(PANICQR_ERR_INVALID_ARGUMENT)?,
        ecc: Ecc::from_ordinal(p.ecc).ok_or(PANICQR_ERR_INVALID_ARGUMENT)?,
        max_modules_across: p.max_modules_across,
    })
}

/// Chooses the largest version whose code fits the screen beside the
/// message at the policy's minimum scale, and lays it out.
///
/// On success writes that version to `*max_version` (pass it to the encoder
/// as `options.max_version`) and the layout to `*geometry`. The encoder may
/// choose a smaller version; lay that one out with [`panicqr_layout_place`].
/// Returns `PANICQR_ERR_SCREEN_TOO_SMALL` when not even version 1 fits: the
/// caller falls back to its text screen.
///
/// # Safety
///
/// `screen` points to a readable `struct panicqr_screen`; `policy` is NULL
/// or points to a readable `struct panicqr_policy`; `max_version` and
/// `geometry` point to writable objects.
#[no_mangle]
pub unsafe extern "C" fn panicqr_layout_plan(
    screen: *const panicqr_screen,
    policy: *const panicqr_policy,
    max_version: *mut u8,
    geometry: *mut panicqr_geometry,
) -> panicqr_status {
    status_of((|| {
        // SAFETY: the caller guarantees the pointers readable when not NULL.
        let (screen, policy) = unsafe {
            (
                read_struct(screen).ok_or(PANICQR_ERR_NULL_POINTER)?,
                policy_from(read_struct(policy))?,
            )
        };
        if max_version.is_null() || geometry.is_null() {
            return Err(PANICQR_ERR_NULL_POINTER);
        }
        let plan = layout::plan(&screen_from(screen), &policy)?;
        // SAFETY: both pointers are not NULL and the caller guarantees them
        // writable.
        unsafe {
            write_struct(max_version, plan.version.number());
            write_struct(geometry, plan.geometry.into());
        }
        Ok(())
    })())
}

/// Lays out a code `width_modules` wide at the largest integer scale that
/// fits beside the message.
///
/// # Safety
///
/// As for [`panicqr_layout_plan`], with `geometry` the only output.
#[no_mangle]
pub unsafe extern "C" fn panicqr_layout_place(
    screen: *const panicqr_screen,
    policy: *const panicqr_policy,
    width_modules: u32,
    geometry: *mut panicqr_geometry,
) -> panicqr_status {
    status_of((|| {
        // SAFETY: the caller guarantees the pointers readable when not NULL.
        let (screen, policy) = unsafe {
            (
                read_struct(screen).ok_or(PANICQR_ERR_NULL_POINTER)?,
                policy_from(read_struct(policy))?,
            )
        };
        if geometry.is_null() {
            return Err(PANICQR_ERR_NULL_POINTER);
        }
        let placed = layout::place(&screen_from(screen), &policy, width_modules)?;
        // SAFETY: not NULL, and the caller guarantees it writable.
        unsafe { write_struct(geometry, placed.into()) };
        Ok(())
    })())
}

/// Returns the bytes per pixel of a DRM fourcc that the painter supports,
/// or 0 for any other.
#[no_mangle]
pub extern "C" fn panicqr_bytes_per_pixel(fourcc: u32) -> usize {
    PixelFormat::from_fourcc(fourcc).map_or(0, PixelFormat::bytes_per_pixel)
}

/// Paints pixels of one row of the code's canvas into `out`: the quiet zone
/// and light modules in `foreground`, dark modules in `background`, both
/// given as XRGB8888 and converted to `fourcc` as Linux's
/// `drm_draw_color_from_xrgb8888` does.
///
/// It starts at pixel `x` of canvas row `y` (both relative to the canvas)
/// and paints as many whole pixels as `out` holds, up to the end of the row,
/// writing their count to `*pixels`. Bytes of `out` past them are untouched.
/// `image` is the code a `panicqr_encode_*` call wrote (a set bit is dark),
/// and `geometry` a layout of it, as [`panicqr_layout_place`] writes it.
///
/// Returns `PANICQR_ERR_INVALID_ARGUMENT`, and writes nothing, when
/// `geometry` does not match the code: `width_modules` is not the code's
/// width, `scale` is 0, or `canvas` is not the square of
/// `(width_modules + 2 * quiet_zone) * scale` pixels the painter fills.
///
/// # Safety
///
/// `image` points to `image_len` readable bytes; `code` and `geometry` point
/// to readable structs; `out` points to `out_len` writable bytes that do not
/// overlap `image`; `pixels` points to a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn panicqr_paint_row(
    image: *const u8,
    image_len: usize,
    code: *const panicqr_code,
    geometry: *const panicqr_geometry,
    fourcc: u32,
    foreground: u32,
    background: u32,
    y: u32,
    x: u32,
    out: *mut u8,
    out_len: usize,
    pixels: *mut usize,
) -> panicqr_status {
    status_of((|| {
        // SAFETY: the caller guarantees the pointers as documented; the
        // checked helpers reject NULL, oversized lengths and overlap.
        let (image, c_code, geometry, out) = unsafe {
            let image = bytes(image, image_len)?;
            let c_code: panicqr_code = read_struct(code).ok_or(PANICQR_ERR_NULL_POINTER)?;
            let geometry: panicqr_geometry =
                read_struct(geometry).ok_or(PANICQR_ERR_NULL_POINTER)?;
            disjoint(&[MaybeBytes::of(image), MaybeBytes::raw(out, out_len)])?;
            (image, c_code, geometry, bytes_mut(out, out_len)?)
        };
        if pixels.is_null() {
            return Err(PANICQR_ERR_NULL_POINTER);
        }
        let format = PixelFormat::from_fourcc(fourcc).ok_or(PANICQR_ERR_INVALID_ARGUMENT)?;
        let qr = code_from(&c_code, image)?;
        // The painter computes the canvas side from the scale; the caller
        // places and clips the rows by `canvas`. Both must agree.
        let geometry = Geometry::from(geometry);
        let side = geometry.canvas_pixels();
        if u64::from(geometry.canvas.width) != side || u64::from(geometry.canvas.height) != side {
            return Err(PANICQR_ERR_INVALID_ARGUMENT);
        }
        let palette = Palette::new(format, foreground, background);
        let painted = paint::paint_row(&qr, &geometry, &palette, y, x, out)?;
        // SAFETY: not NULL, and the caller guarantees it writable.
        unsafe { write_struct(pixels, painted) };
        Ok(())
    })())
}

/// Rebuilds the view of a code from its C description and image.
fn code_from<'a>(code: &panicqr_code, image: &'a [u8]) -> Result<QrCode<'a>, panicqr_status> {
    let version = Version::new(code.version).ok_or(PANICQR_ERR_INVALID_ARGUMENT)?;
    let ecc = Ecc::from_ordinal(code.ecc).ok_or(PANICQR_ERR_INVALID_ARGUMENT)?;
    let mask = Mask::new(code.mask).ok_or(PANICQR_ERR_INVALID_ARGUMENT)?;
    if code.width != version.width() {
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

/*---- Drop-ins for Linux's drm_panic_qr.rs ----*/

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
    let max_url = Version::MAX.data_codewords(Ecc::Low);
    // SAFETY: the caller guarantees `url` NUL-terminated when not NULL; at
    // most `max_url + 1` bytes are read, stopping at the NUL.
    let url = match unsafe { checked::c_string(url, max_url + 1) } {
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
            Some(max) if max > 0 => max * 39 / 40,
            _ => 0,
        }
    } else {
        // Header 4 bits, length 16 bits, stop 4 bits.
        max_data - 3
    }
}

/*---- Linking without the standard library ----*/

#[cfg(all(not(feature = "std"), not(test)))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    // No path in this library panics: CI checks that the kernel object
    // references no panic machinery. Should one ever be linked, stopping
    // here is all a panic handler can do.
    loop {}
}

// Built without `std` for Linux, this library still calls `memcpy` and
// `memset`, which the C library provides: the shared library names libc as
// needed, and `native-static-libs` (the pkg-config file's `Libs.private`)
// lists `-lc`.
#[cfg(all(target_os = "linux", not(feature = "std"), not(test)))]
#[link(name = "c")]
extern "C" {}

// The precompiled `core` is built to unwind, so its few functions with
// landing pads (the formatting behind a panic message) point their unwind
// tables at `rust_eh_personality`, which only `std` defines. Linked into a
// C program without `--gc-sections`, or loaded with `dlopen`, the library
// would fail on that undefined symbol. It is defined here, weak and hidden,
// as an alias of `no_unwinding`: weak, so that a program that also links a
// Rust library with `std` gets that library's personality and no duplicate
// definition; hidden, so that the shared library does not export it. It sits
// in the crate's root module, which holds every export, so that the archive
// member that defines it is linked whenever the library is used. The kernel
// object (`target_os = "none"`, whose `core` does not unwind) has none.
#[cfg(all(target_os = "linux", not(feature = "std"), not(test)))]
core::arch::global_asm!(
    ".weak rust_eh_personality",
    ".hidden rust_eh_personality",
    ".set rust_eh_personality, {personality}",
    personality = sym no_unwinding,
);

/// The personality routine behind `rust_eh_personality`. Nothing calls it:
/// with `panic = "abort"` nothing in this library unwinds, and it calls no
/// code that could unwind through it. Should an unwinder reach it anyway, it
/// answers `_URC_FATAL_PHASE1_ERROR` (3 in the Itanium C++ ABI), which stops
/// the unwinding and makes the raise fail, rather than run the landing pads
/// of a library built not to unwind.
#[cfg(all(target_os = "linux", not(feature = "std"), not(test)))]
extern "C" fn no_unwinding(
    _version: core::ffi::c_int,
    _actions: core::ffi::c_int,
    _exception_class: u64,
    _exception: *mut core::ffi::c_void,
    _context: *mut core::ffi::c_void,
) -> core::ffi::c_int {
    3
}

#[cfg(test)]
mod tests;
