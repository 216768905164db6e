//! Block writing: the Huffman codings of a block's symbols measured, and
//! the block written dynamic, fixed or stored, whichever is the smallest.

use super::huffman::{
    assign_codes, code_length_code, code_lengths, count_symbols, data_bits, fixed_lens,
    rle_lengths, CODE_VARIANTS,
};
use super::lsb_writer::LsbWriter;
use super::symbols::{
    dist_code, length_code, CL_ORDER, DIST_BASE, DIST_EXTRA, LENGTH_BASE, LENGTH_EXTRA,
};
use super::workspace::{Alphabets16, ClCode, Workspace};

/// The two Huffman codings of a block.
struct Coded {
    /// Bits of the block with dynamic codes, header included.
    dynamic: usize,
    /// Bits of the block with the fixed codes.
    fixed: usize,
    /// Run-length coded code lengths in `cl_seq`.
    entries: usize,
    hlit: usize,
    hdist: usize,
    hclen: usize,
}

/// Builds the dynamic codes for the symbols `syms[from..to]` (leaving the
/// code lengths in `huff.lens` and the header in `huff.cl_seq` and
/// `huff.cl`) and returns the sizes of both codings. Unless `thorough`, only
/// the first code variant and all repeat codes are tried.
fn code_block(work: &mut Workspace<'_>, from: usize, to: usize, thorough: bool) -> Coded {
    let h = &mut work.huff;
    count_symbols(&work.syms, &mut h.freq, from, to);
    let (variants, rles) = if thorough {
        (CODE_VARIANTS.len(), 0..8)
    } else {
        (1, 0..0)
    };

    // Dynamic codes: the variant of the code lengths with the fewest bits,
    // header included, with all repeat codes.
    let mut best_variant = 0;
    let mut best_bits = usize::MAX;
    let mut best_data = 0;
    for (i, &variant) in (0..CODE_VARIANTS.len()).zip(&CODE_VARIANTS).take(variants) {
        code_lengths(h, variant);
        let (entries, _, _) = rle_lengths(h, 7);
        let (_, header_bits) = code_length_code(h, entries);
        // Bit counts of one block, far below `usize::MAX` (see
        // `fixed_bits`): here and below, sums do not wrap.
        let data = data_bits(&h.freq, &h.lens);
        let bits = header_bits.wrapping_add(data);
        if bits < best_bits {
            best_bits = bits;
            best_variant = i;
            best_data = data;
        }
    }
    // `huff` holds the lengths of the last variant tried.
    if best_variant != variants.wrapping_sub(1) {
        code_lengths(
            h,
            CODE_VARIANTS
                .get(best_variant)
                .copied()
                .unwrap_or((15, 15, false)),
        );
    }
    // The repeat codes that give the shortest header: using them all is
    // not always best, as each one used needs a code of its own. (Unless
    // `thorough`, only all of them, measured above.)
    let mut best_rle = 7;
    let mut best_bits = usize::MAX;
    for rle in rles {
        let (entries, _, _) = rle_lengths(h, rle);
        let (_, bits) = code_length_code(h, entries);
        if bits < best_bits {
            best_bits = bits;
            best_rle = rle;
        }
    }
    let (entries, hlit, hdist) = rle_lengths(h, best_rle);
    let (hclen, header_bits) = code_length_code(h, entries);
    let dynamic = header_bits.wrapping_add(3).wrapping_add(best_data);

    Coded {
        dynamic,
        fixed: fixed_bits(&h.freq),
        entries,
        hlit,
        hdist,
        hclen,
    }
}

/// Bits of the block's symbols with the fixed codes, block header included.
///
/// A block has at most `BLOCK_LEN` symbols, each counted in a `u16`, of at
/// most 28 bits with their extra bits: the sums stay far below
/// `usize::MAX` and do not wrap.
#[inline(never)]
fn fixed_bits(freq: &Alphabets16<'_>) -> usize {
    let mut bits = 3usize;
    for s in 0..286 {
        let f = usize::from(freq.ll.get(s));
        let len = match s {
            0..=143 => 8,
            144..=255 => 9,
            256..=279 => 7,
            _ => 8,
        };
        let extra = if s >= 257 {
            usize::from(LENGTH_EXTRA.get(s - 257).copied().unwrap_or(0))
        } else {
            0
        };
        bits = bits.wrapping_add(f.wrapping_mul(len + extra));
    }
    for (s, &extra) in (0..).zip(&DIST_EXTRA) {
        bits = bits.wrapping_add(usize::from(freq.d.get(s)).wrapping_mul(5 + usize::from(extra)));
    }
    bits
}

/// Bits of the symbols `syms[from..to]` as one block with Huffman codes.
#[inline]
pub(super) fn block_bits(work: &mut Workspace<'_>, from: usize, to: usize) -> usize {
    let coded = code_block(work, from, to, false);
    coded.dynamic.min(coded.fixed)
}

/// Chooses the smallest block type for the symbols `syms[from..to]`, which
/// code `raw`, and writes the block. Unless `thorough`, the dynamic codes
/// are those of [`block_bits`].
pub(super) fn write_block(
    work: &mut Workspace<'_>,
    from: usize,
    to: usize,
    raw: &[u8],
    last: bool,
    thorough: bool,
    out: &mut LsbWriter<'_>,
) {
    let Coded {
        dynamic,
        fixed,
        entries,
        hlit,
        hdist,
        hclen,
    } = code_block(work, from, to, thorough);
    let h = &mut work.huff;

    // Stored: header, padding, then LEN and NLEN and the bytes per piece.
    let pieces = raw.len().div_ceil(65_535).max(1);
    // The raw bytes of one block and the bits written so far are far below
    // `usize::MAX / 8`: nothing wraps.
    let first_pad = (8 - out.bit_len().wrapping_add(3) % 8) % 8;
    let stored = (3 + 32 + first_pad)
        .wrapping_add(raw.len().wrapping_mul(8))
        .wrapping_add((pieces - 1).wrapping_mul(3 + 5 + 32));

    // Past the end of the buffer nothing is written: count the bits of
    // the smallest type, as the writing below would.
    if out.is_full() {
        out.skip(stored.min(dynamic).min(fixed));
        return;
    }
    let final_bit = u32::from(last);
    if stored < dynamic && stored < fixed {
        let mut chunks = raw.chunks(65_535);
        let mut piece = chunks.next().unwrap_or(&[]);
        loop {
            let next = chunks.next();
            let is_last = last && next.is_none();
            out.put(u32::from(is_last), 3);
            out.align();
            let len = piece.len() as u16;
            out.put(u32::from(len), 16);
            out.put(u32::from(!len), 16);
            for &b in piece {
                out.put_byte(b);
            }
            match next {
                Some(p) => piece = p,
                None => break,
            }
        }
        return;
    }

    if fixed <= dynamic {
        out.put(final_bit | 1 << 1, 3);
        fixed_lens(&mut h.lens);
    } else {
        out.put(final_bit | 2 << 1, 3);
        // The counts are at least 257, 1 and 4 (`rle_lengths`,
        // `code_length_code`): no wrap.
        out.put(hlit.wrapping_sub(257) as u32, 5);
        out.put(hdist.wrapping_sub(1) as u32, 5);
        out.put(hclen.wrapping_sub(4) as u32, 4);
        let ClCode { lens, codes, .. } = &h.cl;
        for &sym in CL_ORDER.iter().take(hclen) {
            out.put(u32::from(lens.get(usize::from(sym))), 3);
        }
        for e in 0..entries {
            let [sym, extra] = h.cl_seq.get(e);
            let sym = usize::from(sym);
            let extra = u32::from(extra);
            out.put(u32::from(codes.get(sym)), u32::from(lens.get(sym)));
            match sym {
                16 => out.put(extra, 2),
                17 => out.put(extra, 3),
                18 => out.put(extra, 7),
                _ => {}
            }
        }
    }
    let (lens, codes) = (&h.lens, &mut h.codes);
    assign_codes(&lens.ll, &mut codes.ll);
    assign_codes(&lens.d, &mut codes.d);
    for i in from..to {
        let (a, dist) = work.syms.get(i);
        if dist == 0 {
            let s = usize::from(a);
            out.put(u32::from(codes.ll.get(s)), u32::from(lens.ll.get(s)));
        } else {
            let lc = length_code(a);
            let s = 257 + lc;
            out.put(u32::from(codes.ll.get(s)), u32::from(lens.ll.get(s)));
            let extra = u32::from(LENGTH_EXTRA.get(lc).copied().unwrap_or(0));
            if extra > 0 {
                // `a + 3` is a length of code `lc`, at least its base.
                let base = LENGTH_BASE.get(lc).copied().unwrap_or(0);
                let value = (u32::from(a) + 3).wrapping_sub(u32::from(base));
                out.put(value, extra);
            }
            let dc = dist_code(dist);
            out.put(u32::from(codes.d.get(dc)), u32::from(lens.d.get(dc)));
            let extra = u32::from(DIST_EXTRA.get(dc).copied().unwrap_or(0));
            if extra > 0 {
                // A distance is at least the base of its code.
                let base = DIST_BASE.get(dc).copied().unwrap_or(0);
                out.put(u32::from(dist.wrapping_sub(base)), extra);
            }
        }
    }
    out.put(u32::from(codes.ll.get(256)), u32::from(lens.ll.get(256)));
}
