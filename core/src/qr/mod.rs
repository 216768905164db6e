//! The QR encoder: from text or bytes to the modules of a finished code.
//!
//! The first stage of the pipeline. Its modules follow the data:
//!
//! 1. [`version`]: the 40 sizes and 4 error correction levels, and the
//!    buffer lengths each needs;
//! 2. [`segment`]: the data as numeric, alphanumeric and byte segments, and
//!    the segmentation of a text that takes the fewest bits;
//! 3. `bits`: the bit writer that packs segments, most significant bit first;
//! 4. `codewords`: the terminator and the padding up to the data capacity;
//! 5. `reed_solomon`: the blocks and their error correction codewords;
//! 6. `matrix`: the function patterns, the placement of the codewords in
//!    the module matrix, and the format and version information;
//! 7. `mask`: the eight mask patterns and the penalty rules that choose one;
//! 8. [`code`]: the finished code, a view of the caller's image buffer;
//! 9. `encode`: the entry points that run the stages above in order.
//!
//! The code's modules then go to [`crate::screen`], which lays them out and
//! paints them as pixels.

mod bits;
pub mod code;
mod codewords;
pub(crate) mod encode;
pub(crate) mod mask;
mod matrix;
mod reed_solomon;
pub mod segment;
pub mod version;
