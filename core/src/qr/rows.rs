//! Rows of modules as machine words, shared by the matrix, the format
//! information and the masks.
//!
//! A row (or, transposed, a column) of up to 192 modules is a [`Row`]: three
//! 64-bit words, with column `x` at bit `63 - x % 64` of word `x / 64`. That
//! is the order of the image bytes, most significant bit first, so a row
//! loads and stores as big-endian words. Columns are turned into rows, and
//! back, by transposing the image in place, 64×64 bits at a time.

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

/// The bytes of the 64 bits at column `64 * column_block` of row `y`, cut
/// at the row's end; `None` as for [`row_bytes`].
#[inline]
fn block_bytes(pitch: usize, y: usize, column_block: usize) -> Option<Range<usize>> {
    let row = row_bytes(pitch, y)?;
    let start = row.start.checked_add(column_block.checked_mul(8)?)?;
    Some(start..start.checked_add(8)?.min(row.end))
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

/// Loads the 64 bits at column `64 * column_block` of row `y`; bits past the
/// row's bytes are zero.
#[inline]
fn load_u64(image: &[u8], pitch: usize, y: usize, column_block: usize) -> u64 {
    match block_bytes(pitch, y, column_block).and_then(|range| image.get(range)) {
        Some(bytes) => match <[u8; 8]>::try_from(bytes) {
            Ok(whole) => u64::from_be_bytes(whole),
            Err(_) => (0..8usize).zip(bytes).fold(0, |value, (k, &byte)| {
                value | u64::from(byte) << (56 - 8 * (k & 7))
            }),
        },
        None => 0,
    }
}

/// Stores what [`load_u64`] loads.
#[inline]
fn store_u64(image: &mut [u8], pitch: usize, y: usize, column_block: usize, value: u64) {
    if let Some(bytes) = block_bytes(pitch, y, column_block).and_then(|range| image.get_mut(range))
    {
        for (byte, part) in bytes.iter_mut().zip(value.to_be_bytes()) {
            *byte = part;
        }
    }
}

/// Transposes a square bit matrix of `width` rows in place, 64×64 blocks at a
/// time. Bits past `width` in each row must be clear, and stay clear.
///
/// Block `(bi, bj)` of the result is the transpose of block `(bj, bi)`. A
/// block on the diagonal is loaded, transposed and stored where it was.
/// For a pair above it, block `(bi, bj)` is loaded and transposed, then
/// exchanged row by row with block `(bj, bi)`, whose place it takes; what
/// comes back is transposed and stored at `(bi, bj)`. Rows past `width`
/// load as zero and are not stored; they trade places with the clear bits
/// past `width` of the rows that are, so those stay clear. A version 40
/// code is nine blocks: a quarter of the loads and stores of 32×32 ones,
/// through one block of 512 bytes.
///
/// Kept out of line: its block would otherwise sit in the frame of the
/// callers, whose callees go deeper.
#[inline(never)]
pub(crate) fn transpose_in_place(image: &mut [u8], pitch: usize, width: usize) {
    let blocks = width.div_ceil(64);
    let mut block = [0u64; 64];
    for bi in 0..blocks {
        for bj in bi..blocks {
            load_block(image, pitch, width, bi, bj, &mut block);
            transpose64(&mut block);
            if bi != bj {
                exchange_block(image, pitch, width, bj, bi, &mut block);
                transpose64(&mut block);
            }
            store_block(image, pitch, width, bi, bj, &block);
        }
    }
}

/// Where each row of column block `bj` starts in an image of `pitch` bytes
/// a row, counted from the row's start, and the bits of a big-endian word
/// read there that are the row's: all 64, or the top `8 * n` when the row
/// ends `n < 8` bytes in.
#[inline]
fn block_columns(pitch: usize, bj: usize) -> (usize, u64) {
    // `bj` counts blocks of a row of at most 24 bytes: no wrap.
    let offset = bj.wrapping_mul(8);
    let n = pitch.saturating_sub(offset).min(8);
    let keep = match n {
        8 => u64::MAX,
        // `n < 8`: the shift is at least 8.
        _ => !(u64::MAX >> (8 * n as u32)),
    };
    (offset, keep)
}

/// Loads the 64×64 block at row block `bi`, column block `bj`; rows past
/// `width` are zero. A row whose block ends before 8 bytes still loads 8,
/// from the next row on, and keeps its own. Out of line, as
/// [`store_block`]: inlined and unrolled, their temporaries would double
/// the frame of [`transpose_in_place`].
#[inline(never)]
fn load_block(
    image: &[u8],
    pitch: usize,
    width: usize,
    bi: usize,
    bj: usize,
    block: &mut [u64; 64],
) {
    let (offset, keep) = block_columns(pitch, bj);
    for (k, slot) in (0..64usize).zip(block.iter_mut()) {
        // `bi` counts blocks of a `width` below 256, and rows are below
        // `width`: no wrap.
        let y = bi.wrapping_mul(64).wrapping_add(k);
        *slot = if y < width {
            load_word(image, pitch, y, bj, offset, keep)
        } else {
            0
        };
    }
}

/// The word of row `y` at column block `bj`, which starts `offset` bytes
/// into the row and keeps the bits `keep` (see [`block_columns`]): 8 bytes
/// read at once, from the next row on where the row ends first.
#[inline(always)]
fn load_word(image: &[u8], pitch: usize, y: usize, bj: usize, offset: usize, keep: u64) -> u64 {
    // Rows are below a `width` below 256: no wrap.
    let start = y.wrapping_mul(pitch).wrapping_add(offset);
    let eight = image
        .get(start..start.wrapping_add(8))
        .and_then(|bytes| <[u8; 8]>::try_from(bytes).ok());
    match eight {
        Some(bytes) => u64::from_be_bytes(bytes) & keep,
        // The image's last bytes.
        None => load_u64(image, pitch, y, bj),
    }
}

/// Exchanges the rows of `block` with those of the block at row block
/// `bi`, column block `bj`, which must be a whole word wide: rows past
/// `width` are not stored and come back as zero.
#[inline(never)]
fn exchange_block(
    image: &mut [u8],
    pitch: usize,
    width: usize,
    bi: usize,
    bj: usize,
    block: &mut [u64; 64],
) {
    let offset = bj.wrapping_mul(8);
    for (k, slot) in (0..64usize).zip(block.iter_mut()) {
        // As in `load_block`: no wrap.
        let y = bi.wrapping_mul(64).wrapping_add(k);
        *slot = if y < width {
            let start = y.wrapping_mul(pitch).wrapping_add(offset);
            replace_word(image, start, *slot, u64::MAX).unwrap_or(0)
        } else {
            0
        };
    }
}

/// Stores what [`load_block`] loads. A row whose block ends before 8 bytes
/// rewrites the bytes after it as they are.
#[inline(never)]
fn store_block(
    image: &mut [u8],
    pitch: usize,
    width: usize,
    bi: usize,
    bj: usize,
    block: &[u64; 64],
) {
    let (offset, keep) = block_columns(pitch, bj);
    for (k, &value) in (0..64usize).zip(block) {
        // As in `load_block`: no wrap.
        let y = bi.wrapping_mul(64).wrapping_add(k);
        if y >= width {
            break;
        }
        let start = y.wrapping_mul(pitch).wrapping_add(offset);
        if replace_word(image, start, value, keep).is_none() {
            // The image's last bytes.
            store_u64(image, pitch, y, bj, value);
        }
    }
}

/// Writes the bits `keep` of `value` into the big-endian word at byte
/// `start`, the others as they were, and returns the word that was there;
/// `None`, writing nothing, when the image ends before the word does.
#[inline(always)]
fn replace_word(image: &mut [u8], start: usize, value: u64, keep: u64) -> Option<u64> {
    let bytes = image.get_mut(start..start.wrapping_add(8))?;
    let mut old = [0u8; 8];
    old.copy_from_slice(bytes);
    let old = u64::from_be_bytes(old);
    bytes.copy_from_slice(&(value & keep | old & !keep).to_be_bytes());
    Some(old)
}

/// Transposes a 64×64 bit block: bit `63 - j` of `a[i]` moves to bit
/// `63 - i` of `a[j]`. Word `i` is row `i`, column `c` at bit `63 - c`.
///
/// Split into four quarters, `[[A, B], [C, D]]` transposes to
/// `[[Aᵀ, Cᵀ], [Bᵀ, Dᵀ]]`: swap `B` and `C`, then transpose each quarter.
/// All four quarters are transposed at once, since they share the same
/// words: round `J` (32, 16, 8, 4, 2, 1) swaps, in every aligned `2J`×`2J`
/// block, the top-right `J`×`J` block with the bottom-left one (see
/// [`swap_round`]). (Hacker's Delight, section 7–3.)
#[inline]
fn transpose64(a: &mut [u64; 64]) {
    swap_round::<32>(a, 0x0000_0000_ffff_ffff);
    swap_round::<16>(a, 0x0000_ffff_0000_ffff);
    swap_round::<8>(a, 0x00ff_00ff_00ff_00ff);
    swap_round::<4>(a, 0x0f0f_0f0f_0f0f_0f0f);
    swap_round::<2>(a, 0x3333_3333_3333_3333);
    swap_round::<1>(a, 0x5555_5555_5555_5555);
}

/// One round of [`transpose64`]: in each group of `2J` rows, row `k` of the
/// first half pairs with row `k` of the second; `m` selects the right half,
/// the low `J` bits, of every `2J`-bit field, where the first row holds its
/// top-right blocks, and the second its bottom-left ones once shifted right
/// by `J`. `t` is their XOR, so XORing `t` into the first and `t << J` into
/// the second swaps them.
#[inline(always)]
fn swap_round<const J: usize>(a: &mut [u64; 64], m: u64) {
    for group in a.chunks_exact_mut(2 * J) {
        let (first, second) = group.split_at_mut(J);
        for (x, y) in first.iter_mut().zip(second) {
            let t = (*x ^ (*y >> J)) & m;
            *x ^= t;
            *y ^= t << J;
        }
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
        let mut block = [0u64; 64];
        block[3] = 1 << (63 - 7);
        block[40] = 1 << (63 - 33);
        block[63] = 1;
        transpose64(&mut block);
        let mut expected = [0u64; 64];
        expected[7] = 1 << (63 - 3);
        expected[33] = 1 << (63 - 40);
        expected[63] = 1;
        assert_eq!(block, expected);
    }

    #[test]
    fn images_transpose_in_place() {
        // Every width of a code, and widths that end on and just past a
        // block or a byte; under Miri, a few.
        let widths: std::vec::Vec<usize> = if cfg!(miri) {
            std::vec![21, 65, 177]
        } else {
            (1..=192).collect()
        };
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for width in widths {
            let pitch = width.div_ceil(8);
            let mut image = std::vec![0u8; pitch * width];
            let mut modules = std::vec![std::vec![false; width]; width];
            for (y, row) in modules.iter_mut().enumerate() {
                for (x, module) in row.iter_mut().enumerate() {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    if seed & 1 == 1 {
                        *module = true;
                        image[y * pitch + x / 8] |= 0x80 >> (x % 8);
                    }
                }
            }
            transpose_in_place(&mut image, pitch, width);
            for y in 0..width {
                for x in 0..pitch * 8 {
                    let set = image[y * pitch + x / 8] & (0x80 >> (x % 8)) != 0;
                    let expected = x < width && modules[x][y];
                    assert_eq!(set, expected, "width {width}, ({x}, {y})");
                }
            }
        }
    }
}
