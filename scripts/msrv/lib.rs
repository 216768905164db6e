//! Nothing: this package exists so that `cargo build` here builds its
//! dependencies, core and ffi, with the oldest Rust they support.
#![no_std]
