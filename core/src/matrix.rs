//! The module matrix: function patterns, codeword placement, and the format
//! and version information.
//!
//! Rows are handled as three 64-bit words, [`Row`], with column `x` at bit
//! `63 - x % 64` of word `x / 64`: the same order as the image bytes, most
//! significant bit first, so a row loads and stores as big-endian words.

use crate::mask::Mask;
use crate::reed_solomon::Blocks;
use crate::version::{Ecc, Version};

/// One row (or, transposed, one column) of up to 192 modules.
pub(crate) type Row = [u64; 3];

/// Returns a row with the modules in `start..end` set.
#[inline]
pub(crate) fn span(start: usize, end: usize) -> Row {
    let mut row = [0u64; 3];
    for (i, word) in row.iter_mut().enumerate() {
        let lo = (i * 64).max(start);
        let hi = (i * 64 + 64).min(end);
        if lo < hi {
            let len = hi - lo;
            let bits = if len == 64 {
                u64::MAX
            } else {
                (1u64 << len) - 1
            };
            *word |= bits << (64 - (lo - i * 64) - len);
        }
    }
    row
}

#[inline]
pub(crate) fn set_bit(row: &mut Row, x: usize) {
    if let Some(word) = row.get_mut(x / 64) {
        *word |= 1u64 << (63 - x % 64);
    }
}

#[inline]
pub(crate) fn bit(row: &Row, x: usize) -> bool {
    row.get(x / 64)
        .is_some_and(|word| word >> (63 - x % 64) & 1 != 0)
}

/// Places `bits` (most significant first, `len` of them) at `x`.
#[inline]
fn put_bits(row: &mut Row, x: usize, bits: u64, len: usize) {
    for k in 0..len {
        if bits >> (len - 1 - k) & 1 != 0 {
            set_bit(row, x + k);
        }
    }
}

/// Loads row `y` of an image with `pitch` bytes a row.
#[inline]
pub(crate) fn load_row(image: &[u8], pitch: usize, y: usize) -> Row {
    let mut row = [0u64; 3];
    if let Some(bytes) = image.get(y * pitch..y * pitch + pitch) {
        for (word, chunk) in row.iter_mut().zip(bytes.chunks(8)) {
            let mut value = 0u64;
            for (k, &byte) in chunk.iter().enumerate() {
                value |= u64::from(byte) << (56 - 8 * (k & 7));
            }
            *word = value;
        }
    }
    row
}

/// Stores row `y` of an image with `pitch` bytes a row.
#[inline]
pub(crate) fn store_row(image: &mut [u8], pitch: usize, y: usize, row: &Row) {
    if let Some(bytes) = image.get_mut(y * pitch..y * pitch + pitch) {
        for (word, chunk) in row.iter().zip(bytes.chunks_mut(8)) {
            for (k, byte) in chunk.iter_mut().enumerate() {
                *byte = (word >> (56 - 8 * (k & 7))) as u8;
            }
        }
    }
}

/// The rows of function modules of one version, computed on demand.
///
/// The function map is symmetric under transposition, so
/// [`FunctionMap::row`] also gives column `x` as bits over `y`.
pub(crate) struct FunctionMap {
    width: usize,
    /// Alignment centres along one axis.
    centres: [u8; 7],
    centre_count: usize,
    /// The version information, 18 bits, or 0 below version 7.
    version_bits: u32,
}

impl FunctionMap {
    pub(crate) fn new(version: Version) -> FunctionMap {
        let (centres, centre_count) = version.alignment_positions();
        FunctionMap {
            width: usize::from(version.width()),
            centres,
            centre_count,
            version_bits: version_bits(version),
        }
    }

    /// Returns the width of the code in modules.
    pub(crate) fn width(&self) -> usize {
        self.width
    }

    /// Returns the function modules of row `y` and, of those, the dark ones
    /// (format modules are function modules and left light here).
    pub(crate) fn row(&self, y: usize) -> (Row, Row) {
        let w = self.width;
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
        if y + 8 >= w {
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
        if y + 7 >= w {
            put_bits(&mut dark, 0, finder_row(y.abs_diff(w - 4)), 7);
        }
        // Timing patterns.
        if y == 6 {
            or(&mut function, span(0, w));
            let mut x = 8;
            while x < w - 8 {
                set_bit(&mut dark, x);
                x += 2;
            }
        } else {
            set_bit(&mut function, 6);
            if y % 2 == 0 && y >= 8 && y < w - 8 {
                set_bit(&mut dark, 6);
            }
        }
        // Alignment patterns.
        let centres = self.centres.get(..self.centre_count).unwrap_or(&[]);
        let last = self.centre_count.wrapping_sub(1);
        for (j, &cy) in centres.iter().enumerate() {
            let dy = y.abs_diff(usize::from(cy));
            if dy > 2 {
                continue;
            }
            for (i, &cx) in centres.iter().enumerate() {
                let overlaps_finder =
                    (i == 0 && j == 0) || (i == 0 && j == last) || (i == last && j == 0);
                if overlaps_finder {
                    continue;
                }
                let x = usize::from(cx) - 2;
                or(&mut function, span(x, x + 5));
                let bits = match dy {
                    2 => 0b11111,
                    1 => 0b10001,
                    _ => 0b10101,
                };
                put_bits(&mut dark, x, bits, 5);
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
                let k = y - (w - 11);
                for x in 0..6 {
                    if self.version_bits >> (3 * x + k) & 1 != 0 {
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

/// Returns the 18 bits of version information, or 0 below version 7.
pub(crate) const fn version_bits(version: Version) -> u32 {
    let v = version.number() as u32;
    if v < 7 {
        return 0;
    }
    let mut remainder = v;
    let mut i = 0;
    while i < 12 {
        remainder = (remainder << 1) ^ ((remainder >> 11) * 0x1f25);
        i += 1;
    }
    v << 12 | remainder
}

/// Returns the 15 bits of format information, masked.
pub(crate) const fn format_bits(ecc: Ecc, mask: Mask) -> u32 {
    let data = ecc.format_bits() << 3 | mask.number() as u32;
    let mut remainder = data;
    let mut i = 0;
    while i < 10 {
        remainder = (remainder << 1) ^ ((remainder >> 9) * 0x537);
        i += 1;
    }
    (data << 10 | remainder) ^ 0x5412
}

/// Calls `set(x, y)` for each dark format module of `bits`.
#[inline]
pub(crate) fn for_each_format_module(width: usize, bits: u32, mut set: impl FnMut(usize, usize)) {
    let on = |i: usize| bits >> i & 1 != 0;
    // First copy, around the top-left finder.
    for i in 0..6 {
        if on(i) {
            set(8, i);
        }
    }
    if on(6) {
        set(8, 7);
    }
    if on(7) {
        set(8, 8);
    }
    if on(8) {
        set(7, 8);
    }
    for i in 9..15 {
        if on(i) {
            set(14 - i, 8);
        }
    }
    // Second copy, split between the other two finders.
    for i in 0..8 {
        if on(i) {
            set(width - 1 - i, 8);
        }
    }
    for i in 8..15 {
        if on(i) {
            set(8, width - 15 + i);
        }
    }
}

/// The codewords in the order they are placed: the data codewords
/// interleaved across blocks, then the error correction codewords likewise.
struct Interleaved<'a> {
    codewords: &'a [u8],
    blocks: Blocks,
    /// Position within a block.
    row: usize,
    block: usize,
    in_ecc: bool,
}

impl Iterator for Interleaved<'_> {
    type Item = u8;

    #[inline]
    fn next(&mut self) -> Option<u8> {
        let b = &self.blocks;
        loop {
            if self.block == b.count {
                self.block = 0;
                self.row += 1;
            }
            if !self.in_ecc {
                if self.row > b.short_data {
                    self.in_ecc = true;
                    self.row = 0;
                    continue;
                }
                let block = self.block;
                self.block += 1;
                if self.row < b.data_len_of(block) {
                    return self.codewords.get(b.data_start(block) + self.row).copied();
                }
            } else {
                if self.row >= b.ecc_len {
                    return None;
                }
                let block = self.block;
                self.block += 1;
                return self
                    .codewords
                    .get(b.data_len + block * b.ecc_len + self.row)
                    .copied();
            }
        }
    }
}

/// Draws the dark function modules of `version` into `image`, which is
/// cleared first. Format modules stay light.
pub(crate) fn draw_function_patterns(image: &mut [u8], pitch: usize, map: &FunctionMap) {
    for y in 0..map.width {
        let (_, dark) = map.row(y);
        store_row(image, pitch, y, &dark);
    }
}

/// Places the codewords in the zigzag order of ISO/IEC 18004, skipping
/// function modules. Remainder modules stay light.
pub(crate) fn place_codewords(
    image: &mut [u8],
    pitch: usize,
    map: &FunctionMap,
    codewords: &[u8],
    blocks: Blocks,
) {
    let width = map.width;
    let mut stream = Interleaved {
        codewords,
        blocks,
        row: 0,
        block: 0,
        in_ecc: false,
    };
    let mut reservoir: u32 = 0;
    let mut available = 0u32;
    let mut right = width - 1;
    loop {
        if right == 6 {
            right = 5;
        }
        // By symmetry, row `x` of the map is column `x`.
        let (right_column, _) = map.row(right);
        let (left_column, _) = map.row(right - 1);
        let upward = (right + 1) & 2 == 0;
        let right_byte = right / 8;
        let left_byte = (right - 1) / 8;
        let right_bit = 0x80u8 >> (right % 8);
        let left_bit = 0x80u8 >> ((right - 1) % 8);
        for step in 0..width {
            let y = if upward { width - 1 - step } else { step };
            for (column, byte, bit_mask) in [
                (&right_column, right_byte, right_bit),
                (&left_column, left_byte, left_bit),
            ] {
                if bit(column, y) {
                    continue;
                }
                if available == 0 {
                    match stream.next() {
                        Some(next) => {
                            reservoir = u32::from(next);
                            available = 8;
                        }
                        None => continue,
                    }
                }
                available -= 1;
                if reservoir >> available & 1 != 0 {
                    if let Some(b) = image.get_mut(y * pitch + byte) {
                        *b |= bit_mask;
                    }
                }
            }
        }
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
    fn format_bits_known_vectors() {
        // Linux's FORMAT_INFOS_QR_L, masks 0 to 7 at level L.
        let expected = [
            0x77c4, 0x72f3, 0x7daa, 0x789d, 0x662f, 0x6318, 0x6c41, 0x6976,
        ];
        for (mask, &bits) in expected.iter().enumerate() {
            assert_eq!(format_bits(Ecc::Low, Mask::new(mask as u8).unwrap()), bits);
        }
        // ISO/IEC 18004 Annex C: M, mask 5.
        assert_eq!(
            format_bits(Ecc::Medium, Mask::new(5).unwrap()),
            0b100_0000_1100_1110
        );
    }

    #[test]
    fn version_bits_known_vectors() {
        assert_eq!(version_bits(Version::new(6).unwrap()), 0);
        assert_eq!(version_bits(Version::new(7).unwrap()), 0x07c94);
        assert_eq!(version_bits(Version::new(40).unwrap()), 0x28c69);
    }

    #[test]
    fn function_map_is_symmetric_and_counts_match() {
        for v in 1..=40 {
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

    #[test]
    fn span_and_rows_round_trip() {
        let row = span(3, 130);
        let mut image = [0u8; 23];
        store_row(&mut image, 23, 0, &row);
        assert_eq!(load_row(&image, 23, 0), row);
        assert_eq!(image[0], 0x1f);
        assert_eq!(image[16], 0xc0);
    }
}
