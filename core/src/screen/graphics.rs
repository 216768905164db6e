//! Drawing a code on any embedded-graphics [`DrawTarget`].
//!
//! This module exists with the `embedded-graphics` feature. It lets firmware
//! that already draws through [`embedded_graphics_core`] (a display driver, a
//! boot loader's console) show a code without a framebuffer of its own: the
//! [`QrDrawable`] sends the canvas to the target as filled rectangles, one per
//! run of modules of one colour, never pixel by pixel. Like the rest of the
//! crate it allocates nothing and cannot panic: coordinates are computed in
//! `i64` and every rectangle is clipped to the target before it is sent.
//!
//! The picture is the same as [`crate::screen::paint`]'s: the canvas is the code and
//! its quiet zone, `scale` pixels per module; the quiet zone and the light
//! modules take the light colour, the dark modules the dark colour.
//!
//! ```
//! use embedded_graphics_core::pixelcolor::BinaryColor;
//! use embedded_graphics_core::prelude::*;
//! use panicqr::screen::graphics::{QrDrawable, QrStyle};
//! use panicqr::{encode_text, image_len, scratch_len, Options, Version};
//!
//! let mut scratch = [0u8; scratch_len(Version::MAX)];
//! let mut image = [0u8; image_len(Version::MAX)];
//! let code = encode_text(b"https://example.com/", &Options::default(), &mut scratch, &mut image)?;
//! let style = QrStyle { dark: BinaryColor::On, light: BinaryColor::Off, scale: 2, quiet_zone: 4 };
//! let qr = QrDrawable::new(code, Point::new(8, 8), style);
//! // A version 2 code: 25 modules and 4 on each side, at 2 pixels each.
//! assert_eq!(qr.bounding_box().size, Size::new(66, 66));
//! # Ok::<(), panicqr::Error>(())
//! ```

use embedded_graphics_core::draw_target::DrawTarget;
use embedded_graphics_core::geometry::{Dimensions, Point, Size};
use embedded_graphics_core::pixelcolor::PixelColor;
use embedded_graphics_core::primitives::Rectangle;
use embedded_graphics_core::Drawable;

use crate::screen::layout::Geometry;
use crate::{Error, QrCode};

/// How a code is drawn: its two colours, its scale and its quiet zone, as
/// embedded-graphics' `PrimitiveStyle` is for a primitive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct QrStyle<C> {
    /// The colour of the dark modules.
    pub dark: C,
    /// The colour of the light modules and the quiet zone.
    pub light: C,
    /// Pixels per module, across and down. A scale of 0 draws nothing.
    pub scale: u32,
    /// The quiet zone on each side, in modules.
    pub quiet_zone: u32,
}

impl<C> QrStyle<C> {
    /// Returns a style with these colours, one pixel per module, and the
    /// quiet zone of 4 modules that ISO/IEC 18004 asks for.
    pub const fn new(dark: C, light: C) -> QrStyle<C> {
        QrStyle {
            dark,
            light,
            scale: 1,
            quiet_zone: 4,
        }
    }
}

/// A code, with its quiet zone, placed and scaled for drawing on a
/// [`DrawTarget`].
///
/// Drawing sends one [`DrawTarget::fill_solid`] call per run of modules of
/// one colour in a row, and one for each of the quiet zone bands above and
/// below the code; no pixel is sent twice. Parts of the canvas outside the
/// target's bounding box are not sent at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QrDrawable<'a, C> {
    code: QrCode<'a>,
    top_left: Point,
    style: QrStyle<C>,
}

impl<'a, C: PixelColor> QrDrawable<'a, C> {
    /// Places `code` with the top left corner of its quiet zone at
    /// `top_left`, drawn in `style`.
    pub const fn new(code: QrCode<'a>, top_left: Point, style: QrStyle<C>) -> QrDrawable<'a, C> {
        QrDrawable {
            code,
            top_left,
            style,
        }
    }

    /// Places `code` where [`crate::screen::layout::place`] put it: at
    /// `geometry.canvas`, in the colours of `style` but with the scale and
    /// quiet zone of `geometry`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when `geometry` was made for a code of
    /// another width, or its canvas corner does not fit an `i32`.
    pub fn from_geometry(
        code: QrCode<'a>,
        geometry: &Geometry,
        style: QrStyle<C>,
    ) -> Result<QrDrawable<'a, C>, Error> {
        if geometry.width_modules != u32::from(code.width()) {
            return Err(Error::InvalidArgument);
        }
        let x = i32::try_from(geometry.canvas.x).map_err(|_| Error::InvalidArgument)?;
        let y = i32::try_from(geometry.canvas.y).map_err(|_| Error::InvalidArgument)?;
        let style = QrStyle {
            scale: geometry.scale,
            quiet_zone: geometry.quiet_zone,
            ..style
        };
        Ok(QrDrawable::new(code, Point::new(x, y), style))
    }

    /// Returns the code.
    pub fn code(&self) -> &QrCode<'a> {
        &self.code
    }

    /// Returns the style.
    pub fn style(&self) -> &QrStyle<C> {
        &self.style
    }

    /// Returns the side of the canvas in pixels, saturated at `u64::MAX`.
    pub fn side(&self) -> u64 {
        let modules = self.code.width() as u64 + 2 * self.style.quiet_zone as u64;
        modules.saturating_mul(self.style.scale as u64)
    }

    /// Sends the part of the rectangle at canvas pixel `(x, y)`, `width` ×
    /// `height` pixels, that lies inside `clip`.
    fn fill<D: DrawTarget<Color = C>>(
        &self,
        target: &mut D,
        clip: &Bounds,
        (x, y): (u64, u64),
        (width, height): (u64, u64),
        color: C,
    ) -> Result<(), D::Error> {
        // Canvas offsets of a visible rectangle are below 2^33 after the
        // clip, but the canvas itself may be larger: saturate first.
        let to_i64 = |value: u64| i64::try_from(value).unwrap_or(i64::MAX);
        let left = i64::from(self.top_left.x).saturating_add(to_i64(x));
        let top = i64::from(self.top_left.y).saturating_add(to_i64(y));
        let right = left.saturating_add(to_i64(width));
        let bottom = top.saturating_add(to_i64(height));
        match clip.clip(left, top, right, bottom) {
            Some(area) => target.fill_solid(&area, color),
            None => Ok(()),
        }
    }
}

impl<C: PixelColor> Dimensions for QrDrawable<'_, C> {
    /// Returns the canvas: the code and its quiet zone. The size saturates
    /// where the far corner would not fit an `i32`.
    fn bounding_box(&self) -> Rectangle {
        let room = |start: i32| (i64::from(i32::MAX) - i64::from(start)) as u64;
        let width = self.side().min(room(self.top_left.x)).min(i32::MAX as u64);
        let height = self.side().min(room(self.top_left.y)).min(i32::MAX as u64);
        // Both are at most `i32::MAX`, so they fit a `u32`.
        Rectangle::new(self.top_left, Size::new(width as u32, height as u32))
    }
}

impl<C: PixelColor> Drawable for QrDrawable<'_, C> {
    type Color = C;
    type Output = ();

    fn draw<D>(&self, target: &mut D) -> Result<(), D::Error>
    where
        D: DrawTarget<Color = C>,
    {
        let clip = Bounds::of(&target.bounding_box());
        let scale = u64::from(self.style.scale);
        let side = self.side();
        if side == 0 {
            return Ok(());
        }
        // Products of two `u32`s fit a `u64`; sums of them saturate.
        let quiet = u64::from(self.style.quiet_zone) * scale;
        let width = self.code.width();
        let edge = quiet.saturating_add(u64::from(width) * scale);

        // The quiet zone above and below the code, one band each.
        self.fill(target, &clip, (0, 0), (side, quiet), self.style.light)?;
        self.fill(target, &clip, (0, edge), (side, quiet), self.style.light)?;

        // Each module row is runs of one colour; the quiet zone on the left
        // and right joins the light runs next to it.
        for row in 0..width {
            let y = quiet.saturating_add(u64::from(row) * scale);
            if !clip.rows_visible(self, y, scale) {
                continue;
            }
            let mut run_start = 0u64;
            let mut run_dark = false;
            for column in 0..width {
                let dark = self.code.is_dark(i32::from(column), i32::from(row));
                if dark != run_dark {
                    let x = quiet.saturating_add(u64::from(column) * scale);
                    let color = if run_dark {
                        self.style.dark
                    } else {
                        self.style.light
                    };
                    let run = x.saturating_sub(run_start);
                    self.fill(target, &clip, (run_start, y), (run, scale), color)?;
                    run_start = x;
                    run_dark = dark;
                }
            }
            // The last run: light through the right quiet zone, or dark up
            // to the code's edge and then the quiet zone.
            if run_dark {
                let run = edge.saturating_sub(run_start);
                self.fill(target, &clip, (run_start, y), (run, scale), self.style.dark)?;
                run_start = edge;
            }
            let run = side.saturating_sub(run_start);
            self.fill(
                target,
                &clip,
                (run_start, y),
                (run, scale),
                self.style.light,
            )?;
        }
        Ok(())
    }
}

/// A target's bounding box as half-open `i64` ranges, clipped to the
/// coordinates a [`Rectangle`] can hold without overflow.
struct Bounds {
    left: i64,
    top: i64,
    right: i64,
    bottom: i64,
}

impl Bounds {
    /// Takes the bounding box of a target, without calling methods that
    /// could overflow on an extreme one.
    fn of(area: &Rectangle) -> Bounds {
        let left = i64::from(area.top_left.x);
        let top = i64::from(area.top_left.y);
        // A rectangle's far corner, `top_left + size`, must fit an `i32`.
        let limit = i64::from(i32::MAX);
        Bounds {
            left,
            top,
            right: (left + i64::from(area.size.width)).min(limit),
            bottom: (top + i64::from(area.size.height)).min(limit),
        }
    }

    /// Returns whether any of the `height` rows from canvas row `y` of
    /// `qr` is inside the bounds.
    fn rows_visible<C: PixelColor>(&self, qr: &QrDrawable<'_, C>, y: u64, height: u64) -> bool {
        let to_i64 = |value: u64| i64::try_from(value).unwrap_or(i64::MAX);
        let top = i64::from(qr.top_left.y).saturating_add(to_i64(y));
        top < self.bottom && top.saturating_add(to_i64(height)) > self.top
    }

    /// Returns the part of the half-open rectangle inside the bounds, or
    /// `None` when it is empty.
    fn clip(&self, left: i64, top: i64, right: i64, bottom: i64) -> Option<Rectangle> {
        let (left, top) = (left.max(self.left), top.max(self.top));
        let (right, bottom) = (right.min(self.right), bottom.min(self.bottom));
        if left >= right || top >= bottom {
            return None;
        }
        // Inside the bounds: `left` and `top` are at least an `i32` corner
        // and below `right`, `bottom`, which are at most `i32::MAX`; the
        // sizes are then below 2^32.
        let x = i32::try_from(left).ok()?;
        let y = i32::try_from(top).ok()?;
        let width = u32::try_from(right - left).ok()?;
        let height = u32::try_from(bottom - top).ok()?;
        Some(Rectangle::new(Point::new(x, y), Size::new(width, height)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{encode_text, image_len, scratch_len, Ecc, Mask, Options, Polarity, Version};
    use embedded_graphics_core::pixelcolor::BinaryColor;
    use embedded_graphics_core::primitives::PointsIter;
    use std::vec;
    use std::vec::Vec;

    /// An in-memory display that counts calls and rejects drawing outside
    /// it, so a test sees both the pixels and how they were sent.
    struct Mock {
        area: Rectangle,
        pixels: Vec<Option<BinaryColor>>,
        fills: usize,
        overdraw: usize,
    }

    impl Mock {
        fn new(top_left: Point, width: u32, height: u32) -> Mock {
            Mock {
                area: Rectangle::new(top_left, Size::new(width, height)),
                pixels: vec![None; width as usize * height as usize],
                fills: 0,
                overdraw: 0,
            }
        }

        fn get(&self, x: i32, y: i32) -> Option<BinaryColor> {
            let dx = x - self.area.top_left.x;
            let dy = y - self.area.top_left.y;
            self.pixels[dy as usize * self.area.size.width as usize + dx as usize]
        }
    }

    impl Dimensions for Mock {
        fn bounding_box(&self) -> Rectangle {
            self.area
        }
    }

    impl DrawTarget for Mock {
        type Color = BinaryColor;
        type Error = core::convert::Infallible;

        fn draw_iter<I>(&mut self, pixels: I) -> Result<(), Self::Error>
        where
            I: IntoIterator<Item = embedded_graphics_core::Pixel<BinaryColor>>,
        {
            for embedded_graphics_core::Pixel(point, color) in pixels {
                assert!(self.area.contains(point), "pixel {point:?} outside");
                let dx = (point.x - self.area.top_left.x) as usize;
                let dy = (point.y - self.area.top_left.y) as usize;
                let slot = &mut self.pixels[dy * self.area.size.width as usize + dx];
                if slot.is_some() {
                    self.overdraw += 1;
                }
                *slot = Some(color);
            }
            Ok(())
        }

        fn fill_solid(&mut self, area: &Rectangle, color: BinaryColor) -> Result<(), Self::Error> {
            self.fills += 1;
            assert!(area.size.width > 0 && area.size.height > 0);
            self.draw_iter(
                area.points()
                    .map(|p| embedded_graphics_core::Pixel(p, color)),
            )
        }
    }

    fn options(version: u8, mask: u8) -> Options {
        let version = Version::new(version).unwrap();
        Options {
            min_version: version,
            max_version: version,
            ecc: Ecc::Medium,
            boost_ecc: false,
            mask: Mask::new(mask),
            polarity: Polarity::DarkIsSet,
        }
    }

    #[test]
    fn every_pixel_matches_the_module_under_it() {
        let mut scratch = vec![0u8; scratch_len(Version::MAX)];
        let mut image = vec![0u8; image_len(Version::MAX)];
        let code = encode_text(b"panicqr draw", &options(2, 3), &mut scratch, &mut image).unwrap();
        let (scale, quiet) = (3, 2);
        let origin = Point::new(-5, 7);
        let qr = QrDrawable::new(
            code,
            origin,
            QrStyle {
                scale,
                quiet_zone: quiet,
                ..QrStyle::new(BinaryColor::On, BinaryColor::Off)
            },
        );
        let side = qr.side() as u32;
        assert_eq!(side, (25 + 2 * quiet) * scale);
        assert_eq!(
            qr.bounding_box(),
            Rectangle::new(origin, Size::new(side, side))
        );

        let mut display = Mock::new(origin, side, side);
        qr.draw(&mut display).unwrap();
        assert_eq!(display.overdraw, 0);
        let mut dark_pixels = 0;
        for py in 0..side as i32 {
            for px in 0..side as i32 {
                let mx = px / scale as i32 - quiet as i32;
                let my = py / scale as i32 - quiet as i32;
                let expected = if code.is_dark(mx, my) {
                    dark_pixels += 1;
                    BinaryColor::On
                } else {
                    BinaryColor::Off
                };
                assert_eq!(display.get(origin.x + px, origin.y + py), Some(expected));
            }
        }
        assert!(dark_pixels > 0);
        // One fill per run of one colour in each module row, quiet zone
        // included, and one per quiet band above and below.
        let q = quiet as i32;
        let runs: usize = (0..25)
            .map(|y| {
                1 + (-q..25 + q - 1)
                    .filter(|&x| code.is_dark(x, y) != code.is_dark(x + 1, y))
                    .count()
            })
            .sum();
        assert_eq!(display.fills, 2 + runs);
    }

    #[test]
    fn a_small_target_gets_only_its_part() {
        let mut scratch = vec![0u8; scratch_len(Version::MAX)];
        let mut image = vec![0u8; image_len(Version::MAX)];
        let code = encode_text(b"clip", &options(1, 0), &mut scratch, &mut image).unwrap();
        let style = QrStyle {
            scale: 4,
            ..QrStyle::new(BinaryColor::On, BinaryColor::Off)
        };
        let qr = QrDrawable::new(code, Point::new(-40, -40), style);
        // The mock asserts every pixel lies inside it.
        let mut display = Mock::new(Point::new(0, 0), 30, 20);
        qr.draw(&mut display).unwrap();
        for y in 0..20 {
            for x in 0..30 {
                let dark = code.is_dark((x + 40) / 4 - 4, (y + 40) / 4 - 4);
                assert_eq!(display.get(x, y), Some(BinaryColor::from(dark)));
            }
        }
    }

    #[test]
    fn extreme_placements_do_not_panic() {
        let mut scratch = vec![0u8; scratch_len(Version::MAX)];
        let mut image = vec![0u8; image_len(Version::MAX)];
        let code = encode_text(b"edge", &options(1, 0), &mut scratch, &mut image).unwrap();
        for (corner, scale, quiet) in [
            (Point::new(i32::MAX - 3, i32::MAX - 3), 2, 4),
            (Point::new(i32::MIN, i32::MIN), u32::MAX, u32::MAX),
            (Point::new(-1, -1), u32::MAX, 0),
            (Point::new(0, 0), 0, 4),
        ] {
            let qr = QrDrawable::new(
                code,
                corner,
                QrStyle {
                    scale,
                    quiet_zone: quiet,
                    ..QrStyle::new(BinaryColor::On, BinaryColor::Off)
                },
            );
            let bounds = qr.bounding_box();
            assert!(bounds.size.width <= i32::MAX as u32);
            let _ = bounds.bottom_right();
            let mut display = Mock::new(Point::new(-8, -8), 16, 16);
            qr.draw(&mut display).unwrap();
        }
    }

    #[test]
    fn geometry_must_match_the_code() {
        let mut scratch = vec![0u8; scratch_len(Version::MAX)];
        let mut image = vec![0u8; image_len(Version::MAX)];
        let code = encode_text(b"geometry", &options(1, 0), &mut scratch, &mut image).unwrap();
        let screen = crate::screen::layout::Screen {
            width: 200,
            height: 100,
            ..Default::default()
        };
        let policy = crate::screen::layout::Policy::DEFAULT;
        let geometry = crate::screen::layout::place(&screen, &policy, 21).unwrap();
        let style = QrStyle::new(BinaryColor::On, BinaryColor::Off);
        let qr = QrDrawable::from_geometry(code, &geometry, style);
        let qr = qr.unwrap();
        assert_eq!(
            qr.bounding_box().top_left,
            Point::new(geometry.canvas.x as i32, geometry.canvas.y as i32)
        );
        assert_eq!(qr.side(), u64::from(geometry.canvas.width));
        let other = crate::screen::layout::place(&screen, &policy, 25).unwrap();
        assert_eq!(
            QrDrawable::from_geometry(code, &other, style),
            Err(Error::InvalidArgument)
        );
    }
}
