//! C ABI for panicqr. Placeholder: being written.
#![no_std]
