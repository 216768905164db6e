//! The format information: the 15 error-corrected bits that tell a reader
//! the error correction level and the mask, and where their two copies sit.
//!
//! The format modules are placed after masking: their bits name the mask,
//! and the mask does not apply to them. The penalty rules score each mask
//! with its format modules in place ([`format_line`]). The version
//! information, which depends on the version alone, is a function pattern:
//! [`Version::information_bits`] computes it and [`crate::qr::matrix`]
//! places it.
//!
//! [`Version::information_bits`]: crate::qr::version::Version::information_bits

use crate::qr::rows::{set_bit, Row};
use crate::qr::version::Ecc;

/// Returns the 15 bits of format information for `ecc` and mask number
/// `mask` (0 to 7), masked.
pub(crate) const fn format_bits(ecc: Ecc, mask: u8) -> u32 {
    let data = ecc.format_bits() << 3 | (mask & 7) as u32;
    let mut remainder = data;
    let mut i = 0;
    while i < 10 {
        // The remainder keeps 10 bits, so the product is 0 or 0x537.
        remainder = (remainder << 1) ^ (remainder >> 9).wrapping_mul(0x537);
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
    // Second copy, split between the other two finders. A code is at least
    // 21 modules wide: the differences do not wrap.
    for i in 0..8 {
        if on(i) {
            set(width.wrapping_sub(1 + i), 8);
        }
    }
    for i in 8..15 {
        if on(i) {
            set(8, width.wrapping_sub(15).wrapping_add(i));
        }
    }
}

/// Places the format information of `ecc` and mask number `mask` (0 to 7)
/// in the image: sets its dark modules, which must be light before.
pub(crate) fn place_format(image: &mut [u8], pitch: usize, width: usize, ecc: Ecc, mask: u8) {
    for_each_format_module(width, format_bits(ecc, mask), |x, y| {
        let index = y
            .checked_mul(pitch)
            .and_then(|start| start.checked_add(x / 8));
        if let Some(byte) = index.and_then(|index| image.get_mut(index)) {
            *byte |= 0x80 >> (x % 8);
        }
    });
}

/// The dark format modules of one line: row `line` when `along_x`, or else
/// column `line`. Only rows and columns 0 to 8 and the last 8 hold format
/// modules (see [`for_each_format_module`]); row 8 and column 8 hold many,
/// the others one each.
pub(crate) fn format_line(width: usize, bits: u32, line: usize, along_x: bool) -> Row {
    let mut row = [0u64; 3];
    if line == 8 {
        for_each_format_module(width, bits, |x, y| {
            let (fixed, along) = if along_x { (y, x) } else { (x, y) };
            if fixed == line {
                set_bit(&mut row, along);
            }
        });
        return row;
    }
    // Which format bit sits on this line, and where along it.
    let (bit_index, along) = match (along_x, line) {
        // Row y: the module in column 8.
        (true, 0..=5) => (line, 8),
        (true, 7) => (6, 8),
        // `y + 7 >= width`, so `y + 15 - width` does not wrap.
        (true, y) if y.saturating_add(7) >= width => (y.wrapping_add(15).wrapping_sub(width), 8),
        // Column x: the module in row 8.
        (false, 7) => (8, 8),
        (false, x @ 0..=5) => (14 - x, 8),
        // `x < width` for a line of the code: no wrap.
        (false, x) if x.saturating_add(8) >= width => (width.wrapping_sub(x).wrapping_sub(1), 8),
        _ => return row,
    };
    // `bit_index` is below 15.
    if bits.wrapping_shr(bit_index as u32) & 1 != 0 {
        set_bit(&mut row, along);
    }
    row
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
            assert_eq!(format_bits(Ecc::Low, mask as u8), bits);
        }
        // ISO/IEC 18004 Annex C: M, mask 5.
        assert_eq!(format_bits(Ecc::Medium, 5), 0b100_0000_1100_1110);
    }
}
