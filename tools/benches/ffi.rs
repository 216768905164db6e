//! Speed through the C ABI, measured in the same run as Linux 6.12's own
//! encoder: `drm_panic_qr_generate` (byte segment and URL with packed
//! digits) and `panicqr_encode_binary` with automatic mask selection, for a
//! version 40 code.
//!
//! `cargo bench --bench ffi` prints a table. Linux's encoder runs when
//! `PANICQR_LINUX_REF` names the program `scripts/linux-reference.sh` builds
//! (its drm_panic_qr.rs compiled in user space, with the overflow checks the
//! kernel enables by default).

use std::hint::black_box;
use std::io::Write;
use std::process::{Command, Stdio};
use std::ptr;
use std::time::{Duration, Instant};

use panicqr_ffi::{drm_panic_qr_generate, panicqr_code, panicqr_encode_binary, panicqr_options};

fn median_of(mut f: impl FnMut() -> Duration) -> Duration {
    let mut samples: Vec<Duration> = (0..11).map(|_| f()).collect();
    samples.sort();
    samples[samples.len() / 2]
}

fn time(iterations: u32, mut f: impl FnMut()) -> Duration {
    median_of(|| {
        let start = Instant::now();
        for _ in 0..iterations {
            f();
        }
        start.elapsed() / iterations
    })
}

/// Times Linux 6.12's encoder on `data` through the reference program.
fn linux(data: &[u8], iterations: u32) -> Option<Duration> {
    let program = std::env::var("PANICQR_LINUX_REF").ok()?;
    median_of(|| {
        let mut child = Command::new(&program)
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
    })
    .into()
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

    let drm_bytes = time(iterations, || {
        buffer[..data.len()].copy_from_slice(&data);
        // SAFETY: the URL is NULL; the buffers are valid for their lengths.
        let width = unsafe {
            drm_panic_qr_generate(
                ptr::null(),
                buffer.as_mut_ptr(),
                data.len(),
                4071,
                tmp.as_mut_ptr(),
                3706,
            )
        };
        assert_eq!(width, 177);
    });

    let url = b"https://kdj0c.github.io/panic_report/?a=x86_64&v=6.12.0&z=\0";
    let packed = 2800;
    let drm_url = time(iterations, || {
        buffer[..packed].copy_from_slice(&data[..packed]);
        // SAFETY: the URL is NUL-terminated; the buffers are valid.
        let width = unsafe {
            drm_panic_qr_generate(
                url.as_ptr().cast(),
                buffer.as_mut_ptr(),
                packed,
                4071,
                tmp.as_mut_ptr(),
                3706,
            )
        };
        assert_eq!(width, 177);
    });

    let mut image = vec![0u8; 4071];
    let mut encode = |mask: i8| {
        let options = panicqr_options {
            min_version: 40,
            max_version: 40,
            ecc: 0,
            boost_ecc: 0,
            mask,
        };
        time(iterations, || {
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
        })
    };
    let native_fixed = encode(0);
    let native_auto = encode(-1);
    let linux = linux(&data, iterations);

    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "Version 40-L through the C ABI, 2953 random bytes (median of 11 runs of {iterations})."
    );
    println!("| call | time per code | vs Linux 6.12 (mask 0) |");
    println!("|---|---|---|");
    let ratio = |d: Duration| {
        linux.map_or("-".to_string(), |l| {
            format!("{:.1}× faster", l.as_secs_f64() / d.as_secs_f64())
        })
    };
    if let Some(l) = linux {
        println!(
            "| Linux 6.12 `drm_panic_qr_generate`, byte segment | {:.1} µs | 1.0× |",
            us(l)
        );
    }
    println!(
        "| `drm_panic_qr_generate`, byte segment | {:.1} µs | {} |",
        us(drm_bytes),
        ratio(drm_bytes)
    );
    println!(
        "| `drm_panic_qr_generate`, URL + 2800 packed bytes | {:.1} µs | {} |",
        us(drm_url),
        ratio(drm_url)
    );
    println!(
        "| `panicqr_encode_binary`, mask 0 | {:.1} µs | {} |",
        us(native_fixed),
        ratio(native_fixed)
    );
    println!(
        "| `panicqr_encode_binary`, automatic mask | {:.1} µs | {} |",
        us(native_auto),
        ratio(native_auto)
    );
}
