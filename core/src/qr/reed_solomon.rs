//! Reed-Solomon error correction over GF(256) with the QR polynomial
//! x^8 + x^4 + x^3 + x^2 + 1, table driven.

use crate::qr::version::{Ecc, Version};

/// α^i for i in 0..510, so that a sum of two logarithms needs no reduction.
const EXP: [u8; 512] = {
    let mut table = [0u8; 512];
    let mut value: u32 = 1;
    let mut i = 0;
    while i < 512 {
        table[i] = value as u8;
        value <<= 1;
        if value & 0x100 != 0 {
            value ^= 0x11d;
        }
        i += 1;
    }
    table
};

/// log_α(i) for i in 1..256; `LOG[0]` is unused.
const LOG: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 255 {
        table[EXP[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// The most error correction codewords any block has.
pub(crate) const MAX_DEGREE: usize = 30;

/// The generator polynomial of a degree, as the logarithms of its
/// coefficients after the leading 1, highest power first.
pub(crate) struct Generator {
    log_coefficients: [u8; MAX_DEGREE],
    degree: usize,
}

impl Generator {
    /// Returns the product of (x - α^i) for i in 0..degree. `degree` is at
    /// most [`MAX_DEGREE`].
    pub(crate) fn new(degree: usize) -> Generator {
        let degree = degree.min(MAX_DEGREE);
        // Coefficients after the leading 1, highest power first.
        let mut coefficients = [0u8; MAX_DEGREE];
        if let Some(last) = coefficients.get_mut(degree.wrapping_sub(1)) {
            *last = 1;
        }
        let mut root: u8 = 1;
        for _ in 0..degree {
            for j in 0..degree {
                let next = coefficients.get(j + 1).copied().unwrap_or(0);
                let next = if j + 1 < degree { next } else { 0 };
                coefficients[j] = multiply(coefficients[j], root) ^ next;
            }
            root = multiply(root, 2);
        }
        let mut log_coefficients = [0u8; MAX_DEGREE];
        for (log, &c) in log_coefficients.iter_mut().zip(&coefficients) {
            *log = LOG[usize::from(c)];
        }
        Generator {
            log_coefficients,
            degree,
        }
    }

    /// Returns the products of the generator with every 4-bit value and
    /// with every 4-bit value times 16, each as four big-endian words.
    pub(crate) fn nibble_tables(&self) -> NibbleTables {
        let mut tables = NibbleTables {
            low: [[0u64; 4]; 16],
            high: [[0u64; 4]; 16],
        };
        let coefficients = self.log_coefficients.iter().take(self.degree);
        for (j, &log) in (0..self.degree).zip(coefficients) {
            let coefficient = EXP[usize::from(log)];
            let (word, shift) = (j / 8 % 4, 56 - 8 * (j % 8));
            for (n, (low, high)) in (0..16u8).zip(tables.low.iter_mut().zip(&mut tables.high)) {
                low[word] |= u64::from(multiply(coefficient, n)) << shift;
                high[word] |= u64::from(multiply(coefficient, n << 4)) << shift;
            }
        }
        tables
    }
}

/// The products of one generator with each nibble, so that a division step
/// is two table reads and word XORs (GF(256) multiplication is linear, so
/// f · g = (f & 15) · g ^ (f & 0xf0) · g).
pub(crate) struct NibbleTables {
    low: [[u64; 4]; 16],
    high: [[u64; 4]; 16],
}

impl NibbleTables {
    /// Divides one more coefficient, `byte`, into the running remainder
    /// `state`, whose highest coefficient is the top byte of word 0.
    #[inline(always)]
    fn step(&self, state: &mut [u64; 4], byte: u8) {
        let factor = byte ^ (state[0] >> 56) as u8;
        *state = [
            state[0] << 8 | state[1] >> 56,
            state[1] << 8 | state[2] >> 56,
            state[2] << 8 | state[3] >> 56,
            state[3] << 8,
        ];
        let low = &self.low[usize::from(factor & 15)];
        let high = &self.high[usize::from(factor >> 4)];
        for i in 0..4 {
            state[i] ^= low[i] ^ high[i];
        }
    }

    /// Writes the remainder of `data` · x^degree divided by the generator
    /// into `remainder`, whose length is the degree.
    #[cfg(test)]
    pub(crate) fn remainder(&self, data: &[u8], remainder: &mut [u8]) {
        self.remainders(data, remainder, &[], &mut []);
    }

    /// Writes the remainders of two blocks at once: that of `a` · x^degree
    /// divided by the generator into `remainder_a`, that of `b` into
    /// `remainder_b`, each as long as the degree.
    ///
    /// Each byte waits for the table entries the byte before chose, so one
    /// block is a chain of dependent loads; two interleaved chains keep the
    /// processor busy while either waits.
    ///
    /// Always inlined: out of line, its frame would add to that of
    /// [`add_error_correction`], which holds the tables, on the deepest
    /// stack of the encoder.
    #[inline(always)]
    pub(crate) fn remainders(
        &self,
        a: &[u8],
        remainder_a: &mut [u8],
        b: &[u8],
        remainder_b: &mut [u8],
    ) {
        let mut state_a = [0u64; 4];
        let mut state_b = [0u64; 4];
        let mut i = 0;
        while i < a.len() || i < b.len() {
            if let Some(&x) = a.get(i) {
                self.step(&mut state_a, x);
            }
            if let Some(&y) = b.get(i) {
                self.step(&mut state_b, y);
            }
            // Below the length of a block: no wrap.
            i = i.wrapping_add(1);
        }
        write_remainder(&state_a, remainder_a);
        write_remainder(&state_b, remainder_b);
    }
}

/// Writes the coefficients of a running remainder, highest first.
#[inline]
fn write_remainder(state: &[u64; 4], remainder: &mut [u8]) {
    for (j, out) in (0..remainder.len()).zip(remainder.iter_mut()) {
        let word = state.get(j / 8).copied().unwrap_or(0);
        *out = (word >> (56 - 8 * (j % 8))) as u8;
    }
}

/// Returns the product of two field elements.
pub(crate) const fn multiply(x: u8, y: u8) -> u8 {
    if x == 0 || y == 0 {
        0
    } else {
        EXP[LOG[x as usize] as usize + LOG[y as usize] as usize]
    }
}

/// The block structure of a version and level.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Blocks {
    /// Blocks in all.
    pub(crate) count: usize,
    /// Blocks with the shorter data length; they come first.
    pub(crate) short_count: usize,
    /// Data codewords in a short block; long blocks have one more.
    pub(crate) short_data: usize,
    /// Error correction codewords in each block.
    pub(crate) ecc_len: usize,
    /// Data codewords in all blocks.
    pub(crate) data_len: usize,
}

impl Blocks {
    pub(crate) fn new(version: Version, ecc: Ecc) -> Blocks {
        // The tables hold no zero; `max` lets the compiler see it.
        let count = version.error_correction_blocks(ecc).max(1);
        let ecc_len = version.ecc_codewords_per_block(ecc);
        let total = version.total_codewords();
        let short_count = count - total % count;
        // Every block holds more codewords than error correction ones.
        let short_data = (total / count).wrapping_sub(ecc_len);
        Blocks {
            count,
            short_count,
            short_data,
            ecc_len,
            data_len: version.data_codewords(ecc),
        }
    }

    /// Returns where block `block`'s data starts in the data codewords.
    ///
    /// Blocks and their lengths are those of one code, at most 3706
    /// codewords: these sums do not wrap.
    pub(crate) fn data_start(&self, block: usize) -> usize {
        block
            .wrapping_mul(self.short_data)
            .wrapping_add(block.saturating_sub(self.short_count))
    }

    /// Returns the data length of block `block`.
    pub(crate) fn data_len_of(&self, block: usize) -> usize {
        self.short_data
            .wrapping_add(usize::from(block >= self.short_count))
    }
}

/// Computes the error correction codewords of every block. `codewords` holds
/// the data codewords in its first `blocks.data_len` bytes; the error
/// correction codewords of block 0, 1, … follow them, each `ecc_len` long.
pub(crate) fn add_error_correction(codewords: &mut [u8], blocks: &Blocks) {
    let tables = Generator::new(blocks.ecc_len).nibble_tables();
    let (data, ecc) = codewords.split_at_mut(blocks.data_len.min(codewords.len()));
    let mut ecc_blocks = ecc.chunks_mut(blocks.ecc_len.max(1));
    let block_data = |block: usize| {
        let start = blocks.data_start(block);
        data.get(start..start.wrapping_add(blocks.data_len_of(block)))
    };
    // Two blocks at a time (see [`NibbleTables::remainders`]); an odd last
    // block goes with an empty one.
    let mut block = 0;
    while block < blocks.count {
        // At most 81 blocks: no wrap.
        let second = block.wrapping_add(1);
        let a = block_data(block);
        let out_a = ecc_blocks.next();
        let (b, out_b) = if second < blocks.count {
            (block_data(second), ecc_blocks.next())
        } else {
            (Some(&[][..]), Some(&mut [][..]))
        };
        if let (Some(a), Some(out_a), Some(b), Some(out_b)) = (a, out_a, b, out_b) {
            tables.remainders(a, out_a, b, out_b);
        }
        block = block.wrapping_add(2);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_tables() {
        assert_eq!(EXP[8], 0x1d);
        assert_eq!(EXP[255], 1);
        assert_eq!(multiply(2, 0x80), 0x1d);
        for x in 1..=255u8 {
            assert_eq!(EXP[usize::from(LOG[usize::from(x)])], x);
        }
    }

    #[test]
    fn generator_matches_linux_table_for_degree_7() {
        // Linux's drm_panic_qr.rs P7, the coefficients after the leading 1.
        let generator = Generator::new(7);
        let mut coefficients = [0u8; 7];
        for (c, &log) in coefficients.iter_mut().zip(&generator.log_coefficients) {
            *c = EXP[usize::from(log)];
        }
        assert_eq!(coefficients, [127, 122, 154, 164, 11, 68, 117]);
        assert_eq!(
            generator.log_coefficients[..7],
            [87, 229, 146, 149, 238, 102, 21]
        );
    }

    #[test]
    fn remainder_known_vector() {
        // ISO/IEC 18004 Annex I: "01234567" at 1-M; data and the 10 ECC codewords.
        let data = [
            0x10, 0x20, 0x0c, 0x56, 0x61, 0x80, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11,
            0xec, 0x11,
        ];
        let mut remainder = [0u8; 10];
        Generator::new(10)
            .nibble_tables()
            .remainder(&data, &mut remainder);
        assert_eq!(
            remainder,
            [0xa5, 0x24, 0xd4, 0xc1, 0xed, 0x36, 0xc7, 0x87, 0x2c, 0x55]
        );
    }

    /// The remainder of `data` · x^degree divided by the product of
    /// (x - α^i) for i below the degree, by long division byte by byte.
    fn long_division(data: &[u8], degree: usize) -> std::vec::Vec<u8> {
        // The generator, highest power first, leading 1 included.
        let mut generator = std::vec![1u8];
        for &root in &EXP[..degree] {
            let mut next = std::vec![0u8; generator.len() + 1];
            for (j, &c) in generator.iter().enumerate() {
                next[j] ^= c;
                next[j + 1] ^= multiply(c, root);
            }
            generator = next;
        }
        let mut rest = data.to_vec();
        rest.resize(data.len() + degree, 0);
        for i in 0..data.len() {
            let factor = rest[i];
            for (j, &g) in generator.iter().enumerate() {
                rest[i + j] ^= multiply(g, factor);
            }
        }
        rest.split_off(data.len())
    }

    #[test]
    fn two_blocks_at_once_are_each_block_alone() {
        let tables = Generator::new(30).nibble_tables();
        let data: std::vec::Vec<u8> = (0..300u32).map(|i| (i * 37 + 11) as u8).collect();
        for (a_len, b_len) in [(118, 119), (119, 118), (15, 16), (16, 0), (0, 7), (1, 1)] {
            let (a, b) = (&data[..a_len], &data[a_len..a_len + b_len]);
            let (mut both_a, mut both_b) = ([0u8; 30], [0u8; 30]);
            tables.remainders(a, &mut both_a, b, &mut both_b);
            assert_eq!(
                (both_a.to_vec(), both_b.to_vec()),
                (long_division(a, 30), long_division(b, 30)),
                "{a_len} and {b_len}"
            );
        }
    }
}
