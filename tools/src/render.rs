//! The panic screen in user space: what the kernel glue draws, as a picture.
//!
//! [`render`] draws the screen Linux's `drm_panic.c` draws when the QR code
//! screen is selected, with panicqr's parts in place of the kernel's: the
//! layout of [`panicqr::screen::layout`], the code of [`panicqr::payload::encode_kmsg`]
//! and the row painter of [`panicqr::screen::paint`], into a framebuffer of the chosen
//! DRM pixel format. Around them it draws, through embedded-graphics, what
//! Linux draws around the code: the message (`panic_msg`, with the panic
//! description) and a monochrome logo in the top left corner, when it
//! overlaps neither the message nor the code.
//!
//! [`Framebuffer::to_rgb`] reads the pixels back to RGB with code of its own,
//! not panicqr's converter, so a wrong conversion shows in the picture.

use std::convert::Infallible;
use std::fmt;

use embedded_graphics::image::GetPixel;
use embedded_graphics::mono_font::ascii::{FONT_10X20, FONT_4X6, FONT_6X10, FONT_8X13};
use embedded_graphics::mono_font::{MonoFont, MonoTextStyle};
use embedded_graphics::pixelcolor::Rgb888;
use embedded_graphics::prelude::*;
use embedded_graphics::primitives::Rectangle;
use embedded_graphics::text::{Baseline, Text};
use panicqr::payload::deflate::Effort;
use panicqr::payload::{self, KmsgRequest};
use panicqr::screen::layout::{self, LayoutError, Policy, Rect};
use panicqr::screen::paint::{self, Palette, PixelFormat};
use panicqr::{image_len, scratch_len, Ecc, Mask, Options, Polarity, QrCode, Version};
use tinybmp::Bmp;

/// The default base URL: the page of the decoder demo that Linux's
/// `DRM_PANIC_SCREEN_QR_CODE_URL` help text points to
/// (`github.com/kdj0c/panic_report`), the page distributions deploy, in the
/// fragment form: it ends in `#`, so the code holds `...#?a=...&z=...` and
/// the log never leaves the phone. That page reads the `z=` packing this
/// crate writes, from the query or the fragment; it does not know the
/// preset dictionary, so [`Config::dictionary`] is off by default.
pub const DEFAULT_URL: &str = "https://kdj0c.github.io/panic_report/#";

/// The default log: a real x86_64 panic (see `examples/data/README.md`).
pub const SAMPLE_KMSG: &[u8] = include_bytes!("../examples/data/sample-kmsg.log");

/// The logo: an 80×80 one-bit BMP made by `examples/data/make-logo.py`.
pub const LOGO_BMP: &[u8] = include_bytes!("../examples/data/logo.bmp");

/// Linux's default `DRM_PANIC_FOREGROUND_COLOR`, XRGB8888.
pub const FOREGROUND: u32 = 0x00ff_ffff;

/// Linux's default `DRM_PANIC_BACKGROUND_COLOR`, XRGB8888.
pub const BACKGROUND: u32 = 0x0000_0000;

/// The largest screen side [`render`] accepts, in pixels.
pub const MAX_SIDE: u32 = 16_384;

/// The most pixels [`render`] accepts in one screen (64 Mi).
pub const MAX_SCREEN_PIXELS: u64 = 64 << 20;

/// A `width × height` screen with a short panic message beside the code:
/// five lines of at most 28 characters in an 8×16 font. The tests and the
/// paint benchmark lay codes out on it at many screen sizes.
pub fn five_line_screen(width: u32, height: u32) -> layout::Screen {
    layout::Screen {
        width,
        height,
        font_width: 8,
        font_height: 16,
        text_lines: 5,
        text_columns: 28,
    }
}

/// What to draw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The screen width in pixels.
    pub width: u32,
    /// The screen height in pixels.
    pub height: u32,
    /// The framebuffer format.
    pub format: PixelFormat,
    /// The base URL (`CONFIG_DRM_PANIC_SCREEN_QR_CODE_URL`), or `None` to
    /// carry the raw log.
    pub url: Option<String>,
    /// The architecture sent as `a=`, or `None` to guess it from the log.
    pub arch: Option<String>,
    /// The release sent as `v=`, or `None` to take it from the log.
    pub release: Option<String>,
    /// The layout: the least error correction level, the largest version
    /// (`panic_qr_version`), the fewest pixels per module, the quiet zone
    /// and the most modules across a photo of the whole screen.
    pub policy: Policy,
    /// Allow the preset dictionary when it carries more of the log (the URL
    /// then has `&zd=2`). Only for a decoder page that knows it, as the one
    /// in `web/` does: the deployed page shows no log for such a code.
    pub dictionary: bool,
    /// A fixed mask, or `None` to choose by penalty.
    pub mask: Option<Mask>,
}

impl Default for Config {
    /// A 1920×1080 XRGB8888 screen, [`DEFAULT_URL`], guessed arch and
    /// release, no dictionary (codes the deployed decoder page reads), and
    /// the layout of [`Policy::DEFAULT`]:
    /// level L (boosted when it costs no log bytes), versions up to 40, at
    /// least 2 pixels per module and at most 256 modules across a photo of
    /// the whole screen, the largest scale that fits.
    ///
    /// That policy was chosen from `benches/scannability.rs`
    /// (`docs/scannability.md`): when the log fills the code, as at a real
    /// panic, the largest code (version 40, Linux's choice) reads in under
    /// half of simulated whole-screen photos, and modules of 1/256 of the
    /// screen's width read in nearly all, at the price of a shorter log
    /// tail. [`Policy::LARGEST`] carries every byte the screen holds;
    /// [`Policy::MEDIUM_ECC`] trades more log bytes for level M.
    fn default() -> Config {
        Config {
            width: 1920,
            height: 1080,
            format: PixelFormat::Xrgb8888,
            url: Some(DEFAULT_URL.to_owned()),
            arch: None,
            release: None,
            policy: Policy::DEFAULT,
            dictionary: false,
            mask: None,
        }
    }
}

/// Why [`render`] drew nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenderError {
    /// A side is zero, or the screen is larger than [`MAX_SIDE`] or
    /// [`MAX_SCREEN_PIXELS`].
    BadScreen {
        /// The requested width.
        width: u32,
        /// The requested height.
        height: u32,
    },
    /// Not even a version 1 code fits beside the message at the policy's
    /// fewest pixels per module.
    ScreenTooSmall {
        /// The canvas side needed, in pixels.
        needed: u64,
        /// The room there is, in pixels.
        available: u32,
    },
    /// The URL prefix leaves no room for the log in the largest version that
    /// fits the screen.
    UrlTooLong {
        /// Bytes of `<url>?a=...&v=...&z=`.
        prefix_len: usize,
        /// The largest version that fits the screen.
        version: u8,
        /// Data bits that version holds at the chosen level.
        available_bits: usize,
    },
    /// Any other encoder or painter error; it means a bug here.
    Internal(String),
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenderError::BadScreen { width, height } => write!(
                f,
                "bad screen size {width}x{height}: each side must be 1 to {MAX_SIDE} pixels, \
                 and at most {MAX_SCREEN_PIXELS} pixels in all"
            ),
            RenderError::ScreenTooSmall { needed, available } => write!(
                f,
                "screen too small for a QR code: it needs a {needed}x{needed} pixel square \
                 beside the message, there is room for {available}x{available}"
            ),
            RenderError::UrlTooLong {
                prefix_len,
                version,
                available_bits,
            } => write!(
                f,
                "URL too long: the {prefix_len}-byte prefix leaves no room for the log in a \
                 version {version} code ({} bytes at most)",
                available_bits / 8
            ),
            RenderError::Internal(message) => write!(f, "internal error: {message}"),
        }
    }
}

impl std::error::Error for RenderError {}

/// Where a value in the URL came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Given in the [`Config`].
    Given,
    /// Read from the log, at the marker named.
    Log(&'static str),
    /// Neither: the default.
    Default,
}

/// What [`render`] drew.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    /// The screen width.
    pub width: u32,
    /// The screen height.
    pub height: u32,
    /// The pixel format.
    pub format: PixelFormat,
    /// The font cell, width and height in pixels.
    pub font: (u32, u32),
    /// The message lines.
    pub message: Vec<String>,
    /// Whether the logo was drawn (it is skipped where it would overlap).
    pub logo: bool,
    /// The code's version number.
    pub version: u8,
    /// The code's error correction level.
    pub ecc: Ecc,
    /// The code's mask number.
    pub mask: u8,
    /// Pixels per module.
    pub scale: u32,
    /// The code and its quiet zone on the screen.
    pub canvas: Rect,
    /// The URL prefix (`<url>?a=...&v=...[&zd=2]&z=`), empty without a URL.
    pub url_prefix: String,
    /// The architecture sent, and where it came from.
    pub arch: (String, Origin),
    /// The release sent, and where it came from.
    pub release: (String, Origin),
    /// Bytes in the whole log.
    pub log_len: usize,
    /// Offset of the first log byte carried.
    pub tail_start: usize,
    /// Log bytes carried.
    pub tail_len: usize,
    /// Bytes of the zlib stream, or of the raw tail without a URL.
    pub payload_len: usize,
    /// The tail starts inside a line.
    pub truncated: bool,
    /// The stream uses the preset dictionary.
    pub dictionary: bool,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ecc = match self.ecc {
            Ecc::Low => 'L',
            Ecc::Medium => 'M',
            Ecc::Quartile => 'Q',
            Ecc::High => 'H',
        };
        let origin = |origin: &Origin| match origin {
            Origin::Given => "given".to_owned(),
            Origin::Log(marker) => format!("from the log, at {marker:?}"),
            Origin::Default => "default".to_owned(),
        };
        writeln!(
            f,
            "screen:  {}x{} {}, font {}x{}, logo {}",
            self.width,
            self.height,
            format_name(self.format),
            self.font.0,
            self.font.1,
            if self.logo { "drawn" } else { "skipped" }
        )?;
        let modules = 17 + 4 * u32::from(self.version);
        writeln!(
            f,
            "code:    version {} ({modules}x{modules} modules), ECC {ecc}, mask {}, \
             {} pixels per module, canvas {}x{} at ({}, {})",
            self.version,
            self.mask,
            self.scale,
            self.canvas.width,
            self.canvas.height,
            self.canvas.x,
            self.canvas.y
        )?;
        if self.url_prefix.is_empty() {
            writeln!(
                f,
                "payload: raw log bytes (no URL), {} bytes",
                self.payload_len
            )?;
        } else {
            writeln!(
                f,
                "payload: {}<{} digits>, {} bytes of zlib{}",
                self.url_prefix,
                crate::decode::z_digit_count(self.payload_len),
                self.payload_len,
                if self.dictionary {
                    format!(
                        " with the kmsg dictionary ({}={})",
                        payload::KMSG_DICTIONARY_PARAM,
                        payload::KMSG_DICTIONARY_ID
                    )
                } else {
                    ", no dictionary".to_owned()
                }
            )?;
        }
        let whole = if self.tail_start == 0 {
            " (the whole log)".to_owned()
        } else if self.truncated {
            format!(" (from byte {}, inside a line)", self.tail_start)
        } else {
            format!(" (from byte {}, a line start)", self.tail_start)
        };
        writeln!(
            f,
            "log:     {} of {} bytes carried{whole}",
            self.tail_len, self.log_len
        )?;
        writeln!(f, "arch:    {} ({})", self.arch.0, origin(&self.arch.1))?;
        write!(
            f,
            "release: {} ({})",
            self.release.0,
            origin(&self.release.1)
        )
    }
}

/// The result of [`render`].
#[derive(Clone, Debug)]
pub struct Rendered {
    /// The screen.
    pub framebuffer: Framebuffer,
    /// What was drawn.
    pub summary: Summary,
    /// The code as `#` (dark) and `.` (light) text, one line per row.
    pub matrix: String,
}

/// Draws the panic screen for `kmsg`.
///
/// # Errors
///
/// See [`RenderError`]: a bad or too small screen, or a URL too long.
pub fn render(kmsg: &[u8], config: &Config) -> Result<Rendered, RenderError> {
    let mut framebuffer = Framebuffer::new(config.width, config.height, config.format)?;
    let font = font_for(config.width, config.height);
    let cell = (
        font.character_size.width + font.character_spacing,
        font.character_size.height,
    );

    let message = message(kmsg);
    let columns = message.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let screen = layout::Screen {
        width: config.width,
        height: config.height,
        font_width: cell.0,
        font_height: cell.1,
        text_lines: message.len() as u32,
        text_columns: columns as u32,
    };
    let policy = &config.policy;
    let plan = layout::plan(&screen, policy).map_err(layout_error)?;

    let (arch, arch_origin) = match &config.arch {
        Some(arch) => (arch.clone(), Origin::Given),
        None => match guess_arch(kmsg) {
            Some((arch, marker)) => (arch.to_owned(), Origin::Log(marker)),
            None => ("x86_64".to_owned(), Origin::Default),
        },
    };
    let (release, release_origin) = match &config.release {
        Some(release) => (release.clone(), Origin::Given),
        None => match guess_release(kmsg) {
            Some((release, marker)) => (release, Origin::Log(marker)),
            None => ("unknown".to_owned(), Origin::Default),
        },
    };
    let request = KmsgRequest {
        base_url: config.url.as_deref().map(str::as_bytes),
        arch: arch.as_bytes(),
        release: release.as_bytes(),
        dictionary: config.dictionary,
        effort: Effort::Best,
        options: Options {
            min_version: Version::MIN,
            max_version: plan.version,
            ecc: policy.ecc,
            boost_ecc: true,
            mask: config.mask,
            polarity: Polarity::DarkIsSet,
        },
    };
    let mut workspace = vec![0u8; payload::workspace_len()];
    let mut scratch = vec![0u8; scratch_len(plan.version)];
    let mut image = vec![0u8; image_len(plan.version)];
    let (code, report) =
        match payload::encode_kmsg(kmsg, &request, &mut workspace, &mut scratch, &mut image) {
            Ok(done) => done,
            Err(panicqr::Error::DataTooLong { available_bits, .. }) => {
                return Err(RenderError::UrlTooLong {
                    prefix_len: payload::url_prefix_len(&request),
                    version: plan.version.number(),
                    available_bits,
                })
            }
            Err(e) => return Err(RenderError::Internal(format!("encoder: {e}"))),
        };
    let mut prefix = vec![0u8; report.url_len];
    let used = KmsgRequest {
        dictionary: report.dictionary,
        ..request
    };
    payload::write_url_prefix(&used, &mut prefix)
        .map_err(|e| RenderError::Internal(format!("URL prefix: {e}")))?;

    // The encoder may have chosen a smaller version: lay out what it made.
    let geometry = layout::place(&screen, policy, u32::from(code.width())).map_err(layout_error)?;

    // As Linux: background, logo, message, then the code.
    framebuffer.fill(BACKGROUND);
    let logo = draw_logo(&mut framebuffer, &[geometry.text, geometry.canvas]);
    draw_message(&mut framebuffer, font, &message, geometry.text);
    let palette = Palette::new(config.format, FOREGROUND, BACKGROUND);
    let pitch = framebuffer.pitch;
    paint::paint_canvas(&code, &geometry, &palette, &mut framebuffer.data, pitch)
        .map_err(|e| RenderError::Internal(format!("painter: {e}")))?;

    let summary = Summary {
        width: config.width,
        height: config.height,
        format: config.format,
        font: cell,
        message,
        logo,
        version: code.version().number(),
        ecc: code.ecc(),
        mask: code.mask().number(),
        scale: geometry.scale,
        canvas: geometry.canvas,
        url_prefix: String::from_utf8_lossy(&prefix).into_owned(),
        arch: (arch, arch_origin),
        release: (release, release_origin),
        log_len: kmsg.len(),
        tail_start: report.tail_start,
        tail_len: report.tail_len,
        payload_len: report.payload_len,
        truncated: report.truncated,
        dictionary: report.dictionary,
    };
    Ok(Rendered {
        framebuffer,
        summary,
        matrix: matrix_text(&code),
    })
}

fn layout_error(error: LayoutError) -> RenderError {
    match error {
        LayoutError::DoesNotFit { needed, available } => {
            RenderError::ScreenTooSmall { needed, available }
        }
        LayoutError::InvalidArgument => RenderError::Internal("layout: invalid argument".into()),
    }
}

/// Returns the code as `#` (dark) and `.` (light) text, one line per row,
/// without the quiet zone.
pub fn matrix_text(code: &QrCode<'_>) -> String {
    let width = i32::from(code.width());
    let mut text = String::with_capacity((width as usize + 1) * width as usize);
    for y in 0..width {
        for x in 0..width {
            text.push(if code.is_dark(x, y) { '#' } else { '.' });
        }
        text.push('\n');
    }
    text
}

// ---------------------------------------------------------------------------
// What the log says
// ---------------------------------------------------------------------------

/// Guesses the architecture from a register dump, as `uname -m` names it
/// (what Linux sends as `a=`). The first rule that matches a line wins:
///
/// | Line holds | Architecture |
/// |---|---|
/// | `RIP:` | `x86_64` |
/// | `EIP:` | `i686` |
/// | `Krnl PSW` | `s390x` |
/// | `epc :` | `riscv64` (one space before the colon) |
/// | `epc   :` | `mips64` (three spaces) |
/// | `pc : [<` | `armv7l` (32-bit ARM prints the value in brackets) |
/// | `pc :` | `aarch64` |
/// | `NIP` | `ppc64le` with a 16-digit address, else `ppc` |
///
/// Returns the architecture and the marker that matched.
pub fn guess_arch(kmsg: &[u8]) -> Option<(&'static str, &'static str)> {
    let text = String::from_utf8_lossy(kmsg);
    let rules: [(&str, &str); 7] = [
        ("RIP:", "x86_64"),
        ("EIP:", "i686"),
        ("Krnl PSW", "s390x"),
        ("epc :", "riscv64"),
        ("epc   :", "mips64"),
        ("pc : [<", "armv7l"),
        ("pc :", "aarch64"),
    ];
    for (marker, arch) in rules {
        if text.lines().any(|line| line.contains(marker)) {
            return Some((arch, marker));
        }
    }
    for line in text.lines() {
        if let Some(at) = line.find("NIP") {
            let value = line[at + 3..]
                .trim_start_matches([':', ' ', '['])
                .split(|c: char| !c.is_ascii_hexdigit())
                .next()
                .unwrap_or("");
            let arch = if value.len() == 16 { "ppc64le" } else { "ppc" };
            return Some((arch, "NIP"));
        }
    }
    None
}

/// Finds the kernel release: the first token that starts with a digit and
/// holds a dot, after `Not tainted` or `Tainted:` (the `CPU: ... Comm: ...`
/// line of every oops), or after `Linux version` (the boot banner).
///
/// Returns the release and the marker it followed.
pub fn guess_release(kmsg: &[u8]) -> Option<(String, &'static str)> {
    let text = String::from_utf8_lossy(kmsg);
    for marker in ["Not tainted", "Tainted:", "Linux version"] {
        for line in text.lines() {
            let Some(at) = line.find(marker) else {
                continue;
            };
            let release = line[at + marker.len()..]
                .split_whitespace()
                .map(|token| token.trim_matches(|c| c == '(' || c == ')'))
                .find(|token| {
                    token.starts_with(|c: char| c.is_ascii_digit()) && token.contains('.')
                });
            if let Some(release) = release {
                let valid = release.len() <= 64
                    && release
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "._+~-".contains(c));
                if valid {
                    return Some((release.to_owned(), marker));
                }
            }
        }
    }
    None
}

/// Returns the panic description Linux shows as the message's last line:
/// what follows `Kernel panic - not syncing: `, or `None`.
pub fn panic_description(kmsg: &[u8]) -> Option<String> {
    const MARKER: &str = "Kernel panic - not syncing: ";
    let text = String::from_utf8_lossy(kmsg);
    let line = text.lines().find(|line| line.contains(MARKER))?;
    let at = line.find(MARKER)? + MARKER.len();
    let description: String = line[at..].trim_end().chars().take(80).collect();
    Some(description)
}

/// Returns the message lines: Linux's `panic_msg`, its last line replaced by
/// the panic description, and a line that points to the code.
pub fn message(kmsg: &[u8]) -> Vec<String> {
    vec![
        "KERNEL PANIC!".to_owned(),
        String::new(),
        "Please reboot your computer.".to_owned(),
        String::new(),
        panic_description(kmsg).unwrap_or_default(),
        String::new(),
        "Scan the QR code to report the crash.".to_owned(),
    ]
}

/// Picks a font for the screen, larger on larger screens, as the kernel's
/// `get_default_font` prefers fonts that suit the resolution.
fn font_for(width: u32, height: u32) -> &'static MonoFont<'static> {
    match width.min(height) {
        720.. => &FONT_10X20,
        400.. => &FONT_8X13,
        200.. => &FONT_6X10,
        _ => &FONT_4X6,
    }
}

// ---------------------------------------------------------------------------
// Drawing
// ---------------------------------------------------------------------------

fn to_xrgb(color: Rgb888) -> u32 {
    u32::from(color.r()) << 16 | u32::from(color.g()) << 8 | u32::from(color.b())
}

fn from_xrgb(color: u32) -> Rgb888 {
    Rgb888::new((color >> 16) as u8, (color >> 8) as u8, color as u8)
}

fn to_rectangle(rect: Rect) -> Rectangle {
    // Screen coordinates are below `MAX_SIDE`, so they fit an `i32`.
    Rectangle::new(
        Point::new(rect.x as i32, rect.y as i32),
        Size::new(rect.width, rect.height),
    )
}

/// Draws the logo in the top left corner, as Linux draws its monochrome
/// logo: set pixels in the foreground colour, the others untouched. It is
/// skipped when it does not fit the screen or overlaps any of `avoid`.
fn draw_logo(framebuffer: &mut Framebuffer, avoid: &[Rect]) -> bool {
    let Ok(bmp) = Bmp::<Rgb888>::from_slice(LOGO_BMP) else {
        return false;
    };
    let size = bmp.size();
    let area = Rect {
        x: 0,
        y: 0,
        width: size.width,
        height: size.height,
    };
    if size.width > framebuffer.width
        || size.height > framebuffer.height
        || avoid.iter().any(|rect| rect.overlaps(&area))
    {
        return false;
    }
    // Read pixel by pixel: tinybmp 0.7's `Bmp::pixels` walks bottom-up
    // files upside down, but `GetPixel` reads them the right way up.
    let foreground = from_xrgb(FOREGROUND);
    let points =
        (0..size.height as i32).flat_map(|y| (0..size.width as i32).map(move |x| Point::new(x, y)));
    let lit = points
        .filter(|&point| bmp.pixel(point).is_some_and(|color| color != Rgb888::BLACK))
        .map(|point| Pixel(point, foreground));
    let Ok(()) = framebuffer.draw_iter(lit);
    true
}

/// Draws the message lines, each centred in `area` and clipped to it, as
/// Linux's `draw_txt_rectangle`.
fn draw_message(framebuffer: &mut Framebuffer, font: &MonoFont<'_>, lines: &[String], area: Rect) {
    let style = MonoTextStyle::new(font, from_xrgb(FOREGROUND));
    let advance = font.character_size.width + font.character_spacing;
    let mut clipped = framebuffer.clipped(&to_rectangle(area));
    for (i, line) in lines.iter().enumerate() {
        let width = (line.chars().count() as u32).saturating_mul(advance);
        let x = i64::from(area.x) + (i64::from(area.width) - i64::from(width)).max(0) / 2;
        let y = i64::from(area.y) + i as i64 * i64::from(font.character_size.height);
        if y >= i64::from(area.y) + i64::from(area.height) {
            break;
        }
        let origin = Point::new(x as i32, y as i32);
        let Ok(_) = Text::with_baseline(line, origin, style, Baseline::Top).draw(&mut clipped);
    }
}

// ---------------------------------------------------------------------------
// The framebuffer
// ---------------------------------------------------------------------------

/// A linear framebuffer in a DRM pixel format, rows `pitch` bytes apart.
///
/// It is an embedded-graphics [`DrawTarget`] of [`Rgb888`] colours, which
/// it converts with [`PixelFormat::pixel`], as the kernel converts its
/// XRGB8888 colours.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Framebuffer {
    width: u32,
    height: u32,
    format: PixelFormat,
    pitch: usize,
    data: Vec<u8>,
}

impl Framebuffer {
    /// Makes a black framebuffer with rows packed (`pitch` is the width
    /// times the pixel size).
    ///
    /// # Errors
    ///
    /// [`RenderError::BadScreen`] when a side is 0 or above [`MAX_SIDE`], or
    /// the screen has more than [`MAX_SCREEN_PIXELS`] pixels.
    pub fn new(width: u32, height: u32, format: PixelFormat) -> Result<Framebuffer, RenderError> {
        let pixels = u64::from(width) * u64::from(height);
        if width == 0
            || height == 0
            || width > MAX_SIDE
            || height > MAX_SIDE
            || pixels > MAX_SCREEN_PIXELS
        {
            return Err(RenderError::BadScreen { width, height });
        }
        let pitch = width as usize * format.bytes_per_pixel();
        Ok(Framebuffer {
            width,
            height,
            format,
            pitch,
            data: vec![0; pitch * height as usize],
        })
    }

    /// Returns the width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Returns the height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Returns the pixel format.
    pub fn format(&self) -> PixelFormat {
        self.format
    }

    /// Returns the bytes from one row to the next.
    pub fn pitch(&self) -> usize {
        self.pitch
    }

    /// Returns the pixel bytes.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// Returns the pixel bytes, to write.
    pub fn data_mut(&mut self) -> &mut [u8] {
        &mut self.data
    }

    /// Fills the whole screen with an XRGB8888 colour.
    pub fn fill(&mut self, color: u32) {
        for row in self.data.chunks_mut(self.pitch) {
            paint::fill(self.format, color, row);
        }
    }

    /// Reads pixel `(x, y)` back as red, green and blue, 8 bits each;
    /// narrower channels are widened by repeating their top bits.
    ///
    /// # Panics
    ///
    /// When `(x, y)` is outside the screen.
    pub fn rgb(&self, x: u32, y: u32) -> [u8; 3] {
        assert!(
            x < self.width && y < self.height,
            "({x}, {y}) is off screen"
        );
        let bytes = self.format.bytes_per_pixel();
        let at = y as usize * self.pitch + x as usize * bytes;
        let pixel = &self.data[at..at + bytes];
        let word = pixel
            .iter()
            .rev()
            .fold(0u32, |word, &byte| word << 8 | u32::from(byte));
        // Each channel: (shift, bits) in the little-endian word.
        let (red, green, blue) = match self.format {
            PixelFormat::Rgb565 => ((11, 5), (5, 6), (0, 5)),
            PixelFormat::Rgba5551 => ((11, 5), (6, 5), (1, 5)),
            PixelFormat::Xrgb1555 | PixelFormat::Argb1555 => ((10, 5), (5, 5), (0, 5)),
            PixelFormat::Rgb888 | PixelFormat::Xrgb8888 | PixelFormat::Argb8888 => {
                ((16, 8), (8, 8), (0, 8))
            }
            PixelFormat::Bgr888 | PixelFormat::Xbgr8888 | PixelFormat::Abgr8888 => {
                ((0, 8), (8, 8), (16, 8))
            }
            PixelFormat::Xrgb2101010 | PixelFormat::Argb2101010 => ((20, 10), (10, 10), (0, 10)),
            PixelFormat::Abgr2101010 => ((0, 10), (10, 10), (20, 10)),
        };
        let channel = |(shift, bits): (u32, u32)| -> u8 {
            let value = word >> shift & ((1 << bits) - 1);
            // To 8 bits: shift up and repeat the top bits, or drop the low ones.
            let wide = if bits >= 8 {
                value >> (bits - 8)
            } else {
                value << (8 - bits) | value >> (2 * bits - 8)
            };
            wide as u8
        };
        [channel(red), channel(green), channel(blue)]
    }

    /// Reads the whole screen back as packed RGB, 3 bytes a pixel.
    pub fn to_rgb(&self) -> Vec<u8> {
        let mut rgb = Vec::with_capacity(self.width as usize * self.height as usize * 3);
        for y in 0..self.height {
            for x in 0..self.width {
                rgb.extend_from_slice(&self.rgb(x, y));
            }
        }
        rgb
    }

    /// Encodes the screen as an RGB PNG.
    pub fn to_png(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, self.width, self.height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::High);
        // Writing to a vector fails only if the sizes disagree, and they are
        // the framebuffer's own.
        let mut writer = encoder.write_header().expect("PNG header for a valid size");
        writer
            .write_image_data(&self.to_rgb())
            .expect("PNG data of the header's size");
        writer.finish().expect("PNG end");
        out
    }

    /// Returns the bytes of the pixels of `area` in row `y`, clipped to the
    /// screen.
    fn span(&mut self, y: i32, left: i32, right: i32) -> Option<&mut [u8]> {
        let bytes = self.format.bytes_per_pixel();
        let y = usize::try_from(y).ok()?;
        let left = usize::try_from(left.max(0)).ok()?;
        let right = usize::try_from(right.min(self.width as i32)).ok()?;
        if y >= self.height as usize || left >= right {
            return None;
        }
        let start = y * self.pitch + left * bytes;
        self.data.get_mut(start..start + (right - left) * bytes)
    }
}

impl OriginDimensions for Framebuffer {
    fn size(&self) -> Size {
        Size::new(self.width, self.height)
    }
}

impl DrawTarget for Framebuffer {
    type Color = Rgb888;
    type Error = Infallible;

    fn draw_iter<I>(&mut self, pixels: I) -> Result<(), Infallible>
    where
        I: IntoIterator<Item = Pixel<Rgb888>>,
    {
        let format = self.format;
        let bytes = format.bytes_per_pixel();
        for Pixel(point, color) in pixels {
            if let Some(out) = self.span(point.y, point.x, point.x.saturating_add(1)) {
                out.copy_from_slice(&format.pixel(to_xrgb(color))[..bytes]);
            }
        }
        Ok(())
    }

    fn fill_solid(&mut self, area: &Rectangle, color: Rgb888) -> Result<(), Infallible> {
        let area = area.intersection(&self.bounding_box());
        let Some(bottom_right) = area.bottom_right() else {
            return Ok(());
        };
        let (format, color) = (self.format, to_xrgb(color));
        for y in area.top_left.y..=bottom_right.y {
            if let Some(out) = self.span(y, area.top_left.x, bottom_right.x + 1) {
                paint::fill(format, color, out);
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------

/// Returns the format's DRM name without the `DRM_FORMAT_` prefix, for
/// example `XRGB8888`.
pub fn format_name(format: PixelFormat) -> &'static str {
    match format {
        PixelFormat::Rgb565 => "RGB565",
        PixelFormat::Rgba5551 => "RGBA5551",
        PixelFormat::Xrgb1555 => "XRGB1555",
        PixelFormat::Argb1555 => "ARGB1555",
        PixelFormat::Rgb888 => "RGB888",
        PixelFormat::Bgr888 => "BGR888",
        PixelFormat::Xrgb8888 => "XRGB8888",
        PixelFormat::Argb8888 => "ARGB8888",
        PixelFormat::Xbgr8888 => "XBGR8888",
        PixelFormat::Abgr8888 => "ABGR8888",
        PixelFormat::Xrgb2101010 => "XRGB2101010",
        PixelFormat::Argb2101010 => "ARGB2101010",
        PixelFormat::Abgr2101010 => "ABGR2101010",
    }
}

/// Finds a format by its DRM name (`xrgb8888`, any case) or its fourcc
/// (`XR24`, exact case).
pub fn parse_format(name: &str) -> Option<PixelFormat> {
    PixelFormat::ALL.into_iter().find(|&format| {
        format_name(format).eq_ignore_ascii_case(name)
            || format.fourcc().to_le_bytes() == name.as_bytes()
    })
}

/// Parses an error correction level: `l`, `m`, `q` or `h`, any case.
pub fn parse_ecc(name: &str) -> Option<Ecc> {
    match name.to_ascii_lowercase().as_str() {
        "l" => Some(Ecc::Low),
        "m" => Some(Ecc::Medium),
        "q" => Some(Ecc::Quartile),
        "h" => Some(Ecc::High),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_by_name_and_fourcc() {
        for format in PixelFormat::ALL {
            assert_eq!(parse_format(format_name(format)), Some(format));
            let lower = format_name(format).to_ascii_lowercase();
            assert_eq!(parse_format(&lower), Some(format));
            let fourcc = format.fourcc().to_le_bytes();
            assert_eq!(
                parse_format(std::str::from_utf8(&fourcc).unwrap()),
                Some(format)
            );
        }
        assert_eq!(parse_format("xrgb9999"), None);
        assert_eq!(parse_format(""), None);
    }

    #[test]
    fn read_back_inverts_the_conversion() {
        // Colours whose channels survive 5-bit truncation: top bits repeated.
        for color in [
            0x00ff_ffffu32,
            0,
            0x00ff_0000,
            0x0000_ff00,
            0x0000_00ff,
            0x0084_1084,
        ] {
            for format in PixelFormat::ALL {
                let mut fb = Framebuffer::new(3, 2, format).unwrap();
                fb.fill(color);
                let rgb = fb.rgb(2, 1);
                let expected = [(color >> 16) as u8, (color >> 8) as u8, color as u8];
                assert_eq!(rgb, expected, "{format:?} {color:06x}");
            }
        }
    }

    #[test]
    fn the_log_names_arch_and_release() {
        let x86 = b"CPU: 0 PID: 1 Comm: sh Not tainted 6.1.0-13-amd64 #1 Debian\nRIP: 0010:foo\n";
        assert_eq!(guess_arch(x86), Some(("x86_64", "RIP:")));
        let (release, marker) = guess_release(x86).unwrap();
        assert_eq!(
            (release.as_str(), marker),
            ("6.1.0-13-amd64", "Not tainted")
        );
        let tainted = b"[ 1.0] CPU: 0 PID: 9 Comm: k Tainted: G     U   6.0.0-rc3+ #5\n";
        assert_eq!(guess_release(tainted).unwrap().0, "6.0.0-rc3+");
        assert_eq!(
            guess_arch(b"pc : do_thing+0x1/0x2\nlr : x\n").unwrap().0,
            "aarch64"
        );
        assert_eq!(
            guess_arch(b"pc : [<c06aa430>]    lr : [<c0>]\n").unwrap().0,
            "armv7l"
        );
        assert_eq!(
            guess_arch(b"epc : ffffffff802ff1be ra : x\n").unwrap().0,
            "riscv64"
        );
        assert_eq!(
            guess_arch(b"epc   : ffffffffc007a140 foo+0x1\n").unwrap().0,
            "mips64"
        );
        assert_eq!(
            guess_arch(b"NIP:  c0000000002c8a64 LR: c0\n").unwrap().0,
            "ppc64le"
        );
        assert_eq!(
            guess_arch(b"NIP:  c000ec34 LR: c000ecd8\n").unwrap().0,
            "ppc"
        );
        assert_eq!(guess_arch(b"no registers here\n"), None);
        assert_eq!(guess_release(b"Tainted: [E]=UNSIGNED_MODULE\n"), None);
    }

    #[test]
    fn recommended_policy_is_followed() {
        // A full log that fills any code: the policy's limits bind.
        let kmsg: Vec<u8> = (0..4000)
            .flat_map(|i| format!("[{i:5}.000000] line {i} of a long log\n").into_bytes())
            .collect();
        for (width, height) in [(640, 480), (1024, 768), (1920, 1080)] {
            let screen = Config {
                width,
                height,
                ..Config::default()
            };
            let default = render(&kmsg, &screen).unwrap().summary;
            let config = Config {
                policy: Policy::MEDIUM_ECC,
                ..screen.clone()
            };
            let recommended = render(&kmsg, &config).unwrap().summary;
            assert!(recommended.ecc >= Ecc::Medium, "{width}x{height}");
            assert!(recommended.version <= 30 && recommended.scale >= 3);
            assert!(recommended.scale >= default.scale);
            assert!(recommended.tail_len < default.tail_len);
        }
    }

    #[test]
    fn bad_screens_are_errors() {
        let kmsg = b"Kernel panic - not syncing: test\n";
        for (width, height) in [(0, 100), (100, 0), (MAX_SIDE + 1, 10), (MAX_SIDE, MAX_SIDE)] {
            let config = Config {
                width,
                height,
                ..Config::default()
            };
            assert_eq!(
                render(kmsg, &config).unwrap_err(),
                RenderError::BadScreen { width, height }
            );
        }
        let tiny = Config {
            width: 40,
            height: 30,
            ..Config::default()
        };
        assert!(matches!(
            render(kmsg, &tiny),
            Err(RenderError::ScreenTooSmall { .. })
        ));
        let long_url = Config {
            width: 240,
            height: 200,
            url: Some(format!("https://{}/", "x".repeat(300))),
            ..Config::default()
        };
        assert!(matches!(
            render(kmsg, &long_url),
            Err(RenderError::UrlTooLong { .. })
        ));
    }
}
