//! The preset dictionary of kernel-log vocabulary, and the id a URL names
//! it by.
//!
//! It is opt-in: the decoder page distributions deploy inflates without
//! it. A dictionary is never changed once shipped: a new one takes the next
//! id, and decoders keep the old ones.

/// The preset dictionary of kernel-log vocabulary, version
/// [`KMSG_DICTIONARY_ID`]: text that recurs across the ends of real kernel
/// crash logs, built by `scripts/build-dictionary.py`. Its size and what it
/// carries are measured in `docs/payload.md`.
pub const KMSG_DICTIONARY: &[u8] = include_bytes!("../../dict/kmsg-2.bin");

/// The id of [`KMSG_DICTIONARY`], the value of [`KMSG_DICTIONARY_PARAM`].
pub const KMSG_DICTIONARY_ID: u8 = 2;

/// The URL parameter that names the preset dictionary: `&zd=2`.
///
/// Not `d`, which codes made before used: the deployed decoder page shows
/// `d` as the distribution. That page reads `a`, `v`, `d`, `z` and `zl` and
/// ignores `zd`.
pub const KMSG_DICTIONARY_PARAM: &str = "zd";

// The URL holds the id as one digit after `zd=`.
const _: () = assert!(KMSG_DICTIONARY_ID < 10);
const _: () = assert!(matches!(KMSG_DICTIONARY_PARAM.as_bytes(), [b'z', b'd']));
