#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| panicqr_checks::differential_reference::check(data));
