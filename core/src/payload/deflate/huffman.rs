//! Huffman codes: symbol counts, length-limited code lengths, canonical
//! codes, and the run-length coded code lengths of a dynamic block's header
//! with their own code.

use super::symbols::{
    dist_code, length_code, CL_ORDER, CL_SYMS, DIST_EXTRA, LENGTH_EXTRA, LL_SYMS,
};
use super::workspace::{Alphabets16, Alphabets8, ClCode, Huffman, Sort, Symbols, Table16, Table8};

/// Code lengths tried for each block: the length limit of the
/// literal/length code and of the distance code, and whether the counts are
/// first smoothed. Shorter limits and smoothed counts give runs of equal
/// lengths, which cost less in the header than they add to the data.
pub(super) const CODE_VARIANTS: [(u32, u32, bool); 6] = [
    (15, 15, false),
    (15, 15, true),
    (10, 8, false),
    (10, 8, true),
    (8, 6, false),
    (8, 6, true),
];

/// Counts the symbols `syms[from..to]`, and an end of block, into `freq`.
#[inline]
pub(super) fn count_symbols(
    syms: &Symbols<'_>,
    freq: &mut Alphabets16<'_>,
    from: usize,
    to: usize,
) {
    freq.ll.fill(0);
    freq.d.fill(0);
    for i in from..to {
        let (a, dist) = syms.get(i);
        if dist == 0 {
            let ll = usize::from(a);
            freq.ll.set(ll, freq.ll.get(ll).saturating_add(1));
        } else {
            let ll = 257 + length_code(a);
            freq.ll.set(ll, freq.ll.get(ll).saturating_add(1));
            let d = dist_code(dist);
            freq.d.set(d, freq.d.get(d).saturating_add(1));
        }
    }
    freq.ll.set(256, 1);
}

/// Computes code lengths, at most `limit`, for the first `n` symbols of
/// `freq`, into `lens`. At least two symbols get a code, so the code is
/// always complete.
pub(super) fn build_lengths<const F: usize, const L: usize>(
    freq: &Table16<'_, F>,
    n: usize,
    lens: &mut Table8<'_, L>,
    limit: u32,
    sort: &mut Sort<'_>,
) {
    debug_assert!(n <= L);
    let used = sort_symbols(freq, n, lens, sort);
    let count = length_counts(sort, used, limit);
    // The most frequent symbols (at the end) get the shortest codes.
    // Plain ranges and `get`: rustc 1.78's `zip` and `skip` keep overflow
    // checks that its LLVM does not remove.
    let mut i = used;
    for len in 1..16u8 {
        for _ in 0..count.get(usize::from(len)).copied().unwrap_or(0) {
            if i == 0 {
                break;
            }
            i -= 1;
            lens.set(usize::from(sort.symbols.get(i)), len);
        }
    }
}

/// Buckets of the counting sort in [`sort_symbols`]: one for each
/// frequency below `BUCKETS - 1`, and the last for the rest.
const BUCKETS: usize = 64;

/// Clears `lens` and sorts the symbols of `freq[..n]` that occur into
/// `sort.symbols` by (frequency, symbol), with their frequencies in
/// `sort.weights`, and returns how many there are. Fewer than two symbols
/// get company of frequency 1, so that the code is complete.
///
/// A counting sort, stable over the symbols in order, places each symbol
/// by its frequency; the few frequent ones share the last bucket, whose
/// order [`sort_keys`] then settles.
#[inline(always)]
fn sort_symbols<const F: usize, const L: usize>(
    freq: &Table16<'_, F>,
    n: usize,
    lens: &mut Table8<'_, L>,
    sort: &mut Sort<'_>,
) -> usize {
    let bucket = |f: u16| usize::from(f).min(BUCKETS - 1);
    // Counts, then next slots, of the buckets, kept in `weights` until the
    // symbols are placed (not on the stack: the code lengths are on the
    // deepest path of compression). At most `n <= 288` symbols: nothing
    // here wraps.
    for b in 0..BUCKETS {
        sort.weights.set(b, 0);
    }
    let mut used = 0usize;
    for s in 0..n {
        lens.set(s, 0);
        let f = freq.get(s);
        if f > 0 {
            let b = bucket(f);
            sort.weights.set(b, sort.weights.get(b).wrapping_add(1));
            used = used.wrapping_add(1);
        }
    }
    if used < 2 {
        // With company, by key: a symbol that keeps the code complete may
        // come before the one that occurs, so the buckets' order over the
        // symbols would not be the keys'.
        let mut used = 0usize;
        for s in 0..n {
            let f = freq.get(s);
            if f > 0 {
                sort.weights.set(used, u32::from(f) << 16 | s as u32);
                used = used.wrapping_add(1);
            }
        }
        let mut s = 0;
        while used < 2 && s < n {
            if freq.get(s) == 0 {
                sort.weights.set(used, 1 << 16 | s as u32);
                used = used.wrapping_add(1);
            }
            s = s.wrapping_add(1);
        }
        sort_keys(sort, 0, used);
        return used;
    }
    let mut first = 0u32;
    for b in 0..BUCKETS {
        let count = sort.weights.get(b);
        sort.weights.set(b, first);
        first = first.wrapping_add(count);
    }
    for s in 0..n {
        let f = freq.get(s);
        if f > 0 {
            let b = bucket(f);
            let i = sort.weights.get(b);
            sort.symbols.set(i as usize, s as u16);
            sort.weights.set(b, i.wrapping_add(1));
        }
    }
    // The last bucket starts where the one before it ended.
    let frequent = sort.weights.get(BUCKETS - 2) as usize;
    for i in 0..used {
        let s = sort.symbols.get(i);
        let f = u32::from(freq.get(usize::from(s)));
        let weight = if i < frequent {
            f
        } else {
            f << 16 | u32::from(s)
        };
        sort.weights.set(i, weight);
    }
    sort_keys(sort, frequent, used);
    used
}

/// The gaps of the Shell sort in [`sort_keys`], largest first, ending
/// with the insertion sort's 1.
const SHELL_GAPS: [usize; 6] = [132, 57, 23, 10, 4, 1];

/// Sorts `weights[from..to]`, each `frequency << 16 | symbol`, and splits
/// them into the symbols, in `symbols`, and their frequencies.
///
/// Out of line, and shared by every alphabet.
#[inline(never)]
fn sort_keys(sort: &mut Sort<'_>, from: usize, to: usize) {
    let Sort { weights, symbols } = sort;
    // Shell sort (Ciura's gaps): the keys are distinct, so the order is
    // the one any sort gives, in far fewer moves than insertion alone on
    // a few hundred symbols.
    for gap in SHELL_GAPS {
        for i in from.saturating_add(gap)..to {
            let item = weights.get(i);
            let mut j = i;
            // `j >= from + gap` in the loop: no wrap.
            while j >= from.wrapping_add(gap) && weights.get(j.wrapping_sub(gap)) > item {
                weights.set(j, weights.get(j.wrapping_sub(gap)));
                j = j.wrapping_sub(gap);
            }
            weights.set(j, item);
        }
    }
    for i in from..to {
        let item = weights.get(i);
        symbols.set(i, item as u16);
        weights.set(i, item >> 16);
    }
}

/// Returns how many of the `used` symbols sorted in `sort` (see
/// [`sort_symbols`]) get each code length, at most `limit`, the least
/// frequent the longest.
///
/// Out of line, and shared by every alphabet: only the loops over the
/// alphabet's own tables are in [`build_lengths`].
#[inline(never)]
fn length_counts(sort: &mut Sort<'_>, used: usize, limit: u32) -> [u16; 16] {
    let mut count = [0u16; 16];
    if used < 2 {
        // Fewer than two symbols in the alphabet: only for `n` < 2.
        count[1] = used as u16;
        return count;
    }

    // In-place minimum-redundancy code lengths (Moffat and Katajainen):
    // first the tree as parent pointers, then depths. Weights sum the
    // counts of one block, depths and counts stay below the 288 symbols:
    // the arithmetic here does not wrap.
    let a = &mut sort.weights;
    let mut leaf = 0;
    let mut root = 0;
    for next in 0..used - 1 {
        for child in 0..2 {
            let take_root = leaf >= used || (root < next && a.get(root) < a.get(leaf));
            let w = if take_root {
                let w = a.get(root);
                a.set(root, next as u32);
                root = root.wrapping_add(1);
                w
            } else {
                let w = a.get(leaf);
                leaf += 1;
                w
            };
            let sum = if child == 0 {
                w
            } else {
                a.get(next).wrapping_add(w)
            };
            a.set(next, sum);
        }
    }
    a.set(used - 2, 0);
    for next in (0..used - 2).rev() {
        let parent = a.get(next) as usize;
        a.set(next, a.get(parent).wrapping_add(1));
    }
    let mut avail = 1usize;
    let mut depth = 0u32;
    let mut root = used - 1; // one past the next internal node, counting down
    let mut next = used; // one past the next leaf, counting down
    while avail > 0 {
        let mut internal = 0usize;
        while root > 0 && a.get(root - 1) == depth {
            internal = internal.wrapping_add(1);
            root -= 1;
        }
        while avail > internal && next > 0 {
            a.set(next - 1, depth);
            next -= 1;
            avail -= 1;
        }
        avail = internal.wrapping_mul(2);
        depth = depth.wrapping_add(1);
    }

    // Limit the lengths, keeping the Kraft sum at one: `limit` is raised
    // to what `used` symbols need, so the code is always complete.
    let mut limit = limit.clamp(1, 15);
    while (1usize << limit) < used && limit < 15 {
        limit += 1;
    }
    for i in 0..used {
        // `max` then `min` rather than `clamp`, which has a panic path the
        // optimiser does not always remove.
        let len = a.get(i).max(1).min(limit) as usize;
        if let Some(c) = count.get_mut(len) {
            *c = c.wrapping_add(1);
        }
    }
    // `len <= limit <= 15`: the shifts are below 16 and the sum below
    // 288 << 15.
    let mut kraft: u32 = 0;
    for len in 1..16u32 {
        if len > limit {
            break;
        }
        let c = count.get(len as usize).copied().unwrap_or(0);
        kraft = kraft.wrapping_add(u32::from(c).wrapping_shl(limit.wrapping_sub(len)));
    }
    while kraft > 1u32.wrapping_shl(limit) {
        // The Kraft sum is over one, so the longest length has a code.
        if let Some(c) = count.get_mut(limit as usize) {
            *c = c.wrapping_sub(1);
        }
        let mut len = (limit as usize).saturating_sub(1);
        while len > 0 && count.get(len).copied().unwrap_or(0) == 0 {
            len -= 1;
        }
        if len == 0 {
            break;
        }
        if let Some(c) = count.get_mut(len) {
            *c -= 1;
        }
        if let Some(c) = count.get_mut(len + 1) {
            *c = c.wrapping_add(2);
        }
        kraft -= 1;
    }
    count
}

/// Assigns canonical, bit-reversed codes to the code lengths `lens`, into
/// `codes`.
pub(super) fn assign_codes<const L: usize, const C: usize>(
    lens: &Table8<'_, L>,
    codes: &mut Table16<'_, C>,
) {
    // Counts of at most 288 symbols; canonical codes of a complete code
    // fit their 15 bits: nothing wraps.
    let mut count = [0u16; 16];
    for s in 0..L {
        if let Some(c) = count.get_mut(usize::from(lens.get(s))) {
            *c = c.wrapping_add(1);
        }
    }
    count[0] = 0;
    let mut next = [0u16; 16];
    let mut code = 0u16;
    for len in 1..16 {
        code = code.wrapping_add(count[len - 1]).wrapping_shl(1);
        next[len] = code;
    }
    for s in 0..L {
        let len = usize::from(lens.get(s));
        if len > 0 && len < 16 {
            let c = next[len];
            next[len] = c.wrapping_add(1);
            codes.set(s, c.reverse_bits() >> (16 - len));
        } else {
            codes.set(s, 0);
        }
    }
}

/// Bits of the block's symbols with these code lengths, extra bits included.
///
/// Out of line: inlined, its loads are hoisted out of
/// [`code_block`](super::block)'s loop and spilled, hundreds of bytes of
/// frame above the code length builders.
#[inline(never)]
pub(super) fn data_bits(freq: &Alphabets16<'_>, lens: &Alphabets8<'_>) -> usize {
    // Bit counts of one block, as in `fixed_bits`: no wrap.
    let mut bits = 0usize;
    for s in 0..286 {
        let f = usize::from(freq.ll.get(s));
        let extra = if s >= 257 {
            usize::from(LENGTH_EXTRA.get(s - 257).copied().unwrap_or(0))
        } else {
            0
        };
        bits = bits.wrapping_add(f.wrapping_mul(usize::from(lens.ll.get(s)) + extra));
    }
    for (s, &extra) in (0..).zip(&DIST_EXTRA) {
        let f = usize::from(freq.d.get(s));
        bits = bits.wrapping_add(f.wrapping_mul(usize::from(lens.d.get(s)) + usize::from(extra)));
    }
    bits
}

/// The code lengths of the fixed codes.
pub(super) fn fixed_lens(lens: &mut Alphabets8<'_>) {
    for s in 0..LL_SYMS {
        let len = match s {
            0..=143 => 8,
            144..=255 => 9,
            256..=279 => 7,
            _ => 8,
        };
        lens.ll.set(s, len);
    }
    lens.d.fill(5);
}

/// Run-length codes the literal/length and distance code lengths into
/// `cl_seq` and returns (entries, HLIT, HDIST). Bits 0, 1 and 2 of `rle`
/// allow the repeat codes 16, 17 and 18.
pub(super) fn rle_lengths(h: &mut Huffman<'_>, rle: u8) -> (usize, usize, usize) {
    let lens = &h.lens;
    let mut hlit = 286;
    while hlit > 257 && lens.ll.get(hlit - 1) == 0 {
        hlit -= 1;
    }
    let mut hdist = 30;
    while hdist > 1 && lens.d.get(hdist - 1) == 0 {
        hdist -= 1;
    }
    // At most 286 + 30: no wrap.
    let total = hlit.wrapping_add(hdist);
    let len_at = |i: usize| {
        if i < hlit {
            lens.ll.get(i)
        } else {
            lens.d.get(i - hlit)
        }
    };
    let seq = &mut h.cl_seq;
    let mut entries = 0;
    let mut push = |sym: u8, extra: u8| {
        seq.set(entries, [sym, extra]);
        entries = entries.wrapping_add(1);
    };
    let (use16, use17, use18) = (rle & 1 != 0, rle & 2 != 0, rle & 4 != 0);
    let mut i = 0;
    while i < total {
        let len = len_at(i);
        let mut run = 1;
        // `i < total <= 320` and `run <= 138`: no wrap.
        while i.wrapping_add(run) < total && len_at(i.wrapping_add(run)) == len && run < 138 {
            run += 1;
        }
        i = i.wrapping_add(run);
        if len == 0 {
            while run >= 3 {
                if use18 && run >= 11 {
                    push(18, (run - 11) as u8);
                    run = 0;
                } else if use17 {
                    let k = run.min(10);
                    push(17, (k - 3) as u8);
                    run -= k;
                } else {
                    break;
                }
            }
        }
        if run == 0 {
            continue;
        }
        push(len, 0);
        run -= 1;
        while use16 && run >= 3 {
            let k = run.min(6);
            push(16, (k - 3) as u8);
            run -= k;
        }
        for _ in 0..run {
            push(len, 0);
        }
    }
    (entries, hlit, hdist)
}

/// Builds the code length code for `cl_seq` and returns (HCLEN, header bits).
pub(super) fn code_length_code(h: &mut Huffman<'_>, entries: usize) -> (usize, usize) {
    let ClCode { freq, lens, codes } = &mut h.cl;
    freq.fill(0);
    for e in 0..entries {
        let [sym, _] = h.cl_seq.get(e);
        let sym = usize::from(sym);
        // At most 320 entries: no wrap.
        freq.set(sym, freq.get(sym).wrapping_add(1));
    }
    build_lengths(freq, CL_SYMS, lens, 7, &mut h.sort);
    assign_codes(lens, codes);
    let mut hclen = 19;
    while hclen > 4 && lens.get(usize::from(CL_ORDER[hclen - 1])) == 0 {
        hclen -= 1;
    }
    let mut bits = 5 + 5 + 4 + 3 * hclen;
    for (sym, extra) in [(16, 2), (17, 3), (18, 7)]
        .into_iter()
        .chain((0..16).map(|s| (s, 0)))
    {
        bits = bits.wrapping_add(
            usize::from(freq.get(sym)).wrapping_mul(usize::from(lens.get(sym)).wrapping_add(extra)),
        );
    }
    (hclen, bits)
}

/// Builds the code lengths of `huff.freq` into `huff.lens`, as `variant`
/// of [`CODE_VARIANTS`] says; smoothed counts go through `huff.codes`.
pub(super) fn code_lengths(h: &mut Huffman<'_>, variant: (u32, u32, bool)) {
    let (ll_limit, d_limit, smooth) = variant;
    if smooth {
        smooth_counts(&h.freq.ll, &mut h.codes.ll, 286);
        smooth_counts(&h.freq.d, &mut h.codes.d, 30);
    }
    let counts = if smooth { &h.codes } else { &h.freq };
    let lens = &mut h.lens;
    build_lengths(&counts.ll, 286, &mut lens.ll, ll_limit, &mut h.sort);
    lens.ll.set(286, 0);
    lens.ll.set(287, 0);
    build_lengths(&counts.d, 30, &mut lens.d, d_limit, &mut h.sort);
    lens.d.set(30, 0);
    lens.d.set(31, 0);
}

/// Copies the counts `freq[..to]` to `out`, with each stretch of four or
/// more neighbouring non-zero counts close to their mean replaced by that
/// mean, so that they get equal code lengths.
fn smooth_counts<const F: usize>(freq: &Table16<'_, F>, out: &mut Table16<'_, F>, to: usize) {
    let mut i = 0;
    while i < to {
        let first = u32::from(freq.get(i));
        let mut sum = first;
        // `i < j <= to`, at most 286, and `sum` adds `u16` counts of
        // one block: nothing wraps.
        let mut j = i.wrapping_add(1);
        if first > 0 {
            while j < to {
                let f = u32::from(freq.get(j));
                let mean = sum.checked_div(j.wrapping_sub(i) as u32).unwrap_or(0);
                if f == 0 || f.abs_diff(mean) > (mean / 3).max(2) {
                    break;
                }
                sum = sum.wrapping_add(f);
                j = j.wrapping_add(1);
            }
        }
        let run = j.wrapping_sub(i) as u32;
        for k in i..j {
            let f = if run >= 4 {
                sum.wrapping_add(run / 2)
                    .checked_div(run)
                    .unwrap_or(0)
                    .max(1) as u16
            } else {
                freq.get(k)
            };
            out.set(k, f);
        }
        i = j;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payload::deflate::workspace::Table32;
    use std::vec;

    #[test]
    fn huffman_lengths_respect_limit_and_kraft() {
        let mut weights = vec![0u8; 4 * LL_SYMS];
        let mut symbols = vec![0u8; 2 * LL_SYMS];
        let mut sort = Sort {
            weights: Table32::new(&mut weights),
            symbols: Table16::new(&mut symbols),
        };
        let mut freq = vec![0u8; 2 * LL_SYMS];
        let mut freq = Table16::<{ 2 * LL_SYMS }>::new(&mut freq);
        let mut lens = vec![0u8; LL_SYMS];
        let mut lens = Table8::<LL_SYMS>::new(&mut lens);
        // Fibonacci frequencies give the deepest trees.
        let (mut a, mut b) = (1u16, 1u16);
        for s in 0..24 {
            freq.set(s, a);
            let c = a.saturating_add(b);
            a = b;
            b = c;
        }
        for limit in [7, 9, 15] {
            build_lengths(&freq, 286, &mut lens, limit, &mut sort);
            let lens = lens.to_vec();
            let kraft: f64 = lens
                .iter()
                .filter(|&&l| l > 0)
                .map(|&l| 0.5f64.powi(l.into()))
                .sum();
            assert!((kraft - 1.0).abs() < 1e-9, "limit {limit}: kraft {kraft}");
            assert!(lens.iter().all(|&l| u32::from(l) <= limit));
            assert_eq!(lens.iter().filter(|&&l| l > 0).count(), 24);
        }
        // More symbols than a limit allows: the limit gives way.
        for s in 0..286 {
            freq.set(s, 1 + (s % 7) as u16);
        }
        build_lengths(&freq, 286, &mut lens, 8, &mut sort);
        let lens = lens.to_vec();
        let kraft: f64 = lens
            .iter()
            .filter(|&&l| l > 0)
            .map(|&l| 0.5f64.powi(l.into()))
            .sum();
        assert!((kraft - 1.0).abs() < 1e-9, "kraft {kraft}");
        assert!(lens.iter().take(286).all(|&l| (1..=9).contains(&l)));
    }

    /// The counting sort orders the symbols by (frequency, symbol), as a
    /// sort of the keys does: ties, frequencies in the last bucket and
    /// past `u16`'s half, and alphabets with fewer than two symbols.
    #[test]
    fn symbols_sort_by_frequency_then_symbol() {
        let mut weights = vec![0u8; 4 * LL_SYMS];
        let mut symbols = vec![0u8; 2 * LL_SYMS];
        let mut sort = Sort {
            weights: Table32::new(&mut weights),
            symbols: Table16::new(&mut symbols),
        };
        let mut freq = vec![0u8; 2 * LL_SYMS];
        let mut freq = Table16::<{ 2 * LL_SYMS }>::new(&mut freq);
        let mut lens = vec![0u8; LL_SYMS];
        let mut lens = Table8::<LL_SYMS>::new(&mut lens);
        let mut seed = 0x2545_f491_u32;
        for round in 0..crate::test_size(400, 20) {
            let used_only = round % 50;
            for s in 0..286 {
                seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                let r = seed >> 8;
                let f = match r % 8 {
                    0..=2 => 0,
                    3..=5 => r >> 3 & 7,
                    6 => r >> 3 & 127,
                    _ => r >> 3 & 0xffff,
                };
                let f = if used_only < 3 && s != 17 * used_only {
                    0
                } else {
                    f
                };
                freq.set(s, f as u16);
            }
            let n = if round % 3 == 0 { 30 } else { 286 };
            let used = sort_symbols(&freq, n, &mut lens, &mut sort);
            let mut keys: std::vec::Vec<(u16, u16)> = (0..n)
                .filter(|&s| freq.get(s) > 0)
                .map(|s| (freq.get(s), s as u16))
                .collect();
            let mut s = 0;
            while keys.len() < 2 {
                if freq.get(s) == 0 {
                    keys.push((1, s as u16));
                }
                s += 1;
            }
            keys.sort_unstable();
            assert_eq!(used, keys.len(), "round {round}");
            for (i, &(f, s)) in keys.iter().enumerate() {
                assert_eq!(sort.symbols.get(i), s, "round {round}, rank {i}");
                assert_eq!(sort.weights.get(i), u32::from(f), "round {round}, rank {i}");
            }
            assert!((0..n).all(|s| lens.get(s) == 0));
        }
    }
}
