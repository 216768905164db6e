//! The output: bits packed least significant first, as deflate sends them.

/// Writes bits least significant first. Bytes past the end of the buffer are
/// counted, not written, so the full length is known even when it overflows.
pub(super) struct LsbWriter<'a> {
    out: &'a mut [u8],
    len: usize,
    acc: u64,
    bits: u32,
}

impl<'a> LsbWriter<'a> {
    #[inline]
    pub(super) fn new(out: &'a mut [u8]) -> Self {
        LsbWriter {
            out,
            len: 0,
            acc: 0,
            bits: 0,
        }
    }

    /// Bytes written so far, whole or past the end of the buffer.
    #[inline]
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Writes a byte; the output must be at a byte boundary.
    #[inline]
    pub(super) fn put_byte(&mut self, byte: u8) {
        debug_assert_eq!(self.bits, 0);
        self.push(byte);
    }

    /// Writes the low `count` bits of `value`, at most 24.
    #[inline]
    pub(super) fn put(&mut self, value: u32, count: u32) {
        debug_assert!(count <= 24 && u64::from(value) >> count == 0);
        // `bits` stays below 8 between calls and `count` at most 24: the
        // shift is below 8 and the sum below 32, nothing wraps.
        self.acc |= u64::from(value).wrapping_shl(self.bits);
        self.bits = self.bits.wrapping_add(count);
        while self.bits >= 8 {
            self.push(self.acc as u8);
            self.acc >>= 8;
            self.bits -= 8;
        }
    }

    /// Pads with zero bits to a byte boundary.
    #[inline]
    pub(super) fn align(&mut self) {
        if self.bits > 0 {
            self.put(0, 8u32.wrapping_sub(self.bits));
        }
    }

    /// Whether the buffer is full: what follows is only counted.
    #[inline]
    pub(super) fn is_full(&self) -> bool {
        self.len >= self.out.len()
    }

    /// Counts `count` bits without writing them; the buffer must be full
    /// ([`LsbWriter::is_full`]), so that they would not be written anyway.
    #[inline]
    pub(super) fn skip(&mut self, count: usize) {
        debug_assert!(self.is_full());
        // Bits of one stream, far below `usize::MAX`: no wrap.
        let bits = self.bit_len().wrapping_add(count);
        self.len = bits / 8;
        self.bits = (bits % 8) as u32;
        self.acc = 0;
    }

    /// Bits written so far.
    #[inline]
    pub(super) fn bit_len(&self) -> usize {
        // Fewer than `usize::MAX / 8` bytes, one a push: no wrap.
        self.len.wrapping_mul(8).wrapping_add(self.bits as usize)
    }

    #[inline]
    fn push(&mut self, byte: u8) {
        if let Some(slot) = self.out.get_mut(self.len) {
            *slot = byte;
        }
        self.len = self.len.wrapping_add(1);
    }
}
