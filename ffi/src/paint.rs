//! Painting: one row of the code's canvas at a time, in a DRM pixel format.

use panicqr::screen::layout::Geometry;
use panicqr::screen::paint::{self, Palette, PixelFormat};

use crate::checked::{bytes, bytes_mut, disjoint, read_struct, write_struct, MaybeBytes};
use crate::encode::panicqr_code;
use crate::status::panicqr_status::{self, *};
use crate::status::status_of;

// For the documentation's links.
#[cfg(doc)]
use crate::layout::panicqr_layout_place;

/// Returns the bytes per pixel of a DRM fourcc that the painter supports,
/// or 0 for any other.
#[no_mangle]
pub extern "C" fn panicqr_bytes_per_pixel(fourcc: u32) -> usize {
    PixelFormat::from_fourcc(fourcc).map_or(0, PixelFormat::bytes_per_pixel)
}

/// Paints pixels of one row of the code's canvas into `out`: the quiet zone
/// and light modules in colour `light`, dark modules in colour `dark`, both
/// given as XRGB8888 and converted to `fourcc` as Linux's
/// `drm_draw_color_from_xrgb8888` does.
///
/// It starts at pixel `x` of canvas row `y` (both relative to the canvas)
/// and paints as many whole pixels as `out` holds, up to the end of the row,
/// writing their count to `*pixels`. Bytes of `out` past them are untouched.
/// `image` is the code a `panicqr_encode_*` call wrote (a set bit is dark),
/// and `geometry` a layout of it, as [`panicqr_layout_place`] writes it.
///
/// Returns `PANICQR_ERR_INVALID_ARGUMENT`, and writes nothing, when
/// `geometry` does not match the code: `width_modules` is not the code's
/// width, `scale` is 0, or `canvas` is not the square of
/// `(width_modules + 2 * quiet_zone) * scale` pixels the painter fills.
///
/// # Safety
///
/// `image` points to `image_len` readable bytes; `code` and `geometry` point
/// to readable structs; `out` points to `out_len` writable bytes that do not
/// overlap `image`; `pixels` points to a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn panicqr_paint_row(
    image: *const u8,
    image_len: usize,
    code: *const panicqr_code,
    geometry: *const Geometry,
    fourcc: u32,
    light: u32,
    dark: u32,
    y: u32,
    x: u32,
    out: *mut u8,
    out_len: usize,
    pixels: *mut usize,
) -> panicqr_status {
    status_of((|| {
        // SAFETY: the caller guarantees the pointers as documented; the
        // checked helpers reject NULL, oversized lengths and overlap.
        let (image, c_code, geometry, out) = unsafe {
            let image = bytes(image, image_len)?;
            let c_code: panicqr_code = read_struct(code).ok_or(PANICQR_ERR_NULL_POINTER)?;
            let geometry: Geometry = read_struct(geometry).ok_or(PANICQR_ERR_NULL_POINTER)?;
            disjoint(&[MaybeBytes::of(image), MaybeBytes::raw(out, out_len)])?;
            (image, c_code, geometry, bytes_mut(out, out_len)?)
        };
        if pixels.is_null() {
            return Err(PANICQR_ERR_NULL_POINTER);
        }
        let format = PixelFormat::from_fourcc(fourcc).ok_or(PANICQR_ERR_INVALID_ARGUMENT)?;
        let qr = c_code.view(image)?;
        // The painter computes the canvas side from the scale; the caller
        // places and clips the rows by `canvas`. Both must agree.
        let side = geometry.canvas_pixels();
        if u64::from(geometry.canvas.width) != side || u64::from(geometry.canvas.height) != side {
            return Err(PANICQR_ERR_INVALID_ARGUMENT);
        }
        let palette = Palette::new(format, light, dark);
        let painted = paint::paint_row(&qr, &geometry, &palette, y, x, out)?;
        // SAFETY: not NULL, and the caller guarantees it writable.
        unsafe { write_struct(pixels, painted) };
        Ok(())
    })())
}
