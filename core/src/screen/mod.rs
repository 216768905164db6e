//! The panic screen: where the code goes, and its modules as pixels.
//!
//! The last stage of the pipeline, after [`crate::qr`] has made the code:
//!
//! - [`layout`] places the canvas (the code and its quiet zone) and the
//!   message on the screen, and picks the largest version that fits;
//! - [`paint`] turns the canvas into framebuffer pixels, one span of a row
//!   at a time, in every pixel format Linux's panic handler draws;
//! - `graphics` (with the `embedded-graphics` feature) sends the canvas to
//!   any embedded-graphics `DrawTarget` instead.

#[cfg(feature = "embedded-graphics")]
pub mod graphics;
pub mod layout;
pub mod paint;
