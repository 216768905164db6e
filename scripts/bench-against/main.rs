// SPDX-License-Identifier: MIT OR Apache-2.0
//! The harness of `scripts/bench-against.sh`: the working tree's core
//! (`new`) against an earlier one (`old`), rounds interleaved.

use std::time::Instant;

/// Runs per round and side.
const RUNS: u32 = 20;
/// The URL length of the payload bench.
const URL_LEN: usize = 48;

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// FNV-1a of `bytes`.
fn digest(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: bench-against LOG ROUNDS REV");
    let rounds: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(15);
    let rev = args.next().unwrap_or_default();
    let log = std::fs::read(&path).expect("the log");
    let len = new::payload::deflate::WORKSPACE_LEN.max(old::payload::deflate::WORKSPACE_LEN);
    let mut work = vec![0u8; len];
    let capacity =
        |v: u8| new::panic_url_capacity(new::Version::new(v).unwrap(), new::Ecc::Low, URL_LEN);
    let v40 = capacity(40);
    // The tail the fit carries at V40: what one full compression codes.
    let mut out = vec![0u8; v40];
    let tail_start = new::payload::fit_compressed(&log, None, &mut work, &mut out)
        .expect("fit")
        .tail_start;
    let tail = &log[tail_start..];

    println!(
        "| {} bytes, {rounds} rounds of {RUNS} | {rev} | working tree | {rev} / working tree |",
        log.len()
    );
    println!("|---|---|---|---|");
    let jobs = [
        (format!("compression of the V40 tail ({} B)", tail.len()), 0),
        (format!("fit at V40 ({v40} B)"), v40),
        (format!("fit at V10 ({} B)", capacity(10)), capacity(10)),
    ];
    for (what, room) in jobs {
        let mut out = vec![0u8; if room == 0 { 2 * tail.len() + 64 } else { room }];
        // The result of the last run, and a digest of the stream it wrote.
        let mut run = |new_side: bool| -> (f64, (usize, usize, u64)) {
            let mut result = (0, 0);
            let start = Instant::now();
            for _ in 0..RUNS {
                result = match (room, new_side) {
                    (0, true) => (
                        0,
                        new::payload::deflate::compress(tail, None, &mut work, &mut out).unwrap(),
                    ),
                    (0, false) => (
                        0,
                        old::payload::deflate::compress(tail, None, &mut work, &mut out).unwrap(),
                    ),
                    (_, true) => {
                        let fit =
                            new::payload::fit_compressed(&log, None, &mut work, &mut out).unwrap();
                        (fit.tail_start, fit.payload_len)
                    }
                    (_, false) => {
                        let fit =
                            old::payload::fit_compressed(&log, None, &mut work, &mut out).unwrap();
                        (fit.tail_start, fit.payload_len)
                    }
                };
            }
            let time = start.elapsed().as_secs_f64() * 1e3 / f64::from(RUNS);
            let written = &out[..result.1.min(out.len())];
            (time, (result.0, result.1, digest(written)))
        };
        let (mut olds, mut news, mut ratios) = (vec![], vec![], vec![]);
        for round in 0..rounds {
            // Alternate which side goes first.
            let (t_old, r_old, t_new, r_new) = if round % 2 == 0 {
                let (to, ro) = run(false);
                let (tn, rn) = run(true);
                (to, ro, tn, rn)
            } else {
                let (tn, rn) = run(true);
                let (to, ro) = run(false);
                (to, ro, tn, rn)
            };
            assert_eq!(r_old, r_new, "{what}: the two give different output");
            olds.push(t_old);
            news.push(t_new);
            ratios.push(t_old / t_new);
        }
        println!(
            "| {what} | {:.3} ms | {:.3} ms | {:.3}× |",
            median(&mut olds),
            median(&mut news),
            median(&mut ratios)
        );
    }
}
