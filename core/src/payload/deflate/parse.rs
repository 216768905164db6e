//! The LZ77 parse of one piece of input into symbols: lazy, as zlib's
//! `deflate_slow`, for the first costs, then optimal under the code lengths
//! of the parse before.

use super::huffman::{build_lengths, count_symbols};
use super::matches::{Chains, Depth, Source, MAX_CHAIN};
use super::symbols::{
    dist_code, length_code, symbol_len, DIST_EXTRA, D_SYMS, LENGTH_EXTRA, LL_SYMS, MAX_MATCH,
    MIN_MATCH,
};
use super::workspace::{Huffman, Symbols, Workspace, BLOCK_LEN, RING};

/// A match this long ends the lazy search at once.
const NICE_MATCH: usize = 258;
/// How far the optimal parse searches a hash chain: up to 1,024
/// candidates, but only 64 more once it holds a match of 5 bytes. The
/// chains of hex dumps and register lines run to hundreds of candidates
/// that rarely hold a longer match (docs/payload.md has the figures).
const OPT_DEPTH: Depth = Depth {
    chain: 1024,
    good: 5,
    after_good: 64,
};
/// The optimal parse takes a match this long without looking inside it.
const LONG_MATCH: usize = 24;
/// Candidates the lazy parse alone (the fast effort) tries in a hash
/// chain.
const FAST_CHAIN: usize = 32;
/// Optimal parses of a first piece of at most [`SHORT_PIECE`] bytes, each
/// with the costs of the parse before.
const SHORT_PASSES: usize = 2;
/// The longest first piece parsed [`SHORT_PASSES`] times. Over a longer
/// one the lazy parse's costs are close to the optimal ones already, and a
/// second pass rarely changes the stream.
const SHORT_PIECE: usize = BLOCK_LEN / 2;
/// Optimal parses of any other piece: a long first one, with the costs of
/// its lazy parse, or later input, with the costs of the input before.
const PASSES: usize = 1;
/// Cost units per bit.
const COST_SCALE: u16 = 16;
/// The cost, in bits, of a symbol the last parse did not use.
const UNUSED_COST: u16 = 16;

/// Parses `src[start..end]` with lazy evaluation, as zlib's `deflate_slow`,
/// into the symbols from `syms[base]` on, and returns how many there are.
/// Matches stay inside the range; each search tries at most `max_chain`
/// candidates. With `restart`, the hash chains are rebuilt first; without,
/// they must hold what came before `start` (the parse before ended there).
fn lazy_parse(
    src: &Source<'_>,
    work: &mut Workspace<'_>,
    base: usize,
    start: usize,
    end: usize,
    max_chain: usize,
    restart: bool,
) -> usize {
    let mut chains = Chains {
        src,
        head: work.head.reborrow(),
        prev: work.prev.reborrow(),
    };
    if restart {
        chains.restart(start);
    }
    let syms = &mut work.syms;
    // Positions are below `src.len()` and symbol counts at most
    // `BLOCK_LEN`; a pending match starts at `pos - 1 >= start`. None of
    // the sums and differences below wraps.
    let mut nsyms = base;
    let mut pos = start;
    // A match found at `pos - 1`, waiting to see whether `pos` does better.
    let mut prev_len = 0;
    let mut prev_dist = 0;
    let mut pending = false;
    while pos < end {
        let max = (end - pos).min(MAX_MATCH);
        let (len, dist) = if prev_len >= NICE_MATCH {
            chains.insert(pos);
            (0, 0)
        } else {
            chains.longest(pos, prev_len, max, max_chain)
        };
        if pending && prev_len >= MIN_MATCH && len <= prev_len {
            // The match at `pos - 1` wins: emit it and skip over it.
            syms.set(nsyms, ((prev_len - MIN_MATCH) as u8, prev_dist as u16));
            nsyms = nsyms.wrapping_add(1);
            let match_end = pos.wrapping_sub(1).wrapping_add(prev_len);
            for q in pos.wrapping_add(1)..match_end {
                chains.insert(q);
            }
            pos = match_end;
            pending = false;
            prev_len = 0;
            continue;
        }
        if pending {
            syms.set(nsyms, (src.byte(pos.wrapping_sub(1)), 0));
            nsyms = nsyms.wrapping_add(1);
        }
        pending = true;
        prev_len = len;
        prev_dist = dist;
        pos = pos.wrapping_add(1);
    }
    if pending {
        if prev_len >= MIN_MATCH {
            syms.set(nsyms, ((prev_len - MIN_MATCH) as u8, prev_dist as u16));
        } else {
            syms.set(nsyms, (src.byte(end.wrapping_sub(1)), 0));
        }
        nsyms = nsyms.wrapping_add(1);
    }
    nsyms.wrapping_sub(base)
}

/// Sets the symbol costs (in 1/16 bits, in `huff.codes`) from the code
/// lengths the block's symbols `syms[..nsyms]` would get.
fn set_costs(work: &mut Workspace<'_>, nsyms: usize) {
    let h = &mut work.huff;
    count_symbols(&work.syms, &mut h.freq, 0, nsyms);
    build_lengths(&h.freq.ll, 286, &mut h.lens.ll, 15, &mut h.sort);
    build_lengths(&h.freq.d, 30, &mut h.lens.d, 15, &mut h.sort);
    lens_to_costs(h);
}

/// Sets the symbol costs (in 1/16 bits, in `huff.codes`) from the code
/// lengths in `huff.lens`.
fn lens_to_costs(h: &mut Huffman<'_>) {
    let cost = |len: u8| {
        let len = u16::from(len);
        let cost = if len == 0 { UNUSED_COST } else { len };
        cost * COST_SCALE
    };
    for s in 0..LL_SYMS {
        h.codes.ll.set(s, cost(h.lens.ll.get(s)));
    }
    for s in 0..D_SYMS {
        h.codes.d.set(s, cost(h.lens.d.get(s)));
    }
}

/// Parses `src[start..end]` by the cheapest path under the costs in
/// `huff.codes` (literals, and every match length at the nearest distance
/// that reaches it) into the symbols from `syms[base]` on, and returns how
/// many there are. `base + end - start` must be at most [`BLOCK_LEN`].
/// With `restart`, the hash chains are rebuilt first; without, they must
/// hold what came before `start`, as an optimal parse ending there leaves
/// them.
fn optimal_parse(
    src: &Source<'_>,
    work: &mut Workspace<'_>,
    base: usize,
    start: usize,
    end: usize,
    restart: bool,
) -> usize {
    let mut chains = Chains {
        src,
        head: work.head.reborrow(),
        prev: work.prev.reborrow(),
    };
    if restart {
        chains.restart(start);
    }
    let Huffman { codes, sort, .. } = &mut work.huff;
    let costs = &*codes;
    // The cost of each match length, by `length - 3`.
    let len_costs = &mut sort.symbols;
    for l in 0..=MAX_MATCH - MIN_MATCH {
        let lc = length_code(l as u8);
        // A code length of at most 15 and 5 extra bits, in 1/16 bits:
        // no wrap.
        let extra = u16::from(LENGTH_EXTRA.get(lc).copied().unwrap_or(0));
        let cost = costs
            .ll
            .get(257 + lc)
            .wrapping_add(extra.wrapping_mul(COST_SCALE));
        len_costs.set(l, cost);
    }
    let len_costs = &*len_costs;
    let ring = &mut work.ring;
    let syms = &mut work.syms;
    // `start <= end`; positions and symbol counts as in `lazy_parse`, and
    // costs in 1/16 bits of at most one block, far below `u32::MAX` (each
    // position is reached by a literal from the one before, so `here` is
    // such a cost): none of the sums below wraps.
    let n = end.wrapping_sub(start);
    debug_assert!(base + n <= BLOCK_LEN);
    // `ring[k % RING]` is the cheapest known cost of coding the first `k`
    // bytes, for `k` from the current position to one step ahead; the
    // symbol that reaches `k` that way is `syms[base + k - 1]`. `slot` is
    // `j % RING`.
    ring.fill(u32::MAX);
    ring.set(0, 0);
    let mut j = 0;
    let mut slot = 0;
    while j < n {
        let pos = start.wrapping_add(j);
        let here = ring.get(slot);
        ring.set(slot, u32::MAX);
        // Reaches `j + l` for `l` up to `MAX_MATCH`.
        let mut relax = |l: usize, cost: u32, a: u8, dist: u16| {
            let ahead = ring_ahead(slot, l);
            if cost < ring.get(ahead) {
                ring.set(ahead, cost);
                syms.set(
                    base.wrapping_add(j).wrapping_add(l).wrapping_sub(1),
                    (a, dist),
                );
            }
        };
        let byte = src.byte(pos);
        relax(
            1,
            here.wrapping_add(u32::from(costs.ll.get(usize::from(byte)))),
            byte,
            0,
        );
        // `j < n`, the loop's condition: no wrap. (With the chain walk
        // compiled apart for sources without a dictionary, rustc 1.78's
        // LLVM no longer sees that at the kernel's opt-level 2.)
        let max = n.wrapping_sub(j).min(MAX_MATCH);
        let mut longest = MIN_MATCH - 1;
        chains.matches(pos, 0, max, OPT_DEPTH, |len, dist| {
            let dc = dist_code(dist as u16);
            let extra = u32::from(DIST_EXTRA.get(dc).copied().unwrap_or(0));
            let dist_cost =
                u32::from(costs.d.get(dc)).wrapping_add(extra.wrapping_mul(u32::from(COST_SCALE)));
            // `l > longest >= MIN_MATCH - 1`.
            for l in longest.wrapping_add(1)..=len {
                let len_cost = u32::from(len_costs.get(l.wrapping_sub(MIN_MATCH)));
                relax(
                    l,
                    here.wrapping_add(len_cost).wrapping_add(dist_cost),
                    l.wrapping_sub(MIN_MATCH) as u8,
                    dist as u16,
                );
            }
            longest = len;
        });
        // Matches are at most `max <= MAX_MATCH` long.
        let step = if longest >= LONG_MATCH {
            // Take a long match as it is: the positions inside it are only
            // added to the chains.
            for l in 1..longest {
                chains.insert(pos.wrapping_add(l));
                ring.set(ring_ahead(slot, l), u32::MAX);
            }
            longest
        } else {
            1
        };
        j = j.wrapping_add(step);
        slot = ring_ahead(slot, step);
    }
    follow_path(syms, base, n)
}

/// The ring slot `l` bytes after `slot`: `(slot + l) % RING` for `slot`
/// below [`RING`] and `l` at most [`MAX_MATCH`], without a division.
#[inline(always)]
fn ring_ahead(slot: usize, l: usize) -> usize {
    // Both below `RING`: the sum is below `2 * RING`, no wrap.
    let k = slot.wrapping_add(l);
    if k >= RING {
        k.wrapping_sub(RING)
    } else {
        k
    }
}

/// Turns the back pointers of [`optimal_parse`] (`syms[base + k - 1]`
/// reaches `k`) into the path's symbols in order, from `syms[base]`, and
/// returns how many there are.
fn follow_path(syms: &mut Symbols<'_>, base: usize, n: usize) -> usize {
    if n == 0 {
        return 0;
    }
    // First move each symbol of the path to the slot of its start: the
    // slots read later are all before the slot written.
    // Indices are `base` plus at most `n`, within one block: no wrap.
    let at = |k: usize| base.wrapping_add(k);
    let mut k = n;
    let (mut a, mut dist) = syms.get(at(k).wrapping_sub(1));
    loop {
        let from = k.saturating_sub(symbol_len(a, dist));
        let next = if from > 0 {
            syms.get(at(from).wrapping_sub(1))
        } else {
            (0, 0)
        };
        syms.set(at(from), (a, dist));
        if from == 0 {
            break;
        }
        k = from;
        (a, dist) = next;
    }
    // Then pack them: symbol `i` starts at or after byte `i`.
    let mut count = 0;
    let mut k = 0;
    while k < n {
        let (a, dist) = syms.get(at(k));
        syms.set(at(count), (a, dist));
        count = count.wrapping_add(1);
        k = k.wrapping_add(symbol_len(a, dist));
    }
    count
}

/// Parses `src[start..end]` into the symbols from `syms[base]` on and
/// returns how many there are: a lazy parse gives the first costs, then
/// each optimal parse the costs of the next, counting the block's earlier
/// symbols too. Unless `optimal`, the lazy parse alone.
///
/// Out of line: inlined into the block loop of
/// [`deflate`](super::deflate), the lazy parse's state would sit in the
/// frame under which every block is coded, the deepest path of compression.
#[inline(never)]
pub(super) fn parse(
    src: &Source<'_>,
    work: &mut Workspace<'_>,
    base: usize,
    start: usize,
    end: usize,
    first: bool,
    optimal: bool,
) -> usize {
    if !optimal {
        // One pass a piece: the chains go on from the piece before.
        return lazy_parse(src, work, base, start, end, FAST_CHAIN, first);
    }
    let mut passes = PASSES;
    if first {
        let n = lazy_parse(src, work, base, start, end, MAX_CHAIN, true);
        set_costs(work, base.wrapping_add(n));
        if end.wrapping_sub(start) <= SHORT_PIECE {
            passes = SHORT_PASSES;
        }
    } else if base > 0 {
        set_costs(work, base);
    } else {
        // The code lengths of the block just written.
        lens_to_costs(&mut work.huff);
    }
    // A later piece goes on with the chains the parse before left: it
    // added every position before `start`.
    let mut n = optimal_parse(src, work, base, start, end, first);
    for _ in 1..passes {
        set_costs(work, base.wrapping_add(n));
        n = optimal_parse(src, work, base, start, end, true);
    }
    n
}
