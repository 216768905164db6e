//! The numbers of ISO/IEC 18004 the checks compare against, written out
//! here rather than taken from the encoder: capacities from the standard's
//! tables, and segment lengths from its bit-length formulas.

/// Total codewords (data and error correction) of each version: ISO/IEC
/// 18004 Table 1.
pub const TOTAL_CODEWORDS: [usize; 40] = [
    26, 44, 70, 100, 134, 172, 196, 242, 292, 346, // V1-V10
    404, 466, 532, 581, 655, 733, 815, 901, 991, 1085, // V11-V20
    1156, 1258, 1364, 1474, 1588, 1706, 1828, 1921, 2051, 2185, // V21-V30
    2323, 2465, 2611, 2761, 2876, 3034, 3196, 3362, 3532, 3706, // V31-V40
];

/// Data codewords of each version at each level (L, M, Q, H): ISO/IEC 18004
/// Table 7.
pub const DATA_CODEWORDS: [[usize; 40]; 4] = [
    [
        19, 34, 55, 80, 108, 136, 156, 194, 232, 274, // V1-V10
        324, 370, 428, 461, 523, 589, 647, 721, 795, 861, // V11-V20
        932, 1006, 1094, 1174, 1276, 1370, 1468, 1531, 1631, 1735, // V21-V30
        1843, 1955, 2071, 2191, 2306, 2434, 2566, 2702, 2812, 2956, // V31-V40
    ], // L
    [
        16, 28, 44, 64, 86, 108, 124, 154, 182, 216, // V1-V10
        254, 290, 334, 365, 415, 453, 507, 563, 627, 669, // V11-V20
        714, 782, 860, 914, 1000, 1062, 1128, 1193, 1267, 1373, // V21-V30
        1455, 1541, 1631, 1725, 1812, 1914, 1992, 2102, 2216, 2334, // V31-V40
    ], // M
    [
        13, 22, 34, 48, 62, 76, 88, 110, 132, 154, // V1-V10
        180, 206, 244, 261, 295, 325, 367, 397, 445, 485, // V11-V20
        512, 568, 614, 664, 718, 754, 808, 871, 911, 985, // V21-V30
        1033, 1115, 1171, 1231, 1286, 1354, 1426, 1502, 1582, 1666, // V31-V40
    ], // Q
    [
        9, 16, 26, 36, 46, 60, 66, 86, 100, 122, // V1-V10
        140, 158, 180, 197, 223, 253, 283, 313, 341, 385, // V11-V20
        406, 442, 464, 514, 538, 596, 628, 661, 701, 745, // V21-V30
        793, 845, 901, 961, 986, 1054, 1096, 1142, 1222, 1276, // V31-V40
    ], // H
];

/// Returns the data bits of version `v` (1 to 40) at level `ecc` (0 = L to
/// 3 = H).
pub fn data_bits(v: u8, ecc: usize) -> usize {
    DATA_CODEWORDS[ecc][usize::from(v) - 1] * 8
}

/// Returns the width in modules of version `v`.
pub fn width(v: u8) -> usize {
    17 + 4 * usize::from(v)
}

/// Returns the image bytes of version `v`: `width` rows of `ceil(width / 8)`
/// bytes.
pub fn image_len(v: u8) -> usize {
    width(v) * width(v).div_ceil(8)
}

/// Returns the scratch bytes of version `v`: one per codeword.
pub fn scratch_len(v: u8) -> usize {
    TOTAL_CODEWORDS[usize::from(v) - 1]
}

/// A segment mode, for the bit-length formulas.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Digits.
    Numeric,
    /// The 45-character set.
    Alphanumeric,
    /// Bytes.
    Byte,
}

impl Mode {
    /// Width of the character count field at version `v`: ISO/IEC 18004
    /// Table 3.
    pub fn count_bits(self, v: u8) -> usize {
        let class = match v {
            1..=9 => 0,
            10..=26 => 1,
            _ => 2,
        };
        match self {
            Mode::Numeric => [10, 12, 14][class],
            Mode::Alphanumeric => [9, 11, 13][class],
            Mode::Byte => [8, 16, 16][class],
        }
    }

    /// Bits of a segment of `chars` characters at version `v`, header
    /// included, or `None` when the count does not fit its field.
    pub fn segment_bits(self, chars: usize, v: u8) -> Option<usize> {
        let count_bits = self.count_bits(v);
        if chars >= 1 << count_bits {
            return None;
        }
        let data = match self {
            Mode::Numeric => 10 * (chars / 3) + [0, 4, 7][chars % 3],
            Mode::Alphanumeric => 11 * (chars / 2) + 6 * (chars % 2),
            Mode::Byte => 8 * chars,
        };
        Some(4 + count_bits + data)
    }
}

/// The 45 characters of the alphanumeric mode, in value order.
pub const ALPHANUMERIC: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/// Returns whether `c` is in the alphanumeric set.
pub fn is_alphanumeric(c: u8) -> bool {
    ALPHANUMERIC.contains(&c)
}

/// Returns the decimal digits of the panic packing of `data`: each 7 bytes,
/// read as a little-endian number, as 17 digits, and a tail of 1 to 6 bytes
/// as 3, 5, 8, 10, 13 or 15 digits.
pub fn panic_digits(data: &[u8]) -> Vec<u8> {
    const WIDTH: [usize; 8] = [0, 3, 5, 8, 10, 13, 15, 17];
    let mut out = Vec::new();
    for chunk in data.chunks(7) {
        let mut le = [0u8; 8];
        le[..chunk.len()].copy_from_slice(chunk);
        let value = u64::from_le_bytes(le);
        let text = format!("{value:0width$}", width = WIDTH[chunk.len()]);
        out.extend_from_slice(text.as_bytes());
    }
    out
}

/// Returns the number of digits [`panic_digits`] makes of `len` bytes.
pub fn panic_digit_count(len: usize) -> usize {
    17 * (len / 7) + [0, 3, 5, 8, 10, 13, 15][len % 7]
}

/// Returns the fewest bits any segmentation of `text` into numeric,
/// alphanumeric and byte segments takes at version `v`, ignoring the limit
/// of the character count fields (no text that fits a version reaches it).
///
/// A dynamic program over the characters whose state is the mode of the
/// open segment and how many characters of its last group (3 digits or 2
/// alphanumerics) are filled; each character is charged the bits its group
/// grows by, so the costs add up exactly to the segment lengths.
pub fn text_min_bits(text: &[u8], v: u8) -> usize {
    const MODES: [Mode; 3] = [Mode::Numeric, Mode::Alphanumeric, Mode::Byte];
    // State: mode index × filled (0..3); `usize::MAX` is unreachable.
    let mut cost = [[usize::MAX; 3]; 3];
    let mut start = true;
    for &c in text {
        let mut next = [[usize::MAX; 3]; 3];
        let best_before = if start {
            0
        } else {
            cost.iter().flatten().copied().min().unwrap_or(usize::MAX)
        };
        for (m, mode) in MODES.iter().enumerate() {
            let allowed = match mode {
                Mode::Numeric => c.is_ascii_digit(),
                Mode::Alphanumeric => is_alphanumeric(c),
                Mode::Byte => true,
            };
            if !allowed {
                continue;
            }
            // (bits this character adds, next filled count) after `filled`.
            let step = |filled: usize| match mode {
                Mode::Numeric => ([4, 3, 3][filled], (filled + 1) % 3),
                Mode::Alphanumeric => ([6, 5, 0][filled], (filled + 1) % 2),
                Mode::Byte => (8, 0),
            };
            // Start a new segment here.
            let header = 4 + mode.count_bits(v);
            let (add, filled) = step(0);
            let fresh = best_before.saturating_add(header + add);
            next[m][filled] = next[m][filled].min(fresh);
            // Or continue the open one.
            if !start {
                for (filled, &before) in cost[m].iter().enumerate() {
                    if before != usize::MAX {
                        let (add, after) = step(filled);
                        next[m][after] = next[m][after].min(before + add);
                    }
                }
            }
        }
        cost = next;
        start = false;
    }
    if start {
        0
    } else {
        cost.iter().flatten().copied().min().unwrap_or(usize::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use qrcodegen_no_heap::{QrCode, QrCodeEcc, Version};

    #[test]
    fn data_codewords_match_the_reference_encoder() {
        let levels = [
            QrCodeEcc::Low,
            QrCodeEcc::Medium,
            QrCodeEcc::Quartile,
            QrCodeEcc::High,
        ];
        for (ecc, level) in levels.into_iter().enumerate() {
            for v in 1..=40u8 {
                let mut out = vec![0u8; Version::MAX.buffer_len()];
                let version = Version::new(v);
                // No segments: the codewords are all padding, one per data
                // codeword.
                let (len, _, _) = QrCode::encode_segments_to_codewords(
                    &[],
                    &mut out,
                    level,
                    version,
                    version,
                    false,
                )
                .unwrap();
                assert_eq!(
                    len,
                    DATA_CODEWORDS[ecc][usize::from(v) - 1],
                    "V{v} level {ecc}"
                );
            }
        }
    }

    #[test]
    fn totals_hold_the_data_and_known_sizes() {
        assert_eq!(scratch_len(1), 26);
        assert_eq!(scratch_len(40), 3706);
        assert_eq!(image_len(40), 4071);
        for v in 1..=40u8 {
            // Raw modules: the width squared less the function patterns,
            // at most 7 remainder bits.
            let w = width(v);
            assert!(scratch_len(v) * 8 < w * w);
            for ecc in 0..4 {
                assert!(data_bits(v, ecc) < scratch_len(v) * 8);
            }
        }
    }

    #[test]
    fn panic_digits_widths() {
        assert_eq!(panic_digits(&[1, 2]), b"00513");
        assert_eq!(panic_digits(&[0xff; 7]), b"72057594037927935");
        for len in 0..30 {
            assert_eq!(panic_digits(&vec![0xff; len]).len(), panic_digit_count(len));
        }
    }

    #[test]
    fn text_min_bits_known_cases() {
        // One numeric segment: 4 + 10 + 10 + 4 bits.
        assert_eq!(text_min_bits(b"1234", 1), 28);
        // Alphanumeric: 4 + 9 + 11 + 6.
        assert_eq!(text_min_bits(b"ABC", 1), 30);
        // Lower case forces bytes: 4 + 8 + 16.
        assert_eq!(text_min_bits(b"ab", 1), 28);
        // A long digit run inside bytes is worth its own segment.
        let mixed = b"a0123456789012345678b";
        let all_bytes = 12 + 8 * mixed.len();
        assert!(text_min_bits(mixed, 1) < all_bytes);
        assert_eq!(text_min_bits(b"", 1), 0);
    }
}
