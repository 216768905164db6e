//! Test-side packers for the decode tests, written independently of
//! `panicqr_tools::decode` so that a round trip checks something.
#![allow(dead_code)]

use flate2::{Compress, Compression, FlushCompress, Status};

#[path = "../rng/mod.rs"]
mod rng;

/// The tests' xorshift64* generator (tests/rng), seeded through a mix so
/// that small seeds start far apart.
pub struct Rng(rng::Rng);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(rng::Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1))
    }

    pub fn next(&mut self) -> u64 {
        self.0.next()
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next() as u8).collect()
    }
}

/// Mainline packing: 7 bytes as a little-endian number, zero-padded to the
/// width of the largest number of that many bytes.
pub fn pack_z(data: &[u8]) -> String {
    let mut s = String::new();
    for chunk in data.chunks(7) {
        let mut le = [0u8; 8];
        le[..chunk.len()].copy_from_slice(chunk);
        let value = u64::from_le_bytes(le);
        let max = (1u64 << (8 * chunk.len())) - 1;
        let width = max.to_string().len();
        s.push_str(&format!("{value:0width$}"));
    }
    s
}

// ----------------------------------------------------------------------------
// Linux 6.12's packer, step for step: `get_next_13b`, the numeric
// `SegmentIterator` and `EncodedMsg::push`, followed by the way a QR decoder
// (rqrr) turns the numeric groups back into digits.
// ----------------------------------------------------------------------------

/// The next (up to) 13 bits at bit `offset`, most significant first.
fn next_13b(data: &[u8], offset: usize) -> Option<(u16, usize)> {
    if offset >= data.len() * 8 {
        return None;
    }
    let size = 13.min(data.len() * 8 - offset);
    let mut v = 0u16;
    for i in offset..offset + size {
        v = v << 1 | u16::from(data[i / 8] >> (7 - i % 8) & 1);
    }
    Some((v, size))
}

const NUM_CHARS_BITS: [usize; 4] = [0, 4, 7, 10];
const POW10: [u16; 4] = [1, 10, 100, 1000];

fn chars_for(bits: usize) -> usize {
    match bits {
        1 => 1,
        k => (k + 1) / 3,
    }
}

/// The 6.12 character count of the numeric segment.
pub fn zl_character_count(data: &[u8]) -> usize {
    let bits = data.len() * 8;
    4 * (bits / 13)
        + match bits % 13 {
            0 => 0,
            k => chars_for(k),
        }
}

/// The (value, bit length) pairs 6.12's iterator yields.
pub fn zl_groups(data: &[u8]) -> Vec<(u16, usize)> {
    let mut out = Vec::new();
    let (mut offset, mut carry, mut carry_len) = (0usize, 0u16, 0usize);
    loop {
        if carry_len == 3 {
            out.push((carry, NUM_CHARS_BITS[3]));
            carry_len = 0;
            carry = 0;
        } else if let Some((bits, size)) = next_13b(data, offset) {
            offset += size;
            let new_chars = chars_for(size);
            if carry_len + new_chars > 3 {
                carry_len = new_chars + carry_len - 3;
                out.push((
                    carry * POW10[new_chars - carry_len] + bits / POW10[carry_len],
                    NUM_CHARS_BITS[3],
                ));
                carry = bits % POW10[carry_len];
            } else {
                out.push((
                    carry * POW10[new_chars] + bits,
                    NUM_CHARS_BITS[carry_len + new_chars],
                ));
                carry_len = 0;
            }
        } else if carry_len > 0 {
            out.push((carry, NUM_CHARS_BITS[carry_len]));
            carry_len = 0;
        } else {
            return out;
        }
    }
}

/// 6.12's `EncodedMsg::push`, including what it does with a value wider than
/// its bit length (it cannot happen for lengths up to 8, which 6.12 writes
/// whole).
fn push(buf: &mut [u8], offset: &mut usize, (number, len_bits): (u16, usize)) {
    let byte_off = *offset / 8;
    let bit_off = *offset % 8;
    let b = bit_off + len_bits;
    match (bit_off, b) {
        (0, 0..=8) => buf[byte_off] = (number << (8 - b)) as u8,
        (0, _) => {
            buf[byte_off] = (number >> (b - 8)) as u8;
            buf[byte_off + 1] = (number << (16 - b)) as u8;
        }
        (_, 0..=8) => buf[byte_off] |= (number << (8 - b)) as u8,
        (_, 9..=16) => {
            buf[byte_off] |= (number >> (b - 8)) as u8;
            buf[byte_off + 1] = (number << (16 - b)) as u8;
        }
        _ => {
            buf[byte_off] |= (number >> (b - 8)) as u8;
            buf[byte_off + 1] = (number >> (b - 16)) as u8;
            buf[byte_off + 2] = (number << (24 - b)) as u8;
        }
    }
    *offset += len_bits;
}

fn read_bits(buf: &[u8], offset: &mut usize, n: usize) -> u32 {
    let mut v = 0;
    for i in *offset..*offset + n {
        v = v << 1 | u32::from(buf[i / 8] >> (7 - i % 8) & 1);
    }
    *offset += n;
    v
}

/// The digits a QR decoder shows for `data` packed by 6.12 with the numeric
/// segment's data starting at bit `start` of the QR data: groups are read
/// back like rqrr does, keeping the low digits of a too-large group.
pub fn pack_zl_612(data: &[u8], start: usize) -> String {
    let mut buf = vec![0u8; start / 8 + data.len() * 2 + 8];
    let mut offset = start;
    for g in zl_groups(data) {
        push(&mut buf, &mut offset, g);
    }
    let mut count = zl_character_count(data);
    let mut pos = start;
    let mut s = String::new();
    for (bits, digits) in [(10, 3), (7, 2), (4, 1)] {
        while count >= digits {
            let v = read_bits(&buf, &mut pos, bits) % 10u32.pow(digits as u32);
            s.push_str(&format!("{v:0w$}", w = digits));
            count -= digits;
            if digits < 3 {
                break;
            }
        }
    }
    s
}

/// The digits 6.12 means to write: 4 per 13 bits, the tail's value in
/// `(k + 1) / 3` digits. They differ from [`pack_zl_612`] exactly when 6.12
/// loses digits.
pub fn ideal_zl(data: &[u8]) -> String {
    let mut s = String::new();
    let mut offset = 0;
    while let Some((v, size)) = next_13b(data, offset) {
        offset += size;
        s.push_str(&format!("{v:0w$}", w = chars_for(size)));
    }
    s
}

/// zlib-compresses `data` with an optional preset dictionary, with zlib-rs
/// (a real zlib, independent of the decoder's inflater).
pub fn zlib(data: &[u8], dictionary: Option<&[u8]>) -> Vec<u8> {
    let mut c = Compress::new(Compression::best(), true);
    if let Some(d) = dictionary {
        c.set_dictionary(d).expect("set_dictionary");
    }
    let mut out = Vec::with_capacity(data.len() + 64);
    loop {
        let consumed = c.total_in() as usize;
        match c
            .compress_vec(&data[consumed..], &mut out, FlushCompress::Finish)
            .expect("compress")
        {
            Status::StreamEnd => return out,
            _ => out.reserve(out.len() + 1024),
        }
    }
}

/// The crash logs of the shared corpus, if it is there.
pub fn corpus() -> Vec<(String, Vec<u8>)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    let mut logs: Vec<_> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "log"))
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    logs.sort();
    logs
}
