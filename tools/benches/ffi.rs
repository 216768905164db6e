//! Speed through the C ABI, measured in the same run as Linux 6.12's own
//! encoder: `drm_panic_qr_generate` (byte segment and URL with packed
//! digits) and `panicqr_encode_binary` with automatic mask selection, for a
//! version 40 code.
//!
//! `cargo bench --bench ffi` prints a table. Linux's encoder runs when
//! `PANICQR_LINUX_REF` names the program `scripts/linux-reference.sh` builds
//! (its drm_panic_qr.rs compiled in user space, with the overflow checks the
//! kernel enables by default). Each round times Linux's encoder (in a child
//! process) and then every call of ours, or ours first, in turn, so that
//! load changes move both sides.

use std::hint::black_box;
use std::io::Write;
use std::process::{Command, Stdio};
use std::ptr;
use std::time::{Duration, Instant};

use panicqr_ffi::{drm_panic_qr_generate, panicqr_code, panicqr_encode_binary, panicqr_options};

/// Rounds: each times Linux's encoder and then every call of ours, or
/// ours first in every other round.
const ROUNDS: usize = 11;

fn median<T: Copy + PartialOrd>(mut samples: Vec<T>) -> T {
    samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
    samples[samples.len() / 2]
}

fn time(iterations: u32, mut f: impl FnMut()) -> Duration {
    let start = Instant::now();
    for _ in 0..iterations {
        f();
    }
    start.elapsed() / iterations
}

/// Times Linux 6.12's encoder on `data` once through the reference program
/// (`iterations` codes in one child process).
fn linux(program: &str, data: &[u8], iterations: u32) -> Duration {
    let mut child = Command::new(program)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run the Linux reference");
    let mut request = vec![3u8];
    request.extend((data.len() as u32).to_le_bytes());
    request.extend(data);
    request.extend(iterations.to_le_bytes());
    child.stdin.take().unwrap().write_all(&request).unwrap();
    let out = child.wait_with_output().unwrap();
    let nanos = u64::from_le_bytes(out.stdout[..8].try_into().unwrap());
    Duration::from_nanos(nanos / u64::from(iterations))
}

/// The calls of ours that the bench times.
#[derive(Clone, Copy)]
enum Call {
    DrmBytes,
    DrmUrl,
    Fixed,
    Auto,
}

const CALLS: [(Call, &str); 4] = [
    (Call::DrmBytes, "`drm_panic_qr_generate`, byte segment"),
    (
        Call::DrmUrl,
        "`drm_panic_qr_generate`, URL + 2800 packed bytes",
    ),
    (Call::Fixed, "`panicqr_encode_binary`, mask 0"),
    (Call::Auto, "`panicqr_encode_binary`, automatic mask"),
];

/// Runs one call of ours on `data`, with the buffers of a version 40 code.
fn run(call: Call, data: &[u8], buffer: &mut [u8], tmp: &mut [u8], image: &mut [u8]) {
    let url = b"https://kdj0c.github.io/panic_report/?a=x86_64&v=6.12.0&z=\0";
    let packed = 2800;
    match call {
        Call::DrmBytes | Call::DrmUrl => {
            let (url, len) = match call {
                Call::DrmUrl => (url.as_ptr().cast(), packed),
                _ => (ptr::null(), data.len()),
            };
            buffer[..len].copy_from_slice(&data[..len]);
            // SAFETY: the URL is NULL or NUL-terminated; the buffers are
            // valid for their lengths.
            let width = unsafe {
                drm_panic_qr_generate(
                    url,
                    buffer.as_mut_ptr(),
                    len,
                    buffer.len(),
                    tmp.as_mut_ptr(),
                    tmp.len(),
                )
            };
            assert_eq!(width, 177);
        }
        Call::Fixed | Call::Auto => {
            let options = panicqr_options {
                min_version: 40,
                max_version: 40,
                ecc: 0,
                boost_ecc: 0,
                mask: if matches!(call, Call::Fixed) { 0 } else { -1 },
            };
            let mut code = panicqr_code::default();
            // SAFETY: every pointer is valid for the length passed with it.
            let status = unsafe {
                panicqr_encode_binary(
                    black_box(data.as_ptr()),
                    data.len(),
                    &options,
                    tmp.as_mut_ptr(),
                    tmp.len(),
                    image.as_mut_ptr(),
                    image.len(),
                    &mut code,
                )
            };
            assert_eq!(code.version, 40, "{status:?}");
        }
    }
}

fn main() {
    let iterations = 200;
    let mut state = 0x2545_f491_u32;
    let data: Vec<u8> = (0..2953)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as u8
        })
        .collect();
    let mut buffer = vec![0u8; 4071];
    let mut tmp = vec![0u8; 3706];
    let mut image = vec![0u8; 4071];
    let program = std::env::var("PANICQR_LINUX_REF").ok();

    let mut ours: Vec<Vec<Duration>> = vec![Vec::new(); CALLS.len()];
    let mut ratios: Vec<Vec<f64>> = vec![Vec::new(); CALLS.len()];
    let mut theirs = Vec::new();
    for round in 0..ROUNDS {
        let mut times = [Duration::ZERO; CALLS.len()];
        let mut time_ours = |times: &mut [Duration; CALLS.len()]| {
            for (slot, &(call, _)) in times.iter_mut().zip(&CALLS) {
                *slot = time(iterations, || {
                    run(call, &data, &mut buffer, &mut tmp, &mut image)
                });
            }
        };
        let mut linux_time = None;
        if round % 2 == 1 {
            time_ours(&mut times);
        }
        if let Some(program) = &program {
            linux_time = Some(linux(program, &data, iterations));
        }
        if round % 2 == 0 {
            time_ours(&mut times);
        }
        for (i, &t) in times.iter().enumerate() {
            ours[i].push(t);
            if let Some(l) = linux_time {
                ratios[i].push(l.as_secs_f64() / t.as_secs_f64());
            }
        }
        theirs.extend(linux_time);
    }

    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "Version 40-L through the C ABI, 2953 random bytes: {ROUNDS} interleaved rounds of \
         {iterations} codes a call; medians, the ratio the median of the rounds' ratios."
    );
    println!("| call | time per code | vs Linux 6.12 (mask 0) |");
    println!("|---|---|---|");
    if !theirs.is_empty() {
        println!(
            "| Linux 6.12 `drm_panic_qr_generate`, byte segment | {:.1} µs | 1.0× |",
            us(median(theirs))
        );
    }
    for ((&(_, name), ours), ratios) in CALLS.iter().zip(ours).zip(ratios) {
        let ratio = if ratios.is_empty() {
            "-".to_string()
        } else {
            format!("{:.1}× faster", median(ratios))
        };
        println!("| {name} | {:.1} µs | {ratio} |", us(median(ours)));
    }
}
