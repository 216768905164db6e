//! Finding and reading a QR code in a screenshot or a photo.
//!
//! Images are read as greyscale (PNG or JPEG). [`scan_image`] tries several
//! scales and binarisations with `rqrr` and stops at the first code whose
//! payload the caller accepts, so a photo that is scaled, blurred, tilted or
//! unevenly lit still has a good chance.

use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

/// The most pixels an image may have (64 megapixels).
pub const MAX_IMAGE_PIXELS: usize = 64 << 20;

/// An 8-bit greyscale image, rows top to bottom, 0 is black.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrayImage {
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// `width * height` luminance values, row by row.
    pub pixels: Vec<u8>,
}

/// Why no payload came out of an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanError {
    /// The file could not be read.
    Io(String),
    /// The data is neither PNG nor JPEG.
    UnknownFormat,
    /// The PNG or JPEG data is broken.
    BadImage(String),
    /// The image is empty or larger than [`MAX_IMAGE_PIXELS`].
    BadSize {
        /// Width in pixels.
        width: usize,
        /// Height in pixels.
        height: usize,
    },
    /// No QR code could be read.
    NoCode,
    /// QR codes were read, but the caller rejected every payload.
    Rejected {
        /// Why the last payload was rejected.
        reason: String,
    },
}

impl fmt::Display for ScanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(e) => write!(f, "cannot read image: {e}"),
            Self::UnknownFormat => write!(f, "not a PNG or JPEG image"),
            Self::BadImage(e) => write!(f, "broken image: {e}"),
            Self::BadSize { width, height } => write!(f, "unusable image size {width}x{height}"),
            Self::NoCode => write!(f, "no readable QR code found in the image"),
            Self::Rejected { reason } => write!(f, "a QR code was read but: {reason}"),
        }
    }
}

impl std::error::Error for ScanError {}

impl GrayImage {
    /// Makes an image from its pixels, checking the size.
    pub fn new(width: usize, height: usize, pixels: Vec<u8>) -> Result<Self, ScanError> {
        let bad = ScanError::BadSize { width, height };
        let len = width.checked_mul(height).ok_or(bad.clone())?;
        if len == 0 || len > MAX_IMAGE_PIXELS || pixels.len() != len {
            return Err(bad);
        }
        Ok(Self {
            width,
            height,
            pixels,
        })
    }

    fn at(&self, x: usize, y: usize) -> u8 {
        self.pixels[y * self.width + x]
    }

    /// Halves both sides, averaging 2×2 blocks.
    fn half(&self) -> Self {
        let (w, h) = (self.width / 2, self.height / 2);
        let mut pixels = Vec::with_capacity(w * h);
        for y in 0..h {
            for x in 0..w {
                let s = u32::from(self.at(2 * x, 2 * y))
                    + u32::from(self.at(2 * x + 1, 2 * y))
                    + u32::from(self.at(2 * x, 2 * y + 1))
                    + u32::from(self.at(2 * x + 1, 2 * y + 1));
                pixels.push(((s + 2) / 4) as u8);
            }
        }
        Self {
            width: w,
            height: h,
            pixels,
        }
    }

    /// Doubles both sides, repeating pixels.
    fn double(&self) -> Self {
        let (w, h) = (self.width * 2, self.height * 2);
        let mut pixels = Vec::with_capacity(w * h);
        for y in 0..h {
            for x in 0..w {
                pixels.push(self.at(x / 2, y / 2));
            }
        }
        Self {
            width: w,
            height: h,
            pixels,
        }
    }
}

/// Reads a PNG or JPEG file as greyscale.
pub fn load_image(path: &Path) -> Result<GrayImage, ScanError> {
    let data =
        std::fs::read(path).map_err(|e| ScanError::Io(format!("{}: {e}", path.display())))?;
    decode_image(&data)
}

/// Decodes PNG or JPEG data as greyscale.
pub fn decode_image(data: &[u8]) -> Result<GrayImage, ScanError> {
    if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        decode_png(data)
    } else if data.starts_with(&[0xff, 0xd8]) {
        decode_jpeg(data)
    } else {
        Err(ScanError::UnknownFormat)
    }
}

fn luma(r: u8, g: u8, b: u8) -> u8 {
    ((u32::from(r) * 77 + u32::from(g) * 150 + u32::from(b) * 29 + 128) >> 8) as u8
}

fn decode_png(data: &[u8]) -> Result<GrayImage, ScanError> {
    let bad = |e: png::DecodingError| ScanError::BadImage(e.to_string());
    let mut decoder = png::Decoder::new(std::io::Cursor::new(data));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let header = decoder.read_header_info().map_err(bad)?;
    let (width, height) = (header.width as usize, header.height as usize);
    // Checks the size before allocating the frame.
    if width == 0 || height == 0 || width.saturating_mul(height) > MAX_IMAGE_PIXELS {
        return Err(ScanError::BadSize { width, height });
    }
    let mut reader = decoder.read_info().map_err(bad)?;
    let size = reader
        .output_buffer_size()
        .ok_or(ScanError::BadSize { width, height })?;
    let mut buf = vec![0; size];
    let info = reader.next_frame(&mut buf).map_err(bad)?;
    let line = info.line_size;
    let channels = info.color_type.samples();
    let mut pixels = Vec::with_capacity(width * height);
    for row in buf.chunks(line).take(height) {
        for px in row.chunks(channels).take(width) {
            let (v, alpha) = match *px {
                [g] => (g, 255),
                [g, a] => (g, a),
                [r, g, b] => (luma(r, g, b), 255),
                [r, g, b, a] => (luma(r, g, b), a),
                _ => (0, 255),
            };
            // Transparent pixels count as white, the usual page colour.
            let v = (u32::from(v) * u32::from(alpha) + 255 * (255 - u32::from(alpha))) / 255;
            pixels.push(v as u8);
        }
    }
    GrayImage::new(width, height, pixels)
}

fn decode_jpeg(data: &[u8]) -> Result<GrayImage, ScanError> {
    let mut decoder = jpeg_decoder::Decoder::new(data);
    decoder
        .read_info()
        .map_err(|e| ScanError::BadImage(e.to_string()))?;
    let info = decoder
        .info()
        .ok_or_else(|| ScanError::BadImage("no JPEG header".into()))?;
    let (width, height) = (usize::from(info.width), usize::from(info.height));
    if width == 0 || height == 0 || width * height > MAX_IMAGE_PIXELS {
        return Err(ScanError::BadSize { width, height });
    }
    let raw = decoder
        .decode()
        .map_err(|e| ScanError::BadImage(e.to_string()))?;
    use jpeg_decoder::PixelFormat;
    let pixels: Vec<u8> = match info.pixel_format {
        PixelFormat::L8 => raw,
        PixelFormat::L16 => raw.chunks(2).map(|p| p[0]).collect(),
        PixelFormat::RGB24 => raw.chunks(3).map(|p| luma(p[0], p[1], p[2])).collect(),
        PixelFormat::CMYK32 => raw
            .chunks(4)
            .map(|p| {
                let k = 255 - u32::from(p[3]);
                let c = |v: u8| ((255 - u32::from(v)) * (255 - k) / 255) as u8;
                luma(c(p[0]), c(p[1]), c(p[2]))
            })
            .collect(),
    };
    GrayImage::new(width, height, pixels)
}

// ---------------------------------------------------------------------------
// Binarisation
// ---------------------------------------------------------------------------

/// One way of turning grey into black and white.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Binarize {
    /// rqrr's own adaptive threshold.
    Rqrr,
    /// One threshold, chosen by Otsu's method.
    Otsu,
    /// Darker than the mean of a square window of side `min(w, h) / n`.
    LocalMean(usize),
    /// A fixed threshold.
    Global(u8),
}

const STRATEGIES: [Binarize; 9] = [
    Binarize::Rqrr,
    Binarize::Otsu,
    Binarize::LocalMean(8),
    Binarize::LocalMean(3),
    Binarize::Global(128),
    Binarize::Global(80),
    Binarize::Global(176),
    Binarize::Global(48),
    Binarize::Global(208),
];

fn otsu(img: &GrayImage) -> u8 {
    let mut hist = [0u64; 256];
    for &p in &img.pixels {
        hist[usize::from(p)] += 1;
    }
    let total = img.pixels.len() as f64;
    let sum: f64 = hist
        .iter()
        .enumerate()
        .map(|(i, &h)| i as f64 * h as f64)
        .sum();
    let (mut w0, mut sum0) = (0.0, 0.0);
    let (mut best, mut best_t) = (-1.0, 128u8);
    for (t, &h) in hist.iter().enumerate() {
        w0 += h as f64;
        sum0 += t as f64 * h as f64;
        let w1 = total - w0;
        if w0 == 0.0 || w1 == 0.0 {
            continue;
        }
        let (m0, m1) = (sum0 / w0, (sum - sum0) / w1);
        let between = w0 * w1 * (m0 - m1) * (m0 - m1);
        if between > best {
            best = between;
            best_t = t as u8;
        }
    }
    best_t
}

/// Marks pixels darker than the mean of the `2r+1` square around them.
fn local_mean(img: &GrayImage, r: usize) -> Vec<bool> {
    let (w, h) = (img.width, img.height);
    let mut integral = vec![0u64; (w + 1) * (h + 1)];
    for y in 0..h {
        let mut row = 0u64;
        for x in 0..w {
            row += u64::from(img.at(x, y));
            integral[(y + 1) * (w + 1) + x + 1] = integral[y * (w + 1) + x + 1] + row;
        }
    }
    let mut out = Vec::with_capacity(w * h);
    for y in 0..h {
        let (y0, y1) = (y.saturating_sub(r), (y + r + 1).min(h));
        for x in 0..w {
            let (x0, x1) = (x.saturating_sub(r), (x + r + 1).min(w));
            let s = integral[y1 * (w + 1) + x1] + integral[y0 * (w + 1) + x0]
                - integral[y0 * (w + 1) + x1]
                - integral[y1 * (w + 1) + x0];
            let n = ((x1 - x0) * (y1 - y0)) as u64;
            // A small margin keeps flat areas and noise white.
            out.push(u64::from(img.at(x, y)) * n * 100 < s * 95);
        }
    }
    out
}

/// Reads every QR code rqrr finds with one binarisation, in order.
fn read_codes(img: &GrayImage, how: Binarize) -> Vec<Vec<u8>> {
    let (w, h) = (img.width, img.height);
    let mut prepared = match how {
        Binarize::Rqrr => rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| img.at(x, y)),
        Binarize::Otsu | Binarize::Global(_) => {
            let t = match how {
                Binarize::Global(t) => t,
                _ => otsu(img),
            };
            rqrr::PreparedImage::prepare_from_bitmap(w, h, |x, y| img.at(x, y) <= t)
        }
        Binarize::LocalMean(n) => {
            let bits = local_mean(img, (w.min(h) / n / 2).max(4));
            rqrr::PreparedImage::prepare_from_bitmap(w, h, |x, y| bits[y * w + x])
        }
    };
    let mut out = Vec::new();
    for grid in prepared.detect_grids() {
        let mut payload = Vec::new();
        if grid.decode_to(&mut payload).is_ok() {
            out.push(payload);
        }
    }
    out
}

/// The images to try, most promising first: the image itself at a size
/// where modules are a few pixels wide, then the other scales.
fn pyramid(img: &GrayImage) -> Vec<GrayImage> {
    let mut levels = vec![img.clone()];
    while let Some(last) = levels.last() {
        if last.width.min(last.height) < 160 || levels.len() > 4 {
            break;
        }
        let half = last.half();
        levels.push(half);
    }
    if img.width.max(img.height) < 500 {
        levels.push(img.double());
    }
    // Start at the level closest to 1000 pixels on the long side.
    let score = |g: &GrayImage| (g.width.max(g.height) as i64 - 1000).abs();
    let best = (0..levels.len())
        .min_by_key(|&i| score(&levels[i]))
        .unwrap_or(0);
    levels.rotate_left(best);
    levels
}

/// Looks for a QR code in `img` whose payload `accept` takes.
///
/// It tries every scale with every binarisation, and returns what `accept`
/// returned for the first payload it did not reject. rqrr is run behind
/// `catch_unwind`, so a malformed picture yields an error, not a crash (the
/// panic hook still runs; a program can silence it).
pub fn scan_image<T, E: fmt::Display>(
    img: &GrayImage,
    mut accept: impl FnMut(&[u8]) -> Result<T, E>,
) -> Result<T, ScanError> {
    let mut rejected = None;
    for level in pyramid(img) {
        for how in STRATEGIES {
            let codes = catch_unwind(AssertUnwindSafe(|| read_codes(&level, how)));
            for payload in codes.unwrap_or_default() {
                match accept(&payload) {
                    Ok(t) => return Ok(t),
                    Err(e) => rejected = Some(e.to_string()),
                }
            }
        }
    }
    Err(match rejected {
        Some(reason) => ScanError::Rejected { reason },
        None => ScanError::NoCode,
    })
}
