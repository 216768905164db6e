//! Rows of modules as machine words, shared by the matrix, the format
//! information and the masks.
//!
//! A row (or, transposed, a column) of up to 192 modules is a [`Row`]: three
//! 64-bit words, with column `x` at bit `63 - x % 64` of word `x / 64`. That
//! is the order of the image bytes, most significant bit first, so a row
//! loads and stores as big-endian words. Columns are turned into rows, and
//! back, by transposing the image in place, 32×32 bits at a time.

use core::ops::Range;

/// One row (or, transposed, one column) of up to 192 modules.
pub(crate) type Row = [u64; 3];

/// The bytes of row `y` of an image with `pitch` bytes a row, or `None` when
/// they would end past `usize::MAX`, and so past any image.
#[inline]
fn row_bytes(pitch: usize, y: usize) -> Option<Range<usize>> {
    let start = y.checked_mul(pitch)?;
    Some(start..start.checked_add(pitch)?)
}

/// The bytes of the 32 bits at column `32 * column_block` of row `y`, cut
/// at the row's end; `None` as for [`row_bytes`].
#[inline]
fn block_bytes(pitch: usize, y: usize, column_block: usize) -> Option<Range<usize>> {
    let row = row_bytes(pitch, y)?;
    let start = row.start.checked_add(column_block.checked_mul(4)?)?;
    Some(start..start.checked_add(4)?.min(row.end))
}

/// Returns a row with the modules in `start..end` set.
#[inline]
pub(crate) fn span(start: usize, end: usize) -> Row {
    let mut row = [0u64; 3];
    for (i, word) in (0..3usize).zip(&mut row) {
        let lo = (i * 64).max(start);
        let hi = (i * 64 + 64).min(end);
        if lo < hi {
            // `64 i <= lo < hi <= 64 (i + 1)`: the length is in `1..=64`,
            // the shifts in `0..64`, and nothing wraps.
            let len = hi.wrapping_sub(lo);
            let bits = if len == 64 {
                u64::MAX
            } else {
                1u64.wrapping_shl(len as u32).wrapping_sub(1)
            };
            let shift = 64usize
                .wrapping_sub(lo.wrapping_sub(i * 64))
                .wrapping_sub(len);
            *word |= bits.wrapping_shl(shift as u32);
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

/// Loads row `y` of an image with `pitch` bytes a row.
#[inline]
pub(crate) fn load_row(image: &[u8], pitch: usize, y: usize) -> Row {
    let mut row = [0u64; 3];
    if let Some(bytes) = row_bytes(pitch, y).and_then(|range| image.get(range)) {
        for (word, chunk) in row.iter_mut().zip(bytes.chunks(8)) {
            *word = match <[u8; 8]>::try_from(chunk) {
                Ok(whole) => u64::from_be_bytes(whole),
                Err(_) => {
                    let mut value = 0u64;
                    for (k, &byte) in (0..8usize).zip(chunk) {
                        value |= u64::from(byte) << (56 - 8 * (k & 7));
                    }
                    value
                }
            };
        }
    }
    row
}

/// Stores row `y` of an image with `pitch` bytes a row.
#[inline]
pub(crate) fn store_row(image: &mut [u8], pitch: usize, y: usize, row: &Row) {
    if let Some(bytes) = row_bytes(pitch, y).and_then(|range| image.get_mut(range)) {
        for (word, chunk) in row.iter().zip(bytes.chunks_mut(8)) {
            for (byte, value) in chunk.iter_mut().zip(word.to_be_bytes()) {
                *byte = value;
            }
        }
    }
}

/// Loads the 32 bits at column `32 * column_block` of row `y`; bits past the
/// row's bytes are zero.
#[inline]
pub(crate) fn load_u32(image: &[u8], pitch: usize, y: usize, column_block: usize) -> u32 {
    match block_bytes(pitch, y, column_block).and_then(|range| image.get(range)) {
        Some(bytes) => match <[u8; 4]>::try_from(bytes) {
            Ok(whole) => u32::from_be_bytes(whole),
            Err(_) => (0..4usize).zip(bytes).fold(0, |value, (k, &byte)| {
                value | u32::from(byte) << (24 - 8 * (k & 3))
            }),
        },
        None => 0,
    }
}

/// Stores what [`load_u32`] loads.
#[inline]
fn store_u32(image: &mut [u8], pitch: usize, y: usize, column_block: usize, value: u32) {
    if let Some(bytes) = block_bytes(pitch, y, column_block).and_then(|range| image.get_mut(range))
    {
        for (byte, part) in bytes.iter_mut().zip(value.to_be_bytes()) {
            *byte = part;
        }
    }
}

/// Transposes a square bit matrix of `width` rows in place, 32×32 blocks at a
/// time. Bits past `width` in each row must be clear, and stay clear.
///
/// Block `(bi, bj)` of the result is the transpose of block `(bj, bi)`, so
/// each pair above the diagonal is loaded, transposed and stored crosswise,
/// and each block on it is transposed where it is. Rows past `width` load as
/// zero and are not stored; they trade places with the clear bits past
/// `width` of the rows that are, so those stay clear.
///
/// Kept out of line: its two blocks would otherwise sit in the frame of the
/// callers, whose callees go deeper.
#[inline(never)]
pub(crate) fn transpose_in_place(image: &mut [u8], pitch: usize, width: usize) {
    let blocks = width.div_ceil(32);
    let mut upper = [0u32; 32];
    let mut lower = [0u32; 32];
    for bi in 0..blocks {
        for bj in bi..blocks {
            load_block(image, pitch, width, bi, bj, &mut upper);
            transpose32(&mut upper);
            if bi == bj {
                store_block(image, pitch, width, bi, bj, &upper);
            } else {
                load_block(image, pitch, width, bj, bi, &mut lower);
                transpose32(&mut lower);
                store_block(image, pitch, width, bi, bj, &lower);
                store_block(image, pitch, width, bj, bi, &upper);
            }
        }
    }
}

/// Loads the 32×32 block at row block `bi`, column block `bj`; rows past
/// `width` are zero. Out of line, as [`store_block`]: inlined and unrolled,
/// their temporaries would double the frame of [`transpose_in_place`].
#[inline(never)]
fn load_block(
    image: &[u8],
    pitch: usize,
    width: usize,
    bi: usize,
    bj: usize,
    block: &mut [u32; 32],
) {
    for (k, slot) in (0..32usize).zip(block.iter_mut()) {
        // `bi` counts blocks of a `width` below 256: no wrap.
        let y = bi.wrapping_mul(32).wrapping_add(k);
        *slot = if y < width {
            load_u32(image, pitch, y, bj)
        } else {
            0
        };
    }
}

/// Stores what [`load_block`] loads.
#[inline(never)]
fn store_block(
    image: &mut [u8],
    pitch: usize,
    width: usize,
    bi: usize,
    bj: usize,
    block: &[u32; 32],
) {
    for (k, &value) in (0..32usize).zip(block) {
        // `bi` counts blocks of a `width` below 256: no wrap.
        let y = bi.wrapping_mul(32).wrapping_add(k);
        if y < width {
            store_u32(image, pitch, y, bj, value);
        }
    }
}

/// Transposes a 32×32 bit block: bit `31 - j` of `a[i]` moves to bit
/// `31 - i` of `a[j]`. Word `i` is row `i`, column `c` at bit `31 - c`.
///
/// Split into four quarters, `[[A, B], [C, D]]` transposes to
/// `[[Aᵀ, Cᵀ], [Bᵀ, Dᵀ]]`: swap `B` and `C`, then transpose each quarter.
/// All four quarters are transposed at once, since they share the same
/// words: round `j` (16, 8, 4, 2, 1) swaps, in every aligned `2j`×`2j`
/// block, the top-right `j`×`j` block with the bottom-left one. Row `k`
/// (bit `j` of `k` clear) pairs with row `k + j`; `m` selects the right
/// half, the low `j` bits, of every `2j`-bit field, where row `k` holds its
/// top-right blocks, and row `k + j` its bottom-left ones once shifted right
/// by `j`. `t` is their XOR, so `a[k] ^= t` and `a[k + j] ^= t << j` swap
/// them. `m ^= m << j` then halves the fields: `0x0000ffff`, `0x00ff00ff`,
/// `0x0f0f0f0f`, and so on. `k = (k + j + 1) & !j` steps to the next row with
/// bit `j` clear, so `k + j` stays below 32. (Hacker's Delight, section 7–3.)
pub(crate) fn transpose32(a: &mut [u32; 32]) {
    let mut j = 16;
    let mut m: u32 = 0x0000_ffff;
    while j != 0 {
        let mut k = 0;
        while k < 32 {
            // Bit `j` of `k` is clear, so `k | j` is `k + j`, below 32; the
            // mask shows the compiler that.
            let pair = (k | j) & 31;
            let t = (a[k] ^ (a[pair] >> j)) & m;
            a[k] ^= t;
            a[pair] ^= t << j;
            k = (pair + 1) & !j;
        }
        j >>= 1;
        m ^= m << j;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_and_rows_round_trip() {
        let row = span(3, 130);
        let mut image = [0u8; 23];
        store_row(&mut image, 23, 0, &row);
        assert_eq!(load_row(&image, 23, 0), row);
        assert_eq!(image[0], 0x1f);
        assert_eq!(image[16], 0xc0);
    }

    #[test]
    fn transpose_moves_bits() {
        let mut block = [0u32; 32];
        block[3] = 1 << (31 - 7);
        block[31] = 1;
        transpose32(&mut block);
        let mut expected = [0u32; 32];
        expected[7] = 1 << (31 - 3);
        expected[31] = 1;
        assert_eq!(block, expected);
    }
}
