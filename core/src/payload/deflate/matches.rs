//! The match finder: the dictionary and the input as one sequence of
//! positions, and hash chains over it that find earlier strings matching
//! the one at a position.

use super::symbols::{MIN_MATCH, WINDOW_SIZE};
use super::workspace::{Table16, HASH_BITS, HEAD_BYTES, PREV_BYTES};

const WINDOW_MASK: usize = WINDOW_SIZE - 1;

/// Candidates the lazy parse tries in a hash chain before giving up, as
/// zlib's level 6 does: the full effort's lazy parse only gives the first
/// costs to the optimal one, which searches its chains further.
pub(super) const MAX_CHAIN: usize = 128;
/// Once a match this long is held, the lazy search tries a quarter of the chain.
const GOOD_MATCH: usize = 32;

/// How far [`Chains::matches`] goes down a hash chain.
#[derive(Clone, Copy)]
pub(super) struct Depth {
    /// Candidates tried at most.
    pub(super) chain: usize,
    /// Once a match this long is held, ...
    pub(super) good: usize,
    /// ... at most this many more candidates are tried.
    pub(super) after_good: usize,
}

/// The dictionary followed by the input, as one sequence of positions. No
/// copy: the input slice is the window.
pub(super) struct Source<'a> {
    pub(super) dict: &'a [u8],
    pub(super) input: &'a [u8],
}

impl Source<'_> {
    #[inline]
    pub(super) fn len(&self) -> usize {
        // Two slices hold at most `isize::MAX` bytes each: the sum fits,
        // and so do positions below it plus lengths up to it, below.
        self.dict.len().wrapping_add(self.input.len())
    }

    #[inline]
    pub(super) fn byte(&self, pos: usize) -> u8 {
        self.byte_in::<true>(pos)
    }

    /// The dictionary's length, or 0 unless `DICT`: a source whose walk
    /// is compiled apart for having no dictionary (see
    /// [`Chains::matches`]) knows it at compile time.
    #[inline(always)]
    fn dict_len<const DICT: bool>(&self) -> usize {
        if DICT {
            self.dict.len()
        } else {
            0
        }
    }

    /// [`Source::byte`]; `DICT` as for [`Source::dict_len`].
    #[inline(always)]
    fn byte_in<const DICT: bool>(&self, pos: usize) -> u8 {
        let d = self.dict_len::<DICT>();
        let byte = if pos < d {
            self.dict.get(pos)
        } else {
            self.input.get(pos - d)
        };
        byte.copied().unwrap_or(0)
    }

    /// Hash of the three bytes at `pos`; the caller ensures `pos + 3 <= len`.
    /// `DICT` as for [`Source::dict_len`].
    #[inline]
    fn hash<const DICT: bool>(&self, pos: usize) -> usize {
        // `pos + 3 <= len`: no wrap.
        let v = u32::from(self.byte_in::<DICT>(pos))
            | u32::from(self.byte_in::<DICT>(pos.wrapping_add(1))) << 8
            | u32::from(self.byte_in::<DICT>(pos.wrapping_add(2))) << 16;
        (v.wrapping_mul(0x9E37_79B1) >> (32 - HASH_BITS)) as usize
    }

    /// Length of the common prefix of the strings at `cand` and `pos`, at
    /// most `max`; `pos` is in the input and `cand < pos`. `DICT` as for
    /// [`Source::dict_len`].
    #[inline(always)]
    fn match_len<const DICT: bool>(&self, cand: usize, pos: usize, max: usize) -> usize {
        let d = self.dict_len::<DICT>();
        let target = self
            .input
            .get(pos.wrapping_sub(d)..)
            .and_then(|t| t.get(..max))
            .unwrap_or(&[]);
        if cand >= d {
            return common(self.input.get(cand - d..).unwrap_or(&[]), target);
        }
        let head = self.dict.get(cand..).unwrap_or(&[]);
        let n = common(head, target);
        if n < head.len() || n == target.len() {
            return n;
        }
        n.wrapping_add(common(self.input, target.get(n..).unwrap_or(&[])))
    }
}

/// Length of the common prefix of `a` and `b`.
#[inline]
fn common(a: &[u8], b: &[u8]) -> usize {
    // Offsets within the slices: no wrap. (Zipping two `chunks_exact`
    // would divide by the chunk size where the zip is not inlined.)
    let mut n = 0usize;
    let eight = |s: &[u8], n: usize| {
        let bytes = s.get(n..n.wrapping_add(8))?;
        Some(u64::from_le_bytes(bytes.try_into().ok()?))
    };
    while let (Some(x), Some(y)) = (eight(a, n), eight(b, n)) {
        let diff = x ^ y;
        if diff != 0 {
            return n.wrapping_add((diff.trailing_zeros() / 8) as usize);
        }
        n = n.wrapping_add(8);
    }
    let a = a.get(n..).unwrap_or(&[]);
    let b = b.get(n..).unwrap_or(&[]);
    n.wrapping_add(a.iter().zip(b).take_while(|(x, y)| x == y).count())
}

/// The hash chains: the most recent position of each hash, and for each
/// position the previous one with the same hash.
pub(super) struct Chains<'s, 'w> {
    pub(super) src: &'s Source<'s>,
    pub(super) head: Table16<'w, HEAD_BYTES>,
    pub(super) prev: Table16<'w, PREV_BYTES>,
}

impl Chains<'_, '_> {
    /// Forgets every position and adds the window before `start` again, so
    /// that a block can be parsed more than once.
    #[inline]
    pub(super) fn restart(&mut self, start: usize) {
        self.head.fill(0);
        for pos in start.saturating_sub(WINDOW_SIZE)..start {
            self.insert(pos);
        }
    }

    /// Adds the string at `pos` to its hash chain and returns the previous
    /// head of that chain (0 when the string is too short to hash).
    #[inline]
    pub(super) fn insert(&mut self, pos: usize) -> u16 {
        if self.src.dict.is_empty() {
            self.insert_in::<false>(pos)
        } else {
            self.insert_in::<true>(pos)
        }
    }

    /// [`Chains::insert`]; `DICT` as for [`Source::dict_len`].
    #[inline(always)]
    fn insert_in<const DICT: bool>(&mut self, pos: usize) -> u16 {
        if pos.saturating_add(MIN_MATCH) > self.src.len() {
            return 0;
        }
        let h = self.src.hash::<DICT>(pos);
        let old = self.head.get(h);
        self.prev.set(pos & WINDOW_MASK, old);
        self.head.set(h, pos as u16);
        old
    }

    /// Inserts `pos` and calls `found(length, distance)` for each earlier
    /// string that matches longer than every nearer one and than
    /// `better_than`, nearest first, with lengths up to `max`. Tries at most
    /// `depth.chain` candidates.
    ///
    /// Most sources have no dictionary; their walk is compiled apart, with
    /// no test of which slice holds a position at each step.
    #[inline]
    pub(super) fn matches(
        &mut self,
        pos: usize,
        better_than: usize,
        max: usize,
        depth: Depth,
        found: impl FnMut(usize, usize),
    ) {
        if self.src.dict.is_empty() {
            self.walk::<false>(pos, better_than, max, depth, found);
        } else {
            self.walk::<true>(pos, better_than, max, depth, found);
        }
    }

    /// [`Chains::matches`]; `DICT` as for [`Source::dict_len`].
    #[inline(always)]
    fn walk<const DICT: bool>(
        &mut self,
        pos: usize,
        better_than: usize,
        max: usize,
        depth: Depth,
        mut found: impl FnMut(usize, usize),
    ) {
        let mut cand16 = self.insert_in::<DICT>(pos);
        if pos.saturating_add(MIN_MATCH) > self.src.len() || max < MIN_MATCH {
            return;
        }
        let mut best_len = better_than.max(MIN_MATCH - 1);
        if best_len >= max {
            return;
        }
        // The byte a longer match must have; `pos + max <= len`.
        let mut next = self.src.byte_in::<DICT>(pos.wrapping_add(best_len));
        let mut last_dist = 0;
        let mut left = depth.chain;
        while left > 0 {
            // `left > 0`: no wrap.
            left = left.wrapping_sub(1);
            // Positions are stored modulo 2^16; the distance recovers them.
            let dist = usize::from((pos as u16).wrapping_sub(cand16));
            if dist <= last_dist || dist > WINDOW_SIZE || dist > pos {
                break;
            }
            last_dist = dist;
            let cand = pos - dist;
            if self.src.byte_in::<DICT>(cand.wrapping_add(best_len)) == next {
                let len = self.src.match_len::<DICT>(cand, pos, max);
                if len > best_len {
                    found(len, dist);
                    best_len = len;
                    if len >= max {
                        break;
                    }
                    if len >= depth.good {
                        left = left.min(depth.after_good);
                    }
                    next = self.src.byte_in::<DICT>(pos.wrapping_add(best_len));
                }
            }
            // `cand` and `cand16` agree below bit 16, so in the slot: the
            // load need not wait for the subtraction that gives `cand`.
            cand16 = self.prev.get(usize::from(cand16) & WINDOW_MASK);
        }
    }

    /// The longest match at `pos` longer than `better_than`, as `(length,
    /// distance)`, or `(0, 0)`, trying at most `max_chain` candidates (a
    /// quarter once `better_than` is good); inserts `pos`.
    #[inline]
    pub(super) fn longest(
        &mut self,
        pos: usize,
        better_than: usize,
        max: usize,
        max_chain: usize,
    ) -> (usize, usize) {
        let chain = if better_than >= GOOD_MATCH {
            max_chain / 4
        } else {
            max_chain
        };
        let depth = Depth {
            chain,
            good: usize::MAX,
            after_good: 0,
        };
        let mut best = (0, 0);
        self.matches(pos, better_than, max, depth, |len, dist| best = (len, dist));
        best
    }
}

#[cfg(test)]
mod tests {
    use super::super::workspace::{Workspace, WORKSPACE_LEN};
    use super::*;
    use std::format;
    use std::vec;
    use std::vec::Vec;

    /// Text with repeats near and far, as a log has, a run longer than the
    /// longest match, and an end that repeats earlier text, so that matches
    /// stop at both limits.
    fn text() -> Vec<u8> {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut out = Vec::new();
        while out.len() < 9000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let line = format!(
                "[{:6}] dev {:x}: reg {:04x}\n",
                seed % 97,
                seed % 7,
                seed % 4099
            );
            out.extend_from_slice(line.as_bytes());
        }
        out.extend_from_slice(&[b'-'; 600]);
        let end = out[out.len() - 1200..out.len() - 700].to_vec();
        out.extend_from_slice(&end);
        out
    }

    /// The matches of every position as the walk of `DICT` finds them.
    fn all_matches<const DICT: bool>(src: &Source<'_>, depth: Depth) -> Vec<(usize, usize, usize)> {
        let mut bytes = vec![0u8; WORKSPACE_LEN];
        let work = Workspace::split(&mut bytes).unwrap();
        let mut chains = Chains {
            src,
            head: work.head,
            prev: work.prev,
        };
        let mut found = Vec::new();
        for pos in 0..src.len() {
            let max = (src.len() - pos).min(258);
            chains.walk::<DICT>(pos, 0, max, depth, |len, dist| found.push((pos, len, dist)));
        }
        found
    }

    #[test]
    fn the_walk_without_a_dictionary_finds_the_same_matches() {
        let input = text();
        let src = Source {
            dict: &[],
            input: &input,
        };
        for depth in [
            Depth {
                chain: 1024,
                good: 5,
                after_good: 64,
            },
            Depth {
                chain: 4,
                good: usize::MAX,
                after_good: 0,
            },
        ] {
            let general = all_matches::<true>(&src, depth);
            assert!(general.len() > input.len() / 4, "{}", general.len());
            assert_eq!(all_matches::<false>(&src, depth), general);
        }
    }
}
