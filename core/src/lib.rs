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

pub mod code;
pub mod deflate;
mod error;
pub mod layout;
pub mod mask;
pub mod paint;
pub mod payload;
pub mod version;

pub use code::{Polarity, QrCode};
pub use error::Error;
pub use mask::Mask;
pub use version::{image_len, scratch_len, Ecc, Version};
