//! The screen layout: where the QR code and the message go.
//!
//! This is pure arithmetic on `u32` pixel counts. Every input is defined,
//! zero and `u32::MAX` included: sums and products are done in `u64` or
//! saturate, and no division has a zero divisor. The C glue that Linux's
//! `drm_panic.c` would hold (the margin, the scale, the centring) lives here
//! instead, where it is tested.
//!
//! # Arrangement
//!
//! The canvas is the square made of the code and its quiet zone. It goes
//! either above the message block, both centred horizontally as on Linux's
//! panic screen, or to the left of it, both centred vertically, on screens
//! wide enough for that to give a larger scale. The arrangement with the
//! larger scale wins, and stacking wins a tie. The space left over is split
//! in fifths: two before the canvas, one between the canvas and the message,
//! two after the message. With no message the canvas is centred.
//!
//! # Use
//!
//! [`plan`] finds the largest version that fits, to pass to the encoder as
//! its maximum. The encoder may choose a smaller version; [`place`] then lays
//! out the code it actually made, at the largest scale that fits.
//!
//! ```
//! use panicqr::screen::layout::{place, plan, Policy, Screen};
//!
//! let screen = Screen {
//!     width: 1920,
//!     height: 1080,
//!     font_width: 8,
//!     font_height: 16,
//!     text_lines: 5,
//!     text_columns: 40,
//! };
//! let policy = Policy::DEFAULT;
//! let plan = plan(&screen, &policy).unwrap();
//! // Modules of at least 1920 / 256 pixels: 8 beside the message, where
//! // 1080 / 8 = 135 modules hold version 27 (125) and its quiet zone.
//! assert_eq!(plan.version.number(), 27);
//! assert_eq!(plan.geometry.scale, 8);
//!
//! // The encoder chose version 10 (57 modules): the scale grows.
//! // Beside the message there is room for 1080 / 65 = 16 pixels per module.
//! let geometry = place(&screen, &policy, 57).unwrap();
//! assert_eq!(geometry.scale, 16);
//! assert!(u64::from(geometry.text.x) >= geometry.canvas.right());
//! ```

use core::fmt;

use crate::qr::version::{Ecc, Version};

/// A rectangle on the screen, in pixels.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Rect {
    /// The left column.
    pub x: u32,
    /// The top row.
    pub y: u32,
    /// The width.
    pub width: u32,
    /// The height.
    pub height: u32,
}

impl Rect {
    /// Returns whether the rectangle holds no pixel.
    pub const fn is_empty(&self) -> bool {
        self.width == 0 || self.height == 0
    }

    /// Returns the column just right of the rectangle. It is a `u64`, so it
    /// cannot overflow.
    pub const fn right(&self) -> u64 {
        self.x as u64 + self.width as u64
    }

    /// Returns the row just below the rectangle. It is a `u64`, so it cannot
    /// overflow.
    pub const fn bottom(&self) -> u64 {
        self.y as u64 + self.height as u64
    }

    /// Returns whether every pixel of `other` is inside `self`. An empty
    /// `other` is inside any rectangle.
    pub const fn contains(&self, other: &Rect) -> bool {
        other.is_empty()
            || (other.x >= self.x
                && other.y >= self.y
                && other.right() <= self.right()
                && other.bottom() <= self.bottom())
    }

    /// Returns whether the two rectangles share a pixel. An empty rectangle
    /// overlaps nothing.
    pub const fn overlaps(&self, other: &Rect) -> bool {
        !self.is_empty()
            && !other.is_empty()
            && (self.x as u64) < other.right()
            && (other.x as u64) < self.right()
            && (self.y as u64) < other.bottom()
            && (other.y as u64) < self.bottom()
    }
}

/// The screen and the message to show beside the code.
///
/// The message is a block of `text_lines` lines of at most `text_columns`
/// characters, each character a `font_width` × `font_height` cell. A block
/// larger than the screen is clipped to it, as Linux clips its text. A block
/// with no line or no column takes no room.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Screen {
    /// The screen width in pixels.
    pub width: u32,
    /// The screen height in pixels.
    pub height: u32,
    /// The width of a character cell in pixels.
    pub font_width: u32,
    /// The height of a character cell in pixels.
    pub font_height: u32,
    /// The number of message lines.
    pub text_lines: u32,
    /// The length of the longest message line, in characters.
    pub text_columns: u32,
}

impl Screen {
    /// Returns the size of the message block, clipped to the screen, or
    /// `(0, 0)` when it is empty.
    fn text_size(&self) -> (u32, u32) {
        let width = self
            .text_columns
            .saturating_mul(self.font_width)
            .min(self.width);
        let height = self
            .text_lines
            .saturating_mul(self.font_height)
            .min(self.height);
        if width == 0 || height == 0 {
            (0, 0)
        } else {
            (width, height)
        }
    }
}

/// What the layout must respect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Policy {
    /// The fewest pixels per module. Linux gives up below 2, where a phone
    /// camera no longer reads the code reliably. A value of 0 acts as 1.
    pub min_scale: u32,
    /// The width of the quiet zone around the code, in modules. The standard
    /// asks for 4.
    pub quiet_zone: u32,
    /// The largest version to consider, as Linux's `panic_qr_version`.
    pub max_version: Version,
    /// The error correction level the encoder will use. It does not change
    /// the geometry; [`plan`] uses it to report the capacity.
    pub ecc: Ecc,
    /// The most modules a photo of the whole screen should have to tell
    /// apart across its width, or 0 for no such limit.
    ///
    /// A phone frames the whole screen in a 4:3 photo, so the photo's width
    /// spans the screen's width or 4/3 of its height, whichever is larger.
    /// [`plan`] keeps at least that span divided by this many pixels per
    /// module (as well as `min_scale`), choosing a smaller version when it
    /// must: on a large screen a version 40 code at the largest scale that
    /// fits is too fine for a phone photo of the screen. When not even
    /// version 1 fits that way, `plan` falls back to `min_scale` alone.
    /// [`place`] does not use it: it always takes the largest scale.
    pub max_modules_across: u32,
}

/// Version 30, the largest [`Policy::MEDIUM_ECC`] allows.
const V30: Version = match Version::new(30) {
    Some(version) => version,
    None => Version::MAX,
};

impl Policy {
    /// The largest code the screen holds: at least 2 pixels per module, as
    /// Linux's `drm_panic.c`, a quiet zone of 4 modules, up to version 40,
    /// low error correction, and no limit for the photo. It carries every
    /// log byte Linux's own layout carries, and more where Linux caps the
    /// code at 3/4 of the screen, but on a large screen its modules are too
    /// fine for a phone photo of the whole screen (see [`Policy::DEFAULT`]).
    pub const LARGEST: Policy = Policy {
        min_scale: 2,
        quiet_zone: 4,
        max_version: Version::MAX,
        ecc: Ecc::Low,
        max_modules_across: 0,
    };

    /// [`Policy::LARGEST`] with modules of at least 1/256 of the screen's
    /// width (or of 4/3 of its height, if larger): the largest code whose
    /// modules a phone photo of the whole screen tells apart.
    ///
    /// A phone photographed the whole screen, to file a report, sees it at
    /// about the width of its scanner's frame, so the modules across the
    /// screen set the photo pixels each module gets: 256 leave enough, where
    /// the largest code leaves too few. The limit trades log bytes for photos
    /// that read; `docs/scannability.md` in the repository holds the
    /// measurements and how the limit was chosen.
    ///
    /// Use it with the encoder's error correction boost and automatic mask
    /// (both [`Options::default`](crate::Options::default)), passing
    /// [`plan`]'s version as the maximum.
    pub const DEFAULT: Policy = Policy {
        max_modules_across: 256,
        ..Policy::LARGEST
    };

    /// [`Policy::DEFAULT`] at medium error correction, up to version 30 and
    /// at least 3 pixels per module.
    ///
    /// Level M doubles the damage a code survives, for about half the data
    /// of level L at the same version: it reads tilted photos more often
    /// than the default, and carries fewer log bytes
    /// (`docs/scannability.md`).
    ///
    /// Use it as [`Policy::DEFAULT`], with the encoder's error correction
    /// boost and automatic mask.
    ///
    /// ```
    /// use panicqr::screen::layout::{plan, Policy, Screen};
    /// use panicqr::Ecc;
    ///
    /// let screen = Screen { width: 1920, height: 1080, ..Screen::default() };
    /// let wide = plan(&screen, &Policy::MEDIUM_ECC).unwrap();
    /// // Modules of at least 1920 / 256 pixels: 8, and 1080 / 8 = 135
    /// // modules hold version 27 (125) and its quiet zone.
    /// assert_eq!(wide.version.number(), 27);
    /// assert_eq!(wide.data_bits, wide.version.data_bits(Ecc::Medium));
    /// assert_eq!(wide.geometry.scale, 8);
    /// // On 1024×768, version 30 (137 + 8) at 5 pixels per module.
    /// let screen = Screen { width: 1024, height: 768, ..Screen::default() };
    /// let small = plan(&screen, &Policy::MEDIUM_ECC).unwrap();
    /// assert_eq!((small.version.number(), small.geometry.scale), (30, 5));
    /// ```
    pub const MEDIUM_ECC: Policy = Policy {
        min_scale: 3,
        quiet_zone: 4,
        max_version: V30,
        ecc: Ecc::Medium,
        max_modules_across: Policy::DEFAULT.max_modules_across,
    };

    /// Returns the fewest pixels per module [`plan`] keeps on `screen`:
    /// `min_scale` (at least 1), or more when `max_modules_across` asks for
    /// more, saturated at `u32::MAX`.
    ///
    /// ```
    /// use panicqr::screen::layout::{Policy, Screen};
    ///
    /// let policy = Policy { max_modules_across: 280, ..Policy::DEFAULT };
    /// let wide = Screen { width: 1920, height: 1080, ..Screen::default() };
    /// // 1920 / 280 = 6.9 pixels.
    /// assert_eq!(policy.photo_min_scale(&wide), 7);
    /// // A 4:3 photo spans 4/3 of a 1280×1024 screen's height, 1366 pixels.
    /// let square = Screen { width: 1280, height: 1024, ..Screen::default() };
    /// assert_eq!(policy.photo_min_scale(&square), 5);
    /// ```
    pub const fn photo_min_scale(&self, screen: &Screen) -> u32 {
        let min_scale = if self.min_scale == 0 {
            1
        } else {
            self.min_scale
        };
        if self.max_modules_across == 0 {
            return min_scale;
        }
        let width = screen.width as u64;
        // 4/3 of the height, rounded up; at most 4/3 of `u32::MAX`.
        let height = (screen.height as u64 * 4).div_ceil(3);
        let span = if width > height { width } else { height };
        let scale = span.div_ceil(self.max_modules_across as u64);
        if scale > u32::MAX as u64 {
            u32::MAX
        } else if scale as u32 > min_scale {
            scale as u32
        } else {
            min_scale
        }
    }
}

impl Default for Policy {
    fn default() -> Policy {
        Policy::DEFAULT
    }
}

/// Where everything goes, for a code of a known width.
///
/// # Invariants
///
/// When [`place`] or [`plan`] built it: the three rectangles lie inside the
/// screen, the canvas and the text do not overlap, `modules` is `canvas`
/// shrunk by `quiet_zone × scale` on each side, the canvas is a square of
/// `(width_modules + 2 × quiet_zone) × scale` pixels, and `scale` is at least
/// the policy's minimum and at least 1.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Geometry {
    /// The code and its quiet zone.
    pub canvas: Rect,
    /// The code alone, without the quiet zone.
    pub modules: Rect,
    /// The message block, clipped to the screen; empty when there is no
    /// message.
    pub text: Rect,
    /// Pixels per module, in both directions.
    pub scale: u32,
    /// The quiet zone in modules, on each side.
    pub quiet_zone: u32,
    /// The width (and height) of the code in modules.
    pub width_modules: u32,
}

impl Geometry {
    /// Returns the width (and height) of the canvas in modules: the code and
    /// the quiet zone on both sides. It is a `u64`, so it cannot overflow.
    pub const fn canvas_modules(&self) -> u64 {
        self.width_modules as u64 + 2 * self.quiet_zone as u64
    }

    /// Returns the width (and height) of the canvas in pixels, computed from
    /// the scale rather than read from [`Geometry::canvas`]. It saturates at
    /// `u64::MAX`, which only a hand-made geometry reaches.
    pub const fn canvas_pixels(&self) -> u64 {
        self.canvas_modules().saturating_mul(self.scale as u64)
    }
}

/// The result of [`plan`]: the largest code that fits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Plan {
    /// The largest version that fits, at most the policy's maximum. Pass it
    /// to the encoder as its maximum version.
    pub version: Version,
    /// The data bits that version holds at the policy's error correction
    /// level.
    pub data_bits: usize,
    /// The layout for a code of that version.
    pub geometry: Geometry,
}

/// Why no layout exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LayoutError {
    /// The code does not fit at the minimum scale. The caller should fall
    /// back to a screen without a code.
    DoesNotFit {
        /// The canvas side the code needs at the minimum scale, in pixels,
        /// saturated at `u64::MAX`.
        needed: u64,
        /// The largest square the screen has room for next to the message,
        /// in pixels.
        available: u32,
    },
    /// The code width is zero.
    InvalidArgument,
}

impl fmt::Display for LayoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            LayoutError::DoesNotFit { needed, available } => write!(
                f,
                "code does not fit: needs {needed} pixels, {available} available"
            ),
            LayoutError::InvalidArgument => f.write_str("invalid argument"),
        }
    }
}

/// Returns the side of the largest square that fits beside the message when
/// stacked and when side by side.
fn room(screen: &Screen) -> (u32, u32) {
    let (text_width, text_height) = screen.text_size();
    // Both differences are in range: the text size is clipped to the screen.
    let stacked = screen.width.min(screen.height.wrapping_sub(text_height));
    let side_by_side = screen.width.wrapping_sub(text_width).min(screen.height);
    (stacked, side_by_side)
}

/// Lays out a code of `width_modules` modules (21 for version 1, 177 for
/// version 40) at the largest integer scale that fits.
///
/// Returns [`LayoutError::DoesNotFit`] when the scale would fall below
/// `policy.min_scale`, and [`LayoutError::InvalidArgument`] when
/// `width_modules` is zero.
///
/// ```
/// use panicqr::screen::layout::{place, LayoutError, Policy, Screen};
///
/// let tiny = Screen { width: 64, height: 48, ..Screen::default() };
/// assert!(matches!(
///     place(&tiny, &Policy::DEFAULT, 21),
///     Err(LayoutError::DoesNotFit { needed: 58, available: 48 })
/// ));
/// ```
pub fn place(
    screen: &Screen,
    policy: &Policy,
    width_modules: u32,
) -> Result<Geometry, LayoutError> {
    if width_modules == 0 {
        return Err(LayoutError::InvalidArgument);
    }
    let min_scale = u64::from(policy.min_scale.max(1));
    // At least 1, as `width_modules` is.
    let canvas_modules = u64::from(width_modules) + 2 * u64::from(policy.quiet_zone);
    let (stacked, side_by_side) = room(screen);
    let stacked_scale = u64::from(stacked) / canvas_modules;
    let side_scale = u64::from(side_by_side) / canvas_modules;
    let is_stacked = stacked_scale >= side_scale;
    let scale = stacked_scale.max(side_scale);
    if scale < min_scale {
        return Err(LayoutError::DoesNotFit {
            needed: canvas_modules.saturating_mul(min_scale),
            available: stacked.max(side_by_side),
        });
    }
    // The side is at most `stacked` or `side_by_side`, so it fits a `u32`;
    // the other values are parts of it.
    let side = canvas_modules.wrapping_mul(scale);
    debug_assert!(side <= u64::from(stacked.max(side_by_side)));
    let side = to_u32(side);
    let scale = to_u32(scale);
    let margin = to_u32(u64::from(policy.quiet_zone) * u64::from(scale));
    let code_side = to_u32(u64::from(width_modules) * u64::from(scale));

    let (text_width, text_height) = screen.text_size();
    let has_text = text_width != 0;
    let (canvas, text) = if is_stacked {
        // In range: `side <= stacked <= height - text_height`.
        let spare = screen.height.wrapping_sub(text_height).wrapping_sub(side);
        let canvas_y = if has_text { spare / 5 * 2 } else { spare / 2 };
        let canvas = Rect {
            x: screen.width.wrapping_sub(side) / 2,
            y: canvas_y,
            width: side,
            height: side,
        };
        let text = Rect {
            x: screen.width.wrapping_sub(text_width) / 2,
            // At most `spare / 5 * 3 + side <= height - text_height`.
            y: canvas_y.wrapping_add(side).wrapping_add(spare / 5),
            width: text_width,
            height: text_height,
        };
        (canvas, text)
    } else {
        // In range: `side <= side_by_side <= width - text_width`.
        let spare = screen.width.wrapping_sub(text_width).wrapping_sub(side);
        let canvas = Rect {
            x: spare / 5 * 2,
            y: screen.height.wrapping_sub(side) / 2,
            width: side,
            height: side,
        };
        let text = Rect {
            // At most `width - text_width`, as above.
            x: (spare / 5 * 3).wrapping_add(side),
            y: screen.height.wrapping_sub(text_height) / 2,
            width: text_width,
            height: text_height,
        };
        (canvas, text)
    };
    // The quiet zone is inside the canvas, on the screen: no wrap.
    let modules = Rect {
        x: canvas.x.wrapping_add(margin),
        y: canvas.y.wrapping_add(margin),
        width: code_side,
        height: code_side,
    };
    Ok(Geometry {
        canvas,
        modules,
        text,
        scale,
        quiet_zone: policy.quiet_zone,
        width_modules,
    })
}

/// Finds the largest version, at most `policy.max_version`, whose code fits
/// the screen beside the message at [`Policy::photo_min_scale`] or more, and
/// lays it out. When not even version 1 fits at that scale, it finds the
/// largest that fits at `policy.min_scale` instead.
///
/// Returns [`LayoutError::DoesNotFit`] when even version 1 does not fit at
/// `policy.min_scale`.
pub fn plan(screen: &Screen, policy: &Policy) -> Result<Plan, LayoutError> {
    let photo_min_scale = policy.photo_min_scale(screen);
    if photo_min_scale > policy.min_scale.max(1) {
        let for_the_photo = Policy {
            min_scale: photo_min_scale,
            ..*policy
        };
        // `place` takes the largest scale whatever the minimum, so this
        // geometry is the one `policy` gives for the same version.
        if let Ok(plan) = largest_version(screen, &for_the_photo) {
            return Ok(plan);
        }
    }
    largest_version(screen, policy)
}

/// Finds the largest version, at most `policy.max_version`, whose code fits
/// at `policy.min_scale` or more, and lays it out.
fn largest_version(screen: &Screen, policy: &Policy) -> Result<Plan, LayoutError> {
    // Larger versions need more room, so the first that fits is the largest.
    let mut version = policy.max_version;
    loop {
        match place(screen, policy, u32::from(version.width())) {
            Ok(geometry) => {
                return Ok(Plan {
                    version,
                    data_bits: version.data_bits(policy.ecc),
                    geometry,
                })
            }
            // `number()` is at least 1, so this does not underflow; below
            // version 1, report why version 1 did not fit.
            Err(error) => match Version::new(version.number().wrapping_sub(1)) {
                Some(smaller) => version = smaller,
                None => return Err(error),
            },
        }
    }
}

/// Narrows a value that the caller has shown to fit.
fn to_u32(value: u64) -> u32 {
    debug_assert!(value <= u64::from(u32::MAX));
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIZES: [(u32, u32); 14] = [
        (0, 0),
        (1, 1),
        (64, 48),
        (58, 58),
        (320, 200),
        (640, 480),
        (800, 600),
        (1024, 768),
        (1280, 800),
        (1920, 1080),
        (1080, 1920),
        (3840, 2160),
        (7680, 4320),
        (u32::MAX, u32::MAX),
    ];

    /// Message blocks as (lines, columns, font width, font height).
    const TEXTS: [(u32, u32, u32, u32); 6] = [
        (0, 0, 8, 16),
        (5, 28, 8, 16),
        (5, 0, 8, 16),
        (5, 28, 0, 0),
        (40, 120, 8, 16),
        (u32::MAX, u32::MAX, u32::MAX, u32::MAX),
    ];

    /// Every size with every text block; under Miri, every seventh.
    fn screens() -> impl Iterator<Item = Screen> {
        let screens = SIZES.into_iter().flat_map(|(width, height)| {
            TEXTS
                .into_iter()
                .map(move |(lines, columns, fw, fh)| Screen {
                    width,
                    height,
                    font_width: fw,
                    font_height: fh,
                    text_lines: lines,
                    text_columns: columns,
                })
        });
        screens.step_by(crate::test_size(1, 7))
    }

    fn policies() -> impl Iterator<Item = Policy> {
        let mut all = std::vec::Vec::new();
        for min_scale in [0, 1, 2, 3, 7, u32::MAX] {
            for quiet_zone in [0, 4, 10, u32::MAX] {
                for max_version in [1, 10, 40] {
                    for max_modules_across in [0, 300] {
                        all.push(Policy {
                            min_scale,
                            quiet_zone,
                            max_version: Version::new(max_version).unwrap(),
                            ecc: Ecc::Medium,
                            max_modules_across,
                        });
                    }
                }
            }
        }
        // Under Miri, every seventh.
        all.into_iter().step_by(crate::test_size(1, 7))
    }

    /// The clipped text block, computed independently in `u128`.
    fn text_block(screen: &Screen) -> (u128, u128) {
        let w = (u128::from(screen.text_columns) * u128::from(screen.font_width))
            .min(u128::from(screen.width));
        let h = (u128::from(screen.text_lines) * u128::from(screen.font_height))
            .min(u128::from(screen.height));
        if w == 0 || h == 0 {
            (0, 0)
        } else {
            (w, h)
        }
    }

    /// Whether a canvas of `modules` modules at `scale` fits beside the
    /// text in either arrangement: the reference the search is checked
    /// against.
    fn fits(screen: &Screen, quiet_zone: u32, width: u32, scale: u128) -> bool {
        let (tw, th) = text_block(screen);
        let side = (u128::from(width) + 2 * u128::from(quiet_zone)) * scale;
        let (sw, sh) = (u128::from(screen.width), u128::from(screen.height));
        let stacked = side <= sw && side + th <= sh;
        let beside = side + tw <= sw && side <= sh;
        stacked || beside
    }

    fn check_geometry(screen: &Screen, policy: &Policy, width: u32, g: &Geometry) {
        let screen_rect = Rect {
            x: 0,
            y: 0,
            width: screen.width,
            height: screen.height,
        };
        assert!(screen_rect.contains(&g.canvas), "{screen:?} {g:?}");
        assert!(screen_rect.contains(&g.text), "{screen:?} {g:?}");
        assert!(g.canvas.contains(&g.modules), "{screen:?} {g:?}");
        assert!(!g.canvas.overlaps(&g.text), "{screen:?} {g:?}");
        assert!(g.scale >= policy.min_scale.max(1));
        assert_eq!(g.width_modules, width);
        assert_eq!(g.quiet_zone, policy.quiet_zone);
        let side = (u128::from(width) + 2 * u128::from(policy.quiet_zone)) * u128::from(g.scale);
        assert_eq!(u128::from(g.canvas.width), side);
        assert_eq!(u128::from(g.canvas.height), side);
        assert_eq!(u64::from(g.canvas.width), g.canvas_pixels());
        let margin = u64::from(policy.quiet_zone) * u64::from(g.scale);
        assert_eq!(u64::from(g.modules.x), u64::from(g.canvas.x) + margin);
        assert_eq!(u64::from(g.modules.y), u64::from(g.canvas.y) + margin);
        assert_eq!(
            u64::from(g.modules.width),
            u64::from(width) * u64::from(g.scale)
        );
        assert_eq!(g.modules.width, g.modules.height);
        let (tw, th) = text_block(screen);
        assert_eq!(
            (u128::from(g.text.width), u128::from(g.text.height)),
            (tw, th)
        );
        // The scale is the largest that fits: one more does not.
        assert!(fits(screen, policy.quiet_zone, width, u128::from(g.scale)));
        assert!(!fits(
            screen,
            policy.quiet_zone,
            width,
            u128::from(g.scale) + 1
        ));
    }

    #[test]
    fn place_is_valid_and_maximal_everywhere() {
        let mut placed = 0;
        for screen in screens() {
            for policy in policies() {
                for width in [1, 21, 25, 57, 177, 1000, u32::MAX] {
                    let min = u128::from(policy.min_scale.max(1));
                    match place(&screen, &policy, width) {
                        Ok(g) => {
                            check_geometry(&screen, &policy, width, &g);
                            placed += 1;
                        }
                        Err(LayoutError::DoesNotFit { needed, available }) => {
                            assert!(!fits(&screen, policy.quiet_zone, width, min));
                            assert!(u128::from(needed) > u128::from(available));
                        }
                        Err(LayoutError::InvalidArgument) => panic!("width {width}"),
                    }
                }
            }
        }
        // The sweep must exercise the success path a lot, not only errors.
        assert!(placed > crate::test_size(1000, 20), "{placed}");
    }

    #[test]
    fn brute_force_scale_on_small_screens() {
        // Scan every scale upward on screens small enough to do so.
        for screen in screens().filter(|s| s.width <= 7680) {
            for width in [21, 33, 177] {
                let policy = Policy::DEFAULT;
                let mut best = None;
                let mut scale = 1u32;
                while scale <= screen.width.max(screen.height) {
                    if fits(&screen, 4, width, u128::from(scale)) {
                        best = Some(scale);
                    }
                    scale += 1;
                }
                let best = best.filter(|&s| s >= 2);
                assert_eq!(place(&screen, &policy, width).ok().map(|g| g.scale), best);
            }
        }
    }

    /// The fewest pixels per module for the photo, computed independently
    /// in `u128`: the 4:3 photo's width over the modules across it.
    fn photo_scale(screen: &Screen, policy: &Policy) -> u128 {
        let min = u128::from(policy.min_scale.max(1));
        let across = u128::from(policy.max_modules_across);
        if across == 0 {
            return min;
        }
        let span = u128::from(screen.width).max((4 * u128::from(screen.height)).div_ceil(3));
        span.div_ceil(across).min(u128::from(u32::MAX)).max(min)
    }

    #[test]
    fn photo_min_scale_follows_the_screen() {
        for screen in screens() {
            for policy in policies() {
                let scale = policy.photo_min_scale(&screen);
                assert_eq!(u128::from(scale), photo_scale(&screen, &policy));
            }
        }
        let policy = Policy {
            max_modules_across: 280,
            ..Policy::DEFAULT
        };
        let sized = |width, height| Screen {
            width,
            height,
            ..Screen::default()
        };
        // The width binds on a 16:9 screen, 4/3 of the height on a 5:4 one;
        // the minimum scale binds on small screens.
        assert_eq!(policy.photo_min_scale(&sized(1920, 1080)), 7);
        assert_eq!(policy.photo_min_scale(&sized(3840, 2160)), 14);
        assert_eq!(policy.photo_min_scale(&sized(1280, 1024)), 5);
        assert_eq!(policy.photo_min_scale(&sized(1080, 1920)), 10);
        assert_eq!(policy.photo_min_scale(&sized(640, 480)), 3);
        assert_eq!(policy.photo_min_scale(&sized(320, 200)), 2);
        assert_eq!(policy.photo_min_scale(&sized(0, 0)), 2);
        // Saturated, not wrapped.
        let one = Policy {
            max_modules_across: 1,
            ..policy
        };
        assert_eq!(one.photo_min_scale(&sized(u32::MAX, u32::MAX)), u32::MAX);
    }

    #[test]
    fn plan_picks_the_largest_version_that_fits() {
        for screen in screens() {
            for policy in policies() {
                let min = u128::from(policy.min_scale.max(1));
                // Brute force over every version, at the photo's scale, or
                // at the minimum scale when no version fits at that.
                let largest = |scale: u128| {
                    (1..=policy.max_version.number()).rev().find(|&v| {
                        let width = u32::from(Version::new(v).unwrap().width());
                        fits(&screen, policy.quiet_zone, width, scale)
                    })
                };
                let photo = photo_scale(&screen, &policy);
                let best = largest(photo).or_else(|| largest(min));
                match (plan(&screen, &policy), best) {
                    (Ok(plan), Some(best)) => {
                        assert_eq!(plan.version.number(), best);
                        let kept = largest(photo).is_some();
                        assert_eq!(u128::from(plan.geometry.scale) >= photo, kept);
                        assert_eq!(plan.data_bits, plan.version.data_bits(policy.ecc));
                        let width = u32::from(plan.version.width());
                        check_geometry(&screen, &policy, width, &plan.geometry);
                    }
                    (Err(LayoutError::DoesNotFit { needed, .. }), None) => {
                        // The error describes version 1.
                        let v1 = 21 + 2 * u128::from(policy.quiet_zone);
                        assert_eq!(u128::from(needed), (v1 * min).min(u128::from(u64::MAX)));
                    }
                    (result, best) => panic!("{screen:?} {policy:?}: {result:?} vs {best:?}"),
                }
            }
        }
    }

    #[test]
    fn linux_like_screens() {
        let screen = |width, height| Screen {
            width,
            height,
            font_width: 8,
            font_height: 16,
            text_lines: 5,
            text_columns: 28,
        };
        let policy = Policy::LARGEST;

        // 1024×768: stacked has 768 - 80 = 688 pixels of room, scale 3 for
        // V40's 185 modules; beside the 224-pixel message it has 768, scale 4.
        let p = plan(&screen(1024, 768), &policy).unwrap();
        assert_eq!((p.version.number(), p.geometry.scale), (40, 4));
        assert_eq!(p.geometry.canvas.width, 740);
        assert_eq!(p.geometry.canvas.y, (768 - 740) / 2);
        assert!(u64::from(p.geometry.text.x) >= p.geometry.canvas.right());

        // 1920×1080: stacked has 1000 pixels, beside 1080: scale 5 either
        // way, so it is stacked and centred, the message below the canvas.
        let p = plan(&screen(1920, 1080), &policy).unwrap();
        assert_eq!((p.version.number(), p.geometry.scale), (40, 5));
        assert_eq!(p.geometry.canvas.x, (1920 - 925) / 2);
        assert!(u64::from(p.geometry.text.y) >= p.geometry.canvas.bottom());
        assert_eq!(p.geometry.text.x, (1920 - 224) / 2);

        // 640×480: 400 pixels of room; V40 at scale 2 needs 370.
        let p = plan(&screen(640, 480), &policy).unwrap();
        assert_eq!((p.version.number(), p.geometry.scale), (40, 2));

        // 320×200: 120 pixels of room, 60 modules at scale 2: V8 (49 + 8),
        // as V9 needs 53 + 8. Beside the text: 96 pixels. Stacked wins.
        let p = plan(&screen(320, 200), &policy).unwrap();
        assert_eq!((p.version.number(), p.geometry.scale), (8, 2));
        assert_eq!(p.geometry.canvas.width, (49 + 8) * 2);
    }

    #[test]
    fn wide_screen_goes_side_by_side() {
        // A short, wide screen with a tall message: beside it there is more
        // room than above it.
        let screen = Screen {
            width: 2000,
            height: 600,
            font_width: 8,
            font_height: 16,
            text_lines: 30,
            text_columns: 50,
        };
        let g = place(&screen, &Policy::DEFAULT, 177).unwrap();
        // Stacked would leave 600 - 480 = 120 pixels; beside leaves 600.
        assert_eq!(g.scale, 3);
        assert!(u64::from(g.text.x) >= g.canvas.right());
        assert_eq!(g.canvas.y, (600 - 555) / 2);
    }

    #[test]
    fn too_small_screens_fail() {
        let policy = Policy::DEFAULT;
        for (width, height) in [(0, 0), (1, 1), (64, 48), (57, 1000)] {
            let screen = Screen {
                width,
                height,
                ..Screen::default()
            };
            assert!(matches!(
                plan(&screen, &policy),
                Err(LayoutError::DoesNotFit { needed: 58, .. })
            ));
        }
        // Exactly V1 at scale 2.
        let screen = Screen {
            width: 58,
            height: 58,
            ..Screen::default()
        };
        let p = plan(&screen, &policy).unwrap();
        assert_eq!(p.version, Version::MIN);
        assert_eq!(
            p.geometry.canvas,
            Rect {
                x: 0,
                y: 0,
                width: 58,
                height: 58
            }
        );
        assert_eq!(
            p.geometry.modules,
            Rect {
                x: 8,
                y: 8,
                width: 42,
                height: 42
            }
        );
        assert_eq!(
            place(&screen, &policy, 0),
            Err(LayoutError::InvalidArgument)
        );
    }

    #[test]
    fn huge_screen() {
        let screen = Screen {
            width: u32::MAX,
            height: u32::MAX,
            ..Screen::default()
        };
        let p = plan(&screen, &Policy::DEFAULT).unwrap();
        assert_eq!(p.version, Version::MAX);
        assert_eq!(p.geometry.scale, u32::MAX / 185);
        let g = place(&screen, &Policy::DEFAULT, u32::MAX).unwrap_err();
        assert!(matches!(g, LayoutError::DoesNotFit { .. }));
    }

    #[test]
    fn random_inputs_never_panic_and_stay_valid() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            // Mostly small values, sometimes huge ones.
            let value = (state >> 32) as u32;
            match state % 4 {
                0 => value,
                1 => value % 64,
                _ => value % 4096,
            }
        };
        let mut placed = 0;
        for _ in 0..crate::test_size(20_000, 400) {
            let screen = Screen {
                width: next(),
                height: next(),
                font_width: next() % 40,
                font_height: next() % 40,
                text_lines: next() % 50,
                text_columns: next() % 200,
            };
            let policy = Policy {
                min_scale: next() % 8,
                quiet_zone: next() % 8,
                max_version: Version::new((next() % 40 + 1) as u8).unwrap(),
                ecc: Ecc::High,
                max_modules_across: next() % 600,
            };
            let width = next() % 300;
            match place(&screen, &policy, width) {
                Ok(g) => {
                    check_geometry(&screen, &policy, width, &g);
                    placed += 1;
                }
                Err(LayoutError::InvalidArgument) => assert_eq!(width, 0),
                Err(LayoutError::DoesNotFit { .. }) => {
                    let min = u128::from(policy.min_scale.max(1));
                    assert!(!fits(&screen, policy.quiet_zone, width, min));
                }
            }
            if let Ok(p) = plan(&screen, &policy) {
                assert!(p.version <= policy.max_version);
                // Below the photo's scale only when version 1 needs it.
                let photo = policy.photo_min_scale(&screen);
                let v1_fits = fits(&screen, policy.quiet_zone, 21, u128::from(photo));
                assert_eq!(p.geometry.scale >= photo, v1_fits);
                check_geometry(&screen, &policy, u32::from(p.version.width()), &p.geometry);
            }
        }
        assert!(placed > crate::test_size(2_000, 40), "{placed}");
    }

    #[test]
    fn rect_overlap_and_containment() {
        let a = Rect {
            x: 0,
            y: 0,
            width: 10,
            height: 10,
        };
        let b = Rect {
            x: 10,
            y: 0,
            width: 10,
            height: 10,
        };
        let c = Rect {
            x: 9,
            y: 9,
            width: 1,
            height: 1,
        };
        let empty = Rect {
            x: 5,
            y: 5,
            width: 0,
            height: 7,
        };
        assert!(!a.overlaps(&b));
        assert!(a.overlaps(&c) && c.overlaps(&a));
        assert!(!a.overlaps(&empty));
        assert!(a.contains(&c) && !a.contains(&b) && a.contains(&empty));
        let far = Rect {
            x: u32::MAX,
            y: u32::MAX,
            width: u32::MAX,
            height: 1,
        };
        assert_eq!(far.right(), 2 * u64::from(u32::MAX));
        assert!(!a.overlaps(&far) && !a.contains(&far));
    }

    /// Common display sizes, landscape and one portrait.
    const DISPLAY_SIZES: [(u32, u32); 10] = [
        (320, 240),
        (640, 480),
        (800, 600),
        (1024, 768),
        (1280, 800),
        (1280, 1024),
        (1920, 1080),
        (2560, 1440),
        (3840, 2160),
        (1080, 1920),
    ];

    /// A screen with the scannability bench's message: six lines of up to
    /// 48 characters in 8×16 cells.
    fn six_line_screen(width: u32, height: u32) -> Screen {
        Screen {
            width,
            height,
            font_width: 8,
            font_height: 16,
            text_lines: 6,
            text_columns: 48,
        }
    }

    #[test]
    fn default_policy_keeps_modules_large_in_the_photo() {
        let policy = Policy::DEFAULT;
        assert_eq!(
            policy,
            Policy {
                max_modules_across: 256,
                ..Policy::LARGEST
            }
        );
        let screen = six_line_screen;
        // 1920 / 256 = 7.5: scale 8 beside the message, 1080 / 8 = 135
        // modules, version 27 (125 + 8), where the largest code is version
        // 40 at scale 5.
        let p = plan(&screen(1920, 1080), &policy).unwrap();
        assert_eq!((p.version.number(), p.geometry.scale), (27, 8));
        let p = plan(&screen(1920, 1080), &Policy::LARGEST).unwrap();
        assert_eq!((p.version.number(), p.geometry.scale), (40, 5));
        // 1024 / 256 = 4: version 35 (157 + 8) at scale 4 above the
        // message, 768 - 96 = 672 pixels; the largest code is 40 at 3.
        let p = plan(&screen(1024, 768), &policy).unwrap();
        assert_eq!((p.version.number(), p.geometry.scale), (35, 4));
        for (width, height) in DISPLAY_SIZES {
            let screen = screen(width, height);
            let p = plan(&screen, &policy).unwrap();
            let photo_min_scale = policy.photo_min_scale(&screen);
            assert!(p.geometry.scale >= photo_min_scale, "{screen:?}: {p:?}");
            // The next version up needs modules too fine for the photo.
            let larger = Policy {
                min_scale: photo_min_scale,
                ..policy
            };
            if let Some(next) = Version::new(p.version.number() + 1) {
                assert!(place(&screen, &larger, u32::from(next.width())).is_err());
            }
            let largest = plan(&screen, &Policy::LARGEST).unwrap();
            assert!(p.version <= largest.version);
        }
    }

    #[test]
    fn recommended_policy_keeps_three_pixels_per_module() {
        let policy = Policy::MEDIUM_ECC;
        assert_eq!(policy.quiet_zone, Policy::DEFAULT.quiet_zone);
        for (width, height) in DISPLAY_SIZES {
            let screen = six_line_screen(width, height);
            let p = plan(&screen, &policy).unwrap();
            assert!(p.geometry.scale >= 3, "{screen:?}: {p:?}");
            assert!(p.version <= policy.max_version);
            assert_eq!(p.data_bits, p.version.data_bits(Ecc::Medium));
            // The next version up is over the cap or needs a smaller scale
            // than the photo's.
            let at_photo_scale = Policy {
                min_scale: policy.photo_min_scale(&screen),
                ..policy
            };
            assert!(p.geometry.scale >= at_photo_scale.min_scale);
            if let Some(next) = Version::new(p.version.number() + 1) {
                if next <= policy.max_version {
                    let larger = place(&screen, &at_photo_scale, u32::from(next.width()));
                    assert!(larger.is_err(), "{screen:?}: {next:?} fits too");
                }
            }
            // Never a larger code than the default policy's.
            let default = plan(&screen, &Policy::DEFAULT).unwrap();
            assert!(p.version <= default.version);
            assert!(p.geometry.scale >= default.geometry.scale);
        }
    }

    #[test]
    fn medium_ecc_policy_halves_the_capacity() {
        // The trade-off its documentation states: version 30-M holds 1373
        // data codewords, version 40-L 2956.
        let medium = Policy::MEDIUM_ECC
            .max_version
            .data_codewords(Policy::MEDIUM_ECC.ecc);
        let linux = Version::MAX.data_codewords(Ecc::Low);
        assert_eq!((medium, linux), (1373, 2956));
        assert_eq!(100 * medium / linux, 46);
    }
}
