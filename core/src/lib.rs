//! A QR code encoder for kernel panic screens.
//!
//! It is called from a panic handler, so it never allocates, never panics and
//! keeps its stack small: every buffer is the caller's, every failure is an
//! [`Error`] value, and no input can make it index out of bounds.
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[cfg(test)]
extern crate std;

/// How many rounds, cases or bytes a randomized or exhaustive unit test
/// uses: `native` natively, `miri` under Miri, which interprets each step
/// thousands of times slower. `scripts/miri.sh` runs every unit test with
/// the Miri figure, on a big-endian target.
#[cfg(test)]
const fn test_size(native: usize, miri: usize) -> usize {
    if cfg!(miri) {
        miri
    } else {
        native
    }
}

pub mod payload;
pub mod qr;
pub mod screen;

mod error;

pub use error::Error;
pub use qr::code::{Polarity, QrCode};
pub use qr::encode::{
    encode_binary, encode_codewords, encode_panic_url, encode_segments, encode_text,
    panic_url_capacity, DataCodewords, Options,
};
pub use qr::mask::Mask;
pub use qr::segment::{Mode, Segment};
pub use qr::version::{image_len, scratch_len, Ecc, Version};
