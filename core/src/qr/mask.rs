//! The eight mask patterns and the penalty rules N1–N4 of ISO/IEC 18004.
//!
//! The penalty is computed bit-parallel: a row is three 64-bit words, runs
//! and finder-like patterns are found with shifts and masks, and columns are
//! turned into rows by transposing the image in place, 32×32 bits at a time.
//! The scores equal those of the reference implementation rule for rule, so
//! automatic selection picks the same mask (ties go to the lowest number).
//!
//! A line (a row, or a column once transposed) is a [`Row`]: module `x` at
//! bit `63 - x % 64` of word `x / 64`, dark set, and every bit outside the
//! line clear, that is light, as the quiet zone is. Shifting a line towards
//! larger positions by `k` ([`shr`]) puts module `x - k` at position `x`,
//! and towards smaller ones ([`shl`]) module `x + k`; so one AND of shifted
//! copies tests a pattern ending at every position of the line at once, and
//! counting the set bits of the result counts the places it occurs.

use crate::qr::format::{format_bits, format_line};
use crate::qr::matrix::FunctionMap;
use crate::qr::rows::{bit, load_row, span, store_row, transpose_in_place, Row};
use crate::qr::version::Ecc;

/// A mask pattern, 0 to 7.
///
/// # Invariants
///
/// The number is in `0..=7`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Mask(u8);

impl Mask {
    /// Returns the mask with this number, or `None` above 7.
    pub const fn new(number: u8) -> Option<Mask> {
        if number <= 7 {
            // INVARIANT: checked just above.
            Some(Mask(number))
        } else {
            None
        }
    }

    /// Returns the mask number, in `0..=7`.
    pub const fn number(self) -> u8 {
        self.0
    }
}

/// Returns whether mask `mask` inverts the module at column `x`, row `y`.
const fn inverts(mask: u8, x: usize, y: usize) -> bool {
    match mask {
        0 => (x + y) % 2 == 0,
        1 => y % 2 == 0,
        2 => x % 3 == 0,
        3 => (x + y) % 3 == 0,
        4 => (x / 3 + y / 2) % 2 == 0,
        5 => x * y % 2 + x * y % 3 == 0,
        6 => (x * y % 2 + x * y % 3) % 2 == 0,
        _ => ((x + y) % 2 + x * y % 3) % 2 == 0,
    }
}

/// Builds, for each mask and each residue of the fixed coordinate modulo 12,
/// the row of inverted modules along the other coordinate. Every pattern
/// repeats every 12 rows and every 12 columns.
const fn pattern_table(transposed: bool) -> [[Row; 12]; 8] {
    let mut table = [[[0u64; 3]; 12]; 8];
    let mut mask = 0;
    while mask < 8 {
        let mut fixed = 0;
        while fixed < 12 {
            let mut along = 0;
            while along < 192 {
                let (x, y) = if transposed {
                    (fixed, along)
                } else {
                    (along, fixed)
                };
                if inverts(mask as u8, x, y) {
                    table[mask][fixed][along / 64] |= 1u64 << (63 - along % 64);
                }
                along += 1;
            }
            fixed += 1;
        }
        mask += 1;
    }
    table
}

/// `ROWS[mask][y % 12]`: the modules of row `y` that the mask inverts.
static ROWS: [[Row; 12]; 8] = pattern_table(false);
/// `COLUMNS[mask][x % 12]`: the modules of column `x` that the mask inverts.
static COLUMNS: [[Row; 12]; 8] = pattern_table(true);

/// Applies `mask` to the data modules of an image that holds only the
/// placed codewords, and sets the dark function modules.
pub(crate) fn apply(image: &mut [u8], pitch: usize, map: &FunctionMap, mask: Mask) {
    let width = map.width();
    let inside = span(0, width);
    let patterns = &ROWS[usize::from(mask.0 & 7)];
    for y in 0..width {
        let (function, dark) = map.row(y);
        let mut row = load_row(image, pitch, y);
        let pattern = &patterns[y % 12];
        for i in 0..3 {
            row[i] = (row[i] ^ (pattern[i] & !function[i] & inside[i])) | dark[i];
        }
        store_row(image, pitch, y, &row);
    }
}

/// Moves every module `k` positions towards the end of the line: bit `x` of
/// the result is module `x - k`, light for `x < k`. `k` is 1 to 63.
#[inline(always)]
fn shr(r: &Row, k: u32) -> Row {
    [
        r[0] >> k,
        r[1] >> k | r[0] << (64 - k),
        r[2] >> k | r[1] << (64 - k),
    ]
}

/// Moves every module `k` positions towards the start of the line: bit `x`
/// of the result is module `x + k`. `k` is 1 to 63.
#[inline(always)]
fn shl(r: &Row, k: u32) -> Row {
    [
        r[0] << k | r[1] >> (64 - k),
        r[1] << k | r[2] >> (64 - k),
        r[2] << k,
    ]
}

#[inline(always)]
fn and(a: &Row, b: &Row) -> Row {
    [a[0] & b[0], a[1] & b[1], a[2] & b[2]]
}

#[inline(always)]
fn and_not(a: &Row, b: &Row) -> Row {
    [a[0] & !b[0], a[1] & !b[1], a[2] & !b[2]]
}

/// Returns whether no bit of a row is set (an array comparison would call
/// memcmp).
#[inline(always)]
fn is_clear(r: &Row) -> bool {
    r[0] | r[1] | r[2] == 0
}

/// Returns the set bits of a row.
#[inline(always)]
fn count(r: &Row) -> u32 {
    weighted_count(r, &[0; 3])
}

/// Returns the set bits of `a` plus twice those of `b`.
///
/// Without a population count instruction (the baseline x86-64 the kernel
/// builds for has none), each word's bits are summed per byte and the bytes
/// of all six words added before one multiply gathers them: cheaper than six
/// separate counts. Each byte sums at most 3 × 8 + 2 × 3 × 8 = 72.
#[inline(always)]
fn weighted_count(a: &Row, b: &Row) -> u32 {
    if cfg!(target_feature = "popcnt") {
        let ones = a[0].count_ones() + a[1].count_ones() + a[2].count_ones();
        return ones + 2 * (b[0].count_ones() + b[1].count_ones() + b[2].count_ones());
    }
    #[inline(always)]
    fn bytes(x: u64) -> u64 {
        // Each 2-bit field holds at least its upper bit: no wrap.
        let x = x.wrapping_sub((x >> 1) & 0x5555_5555_5555_5555);
        let x = (x & 0x3333_3333_3333_3333) + ((x >> 2) & 0x3333_3333_3333_3333);
        (x + (x >> 4)) & 0x0f0f_0f0f_0f0f_0f0f
    }
    let sum =
        bytes(a[0]) + bytes(a[1]) + bytes(a[2]) + 2 * (bytes(b[0]) + bytes(b[1]) + bytes(b[2]));
    (sum.wrapping_mul(0x0101_0101_0101_0101) >> 56) as u32
}

/// Returns the module at `x` of a line, light outside it.
#[inline]
fn dark_at(line: &Row, x: isize) -> bool {
    x >= 0 && bit(line, x as usize)
}

/// Returns whether `len` modules from `start` are all light.
/// Positions and lengths here are within a few code widths of the line, far
/// from `isize`'s limits: their sums do not wrap.
fn all_light(line: &Row, start: isize, len: isize) -> bool {
    (start..start.wrapping_add(len)).all(|x| !dark_at(line, x))
}

/// Returns whether `len` modules from `start` are all dark.
fn all_dark(line: &Row, start: isize, len: isize) -> bool {
    (start..start.wrapping_add(len)).all(|x| dark_at(line, x))
}

/// Counts finder-like patterns of unit `n` ≥ 2 around the dark run of
/// length `3n` that ends at `end`: dark n, light n, dark 3n, light n, dark n,
/// with light 4n on one side and light n on the other.
fn scaled_finder_patterns(line: &Row, end: isize, n: isize) -> u32 {
    if n <= 4 {
        return scaled_finder_patterns_in_window(line, end, n as u32);
    }
    // `end` and `n` are below the line's length: nothing wraps.
    let at = |k: isize| end.wrapping_add(k.wrapping_mul(n)).wrapping_add(1);
    let core = all_light(line, at(-4), n)
        && all_dark(line, at(-5), n)
        && all_light(line, at(0), n)
        && all_dark(line, at(1), n);
    if !core {
        return 0;
    }
    let before = |len: isize| all_light(line, at(-5).wrapping_sub(len), len);
    let after = |len| all_light(line, at(2), len);
    u32::from(before(n.wrapping_mul(4)) && after(n))
        + u32::from(before(n) && after(n.wrapping_mul(4)))
}

/// Returns the `len` (at most 64) modules of a line from `start` on, the
/// first at the top of the word; modules outside the line are light (0).
fn window(line: &Row, start: isize, len: u32) -> u64 {
    let mut value = 0u64;
    let mut taken = 0u32;
    let mut at = start;
    while taken < len {
        let here = (len - taken).min(64 - (at.rem_euclid(64)) as u32);
        let word = if at < 0 {
            0
        } else {
            line.get(at as usize / 64).copied().unwrap_or(0)
        };
        // `here` is in `1..=64 - at % 64`, and `taken < len <= 64`: the
        // shifts are below 64 (`len` is at most 60 here) and nothing wraps.
        let bits = word.wrapping_shl(at.rem_euclid(64) as u32) & !u64::MAX.wrapping_shr(here);
        value |= bits.wrapping_shr(taken);
        taken = taken.wrapping_add(here);
        at = at.wrapping_add(here as isize);
    }
    value
}

/// [`scaled_finder_patterns`] for units up to 4: the whole neighbourhood,
/// 15n modules, fits one word and is compared with masks.
fn scaled_finder_patterns_in_window(line: &Row, end: isize, n: u32) -> u32 {
    // Modules from `end - 9n + 1`: light 4n, dark n, light n, dark 3n (ending
    // at `end`), light n, dark n, light 4n.
    // `n` is at most 4, so `15n` is at most 60: no shift reaches 64.
    let n = n & 7;
    let bits = window(
        line,
        end.wrapping_sub(9 * n as isize).wrapping_add(1),
        15 * n,
    );
    let run = |from: u32, len: u32| {
        u64::MAX.wrapping_shr(from) & !u64::MAX.wrapping_shr(from.wrapping_add(len))
    };
    let core_mask = run(4 * n, 7 * n);
    let core = run(4 * n, n) | run(6 * n, 3 * n) | run(10 * n, n);
    if bits & core_mask != core {
        return 0;
    }
    let light = |from, len| bits & run(from, len) == 0;
    u32::from(light(0, 4 * n) && light(11 * n, n))
        + u32::from(light(3 * n, n) && light(11 * n, 4 * n))
}

/// The N1 and N3 penalty points of one line (a row, or a column
/// transposed): runs of five or more modules of one colour, and finder-like
/// patterns. Modules outside the line are light, as the quiet zone is.
#[inline]
fn line_penalty(d: &Row, after_first: &Row) -> u32 {
    // N1: 3 points for each run of 5 modules of one colour, and 1 more for
    // each module past 5. `same` marks each module the same colour as the
    // one before it (the first module has none: the quiet zone does not
    // extend runs here, as it does in N3). `run5` then marks the last module
    // of every 5 in a row, so a run of `len` marks `len - 4`; `run6` marks
    // the last of every 6, so `run5 & !run6` marks each run once, at its
    // fifth module. `len - 4 + 2 = 3 + (len - 5)`.
    let x = shr(d, 1);
    let same = and_not(after_first, &[d[0] ^ x[0], d[1] ^ x[1], d[2] ^ x[2]]);
    let same2 = and(&same, &shr(&same, 1));
    let run5 = and(&same2, &shr(&same2, 2));
    let run6 = and(&run5, &shr(&same, 4));
    let n1 = weighted_count(&run5, &and_not(&run5, &run6));

    // N3: 40 points for each finder-like pattern, dark-light-dark-light-dark
    // in the ratio 1:1:3:1:1, with 4 light modules on either side (and at
    // least 1 on the other). Each side that qualifies counts once.
    //
    // Unit 1: `core` marks each `e` where 1011101 ends, with light at `e - 7`
    // and `e + 1`; then 3 more light before it, or 3 more after it, score.
    let d2 = shr(d, 2);
    let d3 = shr(d, 3);
    let d4 = shr(d, 4);
    let d5 = shr(d, 5);
    let d6 = shr(d, 6);
    let d7 = shr(d, 7);
    let dn1 = shl(d, 1);
    let mut core = [0u64; 3];
    for i in 0..3 {
        core[i] = d[i] & !x[i] & d2[i] & d3[i] & d4[i] & !d5[i] & d6[i] & !d7[i] & !dn1[i];
    }
    let mut n3 = 0u32;
    if !is_clear(&core) {
        let (b8, b9, b10) = (shr(d, 8), shr(d, 9), shr(d, 10));
        let (a2, a3, a4) = (shl(d, 2), shl(d, 3), shl(d, 4));
        // Scores count modules of a line of at most 177 (a few points
        // each): these sums and those below stay far from `u32::MAX`.
        for i in 0..3 {
            n3 = n3.wrapping_add((core[i] & !(b8[i] | b9[i] | b10[i])).count_ones());
            n3 = n3.wrapping_add((core[i] & !(a2[i] | a3[i] | a4[i])).count_ones());
        }
    }

    // Units 2 and more: the middle dark run is 3n ≥ 6 modules. `six` marks
    // the last of every 6 dark modules in a row; `ends` keeps those followed
    // by 2 light ones (`x + 1` and `x + 2`), the least light a unit of 2 or
    // more leaves after the middle run. So `ends` marks the end of each
    // maximal dark run of 6 or more that can be a middle run. Those are rare,
    // and are checked further out of line.
    let pair = and(d, &x);
    let four = and(&pair, &shr(&pair, 2));
    let six = and(&four, &shr(&pair, 4));
    let light_after = [
        dn1[0] | (d[0] << 2 | d[1] >> 62),
        dn1[1] | (d[1] << 2 | d[2] >> 62),
        dn1[2] | d[2] << 2,
    ];
    let ends = and_not(&six, &light_after);
    if !is_clear(&ends) {
        n3 = n3.wrapping_add(scaled_candidates(d, &ends, &d6));
    }
    n1.wrapping_add(n3.wrapping_mul(40))
}

/// Narrows the ends of dark runs of 6 or more to those that can be scaled
/// finder-like patterns, and counts those: a run of exactly 6 must have the
/// unit-2 core around it (checked with shifts), and runs of 9 or more are
/// rare enough to check one by one.
#[inline(never)]
fn scaled_candidates(d: &Row, ends: &Row, d6: &Row) -> u32 {
    let exactly_six = and_not(ends, d6);
    // Runs of 9 or more.
    let (d7, d8) = (shr(d, 7), shr(d, 8));
    let mut candidates = [0u64; 3];
    for i in 0..3 {
        candidates[i] = ends[i] & d6[i] & d7[i] & d8[i];
    }
    if !is_clear(&exactly_six) {
        // Light at e-7, dark at e-8 and e-9, light at e-10; dark at e+3 and
        // e+4, light at e+5.
        let (b7, b8, b9, b10) = (d7, d8, shr(d, 9), shr(d, 10));
        let (a3, a4, a5) = (shl(d, 3), shl(d, 4), shl(d, 5));
        for i in 0..3 {
            candidates[i] |=
                exactly_six[i] & !b7[i] & b8[i] & b9[i] & !b10[i] & a3[i] & a4[i] & !a5[i];
        }
    }
    if is_clear(&candidates) {
        return 0;
    }
    scaled_patterns_at(d, &candidates)
}

/// Counts the scaled finder-like patterns around the dark runs that end at
/// the set bits of `ends`. Rare, so kept out of line.
#[inline(never)]
fn scaled_patterns_at(d: &Row, ends: &Row) -> u32 {
    let mut n3 = 0u32;
    for (i, &word) in (0..3usize).zip(ends) {
        let mut bits = word;
        while bits != 0 {
            let offset = bits.leading_zeros() as usize;
            // `bits != 0`, so `offset` is below 64; `i` is below 3.
            bits &= !1u64.wrapping_shl(63u32.wrapping_sub(offset as u32));
            let end = i.wrapping_mul(64).wrapping_add(offset);
            let len = dark_run_before(d, end) as isize;
            if len % 3 == 0 {
                n3 = n3.wrapping_add(scaled_finder_patterns(d, end as isize, len / 3));
            }
        }
    }
    n3
}

/// Returns the length of the dark run that ends at `end`.
fn dark_run_before(d: &Row, end: usize) -> usize {
    let mut word_index = end / 64;
    // Bits of the word up to `end`, moved to the bottom.
    let mut word = d
        .get(word_index)
        .copied()
        .unwrap_or(0)
        .wrapping_shr(63 - (end % 64) as u32);
    let mut len = word.trailing_ones() as usize;
    let mut full = len == end % 64 + 1;
    while full && word_index > 0 {
        word_index -= 1;
        word = d.get(word_index).copied().unwrap_or(0);
        let more = word.trailing_ones() as usize;
        // At most 192 modules: no wrap.
        len = len.wrapping_add(more);
        full = more == 64;
    }
    len
}

/// Returns the penalty score of each mask for an image that holds only the
/// placed codewords (function modules light). The image is transposed and
/// back while the columns are scored, and holds the same bits on return.
pub(crate) fn penalties(image: &mut [u8], pitch: usize, map: &FunctionMap, ecc: Ecc) -> [u32; 8] {
    let width = map.width();
    let mut format = [0u32; 8];
    for (mask, bits) in (0..8).zip(&mut format) {
        *bits = format_bits(ecc, mask);
    }
    // The two passes keep their own frames, so the deepest stack is the
    // larger of the two, not their sum; they add into the same scores.
    let mut scores = [0u32; 8];
    let mut dark = [0u32; 8];
    row_penalties(image, pitch, map, &format, &mut scores, &mut dark);
    column_penalties(image, pitch, map, &format, &mut scores);

    // N4: 10 points for each twentieth, whole or begun, by which the dark
    // share strays from one half, but the first: `k = ceil(|20 dark / total - 10|) - 1`,
    // in integers. Never zero: the width is at least 21.
    let total = ((width * width) as u32).max(1);
    for (score, &dark) in scores.iter_mut().zip(&dark) {
        // `dark <= total <= 177²`, so the products fit. `total` is odd, so
        // `deviation` is not 0 and `k` does not wrap.
        let deviation = dark.wrapping_mul(20).abs_diff(total.wrapping_mul(10));
        let k = deviation.div_ceil(total).wrapping_sub(1);
        *score = score.wrapping_add(k.wrapping_mul(10));
    }
    scores
}

/// Adds the row penalties of each mask to `scores` (N1, N3, N2 with the row
/// above) and the dark modules of each masked matrix to `dark`.
#[inline(never)]
fn row_penalties(
    image: &[u8],
    pitch: usize,
    map: &FunctionMap,
    format: &[u32; 8],
    scores: &mut [u32; 8],
    dark: &mut [u32; 8],
) {
    let width = map.width();
    let inside = span(0, width);
    let after_first = span(1, width);
    let pairs = span(0, width.saturating_sub(1));
    let mut above = [[0u64; 3]; 8];
    for y in 0..width {
        let (function, dark_function) = map.row(y);
        let mut base = load_row(image, pitch, y);
        for (word, dark) in base.iter_mut().zip(dark_function) {
            *word |= dark;
        }
        // Each mask's row: the data modules (only) inverted where the mask
        // says, then the dark function and format modules ORed in.
        for mask in 0..8 {
            let pattern = &ROWS[mask][y % 12];
            let formats = format_line(width, format[mask], y, true);
            let mut row = [0u64; 3];
            for i in 0..3 {
                row[i] = (base[i] ^ (pattern[i] & !function[i] & inside[i])) | formats[i];
            }
            scores[mask] = scores[mask].wrapping_add(line_penalty(&row, &after_first));
            dark[mask] = dark[mask].wrapping_add(count(&row));
            // N2: 3 points for each 2×2 block of one colour, counted at its
            // bottom-left module: `x` matches `x + 1` in this row and both
            // match the row above. `pairs` leaves out the last column, which
            // has no `x + 1`. Blocks need no column pass.
            if y > 0 {
                let up = &above[mask];
                let next = shl(&row, 1);
                let up_next = shl(up, 1);
                let mut blocks = [0u64; 3];
                for i in 0..3 {
                    let horizontal = !(row[i] ^ next[i]);
                    let vertical = !(row[i] ^ up[i]) & !(next[i] ^ up_next[i]);
                    blocks[i] = horizontal & vertical & pairs[i];
                }
                scores[mask] = scores[mask].wrapping_add(count(&blocks).wrapping_mul(3));
            }
            above[mask] = row;
        }
    }
}

/// Adds the column penalties of each mask to `scores`: N1 and N3, on the
/// columns turned into rows by transposing the image in place, and back
/// afterwards. No copy of the columns is kept: this pass runs at the deepest
/// point of encoding, where the kernel's stack is scarce.
#[inline(never)]
fn column_penalties(
    image: &mut [u8],
    pitch: usize,
    map: &FunctionMap,
    format: &[u32; 8],
    scores: &mut [u32; 8],
) {
    let width = map.width();
    let inside = span(0, width);
    let after_first = span(1, width);
    transpose_in_place(image, pitch, width);
    for x in 0..width {
        let column = load_row(image, pitch, x);
        let (function, dark_function) = map.dark_column(x);
        for mask in 0..8 {
            let pattern = &COLUMNS[mask][x % 12];
            let formats = format_line(width, format[mask], x, false);
            let mut line = [0u64; 3];
            for i in 0..3 {
                line[i] = ((column[i] & inside[i]) ^ (pattern[i] & !function[i] & inside[i]))
                    | formats[i]
                    | dark_function[i];
            }
            scores[mask] = scores[mask].wrapping_add(line_penalty(&line, &after_first));
        }
    }
    transpose_in_place(image, pitch, width);
}

/// Returns the mask with the lowest score; ties go to the lowest number.
pub(crate) fn best(scores: &[u32; 8]) -> Mask {
    let mut best = 0;
    let mut lowest = scores[0];
    for (mask, &score) in (0..8).zip(scores) {
        if score < lowest {
            best = mask;
            lowest = score;
        }
    }
    Mask(best)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::qr::format::place_format;
    use crate::qr::rows::set_bit;
    use crate::qr::version::{image_len, Version};
    use std::vec::Vec;

    /// The reference scoring of one line, run by run, with a quiet zone as
    /// wide as the line.
    fn reference_line(pattern: &str) -> u32 {
        let modules: std::vec::Vec<bool> = pattern.chars().map(|c| c == '#').collect();
        let size = modules.len() as i32;
        let mut result = 0;
        let mut history = [0i32; 7];
        let push = |history: &mut [i32; 7], mut run: i32| {
            if history[0] == 0 {
                run += size;
            }
            history.copy_within(0..6, 1);
            history[0] = run;
        };
        let patterns = |h: &[i32; 7]| {
            let n = h[1];
            let core = n > 0 && h[2] == n && h[3] == n * 3 && h[4] == n && h[5] == n;
            i32::from(core && h[0] >= 4 * n && h[6] >= n)
                + i32::from(core && h[6] >= 4 * n && h[0] >= n)
        };
        let (mut colour, mut run) = (false, 0);
        for &m in &modules {
            if m == colour {
                run += 1;
                if run == 5 {
                    result += 3;
                } else if run > 5 {
                    result += 1;
                }
            } else {
                push(&mut history, run);
                if !colour {
                    result += 40 * patterns(&history);
                }
                colour = m;
                run = 1;
            }
        }
        if colour {
            push(&mut history, run);
            run = 0;
        }
        push(&mut history, run + size);
        result += 40 * patterns(&history);
        result as u32
    }

    fn line(pattern: &str) -> Row {
        let mut row = [0u64; 3];
        for (x, c) in pattern.chars().enumerate() {
            if c == '#' {
                set_bit(&mut row, x);
            }
        }
        row
    }

    #[test]
    fn line_penalty_known_vectors() {
        let cases = [
            ("#.###.#....", 40 + 40),
            ("....#.###.#", 40 + 40),
            ("#.###.#.#.#.#.#.#.#.#.#", 40),
            ("######", 4),
            ("##..######..##........", 40 + 40 + 4 + 6),
            (".....", 3),
        ];
        for (pattern, expected) in cases {
            let width = pattern.len();
            assert_eq!(reference_line(pattern), expected, "{pattern}");
            assert_eq!(
                line_penalty(&line(pattern), &span(1, width)),
                expected,
                "{pattern}"
            );
        }
    }

    #[test]
    fn line_penalty_matches_run_based_reference() {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        for round in 0..crate::test_size(20_000, 300) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let width = 21 + (round % 157);
            // Bias towards long runs so that scaled patterns appear.
            let mut pattern = std::string::String::new();
            let mut s = seed;
            let mut colour = s & 1 == 0;
            while pattern.len() < width {
                s = s.rotate_left(5) ^ 0x5851_f42d_4c95_7f2d;
                let run = 1 + (s % if round % 3 == 0 { 12 } else { 4 }) as usize;
                for _ in 0..run.min(width - pattern.len()) {
                    pattern.push(if colour { '#' } else { '.' });
                }
                colour = !colour;
            }
            let expected = reference_line(&pattern);
            assert_eq!(
                line_penalty(&line(&pattern), &span(1, width)),
                expected,
                "{pattern}"
            );
        }
    }

    /// Scores a finished matrix module by module, as the reference does.
    fn naive_score(modules: &[Vec<bool>]) -> u32 {
        let size = modules.len();
        let line_score = |line: &[bool]| -> u32 {
            let pattern: std::string::String =
                line.iter().map(|&m| if m { '#' } else { '.' }).collect();
            reference_line(&pattern)
        };
        let mut score = 0;
        for row in modules {
            score += line_score(row);
        }
        for x in 0..size {
            let column: Vec<bool> = modules.iter().map(|row| row[x]).collect();
            score += line_score(&column);
        }
        for y in 0..size - 1 {
            for x in 0..size - 1 {
                let c = modules[y][x];
                if c == modules[y][x + 1] && c == modules[y + 1][x] && c == modules[y + 1][x + 1] {
                    score += 3;
                }
            }
        }
        let dark = modules.iter().flatten().filter(|&&m| m).count() as i64;
        let total = (size * size) as i64;
        let k = ((dark * 20 - total * 10).abs() + total - 1) / total - 1;
        score + 10 * k as u32
    }

    #[test]
    fn penalties_match_a_module_by_module_score() {
        let mut seed = 0x1234_5678_u32;
        // Under Miri, rows of one and of two 64-bit words (widths 25 and
        // 65); three words only natively.
        let versions: &[u8] = if cfg!(miri) {
            &[2, 12]
        } else {
            &[1, 2, 6, 7, 14, 21, 32, 40]
        };
        for &v in versions {
            let version = Version::new(v).unwrap();
            let map = FunctionMap::new(version);
            let width = usize::from(version.width());
            let pitch = width.div_ceil(8);
            // Random data modules, function modules light: what placement
            // leaves behind.
            let mut image = std::vec![0u8; image_len(version)];
            for y in 0..width {
                let (function, _) = map.row(y);
                let mut row = [0u64; 3];
                for x in 0..width {
                    seed ^= seed << 13;
                    seed ^= seed >> 17;
                    seed ^= seed << 5;
                    if !bit(&function, x) && seed & 1 == 1 {
                        set_bit(&mut row, x);
                    }
                }
                store_row(&mut image, pitch, y, &row);
            }
            let scores = penalties(&mut image, pitch, &map, Ecc::Medium);
            for mask in 0..8u8 {
                let mut masked = image.clone();
                apply(&mut masked, pitch, &map, Mask(mask));
                place_format(&mut masked, pitch, width, Ecc::Medium, mask);
                let modules: Vec<Vec<bool>> = (0..width)
                    .map(|y| {
                        let row = load_row(&masked, pitch, y);
                        (0..width).map(|x| bit(&row, x)).collect()
                    })
                    .collect();
                assert_eq!(
                    scores[usize::from(mask)],
                    naive_score(&modules),
                    "V{v} mask {mask}"
                );
            }
        }
    }
}
