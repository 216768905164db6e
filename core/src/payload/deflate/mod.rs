//! A zlib (RFC 1950) and deflate (RFC 1951) compressor for the panic path.
//!
//! It runs in a panic handler, so it never allocates and never panics: all of
//! its tables live in a caller-provided workspace of [`WORKSPACE_LEN`] bytes,
//! its stack frame is small, and a short output buffer is an error value.
//! The same input, dictionary and workspace length always give the same
//! output.
//!
//! The stream is what any inflater reads: a zlib header that declares a
//! 4 KiB window (window bits 12, as Linux's panic handler uses), deflate
//! blocks, and the Adler-32 of the input. A preset dictionary (zlib `FDICT`)
//! primes the window; the header then carries its Adler-32 (`DICTID`), and
//! the inflater must be given the same dictionary.
//!
//! # Method
//!
//! LZ77 with hash chains over the dictionary and the input (no copy: the
//! input slice is the window), parsed in pieces of up to [`BLOCK_LEN`] input
//! bytes. The first piece is parsed lazily (as zlib's `deflate_slow`), then
//! optimally twice, each time under the Huffman code lengths of the parse
//! before: the cheapest path through every literal and every match length at
//! its nearest distance. Later pieces are parsed optimally once, under the
//! code lengths so far. A block takes pieces while its symbols leave room
//! and one block codes them in fewer bits than two. Each block's code
//! lengths are the cheapest of a few variants (length limits, smoothed
//! counts), header included, and the block is written dynamic, fixed or
//! stored, whichever is the smallest.
//!
//! # Memory
//!
//! [`WORKSPACE_LEN`] is 29 679 bytes: 4 KiB of hash heads, 8 KiB of hash
//! chains, 12 KiB of symbols (three bytes per input byte of a piece, for
//! the path search), 1 KiB of path costs and 4 KiB of Huffman tables.
//! Linux's own zlib needs `zlib_deflate_workspacesize(12, 4)` = 30 536 bytes
//! on x86_64 for the same job (5 960 bytes of state, an 8 KiB window, an
//! 8 KiB `prev` table, a 4 KiB hash head and a 4 KiB symbol overlay), given
//! as [`LINUX_ZLIB_WORKSPACE_LEN`].

use crate::Error;

/// The base-2 logarithm of the window size, as in zlib's `windowBits`.
pub const WINDOW_BITS: u32 = 12;

/// The window size: the largest match distance, and the largest useful
/// dictionary.
pub const WINDOW_SIZE: usize = 1 << WINDOW_BITS;

/// Input bytes per deflate block. Each block is parsed for the fewest bits
/// under its own Huffman codes.
pub const BLOCK_LEN: usize = 4096;

/// The bytes Linux 6.12 allocates for the same job on x86_64:
/// `zlib_deflate_workspacesize(12, 4)`, for comparison.
pub const LINUX_ZLIB_WORKSPACE_LEN: usize = 30_536;

const HASH_BITS: u32 = 11;
const HASH_SIZE: usize = 1 << HASH_BITS;
const WINDOW_MASK: usize = WINDOW_SIZE - 1;
const MIN_MATCH: usize = 3;
const MAX_MATCH: usize = 258;

/// Candidates the lazy parse tries in a hash chain before giving up.
const MAX_CHAIN: usize = 1024;
/// A match this long ends the lazy search at once.
const NICE_MATCH: usize = 258;
/// Once a match this long is held, the lazy search tries a quarter of the chain.
const GOOD_MATCH: usize = 32;
/// Candidates the optimal parse tries in a hash chain.
const OPT_CHAIN: usize = 1024;
/// The optimal parse takes a match this long without looking inside it.
const LONG_MATCH: usize = 32;
/// Optimal parses of the first input, each with the costs of the parse
/// before.
const PASSES: usize = 2;
/// Optimal parses of later input, the first with the costs of the input
/// before.
const LATER_PASSES: usize = 1;
/// Cost units per bit.
const COST_SCALE: u16 = 16;
/// The cost, in bits, of a symbol the last parse did not use.
const UNUSED_COST: u16 = 16;
/// Slots in the ring of path costs: more than the longest step.
const RING: usize = MAX_MATCH + 2;

// Workspace regions, in bytes.
const HEAD_LEN: usize = 2 * HASH_SIZE; // u16 per hash bucket
const PREV_LEN: usize = 2 * WINDOW_SIZE; // u16 per window position
const SYMS_LEN: usize = 3 * BLOCK_LEN; // literal or length-3, then u16 distance
const RING_LEN: usize = 4 * RING; // u32 per slot
const LL_SYMS: usize = 288;
const D_SYMS: usize = 32;
const CL_SYMS: usize = 19;
const FREQ_LEN: usize = 2 * (LL_SYMS + D_SYMS); // u16 per symbol
const LENS_LEN: usize = LL_SYMS + D_SYMS; // u8 per symbol
const CODES_LEN: usize = 2 * (LL_SYMS + D_SYMS); // u16 per symbol
const SORT_LEN: usize = 4 * LL_SYMS + 2 * LL_SYMS; // u32 weights, u16 symbols
const CL_SEQ_LEN: usize = 2 * (LL_SYMS + D_SYMS); // (symbol, extra) per entry
const CL_LEN: usize = 2 * CL_SYMS + CL_SYMS + 2 * CL_SYMS; // freq, len, code

/// The workspace bytes [`compress`] needs: hash heads, hash chains, the
/// symbol buffer, the path costs and the Huffman tables. It is less than
/// [`LINUX_ZLIB_WORKSPACE_LEN`].
pub const WORKSPACE_LEN: usize = HEAD_LEN
    + PREV_LEN
    + SYMS_LEN
    + RING_LEN
    + FREQ_LEN
    + LENS_LEN
    + CODES_LEN
    + SORT_LEN
    + CL_SEQ_LEN
    + CL_LEN;

// The workspace stays smaller than what Linux's zlib takes for the job.
const _: () = assert!(WORKSPACE_LEN < LINUX_ZLIB_WORKSPACE_LEN);

/// Returns an upper bound on the compressed length of `input_len` bytes,
/// header, dictionary id and checksum included: every block is at worst
/// stored.
///
/// ```
/// assert!(panicqr::payload::deflate::max_compressed_len(0) >= 11);
/// ```
pub const fn max_compressed_len(input_len: usize) -> usize {
    // Each block holds at least one input byte per symbol, so there are at
    // most `input_len / BLOCK_LEN + 1` blocks, each stored in pieces
    // of up to 65 535 bytes with 5 bytes of overhead per piece.
    let blocks = input_len / BLOCK_LEN + 1;
    let pieces = blocks + input_len / 65_535 + 1;
    2 + 4 + input_len + 5 * pieces + 4
}

/// Returns the Adler-32 checksum of `data`, continuing from `adler` (start
/// with 1).
///
/// ```
/// assert_eq!(panicqr::payload::deflate::adler32(1, b"Wikipedia"), 0x11E6_0398);
/// ```
pub fn adler32(adler: u32, data: &[u8]) -> u32 {
    const MOD: u32 = 65_521;
    // 5552 is the most bytes that cannot overflow `b` before a reduction.
    let mut a = adler & 0xFFFF;
    let mut b = adler >> 16;
    for chunk in data.chunks(5552) {
        for &byte in chunk {
            a += u32::from(byte);
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

/// Compresses `input` into `output` as a zlib stream and returns its length.
///
/// With `dictionary`, the stream declares it (`FDICT`) and its last
/// [`WINDOW_SIZE`] bytes prime the window; an inflater needs the same bytes
/// (for example zlib's `inflateSetDictionary`).
///
/// `workspace` must hold at least [`WORKSPACE_LEN`] bytes; its contents
/// before the call do not matter and are garbage after it. `output` needs at
/// most [`max_compressed_len`] bytes. On error, `output` holds garbage.
///
/// # Errors
///
/// [`Error::BufferTooSmall`] if `workspace` is too short (`needed` is
/// [`WORKSPACE_LEN`]), or if `output` is (`needed` is the exact stream
/// length).
///
/// ```
/// use panicqr::payload::deflate::{compress, WORKSPACE_LEN};
/// let mut workspace = [0u8; WORKSPACE_LEN];
/// let mut output = [0u8; 64];
/// let n = compress(b"abcabcabcabc", None, &mut workspace, &mut output)?;
/// assert_eq!(&output[..2], &[0x48, 0x89]);
/// assert!(n < 20);
/// # Ok::<(), panicqr::Error>(())
/// ```
pub fn compress(
    input: &[u8],
    dictionary: Option<&[u8]>,
    workspace: &mut [u8],
    output: &mut [u8],
) -> Result<usize, Error> {
    let len = deflate(input, dictionary, workspace, output, usize::MAX)?;
    if len > output.len() {
        return Err(Error::BufferTooSmall { needed: len });
    }
    Ok(len)
}

/// Returns the length [`compress`] gives for these arguments, writing no
/// output.
///
/// # Errors
///
/// [`Error::BufferTooSmall`] if `workspace` is shorter than
/// [`WORKSPACE_LEN`].
pub fn compressed_len(
    input: &[u8],
    dictionary: Option<&[u8]>,
    workspace: &mut [u8],
) -> Result<usize, Error> {
    deflate(input, dictionary, workspace, &mut [], usize::MAX)
}

/// Compresses and returns the full stream length, writing only the bytes
/// that fit in `output`. Once the stream is longer than `limit` bytes, it
/// may stop at the end of a block and return a length that is more than
/// `limit` but less than the full one.
pub(crate) fn deflate(
    input: &[u8],
    dictionary: Option<&[u8]>,
    workspace: &mut [u8],
    output: &mut [u8],
    limit: usize,
) -> Result<usize, Error> {
    let mut work = Work::split(workspace).ok_or(Error::BufferTooSmall {
        needed: WORKSPACE_LEN,
    })?;
    let dict = match dictionary {
        Some(d) => d.get(d.len().saturating_sub(WINDOW_SIZE)..).unwrap_or(&[]),
        None => &[],
    };
    let mut out = BitWriter::new(output);

    // RFC 1950 header: CM = 8, CINFO = window bits - 8, FLEVEL = 2.
    let cmf: u32 = 8 | ((WINDOW_BITS - 8) << 4);
    let mut flg: u32 = 2 << 6;
    if dictionary.is_some() {
        flg |= 1 << 5;
    }
    flg |= 31 - ((cmf << 8) | flg) % 31;
    out.put_byte(cmf as u8);
    out.put_byte(flg as u8);
    if let Some(d) = dictionary {
        for byte in adler32(1, d).to_be_bytes() {
            out.put_byte(byte);
        }
    }

    let src = Source { dict, input };
    lz77(&src, &mut work, &mut out, limit);

    out.align();
    for byte in adler32(1, input).to_be_bytes() {
        out.put_byte(byte);
    }
    Ok(out.len)
}

// ---------------------------------------------------------------------------
// Workspace access
// ---------------------------------------------------------------------------

fn get16(table: &[u8], i: usize) -> u16 {
    match table.get(2 * i..2 * i + 2) {
        Some(&[lo, hi]) => u16::from_le_bytes([lo, hi]),
        _ => 0,
    }
}

fn set16(table: &mut [u8], i: usize, value: u16) {
    if let Some(slot) = table.get_mut(2 * i..2 * i + 2) {
        slot.copy_from_slice(&value.to_le_bytes());
    }
}

fn get32(table: &[u8], i: usize) -> u32 {
    match table.get(4 * i..4 * i + 4) {
        Some(&[a, b, c, d]) => u32::from_le_bytes([a, b, c, d]),
        _ => 0,
    }
}

fn set32(table: &mut [u8], i: usize, value: u32) {
    if let Some(slot) = table.get_mut(4 * i..4 * i + 4) {
        slot.copy_from_slice(&value.to_le_bytes());
    }
}

fn get8(table: &[u8], i: usize) -> u8 {
    table.get(i).copied().unwrap_or(0)
}

fn set8(table: &mut [u8], i: usize, value: u8) {
    if let Some(slot) = table.get_mut(i) {
        *slot = value;
    }
}

/// Cuts the first `N` bytes off `rest`. The tables are arrays, so every
/// split of them at a constant is in range by its type.
fn take<'a, const N: usize>(rest: &mut &'a mut [u8]) -> Option<&'a mut [u8; N]> {
    if rest.len() < N {
        return None;
    }
    let (head, tail) = core::mem::take(rest).split_at_mut(N);
    *rest = tail;
    head.try_into().ok()
}

/// The workspace, cut into its tables.
struct Work<'a> {
    /// Most recent position (as `u16`, wrapping) for each hash bucket.
    head: &'a mut [u8; HEAD_LEN],
    /// Previous position with the same hash, by position modulo the window.
    prev: &'a mut [u8; PREV_LEN],
    /// The block's symbols: `[literal, 0, 0]` or `[length - 3, distance]`.
    syms: &'a mut [u8; SYMS_LEN],
    /// Path costs (u32) of the optimal parse.
    ring: &'a mut [u8; RING_LEN],
    huff: Huffman<'a>,
}

/// Tables to build and write one block's Huffman codes.
struct Huffman<'a> {
    /// Literal/length frequencies (u16), then distance frequencies.
    freq: &'a mut [u8; FREQ_LEN],
    /// Code lengths: literal/length codes, then distance codes.
    lens: &'a mut [u8; LENS_LEN],
    /// Bit-reversed codes (u16), in the same order.
    codes: &'a mut [u8; CODES_LEN],
    /// Sort and tree scratch: u32 weights, then u16 symbols.
    sort: &'a mut [u8; SORT_LEN],
    /// Run-length coded code lengths: (symbol, extra bits value) pairs.
    cl_seq: &'a mut [u8; CL_SEQ_LEN],
    /// Code length code: frequencies (u16), lengths, codes (u16).
    cl: &'a mut [u8; CL_LEN],
}

impl<'a> Work<'a> {
    fn split(workspace: &'a mut [u8]) -> Option<Work<'a>> {
        let mut rest = workspace.get_mut(..WORKSPACE_LEN)?;
        let head = take::<HEAD_LEN>(&mut rest)?;
        let prev = take::<PREV_LEN>(&mut rest)?;
        let syms = take::<SYMS_LEN>(&mut rest)?;
        let ring = take::<RING_LEN>(&mut rest)?;
        let freq = take::<FREQ_LEN>(&mut rest)?;
        let lens = take::<LENS_LEN>(&mut rest)?;
        let codes = take::<CODES_LEN>(&mut rest)?;
        let sort = take::<SORT_LEN>(&mut rest)?;
        let cl_seq = take::<CL_SEQ_LEN>(&mut rest)?;
        let cl = take::<CL_LEN>(&mut rest)?;
        debug_assert!(rest.is_empty());
        head.fill(0);
        prev.fill(0);
        Some(Work {
            head,
            prev,
            syms,
            ring,
            huff: Huffman {
                freq,
                lens,
                codes,
                sort,
                cl_seq,
                cl,
            },
        })
    }
}

// ---------------------------------------------------------------------------
// Bit output
// ---------------------------------------------------------------------------

/// Writes bits least significant first. Bytes past the end of the buffer are
/// counted, not written, so the full length is known even when it overflows.
struct BitWriter<'a> {
    out: &'a mut [u8],
    len: usize,
    acc: u64,
    bits: u32,
}

impl<'a> BitWriter<'a> {
    fn new(out: &'a mut [u8]) -> Self {
        BitWriter {
            out,
            len: 0,
            acc: 0,
            bits: 0,
        }
    }

    fn put_byte(&mut self, byte: u8) {
        debug_assert_eq!(self.bits, 0);
        set8(self.out, self.len, byte);
        self.len += 1;
    }

    fn put(&mut self, value: u32, count: u32) {
        debug_assert!(count <= 24 && u64::from(value) >> count == 0);
        self.acc |= u64::from(value) << self.bits;
        self.bits += count;
        while self.bits >= 8 {
            set8(self.out, self.len, self.acc as u8);
            self.len += 1;
            self.acc >>= 8;
            self.bits -= 8;
        }
    }

    /// Pads with zero bits to a byte boundary.
    fn align(&mut self) {
        if self.bits > 0 {
            self.put(0, 8 - self.bits);
        }
    }

    /// Bits written so far.
    fn bit_len(&self) -> usize {
        self.len * 8 + self.bits as usize
    }
}

// ---------------------------------------------------------------------------
// LZ77
// ---------------------------------------------------------------------------

/// The dictionary followed by the input, as one sequence of positions.
struct Source<'a> {
    dict: &'a [u8],
    input: &'a [u8],
}

impl Source<'_> {
    fn len(&self) -> usize {
        self.dict.len() + self.input.len()
    }

    fn byte(&self, pos: usize) -> u8 {
        if pos < self.dict.len() {
            get8(self.dict, pos)
        } else {
            get8(self.input, pos - self.dict.len())
        }
    }

    /// Hash of the three bytes at `pos`; the caller ensures `pos + 3 <= len`.
    fn hash(&self, pos: usize) -> usize {
        let v = u32::from(self.byte(pos))
            | u32::from(self.byte(pos + 1)) << 8
            | u32::from(self.byte(pos + 2)) << 16;
        (v.wrapping_mul(0x9E37_79B1) >> (32 - HASH_BITS)) as usize
    }

    /// Length of the common prefix of the strings at `cand` and `pos`, at
    /// most `max`; `pos` is in the input and `cand < pos`.
    fn match_len(&self, cand: usize, pos: usize, max: usize) -> usize {
        let d = self.dict.len();
        let target = self
            .input
            .get(pos - d..)
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
        n + common(self.input, target.get(n..).unwrap_or(&[]))
    }
}

/// Length of the common prefix of `a` and `b`.
fn common(a: &[u8], b: &[u8]) -> usize {
    let mut n = 0;
    for (x, y) in a.chunks_exact(8).zip(b.chunks_exact(8)) {
        let x = u64::from_le_bytes(x.try_into().unwrap_or([0; 8]));
        let y = u64::from_le_bytes(y.try_into().unwrap_or([0; 8]));
        let diff = x ^ y;
        if diff != 0 {
            return n + (diff.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    let a = a.get(n..).unwrap_or(&[]);
    let b = b.get(n..).unwrap_or(&[]);
    n + a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// The hash chains: the most recent position of each hash, and for each
/// position the previous one with the same hash.
struct Chains<'s, 'w> {
    src: &'s Source<'s>,
    head: &'w mut [u8; HEAD_LEN],
    prev: &'w mut [u8; PREV_LEN],
}

impl Chains<'_, '_> {
    /// Forgets every position and adds the window before `start` again, so
    /// that a block can be parsed more than once.
    fn restart(&mut self, start: usize) {
        self.head.fill(0);
        for pos in start.saturating_sub(WINDOW_SIZE)..start {
            self.insert(pos);
        }
    }

    /// Adds the string at `pos` to its hash chain and returns the previous
    /// head of that chain (0 when the string is too short to hash).
    fn insert(&mut self, pos: usize) -> u16 {
        if pos + MIN_MATCH > self.src.len() {
            return 0;
        }
        let h = self.src.hash(pos);
        let old = get16(self.head, h);
        set16(self.prev, pos & WINDOW_MASK, old);
        set16(self.head, h, pos as u16);
        old
    }

    /// Inserts `pos` and calls `found(length, distance)` for each earlier
    /// string that matches longer than every nearer one and than
    /// `better_than`, nearest first, with lengths up to `max`. Tries at most
    /// `chain` candidates.
    fn matches(
        &mut self,
        pos: usize,
        better_than: usize,
        max: usize,
        chain: usize,
        mut found: impl FnMut(usize, usize),
    ) {
        let mut cand16 = self.insert(pos);
        if pos + MIN_MATCH > self.src.len() || max < MIN_MATCH {
            return;
        }
        let mut best_len = better_than.max(MIN_MATCH - 1);
        if best_len >= max {
            return;
        }
        // The byte a longer match must have; `pos + max <= len`.
        let mut next = self.src.byte(pos + best_len);
        let mut last_dist = 0;
        for _ in 0..chain {
            // Positions are stored modulo 2^16; the distance recovers them.
            let dist = usize::from((pos as u16).wrapping_sub(cand16));
            if dist <= last_dist || dist > WINDOW_SIZE || dist > pos {
                break;
            }
            last_dist = dist;
            let cand = pos - dist;
            if self.src.byte(cand + best_len) == next {
                let len = self.src.match_len(cand, pos, max);
                if len > best_len {
                    found(len, dist);
                    best_len = len;
                    if len >= max {
                        break;
                    }
                    next = self.src.byte(pos + best_len);
                }
            }
            cand16 = get16(self.prev, cand & WINDOW_MASK);
        }
    }

    /// The longest match at `pos` longer than `better_than`, as `(length,
    /// distance)`, or `(0, 0)`; inserts `pos`.
    fn longest(&mut self, pos: usize, better_than: usize, max: usize) -> (usize, usize) {
        let chain = if better_than >= GOOD_MATCH {
            MAX_CHAIN / 4
        } else {
            MAX_CHAIN
        };
        let mut best = (0, 0);
        self.matches(pos, better_than, max, chain, |len, dist| best = (len, dist));
        best
    }
}

/// Stores symbol `i` of the block: `[literal, 0, 0]` or `[length - 3,
/// distance]`.
fn put_symbol(syms: &mut [u8], i: usize, a: u8, dist: u16) {
    set8(syms, 3 * i, a);
    set16(syms.get_mut(3 * i + 1..).unwrap_or(&mut []), 0, dist);
}

/// Input bytes a symbol covers.
fn symbol_len(a: u8, dist: u16) -> usize {
    if dist == 0 {
        1
    } else {
        usize::from(a) + MIN_MATCH
    }
}

/// Parses `src[start..end]` with lazy evaluation, as zlib's `deflate_slow`,
/// into the symbols from `syms[base]` on, and returns how many there are.
/// Matches stay inside the range.
fn lazy_parse(
    src: &Source<'_>,
    work: &mut Work<'_>,
    base: usize,
    start: usize,
    end: usize,
) -> usize {
    let mut chains = Chains {
        src,
        head: work.head,
        prev: work.prev,
    };
    chains.restart(start);
    let syms = work.syms.get_mut(3 * base..).unwrap_or(&mut []);
    let mut nsyms = 0;
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
            chains.longest(pos, prev_len, max)
        };
        if pending && prev_len >= MIN_MATCH && len <= prev_len {
            // The match at `pos - 1` wins: emit it and skip over it.
            put_symbol(syms, nsyms, (prev_len - MIN_MATCH) as u8, prev_dist as u16);
            nsyms += 1;
            let match_end = pos - 1 + prev_len;
            for q in pos + 1..match_end {
                chains.insert(q);
            }
            pos = match_end;
            pending = false;
            prev_len = 0;
            continue;
        }
        if pending {
            put_symbol(syms, nsyms, src.byte(pos - 1), 0);
            nsyms += 1;
        }
        pending = true;
        prev_len = len;
        prev_dist = dist;
        pos += 1;
    }
    if pending {
        if prev_len >= MIN_MATCH {
            put_symbol(syms, nsyms, (prev_len - MIN_MATCH) as u8, prev_dist as u16);
        } else {
            put_symbol(syms, nsyms, src.byte(end - 1), 0);
        }
        nsyms += 1;
    }
    nsyms
}

/// Sets the symbol costs (in 1/16 bits, in `huff.codes`) from the code
/// lengths the block's symbols would get.
fn set_costs(work: &mut Work<'_>, nsyms: usize) {
    count_symbols(work, 0, nsyms);
    let h = &mut work.huff;
    let (ll_freq, d_freq) = h.freq.split_at_mut(2 * LL_SYMS);
    let (ll_lens, d_lens) = h.lens.split_at_mut(LL_SYMS);
    build_lengths(ll_freq, 286, ll_lens, 15, h.sort);
    build_lengths(d_freq, 30, d_lens, 15, h.sort);
    lens_to_costs(work);
}

/// Sets the symbol costs (in 1/16 bits, in `huff.codes`) from the code
/// lengths in `huff.lens`.
fn lens_to_costs(work: &mut Work<'_>) {
    let h = &mut work.huff;
    for s in 0..LL_SYMS + D_SYMS {
        let len = u16::from(get8(h.lens, s));
        let cost = if len == 0 { UNUSED_COST } else { len };
        set16(h.codes, s, cost * COST_SCALE);
    }
}

/// Parses `src[start..end]` by the cheapest path under the costs in
/// `huff.codes` (literals, and every match length at the nearest distance
/// that reaches it) into the symbols from `syms[base]` on, and returns how
/// many there are. `base + end - start` must be at most [`BLOCK_LEN`].
fn optimal_parse(
    src: &Source<'_>,
    work: &mut Work<'_>,
    base: usize,
    start: usize,
    end: usize,
) -> usize {
    let mut chains = Chains {
        src,
        head: work.head,
        prev: work.prev,
    };
    chains.restart(start);
    let costs = &*work.huff.codes;
    // The cost of each match length, `length - 3`, in the sort scratch.
    let len_costs = &mut *work.huff.sort;
    for l in 0..=MAX_MATCH - MIN_MATCH {
        let lc = length_code(l as u8);
        let cost = get16(costs, 257 + lc)
            + u16::from(LENGTH_EXTRA.get(lc).copied().unwrap_or(0)) * COST_SCALE;
        set16(len_costs, l, cost);
    }
    let len_costs = &*len_costs;
    let ring = &mut *work.ring;
    let syms = work.syms.get_mut(3 * base..).unwrap_or(&mut []);
    let n = end - start;
    debug_assert!(3 * n <= syms.len());
    // `ring[k % RING]` is the cheapest known cost of coding the first `k`
    // bytes, for `k` from the current position to one step ahead; the
    // symbol that reaches `k` that way is `syms[k - 1]`.
    ring.fill(0xFF);
    set32(ring, 0, 0);
    let mut j = 0;
    while j < n {
        let pos = start + j;
        let here = get32(ring, j % RING);
        set32(ring, j % RING, u32::MAX);
        let mut relax = |k: usize, cost: u32, a: u8, dist: u16| {
            if cost < get32(ring, k % RING) {
                set32(ring, k % RING, cost);
                put_symbol(syms, k - 1, a, dist);
            }
        };
        let byte = src.byte(pos);
        relax(
            j + 1,
            here + u32::from(get16(costs, usize::from(byte))),
            byte,
            0,
        );
        let max = (n - j).min(MAX_MATCH);
        let mut longest = MIN_MATCH - 1;
        chains.matches(pos, 0, max, OPT_CHAIN, |len, dist| {
            let dc = dist_code(dist as u16);
            let dist_cost = u32::from(get16(costs, LL_SYMS + dc))
                + u32::from(DIST_EXTRA.get(dc).copied().unwrap_or(0)) * u32::from(COST_SCALE);
            for l in longest + 1..=len {
                let len_cost = u32::from(get16(len_costs, l - MIN_MATCH));
                relax(
                    j + l,
                    here + len_cost + dist_cost,
                    (l - MIN_MATCH) as u8,
                    dist as u16,
                );
            }
            longest = len;
        });
        if longest >= LONG_MATCH {
            // Take a long match as it is: the positions inside it are only
            // added to the chains.
            for k in j + 1..j + longest {
                chains.insert(start + k);
                set32(ring, k % RING, u32::MAX);
            }
            j += longest;
        } else {
            j += 1;
        }
    }
    follow_path(syms, n)
}

/// Turns the back pointers of [`optimal_parse`] (`syms[k - 1]` reaches `k`)
/// into the path's symbols in order, from `syms[0]`, and returns how many
/// there are.
fn follow_path(syms: &mut [u8], n: usize) -> usize {
    if n == 0 {
        return 0;
    }
    // First move each symbol of the path to the slot of its start: the
    // slots read later are all before the slot written.
    let mut k = n;
    let (mut a, mut dist) = symbol_at(syms, k - 1);
    loop {
        let from = k.saturating_sub(symbol_len(a, dist));
        let next = if from > 0 {
            symbol_at(syms, from - 1)
        } else {
            (0, 0)
        };
        put_symbol(syms, from, a, dist);
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
        let (a, dist) = symbol_at(syms, k);
        put_symbol(syms, count, a, dist);
        count += 1;
        k += symbol_len(a, dist);
    }
    count
}

/// Parses `src[start..end]` into the symbols from `syms[base]` on and
/// returns how many there are: a lazy parse gives the first costs, then
/// each optimal parse the costs of the next, counting the block's earlier
/// symbols too.
///
/// Out of line: inlined into [`lz77`], the lazy parse's state would sit in
/// the frame under which every block is coded, the deepest path of
/// compression.
#[inline(never)]
fn parse(
    src: &Source<'_>,
    work: &mut Work<'_>,
    base: usize,
    start: usize,
    end: usize,
    first: bool,
) -> usize {
    let mut passes = PASSES;
    if first {
        let n = lazy_parse(src, work, base, start, end);
        set_costs(work, base + n);
    } else if base > 0 {
        set_costs(work, base);
        passes = LATER_PASSES;
    } else {
        // The code lengths of the block just written.
        lens_to_costs(work);
        passes = LATER_PASSES;
    }
    let mut n = optimal_parse(src, work, base, start, end);
    for _ in 1..passes {
        set_costs(work, base + n);
        n = optimal_parse(src, work, base, start, end);
    }
    n
}

/// Parses the input and writes the blocks. A block takes input while its
/// symbols leave room for a quarter block more and one block codes them in
/// fewer bits than two. Stops early once the output is past `limit` bytes.
fn lz77(src: &Source<'_>, work: &mut Work<'_>, out: &mut BitWriter<'_>, limit: usize) {
    let total = src.len();
    let d = src.dict.len();
    // The current block: its first source position and symbols so far.
    let mut block_start = d;
    let mut base = 0;
    let mut start = d;
    loop {
        let end = (start + BLOCK_LEN - base).min(total);
        let n = parse(src, work, base, start, end, start == d);
        let mut nsyms = base + n;
        if base > 0 {
            let one = block_bits(work, 0, nsyms);
            let two = block_bits(work, 0, base) + block_bits(work, base, nsyms);
            if two < one {
                let raw = src.input.get(block_start - d..start - d).unwrap_or(&[]);
                write_block(work, 0, base, raw, false, out);
                for i in 0..n {
                    let (a, dist) = symbol_at(work.syms, base + i);
                    put_symbol(work.syms, i, a, dist);
                }
                nsyms = n;
                block_start = start;
            }
        }
        let last = end == total;
        if last || BLOCK_LEN - nsyms < BLOCK_LEN / 4 {
            let raw = src.input.get(block_start - d..end - d).unwrap_or(&[]);
            write_block(work, 0, nsyms, raw, last, out);
            if last || out.len > limit {
                break;
            }
            block_start = end;
            base = 0;
        } else {
            base = nsyms;
        }
        start = end;
    }
}

// ---------------------------------------------------------------------------
// Deflate symbols
// ---------------------------------------------------------------------------

/// Base length of each length code 257..=285.
const LENGTH_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
/// Extra bits of each length code 257..=285.
const LENGTH_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
/// Base distance of each distance code 0..=29.
const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
/// Extra bits of each distance code 0..=29.
const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];
/// The order code length code lengths are sent in.
const CL_ORDER: [u8; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

/// Length code index (0..=28) for each `length - 3`.
const LENGTH_CODE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut code = 0;
    while code < 29 {
        let mut len = LENGTH_BASE[code] as usize;
        let end = if code == 28 {
            259
        } else {
            LENGTH_BASE[code + 1] as usize
        };
        while len < end {
            table[len - 3] = code as u8;
            len += 1;
        }
        code += 1;
    }
    // Length 258 has its own code, 285, not 284 + 31.
    table[255] = 28;
    table
};

fn length_code(len_minus_3: u8) -> usize {
    usize::from(LENGTH_CODE[usize::from(len_minus_3)])
}

/// Distance code (0..=29) of a distance (1..=32 768).
fn dist_code(dist: u16) -> usize {
    if dist <= 4 {
        return usize::from(dist.saturating_sub(1));
    }
    // Two codes per power of two: the bit below the top one of `dist - 1`
    // picks between them.
    let d = u32::from(dist - 1);
    let top = 31 - d.leading_zeros();
    ((2 * top + ((d >> (top - 1)) & 1)) as usize).min(DIST_BASE.len() - 1)
}

fn symbol_at(syms: &[u8], i: usize) -> (u8, u16) {
    let a = get8(syms, 3 * i);
    let dist = get16(syms.get(3 * i + 1..).unwrap_or(&[]), 0);
    (a, dist)
}

// ---------------------------------------------------------------------------
// Huffman codes
// ---------------------------------------------------------------------------

/// Computes code lengths, at most `limit`, for the `n` symbols whose
/// frequencies (u16) are in `freq`, into `lens`. At least two symbols get a
/// code, so the code is always complete.
fn build_lengths(freq: &[u8], n: usize, lens: &mut [u8], limit: u32, sort: &mut [u8; SORT_LEN]) {
    let (weights, symbols) = sort.split_at_mut(4 * LL_SYMS);
    debug_assert!(n <= LL_SYMS);
    // Collect used symbols, sorted by (frequency, symbol).
    let mut used = 0;
    for s in 0..n {
        set8(lens, s, 0);
        let f = get16(freq, s);
        if f > 0 {
            set32(weights, used, u32::from(f) << 16 | s as u32);
            used += 1;
        }
    }
    let mut s = 0;
    while used < 2 && s < n {
        if get16(freq, s) == 0 {
            set32(weights, used, 1 << 16 | s as u32);
            used += 1;
        }
        s += 1;
    }
    for i in 1..used {
        let item = get32(weights, i);
        let mut j = i;
        while j > 0 && get32(weights, j - 1) > item {
            set32(weights, j, get32(weights, j - 1));
            j -= 1;
        }
        set32(weights, j, item);
    }
    for i in 0..used {
        let item = get32(weights, i);
        set16(symbols, i, item as u16);
        set32(weights, i, item >> 16);
    }
    if used < 2 {
        // Fewer than two symbols in the alphabet: only for `n` < 2.
        for i in 0..used {
            set8(lens, usize::from(get16(symbols, i)), 1);
        }
        return;
    }

    // In-place minimum-redundancy code lengths (Moffat and Katajainen):
    // first the tree as parent pointers, then depths.
    let a = weights;
    let mut leaf = 0;
    let mut root = 0;
    for next in 0..used - 1 {
        for child in 0..2 {
            let take_root = leaf >= used || (root < next && get32(a, root) < get32(a, leaf));
            let w = if take_root {
                let w = get32(a, root);
                set32(a, root, next as u32);
                root += 1;
                w
            } else {
                let w = get32(a, leaf);
                leaf += 1;
                w
            };
            let sum = if child == 0 { w } else { get32(a, next) + w };
            set32(a, next, sum);
        }
    }
    set32(a, used - 2, 0);
    for next in (0..used - 2).rev() {
        let parent = get32(a, next) as usize;
        set32(a, next, get32(a, parent) + 1);
    }
    let mut avail = 1usize;
    let mut depth = 0u32;
    let mut root = used - 1; // one past the next internal node, counting down
    let mut next = used; // one past the next leaf, counting down
    while avail > 0 {
        let mut internal = 0;
        while root > 0 && get32(a, root - 1) == depth {
            internal += 1;
            root -= 1;
        }
        while avail > internal && next > 0 {
            set32(a, next - 1, depth);
            next -= 1;
            avail -= 1;
        }
        avail = 2 * internal;
        depth += 1;
    }

    // Limit the lengths, keeping the Kraft sum at one: `limit` is raised
    // to what `used` symbols need, so the code is always complete.
    let mut limit = limit.clamp(1, 15);
    while (1usize << limit) < used && limit < 15 {
        limit += 1;
    }
    let mut count = [0u16; 16];
    for i in 0..used {
        let len = get32(a, i).clamp(1, limit) as usize;
        if let Some(c) = count.get_mut(len) {
            *c += 1;
        }
    }
    let mut kraft: u32 = 0;
    for (len, &c) in count.iter().enumerate().skip(1).take(limit as usize) {
        kraft += u32::from(c) << (limit as usize - len);
    }
    while kraft > 1 << limit {
        if let Some(c) = count.get_mut(limit as usize) {
            *c -= 1;
        }
        let mut len = limit as usize - 1;
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
            *c += 2;
        }
        kraft -= 1;
    }
    // The most frequent symbols (at the end) get the shortest codes.
    let mut i = used;
    for (len, &c) in count.iter().enumerate().skip(1) {
        for _ in 0..c {
            if i == 0 {
                break;
            }
            i -= 1;
            set8(lens, usize::from(get16(symbols, i)), len as u8);
        }
    }
}

/// Assigns canonical, bit-reversed codes to `lens[..n]`, into `codes`.
fn assign_codes(lens: &[u8], n: usize, codes: &mut [u8]) {
    let mut count = [0u16; 16];
    for s in 0..n {
        if let Some(c) = count.get_mut(usize::from(get8(lens, s))) {
            *c += 1;
        }
    }
    count[0] = 0;
    let mut next = [0u16; 16];
    let mut code = 0u16;
    for len in 1..16 {
        code = (code + count[len - 1]) << 1;
        next[len] = code;
    }
    for s in 0..n {
        let len = usize::from(get8(lens, s));
        if len > 0 && len < 16 {
            let c = next[len];
            next[len] = c.wrapping_add(1);
            set16(codes, s, c.reverse_bits() >> (16 - len));
        } else {
            set16(codes, s, 0);
        }
    }
}

/// Bits of the block's symbols with these code lengths, extra bits included.
///
/// Out of line: inlined, its loads are hoisted out of [`code_block`]'s loop
/// and spilled, hundreds of bytes of frame above the code length builders.
#[inline(never)]
fn data_bits(freq: &[u8], ll_lens: &[u8], d_lens: &[u8]) -> usize {
    let mut bits = 0;
    for s in 0..286 {
        let f = usize::from(get16(freq, s));
        let extra = if s >= 257 {
            usize::from(LENGTH_EXTRA.get(s - 257).copied().unwrap_or(0))
        } else {
            0
        };
        bits += f * (usize::from(get8(ll_lens, s)) + extra);
    }
    for (s, &extra) in DIST_EXTRA.iter().enumerate() {
        let f = usize::from(get16(freq, LL_SYMS + s));
        bits += f * (usize::from(get8(d_lens, s)) + usize::from(extra));
    }
    bits
}

fn fixed_lens(lens: &mut [u8]) {
    for s in 0..LL_SYMS {
        let len = match s {
            0..=143 => 8,
            144..=255 => 9,
            256..=279 => 7,
            _ => 8,
        };
        set8(lens, s, len);
    }
    for s in 0..D_SYMS {
        set8(lens, LL_SYMS + s, 5);
    }
}

/// Run-length codes the literal/length and distance code lengths into
/// `cl_seq` and returns (entries, HLIT, HDIST). Bits 0, 1 and 2 of `rle`
/// allow the repeat codes 16, 17 and 18.
fn rle_lengths(h: &mut Huffman<'_>, rle: u8) -> (usize, usize, usize) {
    let mut hlit = 286;
    while hlit > 257 && get8(h.lens, hlit - 1) == 0 {
        hlit -= 1;
    }
    let mut hdist = 30;
    while hdist > 1 && get8(h.lens, LL_SYMS + hdist - 1) == 0 {
        hdist -= 1;
    }
    let total = hlit + hdist;
    let len_at = |lens: &[u8], i: usize| {
        if i < hlit {
            get8(lens, i)
        } else {
            get8(lens, LL_SYMS + i - hlit)
        }
    };
    let mut entries = 0;
    let mut push = |seq: &mut [u8], sym: u8, extra: u8| {
        set8(seq, 2 * entries, sym);
        set8(seq, 2 * entries + 1, extra);
        entries += 1;
    };
    let (use16, use17, use18) = (rle & 1 != 0, rle & 2 != 0, rle & 4 != 0);
    let mut i = 0;
    while i < total {
        let len = len_at(h.lens, i);
        let mut run = 1;
        while i + run < total && len_at(h.lens, i + run) == len && run < 138 {
            run += 1;
        }
        i += run;
        if len == 0 {
            while run >= 3 {
                if use18 && run >= 11 {
                    push(h.cl_seq, 18, (run - 11) as u8);
                    run = 0;
                } else if use17 {
                    let k = run.min(10);
                    push(h.cl_seq, 17, (k - 3) as u8);
                    run -= k;
                } else {
                    break;
                }
            }
        }
        if run == 0 {
            continue;
        }
        push(h.cl_seq, len, 0);
        run -= 1;
        while use16 && run >= 3 {
            let k = run.min(6);
            push(h.cl_seq, 16, (k - 3) as u8);
            run -= k;
        }
        for _ in 0..run {
            push(h.cl_seq, len, 0);
        }
    }
    (entries, hlit, hdist)
}

/// Builds the code length code for `cl_seq` and returns (HCLEN, header bits).
fn code_length_code(h: &mut Huffman<'_>, entries: usize) -> (usize, usize) {
    let (freq, rest) = h.cl.split_at_mut(2 * CL_SYMS);
    let (lens, codes) = rest.split_at_mut(CL_SYMS);
    freq.fill(0);
    for e in 0..entries {
        let sym = usize::from(get8(h.cl_seq, 2 * e));
        set16(freq, sym, get16(freq, sym) + 1);
    }
    build_lengths(freq, CL_SYMS, lens, 7, h.sort);
    assign_codes(lens, CL_SYMS, codes);
    let mut hclen = 19;
    while hclen > 4 && get8(lens, usize::from(CL_ORDER[hclen - 1])) == 0 {
        hclen -= 1;
    }
    let mut bits = 5 + 5 + 4 + 3 * hclen;
    for (sym, extra) in [(16, 2), (17, 3), (18, 7)]
        .into_iter()
        .chain((0..16).map(|s| (s, 0)))
    {
        bits += usize::from(get16(freq, sym)) * (usize::from(get8(lens, sym)) + extra);
    }
    (hclen, bits)
}

/// Code lengths tried for each block: the length limit of the
/// literal/length code and of the distance code, and whether the counts are
/// first smoothed. Shorter limits and smoothed counts give runs of equal
/// lengths, which cost less in the header than they add to the data.
const CODE_VARIANTS: [(u32, u32, bool); 6] = [
    (15, 15, false),
    (15, 15, true),
    (10, 8, false),
    (10, 8, true),
    (8, 6, false),
    (8, 6, true),
];

/// Builds the code lengths of `huff.freq` into `huff.lens`, as `variant`
/// of [`CODE_VARIANTS`] says; smoothed counts go through `huff.codes`.
fn code_lengths(h: &mut Huffman<'_>, variant: (u32, u32, bool)) {
    let (ll_limit, d_limit, smooth) = variant;
    if smooth {
        smooth_counts(h.freq, h.codes, 0, 286);
        smooth_counts(h.freq, h.codes, LL_SYMS, LL_SYMS + 30);
    }
    let counts: &[u8] = if smooth { h.codes } else { h.freq };
    let (ll_freq, d_freq) = counts.split_at(2 * LL_SYMS);
    let (ll_lens, d_lens) = h.lens.split_at_mut(LL_SYMS);
    build_lengths(ll_freq, 286, ll_lens, ll_limit, h.sort);
    set8(ll_lens, 286, 0);
    set8(ll_lens, 287, 0);
    build_lengths(d_freq, 30, d_lens, d_limit, h.sort);
    set8(d_lens, 30, 0);
    set8(d_lens, 31, 0);
}

/// Copies the counts `freq[from..to]` (u16) to `out`, with each stretch of
/// four or more neighbouring non-zero counts close to their mean replaced
/// by that mean, so that they get equal code lengths.
fn smooth_counts(freq: &[u8], out: &mut [u8], from: usize, to: usize) {
    let mut i = from;
    while i < to {
        let first = u32::from(get16(freq, i));
        let mut sum = first;
        let mut j = i + 1;
        if first > 0 {
            while j < to {
                let f = u32::from(get16(freq, j));
                let mean = sum.checked_div((j - i) as u32).unwrap_or(0);
                if f == 0 || f.abs_diff(mean) > (mean / 3).max(2) {
                    break;
                }
                sum += f;
                j += 1;
            }
        }
        let run = (j - i) as u32;
        for k in i..j {
            let f = if run >= 4 {
                (sum + run / 2).checked_div(run).unwrap_or(0).max(1) as u16
            } else {
                get16(freq, k)
            };
            set16(out, k, f);
        }
        i = j;
    }
}

/// Counts the symbols `syms[from..to]`, and an end of block, into
/// `huff.freq`.
fn count_symbols(work: &mut Work<'_>, from: usize, to: usize) {
    let freq = &mut *work.huff.freq;
    freq.fill(0);
    for i in from..to {
        let (a, dist) = symbol_at(work.syms, i);
        let (ll, d) = if dist == 0 {
            (usize::from(a), None)
        } else {
            (257 + length_code(a), Some(dist_code(dist)))
        };
        let f = get16(freq, ll);
        set16(freq, ll, f.saturating_add(1));
        if let Some(d) = d {
            let f = get16(freq, LL_SYMS + d);
            set16(freq, LL_SYMS + d, f.saturating_add(1));
        }
    }
    set16(freq, 256, 1);
}

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
fn code_block(work: &mut Work<'_>, from: usize, to: usize, thorough: bool) -> Coded {
    count_symbols(work, from, to);
    let h = &mut work.huff;
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
        let (ll_lens, d_lens) = h.lens.split_at(LL_SYMS);
        let bits = header_bits + data_bits(h.freq, ll_lens, d_lens);
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
    let (ll_lens, d_lens) = h.lens.split_at(LL_SYMS);
    let dynamic = 3 + header_bits + data_bits(h.freq, ll_lens, d_lens);

    Coded {
        dynamic,
        fixed: fixed_bits(h.freq),
        entries,
        hlit,
        hdist,
        hclen,
    }
}

/// Bits of the block's symbols with the fixed codes, block header included.
#[inline(never)]
fn fixed_bits(freq: &[u8]) -> usize {
    let mut bits = 3;
    for s in 0..286 {
        let f = usize::from(get16(freq, s));
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
        bits += usize::from(get16(freq, LL_SYMS + s)) * (5 + usize::from(extra));
    }
    bits
}

/// Bits of the symbols `syms[from..to]` as one block with Huffman codes.
fn block_bits(work: &mut Work<'_>, from: usize, to: usize) -> usize {
    let coded = code_block(work, from, to, false);
    coded.dynamic.min(coded.fixed)
}

/// Chooses the smallest block type for the symbols `syms[from..to]`, which
/// code `raw`, and writes the block.
fn write_block(
    work: &mut Work<'_>,
    from: usize,
    to: usize,
    raw: &[u8],
    last: bool,
    out: &mut BitWriter<'_>,
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
        fixed_lens(h.lens);
    } else {
        out.put(final_bit | 2 << 1, 3);
        out.put((hlit - 257) as u32, 5);
        out.put((hdist - 1) as u32, 5);
        out.put((hclen - 4) as u32, 4);
        let (_, rest) = h.cl.split_at(2 * CL_SYMS);
        let (cl_lens, cl_codes) = rest.split_at(CL_SYMS);
        for &sym in CL_ORDER.iter().take(hclen) {
            out.put(u32::from(get8(cl_lens, usize::from(sym))), 3);
        }
        for e in 0..entries {
            let sym = usize::from(get8(h.cl_seq, 2 * e));
            let extra = u32::from(get8(h.cl_seq, 2 * e + 1));
            out.put(
                u32::from(get16(cl_codes, sym)),
                u32::from(get8(cl_lens, sym)),
            );
            match sym {
                16 => out.put(extra, 2),
                17 => out.put(extra, 3),
                18 => out.put(extra, 7),
                _ => {}
            }
        }
    }
    let (ll_lens, d_lens) = h.lens.split_at(LL_SYMS);
    let (ll_codes, d_codes) = h.codes.split_at_mut(2 * LL_SYMS);
    assign_codes(ll_lens, LL_SYMS, ll_codes);
    assign_codes(d_lens, D_SYMS, d_codes);
    for i in from..to {
        let (a, dist) = symbol_at(work.syms, i);
        if dist == 0 {
            let s = usize::from(a);
            out.put(u32::from(get16(ll_codes, s)), u32::from(get8(ll_lens, s)));
        } else {
            let lc = length_code(a);
            let s = 257 + lc;
            out.put(u32::from(get16(ll_codes, s)), u32::from(get8(ll_lens, s)));
            let extra = u32::from(LENGTH_EXTRA[lc]);
            if extra > 0 {
                let value = u32::from(a) + 3 - u32::from(LENGTH_BASE[lc]);
                out.put(value, extra);
            }
            let dc = dist_code(dist);
            out.put(u32::from(get16(d_codes, dc)), u32::from(get8(d_lens, dc)));
            let extra = u32::from(DIST_EXTRA[dc]);
            if extra > 0 {
                out.put(u32::from(dist - DIST_BASE[dc]), extra);
            }
        }
    }
    out.put(
        u32::from(get16(ll_codes, 256)),
        u32::from(get8(ll_lens, 256)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::format;
    use std::vec;
    use std::vec::Vec;

    /// Inflates a stream without a dictionary and checks its header and
    /// checksum. Streams with a dictionary are checked in
    /// `tests/payload_deflate.rs`.
    fn inflate(stream: &[u8]) -> Vec<u8> {
        assert_eq!(stream[0], 0x48);
        assert_eq!((u32::from(stream[0]) << 8 | u32::from(stream[1])) % 31, 0);
        let out = miniz_oxide::inflate::decompress_to_vec_zlib(stream).expect("valid zlib");
        let adler = u32::from_be_bytes(stream[stream.len() - 4..].try_into().unwrap());
        assert_eq!(adler, adler32(1, &out));
        out
    }

    fn round_trip(input: &[u8]) -> usize {
        let mut ws = vec![0u8; WORKSPACE_LEN];
        let mut out = vec![0u8; max_compressed_len(input.len())];
        let n = compress(input, None, &mut ws, &mut out).unwrap();
        assert_eq!(compressed_len(input, None, &mut ws).unwrap(), n);
        assert_eq!(inflate(&out[..n]), input);
        n
    }

    fn xorshift(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    #[test]
    fn adler32_known_values() {
        assert_eq!(adler32(1, b""), 1);
        assert_eq!(adler32(1, b"abc"), 0x024D_0127);
        let long = vec![0xFFu8; crate::test_size(100_000, 20_000)];
        let split = adler32(adler32(1, &long[..12_345]), &long[12_345..]);
        assert_eq!(split, adler32(1, &long));
    }

    #[test]
    fn edge_cases_round_trip() {
        round_trip(b"");
        round_trip(b"a");
        round_trip(b"ab");
        round_trip(b"abc");
        let n = round_trip(&vec![b'x'; crate::test_size(100_000, 600)]);
        assert!(n < 400, "{n}");
        let mut state = 1;
        let random: Vec<u8> = (0..crate::test_size(20_000, 256))
            .map(|_| xorshift(&mut state) as u8)
            .collect();
        let n = round_trip(&random);
        assert!(n <= max_compressed_len(random.len()));
        assert!(n < random.len() + 64, "stored fallback: {n}");
    }

    #[test]
    #[cfg_attr(
        miri,
        ignore = "sliding past the 4 KiB window takes tens of minutes of chain walks under Miri"
    )]
    fn text_beyond_window_round_trips() {
        let mut text = Vec::new();
        let mut state = 7;
        for i in 0..3000 {
            let word = xorshift(&mut state) % 50;
            text.extend_from_slice(format!("[{i:6}] word{word} value={}\n", word * 3).as_bytes());
        }
        assert!(text.len() > 10 * WINDOW_SIZE);
        let n = round_trip(&text);
        assert!(n < text.len() / 3);
    }

    #[test]
    fn short_buffers_are_errors() {
        let mut ws = vec![0u8; WORKSPACE_LEN];
        let mut out = [0u8; 8];
        let input = b"0123456789abcdefghijklmnopqrstuvwxyz";
        let needed = compressed_len(input, None, &mut ws).unwrap();
        assert_eq!(
            compress(input, None, &mut ws, &mut out),
            Err(Error::BufferTooSmall { needed })
        );
        let mut small = vec![0u8; WORKSPACE_LEN - 1];
        assert_eq!(
            compress(input, None, &mut small, &mut [0u8; 100]),
            Err(Error::BufferTooSmall {
                needed: WORKSPACE_LEN
            })
        );
    }

    #[test]
    fn dictionary_sets_fdict_and_dictid() {
        let mut ws = vec![0u8; WORKSPACE_LEN];
        let mut out = [0u8; 256];
        let dict = b"Call Trace:\n Modules linked in:";
        let n = compress(b"Call Trace:\n", Some(dict), &mut ws, &mut out).unwrap();
        assert_eq!(out[0], 0x48);
        assert_ne!(out[1] & 0x20, 0);
        assert_eq!((u16::from(out[0]) << 8 | u16::from(out[1])) % 31, 0);
        assert_eq!(out[2..6], adler32(1, dict).to_be_bytes());
        let plain = compressed_len(b"Call Trace:\n", None, &mut ws).unwrap();
        assert!(n < plain + 4, "{n} vs {plain}");
    }

    #[test]
    fn workspace_len_is_documented() {
        assert_eq!(WORKSPACE_LEN, 29_679, "update the module documentation");
    }

    #[test]
    fn dist_code_matches_the_table() {
        for dist in 1..=32_768u32 {
            let code = dist_code(dist as u16);
            let base = u32::from(DIST_BASE[code]);
            let extra = u32::from(DIST_EXTRA[code]);
            assert!(base <= dist && dist < base + (1 << extra), "{dist}");
        }
    }

    #[test]
    fn huffman_lengths_respect_limit_and_kraft() {
        let mut sort = [0u8; SORT_LEN];
        let mut freq = vec![0u8; 2 * LL_SYMS];
        let mut lens = vec![0u8; LL_SYMS];
        // Fibonacci frequencies give the deepest trees.
        let (mut a, mut b) = (1u16, 1u16);
        for s in 0..24 {
            set16(&mut freq, s, a);
            let c = a.saturating_add(b);
            a = b;
            b = c;
        }
        for limit in [7, 9, 15] {
            build_lengths(&freq, 286, &mut lens, limit, &mut sort);
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
            set16(&mut freq, s, 1 + (s % 7) as u16);
        }
        build_lengths(&freq, 286, &mut lens, 8, &mut sort);
        let kraft: f64 = lens
            .iter()
            .filter(|&&l| l > 0)
            .map(|&l| 0.5f64.powi(l.into()))
            .sum();
        assert!((kraft - 1.0).abs() < 1e-9, "kraft {kraft}");
        assert!(lens.iter().take(286).all(|&l| (1..=9).contains(&l)));
    }

    #[test]
    fn every_code_variant_round_trips() {
        // Text with many distinct bytes, so that short length limits must
        // give way, and runs that smoothing evens out.
        let mut text = Vec::new();
        let mut state = 3;
        for i in 0..crate::test_size(1500, 100) {
            let r = xorshift(&mut state);
            text.extend_from_slice(format!("{i:x}:{:x} ", r % 4096).as_bytes());
            text.push((r >> 20) as u8);
        }
        let mut ws = vec![0u8; WORKSPACE_LEN];
        let mut work = Work::split(&mut ws).unwrap();
        for (i, &b) in text.iter().take(BLOCK_LEN).enumerate() {
            put_symbol(work.syms, i, b, 0);
        }
        let n = text.len().min(BLOCK_LEN);
        for variant in CODE_VARIANTS {
            count_symbols(&mut work, 0, n);
            code_lengths(&mut work.huff, variant);
            let mut kraft = 0.0;
            for s in 0..LL_SYMS {
                let l = get8(work.huff.lens, s);
                if l > 0 {
                    assert!(get16(work.huff.freq, s) > 0 || get16(work.huff.codes, s) > 0);
                    kraft += 0.5f64.powi(l.into());
                }
            }
            assert!(kraft <= 1.0 + 1e-9, "{variant:?}: kraft {kraft}");
        }
        round_trip(&text);
    }
}
