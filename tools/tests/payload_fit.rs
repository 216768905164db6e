//! The payload fit and `encode_kmsg`: every payload inflates back to exactly
//! the tail it claims, the tail starts on a line, one more line would not
//! fit, and the finished code decodes (rqrr) to the URL and data.

use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;
use panicqr::payload::deflate::{compressed_len_with, Effort, WINDOW_SIZE, WORKSPACE_LEN};
use panicqr::payload::{
    encode_kmsg, fit_compressed, fit_compressed_with, last_lines_start, line_count, KmsgRequest,
    KMSG_DICTIONARY,
};
use panicqr::{image_len, panic_url_capacity, scratch_len, Ecc, Options, Version};

/// Inflates a zlib stream with an optional preset dictionary.
fn inflate(stream: &[u8], dict: Option<&[u8]>) -> Vec<u8> {
    let has_dict = stream[1] & 0x20 != 0;
    assert_eq!(has_dict, dict.is_some());
    let header = if has_dict { 6 } else { 2 };
    let history = dict.map_or(&[][..], |d| &d[d.len().saturating_sub(WINDOW_SIZE)..]);
    let body = &stream[header..stream.len() - 4];
    let mut out = history.to_vec();
    out.resize(history.len() + (1 << 20), 0);
    let mut state = DecompressorOxide::new();
    let (status, _, written) = decompress(
        &mut state,
        body,
        &mut out,
        history.len(),
        inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF,
    );
    assert_eq!(status, TINFLStatus::Done);
    let data = out[history.len()..history.len() + written].to_vec();
    let adler = u32::from_be_bytes(stream[stream.len() - 4..].try_into().unwrap());
    assert_eq!(adler, panicqr::payload::deflate::adler32(1, &data));
    data
}

fn corpus() -> Vec<Vec<u8>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("corpus next to the repository")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "log"))
        .collect();
    paths.sort();
    paths.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

fn random_log(seed: u64) -> Vec<u8> {
    let mut s = seed;
    let mut log = Vec::new();
    for i in 0..(50 + seed % 300) {
        let words = 1 + xorshift(&mut s) % 12;
        log.extend_from_slice(format!("[{i:5}.{:06}]", xorshift(&mut s) % 1_000_000).as_bytes());
        for _ in 0..words {
            let w = ["mm", "irq", "ffff8881", "Call Trace", "pci", "0x1f/0x30"]
                [(xorshift(&mut s) % 6) as usize];
            log.extend_from_slice(format!(" {w}{}", xorshift(&mut s) % 97).as_bytes());
        }
        log.push(b'\n');
    }
    log
}

/// Fits `log` at both efforts and checks each fit; returns the bytes
/// carried at each, best first.
fn check_fit(log: &[u8], dict: Option<&[u8]>, capacity: usize) -> [usize; 2] {
    [Effort::Best, Effort::Fast].map(|effort| check_fit_with(log, dict, capacity, effort))
}

/// Checks the fit of `log` at `effort`: the stream inflates to the tail,
/// which starts on a line (or is the end of the last one), and one more
/// line does not fit at that effort. Returns the bytes carried.
fn check_fit_with(log: &[u8], dict: Option<&[u8]>, capacity: usize, effort: Effort) -> usize {
    let mut ws = vec![0u8; WORKSPACE_LEN];
    let mut out = vec![0u8; capacity];
    let fit = match fit_compressed_with(log, dict, &mut ws, &mut out, effort) {
        Ok(fit) => fit,
        Err(panicqr::Error::DataTooLong { .. }) => {
            assert!(capacity < 20, "only tiny capacities fail");
            return 0;
        }
        Err(e) => panic!("{e}"),
    };
    assert!(fit.payload_len <= capacity);
    let tail = &log[fit.tail_start..];
    assert_eq!(inflate(&out[..fit.payload_len], dict), tail);
    let lines = line_count(log);
    let log2 = usize::BITS - lines.leading_zeros();
    if fit.truncated {
        // Not even the last line fits; the tail is the end of it.
        assert!(fit.tail_start > last_lines_start(log, 1));
    } else {
        assert!(fit.tail_start == 0 || log[fit.tail_start - 1] == b'\n');
        assert!(
            fit.compressions as u32 <= 2 * log2 + 2,
            "{} compressions for {lines} lines",
            fit.compressions
        );
        // One more line does not fit.
        let carried = (0..=lines)
            .find(|&j| last_lines_start(log, j) == fit.tail_start)
            .unwrap();
        if carried < lines {
            let longer = &log[last_lines_start(log, carried + 1)..];
            let len = compressed_len_with(longer, dict, &mut ws, effort).unwrap();
            assert!(len > capacity);
        }
    }
    tail.len()
}

#[test]
fn corpus_fits_round_trip() {
    // Bytes carried over the corpus at each effort, best first.
    let mut carried = [0usize; 2];
    for log in corpus() {
        for capacity in [30, 150, 271, 800, 1500, 2868] {
            for dict in [None, Some(KMSG_DICTIONARY)] {
                let [best, fast] = check_fit(&log, dict, capacity);
                carried[0] += best;
                carried[1] += fast;
            }
        }
    }
    // The fast effort carries a few percent less (docs/payload.md): less
    // than the full effort, but not by a tenth.
    assert!(carried[1] < carried[0], "{carried:?}");
    assert!(carried[1] * 10 > carried[0] * 9, "{carried:?}");
}

#[test]
fn random_logs_fit_round_trip() {
    for seed in 1..40 {
        let log = random_log(seed);
        check_fit(&log, None, 100 + 37 * seed as usize);
        check_fit(&log, Some(KMSG_DICTIONARY), 100 + 37 * seed as usize);
    }
}

#[test]
fn long_last_line_is_truncated() {
    let mut log = b"short line\n".to_vec();
    let mut s = 3;
    log.extend((0..3000).map(|_| b'a' + (xorshift(&mut s) % 26) as u8));
    log.push(b'\n');
    // A one-line log: the corpus's longest with its newlines made spaces.
    let corpus = corpus();
    let longest = corpus.iter().max_by_key(|l| l.len()).unwrap();
    let one_line: Vec<u8> = longest
        .iter()
        .map(|&b| if b == b'\n' { b' ' } else { b })
        .collect();
    let mut ws = vec![0u8; WORKSPACE_LEN];
    for (log, dict, capacity) in [
        (&log, None, 200),
        (&one_line, None, 218),
        (&one_line, Some(KMSG_DICTIONARY), 213),
        (&one_line, None, 2868),
    ] {
        let mut out = vec![0u8; capacity];
        let fit = fit_compressed(log, dict, &mut ws, &mut out).unwrap();
        assert!(fit.truncated);
        assert!(fit.tail_start > last_lines_start(log, 1));
        assert_eq!(
            inflate(&out[..fit.payload_len], dict),
            &log[fit.tail_start..]
        );
        // A byte more does not fit.
        let more =
            panicqr::payload::deflate::compressed_len(&log[fit.tail_start - 1..], dict, &mut ws)
                .unwrap();
        assert!(more > capacity);
        // The fast compressor aims the search in bytes: a handful of full
        // compressions, where galloping and bisecting took 20 to 28.
        assert!(fit.compressions <= 12, "{} compressions", fit.compressions);
    }
}

/// Reads the code back with rqrr and returns its text.
fn scan(code: &panicqr::QrCode<'_>) -> Vec<u8> {
    let width = usize::from(code.width());
    let scale = 4;
    let quiet = 4;
    let size = (width + 2 * quiet) * scale;
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(size, size, |x, y| {
        let mx = (x / scale) as i32 - quiet as i32;
        let my = (y / scale) as i32 - quiet as i32;
        if code.is_dark(mx, my) {
            0
        } else {
            255
        }
    });
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1);
    let mut text = Vec::new();
    grids[0].decode_to(&mut text).expect("decodes");
    text
}

/// Unpacks the mainline packing: 17 digits per 7 little-endian bytes.
fn unpack(digits: &[u8]) -> Vec<u8> {
    let tail_digits = [0, 3, 5, 8, 10, 13, 15];
    let mut out = Vec::new();
    for group in digits.chunks(17) {
        let bytes = if group.len() == 17 {
            7
        } else {
            tail_digits.iter().position(|&d| d == group.len()).unwrap()
        };
        let value: u64 = std::str::from_utf8(group).unwrap().parse().unwrap();
        out.extend_from_slice(&value.to_le_bytes()[..bytes]);
    }
    out
}

#[test]
fn encode_kmsg_round_trips_through_a_decoder() {
    let logs = corpus();
    let mut ws = vec![0u8; WORKSPACE_LEN];
    let mut used_dictionary = 0;
    for (i, log) in logs.iter().enumerate().step_by(3) {
        for (max, dictionary) in [(10, true), (20, false), (25, true), (40, true)] {
            let request = KmsgRequest {
                base_url: Some(b"https://panic.example.org/r"),
                arch: b"aarch64",
                release: b"6.12.0-test",
                dictionary,
                // One setting at the fast effort, through the decoder too.
                effort: if max == 20 {
                    Effort::Fast
                } else {
                    Effort::Best
                },
                options: Options {
                    max_version: Version::new(max).unwrap(),
                    ..Options::default()
                },
            };
            let mut scratch = vec![0u8; scratch_len(Version::MAX)];
            let mut image = vec![0u8; image_len(Version::MAX)];
            let (code, report) =
                encode_kmsg(log, &request, &mut ws, &mut scratch, &mut image).unwrap();
            assert!(code.version().number() <= max);
            let text = scan(&code);
            let prefix: &[u8] = if report.dictionary {
                used_dictionary += 1;
                b"https://panic.example.org/r?a=aarch64&v=6.12.0-test&zd=2&z="
            } else {
                b"https://panic.example.org/r?a=aarch64&v=6.12.0-test&z="
            };
            assert!(text.starts_with(prefix), "log {i}");
            assert_eq!(report.url_len, prefix.len());
            let stream = unpack(&text[prefix.len()..]);
            assert_eq!(stream.len(), report.payload_len);
            let dict = report.dictionary.then_some(KMSG_DICTIONARY);
            assert_eq!(inflate(&stream, dict), &log[report.tail_start..]);
            assert_eq!(report.tail_len, log.len() - report.tail_start);
            let capacity = panic_url_capacity(Version::new(max).unwrap(), Ecc::Low, prefix.len());
            assert!(report.payload_len <= capacity);
        }
    }
    assert!(used_dictionary > 0);
}

#[test]
fn encode_kmsg_raw_carries_the_log_tail() {
    let log = &corpus()[0];
    let request = KmsgRequest {
        base_url: None,
        arch: b"",
        release: b"",
        dictionary: false,
        effort: Effort::Best,
        options: Options {
            max_version: Version::new(15).unwrap(),
            ..Options::default()
        },
    };
    let mut scratch = vec![0u8; scratch_len(Version::MAX)];
    let mut image = vec![0u8; image_len(Version::MAX)];
    let (code, report) = encode_kmsg(log, &request, &mut [], &mut scratch, &mut image).unwrap();
    let text = scan(&code);
    assert_eq!(text, &log[report.tail_start..]);
    assert!(report.tail_start == 0 || log[report.tail_start - 1] == b'\n');
    assert!(!report.truncated);
}

#[test]
fn encode_kmsg_reports_short_buffers() {
    let request = KmsgRequest {
        base_url: Some(b"https://x/"),
        arch: b"x86_64",
        release: b"6.12",
        dictionary: true,
        effort: Effort::Best,
        options: Options::default(),
    };
    let mut scratch = vec![0u8; scratch_len(Version::MAX)];
    let mut image = vec![0u8; image_len(Version::MAX)];
    let mut ws = vec![0u8; WORKSPACE_LEN - 1];
    assert_eq!(
        encode_kmsg(b"log\n", &request, &mut ws, &mut scratch, &mut image).err(),
        Some(panicqr::Error::BufferTooSmall {
            needed: WORKSPACE_LEN
        })
    );
    let mut ws = vec![0u8; WORKSPACE_LEN];
    assert_eq!(
        encode_kmsg(b"log\n", &request, &mut ws, &mut scratch, &mut image[..100]).err(),
        Some(panicqr::Error::BufferTooSmall {
            needed: image_len(Version::MAX)
        })
    );
}

/// The fit carries what the reference fit (gallop and bisect with the full
/// compressor, as before the fast estimate) carries, within 0.5% on every
/// corpus log, at versions 10 to 40 with and without the dictionary.
#[test]
fn fit_carries_what_the_reference_fit_carries() {
    use panicqr_tools::fit_reference::fit_compressed_reference;
    let mut ws = vec![0u8; WORKSPACE_LEN];
    for log in corpus() {
        for v in [10, 20, 30, 40] {
            for dict in [None, Some(KMSG_DICTIONARY)] {
                let url_len = if dict.is_some() { 53 } else { 48 };
                let cap = panic_url_capacity(Version::new(v).unwrap(), Ecc::Low, url_len);
                let mut out = vec![0u8; cap];
                let reference = fit_compressed_reference(&log, dict, &mut ws, &mut out).unwrap();
                let fit = fit_compressed(&log, dict, &mut ws, &mut out).unwrap();
                let (before, after) =
                    (log.len() - reference.tail_start, log.len() - fit.tail_start);
                assert!(
                    after.abs_diff(before) * 200 <= before,
                    "V{v}, dictionary {}: {before} -> {after} bytes",
                    dict.is_some()
                );
                assert!(fit.compressions <= reference.compressions.max(4));
            }
        }
    }
}
