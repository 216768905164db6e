//! `paint_rows`: random screens, message blocks, policies, pixel formats and
//! pitches through [`panicqr::screen::layout`] and [`panicqr::screen::paint`].
//!
//! Properties:
//!
//! - The layout keeps its invariants: every rectangle inside the screen, the
//!   code beside the message and not over it, the modules inset by the quiet
//!   zone, the scale at least the policy's minimum, and the planned version
//!   the largest that fits.
//! - [`paint_canvas`] writes every canvas pixel and nothing else: not outside
//!   the canvas, not in the pitch padding, not outside the framebuffer (guard
//!   bands). Each pixel has the colour of its module, read back through an
//!   independent decoding of the pixel format, and the modules sampled from
//!   the framebuffer decode with rqrr to the data; on small screens rqrr also
//!   finds and decodes the code in the whole framebuffer image.
//! - [`paint_row`] at any row, column and buffer length gives the same
//!   pixels as the canvas, the documented error otherwise, and never writes
//!   past the pixels it reports.
//! - Hand-made, inconsistent geometries never make either function panic or
//!   write outside its buffer.

use panicqr::screen::layout::{place, plan, Geometry, LayoutError, Policy, Rect, Screen};
use panicqr::screen::paint::{paint_canvas, paint_row, Palette, PixelFormat};
use panicqr::{encode_binary, Ecc, Error, Options, Polarity, QrCode, Version};

use crate::guard::Guarded;
use crate::{iso, Input};

/// Returns the raw channel values (red, green, blue) and alpha (`None` for
/// formats without one) of a pixel, from its bytes, as the DRM fourcc
/// definitions lay them out.
pub fn channels(format: PixelFormat, bytes: &[u8]) -> ([u32; 3], Option<u32>) {
    let mut word = [0u8; 4];
    word[..bytes.len()].copy_from_slice(bytes);
    let v = u32::from_le_bytes(word);
    let f = |shift: u32, bits: u32| (v >> shift) & ((1 << bits) - 1);
    match format {
        PixelFormat::Rgb565 => ([f(11, 5), f(5, 6), f(0, 5)], None),
        PixelFormat::Rgba5551 => ([f(11, 5), f(6, 5), f(1, 5)], Some(f(0, 1))),
        PixelFormat::Xrgb1555 => ([f(10, 5), f(5, 5), f(0, 5)], None),
        PixelFormat::Argb1555 => ([f(10, 5), f(5, 5), f(0, 5)], Some(f(15, 1))),
        PixelFormat::Rgb888 | PixelFormat::Xrgb8888 => ([f(16, 8), f(8, 8), f(0, 8)], None),
        PixelFormat::Argb8888 => ([f(16, 8), f(8, 8), f(0, 8)], Some(f(24, 8))),
        PixelFormat::Bgr888 | PixelFormat::Xbgr8888 => ([f(0, 8), f(8, 8), f(16, 8)], None),
        PixelFormat::Abgr8888 => ([f(0, 8), f(8, 8), f(16, 8)], Some(f(24, 8))),
        PixelFormat::Xrgb2101010 => ([f(20, 10), f(10, 10), f(0, 10)], None),
        PixelFormat::Argb2101010 => ([f(20, 10), f(10, 10), f(0, 10)], Some(f(30, 2))),
        PixelFormat::Abgr2101010 => ([f(0, 10), f(10, 10), f(20, 10)], Some(f(30, 2))),
    }
}

/// Returns the raw channel values an XRGB8888 colour must become: each
/// 8-bit channel truncated to fewer bits, or widened to 10 by repeating its
/// top bits.
fn expected_channels(format: PixelFormat, color: u32) -> [u32; 3] {
    let bits = match format {
        PixelFormat::Rgb565 => [5, 6, 5],
        PixelFormat::Rgba5551 | PixelFormat::Xrgb1555 | PixelFormat::Argb1555 => [5, 5, 5],
        PixelFormat::Xrgb2101010 | PixelFormat::Argb2101010 | PixelFormat::Abgr2101010 => {
            [10, 10, 10]
        }
        _ => [8, 8, 8],
    };
    let rgb = [color >> 16 & 0xff, color >> 8 & 0xff, color & 0xff];
    let mut out = [0; 3];
    for i in 0..3 {
        out[i] = match bits[i] {
            10 => rgb[i] << 2 | rgb[i] >> 6,
            b => rgb[i] >> (8 - b),
        };
    }
    out
}

/// Panics unless `bytes` is a pixel of `color` in `format`, opaque.
fn check_pixel(format: PixelFormat, bytes: &[u8], color: u32, what: &str) {
    let (rgb, alpha) = channels(format, bytes);
    assert_eq!(
        rgb,
        expected_channels(format, color),
        "{what} pixel in {format:?}"
    );
    if let Some(alpha) = alpha {
        let bits = match format {
            PixelFormat::Argb8888 | PixelFormat::Abgr8888 => 8,
            PixelFormat::Argb2101010 | PixelFormat::Abgr2101010 => 2,
            _ => 1,
        };
        assert_eq!(
            alpha,
            (1 << bits) - 1,
            "{what} pixel not opaque in {format:?}"
        );
    }
}

/// Runs one case.
pub fn check(data: &[u8]) {
    let mut input = Input::new(data);
    let screen = Screen {
        width: u32::from(input.u16() % 1400),
        height: u32::from(input.u16() % 1100),
        font_width: u32::from(input.u8() % 20),
        font_height: u32::from(input.u8() % 40),
        text_lines: u32::from(input.u8() % 64),
        text_columns: u32::from(input.u8()),
    };
    let policy = Policy {
        min_scale: u32::from(input.u8() % 6),
        quiet_zone: u32::from(input.u8() % 10),
        max_version: Version::new(1 + input.u8() % 40).unwrap_or(Version::MAX),
        ecc: Ecc::ALL[usize::from(input.u8() % 4)],
        max_modules_across: input.modules_across(),
    };
    let format = PixelFormat::ALL[usize::from(input.u8()) % PixelFormat::ALL.len()];
    let pitch_extra = usize::from(input.u8());
    let light_colour = input.u32();
    let dark_colour = input.u32();
    let polarity = if input.bool() {
        Polarity::LightIsSet
    } else {
        Polarity::DarkIsSet
    };
    let row_case = (input.u32(), input.u32(), input.below(2000));
    let garbage = input.bool();
    let payload = input.bytes(400).to_vec();

    if garbage {
        check_garbage_geometry(&mut input, format, light_colour, dark_colour);
        return;
    }

    let planned = match plan(&screen, &policy) {
        Ok(planned) => planned,
        Err(LayoutError::DoesNotFit { .. }) => {
            // Not even version 1 fits at the minimum scale.
            assert!(place(&screen, &policy, 21).is_err());
            return;
        }
        Err(error) => panic!("plan: {error:?}"),
    };
    check_geometry(&screen, &policy, &planned.geometry);
    assert!(planned.version <= policy.max_version);
    assert_eq!(
        planned.data_bits,
        iso::data_bits(planned.version.number(), policy.ecc as usize)
    );
    // The plan keeps the photo's scale unless not even version 1 can.
    let photo_min_scale = policy.photo_min_scale(&screen);
    let fell_back = place(
        &screen,
        &Policy {
            min_scale: photo_min_scale,
            ..policy
        },
        21,
    )
    .is_err();
    assert_eq!(planned.geometry.scale < photo_min_scale, fell_back);
    if planned.version < policy.max_version {
        let bigger = u32::from(planned.version.width()) + 4;
        let kept = Policy {
            min_scale: if fell_back {
                policy.min_scale
            } else {
                photo_min_scale
            },
            ..policy
        };
        assert!(
            place(&screen, &kept, bigger).is_err(),
            "a larger version fits too"
        );
    }

    // Encode the payload (or as much of it as fits) at most at that version.
    let options = Options {
        max_version: planned.version,
        ecc: policy.ecc,
        polarity,
        ..Options::default()
    };
    let mut scratch = vec![0u8; iso::scratch_len(40)];
    let mut image = vec![0u8; iso::image_len(40)];
    let mut len = payload.len();
    let code = loop {
        // Re-encoding borrows `image` afresh each time.
        match encode_binary(&payload[..len], &options, &mut scratch, &mut image) {
            Ok(code) => break (code.version(), code.ecc(), code.mask()),
            Err(Error::DataTooLong { .. }) if len > 0 => len /= 2,
            Err(error) => panic!("encode: {error:?}"),
        }
    };
    let data = &payload[..len];
    let code = QrCode::from_image(code.0, code.1, code.2, polarity, &image).expect("image");
    let geometry = place(&screen, &policy, u32::from(code.width())).expect("a smaller code fits");
    check_geometry(&screen, &policy, &geometry);

    let bytes = format.bytes_per_pixel();
    let pitch = screen.width as usize * bytes + pitch_extra;
    let mut framebuffer = Guarded::canaries(pitch * screen.height as usize);
    let palette = Palette::new(format, light_colour, dark_colour);
    paint_canvas(&code, &geometry, &palette, framebuffer.region_mut(), pitch)
        .expect("paint_canvas");
    framebuffer.check("framebuffer");

    // Every byte: canvas pixels have their module's colour, the rest is
    // untouched.
    let canvas = geometry.canvas;
    let (cx, cy, side) = (canvas.x as usize, canvas.y as usize, canvas.width as usize);
    let scale = geometry.scale as usize;
    let quiet = geometry.quiet_zone as usize;
    let fb = framebuffer.region();
    let fresh = Guarded::canaries(fb.len());
    let pristine = fresh.region();
    let dark_at = |x: usize, y: usize| {
        let (mx, my) = (x / scale, y / scale);
        code.is_dark(mx as i32 - quiet as i32, my as i32 - quiet as i32)
    };
    for y in 0..screen.height as usize {
        let row = &fb[y * pitch..(y + 1) * pitch];
        let clean = &pristine[y * pitch..(y + 1) * pitch];
        if y < cy || y >= cy + side {
            assert!(row == clean, "row {y} outside the canvas written");
            continue;
        }
        assert!(
            row[..cx * bytes] == clean[..cx * bytes],
            "left of the canvas written, row {y}"
        );
        let end = (cx + side) * bytes;
        assert!(
            row[end..] == clean[end..],
            "right of the canvas written, row {y}"
        );
        // Check the pixels of the first row of each module row in full, and
        // then that the module row's other rows repeat it.
        if (y - cy) % scale == 0 {
            for x in 0..side {
                let pixel = &row[(cx + x) * bytes..(cx + x + 1) * bytes];
                let (color, what) = if dark_at(x, y - cy) {
                    (dark_colour, "dark")
                } else {
                    (light_colour, "light")
                };
                check_pixel(format, pixel, color, what);
            }
        } else {
            let first = y - (y - cy) % scale;
            let above = &fb[first * pitch + cx * bytes..first * pitch + end];
            assert!(
                &row[cx * bytes..end] == above,
                "row {y} differs from its module row"
            );
        }
    }

    // Sample the module centres back into a grid and decode it.
    let distinct =
        expected_channels(format, light_colour) != expected_channels(format, dark_colour);
    if distinct {
        let light = palette.light().to_vec();
        let width = usize::from(code.width());
        let grid = rqrr::SimpleGrid::from_func(width, |mx, my| {
            let x = cx + (quiet + mx) * scale + scale / 2;
            let y = cy + (quiet + my) * scale + scale / 2;
            fb[y * pitch + x * bytes..y * pitch + (x + 1) * bytes] != light[..]
        });
        let mut decoded = Vec::new();
        rqrr::Grid::new(grid)
            .decode_to(&mut decoded)
            .expect("sampled modules decode");
        assert!(decoded == data, "sampled modules decode to other data");
        if (screen.width as usize) * (screen.height as usize) <= 250_000 && scale >= 2 {
            scan_framebuffer(&screen, fb, pitch, bytes, &light, &geometry, data);
        }
    }

    // One row span through `paint_row`, against the canvas.
    check_row_span(&code, &geometry, &palette, fb, pitch, row_case);
}

/// Finds and decodes the code in the whole screen: light pixels (and
/// everything off the canvas, like the text) white, dark ones black.
fn scan_framebuffer(
    screen: &Screen,
    fb: &[u8],
    pitch: usize,
    bytes: usize,
    light: &[u8],
    geometry: &Geometry,
    data: &[u8],
) {
    let (w, h) = (screen.width as usize, screen.height as usize);
    let canvas = geometry.canvas;
    let inside = |x: usize, y: usize| {
        x >= canvas.x as usize
            && y >= canvas.y as usize
            && x < (canvas.x + canvas.width) as usize
            && y < (canvas.y + canvas.height) as usize
    };
    let mut prepared = rqrr::PreparedImage::prepare_from_bitmap(w, h, |x, y| {
        inside(x, y) && fb[y * pitch + x * bytes..y * pitch + (x + 1) * bytes] != *light
    });
    let grids = prepared.detect_grids();
    let found = grids.iter().any(|grid| {
        let mut decoded = Vec::new();
        grid.decode_to(&mut decoded).is_ok() && decoded == data
    });
    // rqrr needs a quiet zone to find the finder patterns.
    if geometry.quiet_zone >= 2 {
        assert!(
            found,
            "rqrr finds no code in the {w}x{h} framebuffer ({} grids)",
            grids.len()
        );
    }
}

/// Checks `paint_row` at one row, column and buffer length against the
/// canvas already painted into `fb`.
fn check_row_span(
    code: &QrCode<'_>,
    geometry: &Geometry,
    palette: &Palette,
    fb: &[u8],
    pitch: usize,
    (y, x, out_len): (u32, u32, usize),
) {
    let side = geometry.canvas.width;
    let bytes = palette.format().bytes_per_pixel();
    // Mostly inside the canvas, sometimes past it.
    let y = if y & 0x8000_0000 != 0 {
        y
    } else {
        y % (side + 2)
    };
    let x = if x & 0x8000_0000 != 0 {
        x
    } else {
        x % (side + 2)
    };
    let mut out = Guarded::canaries(out_len);
    let result = paint_row(code, geometry, palette, y, x, out.region_mut());
    out.check("paint_row out");
    if y >= side || x > side {
        assert_eq!(
            result,
            Err(Error::InvalidArgument),
            "row {y} column {x} of {side}"
        );
        assert!(out.untouched(0));
        return;
    }
    if x == side {
        assert_eq!(result, Ok(0));
        assert!(out.untouched(0));
        return;
    }
    if out_len < bytes {
        assert_eq!(result, Err(Error::BufferTooSmall { needed: bytes }));
        assert!(out.untouched(0));
        return;
    }
    let span = ((side - x) as usize).min(out_len / bytes);
    assert_eq!(result, Ok(span), "span at row {y} column {x}");
    let canvas = geometry.canvas;
    let start = (canvas.y + y) as usize * pitch + (canvas.x + x) as usize * bytes;
    assert!(
        out.region()[..span * bytes] == fb[start..start + span * bytes],
        "paint_row differs from paint_canvas"
    );
    assert!(out.untouched(span * bytes), "paint_row wrote past its span");
}

/// Checks the invariants [`Geometry`] documents for a layout of `screen`.
fn check_geometry(screen: &Screen, policy: &Policy, g: &Geometry) {
    let inside = |r: &Rect| {
        u64::from(r.x) + u64::from(r.width) <= u64::from(screen.width)
            && u64::from(r.y) + u64::from(r.height) <= u64::from(screen.height)
    };
    assert!(
        inside(&g.canvas),
        "canvas {:?} off the screen {screen:?}",
        g.canvas
    );
    assert!(inside(&g.modules), "modules off the screen");
    assert!(
        inside(&g.text),
        "text {:?} off the screen {screen:?}",
        g.text
    );
    let overlap = |a: &Rect, b: &Rect| {
        a.width > 0
            && b.width > 0
            && a.height > 0
            && b.height > 0
            && u64::from(a.x) < u64::from(b.x) + u64::from(b.width)
            && u64::from(b.x) < u64::from(a.x) + u64::from(a.width)
            && u64::from(a.y) < u64::from(b.y) + u64::from(b.height)
            && u64::from(b.y) < u64::from(a.y) + u64::from(a.height)
    };
    assert!(
        !overlap(&g.canvas, &g.text),
        "canvas {:?} over text {:?}",
        g.canvas,
        g.text
    );
    assert!(
        g.scale >= policy.min_scale.max(1),
        "scale {} below the minimum",
        g.scale
    );
    assert_eq!(g.quiet_zone, policy.quiet_zone);
    let side = u64::from(g.width_modules + 2 * g.quiet_zone) * u64::from(g.scale);
    assert_eq!(
        (u64::from(g.canvas.width), u64::from(g.canvas.height)),
        (side, side)
    );
    let margin = g.quiet_zone * g.scale;
    assert_eq!(g.modules.x, g.canvas.x + margin);
    assert_eq!(g.modules.y, g.canvas.y + margin);
    assert_eq!(g.modules.width, g.width_modules * g.scale);
    assert_eq!(g.modules.height, g.width_modules * g.scale);
    // The message block: the whole text, clipped to the screen.
    let text_w = screen
        .text_columns
        .saturating_mul(screen.font_width)
        .min(screen.width);
    let text_h = screen
        .text_lines
        .saturating_mul(screen.font_height)
        .min(screen.height);
    if text_w > 0 && text_h > 0 {
        assert_eq!(
            (g.text.width, g.text.height),
            (text_w, text_h),
            "text block size"
        );
    }
}

/// Paints with a hand-made geometry that need not match anything: no panic,
/// no write outside the buffers, nothing written on error.
fn check_garbage_geometry(input: &mut Input<'_>, format: PixelFormat, fg: u32, bg: u32) {
    let v = Version::new(1 + input.u8() % 40).unwrap_or(Version::MIN);
    let image = vec![0x5au8; iso::image_len(v.number())];
    let code = QrCode::from_image(
        v,
        Ecc::Low,
        panicqr::Mask::new(0).unwrap(),
        Polarity::DarkIsSet,
        &image,
    )
    .expect("image");
    let small = |input: &mut Input<'_>| {
        let raw = input.u32();
        if raw & 1 != 0 {
            raw
        } else {
            raw % 600
        }
    };
    let rect = |input: &mut Input<'_>| Rect {
        x: small(input),
        y: small(input),
        width: small(input),
        height: small(input),
    };
    let mut geometry = Geometry {
        canvas: rect(input),
        modules: rect(input),
        text: rect(input),
        scale: small(input) % 8,
        quiet_zone: small(input) % 8,
        width_modules: if input.bool() {
            u32::from(v.width())
        } else {
            small(input)
        },
    };
    if input.bool() {
        // Make the canvas consistent, so painting gets further.
        let side = (geometry.width_modules.min(200) + 2 * geometry.quiet_zone) * geometry.scale;
        geometry.canvas.width = side;
        geometry.canvas.height = side;
    }
    let palette = Palette::new(format, fg, bg);
    let pitch = input.below(3000);
    let mut framebuffer = Guarded::canaries(input.below(300_000));
    let result = paint_canvas(&code, &geometry, &palette, framebuffer.region_mut(), pitch);
    framebuffer.check("garbage framebuffer");
    if result.is_err() {
        assert!(
            framebuffer.untouched(0),
            "paint_canvas wrote and then failed: {result:?}"
        );
    }
    let mut out = Guarded::canaries(input.below(5000));
    let (y, x) = (small(input), small(input));
    let result = paint_row(&code, &geometry, &palette, y, x, out.region_mut());
    out.check("garbage paint_row");
    match result {
        Ok(n) => assert!(out.untouched(n * format.bytes_per_pixel())),
        Err(_) => assert!(out.untouched(0)),
    }
}
