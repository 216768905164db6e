//! The wire format of the decoder page distributions deploy
//! (`github.com/kdj0c/panic_report`): `a`, `v`, `d`, `z` and `zl`, read from
//! the query or, when the query has neither `z` nor `zl`, from the fragment,
//! and inflated with no preset dictionary.
//!
//! Checked here: the defaults make codes such a page reads (no dictionary),
//! a base URL ending in `#` gives the fragment form through the C ABI and
//! the renderer, and `examples/decode` reads that form back. The page itself
//! runs in headless Chromium in `web/compat/` (`web/test.sh`).

mod decode_support;

#[path = "../examples/decode.rs"]
#[expect(dead_code, reason = "the example's `main` is not called here")]
mod decode_example;

use panicqr::payload::deflate::Effort;
use panicqr::payload::{KmsgRequest, KMSG_DICTIONARY_PARAM};
use panicqr::{Ecc, Mask, Polarity, QrCode, Version};
use panicqr_ffi::{
    panicqr_code, panicqr_encode_kmsg, panicqr_kmsg_report, panicqr_kmsg_request,
    panicqr_kmsg_workspace_len, panicqr_status,
};
use panicqr_tools::decode::{decode_payload, inflate_zlib, parse_panic_url, unpack_z};
use panicqr_tools::render::{render, Config, DEFAULT_URL, SAMPLE_KMSG};

/// Reads a code's modules with rqrr, as a phone's scanner would.
fn scan(code: &QrCode<'_>) -> String {
    let width = usize::from(code.width());
    let grid = rqrr::SimpleGrid::from_func(width, |x, y| code.is_dark(x as i32, y as i32));
    let mut text = Vec::new();
    rqrr::Grid::new(grid)
        .decode_to(&mut text)
        .expect("rqrr reads the code");
    String::from_utf8(text).expect("a URL")
}

/// The crash logs, or the sample when the corpus is not there.
fn logs() -> Vec<(String, Vec<u8>)> {
    let corpus = decode_support::corpus();
    if corpus.is_empty() {
        vec![("sample".to_owned(), SAMPLE_KMSG.to_vec())]
    } else {
        corpus
    }
}

/// What the deployed page does with a URL, short of drawing: the query's
/// parameters if they hold `z` or `zl`, else the fragment's, and `z` (the
/// only packing our encoder writes) inflated without a dictionary.
fn deployed_page(url: &str) -> Result<Vec<u8>, String> {
    let (before, fragment) = url.split_once('#').unwrap_or((url, ""));
    let query = before.split_once('?').map_or("", |(_, q)| q);
    let params = |part: &str| -> Vec<(String, String)> {
        let part = part.strip_prefix('?').unwrap_or(part);
        part.split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (k.to_owned(), v.to_owned())
            })
            .collect()
    };
    let get = |params: &[(String, String)], key: &str| {
        params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .filter(|v| !v.is_empty())
    };
    let mut chosen = params(query);
    if get(&chosen, "z").is_none() && get(&chosen, "zl").is_none() {
        chosen = params(fragment);
    }
    let digits = get(&chosen, "z").ok_or("no z")?;
    let stream = unpack_z(&digits).map_err(|e| e.to_string())?;
    let inflated = inflate_zlib(&stream, None).map_err(|e| e.to_string())?;
    Ok(inflated.data)
}

#[test]
fn render_defaults_make_codes_the_deployed_page_reads() {
    assert!(!Config::default().dictionary);
    let base = DEFAULT_URL.trim_end_matches('#');
    for (name, log) in logs() {
        for url in [base.to_owned(), format!("{base}#")] {
            let config = Config {
                url: Some(url.clone()),
                ..Config::default()
            };
            let rendered = render(&log, &config).unwrap();
            let summary = &rendered.summary;
            assert!(!summary.dictionary, "{name}");
            let prefix = &summary.url_prefix;
            assert!(
                !prefix.contains(&format!("&{KMSG_DICTIONARY_PARAM}=")),
                "{name}: {prefix}"
            );
            assert!(!prefix.contains("&d="), "{name}: {prefix}");
            // The URL the screen shows, read from the code drawn.
            let scanned = panicqr_tools::scan::scan_image(
                &panicqr_tools::scan::decode_image(&rendered.framebuffer.to_png()).unwrap(),
                |payload| Ok::<_, String>(payload.to_vec()),
            )
            .unwrap();
            let scanned = String::from_utf8(scanned).unwrap();
            assert!(
                scanned.starts_with(prefix.as_str()),
                "{name}: {scanned:.80}"
            );
            if url.ends_with('#') {
                assert!(
                    scanned.starts_with(&format!("{url}?a=")),
                    "{name}: {scanned:.80}"
                );
            }
            let tail = &log[summary.tail_start..];
            assert!(deployed_page(&scanned).unwrap() == tail, "{name}: {url}");
        }
    }
}

#[test]
fn a_dictionary_code_fails_in_the_deployed_page_and_reads_in_ours() {
    // The sample in a version 15 code: the dictionary carries more of it.
    let config = Config {
        policy: panicqr::screen::layout::Policy {
            max_version: Version::new(15).unwrap(),
            ..panicqr::screen::layout::Policy::DEFAULT
        },
        dictionary: true,
        ..Config::default()
    };
    let rendered = render(SAMPLE_KMSG, &config).unwrap();
    assert!(rendered.summary.dictionary);
    let prefix = &rendered.summary.url_prefix;
    assert!(
        prefix.ends_with(&format!("&{KMSG_DICTIONARY_PARAM}=2&z=")),
        "{prefix}"
    );
    let image = panicqr_tools::scan::decode_image(&rendered.framebuffer.to_png()).unwrap();
    let url = panicqr_tools::scan::scan_image(&image, |p| Ok::<_, String>(p.to_vec())).unwrap();
    let url = String::from_utf8(url).unwrap();
    // The stream's header asks for a dictionary before any data: zlib's
    // "need dictionary", not a wrong log.
    let refused = deployed_page(&url).unwrap_err();
    assert!(refused.contains("preset dictionary"), "{refused}");
    let ours = decode_payload(url.as_bytes()).unwrap();
    assert_eq!(ours.log, &SAMPLE_KMSG[rendered.summary.tail_start..]);
}

/// `panicqr_encode_kmsg` with a request whose dictionary field is zero and a
/// base URL ending in `#`: the fragment form, no dictionary.
#[test]
fn c_abi_writes_the_fragment_form() {
    let log = &logs()[0].1;
    let base = b"https://host/report#";
    let (arch, release) = (b"x86_64", b"6.18.0-test");
    let mut workspace = vec![0u8; panicqr_kmsg_workspace_len()];
    let mut scratch = vec![0u8; panicqr::scratch_len(Version::MAX)];
    let mut image = vec![0u8; panicqr::image_len(Version::MAX)];
    let request = panicqr_kmsg_request {
        base_url: base.as_ptr(),
        base_url_len: base.len(),
        arch: arch.as_ptr(),
        arch_len: arch.len(),
        release: release.as_ptr(),
        release_len: release.len(),
        // Zero, whether the field is a `bool` or a byte.
        dictionary: Default::default(),
        effort: 0,
    };
    let mut code = panicqr_code {
        version: 0,
        width: 0,
        ecc: 0,
        mask: 0,
    };
    let mut report = panicqr_kmsg_report::default();
    // SAFETY: every pointer is valid for the length passed beside it, and
    // the buffers do not overlap.
    let status = unsafe {
        panicqr_encode_kmsg(
            log.as_ptr(),
            log.len(),
            &request,
            std::ptr::null(),
            workspace.as_mut_ptr(),
            workspace.len(),
            scratch.as_mut_ptr(),
            scratch.len(),
            image.as_mut_ptr(),
            image.len(),
            &mut code,
            &mut report,
        )
    };
    assert_eq!(status, panicqr_status::PANICQR_OK);
    assert!(!report.dictionary);
    let ecc = [Ecc::Low, Ecc::Medium, Ecc::Quartile, Ecc::High][usize::from(code.ecc)];
    let qr = QrCode::from_image(
        Version::new(code.version).unwrap(),
        ecc,
        Mask::new(code.mask).unwrap(),
        Polarity::DarkIsSet,
        &image,
    )
    .unwrap();
    let url = scan(&qr);
    let prefix = "https://host/report#?a=x86_64&v=6.18.0-test&z=";
    assert!(url.starts_with(prefix), "{url:.80}");
    assert_eq!(report.url_len, prefix.len());
    let tail = &log[report.tail_start..];
    assert!(deployed_page(&url).unwrap() == tail);
    let parsed = parse_panic_url(&url).unwrap();
    assert!(parsed.fragment);
    assert_eq!(parsed.base, "https://host/report#");
    assert!(decode_payload(url.as_bytes()).unwrap().log == tail);
}

/// `cargo run --example decode -- 'https://host/r#?a=…&z=…'` prints the
/// exact tail, and says where the parameters were.
#[test]
fn decode_example_prints_the_tail_of_a_fragment_url() {
    let log = &logs()[0].1;
    let request = KmsgRequest {
        base_url: Some(b"https://host/r#"),
        arch: b"x86_64",
        release: b"6.18.0",
        dictionary: false,
        effort: Effort::Best,
        options: panicqr::Options::default(),
    };
    let mut workspace = vec![0u8; panicqr::payload::workspace_len()];
    let mut scratch = vec![0u8; panicqr::scratch_len(Version::MAX)];
    let mut image = vec![0u8; panicqr::image_len(Version::MAX)];
    let (code, report) =
        panicqr::payload::encode_kmsg(log, &request, &mut workspace, &mut scratch, &mut image)
            .unwrap();
    let url = scan(&code);
    assert!(url.starts_with("https://host/r#?a=x86_64&v=6.18.0&z="));
    let tail = &log[report.tail_start..];
    for url in [url.clone(), url.replacen("#?", "?", 1)] {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let status = decode_example::cli(std::slice::from_ref(&url), &mut out, &mut err);
        let err = String::from_utf8(err).unwrap();
        assert_eq!(status, std::process::ExitCode::SUCCESS, "{err}");
        assert!(out == tail, "{err}");
        assert!(!err.contains("raw byte payload"), "{err}");
        let part = if url.contains('#') {
            "fragment"
        } else {
            "query"
        };
        assert!(err.contains(&format!("parameters in the {part}")), "{err}");
        assert!(err.contains("arch: x86_64\nrelease: 6.18.0\n"), "{err}");
    }
}
