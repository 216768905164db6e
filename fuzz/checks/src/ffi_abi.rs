//! `ffi_abi`: random pointers (NULL or valid), lengths and options through
//! the C ABI of `panicqr-ffi`.
//!
//! Inputs live in allocations of exactly their size, so AddressSanitizer
//! (on under `cargo fuzz`) reports any read past them; outputs live inside
//! guard bands ([`Guarded`]) whose canaries must survive, and output structs
//! sit at odd addresses, so an aligned write would be caught by Miri and
//! UBSan. Properties:
//!
//! - A NULL required pointer gives `PANICQR_ERR_NULL_POINTER`, an argument
//!   out of range or an output that overlaps another buffer
//!   `PANICQR_ERR_INVALID_ARGUMENT` (either one when both apply).
//! - With valid pointers, the status, the outputs and the buffers equal those
//!   of the safe Rust API on copies of the same inputs.
//! - On failure, the output structs are untouched.

use core::ffi::CStr;
use core::mem::size_of;
use core::ptr;

use panicqr::payload::deflate::Effort;
use panicqr::payload::{self, KmsgRequest};
use panicqr::screen::layout::{self, Geometry, Policy, Rect, Screen};
use panicqr::screen::paint::{self, Palette, PixelFormat};
use panicqr::{
    encode_binary, encode_codewords, encode_panic_url, encode_text, Ecc, Error, Mask, Options,
    Polarity, QrCode, Segment, Version,
};
use panicqr_ffi::panicqr_status::{self, *};
use panicqr_ffi::*;

use crate::guard::Guarded;
use crate::iso::{self, Mode};
use crate::Input;

/// An input buffer in an allocation of exactly its size, or NULL.
struct In {
    bytes: Option<Box<[u8]>>,
    len: usize,
}

impl In {
    /// Reads: NULL (with length 0 or not) one time in eight, else bytes.
    fn read(input: &mut Input<'_>, max: usize) -> In {
        let how = input.u8();
        if how.is_multiple_of(8) {
            let len = if how & 0x80 != 0 {
                1 + usize::from(how & 0x0f)
            } else {
                0
            };
            return In { bytes: None, len };
        }
        let data: Box<[u8]> = input.bytes(max).into();
        In {
            len: data.len(),
            bytes: Some(data),
        }
    }

    fn ptr(&self) -> *const u8 {
        match &self.bytes {
            // An empty box has a dangling, non-NULL pointer: valid for 0 bytes.
            Some(b) => b.as_ptr(),
            None => ptr::null(),
        }
    }

    /// A NULL pointer with a length: the call must refuse it.
    fn bad_null(&self) -> bool {
        self.bytes.is_none() && self.len > 0
    }

    /// The bytes a Rust caller would pass.
    fn slice(&self) -> &[u8] {
        self.bytes.as_deref().unwrap_or(&[])
    }
}

/// An output buffer in guard bands, or NULL.
struct Out {
    buf: Option<Guarded>,
}

impl Out {
    /// Reads: NULL one time in sixteen, else a region of `full` bytes, or
    /// one time in four a random shorter or longer one.
    fn read(input: &mut Input<'_>, full: usize) -> Out {
        let how = input.u8();
        if how.is_multiple_of(16) {
            return Out { buf: None };
        }
        let len = if how % 4 == 1 {
            input.below(full + 64)
        } else {
            full
        };
        Out {
            buf: Some(Guarded::canaries(len)),
        }
    }

    fn ptr(&mut self) -> *mut u8 {
        self.buf.as_mut().map_or(ptr::null_mut(), Guarded::ptr)
    }

    fn len(&self) -> usize {
        self.buf.as_ref().map_or(0, Guarded::len)
    }

    fn is_null(&self) -> bool {
        self.buf.is_none()
    }

    fn check(&self, what: &str) {
        if let Some(buf) = &self.buf {
            buf.check(what);
        }
    }

    fn region(&self) -> &[u8] {
        self.buf.as_ref().map_or(&[], Guarded::region)
    }

    fn untouched(&self) -> bool {
        self.buf.as_ref().is_none_or(|b| b.untouched(0))
    }
}

/// A struct output at an odd address inside guard bands, or NULL.
struct OutStruct<T> {
    buf: Option<Guarded>,
    _marker: core::marker::PhantomData<T>,
}

impl<T: Copy> OutStruct<T> {
    fn read(input: &mut Input<'_>) -> OutStruct<T> {
        let null = input.u8().is_multiple_of(16);
        OutStruct {
            // One spare byte: the struct starts at offset 1, unaligned.
            buf: (!null).then(|| Guarded::canaries(size_of::<T>() + 1)),
            _marker: core::marker::PhantomData,
        }
    }

    fn ptr(&mut self) -> *mut T {
        self.buf
            .as_mut()
            .map_or(ptr::null_mut(), |b| b.ptr_at(1).cast())
    }

    fn is_null(&self) -> bool {
        self.buf.is_none()
    }

    /// Checks the guards and that byte 0 is untouched; returns the value if
    /// any byte of it was written.
    fn written(&self, what: &str) -> Option<T> {
        let buf = self.buf.as_ref()?;
        buf.check(what);
        assert!(
            buf.region()[0] == Guarded::canaries(size_of::<T>() + 1).region()[0],
            "{what}: byte before the struct written"
        );
        if buf.untouched(1) {
            return None;
        }
        // SAFETY: the region holds `size_of::<T>()` bytes from offset 1,
        // all written by the call (checked by the caller through `T`'s
        // fields); `read_unaligned` needs no alignment.
        Some(unsafe { ptr::read_unaligned(buf.region()[1..].as_ptr().cast::<T>()) })
    }

    fn untouched(&self) -> bool {
        self.buf.as_ref().is_none_or(|b| b.untouched(0))
    }
}

/// Checks a status against the pointer and argument faults of a call, and
/// returns whether the call had none (so its result can be compared).
fn faults(status: panicqr_status, null: bool, invalid: bool, what: &str) -> bool {
    match (null, invalid) {
        (true, false) => assert_eq!(status, PANICQR_ERR_NULL_POINTER, "{what}: NULL pointer"),
        (false, true) => assert_eq!(
            status, PANICQR_ERR_INVALID_ARGUMENT,
            "{what}: invalid argument"
        ),
        (true, true) => assert!(
            matches!(
                status,
                PANICQR_ERR_NULL_POINTER | PANICQR_ERR_INVALID_ARGUMENT
            ),
            "{what}: {status:?}"
        ),
        (false, false) => return true,
    }
    false
}

fn status_of<T>(result: &Result<T, Error>) -> panicqr_status {
    match result {
        Ok(_) => PANICQR_OK,
        Err(Error::DataTooLong { .. }) => PANICQR_ERR_DATA_TOO_LONG,
        Err(Error::BufferTooSmall { .. }) => PANICQR_ERR_BUFFER_TOO_SMALL,
        Err(Error::InvalidArgument) => PANICQR_ERR_INVALID_ARGUMENT,
    }
}

/// Reads C options: NULL, or fields that may be out of range.
fn read_options(input: &mut Input<'_>) -> Option<panicqr_options> {
    if input.u8().is_multiple_of(8) {
        return None;
    }
    let raw_version = |b: u8| if b & 0x80 != 0 { b % 45 } else { 1 + b % 40 };
    Some(panicqr_options {
        min_version: raw_version(input.u8()),
        max_version: raw_version(input.u8()),
        ecc: input.u8() % 5,
        // Any byte: nonzero is true.
        boost_ecc: input.u8(),
        mask: (input.u8() % 11) as i8 - 2,
    })
}

/// Converts C options as the documentation says, or `None` when invalid.
fn options_of(c: Option<panicqr_options>) -> Option<Options> {
    let Some(c) = c else {
        return Some(Options::default());
    };
    let min_version = Version::new(c.min_version)?;
    let max_version = Version::new(c.max_version)?;
    let mask = match c.mask {
        -1 => None,
        m => Some(Mask::new(u8::try_from(m).ok()?)?),
    };
    (min_version <= max_version).then_some(Options {
        min_version,
        max_version,
        ecc: Ecc::from_ordinal(c.ecc)?,
        boost_ecc: c.boost_ecc != 0,
        mask,
        polarity: Polarity::DarkIsSet,
    })
}

fn options_ptr(options: &Option<panicqr_options>) -> *const panicqr_options {
    options.as_ref().map_or(ptr::null(), |o| o as *const _)
}

/// Runs one case.
pub fn check(data: &[u8]) {
    let mut input = Input::new(data);
    match input.u8() % 8 {
        0..=2 => check_encode(&mut input),
        3 => check_kmsg(&mut input),
        4 => check_layout(&mut input),
        5 => check_paint_row(&mut input),
        6 => check_drm_generate(&mut input),
        _ => check_plain_functions(&mut input),
    }
}

fn check_encode(input: &mut Input<'_>) {
    let which = input.u8() % 3;
    let url = In::read(input, 200);
    let data = In::read(input, 3000);
    let options = read_options(input);
    let mut scratch = Out::read(input, iso::scratch_len(40));
    let mut image = Out::read(input, iso::image_len(40));
    let mut code = OutStruct::<panicqr_code>::read(input);
    // Sometimes make the scratch buffer overlap the image.
    let overlap = input.u8().is_multiple_of(16) && !image.is_null() && !scratch.is_null();
    let (scratch_ptr, scratch_len) = if overlap {
        let offset = input.below(image.len() + 1);
        let len = (image.len() - offset).min(scratch.len()).max(1);
        let offset = offset.min(image.len().saturating_sub(len));
        (
            image
                .buf
                .as_mut()
                .map_or(ptr::null_mut(), |b| b.ptr_at(offset)),
            len,
        )
    } else {
        (scratch.ptr(), scratch.len())
    };
    let overlap = overlap && scratch_len > 0 && image.len() > 0;

    // SAFETY: every non-NULL pointer is valid for its length (inputs are
    // exact allocations, outputs guarded regions, the struct output has
    // room); an overlapping scratch lies inside the image region.
    let status = unsafe {
        match which {
            0 => panicqr_encode_binary(
                data.ptr(),
                data.len,
                options_ptr(&options),
                scratch_ptr,
                scratch_len,
                image.ptr(),
                image.len(),
                code.ptr(),
            ),
            1 => panicqr_encode_text(
                data.ptr(),
                data.len,
                options_ptr(&options),
                scratch_ptr,
                scratch_len,
                image.ptr(),
                image.len(),
                code.ptr(),
            ),
            _ => panicqr_encode_panic_url(
                url.ptr(),
                url.len,
                data.ptr(),
                data.len,
                options_ptr(&options),
                scratch_ptr,
                scratch_len,
                image.ptr(),
                image.len(),
                code.ptr(),
            ),
        }
    };
    scratch.check("scratch");
    image.check("image");
    let written = code.written("code");
    let what = ["encode_binary", "encode_text", "encode_panic_url"][usize::from(which)];

    let null = data.bad_null()
        || (which == 2 && url.bad_null())
        || scratch.is_null()
        || image.is_null()
        || code.is_null();
    let rust_options = options_of(options);
    let invalid = rust_options.is_none() || overlap;
    if status != PANICQR_OK {
        assert!(
            written.is_none(),
            "{what}: code written on failure {status:?}"
        );
        assert!(
            image.untouched() || which == 1,
            "{what}: image written on failure {status:?}"
        );
    }
    if !faults(status, null, invalid, what) {
        return;
    }
    let options = rust_options.unwrap_or_default();
    // The same call through the safe API, on fresh buffers.
    let mut rust_scratch = vec![0u8; scratch_len];
    let mut rust_image = vec![0u8; image.len()];
    let result = match which {
        0 => encode_binary(data.slice(), &options, &mut rust_scratch, &mut rust_image),
        1 => encode_text(data.slice(), &options, &mut rust_scratch, &mut rust_image),
        _ => encode_panic_url(
            url.slice(),
            data.slice(),
            &options,
            &mut rust_scratch,
            &mut rust_image,
        ),
    }
    .map(|c| {
        (
            c.version().number(),
            c.width(),
            c.ecc() as u8,
            c.mask().number(),
        )
    });
    assert_eq!(status, status_of(&result), "{what}: status");
    if let Ok((version, width, ecc, mask)) = result {
        let c = written.expect("code written on success");
        assert_eq!(
            (c.version, c.width, c.ecc, c.mask),
            (version, width, ecc, mask),
            "{what}: code"
        );
        let used = iso::image_len(version);
        assert!(
            image.region()[..used] == rust_image[..used],
            "{what}: image differs from the Rust API"
        );
        assert!(
            image.buf.as_ref().is_some_and(|b| b.untouched(used)),
            "{what}: image written past the code"
        );
    }
}

fn check_kmsg(input: &mut Input<'_>) {
    let kmsg = In::read(input, 2000);
    let base_url = In::read(input, 80);
    let arch = In::read(input, 12);
    let release = In::read(input, 24);
    // Any byte: nonzero allows the dictionary.
    let dictionary = input.u8();
    // 0 and 1 are the efforts; 2 stands for every invalid value.
    let effort = input.u8() % 3;
    let request_null = input.u8().is_multiple_of(16);
    let options = read_options(input);
    let max = options
        .and_then(|o| Version::new(o.max_version))
        .map_or(40, Version::number);
    let mut workspace = Out::read(input, payload::workspace_len());
    let mut scratch = Out::read(input, iso::scratch_len(max));
    let mut image = Out::read(input, iso::image_len(max));
    let mut code = OutStruct::<panicqr_code>::read(input);
    let mut report = OutStruct::<panicqr_kmsg_report>::read(input);
    let request = panicqr_kmsg_request {
        base_url: base_url.ptr(),
        base_url_len: base_url.len,
        arch: arch.ptr(),
        arch_len: arch.len,
        release: release.ptr(),
        release_len: release.len,
        dictionary,
        effort,
    };
    let request_ptr = if request_null {
        ptr::null()
    } else {
        &request as *const panicqr_kmsg_request
    };
    // SAFETY: as in `check_encode`; `request`'s pointers follow the same
    // rule.
    let status = unsafe {
        panicqr_encode_kmsg(
            kmsg.ptr(),
            kmsg.len,
            request_ptr,
            options_ptr(&options),
            workspace.ptr(),
            workspace.len(),
            scratch.ptr(),
            scratch.len(),
            image.ptr(),
            image.len(),
            code.ptr(),
            report.ptr(),
        )
    };
    workspace.check("workspace");
    scratch.check("scratch");
    image.check("image");
    let written_code = code.written("code");
    let written_report = report.written("report");
    if status != PANICQR_OK {
        assert!(
            written_code.is_none() && written_report.is_none(),
            "kmsg: outputs written on failure"
        );
    }
    let null = kmsg.bad_null()
        || request_null
        || base_url.bad_null()
        || arch.bad_null()
        || release.bad_null()
        || workspace.is_null()
        || scratch.is_null()
        || image.is_null()
        || code.is_null()
        || report.is_null();
    let rust_options = options_of(options);
    let invalid = rust_options.is_none() || effort > 1;
    if !faults(status, null, invalid, "encode_kmsg") {
        return;
    }
    let rust_request = KmsgRequest {
        base_url: (!base_url.slice().is_empty()).then_some(base_url.slice()),
        arch: arch.slice(),
        release: release.slice(),
        dictionary: dictionary != 0,
        effort: if effort == 1 {
            Effort::Fast
        } else {
            Effort::Best
        },
        options: rust_options.unwrap_or_default(),
    };
    let mut rust_workspace = vec![0u8; workspace.len()];
    let mut rust_scratch = vec![0u8; scratch.len()];
    let mut rust_image = vec![0u8; image.len()];
    let result = payload::encode_kmsg(
        kmsg.slice(),
        &rust_request,
        &mut rust_workspace,
        &mut rust_scratch,
        &mut rust_image,
    )
    .map(|(c, r)| (c.version().number(), c.mask().number(), r));
    assert_eq!(status, status_of(&result), "encode_kmsg: status");
    if let Ok((version, mask, r)) = result {
        let c = written_code.expect("code written");
        assert_eq!((c.version, c.mask), (version, mask));
        let w = written_report.expect("report written");
        assert_eq!(
            (
                w.tail_start,
                w.tail_len,
                w.payload_len,
                w.url_len,
                w.truncated,
                w.dictionary
            ),
            (
                r.tail_start,
                r.tail_len,
                r.payload_len,
                r.url_len,
                r.truncated,
                r.dictionary
            ),
            "encode_kmsg: report"
        );
        let used = iso::image_len(version);
        assert!(
            image.region()[..used] == rust_image[..used],
            "encode_kmsg: image differs"
        );
    }
}

fn read_screen(input: &mut Input<'_>) -> Screen {
    let big = input.bool();
    let dim = |input: &mut Input<'_>| {
        if big {
            input.u32()
        } else {
            u32::from(input.u16() % 4000)
        }
    };
    Screen {
        width: dim(input),
        height: dim(input),
        font_width: u32::from(input.u8() % 32),
        font_height: u32::from(input.u8() % 64),
        text_lines: u32::from(input.u8()),
        text_columns: u32::from(input.u16() % 400),
    }
}

fn read_policy(input: &mut Input<'_>) -> Option<panicqr_policy> {
    (!input.u8().is_multiple_of(8)).then(|| panicqr_policy {
        min_scale: u32::from(input.u8() % 9),
        quiet_zone: u32::from(input.u8() % 12),
        max_version: input.u8() % 42,
        ecc: input.u8() % 5,
        max_modules_across: input.modules_across(),
    })
}

fn policy_of(p: Option<panicqr_policy>) -> Option<Policy> {
    let Some(p) = p else {
        return Some(Policy::DEFAULT);
    };
    Some(Policy {
        min_scale: p.min_scale,
        quiet_zone: p.quiet_zone,
        max_version: Version::new(p.max_version)?,
        ecc: Ecc::from_ordinal(p.ecc)?,
        max_modules_across: p.max_modules_across,
    })
}

fn layout_status(error: layout::LayoutError) -> panicqr_status {
    match error {
        layout::LayoutError::DoesNotFit { .. } => PANICQR_ERR_SCREEN_TOO_SMALL,
        layout::LayoutError::InvalidArgument => PANICQR_ERR_INVALID_ARGUMENT,
    }
}

fn check_layout(input: &mut Input<'_>) {
    let screen = read_screen(input);
    let screen_null = input.u8().is_multiple_of(16);
    let policy = read_policy(input);
    let place = input.bool();
    let width_modules = if input.bool() {
        input.u32()
    } else {
        21 + 4 * u32::from(input.u8() % 40)
    };
    let mut max_version = OutStruct::<u8>::read(input);
    let mut geometry = OutStruct::<Geometry>::read(input);
    let screen_ptr = if screen_null {
        ptr::null()
    } else {
        &screen as *const _
    };
    let policy_ptr = policy.as_ref().map_or(ptr::null(), |p| p as *const _);
    // SAFETY: the pointers are NULL or point to live structs.
    let status = unsafe {
        if place {
            panicqr_layout_place(screen_ptr, policy_ptr, width_modules, geometry.ptr())
        } else {
            panicqr_layout_plan(screen_ptr, policy_ptr, max_version.ptr(), geometry.ptr())
        }
    };
    let written_version = max_version.written("max_version");
    let written_geometry = geometry.written("geometry");
    if status != PANICQR_OK {
        assert!(
            written_version.is_none() && written_geometry.is_none(),
            "layout: output written on failure"
        );
    }
    let null = screen_null || geometry.is_null() || (!place && max_version.is_null());
    let rust_policy = policy_of(policy);
    if !faults(status, null, rust_policy.is_none(), "layout") {
        return;
    }
    let policy = rust_policy.unwrap_or(Policy::DEFAULT);
    if place {
        assert!(max_version.untouched());
        match layout::place(&screen, &policy, width_modules) {
            Ok(g) => {
                assert_eq!(status, PANICQR_OK);
                assert_eq!(written_geometry.expect("geometry"), g);
            }
            Err(e) => assert_eq!(status, layout_status(e)),
        }
    } else {
        match layout::plan(&screen, &policy) {
            Ok(plan) => {
                assert_eq!(status, PANICQR_OK);
                assert_eq!(written_version, Some(plan.version.number()));
                assert_eq!(written_geometry.expect("geometry"), plan.geometry);
            }
            Err(e) => assert_eq!(status, layout_status(e)),
        }
    }
}

fn check_paint_row(input: &mut Input<'_>) {
    // A real code and layout, then arguments that may break them.
    let v = 1 + input.u8() % 40;
    let data = input.bytes(40).to_vec();
    let options = Options {
        min_version: Version::new(v).unwrap_or(Version::MIN),
        ..Options::default()
    };
    let mut scratch = vec![0u8; iso::scratch_len(40)];
    let mut full_image = vec![0u8; iso::image_len(40)];
    let mut c_code = encode_binary(&data, &options, &mut scratch, &mut full_image)
        .map(|encoded| panicqr_code {
            version: encoded.version().number(),
            width: encoded.width(),
            ecc: encoded.ecc() as u8,
            mask: encoded.mask().number(),
        })
        .expect("40 bytes fit");
    let code_width = c_code.width;
    let image_len = iso::image_len(c_code.version);
    match input.u8() % 16 {
        0 => c_code.version = input.u8(),
        1 => c_code.width = input.u8(),
        2 => c_code.ecc = input.u8(),
        3 => c_code.mask = input.u8(),
        _ => {}
    }
    let image: In = match input.u8() % 16 {
        0 => In {
            bytes: None,
            len: 0,
        },
        1 => In {
            bytes: None,
            len: image_len,
        },
        2 => {
            let len = input.below(image_len);
            In {
                bytes: Some(full_image[..len].into()),
                len,
            }
        }
        _ => In {
            bytes: Some(full_image[..image_len].into()),
            len: image_len,
        },
    };
    let screen = Screen {
        width: u32::from(input.u16() % 2000) + 21,
        height: u32::from(input.u16() % 2000) + 21,
        ..Screen::default()
    };
    let policy = Policy {
        min_scale: 1,
        quiet_zone: u32::from(input.u8() % 6),
        ..Policy::DEFAULT
    };
    let mut geometry = match layout::place(&screen, &policy, u32::from(code_width)) {
        Ok(g) => Geometry {
            text: Rect::default(),
            ..g
        },
        Err(_) => Geometry::default(),
    };
    if input.u8().is_multiple_of(8) {
        geometry.scale = input.u32() % 5;
        geometry.width_modules = input.u32() % 200;
    }
    let geometry_null = input.u8().is_multiple_of(16);
    let code_null = input.u8().is_multiple_of(16);
    let fourcc = match input.u8() % 16 {
        0 => input.u32(),
        n => PixelFormat::ALL[usize::from(n) % PixelFormat::ALL.len()].fourcc(),
    };
    let (fg, bg) = (input.u32(), input.u32());
    let side = u32::try_from(
        (u64::from(geometry.width_modules) + 2 * u64::from(geometry.quiet_zone))
            * u64::from(geometry.scale),
    )
    .unwrap_or(u32::MAX);
    let y = if input.bool() {
        input.u32()
    } else {
        input.u32() % (side + 1).max(1)
    };
    let x = if input.bool() {
        input.u32()
    } else {
        input.u32() % (side + 2).max(1)
    };
    let out_len = input_len_hint(input);
    let mut out = Out::read(input, out_len);
    let mut pixels = OutStruct::<usize>::read(input);

    let code_ptr = if code_null {
        ptr::null()
    } else {
        &c_code as *const _
    };
    let geometry_ptr = if geometry_null {
        ptr::null()
    } else {
        &geometry as *const _
    };
    // SAFETY: as in `check_encode`.
    let status = unsafe {
        panicqr_paint_row(
            image.ptr(),
            image.len,
            code_ptr,
            geometry_ptr,
            fourcc,
            fg,
            bg,
            y,
            x,
            out.ptr(),
            out.len(),
            pixels.ptr(),
        )
    };
    out.check("out");
    let written = pixels.written("pixels");
    if status != PANICQR_OK {
        assert!(written.is_none(), "paint_row: pixels written on failure");
        assert!(
            out.untouched(),
            "paint_row: out written on failure {status:?}"
        );
    }
    let null = image.bad_null() || code_null || geometry_null || out.is_null() || pixels.is_null();
    let format = PixelFormat::from_fourcc(fourcc);
    let version = Version::new(c_code.version);
    let view_ok = version.is_some_and(|v| v.width() == c_code.width)
        && Ecc::from_ordinal(c_code.ecc).is_some()
        && Mask::new(c_code.mask).is_some();
    let invalid = format.is_none() || (!code_null && !view_ok);
    if !faults(status, null, invalid, "paint_row") {
        return;
    }
    let (Some(format), Some(version)) = (format, version) else {
        unreachable!("no fault means both are valid");
    };
    let ecc = Ecc::from_ordinal(c_code.ecc).unwrap_or(Ecc::Low);
    let mask = Mask::new(c_code.mask).unwrap_or(Mask::new(0).unwrap());
    // After the code's view, the C ABI refuses a canvas that is not the
    // scaled code's square, which core's painter does not look at.
    let side_pixels = geometry.canvas_pixels();
    let canvas_ok = u64::from(geometry.canvas.width) == side_pixels
        && u64::from(geometry.canvas.height) == side_pixels;
    let result = QrCode::from_image(version, ecc, mask, Polarity::DarkIsSet, image.slice())
        .and_then(|code| {
            if !canvas_ok {
                return Err(Error::InvalidArgument);
            }
            let mut rust_out = vec![0u8; out.len()];
            let palette = Palette::new(format, fg, bg);
            paint::paint_row(&code, &geometry, &palette, y, x, &mut rust_out).map(|n| (n, rust_out))
        });
    assert_eq!(status, status_of(&result), "paint_row: status");
    if let Ok((n, rust_out)) = result {
        assert_eq!(written, Some(n), "paint_row: pixels");
        let end = n * format.bytes_per_pixel();
        assert!(
            out.region()[..end] == rust_out[..end],
            "paint_row: pixels differ"
        );
        assert!(
            out.buf.as_ref().is_some_and(|b| b.untouched(end)),
            "paint_row: wrote past its pixels"
        );
    }
}

/// An output length for `paint_row`: a few pixels to a few rows of them.
fn input_len_hint(input: &mut Input<'_>) -> usize {
    usize::from(input.u16() % 4096)
}

/// The drop-in for Linux's `drm_panic_qr_generate`.
fn check_drm_generate(input: &mut Input<'_>) {
    let url: Option<Vec<u8>> = match input.u8() % 4 {
        0 => None,
        1 => Some(vec![b'u'; 2950 + input.below(20)]),
        _ => Some(input.bytes(200).iter().map(|&b| b.max(1)).collect()),
    };
    let data_size = if input.u8().is_multiple_of(8) {
        input.below(4200)
    } else {
        4071 + input.below(64)
    };
    let data_len = if input.u8().is_multiple_of(16) {
        input.below(8000)
    } else {
        input.below(data_size.min(3000) + 1)
    };
    let tmp_size = if input.u8().is_multiple_of(8) {
        input.below(3800)
    } else {
        3706 + input.below(64)
    };
    let null_data = input.u8().is_multiple_of(32);
    let null_tmp = input.u8().is_multiple_of(32);
    let fill = input.bytes(64).to_vec();
    let mut data = Guarded::canaries(data_size);
    let source = crate::stretch(&fill, data_size);
    data.region_mut().copy_from_slice(&source);
    let before = data.region().to_vec();
    let mut tmp = Guarded::canaries(tmp_size);

    // The URL, NUL-terminated, in an allocation of exactly its size.
    let c_url: Option<Box<[u8]>> = url.as_ref().map(|u| {
        let mut s = u.clone();
        s.push(0);
        s.into_boxed_slice()
    });
    let url_ptr = c_url.as_ref().map_or(ptr::null(), |u| u.as_ptr().cast());
    let data_ptr = if null_data {
        ptr::null_mut()
    } else {
        data.ptr()
    };
    let tmp_ptr = if null_tmp { ptr::null_mut() } else { tmp.ptr() };
    // SAFETY: the URL is NUL-terminated; `data` and `tmp` are guarded
    // regions of their sizes, or NULL.
    let width =
        unsafe { drm_panic_qr_generate(url_ptr, data_ptr, data_len, data_size, tmp_ptr, tmp_size) };
    data.check("data");
    tmp.check("tmp");

    let expected = (|| {
        if data_size < 4071 || tmp_size < 3706 || data_len > data_size || null_data || null_tmp {
            return None;
        }
        let input = &before[..data_len];
        let segments_with_url;
        let segments: &[Segment<'_>] = match &url {
            Some(u) => {
                if u.len() > 2956 {
                    return None;
                }
                segments_with_url = [Segment::Bytes(u), Segment::PanicDigits(input)];
                &segments_with_url
            }
            None => &[Segment::Bytes(input)][..],
        };
        let options = Options {
            boost_ecc: false,
            mask: Mask::new(0),
            polarity: Polarity::LightIsSet,
            ..Options::default()
        };
        let mut scratch = vec![0u8; 3706];
        let codewords = encode_codewords(segments, &options, &mut scratch).ok()?;
        let mut image = vec![0u8; 4071];
        let code = codewords.place(&scratch, &mut image).ok()?;
        let v = code.version().number();
        Some((
            code.width(),
            image[..iso::image_len(v)].to_vec(),
            scratch[..iso::scratch_len(v)].to_vec(),
        ))
    })();
    match expected {
        None => {
            assert_eq!(width, 0, "drm_panic_qr_generate must fail");
            assert!(data.region() == &before[..], "data written on failure");
            assert!(tmp.untouched(0), "tmp written on failure");
        }
        Some((w, image, codewords)) => {
            assert_eq!(width, w, "drm_panic_qr_generate width");
            let region = data.region();
            assert!(region[..image.len()] == image[..], "drm image differs");
            assert!(
                region[image.len()..].iter().all(|&b| b == 0),
                "drm image not zero-filled"
            );
            assert!(
                tmp.region()[..codewords.len()] == codewords[..],
                "drm codewords differ"
            );
            assert!(
                tmp.untouched(codewords.len()),
                "tmp written past the codewords"
            );
        }
    }
}

/// The plain functions: sizes, capacities and status strings.
fn check_plain_functions(input: &mut Input<'_>) {
    let v = input.u8();
    let ecc = input.u8();
    let url_len = if input.bool() {
        usize::from(input.u16()) % 3200
    } else {
        input.u32() as usize
    };
    let status = input.u32() % 12;

    let valid = (1..=40).contains(&v);
    assert_eq!(
        panicqr_image_len(v),
        if valid { iso::image_len(v) } else { 0 }
    );
    assert_eq!(
        panicqr_scratch_len(v),
        if valid { iso::scratch_len(v) } else { 0 }
    );

    // The exact panic URL capacity, by search over the bit-length formulas.
    let expected = if valid && ecc < 4 {
        let room = iso::data_bits(v, usize::from(ecc));
        let url_bits = if url_len == 0 {
            Some(0)
        } else {
            Mode::Byte.segment_bits(url_len, v)
        };
        let fits = |n: usize| {
            let digits = iso::panic_digit_count(n);
            url_bits
                .zip(Mode::Numeric.segment_bits(digits, v))
                .is_some_and(|(a, b)| a + b <= room)
        };
        let mut n = 0;
        while fits(n + 1) {
            n += 1;
        }
        if fits(0) {
            n
        } else {
            0
        }
    } else {
        0
    };
    assert_eq!(
        panicqr_panic_url_capacity(v, ecc, url_len),
        expected,
        "capacity V{v} ecc {ecc} url {url_len}"
    );

    // Linux's estimate, from its own formula.
    let linux = if !valid {
        0
    } else {
        let max_data = iso::DATA_CODEWORDS[0][usize::from(v) - 1];
        if url_len > 0 {
            max_data
                .checked_sub(url_len.saturating_add(5))
                .map_or(0, |m| m * 39 / 40)
        } else {
            max_data - 3
        }
    };
    assert_eq!(
        drm_panic_qr_max_data_size(v, url_len),
        linux,
        "drm_panic_qr_max_data_size"
    );

    // SAFETY: the function returns a static NUL-terminated string.
    let text = unsafe { CStr::from_ptr(panicqr_status_str(status)) };
    let text = text.to_str().expect("ASCII");
    assert!(!text.is_empty());
    if status > 5 {
        assert_eq!(text, "unknown status");
    } else {
        assert_ne!(text, "unknown status");
    }
    let fourcc = input.u32();
    let expected_bpp = PixelFormat::from_fourcc(fourcc).map_or(0, PixelFormat::bytes_per_pixel);
    assert_eq!(panicqr_bytes_per_pixel(fourcc), expected_bpp);
    for format in PixelFormat::ALL {
        assert_eq!(
            panicqr_bytes_per_pixel(format.fourcc()),
            format.bytes_per_pixel()
        );
    }
    assert_eq!(panicqr_kmsg_workspace_len(), payload::workspace_len());
}
