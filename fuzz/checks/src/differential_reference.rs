//! `differential_reference`: bit for bit against Nayuki's
//! `qrcodegen-no-heap` at the same segments, version, level and mask (fixed
//! or chosen by the penalty rules). The tools crate's
//! `tools/tests/reference.rs` runs [`compare`] over every version, level
//! and mask in turn.
//!
//! Panic digit segments are compared against the reference's numeric
//! segment of the same digits. When the reference refuses the data as too
//! long, `panicqr` must refuse it too.

use panicqr::{encode_segments, Ecc, Error, Mask, Options, Polarity, Segment, Version};
use qrcodegen_no_heap::{QrCode as RefCode, QrCodeEcc, QrSegment, Version as RefVersion};

use crate::encode_any::read_data;
use crate::iso;
use crate::Input;

fn ref_ecc(ecc: Ecc) -> QrCodeEcc {
    match ecc {
        Ecc::Low => QrCodeEcc::Low,
        Ecc::Medium => QrCodeEcc::Medium,
        Ecc::Quartile => QrCodeEcc::Quartile,
        Ecc::High => QrCodeEcc::High,
    }
}

/// Runs one case.
pub fn check(data: &[u8]) {
    let mut input = Input::new(data);
    let version = Version::new(1 + input.u8() % 40).unwrap_or(Version::MIN);
    let ecc = Ecc::ALL[usize::from(input.u8() % 4)];
    let mask = Mask::new(input.u8() % 9);
    let polarity = if input.bool() {
        Polarity::LightIsSet
    } else {
        Polarity::DarkIsSet
    };
    let count = 1 + input.u8() % 3;
    let mut pieces = Vec::new();
    for _ in 0..count {
        let kind = input.u8() % 4;
        let mut piece = read_data(&mut input, 3000, 3000);
        let alphabet: &[u8] = match kind {
            0 => b"0123456789",
            1 => iso::ALPHANUMERIC,
            _ => &[],
        };
        if !alphabet.is_empty() {
            for b in &mut piece {
                *b = alphabet[usize::from(*b) % alphabet.len()];
            }
        }
        pieces.push((kind, piece));
    }
    compare(&pieces, version, ecc, mask, polarity);
}

/// Encodes `pieces` (kind 0 numeric, 1 alphanumeric, 2 bytes, 3 panic
/// digits) with both encoders and compares every module. Returns whether
/// the data fitted: `false` when both refused it as too long.
pub fn compare(
    pieces: &[(u8, Vec<u8>)],
    version: Version,
    ecc: Ecc,
    mask: Option<Mask>,
    polarity: Polarity,
) -> bool {
    // The reference's segments, over owned digit strings and buffers.
    let texts: Vec<String> = pieces
        .iter()
        .map(|(kind, piece)| match kind {
            0 | 1 => String::from_utf8(piece.clone()).expect("ASCII"),
            3 => String::from_utf8(iso::panic_digits(piece)).expect("digits"),
            _ => String::new(),
        })
        .collect();
    let mut buffers: Vec<Vec<u8>> = texts.iter().map(|t| vec![0u8; t.len() * 2 + 8]).collect();
    let ref_segments: Vec<QrSegment<'_>> = pieces
        .iter()
        .zip(&texts)
        .zip(buffers.iter_mut())
        .map(|(((kind, piece), text), buffer)| match kind {
            0 | 3 => QrSegment::make_numeric(text, buffer),
            1 => QrSegment::make_alphanumeric(text, buffer),
            _ => QrSegment::make_bytes(piece),
        })
        .collect();
    let segments: Vec<Segment<'_>> = pieces
        .iter()
        .map(|(kind, piece)| match kind {
            0 => Segment::Numeric(piece),
            1 => Segment::Alphanumeric(piece),
            2 => Segment::Bytes(piece),
            _ => Segment::PanicDigits(piece),
        })
        .collect();

    let mut ref_out = vec![0u8; RefVersion::MAX.buffer_len()];
    let mut ref_temp = vec![0u8; RefVersion::MAX.buffer_len()];
    let ref_version = RefVersion::new(version.number());
    let encoded = RefCode::encode_segments_to_codewords(
        &ref_segments,
        &mut ref_out,
        ref_ecc(ecc),
        ref_version,
        ref_version,
        false,
    );

    let options = Options {
        min_version: version,
        max_version: version,
        ecc,
        boost_ecc: false,
        mask,
        polarity,
    };
    let mut scratch = vec![0u8; iso::scratch_len(40)];
    let mut image = vec![0u8; iso::image_len(40)];
    let ours = encode_segments(&segments, &options, &mut scratch, &mut image);
    let Ok((len, ref_ecl, ref_ver)) = encoded else {
        assert!(
            matches!(ours, Err(Error::DataTooLong { .. })),
            "reference refused V{} {ecc:?}, panicqr gave {ours:?}",
            version.number()
        );
        return false;
    };
    let code = ours.unwrap_or_else(|e| {
        panic!(
            "{e} at V{} {ecc:?}; the reference encodes",
            version.number()
        )
    });
    let reference = RefCode::encode_codewords(
        &mut ref_out,
        len,
        &mut ref_temp,
        ref_ecl,
        ref_ver,
        mask.map(|m| qrcodegen_no_heap::Mask::new(m.number())),
    );
    // The reference reports the mask as read back from the format bits,
    // still XORed with 0b101.
    assert_eq!(
        reference.mask().value() ^ 0b101,
        code.mask().number(),
        "mask at V{} {ecc:?}",
        version.number()
    );
    let width = i32::from(code.width());
    assert_eq!(reference.size(), width);
    for y in 0..width {
        for x in 0..width {
            assert_eq!(
                reference.get_module(x, y),
                code.is_dark(x, y),
                "module ({x}, {y}) at V{} {ecc:?} mask {mask:?}",
                version.number()
            );
        }
    }
    true
}
