//! Encoder speed against the reference encoders, measured in the same run.
//!
//! `cargo bench --bench encode` prints, for versions 1, 10, 25 and 40 at
//! level L with random bytes that fill the version, the time per code of
//! panicqr, qrcodegen-no-heap and fast_qr, with a fixed mask and with
//! automatic selection, and the ratios against qrcodegen-no-heap.

use std::hint::black_box;
use std::time::{Duration, Instant};

use panicqr::{encode_binary, image_len, scratch_len, Ecc, Mask, Options, Version};
use qrcodegen_no_heap::{QrCode as RefCode, QrCodeEcc, Version as RefVersion};

/// Runs `f` for about `budget` and returns the median of 15 batch means.
fn time(budget: Duration, mut f: impl FnMut()) -> Duration {
    let start = Instant::now();
    let mut calls = 0u32;
    while start.elapsed() < budget / 10 || calls < 3 {
        f();
        calls += 1;
    }
    let per_batch = calls.max(1);
    let mut samples: Vec<Duration> = (0..15)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..per_batch {
                f();
            }
            start.elapsed() / per_batch
        })
        .collect();
    samples.sort();
    samples[samples.len() / 2]
}

fn bytes_for(version: Version) -> Vec<u8> {
    // The largest byte segment that fits at level L.
    let capacity = version.data_bits(Ecc::Low) / 8 - if version.number() < 10 { 2 } else { 3 };
    let mut state = 0x9e37_79b9_u32;
    (0..capacity)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as u8
        })
        .collect()
}

fn fast_version(v: u8) -> fast_qr::Version {
    match v {
        1 => fast_qr::Version::V01,
        10 => fast_qr::Version::V10,
        25 => fast_qr::Version::V25,
        _ => fast_qr::Version::V40,
    }
}

fn main() {
    let budget = Duration::from_millis(
        std::env::var("BENCH_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(300),
    );
    println!("Encoder speed, level L, random bytes filling the version ({budget:?} a cell).");
    println!(
        "| version | mask  | panicqr | qrcodegen-no-heap | fast_qr | vs qrcodegen | vs fast_qr |"
    );
    println!("|---|---|---|---|---|---|---|");
    for v in [1u8, 10, 25, 40] {
        let version = Version::new(v).unwrap();
        let data = bytes_for(version);
        for fixed in [true, false] {
            let options = Options {
                min_version: version,
                max_version: version,
                ecc: Ecc::Low,
                boost_ecc: false,
                mask: if fixed { Mask::new(0) } else { None },
                ..Options::default()
            };
            let mut scratch = vec![0u8; scratch_len(Version::MAX)];
            let mut image = vec![0u8; image_len(Version::MAX)];
            let ours = time(budget, || {
                let code =
                    encode_binary(black_box(&data), &options, &mut scratch, &mut image).unwrap();
                black_box(code.mask());
            });

            let ref_version = RefVersion::new(v);
            let mut out = vec![0u8; RefVersion::MAX.buffer_len()];
            let mut temp = vec![0u8; RefVersion::MAX.buffer_len()];
            let reference = time(budget, || {
                temp[..data.len()].copy_from_slice(black_box(&data));
                let code = RefCode::encode_binary(
                    &mut temp,
                    data.len(),
                    &mut out,
                    QrCodeEcc::Low,
                    ref_version,
                    ref_version,
                    if fixed {
                        Some(qrcodegen_no_heap::Mask::new(0))
                    } else {
                        None
                    },
                    false,
                )
                .unwrap();
                black_box(code.size());
            });

            let fast = time(budget, || {
                let mut builder = fast_qr::QRBuilder::new(black_box(data.as_slice()));
                builder
                    .ecl(fast_qr::ECL::L)
                    .version(fast_version(v))
                    .mode(fast_qr::Mode::Byte);
                if fixed {
                    builder.mask(fast_qr::Mask::Checkerboard);
                }
                black_box(builder.build().unwrap().size);
            });
            println!(
                "| V{v} | {} | {:.1} µs | {:.1} µs | {:.1} µs | {:.1}× | {:.1}× |",
                if fixed { "fixed" } else { "auto" },
                ours.as_secs_f64() * 1e6,
                reference.as_secs_f64() * 1e6,
                fast.as_secs_f64() * 1e6,
                reference.as_secs_f64() / ours.as_secs_f64(),
                fast.as_secs_f64() / ours.as_secs_f64(),
            );
        }
    }
}
