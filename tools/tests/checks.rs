//! The fuzz targets' checks (`fuzz/checks`, crate `panicqr-checks`) on
//! small fixed inputs: every committed seed of every target, and a few
//! hundred pseudo-random cases each (`PANICQR_CHECK_CASES`, default 100).
//! Also the regression tests of the bugs the fuzzers found.

use std::path::Path;

use panicqr::payload::deflate::Effort;
use panicqr::payload::{encode_kmsg, workspace_len, KmsgRequest};
use panicqr::{encode_text, image_len, scratch_len, Ecc, Error, Options, Version};
use panicqr_checks::{decode_code, run_dir, run_random, unpack_z, CHECKS};

fn cases() -> usize {
    std::env::var("PANICQR_CHECK_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100)
}

fn run(name: &str) {
    let (_, check) = CHECKS
        .iter()
        .find(|(n, _)| *n == name)
        .expect("a check of that name");
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/seeds")
        .join(name);
    let ran = run_dir(&seeds, *check);
    assert!(ran >= 5, "{name}: only {ran} seed files");
    run_random(*check, cases(), 3000, 0xc0ffee ^ name.len() as u64);
}

#[test]
fn encode_any_seeds() {
    run("encode_any");
}

#[test]
fn differential_reference_seeds() {
    run("differential_reference");
}

#[test]
fn ffi_abi_seeds() {
    run("ffi_abi");
}

#[test]
fn payload_roundtrip_seeds() {
    run("payload_roundtrip");
}

#[test]
fn paint_rows_seeds() {
    run("paint_rows");
}

/// Found by `encode_any`: an empty text failed with `BufferTooSmall { needed:
/// 0 }` whatever the buffers.
#[test]
fn empty_text_encodes_as_an_empty_code() {
    let mut scratch = vec![0u8; scratch_len(Version::MAX)];
    let mut image = vec![0u8; image_len(Version::MAX)];
    let code = encode_text(b"", &Options::default(), &mut scratch, &mut image).unwrap();
    assert_eq!(code.version(), Version::MIN);
    let (payload, _) = decode_code(&code);
    assert!(payload.is_empty());
}

/// The checks read `z=` digits with a reader of their own, so that they
/// need not depend on this crate: it must agree with the decoder's on every
/// digit count, on groups too large for their bytes and on other
/// characters.
#[test]
fn the_checks_unpack_digits_as_the_decoder_does() {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for len in 0..60 {
        for case in 0..20 {
            let mut digits: String = (0..len)
                .map(|_| char::from(b'0' + (next() % 10) as u8))
                .collect();
            if case == 1 {
                // Every group as large as its digits allow: too large.
                digits = "9".repeat(len);
            }
            if case == 2 && len > 0 {
                digits.replace_range(len / 2..len / 2 + 1, "x");
            }
            assert_eq!(
                unpack_z(&digits),
                panicqr_tools::decode::unpack_z(&digits).ok(),
                "{digits:?}"
            );
        }
    }
}

fn kmsg_request<'a>(base: &'a [u8], dictionary: bool, max: u8) -> KmsgRequest<'a> {
    KmsgRequest {
        base_url: Some(base),
        arch: b"x86_64",
        release: b"6.12.0",
        dictionary,
        effort: Effort::Best,
        options: Options {
            max_version: Version::new(max).unwrap(),
            ecc: Ecc::Low,
            ..Options::default()
        },
    }
}

/// Found by `payload_roundtrip`: a base URL longer than the image buffer of
/// a small version gave `BufferTooSmall`, though the buffers had the
/// documented size; the data does not fit, so it is `DataTooLong`.
#[test]
fn url_longer_than_the_image_is_data_too_long() {
    let base = vec![b'u'; 120];
    let request = kmsg_request(&base, false, 1);
    let mut workspace = vec![0u8; workspace_len()];
    let mut scratch = vec![0u8; scratch_len(Version::MIN)];
    let mut image = vec![0u8; image_len(Version::MIN)];
    let result = encode_kmsg(
        b"oops\n",
        &request,
        &mut workspace,
        &mut scratch,
        &mut image,
    );
    assert!(
        matches!(result, Err(Error::DataTooLong { .. })),
        "{result:?}"
    );
}

/// Found by `payload_roundtrip`: with the dictionary allowed, a URL that fit
/// without `&d=` but not with it made the whole call fail; it must fall
/// back to the plain stream.
#[test]
fn dictionary_url_that_does_not_fit_falls_back_to_the_plain_stream() {
    let log = b"BUG: unable to handle page fault\nKernel panic - not syncing: Fatal exception\n";
    let mut fell_back = 0;
    for len in 1..200 {
        let base = vec![b'h'; len];
        let mut workspace = vec![0u8; workspace_len()];
        let mut scratch = vec![0u8; scratch_len(Version::MAX)];
        let mut image = vec![0u8; image_len(Version::MAX)];
        let plain = encode_kmsg(
            log,
            &kmsg_request(&base, false, 7),
            &mut workspace,
            &mut scratch,
            &mut image,
        )
        .map(|(_, report)| report);
        let with = encode_kmsg(
            log,
            &kmsg_request(&base, true, 7),
            &mut workspace,
            &mut scratch,
            &mut image,
        )
        .map(|(code, report)| (decode_code(&code).0, report));
        match (plain, with) {
            (Ok(plain), Ok((payload, report))) => {
                if !report.dictionary {
                    assert_eq!(report.tail_start, plain.tail_start);
                    assert!(!payload.windows(3).any(|w| w == b"&d="));
                    fell_back += 1;
                }
            }
            (Err(_), Err(_)) => {}
            (plain, with) => {
                panic!("base URL of {len} bytes: plain {plain:?}, dictionary {with:?}")
            }
        }
    }
    assert!(fell_back > 0, "no URL length exercised the fallback");
}

/// Found by `ffi_abi`: `drm_panic_qr_generate` with a NULL `data` and
/// `data_len == 0` wrote the codewords into `tmp` before it noticed, and
/// then failed: on failure both buffers must be untouched.
#[test]
fn drm_generate_with_null_data_leaves_tmp_untouched() {
    let mut tmp = vec![0x5au8; 3706];
    // SAFETY: `tmp` is valid for its length; a NULL `data` must be refused
    // before anything is read or written.
    let width = unsafe {
        panicqr_ffi::drm_panic_qr_generate(
            std::ptr::null(),
            std::ptr::null_mut(),
            0,
            4071,
            tmp.as_mut_ptr(),
            tmp.len(),
        )
    };
    assert_eq!(width, 0);
    assert!(tmp.iter().all(|&b| b == 0x5a), "tmp written on failure");
}

/// Found by `payload_roundtrip`: for an empty log whose (empty) zlib
/// stream did not fit the room, `fit_compressed` returned a zero-length
/// stream instead of `DataTooLong`, so the code carried no valid stream.
#[test]
fn empty_log_whose_stream_does_not_fit_is_data_too_long() {
    let mut workspace = vec![0u8; workspace_len()];
    let mut out = [0u8; 64];
    let empty = panicqr::payload::fit_compressed(b"", None, &mut workspace, &mut out).unwrap();
    assert!(empty.payload_len > 0);
    let short = &mut out[..empty.payload_len - 1];
    let result = panicqr::payload::fit_compressed(b"", None, &mut workspace, short);
    assert!(
        matches!(result, Err(Error::DataTooLong { .. })),
        "{result:?}"
    );
}
