//! The panic screen renderer (`examples/render`): snapshots of what it
//! draws, a round trip through a real QR decoder, and the embedded-graphics
//! `QrDrawable` checked pixel for pixel against the row painter.

use embedded_graphics::pixelcolor::Rgb888;
use embedded_graphics::prelude::*;
use panicqr::screen::graphics::{QrDrawable, QrStyle};
use panicqr::screen::layout::{place, Policy, Screen};
use panicqr::screen::paint::{paint_canvas, Palette, PixelFormat};
use panicqr::{encode_binary, image_len, scratch_len, Ecc, Mask, Options, Version};
use panicqr_tools::decode::decode_payload;
use panicqr_tools::render::{
    format_name, render, Config, Framebuffer, Rendered, Summary, BACKGROUND, FOREGROUND,
    SAMPLE_KMSG,
};
use panicqr_tools::scan::{decode_image, scan_image};

/// FNV-1a, 64 bits: a stable fingerprint of the framebuffer bytes.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Shrinks the screen to text, one character per `cell` block of pixels,
/// darker to lighter: ` .:-=+*#%@` by the block's mean brightness.
fn ascii_view(framebuffer: &Framebuffer, cell: (u32, u32)) -> String {
    const RAMP: &[u8] = b" .:-=+*#%@";
    let mut text = String::new();
    for row in 0..framebuffer.height() / cell.1 {
        for column in 0..framebuffer.width() / cell.0 {
            let mut sum = 0u32;
            for y in row * cell.1..(row + 1) * cell.1 {
                for x in column * cell.0..(column + 1) * cell.0 {
                    let [r, g, b] = framebuffer.rgb(x, y);
                    sum += (u32::from(r) + u32::from(g) + u32::from(b)) / 3;
                }
            }
            let mean = sum / (cell.0 * cell.1);
            let level = (mean as usize * (RAMP.len() - 1) + 127) / 255;
            text.push(RAMP[level] as char);
        }
        text.push('\n');
    }
    text
}

fn report(rendered: &Rendered) -> String {
    format!(
        "{}\nframebuffer: {} bytes, pitch {}, fnv1a {:016x}\n\n{}",
        rendered.summary,
        rendered.framebuffer.data().len(),
        rendered.framebuffer.pitch(),
        fnv1a(rendered.framebuffer.data()),
        ascii_view(&rendered.framebuffer, (8, 16)),
    )
}

#[test]
fn snapshot_of_the_sample_screen() {
    let config = Config {
        width: 640,
        height: 480,
        ..Config::default()
    };
    let rendered = render(SAMPLE_KMSG, &config).unwrap();
    insta::assert_snapshot!("sample_640x480_xrgb8888", report(&rendered));
}

#[test]
fn snapshot_of_a_small_raw_code() {
    let kmsg = b"Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)\n";
    let config = Config {
        width: 320,
        height: 240,
        format: PixelFormat::Rgb565,
        url: None,
        policy: Policy {
            ecc: Ecc::Medium,
            max_version: Version::new(2).unwrap(),
            ..Policy::DEFAULT
        },
        mask: Mask::new(5),
        ..Config::default()
    };
    let rendered = render(kmsg, &config).unwrap();
    // Version 2-M holds 26 raw bytes: the end of the only line.
    assert_eq!(rendered.summary.version, 2);
    assert!(rendered.summary.truncated);
    insta::assert_snapshot!(
        "raw_v2_matrix",
        format!("{}\n\n{}", rendered.summary, rendered.matrix)
    );
}

/// A log far longer than any code holds: the sample, thirty times over, each
/// line stamped with a kernel timestamp so that it does not compress to
/// nothing.
fn long_log() -> Vec<u8> {
    let text = String::from_utf8_lossy(SAMPLE_KMSG).repeat(30);
    let mut log = String::new();
    for (i, line) in text.lines().enumerate() {
        let micros = (i as u64 * 7_919 * 104_729) % 1_000_000;
        log += &format!("[{:5}.{micros:06}] {line}\n", i / 8);
    }
    log.into_bytes()
}

/// Renders, writes the PNG, reads it back, finds the code and decodes it:
/// the log must be exactly the tail the renderer reported.
fn round_trip(kmsg: &[u8], config: &Config) -> Summary {
    let rendered = render(kmsg, config).unwrap();
    let summary = &rendered.summary;
    let expected = &kmsg[summary.tail_start..];
    assert_eq!(expected.len(), summary.tail_len);
    let png = rendered.framebuffer.to_png();
    let image = decode_image(&png).unwrap();
    assert_eq!(
        (image.width, image.height),
        (config.width as usize, config.height as usize)
    );
    let decoded = scan_image(&image, decode_payload).unwrap_or_else(|e| {
        panic!(
            "{} {}x{}: {e}",
            format_name(config.format),
            config.width,
            config.height
        )
    });
    assert_eq!(decoded.url.is_some(), config.url.is_some());
    if let Some(url) = &decoded.url {
        assert_eq!(url.arch.as_deref(), Some(summary.arch.0.as_str()));
        assert_eq!(url.release.as_deref(), Some(summary.release.0.as_str()));
        assert_eq!(url.dictionary.is_some(), summary.dictionary);
    }
    assert!(
        decoded.log == expected,
        "{} {}x{}: decoded {} bytes, expected the last {}",
        format_name(config.format),
        config.width,
        config.height,
        decoded.log.len(),
        expected.len()
    );
    rendered.summary
}

#[test]
fn rendered_screens_decode_to_the_tail() {
    let long = long_log();
    let cases = [
        (PixelFormat::Xrgb8888, 1920, 1080, true, SAMPLE_KMSG),
        (PixelFormat::Rgb565, 800, 600, false, SAMPLE_KMSG),
        (PixelFormat::Bgr888, 1024, 768, true, &long[..]),
        (PixelFormat::Xrgb2101010, 1280, 800, false, &long[..]),
        (PixelFormat::Argb1555, 1366, 768, true, &long[..]),
        (PixelFormat::Rgba5551, 640, 480, true, SAMPLE_KMSG),
    ];
    let mut dictionary = false;
    for (i, (format, width, height, url, kmsg)) in cases.into_iter().enumerate() {
        let config = Config {
            width,
            height,
            format,
            url: if url { Config::default().url } else { None },
            // Every other screen allows the preset dictionary (off by
            // default).
            dictionary: i % 2 == 0,
            ..Config::default()
        };
        let summary = round_trip(kmsg, &config);
        // The long log never fits whole; the sample does on the README's
        // screen (on 800×600 without a URL, the raw log needs more modules
        // than a photo of that screen tells apart).
        if kmsg.len() > SAMPLE_KMSG.len() {
            assert!(summary.tail_start > 0);
        } else if width == 1920 {
            assert_eq!(summary.tail_start, 0);
        }
        dictionary |= summary.dictionary;
    }
    // The preset dictionary carried more of the long log at least once, so
    // `zd=2` was decoded too.
    assert!(dictionary);
}

#[test]
fn a_long_log_keeps_only_its_end() {
    let long = long_log();
    let config = Config {
        width: 1024,
        height: 768,
        ..Config::default()
    };
    let summary = render(&long, &config).unwrap().summary;
    assert!(summary.tail_start > 0);
    assert_eq!(summary.tail_start + summary.tail_len, long.len());
    // The tail starts on a line.
    assert_eq!(long[summary.tail_start - 1], b'\n');
}

#[test]
fn the_default_keeps_modules_a_photo_tells_apart() {
    // A log that fills any code: the default draws modules of at least
    // 1920 / 256 pixels, the largest policy version 40 at a smaller scale
    // with more of the log; both decode to their tails.
    let long = long_log();
    let default = round_trip(&long, &Config::default());
    assert!(default.scale >= 8, "{}", default.scale);
    let largest = Config {
        policy: Policy::LARGEST,
        ..Config::default()
    };
    let largest = round_trip(&long, &largest);
    assert_eq!(largest.version, 40);
    assert!(largest.scale < default.scale);
    assert!(largest.tail_len > default.tail_len);
    // No limit at all through that field alone gives the same code.
    let unlimited = Config {
        policy: Policy {
            max_modules_across: 0,
            ..Policy::DEFAULT
        },
        ..Config::default()
    };
    let unlimited = render(&long, &unlimited).unwrap().summary;
    assert_eq!(
        (unlimited.version, unlimited.scale, unlimited.tail_len),
        (largest.version, largest.scale, largest.tail_len)
    );
}

#[test]
fn the_drawable_paints_what_the_painter_paints() {
    let mut scratch = vec![0u8; scratch_len(Version::MAX)];
    let mut image = vec![0u8; image_len(Version::MAX)];
    let options = Options {
        max_version: Version::new(7).unwrap(),
        ..Options::default()
    };
    let code = encode_binary(b"drawable vs painter", &options, &mut scratch, &mut image).unwrap();
    let screen = Screen {
        width: 333,
        height: 201,
        font_width: 8,
        font_height: 16,
        text_lines: 3,
        text_columns: 12,
    };
    let geometry = place(&screen, &Policy::DEFAULT, u32::from(code.width())).unwrap();
    assert!(geometry.canvas.x > 0 && geometry.canvas.y > 0);
    let light = Rgb888::new(0xff, 0xff, 0xff);
    let dark = Rgb888::new(0, 0, 0);
    for format in PixelFormat::ALL {
        // Start from a third colour so that any pixel either one skips shows.
        let mut painted = Framebuffer::new(screen.width, screen.height, format).unwrap();
        painted.fill(0x0040_8020);
        let mut drawn = painted.clone();

        let palette = Palette::new(format, FOREGROUND, BACKGROUND);
        let pitch = painted.pitch();
        paint_canvas(&code, &geometry, &palette, painted.data_mut(), pitch).unwrap();
        QrDrawable::from_geometry(code, &geometry, QrStyle::new(dark, light))
            .unwrap()
            .draw(&mut drawn)
            .unwrap();

        assert!(painted.data() == drawn.data(), "{format:?} differs");
        // And the canvas was drawn at all: its corner is light, the finder
        // pattern's corner dark.
        let c = geometry.canvas;
        let m = geometry.modules;
        assert_eq!(drawn.rgb(c.x, c.y), [0xff; 3]);
        assert_eq!(drawn.rgb(m.x, m.y), [0; 3]);
        assert_eq!(drawn.rgb(c.x - 1, c.y), painted.rgb(c.x - 1, c.y));
    }
}

/// The README's first command, `cargo run --release --example render`,
/// draws `docs/panic-screen.png`: what it would write today must be that
/// file, byte for byte. (Checked here rather than by running the example,
/// which would build a second, release profile of every dependency.)
#[test]
fn the_readme_picture_is_what_render_draws() {
    let rendered = render(SAMPLE_KMSG, &Config::default()).unwrap();
    let committed = include_bytes!("../../docs/panic-screen.png");
    assert!(
        rendered.framebuffer.to_png() == committed,
        "docs/panic-screen.png is stale: redraw it with \
         `cargo run --release --example render -- --out docs/panic-screen.png`"
    );
}
