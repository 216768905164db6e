//! Every capacity either API reports actually encodes: the exact
//! `panicqr_panic_url_capacity` for every version, level and URL length from
//! 0 to 255 (and one byte more does not), and Linux's estimate
//! `drm_panic_qr_max_data_size` through `drm_panic_qr_generate`.

use std::ptr;

use panicqr_ffi::{
    drm_panic_qr_generate, drm_panic_qr_max_data_size, panicqr_code, panicqr_encode_panic_url,
    panicqr_options, panicqr_panic_url_capacity, panicqr_status,
};

fn encode(url: &[u8], data: &[u8], version: u8, ecc: u8) -> (panicqr_status, panicqr_code) {
    let options = panicqr_options {
        min_version: version,
        max_version: version,
        ecc,
        boost_ecc: 0,
        mask: 0,
    };
    let mut scratch = vec![0u8; 3706];
    let mut image = vec![0u8; 4071];
    let mut code = panicqr_code::default();
    // SAFETY: every pointer is valid for the length passed with it.
    let status = unsafe {
        panicqr_encode_panic_url(
            url.as_ptr(),
            url.len(),
            data.as_ptr(),
            data.len(),
            &options,
            scratch.as_mut_ptr(),
            scratch.len(),
            image.as_mut_ptr(),
            image.len(),
            &mut code,
        )
    };
    (status, code)
}

/// Data bits of a version and level, from ISO/IEC 18004 Table 9, written
/// out independently of the library's own tables for the spot checks below.
fn data_bits(version: u8, ecc: u8) -> usize {
    match (version, ecc) {
        (1, 0) => 152,
        (1, 3) => 72,
        (10, 1) => 1728,
        (40, 0) => 23648,
        (40, 3) => 10208,
        _ => unreachable!(),
    }
}

#[test]
fn exact_capacity_encodes_and_one_more_byte_does_not() {
    let data: Vec<u8> = (0..3000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8)
        .collect();
    let url = vec![b'u'; 255];
    for version in 1..=40u8 {
        for ecc in 0..4u8 {
            for url_len in 0..=255usize {
                let capacity = panicqr_panic_url_capacity(version, ecc, url_len);
                let url = &url[..url_len];
                let (status, code) = encode(url, &data[..capacity], version, ecc);
                if capacity > 0 {
                    assert_eq!(
                        status,
                        panicqr_status::PANICQR_OK,
                        "V{version} ecc {ecc} url {url_len} cap {capacity}"
                    );
                    assert_eq!(code.version, version);
                }
                let (status, _) = encode(url, &data[..capacity + 1], version, ecc);
                assert_eq!(
                    status,
                    panicqr_status::PANICQR_ERR_DATA_TOO_LONG,
                    "V{version} ecc {ecc} url {url_len}: {} bytes must not fit",
                    capacity + 1
                );
            }
        }
    }
}

#[test]
fn exact_capacity_spot_checks_from_the_standard() {
    // Bits after a URL byte segment of `url` bytes and a numeric header,
    // then 57 bits per 7 bytes, with the tails of the panic packing.
    let exact = |version: u8, ecc: u8, url: usize| {
        let class = match version {
            1..=9 => 0,
            10..=26 => 1,
            _ => 2,
        };
        let byte_count = [8, 16, 16][class];
        let numeric_count = [10, 12, 14][class];
        let header = if url == 0 {
            0
        } else {
            4 + byte_count + 8 * url
        } + 4
            + numeric_count;
        let available = data_bits(version, ecc).saturating_sub(header);
        let digits = |n: usize| n / 7 * 17 + [0, 3, 5, 8, 10, 13, 15][n % 7];
        let bits = |d: usize| d / 3 * 10 + [0, 4, 7][d % 3];
        (0..3000)
            .take_while(|&n| bits(digits(n)) <= available)
            .last()
            .unwrap_or(0)
    };
    for (version, ecc, url) in [(1, 0, 0), (1, 3, 3), (10, 1, 40), (40, 0, 48), (40, 3, 200)] {
        assert_eq!(
            panicqr_panic_url_capacity(version, ecc, url),
            exact(version, ecc, url),
            "V{version} ecc {ecc} url {url}"
        );
    }
    assert_eq!(panicqr_panic_url_capacity(40, 0, 48), 2868);
}

#[test]
fn linux_estimate_always_fits_its_version() {
    let mut data = vec![0u8; 4071];
    let mut tmp = vec![0u8; 3706];
    for version in 1..=40u8 {
        for url_len in 0..=255usize {
            let max = drm_panic_qr_max_data_size(version, url_len);
            if max == 0 {
                continue;
            }
            for (i, byte) in data.iter_mut().enumerate().take(max) {
                *byte = (i * 31 + usize::from(version)) as u8;
            }
            let mut url = vec![b'h'; url_len];
            url.push(0);
            let url_ptr = if url_len == 0 {
                ptr::null()
            } else {
                url.as_ptr().cast()
            };
            // SAFETY: `url` is NUL-terminated; the buffers are valid for their sizes.
            let width = unsafe {
                drm_panic_qr_generate(
                    url_ptr,
                    data.as_mut_ptr(),
                    max,
                    data.len(),
                    tmp.as_mut_ptr(),
                    tmp.len(),
                )
            };
            assert!(width > 0, "V{version} url {url_len}: {max} bytes refused");
            assert!(
                width <= 17 + 4 * version,
                "V{version} url {url_len}: width {width}"
            );
        }
    }
}
