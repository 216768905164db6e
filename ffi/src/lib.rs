//! The C ABI of panicqr.
//!
//! Two families of functions:
//!
//! - `panicqr_*`: the native API. Every function returns a
//!   [`panicqr_status`], whose numbers never change once released, writes its
//!   outputs only on success, and never writes outside the buffers it is
//!   given. Each output buffer is followed by its length.
//! - `drm_panic_qr_generate` and `drm_panic_qr_max_data_size`: drop-ins for
//!   Linux's `drivers/gpu/drm/drm_panic_qr.rs`, with the same semantics, so
//!   this library links where the kernel's encoder sits.
//!
//! One module per concept, in the order a panic screen uses them:
//!
//! - `status`: the status enum and the text of each status;
//! - `encode`: options, the code's description, buffer sizes, and the
//!   `panicqr_encode_*` calls;
//! - `kmsg`: the kernel log's tail, compressed behind a URL, in one call;
//! - `layout`: where the code and the message go on the screen;
//! - `paint`: the code's pixels, one row at a time;
//! - `drm`: the drop-ins for Linux's `drm_panic_qr_*`.
//!
//! The C structs of the layout are the core's own `#[repr(C)]` types,
//! re-exported here. The header, `include/panicqr.h`, is generated from
//! these modules by cbindgen (`scripts/gen-header.sh`).
//!
//! All unsafe code of the project lives in this crate, behind the checked
//! conversions of the `checked` module. Nothing here allocates, and nothing
//! panics: the kernel object built from this crate references no panic
//! machinery at all, which CI checks (`scripts/build-kernel-object.sh`).
#![no_std]
#![deny(missing_docs)]
#![deny(clippy::undocumented_unsafe_blocks)]
#![allow(non_camel_case_types)]

#[cfg(any(test, feature = "std"))]
extern crate std;

// In the order a panic screen uses them, which is also the header's order.
mod status;

mod encode;

mod kmsg;

mod layout;

mod paint;

mod drm;

// The pointer conversions every module above goes through.
mod checked;

pub use drm::{drm_panic_qr_generate, drm_panic_qr_max_data_size};
pub use encode::{
    panicqr_code, panicqr_encode_binary, panicqr_encode_panic_url, panicqr_encode_text,
    panicqr_image_len, panicqr_options, panicqr_panic_url_capacity, panicqr_scratch_len,
};
pub use kmsg::{
    panicqr_encode_kmsg, panicqr_kmsg_report, panicqr_kmsg_request, panicqr_kmsg_workspace_len,
};
pub use layout::{
    panicqr_layout_place, panicqr_layout_plan, panicqr_policy, Geometry, Rect, Screen,
};
pub use paint::{panicqr_bytes_per_pixel, panicqr_paint_row};
pub use status::{panicqr_status, panicqr_status_str};

/*---- Linking without the standard library ----*/

#[cfg(all(not(feature = "std"), not(test)))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    // No path in this library panics: CI checks that the kernel object
    // references no panic machinery. Should one ever be linked, stopping
    // here is all a panic handler can do.
    loop {}
}

// Built without `std` for Linux, this library still calls `memcpy` and
// `memset`, which the C library provides: the shared library names libc as
// needed, and `native-static-libs` (the pkg-config file's `Libs.private`)
// lists `-lc`.
#[cfg(all(target_os = "linux", not(feature = "std"), not(test)))]
#[link(name = "c")]
extern "C" {}

// The precompiled `core` is built to unwind, so its few functions with
// landing pads (the formatting behind a panic message) point their unwind
// tables at `rust_eh_personality`, which only `std` defines. Linked into a
// C program without `--gc-sections`, or loaded with `dlopen`, the library
// would fail on that undefined symbol. It is defined here, weak and hidden,
// as an alias of `no_unwinding`: weak, so that a program that also links a
// Rust library with `std` gets that library's personality and no duplicate
// definition; hidden, so that the shared library does not export it. A
// static link pulls in the archive member that defines it for the first
// unwind table that names it, whichever module's object that member is
// (`scripts/c-link.sh` links the archive without `--gc-sections`). The kernel
// object (`target_os = "none"`, whose `core` does not unwind) has none.
#[cfg(all(target_os = "linux", not(feature = "std"), not(test)))]
core::arch::global_asm!(
    ".weak rust_eh_personality",
    ".hidden rust_eh_personality",
    ".set rust_eh_personality, {personality}",
    personality = sym no_unwinding,
);

/// The personality routine behind `rust_eh_personality`. Nothing calls it:
/// with `panic = "abort"` nothing in this library unwinds, and it calls no
/// code that could unwind through it. Should an unwinder reach it anyway, it
/// answers `_URC_FATAL_PHASE1_ERROR` (3 in the Itanium C++ ABI), which stops
/// the unwinding and makes the raise fail, rather than run the landing pads
/// of a library built not to unwind.
#[cfg(all(target_os = "linux", not(feature = "std"), not(test)))]
extern "C" fn no_unwinding(
    _version: core::ffi::c_int,
    _actions: core::ffi::c_int,
    _exception_class: u64,
    _exception: *mut core::ffi::c_void,
    _context: *mut core::ffi::c_void,
) -> core::ffi::c_int {
    3
}

#[cfg(test)]
mod tests;
