//! Segments to data codewords: the terminator, the bit padding and the
//! alternating pad bytes that fill the data capacity.

use crate::qr::bits::BitWriter;
use crate::qr::version::{Ecc, Version};

/// The pad bytes of ISO/IEC 18004, 0xEC then 0x11, repeated.
const PAD_BYTES: [u8; 2] = [0xec, 0x11];

/// Finishes a data bit stream of `writer`, which holds `bit_len` bits no more
/// than the data capacity of `version` at `ecc`: appends the terminator (up
/// to 4 zero bits), pads to a byte boundary, and fills the capacity with pad
/// bytes.
pub(crate) fn finish_data(writer: &mut BitWriter<'_>, version: Version, ecc: Ecc) {
    let capacity = version.data_bits(ecc);
    let used = writer.bit_len();
    debug_assert!(used <= capacity);
    let terminator = capacity.saturating_sub(used).min(4);
    writer.append(0, terminator as u32);
    writer.pad_to_byte();
    let mut pad = 0;
    while writer.bit_len() < capacity {
        writer.append(u32::from(PAD_BYTES[pad & 1]), 8);
        pad ^= 1;
    }
}
