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
//! optimally, under the Huffman code lengths of the parse before: the
//! cheapest path through every literal and every match length at its
//! nearest distance; a short first piece twice. Later pieces are parsed
//! optimally once, under the code lengths so far. A block takes pieces
//! while its symbols leave room and one block codes them in fewer bits than
//! two. Each block's code lengths are the cheapest of a few variants
//! (length limits, smoothed counts), header included, and the block is
//! written dynamic, fixed or stored, whichever is the smallest.
//!
//! The tail fit also runs a fast effort ([`Effort::Fast`]), to estimate
//! stream lengths or, when asked, for every trial: the lazy parse alone
//! with short chain searches, one block a piece, one variant of code
//! lengths.
//!
//! # Files, in data order
//!
//! - this file: the public API, the zlib framing and the block loop;
//! - `workspace.rs`: the workspace contract, cut once into typed tables;
//! - `symbols.rs`: the deflate format's alphabets and code tables;
//! - `matches.rs`: the dictionary and input as one window, and the hash
//!   chains that find matches in it;
//! - `parse.rs`: the lazy and optimal parses of a piece into symbols;
//! - `huffman.rs`: symbol counts, code lengths, canonical codes and the
//!   dynamic header's code length code;
//! - `block.rs`: a block's codings measured, and the block written;
//! - `lsb_writer.rs`: the bits, least significant first;
//! - `checksum.rs`: Adler-32.
//!
//! # Memory
//!
//! The workspace holds the hash heads (a `u16` per bucket), the hash chains
//! (a `u16` per window position), the symbols (three bytes per input byte
//! of a piece, for the path search), the path costs and the Huffman tables.
//! It stays smaller than what Linux's own zlib takes for the same job,
//! [`LINUX_ZLIB_WORKSPACE_LEN`]: a compile-time assertion checks it. The
//! byte counts of both are in `docs/payload.md`.

mod block;
mod checksum;
mod huffman;
mod lsb_writer;
mod matches;
mod parse;
mod symbols;
mod workspace;

pub use self::checksum::adler32;
pub use self::symbols::{WINDOW_BITS, WINDOW_SIZE};
pub use self::workspace::{BLOCK_LEN, LINUX_ZLIB_WORKSPACE_LEN, WORKSPACE_LEN};

use self::block::{block_bits, write_block};
use self::lsb_writer::LsbWriter;
use self::matches::Source;
use self::parse::parse;
use self::workspace::Workspace;
use crate::Error;

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
    // Saturating: no length a slice can have reaches the bound, and a
    // length near `usize::MAX` gets `usize::MAX`, not a small wrapped one.
    let blocks = input_len / BLOCK_LEN + 1;
    let pieces = blocks.saturating_add(input_len / 65_535 + 1);
    input_len
        .saturating_add(2 + 4 + 4)
        .saturating_add(pieces.saturating_mul(5))
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
    compressed_len_with(input, dictionary, workspace, Effort::Best)
}

/// Returns the length of the stream of `input` at `effort`, writing no
/// output: [`compressed_len`] at [`Effort::Best`].
///
/// # Errors
///
/// [`Error::BufferTooSmall`] if `workspace` is shorter than
/// [`WORKSPACE_LEN`].
pub fn compressed_len_with(
    input: &[u8],
    dictionary: Option<&[u8]>,
    workspace: &mut [u8],
    effort: Effort,
) -> Result<usize, Error> {
    deflate_with(input, dictionary, workspace, &mut [], usize::MAX, effort)
}

/// Compresses `input` into `output` as [`compress`] does, but for a
/// stream longer than `output` only measures: returns the stream length
/// when the stream fits `output`, else a length more than `output.len()`
/// (the compressor may stop at the end of a block once past it, so the
/// length may be short of the full one). `output` holds garbage then.
///
/// # Errors
///
/// [`Error::BufferTooSmall`] if `workspace` is shorter than
/// [`WORKSPACE_LEN`].
pub fn compress_within(
    input: &[u8],
    dictionary: Option<&[u8]>,
    workspace: &mut [u8],
    output: &mut [u8],
) -> Result<usize, Error> {
    let limit = output.len();
    deflate(input, dictionary, workspace, output, limit)
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
    deflate_with(input, dictionary, workspace, output, limit, Effort::Best)
}

/// How hard the compressor works for a shorter stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effort {
    /// The lazy parse, then optimal parses, and the best of several
    /// codings for each block: what [`compress`] does.
    Best,
    /// The lazy parse alone and one coding per block: a few times faster,
    /// and a few percent longer. The fit estimates with it.
    Fast,
}

/// [`deflate`] with the given effort.
pub(crate) fn deflate_with(
    input: &[u8],
    dictionary: Option<&[u8]>,
    workspace: &mut [u8],
    output: &mut [u8],
    limit: usize,
    effort: Effort,
) -> Result<usize, Error> {
    let mut work = Workspace::split(workspace)?;
    let dict = match dictionary {
        Some(d) => d.get(d.len().saturating_sub(WINDOW_SIZE)..).unwrap_or(&[]),
        None => &[],
    };
    let mut out = LsbWriter::new(output);

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
    write_blocks(&src, &mut work, &mut out, limit, effort);

    out.align();
    for byte in adler32(1, input).to_be_bytes() {
        out.put_byte(byte);
    }
    Ok(out.len())
}

/// Parses the input and writes the blocks. A block takes input while its
/// symbols leave room for a quarter block more and one block codes them in
/// fewer bits than two; with the fast effort, a block is a piece. Stops
/// early once the output is past `limit` bytes.
fn write_blocks(
    src: &Source<'_>,
    work: &mut Workspace<'_>,
    out: &mut LsbWriter<'_>,
    limit: usize,
    effort: Effort,
) {
    let best = effort == Effort::Best;
    let total = src.len();
    let d = src.dict.len();
    if !best {
        // One block a piece: no blocks merged or split.
        let mut start = d;
        loop {
            // As below: no wrap.
            let end = start.wrapping_add(BLOCK_LEN).min(total);
            let n = parse(src, work, 0, start, end, start == d, false);
            let raw = src
                .input
                .get(start.wrapping_sub(d)..end.wrapping_sub(d))
                .unwrap_or(&[]);
            let last = end == total;
            write_block(work, 0, n, raw, last, false, out);
            if last || out.len() > limit {
                return;
            }
            start = end;
        }
    }
    // The current block: its first source position and symbols so far.
    let mut block_start = d;
    let mut base = 0;
    let mut start = d;
    // The bits of `syms[..base]` as one block, when the piece before
    // measured them.
    let mut base_bits = None;
    // Positions are below `total` (see `Source::len`) and at least `d`;
    // `base` and `nsyms` count symbols of one block, at most `BLOCK_LEN`.
    // None of the sums and differences below wraps.
    loop {
        let end = start.wrapping_add(BLOCK_LEN.wrapping_sub(base)).min(total);
        let n = parse(src, work, base, start, end, start == d, best);
        let mut nsyms = base.wrapping_add(n);
        // The bits of `syms[..nsyms]` as one block, once measured.
        let mut nsyms_bits = None;
        if base > 0 {
            let one = block_bits(work, 0, nsyms);
            let before = match base_bits {
                Some(bits) => bits,
                None => block_bits(work, 0, base),
            };
            let piece = block_bits(work, base, nsyms);
            nsyms_bits = Some(one);
            if before.wrapping_add(piece) < one {
                let raw = src
                    .input
                    .get(block_start.wrapping_sub(d)..start.wrapping_sub(d))
                    .unwrap_or(&[]);
                write_block(work, 0, base, raw, false, best, out);
                for i in 0..n {
                    let symbol = work.syms.get(base.wrapping_add(i));
                    work.syms.set(i, symbol);
                }
                nsyms = n;
                nsyms_bits = Some(piece);
                block_start = start;
            }
        }
        let last = end == total;
        if last || BLOCK_LEN.wrapping_sub(nsyms) < BLOCK_LEN / 4 {
            let raw = src
                .input
                .get(block_start.wrapping_sub(d)..end.wrapping_sub(d))
                .unwrap_or(&[]);
            write_block(work, 0, nsyms, raw, last, best, out);
            if last || out.len() > limit {
                break;
            }
            block_start = end;
            base = 0;
            base_bits = None;
        } else {
            base = nsyms;
            base_bits = nsyms_bits;
        }
        start = end;
    }
}

#[cfg(test)]
mod tests {
    use super::huffman::{code_lengths, count_symbols, CODE_VARIANTS};
    use super::symbols::LL_SYMS;
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
    fn a_measured_stream_is_as_long_as_a_written_one() {
        // Past the end of the output, blocks are counted, not coded: the
        // lengths must still be those of the stream written, and what
        // fits of it the same bytes.
        let mut state = 5;
        let mut text = Vec::new();
        for i in 0..crate::test_size(400, 8) {
            let word = xorshift(&mut state) % 40;
            text.extend_from_slice(
                format!("[{i:5}.{word:06}] cpu{} irq {word}\n", i % 7).as_bytes(),
            );
        }
        let random: Vec<u8> = (0..crate::test_size(6000, 300))
            .map(|_| xorshift(&mut state) as u8)
            .collect();
        let mut mixed = text.clone();
        mixed.extend_from_slice(&random);
        mixed.extend_from_slice(&text);
        let mut ws = vec![0u8; WORKSPACE_LEN];
        for input in [&b"abc"[..], &text, &random, &mixed] {
            for effort in [Effort::Best, Effort::Fast] {
                for dict in [None, Some(crate::payload::KMSG_DICTIONARY)] {
                    let mut out = vec![0u8; max_compressed_len(input.len())];
                    let n =
                        deflate_with(input, dict, &mut ws, &mut out, usize::MAX, effort).unwrap();
                    assert_eq!(compressed_len_with(input, dict, &mut ws, effort), Ok(n));
                    for part in [1, n / 3, n - 1] {
                        let mut some = vec![0u8; part];
                        let len = deflate_with(input, dict, &mut ws, &mut some, usize::MAX, effort);
                        assert_eq!(len, Ok(n));
                        assert_eq!(some[..], out[..part]);
                    }
                }
            }
        }
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
        assert_eq!(WORKSPACE_LEN, 29_679, "update docs/payload.md");
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
        let mut work = Workspace::split(&mut ws).unwrap();
        for (i, &b) in text.iter().take(BLOCK_LEN).enumerate() {
            work.syms.set(i, (b, 0));
        }
        let n = text.len().min(BLOCK_LEN);
        for variant in CODE_VARIANTS {
            count_symbols(&work.syms, &mut work.huff.freq, 0, n);
            code_lengths(&mut work.huff, variant);
            let mut kraft = 0.0;
            for s in 0..LL_SYMS {
                let l = work.huff.lens.ll.get(s);
                if l > 0 {
                    assert!(work.huff.freq.ll.get(s) > 0 || work.huff.codes.ll.get(s) > 0);
                    kraft += 0.5f64.powi(l.into());
                }
            }
            assert!(kraft <= 1.0 + 1e-9, "{variant:?}: kraft {kraft}");
        }
        round_trip(&text);
    }
}
