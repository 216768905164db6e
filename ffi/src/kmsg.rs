//! The kernel log, from kmsg to a finished code: the longest tail that
//! fits, compressed behind a URL or raw.

use panicqr::payload::deflate::Effort;
use panicqr::payload::{self, KmsgRequest};

use crate::checked::{bytes, bytes_mut, disjoint, read_struct, write_struct, MaybeBytes};
use crate::encode::{options_from, panicqr_code, panicqr_options};
use crate::status::panicqr_status::{self, *};
use crate::status::status_of;

// For the documentation's links.
#[cfg(doc)]
use crate::encode::panicqr_encode_binary;

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
    /// a `bool`, so that no value C passes is invalid. What the dictionary
    /// gains is measured in README.md, "Log carried".
    pub dictionary: u8,
    /// How hard the compressor works: 0 (as a zeroed request has it) for
    /// the most log, the optimal parse; 1 for a fit a few times quicker
    /// with the lazy parse alone, which carries a few percent less
    /// (docs/payload.md, "The fast effort"). Any other value is
    /// [`PANICQR_ERR_INVALID_ARGUMENT`].
    pub effort: u8,
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
        let (kmsg, kmsg_request, workspace, scratch, image) = unsafe {
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
                    effort: match c_request.effort {
                        0 => Effort::Best,
                        1 => Effort::Fast,
                        _ => return Err(PANICQR_ERR_INVALID_ARGUMENT),
                    },
                    options,
                },
                bytes_mut(workspace, workspace_len)?,
                bytes_mut(scratch, scratch_len)?,
                bytes_mut(image, image_len)?,
            )
        };
        if code.is_null() || report.is_null() {
            return Err(PANICQR_ERR_NULL_POINTER);
        }
        let (encoded, kmsg_report) =
            payload::encode_kmsg(kmsg, &kmsg_request, workspace, scratch, image)?;
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
