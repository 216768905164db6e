//! Differential tests: every code must equal Nayuki's `qrcodegen-no-heap`
//! module for module, for the same segments, version, level and mask, with a
//! fixed mask and with automatic selection. The comparison is the fuzz
//! target's (`panicqr_checks::differential_reference::compare`); this test
//! walks every version, level and mask in turn.
//!
//! `PANICQR_REFERENCE_CASES` sets the number of random cases (default 2,000;
//! the full run uses 10,000 or more).

use panicqr::{Ecc, Mask, Polarity, Segment, Version};
use panicqr_checks::differential_reference;

mod rng;
use rng::Rng;

const ALPHANUMERIC: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

#[derive(Clone, Copy, Debug)]
enum Kind {
    Numeric = 0,
    Alphanumeric = 1,
    Bytes = 2,
}

/// Compares one single-segment case through the shared check; returns
/// whether it encoded.
fn compare(kind: Kind, data: &[u8], version: Version, ecc: Ecc, mask: Option<Mask>) -> bool {
    differential_reference::compare(
        &[(kind as u8, data.to_vec())],
        version,
        ecc,
        mask,
        Polarity::DarkIsSet,
    )
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
