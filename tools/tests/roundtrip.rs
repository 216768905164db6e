//! Round trips through a real decoder: every code the encoder draws, for
//! every version, every level, and text, bytes or a panic URL with packed
//! digits, decodes with the `rqrr` crate back to the exact input.

use panicqr::{
    encode_binary, encode_panic_url, encode_text, image_len, scratch_len, Ecc, Mask, Options,
    QrCode, Version,
};
use panicqr_tools::decode::unpack_z;

/// Draws the code at 3 pixels a module with a 4-module quiet zone and
/// decodes it with rqrr, returning the raw bytes of its segments.
fn decode(code: &QrCode<'_>) -> Vec<u8> {
    let scale = 3;
    let side = (usize::from(code.width()) + 8) * scale;
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| {
        let mx = (x / scale) as i32 - 4;
        let my = (y / scale) as i32 - 4;
        if code.is_dark(mx, my) {
            0
        } else {
            255
        }
    });
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "V{} must be found", code.version().number());
    let mut bytes = Vec::new();
    grids[0]
        .decode_to(&mut bytes)
        .unwrap_or_else(|e| panic!("V{} {:?}: {e:?}", code.version().number(), code.ecc()));
    bytes
}

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn options(version: Version, ecc: Ecc, mask: Option<Mask>) -> Options {
    Options {
        min_version: version,
        max_version: version,
        ecc,
        boost_ecc: false,
        mask,
        ..Options::default()
    }
}

#[test]
fn bytes_at_every_version_and_level() {
    let mut rng = Rng(7);
    let mut scratch = vec![0u8; scratch_len(Version::MAX)];
    let mut image = vec![0u8; image_len(Version::MAX)];
    for v in 1..=40u8 {
        let version = Version::new(v).unwrap();
        for ecc in Ecc::ALL {
            // Fill the version: byte segment header is 12 or 20 bits.
            let header = if v < 10 { 12 } else { 20 };
            let len = (version.data_bits(ecc) - header) / 8;
            let data: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            let mask = Mask::new(v % 8).filter(|_| v % 3 != 0);
            let code = encode_binary(
                &data,
                &options(version, ecc, mask),
                &mut scratch,
                &mut image,
            )
            .unwrap_or_else(|e| panic!("V{v} {ecc:?}: {e}"));
            assert_eq!(decode(&code), data, "V{v} {ecc:?}");
        }
    }
}

#[test]
fn mixed_text_segments_decode_to_the_text() {
    let mut scratch = vec![0u8; scratch_len(Version::MAX)];
    let mut image = vec![0u8; image_len(Version::MAX)];
    let texts: [&[u8]; 5] = [
        b"Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)",
        b"RIP: 0010:__list_del_entry_valid+0x4e/0x90 RSP: 0018:ffffb14c0052fd48 EFLAGS: 00010246",
        b"0123456789012345678901234567890123456789 HELLO WORLD 0123456789 mixed Case!",
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./: 12345",
        b"7",
    ];
    for text in texts {
        for ecc in Ecc::ALL {
            let code = encode_text(
                text,
                &Options {
                    ecc,
                    ..Options::default()
                },
                &mut scratch,
                &mut image,
            )
            .unwrap();
            assert_eq!(decode(&code), text, "{ecc:?}");
        }
    }
}

#[test]
fn panic_url_digits_unpack_to_the_bytes() {
    let mut rng = Rng(99);
    let mut scratch = vec![0u8; scratch_len(Version::MAX)];
    let mut image = vec![0u8; image_len(Version::MAX)];
    let url = b"https://kdj0c.github.io/panic_report/?a=x86_64&v=6.12.0&z=";
    let capacity = panicqr::panic_url_capacity(Version::MAX, Ecc::Low, url.len());
    for len in [0usize, 1, 2, 3, 4, 5, 6, 7, 8, 13, 14, 100, 999, capacity] {
        let data: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        let code = encode_panic_url(url, &data, &Options::default(), &mut scratch, &mut image)
            .unwrap_or_else(|e| panic!("{len} bytes: {e}"));
        let decoded = decode(&code);
        assert!(decoded.starts_with(url));
        let digits = std::str::from_utf8(&decoded[url.len()..]).unwrap();
        assert_eq!(unpack_z(digits).unwrap(), data, "{len} bytes");
    }
}
