//! Round trips of `panicqr::payload::deflate` through miniz_oxide, with and without
//! the preset dictionary, on the corpus, random logs and edge cases.

use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;
use panicqr::payload::deflate::{
    adler32, compress, max_compressed_len, WINDOW_SIZE, WORKSPACE_LEN,
};
use panicqr::payload::KMSG_DICTIONARY;

/// Inflates a zlib stream, priming the window with `dict` as zlib's
/// `inflateSetDictionary` does, and checks the header and the checksum.
fn inflate(stream: &[u8], dict: Option<&[u8]>, expected_len: usize) -> Vec<u8> {
    assert_eq!(stream[0], 0x48, "deflate, 4 KiB window");
    assert_eq!((u32::from(stream[0]) << 8 | u32::from(stream[1])) % 31, 0);
    let has_dict = stream[1] & 0x20 != 0;
    assert_eq!(has_dict, dict.is_some());
    let mut header = 2;
    let history: &[u8] = match dict {
        Some(d) => {
            assert_eq!(stream[2..6], adler32(1, d).to_be_bytes(), "DICTID");
            header = 6;
            &d[d.len().saturating_sub(WINDOW_SIZE)..]
        }
        None => &[],
    };
    let body = &stream[header..stream.len() - 4];
    let mut out = history.to_vec();
    out.resize(history.len() + expected_len + 1, 0);
    let mut state = DecompressorOxide::new();
    let (status, consumed, written) = decompress(
        &mut state,
        body,
        &mut out,
        history.len(),
        inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF,
    );
    assert_eq!(status, TINFLStatus::Done);
    assert_eq!(consumed, body.len(), "no trailing bytes");
    let data = out[history.len()..history.len() + written].to_vec();
    let adler = u32::from_be_bytes(stream[stream.len() - 4..].try_into().unwrap());
    assert_eq!(adler, adler32(1, &data));
    data
}

fn round_trip(input: &[u8], dict: Option<&[u8]>) -> usize {
    let mut ws = vec![0u8; WORKSPACE_LEN];
    let mut out = vec![0u8; max_compressed_len(input.len())];
    let n = compress(input, dict, &mut ws, &mut out).unwrap();
    assert_eq!(inflate(&out[..n], dict, input.len()), input);
    n
}

fn corpus() -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let mut logs: Vec<_> = std::fs::read_dir(dir)
        .expect("corpus next to the repository")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "log"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    logs.sort();
    assert!(logs.len() >= 20);
    logs
}

fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// A synthetic log: timestamps, a few message shapes, hex and decimal fields.
fn random_log(seed: u64, lines: usize) -> Vec<u8> {
    let mut s = seed;
    let mut log = Vec::new();
    let shapes = [
        "usb 1-1: new high-speed USB device number",
        "CPU: 3 PID: 1 Comm: swapper/0 Not tainted",
        "RIP: 0010:do_one_initcall+0x",
        " ? __pfx_kernel_init+0x10/0x10",
        "Call Trace:",
        "random: crng init done",
    ];
    for i in 0..lines {
        let shape = shapes[(xorshift(&mut s) % shapes.len() as u64) as usize];
        let t = i as u64 * 1000 + xorshift(&mut s) % 1000;
        log.extend_from_slice(
            format!(
                "[{:5}.{:06}] {} {:x}\n",
                t / 1_000_000,
                t % 1_000_000,
                shape,
                xorshift(&mut s) >> 20
            )
            .as_bytes(),
        );
    }
    log
}

#[test]
fn corpus_round_trips_with_and_without_dictionary() {
    for (name, log) in corpus() {
        let plain = round_trip(&log, None);
        let with = round_trip(&log, Some(KMSG_DICTIONARY));
        assert!(plain < log.len(), "{name}");
        // Every 7th line start, so that tails of all sizes are covered.
        let starts: Vec<usize> = std::iter::once(0)
            .chain(
                log.iter()
                    .enumerate()
                    .filter(|(_, &b)| b == b'\n')
                    .map(|(i, _)| i + 1),
            )
            .step_by(7)
            .collect();
        for start in starts {
            round_trip(&log[start..], None);
            round_trip(&log[start..], Some(KMSG_DICTIONARY));
        }
        eprintln!(
            "{name}: {} -> {plain} / {with} with the dictionary",
            log.len()
        );
    }
}

#[test]
fn random_logs_round_trip() {
    for seed in 1..20 {
        let log = random_log(seed, 20 + 37 * seed as usize);
        round_trip(&log, None);
        round_trip(&log, Some(KMSG_DICTIONARY));
    }
}

#[test]
fn edge_cases_round_trip() {
    let mut s = 99;
    let random: Vec<u8> = (0..30_000).map(|_| xorshift(&mut s) as u8).collect();
    let mut mixed = random_log(5, 400);
    mixed.extend_from_slice(&random[..5000]);
    mixed.extend_from_slice(&vec![b'\n'; 70_000]);
    let inputs: [&[u8]; 8] = [
        b"",
        b"x",
        b"\n",
        &random,
        &[0u8; 100_000],
        &mixed,
        KMSG_DICTIONARY,
        &KMSG_DICTIONARY[100..300],
    ];
    for input in inputs {
        for dict in [
            None,
            Some(KMSG_DICTIONARY),
            Some(&random[..10_000]),
            Some(&b""[..]),
        ] {
            let n = round_trip(input, dict);
            assert!(n <= max_compressed_len(input.len()));
        }
    }
    // Incompressible data falls back to stored blocks.
    assert!(round_trip(&random, None) < random.len() + 64);
    // The dictionary itself costs almost nothing once primed: a few
    // matches as long as they go, under 2% of its length.
    assert!(round_trip(KMSG_DICTIONARY, Some(KMSG_DICTIONARY)) * 50 < KMSG_DICTIONARY.len());
}

#[test]
fn dictionary_helps_small_logs() {
    let mut wins = 0;
    let logs = corpus();
    for (_, log) in &logs {
        let tail = &log[log.len().saturating_sub(800)..];
        if round_trip(tail, Some(KMSG_DICTIONARY)) < round_trip(tail, None) {
            wins += 1;
        }
    }
    assert!(wins * 10 >= logs.len() * 9, "{wins} of {}", logs.len());
}
