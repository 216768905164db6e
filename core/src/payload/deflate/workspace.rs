//! The workspace: the caller's bytes, cut once into the compressor's tables.
//!
//! The caller passes plain bytes, [`WORKSPACE_LEN`] of them (the C ABI
//! passes a byte buffer too). [`Workspace::split`] checks the length once
//! and cuts the bytes into disjoint tables, in this order: hash heads, hash
//! chains, symbols, path costs, then the Huffman tables. Each is a
//! [`Table`] of little-endian elements over its own bytes, so its element
//! type and its length (in bytes) are in its type: `work.head.get(h)`
//! reads the `u16` head of bucket `h`. An index past a table's end reads as
//! zero and writes nothing; the compressor never makes one, and no index
//! can panic.

use core::marker::PhantomData;
use core::ops::Range;

use super::symbols::{CL_SYMS, D_SYMS, LL_SYMS, MAX_MATCH, WINDOW_SIZE};
use crate::Error;

/// Input bytes per deflate block. Each block is parsed for the fewest bits
/// under its own Huffman codes.
pub const BLOCK_LEN: usize = 4096;

/// The bytes Linux 6.12 allocates for the same job on x86_64:
/// `zlib_deflate_workspacesize(12, 4)`, for comparison.
pub const LINUX_ZLIB_WORKSPACE_LEN: usize = 30_536;

/// The base-2 logarithm of the number of hash buckets.
pub(super) const HASH_BITS: u32 = 11;
/// Hash buckets.
pub(super) const HASH_SIZE: usize = 1 << HASH_BITS;
/// Slots in the ring of path costs: more than the longest step.
pub(super) const RING: usize = MAX_MATCH + 2;
/// Entries of the run-length coded code lengths: at most one per code
/// length.
const CL_SEQ: usize = LL_SYMS + D_SYMS;

// The tables' lengths in bytes.
pub(super) const HEAD_BYTES: usize = 2 * HASH_SIZE;
pub(super) const PREV_BYTES: usize = 2 * WINDOW_SIZE;
const SYMS_BYTES: usize = 3 * BLOCK_LEN;
const RING_BYTES: usize = 4 * RING;
const LL16_BYTES: usize = 2 * LL_SYMS;
const D16_BYTES: usize = 2 * D_SYMS;
const LL32_BYTES: usize = 4 * LL_SYMS;
const CL16_BYTES: usize = 2 * CL_SYMS;
const CL_SEQ_BYTES: usize = 2 * CL_SEQ;

/// The workspace bytes [`compress`](super::compress) needs: hash heads,
/// hash chains, the symbol buffer, the path costs and the Huffman tables.
/// It is less than [`LINUX_ZLIB_WORKSPACE_LEN`].
pub const WORKSPACE_LEN: usize = HEAD_BYTES
    + PREV_BYTES
    + SYMS_BYTES
    + RING_BYTES
    + (LL16_BYTES + D16_BYTES) // frequencies
    + (LL_SYMS + D_SYMS) // code lengths
    + (LL16_BYTES + D16_BYTES) // codes
    + (LL32_BYTES + LL16_BYTES) // sort
    + CL_SEQ_BYTES
    + (CL16_BYTES + CL_SYMS + CL16_BYTES); // code length code

// The workspace stays smaller than what Linux's zlib takes for the job.
const _: () = assert!(WORKSPACE_LEN < LINUX_ZLIB_WORKSPACE_LEN);

/// A value a [`Table`] holds, stored little-endian in `SIZE` bytes.
pub(super) trait Element: Copy {
    /// Bytes per element.
    const SIZE: usize;
    /// The value stored in `bytes`, or zero when `bytes` is not `SIZE`
    /// long.
    fn read(bytes: &[u8]) -> Self;
    /// Stores the value in `bytes`, which are `SIZE` long.
    fn write(self, bytes: &mut [u8]);
}

impl Element for u8 {
    const SIZE: usize = 1;
    #[inline(always)]
    fn read(bytes: &[u8]) -> Self {
        match *bytes {
            [b] => b,
            _ => 0,
        }
    }
    #[inline(always)]
    fn write(self, bytes: &mut [u8]) {
        if let [b] = bytes {
            *b = self;
        }
    }
}

impl Element for u16 {
    const SIZE: usize = 2;
    #[inline(always)]
    fn read(bytes: &[u8]) -> Self {
        match *bytes {
            [lo, hi] => u16::from_le_bytes([lo, hi]),
            _ => 0,
        }
    }
    #[inline(always)]
    fn write(self, bytes: &mut [u8]) {
        if let [lo, hi] = bytes {
            [*lo, *hi] = self.to_le_bytes();
        }
    }
}

impl Element for u32 {
    const SIZE: usize = 4;
    #[inline(always)]
    fn read(bytes: &[u8]) -> Self {
        match *bytes {
            [a, b, c, d] => u32::from_le_bytes([a, b, c, d]),
            _ => 0,
        }
    }
    #[inline(always)]
    fn write(self, bytes: &mut [u8]) {
        if let [a, b, c, d] = bytes {
            [*a, *b, *c, *d] = self.to_le_bytes();
        }
    }
}

/// A pair of bytes: a run-length coded code length and its extra bits.
impl Element for [u8; 2] {
    const SIZE: usize = 2;
    #[inline(always)]
    fn read(bytes: &[u8]) -> Self {
        match *bytes {
            [a, b] => [a, b],
            _ => [0; 2],
        }
    }
    #[inline(always)]
    fn write(self, bytes: &mut [u8]) {
        if let [a, b] = bytes {
            [*a, *b] = self;
        }
    }
}

/// An LZ77 symbol `(a, dist)`: the byte `a`, then `dist` as a `u16`.
impl Element for (u8, u16) {
    const SIZE: usize = 3;
    #[inline(always)]
    fn read(bytes: &[u8]) -> Self {
        match *bytes {
            [a, lo, hi] => (a, u16::from_le_bytes([lo, hi])),
            _ => (0, 0),
        }
    }
    #[inline(always)]
    fn write(self, bytes: &mut [u8]) {
        if let [a, lo, hi] = bytes {
            *a = self.0;
            [*lo, *hi] = self.1.to_le_bytes();
        }
    }
}

/// A table of `T`s in `BYTES` bytes of its own, `BYTES / T::SIZE`
/// elements.
///
/// The length is in bytes so that the table holds a reference to an array,
/// whose length the optimiser knows: it is one pointer, and most index
/// checks fold away.
pub(super) struct Table<'a, T, const BYTES: usize> {
    bytes: &'a mut [u8; BYTES],
    element: PhantomData<T>,
}

/// A table of bytes.
pub(super) type Table8<'a, const BYTES: usize> = Table<'a, u8, BYTES>;
/// A table of `u16`s.
pub(super) type Table16<'a, const BYTES: usize> = Table<'a, u16, BYTES>;
/// A table of `u32`s.
pub(super) type Table32<'a, const BYTES: usize> = Table<'a, u32, BYTES>;

/// The workspace's bytes not yet cut into tables.
struct Uncut<'a>(&'a mut [u8]);

impl<'a> Uncut<'a> {
    /// Cuts a table's bytes off the front, if there are enough.
    fn table<T: Element, const BYTES: usize>(&mut self) -> Option<Table<'a, T, BYTES>> {
        if self.0.len() < BYTES {
            return None;
        }
        let (bytes, tail) = core::mem::take(&mut self.0).split_at_mut(BYTES);
        self.0 = tail;
        Some(Table {
            bytes: bytes.try_into().ok()?,
            element: PhantomData,
        })
    }

    /// Cuts the two tables of an [`Alphabets`] off the front.
    fn alphabets<T: Element, const LL: usize, const D: usize>(
        &mut self,
    ) -> Option<Alphabets<'a, T, LL, D>> {
        Some(Alphabets {
            ll: self.table()?,
            d: self.table()?,
        })
    }
}

impl<'a, T: Element, const BYTES: usize> Table<'a, T, BYTES> {
    /// The bytes of element `i`, or `None` past the end. Checked before
    /// the multiplication, the index keeps the products within `BYTES`.
    #[inline(always)]
    fn slot(i: usize) -> Option<Range<usize>> {
        (i < BYTES / T::SIZE).then(|| i * T::SIZE..(i + 1) * T::SIZE)
    }

    /// Element `i`, or zero past the end.
    #[inline(always)]
    pub(super) fn get(&self, i: usize) -> T {
        T::read(
            Self::slot(i)
                .and_then(|range| self.bytes.get(range))
                .unwrap_or(&[]),
        )
    }

    /// Sets element `i`; does nothing past the end.
    #[inline(always)]
    pub(super) fn set(&mut self, i: usize, value: T) {
        if let Some(slot) = Self::slot(i).and_then(|range| self.bytes.get_mut(range)) {
            value.write(slot);
        }
    }

    /// Sets every element to `value`.
    pub(super) fn fill(&mut self, value: T) {
        for slot in self.bytes.chunks_exact_mut(T::SIZE) {
            value.write(slot);
        }
    }

    /// The same table, borrowed for a shorter time.
    pub(super) fn reborrow(&mut self) -> Table<'_, T, BYTES> {
        Table {
            bytes: &mut *self.bytes,
            element: PhantomData,
        }
    }
}

/// The block's symbols, by index.
pub(super) type Symbols<'a> = Table<'a, (u8, u16), SYMS_BYTES>;

/// One table per alphabet: literal/length symbols, then distance symbols.
pub(super) struct Alphabets<'a, T, const LL: usize, const D: usize> {
    /// By literal/length symbol.
    pub(super) ll: Table<'a, T, LL>,
    /// By distance symbol.
    pub(super) d: Table<'a, T, D>,
}

/// A `u16` per symbol.
pub(super) type Alphabets16<'a> = Alphabets<'a, u16, LL16_BYTES, D16_BYTES>;
/// A byte per symbol.
pub(super) type Alphabets8<'a> = Alphabets<'a, u8, LL_SYMS, D_SYMS>;

/// Scratch of the code length builder: symbols sorted by weight, then the
/// tree in place.
pub(super) struct Sort<'a> {
    /// Weights, then parent pointers, then depths.
    pub(super) weights: Table32<'a, LL32_BYTES>,
    /// The used symbols, by weight. The optimal parse keeps its cost of
    /// each match length here, by `length - 3`.
    pub(super) symbols: Table16<'a, LL16_BYTES>,
}

/// The code length code of a dynamic block's header.
pub(super) struct ClCode<'a> {
    /// Frequency of each code length symbol.
    pub(super) freq: Table16<'a, CL16_BYTES>,
    /// Its code length.
    pub(super) lens: Table8<'a, CL_SYMS>,
    /// Its bit-reversed code.
    pub(super) codes: Table16<'a, CL16_BYTES>,
}

/// Tables to build and write one block's Huffman codes.
pub(super) struct Huffman<'a> {
    /// Symbol frequencies.
    pub(super) freq: Alphabets16<'a>,
    /// Code lengths.
    pub(super) lens: Alphabets8<'a>,
    /// Bit-reversed codes; before that, symbol costs in the parse and
    /// smoothed counts while the code lengths are chosen.
    pub(super) codes: Alphabets16<'a>,
    /// Sort and tree scratch.
    pub(super) sort: Sort<'a>,
    /// Run-length coded code lengths: (symbol, extra bits value) pairs.
    pub(super) cl_seq: Table<'a, [u8; 2], CL_SEQ_BYTES>,
    /// The code length code.
    pub(super) cl: ClCode<'a>,
}

/// The workspace, cut into its tables.
pub(super) struct Workspace<'a> {
    /// Most recent position (as `u16`, wrapping) for each hash bucket.
    pub(super) head: Table16<'a, HEAD_BYTES>,
    /// Previous position with the same hash, by position modulo the window.
    pub(super) prev: Table16<'a, PREV_BYTES>,
    /// The block's symbols, by index; the optimal parse keeps there, by
    /// input byte, the symbol that reaches it on the cheapest path.
    pub(super) syms: Symbols<'a>,
    /// Path costs of the optimal parse, by input byte modulo [`RING`].
    pub(super) ring: Table32<'a, RING_BYTES>,
    /// The Huffman tables.
    pub(super) huff: Huffman<'a>,
}

impl<'a> Workspace<'a> {
    /// Cuts `workspace` into its tables and clears the hash chains.
    ///
    /// # Errors
    ///
    /// [`Error::BufferTooSmall`] if `workspace` is shorter than
    /// [`WORKSPACE_LEN`].
    pub(super) fn split(workspace: &'a mut [u8]) -> Result<Workspace<'a>, Error> {
        Self::cut(workspace).ok_or(Error::BufferTooSmall {
            needed: WORKSPACE_LEN,
        })
    }

    fn cut(workspace: &'a mut [u8]) -> Option<Workspace<'a>> {
        let mut rest = Uncut(workspace.get_mut(..WORKSPACE_LEN)?);
        let mut ws = Workspace {
            head: rest.table()?,
            prev: rest.table()?,
            syms: rest.table()?,
            ring: rest.table()?,
            huff: Huffman {
                freq: rest.alphabets()?,
                lens: rest.alphabets()?,
                codes: rest.alphabets()?,
                sort: Sort {
                    weights: rest.table()?,
                    symbols: rest.table()?,
                },
                cl_seq: rest.table()?,
                cl: ClCode {
                    freq: rest.table()?,
                    lens: rest.table()?,
                    codes: rest.table()?,
                },
            },
        };
        debug_assert!(rest.0.is_empty());
        ws.head.fill(0);
        ws.prev.fill(0);
        Some(ws)
    }
}

/// Tables over bytes of the tests' own.
#[cfg(test)]
impl<'a, T: Element, const BYTES: usize> Table<'a, T, BYTES> {
    /// A table over `bytes`, which must be exactly its length.
    pub(super) fn new(bytes: &'a mut [u8]) -> Self {
        Table {
            bytes: bytes.try_into().unwrap(),
            element: PhantomData,
        }
    }

    /// Every element, in order.
    pub(super) fn to_vec(&self) -> std::vec::Vec<T> {
        (0..BYTES / T::SIZE).map(|i| self.get(i)).collect()
    }
}
