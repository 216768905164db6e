//! The QR encoder: from text or bytes to the modules of a finished code.
//!
//! The first stage of the pipeline. Its modules follow the data:
//!
//! 1. [`version`]: the 40 sizes and 4 error correction levels, and the
//!    buffer lengths each needs;
//! 2. `bits`: the bit writer that packs the data, most significant bit
//!    first;
//! 3. [`segment`]: the data as numeric, alphanumeric and byte segments, the
//!    segmentation of a text that takes the fewest bits, and their bits;
//! 4. `codewords`: the terminator and the padding up to the data capacity;
//! 5. `reed_solomon`: the blocks and their error correction codewords;
//! 6. `rows`: a row of modules as three 64-bit words, and the in-place
//!    transpose that turns columns into rows, for the three stages below;
//! 7. `matrix`: the function patterns (the version information among them),
//!    and the placement of the codewords between them;
//! 8. `format`: the format information and where its modules sit;
//! 9. `mask`: the eight mask patterns and the penalty rules that choose one;
//! 10. [`code`]: the finished code, a view of the caller's image buffer;
//! 11. [`encode`]: the entry points that run the stages above in order.
//!
//! Each module uses only those listed before it, so the module graph has no
//! cycle.
//!
//! The code's modules then go to [`crate::screen`], which lays them out and
//! paints them as pixels.

mod bits;
pub mod code;
mod codewords;
pub mod encode;
mod format;
pub(crate) mod mask;
mod matrix;
mod reed_solomon;
mod rows;
pub mod segment;
pub mod version;
