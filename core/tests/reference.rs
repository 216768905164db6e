//! Differential tests: every code must equal Nayuki's `qrcodegen-no-heap`
//! module for module, for the same segments, version, level and mask, with a
//! fixed mask and with automatic selection.
//!
//! `PANICQR_REFERENCE_CASES` sets the number of random cases (default 2,000;
//! the full run uses 10,000 or more).

use panicqr::{encode_segments, image_len, scratch_len, Ecc, Mask, Options, Segment, Version};
use qrcodegen_no_heap::{QrCode as RefCode, QrCodeEcc, QrSegment, Version as RefVersion};

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn ref_ecc(ecc: Ecc) -> QrCodeEcc {
    match ecc {
        Ecc::Low => QrCodeEcc::Low,
        Ecc::Medium => QrCodeEcc::Medium,
        Ecc::Quartile => QrCodeEcc::Quartile,
        Ecc::High => QrCodeEcc::High,
    }
}

const ALPHANUMERIC: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

#[derive(Clone, Copy, Debug)]
enum Kind {
    Numeric,
    Alphanumeric,
    Bytes,
}

/// Encodes one case with both encoders and compares every module.
fn compare(kind: Kind, data: &[u8], version: Version, ecc: Ecc, mask: Option<Mask>) -> bool {
    let mut ref_out = vec![0u8; RefVersion::MAX.buffer_len()];
    let mut ref_temp = vec![0u8; RefVersion::MAX.buffer_len()];
    let mut seg_buf = vec![0u8; RefVersion::MAX.buffer_len()];
    let text = std::str::from_utf8(data).unwrap_or("");
    let seg = match kind {
        Kind::Numeric => QrSegment::make_numeric(text, &mut seg_buf),
        Kind::Alphanumeric => QrSegment::make_alphanumeric(text, &mut seg_buf),
        Kind::Bytes => QrSegment::make_bytes(data),
    };
    let ref_version = RefVersion::new(version.number());
    let encoded = RefCode::encode_segments_to_codewords(
        &[seg],
        &mut ref_out,
        ref_ecc(ecc),
        ref_version,
        ref_version,
        false,
    );
    let ours_segment = match kind {
        Kind::Numeric => Segment::Numeric(data),
        Kind::Alphanumeric => Segment::Alphanumeric(data),
        Kind::Bytes => Segment::Bytes(data),
    };
    let options = Options {
        min_version: version,
        max_version: version,
        ecc,
        boost_ecc: false,
        mask,
        ..Options::default()
    };
    let mut scratch = vec![0u8; scratch_len(Version::MAX)];
    let mut image = vec![0u8; image_len(Version::MAX)];
    let ours = encode_segments(&[ours_segment], &options, &mut scratch, &mut image);
    let Ok((len, ref_ecl, ref_ver)) = encoded else {
        assert!(
            ours.is_err(),
            "reference refused {kind:?} len {} at V{}",
            data.len(),
            version.number()
        );
        return false;
    };
    let code = ours.unwrap_or_else(|e| {
        panic!(
            "{e} for {kind:?} len {} at V{}",
            data.len(),
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
    // The reference reads the mask from the format modules without removing
    // the format mask 0b101 of ISO/IEC 18004, so undo that here.
    assert_eq!(
        reference.mask().value() ^ 0b101,
        code.mask().number(),
        "mask, {kind:?} V{} {ecc:?}",
        version.number()
    );
    let width = i32::from(code.width());
    assert_eq!(reference.size(), width);
    for y in 0..width {
        for x in 0..width {
            assert_eq!(
                reference.get_module(x, y),
                code.is_dark(x, y),
                "module ({x}, {y}), {kind:?} len {} V{} {ecc:?} mask {:?}",
                data.len(),
                version.number(),
                mask
            );
        }
    }
    true
}

fn random_data(rng: &mut Rng, kind: Kind, len: usize) -> Vec<u8> {
    (0..len)
        .map(|_| match kind {
            Kind::Numeric => b'0' + rng.below(10) as u8,
            Kind::Alphanumeric => ALPHANUMERIC[rng.below(ALPHANUMERIC.len())],
            Kind::Bytes => rng.next() as u8,
        })
        .collect()
}

/// The most characters of `kind` that fit `version` at `ecc`.
fn capacity(kind: Kind, version: Version, ecc: Ecc) -> usize {
    let bits = version.data_bits(ecc);
    let segment = |n| {
        let data = vec![b'0'; n];
        let s = match kind {
            Kind::Numeric => Segment::Numeric(&data),
            Kind::Alphanumeric => Segment::Alphanumeric(&data),
            Kind::Bytes => Segment::Bytes(&data),
        };
        s.bit_len(version).is_some_and(|b| b <= bits)
    };
    let mut n = 0;
    while segment(n + 1) {
        n += 1;
    }
    n
}

#[test]
fn every_version_level_and_mask_matches_the_reference() {
    let cases: usize = std::env::var("PANICQR_REFERENCE_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let mut compared = 0;
    for case in 0..cases {
        // Cover every version, level and mask, fixed and automatic, in turn.
        let version = Version::new(1 + (case % 40) as u8).unwrap();
        let ecc = Ecc::ALL[(case / 40) % 4];
        let mask = match (case / 160) % 9 {
            8 => None,
            m => Mask::new(m as u8),
        };
        let kind = [Kind::Bytes, Kind::Numeric, Kind::Alphanumeric][rng.below(3)];
        let max = capacity(kind, version, ecc);
        // Lengths near the top exercise padding; small ones the terminator.
        let len = match rng.below(4) {
            0 => max,
            1 => max.saturating_sub(rng.below(4)),
            _ => rng.below(max + 1),
        };
        let data = random_data(&mut rng, kind, len);
        if compare(kind, &data, version, ecc, mask) {
            compared += 1;
        }
    }
    assert_eq!(compared, cases, "every case must encode");
}

#[test]
fn automatic_mask_matches_on_structured_data() {
    // Long runs and repeated patterns stress the penalty rules more than
    // random bytes do.
    let mut rng = Rng(42);
    for v in 1..=40u8 {
        let version = Version::new(v).unwrap();
        for fill in [0x00u8, 0xff, 0xaa, 0x0f] {
            let len = capacity(Kind::Bytes, version, Ecc::Low);
            let mut data = vec![fill; len];
            for byte in data.iter_mut().step_by(7) {
                *byte ^= rng.next() as u8 & 0x11;
            }
            compare(Kind::Bytes, &data, version, Ecc::Low, None);
        }
    }
}
