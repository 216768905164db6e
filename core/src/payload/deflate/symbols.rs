//! The deflate format's numbers (RFC 1951): the window, the match lengths,
//! the three alphabets, and the length and distance codes with their extra
//! bits.
//!
//! An LZ77 symbol is a pair `(a, dist)`: a literal byte `a` when `dist` is
//! 0, else a match of `a + 3` bytes at distance `dist`.

/// The base-2 logarithm of the window size, as in zlib's `windowBits`.
pub const WINDOW_BITS: u32 = 12;

/// The window size: the largest match distance, and the largest useful
/// dictionary.
pub const WINDOW_SIZE: usize = 1 << WINDOW_BITS;

/// The shortest match.
pub(super) const MIN_MATCH: usize = 3;
/// The longest match.
pub(super) const MAX_MATCH: usize = 258;

/// Literal/length symbols, the two that are never used included.
pub(super) const LL_SYMS: usize = 288;
/// Distance symbols, the two that are never used included.
pub(super) const D_SYMS: usize = 32;
/// Code length symbols.
pub(super) const CL_SYMS: usize = 19;

/// Base length of each length code 257..=285.
pub(super) const LENGTH_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
/// Extra bits of each length code 257..=285.
pub(super) const LENGTH_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
/// Base distance of each distance code 0..=29.
pub(super) const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
/// Extra bits of each distance code 0..=29.
pub(super) const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];
/// The order code length code lengths are sent in.
pub(super) const CL_ORDER: [u8; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

/// Length code index (0..=28) for each `length - 3`.
const LENGTH_CODE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut code = 0;
    while code < 29 {
        let mut len = LENGTH_BASE[code] as usize;
        let end = if code == 28 {
            259
        } else {
            LENGTH_BASE[code + 1] as usize
        };
        while len < end {
            table[len - 3] = code as u8;
            len += 1;
        }
        code += 1;
    }
    // Length 258 has its own code, 285, not 284 + 31.
    table[255] = 28;
    table
};

/// Length code index (0..=28) of a match of `len_minus_3 + 3` bytes.
#[inline]
pub(super) fn length_code(len_minus_3: u8) -> usize {
    usize::from(LENGTH_CODE[usize::from(len_minus_3)])
}

/// Distance code (0..=29) of a distance (1..=32 768).
#[inline]
pub(super) fn dist_code(dist: u16) -> usize {
    if dist <= 4 {
        return usize::from(dist.saturating_sub(1));
    }
    // Two codes per power of two: the bit below the top one of `dist - 1`
    // picks between them.
    let d = u32::from(dist - 1);
    let top = 31 - d.leading_zeros();
    ((2 * top + ((d >> (top - 1)) & 1)) as usize).min(DIST_BASE.len() - 1)
}

/// Input bytes the symbol `(a, dist)` covers.
#[inline]
pub(super) fn symbol_len(a: u8, dist: u16) -> usize {
    if dist == 0 {
        1
    } else {
        // At most 255 + 3: no wrap.
        usize::from(a).wrapping_add(MIN_MATCH)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dist_code_matches_the_table() {
        for dist in 1..=32_768u32 {
            let code = dist_code(dist as u16);
            let base = u32::from(DIST_BASE[code]);
            let extra = u32::from(DIST_EXTRA[code]);
            assert!(base <= dist && dist < base + (1 << extra), "{dist}");
        }
    }
}
