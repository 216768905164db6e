//! The panic payload: from the kernel log to a finished QR code.
//!
//! Linux's panic screen compresses the kernel log with zlib and, when the
//! result does not fit, drops the first line and compresses again, once per
//! line, against an estimate of the room (39/40 of it). This module does the
//! same job in a few compressions against the exact room, with the
//! compressor of [`deflate`] and, optionally, a preset dictionary of
//! kernel-log vocabulary, so the same code carries more of the log.
//!
//! # Files, in data order
//!
//! - `deflate/`: the zlib compressor;
//! - `fit.rs`: the longest tail of the log that fits, compressed
//!   ([`fit_compressed`]) or raw ([`fit_raw`]);
//! - `dictionary.rs`: the preset dictionary and its id;
//! - `url.rs`: the request ([`KmsgRequest`]) and the URL prefix built from
//!   it;
//! - this file: [`encode_kmsg`], which puts them into a code, and its
//!   buffer sizes.
//!
//! # The URL
//!
//! With a base URL, the code holds one byte segment with
//! `<base>?a=<arch>&v=<release>&z=` and then the zlib stream in the panic
//! packing ([`Segment::PanicDigits`]), exactly as mainline Linux does
//! (versions 6.10 and 6.11; 6.12 moved to `&zl=` and a 13-bit packing). This
//! is the wire format of the decoder page distributions deploy
//! (`github.com/kdj0c/panic_report`), which reads the parameters from the
//! query or, when the query has neither `z` nor `zl`, from the fragment: a
//! base ending in `#` gives `<base>#?a=...`, and the log never leaves the
//! phone. A base that already ends in `?` or `&` gets no second separator
//! (`<base>a=...`).
//!
//! The preset dictionary is opt-in ([`KmsgRequest::dictionary`]): the
//! deployed page inflates without one. With it the URL reads
//! `...&v=<release>&zd=2&z=`, where `zd` names the dictionary
//! ([`KMSG_DICTIONARY_PARAM`], [`KMSG_DICTIONARY_ID`]); a decoder inflates
//! with [`KMSG_DICTIONARY`] as zlib's preset dictionary. The deployed page
//! ignores `zd` and fails on such a code with zlib's "need dictionary"
//! rather than showing anything else: the stream's header asks for the
//! dictionary before any data. Dictionaries are never changed once shipped:
//! a new one takes the next id, and decoders keep the old ones. Codes made
//! before `zd` named the dictionary with `d`, which the deployed page shows
//! as the distribution (`d=1` is `core/dict/kmsg-1.bin`, `d=2` this one).
//!
//! Without a base URL the code holds the raw end of the log as one byte
//! segment, as Linux does.
//!
//! # Buffers
//!
//! [`encode_kmsg`] takes three caller buffers:
//!
//! - `workspace`, [`WORKSPACE_LEN`] bytes (unused without a base URL):
//!   garbage after the call.
//! - `scratch`, [`scratch_len`]`(options.max_version)` bytes: the data and
//!   error correction codewords after the call.
//! - `image`, [`image_len`]`(options.max_version)` bytes: the URL and the
//!   compressed tail during the call, the code after it.

pub mod deflate;
mod dictionary;
mod fit;
mod url;

pub use self::dictionary::{KMSG_DICTIONARY, KMSG_DICTIONARY_ID, KMSG_DICTIONARY_PARAM};
pub use self::fit::{
    fit_compressed, fit_compressed_with, fit_raw, last_lines_start, line_count, raw_capacity, Fit,
};
pub use self::url::{url_prefix_len, write_url_prefix, KmsgRequest};

use self::deflate::WORKSPACE_LEN;
use crate::qr::encode::{encode_codewords, panic_url_capacity};
use crate::qr::segment::Segment;
use crate::qr::version::{image_len, scratch_len, Version};
use crate::{Error, QrCode};

/// Returns the workspace bytes [`encode_kmsg`] and [`fit_compressed`] need.
pub const fn workspace_len() -> usize {
    WORKSPACE_LEN
}

/// Returns the image bytes [`encode_kmsg`] needs for codes up to
/// `max_version`: [`image_len`], which always holds the URL and the
/// compressed data that fit such a code.
pub const fn image_buffer_len(max_version: Version) -> usize {
    image_len(max_version)
}

/// Returns the scratch bytes [`encode_kmsg`] needs for codes up to
/// `max_version`: [`scratch_len`].
pub const fn scratch_buffer_len(max_version: Version) -> usize {
    scratch_len(max_version)
}

/// What [`encode_kmsg`] put in the code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KmsgReport {
    /// Offset in the log of the first byte carried.
    pub tail_start: usize,
    /// Log bytes carried: from `tail_start` to the end.
    pub tail_len: usize,
    /// Bytes of the zlib stream, or of the raw tail without a URL.
    pub payload_len: usize,
    /// Bytes of the URL prefix, 0 without a URL.
    pub url_len: usize,
    /// The tail does not start on a line boundary: not even the last line
    /// fits, so only its end is carried.
    pub truncated: bool,
    /// Full compressions run to find the tail (see [`Fit::compressions`]).
    pub compressions: usize,
    /// The stream uses [`KMSG_DICTIONARY`] (the URL has `&zd=2`).
    pub dictionary: bool,
}

/// Encodes the longest tail of the kernel log that fits into a QR code.
///
/// With `request.base_url`, the URL prefix ([`write_url_prefix`]) and the
/// compressed tail ([`fit_compressed`], against the exact room given by
/// [`panic_url_capacity`] at `options.max_version`) are built in `image`,
/// then encoded as a byte segment and a [`Segment::PanicDigits`] segment.
/// Without it, the raw tail ([`fit_raw`]) is one byte segment. The code uses
/// the smallest version in the options' range that holds the result.
///
/// Buffers (see the [module documentation](self)): `workspace` of
/// [`workspace_len`] bytes (may be empty without a base URL), `scratch` of
/// [`scratch_buffer_len`] and `image` of [`image_buffer_len`] for
/// `options.max_version`. On success `image` holds the code.
///
/// ```
/// use panicqr::payload::deflate::Effort;
/// use panicqr::payload::{encode_kmsg, KmsgRequest, workspace_len};
/// use panicqr::{image_len, scratch_len, Options, Version};
///
/// let kmsg = b"Kernel panic - not syncing: VFS: Unable to mount root fs\n";
/// let request = KmsgRequest {
///     base_url: Some(b"https://panic.example/#"),
///     arch: b"x86_64",
///     release: b"6.12.0",
///     dictionary: false,
///     effort: Effort::Best,
///     options: Options::default(),
/// };
/// let mut workspace = vec![0u8; workspace_len()];
/// let mut scratch = [0u8; scratch_len(Version::MAX)];
/// let mut image = [0u8; image_len(Version::MAX)];
/// let (code, report) = encode_kmsg(kmsg, &request, &mut workspace, &mut scratch, &mut image)?;
/// assert_eq!(report.tail_start, 0);
/// assert!(!report.truncated);
/// assert!(code.width() >= 21);
/// # Ok::<(), panicqr::Error>(())
/// ```
///
/// # Errors
///
/// - [`Error::BufferTooSmall`]: a buffer is shorter than stated above.
/// - [`Error::DataTooLong`]: the URL, or the URL and an empty stream, do not
///   fit the largest version.
/// - [`Error::InvalidArgument`]: the version range is empty.
pub fn encode_kmsg<'a>(
    kmsg: &[u8],
    request: &KmsgRequest<'_>,
    workspace: &mut [u8],
    scratch: &mut [u8],
    image: &'a mut [u8],
) -> Result<(QrCode<'a>, KmsgReport), Error> {
    let options = &request.options;
    if options.min_version > options.max_version {
        return Err(Error::InvalidArgument);
    }
    let max = options.max_version;
    let needed = image_len(max);
    if image.len() < needed {
        return Err(Error::BufferTooSmall { needed });
    }
    let needed = scratch_len(max);
    if scratch.len() < needed {
        return Err(Error::BufferTooSmall { needed });
    }

    if request.base_url.is_none() {
        let fit = fit_raw(kmsg, raw_capacity(max, options.ecc));
        let tail = kmsg.get(fit.tail_start..).unwrap_or(&[]);
        let codewords = encode_codewords(&[Segment::Bytes(tail)], options, scratch)?;
        let code = codewords.place(scratch, image)?;
        return Ok((code, report(fit, kmsg.len(), 0)));
    }

    // With the dictionary allowed, fit both ways and keep the one that
    // carries more; a tie goes to the plain stream, which Linux's own
    // decoder reads.
    let mut result = fit_url(kmsg, request, false, workspace, image)?;
    let mut dictionary = false;
    if request.dictionary {
        // The dictionary's URL is longer: when only the plain one fits,
        // keep the plain stream.
        match fit_url(kmsg, request, true, workspace, image) {
            Ok(with) if with.0.tail_start < result.0.tail_start => {
                result = with;
                dictionary = true;
            }
            Ok(_) | Err(Error::DataTooLong { .. }) => {
                result = fit_url(kmsg, request, false, workspace, image)?;
            }
            Err(error) => return Err(error),
        }
    }
    let (fit, url_len) = result;
    let url = image.get(..url_len).unwrap_or(&[]);
    let data = image
        .get(url_len..url_len.saturating_add(fit.payload_len))
        .unwrap_or(&[]);
    let codewords = encode_codewords(
        &[Segment::Bytes(url), Segment::PanicDigits(data)],
        options,
        scratch,
    )?;
    let code = codewords.place(scratch, image)?;
    let mut report = report(fit, kmsg.len(), url_len);
    report.dictionary = dictionary;
    Ok((code, report))
}

/// Writes the URL prefix and the best-fitting compressed tail into `image`,
/// with the dictionary if `dictionary` (which `request` must allow).
fn fit_url(
    kmsg: &[u8],
    request: &KmsgRequest<'_>,
    dictionary: bool,
    workspace: &mut [u8],
    image: &mut [u8],
) -> Result<(Fit, usize), Error> {
    let options = &request.options;
    // Measure before writing: a URL too long for the code is `DataTooLong`,
    // even when it is also longer than the image buffer.
    let url_len = url::prefix_len(request, dictionary);
    let capacity = panic_url_capacity(options.max_version, options.ecc, url_len);
    if capacity == 0 {
        return Err(Error::DataTooLong {
            needed_bits: url_len.saturating_mul(8),
            available_bits: options.max_version.data_bits(options.ecc),
        });
    }
    url::write_prefix(request, dictionary, image)?;
    // Saturated, a sum past `usize::MAX` is too small a buffer all the same.
    let needed = url_len.saturating_add(capacity);
    let out = image
        .get_mut(url_len..needed)
        .ok_or(Error::BufferTooSmall { needed })?;
    let dictionary = dictionary.then_some(KMSG_DICTIONARY);
    Ok((
        fit_compressed_with(kmsg, dictionary, workspace, out, request.effort)?,
        url_len,
    ))
}

fn report(fit: Fit, kmsg_len: usize, url_len: usize) -> KmsgReport {
    KmsgReport {
        tail_start: fit.tail_start,
        // The tail starts within the log.
        tail_len: kmsg_len.wrapping_sub(fit.tail_start),
        payload_len: fit.payload_len,
        url_len,
        truncated: fit.truncated,
        compressions: fit.compressions,
        dictionary: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qr::encode::Options;

    #[test]
    fn a_default_request_does_not_use_the_dictionary() {
        // The decoder page distributions deploy reads no dictionary: a
        // request left at its zero value must give codes it reads, even
        // for a log the dictionary would carry more of.
        let kmsg = b"[   12.345678] Call Trace:\n[   12.345679]  <TASK>\n\
            [   12.345680]  dump_stack_lvl+0x5d/0x80\n[   12.345681]  panic+0x118/0x2f0\n\
            [   12.345682] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000009\n";
        let request = KmsgRequest {
            base_url: Some(b"https://p.example/#"),
            arch: b"x86_64",
            release: b"6.18.0",
            dictionary: false,
            effort: deflate::Effort::Best,
            options: Options {
                max_version: Version::new(6).unwrap_or(Version::MIN),
                ..Options::default()
            },
        };
        let mut workspace = [0u8; WORKSPACE_LEN];
        let mut scratch = [0u8; scratch_len(Version::MAX)];
        let mut image = [0u8; image_len(Version::MAX)];
        let (_, report) =
            encode_kmsg(kmsg, &request, &mut workspace, &mut scratch, &mut image).unwrap();
        assert!(!report.dictionary);
        assert!(report.tail_start > 0, "the log should not fit whole");
        assert_eq!(
            report.url_len,
            b"https://p.example/#?a=x86_64&v=6.18.0&z=".len()
        );
        let with = KmsgRequest {
            dictionary: true,
            ..request
        };
        let (_, report) =
            encode_kmsg(kmsg, &with, &mut workspace, &mut scratch, &mut image).unwrap();
        assert!(
            report.dictionary,
            "the dictionary should carry this log in less"
        );
    }
}
