//! The finished code: a read-only view of the caller's image buffer.

use crate::qr::mask::Mask;
use crate::qr::version::{image_len, Ecc, Version};
use crate::Error;

/// Which bit value marks a dark module in an image buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Polarity {
    /// A set bit is a dark module. The usual convention, and the default.
    #[default]
    DarkIsSet,
    /// A set bit is a light module, as Linux's `drm_panic_qr.rs` writes it.
    LightIsSet,
}

/// A finished QR code.
///
/// The modules live in the caller's image buffer: `width` rows of
/// `ceil(width / 8)` bytes, the most significant bit of each byte first. The
/// unused low bits of each row's last byte are zero whatever the polarity.
///
/// # Invariants
///
/// `image.len() == image_len(version)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QrCode<'a> {
    version: Version,
    ecc: Ecc,
    mask: Mask,
    polarity: Polarity,
    image: &'a [u8],
}

impl<'a> QrCode<'a> {
    /// Wraps an image that an earlier encode call wrote, for example one that
    /// crossed a C boundary. Only the first `image_len(version)` bytes are
    /// used.
    ///
    /// Returns [`Error::BufferTooSmall`] when `image` is shorter than that.
    pub fn from_image(
        version: Version,
        ecc: Ecc,
        mask: Mask,
        polarity: Polarity,
        image: &'a [u8],
    ) -> Result<QrCode<'a>, Error> {
        let needed = image_len(version);
        match image.get(..needed) {
            // INVARIANT: the slice is exactly `image_len(version)` long.
            Some(image) => Ok(QrCode {
                version,
                ecc,
                mask,
                polarity,
                image,
            }),
            None => Err(Error::BufferTooSmall { needed }),
        }
    }

    /// Returns the version.
    pub fn version(&self) -> Version {
        self.version
    }

    /// Returns the width (and height) in modules.
    pub fn width(&self) -> u8 {
        self.version.width()
    }

    /// Returns the error correction level, after any boost.
    pub fn ecc(&self) -> Ecc {
        self.ecc
    }

    /// Returns the mask pattern in use.
    pub fn mask(&self) -> Mask {
        self.mask
    }

    /// Returns the bit convention of [`QrCode::rows`].
    pub fn polarity(&self) -> Polarity {
        self.polarity
    }

    /// Returns the bytes of one row, `ceil(width / 8)` long, or `None` when
    /// `y` is outside the code.
    pub fn row(&self, y: u8) -> Option<&'a [u8]> {
        let pitch = self.row_bytes();
        let start = usize::from(y) * pitch;
        if y >= self.width() {
            return None;
        }
        self.image.get(start..start + pitch)
    }

    /// Returns the bytes in each row: `ceil(width / 8)`.
    pub fn row_bytes(&self) -> usize {
        usize::from(self.width()).div_ceil(8)
    }

    /// Returns all rows, one after the other.
    pub fn rows(&self) -> &'a [u8] {
        self.image
    }

    /// Returns whether the module at column `x`, row `y` is dark. Modules
    /// outside the code, in the quiet zone, are light.
    pub fn is_dark(&self, x: i32, y: i32) -> bool {
        let width = i32::from(self.width());
        if x < 0 || y < 0 || x >= width || y >= width {
            return false;
        }
        let index = y as usize * self.row_bytes() + (x as usize >> 3);
        let set = self
            .image
            .get(index)
            .is_some_and(|byte| byte >> (7 - (x & 7)) & 1 != 0);
        set == (self.polarity == Polarity::DarkIsSet)
    }
}
