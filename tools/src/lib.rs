//! The host tools of panicqr: what runs beside the encoder, never in a
//! kernel. In the order a panic code travels:
//!
//! - [`render`]: the panic screen the kernel glue draws, as a picture;
//! - [`camera`]: a simulated phone camera that photographs a painted code,
//!   and the decoders that read the photos;
//! - [`scan`]: finding and reading a code in a screenshot or a photo;
//! - [`decode`]: the log back from a code's payload (URL, digits, inflate);
//! - [`fit_reference`]: the tail fit as it was before the fast estimate,
//!   the anchor of the fit's speed and bytes carried.
//!
//! The examples, integration tests and benchmarks beside this crate use
//! them.

pub mod camera;
pub mod decode;
pub mod fit_reference;
pub mod render;
pub mod scan;

pub use decode::{decode_payload, DecodeError, Decoded};
pub use scan::{load_image, scan_image, GrayImage, ScanError};
