//! Encoder speed against the reference encoders, measured in the same run.
//!
//! `cargo bench --bench encode` prints, for versions 1, 10, 25 and 40 at
//! level L with random bytes that fill the version, the time per code of
//! panicqr, qrcodegen-no-heap and fast_qr, with a fixed mask and with
//! automatic selection, the ratios against the other two, and what
//! automatic selection costs panicqr: its time over the fixed mask's.
//!
//! The six encoders of a version run in interleaved rounds, a batch of each
//! in turn, and each ratio is the median of the per-round ratios, so a load
//! that comes and goes on the machine falls on both sides of it.
//! `BENCH_MS` sets the time a version gets (1800 ms by default).

use std::hint::black_box;
use std::time::{Duration, Instant};

use panicqr::{encode_binary, image_len, scratch_len, Ecc, Mask, Options, Version};
use qrcodegen_no_heap::{QrCode as RefCode, QrCodeEcc, Version as RefVersion};

/// One encoder at one setting, timed in batches of `calls`.
struct Contender<'a> {
    run: Box<dyn FnMut() + 'a>,
    calls: u32,
    samples: Vec<f64>,
}

impl<'a> Contender<'a> {
    fn new(run: impl FnMut() + 'a) -> Contender<'a> {
        Contender {
            run: Box::new(run),
            calls: 1,
            samples: Vec::new(),
        }
    }

    /// Seconds per call of one batch.
    fn batch(&mut self) -> f64 {
        let start = Instant::now();
        for _ in 0..self.calls {
            (self.run)();
        }
        start.elapsed().as_secs_f64() / f64::from(self.calls)
    }
}

const ROUNDS: usize = 15;

/// Times every contender in interleaved rounds: each round runs one batch of
/// each, one after the other, so that a change in the machine's load falls
/// on all of them alike. A batch lasts about `budget / ROUNDS /
/// contenders.len()`. Returns nothing; the samples stay in the contenders.
fn time_interleaved(budget: Duration, contenders: &mut [Contender<'_>]) {
    let slice = budget.as_secs_f64() / (ROUNDS * contenders.len()) as f64;
    for contender in contenders.iter_mut() {
        // Warm up, then size the batch from one call's time.
        let per_call = contender.batch().min(contender.batch());
        contender.calls = ((slice / per_call) as u32).max(1);
    }
    for _ in 0..ROUNDS {
        for contender in contenders.iter_mut() {
            let sample = contender.batch();
            contender.samples.push(sample);
        }
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// The median time per call of `a`, in µs.
fn micros(a: &Contender<'_>) -> f64 {
    median(a.samples.clone()) * 1e6
}

/// The median over the rounds of `slow / fast`, each round's two batches
/// run side by side.
fn ratio(slow: &Contender<'_>, fast: &Contender<'_>) -> f64 {
    median(
        slow.samples
            .iter()
            .zip(&fast.samples)
            .map(|(s, f)| s / f)
            .collect(),
    )
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
            .unwrap_or(1800),
    );
    println!(
        "Encoder speed, level L, random bytes filling the version; {ROUNDS} interleaved \
         rounds, {budget:?} a version; medians."
    );
    println!(
        "| version | mask  | panicqr | qrcodegen-no-heap | fast_qr | vs qrcodegen | vs fast_qr \
         | panicqr auto ÷ fixed |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    for v in [1u8, 10, 25, 40] {
        let version = Version::new(v).unwrap();
        let data = bytes_for(version);
        let mut contenders = Vec::new();
        for fixed in [true, false] {
            contenders.push(Contender::new(ours(version, &data, fixed)));
            contenders.push(Contender::new(reference(v, &data, fixed)));
            contenders.push(Contender::new(fast(v, &data, fixed)));
        }
        time_interleaved(budget, &mut contenders);
        let [ours_fixed, ref_fixed, fast_fixed, ours_auto, ref_auto, fast_auto] = &contenders[..]
        else {
            unreachable!()
        };
        for (mask, ours, reference, fast) in [
            ("fixed", ours_fixed, ref_fixed, fast_fixed),
            ("auto", ours_auto, ref_auto, fast_auto),
        ] {
            let auto_over_fixed = if mask == "auto" {
                format!("{:.2}×", ratio(ours_auto, ours_fixed))
            } else {
                String::new()
            };
            println!(
                "| V{v} | {mask} | {:.1} µs | {:.1} µs | {:.1} µs | {:.1}× | {:.1}× | {auto_over_fixed} |",
                micros(ours),
                micros(reference),
                micros(fast),
                ratio(reference, ours),
                ratio(fast, ours),
            );
        }
    }
}

/// panicqr at `version`, mask 0 or automatic.
fn ours<'a>(version: Version, data: &'a [u8], fixed: bool) -> impl FnMut() + 'a {
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
    move || {
        let code = encode_binary(black_box(data), &options, &mut scratch, &mut image).unwrap();
        black_box(code.mask());
    }
}

/// qrcodegen-no-heap at version `v`, mask 0 or automatic.
fn reference(v: u8, data: &[u8], fixed: bool) -> impl FnMut() + '_ {
    let ref_version = RefVersion::new(v);
    let mut out = vec![0u8; RefVersion::MAX.buffer_len()];
    let mut temp = vec![0u8; RefVersion::MAX.buffer_len()];
    move || {
        temp[..data.len()].copy_from_slice(black_box(data));
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
    }
}

/// fast_qr at version `v`, mask 0 (its checkerboard) or automatic.
fn fast(v: u8, data: &[u8], fixed: bool) -> impl FnMut() + '_ {
    move || {
        let mut builder = fast_qr::QRBuilder::new(black_box(data));
        builder
            .ecl(fast_qr::ECL::L)
            .version(fast_version(v))
            .mode(fast_qr::Mode::Byte);
        if fixed {
            builder.mask(fast_qr::Mask::Checkerboard);
        }
        black_box(builder.build().unwrap().size);
    }
}
