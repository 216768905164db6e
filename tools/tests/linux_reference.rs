//! Bit-exactness against Linux 6.12's own QR encoder.
//!
//! `scripts/linux-reference.sh` builds, in the cache outside the repository, a
//! small program around the kernel's `drivers/gpu/drm/drm_panic_qr.rs` and
//! prints its path. These tests feed the same cases to that program and to our
//! drop-in `drm_panic_qr_generate` and `drm_panic_qr_max_data_size` from
//! crate `panicqr-ffi`, and require:
//!
//! - without a URL (one byte segment): the same return value and the same
//!   whole data buffer after the call, bit for bit, failures included (they
//!   return 0 and leave the buffer as it was);
//! - `drm_panic_qr_max_data_size`: the same number for versions 0..=41 and
//!   URL lengths 0..=300;
//! - with a URL, where the two encodings differ on purpose (6.12 packs 13 bits
//!   into 4 digits, we pack 7 bytes into 17 digits): the same failures for
//!   short buffers, and that `drm_panic_qr_max_data_size(v, url_len)` bytes of
//!   data fit in version `v`.
//!
//! Run them with:
//!
//! ```text
//! PANICQR_LINUX_REF=$(scripts/linux-reference.sh) cargo test --test linux_reference
//! ```
//!
//! Without `PANICQR_LINUX_REF` they are skipped, except under CI (env `CI`
//! set), where they fail. `PANICQR_LINUX_REF_CASES` sets the number of random
//! byte-mode cases (1500 by default).

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::{env, ptr, thread};

mod rng;
use rng::Rng;

/// The smallest data buffer the kernel API accepts (a V40 image).
const DATA_SIZE: usize = 4071;
/// The smallest temporary buffer the kernel API accepts (V40 codewords).
const TMP_SIZE: usize = 3706;
/// The longest random payload tried (a little over V40's 2953 bytes).
const MAX_RANDOM_LEN: usize = 2960;
/// The byte that both sides' `tmp` buffers are filled with before a call.
const TMP_FILL: u8 = 0xa5;

// ---------------------------------------------------------------------------
// Finding the reference program.

/// Returns the reference program's path, or `None` to skip the test.
///
/// # Panics
///
/// Panics under CI when `PANICQR_LINUX_REF` is not set: CI must run these
/// tests.
fn reference() -> Option<PathBuf> {
    match env::var_os("PANICQR_LINUX_REF") {
        Some(path) if !path.is_empty() => {
            let path = PathBuf::from(path);
            assert!(
                path.is_file(),
                "PANICQR_LINUX_REF={} is not a file; run scripts/linux-reference.sh",
                path.display()
            );
            Some(path)
        }
        _ => {
            let ci = env::var_os("CI").is_some_and(|v| !v.is_empty());
            assert!(
                !ci,
                "PANICQR_LINUX_REF is not set, and CI must run this test: \
                 PANICQR_LINUX_REF=$(scripts/linux-reference.sh) cargo test --test linux_reference"
            );
            // Write past the test harness's capture, so that the skip shows.
            let _ = writeln!(
                io::stderr(),
                "skipped: run scripts/linux-reference.sh and set PANICQR_LINUX_REF to the path it prints"
            );
            None
        }
    }
}

/// Runs the reference program on `input` and returns exactly `out_len` bytes
/// of its output.
fn run_reference(bin: &PathBuf, input: Vec<u8>, out_len: usize) -> Vec<u8> {
    let mut child = Command::new(bin)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", bin.display()));
    let mut stdin = child.stdin.take().expect("piped stdin");
    // Write from another thread so that neither pipe can fill up and block.
    let writer = thread::spawn(move || stdin.write_all(&input));
    let mut out = Vec::with_capacity(out_len);
    child
        .stdout
        .take()
        .expect("piped stdout")
        .read_to_end(&mut out)
        .expect("read the reference's output");
    writer
        .join()
        .expect("writer thread")
        .expect("write the reference's input");
    let status = child.wait().expect("wait for the reference");
    assert!(status.success(), "the reference program failed: {status}");
    assert_eq!(
        out.len(),
        out_len,
        "the reference's output has the wrong length"
    );
    out
}

// ---------------------------------------------------------------------------
// Test cases.

/// One call of `drm_panic_qr_generate`.
#[derive(Clone)]
struct Case {
    label: String,
    /// The URL, without its NUL; `None` passes a null pointer.
    url: Option<Vec<u8>>,
    data_len: usize,
    data_size: usize,
    tmp_size: usize,
    /// The data buffer before the call, `data_size` bytes.
    buf: Vec<u8>,
}

impl Case {
    /// A case whose buffer holds `data`, then `stale` bytes up to `data_size`.
    fn new(label: String, url: Option<Vec<u8>>, data: &[u8], data_size: usize, stale: u8) -> Self {
        let mut buf = vec![stale; data_size];
        buf[..data.len()].copy_from_slice(data);
        Case {
            label,
            url,
            data_len: data.len(),
            data_size,
            tmp_size: TMP_SIZE,
            buf,
        }
    }

    fn encode(&self, out: &mut Vec<u8>) {
        let u32_of = |n: usize| u32::try_from(n).expect("fits the protocol").to_le_bytes();
        out.push(1);
        out.push(u8::from(self.url.is_some()));
        let url = self.url.as_deref().unwrap_or(&[]);
        out.extend_from_slice(&u32_of(url.len()));
        out.extend_from_slice(url);
        out.extend_from_slice(&u32_of(self.data_len));
        out.extend_from_slice(&u32_of(self.data_size));
        out.extend_from_slice(&u32_of(self.tmp_size));
        out.extend_from_slice(&self.buf);
    }
}

/// What one call did: its return value and the data buffer afterwards.
struct Outcome {
    width: u8,
    buf: Vec<u8>,
}

/// Runs every case through the reference program.
fn reference_outcomes(bin: &PathBuf, cases: &[Case]) -> Vec<Outcome> {
    let mut input = Vec::new();
    for case in cases {
        case.encode(&mut input);
    }
    let out_len = cases.iter().map(|c| 2 + c.data_size).sum();
    let out = run_reference(bin, input, out_len);
    let mut rest = &out[..];
    let mut outcomes = Vec::with_capacity(cases.len());
    for case in cases {
        let (head, tail) = rest.split_at(2 + case.data_size);
        assert_eq!(head[0], 0, "{}: the kernel code panicked", case.label);
        outcomes.push(Outcome {
            width: head[1],
            buf: head[2..].to_vec(),
        });
        rest = tail;
    }
    outcomes
}

/// Runs one case through our drop-in `drm_panic_qr_generate`.
fn our_outcome(case: &Case) -> Outcome {
    let mut buf = case.buf.clone();
    let mut tmp = vec![TMP_FILL; case.tmp_size];
    let url: Option<Vec<u8>> = case
        .url
        .as_ref()
        .map(|u| u.iter().copied().chain([0]).collect());
    let url_ptr = url.as_ref().map_or(ptr::null(), |u| u.as_ptr().cast());
    // SAFETY: `url_ptr` is null or points at a NUL-terminated string, and
    // `buf` and `tmp` are valid for `data_size` and `tmp_size` bytes.
    let width = unsafe {
        panicqr_ffi::drm_panic_qr_generate(
            url_ptr,
            buf.as_mut_ptr(),
            case.data_len,
            case.data_size,
            tmp.as_mut_ptr(),
            case.tmp_size,
        )
    };
    Outcome { width, buf }
}

/// Describes how two outcomes of `case` differ, or returns `None`.
fn difference(case: &Case, linux: &Outcome, ours: &Outcome) -> Option<String> {
    if linux.width != ours.width {
        return Some(format!(
            "{}: width {} from Linux, {} from us",
            case.label, linux.width, ours.width
        ));
    }
    let diffs: Vec<usize> = (0..linux.buf.len())
        .filter(|&i| linux.buf[i] != ours.buf[i])
        .collect();
    let first = *diffs.first()?;
    let stride = usize::from(linux.width).div_ceil(8).max(1);
    Some(format!(
        "{}: width {}, {} data bytes differ, the first at offset {first} \
         (row {}, columns {}..{}): Linux {:#04x}, us {:#04x}",
        case.label,
        linux.width,
        diffs.len(),
        first / stride,
        first % stride * 8,
        first % stride * 8 + 8,
        linux.buf[first],
        ours.buf[first]
    ))
}

/// Compares every case and panics with a summary of the first mismatches.
fn assert_same(cases: &[Case], linux: &[Outcome], what: &str) {
    let mut failures = Vec::new();
    for (case, linux) in cases.iter().zip(linux) {
        let ours = our_outcome(case);
        if let Some(d) = difference(case, linux, &ours) {
            failures.push(d);
        }
    }
    let shown: Vec<&str> = failures.iter().take(20).map(String::as_str).collect();
    assert!(
        failures.is_empty(),
        "{} of {} {what} cases differ from Linux 6.12:\n{}",
        failures.len(),
        cases.len(),
        shown.join("\n")
    );
}

/// Asks the reference for `drm_panic_qr_max_data_size(version, url_len)` of
/// each pair.
fn reference_max_data_sizes(bin: &PathBuf, args: &[(u8, usize)]) -> Vec<usize> {
    let mut input = Vec::with_capacity(args.len() * 10);
    for &(version, url_len) in args {
        input.push(2);
        input.push(version);
        input.extend_from_slice(&(url_len as u64).to_le_bytes());
    }
    let out = run_reference(bin, input, args.len() * 9);
    out.chunks_exact(9)
        .zip(args)
        .map(|(rec, (version, url_len))| {
            assert_eq!(
                rec[0], 0,
                "drm_panic_qr_max_data_size({version}, {url_len}): the kernel code panicked"
            );
            let size = u64::from_le_bytes(rec[1..].try_into().expect("8 bytes"));
            usize::try_from(size).expect("fits usize")
        })
        .collect()
}

/// The largest byte payload of each version 1..=40, as Linux computes it.
fn byte_capacities(bin: &PathBuf) -> Vec<usize> {
    let args: Vec<(u8, usize)> = (1..=40).map(|v| (v, 0)).collect();
    reference_max_data_sizes(bin, &args)
}

/// The width of a version's image.
fn width_of(version: usize) -> u8 {
    u8::try_from(17 + 4 * version).expect("versions go to 40")
}

/// Every byte-mode case: version boundaries, short and random payloads,
/// constant payloads, and the failures.
fn byte_cases(capacities: &[usize]) -> Vec<Case> {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut cases = Vec::new();

    // Around each version's capacity. `drm_panic_qr_max_data_size` keeps 3
    // bytes for the header, so versions 1..=9, whose length field is 8 bits,
    // hold one byte more: try up to two bytes past it.
    for (i, &cap) in capacities.iter().enumerate() {
        for len in cap.saturating_sub(1)..=cap + 2 {
            let data = rng.bytes(len);
            let label = format!("V{} boundary, {len} random bytes", i + 1);
            cases.push(Case::new(label, None, &data, DATA_SIZE, 0x3c));
        }
    }

    // Every short length.
    for len in 0..=64 {
        let data = rng.bytes(len);
        let label = format!("{len} random bytes");
        cases.push(Case::new(label, None, &data, DATA_SIZE, 0xc3));
    }

    // All-zero and all-0xFF payloads, with stale bytes after them.
    for len in (0..=MAX_RANDOM_LEN).step_by(37).chain([2952, 2953, 2954]) {
        for (byte, stale) in [(0x00, 0xff), (0xff, 0x00)] {
            let label = format!("{len} bytes of {byte:#04x}");
            cases.push(Case::new(label, None, &vec![byte; len], DATA_SIZE, stale));
        }
    }

    // Random lengths and contents, sometimes with larger buffers than needed.
    let count = env::var("PANICQR_LINUX_REF_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1500);
    for n in 0..count {
        let len = rng.below(MAX_RANDOM_LEN + 1);
        let data_size = if rng.below(4) == 0 {
            DATA_SIZE + rng.below(200)
        } else {
            DATA_SIZE
        };
        let data = rng.bytes(len);
        let label = format!("random case {n}: {len} bytes, data_size {data_size}");
        let mut case = Case::new(label, None, &data, data_size, 0);
        // Stale, random bytes after the payload.
        case.buf[len..].copy_from_slice(&rng.bytes(data_size - len));
        if rng.below(4) == 0 {
            case.tmp_size = TMP_SIZE + rng.below(100);
        }
        cases.push(case);
    }

    cases.extend(failure_cases(&mut rng, None));
    cases
}

/// Calls that must fail, returning 0 and leaving the data buffer as it was.
fn failure_cases(rng: &mut Rng, url: Option<&[u8]>) -> Vec<Case> {
    let url = url.map(<[u8]>::to_vec);
    let data = rng.bytes(100);
    let mut cases = Vec::new();
    let mut push = |label: &str, data_len: usize, data_size: usize, tmp_size: usize| {
        let mut buf = rng.bytes(data_size);
        let n = data.len().min(data_size);
        buf[..n].copy_from_slice(&data[..n]);
        cases.push(Case {
            label: format!("{label} (url: {})", url.is_some()),
            url: url.clone(),
            data_len,
            data_size,
            tmp_size,
            buf,
        });
    };
    push("data_size one short", 100, DATA_SIZE - 1, TMP_SIZE);
    push("tmp_size one short", 100, DATA_SIZE, TMP_SIZE - 1);
    push("both sizes one short", 100, DATA_SIZE - 1, TMP_SIZE - 1);
    push("empty buffers", 0, 0, 0);
    push(
        "data_len = data_size + 1",
        DATA_SIZE + 1,
        DATA_SIZE,
        TMP_SIZE,
    );
    push(
        "data_len = u32::MAX",
        u32::MAX as usize,
        DATA_SIZE,
        TMP_SIZE,
    );
    push("data_len = data_size", DATA_SIZE, DATA_SIZE, TMP_SIZE);
    push("data_len past V40", 2954 + 100, DATA_SIZE, TMP_SIZE);
    cases
}

// ---------------------------------------------------------------------------
// The tests.

/// Checks the reference program itself, so that a broken harness cannot pass
/// the comparisons: the payload of `drm_panic_qr_max_data_size(v, 0)` bytes
/// takes exactly version `v`, the image decodes back to the payload (a set
/// bit is a light module), the rest of the buffer is cleared, and the
/// failures leave the buffer alone.
#[test]
fn reference_behaves_like_the_kernel_contract() {
    let Some(bin) = reference() else { return };
    let capacities = byte_capacities(&bin);
    let mut rng = Rng(7);
    let cases: Vec<Case> = capacities
        .iter()
        .enumerate()
        .map(|(i, &cap)| {
            let data = rng.bytes(cap);
            Case::new(format!("V{} capacity", i + 1), None, &data, DATA_SIZE, 0x77)
        })
        .collect();
    let outcomes = reference_outcomes(&bin, &cases);
    for (version, (case, out)) in (1..).zip(cases.iter().zip(&outcomes)) {
        assert_eq!(out.width, width_of(version), "{}", case.label);
        let width = usize::from(out.width);
        let stride = width.div_ceil(8);
        let light = |x: usize, y: usize| out.buf[y * stride + x / 8] & (0x80 >> (x % 8)) != 0;
        let grid = rqrr::SimpleGrid::from_func(width, |x, y| !light(x, y));
        let mut decoded = Vec::new();
        rqrr::Grid::new(grid)
            .decode_to(&mut decoded)
            .unwrap_or_else(|e| panic!("{}: rqrr cannot decode Linux's image: {e:?}", case.label));
        assert_eq!(decoded, case.buf[..case.data_len], "{}", case.label);
        assert!(
            out.buf[width * stride..].iter().all(|&b| b == 0),
            "{}: bytes after the image are not cleared",
            case.label
        );
    }

    let failures = failure_cases(&mut rng, None);
    for (case, out) in failures.iter().zip(reference_outcomes(&bin, &failures)) {
        assert_eq!(out.width, 0, "{}", case.label);
        assert!(
            out.buf == case.buf,
            "{}: the data buffer changed",
            case.label
        );
    }
}

/// The byte-segment path is bit-for-bit Linux 6.12's.
#[test]
fn byte_mode_matches_linux() {
    let Some(bin) = reference() else { return };
    let cases = byte_cases(&byte_capacities(&bin));
    let linux = reference_outcomes(&bin, &cases);
    assert_same(&cases, &linux, "byte-mode");
    let _ = writeln!(
        io::stderr(),
        "linux_reference: {} byte-mode cases identical to Linux 6.12",
        cases.len()
    );
}

/// `drm_panic_qr_max_data_size` gives Linux 6.12's numbers.
#[test]
fn max_data_size_matches_linux() {
    let Some(bin) = reference() else { return };
    let args: Vec<(u8, usize)> = (0..=41)
        .flat_map(|v| (0..=300).map(move |url_len| (v, url_len)))
        .collect();
    let linux = reference_max_data_sizes(&bin, &args);
    let mut failures = Vec::new();
    for (&(version, url_len), &expected) in args.iter().zip(&linux) {
        let ours = panicqr_ffi::drm_panic_qr_max_data_size(version, url_len);
        if ours != expected {
            failures.push(format!(
                "drm_panic_qr_max_data_size({version}, {url_len}): Linux {expected}, us {ours}"
            ));
        }
    }
    let shown: Vec<&str> = failures.iter().take(20).map(String::as_str).collect();
    assert!(
        failures.is_empty(),
        "{} of {} differ:\n{}",
        failures.len(),
        args.len(),
        shown.join("\n")
    );
}

/// With a URL the encodings differ on purpose, but the failures for short
/// buffers are the same, and both fit `drm_panic_qr_max_data_size(v,
/// url_len)` bytes of data in version `v`.
#[test]
fn url_mode_agrees_where_it_must() {
    let Some(bin) = reference() else { return };
    let mut rng = Rng(0x0123_4567_89ab_cdef);

    let url = b"https://panic.example/?a=x86_64&v=6.12&z=".to_vec();
    let failures = failure_cases(&mut rng, Some(&url));
    let linux = reference_outcomes(&bin, &failures);
    for (case, out) in failures.iter().zip(&linux) {
        assert_eq!(out.width, 0, "{}: Linux did not fail", case.label);
    }
    assert_same(&failures, &linux, "URL failure");

    // The data that `drm_panic_qr_max_data_size` promises must fit.
    let mut args = Vec::new();
    for version in 1..=40u8 {
        for url_len in [1, 9, 42, 100, 255] {
            args.push((version, url_len));
        }
    }
    let sizes = reference_max_data_sizes(&bin, &args);
    let mut cases = Vec::new();
    let mut versions = Vec::new();
    for (&(version, url_len), &size) in args.iter().zip(&sizes) {
        if size == 0 {
            continue;
        }
        let url: Vec<u8> = (0..url_len).map(|_| b'a' + rng.below(26) as u8).collect();
        let data = rng.bytes(size);
        let label = format!("V{version}, {url_len}-byte URL, {size} data bytes");
        cases.push(Case::new(label, Some(url), &data, DATA_SIZE, 0));
        versions.push(usize::from(version));
    }
    assert!(cases.len() > 100, "too few URL cases: {}", cases.len());
    let linux = reference_outcomes(&bin, &cases);
    let mut problems = Vec::new();
    for ((case, out), &version) in cases.iter().zip(&linux).zip(&versions) {
        let max = width_of(version);
        if out.width == 0 || out.width > max {
            problems.push(format!("{}: Linux gave width {}", case.label, out.width));
        }
        let ours = our_outcome(case);
        if ours.width == 0 || ours.width > max {
            problems.push(format!("{}: we gave width {}", case.label, ours.width));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
