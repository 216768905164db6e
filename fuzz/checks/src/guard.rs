//! Buffers inside guard bands: a larger allocation with canary bytes before
//! and after the region handed to the code under test, checked afterwards.
//! AddressSanitizer catches accesses past the allocation; the canaries catch
//! writes that stay inside it but leave the region.

/// Canary bytes on each side of the region.
pub const GUARD: usize = 64;

/// The canary byte at offset `i` of the allocation: a pattern, so a shifted
/// or partial write shows.
fn canary(i: usize) -> u8 {
    (i as u8).wrapping_mul(151) ^ 0xa5
}

/// A region of `len` bytes with [`GUARD`] canary bytes on each side.
pub struct Guarded {
    bytes: Vec<u8>,
    len: usize,
}

impl Guarded {
    /// Makes a region of `len` bytes filled with `fill` (canaries around).
    pub fn new(len: usize, fill: u8) -> Guarded {
        let mut bytes: Vec<u8> = (0..len + 2 * GUARD).map(canary).collect();
        bytes[GUARD..GUARD + len].fill(fill);
        Guarded { bytes, len }
    }

    /// Makes a region holding `data`.
    pub fn from_slice(data: &[u8]) -> Guarded {
        let mut guarded = Guarded::new(data.len(), 0);
        guarded.region_mut().copy_from_slice(data);
        guarded
    }

    /// Makes a region filled with the canary pattern itself, so any write
    /// into it shows too (see [`Guarded::untouched`]).
    pub fn canaries(len: usize) -> Guarded {
        Guarded {
            bytes: (0..len + 2 * GUARD).map(canary).collect(),
            len,
        }
    }

    /// Returns the region.
    pub fn region(&self) -> &[u8] {
        &self.bytes[GUARD..GUARD + self.len]
    }

    /// Returns the region, writable.
    pub fn region_mut(&mut self) -> &mut [u8] {
        &mut self.bytes[GUARD..GUARD + self.len]
    }

    /// Returns the region's length.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Returns whether the region is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Returns a pointer to the region.
    pub fn ptr(&mut self) -> *mut u8 {
        // In bounds: GUARD <= bytes.len().
        self.bytes[GUARD..].as_mut_ptr()
    }

    /// Returns a pointer into the region at `offset` (up to its end), for
    /// overlapping arguments.
    pub fn ptr_at(&mut self, offset: usize) -> *mut u8 {
        self.bytes[GUARD + offset.min(self.len)..].as_mut_ptr()
    }

    /// Panics when a canary around the region changed.
    pub fn check(&self, what: &str) {
        for (i, &b) in self.bytes.iter().enumerate() {
            if i < GUARD || i >= GUARD + self.len {
                assert_eq!(
                    b,
                    canary(i),
                    "{what}: byte {} outside the {}-byte region was written",
                    i as isize - GUARD as isize,
                    self.len
                );
            }
        }
    }

    /// Returns whether the region still holds the canary pattern from
    /// [`Guarded::canaries`] from byte `from` on.
    pub fn untouched(&self, from: usize) -> bool {
        (GUARD + from.min(self.len)..GUARD + self.len).all(|i| self.bytes[i] == canary(i))
    }
}
