//! Runs every check over its committed seed corpus and over pseudo-random
//! cases (`PANICQR_CHECK_CASES`, default 200 per check).

use std::path::Path;

use panicqr_checks::{run_dir, run_random, CHECKS};

fn cases() -> usize {
    std::env::var("PANICQR_CHECK_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200)
}

#[test]
fn seeds_and_random_cases_pass_every_check() {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../seeds");
    for (name, check) in CHECKS {
        let ran = run_dir(&seeds.join(name), check);
        assert!(ran >= 5, "{name}: only {ran} seeds");
        run_random(check, cases(), 3000, 0x5eed_0000 + name.len() as u64);
    }
}

/// Replays one input: `PANICQR_REPLAY=<target>:<file> cargo test replay`.
#[test]
fn replay() {
    let Ok(spec) = std::env::var("PANICQR_REPLAY") else {
        return;
    };
    let (name, file) = spec.split_once(':').expect("<target>:<file>");
    let (_, check) = CHECKS
        .iter()
        .find(|(n, _)| *n == name)
        .expect("target name");
    check(&std::fs::read(file).expect("input file"));
}
