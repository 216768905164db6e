//! Scannability: how often a simulated phone photo of the panic screen
//! decodes, Linux's choice of code against ours.
//!
//! For each real crash log of the corpus, the bench encodes the panic URL (a
//! 48-byte base URL, the log's tail compressed) under each policy, paints the
//! code on a black XRGB8888 screen of 1920×1080 and 1024×768 pixels (the
//! message area is left blank: the code is what is read), and takes photos of
//! it with a simulated phone camera, one degradation at a time at three
//! strengths. Each photo is decoded by decoders that share no code with ours:
//!
//! - `rqrr`, one pass with its own adaptive binarisation
//!   (`PreparedImage::prepare_from_greyscale`), as a simple phone decoder
//!   reads one frame; not `panicqr_tools::scan::scan_image`, whose retries at
//!   other scales and thresholds would hide what a phone sees;
//! - `zbarimg` (Debian's `zbar-tools`) and `ZXingReader` (Debian's
//!   `zxing-cpp-tools`: ZXing-C++, the port of the ZXing library that
//!   Android's barcode scanners grew from), each when it is installed, on
//!   8-bit PGM files, many to a call; a column reads `-` when its program is
//!   missing.
//!
//! A photo counts as read only when the decoded payload inflates to exactly
//! the log tail the encoder reported.
//!
//! # The camera
//!
//! Every photo is a 1280×960 greyscale frame. With `--framing code` (the
//! default) the user frames the code: its side (without quiet zone) in the
//! photo is drawn from 420 to 680 pixels, whatever its size on the screen.
//! With `--framing screen` the user frames the whole screen: it fills 80 to
//! 95 % of the frame's width or height, whichever binds, so a code drawn
//! larger on the screen is larger in the photo (moiré keeps its fixed
//! sampling step and the code framing). Either way the frame centre is off
//! by up to 16 pixels and rolled by up to 4 degrees. Each photo pixel averages 3×3 bilinear samples of the screen (the
//! lens and the sensor integrate light). The screen's black shows as 18 and
//! its white as 225; the lens blurs with σ = 0.5 pixel and the sensor adds
//! noise of σ = 2. Each condition then changes one thing:
//!
//! - `blur`: Gaussian blur of σ = 1.0, 1.4, 1.8 photo pixels;
//! - `noise`: Gaussian sensor noise of σ = 12, 20, 28 grey levels;
//! - `jpeg`: JPEG at quality 30, 15, 7 (IJG tables); the loss of baseline
//!   JPEG is all in quantising the 8×8 DCT, so the bench does that and its
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
//! All random draws come from a fixed-seed generator, and the same seed gives
//! every policy the same log, screen, framing and noise.
//!
//! # The policies
//!
//! - `linux`: Linux 6.12's choices, modelled with our encoder: level L, no
//!   boost, mask 0, versions up to 40 (its default `panic_qr_version`), no
//!   preset dictionary; scale `min(3w/4, 3h/4) / (width + 8)`, no code below
//!   2 (the photo then fails).
//! - `default`: [`Policy::DEFAULT`] (modules of at least 1/256 of the
//!   screen's width) with [`layout::plan`] and [`layout::place`]: automatic
//!   mask, level L with boost, the dictionary allowed (the encoder's
//!   default when `docs/scannability.md` was measured; opt-in now, and kept
//!   here so that its tables reproduce);
//! - `largest`: [`Policy::LARGEST`] (the largest code that fits, no limit
//!   for the photo), the same way;
//! - `recommended`: [`Policy::MEDIUM_ECC`] (up to version 30, level M, at
//!   least 3 pixels per module), the same way;
//! - `v<version><L|M|Q|H>[s<min scale>][a<modules across>]`, for example
//!   `v25Ms3` or `v40La280`: a trial policy, the same way, to explore the
//!   trade-off (`a` sets [`Policy::max_modules_across`]).
//! - any of ours with `+m`, `+q` or `+h`, for example `default+m`: that
//!   level instead of the policy's whenever it carries the same log bytes
//!   (the code then grows up to the policy's largest version).
//!
//! # Running
//!
//! `cargo bench --bench scannability -- [--seeds N] [--policies a,b]
//! [--conditions a,b] [--framing code|screen] [--no-zbar] [--no-zxing]
//! [--full-logs] [--screens 1920x1080,1024x768] [--dump DIR]` (20 seeds,
//! both screens and the three named policies by default; `--full-logs` puts
//! the boot messages of a real Linux 6.12 boot,
//! `benches/data/qemu-boot-6.12.log`, before every crash log, as the
//! kernel's buffer holds them at a real panic, so every code is as large as
//! the policy allows; `--dump` keeps every photo as a PGM file named with
//! its rqrr verdict). Each table in `docs/scannability.md` names its command
//! and how long it took.
//! `PANICQR_CORPUS` names the folder of `*.log` files (default
//! `../shared/corpus` next to the repository).

use std::fmt::Write as _;
use std::io::Write as _;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use panicqr::payload::{
    encode_kmsg, image_buffer_len, scratch_buffer_len, workspace_len, KmsgRequest,
};
use panicqr::screen::layout::{self, Geometry, Policy, Rect, Screen};
use panicqr::screen::paint::{paint_canvas, Palette, PixelFormat};
use panicqr::{Ecc, Mask, Options, Polarity, Version};
use panicqr_tools::decode_payload;

/// The base URL: 48 bytes, as a project's own report page might be.
const BASE_URL: &[u8] = b"https://panic-report.example.org/linux/v1/decode";
const ARCH: &[u8] = b"x86_64";
const RELEASE: &[u8] = b"6.12.0";

/// The screens, in pixels.
const SCREENS: [(u32, u32); 2] = [(1920, 1080), (1024, 768)];

/// The message beside the code on our screens: 8×16 cells, 6 lines of at
/// most 48 characters (the panic title, the reason, the scan prompt).
const FONT: (u32, u32) = (8, 16);
const TEXT: (u32, u32) = (6, 48);

/// The photo frame.
const PHOTO_W: usize = 1280;
const PHOTO_H: usize = 960;
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
fn seed_of(parts: &[u64]) -> u64 {
    let mut rng = Rng::new(0x0123_4567_89ab_cdef);
    for &part in parts {
        rng.0 ^= part;
        rng.next_u64();
    }
    rng.next_u64()
}

// ---------------------------------------------------------------------------
// Policies and the rendered screen
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Linux,
    Ours(Policy),
}

#[derive(Clone)]
struct Candidate {
    name: String,
    kind: Kind,
    /// A level to use instead of the policy's when it carries the same log
    /// bytes (the name's `+m`, `+q` or `+h` suffix).
    free_level: Option<Ecc>,
}

/// The candidate called `name`: `linux`, `default`, `largest`,
/// `recommended`, or a trial policy
/// `v<max version><L|M|Q|H>[s<min scale>][a<modules across>]` such as
/// `v30M` or `v40La280`.
fn candidate(full_name: &str) -> Option<Candidate> {
    let (name, free_level) = match full_name.split_once('+') {
        None => (full_name, None),
        Some((name, "m")) => (name, Some(Ecc::Medium)),
        Some((name, "q")) => (name, Some(Ecc::Quartile)),
        Some((name, "h")) => (name, Some(Ecc::High)),
        Some(_) => return None,
    };
    if free_level.is_some() && name == "linux" {
        return None;
    }
    let kind = match name {
        "linux" => Kind::Linux,
        "default" => Kind::Ours(Policy::DEFAULT),
        "largest" => Kind::Ours(Policy::LARGEST),
        "recommended" => Kind::Ours(Policy::MEDIUM_ECC),
        _ => {
            let rest = name.strip_prefix('v')?;
            let digits = rest.find(|c: char| !c.is_ascii_digit())?;
            let version = Version::new(rest[..digits].parse().ok()?)?;
            let mut chars = rest[digits..].chars();
            let ecc = match chars.next()? {
                'L' => Ecc::Low,
                'M' => Ecc::Medium,
                'Q' => Ecc::Quartile,
                'H' => Ecc::High,
                _ => return None,
            };
            let rest = chars.as_str();
            let (rest, max_modules_across) = match rest.split_once('a') {
                Some((rest, n)) => (rest, n.parse().ok()?),
                None => (rest, 0),
            };
            let min_scale = match rest.strip_prefix('s') {
                Some(n) => n.parse().ok()?,
                None if rest.is_empty() => Policy::DEFAULT.min_scale,
                None => return None,
            };
            Kind::Ours(Policy {
                min_scale,
                max_version: version,
                ecc,
                max_modules_across,
                ..Policy::DEFAULT
            })
        }
    };
    Some(Candidate {
        name: full_name.to_owned(),
        kind,
        free_level,
    })
}

/// A painted code: the canvas pixels (grey, the rest of the screen is
/// black), where the code sits on the screen, and what it carries.
struct Rendered {
    /// The canvas, `side × side` grey pixels.
    canvas: Vec<u8>,
    /// The canvas on the screen.
    rect: Rect,
    /// The modules' square, without quiet zone, in screen pixels.
    code: Rect,
    scale: u32,
    version: u8,
    ecc: Ecc,
    /// The log bytes carried: what a successful read must give back.
    tail: Vec<u8>,
    /// The whole log is carried.
    whole: bool,
    /// The screen's size in pixels.
    screen: (u32, u32),
}

/// Encodes `log` with `candidate` and paints it on a `width × height` screen.
/// Returns `None` when the candidate shows no code on this screen.
fn render(candidate: &Candidate, log: &[u8], (width, height): (u32, u32)) -> Option<Rendered> {
    let screen = Screen {
        width,
        height,
        font_width: FONT.0,
        font_height: FONT.1,
        text_lines: TEXT.0,
        text_columns: TEXT.1,
    };
    let (options, dictionary) = match candidate.kind {
        Kind::Linux => (
            Options {
                min_version: Version::MIN,
                max_version: Version::MAX,
                ecc: Ecc::Low,
                boost_ecc: false,
                mask: Mask::new(0),
                polarity: Polarity::DarkIsSet,
            },
            false,
        ),
        Kind::Ours(policy) => {
            let plan = layout::plan(&screen, &policy).ok()?;
            (
                Options {
                    max_version: plan.version,
                    ecc: policy.ecc,
                    ..Options::default()
                },
                true,
            )
        }
    };
    let request = KmsgRequest {
        base_url: Some(BASE_URL),
        arch: ARCH,
        release: RELEASE,
        dictionary,
        options,
    };
    let mut workspace = vec![0u8; workspace_len()];
    let mut scratch = vec![0u8; scratch_buffer_len(options.max_version)];
    let mut image = vec![0u8; image_buffer_len(options.max_version)];
    // Sized only for a `+<level>` candidate; it holds the code that wins.
    let mut free_image = Vec::new();
    let (mut code, mut report) =
        encode_kmsg(log, &request, &mut workspace, &mut scratch, &mut image).ok()?;
    if let Some(level) = candidate.free_level {
        // The higher level when it carries every byte the policy's does.
        let free = KmsgRequest {
            options: Options {
                ecc: level,
                ..options
            },
            ..request
        };
        let mut free_scratch = vec![0u8; scratch_buffer_len(options.max_version)];
        free_image.resize(image_buffer_len(options.max_version), 0);
        if let Ok((free_code, free_report)) = encode_kmsg(
            log,
            &free,
            &mut workspace,
            &mut free_scratch,
            &mut free_image,
        ) {
            if free_report.tail_start == report.tail_start {
                (code, report) = (free_code, free_report);
            }
        }
    }
    let modules = u32::from(code.width());
    let geometry = match candidate.kind {
        Kind::Linux => linux_geometry(width, height, modules)?,
        Kind::Ours(policy) => layout::place(&screen, &policy, modules).ok()?,
    };
    let pitch = width as usize * 4;
    let mut framebuffer = vec![0u8; pitch * height as usize];
    let palette = Palette::new(PixelFormat::Xrgb8888, 0x00ff_ffff, 0);
    paint_canvas(&code, &geometry, &palette, &mut framebuffer, pitch).ok()?;
    let rect = geometry.canvas;
    let mut canvas = Vec::with_capacity(rect.width as usize * rect.height as usize);
    for y in rect.y..rect.y + rect.height {
        let row = y as usize * pitch;
        for x in rect.x..rect.x + rect.width {
            // XRGB8888 is little-endian B, G, R, X; the colours are grey.
            canvas.push(framebuffer[row + x as usize * 4 + 1]);
        }
    }
    Some(Rendered {
        canvas,
        rect,
        code: geometry.modules,
        scale: geometry.scale,
        version: code.version().number(),
        ecc: code.ecc(),
        tail: log[report.tail_start..].to_vec(),
        whole: report.tail_start == 0,
        screen: (width, height),
    })
}

/// Linux's `draw_panic_static_qr_code` layout: the largest integer scale
/// that fits three quarters of the smaller side, at least 2. The canvas is
/// centred (where it is does not matter to the camera, which frames it).
fn linux_geometry(width: u32, height: u32, modules: u32) -> Option<Geometry> {
    let quiet = 4;
    let canvas_modules = modules + 2 * quiet;
    let scale = (3 * width / 4).min(3 * height / 4) / canvas_modules;
    if scale < 2 {
        return None;
    }
    let side = canvas_modules * scale;
    let canvas = Rect {
        x: (width - side) / 2,
        y: (height - side) / 2,
        width: side,
        height: side,
    };
    Some(Geometry {
        canvas,
        modules: Rect {
            x: canvas.x + quiet * scale,
            y: canvas.y + quiet * scale,
            width: modules * scale,
            height: modules * scale,
        },
        text: Rect::default(),
        scale,
        quiet_zone: quiet,
        width_modules: modules,
    })
}

// ---------------------------------------------------------------------------
// Conditions
// ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq)]
enum Condition {
    Baseline,
    Blur(f64),
    Noise(f64),
    Jpeg(u32),
    Tilt(f64),
    Glare(f64, f64),
    Moire(f64),
    Combined,
}

impl Condition {
    fn name(&self) -> &'static str {
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

    fn parameter(&self) -> String {
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

/// The rows of the table: (condition, strength name).
fn rows() -> Vec<(Condition, &'static str)> {
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
    fn new(condition: Condition, framing: Framing, rendered: &Rendered, rng: &mut Rng) -> Shot {
        let code_side = rng.range(420.0, 680.0);
        let mut shot = Shot {
            magnification: code_side / f64::from(rendered.code.width),
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
            let (width, height) = (f64::from(rendered.screen.0), f64::from(rendered.screen.1));
            let fill = rng.range(0.80, 0.95);
            shot.magnification = fill * (PHOTO_W as f64 / width).min(PHOTO_H as f64 / height);
            let centre =
                |rect_start: u32, rect_len: u32| f64::from(rect_start) + f64::from(rect_len) / 2.0;
            let code_centre = (
                centre(rendered.code.x, rendered.code.width),
                centre(rendered.code.y, rendered.code.height),
            );
            shot.offset.0 += (width / 2.0 - code_centre.0) * shot.magnification;
            shot.offset.1 += (height / 2.0 - code_centre.1) * shot.magnification;
            // The glare spot lands on the code, as before: relative to the
            // code's centre, which is at minus the offset in the photo.
            let side = shot.magnification * f64::from(rendered.code.width);
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
fn bilinear(rendered: &Rendered, x: f64, y: f64) -> f64 {
    let side = rendered.rect.width as i64;
    let at = |x: i64, y: i64| -> f64 {
        if x < 0 || y < 0 || x >= side || y >= side {
            0.0
        } else {
            f64::from(rendered.canvas[(y * side + x) as usize])
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

fn nearest(rendered: &Rendered, x: f64, y: f64) -> f64 {
    let side = rendered.rect.width as i64;
    let (x, y) = (x.floor() as i64, y.floor() as i64);
    if x < 0 || y < 0 || x >= side || y >= side {
        0.0
    } else {
        f64::from(rendered.canvas[(y * side + x) as usize])
    }
}

/// Takes the photo: light values in grey levels, before the sensor.
fn expose(rendered: &Rendered, shot: &Shot) -> Vec<f64> {
    // The code centre in canvas coordinates.
    let centre = f64::from(rendered.rect.width) / 2.0;
    let (half_w, half_h) = (PHOTO_W as f64 / 2.0, PHOTO_H as f64 / 2.0);
    let side = f64::from(rendered.rect.width);
    let mut light = vec![0.0; PHOTO_W * PHOTO_H];
    let (gsin, gcos) = shot.gradient_angle.sin_cos();
    let spot_radius = 0.18 * shot.magnification * f64::from(rendered.code.width);
    for py in 0..PHOTO_H {
        for px in 0..PHOTO_W {
            let (u, v) = (px as f64 + 0.5 - half_w, py as f64 + 0.5 - half_h);
            let (cx, cy) = shot.to_screen(u, v);
            let (cx, cy) = (cx + centre, cy + centre);
            let level = if cx < -3.0 || cy < -3.0 || cx > side + 3.0 || cy > side + 3.0 {
                0.0
            } else if shot.nearest {
                nearest(rendered, cx, cy)
            } else {
                let mut sum = 0.0;
                for j in 0..3 {
                    for i in 0..3 {
                        let du = (f64::from(i) - 1.0) / 3.0;
                        let dv = (f64::from(j) - 1.0) / 3.0;
                        let (sx, sy) = shot.to_screen(u + du, v + dv);
                        sum += bilinear(rendered, sx + centre, sy + centre);
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
fn photograph(rendered: &Rendered, condition: Condition, framing: Framing, seed: u64) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    let shot = Shot::new(condition, framing, rendered, &mut rng);
    let mut light = expose(rendered, &shot);
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
// Decoders
// ---------------------------------------------------------------------------

/// Whether `payload` is a panic URL that gives back exactly `tail`.
fn is_exact(payload: &[u8], tail: &[u8]) -> bool {
    payload.starts_with(BASE_URL)
        && decode_payload(payload).is_ok_and(|decoded| decoded.log == tail)
}

/// One pass of rqrr with its own binarisation.
fn rqrr_reads(photo: &[u8], tail: &[u8]) -> bool {
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(PHOTO_W, PHOTO_H, |x, y| {
            photo[y * PHOTO_W + x]
        });
        prepared.detect_grids().iter().any(|grid| {
            let mut payload = Vec::new();
            grid.decode_to(&mut payload).is_ok() && is_exact(&payload, tail)
        })
    }));
    result.unwrap_or(false)
}

/// A decoder run as a separate program, many photos to a call.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum External {
    /// `zbarimg` (Debian's `zbar-tools`).
    Zbar,
    /// `ZXingReader` (Debian's `zxing-cpp-tools`): ZXing-C++, the C++ port
    /// of the ZXing library that Android's barcode scanners grew from.
    Zxing,
}

impl External {
    /// In declaration order, so that `decoder as usize` indexes it.
    const ALL: [External; 2] = [External::Zbar, External::Zxing];

    fn name(self) -> &'static str {
        match self {
            External::Zbar => "zbar",
            External::Zxing => "zxing",
        }
    }

    fn program(self) -> &'static str {
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
    fn available(self) -> bool {
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
struct Batch {
    decoder: External,
    child: Child,
}

fn write_pgm(path: &Path, photo: &[u8]) -> std::io::Result<()> {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
    write!(file, "P5\n{PHOTO_W} {PHOTO_H}\n255\n")?;
    file.write_all(photo)?;
    file.flush()
}

fn batch_start(decoder: External, files: &[PathBuf]) -> Option<Batch> {
    let child = Command::new(decoder.program())
        .args(decoder.args())
        .args(files)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    Some(Batch { decoder, child })
}

/// Waits for a batch and returns, per photo file, whether it was read as
/// exactly its tail. The caller removes the files once every decoder has
/// read them.
fn batch_finish(batch: Batch, files: &[PathBuf], tails: &[Vec<u8>]) -> Vec<bool> {
    let output = batch.child.wait_with_output();
    let text = output
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let mut read = vec![false; files.len()];
    for (index, payload) in batch.decoder.results(&text, files) {
        if is_exact(payload, &tails[index]) {
            read[index] = true;
        }
    }
    read
}

// ---------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------

/// What the user puts in the photo.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Framing {
    /// The code fills a fixed share of the frame, whatever its size on the
    /// screen.
    Code,
    /// The whole screen is in the frame, so a code drawn larger on the
    /// screen is larger in the photo.
    Screen,
}

struct Args {
    seeds: usize,
    framing: Framing,
    policies: Vec<String>,
    conditions: Vec<String>,
    /// The external decoders asked for (all by default; each runs only
    /// where it is installed).
    externals: Vec<External>,
    /// A folder to keep every photo in, as PGM, with its verdicts.
    dump: Option<PathBuf>,
    /// Put the boot messages of a real kernel before each crash log.
    full_logs: bool,
    /// The screens, [`SCREENS`] unless `--screens` names others.
    screens: Vec<(u32, u32)>,
}

fn parse_args() -> Args {
    let mut args = Args {
        seeds: 20,
        framing: Framing::Code,
        policies: vec!["linux".into(), "default".into(), "recommended".into()],
        conditions: Vec::new(),
        externals: External::ALL.to_vec(),
        dump: None,
        full_logs: false,
        screens: SCREENS.to_vec(),
    };
    let list = |s: Option<String>| -> Vec<String> {
        s.unwrap_or_default()
            .split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--seeds" => args.seeds = it.next().and_then(|s| s.parse().ok()).unwrap_or(20),
            "--policies" => args.policies = list(it.next()),
            "--conditions" => args.conditions = list(it.next()),
            "--no-zbar" => args.externals.retain(|&e| e != External::Zbar),
            "--no-zxing" => args.externals.retain(|&e| e != External::Zxing),
            "--dump" => args.dump = it.next().map(PathBuf::from),
            "--full-logs" => args.full_logs = true,
            "--screens" => {
                args.screens = list(it.next())
                    .iter()
                    .filter_map(|size| {
                        let (width, height) = size.split_once('x')?;
                        Some((width.parse().ok()?, height.parse().ok()?))
                    })
                    .filter(|&(width, height)| width > 0 && height > 0)
                    .collect();
                if args.screens.is_empty() {
                    args.screens = SCREENS.to_vec();
                }
            }
            "--framing" => {
                args.framing = match it.next().as_deref() {
                    Some("screen") => Framing::Screen,
                    _ => Framing::Code,
                }
            }
            // `cargo bench` passes `--bench`.
            _ => {}
        }
    }
    args
}

/// The kernel messages of a real Linux 6.12.117 boot under QEMU, up to the
/// panic (`kernel-glue/linux/e2e.sh`'s serial log, its marker line left out).
const BOOT_LOG: &[u8] = include_bytes!("data/qemu-boot-6.12.log");

fn corpus() -> Vec<(String, Vec<u8>)> {
    let dir = std::env::var_os("PANICQR_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"));
    let mut logs: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "log"))
                .filter_map(|p| {
                    let name = p.file_name()?.to_string_lossy().into_owned();
                    Some((name, std::fs::read(&p).ok()?))
                })
                .collect()
        })
        .unwrap_or_default();
    logs.sort();
    logs
}

/// Successes out of trials.
#[derive(Clone, Copy, Default)]
struct Count {
    read: usize,
    total: usize,
}

impl Count {
    fn add(&mut self, read: bool) {
        self.read += usize::from(read);
        self.total += 1;
    }

    fn cell(&self) -> String {
        if self.total == 0 {
            "-".into()
        } else {
            format!("{:.0} %", 100.0 * self.read as f64 / self.total as f64)
        }
    }
}

fn main() {
    let args = parse_args();
    let mut logs = corpus();
    if args.full_logs {
        // At a real panic the kernel's buffer holds the boot before the
        // crash: every log then outgrows a version 40 code.
        for (_, log) in &mut logs {
            log.splice(0..0, BOOT_LOG.iter().copied());
        }
    }
    if logs.is_empty() {
        eprintln!("scannability: no *.log files in the corpus (set PANICQR_CORPUS); skipped");
        return;
    }
    let externals: Vec<External> = args
        .externals
        .iter()
        .copied()
        .filter(|e| e.available())
        .collect();
    let mut chosen = Vec::new();
    for name in &args.policies {
        match candidate(name) {
            Some(c) => chosen.push(c),
            None => eprintln!("scannability: unknown policy {name}, skipped"),
        }
    }
    let rows: Vec<(Condition, &str)> = rows()
        .into_iter()
        .filter(|(c, _)| {
            args.conditions.is_empty() || args.conditions.iter().any(|n| n == c.name())
        })
        .collect();
    let start = Instant::now();

    // Seed `i` of `n` photographs log `i × logs / n`: spread over the
    // corpus. Encode and paint each of those once per policy and screen.
    let log_of = |seed: usize| seed * logs.len() / args.seeds.max(1);
    let mut rendered: Vec<Vec<Vec<Option<Rendered>>>> = Vec::new();
    println!("## Codes\n");
    println!("| policy | screen | version (mean) | scale (mean) | photo pixels per module, screen framing (mean) | ECC levels | log bytes carried (mean) | logs carried whole |");
    println!("|---|---|---|---|---|---|---|---|");
    for candidate in &chosen {
        let mut per_screen = Vec::new();
        for &screen in &args.screens {
            let codes: Vec<Option<Rendered>> = logs
                .iter()
                .enumerate()
                .map(|(i, (_, log))| {
                    let used = (0..args.seeds).any(|seed| log_of(seed) == i);
                    if used {
                        render(candidate, log, screen)
                    } else {
                        None
                    }
                })
                .collect();
            let shown: Vec<&Rendered> = codes.iter().flatten().collect();
            let n = shown.len().max(1) as f64;
            let mean = |f: &dyn Fn(&Rendered) -> f64| shown.iter().map(|r| f(r)).sum::<f64>() / n;
            let mut levels = String::new();
            for ecc in Ecc::ALL {
                let count = shown.iter().filter(|r| r.ecc == ecc).count();
                if count > 0 {
                    let _ = write!(levels, "{ecc:?}×{count} ");
                }
            }
            let whole = shown.iter().filter(|r| r.whole).count();
            // The mean fill of the frame in screen framing is 87.5 %.
            let photo_scale = 0.875
                * (PHOTO_W as f64 / f64::from(screen.0)).min(PHOTO_H as f64 / f64::from(screen.1));
            println!(
                "| {} | {}×{} | {:.1} | {:.1} | {:.1} | {}| {:.0} | {whole} of {} |",
                candidate.name,
                screen.0,
                screen.1,
                mean(&|r| f64::from(r.version)),
                mean(&|r| f64::from(r.scale)),
                mean(&|r| f64::from(r.scale)) * photo_scale,
                levels,
                mean(&|r| r.tail.len() as f64),
                shown.len(),
            );
            per_screen.push(codes);
        }
        rendered.push(per_screen);
    }
    println!();

    let temp = std::env::temp_dir().join(format!("panicqr-scannability-{}", std::process::id()));
    if !externals.is_empty() {
        let _ = std::fs::create_dir_all(&temp);
    }
    let mut header = String::from("| condition | strength | parameter |");
    let mut rule = String::from("|---|---|---|");
    for decoder in ["rqrr"]
        .into_iter()
        .chain(External::ALL.iter().map(|e| e.name()))
    {
        for candidate in &chosen {
            let name = &candidate.name;
            let _ = write!(header, " {name} {decoder} |");
            rule.push_str("---|");
        }
    }
    println!(
        "## Read exactly, {} seeds × {} screens per cell, framing: {:?}\n",
        args.seeds,
        args.screens.len(),
        args.framing,
    );
    println!("{header}\n{rule}");
    for (row, &(condition, strength)) in rows.iter().enumerate() {
        let mut rqrr_counts = vec![Count::default(); chosen.len()];
        // Per policy: the photos' files, the photos no external decoder
        // sees (no code on the screen: failures), and a batch per decoder.
        let mut batches = Vec::new();
        for (p, _) in chosen.iter().enumerate() {
            let mut files = Vec::new();
            let mut tails = Vec::new();
            let mut unseen = 0;
            for (s, &screen) in args.screens.iter().enumerate() {
                // A default screen draws the same photos whichever screens
                // run with it; another gets draws of its own.
                let draw = SCREENS
                    .iter()
                    .position(|&default| default == screen)
                    .unwrap_or(SCREENS.len() + s);
                for seed in 0..args.seeds {
                    let Some(code) = &rendered[p][s][log_of(seed)] else {
                        // No code on this screen: nothing to read.
                        rqrr_counts[p].add(false);
                        unseen += 1;
                        continue;
                    };
                    let photo = photograph(
                        code,
                        condition,
                        args.framing,
                        seed_of(&[row as u64, draw as u64, seed as u64]),
                    );
                    let read = rqrr_reads(&photo, &code.tail);
                    rqrr_counts[p].add(read);
                    if let Some(dir) = &args.dump {
                        let _ = std::fs::create_dir_all(dir);
                        let name = format!(
                            "{}-{strength}-{}-{}x{}-{seed}-v{}-{}.pgm",
                            condition.name(),
                            chosen[p].name,
                            screen.0,
                            screen.1,
                            code.version,
                            if read { "read" } else { "fail" },
                        );
                        let _ = write_pgm(&dir.join(name), &photo);
                    }
                    let file = temp.join(format!("{row}-{p}-{s}-{seed}.pgm"));
                    if !externals.is_empty() && write_pgm(&file, &photo).is_ok() {
                        tails.push(code.tail.clone());
                        files.push(file);
                    } else {
                        unseen += 1;
                    }
                }
            }
            let started: Vec<Option<Batch>> =
                externals.iter().map(|&e| batch_start(e, &files)).collect();
            batches.push((unseen, files, tails, started));
        }
        let mut line = format!(
            "| {} | {strength} | {} |",
            condition.name(),
            condition.parameter()
        );
        for count in &rqrr_counts {
            let _ = write!(line, " {} |", count.cell());
        }
        // Cells in decoder-major order, as the header.
        let mut cells = vec![vec![String::from("-"); chosen.len()]; External::ALL.len()];
        for (p, (unseen, files, tails, started)) in batches.into_iter().enumerate() {
            // A decoder that failed to start leaves its cell at `-`.
            for batch in started.into_iter().flatten() {
                let column = batch.decoder as usize;
                let mut count = Count::default();
                for _ in 0..unseen {
                    count.add(false);
                }
                for read in batch_finish(batch, &files, &tails) {
                    count.add(read);
                }
                cells[column][p] = count.cell();
            }
            for file in &files {
                let _ = std::fs::remove_file(file);
            }
        }
        for cell in cells.iter().flatten() {
            let _ = write!(line, " {cell} |");
        }
        println!("{line}");
        let _ = std::io::stdout().flush();
    }
    if !externals.is_empty() {
        let _ = std::fs::remove_dir_all(&temp);
    }
    for decoder in External::ALL {
        if !externals.contains(&decoder) {
            println!(
                "\n{} not found or disabled: the {} columns are empty.",
                decoder.program(),
                decoder.name()
            );
        }
    }
    println!(
        "\n{} seeds, {} rows, {} policies: {:.1} s",
        args.seeds,
        rows.len(),
        chosen.len(),
        start.elapsed().as_secs_f64()
    );
}
