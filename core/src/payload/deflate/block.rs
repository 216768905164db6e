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
        (1, 7..8)
    };

    // Dynamic codes: the variant of the code lengths with the fewest bits,
    // header included.
    let mut best_variant = 0;
    let mut best_bits = usize::MAX;
    for (i, &variant) in CODE_VARIANTS.iter().enumerate().take(variants) {
        code_lengths(h, variant);
        let (entries, _, _) = rle_lengths(h, 7);
        let (_, header_bits) = code_length_code(h, entries);
        let bits = header_bits + data_bits(&h.freq, &h.lens);
        if bits < best_bits {
            best_bits = bits;
            best_variant = i;
        }
    }
    code_lengths(
        h,
        CODE_VARIANTS
            .get(best_variant)
            .copied()
            .unwrap_or((15, 15, false)),
    );
    // The repeat codes that give the shortest header: using them all is
    // not always best, as each one used needs a code of its own.
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
    let dynamic = 3 + header_bits + data_bits(&h.freq, &h.lens);

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
#[inline(never)]
fn fixed_bits(freq: &Alphabets16<'_>) -> usize {
    let mut bits = 3;
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
        bits += f * (len + extra);
    }
    for (s, &extra) in DIST_EXTRA.iter().enumerate() {
        bits += usize::from(freq.d.get(s)) * (5 + usize::from(extra));
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
/// code `raw`, and writes the block.
pub(super) fn write_block(
    work: &mut Workspace<'_>,
    from: usize,
    to: usize,
    raw: &[u8],
    last: bool,
    out: &mut LsbWriter<'_>,
) {
    let Coded {
        dynamic,
        fixed,
        entries,
        hlit,
        hdist,
        hclen,
    } = code_block(work, from, to, true);
    let h = &mut work.huff;

    // Stored: header, padding, then LEN and NLEN and the bytes per piece.
    let pieces = raw.len().div_ceil(65_535).max(1);
    let first_pad = (8 - (out.bit_len() + 3) % 8) % 8;
    let stored = 3 + first_pad + 32 + 8 * raw.len() + (pieces - 1) * (3 + 5 + 32);

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
        out.put((hlit - 257) as u32, 5);
        out.put((hdist - 1) as u32, 5);
        out.put((hclen - 4) as u32, 4);
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
            let extra = u32::from(LENGTH_EXTRA[lc]);
            if extra > 0 {
                let value = u32::from(a) + 3 - u32::from(LENGTH_BASE[lc]);
                out.put(value, extra);
            }
            let dc = dist_code(dist);
            out.put(u32::from(codes.d.get(dc)), u32::from(lens.d.get(dc)));
            let extra = u32::from(DIST_EXTRA[dc]);
            if extra > 0 {
                out.put(u32::from(dist - DIST_BASE[dc]), extra);
            }
        }
    }
    out.put(u32::from(codes.ll.get(256)), u32::from(lens.ll.get(256)));
}
