//! The encoder's entry points: from segments, bytes, text or a panic URL to a
//! finished code in the caller's buffers.
//!
//! # Buffer contracts
//!
//! Every call takes two caller buffers and allocates nothing:
//!
//! - `scratch`, at least [`scratch_len`] of the version the call ends up
//!   using ([`scratch_len`] of `options.max_version` always suffices; 3706
//!   bytes for version 40). Its contents before the call do not matter.
//!   After a successful call, its first `scratch_len(version)` bytes hold the
//!   data codewords followed by each block's error correction codewords.
//!   Bytes past that are never touched.
//! - `image`, at least [`image_len`] of the version used (4071 bytes for
//!   version 40). Its contents before the call do not matter, except that
//!   [`encode_codewords`] leaves it alone so the input may live there. After a
//!   successful call its first `image_len(version)` bytes hold the code, one
//!   row of `ceil(width / 8)` bytes after another, most significant bit first;
//!   bytes past that are never touched.
//!
//! On failure, `image` is untouched, and `scratch` is untouched unless the
//! failure is found after the codewords were written ([`encode_text`] also
//! uses `image` as work space before it can fail for a short `scratch`).

use crate::qr::bits::BitWriter;
use crate::qr::code::{Polarity, QrCode};
use crate::qr::codewords::finish_data;
use crate::qr::format;
use crate::qr::mask::{self, Mask};
use crate::qr::matrix::{self, FunctionMap};
use crate::qr::reed_solomon::{add_error_correction, Blocks};
use crate::qr::rows::{load_row, span, store_row, transpose_in_place};
use crate::qr::segment::{self, Mode, Segment};
use crate::qr::version::{image_len, scratch_len, Ecc, Version};
use crate::Error;

/// How to encode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Options {
    /// The smallest version to use.
    pub min_version: Version,
    /// The largest version to use.
    pub max_version: Version,
    /// The least error correction to use.
    pub ecc: Ecc,
    /// Raise the error correction level while the data still fits the same
    /// version.
    pub boost_ecc: bool,
    /// A fixed mask, or `None` to choose by the penalty rules of ISO/IEC
    /// 18004.
    pub mask: Option<Mask>,
    /// The bit value of a dark module in the image.
    pub polarity: Polarity,
}

impl Default for Options {
    /// Versions 1 to 40, level L with boost, automatic mask, dark is set.
    fn default() -> Options {
        Options {
            min_version: Version::MIN,
            max_version: Version::MAX,
            ecc: Ecc::Low,
            boost_ecc: true,
            mask: None,
            polarity: Polarity::DarkIsSet,
        }
    }
}

/// Data and error correction codewords in a scratch buffer, ready to place.
///
/// Made by [`encode_codewords`]; [`DataCodewords::place`] finishes the code.
/// Splitting the two lets the input live in the image buffer, which only
/// `place` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use]
pub struct DataCodewords {
    version: Version,
    ecc: Ecc,
    mask: Option<Mask>,
    polarity: Polarity,
}

/// Returns the smallest version in the options' range, and the boosted level,
/// for data whose bit length at each version `bits_at` gives.
fn choose_version(
    options: &Options,
    bits_at: impl Fn(Version) -> Option<usize>,
) -> Result<(Version, Ecc, usize), Error> {
    if options.min_version > options.max_version {
        return Err(Error::InvalidArgument);
    }
    let mut number = options.min_version.number();
    loop {
        let version = Version::new(number).ok_or(Error::InvalidArgument)?;
        let bits = bits_at(version);
        if let Some(bits) = bits.filter(|&bits| bits <= version.data_bits(options.ecc)) {
            let mut ecc = options.ecc;
            if options.boost_ecc {
                for stronger in Ecc::ALL {
                    if stronger > ecc && bits <= version.data_bits(stronger) {
                        ecc = stronger;
                    }
                }
            }
            return Ok((version, ecc, bits));
        }
        if version == options.max_version {
            return Err(Error::DataTooLong {
                needed_bits: bits.unwrap_or(usize::MAX),
                available_bits: version.data_bits(options.ecc),
            });
        }
        number += 1;
    }
}

fn segments_bits(segments: &[Segment<'_>], version: Version) -> Option<usize> {
    segments.iter().try_fold(0usize, |total, segment| {
        total.checked_add(segment.bit_len(version)?)
    })
}

/// Encodes segments into data and error correction codewords in `scratch`.
///
/// Chooses the smallest version in `options.min_version..=options.max_version`
/// that holds the segments at `options.ecc`. Writes only `scratch` (see the
/// [buffer contracts](self)), so the segments may borrow from the image
/// buffer that [`DataCodewords::place`] writes next.
///
/// # Errors
///
/// - [`Error::InvalidArgument`]: a segment holds a character outside its mode,
///   or the version range is empty.
/// - [`Error::DataTooLong`]: the segments do not fit the largest version.
/// - [`Error::BufferTooSmall`]: `scratch` is shorter than
///   `scratch_len(version)`.
pub fn encode_codewords(
    segments: &[Segment<'_>],
    options: &Options,
    scratch: &mut [u8],
) -> Result<DataCodewords, Error> {
    if !segments.iter().all(Segment::is_valid) {
        return Err(Error::InvalidArgument);
    }
    let (version, ecc, _) = choose_version(options, |v| segments_bits(segments, v))?;
    let scratch = prepare_scratch(scratch, version)?;
    let class = version.count_class();
    write_codewords(scratch, version, ecc, |writer| {
        for segment in segments {
            segment.write(class, writer);
        }
    });
    Ok(DataCodewords {
        version,
        ecc,
        mask: options.mask,
        polarity: options.polarity,
    })
}

/// Returns the scratch bytes a version uses, or the error for a short buffer.
fn prepare_scratch(scratch: &mut [u8], version: Version) -> Result<&mut [u8], Error> {
    let needed = scratch_len(version);
    scratch
        .get_mut(..needed)
        .ok_or(Error::BufferTooSmall { needed })
}

/// Writes the data bits with `write`, pads them, and adds error correction.
fn write_codewords(
    scratch: &mut [u8],
    version: Version,
    ecc: Ecc,
    write: impl FnOnce(&mut BitWriter<'_>),
) {
    let mut writer = BitWriter::new(&mut *scratch);
    write(&mut writer);
    finish_data(&mut writer, version, ecc);
    debug_assert!(!writer.overflowed());
    add_error_correction(scratch, &Blocks::new(version, ecc));
}

impl DataCodewords {
    /// Returns the version chosen.
    pub fn version(&self) -> Version {
        self.version
    }

    /// Returns the error correction level, after any boost.
    pub fn ecc(&self) -> Ecc {
        self.ecc
    }

    /// Places the codewords in `scratch` into the modules of `image`, with
    /// the function patterns, the mask (chosen unless the options fixed it)
    /// and the format information: the finished code.
    ///
    /// `scratch` must be the buffer [`encode_codewords`] wrote. Writes the
    /// first `image_len(version)` bytes of `image` (see the
    /// [buffer contracts](self)).
    ///
    /// # Errors
    ///
    /// [`Error::BufferTooSmall`] when `image` is shorter than
    /// `image_len(version)` or `scratch` shorter than `scratch_len(version)`.
    pub fn place<'a>(self, scratch: &[u8], image: &'a mut [u8]) -> Result<QrCode<'a>, Error> {
        let version = self.version;
        let needed = image_len(version);
        let image = image
            .get_mut(..needed)
            .ok_or(Error::BufferTooSmall { needed })?;
        let needed = scratch_len(version);
        let codewords = scratch
            .get(..needed)
            .ok_or(Error::BufferTooSmall { needed })?;
        let blocks = Blocks::new(version, self.ecc);

        let map = FunctionMap::new(version);
        let width = usize::from(version.width());
        let pitch = width.div_ceil(8);
        image.fill(0);
        // Placement leaves the columns as rows; the mask scores take them
        // so, and turn the image back to rows.
        matrix::place_columns(image, pitch, &map, codewords, blocks);
        let mask = match self.mask {
            Some(mask) => {
                transpose_in_place(image, pitch, width);
                mask::apply(image, pitch, &map, mask);
                mask
            }
            // Leaves the image under the mask it chooses.
            None => mask::choose(image, pitch, &map, self.ecc),
        };
        format::place_format(image, pitch, width, self.ecc, mask.number());
        if self.polarity == Polarity::LightIsSet {
            let inside = span(0, width);
            for y in 0..width {
                let mut row = load_row(image, pitch, y);
                for (word, inside) in row.iter_mut().zip(inside) {
                    *word ^= inside;
                }
                store_row(image, pitch, y, &row);
            }
        }
        QrCode::from_image(version, self.ecc, mask, self.polarity, image)
    }
}

/// Encodes segments into a finished code.
///
/// The segments must not borrow from `scratch` or `image`; for input that
/// lives in the image buffer, call [`encode_codewords`] and
/// [`DataCodewords::place`]. See the [buffer contracts](self).
///
/// # Errors
///
/// As [`encode_codewords`] and [`DataCodewords::place`].
pub fn encode_segments<'a>(
    segments: &[Segment<'_>],
    options: &Options,
    scratch: &mut [u8],
    image: &'a mut [u8],
) -> Result<QrCode<'a>, Error> {
    let needed = options_image_len(options, segments)?;
    if image.len() < needed {
        return Err(Error::BufferTooSmall { needed });
    }
    encode_codewords(segments, options, scratch)?.place(scratch, image)
}

/// Returns the image length the segments need, so that a short image buffer
/// is reported before `scratch` is written.
fn options_image_len(options: &Options, segments: &[Segment<'_>]) -> Result<usize, Error> {
    if !segments.iter().all(Segment::is_valid) {
        return Err(Error::InvalidArgument);
    }
    let (version, _, _) = choose_version(options, |v| segments_bits(segments, v))?;
    Ok(image_len(version))
}

/// Encodes bytes as one byte segment.
///
/// ```
/// use panicqr::{encode_binary, image_len, scratch_len, Options, Version};
///
/// let mut scratch = [0u8; scratch_len(Version::MAX)];
/// let mut image = [0u8; image_len(Version::MAX)];
/// let code = encode_binary(&[0xff; 100], &Options::default(), &mut scratch, &mut image)?;
/// assert_eq!(code.version().number(), 5);
/// # Ok::<(), panicqr::Error>(())
/// ```
///
/// # Errors
///
/// As [`encode_segments`].
pub fn encode_binary<'a>(
    data: &[u8],
    options: &Options,
    scratch: &mut [u8],
    image: &'a mut [u8],
) -> Result<QrCode<'a>, Error> {
    encode_segments(&[Segment::Bytes(data)], options, scratch, image)
}

/// Encodes a URL as a byte segment followed by binary data in the panic
/// packing ([`Segment::PanicDigits`]), as mainline Linux's panic screen does.
/// An empty URL leaves out the byte segment.
///
/// # Errors
///
/// As [`encode_segments`].
pub fn encode_panic_url<'a>(
    url: &[u8],
    data: &[u8],
    options: &Options,
    scratch: &mut [u8],
    image: &'a mut [u8],
) -> Result<QrCode<'a>, Error> {
    let segments = [Segment::Bytes(url), Segment::PanicDigits(data)];
    let segments = if url.is_empty() {
        &segments[1..]
    } else {
        &segments[..]
    };
    encode_segments(segments, options, scratch, image)
}

/// Returns the exact number of binary bytes that fit in the panic packing
/// after a URL of `url_len` bytes, at `version` and `ecc`.
///
/// Linux's `drm_panic_qr_max_data_size` estimates 39/40 of the room instead;
/// this is the true capacity, and every length up to it encodes.
///
/// ```
/// use panicqr::{panic_url_capacity, Ecc, Version};
/// assert_eq!(panic_url_capacity(Version::MAX, Ecc::Low, 48), 2868);
/// ```
pub fn panic_url_capacity(version: Version, ecc: Ecc, url_len: usize) -> usize {
    let class = version.count_class();
    let url_bits = if url_len == 0 {
        Some(0)
    } else {
        segment::bit_len(Mode::Byte, url_len, class)
    };
    let Some(available) = url_bits.and_then(|bits| version.data_bits(ecc).checked_sub(bits)) else {
        return 0;
    };
    let fits = |len: usize| {
        segment::bit_len(Mode::Numeric, segment::panic_digit_count(len), class)
            .is_some_and(|bits| bits <= available)
    };
    // The packing takes more than 8 bits a byte, so `available / 8` bounds it.
    let (mut low, mut high) = (0usize, available / 8 + 1);
    if !fits(low) {
        return 0;
    }
    // `low < high` throughout: the differences do not wrap.
    while high.wrapping_sub(low) > 1 {
        let middle = low.wrapping_add(high.wrapping_sub(low) / 2);
        if fits(middle) {
            low = middle;
        } else {
            high = middle;
        }
    }
    low
}

/// Encodes a text with the segmentation that takes the fewest bits: runs of
/// digits in numeric mode, runs of the alphanumeric set in alphanumeric mode,
/// the rest in byte mode. The search is exact, by dynamic programming over
/// the modes and the partial groups of numeric and alphanumeric segments.
///
/// Uses `image`, then `scratch`, as work space for the search: together they
/// hold one byte per character of any text that fits. See the
/// [buffer contracts](self).
///
/// ```
/// use panicqr::{encode_text, image_len, scratch_len, Options, Version};
///
/// let mut scratch = [0u8; scratch_len(Version::MAX)];
/// let mut image = [0u8; image_len(Version::MAX)];
/// let text = b"Oops: 0000 [#1] PREEMPT SMP at 0xffff888012345678";
/// let code = encode_text(text, &Options::default(), &mut scratch, &mut image)?;
/// assert!(code.width() >= 21);
/// # Ok::<(), panicqr::Error>(())
/// ```
///
/// # Errors
///
/// As [`encode_segments`]; [`Error::BufferTooSmall`] also when the two
/// buffers together are shorter than the text.
pub fn encode_text<'a>(
    text: &[u8],
    options: &Options,
    scratch: &mut [u8],
    image: &'a mut [u8],
) -> Result<QrCode<'a>, Error> {
    if text.is_empty() {
        // The segmentation search needs a character; no text is no segment.
        return encode_segments(&[], options, scratch, image);
    }
    let mut class_bits = [None; 3];
    for (class, bits) in (0..3).zip(&mut class_bits) {
        *bits = segment::text_min_bits(text, class);
    }
    let (version, ecc, _) = choose_version(options, |v| {
        class_bits.get(v.count_class()).copied().flatten()
    })?;
    let needed_image = image_len(version);
    let needed_scratch = scratch_len(version);
    if image.len() < needed_image {
        return Err(Error::BufferTooSmall {
            needed: needed_image,
        });
    }
    if scratch.len() < needed_scratch {
        return Err(Error::BufferTooSmall {
            needed: needed_scratch,
        });
    }
    let class = version.count_class();
    let segmentation = segment::segment_text(text, class, image, scratch)
        .ok_or(Error::BufferTooSmall { needed: text.len() })?;
    let scratch = prepare_scratch(scratch, version)?;
    write_codewords(scratch, version, ecc, |writer| {
        segmentation.write(text, class, image, writer)
    });
    let codewords = DataCodewords {
        version,
        ecc,
        mask: options.mask,
        polarity: options.polarity,
    };
    codewords.place(scratch, image)
}
