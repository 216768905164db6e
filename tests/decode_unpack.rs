//! Digit unpacking, URL parsing and inflating, against test-side packers.

mod decode_support;

use decode_support::{ideal_zl, pack_z, pack_zl_612, zlib, Rng};
use panicqr_tools::decode::{
    adler32, decode_payload, decode_payload_with, inflate_zlib, parse_panic_url, unpack_z,
    unpack_zl, z_digit_count, zl_digit_count, zl_tail_is_lossy, Checksum, DecodeError, Packing,
};

// ----------------------------------------------------------------------------
// z= (mainline)
// ----------------------------------------------------------------------------

#[test]
fn z_known_vectors() {
    // 0x0201 = 513 in a 2-byte tail of 5 digits.
    assert_eq!(unpack_z("00513").unwrap(), [0x01, 0x02]);
    // One byte is 3 digits.
    assert_eq!(unpack_z("255").unwrap(), [0xff]);
    // 2^56 - 1, seven 0xff bytes.
    assert_eq!(unpack_z("72057594037927935").unwrap(), [0xff; 7]);
    // 0x78 0x9c (a zlib header) + 1 byte: 0x9c78 + 3 * 65536 = 236664.
    assert_eq!(unpack_z("00236664").unwrap(), [0x78, 0x9c, 0x03]);
    // A full group of zeros then one byte.
    assert_eq!(
        unpack_z("00000000000000000009").unwrap(),
        [0, 0, 0, 0, 0, 0, 0, 9]
    );
    assert_eq!(unpack_z("").unwrap(), []);
}

#[test]
fn z_digit_counts_match_the_table() {
    let expected = [0, 3, 5, 8, 10, 13, 15, 17, 20, 22];
    for (bytes, &digits) in expected.iter().enumerate() {
        assert_eq!(z_digit_count(bytes), digits, "{bytes} bytes");
    }
}

#[test]
fn z_round_trips_random_data() {
    let mut rng = Rng::new(1);
    for len in 0..300 {
        let data = rng.bytes(len);
        let digits = pack_z(&data);
        assert_eq!(digits.len(), z_digit_count(len));
        assert_eq!(unpack_z(&digits).unwrap(), data, "len {len}");
    }
    // Extreme values in every tail length.
    for len in 1..=21 {
        for fill in [0u8, 0xff] {
            let data = vec![fill; len];
            assert_eq!(unpack_z(&pack_z(&data)).unwrap(), data);
        }
    }
}

#[test]
fn z_rejects_bad_input() {
    for count in [1, 2, 4, 6, 7, 9, 11, 12, 14, 16, 18] {
        let digits = "0".repeat(count);
        assert_eq!(
            unpack_z(&digits),
            Err(DecodeError::BadDigitCount { count }),
            "{count} digits"
        );
    }
    assert_eq!(
        unpack_z("256"),
        Err(DecodeError::GroupTooLarge { index: 0 })
    );
    assert_eq!(
        unpack_z("7205759403792793600065536"),
        Err(DecodeError::GroupTooLarge { index: 0 })
    );
    assert_eq!(
        unpack_z("0000000000000000065536"),
        Err(DecodeError::GroupTooLarge { index: 17 })
    );
    assert_eq!(unpack_z("0a0"), Err(DecodeError::BadDigit { index: 1 }));
    assert_eq!(
        unpack_z("99999999999999999"),
        Err(DecodeError::GroupTooLarge { index: 0 })
    );
}

// ----------------------------------------------------------------------------
// zl= (Linux 6.12)
// ----------------------------------------------------------------------------

#[test]
fn zl_known_vectors() {
    // 0xff 0x01: 13 bits 1111111100000 = 8160, then 3 bits 001 in 1 digit.
    assert_eq!(unpack_zl("81601").unwrap().bytes, [0xff, 0x01]);
    // One byte: 8 bits in 3 digits.
    assert_eq!(unpack_zl("171").unwrap().bytes, [0xab]);
    // 0x12345678: 0001001000110 = 582, 1000101011001 = 4441, 111000 = 56.
    let u = unpack_zl("0582444156").unwrap();
    assert_eq!(u.bytes, [0x12, 0x34, 0x56, 0x78]);
    assert_eq!(u.tail_bits, 6);
    assert!(!u.lossy_tail);
    // 13 bytes are exactly 8 groups of 13 bits, no tail.
    let u = unpack_zl(&"0000".repeat(8)).unwrap();
    assert_eq!((u.bytes, u.tail_bits), (vec![0; 13], 0));
}

#[test]
fn zl_digit_counts_match_612() {
    for len in 0..200 {
        assert_eq!(
            zl_digit_count(len),
            decode_support::zl_character_count(&vec![0; len])
        );
    }
}

#[test]
fn zl_rejects_bad_input() {
    // 2 digits: no byte count gives it (1 byte is 3 digits, 2 bytes 5).
    assert_eq!(
        unpack_zl("12"),
        Err(DecodeError::BadDigitCount { count: 2 })
    );
    assert_eq!(
        unpack_zl("81921"),
        Err(DecodeError::GroupTooLarge { index: 0 })
    );
    // 3 tail bits cannot hold 8.
    assert_eq!(
        unpack_zl("00008"),
        Err(DecodeError::GroupTooLarge { index: 4 })
    );
    assert_eq!(unpack_zl("1x3"), Err(DecodeError::BadDigit { index: 1 }));
}

/// Packs random data with 6.12's packer as a QR decoder reads it back, and
/// checks that unpacking gives the data back whenever 6.12 did not lose
/// digits, that only 4-, 7- and 10-bit tails are flagged, that every loss
/// happens on a flagged tail, and that the true data is then among the
/// alternatives.
#[test]
fn zl_round_trips_and_flags_exactly_the_lossy_tails() {
    let mut rng = Rng::new(2);
    let (mut losses, mut flagged) = (0, 0);
    for i in 0..4000 {
        let len = 1 + (i % 160);
        let data = rng.bytes(len);
        let start = (rng.below(8) + 20) as usize;
        let digits = pack_zl_612(&data, start);
        let u = unpack_zl(&digits).unwrap();
        let tail_bits = len * 8 % 13;
        assert_eq!(u.tail_bits, tail_bits);
        assert_eq!(u.lossy_tail, zl_tail_is_lossy(tail_bits));
        assert_eq!(zl_tail_is_lossy(tail_bits), matches!(tail_bits, 4 | 7 | 10));
        flagged += usize::from(u.lossy_tail);
        if digits == ideal_zl(&data) {
            assert_eq!(u.bytes, data, "len {len}");
        } else {
            losses += 1;
            assert!(u.lossy_tail, "loss on an unflagged tail, len {len}");
            assert!(
                u.bytes == data || u.alternatives.contains(&data),
                "len {len}: {digits}"
            );
            // Only the last 25 bits can differ (a 13-bit group and a tail).
            let keep = (len * 8 - 25) / 8;
            assert_eq!(u.bytes[..keep], data[..keep]);
        }
    }
    // About 3 tails in 13 are flagged and 1 payload in 21 loses digits.
    assert!((800..1100).contains(&flagged), "{flagged} flagged");
    assert!((120..280).contains(&losses), "{losses} losses");
}

/// The one case where 6.12's sum does not fit its 10-bit QR group: a 7-bit
/// tail of at least 124 after a carried 9. Its top bit is dropped, or ORed
/// into the previous group, depending on where the segment starts.
#[test]
fn zl_recovers_the_overflowing_group() {
    // 22 bytes: 13 full groups (so one digit is carried) and a 7-bit tail.
    let mut rng = Rng::new(3);
    for tail in 124..=127u32 {
        for start in 0..8 {
            let mut groups: Vec<u32> = (0..13).map(|_| rng.below(8192) as u32).collect();
            groups[12] = 8189; // ends in 9
            let mut bits: Vec<bool> = Vec::new();
            for g in &groups {
                bits.extend((0..13).rev().map(|i| g >> i & 1 == 1));
            }
            bits.extend((0..7).rev().map(|i| tail >> i & 1 == 1));
            let data: Vec<u8> = bits
                .chunks(8)
                .map(|c| c.iter().fold(0, |b, &x| b << 1 | u8::from(x)))
                .collect();
            assert_eq!(data.len(), 22);
            let digits = pack_zl_612(&data, 20 + start);
            assert_ne!(digits, ideal_zl(&data));
            let u = unpack_zl(&digits).unwrap();
            assert!(u.lossy_tail);
            assert!(
                u.bytes == data || u.alternatives.contains(&data),
                "tail {tail} start {start}: {digits}"
            );
        }
    }
}

// ----------------------------------------------------------------------------
// URLs
// ----------------------------------------------------------------------------

#[test]
fn url_parameters_in_any_order() {
    let a = parse_panic_url("https://panic.example/qr?a=aarch64&v=6.15.0-rc1&d=1&z=00513").unwrap();
    let b = parse_panic_url("https://panic.example/qr?z=00513&d=1&v=6.15.0-rc1&a=aarch64").unwrap();
    assert_eq!(a, b);
    assert_eq!(a.base, "https://panic.example/qr");
    assert_eq!(a.arch.as_deref(), Some("aarch64"));
    assert_eq!(a.release.as_deref(), Some("6.15.0-rc1"));
    assert_eq!(a.dictionary, Some(1));
    assert_eq!(a.distribution.as_deref(), Some("1"));
    assert!(!a.fragment);
    assert_eq!(a.packing, Packing::Mainline);
    assert_eq!(a.digits, "00513");
    // `zd` names the dictionary now, and wins over an older `d`.
    let c = parse_panic_url("https://panic.example/qr?a=aarch64&v=6.15.0-rc1&zd=2&d=1&z=00513")
        .unwrap();
    assert_eq!(
        (c.dictionary, c.distribution.as_deref()),
        (Some(2), Some("1"))
    );
}

/// The deployed page's rule: the query when it has `z` or `zl`, else the
/// fragment, with or without a leading `?`.
#[test]
fn url_parameters_in_the_fragment() {
    let u = parse_panic_url("https://host/report#?a=x86_64&v=6.18.0&z=00513").unwrap();
    assert!(u.fragment);
    assert_eq!(u.base, "https://host/report#");
    assert_eq!(u.arch.as_deref(), Some("x86_64"));
    assert_eq!(u.release.as_deref(), Some("6.18.0"));
    assert_eq!((u.packing, u.digits.as_str()), (Packing::Mainline, "00513"));
    let v = parse_panic_url("https://host/report#a=x86_64&v=6.18.0&zl=171").unwrap();
    assert_eq!((v.packing, v.digits.as_str()), (Packing::Linux612, "171"));
    assert_eq!(v.arch.as_deref(), Some("x86_64"));
    // A query without a payload gives way to the fragment, all of whose
    // parameters count: none come from the query.
    let w = parse_panic_url("https://host/r?a=query&d=fedora#?v=6.18&zd=2&z=255").unwrap();
    assert!(w.fragment);
    assert_eq!(w.base, "https://host/r?a=query&d=fedora#");
    assert_eq!((w.arch, w.distribution), (None, None));
    assert_eq!(
        (w.release.as_deref(), w.dictionary),
        (Some("6.18"), Some(2))
    );
    // A query with a payload wins over the fragment.
    let q = parse_panic_url("https://host/r?a=q&z=255#?a=f&z=00513").unwrap();
    assert!(!q.fragment);
    assert_eq!(
        (q.base.as_str(), q.arch.as_deref()),
        ("https://host/r", Some("q"))
    );
    assert_eq!(q.digits, "255");
    // Neither part has a payload.
    assert_eq!(
        parse_panic_url("https://host/r?a=x#?v=y"),
        Err(DecodeError::NotPanicUrl)
    );
    assert_eq!(
        parse_panic_url("https://host/r#"),
        Err(DecodeError::NotPanicUrl)
    );
}

#[test]
fn url_without_optional_parts() {
    let u = parse_panic_url("http://x/?zl=171").unwrap();
    assert_eq!((u.arch, u.release, u.dictionary), (None, None, None));
    assert_eq!(u.packing, Packing::Linux612);
    // Unknown parameters and a fragment are ignored.
    let u = parse_panic_url("http://x/?foo=bar&z=255&x#frag").unwrap();
    assert_eq!(u.digits, "255");
    // Of a repeated parameter the first counts, as `URLSearchParams.get`.
    let u = parse_panic_url("http://x/?a=one&z=255&a=two&z=00513").unwrap();
    assert_eq!((u.arch.as_deref(), u.digits.as_str()), (Some("one"), "255"));
    // Percent-encoding is undone where present, harmless where absent.
    let u = parse_panic_url("http://x/?v=6.1%2Bdebian&a=x86_64&z=").unwrap();
    assert_eq!(u.release.as_deref(), Some("6.1+debian"));
    assert_eq!(u.arch.as_deref(), Some("x86_64"));
    assert_eq!(
        parse_panic_url("http://x/?a=b"),
        Err(DecodeError::NotPanicUrl)
    );
    // `d` is the distribution to the deployed page: a name is no error.
    let u = parse_panic_url("http://x/?d=fedora%2042&z=255").unwrap();
    assert_eq!(
        (u.distribution.as_deref(), u.dictionary),
        (Some("fedora 42"), None)
    );
    assert_eq!(
        parse_panic_url("http://x/?zd=one&z=255"),
        Err(DecodeError::BadDictionaryParam)
    );
}

// ----------------------------------------------------------------------------
// Inflating
// ----------------------------------------------------------------------------

#[test]
fn adler32_known_values() {
    // From RFC 1950's definition: "Wikipedia" is 0x11E60398.
    assert_eq!(adler32(b"Wikipedia"), 0x11e6_0398);
    assert_eq!(adler32(b""), 1);
    // Long input exercises the modular reduction.
    let long = vec![0xffu8; 100_000];
    let (mut a, mut b) = (1u64, 0u64);
    for &x in &long {
        a = (a + u64::from(x)) % 65521;
        b = (b + a) % 65521;
    }
    assert_eq!(adler32(&long), (b << 16 | a) as u32);
}

fn sample_log() -> Vec<u8> {
    let mut log = Vec::new();
    for i in 0..200 {
        log.extend_from_slice(
            format!(
                "[ {i:4}.{:06}] Call Trace: <TASK> dump_stack_lvl+0x{:x}/0x80\n",
                i * 37,
                i
            )
            .as_bytes(),
        );
    }
    log
}

#[test]
fn inflate_without_dictionary() {
    let log = sample_log();
    let z = zlib(&log, None);
    let out = inflate_zlib(&z, None).unwrap();
    assert_eq!(out.data, log);
    assert_eq!(out.checksum, Checksum::Verified);
    assert_eq!(out.dictionary_adler, None);
}

#[test]
fn inflate_with_dictionary() {
    let dict: &[u8] =
        b"Call Trace: <TASK> dump_stack_lvl+0x ] RIP: 0010: Kernel panic - not syncing";
    let log = sample_log();
    let with = zlib(&log, Some(dict));
    let without = zlib(&log, None);
    assert!(with.len() < without.len(), "the dictionary should help");
    assert_eq!(with[1] & 0x20, 0x20, "FDICT set");
    let out = inflate_zlib(&with, Some(dict)).unwrap();
    assert_eq!(out.data, log);
    assert_eq!(out.checksum, Checksum::Verified);
    assert_eq!(out.dictionary_adler, Some(adler32(dict)));
    assert_eq!(
        inflate_zlib(&with, None),
        Err(DecodeError::DictionaryNeeded {
            adler: adler32(dict)
        })
    );
    assert_eq!(
        inflate_zlib(&with, Some(b"another dictionary")),
        Err(DecodeError::DictionaryMismatch {
            expected: adler32(dict),
            actual: adler32(b"another dictionary")
        })
    );
}

#[test]
fn inflate_reports_damage() {
    let log = sample_log();
    let mut z = zlib(&log, None);
    // A damaged trailer keeps the data.
    let last = z.len() - 1;
    z[last] ^= 1;
    let out = inflate_zlib(&z, None).unwrap();
    assert_eq!(out.data, log);
    assert!(matches!(out.checksum, Checksum::Mismatch { .. }));
    // A missing trailer too.
    let out = inflate_zlib(&z[..last - 3], None).unwrap();
    assert_eq!((out.data, out.checksum), (log, Checksum::Missing));
    // Cut data and bad headers are errors.
    assert_eq!(
        inflate_zlib(&z[..z.len() / 2], None),
        Err(DecodeError::TruncatedDeflate)
    );
    assert_eq!(inflate_zlib(b"\x78", None), Err(DecodeError::BadZlibHeader));
    assert_eq!(
        inflate_zlib(b"\x78\x9d\0\0", None),
        Err(DecodeError::BadZlibHeader)
    );
    assert_eq!(
        inflate_zlib(b"\x79\x9c\0\0", None),
        Err(DecodeError::BadZlibHeader)
    );
}

#[test]
fn inflate_rejects_garbage_without_panicking() {
    let mut rng = Rng::new(4);
    for len in 0..2000 {
        let mut data = rng.bytes(len % 97);
        if data.len() >= 2 {
            data[0] = 0x78;
            data[1] = 0x9c;
        }
        let _ = inflate_zlib(&data, None);
        let _ = decode_payload(format!("https://x/?z={}", pack_z(&data)).as_bytes());
    }
}

// ----------------------------------------------------------------------------
// Whole payloads
// ----------------------------------------------------------------------------

static TEST_DICT: &[u8] = b"Kernel panic - not syncing: Call Trace: <TASK> RIP: 0010:";

fn test_dict(id: u32) -> Option<&'static [u8]> {
    (id == 7).then_some(TEST_DICT)
}

#[test]
fn payload_mainline_with_dictionary() {
    let log = sample_log();
    let z = zlib(&log, Some(TEST_DICT));
    let url = format!(
        "https://p.example/?a=riscv64&v=6.16.0&zd=7&z={}",
        pack_z(&z)
    );
    let d = decode_payload_with(url.as_bytes(), &test_dict).unwrap();
    assert_eq!(d.log, log);
    assert_eq!(d.compressed_len, z.len());
    assert_eq!(d.checksum, Checksum::Verified);
    assert!(d.warnings.is_empty());
    let u = d.url.unwrap();
    assert_eq!(
        (u.arch.as_deref(), u.release.as_deref()),
        (Some("riscv64"), Some("6.16.0"))
    );
    assert_eq!(
        decode_payload_with(url.replace("zd=7", "zd=8").as_bytes(), &test_dict),
        Err(DecodeError::UnknownDictionary { id: 8 })
    );
    // Codes made before `zd` named it with `d`, in the query or the
    // fragment.
    for legacy in [
        url.replace("zd=7", "d=7"),
        url.replace("/?", "/#?").replace("zd=7", "d=7"),
    ] {
        let d = decode_payload_with(legacy.as_bytes(), &test_dict).unwrap();
        assert_eq!(d.log, log, "{legacy}");
        assert_eq!(
            decode_payload_with(legacy.replace("d=7", "d=8").as_bytes(), &test_dict),
            Err(DecodeError::UnknownDictionary { id: 8 })
        );
    }
}

/// A `d` the stream does not need is a distribution: an unknown number or a
/// name decodes a plain stream, from the query or the fragment.
#[test]
fn payload_with_a_distribution() {
    let log = sample_log();
    let digits = pack_z(&zlib(&log, None));
    for url in [
        format!("https://p.example/?a=x86_64&v=6.18&d=9&z={digits}"),
        format!("https://p.example/?a=x86_64&v=6.18&d=2&z={digits}"),
        format!("https://p.example/#?a=x86_64&v=6.18&d=fedora&z={digits}"),
    ] {
        let d = decode_payload(url.as_bytes()).unwrap_or_else(|e| panic!("{url}: {e}"));
        assert_eq!(d.log, log, "{url}");
        assert!(d.url.unwrap().distribution.is_some());
    }
}

#[test]
fn payload_raw_bytes_are_the_log() {
    let log = b"[    1.000000] Kernel panic - not syncing: VFS: Unable to mount root fs\n\xff";
    let d = decode_payload(log).unwrap();
    assert_eq!(d.log, log);
    assert!(d.url.is_none());
    // A URL-looking first line followed by more text is a log too.
    let text = b"https://x/?z=255\nsecond line";
    assert_eq!(decode_payload(text).unwrap().log, text);
}

/// Real crash logs through 6.12's packer: every payload decodes to its log,
/// with a warning exactly when 6.12 lost digits, and the checksum verified
/// after the repair.
#[test]
fn payload_612_corpus_and_random_cuts() {
    let mut rng = Rng::new(5);
    let corpus = decode_support::corpus();
    let texts: Vec<Vec<u8>> = if corpus.is_empty() {
        vec![sample_log()]
    } else {
        corpus.into_iter().map(|(_, t)| t).collect()
    };
    let (mut repaired, mut total) = (0, 0);
    for text in &texts {
        for _ in 0..30 {
            let start = rng.below(text.len() as u64 / 2) as usize;
            let end = (start + 200 + rng.below(1500) as usize).min(text.len());
            let log = &text[start..end];
            let z = zlib(log, None);
            let digits = pack_zl_612(&z, 4 + 16 + 8 * 40 + 4 + 12);
            let lost = digits != ideal_zl(&z);
            let url = format!("https://p/?a=x86_64&v=6.12.0&zl={digits}");
            let d = decode_payload(url.as_bytes()).unwrap();
            assert_eq!(d.log, log);
            assert_eq!(d.checksum, Checksum::Verified);
            assert_eq!(d.warnings.len(), usize::from(lost), "{:?}", d.warnings);
            repaired += usize::from(lost);
            total += 1;
        }
    }
    assert!(repaired > 0 || total < 100, "no lossy payload in {total}");
}

#[test]
fn payload_with_each_shipped_dictionary() {
    use panicqr_tools::decode::{KMSG_DICTIONARY_1, KMSG_DICTIONARY_2};
    let log = sample_log();
    for (id, other, dictionary) in [(1, 2, KMSG_DICTIONARY_1), (2, 1, KMSG_DICTIONARY_2)] {
        assert!(dictionary.len() > 256);
        let z = zlib(&log, Some(dictionary));
        let url = format!("https://p/?a=arm64&v=6.18&d={id}&z={}", pack_z(&z));
        let d = decode_payload(url.as_bytes()).unwrap();
        assert_eq!(d.log, log);
        assert_eq!(d.checksum, Checksum::Verified);
        // The same stream named by today's marker, in the fragment.
        let today = url.replace("/?", "/#?").replace("&d=", "&zd=");
        assert_eq!(decode_payload(today.as_bytes()).unwrap().log, log);
        // Without `d=` the stream cannot be read, nor with the other id.
        assert!(matches!(
            decode_payload(url.replace(&format!("&d={id}"), "").as_bytes()),
            Err(DecodeError::DictionaryNeeded { .. })
        ));
        assert!(matches!(
            decode_payload(
                url.replace(&format!("&d={id}"), &format!("&d={other}"))
                    .as_bytes()
            ),
            Err(DecodeError::DictionaryMismatch { .. })
        ));
    }
}

/// The encoder's dictionary is the decoder's newest one, and the frozen
/// `d=1` dictionary is still the one codes were made with.
#[test]
fn shipped_dictionaries_match_the_encoder_and_stay_frozen() {
    use panicqr::payload::{KMSG_DICTIONARY, KMSG_DICTIONARY_ID};
    use panicqr_tools::decode::{builtin_dictionary, KMSG_DICTIONARY_1};
    assert_eq!(
        builtin_dictionary(u32::from(KMSG_DICTIONARY_ID)),
        Some(KMSG_DICTIONARY)
    );
    // Adler-32 of core/dict/kmsg-1.bin as shipped (its zlib DICTID).
    assert_eq!(
        panicqr::payload::deflate::adler32(1, KMSG_DICTIONARY_1),
        0x7390_a70a
    );
}
