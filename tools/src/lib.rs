//! Host-side helpers shared by the examples, integration tests and benchmarks:
//! reading payloads back from URLs and images. Nothing here runs in a kernel.

pub mod decode;
pub mod render;
pub mod scan;

pub use decode::{decode_payload, DecodeError, Decoded};
pub use scan::{load_image, scan_image, GrayImage, ScanError};
