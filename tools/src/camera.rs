//! A simulated phone camera: photos of a panic screen, taken under the
//! degradations a real photo suffers, and the decoders that read them.
//!
//! `tools/benches/scannability.rs` drives it: it paints each policy's code
//! on a screen, gives the camera a [`Scene`], and counts the photos each
//! decoder reads (`docs/scannability.md` has the method and the figures).
//!
//! # The camera
//!
//! Every photo is a [`PHOTO_W`]×[`PHOTO_H`] greyscale frame. With
//! [`Framing::Code`] the user frames the code: its side (without quiet zone)
//! in the photo is drawn from 420 to 680 pixels, whatever its size on the
//! screen. With [`Framing::Screen`] the user frames the whole screen: it
//! fills 80 to 95 % of the frame's width or height, whichever binds, so a
//! code drawn larger on the screen is larger in the photo (moiré keeps its
//! fixed sampling step and the code framing). Either way the frame centre
//! is off by up to 16 pixels and rolled by up to 4 degrees. Each photo pixel
//! averages 3×3 bilinear samples of the screen (the lens and the sensor
//! integrate light). The screen's black shows as 18 and its white as 225;
//! the lens blurs with σ = 0.5 pixel and the sensor adds noise of σ = 2.
//! Each [`Condition`] then changes one thing:
//!
//! - `blur`: Gaussian blur of σ = 1.0, 1.4, 1.8 photo pixels;
//! - `noise`: Gaussian sensor noise of σ = 12, 20, 28 grey levels;
//! - `jpeg`: JPEG at quality 30, 15, 7 (IJG tables); the loss of baseline
//!   JPEG is all in quantising the 8×8 DCT, so the camera does that and its
//!   inverse, and skips the lossless entropy coding;
//! - `tilt`: the screen turned 10, 20, 30 degrees about a vertical or a
//!   horizontal axis, seen through a lens of 1100 pixels' focal length
//!   (about 60 degrees across), sampled bilinearly;
//! - `glare`: a brightness gradient across the frame (20, 40, 60 % darker at
//!   the far side) and a Gaussian glare spot on the code (adding up to 80,
//!   160, 240 grey levels, radius σ = 18 % of the code side);
//! - `moire`: the camera at a fixed distance samples the screen every 1.3,
//!   1.7 or 2.2 screen pixels, nearest sample, no averaging: modules come out
//!   one or two photo pixels wide, unevenly;
//! - `combined`: the mild blur, noise, JPEG, tilt and glare at once.
//!
//! All random draws come from a fixed-seed generator ([`seed_of`] mixes a
//! photo's numbers into its seed), so the same seed gives the same framing
//! and noise.
//!
//! # The decoders
//!
//! Each photo is read by decoders that share no code with ours:
//!
//! - [`rqrr_reads`]: `rqrr`, one pass with its own adaptive binarisation
//!   (`PreparedImage::prepare_from_greyscale`), as a simple phone decoder
//!   reads one frame; not [`crate::scan::scan_image`], whose retries at
//!   other scales and thresholds would hide what a phone sees;
//! - [`External`]: `zbarimg` (Debian's `zbar-tools`) and `ZXingReader`
//!   (Debian's `zxing-cpp-tools`: ZXing-C++, the port of the ZXing library
//!   that Android's barcode scanners grew from), each when it is installed,
//!   on 8-bit PGM files ([`write_pgm`]), many to a call ([`batch_start`],
//!   [`batch_finish`]).
//!
//! Each takes a predicate that says whether a payload is the right one: the
//! bench accepts only a payload that inflates to exactly the log tail the
//! encoder reported.

use std::io::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use panicqr::screen::layout::Rect;

/// The photo frame, in pixels.
pub const PHOTO_W: usize = 1280;
pub const PHOTO_H: usize = 960;
/// The lens focal length in pixels.
const FOCAL: f64 = 1100.0;
/// What the camera makes of the screen's black and white.
const BLACK: f64 = 18.0;
const WHITE: f64 = 225.0;
const BASE_BLUR: f64 = 0.5;
const BASE_NOISE: f64 = 2.0;

// ---------------------------------------------------------------------------
// Random numbers
// ---------------------------------------------------------------------------

/// SplitMix64: small, fast and good enough for simulation.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5851_f42d_4c95_7f2d)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `[low, high)`.
    fn range(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.unit()
    }

    /// Standard normal (Box–Muller).
    fn gauss(&mut self) -> f64 {
        let u = self.unit().max(1e-300);
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

/// Mixes numbers into one seed.
pub fn seed_of(parts: &[u64]) -> u64 {
    let mut rng = Rng::new(0x0123_4567_89ab_cdef);
    for &part in parts {
        rng.0 ^= part;
        rng.next_u64();
    }
    rng.next_u64()
}

// ---------------------------------------------------------------------------
// The scene and the conditions
// ---------------------------------------------------------------------------

/// What the camera photographs: a code painted on a screen.
pub struct Scene {
    /// The canvas, the code with its quiet zone, `side × side` grey
    /// pixels; the rest of the screen is black.
    pub canvas: Vec<u8>,
    /// The canvas on the screen.
    pub rect: Rect,
    /// The modules' square, without quiet zone, in screen pixels.
    pub code: Rect,
    /// The screen's size in pixels.
    pub screen: (u32, u32),
}

/// What the user puts in the photo.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Framing {
    /// The code fills a fixed share of the frame, whatever its size on the
    /// screen.
    Code,
    /// The whole screen is in the frame, so a code drawn larger on the
    /// screen is larger in the photo.
    Screen,
}

/// What one photo suffers beyond the baseline camera.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Condition {
    /// The baseline camera alone.
    Baseline,
    /// Gaussian blur of this σ, in photo pixels.
    Blur(f64),
    /// Gaussian sensor noise of this σ, in grey levels.
    Noise(f64),
    /// JPEG at this quality.
    Jpeg(u32),
    /// The screen turned this many degrees.
    Tilt(f64),
    /// A brightness gradient of this strength and a glare spot of this
    /// height.
    Glare(f64, f64),
    /// One nearest sample every this many screen pixels.
    Moire(f64),
    /// The mild blur, noise, JPEG, tilt and glare at once.
    Combined,
}

impl Condition {
    /// The condition's name in the table and on the command line.
    pub fn name(&self) -> &'static str {
        match self {
            Condition::Baseline => "baseline",
            Condition::Blur(_) => "blur",
            Condition::Noise(_) => "noise",
            Condition::Jpeg(_) => "jpeg",
            Condition::Tilt(_) => "tilt",
            Condition::Glare(..) => "glare",
            Condition::Moire(_) => "moire",
            Condition::Combined => "combined",
        }
    }

    /// Its strength, for the table.
    pub fn parameter(&self) -> String {
        match *self {
            Condition::Baseline => "σ 0.5 blur, σ 2 noise".into(),
            Condition::Blur(sigma) => format!("σ {sigma} px"),
            Condition::Noise(sigma) => format!("σ {sigma}"),
            Condition::Jpeg(quality) => format!("quality {quality}"),
            Condition::Tilt(degrees) => format!("{degrees}°"),
            Condition::Glare(gradient, spot) => {
                format!("{:.0} % gradient, spot +{spot}", gradient * 100.0)
            }
            Condition::Moire(step) => format!("1/{step} nearest"),
            Condition::Combined => "mild blur+noise+jpeg+tilt+glare".into(),
        }
    }
}

/// Every condition at each of its strengths: (condition, strength name),
/// the rows of the scannability table.
pub fn conditions() -> Vec<(Condition, &'static str)> {
    let strengths = ["mild", "medium", "hard"];
    let mut rows = vec![(Condition::Baseline, "-")];
    let families: [[Condition; 3]; 6] = [
        [
            Condition::Blur(1.0),
            Condition::Blur(1.4),
            Condition::Blur(1.8),
        ],
        [
            Condition::Noise(12.0),
            Condition::Noise(20.0),
            Condition::Noise(28.0),
        ],
        [Condition::Jpeg(30), Condition::Jpeg(15), Condition::Jpeg(7)],
        [
            Condition::Tilt(10.0),
            Condition::Tilt(20.0),
            Condition::Tilt(30.0),
        ],
        [
            Condition::Glare(0.2, 80.0),
            Condition::Glare(0.4, 160.0),
            Condition::Glare(0.6, 240.0),
        ],
        [
            Condition::Moire(1.3),
            Condition::Moire(1.7),
            Condition::Moire(2.2),
        ],
    ];
    for family in families {
        for (condition, strength) in family.into_iter().zip(strengths) {
            rows.push((condition, strength));
        }
    }
    rows.push((Condition::Combined, "mild"));
    rows
}

// ---------------------------------------------------------------------------
// The camera
// ---------------------------------------------------------------------------

/// What one photo does, drawn from its seed and its condition.
struct Shot {
    /// Photo pixels per screen pixel.
    magnification: f64,
    /// The frame centre's offset from the code centre, in photo pixels.
    offset: (f64, f64),
    /// The roll's sine and cosine.
    roll: (f64, f64),
    /// The tilt's sine and cosine, and whether about the horizontal axis.
    tilt: (f64, f64),
    tilt_vertical: bool,
    /// 3×3 area samples, or one nearest sample.
    nearest: bool,
    blur: f64,
    noise: f64,
    jpeg: Option<u32>,
    /// The gradient's strength and direction, and the glare spot's height
    /// and centre (photo pixels from the frame centre).
    gradient: f64,
    gradient_angle: f64,
    spot: f64,
    spot_at: (f64, f64),
}

impl Shot {
    fn new(condition: Condition, framing: Framing, scene: &Scene, rng: &mut Rng) -> Shot {
        let code_side = rng.range(420.0, 680.0);
        let mut shot = Shot {
            magnification: code_side / f64::from(scene.code.width),
            offset: (rng.range(-16.0, 16.0), rng.range(-16.0, 16.0)),
            roll: rng.range(-4.0, 4.0).to_radians().sin_cos(),
            tilt: (0.0, 1.0),
            tilt_vertical: rng.unit() < 0.5,
            nearest: false,
            blur: BASE_BLUR,
            noise: BASE_NOISE,
            jpeg: None,
            gradient: 0.0,
            gradient_angle: rng.range(0.0, std::f64::consts::TAU),
            spot: 0.0,
            spot_at: (
                rng.range(-0.3, 0.3) * code_side,
                rng.range(-0.3, 0.3) * code_side,
            ),
        };
        let sign = if rng.unit() < 0.5 { -1.0 } else { 1.0 };
        let mut apply = |condition| match condition {
            Condition::Baseline | Condition::Combined => {}
            Condition::Blur(sigma) => shot.blur = sigma,
            Condition::Noise(sigma) => shot.noise = sigma,
            Condition::Jpeg(quality) => shot.jpeg = Some(quality),
            Condition::Tilt(degrees) => shot.tilt = (sign * degrees).to_radians().sin_cos(),
            Condition::Glare(gradient, spot) => {
                shot.gradient = gradient;
                shot.spot = spot;
            }
            Condition::Moire(step) => {
                shot.nearest = true;
                shot.magnification = 1.0 / step;
            }
        };
        if condition == Condition::Combined {
            for mild in [
                Condition::Blur(1.0),
                Condition::Noise(12.0),
                Condition::Jpeg(30),
                Condition::Tilt(10.0),
                Condition::Glare(0.2, 80.0),
            ] {
                apply(mild);
            }
        } else {
            apply(condition);
        }
        if framing == Framing::Screen && !matches!(condition, Condition::Moire(_)) {
            // The whole screen fills 80 to 95 % of the frame's width or
            // height, whichever binds, centred on the screen's centre: the
            // code sits where the layout put it, at the size its scale gives.
            let (width, height) = (f64::from(scene.screen.0), f64::from(scene.screen.1));
            let fill = rng.range(0.80, 0.95);
            shot.magnification = fill * (PHOTO_W as f64 / width).min(PHOTO_H as f64 / height);
            let centre =
                |rect_start: u32, rect_len: u32| f64::from(rect_start) + f64::from(rect_len) / 2.0;
            let code_centre = (
                centre(scene.code.x, scene.code.width),
                centre(scene.code.y, scene.code.height),
            );
            shot.offset.0 += (width / 2.0 - code_centre.0) * shot.magnification;
            shot.offset.1 += (height / 2.0 - code_centre.1) * shot.magnification;
            // The glare spot lands on the code, as before: relative to the
            // code's centre, which is at minus the offset in the photo.
            let side = shot.magnification * f64::from(scene.code.width);
            shot.spot_at = (
                -shot.offset.0 + shot.spot_at.0 / code_side * side,
                -shot.offset.1 + shot.spot_at.1 / code_side * side,
            );
        }
        shot
    }

    /// Maps a photo point (from the frame centre) to the screen, relative to
    /// the code centre, in screen pixels.
    fn to_screen(&self, u: f64, v: f64) -> (f64, f64) {
        let (u, v) = (u + self.offset.0, v + self.offset.1);
        // The screen plane turned by `tilt` about the axis through the code
        // centre, at distance FOCAL, so that the centre keeps its scale.
        let (along, across) = if self.tilt_vertical { (v, u) } else { (u, v) };
        let (sin, cos) = self.tilt;
        let a = along / (cos - along / FOCAL * sin);
        let b = across * (1.0 + a * sin / FOCAL);
        let (x, y) = if self.tilt_vertical { (b, a) } else { (a, b) };
        let (sin, cos) = self.roll;
        let (x, y) = (x * cos - y * sin, x * sin + y * cos);
        (x / self.magnification, y / self.magnification)
    }
}

/// Samples the canvas bilinearly at a screen point; black outside it.
fn bilinear(scene: &Scene, x: f64, y: f64) -> f64 {
    let side = scene.rect.width as i64;
    let at = |x: i64, y: i64| -> f64 {
        if x < 0 || y < 0 || x >= side || y >= side {
            0.0
        } else {
            f64::from(scene.canvas[(y * side + x) as usize])
        }
    };
    let (x, y) = (x - 0.5, y - 0.5);
    let (x0, y0) = (x.floor(), y.floor());
    let (fx, fy) = (x - x0, y - y0);
    let (x0, y0) = (x0 as i64, y0 as i64);
    let top = at(x0, y0) * (1.0 - fx) + at(x0 + 1, y0) * fx;
    let bottom = at(x0, y0 + 1) * (1.0 - fx) + at(x0 + 1, y0 + 1) * fx;
    top * (1.0 - fy) + bottom * fy
}

fn nearest(scene: &Scene, x: f64, y: f64) -> f64 {
    let side = scene.rect.width as i64;
    let (x, y) = (x.floor() as i64, y.floor() as i64);
    if x < 0 || y < 0 || x >= side || y >= side {
        0.0
    } else {
        f64::from(scene.canvas[(y * side + x) as usize])
    }
}

/// Takes the photo: light values in grey levels, before the sensor.
fn expose(scene: &Scene, shot: &Shot) -> Vec<f64> {
    // The code centre in canvas coordinates.
    let centre = f64::from(scene.rect.width) / 2.0;
    let (half_w, half_h) = (PHOTO_W as f64 / 2.0, PHOTO_H as f64 / 2.0);
    let side = f64::from(scene.rect.width);
    let mut light = vec![0.0; PHOTO_W * PHOTO_H];
    let (gsin, gcos) = shot.gradient_angle.sin_cos();
    let spot_radius = 0.18 * shot.magnification * f64::from(scene.code.width);
    for py in 0..PHOTO_H {
        for px in 0..PHOTO_W {
            let (u, v) = (px as f64 + 0.5 - half_w, py as f64 + 0.5 - half_h);
            let (cx, cy) = shot.to_screen(u, v);
            let (cx, cy) = (cx + centre, cy + centre);
            let level = if cx < -3.0 || cy < -3.0 || cx > side + 3.0 || cy > side + 3.0 {
                0.0
            } else if shot.nearest {
                nearest(scene, cx, cy)
            } else {
                let mut sum = 0.0;
                for j in 0..3 {
                    for i in 0..3 {
                        let du = (f64::from(i) - 1.0) / 3.0;
                        let dv = (f64::from(j) - 1.0) / 3.0;
                        let (sx, sy) = shot.to_screen(u + du, v + dv);
                        sum += bilinear(scene, sx + centre, sy + centre);
                    }
                }
                sum / 9.0
            };
            let mut value = BLACK + (WHITE - BLACK) * level / 255.0;
            if shot.gradient > 0.0 {
                // From 1 at one side of the frame to 1 - gradient at the other.
                let t = ((u * gcos + v * gsin) / (half_w + half_h) + 1.0) / 2.0;
                value *= 1.0 - shot.gradient * t.clamp(0.0, 1.0);
            }
            if shot.spot > 0.0 {
                let (du, dv) = (u - shot.spot_at.0, v - shot.spot_at.1);
                let r2 = (du * du + dv * dv) / (spot_radius * spot_radius);
                value += shot.spot * (-r2 / 2.0).exp();
            }
            light[py * PHOTO_W + px] = value;
        }
    }
    light
}

/// Separable Gaussian blur, edges clamped.
fn blur(image: &mut [f64], sigma: f64) {
    if sigma <= 0.0 {
        return;
    }
    let radius = (3.0 * sigma).ceil() as i64;
    let kernel: Vec<f64> = (-radius..=radius)
        .map(|i| (-(i * i) as f64 / (2.0 * sigma * sigma)).exp())
        .collect();
    let total: f64 = kernel.iter().sum();
    let kernel: Vec<f64> = kernel.iter().map(|k| k / total).collect();
    let mut line = vec![0.0; PHOTO_W.max(PHOTO_H)];
    for y in 0..PHOTO_H {
        let row = &mut image[y * PHOTO_W..(y + 1) * PHOTO_W];
        line[..PHOTO_W].copy_from_slice(row);
        for (x, out) in row.iter_mut().enumerate() {
            let mut sum = 0.0;
            for (k, weight) in kernel.iter().enumerate() {
                let i = (x as i64 + k as i64 - radius).clamp(0, PHOTO_W as i64 - 1);
                sum += weight * line[i as usize];
            }
            *out = sum;
        }
    }
    for x in 0..PHOTO_W {
        for (y, value) in line.iter_mut().take(PHOTO_H).enumerate() {
            *value = image[y * PHOTO_W + x];
        }
        for y in 0..PHOTO_H {
            let mut sum = 0.0;
            for (k, weight) in kernel.iter().enumerate() {
                let i = (y as i64 + k as i64 - radius).clamp(0, PHOTO_H as i64 - 1);
                sum += weight * line[i as usize];
            }
            image[y * PHOTO_W + x] = sum;
        }
    }
}

/// The luminance quantisation table of the JPEG standard (Annex K), in
/// row-major order.
const JPEG_LUMA: [u32; 64] = [
    16, 11, 10, 16, 24, 40, 51, 61, // row 0
    12, 12, 14, 19, 26, 58, 60, 55, // row 1
    14, 13, 16, 24, 40, 57, 69, 56, // row 2
    14, 17, 22, 29, 51, 87, 80, 62, // row 3
    18, 22, 37, 56, 68, 109, 103, 77, // row 4
    24, 35, 55, 64, 81, 104, 113, 92, // row 5
    49, 64, 78, 87, 103, 121, 120, 101, // row 6
    72, 92, 95, 98, 112, 100, 103, 99, // row 7
];

/// Applies baseline JPEG's loss at `quality` (IJG scaling): each 8×8 block
/// goes through the DCT, is quantised and dequantised, and back.
fn jpeg(image: &mut [u8], quality: u32) {
    let quality = quality.clamp(1, 100);
    let factor = if quality < 50 {
        5000 / quality
    } else {
        200 - 2 * quality
    };
    let table: Vec<f64> = JPEG_LUMA
        .iter()
        .map(|&q| f64::from(((q * factor + 50) / 100).clamp(1, 255)))
        .collect();
    // cos[x][u] = c(u) cos((2x + 1) u π / 16) / 2.
    let mut cos = [[0.0f64; 8]; 8];
    for (x, row) in cos.iter_mut().enumerate() {
        for (u, value) in row.iter_mut().enumerate() {
            let c = if u == 0 { (0.5f64).sqrt() } else { 1.0 };
            *value = c / 2.0 * ((2 * x + 1) as f64 * u as f64 * std::f64::consts::PI / 16.0).cos();
        }
    }
    let mut block = [0.0f64; 64];
    let mut temp = [0.0f64; 64];
    for by in (0..PHOTO_H).step_by(8) {
        for bx in (0..PHOTO_W).step_by(8) {
            for y in 0..8 {
                for x in 0..8 {
                    let (sx, sy) = ((bx + x).min(PHOTO_W - 1), (by + y).min(PHOTO_H - 1));
                    block[y * 8 + x] = f64::from(image[sy * PHOTO_W + sx]) - 128.0;
                }
            }
            // Forward: rows, then columns.
            for y in 0..8 {
                for u in 0..8 {
                    temp[y * 8 + u] = (0..8).map(|x| cos[x][u] * block[y * 8 + x]).sum();
                }
            }
            for u in 0..8 {
                for v in 0..8 {
                    let coefficient: f64 = (0..8).map(|y| cos[y][v] * temp[y * 8 + u]).sum();
                    let q = table[v * 8 + u];
                    block[v * 8 + u] = (coefficient / q).round() * q;
                }
            }
            // Inverse: columns, then rows.
            for u in 0..8 {
                for y in 0..8 {
                    temp[y * 8 + u] = (0..8).map(|v| cos[y][v] * block[v * 8 + u]).sum();
                }
            }
            for y in 0..8 {
                for x in 0..8 {
                    let value: f64 = (0..8).map(|u| cos[x][u] * temp[y * 8 + u]).sum();
                    if bx + x < PHOTO_W && by + y < PHOTO_H {
                        image[(by + y) * PHOTO_W + bx + x] =
                            (value + 128.0).round().clamp(0.0, 255.0) as u8;
                    }
                }
            }
        }
    }
}

/// The whole camera: exposure, optics, sensor, compression.
pub fn photograph(scene: &Scene, condition: Condition, framing: Framing, seed: u64) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    let shot = Shot::new(condition, framing, scene, &mut rng);
    let mut light = expose(scene, &shot);
    blur(&mut light, shot.blur);
    let mut photo: Vec<u8> = light
        .iter()
        .map(|&value| (value + shot.noise * rng.gauss()).round().clamp(0.0, 255.0) as u8)
        .collect();
    if let Some(quality) = shot.jpeg {
        jpeg(&mut photo, quality);
    }
    photo
}

// ---------------------------------------------------------------------------
// The decoders
// ---------------------------------------------------------------------------

/// One pass of rqrr with its own binarisation: whether it finds a code in
/// `photo` whose payload `accept`s.
pub fn rqrr_reads(photo: &[u8], accept: impl Fn(&[u8]) -> bool) -> bool {
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(PHOTO_W, PHOTO_H, |x, y| {
            photo[y * PHOTO_W + x]
        });
        prepared.detect_grids().iter().any(|grid| {
            let mut payload = Vec::new();
            grid.decode_to(&mut payload).is_ok() && accept(&payload)
        })
    }));
    result.unwrap_or(false)
}

/// A decoder run as a separate program, many photos to a call.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum External {
    /// `zbarimg` (Debian's `zbar-tools`).
    Zbar,
    /// `ZXingReader` (Debian's `zxing-cpp-tools`): ZXing-C++, the C++ port
    /// of the ZXing library that Android's barcode scanners grew from.
    Zxing,
}

impl External {
    /// In declaration order, so that `decoder as usize` indexes it.
    pub const ALL: [External; 2] = [External::Zbar, External::Zxing];

    /// Its name in the table.
    pub fn name(self) -> &'static str {
        match self {
            External::Zbar => "zbar",
            External::Zxing => "zxing",
        }
    }

    /// The program it runs.
    pub fn program(self) -> &'static str {
        match self {
            External::Zbar => "zbarimg",
            External::Zxing => "ZXingReader",
        }
    }

    /// The arguments before the files: QR codes only, machine-readable.
    fn args(self) -> &'static [&'static str] {
        match self {
            External::Zbar => &["--xml", "-q", "-Sdisable", "-Sqrcode.enable"],
            External::Zxing => &["-format", "QRCode", "-1"],
        }
    }

    /// Whether the program runs here (both print their usage or version
    /// and exit; `ZXingReader` without files exits non-zero, so only its
    /// start counts).
    pub fn available(self) -> bool {
        let mut command = Command::new(self.program());
        if self == External::Zbar {
            command.arg("--version");
        }
        command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|status| self == External::Zxing || status.success())
    }

    /// Every `(file, payload)` pair the program printed.
    fn results<'a>(self, output: &'a str, files: &[PathBuf]) -> Vec<(usize, &'a [u8])> {
        let mut found = Vec::new();
        match self {
            // <source href='PATH'> ... <data><![CDATA[PAYLOAD]]></data> ... </source>
            External::Zbar => {
                for source in output.split("<source href='").skip(1) {
                    let Some(end) = source.find('\'') else {
                        continue;
                    };
                    let href = &source[..end];
                    let Some(index) = files.iter().position(|f| f.to_str() == Some(href)) else {
                        continue;
                    };
                    for data in source.split("<data><![CDATA[").skip(1) {
                        if let Some(end) = data.find("]]></data>") {
                            found.push((index, &data.as_bytes()[..end]));
                        }
                    }
                }
            }
            // One line a symbol: PATH QRCode "PAYLOAD" (or PATH None).
            External::Zxing => {
                for line in output.lines() {
                    let Some((index, rest)) = files.iter().enumerate().find_map(|(i, f)| {
                        let rest = line.strip_prefix(f.to_str()?)?.strip_prefix(' ')?;
                        Some((i, rest))
                    }) else {
                        continue;
                    };
                    let Some(rest) = rest.strip_prefix("QRCode \"") else {
                        continue;
                    };
                    if let Some(payload) = rest.strip_suffix('"') {
                        found.push((index, payload.as_bytes()));
                    }
                }
            }
        }
        found
    }
}

/// A run of an external decoder on a policy's photo files.
pub struct Batch {
    /// The decoder that runs.
    pub decoder: External,
    child: Child,
}

/// Writes a photo as an 8-bit PGM file, the decoders' input.
pub fn write_pgm(path: &Path, photo: &[u8]) -> std::io::Result<()> {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
    write!(file, "P5\n{PHOTO_W} {PHOTO_H}\n255\n")?;
    file.write_all(photo)?;
    file.flush()
}

/// Starts `decoder` on the photo `files`; `None` when it does not start.
pub fn batch_start(decoder: External, files: &[PathBuf]) -> Option<Batch> {
    let child = Command::new(decoder.program())
        .args(decoder.args())
        .args(files)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    Some(Batch { decoder, child })
}

/// Waits for a batch and returns, per photo file, whether a payload read
/// from it was `accept`ed (given the file's index). The caller removes the
/// files once every decoder has read them.
pub fn batch_finish(
    batch: Batch,
    files: &[PathBuf],
    accept: impl Fn(usize, &[u8]) -> bool,
) -> Vec<bool> {
    let output = batch.child.wait_with_output();
    let text = output
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let mut read = vec![false; files.len()];
    for (index, payload) in batch.decoder.results(&text, files) {
        if accept(index, payload) {
            read[index] = true;
        }
    }
    read
}
