//! `encode_any`: every encoder entry point with arbitrary options, data and
//! buffer lengths.
//!
//! Properties: no input makes the encoder panic. When it succeeds, rqrr
//! decodes the code to exactly the input (panic URLs: the URL bytes and the
//! digits, which unpack to the data), at the version, level and mask that
//! ISO/IEC 18004 and the options give, and no byte past the used part of
//! either buffer changed. When it fails, the error is the one the capacity
//! tables of [`crate::iso`] predict, and the image buffer is untouched.

use panicqr::{
    encode_binary, encode_panic_url, encode_segments, encode_text, Ecc, Error, Mask, Options,
    Polarity, QrCode, Segment, Version,
};

use crate::guard::Guarded;
use crate::iso::{self, Mode};
use crate::{check_metadata, check_rows, decode_code, stretch, unpack_z, Input};

/// Which entry point a case calls.
#[derive(Clone, Copy, Debug)]
enum Api {
    Segments,
    Text,
    Binary,
    PanicUrl,
}

/// Reads encoder options; the version range may be empty.
pub fn read_options(input: &mut Input<'_>) -> Options {
    let version = |b: u8| Version::new(1 + b % 40).unwrap_or(Version::MIN);
    Options {
        min_version: version(input.u8()),
        max_version: version(input.u8()),
        ecc: Ecc::ALL[usize::from(input.u8() % 4)],
        boost_ecc: input.bool(),
        mask: Mask::new(input.u8() % 9),
        polarity: if input.bool() {
            Polarity::LightIsSet
        } else {
            Polarity::DarkIsSet
        },
    }
}

/// Reads data bytes: either straight from the input, or a short pattern
/// stretched to a length up to `max_stretch`.
pub fn read_data(input: &mut Input<'_>, max_direct: usize, max_stretch: usize) -> Vec<u8> {
    if input.u8().is_multiple_of(4) {
        let pattern = input.bytes(16);
        let len = input.below(max_stretch + 1);
        stretch(pattern, len)
    } else {
        input.bytes(max_direct).to_vec()
    }
}

/// Maps bytes into an alphabet, so most cases are valid for their mode.
fn into_alphabet(data: &mut [u8], alphabet: &[u8]) {
    for b in data {
        *b = alphabet[usize::from(*b) % alphabet.len()];
    }
}

/// A segment as the check sees it.
struct Expected {
    mode: Mode,
    chars: usize,
    valid: bool,
    /// The bytes rqrr gives back for it.
    decoded: Vec<u8>,
}

fn expected_of(segment: &Segment<'_>) -> Expected {
    match *segment {
        Segment::Numeric(d) => Expected {
            mode: Mode::Numeric,
            chars: d.len(),
            valid: d.iter().all(u8::is_ascii_digit),
            decoded: d.to_vec(),
        },
        Segment::Alphanumeric(d) => Expected {
            mode: Mode::Alphanumeric,
            chars: d.len(),
            valid: d.iter().all(|&c| iso::is_alphanumeric(c)),
            decoded: d.to_vec(),
        },
        Segment::Bytes(d) => Expected {
            mode: Mode::Byte,
            chars: d.len(),
            valid: true,
            decoded: d.to_vec(),
        },
        Segment::PanicDigits(d) => {
            let digits = iso::panic_digits(d);
            Expected {
                mode: Mode::Numeric,
                chars: digits.len(),
                valid: true,
                decoded: digits,
            }
        }
    }
}

/// What the call must return, from the tables.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Encodes { version: u8, ecc: usize },
    Fails(Error),
}

/// Predicts the result of an encode call whose data takes `bits_at(v)` bits
/// at version `v` (`None`: a count field overflows).
fn predict(
    options: &Options,
    valid: bool,
    bits_at: impl Fn(u8) -> Option<usize>,
    image_len: usize,
    scratch_len: usize,
) -> Outcome {
    if !valid || options.min_version > options.max_version {
        return Outcome::Fails(Error::InvalidArgument);
    }
    let ecc = options.ecc as usize;
    let (min, max) = (options.min_version.number(), options.max_version.number());
    let Some(v) = (min..=max).find(|&v| bits_at(v).is_some_and(|b| b <= iso::data_bits(v, ecc)))
    else {
        return Outcome::Fails(Error::DataTooLong {
            needed_bits: bits_at(max).unwrap_or(usize::MAX),
            available_bits: iso::data_bits(max, ecc),
        });
    };
    if image_len < iso::image_len(v) {
        return Outcome::Fails(Error::BufferTooSmall {
            needed: iso::image_len(v),
        });
    }
    if scratch_len < iso::scratch_len(v) {
        return Outcome::Fails(Error::BufferTooSmall {
            needed: iso::scratch_len(v),
        });
    }
    let bits = bits_at(v).unwrap_or(usize::MAX);
    let mut level = ecc;
    if options.boost_ecc {
        while level < 3 && bits <= iso::data_bits(v, level + 1) {
            level += 1;
        }
    }
    Outcome::Encodes {
        version: v,
        ecc: level,
    }
}

/// Runs one case.
pub fn check(data: &[u8]) {
    let mut input = Input::new(data);
    let api = [Api::Segments, Api::Text, Api::Binary, Api::PanicUrl][usize::from(input.u8() % 4)];
    let options = read_options(&mut input);
    let sizing = input.u8();
    let (scratch_len, image_len) = if sizing.is_multiple_of(4) {
        (input.below(3800), input.below(4200))
    } else {
        // Room for any version, sometimes with more past it.
        let extra = usize::from(sizing >> 5);
        (iso::scratch_len(40) + extra, iso::image_len(40) + extra)
    };

    // Owned data for the segments, then the segments borrowing it.
    let mut pieces: Vec<(u8, Vec<u8>)> = Vec::new();
    match api {
        Api::Segments => {
            for _ in 0..input.u8() % 5 {
                let kind = input.u8();
                let mut piece = read_data(&mut input, 3000, 8000);
                // One case in eight keeps raw bytes: invalid for numeric and
                // alphanumeric segments.
                if kind & 0x1c != 0 {
                    match kind % 4 {
                        0 => into_alphabet(&mut piece, b"0123456789"),
                        1 => into_alphabet(&mut piece, iso::ALPHANUMERIC),
                        _ => {}
                    }
                }
                pieces.push((kind % 4, piece));
            }
        }
        Api::Text => {
            let how = input.u8();
            let mut text = read_data(&mut input, 4000, 8000);
            match how % 4 {
                0 => into_alphabet(&mut text, b"0123456789"),
                1 => into_alphabet(&mut text, iso::ALPHANUMERIC),
                2 => into_alphabet(&mut text, b"0123456789ABCXYZ abcxyz:/.-_\n"),
                _ => {}
            }
            pieces.push((0, text));
        }
        Api::Binary => pieces.push((2, read_data(&mut input, 3000, 8000))),
        Api::PanicUrl => {
            pieces.push((2, input.bytes(300).to_vec()));
            pieces.push((3, read_data(&mut input, 3000, 8000)));
        }
    }
    let segments: Vec<Segment<'_>> = pieces
        .iter()
        .map(|(kind, piece)| match kind {
            0 => Segment::Numeric(piece),
            1 => Segment::Alphanumeric(piece),
            2 => Segment::Bytes(piece),
            _ => Segment::PanicDigits(piece),
        })
        .collect();

    let mut scratch = Guarded::canaries(scratch_len);
    let mut image = Guarded::canaries(image_len);
    let result = {
        let (s, i) = (scratch.region_mut(), image.region_mut());
        match api {
            Api::Segments => encode_segments(&segments, &options, s, i),
            Api::Text => encode_text(&pieces[0].1, &options, s, i),
            Api::Binary => encode_binary(&pieces[0].1, &options, s, i),
            Api::PanicUrl => encode_panic_url(&pieces[0].1, &pieces[1].1, &options, s, i),
        }
        .map(|code| Summary::of(&code))
    };

    // The segments the call encodes, as the check sees them.
    let expected: Vec<Expected> = match api {
        Api::PanicUrl if pieces[0].1.is_empty() => vec![expected_of(&segments[1])],
        _ => segments.iter().map(expected_of).collect(),
    };
    let (valid, predicted) = match api {
        Api::Text => {
            let text = &pieces[0].1;
            (
                true,
                predict(
                    &options,
                    true,
                    |v| Some(iso::text_min_bits(text, v)),
                    image_len,
                    scratch_len,
                ),
            )
        }
        _ => {
            let valid = expected.iter().all(|e| e.valid);
            let bits_at = |v| {
                expected.iter().try_fold(0usize, |sum, e| {
                    Some(sum + e.mode.segment_bits(e.chars, v)?)
                })
            };
            (
                valid,
                predict(&options, valid, bits_at, image_len, scratch_len),
            )
        }
    };
    let _ = valid;

    scratch.check("scratch");
    image.check("image");
    match (result, predicted) {
        (Ok(summary), Outcome::Encodes { version, ecc }) => {
            assert_eq!(
                summary.version, version,
                "{api:?}: smallest version that fits"
            );
            assert_eq!(summary.ecc, ecc, "{api:?}: error correction level");
            if let Some(mask) = options.mask {
                assert_eq!(summary.mask, mask.number(), "fixed mask");
            }
            // The text search uses both whole buffers as work space, as
            // `encode_text` documents; the other calls write only the code.
            if !matches!(api, Api::Text) {
                assert!(
                    image.untouched(iso::image_len(version)),
                    "{api:?}: image written past the code"
                );
                assert!(
                    scratch.untouched(iso::scratch_len(version)),
                    "{api:?}: scratch written past the codewords"
                );
            }
            let v = Version::new(version).unwrap_or(Version::MIN);
            let code = QrCode::from_image(
                v,
                Ecc::ALL[ecc],
                Mask::new(summary.mask).unwrap_or(Mask::new(0).unwrap()),
                options.polarity,
                image.region(),
            )
            .expect("image holds the code");
            check_rows(&code);
            let (payload, meta) = decode_code(&code);
            check_metadata(&code, &meta);
            let mut want = Vec::new();
            for e in &expected {
                want.extend_from_slice(&e.decoded);
            }
            assert!(
                payload == want,
                "{api:?}: rqrr decoded {} bytes, expected {}",
                payload.len(),
                want.len()
            );
            if let Api::PanicUrl = api {
                let (url, data) = (&pieces[0].1, &pieces[1].1);
                let digits = std::str::from_utf8(&payload[url.len()..]).expect("digits are ASCII");
                assert_eq!(
                    &unpack_z(digits).expect("digits unpack"),
                    data,
                    "panic URL data"
                );
            }
        }
        (Err(error), Outcome::Fails(expected_error)) => {
            match (error, expected_error, api) {
                // The text encoder may report a longer segmentation when a
                // count field would overflow; it must still exceed the room.
                (
                    Error::DataTooLong {
                        needed_bits,
                        available_bits,
                    },
                    Error::DataTooLong {
                        needed_bits: least,
                        available_bits: room,
                    },
                    Api::Text,
                ) => {
                    assert_eq!(available_bits, room);
                    assert!(
                        needed_bits >= least && needed_bits > room,
                        "{needed_bits} < {least}"
                    );
                }
                _ => assert_eq!(error, expected_error, "{api:?}"),
            }
            assert!(
                image.untouched(0),
                "{api:?}: image written on failure {error:?}"
            );
        }
        (result, predicted) => panic!("{api:?}: got {result:?}, tables predict {predicted:?}"),
    }
}

/// What a finished code reports, copied out so the image can be read again.
#[derive(Debug)]
struct Summary {
    version: u8,
    ecc: usize,
    mask: u8,
}

impl Summary {
    fn of(code: &QrCode<'_>) -> Summary {
        Summary {
            version: code.version().number(),
            ecc: code.ecc() as usize,
            mask: code.mask().number(),
        }
    }
}
