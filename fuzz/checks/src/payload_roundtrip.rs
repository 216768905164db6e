//! `payload_roundtrip`: kernel log bytes through the compressor and the
//! panic packing and back.
//!
//! Properties:
//!
//! - [`panicqr::payload::deflate::compress`] gives a zlib stream that declares a
//!   4 KiB window, that miniz_oxide inflates to the input with a window
//!   primed by only the last 4 KiB of the dictionary (so no match reaches
//!   further back than a 4 KiB inflater can follow), whose checksum is the
//!   input's Adler-32, and whose length is [`compressed_len`]'s and at most
//!   [`max_compressed_len`]'s. Short buffers give `BufferTooSmall` with the
//!   exact length and no write outside the buffer.
//! - [`encode_kmsg`] gives a code that rqrr decodes to the URL prefix and
//!   digits, which unpack to a stream that inflates to exactly the tail the
//!   report claims, with and without the dictionary; the tail starts on a
//!   line unless the report says it is truncated.

use panicqr::payload::deflate::{
    compress, compressed_len, max_compressed_len, Effort, WINDOW_SIZE, WORKSPACE_LEN,
};
use panicqr::payload::{
    encode_kmsg, KmsgRequest, KMSG_DICTIONARY, KMSG_DICTIONARY_ID, KMSG_DICTIONARY_PARAM,
};
use panicqr::{Error, Options};

use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;

use crate::encode_any::{read_data, read_options};
use crate::guard::Guarded;
use crate::iso::{self, Mode};
use crate::{decode_code, unpack_z, Input};

/// Adler-32, written out here so the check does not trust the encoder's.
pub fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    b << 16 | a
}

/// Inflates a zlib stream that must decode to exactly `expected_len` bytes,
/// and checks everything about its framing. Panics on any fault.
pub fn inflate(stream: &[u8], dictionary: Option<&[u8]>, expected_len: usize) -> Vec<u8> {
    let [cmf, flg, body @ ..] = stream else {
        panic!("stream of {} bytes has no header", stream.len());
    };
    // Deflate (8) with a 4 KiB window (CINFO 4), as Linux's panic handler.
    assert_eq!(*cmf, 0x48, "CMF");
    assert_eq!((u16::from(*cmf) << 8 | u16::from(*flg)) % 31, 0, "FCHECK");
    assert_eq!(flg & 0x20 != 0, dictionary.is_some(), "FDICT");
    let (body, history) = match dictionary {
        Some(dict) => {
            let id = u32::from_be_bytes(body[..4].try_into().expect("DICTID"));
            assert_eq!(id, adler32(dict), "DICTID");
            (&body[4..], &dict[dict.len().saturating_sub(WINDOW_SIZE)..])
        }
        None => (body, &[][..]),
    };
    let mut out = history.to_vec();
    out.resize(history.len() + expected_len + 1, 0);
    let mut state = Box::<DecompressorOxide>::default();
    let (status, used, written) = decompress(
        &mut state,
        body,
        &mut out,
        history.len(),
        inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF,
    );
    assert_eq!(status, TINFLStatus::Done, "inflate status");
    assert_eq!(written, expected_len, "inflated length");
    out.truncate(history.len() + written);
    let data = out.split_off(history.len());
    let trailer = body.get(used..).expect("trailer");
    assert_eq!(trailer.len(), 4, "bytes after the deflate blocks");
    assert_eq!(
        u32::from_be_bytes(trailer.try_into().unwrap()),
        adler32(&data),
        "Adler-32"
    );
    data
}

/// Reads a kernel-log-like byte string: raw, or mapped to printable
/// characters with newlines.
fn read_log(input: &mut Input<'_>, max_direct: usize, max_stretch: usize) -> Vec<u8> {
    let how = input.u8();
    let mut log = read_data(input, max_direct, max_stretch);
    if !how.is_multiple_of(4) {
        const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789 :[]()+/_-.,<>\n\n\n";
        for b in &mut log {
            *b = ALPHABET[usize::from(*b) % ALPHABET.len()];
        }
    }
    log
}

/// Runs one case.
pub fn check(data: &[u8]) {
    let mut input = Input::new(data);
    if input.bool() {
        check_compress(&mut input);
    } else {
        check_kmsg(&mut input);
    }
}

fn check_compress(input: &mut Input<'_>) {
    let dictionary = input.bool().then_some(KMSG_DICTIONARY);
    let short = input.u8();
    let log = read_log(input, 8000, 20_000);
    let mut workspace = vec![0u8; WORKSPACE_LEN];
    let bound = max_compressed_len(log.len());
    let mut output = Guarded::new(bound, 0);
    let len = compress(&log, dictionary, &mut workspace, output.region_mut())
        .unwrap_or_else(|e| panic!("{e} for {} bytes", log.len()));
    output.check("output");
    assert!(len <= bound, "{len} > bound {bound}");
    assert_eq!(compressed_len(&log, dictionary, &mut workspace), Ok(len));
    let inflated = inflate(&output.region()[..len], dictionary, log.len());
    assert!(inflated == log, "round trip differs");

    // A short output buffer: the exact length, nothing outside it written.
    let room = usize::from(short) * len / 256;
    let mut output = Guarded::new(room, 0);
    assert_eq!(
        compress(&log, dictionary, &mut workspace, output.region_mut()),
        Err(Error::BufferTooSmall { needed: len })
    );
    output.check("short output");
    // A short workspace.
    let mut small = Guarded::new(usize::from(short) * WORKSPACE_LEN / 256, 0);
    let mut output = vec![0u8; bound];
    assert_eq!(
        compress(&log, dictionary, small.region_mut(), &mut output),
        Err(Error::BufferTooSmall {
            needed: WORKSPACE_LEN
        })
    );
    small.check("short workspace");
}

/// Returns `<base>?a=<arch>&v=<release>[&zd=<id>]&z=`, without the `?`
/// when the base already ends in `?` or `&`.
fn url_prefix(base: &[u8], arch: &[u8], release: &[u8], dictionary: bool) -> Vec<u8> {
    let mut url = base.to_vec();
    if !matches!(base.last(), Some(b'?' | b'&')) {
        url.push(b'?');
    }
    url.extend_from_slice(b"a=");
    url.extend_from_slice(arch);
    url.extend_from_slice(b"&v=");
    url.extend_from_slice(release);
    if dictionary {
        url.extend_from_slice(format!("&{KMSG_DICTIONARY_PARAM}={KMSG_DICTIONARY_ID}").as_bytes());
    }
    url.extend_from_slice(b"&z=");
    url
}

fn check_kmsg(input: &mut Input<'_>) {
    let options: Options = read_options(input);
    let with_url = !input.u8().is_multiple_of(4);
    let base = input.bytes(120).to_vec();
    let arch = input.bytes(16).to_vec();
    let release = input.bytes(40).to_vec();
    let dictionary = input.bool();
    let effort = if input.bool() {
        Effort::Fast
    } else {
        Effort::Best
    };
    let log = read_log(input, 6000, 12_000);
    let base_url = (with_url && !base.is_empty()).then_some(&base[..]);
    let request = KmsgRequest {
        base_url,
        arch: &arch,
        release: &release,
        dictionary,
        effort,
        options,
    };
    let max = options.max_version.number();
    let mut workspace = Guarded::new(WORKSPACE_LEN, 0);
    let mut scratch = Guarded::new(iso::scratch_len(max), 0);
    let mut image = Guarded::new(iso::image_len(max), 0);
    let result = encode_kmsg(
        &log,
        &request,
        workspace.region_mut(),
        scratch.region_mut(),
        image.region_mut(),
    );
    let result = result.map(|(code, report)| (decode_code(&code), code.version().number(), report));
    workspace.check("workspace");
    scratch.check("scratch");
    image.check("image");

    let ecc = options.ecc as usize;
    let (report, payload) = match result {
        Ok(((payload, _), version, report)) => {
            assert!(
                options.min_version.number() <= version && version <= max,
                "version range"
            );
            (report, payload)
        }
        Err(Error::InvalidArgument) => {
            assert!(options.min_version > options.max_version, "InvalidArgument");
            return;
        }
        Err(Error::DataTooLong { .. }) => {
            // Only when not even an empty stream fits behind the URL.
            let base = base_url.expect("a raw tail always fits");
            let prefix = url_prefix(base, &arch, &release, false);
            let mut workspace = vec![0u8; WORKSPACE_LEN];
            let mut empty = vec![0u8; 64];
            let stream = compress(&[], None, &mut workspace, &mut empty).expect("empty stream");
            let digits = iso::panic_digits(&empty[..stream]).len();
            let bits = Mode::Byte
                .segment_bits(prefix.len(), max)
                .zip(Mode::Numeric.segment_bits(digits, max))
                .map(|(a, b)| a + b);
            assert!(
                bits.is_none_or(|bits| bits > iso::data_bits(max, ecc)),
                "DataTooLong, but an empty stream fits: URL {} bytes, dictionary {dictionary}, V{max} level {ecc}, log {} bytes",
                prefix.len(),
                log.len()
            );
            return;
        }
        Err(error) => panic!("encode_kmsg: {error:?} with buffers of the documented size"),
    };

    assert!(report.tail_start <= log.len());
    let tail = &log[report.tail_start..];
    assert_eq!(report.tail_len, tail.len(), "tail_len");
    if !report.truncated && report.tail_start > 0 {
        assert_eq!(log[report.tail_start - 1], b'\n', "tail starts on a line");
    }
    match base_url {
        None => {
            assert!(payload == tail, "raw tail differs");
            assert_eq!(report.url_len, 0);
        }
        Some(base) => {
            let prefix = url_prefix(base, &arch, &release, report.dictionary);
            assert!(dictionary || !report.dictionary, "dictionary used unasked");
            assert_eq!(report.url_len, prefix.len(), "url_len");
            assert!(payload.starts_with(&prefix), "URL prefix");
            let digits = std::str::from_utf8(&payload[prefix.len()..]).expect("ASCII digits");
            let stream = unpack_z(digits).expect("digits unpack");
            assert!(
                !stream.is_empty(),
                "no stream behind the URL: {report:?}, log of {} bytes, options {options:?}",
                log.len()
            );
            assert_eq!(stream.len(), report.payload_len, "payload_len");
            let dict = report.dictionary.then_some(KMSG_DICTIONARY);
            let inflated = inflate(&stream, dict, tail.len());
            assert!(inflated == tail, "inflated tail differs");
        }
    }
}
