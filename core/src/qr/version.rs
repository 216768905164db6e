//! Versions, error correction levels and the capacity tables of ISO/IEC 18004.
//!
//! Everything here is `const`: the tables are read at compile time where a
//! caller sizes a buffer, and at run time by the encoder.

/// A QR code version, from 1 (21×21 modules) to 40 (177×177 modules).
///
/// # Invariants
///
/// The number is in `1..=40`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version(u8);

impl Version {
    /// The smallest version, 21×21 modules.
    pub const MIN: Version = Version(1);
    /// The largest version, 177×177 modules.
    pub const MAX: Version = Version(40);

    /// Returns the version with this number, or `None` outside `1..=40`.
    ///
    /// ```
    /// use panicqr::Version;
    /// assert_eq!(Version::new(40), Some(Version::MAX));
    /// assert_eq!(Version::new(0), None);
    /// ```
    pub const fn new(number: u8) -> Option<Version> {
        if number >= 1 && number <= 40 {
            // INVARIANT: checked just above.
            Some(Version(number))
        } else {
            None
        }
    }

    /// Returns the version number, in `1..=40`.
    pub const fn number(self) -> u8 {
        self.0
    }

    /// Returns the width (and height) of the code in modules: `17 + 4 × version`.
    pub const fn width(self) -> u8 {
        // From the index, not the number: the compiler then sees that the
        // sum stays below 256, and the kernel's overflow checks go.
        21 + 4 * self.index() as u8
    }

    /// Returns the row of the version in the tables, `0..40`. The modulo
    /// never changes the value (the number is in `1..=40`); it lets the
    /// compiler see the bound.
    pub(crate) const fn index(self) -> usize {
        (self.0 as usize).wrapping_sub(1) % 40
    }

    /// Returns the class of character count field widths this version uses:
    /// 0 for versions 1–9, 1 for 10–26, and 2 for 27–40.
    pub(crate) const fn count_class(self) -> usize {
        if self.0 <= 9 {
            0
        } else if self.0 <= 26 {
            1
        } else {
            2
        }
    }

    /// Returns the number of modules that carry codeword bits, remainder bits
    /// included: everything but the function patterns and the format and
    /// version areas.
    pub const fn raw_data_modules(self) -> usize {
        let v = self.index() + 1;
        let mut modules = (16 * v + 128) * v + 64;
        // The alignment patterns take fewer modules than the code has, for
        // every version: the subtractions cannot wrap.
        if v >= 2 {
            let alignments = v / 7 + 2;
            modules = modules.wrapping_sub((25 * alignments - 10) * alignments - 55);
            if v >= 7 {
                modules = modules.wrapping_sub(36);
            }
        }
        modules
    }

    /// Returns the total number of codewords, data and error correction.
    pub const fn total_codewords(self) -> usize {
        self.raw_data_modules() / 8
    }

    /// Returns the number of data codewords at this error correction level.
    pub const fn data_codewords(self, ecc: Ecc) -> usize {
        // The tables give every version and level fewer error correction
        // codewords than codewords: no wrap.
        self.total_codewords()
            .wrapping_sub(self.ecc_codewords_per_block(ecc) * self.error_correction_blocks(ecc))
    }

    /// Returns the number of data bits at this error correction level.
    pub const fn data_bits(self, ecc: Ecc) -> usize {
        // At most 2956 codewords: no wrap.
        self.data_codewords(ecc).wrapping_mul(8)
    }

    pub(crate) const fn ecc_codewords_per_block(self, ecc: Ecc) -> usize {
        ECC_CODEWORDS_PER_BLOCK[ecc as usize & 3][self.index()] as usize
    }

    /// Returns the number of blocks, at least 1.
    pub(crate) const fn error_correction_blocks(self, ecc: Ecc) -> usize {
        ERROR_CORRECTION_BLOCKS[ecc as usize & 3][self.index()] as usize
    }

    /// Returns the positions of the alignment pattern centres along one axis,
    /// in ascending order, and how many of the seven slots are used.
    pub(crate) const fn alignment_positions(self) -> ([u8; 7], usize) {
        let mut positions = [0u8; 7];
        let v = self.0 as usize;
        if v == 1 {
            return (positions, 0);
        }
        let count = v / 7 + 2;
        let step = if v == 32 {
            26
        } else {
            (v * 4 + count * 2 + 1) / (count * 2 - 2) * 2
        };
        positions[0] = 6;
        let last = self.width() as usize - 7;
        let mut i = 1;
        // `count` is at most 7 for versions up to 40; the second bound only
        // shows the compiler that.
        while i < count && i < positions.len() {
            // `i < count`, and the first position is the last minus less
            // than it: no wrap.
            let below = count.wrapping_sub(1).wrapping_sub(i).wrapping_mul(step);
            positions[i] = last.wrapping_sub(below) as u8;
            i += 1;
        }
        (positions, count)
    }

    /// Returns the 18 bits of version information, or 0 below version 7:
    /// the version number and 12 bits of its (18, 6) BCH code. It depends on
    /// the version alone, so it sits here; [`crate::qr::matrix`] places it
    /// with the function patterns.
    pub(crate) const fn information_bits(self) -> u32 {
        let v = self.0 as u32;
        if v < 7 {
            return 0;
        }
        let mut remainder = v;
        let mut i = 0;
        while i < 12 {
            // The remainder keeps 12 bits, so the product is 0 or 0x1f25.
            remainder = (remainder << 1) ^ (remainder >> 11).wrapping_mul(0x1f25);
            i += 1;
        }
        v << 12 | remainder
    }
}

/// The error correction level: how many codewords may be lost and recovered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Ecc {
    /// About 7 % of codewords recoverable.
    Low = 0,
    /// About 15 %.
    Medium = 1,
    /// About 25 %.
    Quartile = 2,
    /// About 30 %.
    High = 3,
}

impl Ecc {
    /// All levels, from the least to the most redundant.
    pub const ALL: [Ecc; 4] = [Ecc::Low, Ecc::Medium, Ecc::Quartile, Ecc::High];

    /// Returns the level with this ordinal (0 = L, 1 = M, 2 = Q, 3 = H).
    pub const fn from_ordinal(ordinal: u8) -> Option<Ecc> {
        match ordinal {
            0 => Some(Ecc::Low),
            1 => Some(Ecc::Medium),
            2 => Some(Ecc::Quartile),
            3 => Some(Ecc::High),
            _ => None,
        }
    }

    /// Returns the two bits this level has in the format information.
    pub(crate) const fn format_bits(self) -> u32 {
        match self {
            Ecc::Low => 1,
            Ecc::Medium => 0,
            Ecc::Quartile => 3,
            Ecc::High => 2,
        }
    }
}

/// Returns the bytes an image buffer needs for `version`: one row of
/// `ceil(width / 8)` bytes for each of the `width` rows.
///
/// ```
/// assert_eq!(panicqr::image_len(panicqr::Version::MAX), 4071);
/// ```
pub const fn image_len(version: Version) -> usize {
    let width = version.width() as usize;
    width * width.div_ceil(8)
}

/// Returns the bytes a scratch buffer needs for `version`: one byte for each
/// codeword, data and error correction.
///
/// ```
/// assert_eq!(panicqr::scratch_len(panicqr::Version::MAX), 3706);
/// ```
pub const fn scratch_len(version: Version) -> usize {
    version.total_codewords()
}

/// Error correction codewords in each block, by level and version.
const ECC_CODEWORDS_PER_BLOCK: [[u8; 40]; 4] = [
    // V1  V2  V3  V4  V5  V6  V7  V8  V9 V10 V11 V12 V13 V14 V15 V16 V17 V18 V19 V20
    // V21 V22 V23 V24 V25 V26 V27 V28 V29 V30 V31 V32 V33 V34 V35 V36 V37 V38 V39 V40
    [
        7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, //
        28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
    ], // L
    [
        10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, //
        26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
    ], // M
    [
        13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, //
        28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
    ], // Q
    [
        17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, //
        30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
    ], // H
];

/// Error correction blocks, by level and version.
const ERROR_CORRECTION_BLOCKS: [[u8; 40]; 4] = [
    // V1  V2  V3  V4  V5  V6  V7  V8  V9 V10 V11 V12 V13 V14 V15 V16 V17 V18 V19 V20
    // V21 V22 V23 V24 V25 V26 V27 V28 V29 V30 V31 V32 V33 V34 V35 V36 V37 V38 V39 V40
    [
        1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, //
        8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25,
    ], // L
    [
        1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, //
        17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
    ], // M
    [
        1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, //
        23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68,
    ], // Q
    [
        1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, //
        25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81,
    ], // H
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffer_lengths_match_linux_for_v40() {
        assert_eq!(image_len(Version::MAX), 4071);
        assert_eq!(scratch_len(Version::MAX), 3706);
    }

    #[test]
    fn known_capacities() {
        // ISO/IEC 18004 Table 7: data codewords.
        let v1 = Version::MIN;
        assert_eq!(v1.data_codewords(Ecc::Low), 19);
        assert_eq!(v1.data_codewords(Ecc::High), 9);
        assert_eq!(Version::MAX.data_codewords(Ecc::Low), 2956);
        assert_eq!(Version::MAX.data_codewords(Ecc::High), 1276);
        assert_eq!(Version::new(10).unwrap().data_codewords(Ecc::Medium), 216);
    }

    #[test]
    fn alignment_positions_known_vectors() {
        let positions = |v| {
            let (p, n) = Version::new(v).unwrap().alignment_positions();
            p[..n].to_vec()
        };
        assert_eq!(positions(1), [0u8; 0]);
        assert_eq!(positions(2), [6, 18]);
        assert_eq!(positions(7), [6, 22, 38]);
        assert_eq!(positions(32), [6, 34, 60, 86, 112, 138]);
        assert_eq!(positions(36), [6, 24, 50, 76, 102, 128, 154]);
        assert_eq!(positions(40), [6, 30, 58, 86, 114, 142, 170]);
    }

    #[test]
    fn information_bits_known_vectors() {
        assert_eq!(Version::new(6).unwrap().information_bits(), 0);
        assert_eq!(Version::new(7).unwrap().information_bits(), 0x07c94);
        assert_eq!(Version::new(40).unwrap().information_bits(), 0x28c69);
    }

    #[test]
    fn every_block_fits_the_linux_stack_buffer_bounds() {
        for v in 1..=40 {
            let version = Version::new(v).unwrap();
            for ecc in Ecc::ALL {
                let blocks = version.error_correction_blocks(ecc);
                let short = version.total_codewords() / blocks;
                assert!(short - version.ecc_codewords_per_block(ecc) < 123);
            }
        }
    }
}
