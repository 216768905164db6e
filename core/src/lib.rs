//! A QR code encoder for kernel panic screens.
//!
//! It is called from a panic handler, so it never allocates, never panics and
//! keeps its stack small: every buffer is the caller's, every failure is an
//! [`Error`] value, and no input can make it index out of bounds.
//!
//! # Words
//!
//! The crate is one pipeline, **encode → modules → paint (pixels)**, and
//! each word below means one thing throughout:
//!
//! - [`qr`] *encodes* data into a code's *modules*, its square of dark and
//!   light cells, one bit each in the caller's image buffer ([`QrCode`]).
//!   Inside, codewords are *placed* among the function patterns, then
//!   masked, and the format information is placed last.
//! - [`payload`] is what a panic encodes: the end of the kernel log,
//!   compressed, fitted to the room and wrapped in a URL.
//! - [`screen`] *lays out* the code on the screen and *paints* its modules
//!   as framebuffer *pixels*. Only its embedded-graphics module *draws*,
//!   because that crate's `Drawable` trait names it so.
//!
//! Modules and pixels are *dark* or *light*: a dark module is the bit value
//! [`Polarity`] says, and is painted in the dark colour, whatever colour the
//! caller picks for it.
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

/// The example in the crate's README.md, run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExample;

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
