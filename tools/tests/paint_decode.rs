//! Paints real QR codes in every pixel format, reads the framebuffer back as
//! grey levels and decodes it with `rqrr`: the payload must come back exactly.
//!
//! The codes come from `panicqr`'s own encoder and from `qrcodegen-no-heap`,
//! are laid out by `panicqr::screen::layout` and painted by `panicqr::screen::paint`, so this
//! checks the layout, the colour conversion, the byte order and the painter
//! together, the way a phone would see the screen.

use panicqr::screen::layout::{place, plan, Policy};
use panicqr::screen::paint::{fill, paint_canvas, Palette, PixelFormat};
use panicqr::{encode_binary, scratch_len, Ecc, Mask, Options, Polarity, QrCode, Version};
use panicqr_tools::render::five_line_screen;
use qrcodegen_no_heap as qrcodegen;

/// Reads one pixel back to 8-bit red, green and blue, independently of the
/// painter's conversion.
fn rgb(format: PixelFormat, bytes: &[u8]) -> [u32; 3] {
    let mut word = [0u8; 4];
    word[..bytes.len()].copy_from_slice(bytes);
    let v = u32::from_le_bytes(word);
    // Each channel as (value, bits).
    let channels = match format {
        PixelFormat::Rgb565 => [(v >> 11, 5), (v >> 5, 6), (v, 5)],
        PixelFormat::Rgba5551 => [(v >> 11, 5), (v >> 6, 5), (v >> 1, 5)],
        PixelFormat::Xrgb1555 | PixelFormat::Argb1555 => [(v >> 10, 5), (v >> 5, 5), (v, 5)],
        PixelFormat::Rgb888 | PixelFormat::Xrgb8888 | PixelFormat::Argb8888 => {
            [(v >> 16, 8), (v >> 8, 8), (v, 8)]
        }
        PixelFormat::Bgr888 | PixelFormat::Xbgr8888 | PixelFormat::Abgr8888 => {
            [(v, 8), (v >> 8, 8), (v >> 16, 8)]
        }
        PixelFormat::Xrgb2101010 | PixelFormat::Argb2101010 => {
            [(v >> 20, 10), (v >> 10, 10), (v, 10)]
        }
        PixelFormat::Abgr2101010 => [(v, 10), (v >> 10, 10), (v >> 20, 10)],
    };
    channels.map(|(value, bits)| {
        let max = (1u32 << bits) - 1;
        (value & max) * 255 / max
    })
}

/// The encoder under the painter.
#[derive(Clone, Copy, Debug)]
enum Encoder {
    Panicqr,
    Qrcodegen,
}

/// Encodes `data` into `image` and returns what [`QrCode::from_image`] needs
/// besides.
fn encode(
    encoder: Encoder,
    data: &[u8],
    max_version: Version,
    polarity: Polarity,
    image: &mut [u8],
) -> (Version, Ecc, Mask) {
    match encoder {
        Encoder::Panicqr => {
            let options = Options {
                max_version,
                polarity,
                ..Options::default()
            };
            let mut scratch = vec![0u8; scratch_len(Version::MAX)];
            let code = encode_binary(data, &options, &mut scratch, image)
                .expect("payload fits the planned version");
            (code.version(), code.ecc(), code.mask())
        }
        Encoder::Qrcodegen => (
            encode_qrcodegen(data, max_version, polarity, image),
            Ecc::Low,
            Mask::new(0).unwrap(),
        ),
    }
}

/// Encodes `data` with qrcodegen into a `panicqr` image buffer.
fn encode_qrcodegen(
    data: &[u8],
    max_version: Version,
    polarity: Polarity,
    image: &mut [u8],
) -> Version {
    let mut temp = vec![0u8; qrcodegen::Version::MAX.buffer_len()];
    let mut out = vec![0u8; qrcodegen::Version::MAX.buffer_len()];
    temp[..data.len()].copy_from_slice(data);
    let qr = qrcodegen::QrCode::encode_binary(
        &mut temp,
        data.len(),
        &mut out,
        qrcodegen::QrCodeEcc::Low,
        qrcodegen::Version::MIN,
        qrcodegen::Version::new(max_version.number()),
        None,
        false,
    )
    .expect("payload fits the planned version");
    let version = Version::new(qr.version().value()).unwrap();
    let width = usize::from(version.width());
    let pitch = width.div_ceil(8);
    image.fill(0);
    for y in 0..width {
        for x in 0..width {
            if qr.get_module(x as i32, y as i32) == (polarity == Polarity::DarkIsSet) {
                image[y * pitch + x / 8] |= 0x80 >> (x % 8);
            }
        }
    }
    version
}

fn payload(len: usize, seed: u32) -> Vec<u8> {
    let mut state = seed;
    (0..len)
        .map(|_| {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (state >> 16) as u8
        })
        .collect()
}

/// Paints `data` on a `width` × `height` screen in every format and decodes
/// each framebuffer.
fn round_trip(
    encoder: Encoder,
    (width, height): (u32, u32),
    data: &[u8],
    polarity: Polarity,
    colours: &[(u32, u32)],
) {
    let screen = five_line_screen(width, height);
    let policy = Policy::LARGEST;
    let plan = plan(&screen, &policy).expect("the screen holds a code");
    let mut image = vec![0u8; panicqr::image_len(Version::MAX)];
    let (version, ecc, mask) = encode(encoder, data, plan.version, polarity, &mut image);
    assert!(version <= plan.version);
    let code = QrCode::from_image(version, ecc, mask, polarity, &image).unwrap();
    let geometry = place(&screen, &policy, u32::from(version.width())).unwrap();
    assert!(geometry.scale >= plan.geometry.scale);

    for &(fg, bg) in colours {
        for format in PixelFormat::ALL {
            let bpp = format.bytes_per_pixel();
            // A pitch with slack, as real scanout buffers have.
            let pitch = width as usize * bpp + 64;
            let mut fb = vec![0u8; pitch * height as usize];
            for row in fb.chunks_mut(pitch) {
                fill(format, bg, row);
            }
            let palette = Palette::new(format, fg, bg);
            paint_canvas(&code, &geometry, &palette, &mut fb, pitch).unwrap();

            let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(
                width as usize,
                height as usize,
                |x, y| {
                    let at = y * pitch + x * bpp;
                    let [r, g, b] = rgb(format, &fb[at..at + bpp]);
                    ((r + 3 * g + 6 * b) / 10) as u8
                },
            );
            let grids = prepared.detect_grids();
            assert_eq!(
                grids.len(),
                1,
                "{encoder:?} {format:?} {width}×{height} V{}",
                version.number()
            );
            let mut decoded = Vec::new();
            grids[0]
                .decode_to(&mut decoded)
                .unwrap_or_else(|e| panic!("{format:?}: {e:?}"));
            assert_eq!(decoded, data, "{encoder:?} {format:?} {width}×{height}");
        }
    }
}

/// Linux's default colours: white on black.
const LINUX: (u32, u32) = (0x00ff_ffff, 0x0000_0000);

/// Orange-blue: light as read back, with blue weighing most, but dark if red
/// and blue were swapped anywhere. A swap inverts the code, which `rqrr`
/// then cannot find.
const SWAP_CHECK: (u32, u32) = (0x0000_80ff, 0x00ff_4000);

#[test]
fn small_codes_decode_in_every_format() {
    for encoder in [Encoder::Panicqr, Encoder::Qrcodegen] {
        let colours = [LINUX, SWAP_CHECK];
        round_trip(
            encoder,
            (400, 300),
            &payload(17, 1),
            Polarity::DarkIsSet,
            &colours,
        );
        round_trip(
            encoder,
            (400, 300),
            &payload(200, 2),
            Polarity::LightIsSet,
            &colours,
        );
    }
}

#[test]
fn the_largest_code_a_screen_holds_decodes_in_every_format() {
    // 640×480 holds version 40 at 2 pixels per module: fill it.
    let screen_plan = plan(&five_line_screen(640, 480), &Policy::LARGEST).unwrap();
    assert_eq!(screen_plan.version, Version::MAX);
    // Byte mode: 4 mode bits and 16 count bits before the data.
    let capacity = (screen_plan.data_bits - 20) / 8;
    for encoder in [Encoder::Panicqr, Encoder::Qrcodegen] {
        let data = payload(capacity, 3);
        round_trip(
            encoder,
            (640, 480),
            &data,
            Polarity::LightIsSet,
            &[SWAP_CHECK],
        );
    }
}
