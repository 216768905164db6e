//! Whole-pipeline checks small enough for Miri, which `scripts/miri.sh`
//! runs on the big-endian `s390x-unknown-linux-gnu` target (they run
//! natively in `cargo test` too): codes against `qrcodegen-no-heap` module
//! for module, a deflate stream inflated by `miniz_oxide`, and painted pixel
//! bytes in the little-endian order the DRM formats define. Any reliance on
//! the host's byte order in the word-wide matrix, mask and painter code
//! shows here.

use panicqr::payload::deflate::{compress, WORKSPACE_LEN};
use panicqr::screen::layout::{place, Policy, Screen};
use panicqr::screen::paint::{paint_row, Palette, PixelFormat};
use panicqr::{encode_segments, image_len, scratch_len, Ecc, Mask, Options, Segment, Version};
use qrcodegen_no_heap::{QrCode, QrCodeEcc, QrSegment, Version as RefVersion};

fn ref_ecc(ecc: Ecc) -> QrCodeEcc {
    match ecc {
        Ecc::Low => QrCodeEcc::Low,
        Ecc::Medium => QrCodeEcc::Medium,
        Ecc::Quartile => QrCodeEcc::Quartile,
        Ecc::High => QrCodeEcc::High,
    }
}

/// Encodes `data` as bytes at `version`, `ecc` and `mask` with both
/// encoders and compares every module.
fn compare(data: &[u8], version: u8, ecc: Ecc, mask: Option<u8>) {
    let v = Version::new(version).unwrap();
    let options = Options {
        min_version: v,
        max_version: v,
        ecc,
        boost_ecc: false,
        mask: mask.and_then(Mask::new),
        ..Options::default()
    };
    let mut scratch = vec![0u8; scratch_len(v)];
    let mut image = vec![0u8; image_len(v)];
    let code =
        encode_segments(&[Segment::Bytes(data)], &options, &mut scratch, &mut image).unwrap();

    let mut out = vec![0u8; RefVersion::MAX.buffer_len()];
    let mut temp = vec![0u8; RefVersion::MAX.buffer_len()];
    let rv = RefVersion::new(version);
    let (len, ecl, rv) = QrCode::encode_segments_to_codewords(
        &[QrSegment::make_bytes(data)],
        &mut out,
        ref_ecc(ecc),
        rv,
        rv,
        false,
    )
    .unwrap();
    let reference = QrCode::encode_codewords(
        &mut out,
        len,
        &mut temp,
        ecl,
        rv,
        mask.map(qrcodegen_no_heap::Mask::new),
    );
    let width = i32::from(code.width());
    for y in 0..width {
        for x in 0..width {
            assert_eq!(
                reference.get_module(x, y),
                code.is_dark(x, y),
                "module ({x}, {y}) of V{version} {ecc:?} mask {mask:?}"
            );
        }
    }
}

#[test]
fn codes_match_the_reference_module_for_module() {
    let data: Vec<u8> = (0..40u8).map(|i| i.wrapping_mul(37) ^ 0x5a).collect();
    // Version 1, a version with alignment patterns, and one with version
    // information; a fixed mask and the automatic choice.
    compare(&data[..10], 1, Ecc::Low, None);
    compare(&data, 3, Ecc::Medium, Some(5));
    compare(&data, 7, Ecc::Quartile, Some(2));
}

#[test]
fn deflate_stream_inflates_to_the_input() {
    let input = b"BUG: kernel NULL pointer dereference, address: 0000000000000008\n\
                  BUG: kernel NULL pointer dereference, address: 0000000000000010\n";
    let mut workspace = vec![0u8; WORKSPACE_LEN];
    let mut output = vec![0u8; 256];
    let len = compress(input, None, &mut workspace, &mut output).unwrap();
    let inflated = miniz_oxide::inflate::decompress_to_vec_zlib(&output[..len]).unwrap();
    assert_eq!(&inflated[..], &input[..]);
}

#[test]
fn painted_pixels_are_little_endian_on_any_host() {
    // A blank version 1 code: every pixel of row 0 is the foreground.
    let image = [0u8; 21 * 3];
    let code = panicqr::QrCode::from_image(
        Version::MIN,
        Ecc::Low,
        Mask::new(0).unwrap(),
        panicqr::Polarity::DarkIsSet,
        &image,
    )
    .unwrap();
    let screen = Screen {
        width: 64,
        height: 64,
        ..Screen::default()
    };
    let policy = Policy {
        min_scale: 1,
        ..Policy::DEFAULT
    };
    let geometry = place(&screen, &policy, 21).unwrap();
    let cases = [
        (PixelFormat::Xrgb8888, vec![0x56, 0x34, 0x12, 0x00]),
        (PixelFormat::Rgb888, vec![0x56, 0x34, 0x12]),
        // 0x12 >> 3 = 2, 0x34 >> 2 = 13, 0x56 >> 3 = 10: 0b00010_001101_01010.
        (PixelFormat::Rgb565, vec![0xaa, 0x11]),
    ];
    for (format, pixel) in cases {
        let palette = Palette::new(format, 0x0012_3456, 0);
        let mut out = vec![0u8; 4 * pixel.len()];
        assert_eq!(paint_row(&code, &geometry, &palette, 0, 0, &mut out), Ok(4));
        for chunk in out.chunks(pixel.len()) {
            assert_eq!(chunk, &pixel[..], "{format:?}");
        }
    }
}
