//! The module matrix: the function patterns (finders, timing, alignment,
//! the version information and the always-dark module), and the placement
//! of the codewords between them.
//!
//! Rows are [`Row`]s, three 64-bit words (see [`crate::qr::rows`]).

use crate::qr::reed_solomon::Blocks;
use crate::qr::rows::{bit, set_bit, span, store_row, Row};
use crate::qr::version::Version;

/// Places `bits` (most significant first, `len` of them) at `x`.
#[inline]
fn put_bits(row: &mut Row, x: usize, bits: u64, len: usize) {
    // `x` is a column of a code and `len` at most 7: nothing wraps.
    for k in 0..len {
        if bits.wrapping_shr((len - 1 - k) as u32) & 1 != 0 {
            set_bit(row, x.wrapping_add(k));
        }
    }
}

/// The rows of function modules of one version, computed on demand.
///
/// The function map is symmetric under transposition, so
/// [`FunctionMap::row`] also gives column `x` as bits over `y`.
///
/// # Invariants
///
/// `width` is the width of a version, in `21..=177`.
pub(crate) struct FunctionMap {
    width: u8,
    /// Alignment centres along one axis.
    centres: [u8; 7],
    centre_count: u8,
    /// The version information, 18 bits, or 0 below version 7.
    version_bits: u32,
    /// The alignment patterns of a row that crosses every column of
    /// centres: the function modules, then the dark ones 0, 1 and 2 rows from
    /// the centre. Rows beside the first or last centre leave out the
    /// patterns that would overlap the finders.
    alignment: [Row; 4],
    /// The rows that may hold more than the timing column's module, bit `y`
    /// for row `y`: the finders' and the version information's rows, and
    /// the alignment patterns'. The others are plain (see
    /// [`FunctionMap::row`]).
    special: Row,
}

impl FunctionMap {
    pub(crate) fn new(version: Version) -> FunctionMap {
        let (centres, centre_count) = version.alignment_positions();
        let mut alignment = [[0u64; 3]; 4];
        for &cx in centres.iter().take(centre_count) {
            // Centres are at least 6.
            let x = usize::from(cx).wrapping_sub(2);
            for (row, bits) in alignment
                .iter_mut()
                .zip([0b11111, 0b10101, 0b10001, 0b11111])
            {
                put_bits(row, x, bits, 5);
            }
        }
        let width = usize::from(version.width());
        let mut special = [0u64; 3];
        let mut mark = |rows: Row| {
            for (word, rows) in special.iter_mut().zip(rows) {
                *word |= rows;
            }
        };
        mark(span(0, 9));
        mark(span(width.saturating_sub(11), width));
        for &c in centres.iter().take(centre_count) {
            // Centres are at least 6.
            let c = usize::from(c);
            mark(span(c.wrapping_sub(2), c.wrapping_add(3)));
        }
        // INVARIANT: the width of a version.
        FunctionMap {
            width: version.width(),
            centres,
            // At most 7 centres.
            centre_count: centre_count as u8,
            version_bits: version.information_bits(),
            alignment,
            special,
        }
    }

    /// Returns the dark function modules of column `x`, as bits over `y`.
    pub(crate) fn dark_column(&self, x: usize) -> (Row, Row) {
        let (function, mut dark) = self.row(x);
        let w = self.width();
        if x == w - 8 {
            if let Some(word) = dark.get_mut(0) {
                *word &= !(1u64 << (63 - 8));
            }
        }
        if x == 8 {
            set_bit(&mut dark, w - 8);
        }
        (function, dark)
    }

    /// Returns the width of the code in modules.
    pub(crate) fn width(&self) -> usize {
        // By the invariant the clamp changes nothing; it shows the compiler
        // the bounds, so that `w - 8` and the like need no overflow check.
        usize::from(self.width).clamp(21, 177)
    }

    /// Returns the function modules of row `y` and, of those, the dark ones
    /// (format modules are function modules and left light here).
    ///
    /// The function modules are symmetric, so this is also column `y`; the
    /// dark ones are too but for the module that is always dark, at column 8
    /// of row `width - 8` (see [`FunctionMap::dark_column`]).
    ///
    /// Most rows of a large code are plain: they cross no finder, alignment
    /// pattern or version information, and hold the timing column's module
    /// alone, dark in the even rows. Those are returned at once; the placement
    /// and every mask pass ask for each row.
    pub(crate) fn row(&self, y: usize) -> (Row, Row) {
        if bit(&self.special, y) {
            return self.special_row(y);
        }
        let mut function = [0u64; 3];
        let mut dark = [0u64; 3];
        set_bit(&mut function, 6);
        if y % 2 == 0 {
            set_bit(&mut dark, 6);
        }
        (function, dark)
    }

    /// [`FunctionMap::row`] for any row, pattern by pattern.
    fn special_row(&self, y: usize) -> (Row, Row) {
        let w = self.width();
        let mut function = [0u64; 3];
        let mut dark = [0u64; 3];
        let or = |a: &mut Row, b: Row| {
            for (a, b) in a.iter_mut().zip(b) {
                *a |= b;
            }
        };
        // Finder patterns with separators, and the format areas beside them.
        if y <= 8 {
            or(&mut function, span(0, 9));
            or(&mut function, span(w - 8, w));
        }
        if y >= w - 8 {
            or(&mut function, span(0, 9));
        }
        let finder_row = |dy: usize| -> u64 {
            match dy {
                3 => 0b111_1111,
                2 => 0b100_0001,
                _ => 0b101_1101,
            }
        };
        if y <= 6 {
            let bits = finder_row(y.abs_diff(3));
            put_bits(&mut dark, 0, bits, 7);
            put_bits(&mut dark, w - 7, bits, 7);
        }
        if y >= w - 7 {
            put_bits(&mut dark, 0, finder_row(y.abs_diff(w - 4)), 7);
        }
        // Timing patterns.
        if y == 6 {
            or(&mut function, span(0, w));
            let mut x = 8;
            while x < w - 8 {
                set_bit(&mut dark, x);
                x = x.wrapping_add(2);
            }
        } else {
            set_bit(&mut function, 6);
            if y % 2 == 0 && y >= 8 && y < w - 8 {
                set_bit(&mut dark, 6);
            }
        }
        // Alignment patterns.
        let centres = self
            .centres
            .get(..usize::from(self.centre_count))
            .unwrap_or(&[]);
        for (j, &cy) in (0..centres.len()).zip(centres) {
            let dy = y.abs_diff(usize::from(cy));
            if dy > 2 {
                continue;
            }
            // Beside the first centre, leave out the first and last columns
            // of centres; beside the last, the first.
            let first = span(4, 9);
            let last = if j == 0 {
                let x = usize::from(centres.last().copied().unwrap_or(0));
                span(x.saturating_sub(2), x.wrapping_add(3))
            } else {
                [0; 3]
            };
            let keep = if j == 0 || j == centres.len().wrapping_sub(1) {
                [
                    !(first[0] | last[0]),
                    !(first[1] | last[1]),
                    !(first[2] | last[2]),
                ]
            } else {
                [u64::MAX; 3]
            };
            let rows = &self.alignment;
            let dark_row = &rows[1 + dy % 3];
            for i in 0..3 {
                function[i] |= rows[0][i] & keep[i];
                dark[i] |= dark_row[i] & keep[i];
            }
        }
        // Version information.
        if self.version_bits != 0 {
            if y < 6 {
                or(&mut function, span(w - 11, w - 8));
                for k in 0..3 {
                    if self.version_bits >> (3 * y + k) & 1 != 0 {
                        set_bit(&mut dark, w - 11 + k);
                    }
                }
            } else if y >= w - 11 && y < w - 8 {
                or(&mut function, span(0, 6));
                let k = y.wrapping_sub(w - 11);
                for x in 0..6usize {
                    // `k` is below 3, so the shift below 18.
                    if self
                        .version_bits
                        .wrapping_shr((3 * x).wrapping_add(k) as u32)
                        & 1
                        != 0
                    {
                        set_bit(&mut dark, x);
                    }
                }
            }
        }
        // The module that is always dark.
        if y == w - 8 {
            set_bit(&mut dark, 8);
        }
        (function, dark)
    }
}

/// The codeword bits in the order they are placed: the data codewords
/// interleaved across blocks, then the error correction codewords likewise,
/// most significant bit first. Past the end, zero bits (the remainder bits).
///
/// The interleaved order reads the codewords in rows: row `r` takes
/// codeword `r` of each block that has one. In a row, the offset of each
/// block's codeword is the previous one's plus `stride`, plus 1 after a
/// long block, whose data is a codeword longer. The long blocks come last,
/// so a codeword read with fewer than `long` left after it is in one.
struct BitStream<'a> {
    codewords: &'a [u8],
    blocks: Blocks,
    /// Offset of the next codeword.
    offset: usize,
    /// Codewords left in the current row, the next included.
    left: usize,
    /// The current row: data rows `0..=short_data`, then error correction
    /// rows.
    row: usize,
    stride: usize,
    /// Long blocks among those the current row reads at `stride`.
    long: usize,
    /// Bits not yet taken, at the top of the word.
    bits: u64,
    available: u32,
}

impl<'a> BitStream<'a> {
    fn new(codewords: &'a [u8], blocks: Blocks) -> BitStream<'a> {
        BitStream {
            codewords,
            blocks,
            offset: 0,
            left: blocks.count,
            row: 0,
            stride: blocks.short_data,
            long: blocks.count.wrapping_sub(blocks.short_count),
            bits: 0,
            available: 0,
        }
    }

    /// Moves to the first codeword of the next row that has one, or past
    /// the end.
    #[inline(never)]
    fn next_row(&mut self) {
        let b = &self.blocks;
        // Rows, blocks and offsets count codewords of one code, at most
        // 3706: none of these sums wraps.
        self.row = self.row.wrapping_add(1);
        if self.row < b.short_data {
            self.offset = self.row;
            self.left = b.count;
            return;
        }
        // From here on every step is a whole stride.
        self.long = 0;
        if self.row == b.short_data && b.short_count < b.count {
            // The last data row: the long blocks only.
            self.offset = b.data_start(b.short_count).wrapping_add(b.short_data);
            self.left = b.count.wrapping_sub(b.short_count);
            self.stride = b.short_data.wrapping_add(1);
            return;
        }
        if self.row <= b.short_data {
            self.row = b.short_data.wrapping_add(1);
        }
        let ecc_row = self.row.wrapping_sub(b.short_data).wrapping_sub(1);
        self.stride = b.ecc_len;
        if ecc_row < b.ecc_len {
            self.offset = b.data_len.wrapping_add(ecc_row);
            self.left = b.count;
        } else {
            // Past the end: zeros from here on, at an offset that stays
            // past it.
            self.offset = usize::MAX;
            self.left = usize::MAX;
            self.stride = 0;
        }
    }

    /// Takes `n` bits, at most 56, returned at the top of the word.
    ///
    /// Waiting bits sit at the top of `bits`; each codeword read goes just
    /// below them. That needs 8 bits of room, and fewer than `n` ≤ 56 bits
    /// are waiting whenever one is read.
    #[inline]
    fn take(&mut self, n: u32) -> u64 {
        debug_assert!(n <= 56);
        // `available < n <= 56` in the loop and at most 63 after it: the
        // shifts are below 64 and nothing wraps.
        while self.available < n {
            let shift = 56u32.wrapping_sub(self.available);
            let byte = self.codewords.get(self.offset).copied().unwrap_or(0);
            self.bits |= u64::from(byte).wrapping_shl(shift);
            self.available = self.available.wrapping_add(8);
            self.left = self.left.wrapping_sub(1);
            if self.left == 0 {
                self.next_row();
            } else {
                self.offset = self
                    .offset
                    .wrapping_add(self.stride)
                    .wrapping_add(usize::from(self.left < self.long));
            }
        }
        let out = self.bits & !u64::MAX.wrapping_shr(n);
        self.bits = self.bits.wrapping_shl(n);
        self.available = self.available.wrapping_sub(n);
        out
    }
}

/// Separates alternate bits: the bits at even positions from the top go to
/// the upper half, the others to the lower half, each in order.
///
/// Five delta swaps (`t` marks the bits that differ from their partner, and
/// XORing `t` into both exchanges them): each exchanges the middle two
/// quarters of every field of 4, 8, 16, 32 and then 64 bits. After the
/// first, each nibble holds its even bits, then its odd ones; after each
/// further swap, fields twice as long do; after the last, the whole word.
/// (Hacker's Delight, section 7–2, the outer perfect unshuffle.)
#[inline]
fn unzip(mut x: u64) -> (u32, u32) {
    let mut t = (x ^ (x >> 1)) & 0x2222_2222_2222_2222;
    x ^= t ^ (t << 1);
    t = (x ^ (x >> 2)) & 0x0c0c_0c0c_0c0c_0c0c;
    x ^= t ^ (t << 2);
    t = (x ^ (x >> 4)) & 0x00f0_00f0_00f0_00f0;
    x ^= t ^ (t << 4);
    t = (x ^ (x >> 8)) & 0x0000_ff00_0000_ff00;
    x ^= t ^ (t << 8);
    t = (x ^ (x >> 16)) & 0x0000_0000_ffff_0000;
    x ^= t ^ (t << 16);
    ((x >> 32) as u32, x as u32)
}

/// ORs the top `n` bits of `field` into `row` from position `at`.
///
/// Position `at` is bit `63 - at % 64` of word `at / 64`, so the field,
/// moved to the top of a 64-bit word and shifted right by `at % 64`, lands
/// in that word; with `n` at most 32 it spills into the next word at most,
/// whose share is what the right shift dropped.
#[inline]
fn deposit(row: &mut Row, at: usize, field: u32, n: usize) {
    let value = u64::from(field) << 32 & !(u64::MAX >> n);
    let shift = at % 64;
    if let Some(word) = row.get_mut(at / 64) {
        *word |= value >> shift;
    }
    if shift + n > 64 {
        if let Some(word) = row.get_mut(at / 64 + 1) {
            *word |= value << (64 - shift);
        }
    }
}

/// Returns how many bits from `at` on are set, counting towards larger
/// positions (`forward`) or smaller ones, at most `limit`.
///
/// Larger positions sit at lower bits, so forward runs are leading ones of
/// the word shifted left by the offset, and backward runs trailing ones of
/// the word shifted right. A run that reaches the end of its word goes on in
/// the next (or previous) word; callers ask for at most 28 modules, so one
/// more word is enough.
#[inline]
fn run_length(row: &Row, at: usize, forward: bool, limit: usize) -> usize {
    let word = row.get(at / 64).copied().unwrap_or(0);
    let offset = at % 64;
    let n = if forward {
        let run = (word << offset).leading_ones() as usize;
        if run == 64 - offset {
            run + row
                .get(at / 64 + 1)
                .map_or(0, |w| w.leading_ones() as usize)
        } else {
            run
        }
    } else {
        let run = (word >> (63 - offset)).trailing_ones() as usize;
        if run == offset + 1 && at >= 64 {
            run + row
                .get((at / 64).wrapping_sub(1))
                .map_or(0, |w| w.trailing_ones() as usize)
        } else {
            run
        }
    };
    n.min(limit)
}

/// Places the codewords in the zigzag order of ISO/IEC 18004, skipping
/// function modules, which stay light, as do the remainder modules. `image`
/// must be cleared.
///
/// The image is left transposed: row `x` of it holds column `x` of the code.
/// Each pair of columns is gathered in registers and stored as such a row;
/// one in-place transpose ([`transpose_in_place`]) then turns the columns
/// into rows, after automatic mask selection has scored the columns (see
/// [`crate::qr::mask::choose`]).
///
/// [`transpose_in_place`]: crate::qr::rows::transpose_in_place
///
/// The zigzag takes two columns at a time from the right edge, `right` and
/// `right - 1`, skipping column 6 (the vertical timing pattern). In each
/// row it visits the right module, then the left one, both when they are
/// data modules. Over a run of rows where both are data modules, the next
/// `2 * run` bits of the stream therefore alternate right, left, right, and
/// [`unzip`] splits them into the run of each column at once. Going down,
/// the first bit belongs at the smallest `y`, which [`deposit`] puts first;
/// going up, it belongs at the largest, so the bits are reversed first.
/// Runs are at most 28 rows, since [`BitStream::take`] gives at most 56 bits,
/// and short runs, or rows where only one column holds data, go module by
/// module. Column 6 is never stored, so it keeps the cleared image's zeros.
pub(crate) fn place_columns(
    image: &mut [u8],
    pitch: usize,
    map: &FunctionMap,
    codewords: &[u8],
    blocks: Blocks,
) {
    let width = map.width();
    let inside = span(0, width);
    let mut stream = BitStream::new(codewords, blocks);
    let mut right = width - 1;
    loop {
        if right == 6 {
            right = 5;
        }
        // By symmetry, row `x` of the map is column `x`.
        let (right_function, _) = map.row(right);
        let (left_function, _) = map.row(right - 1);
        let mut free = [0u64; 3];
        for i in 0..3 {
            free[i] = !(right_function[i] | left_function[i]) & inside[i];
        }
        let mut right_column = [0u64; 3];
        let mut left_column = [0u64; 3];
        // Rows are visited upward (decreasing y) or downward, alternately
        // from one pair to the next: upward where `(right + 1) / 2` is even,
        // as it is at the right edge (`width` is 1 more than a multiple of
        // 4), and still alternating across the skipped column 6.
        let upward = right.wrapping_add(1) & 2 == 0;
        let mut remaining = width;
        let mut y = if upward { width - 1 } else { 0 };
        while remaining > 0 {
            // Rows of both columns free from `y` on, in the direction of travel.
            let run = run_length(&free, y, !upward, remaining.min(28));
            let taken = if run >= 4 {
                let (r, l) = unzip(stream.take(2 * run as u32));
                if upward {
                    // Reversed, the first bit is the lowest; shifted, the run
                    // sits at the top of the field, last bit first.
                    // Going up, the run covers `y` and the rows above it.
                    let start = y.wrapping_add(1).wrapping_sub(run);
                    // `4 <= run <= 28`: the shift is below 32.
                    let shift = 32u32.wrapping_sub(run as u32);
                    let (r, l) = (r.reverse_bits(), l.reverse_bits());
                    deposit(&mut right_column, start, r.wrapping_shl(shift), run);
                    deposit(&mut left_column, start, l.wrapping_shl(shift), run);
                } else {
                    deposit(&mut right_column, y, r, run);
                    deposit(&mut left_column, y, l, run);
                }
                run
            } else {
                if !bit(&right_function, y) && stream.take(1) != 0 {
                    set_bit(&mut right_column, y);
                }
                if !bit(&left_function, y) && stream.take(1) != 0 {
                    set_bit(&mut left_column, y);
                }
                1
            };
            // Runs stop at the code's edge: `y` stays in the code.
            remaining = remaining.wrapping_sub(taken);
            if remaining > 0 {
                y = if upward {
                    y.wrapping_sub(taken)
                } else {
                    y.wrapping_add(taken)
                };
            }
        }
        store_row(image, pitch, right, &right_column);
        store_row(image, pitch, right - 1, &left_column);
        if right < 3 {
            break;
        }
        right -= 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_rows_are_the_rows_built_pattern_by_pattern() {
        for v in 1..=40 {
            let map = FunctionMap::new(Version::new(v).unwrap());
            let mut plain = 0;
            for y in 0..map.width() {
                assert_eq!(map.row(y), map.special_row(y), "V{v} row {y}");
                plain += usize::from(!bit(&map.special, y));
            }
            // Version 40: of 177 rows, 9 at the top and 11 at the bottom
            // (finders, format and version information) and 5 around each of
            // the 5 centres away from them are special; 132 are plain.
            if v == 40 {
                assert_eq!(plain, 177 - 9 - 11 - 5 * 5);
            }
        }
    }

    #[test]
    fn stream_interleaves_the_blocks_codeword_by_codeword() {
        use crate::qr::version::Ecc;
        // Under Miri, a version with one block, and one with short and
        // long blocks.
        let versions: std::vec::Vec<u8> = if cfg!(miri) {
            std::vec![1, 40]
        } else {
            (1..=40).collect()
        };
        for v in versions {
            let version = Version::new(v).unwrap();
            for ecc in Ecc::ALL {
                let blocks = Blocks::new(version, ecc);
                let total = version.total_codewords();
                // Each codeword its own value, as far as a byte tells them
                // apart.
                let codewords: std::vec::Vec<u8> =
                    (0..total).map(|i| (i * 7 + i / 256) as u8).collect();
                // Codeword `r` of each block that has one, block by block,
                // the data first, then the error correction.
                let mut expected = std::vec::Vec::new();
                for r in 0..=blocks.short_data {
                    for b in 0..blocks.count {
                        if r < blocks.data_len_of(b) {
                            expected.push(codewords[blocks.data_start(b) + r]);
                        }
                    }
                }
                for r in 0..blocks.ecc_len {
                    for b in 0..blocks.count {
                        expected.push(codewords[blocks.data_len + b * blocks.ecc_len + r]);
                    }
                }
                assert_eq!(expected.len(), total);
                let mut stream = BitStream::new(&codewords, blocks);
                // Taken in uneven pieces, and 16 bytes past the end.
                let mut got = std::vec::Vec::new();
                let mut bits = 0u64;
                let mut held = 0;
                let mut k = 0u32;
                while got.len() < total + 16 {
                    let n = [1, 8, 56, 13, 3, 40][(k % 6) as usize];
                    k += 1;
                    let taken = stream.take(n) >> (64 - n);
                    bits = bits << n | taken;
                    held += n;
                    while held >= 8 {
                        got.push((bits >> (held - 8)) as u8);
                        held -= 8;
                        bits &= (1u64 << held) - 1;
                    }
                }
                assert_eq!(got[..total], expected[..], "V{v} {ecc:?}");
                assert!(got[total..].iter().all(|&b| b == 0), "V{v} {ecc:?}");
            }
        }
    }

    #[test]
    fn function_map_is_symmetric_and_counts_match() {
        // Under Miri, versions 1, 2 (one alignment pattern), 7 (version
        // information) and 14 (alignment patterns in rows of three).
        let versions: std::vec::Vec<u8> = if cfg!(miri) {
            std::vec![1, 2, 7, 14]
        } else {
            (1..=40).collect()
        };
        for v in versions {
            let version = Version::new(v).unwrap();
            let map = FunctionMap::new(version);
            let w = usize::from(version.width());
            let mut data_modules = 0;
            for y in 0..w {
                let (function, _) = map.row(y);
                for x in 0..w {
                    let (column, _) = map.row(x);
                    assert_eq!(bit(&function, x), bit(&column, y), "V{v} ({x}, {y})");
                    data_modules += usize::from(!bit(&function, x));
                }
                for x in w..192 {
                    assert!(!bit(&function, x));
                }
            }
            assert_eq!(data_modules, version.raw_data_modules(), "V{v}");
        }
    }
}
