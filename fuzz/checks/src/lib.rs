//! Property checks shared by the fuzz targets (`fuzz/fuzz_targets/`) and
//! the ordinary tests (`tools/tests/checks.rs` in the tools crate).
//!
//! Each check takes raw bytes, reads its case from them with [`Input`], runs
//! the code under test and panics when a property fails. A fuzz target is one
//! line that calls a check; the tests run the same checks over the committed
//! seed corpora, so every property runs in `cargo test` too.
//!
//! The expected results are computed here independently of the encoder:
//! capacities from the ISO/IEC 18004 tables in [`iso`], segment lengths from
//! the bit-length formulas, and decoded payloads from `rqrr`, a decoder that
//! shares no code with `panicqr`.

pub mod differential_reference;
pub mod encode_any;
pub mod ffi_abi;
pub mod guard;
pub mod iso;
pub mod paint_rows;
pub mod payload_roundtrip;

use panicqr::QrCode;

/// Reads a fuzz case from bytes. Past the end it reads zeros, so every
/// input, even an empty one, is a valid case.
pub struct Input<'a> {
    data: &'a [u8],
}

impl<'a> Input<'a> {
    /// Wraps the bytes of one case.
    pub fn new(data: &'a [u8]) -> Input<'a> {
        Input { data }
    }

    /// Reads one byte, or 0 at the end.
    pub fn u8(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&b, rest)) => {
                self.data = rest;
                b
            }
            None => 0,
        }
    }

    /// Reads a little-endian `u16`.
    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }

    /// Reads a little-endian `u32`.
    pub fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.u8(), self.u8(), self.u8(), self.u8()])
    }

    /// Reads a flag from the low bit of a byte.
    pub fn bool(&mut self) -> bool {
        self.u8() & 1 != 0
    }

    /// Reads a number below `n` (`n > 0`) from a `u16`.
    pub fn below(&mut self, n: usize) -> usize {
        usize::from(self.u16()) % n
    }

    /// Reads a length up to `max` from a `u16` and returns that many bytes
    /// (fewer at the end of the input).
    pub fn bytes(&mut self, max: usize) -> &'a [u8] {
        let len = self.below(max + 1).min(self.data.len());
        let (head, rest) = self.data.split_at(len);
        self.data = rest;
        head
    }

    /// Reads a layout policy's `max_modules_across`: none half the time,
    /// else `u32::MAX` or a number from 1 to 599.
    pub fn modules_across(&mut self) -> u32 {
        match self.u8() % 8 {
            0..=3 => 0,
            4 => u32::MAX,
            _ => 1 + u32::from(self.u16() % 599),
        }
    }

    /// Returns the rest of the input.
    pub fn rest(&mut self) -> &'a [u8] {
        core::mem::take(&mut self.data)
    }
}

/// Repeats `pattern` to `len` bytes (zeros for an empty pattern), so a short
/// fuzz input can make the long data that reaches the largest versions.
pub fn stretch(pattern: &[u8], len: usize) -> Vec<u8> {
    if pattern.is_empty() {
        return vec![0; len];
    }
    pattern.iter().copied().cycle().take(len).collect()
}

/// Decodes a finished code with `rqrr`, straight from its modules (no image
/// detection), and returns the payload bytes and rqrr's metadata.
///
/// Panics when rqrr cannot decode it: every code the encoder returns must
/// decode.
pub fn decode_code(code: &QrCode<'_>) -> (Vec<u8>, rqrr::MetaData) {
    let width = usize::from(code.width());
    let grid = rqrr::SimpleGrid::from_func(width, |x, y| code.is_dark(x as i32, y as i32));
    let mut payload = Vec::new();
    let meta = rqrr::Grid::new(grid)
        .decode_to(&mut payload)
        .unwrap_or_else(|e| panic!("rqrr cannot decode V{}: {e:?}", code.version().number()));
    (payload, meta)
}

/// Unpacks the digits of a panic URL's `z=` parameter: each group of 17
/// digits is a little-endian number of 7 bytes, and a shorter last group of
/// 3, 5, 8, 10, 13 or 15 digits holds 1 to 6 bytes. `None` for digits the
/// packing cannot make.
///
/// Written out here from the format, as [`payload_roundtrip::adler32`] is,
/// rather than taken from the host tools' decoder: the checks build on the
/// encoder and its C ABI alone, and the tools crate's tests run them.
pub fn unpack_z(digits: &str) -> Option<Vec<u8>> {
    // Digits of a last group of 0 to 7 bytes.
    const DIGITS: [usize; 8] = [0, 3, 5, 8, 10, 13, 15, 17];
    let digits = digits.as_bytes();
    let tail_bytes = DIGITS
        .iter()
        .position(|&d| d == digits.len() % DIGITS[7])
        .filter(|&bytes| bytes < 7)?;
    let mut out = Vec::with_capacity(digits.len() / DIGITS[7] * 7 + tail_bytes);
    for group in digits.chunks(DIGITS[7]) {
        let bytes = if group.len() == DIGITS[7] {
            7
        } else {
            tail_bytes
        };
        let mut value = 0u64;
        for &digit in group {
            if !digit.is_ascii_digit() {
                return None;
            }
            value = value * 10 + u64::from(digit - b'0');
        }
        if value >> (8 * bytes) != 0 {
            return None;
        }
        out.extend_from_slice(&value.to_le_bytes()[..bytes]);
    }
    Some(out)
}

/// Checks rqrr's metadata against the code's own: version, level and mask.
pub fn check_metadata(code: &QrCode<'_>, meta: &rqrr::MetaData) {
    assert_eq!(
        meta.version.0,
        usize::from(code.version().number()),
        "version"
    );
    // rqrr reports the two format bits of the level: L = 1, M = 0, Q = 3,
    // H = 2.
    let format_bits = [1, 0, 3, 2][code.ecc() as usize];
    assert_eq!(meta.ecc_level, format_bits, "error correction level");
    assert_eq!(meta.mask, u16::from(code.mask().number()), "mask");
}

/// Checks the raw image bits of a code: the unused low bits of each row are
/// zero whatever the polarity, and the bit convention matches
/// [`QrCode::is_dark`].
pub fn check_rows(code: &QrCode<'_>) {
    let width = usize::from(code.width());
    let pitch = width.div_ceil(8);
    assert_eq!(code.rows().len(), pitch * width, "image length");
    let dark_is_set = code.polarity() == panicqr::Polarity::DarkIsSet;
    for (y, row) in code.rows().chunks(pitch).enumerate() {
        for x in 0..pitch * 8 {
            let bit = row[x / 8] >> (7 - x % 8) & 1 != 0;
            if x >= width {
                assert!(!bit, "padding bit {x} of row {y} is set");
            } else {
                assert_eq!(bit == dark_is_set, code.is_dark(x as i32, y as i32));
            }
        }
    }
}

/// Runs `check` on every file in `dir`, in name order, and returns how many
/// it ran. For the ordinary tests over the committed seed corpora.
pub fn run_dir(dir: &std::path::Path, check: impl Fn(&[u8])) -> usize {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.is_file())
        .collect();
    paths.sort();
    for path in &paths {
        let data = std::fs::read(path).expect("seed file");
        check(&data);
    }
    paths.len()
}

/// A check: panics when a property fails for the case these bytes encode.
pub type Check = fn(&[u8]);

/// Every check, by fuzz target name, for the test drivers.
pub const CHECKS: [(&str, Check); 5] = [
    ("encode_any", encode_any::check),
    ("differential_reference", differential_reference::check),
    ("ffi_abi", ffi_abi::check),
    ("payload_roundtrip", payload_roundtrip::check),
    ("paint_rows", paint_rows::check),
];

/// Runs `check` on `cases` pseudo-random inputs of up to `max_len` bytes
/// from a fixed seed (xorshift64*), so a failure reproduces. On failure the
/// panic names the case; write its bytes out with [`random_case`] to replay
/// it under the fuzzer.
pub fn run_random(check: Check, cases: usize, max_len: usize, seed: u64) {
    for case in 0..cases {
        let data = random_case(seed, case, max_len);
        check(&data);
    }
}

/// Returns the bytes of case `case` of [`run_random`].
pub fn random_case(seed: u64, case: usize, max_len: usize) -> Vec<u8> {
    let mut state = seed ^ (case as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let mut next = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    let len = (next() % (max_len as u64 + 1)) as usize;
    (0..len).map(|_| (next() >> 56) as u8).collect()
}
