//! The screen layout: where the code and the message go.
//!
//! The C structs `panicqr_rect`, `panicqr_screen` and `panicqr_geometry` are
//! the core's own `#[repr(C)]` [`Rect`], [`Screen`] and [`Geometry`], which
//! cbindgen names so in the header (`ffi/cbindgen.toml`). Only the policy
//! has a C struct of its own: the core's holds a [`Version`] and an
//! [`Ecc`], which are checked when read from C.

use panicqr::screen::layout::{self, Policy};
pub use panicqr::screen::layout::{Geometry, Rect, Screen};
use panicqr::{Ecc, Version};

use crate::checked::{read_struct, write_struct};
use crate::status::panicqr_status::{self, *};
use crate::status::status_of;

/// How to lay out the code. A NULL `const struct panicqr_policy *` means
/// the defaults: scale 2 or more, a quiet zone of 4 modules, up to version
/// 40, ECC L, at most 256 modules across a photo of the screen
/// (`docs/scannability.md` gives the measurements behind 256). A policy
/// initialised to zero but for these fields keeps `max_modules_across` 0:
/// no limit, the largest code that fits.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct panicqr_policy {
    /// The smallest scale, in pixels per module (0 counts as 1).
    pub min_scale: u32,
    /// The quiet zone around the code, in modules.
    pub quiet_zone: u32,
    /// The largest version, 1 to 40.
    pub max_version: u8,
    /// The level the capacity is counted at: 0 = L, 1 = M, 2 = Q, 3 = H.
    pub ecc: u8,
    /// The most modules a photo of the whole screen should have to tell
    /// apart across its width, or 0 for no limit: [`panicqr_layout_plan`]
    /// keeps at least the screen's width (or 4/3 of its height, if larger)
    /// divided by this many pixels per module, choosing a smaller version
    /// when it must, unless not even version 1 fits that way.
    pub max_modules_across: u32,
}

/// Converts a C policy, or NULL for [`Policy::DEFAULT`].
fn policy_from(policy: Option<panicqr_policy>) -> Result<Policy, panicqr_status> {
    let Some(p) = policy else {
        return Ok(Policy::DEFAULT);
    };
    Ok(Policy {
        min_scale: p.min_scale,
        quiet_zone: p.quiet_zone,
        max_version: Version::new(p.max_version).ok_or(PANICQR_ERR_INVALID_ARGUMENT)?,
        ecc: Ecc::from_ordinal(p.ecc).ok_or(PANICQR_ERR_INVALID_ARGUMENT)?,
        max_modules_across: p.max_modules_across,
    })
}

/// Chooses the largest version whose code fits the screen beside the
/// message at the policy's minimum scale, and lays it out.
///
/// On success writes that version to `*max_version` (pass it to the encoder
/// as `options.max_version`) and the layout to `*geometry`. The encoder may
/// choose a smaller version; lay that one out with [`panicqr_layout_place`].
/// Returns `PANICQR_ERR_SCREEN_TOO_SMALL` when not even version 1 fits: the
/// caller falls back to its text screen.
///
/// # Safety
///
/// `screen` points to a readable `struct panicqr_screen`; `policy` is NULL
/// or points to a readable `struct panicqr_policy`; `max_version` and
/// `geometry` point to writable objects.
#[no_mangle]
pub unsafe extern "C" fn panicqr_layout_plan(
    screen: *const Screen,
    policy: *const panicqr_policy,
    max_version: *mut u8,
    geometry: *mut Geometry,
) -> panicqr_status {
    status_of((|| {
        // SAFETY: the caller guarantees the pointers readable when not NULL.
        let (screen, policy) = unsafe {
            (
                read_struct(screen).ok_or(PANICQR_ERR_NULL_POINTER)?,
                policy_from(read_struct(policy))?,
            )
        };
        if max_version.is_null() || geometry.is_null() {
            return Err(PANICQR_ERR_NULL_POINTER);
        }
        let plan = layout::plan(&screen, &policy)?;
        // SAFETY: both pointers are not NULL and the caller guarantees them
        // writable.
        unsafe {
            write_struct(max_version, plan.version.number());
            write_struct(geometry, plan.geometry);
        }
        Ok(())
    })())
}

/// Lays out a code `width_modules` wide at the largest integer scale that
/// fits beside the message.
///
/// # Safety
///
/// As for [`panicqr_layout_plan`], with `geometry` the only output.
#[no_mangle]
pub unsafe extern "C" fn panicqr_layout_place(
    screen: *const Screen,
    policy: *const panicqr_policy,
    width_modules: u32,
    geometry: *mut Geometry,
) -> panicqr_status {
    status_of((|| {
        // SAFETY: the caller guarantees the pointers readable when not NULL.
        let (screen, policy) = unsafe {
            (
                read_struct(screen).ok_or(PANICQR_ERR_NULL_POINTER)?,
                policy_from(read_struct(policy))?,
            )
        };
        if geometry.is_null() {
            return Err(PANICQR_ERR_NULL_POINTER);
        }
        let placed = layout::place(&screen, &policy, width_modules)?;
        // SAFETY: not NULL, and the caller guarantees it writable.
        unsafe { write_struct(geometry, placed) };
        Ok(())
    })())
}
