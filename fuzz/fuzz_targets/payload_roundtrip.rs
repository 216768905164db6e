#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| panicqr_checks::payload_roundtrip::check(data));
