//! Adler-32 (RFC 1950), the checksum that ends a zlib stream and names its
//! preset dictionary.

/// Returns the Adler-32 checksum of `data`, continuing from `adler` (start
/// with 1).
///
/// ```
/// assert_eq!(panicqr::payload::deflate::adler32(1, b"Wikipedia"), 0x11E6_0398);
/// ```
#[inline]
pub fn adler32(adler: u32, data: &[u8]) -> u32 {
    const MOD: u32 = 65_521;
    // 5552 is the most bytes that cannot overflow `b` before a reduction.
    let mut a = adler & 0xFFFF;
    let mut b = adler >> 16;
    for chunk in data.chunks(5552) {
        for &byte in chunk {
            // Within the 5552 bytes, as above: no wrap.
            a = a.wrapping_add(u32::from(byte));
            b = b.wrapping_add(a);
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec;

    #[test]
    fn adler32_known_values() {
        assert_eq!(adler32(1, b""), 1);
        assert_eq!(adler32(1, b"abc"), 0x024D_0127);
        let long = vec![0xFFu8; crate::test_size(100_000, 20_000)];
        let split = adler32(adler32(1, &long[..12_345]), &long[12_345..]);
        assert_eq!(split, adler32(1, &long));
    }
}
