//! Times the row painter: a full-capacity version 40 code laid out on common
//! screens and painted in every pixel format, three ways:
//!
//! - `paint_canvas` straight into a linear framebuffer;
//! - `paint_row` through a 256-byte line buffer, then copied, as C glue that
//!   writes through `iosys_map` would do;
//! - a per-pixel loop in the manner of Linux 6.12's `drm_panic_fill` and
//!   `drm_panic_blit` (fill the canvas, fill the modules, then test every
//!   pixel's module), as the baseline.
//!
//! Run with `cargo run --release --example paint_bench`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use panicqr::screen::layout::{place, plan, Geometry, Policy};
use panicqr::screen::paint::{paint_canvas, paint_row, Palette, PixelFormat};
use panicqr::{encode_binary, image_len, scratch_len, Options, Polarity, QrCode, Version};
use panicqr_tools::render::five_line_screen;

/// Returns the median time of `f` over enough runs to take about 0.2 s.
fn time(mut f: impl FnMut()) -> Duration {
    f();
    let start = Instant::now();
    f();
    let once = start.elapsed().max(Duration::from_micros(1));
    let runs = (Duration::from_millis(200).as_nanos() / once.as_nanos()).clamp(3, 1000) as usize;
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

/// Linux's way: every pixel tests its module and writes its bytes.
fn per_pixel(code: &QrCode<'_>, g: &Geometry, palette: &Palette, fb: &mut [u8], pitch: usize) {
    let bpp = palette.format().bytes_per_pixel();
    let (light, dark) = (palette.light(), palette.dark());
    let fill = |fb: &mut [u8], x0: u32, y0: u32, side: u32, pixel: &[u8]| {
        for y in y0..y0 + side {
            for x in x0..x0 + side {
                let at = y as usize * pitch + x as usize * bpp;
                fb[at..at + bpp].copy_from_slice(pixel);
            }
        }
    };
    fill(fb, g.canvas.x, g.canvas.y, g.canvas.width, light);
    fill(fb, g.modules.x, g.modules.y, g.modules.width, dark);
    let scale = g.scale;
    for y in 0..g.modules.height {
        for x in 0..g.modules.width {
            if !code.is_dark((x / scale) as i32, (y / scale) as i32) {
                let at = (g.modules.y + y) as usize * pitch + (g.modules.x + x) as usize * bpp;
                fb[at..at + bpp].copy_from_slice(light);
            }
        }
    }
}

fn main() {
    let mut scratch = vec![0u8; scratch_len(Version::MAX)];
    let mut image = vec![0u8; image_len(Version::MAX)];
    let mut state = 1u32;
    let data: Vec<u8> = (0..2953)
        .map(|_| {
            state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (state >> 16) as u8
        })
        .collect();
    let options = Options {
        polarity: Polarity::LightIsSet,
        ..Options::default()
    };
    let code = encode_binary(&data, &options, &mut scratch, &mut image).expect("fits V40");
    assert_eq!(code.version(), Version::MAX);

    // The largest code each screen holds: the most pixels to paint.
    let policy = Policy::LARGEST;
    println!(
        "{:<12} {:>10} {:>6} {:>9} {:>12} {:>12} {:>12} {:>8}",
        "format", "screen", "scale", "pixels", "canvas", "rows(256B)", "per-pixel", "speedup"
    );
    for (width, height) in [(1024u32, 768u32), (1920, 1080), (3840, 2160)] {
        let screen = five_line_screen(width, height);
        let planned = plan(&screen, &policy).expect("fits");
        let g = place(&screen, &policy, u32::from(code.width())).expect("fits");
        assert_eq!(planned.version, Version::MAX);
        let pixels = u64::from(g.canvas.width) * u64::from(g.canvas.height);
        for format in PixelFormat::ALL {
            let bpp = format.bytes_per_pixel();
            let palette = Palette::new(format, 0x00ff_ffff, 0);
            let pitch = width as usize * bpp;
            let mut fb = vec![0u8; pitch * height as usize];

            let canvas = time(|| {
                paint_canvas(&code, &g, &palette, black_box(&mut fb), pitch).unwrap();
            });
            let expected = fb.clone();

            let mut line = [0u8; 256];
            let rows = time(|| {
                for y in 0..g.canvas.height {
                    let mut x = 0;
                    while x < g.canvas.width {
                        let n = paint_row(&code, &g, &palette, y, x, &mut line).unwrap();
                        let at =
                            (g.canvas.y + y) as usize * pitch + (g.canvas.x + x) as usize * bpp;
                        fb[at..at + n * bpp].copy_from_slice(&line[..n * bpp]);
                        x += n as u32;
                    }
                }
                black_box(&mut fb);
            });
            assert!(fb == expected, "chunked rows differ from the canvas");

            let baseline = time(|| per_pixel(&code, &g, &palette, black_box(&mut fb), pitch));
            assert!(fb == expected, "the baseline differs from the canvas");

            println!(
                "{:<12} {:>10} {:>6} {:>9} {:>12?} {:>12?} {:>12?} {:>7.1}x",
                format!("{format:?}"),
                format!("{width}x{height}"),
                g.scale,
                pixels,
                canvas,
                rows,
                baseline,
                baseline.as_secs_f64() / canvas.as_secs_f64()
            );
        }
    }
}
