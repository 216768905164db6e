//! Makes the URL a phone would read from a panic QR code, for testing the
//! web decoder.
//!
//! ```text
//! cargo run --example panic_url -- LOG MODE EXPECTED
//! ```
//!
//! MODE is `z` (our encoder, plain zlib), `z-dict` (our encoder with the
//! kmsg dictionary, `zd=2`), `z-dict-d2` and `z-dict-1` (the same named the
//! way older builds did, `d=2`, and with the first dictionary, `d=1`), `zl`
//! (Linux 6.12's packing, reproduced by the test-side packer) or `zl-lossy`
//! (the same, with a tail length chosen so that 6.12 loses digits). For `z`
//! modes the longest tail of LOG that fits a version 40 code is compressed,
//! encoded as a QR code by the core crate and read back from the modules
//! with rqrr, so the URL is what a scanner sees. A `-fragment` suffix puts
//! the parameters in the fragment (`https://panic.example/#?a=...`).
//!
//! `render` and `render-dict` draw the log with the renderer's defaults
//! (`panicqr_tools::render::Config::default()`, without and with the
//! dictionary allowed) and read the URL back from the screen's pixels; with
//! `-fragment`, the default base URL ending in `#`, else without it. (With
//! the dictionary allowed, a log it carries no more of has none.)
//!
//! The URL goes to standard output, the log tail it carries to EXPECTED.

#[path = "../tests/decode_support/mod.rs"]
mod decode_support;

use panicqr::payload::deflate::{compress, max_compressed_len, WORKSPACE_LEN};
use panicqr::payload::{KMSG_DICTIONARY_ID, KMSG_DICTIONARY_PARAM};
use panicqr::{
    encode_panic_url, image_len, panic_url_capacity, scratch_len, Ecc, Options, Version,
};
use panicqr_tools::decode::builtin_dictionary;
use panicqr_tools::render::{render, Config, DEFAULT_URL};
use panicqr_tools::scan::{decode_image, scan_image};

const BASE: &str = "https://panic.example/";
const ARCH: &str = "x86_64";
const RELEASE: &str = "6.18.0-test";

/// Line starts of `log`, from the last line backwards.
fn line_starts(log: &[u8]) -> Vec<usize> {
    let mut starts: Vec<usize> = std::iter::once(0)
        .chain(
            log.iter()
                .enumerate()
                .filter(|&(i, &b)| b == b'\n' && i + 1 < log.len())
                .map(|(i, _)| i + 1),
        )
        .collect();
    starts.reverse();
    starts
}

/// Our encoder's URL for `log`, with the preset dictionary `id` named by
/// `key` (`zd` now, `d` before) if any, the parameters after `separator`
/// (`?` or `#?`).
fn ours(
    log: &[u8],
    dictionary: Option<(&str, u32)>,
    separator: &str,
) -> Result<(String, Vec<u8>), String> {
    let dictionary_id = dictionary.map(|(_, id)| id);
    let d = dictionary.map_or(String::new(), |(key, id)| format!("&{key}={id}"));
    let url = format!("{BASE}{separator}a={ARCH}&v={RELEASE}{d}&z=");
    let room = panic_url_capacity(Version::MAX, Ecc::Low, url.len());
    let dictionary = dictionary_id.and_then(builtin_dictionary);
    let mut workspace = vec![0u8; WORKSPACE_LEN];
    let mut best = None;
    for start in line_starts(log) {
        let tail = &log[start..];
        let mut out = vec![0u8; max_compressed_len(tail.len())];
        let n = compress(tail, dictionary, &mut workspace, &mut out).map_err(|e| e.to_string())?;
        if n > room {
            break;
        }
        out.truncate(n);
        best = Some((tail.to_vec(), out));
    }
    let (tail, stream) = best.ok_or("not even the last line fits")?;
    let mut scratch = vec![0u8; scratch_len(Version::MAX)];
    let mut image = vec![0u8; image_len(Version::MAX)];
    let code = encode_panic_url(
        url.as_bytes(),
        &stream,
        &Options::default(),
        &mut scratch,
        &mut image,
    )
    .map_err(|e| e.to_string())?;
    let width = usize::from(code.width());
    let grid = rqrr::SimpleGrid::from_func(width, |x, y| code.is_dark(x as i32, y as i32));
    let mut text = Vec::new();
    rqrr::Grid::new(grid)
        .decode_to(&mut text)
        .map_err(|e| format!("rqrr cannot read the code: {e:?}"))?;
    Ok((String::from_utf8(text).map_err(|e| e.to_string())?, tail))
}

/// The URL the renderer's default screen shows for `log`, read from its
/// pixels, and the tail it carries.
fn rendered(log: &[u8], dictionary: bool, fragment: bool) -> Result<(String, Vec<u8>), String> {
    let base = DEFAULT_URL.trim_end_matches('#');
    let config = Config {
        url: Some(if fragment {
            format!("{base}#")
        } else {
            base.to_owned()
        }),
        dictionary,
        ..Config::default()
    };
    let rendered = render(log, &config).map_err(|e| e.to_string())?;
    let image = decode_image(&rendered.framebuffer.to_png()).map_err(|e| e.to_string())?;
    let text = scan_image(&image, |payload| Ok::<_, String>(payload.to_vec()))
        .map_err(|e| e.to_string())?;
    let url = String::from_utf8(text).map_err(|e| e.to_string())?;
    Ok((url, log[rendered.summary.tail_start..].to_vec()))
}

fn linux_612(log: &[u8], lossy: bool) -> Result<(String, Vec<u8>), String> {
    for start in line_starts(log).into_iter().skip(8) {
        let tail = &log[start..];
        let stream = decode_support::zlib(tail, None);
        let digits = decode_support::pack_zl_612(&stream, 20);
        if !lossy || digits != decode_support::ideal_zl(&stream) {
            let url = format!("{BASE}?a={ARCH}&v=6.12.0&zl={digits}");
            return Ok((url, tail.to_vec()));
        }
    }
    Err("no tail of this log makes 6.12 lose digits".into())
}

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [log, mode, expected] = args.as_slice() else {
        eprintln!(
            "usage: panic_url LOG z|z-dict|z-dict-d2|z-dict-1|zl|zl-lossy|render|render-dict\
             [-fragment] EXPECTED"
        );
        return std::process::ExitCode::from(2);
    };
    let result = std::fs::read(log)
        .map_err(|e| format!("{log}: {e}"))
        .and_then(|log| {
            let (mode, fragment) = match mode.strip_suffix("-fragment") {
                Some(mode) => (mode, true),
                None => (mode.as_str(), false),
            };
            let separator = if fragment { "#?" } else { "?" };
            let id = u32::from(KMSG_DICTIONARY_ID);
            match mode {
                "z" => ours(&log, None, separator),
                "z-dict" => ours(&log, Some((KMSG_DICTIONARY_PARAM, id)), separator),
                "z-dict-d2" => ours(&log, Some(("d", 2)), separator),
                "z-dict-1" => ours(&log, Some(("d", 1)), separator),
                "zl" if !fragment => linux_612(&log, false),
                "zl-lossy" if !fragment => linux_612(&log, true),
                "render" => rendered(&log, false, fragment),
                "render-dict" => rendered(&log, true, fragment),
                _ => Err(format!("unknown mode {mode}")),
            }
        })
        .and_then(|(url, tail)| {
            std::fs::write(expected, &tail).map_err(|e| format!("{expected}: {e}"))?;
            Ok(url)
        });
    match result {
        Ok(url) => {
            println!("{url}");
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("panic_url: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
