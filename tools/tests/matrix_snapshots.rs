//! One snapshot per QR version: the whole matrix as `#` (dark) and `.`
//! (light) text, for a small fixed payload at level M with a fixed mask.
//!
//! Any change to placement, function patterns, format or version bits,
//! Reed-Solomon or masking shows up as a reviewable diff. The version and
//! mask are pinned (`min_version = max_version`, `boost_ecc` off), so each
//! snapshot shows exactly one version's layout. The bits themselves are
//! checked against another encoder elsewhere; this file guards against
//! unreviewed change.

use panicqr::{encode_binary, image_len, scratch_len, Ecc, Mask, Options, Polarity, Version};
use panicqr_tools::render::matrix_text;

#[test]
fn every_version() {
    let mut scratch = vec![0u8; scratch_len(Version::MAX)];
    let mut image = vec![0u8; image_len(Version::MAX)];
    for number in 1..=40u8 {
        let version = Version::new(number).unwrap();
        let options = Options {
            min_version: version,
            max_version: version,
            ecc: Ecc::Medium,
            boost_ecc: false,
            // Cycle through the masks so each one appears five times.
            mask: Mask::new(number % 8),
            polarity: Polarity::DarkIsSet,
        };
        let payload = format!("panicqr v{number:02}");
        let code = encode_binary(payload.as_bytes(), &options, &mut scratch, &mut image).unwrap();
        assert_eq!(code.version(), version);
        assert_eq!(code.mask().number(), number % 8);
        let text = matrix_text(&code);
        let width = usize::from(version.width());
        assert_eq!(text.lines().count(), width);
        assert!(text.lines().all(|line| line.len() == width));
        insta::assert_snapshot!(format!("v{number:02}"), text);
    }
}
