//! Unit tests of the C ABI: every status, NULL for each pointer, each buffer
//! one byte short, overlap, options out of range. Light enough for Miri.

use super::*;
use core::ptr;
use panicqr_status::*;
use std::vec;
use std::vec::Vec;

const V40_IMAGE: usize = 4071;
const V40_SCRATCH: usize = 3706;

fn options(min: u8, max: u8, ecc: u8, mask: i8) -> panicqr_options {
    panicqr_options {
        min_version: min,
        max_version: max,
        ecc,
        boost_ecc: 0,
        mask,
    }
}

/// Calls `panicqr_encode_binary` with buffers inside guard bytes, checks the
/// guards, and returns the status and the code.
fn encode_binary_guarded(
    data: &[u8],
    options: Option<&panicqr_options>,
    scratch_len: usize,
    image_len: usize,
) -> (panicqr_status, panicqr_code, Vec<u8>) {
    const GUARD: usize = 16;
    let mut scratch = vec![0xa5u8; scratch_len + 2 * GUARD];
    let mut image = vec![0x5au8; image_len + 2 * GUARD];
    let mut code = panicqr_code {
        version: 0xee,
        ..Default::default()
    };
    // SAFETY: every pointer is valid for the length passed with it.
    let status = unsafe {
        panicqr_encode_binary(
            data.as_ptr(),
            data.len(),
            options.map_or(ptr::null(), |o| o as *const _),
            scratch.as_mut_ptr().add(GUARD),
            scratch_len,
            image.as_mut_ptr().add(GUARD),
            image_len,
            &mut code,
        )
    };
    for buffer in [&scratch, &image] {
        let n = buffer.len();
        assert!(buffer[..GUARD]
            .iter()
            .chain(&buffer[n - GUARD..])
            .all(|&b| b == buffer[0]));
    }
    (status, code, image[GUARD..GUARD + image_len].to_vec())
}

#[test]
fn defaults_encode_and_report_the_code() {
    let (status, code, image) = encode_binary_guarded(b"panic", None, V40_SCRATCH, V40_IMAGE);
    assert_eq!(status, PANICQR_OK);
    assert_eq!((code.version, code.width), (1, 21));
    // Boost raises L to H for 5 bytes in version 1.
    assert_eq!(code.ecc, 3);
    // Top-left finder pattern: dark, first row all dark for 7 modules.
    assert_eq!(image[0] & 0xfe, 0xfe);
}

#[test]
fn each_buffer_one_byte_short() {
    let opts = options(1, 1, 0, 0);
    let (status, code, _) = encode_binary_guarded(b"x", Some(&opts), 26, 63);
    assert_eq!(status, PANICQR_OK);
    assert_eq!(code.version, 1);
    let (status, code, image) = encode_binary_guarded(b"x", Some(&opts), 25, 63);
    assert_eq!(status, PANICQR_ERR_BUFFER_TOO_SMALL);
    assert_eq!(code.version, 0xee, "outputs are written only on success");
    assert!(
        image.iter().all(|&b| b == 0x5a),
        "image untouched on failure"
    );
    let (status, _, image) = encode_binary_guarded(b"x", Some(&opts), 26, 62);
    assert_eq!(status, PANICQR_ERR_BUFFER_TOO_SMALL);
    assert!(image.iter().all(|&b| b == 0x5a));
}

#[test]
fn options_out_of_range() {
    for bad in [
        options(0, 40, 0, -1),
        options(1, 41, 0, -1),
        options(5, 4, 0, -1),
        options(1, 40, 4, -1),
        options(1, 40, 0, 8),
        options(1, 40, 0, -2),
    ] {
        let (status, code, _) = encode_binary_guarded(b"x", Some(&bad), V40_SCRATCH, V40_IMAGE);
        assert_eq!(status, PANICQR_ERR_INVALID_ARGUMENT, "{bad:?}");
        assert_eq!(code.version, 0xee);
    }
}

#[test]
fn data_too_long() {
    let data = vec![0u8; 2954];
    let (status, _, _) = encode_binary_guarded(&data, None, V40_SCRATCH, V40_IMAGE);
    assert_eq!(status, PANICQR_ERR_DATA_TOO_LONG);
    // Under Miri, one mask rather than eight: the unsafe code is the same,
    // and scoring eight version 40 masks takes half a minute there.
    let mask = if cfg!(miri) { 0 } else { -1 };
    let (status, code, _) = encode_binary_guarded(
        &data[..2953],
        Some(&options(1, 40, 0, mask)),
        V40_SCRATCH,
        V40_IMAGE,
    );
    assert_eq!(status, PANICQR_OK);
    assert_eq!(code.version, 40);
}

#[test]
fn null_for_each_pointer() {
    let mut scratch = vec![0u8; V40_SCRATCH];
    let mut image = vec![0u8; V40_IMAGE];
    let mut code = panicqr_code::default();
    let data = b"abc";
    // SAFETY: every non-NULL pointer is valid for its length.
    unsafe {
        let s = scratch.as_mut_ptr();
        let i = image.as_mut_ptr();
        let call = |d: *const u8, n: usize, s: *mut u8, i: *mut u8, c: *mut panicqr_code| {
            panicqr_encode_binary(d, n, ptr::null(), s, V40_SCRATCH, i, V40_IMAGE, c)
        };
        assert_eq!(
            call(ptr::null(), 3, s, i, &mut code),
            PANICQR_ERR_NULL_POINTER
        );
        assert_eq!(
            call(data.as_ptr(), 3, ptr::null_mut(), i, &mut code),
            PANICQR_ERR_NULL_POINTER
        );
        assert_eq!(
            call(data.as_ptr(), 3, s, ptr::null_mut(), &mut code),
            PANICQR_ERR_NULL_POINTER
        );
        assert_eq!(
            call(data.as_ptr(), 3, s, i, ptr::null_mut()),
            PANICQR_ERR_NULL_POINTER
        );
        // NULL with length 0 is the empty input.
        assert_eq!(call(ptr::null(), 0, s, i, &mut code), PANICQR_OK);
        assert_eq!(code.version, 1);
    }
}

#[test]
fn boost_ecc_is_a_byte_any_nonzero_is_true() {
    // The field keeps the offset and size of the `bool` it replaced.
    assert_eq!(core::mem::size_of::<panicqr_options>(), 5);
    for (flag, ecc) in [(0u8, 0u8), (1, 3), (2, 3), (0x80, 3), (0xff, 3)] {
        let opts = panicqr_options {
            boost_ecc: flag,
            ..options(1, 40, 0, -1)
        };
        let (status, code, _) =
            encode_binary_guarded(b"panic", Some(&opts), V40_SCRATCH, V40_IMAGE);
        // 5 bytes in version 1: boosting raises L to H.
        assert_eq!(
            (status, code.ecc),
            (PANICQR_OK, ecc),
            "boost_ecc = {flag:#x}"
        );
    }
}

#[test]
fn overlapping_buffers_are_refused() {
    let mut both = vec![0u8; V40_SCRATCH + V40_IMAGE];
    let mut code = panicqr_code::default();
    // SAFETY: both ranges lie within `both`; the call must refuse them.
    let status = unsafe {
        let base = both.as_mut_ptr();
        panicqr_encode_binary(
            base,
            10,
            ptr::null(),
            base.add(5),
            V40_SCRATCH,
            base.add(V40_SCRATCH),
            V40_IMAGE,
            &mut code,
        )
    };
    assert_eq!(status, PANICQR_ERR_INVALID_ARGUMENT);
}

#[test]
fn status_strings() {
    for status in 0..=6u32 {
        let text = panicqr_status_str(status);
        // SAFETY: every returned pointer is a static NUL-terminated string.
        let text = unsafe { core::ffi::CStr::from_ptr(text) };
        assert!(!text.to_bytes().is_empty());
    }
}

#[test]
fn status_texts_never_change() {
    let expected: [(u32, &str); 8] = [
        (0, "success"),
        (1, "a required pointer is NULL"),
        (2, "a buffer is too small"),
        (3, "the data does not fit the largest allowed version"),
        (4, "an argument is out of range"),
        (5, "the screen is too small for a QR code"),
        (6, "unknown status"),
        (u32::MAX, "unknown status"),
    ];
    for (number, text) in expected {
        // SAFETY: every returned pointer is a static NUL-terminated string.
        let got = unsafe { core::ffi::CStr::from_ptr(panicqr_status_str(number)) };
        assert_eq!(got.to_str(), Ok(text), "status {number}");
    }
    for status in [
        PANICQR_OK,
        PANICQR_ERR_NULL_POINTER,
        PANICQR_ERR_BUFFER_TOO_SMALL,
        PANICQR_ERR_DATA_TOO_LONG,
        PANICQR_ERR_INVALID_ARGUMENT,
        PANICQR_ERR_SCREEN_TOO_SMALL,
    ] {
        assert_eq!(panicqr_status::from_number(status as u32), Some(status));
    }
}

#[test]
fn lengths_and_capacities() {
    assert_eq!(panicqr_image_len(40), 4071);
    assert_eq!(panicqr_scratch_len(40), 3706);
    assert_eq!(panicqr_image_len(0), 0);
    assert_eq!(panicqr_scratch_len(41), 0);
    assert_eq!(panicqr_panic_url_capacity(40, 0, 48), 2868);
    assert_eq!(drm_panic_qr_max_data_size(40, 48), 2830);
    assert_eq!(drm_panic_qr_max_data_size(40, 0), 2953);
    assert_eq!(drm_panic_qr_max_data_size(0, 0), 0);
    assert_eq!(drm_panic_qr_max_data_size(1, 14), 0);
    assert_eq!(panicqr_panic_url_capacity(41, 0, 0), 0);
    assert_eq!(panicqr_panic_url_capacity(1, 4, 0), 0);
}

#[test]
fn drm_generate_light_is_set_and_clears_the_rest() {
    let mut data = vec![0xffu8; 4100];
    data[..5].copy_from_slice(b"hello");
    let mut tmp = vec![0u8; 3706];
    // SAFETY: `data` and `tmp` are valid for the sizes passed.
    let width = unsafe {
        drm_panic_qr_generate(
            ptr::null(),
            data.as_mut_ptr(),
            5,
            data.len(),
            tmp.as_mut_ptr(),
            tmp.len(),
        )
    };
    assert_eq!(width, 21);
    // Light is set: the finder's top row is dark, so bits 7..1 of byte 0 clear;
    // module 7 is the light separator.
    assert_eq!(data[0] & 0xfe, 0x01 & 0xfe);
    assert_eq!(data[0] & 0x01, 0x01);
    assert!(data[21 * 3..].iter().all(|&b| b == 0));
}

#[test]
fn drm_generate_refuses_like_linux() {
    let mut data = vec![7u8; 4071];
    let mut tmp = vec![9u8; 3706];
    // SAFETY: the buffers are valid for the sizes passed, or larger.
    unsafe {
        let d = data.as_mut_ptr();
        let t = tmp.as_mut_ptr();
        assert_eq!(drm_panic_qr_generate(ptr::null(), d, 5, 4070, t, 3706), 0);
        assert_eq!(drm_panic_qr_generate(ptr::null(), d, 5, 4071, t, 3705), 0);
        assert_eq!(
            drm_panic_qr_generate(ptr::null(), d, 4072, 4071, t, 3706),
            0
        );
        assert_eq!(
            drm_panic_qr_generate(ptr::null(), d, 2954, 4071, t, 3706),
            0
        );
    }
    assert!(data.iter().all(|&b| b == 7) && tmp.iter().all(|&b| b == 9));
}

#[test]
fn drm_generate_refuses_a_url_that_overlaps_its_buffers() {
    // One allocation holds `tmp` at offset 8 and URLs around it.
    let tmp_end = 8 + V40_SCRATCH;
    let mut buf = vec![9u8; tmp_end + 16];
    buf[3..9].copy_from_slice(b"https\0"); // Its NUL is tmp[0].
    buf[tmp_end - 3..tmp_end + 3].copy_from_slice(b"https\0"); // It starts in tmp.
    buf[tmp_end + 8..tmp_end + 14].copy_from_slice(b"https\0"); // It follows tmp.
    let mut data = vec![7u8; V40_IMAGE];
    data[..5].copy_from_slice(b"hello");
    let generate = |buf: &mut [u8], data: &mut [u8], url: usize| {
        // SAFETY: `tmp` and the URL lie within `buf`, the URL NUL-terminated
        // there; `data` is valid for its size.
        unsafe {
            let base = buf.as_mut_ptr();
            drm_panic_qr_generate(
                base.add(url).cast(),
                data.as_mut_ptr(),
                5,
                V40_IMAGE,
                base.add(8),
                V40_SCRATCH,
            )
        }
    };
    let (buf_before, data_before) = (buf.clone(), data.clone());
    assert_eq!(generate(&mut buf, &mut data, 3), 0, "its NUL in tmp");
    assert_eq!(
        generate(&mut buf, &mut data, tmp_end - 3),
        0,
        "starts in tmp"
    );
    assert!(buf == buf_before && data == data_before, "nothing written");
    assert_eq!(generate(&mut buf, &mut data, tmp_end + 8), 21, "after tmp");

    // A URL inside `data`, past the input bytes.
    let mut data = data_before;
    data[100..106].copy_from_slice(b"https\0");
    let mut tmp = vec![9u8; V40_SCRATCH];
    let before = data.clone();
    // SAFETY: the URL is NUL-terminated within `data`, which is valid for
    // its size, as `tmp` is for its own.
    let width = unsafe {
        let d = data.as_mut_ptr();
        drm_panic_qr_generate(
            d.add(100).cast(),
            d,
            5,
            V40_IMAGE,
            tmp.as_mut_ptr(),
            V40_SCRATCH,
        )
    };
    assert_eq!(width, 0, "URL in data");
    assert!(data == before && tmp.iter().all(|&b| b == 9));
}

#[test]
fn drm_generate_with_url_packs_digits() {
    let url = b"https://panic.example/r?a=x86_64&v=6.12&z=\0";
    let mut data = vec![0u8; 4071];
    data[..7].copy_from_slice(&[1, 0, 0, 0, 0, 0, 0]);
    let mut tmp = vec![0u8; 3706];
    // SAFETY: `url` is NUL-terminated; the buffers are valid for their sizes.
    let width = unsafe {
        drm_panic_qr_generate(
            url.as_ptr().cast(),
            data.as_mut_ptr(),
            7,
            4071,
            tmp.as_mut_ptr(),
            3706,
        )
    };
    // 42 URL bytes (20 + 336 bits) and 17 digits (4 + 10 + 57 bits): 417
    // bits, more than version 2 holds (272), within version 3 (440).
    assert_eq!(width, 29);
}

#[test]
fn layout_and_paint_through_the_abi() {
    let screen = Screen {
        width: 320,
        height: 240,
        font_width: 8,
        font_height: 16,
        text_lines: 2,
        text_columns: 20,
    };
    let mut max_version = 0u8;
    let mut geometry = Geometry::default();
    // SAFETY: all pointers are valid.
    let status =
        unsafe { panicqr_layout_plan(&screen, ptr::null(), &mut max_version, &mut geometry) };
    assert_eq!(status, PANICQR_OK);
    assert!(max_version >= 1 && geometry.scale >= 2);

    let (status, code, image) = encode_binary_guarded(b"row", None, V40_SCRATCH, V40_IMAGE);
    assert_eq!(status, PANICQR_OK);
    // SAFETY: all pointers are valid.
    let status =
        unsafe { panicqr_layout_place(&screen, ptr::null(), u32::from(code.width), &mut geometry) };
    assert_eq!(status, PANICQR_OK);
    let xrgb8888 = u32::from_le_bytes(*b"XR24");
    assert_eq!(panicqr_bytes_per_pixel(xrgb8888), 4);
    let mut out = vec![0u8; 4 * geometry.canvas.width as usize + 3];
    let mut pixels = 0usize;
    // SAFETY: all pointers are valid for the lengths passed.
    let status = unsafe {
        panicqr_paint_row(
            image.as_ptr(),
            image.len(),
            &code,
            &geometry,
            xrgb8888,
            0x00ff_ffff,
            0,
            geometry.canvas.height / 2,
            0,
            out.as_mut_ptr(),
            out.len(),
            &mut pixels,
        )
    };
    assert_eq!(status, PANICQR_OK);
    assert_eq!(pixels, geometry.canvas.width as usize);
    assert_eq!(&out[out.len() - 3..], &[0, 0, 0], "partial pixel untouched");
    // The quiet zone is light (white).
    assert_eq!(&out[..4], &[0xff, 0xff, 0xff, 0x00]);

    let tiny = Screen {
        width: 20,
        height: 20,
        ..screen
    };
    // SAFETY: all pointers are valid.
    let status =
        unsafe { panicqr_layout_plan(&tiny, ptr::null(), &mut max_version, &mut geometry) };
    assert_eq!(status, PANICQR_ERR_SCREEN_TOO_SMALL);
}

#[test]
fn paint_row_refuses_a_canvas_that_does_not_match() {
    let screen = Screen {
        width: 320,
        height: 240,
        ..Default::default()
    };
    let (status, code, image) = encode_binary_guarded(b"row", None, V40_SCRATCH, V40_IMAGE);
    assert_eq!(status, PANICQR_OK);
    let mut good = Geometry::default();
    // SAFETY: all pointers are valid.
    let status =
        unsafe { panicqr_layout_place(&screen, ptr::null(), u32::from(code.width), &mut good) };
    assert_eq!(status, PANICQR_OK);
    let side = (good.width_modules + 2 * good.quiet_zone) * good.scale;
    assert_eq!((good.canvas.width, good.canvas.height), (side, side));
    let paint = |geometry: &Geometry| {
        let mut out = vec![0x5au8; 4 * side as usize + 8];
        let mut pixels = 0xeeusize;
        // SAFETY: all pointers are valid for the lengths passed.
        let status = unsafe {
            panicqr_paint_row(
                image.as_ptr(),
                image.len(),
                &code,
                geometry,
                u32::from_le_bytes(*b"XR24"),
                0x00ff_ffff,
                0,
                0,
                0,
                out.as_mut_ptr(),
                out.len(),
                &mut pixels,
            )
        };
        (status, pixels, out.iter().all(|&b| b == 0x5a))
    };
    assert_eq!(paint(&good), (PANICQR_OK, side as usize, false));
    let mut bad = good;
    for (width, height) in [(side + 1, side), (side - 1, side), (side, side + 1), (0, 0)] {
        bad.canvas.width = width;
        bad.canvas.height = height;
        assert_eq!(
            paint(&bad),
            (PANICQR_ERR_INVALID_ARGUMENT, 0xee, true),
            "canvas {width}x{height}, side {side}"
        );
    }
    // A canvas placed elsewhere on the screen is still the same square.
    bad = good;
    bad.canvas.x += 7;
    bad.canvas.y += 3;
    assert_eq!(paint(&bad), (PANICQR_OK, side as usize, false));
}

#[test]
fn photo_limit_through_the_abi() {
    let screen = Screen {
        width: 1920,
        height: 1080,
        font_width: 8,
        font_height: 16,
        text_lines: 2,
        text_columns: 20,
    };
    let plan = |policy: Option<&panicqr_policy>| {
        let mut max_version = 0u8;
        let mut geometry = Geometry::default();
        let policy = policy.map_or(ptr::null(), |p| p as *const _);
        // SAFETY: all pointers are valid.
        let status =
            unsafe { panicqr_layout_plan(&screen, policy, &mut max_version, &mut geometry) };
        assert_eq!(status, PANICQR_OK);
        (max_version, geometry.scale)
    };
    // The default: modules of at least 1920 / 256 pixels, so 8, and version
    // 27 (125 modules and 8 of quiet zone) in 1080 pixels.
    assert_eq!(plan(None), (27, 8));
    // The same policy spelled out, then without the limit (a zeroed field,
    // as a caller written before it existed would pass).
    let mut policy = panicqr_policy {
        min_scale: 2,
        quiet_zone: 4,
        max_version: 40,
        ecc: 0,
        max_modules_across: 256,
    };
    assert_eq!(plan(Some(&policy)), (27, 8));
    policy.max_modules_across = 0;
    assert_eq!(plan(Some(&policy)), (40, 5));
}

/// Encodes `kmsg` behind a short URL in at most version 5, with the
/// request's `dictionary` byte, and returns the status and report.
fn kmsg_with_dictionary_byte(kmsg: &[u8], dictionary: u8) -> (panicqr_status, panicqr_kmsg_report) {
    let url = b"https://p.example/r";
    let request = panicqr_kmsg_request {
        base_url: url.as_ptr(),
        base_url_len: url.len(),
        arch: b"x86_64".as_ptr(),
        arch_len: 6,
        release: b"6.12.0".as_ptr(),
        release_len: 6,
        dictionary,
        effort: 0,
    };
    let opts = options(1, 5, 0, 0);
    let (status, _, report) = encode_kmsg_guarded(kmsg, &request, &opts);
    (status, report)
}

/// Calls `panicqr_encode_kmsg` with `request` and `options` (either may be
/// NULL) and buffers for version 40, and returns the status, code and
/// report.
fn encode_kmsg_guarded(
    kmsg: &[u8],
    request: *const panicqr_kmsg_request,
    options: *const panicqr_options,
) -> (panicqr_status, panicqr_code, panicqr_kmsg_report) {
    let mut workspace = vec![0u8; panicqr_kmsg_workspace_len()];
    let mut scratch = vec![0u8; V40_SCRATCH];
    let mut image = vec![0u8; V40_IMAGE];
    let mut code = panicqr_code::default();
    let mut report = panicqr_kmsg_report::default();
    // SAFETY: `kmsg` and the buffers are valid for the lengths passed;
    // `request` and `options` are NULL or point to live values (callers).
    let status = unsafe {
        panicqr_encode_kmsg(
            kmsg.as_ptr(),
            kmsg.len(),
            request,
            options,
            workspace.as_mut_ptr(),
            workspace.len(),
            scratch.as_mut_ptr(),
            scratch.len(),
            image.as_mut_ptr(),
            image.len(),
            &mut code,
            &mut report,
        )
    };
    (status, code, report)
}

#[test]
// Ten trial compressions with the dictionary, minutes under Miri (see
// `kmsg_through_the_abi`); the request is read as in that test.
#[cfg_attr(miri, ignore)]
fn kmsg_dictionary_is_a_byte_any_nonzero_is_true() {
    assert_eq!(
        core::mem::size_of::<panicqr_kmsg_request>(),
        7 * core::mem::size_of::<usize>()
    );
    let kmsg = b"[    1.000000] Oops: 0000 [#1] PREEMPT SMP NOPTI\n\
[    1.000001] CPU: 0 PID: 1 Comm: swapper/0 Not tainted 6.12.0 #1\n\
[    1.000002] RIP: 0010:panic+0x10/0x20\n\
[    1.000003] Call Trace:\n\
[    1.000004]  <TASK>\n\
[    1.000005] Kernel panic - not syncing: Fatal exception\n";
    let (status, plain) = kmsg_with_dictionary_byte(kmsg, 0);
    assert_eq!((status, plain.dictionary), (PANICQR_OK, false));
    for flag in [1u8, 2, 0x80, 0xff] {
        let (status, report) = kmsg_with_dictionary_byte(kmsg, flag);
        assert_eq!(status, PANICQR_OK);
        // The dictionary carries more of this log, so it is used.
        assert!(report.dictionary, "dictionary = {flag:#x}");
        assert!(
            report.tail_start < plain.tail_start,
            "{} {}",
            report.tail_start,
            plain.tail_start
        );
    }
}

#[test]
fn kmsg_through_the_abi() {
    let kmsg = b"[    1.000000] Oops: 0000 [#1] SMP\n[    1.000001] Kernel panic - not syncing: Fatal exception\n";
    let url = b"https://panic.example/r";
    let request = panicqr_kmsg_request {
        base_url: url.as_ptr(),
        base_url_len: url.len(),
        arch: b"x86_64".as_ptr(),
        arch_len: 6,
        release: b"6.12.0".as_ptr(),
        release_len: 6,
        // Under Miri, no dictionary: its 4 KB preload, hashed for each
        // trial compression, takes two minutes there and is safe code.
        dictionary: u8::from(!cfg!(miri)),
        effort: 0,
    };
    let (status, code, report) = encode_kmsg_guarded(kmsg, &request, ptr::null());
    assert_eq!(status, PANICQR_OK);
    assert_eq!(report.tail_start, 0);
    assert_eq!(report.tail_len, kmsg.len());
    assert!(code.version >= 1);
    let (status, _, _) = encode_kmsg_guarded(kmsg, ptr::null(), ptr::null());
    assert_eq!(status, PANICQR_ERR_NULL_POINTER);
}

#[test]
// Trial compressions of a 14 KB log: slow under Miri, and safe code past
// the request's bytes.
#[cfg_attr(miri, ignore)]
fn kmsg_effort_is_0_or_1() {
    // Lines of a boot, varied enough that the optimal parse gains.
    let mut kmsg = Vec::new();
    let mut x = 0x2545_f491_4f6c_dd1du64;
    for i in 0..200 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        kmsg.extend_from_slice(
            std::format!(
                "[ {}.{:06}] pci 0000:{:02x}:{:02x}.{} reg 0x{:x}: [mem 0x{:08x}-0x{:08x}]\n",
                i / 50,
                x % 1_000_000,
                x >> 56,
                (x >> 48) & 0x1f,
                (x >> 44) & 7,
                0x10 + 4 * ((x >> 40) & 7),
                x >> 32,
                (x >> 32) + 0xfff,
            )
            .as_bytes(),
        );
    }
    let opts = options(1, 10, 0, 0);
    let request = |effort| panicqr_kmsg_request {
        base_url: b"https://p.example/r".as_ptr(),
        base_url_len: 19,
        arch: ptr::null(),
        arch_len: 0,
        release: ptr::null(),
        release_len: 0,
        dictionary: 0,
        effort,
    };
    let (status, _, best) = encode_kmsg_guarded(&kmsg, &request(0), &opts);
    assert_eq!(status, PANICQR_OK);
    let (status, _, fast) = encode_kmsg_guarded(&kmsg, &request(1), &opts);
    assert_eq!(status, PANICQR_OK);
    // Both tails start on a line; the fast effort carries less, or codes
    // the same tail in more bytes.
    assert!(best.tail_start > 0 && !best.truncated && !fast.truncated);
    assert_eq!(kmsg[fast.tail_start - 1], b'\n');
    assert!(
        fast.tail_start > best.tail_start
            || (fast.tail_start == best.tail_start && fast.payload_len > best.payload_len),
        "{fast:?} {best:?}"
    );
    for effort in [2u8, 0x80, 0xff] {
        let (status, code, report) = encode_kmsg_guarded(&kmsg, &request(effort), &opts);
        assert_eq!(status, PANICQR_ERR_INVALID_ARGUMENT, "effort = {effort:#x}");
        // Nothing written.
        assert_eq!(code.width, 0);
        assert_eq!(report.payload_len, 0);
    }
}
