//! The row painter: framebuffer pixels for the canvas, one span at a time.
//!
//! The canvas is the code and its quiet zone, scaled by an integer, as
//! [`crate::screen::layout`] places it. Light modules and the quiet zone take
//! the light colour, dark modules the dark colour. On Linux's panic screen
//! the light colour is the text colour (usually white) and the dark one the
//! background (usually black).
//!
//! Pixels are written byte by byte in the little-endian order the DRM
//! formats define, so the output is the same on every host. Colours are
//! converted once, in [`Palette::new`]; the inner loops then copy whole runs
//! of modules of one colour, with one loop for each pixel size.
//!
//! Every write is bounded by the caller's slice: a short slice gives an error
//! or a shorter span, never a write outside it.

use crate::screen::layout::Geometry;
use crate::{Error, Polarity, QrCode};

/// Builds a DRM fourcc code from its four characters, as `fourcc_code()` in
/// `drm_fourcc.h`.
const fn fourcc(code: &[u8; 4]) -> u32 {
    u32::from_le_bytes(*code)
}

/// A framebuffer pixel format that Linux's panic handler can draw.
///
/// The names are the DRM ones: the channels from the most significant bit
/// down, in a little-endian word. The alpha channels are written opaque.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PixelFormat {
    /// `DRM_FORMAT_RGB565`: 16 bits, R:G:B 5:6:5.
    Rgb565,
    /// `DRM_FORMAT_RGBA5551`: 16 bits, R:G:B:A 5:5:5:1.
    Rgba5551,
    /// `DRM_FORMAT_XRGB1555`: 16 bits, x:R:G:B 1:5:5:5.
    Xrgb1555,
    /// `DRM_FORMAT_ARGB1555`: 16 bits, A:R:G:B 1:5:5:5.
    Argb1555,
    /// `DRM_FORMAT_RGB888`: 24 bits, R:G:B, so blue, green, red in memory.
    Rgb888,
    /// `DRM_FORMAT_BGR888`: 24 bits, B:G:R, so red, green, blue in memory.
    /// Linux 6.12's `drm_draw_color_from_xrgb8888` lacks it.
    Bgr888,
    /// `DRM_FORMAT_XRGB8888`: 32 bits, x:R:G:B 8:8:8:8.
    Xrgb8888,
    /// `DRM_FORMAT_ARGB8888`: 32 bits, A:R:G:B 8:8:8:8.
    Argb8888,
    /// `DRM_FORMAT_XBGR8888`: 32 bits, x:B:G:R 8:8:8:8.
    Xbgr8888,
    /// `DRM_FORMAT_ABGR8888`: 32 bits, A:B:G:R 8:8:8:8.
    Abgr8888,
    /// `DRM_FORMAT_XRGB2101010`: 32 bits, x:R:G:B 2:10:10:10.
    Xrgb2101010,
    /// `DRM_FORMAT_ARGB2101010`: 32 bits, A:R:G:B 2:10:10:10.
    Argb2101010,
    /// `DRM_FORMAT_ABGR2101010`: 32 bits, A:B:G:R 2:10:10:10.
    Abgr2101010,
}

impl PixelFormat {
    /// Every format, in declaration order.
    pub const ALL: [PixelFormat; 13] = [
        PixelFormat::Rgb565,
        PixelFormat::Rgba5551,
        PixelFormat::Xrgb1555,
        PixelFormat::Argb1555,
        PixelFormat::Rgb888,
        PixelFormat::Bgr888,
        PixelFormat::Xrgb8888,
        PixelFormat::Argb8888,
        PixelFormat::Xbgr8888,
        PixelFormat::Abgr8888,
        PixelFormat::Xrgb2101010,
        PixelFormat::Argb2101010,
        PixelFormat::Abgr2101010,
    ];

    /// Returns the format with this DRM fourcc code, or `None` for any other
    /// code, big-endian variants (`DRM_FORMAT_BIG_ENDIAN`) included.
    ///
    /// ```
    /// use panicqr::screen::paint::PixelFormat;
    ///
    /// let xrgb8888 = u32::from_le_bytes(*b"XR24");
    /// assert_eq!(PixelFormat::from_fourcc(xrgb8888), Some(PixelFormat::Xrgb8888));
    /// assert_eq!(PixelFormat::from_fourcc(xrgb8888 | 1 << 31), None);
    /// ```
    pub const fn from_fourcc(code: u32) -> Option<PixelFormat> {
        let mut i = 0;
        while i < PixelFormat::ALL.len() {
            if PixelFormat::ALL[i].fourcc() == code {
                return Some(PixelFormat::ALL[i]);
            }
            i += 1;
        }
        None
    }

    /// Returns the DRM fourcc code.
    pub const fn fourcc(self) -> u32 {
        match self {
            PixelFormat::Rgb565 => fourcc(b"RG16"),
            PixelFormat::Rgba5551 => fourcc(b"RA15"),
            PixelFormat::Xrgb1555 => fourcc(b"XR15"),
            PixelFormat::Argb1555 => fourcc(b"AR15"),
            PixelFormat::Rgb888 => fourcc(b"RG24"),
            PixelFormat::Bgr888 => fourcc(b"BG24"),
            PixelFormat::Xrgb8888 => fourcc(b"XR24"),
            PixelFormat::Argb8888 => fourcc(b"AR24"),
            PixelFormat::Xbgr8888 => fourcc(b"XB24"),
            PixelFormat::Abgr8888 => fourcc(b"AB24"),
            PixelFormat::Xrgb2101010 => fourcc(b"XR30"),
            PixelFormat::Argb2101010 => fourcc(b"AR30"),
            PixelFormat::Abgr2101010 => fourcc(b"AB30"),
        }
    }

    /// Returns the bytes in one pixel: 2, 3 or 4.
    pub const fn bytes_per_pixel(self) -> usize {
        match self {
            PixelFormat::Rgb565
            | PixelFormat::Rgba5551
            | PixelFormat::Xrgb1555
            | PixelFormat::Argb1555 => 2,
            PixelFormat::Rgb888 | PixelFormat::Bgr888 => 3,
            PixelFormat::Xrgb8888
            | PixelFormat::Argb8888
            | PixelFormat::Xbgr8888
            | PixelFormat::Abgr8888
            | PixelFormat::Xrgb2101010
            | PixelFormat::Argb2101010
            | PixelFormat::Abgr2101010 => 4,
        }
    }

    /// Converts an XRGB8888 colour to this format's pixel value, as Linux's
    /// `drm_draw_color_from_xrgb8888` does. Channels are truncated to fewer
    /// bits and widened to 10 bits by repeating their top bits; alpha is set
    /// opaque. As on Linux, the `x` byte of the input is kept by XRGB8888,
    /// XBGR8888 and RGB888 (where it is not written). BGR888 swaps red and
    /// blue and drops it.
    ///
    /// ```
    /// use panicqr::screen::paint::PixelFormat;
    ///
    /// assert_eq!(PixelFormat::Rgb565.from_xrgb8888(0x00ff_ffff), 0xffff);
    /// assert_eq!(PixelFormat::Argb2101010.from_xrgb8888(0x0012_3456), 0xc483_4159);
    /// ```
    pub const fn from_xrgb8888(self, color: u32) -> u32 {
        match self {
            PixelFormat::Rgb565 => {
                (color & 0x00f8_0000) >> 8 | (color & 0x0000_fc00) >> 5 | (color & 0x0000_00f8) >> 3
            }
            PixelFormat::Rgba5551 => {
                (color & 0x00f8_0000) >> 8
                    | (color & 0x0000_f800) >> 5
                    | (color & 0x0000_00f8) >> 2
                    | 1
            }
            PixelFormat::Xrgb1555 => xrgb1555(color),
            PixelFormat::Argb1555 => 1 << 15 | xrgb1555(color),
            PixelFormat::Rgb888 | PixelFormat::Xrgb8888 => color,
            PixelFormat::Bgr888 => xbgr8888(color) & 0x00ff_ffff,
            PixelFormat::Argb8888 => 0xff00_0000 | color,
            PixelFormat::Xbgr8888 => xbgr8888(color),
            PixelFormat::Abgr8888 => 0xff00_0000 | xbgr8888(color),
            PixelFormat::Xrgb2101010 => widen_to_10_bits(
                (color & 0x0000_00ff) << 2
                    | (color & 0x0000_ff00) << 4
                    | (color & 0x00ff_0000) << 6,
            ),
            PixelFormat::Argb2101010 => {
                0xc000_0000
                    | widen_to_10_bits(
                        (color & 0x0000_00ff) << 2
                            | (color & 0x0000_ff00) << 4
                            | (color & 0x00ff_0000) << 6,
                    )
            }
            PixelFormat::Abgr2101010 => {
                0xc000_0000
                    | widen_to_10_bits(
                        (color & 0x00ff_0000) >> 14
                            | (color & 0x0000_ff00) << 4
                            | (color & 0x0000_00ff) << 22,
                    )
            }
        }
    }

    /// Returns the bytes of one pixel of an XRGB8888 colour, in memory order.
    /// Only the first [`PixelFormat::bytes_per_pixel`] bytes are used; the
    /// rest are those of the little-endian word and mean nothing.
    ///
    /// ```
    /// use panicqr::screen::paint::PixelFormat;
    ///
    /// assert_eq!(PixelFormat::Rgb888.pixel(0x0012_3456)[..3], [0x56, 0x34, 0x12]);
    /// assert_eq!(PixelFormat::Bgr888.pixel(0x0012_3456)[..3], [0x12, 0x34, 0x56]);
    /// ```
    pub const fn pixel(self, color: u32) -> [u8; 4] {
        self.from_xrgb8888(color).to_le_bytes()
    }
}

/// Converts to XRGB1555, as `drm_pixel_xrgb8888_to_xrgb1555`.
const fn xrgb1555(color: u32) -> u32 {
    (color & 0x00f8_0000) >> 9 | (color & 0x0000_f800) >> 6 | (color & 0x0000_00f8) >> 3
}

/// Swaps red and blue and keeps the `x` byte, as
/// `drm_pixel_xrgb8888_to_xbgr8888`.
const fn xbgr8888(color: u32) -> u32 {
    color & 0xff00_ff00 | (color & 0x00ff_0000) >> 16 | (color & 0x0000_00ff) << 16
}

/// Fills the two low bits of each 10-bit channel with the channel's two top
/// bits, so that 0xff becomes 0x3ff.
const fn widen_to_10_bits(pixel: u32) -> u32 {
    pixel | (pixel >> 8) & 0x0030_0c03
}

/// A pixel format and the two colours, converted once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Palette {
    format: PixelFormat,
    light: [u8; 4],
    dark: [u8; 4],
}

impl Palette {
    /// Converts the light colour (quiet zone and light modules) and the dark
    /// colour (dark modules), both XRGB8888, to `format`.
    pub const fn new(format: PixelFormat, light: u32, dark: u32) -> Palette {
        Palette {
            format,
            light: format.pixel(light),
            dark: format.pixel(dark),
        }
    }

    /// Returns the pixel format.
    pub const fn format(&self) -> PixelFormat {
        self.format
    }

    /// Returns the bytes of one light pixel.
    pub fn light(&self) -> &[u8] {
        let bytes = self.format.bytes_per_pixel();
        self.light.get(..bytes).unwrap_or(&self.light)
    }

    /// Returns the bytes of one dark pixel.
    pub fn dark(&self) -> &[u8] {
        let bytes = self.format.bytes_per_pixel();
        self.dark.get(..bytes).unwrap_or(&self.dark)
    }
}

/// Paints part of one canvas row: the pixels from column `x` of row `y`, in
/// canvas coordinates (0, 0 is the top left of the quiet zone), as many as
/// `out` holds whole or up to the end of the row, whichever comes first.
///
/// Returns the number of pixels written, `bytes_per_pixel()` bytes each from
/// the start of `out`; bytes after them are untouched. This lets a caller
/// paint a row in chunks through a small buffer:
///
/// ```
/// use panicqr::screen::layout::{place, Policy, Screen};
/// use panicqr::screen::paint::{paint_row, Palette, PixelFormat};
/// use panicqr::{Ecc, Mask, Polarity, QrCode, Version};
///
/// let image = [0u8; 21 * 3]; // All light: a blank version 1 code.
/// let code = QrCode::from_image(
///     Version::MIN, Ecc::Low, Mask::new(0).unwrap(), Polarity::DarkIsSet, &image,
/// )?;
/// let screen = Screen { width: 640, height: 480, ..Screen::default() };
/// let geometry = place(&screen, &Policy::DEFAULT, 21).unwrap();
/// let palette = Palette::new(PixelFormat::Rgb888, 0xffffff, 0);
///
/// let mut chunk = [0u8; 256];
/// let mut x = 0;
/// while x < geometry.canvas.width {
///     let written = paint_row(&code, &geometry, &palette, 0, x, &mut chunk)?;
///     // Copy `chunk[..written * 3]` to the screen here.
///     x += written as u32;
/// }
/// # Ok::<(), panicqr::Error>(())
/// ```
///
/// # Errors
///
/// - [`Error::InvalidArgument`] when `geometry` does not match `code` (its
///   `width_modules` differs or its scale is 0), when `y` is below the
///   canvas or `x` is right of it. An `x` at the right edge gives `Ok(0)`.
/// - [`Error::BufferTooSmall`] when pixels remain but `out` cannot hold one.
pub fn paint_row(
    code: &QrCode<'_>,
    geometry: &Geometry,
    palette: &Palette,
    y: u32,
    x: u32,
    out: &mut [u8],
) -> Result<usize, Error> {
    let side = canvas_side(code, geometry)?;
    let (y, x) = (u64::from(y), u64::from(x));
    if y >= side || x > side {
        return Err(Error::InvalidArgument);
    }
    // At least 2; the `max` shows the compiler the divisor is not 0.
    let bytes = palette.format.bytes_per_pixel().max(1);
    // `out.len() / bytes` fits a `u64`; the span is at most that, so it fits
    // a `usize` again.
    let room = (out.len() / bytes) as u64;
    let span = (side - x).min(room);
    if span == 0 && x < side {
        return Err(Error::BufferTooSmall { needed: bytes });
    }
    let span = span as usize;
    // At most `out.len()`: no wrap.
    let out = out
        .get_mut(..span.wrapping_mul(bytes))
        .ok_or(Error::InvalidArgument)?;

    // `canvas_side` refused a scale of 0.
    let scale = u64::from(geometry.scale);
    let module_y = y.checked_div(scale).ok_or(Error::InvalidArgument)?;
    let row = CanvasRow::new(code, geometry, module_y);
    match bytes {
        2 => paint_modules::<2>(out, palette, &row, x, scale),
        3 => paint_modules::<3>(out, palette, &row, x, scale),
        _ => paint_modules::<4>(out, palette, &row, x, scale),
    }
    Ok(span)
}

/// Paints the whole canvas into a linear framebuffer whose top left pixel is
/// the screen's (0, 0), at `geometry.canvas`. `pitch` is the distance in
/// bytes from one framebuffer row to the next. Only the canvas pixels are
/// written.
///
/// # Errors
///
/// - [`Error::InvalidArgument`] when `geometry` does not match `code`, when
///   `geometry.canvas` is not the square its scale gives, or when a canvas
///   row does not fit in `pitch`.
/// - [`Error::BufferTooSmall`] when `framebuffer` ends before the canvas
///   does. Nothing is written then.
pub fn paint_canvas(
    code: &QrCode<'_>,
    geometry: &Geometry,
    palette: &Palette,
    framebuffer: &mut [u8],
    pitch: usize,
) -> Result<(), Error> {
    let side = canvas_side(code, geometry)?;
    let canvas = geometry.canvas;
    if u64::from(canvas.width) != side || u64::from(canvas.height) != side {
        return Err(Error::InvalidArgument);
    }
    if side == 0 {
        return Ok(());
    }
    let bytes = palette.format.bytes_per_pixel();
    let size = |value: u32| usize::try_from(value).map_err(|_| Error::InvalidArgument);
    let (x, y, side) = (size(canvas.x)?, size(canvas.y)?, size(canvas.width)?);
    let row_start = x.checked_mul(bytes).ok_or(Error::InvalidArgument)?;
    let row_len = side.checked_mul(bytes).ok_or(Error::InvalidArgument)?;
    let row_end = row_start
        .checked_add(row_len)
        .ok_or(Error::InvalidArgument)?;
    if row_end > pitch {
        return Err(Error::InvalidArgument);
    }
    // The last row starts at `(y + side - 1) × pitch` and ends `row_end`
    // bytes later.
    let needed = y
        .checked_add(side - 1)
        .and_then(|last| last.checked_mul(pitch))
        .and_then(|start| start.checked_add(row_end))
        .ok_or(Error::BufferTooSmall { needed: usize::MAX })?;
    if framebuffer.len() < needed {
        return Err(Error::BufferTooSmall { needed });
    }

    let scale = geometry.scale as usize;
    let mut previous = 0usize;
    for row in 0..side {
        // In range, checked against `needed` above: no wrap. Wrapping and
        // checked operations throughout, as rustc 1.78's LLVM does not see
        // that on its own and would keep overflow checks.
        let start = y
            .wrapping_add(row)
            .wrapping_mul(pitch)
            .wrapping_add(row_start);
        let end = start.wrapping_add(row_len);
        if row.checked_rem(scale).unwrap_or(0) != 0 {
            // Same module row as the one above: copy it.
            if start <= framebuffer.len() {
                let (above, here) = framebuffer.split_at_mut(start);
                let source = above.get(previous..previous.wrapping_add(row_len));
                let target = here.get_mut(..row_len);
                if let (Some(source), Some(target)) = (source, target) {
                    target.copy_from_slice(source);
                }
            }
        } else {
            let target = framebuffer
                .get_mut(start..end)
                .ok_or(Error::BufferTooSmall { needed })?;
            paint_row(code, geometry, palette, row as u32, 0, target)?;
            previous = start;
        }
    }
    Ok(())
}

/// Fills `out` with as many whole pixels of the XRGB8888 `color` as it holds,
/// and returns how many. Bytes after the last whole pixel are untouched.
pub fn fill(format: PixelFormat, color: u32, out: &mut [u8]) -> usize {
    let pixel = format.pixel(color);
    match format.bytes_per_pixel() {
        2 => fill_pixels(out, first::<2>(pixel)),
        3 => fill_pixels(out, first::<3>(pixel)),
        _ => fill_pixels(out, first::<4>(pixel)),
    }
}

/// Returns the canvas side in pixels after checking that `geometry` fits
/// `code`.
fn canvas_side(code: &QrCode<'_>, geometry: &Geometry) -> Result<u64, Error> {
    if geometry.width_modules != u32::from(code.width()) || geometry.scale == 0 {
        return Err(Error::InvalidArgument);
    }
    Ok(geometry.canvas_pixels())
}

/// One canvas row of modules: which canvas columns are dark.
struct CanvasRow<'a> {
    /// The code row's bits, or `None` in the quiet zone above and below.
    bits: Option<&'a [u8]>,
    /// The bit value of a dark module.
    dark: u8,
    /// The quiet zone width in modules.
    quiet_zone: u64,
    /// The code width in modules.
    width: u64,
}

impl<'a> CanvasRow<'a> {
    /// Reads canvas module row `row`.
    fn new(code: &QrCode<'a>, geometry: &Geometry, row: u64) -> CanvasRow<'a> {
        let quiet_zone = u64::from(geometry.quiet_zone);
        let bits = row
            .checked_sub(quiet_zone)
            .and_then(|row| u8::try_from(row).ok())
            .and_then(|row| code.row(row));
        CanvasRow {
            bits,
            dark: u8::from(code.polarity() == Polarity::DarkIsSet),
            quiet_zone,
            width: u64::from(code.width()),
        }
    }

    /// Returns whether the module at canvas column `column` is dark.
    fn is_dark(&self, column: u64) -> bool {
        let Some(bits) = self.bits else {
            return false;
        };
        let Some(x) = column.checked_sub(self.quiet_zone) else {
            return false;
        };
        if x >= self.width {
            return false;
        }
        // `x < width <= 177`.
        let x = x as usize;
        bits.get(x / 8)
            .is_some_and(|byte| byte >> (7 - x % 8) & 1 == self.dark)
    }

    /// Returns whether the whole row is light: quiet zone above or below.
    fn is_blank(&self) -> bool {
        self.bits.is_none()
    }
}

/// Paints `out.len() / N` pixels from canvas column `x` of `row`, module by
/// module. Modules of a code are close to random, so each picks its pixel
/// with a mask rather than a branch: branching on the colour mispredicted
/// about once a run, which cost more than the stores.
fn paint_modules<const N: usize>(
    out: &mut [u8],
    palette: &Palette,
    row: &CanvasRow<'_>,
    x: u64,
    scale: u64,
) {
    let light = first::<N>(palette.light);
    let dark = first::<N>(palette.dark);
    if row.is_blank() {
        fill_pixels(out, light);
        return;
    }
    // `paint_row` refused a scale of 0.
    let (Some(mut column), Some(offset)) = (x.checked_div(scale), x.checked_rem(scale)) else {
        return;
    };
    let mut pixels = out.chunks_exact_mut(N);
    // Pixels of the first module: at least 1, as `offset < scale`.
    let mut count = scale.wrapping_sub(offset);
    loop {
        // All ones for a dark module, else zero.
        let select = 0u8.wrapping_sub(u8::from(row.is_dark(column)));
        let mut pixel = light;
        for (byte, dark) in pixel.iter_mut().zip(dark) {
            *byte ^= (*byte ^ dark) & select;
        }
        for _ in 0..count {
            let Some(out) = pixels.next() else {
                return;
            };
            out.copy_from_slice(&pixel);
        }
        // Columns of the canvas, far below `u64::MAX`: no wrap.
        column = column.wrapping_add(1);
        count = scale;
    }
}

/// Fills `out` with whole copies of `pixel` and returns how many.
fn fill_pixels<const N: usize>(out: &mut [u8], pixel: [u8; N]) -> usize {
    let mut count = 0usize;
    for chunk in out.chunks_exact_mut(N) {
        chunk.copy_from_slice(&pixel);
        // Pixels of a slice: no wrap.
        count = count.wrapping_add(1);
    }
    count
}

/// Returns the first `N` bytes of a pixel, `N <= 4`.
fn first<const N: usize>(pixel: [u8; 4]) -> [u8; N] {
    let mut out = [0; N];
    for (out, byte) in out.iter_mut().zip(pixel) {
        *out = byte;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::screen::layout::Rect;
    use crate::{Ecc, Mask, Version};
    use std::vec;
    use std::vec::Vec;

    const LIGHT: u32 = 0x00ff_ffff;
    const DARK: u32 = 0x0012_3456;

    #[test]
    fn fourcc_codes() {
        // "XR24" from drm_fourcc.h: 'X' | 'R' << 8 | '2' << 16 | '4' << 24.
        assert_eq!(PixelFormat::Xrgb8888.fourcc(), 0x3432_5258);
        assert_eq!(PixelFormat::Rgb565.fourcc(), 0x3631_4752);
        for format in PixelFormat::ALL {
            assert_eq!(PixelFormat::from_fourcc(format.fourcc()), Some(format));
            assert_eq!(
                PixelFormat::from_fourcc(format.fourcc() | 1 << 31),
                None,
                "big-endian {format:?}"
            );
        }
        assert_eq!(PixelFormat::from_fourcc(0), None);
        assert_eq!(PixelFormat::from_fourcc(u32::from_le_bytes(*b"NV12")), None);
        let bytes: Vec<usize> = PixelFormat::ALL
            .iter()
            .map(|f| f.bytes_per_pixel())
            .collect();
        assert_eq!(bytes, [2, 2, 2, 2, 3, 3, 4, 4, 4, 4, 4, 4, 4]);
    }

    #[test]
    fn colour_conversion_matches_hand_computed_values() {
        use PixelFormat::*;
        // Columns: 0x00123456, white, black, and 0xaa123456 (a set x byte).
        // For 0x123456: R = 0x12, G = 0x34, B = 0x56. RGB565 keeps 2, 13,
        // 10; 5-bit green is 6; 10-bit channels are 0x048, 0x0d0, 0x159.
        let table: [(PixelFormat, [u32; 4]); 13] = [
            (Rgb565, [0x11aa, 0xffff, 0x0000, 0x11aa]),
            (Rgba5551, [0x1195, 0xffff, 0x0001, 0x1195]),
            (Xrgb1555, [0x08ca, 0x7fff, 0x0000, 0x08ca]),
            (Argb1555, [0x88ca, 0xffff, 0x8000, 0x88ca]),
            (Rgb888, [0x0012_3456, 0x00ff_ffff, 0, 0xaa12_3456]),
            (Bgr888, [0x0056_3412, 0x00ff_ffff, 0, 0x0056_3412]),
            (Xrgb8888, [0x0012_3456, 0x00ff_ffff, 0, 0xaa12_3456]),
            (
                Argb8888,
                [0xff12_3456, 0xffff_ffff, 0xff00_0000, 0xff12_3456],
            ),
            (Xbgr8888, [0x0056_3412, 0x00ff_ffff, 0, 0xaa56_3412]),
            (
                Abgr8888,
                [0xff56_3412, 0xffff_ffff, 0xff00_0000, 0xff56_3412],
            ),
            (Xrgb2101010, [0x0483_4159, 0x3fff_ffff, 0, 0x0483_4159]),
            (
                Argb2101010,
                [0xc483_4159, 0xffff_ffff, 0xc000_0000, 0xc483_4159],
            ),
            (
                Abgr2101010,
                [0xd593_4048, 0xffff_ffff, 0xc000_0000, 0xd593_4048],
            ),
        ];
        for (format, expected) in table {
            let inputs = [0x0012_3456, 0x00ff_ffff, 0, 0xaa12_3456];
            for (input, expected) in inputs.into_iter().zip(expected) {
                assert_eq!(
                    format.from_xrgb8888(input),
                    expected,
                    "{format:?} {input:#x}"
                );
            }
        }
    }

    #[test]
    fn pixel_bytes_are_little_endian() {
        use PixelFormat::*;
        let table: [(PixelFormat, &[u8]); 13] = [
            (Rgb565, &[0xaa, 0x11]),
            (Rgba5551, &[0x95, 0x11]),
            (Xrgb1555, &[0xca, 0x08]),
            (Argb1555, &[0xca, 0x88]),
            (Rgb888, &[0x56, 0x34, 0x12]),
            (Bgr888, &[0x12, 0x34, 0x56]),
            (Xrgb8888, &[0x56, 0x34, 0x12, 0x00]),
            (Argb8888, &[0x56, 0x34, 0x12, 0xff]),
            (Xbgr8888, &[0x12, 0x34, 0x56, 0x00]),
            (Abgr8888, &[0x12, 0x34, 0x56, 0xff]),
            (Xrgb2101010, &[0x59, 0x41, 0x83, 0x04]),
            (Argb2101010, &[0x59, 0x41, 0x83, 0xc4]),
            (Abgr2101010, &[0x48, 0x40, 0x93, 0xd5]),
        ];
        for (format, bytes) in table {
            let palette = Palette::new(format, 0x0012_3456, 0);
            assert_eq!(palette.light(), bytes, "{format:?}");
            assert_eq!(palette.dark().len(), bytes.len());
            assert_eq!(palette.format(), format);
        }
    }

    /// A hand-made 21×21 pattern: finder-like corners and a scatter of dark
    /// modules, no structure the painter could rely on.
    fn pattern(x: usize, y: usize) -> bool {
        let corner = |a: usize, b: usize| {
            a < 7
                && b < 7
                && (a % 6 == 0 || b % 6 == 0 || (2..5).contains(&a) && (2..5).contains(&b))
        };
        corner(x, y) || corner(20 - x, y) || corner(x, 20 - y) || (x * 7 + y * 13 + x * y) % 5 < 2
    }

    fn image(polarity: Polarity) -> [u8; 63] {
        let mut image = [0u8; 63];
        for y in 0..21 {
            for x in 0..21 {
                if pattern(x, y) == (polarity == Polarity::DarkIsSet) {
                    image[y * 3 + x / 8] |= 0x80 >> (x % 8);
                }
            }
        }
        image
    }

    fn code(image: &[u8], polarity: Polarity) -> QrCode<'_> {
        QrCode::from_image(
            Version::MIN,
            Ecc::Low,
            Mask::new(3).unwrap(),
            polarity,
            image,
        )
        .unwrap()
    }

    fn geometry(scale: u32, quiet_zone: u32, x: u32, y: u32) -> Geometry {
        let side = (21 + 2 * quiet_zone) * scale;
        Geometry {
            canvas: Rect {
                x,
                y,
                width: side,
                height: side,
            },
            modules: Rect {
                x: x + quiet_zone * scale,
                y: y + quiet_zone * scale,
                width: 21 * scale,
                height: 21 * scale,
            },
            text: Rect::default(),
            scale,
            quiet_zone,
            width_modules: 21,
        }
    }

    #[test]
    fn painted_canvas_reads_back_as_the_matrix() {
        const GUARD: u8 = 0xa5;
        // Under Miri, one polarity and one geometry, in every format.
        let polarities: &[Polarity] = if cfg!(miri) {
            &[Polarity::LightIsSet]
        } else {
            &[Polarity::DarkIsSet, Polarity::LightIsSet]
        };
        for &polarity in polarities {
            let image = image(polarity);
            let code = code(&image, polarity);
            for format in PixelFormat::ALL {
                let palette = Palette::new(format, LIGHT, DARK);
                let bpp = format.bytes_per_pixel();
                let geometries: &[(u32, u32)] = if cfg!(miri) {
                    &[(3, 1)]
                } else {
                    &[(1, 0), (1, 4), (2, 4), (3, 1), (5, 4)]
                };
                for &(scale, quiet_zone) in geometries {
                    let (left, top) = (3, 2);
                    let g = geometry(scale, quiet_zone, left, top);
                    let side = g.canvas.width as usize;
                    // An odd pitch with slack after each row.
                    let pitch = (left as usize + side) * bpp + 7;
                    let rows = top as usize + side + 1;
                    let mut fb = vec![GUARD; rows * pitch];
                    paint_canvas(&code, &g, &palette, &mut fb, pitch).unwrap();
                    for py in 0..rows {
                        for px in 0..pitch {
                            let byte = fb[py * pitch + px];
                            let cy = py;
                            let inside = px >= left as usize * bpp
                                && px < (left as usize + side) * bpp
                                && cy >= top as usize
                                && cy < top as usize + side;
                            if !inside {
                                assert_eq!(byte, GUARD, "{format:?} outside at {px},{py}");
                            }
                        }
                    }
                    // Read each canvas pixel back to dark or light.
                    for cy in 0..side {
                        for cx in 0..side {
                            let at = (top as usize + cy) * pitch + (left as usize + cx) * bpp;
                            let pixel = &fb[at..at + bpp];
                            let dark = if pixel == palette.dark() {
                                true
                            } else {
                                assert_eq!(pixel, palette.light());
                                false
                            };
                            let mx = (cx / scale as usize) as isize - quiet_zone as isize;
                            let my = (cy / scale as usize) as isize - quiet_zone as isize;
                            let expected = (0..21).contains(&mx)
                                && (0..21).contains(&my)
                                && pattern(mx as usize, my as usize);
                            assert_eq!(dark, expected, "{format:?} {polarity:?} at {cx},{cy}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn chunked_rows_equal_whole_rows() {
        let image = image(Polarity::LightIsSet);
        let code = code(&image, Polarity::LightIsSet);
        for format in PixelFormat::ALL {
            let palette = Palette::new(format, LIGHT, DARK);
            let bpp = format.bytes_per_pixel();
            // Under Miri, one of the geometries.
            let geometries: &[(u32, u32)] = if cfg!(miri) {
                &[(3, 4)]
            } else {
                &[(1, 4), (3, 4), (7, 2)]
            };
            for &(scale, quiet_zone) in geometries {
                let g = geometry(scale, quiet_zone, 0, 0);
                let side = g.canvas.width as usize;
                for y in [
                    0,
                    quiet_zone * scale,
                    quiet_zone * scale + 5,
                    side as u32 - 1,
                ] {
                    let mut whole = vec![0u8; side * bpp];
                    assert_eq!(paint_row(&code, &g, &palette, y, 0, &mut whole), Ok(side));
                    // Chunk sizes that are and are not whole pixels.
                    for chunk in [bpp, bpp + 1, 2 * bpp - 1, 13, 64, 255, 256, 512] {
                        let mut joined = Vec::new();
                        let mut x = 0;
                        while x < side {
                            let mut buffer = vec![0x5au8; chunk];
                            let n =
                                paint_row(&code, &g, &palette, y, x as u32, &mut buffer).unwrap();
                            assert!(n > 0 && n <= chunk / bpp);
                            assert!(buffer[n * bpp..].iter().all(|&b| b == 0x5a));
                            joined.extend_from_slice(&buffer[..n * bpp]);
                            x += n;
                        }
                        assert_eq!(x, side);
                        assert_eq!(
                            joined, whole,
                            "{format:?} scale {scale} y {y} chunk {chunk}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn modules_leave_a_partial_last_pixel_alone() {
        let image = image(Polarity::DarkIsSet);
        let code = code(&image, Polarity::DarkIsSet);
        let g = geometry(3, 4, 0, 0);
        let side = g.canvas.width as usize;
        // A canvas row through the code, with dark and light modules.
        let y = (4 + 7) * 3;
        let row = CanvasRow::new(&code, &g, u64::from(y / g.scale));
        for format in [
            PixelFormat::Rgb565,
            PixelFormat::Rgb888,
            PixelFormat::Xrgb8888,
        ] {
            let palette = Palette::new(format, LIGHT, DARK);
            let bpp = format.bytes_per_pixel();
            let mut whole = vec![0u8; side * bpp];
            assert_eq!(paint_row(&code, &g, &palette, y, 0, &mut whole), Ok(side));
            for extra in 1..bpp {
                let painted = (side - 1) * bpp;
                let mut out = vec![0x5au8; painted + extra];
                match bpp {
                    2 => paint_modules::<2>(&mut out, &palette, &row, 0, 3),
                    3 => paint_modules::<3>(&mut out, &palette, &row, 0, 3),
                    _ => paint_modules::<4>(&mut out, &palette, &row, 0, 3),
                }
                assert_eq!(out[..painted], whole[..painted], "{format:?} +{extra}");
                assert!(out[painted..].iter().all(|&b| b == 0x5a), "{format:?}");
            }
        }
    }

    #[test]
    fn bad_arguments_are_errors() {
        let image = image(Polarity::DarkIsSet);
        let code = code(&image, Polarity::DarkIsSet);
        let palette = Palette::new(PixelFormat::Rgb888, LIGHT, DARK);
        let g = geometry(2, 4, 0, 0);
        let side = g.canvas.width;
        let mut out = [0u8; 64];
        assert_eq!(
            paint_row(&code, &g, &palette, side, 0, &mut out),
            Err(Error::InvalidArgument)
        );
        assert_eq!(
            paint_row(&code, &g, &palette, 0, side + 1, &mut out),
            Err(Error::InvalidArgument)
        );
        assert_eq!(paint_row(&code, &g, &palette, 0, side, &mut out), Ok(0));
        assert_eq!(
            paint_row(&code, &g, &palette, 0, 0, &mut out[..2]),
            Err(Error::BufferTooSmall { needed: 3 })
        );
        assert_eq!(
            paint_row(&code, &g, &palette, 0, side - 1, &mut out[..3]),
            Ok(1)
        );
        let wrong_width = Geometry {
            width_modules: 25,
            ..g
        };
        assert_eq!(
            paint_row(&code, &wrong_width, &palette, 0, 0, &mut out),
            Err(Error::InvalidArgument)
        );
        let zero_scale = Geometry { scale: 0, ..g };
        assert_eq!(
            paint_row(&code, &zero_scale, &palette, 0, 0, &mut out),
            Err(Error::InvalidArgument)
        );

        // A hand-made huge geometry: no overflow, no panic.
        let huge = Geometry {
            scale: u32::MAX,
            quiet_zone: u32::MAX,
            ..g
        };
        assert_eq!(
            paint_row(&code, &huge, &palette, u32::MAX, u32::MAX, &mut out),
            Ok(21)
        );
        assert!(out[..63].chunks(3).all(|p| p == palette.light()));

        // The canvas: a short framebuffer or pitch writes nothing.
        let pitch = side as usize * 3;
        let needed = side as usize * pitch;
        let mut fb = vec![0u8; needed - 1];
        assert_eq!(
            paint_canvas(&code, &g, &palette, &mut fb, pitch),
            Err(Error::BufferTooSmall { needed })
        );
        assert!(fb.iter().all(|&b| b == 0));
        let mut fb = vec![0u8; needed];
        assert_eq!(
            paint_canvas(&code, &g, &palette, &mut fb, pitch - 1),
            Err(Error::InvalidArgument)
        );
        assert_eq!(paint_canvas(&code, &g, &palette, &mut fb, pitch), Ok(()));
        let not_square = Geometry {
            canvas: Rect {
                width: side - 1,
                ..g.canvas
            },
            ..g
        };
        assert_eq!(
            paint_canvas(&code, &not_square, &palette, &mut fb, pitch),
            Err(Error::InvalidArgument)
        );
        let far = Geometry {
            canvas: Rect {
                x: u32::MAX,
                y: u32::MAX,
                ..g.canvas
            },
            ..g
        };
        assert!(paint_canvas(&code, &far, &palette, &mut fb, usize::MAX).is_err());
        assert!(paint_canvas(&code, &far, &palette, &mut fb, pitch).is_err());
    }

    #[test]
    fn random_spans_stay_inside_the_buffer() {
        let image = image(Polarity::DarkIsSet);
        let code = code(&image, Polarity::DarkIsSet);
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move |bound: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % bound
        };
        let mut painted = 0;
        for _ in 0..crate::test_size(20_000, 500) {
            let format = PixelFormat::ALL[next(13) as usize];
            let bpp = format.bytes_per_pixel();
            let palette = Palette::new(format, LIGHT, DARK);
            let g = Geometry {
                scale: next(9) as u32,
                quiet_zone: next(6) as u32,
                ..geometry(1, 0, 0, 0)
            };
            let side = g.canvas_pixels();
            let y = next(side + 3) as u32;
            let x = next(side + 3) as u32;
            let len = next(40) as usize;
            let mut buffer = [0xeeu8; 48];
            let result = paint_row(&code, &g, &palette, y, x, &mut buffer[..len]);
            match result {
                Ok(n) => {
                    painted += usize::from(n > 0);
                    assert!(n * bpp <= len);
                    assert_eq!(n as u64, (side - u64::from(x)).min((len / bpp) as u64));
                }
                Err(Error::BufferTooSmall { needed }) => {
                    assert_eq!(needed, bpp);
                    assert!(len < bpp);
                }
                Err(_) => {
                    assert!(g.scale == 0 || u64::from(y) >= side || u64::from(x) > side);
                }
            }
            let written = result.unwrap_or(0) * bpp;
            assert!(buffer[written..].iter().all(|&b| b == 0xee));
        }
        assert!(painted > crate::test_size(5_000, 100), "{painted}");
    }

    #[test]
    fn fill_writes_whole_pixels_only() {
        for format in PixelFormat::ALL {
            let bpp = format.bytes_per_pixel();
            let mut out = [0x77u8; 11];
            let n = fill(format, 0x0012_3456, &mut out);
            assert_eq!(n, 11 / bpp);
            let pixel = Palette::new(format, 0x0012_3456, 0).light().to_vec();
            assert!(out[..n * bpp].chunks(bpp).all(|p| p == pixel));
            assert!(out[n * bpp..].iter().all(|&b| b == 0x77));
        }
    }
}
