//! The panic payload: from the kernel log to a finished QR code.
//!
//! Linux's panic screen compresses the kernel log with zlib and, when the
//! result does not fit, drops the first line and compresses again, once per
//! line, against an estimate of the room (39/40 of it). This module does the
//! same job in O(log n) compressions against the exact room, with the
//! compressor of [`crate::payload::deflate`] and, optionally, a preset dictionary of
//! kernel-log vocabulary, so the same code carries more of the log.
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

use self::deflate::WORKSPACE_LEN;
use crate::qr::encode::{encode_codewords, panic_url_capacity, Options};
use crate::qr::segment::{self, Mode, Segment};
use crate::qr::version::{image_len, scratch_len, Ecc, Version};
use crate::{Error, QrCode};

/// The preset dictionary of kernel-log vocabulary, version
/// [`KMSG_DICTIONARY_ID`]: 3,998 bytes of text that recurs across the ends
/// of real kernel crash logs, built by `scripts/build-dictionary.py`.
pub const KMSG_DICTIONARY: &[u8] = include_bytes!("../../dict/kmsg-2.bin");

/// The id of [`KMSG_DICTIONARY`], the value of [`KMSG_DICTIONARY_PARAM`].
pub const KMSG_DICTIONARY_ID: u8 = 2;

/// The URL parameter that names the preset dictionary: `&zd=2`.
///
/// Not `d`, which codes made before used: the deployed decoder page shows
/// `d` as the distribution. That page reads `a`, `v`, `d`, `z` and `zl` and
/// ignores `zd`.
pub const KMSG_DICTIONARY_PARAM: &str = "zd";

/// `&zd=2`, as the URL holds it.
const DICTIONARY_PARAM: &[u8] = &[b'&', b'z', b'd', b'=', b'0' + KMSG_DICTIONARY_ID];
const _: () = assert!(KMSG_DICTIONARY_ID < 10);
const _: () = assert!(matches!(KMSG_DICTIONARY_PARAM.as_bytes(), [b'z', b'd']));

/// The dictionary's URL parameter if `request` allows the dictionary, else
/// nothing.
fn dictionary_param(request: &KmsgRequest<'_>) -> &'static [u8] {
    if request.dictionary {
        DICTIONARY_PARAM
    } else {
        b""
    }
}

/// What goes between the base URL and `a=`: `?`, or nothing when the base
/// already ends in `?` or `&`. A base ending in `#` gets `#?a=`, the
/// fragment form of the deployed decoder page.
fn query_separator(base: &[u8]) -> &'static [u8] {
    match base.last() {
        Some(b'?' | b'&') => b"",
        _ => b"?",
    }
}

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

/// What [`encode_kmsg`] puts in the code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KmsgRequest<'a> {
    /// The base URL, or `None` to carry the raw log.
    pub base_url: Option<&'a [u8]>,
    /// The machine name, sent as `a` (for example `x86_64`).
    pub arch: &'a [u8],
    /// The kernel release, sent as `v`.
    pub release: &'a [u8],
    /// Allow [`KMSG_DICTIONARY`]: [`encode_kmsg`] fits the tail with and
    /// without it and keeps whichever carries more of the log (the URL then
    /// has `&zd=2`; a tie keeps the plain stream). Off (`false`, as a zeroed
    /// request has it) for the decoder page distributions deploy, which
    /// reads no dictionary: a code made with it shows no log there.
    pub dictionary: bool,
    /// The version range, level and drawing options of the code.
    pub options: Options,
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
    /// Compressions run to find the tail.
    pub compressions: usize,
    /// The stream uses [`KMSG_DICTIONARY`] (the URL has `&zd=2`).
    pub dictionary: bool,
}

/// The longest tail of a log that fits, as found by [`fit_compressed`] or
/// [`fit_raw`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fit {
    /// Offset in the log of the first byte of the tail.
    pub tail_start: usize,
    /// Bytes of the zlib stream (for [`fit_raw`], of the tail).
    pub payload_len: usize,
    /// The tail does not start on a line boundary.
    pub truncated: bool,
    /// Compressions run.
    pub compressions: usize,
}

// ---------------------------------------------------------------------------
// Lines
// ---------------------------------------------------------------------------

/// The end of the log without its final newline, if any.
fn content_end(kmsg: &[u8]) -> usize {
    match kmsg.last() {
        Some(b'\n') => kmsg.len() - 1,
        _ => kmsg.len(),
    }
}

/// Returns the number of lines in the log (a final newline ends the last
/// line rather than starting a new one).
pub fn line_count(kmsg: &[u8]) -> usize {
    if kmsg.is_empty() {
        return 0;
    }
    let end = content_end(kmsg);
    1 + kmsg
        .get(..end)
        .unwrap_or(&[])
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

/// Returns the offset where the last `lines` lines of the log start (0 when
/// the log has no more lines than that).
pub fn last_lines_start(kmsg: &[u8], lines: usize) -> usize {
    if lines == 0 {
        return kmsg.len();
    }
    let end = content_end(kmsg);
    let mut seen = 0;
    for (i, &b) in kmsg.get(..end).unwrap_or(&[]).iter().enumerate().rev() {
        if b == b'\n' {
            seen += 1;
            if seen == lines {
                return i + 1;
            }
        }
    }
    0
}

// ---------------------------------------------------------------------------
// Fitting
// ---------------------------------------------------------------------------

/// Compressions of tails of one log, counted.
struct Trial<'a> {
    kmsg: &'a [u8],
    dictionary: Option<&'a [u8]>,
    compressions: usize,
    /// The tail whose stream `out` holds (when it fit).
    last_start: usize,
}

impl Trial<'_> {
    /// Compresses the tail from `start` into `out` (what fits of it) and
    /// returns the stream length: the full one when it fits in `out`, else
    /// a length more than `out.len()` (the compressor may stop early).
    fn run(&mut self, start: usize, workspace: &mut [u8], out: &mut [u8]) -> Result<usize, Error> {
        self.compressions += 1;
        self.last_start = start;
        let tail = self.kmsg.get(start..).unwrap_or(&[]);
        let limit = out.len();
        deflate::deflate(tail, self.dictionary, workspace, out, limit)
    }
}

/// Finds the longest tail of `kmsg` that starts on a line and compresses to
/// at most `out.len()` bytes, and leaves its zlib stream in
/// `out[..payload_len]`.
///
/// The search gallops from the end (1, 2, 4, … lines) and then bisects, so
/// it runs O(log lines) compressions. Compressed length grows with the tail
/// almost always; where it does not, the tail found still fits but a longer
/// one might too. When not even the last line fits, the tail is the longest
/// end of that line that fits and `truncated` is set.
///
/// `workspace` needs [`WORKSPACE_LEN`] bytes.
///
/// # Errors
///
/// - [`Error::BufferTooSmall`]: `workspace` is too short.
/// - [`Error::DataTooLong`]: `out` cannot hold even an empty stream.
pub fn fit_compressed(
    kmsg: &[u8],
    dictionary: Option<&[u8]>,
    workspace: &mut [u8],
    out: &mut [u8],
) -> Result<Fit, Error> {
    let capacity = out.len();
    let mut trial = Trial {
        kmsg,
        dictionary,
        compressions: 0,
        last_start: usize::MAX,
    };
    let lines = line_count(kmsg);
    // Gallop: `good` lines fit (0 = none known), `bad` lines do not.
    let mut good = 0;
    let mut good_len = 0;
    let mut bad = None;
    let mut j = 1.min(lines);
    loop {
        let len = trial.run(last_lines_start(kmsg, j), workspace, out)?;
        if len <= capacity {
            good = j;
            good_len = len;
            if j >= lines {
                break;
            }
            j = (2 * j).min(lines);
        } else {
            bad = Some(j);
            break;
        }
    }
    if let Some(mut bad) = bad {
        while bad - good > 1 {
            let mid = good + (bad - good) / 2;
            let len = trial.run(last_lines_start(kmsg, mid), workspace, out)?;
            if len <= capacity {
                good = mid;
                good_len = len;
            } else {
                bad = mid;
            }
        }
    }
    // An empty log has no line to drop: its (empty) stream fits or nothing
    // does.
    if good > 0 || (lines == 0 && bad.is_none()) {
        let start = last_lines_start(kmsg, good);
        if trial.last_start != start {
            good_len = trial.run(start, workspace, out)?;
        }
        debug_assert!(good_len <= capacity);
        return Ok(Fit {
            tail_start: start,
            payload_len: good_len,
            truncated: false,
            compressions: trial.compressions,
        });
    }

    // Not even the last line fits: carry as much of its end as fits, by
    // galloping and bisecting over its length in bytes.
    let line_start = last_lines_start(kmsg, 1);
    let end = kmsg.len();
    let (mut good, mut bad) = (0, end - line_start);
    let mut m = 1;
    while m < bad {
        let len = trial.run(end - m, workspace, out)?;
        if len <= capacity {
            good = m;
            good_len = len;
            m *= 2;
        } else {
            bad = m;
        }
    }
    while bad - good > 1 {
        let mid = good + (bad - good) / 2;
        let len = trial.run(end - mid, workspace, out)?;
        if len <= capacity {
            good = mid;
            good_len = len;
        } else {
            bad = mid;
        }
    }
    if good == 0 {
        let len = trial.run(end, workspace, out)?;
        if len > capacity {
            return Err(Error::DataTooLong {
                needed_bits: 8 * len,
                available_bits: 8 * capacity,
            });
        }
        good_len = len;
    } else if trial.last_start != end - good {
        good_len = trial.run(end - good, workspace, out)?;
    }
    Ok(Fit {
        tail_start: end - good,
        payload_len: good_len,
        truncated: true,
        compressions: trial.compressions,
    })
}

/// Finds the longest tail of `kmsg` of at most `capacity` bytes that starts
/// on a line; when the last line alone is longer, its last `capacity` bytes,
/// with `truncated` set. No compression.
pub fn fit_raw(kmsg: &[u8], capacity: usize) -> Fit {
    let min_start = kmsg.len().saturating_sub(capacity);
    // The first line start at or after `min_start`.
    let line = if min_start == 0 || kmsg.get(min_start - 1) == Some(&b'\n') {
        min_start
    } else {
        match kmsg
            .get(min_start..)
            .and_then(|tail| tail.iter().position(|&b| b == b'\n'))
        {
            Some(i) => min_start + i + 1,
            None => kmsg.len(),
        }
    };
    // No line with content starts there: the last line alone is too long.
    let truncated = line > 0 && line >= content_end(kmsg);
    let start = if truncated { min_start } else { line };
    Fit {
        tail_start: start,
        payload_len: kmsg.len() - start,
        truncated,
        compressions: 0,
    }
}

/// Returns the bytes a byte segment can hold at `version` and `ecc`.
pub fn raw_capacity(version: Version, ecc: Ecc) -> usize {
    let class = version.count_class();
    let available = version.data_bits(ecc);
    let (mut low, mut high) = (0usize, available / 8 + 1);
    let fits =
        |len: usize| segment::bit_len(Mode::Byte, len, class).is_some_and(|b| b <= available);
    if !fits(0) {
        return 0;
    }
    while high - low > 1 {
        let mid = low + (high - low) / 2;
        if fits(mid) {
            low = mid;
        } else {
            high = mid;
        }
    }
    low
}

// ---------------------------------------------------------------------------
// The URL
// ---------------------------------------------------------------------------

/// Returns the length of the URL prefix `request` gives, 0 without a base
/// URL.
pub fn url_prefix_len(request: &KmsgRequest<'_>) -> usize {
    match request.base_url {
        None => 0,
        Some(base) => {
            base.len()
                + query_separator(base).len()
                + b"a=".len()
                + request.arch.len()
                + b"&v=".len()
                + request.release.len()
                + dictionary_param(request).len()
                + b"&z=".len()
        }
    }
}

/// Writes `<base>?a=<arch>&v=<release>[&zd=2]&z=` to the start of `out` and
/// returns its length (0 without a base URL). The parts are copied as they
/// are, not percent-encoded; the `?` is left out when the base already ends
/// in `?` or `&`, so a base ending in `#` gives `<base>#?a=...`.
///
/// # Errors
///
/// [`Error::BufferTooSmall`] when `out` is shorter than [`url_prefix_len`].
pub fn write_url_prefix(request: &KmsgRequest<'_>, out: &mut [u8]) -> Result<usize, Error> {
    let Some(base) = request.base_url else {
        return Ok(0);
    };
    let needed = url_prefix_len(request);
    let out = out
        .get_mut(..needed)
        .ok_or(Error::BufferTooSmall { needed })?;
    let dict = dictionary_param(request);
    // The parts add up to `needed`, so every part has its room.
    let mut at = 0;
    for part in [
        base,
        query_separator(base),
        b"a=",
        request.arch,
        b"&v=",
        request.release,
        dict,
        b"&z=",
    ] {
        let end = at + part.len();
        if let Some(room) = out.get_mut(at..end) {
            room.copy_from_slice(part);
        }
        at = end;
    }
    debug_assert_eq!(at, needed);
    Ok(needed)
}

// ---------------------------------------------------------------------------
// The one call
// ---------------------------------------------------------------------------

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
/// use panicqr::payload::{encode_kmsg, KmsgRequest, workspace_len};
/// use panicqr::{image_len, scratch_len, Options, Version};
///
/// let kmsg = b"Kernel panic - not syncing: VFS: Unable to mount root fs\n";
/// let request = KmsgRequest {
///     base_url: Some(b"https://panic.example/#"),
///     arch: b"x86_64",
///     release: b"6.12.0",
///     dictionary: false,
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
    let plain = KmsgRequest {
        dictionary: false,
        ..*request
    };
    let mut result = fit_url(kmsg, &plain, workspace, image)?;
    let mut used = plain;
    if request.dictionary {
        // The dictionary's URL is longer: when only the plain one fits,
        // keep the plain stream.
        match fit_url(kmsg, request, workspace, image) {
            Ok(with) if with.0.tail_start < result.0.tail_start => {
                result = with;
                used = *request;
            }
            Ok(_) | Err(Error::DataTooLong { .. }) => {
                result = fit_url(kmsg, &plain, workspace, image)?;
            }
            Err(error) => return Err(error),
        }
    }
    let (fit, url_len) = result;
    let url = image.get(..url_len).unwrap_or(&[]);
    let data = image.get(url_len..url_len + fit.payload_len).unwrap_or(&[]);
    let codewords = encode_codewords(
        &[Segment::Bytes(url), Segment::PanicDigits(data)],
        options,
        scratch,
    )?;
    let code = codewords.place(scratch, image)?;
    let mut report = report(fit, kmsg.len(), url_len);
    report.dictionary = used.dictionary;
    Ok((code, report))
}

/// Writes the URL prefix and the best-fitting compressed tail into `image`.
fn fit_url(
    kmsg: &[u8],
    request: &KmsgRequest<'_>,
    workspace: &mut [u8],
    image: &mut [u8],
) -> Result<(Fit, usize), Error> {
    let options = &request.options;
    // Measure before writing: a URL too long for the code is `DataTooLong`,
    // even when it is also longer than the image buffer.
    let url_len = url_prefix_len(request);
    let capacity = panic_url_capacity(options.max_version, options.ecc, url_len);
    if capacity == 0 {
        return Err(Error::DataTooLong {
            needed_bits: 8 * url_len,
            available_bits: options.max_version.data_bits(options.ecc),
        });
    }
    write_url_prefix(request, image)?;
    let needed = url_len + capacity;
    let out = image
        .get_mut(url_len..needed)
        .ok_or(Error::BufferTooSmall { needed })?;
    let dictionary = if request.dictionary {
        Some(KMSG_DICTIONARY)
    } else {
        None
    };
    Ok((fit_compressed(kmsg, dictionary, workspace, out)?, url_len))
}

fn report(fit: Fit, kmsg_len: usize, url_len: usize) -> KmsgReport {
    KmsgReport {
        tail_start: fit.tail_start,
        tail_len: kmsg_len - fit.tail_start,
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

    #[test]
    fn lines_are_counted_from_the_end() {
        let log = b"one\ntwo\nthree\n";
        assert_eq!(line_count(log), 3);
        assert_eq!(line_count(b"one\ntwo"), 2);
        assert_eq!(line_count(b""), 0);
        assert_eq!(last_lines_start(log, 1), 8);
        assert_eq!(last_lines_start(log, 2), 4);
        assert_eq!(last_lines_start(log, 3), 0);
        assert_eq!(last_lines_start(log, 9), 0);
        assert_eq!(last_lines_start(b"one\ntwo", 1), 4);
    }

    #[test]
    fn raw_fit_starts_on_a_line_or_truncates() {
        let log = b"aaaa\nbbbb\ncccc\n";
        assert_eq!(fit_raw(log, 100).tail_start, 0);
        assert_eq!(fit_raw(log, 10).tail_start, 5);
        let fit = fit_raw(log, 9);
        assert_eq!((fit.tail_start, fit.truncated), (10, false));
        let fit = fit_raw(log, 3);
        assert_eq!((fit.tail_start, fit.truncated), (12, true));
    }

    #[test]
    fn raw_capacity_matches_the_byte_segment() {
        // Version 1-L: 19 data codewords, 4 + 8 bits of header.
        assert_eq!(raw_capacity(Version::MIN, Ecc::Low), 17);
        // Version 40-L: 2956 codewords, 4 + 16 bits of header.
        assert_eq!(raw_capacity(Version::MAX, Ecc::Low), 2953);
    }

    #[test]
    fn url_prefix_is_linux_shaped() {
        let mut request = KmsgRequest {
            base_url: Some(b"https://p.example/"),
            arch: b"arm64",
            release: b"6.12",
            dictionary: false,
            options: Options::default(),
        };
        let mut out = [0u8; 64];
        let n = write_url_prefix(&request, &mut out).unwrap();
        assert_eq!(&out[..n], b"https://p.example/?a=arm64&v=6.12&z=");
        request.dictionary = true;
        let n = write_url_prefix(&request, &mut out).unwrap();
        assert_eq!(&out[..n], b"https://p.example/?a=arm64&v=6.12&zd=2&z=");
        assert_eq!(n, url_prefix_len(&request));
        assert_eq!(
            write_url_prefix(&request, &mut out[..10]),
            Err(Error::BufferTooSmall { needed: n })
        );
    }

    #[test]
    fn url_prefix_never_doubles_a_separator() {
        let mut request = KmsgRequest {
            base_url: None,
            arch: b"x86_64",
            release: b"6.18.0",
            dictionary: false,
            options: Options::default(),
        };
        let mut out = [0u8; 80];
        for (base, want) in [
            // The fragment form of the deployed page: the log stays on the
            // phone.
            (
                &b"https://p.example/r#"[..],
                &b"https://p.example/r#?a=x86_64&v=6.18.0&z="[..],
            ),
            (
                b"https://p.example/r",
                b"https://p.example/r?a=x86_64&v=6.18.0&z=",
            ),
            (
                b"https://p.example/r?",
                b"https://p.example/r?a=x86_64&v=6.18.0&z=",
            ),
            (
                b"https://p.example/r#?",
                b"https://p.example/r#?a=x86_64&v=6.18.0&z=",
            ),
            (
                b"https://p.example/r#?d=debian&",
                b"https://p.example/r#?d=debian&a=x86_64&v=6.18.0&z=",
            ),
        ] {
            request.base_url = Some(base);
            let n = write_url_prefix(&request, &mut out).unwrap();
            assert_eq!(&out[..n], want);
            assert_eq!(n, url_prefix_len(&request));
        }
        request.base_url = Some(b"https://p.example/r#");
        request.dictionary = true;
        let n = write_url_prefix(&request, &mut out).unwrap();
        assert_eq!(&out[..n], b"https://p.example/r#?a=x86_64&v=6.18.0&zd=2&z=");
    }

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
