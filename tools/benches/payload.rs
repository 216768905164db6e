//! The panic payload benchmark: log bytes carried by a QR code, ours against
//! Linux's, the speed of fitting a 16 KB log, and the memory used.
//!
//! Run with `cargo bench --bench payload`. Environment:
//!
//! - `PANICQR_CORPUS`: the folder of `*.log` files (default
//!   `../shared/corpus` next to the repository);
//! - `PANICQR_PART`: `even` or `odd` keeps every other log, by name, as
//!   `scripts/build-dictionary.py --part` does, to measure on held-out logs;
//! - `PANICQR_DICT`: a dictionary file to use instead of the built-in one
//!   (for example one built from the other part);
//! - `PANICQR_BENCH`: `fit` runs only the fit's speed against the reference
//!   fit (on the 16 KB log, then on full 16 KiB kmsg buffers made of the
//!   corpus) and its bytes carried, `capacity` only the rest; both by
//!   default.
//!
//! The fit's speed is measured against
//! `panicqr_tools::fit_reference::fit_compressed_reference` (the fit before
//! the fast estimate) in the same run: rounds alternate between the two,
//! and the ratio is the median of the rounds' ratios.

use std::ffi::{c_int, c_void};

/// Linux's settings on classic zlib: level 6, window bits 12, memLevel 4.
mod linux_zlib {
    use super::*;
    use libz_sys as z;
    use std::alloc::{alloc_zeroed, dealloc, Layout};

    const HEADER: usize = 16;

    unsafe extern "C" fn zalloc(_: *mut c_void, items: z::uInt, size: z::uInt) -> *mut c_void {
        let n = items as usize * size as usize + HEADER;
        let Ok(layout) = Layout::from_size_align(n, HEADER) else {
            return std::ptr::null_mut();
        };
        // SAFETY: the layout has a non-zero size.
        let base = unsafe { alloc_zeroed(layout) };
        if base.is_null() {
            return base.cast();
        }
        // SAFETY: `base` is valid for `n >= HEADER` bytes and aligned for usize.
        unsafe {
            base.cast::<usize>().write(n);
            base.add(HEADER).cast()
        }
    }

    unsafe extern "C" fn zfree(_: *mut c_void, ptr: *mut c_void) {
        if ptr.is_null() {
            return;
        }
        // SAFETY: `ptr` came from `zalloc`, which put the size HEADER bytes before it.
        unsafe {
            let base = ptr.cast::<u8>().sub(HEADER);
            let n = base.cast::<usize>().read();
            dealloc(base, Layout::from_size_align_unchecked(n, HEADER));
        }
    }

    /// Compresses `input` as Linux's panic handler does and returns the
    /// stream length (the output is written to `out`).
    pub fn compress(input: &[u8], out: &mut [u8]) -> usize {
        let mut strm = z::z_stream {
            next_in: input.as_ptr() as *mut u8,
            avail_in: input.len() as z::uInt,
            total_in: 0,
            next_out: out.as_mut_ptr(),
            avail_out: out.len() as z::uInt,
            total_out: 0,
            msg: std::ptr::null_mut(),
            state: std::ptr::null_mut(),
            zalloc,
            zfree,
            opaque: std::ptr::null_mut(),
            data_type: 0,
            adler: 0,
            reserved: 0,
        };
        // SAFETY: `strm` is initialised, its buffers outlive the calls, and
        // deflateEnd frees what deflateInit2_ allocated.
        unsafe {
            let rc = z::deflateInit2_(
                &mut strm,
                6,
                z::Z_DEFLATED,
                12,
                4,
                z::Z_DEFAULT_STRATEGY,
                z::zlibVersion(),
                std::mem::size_of::<z::z_stream>() as c_int,
            );
            assert_eq!(rc, z::Z_OK);
            let rc = z::deflate(&mut strm, z::Z_FINISH);
            assert_eq!(rc, z::Z_STREAM_END, "output buffer too small");
            z::deflateEnd(&mut strm);
        }
        strm.total_out as usize
    }
}

use miniz_oxide::deflate::compress_to_vec_zlib;
use panicqr::payload::deflate::{Effort, WORKSPACE_LEN};
use panicqr::payload::{
    fit_compressed, fit_compressed_with, Fit, KMSG_DICTIONARY, KMSG_DICTIONARY_PARAM,
};
use panicqr::{panic_url_capacity, Ecc, Version};
use std::time::{Duration, Instant};

const URL_LEN: usize = 48;
const VERSIONS: [u8; 4] = [10, 20, 30, 40];

/// Linux's `drm_panic_qr_max_data_size` for a URL.
fn linux_max_data_size(version: u8, url_len: usize) -> usize {
    let max_data = Version::new(version).unwrap().data_codewords(Ecc::Low);
    if url_len + 5 >= max_data {
        0
    } else {
        (max_data - url_len - 5) * 39 / 40
    }
}

/// The longest line tail of at most `size` bytes, as `kmsg_dump_get_buffer`
/// fills Linux's buffer.
fn kmsg_dump(log: &[u8], size: usize) -> &[u8] {
    let start = panicqr::payload::fit_raw(log, size).tail_start;
    &log[start..]
}

/// Linux's retry loop: compress, and drop the first line while it does not
/// fit. Returns (bytes carried, compressions).
fn linux_loop(log: &[u8], max: usize, compress: &mut dyn FnMut(&[u8]) -> usize) -> (usize, usize) {
    let mut kmsg = log;
    let mut runs = 0;
    loop {
        runs += 1;
        if compress(kmsg) <= max {
            return (kmsg.len(), runs);
        }
        match kmsg.iter().position(|&b| b == b'\n') {
            Some(i) if i + 1 < kmsg.len() => kmsg = &kmsg[i + 1..],
            _ => return (0, runs),
        }
    }
}

/// Linux's panic handler at `version` with a `URL_LEN`-byte URL: bytes carried.
fn linux_carried(log: &[u8], version: u8, zout: &mut [u8]) -> usize {
    let max = linux_max_data_size(version, URL_LEN);
    // QR_BUFFER1_SIZE = 3 * 2956.
    let kmsg = kmsg_dump(log, (3 * max).min(3 * 2956));
    linux_loop(kmsg, max, &mut |k| linux_zlib::compress(k, zout)).0
}

/// Ours at `version`: bytes carried, with the exact capacity.
fn ours_carried(
    log: &[u8],
    version: u8,
    dict: Option<&[u8]>,
    ws: &mut [u8],
    out: &mut [u8],
) -> usize {
    // `&zd=<id>`: core keeps the dictionary id to one digit.
    let marker = "&".len() + KMSG_DICTIONARY_PARAM.len() + "=0".len();
    let url_len = URL_LEN + if dict.is_some() { marker } else { 0 };
    let capacity = panic_url_capacity(Version::new(version).unwrap(), Ecc::Low, url_len);
    match fit_compressed(log, dict, ws, &mut out[..capacity]) {
        Ok(fit) => log.len() - fit.tail_start,
        Err(_) => 0,
    }
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn time<F: FnMut()>(mut f: F) -> Duration {
    let mut times = Vec::new();
    let start = Instant::now();
    while times.len() < 5 || (start.elapsed() < Duration::from_millis(1500) && times.len() < 200) {
        let t = Instant::now();
        f();
        times.push(t.elapsed());
    }
    median(times)
}

fn main() {
    let corpus = std::env::var("PANICQR_CORPUS")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus").to_owned());
    let mut names: Vec<String> = std::fs::read_dir(&corpus)
        .expect("corpus folder")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".log"))
        .collect();
    names.sort();
    let part = std::env::var("PANICQR_PART").unwrap_or_default();
    let names: Vec<String> = match part.as_str() {
        "even" => names.into_iter().step_by(2).collect(),
        "odd" => names.into_iter().skip(1).step_by(2).collect(),
        _ => names,
    };
    let dict_owned = std::env::var("PANICQR_DICT")
        .ok()
        .map(|p| std::fs::read(p).expect("dictionary"));
    let dict: &[u8] = dict_owned.as_deref().unwrap_or(KMSG_DICTIONARY);
    println!(
        "logs: {} ({}), dictionary: {} ({} bytes)",
        names.len(),
        if part.is_empty() { "all" } else { &part },
        std::env::var("PANICQR_DICT").unwrap_or_else(|_| "built-in kmsg-2".into()),
        dict.len()
    );

    let mut ws = vec![0u8; WORKSPACE_LEN];
    let mut out = vec![0u8; 4096];
    let mut zout = vec![0u8; 1 << 16];

    let which = std::env::var("PANICQR_BENCH").unwrap_or_default();
    if which != "capacity" {
        fit_against_reference(&corpus, &names, dict, &mut ws, &mut out);
    }
    if which == "fit" {
        return;
    }

    // ----- Capacity table -----
    println!("\nLog bytes carried with a {URL_LEN}-byte URL at level L: Linux (zlib 6/12/4, 39/40 estimate) / ours without dictionary / ours with the dictionary allowed (the better of with and without, as encode_kmsg does)");
    print!("{:52} {:>6}", "log", "bytes");
    for v in VERSIONS {
        print!(" | {:>18}", format!("V{v}"));
    }
    println!(" | smallest V for the whole log: Linux / ours / dict");
    let mut sums = [[0usize; 3]; 4];
    let mut ratio_sums = [[0f64; 2]; 4];
    let mut never_fewer = true;
    let mut smallest_sums = [0usize; 3];
    for name in &names {
        let log = std::fs::read(format!("{corpus}/{name}")).unwrap();
        print!("{:52} {:>6}", &name[..name.len().min(52)], log.len());
        for (i, v) in VERSIONS.into_iter().enumerate() {
            let linux = linux_carried(&log, v, &mut zout);
            let ours = ours_carried(&log, v, None, &mut ws, &mut out);
            // As `encode_kmsg` does with the dictionary allowed: the better
            // of the two.
            let with = ours_carried(&log, v, Some(dict), &mut ws, &mut out).max(ours);
            print!(" | {linux:>5} {ours:>5} {with:>6}");
            sums[i][0] += linux;
            sums[i][1] += ours;
            sums[i][2] += with;
            ratio_sums[i][0] += ours as f64 / linux.max(1) as f64;
            ratio_sums[i][1] += with as f64 / linux.max(1) as f64;
            never_fewer &= ours >= linux && with >= linux;
        }
        let smallest =
            |f: &mut dyn FnMut(u8) -> usize| (1..=40).find(|&v| f(v) == log.len()).unwrap_or(0);
        let sl = smallest(&mut |v| linux_carried(&log, v, &mut zout));
        let so = smallest(&mut |v| ours_carried(&log, v, None, &mut ws, &mut out));
        let sd = smallest(&mut |v| {
            let plain = ours_carried(&log, v, None, &mut ws, &mut out);
            ours_carried(&log, v, Some(dict), &mut ws, &mut out).max(plain)
        });
        smallest_sums[0] += usize::from(sl);
        smallest_sums[1] += usize::from(so);
        smallest_sums[2] += usize::from(sd);
        println!(" | {sl:>2} / {so:>2} / {sd:>2}");
    }
    let n = names.len() as f64;
    println!(
        "\nAverages over {} logs (0 = does not fit V40):",
        names.len()
    );
    for (i, v) in VERSIONS.into_iter().enumerate() {
        let [l, o, d] = sums[i];
        println!(
            "  V{v}-L: Linux {:7.1}  ours {:7.1} ({:.3}x, mean ratio {:.3}x)  with dictionary {:7.1} ({:.3}x, mean ratio {:.3}x)",
            l as f64 / n,
            o as f64 / n,
            o as f64 / l as f64,
            ratio_sums[i][0] / n,
            d as f64 / n,
            d as f64 / l as f64,
            ratio_sums[i][1] / n,
        );
    }
    println!(
        "  smallest version for the whole log, mean: Linux {:.2}  ours {:.2}  with dictionary {:.2}",
        smallest_sums[0] as f64 / n,
        smallest_sums[1] as f64 / n,
        smallest_sums[2] as f64 / n
    );
    println!("  never fewer bytes than Linux: {never_fewer}");

    // ----- Speed -----
    let speed_log = format!("{corpus}/12-arm64-pine64-full-boot-vfs-root-panic.log");
    if let Ok(log) = std::fs::read(&speed_log) {
        println!(
            "\nFitting 12-arm64-pine64-full-boot-vfs-root-panic.log ({} bytes), median of repeated runs:",
            log.len()
        );
        for v in [10u8, 20, 40] {
            let max = linux_max_data_size(v, URL_LEN);
            let capacity = panic_url_capacity(Version::new(v).unwrap(), Ecc::Low, URL_LEN);
            let mut runs = (0, 0, 0, 0);
            let t_miniz = time(|| {
                runs.0 = linux_loop(&log, max, &mut |k| compress_to_vec_zlib(k, 6).len()).1;
            });
            let t_zlib = time(|| {
                runs.1 = linux_loop(&log, max, &mut |k| linux_zlib::compress(k, &mut zout)).1;
            });
            let t_ours = time(|| {
                runs.2 = fit_compressed(&log, None, &mut ws, &mut out[..capacity])
                    .unwrap()
                    .compressions;
            });
            let t_dict = time(|| {
                runs.3 = fit_compressed(&log, Some(dict), &mut ws, &mut out[..capacity - 3])
                    .unwrap()
                    .compressions;
            });
            println!(
                "  V{v}-L: Linux loop with miniz_oxide 6: {:>9.3?} ({} compressions); with zlib 6/12/4: {:>9.3?} ({}); ours: {:>9.3?} ({}, {:.1}x faster than miniz); ours with dictionary: {:>9.3?} ({}, {:.1}x)",
                t_miniz, runs.0, t_zlib, runs.1, t_ours, runs.2,
                t_miniz.as_secs_f64() / t_ours.as_secs_f64(),
                t_dict, runs.3,
                t_miniz.as_secs_f64() / t_dict.as_secs_f64(),
            );
        }
        let t_one = time(|| {
            panicqr::payload::deflate::compressed_len(&log, None, &mut ws).unwrap();
        });
        let t_one_z = time(|| {
            linux_zlib::compress(&log, &mut zout);
        });
        println!("  one whole-log compression: ours {t_one:.3?}, zlib 6/12/4 {t_one_z:.3?}");
    }

    // ----- Memory -----
    println!("\nMemory: our deflate workspace {} bytes; Linux's zlib_deflate_workspacesize(12, 4) on x86_64 {} bytes",
        WORKSPACE_LEN, panicqr::payload::deflate::LINUX_ZLIB_WORKSPACE_LEN);
}

/// The capacity of a `URL_LEN`-byte URL at `version`, level L, with the
/// dictionary's `&zd=<id>` when `dict`.
fn url_capacity(version: u8, dict: bool) -> usize {
    let marker = "&".len() + KMSG_DICTIONARY_PARAM.len() + "=0".len();
    let url_len = URL_LEN + if dict { marker } else { 0 };
    panic_url_capacity(Version::new(version).unwrap(), Ecc::Low, url_len)
}

/// The fit against the reference fit: speed on the 16 KB log, interleaved,
/// and bytes carried on every log.
fn fit_against_reference(
    corpus: &str,
    names: &[String],
    dict: &[u8],
    ws: &mut [u8],
    out: &mut [u8],
) {
    use panicqr_tools::fit_reference::fit_compressed_reference;

    let speed_log = format!("{corpus}/12-arm64-pine64-full-boot-vfs-root-panic.log");
    if let Ok(log) = std::fs::read(&speed_log) {
        println!(
            "\nFit of 12-arm64-pine64-full-boot-vfs-root-panic.log ({} bytes), {URL_LEN}-byte URL, level L: the reference fit (gallop and bisect, every trial with the full compressor) and the fit, alternating rounds of {FIT_BATCH} fits each; median times and the median of the rounds' ratios",
            log.len()
        );
        println!("| version | dictionary | reference | fit | reference / fit | compressions (reference / fit) | bytes carried (reference / fit) |");
        println!("|---|---|---|---|---|---|---|");
        for v in [10u8, 20, 40] {
            for with in [false, true] {
                let rounds = Rounds {
                    repeat: FIT_BATCH,
                    min: 7,
                    max: 101,
                    within: Duration::from_millis(3000),
                };
                fit_row(
                    v,
                    with.then_some(dict),
                    &[&log],
                    rounds,
                    ws,
                    out,
                    AGAINST_REFERENCE,
                );
            }
        }
    }

    fit_full_buffers(corpus, names, dict, ws, out);
    fit_one_line(&speed_log, dict, ws, out);
    fit_fast_effort(&speed_log, corpus, names, dict, ws, out);

    println!("\nLog bytes carried, reference fit -> fit, {URL_LEN}-byte URL, level L, without / with the dictionary:");
    print!("| log | bytes |");
    for v in VERSIONS {
        print!(" V{v} | V{v} dictionary |");
    }
    println!();
    println!("|---|---|{}", "---|---|".repeat(VERSIONS.len()));
    let mut totals = [[0usize; 2]; 2 * VERSIONS.len()];
    let mut worst: f64 = 0.0;
    for name in names {
        let log = std::fs::read(format!("{corpus}/{name}")).unwrap();
        print!("| {name} | {} |", log.len());
        for (i, v) in VERSIONS.into_iter().enumerate() {
            for (j, with) in [false, true].into_iter().enumerate() {
                let d = with.then_some(dict);
                let cap = url_capacity(v, with);
                let carried = |f: Result<panicqr::payload::Fit, panicqr::Error>| {
                    f.map_or(0, |f| log.len() - f.tail_start)
                };
                let before = carried(fit_compressed_reference(&log, d, ws, &mut out[..cap]));
                let after = carried(fit_compressed(&log, d, ws, &mut out[..cap]));
                totals[2 * i + j][0] += before;
                totals[2 * i + j][1] += after;
                worst = worst.max((after as f64 - before as f64).abs() / before.max(1) as f64);
                if before == after {
                    print!(" {after} |");
                } else {
                    print!(" {before} -> {after} |");
                }
            }
        }
        println!();
    }
    print!("| **total** | |");
    for [before, after] in totals {
        print!(
            " {before} -> {after} ({:+.2}%) |",
            100.0 * (after as f64 / before as f64 - 1.0)
        );
    }
    println!();
    println!("  largest difference on one log: {:.2}%", 100.0 * worst);
}

/// Fits a round times for each side.
const FIT_BATCH: u32 = 5;

/// The kmsg buffer a panic reads, `KMSG_BUFFER` bytes at most: the glue
/// reads 16 KiB.
const KMSG_BUFFER: usize = 16 * 1024;

/// Full kmsg buffers made of the corpus, as a panic finds them after a
/// long boot: each log after the logs seven, fourteen, ... places on (by
/// name, wrapping), cut to its last `KMSG_BUFFER` bytes from the first
/// line that starts in them.
fn full_buffers(logs: &[Vec<u8>]) -> Vec<Vec<u8>> {
    (0..logs.len())
        .map(|k| {
            let mut before = Vec::new();
            let mut j = k;
            while before.len() < 2 * KMSG_BUFFER {
                j = (j + 7) % logs.len();
                before.splice(0..0, logs[j].iter().copied());
            }
            before.extend_from_slice(&logs[k]);
            let cut = before.len() - KMSG_BUFFER;
            let line = before[cut..].iter().position(|&b| b == b'\n').unwrap() + 1;
            before.split_off(cut + line)
        })
        .collect()
}

/// The fit against the reference fit over every full buffer, interleaved
/// as for the one log: a round fits all the buffers once with each.
fn fit_full_buffers(corpus: &str, names: &[String], dict: &[u8], ws: &mut [u8], out: &mut [u8]) {
    let logs: Vec<Vec<u8>> = names
        .iter()
        .map(|n| std::fs::read(format!("{corpus}/{n}")).unwrap())
        .collect();
    if logs.len() < 2 {
        return;
    }
    let buffers = full_buffers(&logs);
    println!(
        "\nFit of {} full kmsg buffers ({KMSG_BUFFER} bytes at most: each log after others of the corpus, from the first line in its last {KMSG_BUFFER} bytes), {URL_LEN}-byte URL, level L: time per fit (median of the rounds), the median of the rounds' ratios, full compressions and bytes carried over all the buffers",
        buffers.len()
    );
    println!("| version | dictionary | reference | fit | reference / fit | compressions (reference / fit) | bytes carried (reference / fit) |");
    println!("|---|---|---|---|---|---|---|");
    let buffers: Vec<&[u8]> = buffers.iter().map(Vec::as_slice).collect();
    for v in [10u8, 20, 40] {
        for with in [false, true] {
            let rounds = Rounds {
                repeat: 1,
                min: 5,
                max: 31,
                within: Duration::from_millis(4000),
            };
            fit_row(
                v,
                with.then_some(dict),
                &buffers,
                rounds,
                ws,
                out,
                AGAINST_REFERENCE,
            );
        }
    }
}

/// The fit's worst case: a log whose last line alone does not fit, so
/// that the tail is the end of that line, found in bytes. The 16 KB log,
/// its newlines made spaces, its last [`KMSG_BUFFER`] bytes.
fn fit_one_line(path: &str, dict: &[u8], ws: &mut [u8], out: &mut [u8]) {
    let Ok(log) = std::fs::read(path) else {
        return;
    };
    let line: Vec<u8> = log[log.len().saturating_sub(KMSG_BUFFER)..]
        .iter()
        .map(|&b| if b == b'\n' { b' ' } else { b })
        .collect();
    println!(
        "\nFit of one {}-byte line (the end of 12-arm64-pine64-full-boot-vfs-root-panic.log, its newlines made spaces): the tail is the end of the line, found in bytes; as above",
        line.len()
    );
    println!("| version | dictionary | reference | fit | reference / fit | compressions (reference / fit) | bytes carried (reference / fit) |");
    println!("|---|---|---|---|---|---|---|");
    for v in [10u8, 20, 40] {
        for with in [false, true] {
            let rounds = Rounds {
                repeat: 1,
                min: 7,
                max: 51,
                within: Duration::from_millis(3000),
            };
            fit_row(
                v,
                with.then_some(dict),
                &[&line],
                rounds,
                ws,
                out,
                AGAINST_REFERENCE,
            );
        }
    }
}

/// The fit against the fit at the fast effort (`fit_compressed_with`,
/// `Effort::Fast`), on the 16 KB log, the corpus logs and the full
/// buffers: what a tail fit costs and carries without the optimal parse.
fn fit_fast_effort(
    speed_log: &str,
    corpus: &str,
    names: &[String],
    dict: &[u8],
    ws: &mut [u8],
    out: &mut [u8],
) {
    let Ok(log) = std::fs::read(speed_log) else {
        return;
    };
    let logs: Vec<Vec<u8>> = names
        .iter()
        .map(|n| std::fs::read(format!("{corpus}/{n}")).unwrap())
        .collect();
    let buffers = if logs.len() < 2 {
        Vec::new()
    } else {
        full_buffers(&logs)
    };
    let buffers: Vec<&[u8]> = buffers.iter().map(Vec::as_slice).collect();
    let each: Vec<&[u8]> = logs.iter().map(Vec::as_slice).collect();
    let sets: [(&str, &[&[u8]], Rounds); 3] = [
        (
            "the 16 KB log",
            &[&log],
            Rounds {
                repeat: FIT_BATCH,
                min: 7,
                max: 101,
                within: Duration::from_millis(3000),
            },
        ),
        (
            "the corpus logs, each alone (time per fit; compressions and bytes over all of them)",
            &each,
            Rounds {
                repeat: 1,
                min: 5,
                max: 31,
                within: Duration::from_millis(3000),
            },
        ),
        (
            "the full buffers (time per fit; compressions and bytes over all of them)",
            &buffers,
            Rounds {
                repeat: 1,
                min: 5,
                max: 31,
                within: Duration::from_millis(4000),
            },
        ),
    ];
    for (what, logs, rounds) in sets {
        if logs.is_empty() {
            continue;
        }
        println!("\nThe fit against the fit at the fast effort, every trial with the lazy parse, on {what}, interleaved as above");
        println!("| version | dictionary | fit | fast effort | fit / fast effort | compressions (fit / fast effort) | bytes carried (fit / fast effort) |");
        println!("|---|---|---|---|---|---|---|");
        for v in [10u8, 20, 40] {
            for with in [false, true] {
                fit_row(v, with.then_some(dict), logs, rounds, ws, out, AGAINST_FAST);
            }
        }
    }
}

/// How many rounds [`fit_row`] times: each fits every log `repeat` times
/// with each side; at least `min`, and up to `max` while `within` lasts.
#[derive(Clone, Copy)]
struct Rounds {
    repeat: u32,
    min: usize,
    max: usize,
    within: Duration,
}

/// A tail fit: the log, the dictionary, the workspace and the room.
type Fitter = fn(&[u8], Option<&[u8]>, &mut [u8], &mut [u8]) -> Result<Fit, panicqr::Error>;

/// The reference fit, then the fit.
const AGAINST_REFERENCE: (Fitter, Fitter) = (
    panicqr_tools::fit_reference::fit_compressed_reference,
    fit_compressed,
);

/// The fit, then the fit at the fast effort.
const AGAINST_FAST: (Fitter, Fitter) = (fit_compressed, |log, d, ws, out| {
    fit_compressed_with(log, d, ws, out, Effort::Fast)
});

/// One row of a fit table at version `v`: the first fitter of `pair` (the
/// reference) against the second (the fit) over `logs`, in alternating
/// rounds; the time per fit (median of the rounds), the median of the
/// rounds' ratios, and the compressions at each one's effort and the bytes
/// carried over all the logs.
fn fit_row(
    v: u8,
    d: Option<&[u8]>,
    logs: &[&[u8]],
    rounds: Rounds,
    ws: &mut [u8],
    out: &mut [u8],
    pair: (Fitter, Fitter),
) {
    let (reference_fit, fit) = pair;
    let out = &mut out[..url_capacity(v, d.is_some())];
    let mut totals = [0usize; 4];
    for log in logs {
        let reference = reference_fit(log, d, ws, out).unwrap();
        let fitted = fit(log, d, ws, out).unwrap();
        totals[0] += reference.compressions;
        totals[1] += fitted.compressions;
        totals[2] += log.len() - reference.tail_start;
        totals[3] += log.len() - fitted.tail_start;
    }
    let fits = rounds.repeat * logs.len() as u32;
    let (mut t_ref, mut t_fit, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    let start = Instant::now();
    while ratios.len() < rounds.min
        || (start.elapsed() < rounds.within && ratios.len() < rounds.max)
    {
        let t = Instant::now();
        for log in logs {
            for _ in 0..rounds.repeat {
                std::hint::black_box(reference_fit(log, d, ws, out).unwrap());
            }
        }
        let a = t.elapsed() / fits;
        let t = Instant::now();
        for log in logs {
            for _ in 0..rounds.repeat {
                std::hint::black_box(fit(log, d, ws, out).unwrap());
            }
        }
        let b = t.elapsed() / fits;
        ratios.push(a.as_secs_f64() / b.as_secs_f64());
        t_ref.push(a);
        t_fit.push(b);
    }
    ratios.sort_by(|x, y| x.total_cmp(y));
    println!(
        "| V{v} | {} | {:.3?} | {:.3?} | {:.1}× | {} / {} | {} / {} |",
        if d.is_some() { "yes" } else { "no" },
        median(t_ref),
        median(t_fit),
        ratios[ratios.len() / 2],
        totals[0],
        totals[1],
        totals[2],
        totals[3],
    );
}
