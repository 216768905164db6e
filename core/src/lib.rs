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

mod bits;
pub mod code;
mod codewords;
pub mod deflate;
#[cfg(feature = "embedded-graphics")]
pub mod draw;
mod encode;
mod error;
pub mod layout;
mod mask;
mod matrix;
pub mod paint;
pub mod payload;
mod reed_solomon;
pub mod segment;
pub mod version;

pub use code::{Polarity, QrCode};
pub use encode::{
    encode_binary, encode_codewords, encode_panic_url, encode_segments, encode_text,
    panic_url_capacity, DataCodewords, Options,
};
pub use error::Error;
pub use mask::Mask;
pub use segment::{Mode, Segment};
pub use version::{image_len, scratch_len, Ecc, Version};
