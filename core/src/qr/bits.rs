//! The bit writer: appends big-endian bit fields to a caller byte buffer.

/// Appends bit fields, most significant bit first, to a byte buffer.
///
/// Bits are gathered in a 64-bit accumulator and stored a byte at a time.
/// Writes past the end of the buffer are dropped and remembered, so a caller
/// that sized the buffer wrong gets [`BitWriter::overflowed`] instead of a
/// panic.
pub(crate) struct BitWriter<'a> {
    buffer: &'a mut [u8],
    /// Bytes already stored.
    stored: usize,
    accumulator: u64,
    /// Bits waiting in the low end of `accumulator`, always below 8 between
    /// calls.
    pending: u32,
    overflowed: bool,
}

impl<'a> BitWriter<'a> {
    pub(crate) fn new(buffer: &'a mut [u8]) -> Self {
        BitWriter {
            buffer,
            stored: 0,
            accumulator: 0,
            pending: 0,
            overflowed: false,
        }
    }

    /// Returns the number of bits written so far.
    pub(crate) fn bit_len(&self) -> usize {
        // A buffer holds fewer than `usize::MAX / 8` bytes, and the count
        // of stores past it grows by one a call: no wrap.
        self.stored
            .wrapping_mul(8)
            .wrapping_add(self.pending as usize)
    }

    /// Appends the low `len` bits of `value`, `len` at most 32.
    #[inline]
    pub(crate) fn append(&mut self, value: u32, len: u32) {
        debug_assert!(len <= 32 && (len == 32 || value >> len == 0));
        // `pending` stays below 8 between calls and `len` at most 32, so
        // the shifts are below 64 and the sum below 40: nothing wraps.
        self.accumulator = self.accumulator.wrapping_shl(len) | u64::from(value);
        self.pending = self.pending.wrapping_add(len);
        while self.pending >= 8 {
            self.pending -= 8;
            let byte = self.accumulator.wrapping_shr(self.pending) as u8;
            self.store(byte);
        }
    }

    #[inline]
    fn store(&mut self, byte: u8) {
        match self.buffer.get_mut(self.stored) {
            Some(slot) => *slot = byte,
            None => self.overflowed = true,
        }
        self.stored = self.stored.wrapping_add(1);
    }

    /// Appends whole bytes.
    pub(crate) fn append_bytes(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.append(u32::from(byte), 8);
        }
    }

    /// Pads with zero bits up to the next byte boundary.
    pub(crate) fn pad_to_byte(&mut self) {
        if self.pending > 0 {
            self.append(0, 8u32.wrapping_sub(self.pending));
        }
    }

    /// Returns whether a write fell outside the buffer.
    pub(crate) fn overflowed(&self) -> bool {
        self.overflowed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packs_fields_msb_first() {
        let mut buffer = [0u8; 4];
        let mut writer = BitWriter::new(&mut buffer);
        writer.append(0b0100, 4);
        writer.append(0x0d, 8);
        writer.append(0b101, 3);
        writer.pad_to_byte();
        assert_eq!(writer.bit_len(), 16);
        assert!(!writer.overflowed());
        assert_eq!(buffer[..2], [0x40, 0xda]);
    }

    #[test]
    fn overflow_is_reported_not_panicked() {
        let mut buffer = [0u8; 1];
        let mut writer = BitWriter::new(&mut buffer);
        writer.append(0xffff, 16);
        assert!(writer.overflowed());
        assert_eq!(buffer, [0xff]);
    }
}
