//! Reading a panic payload back: URL parsing, digit unpacking and inflating.
//!
//! A panic QR code holds one of two things:
//!
//! - a URL `<base>?a=<arch>&v=<release>[&zd=<id>]&z=<digits>` (mainline
//!   packing) or `...&zl=<digits>` (Linux 6.12's packing), where the digits
//!   pack a zlib stream holding the end of the kernel log. The parameters
//!   may also sit in the fragment, `<base>#?a=...`: as the decoder page
//!   distributions deploy (`github.com/kdj0c/panic_report`) does, they are
//!   read from the query when it has `z` or `zl`, else from the fragment.
//!   `zd` names a preset dictionary; codes made before it named one with
//!   `d=1` or `d=2`, which that page shows as the distribution;
//! - or, when no URL is configured, the log text itself.
//!
//! [`decode_payload`] takes the bytes a QR decoder returned and gives back the
//! log; the stages it is made of are public too.

use std::fmt;

use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;
use panicqr::payload::deflate::adler32;

/// The largest log [`inflate_zlib`] produces, a guard against zlib bombs.
pub const MAX_INFLATED_LEN: usize = 16 << 20;

/// Why a payload could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The text is a URL but has neither a `z=` nor a `zl=` parameter.
    NotPanicUrl,
    /// The character at byte `index` of the digits is not a decimal digit.
    BadDigit {
        /// Byte offset into the digit string.
        index: usize,
    },
    /// No byte count packs into `count` digits.
    BadDigitCount {
        /// Number of digits received.
        count: usize,
    },
    /// The group of digits starting at `index` is larger than its bits allow.
    GroupTooLarge {
        /// Byte offset of the group in the digit string.
        index: usize,
    },
    /// The `zd=` parameter is not a number.
    BadDictionaryParam,
    /// The zlib stream needs the dictionary the URL names, and this decoder
    /// does not have it.
    UnknownDictionary {
        /// The `zd=` (or older `d=`) value.
        id: u32,
    },
    /// The zlib stream needs a preset dictionary but the URL named none.
    DictionaryNeeded {
        /// Adler-32 of the dictionary, from the zlib header.
        adler: u32,
    },
    /// The zlib stream was compressed with another dictionary.
    DictionaryMismatch {
        /// Adler-32 named by the zlib header.
        expected: u32,
        /// Adler-32 of the dictionary we have.
        actual: u32,
    },
    /// The first two bytes are not a zlib header for deflate.
    BadZlibHeader,
    /// The deflate data is corrupt.
    CorruptDeflate,
    /// The deflate data ends before its last block.
    TruncatedDeflate,
    /// The log would be longer than [`MAX_INFLATED_LEN`].
    TooLong,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotPanicUrl => write!(f, "URL has no z= or zl= parameter"),
            Self::BadDigit { index } => write!(f, "not a decimal digit at offset {index}"),
            Self::BadDigitCount { count } => {
                write!(f, "{count} digits is not a length the packing produces")
            }
            Self::GroupTooLarge { index } => {
                write!(f, "digit group at offset {index} is too large for its bits")
            }
            Self::BadDictionaryParam => write!(f, "zd= is not a number"),
            Self::UnknownDictionary { id } => write!(f, "unknown dictionary {id}"),
            Self::DictionaryNeeded { adler } => write!(
                f,
                "zlib stream needs a preset dictionary (Adler-32 {adler:08x}) but the URL names none"
            ),
            Self::DictionaryMismatch { expected, actual } => write!(
                f,
                "zlib stream wants dictionary {expected:08x}, ours is {actual:08x}"
            ),
            Self::BadZlibHeader => write!(f, "not a zlib stream (bad header)"),
            Self::CorruptDeflate => write!(f, "corrupt deflate data"),
            Self::TruncatedDeflate => write!(f, "deflate data is truncated"),
            Self::TooLong => write!(f, "log longer than {MAX_INFLATED_LEN} bytes"),
        }
    }
}

impl std::error::Error for DecodeError {}

// ---------------------------------------------------------------------------
// URL parsing
// ---------------------------------------------------------------------------

/// How the compressed bytes were turned into decimal digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Packing {
    /// Mainline `z=`: 7 little-endian bytes become 17 digits.
    Mainline,
    /// Linux 6.12 `zl=`: 13 big-endian bits become 4 digits.
    Linux612,
}

/// The parts of a panic URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PanicUrl {
    /// Everything before the parameters: before the `?` when they are in
    /// the query, up to and with the `#` when they are in the fragment.
    pub base: String,
    /// The parameters came from the fragment (`<base>#?a=...`): the query
    /// had neither `z` nor `zl`.
    pub fragment: bool,
    /// The `a=` parameter: the machine architecture.
    pub arch: Option<String>,
    /// The `v=` parameter: the kernel release.
    pub release: Option<String>,
    /// The `d=` parameter, which the deployed decoder page shows as the
    /// distribution.
    pub distribution: Option<String>,
    /// The preset dictionary id: `zd=`, or for codes made before it, a
    /// number in `d=`. Used only when the zlib stream asks for a dictionary.
    pub dictionary: Option<u32>,
    /// Which parameter held the digits.
    pub packing: Packing,
    /// The digits, as received.
    pub digits: String,
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Undoes `%XX` escapes; anything that is not a valid escape stays as it is.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let escaped = match (b[i], b.get(i + 1), b.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) => hex_value(h).zip(hex_value(l)),
            _ => None,
        };
        match escaped {
            Some((h, l)) => {
                out.push(h << 4 | l);
                i += 3;
            }
            None => {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The parameters of one part of a URL (the query or the fragment), first
/// occurrence of each kept, as `URLSearchParams.get` does.
#[derive(Default)]
struct Params<'a> {
    a: Option<&'a str>,
    v: Option<&'a str>,
    d: Option<&'a str>,
    zd: Option<&'a str>,
    z: Option<&'a str>,
    zl: Option<&'a str>,
}

impl<'a> Params<'a> {
    fn parse(part: &'a str) -> Self {
        let mut params = Params::default();
        // `URLSearchParams` drops one leading `?`: `#?a=...` reads as `a=...`.
        let part = part.strip_prefix('?').unwrap_or(part);
        for pair in part.split('&') {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let slot = match key {
                "a" => &mut params.a,
                "v" => &mut params.v,
                "d" => &mut params.d,
                "zd" => &mut params.zd,
                "z" => &mut params.z,
                "zl" => &mut params.zl,
                _ => continue,
            };
            slot.get_or_insert(value);
        }
        params
    }

    /// Whether this part holds a payload: a `z` or a `zl`. (The deployed
    /// page also passes over an empty one; no encoder writes that.)
    fn has_payload(&self) -> bool {
        self.z.is_some() || self.zl.is_some()
    }
}

/// Splits a panic URL into its parameters.
///
/// As the deployed decoder page does, the parameters come from the query
/// when it has a `z` or `zl`, and otherwise from the fragment (after `#`,
/// with or without a leading `?`). They may come in any order; unknown ones
/// are ignored, and of a repeated one the first counts. `a`, `v` and `d` are
/// percent-decoded if they are escaped. When both `z` and `zl` are present,
/// `z` wins. A `d` that is not a number is a distribution name, not an
/// error.
///
/// ```
/// use panicqr_tools::decode::{parse_panic_url, Packing};
/// let url = parse_panic_url("https://p.example/?a=x86_64&v=6.12.1&zl=1234").unwrap();
/// assert_eq!(url.arch.as_deref(), Some("x86_64"));
/// assert_eq!(url.packing, Packing::Linux612);
/// assert_eq!(url.digits, "1234");
/// let url = parse_panic_url("https://p.example/#?a=arm64&v=6.18&z=255").unwrap();
/// assert!(url.fragment);
/// assert_eq!((url.base.as_str(), url.digits.as_str()), ("https://p.example/#", "255"));
/// ```
pub fn parse_panic_url(text: &str) -> Result<PanicUrl, DecodeError> {
    let text = text.trim();
    let (before_hash, fragment) = match text.split_once('#') {
        Some((before, fragment)) => (before, Some(fragment)),
        None => (text, None),
    };
    let query = before_hash.split_once('?').map(|(_, query)| query);
    let query_params = query.map(Params::parse);
    let (base, params, in_fragment) = match (query_params, fragment) {
        (Some(params), _) if params.has_payload() => {
            let base = before_hash.split('?').next().unwrap_or("");
            (base, params, false)
        }
        (_, Some(fragment)) => {
            let params = Params::parse(fragment);
            if !params.has_payload() {
                return Err(DecodeError::NotPanicUrl);
            }
            (&text[..before_hash.len() + 1], params, true)
        }
        _ => return Err(DecodeError::NotPanicUrl),
    };
    let dictionary = match (params.zd, params.d) {
        (Some(zd), _) => Some(zd.parse().map_err(|_| DecodeError::BadDictionaryParam)?),
        // Codes made before `zd` named the dictionary with a number in `d`.
        (None, Some(d)) => d.parse().ok(),
        (None, None) => None,
    };
    let (packing, digits) = match (params.z, params.zl) {
        (Some(d), _) => (Packing::Mainline, d),
        (None, Some(d)) => (Packing::Linux612, d),
        (None, None) => return Err(DecodeError::NotPanicUrl),
    };
    Ok(PanicUrl {
        base: base.to_owned(),
        fragment: in_fragment,
        arch: params.a.map(percent_decode),
        release: params.v.map(percent_decode),
        distribution: params.d.map(percent_decode),
        dictionary,
        packing,
        digits: digits.to_owned(),
    })
}

fn digit_values(digits: &str) -> Result<Vec<u8>, DecodeError> {
    digits
        .bytes()
        .enumerate()
        .map(|(index, b)| match b {
            b'0'..=b'9' => Ok(b - b'0'),
            _ => Err(DecodeError::BadDigit { index }),
        })
        .collect()
}

fn number(digits: &[u8]) -> u64 {
    digits.iter().fold(0, |n, &d| n * 10 + u64::from(d))
}

// ---------------------------------------------------------------------------
// Mainline packing (z=)
// ---------------------------------------------------------------------------

/// Digits for a tail of 0 to 7 bytes: the width of the largest such value.
const Z_DIGITS: [usize; 8] = [0, 3, 5, 8, 10, 13, 15, 17];

/// Number of digits the mainline packing makes of `bytes` bytes.
pub fn z_digit_count(bytes: usize) -> usize {
    bytes / 7 * Z_DIGITS[7] + Z_DIGITS[bytes % 7]
}

/// Unpacks mainline `z=` digits: every 17 digits are a little-endian 56-bit
/// number (7 bytes), a shorter final group holds 1 to 6 bytes.
///
/// ```
/// use panicqr_tools::decode::unpack_z;
/// // 0x0201 = 513, one 2-byte tail of 5 digits.
/// assert_eq!(unpack_z("00513").unwrap(), [1, 2]);
/// ```
pub fn unpack_z(digits: &str) -> Result<Vec<u8>, DecodeError> {
    let values = digit_values(digits)?;
    let tail_digits = values.len() % Z_DIGITS[7];
    let tail_bytes = Z_DIGITS
        .iter()
        .position(|&d| d == tail_digits)
        .filter(|&b| b < 7)
        .ok_or(DecodeError::BadDigitCount {
            count: values.len(),
        })?;
    let mut out = Vec::with_capacity(values.len() / Z_DIGITS[7] * 7 + tail_bytes);
    for (i, group) in values.chunks(Z_DIGITS[7]).enumerate() {
        let bytes = if group.len() == Z_DIGITS[7] {
            7
        } else {
            tail_bytes
        };
        let n = number(group);
        if n >> (8 * bytes) != 0 {
            return Err(DecodeError::GroupTooLarge {
                index: i * Z_DIGITS[7],
            });
        }
        out.extend_from_slice(&n.to_le_bytes()[..bytes]);
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Linux 6.12 packing (zl=)
// ---------------------------------------------------------------------------

/// Digits 6.12 writes for a final group of `bits` bits (0 to 12).
fn zl_tail_digits(bits: usize) -> usize {
    match bits {
        0 => 0,
        1 => 1,
        k => (k + 1) / 3,
    }
}

/// Number of digits Linux 6.12's packing makes of `bytes` bytes.
pub fn zl_digit_count(bytes: usize) -> usize {
    let bits = bytes * 8;
    bits / 13 * 4 + zl_tail_digits(bits % 13)
}

/// Whether 6.12 can lose digits of a final group of `bits` bits: a value of
/// that many bits may not fit the digits it is given.
pub fn zl_tail_is_lossy(bits: usize) -> bool {
    matches!(bits, 4 | 7 | 10)
}

/// The result of [`unpack_zl`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZlUnpacked {
    /// The bytes, read from the digits as they are.
    pub bytes: Vec<u8>,
    /// Number of bits in the final partial group (0 to 12).
    pub tail_bits: usize,
    /// Whether the final group is one 6.12 may have written wrongly.
    pub lossy_tail: bool,
    /// Other readings of the last bytes that 6.12's lossy packing can produce
    /// the same digits from. Only a checksum tells which one is right; they
    /// differ from [`bytes`](Self::bytes) in the last 25 bits only.
    pub alternatives: Vec<Vec<u8>>,
}

/// Reads 6.12 digits as they are: every 4 digits are 13 bits, the tail
/// `tail_value` fills the last bits. `digits` covers the full groups.
fn zl_bytes(full: &[u8], tail_value: u32, tail_bits: usize) -> Result<Vec<u8>, DecodeError> {
    let total_bits = full.len() / 4 * 13 + tail_bits;
    debug_assert_eq!(total_bits % 8, 0);
    let mut out = Vec::with_capacity(total_bits / 8);
    let mut acc: u32 = 0;
    let mut acc_bits = 0;
    let mut push = |value: u32, bits: usize, acc: &mut u32, acc_bits: &mut usize| {
        *acc = (*acc << bits) | value;
        *acc_bits += bits;
        while *acc_bits >= 8 {
            *acc_bits -= 8;
            out.push((*acc >> *acc_bits) as u8);
        }
        *acc &= (1 << *acc_bits) - 1;
    };
    for (i, group) in full.chunks(4).enumerate() {
        let v = number(group) as u32;
        if v >= 1 << 13 {
            return Err(DecodeError::GroupTooLarge { index: i * 4 });
        }
        push(v, 13, &mut acc, &mut acc_bits);
    }
    if tail_bits > 0 {
        push(tail_value, tail_bits, &mut acc, &mut acc_bits);
    }
    debug_assert_eq!(acc_bits, 0);
    Ok(out)
}

/// Unpacks Linux 6.12 `zl=` digits: every 4 digits are 13 bits, most
/// significant bit first; a final group of `k` bits has `(k + 1) / 3` digits
/// (1 when `k` is 1).
///
/// 6.12 writes wrong digits when the final group has 4, 7 or 10 bits and its
/// value does not fit its digits: the value then spills into the digits of the
/// group before, and QR decoders keep only the low digits. Such a payload is
/// flagged [`lossy_tail`](ZlUnpacked::lossy_tail) and comes with the
/// [`alternatives`](ZlUnpacked::alternatives) it may have been.
///
/// ```
/// use panicqr_tools::decode::unpack_zl;
/// // 0xFF, 0x01: 13 bits 0x1FE0 = 8160, then 3 bits 001.
/// let u = unpack_zl("81601").unwrap();
/// assert_eq!(u.bytes, [0xff, 0x01]);
/// ```
pub fn unpack_zl(digits: &str) -> Result<ZlUnpacked, DecodeError> {
    let values = digit_values(digits)?;
    let count = values.len();
    // A byte is 8/13 * 4 digits on average, and the count grows with every
    // byte, so at most one byte count near count * 13 / 32 matches.
    let bytes = count * 13 / 32;
    let bytes = (bytes.saturating_sub(2)..=bytes + 2)
        .find(|&b| zl_digit_count(b) == count)
        .ok_or(DecodeError::BadDigitCount { count })?;
    let full_groups = bytes * 8 / 13;
    let tail_bits = bytes * 8 % 13;
    let (full, tail) = values.split_at(full_groups * 4);
    let tail_value = number(tail) as u32;
    if tail_value >> tail_bits != 0 {
        return Err(DecodeError::GroupTooLarge {
            index: full_groups * 4,
        });
    }
    let lossy_tail = zl_tail_is_lossy(tail_bits);
    // The digits as they are come first. On a lossy tail they may even be
    // invalid (a carried digit pushed a group past 8191): the first valid
    // other reading then takes their place.
    let mut readings = vec![zl_bytes(full, tail_value, tail_bits)];
    if lossy_tail {
        for (full, value) in zl_lossy_readings(full, tail.len(), tail_value, tail_bits) {
            readings.push(zl_bytes(&full, value, tail_bits));
        }
    }
    let first_error = readings[0].as_ref().err().cloned();
    let mut valid = Vec::new();
    for b in readings.into_iter().flatten() {
        if !valid.contains(&b) {
            valid.push(b);
        }
    }
    if valid.is_empty() {
        // Only an invalid first reading leaves nothing valid.
        return Err(first_error.unwrap_or(DecodeError::BadDigitCount { count }));
    }
    let main = valid.remove(0);
    let alternatives = valid;
    Ok(ZlUnpacked {
        bytes: main,
        tail_bits,
        lossy_tail,
        alternatives,
    })
}

/// Subtracts 1 from the number held by `digits`, wrapping at 0.
fn decrement_digits(digits: &mut [u8]) {
    for d in digits.iter_mut().rev() {
        if *d > 0 {
            *d -= 1;
            return;
        }
        *d = 9;
    }
}

/// The (full groups, tail value) pairs that 6.12 could have turned into the
/// same digits as the ones received.
///
/// 6.12 carries the last `c = full_groups % 3` digits of the last full group
/// into the QR group of the tail, and adds the tail value to them. A tail
/// value `v >= 10^t` thus adds `v / 10^t` (here always 1) to the carried
/// digits, whose overflow the QR decoder drops, and leaves `v % 10^t` in the
/// tail digits. In the one case where the sum exceeds its 10-bit QR group
/// (carry 9, tail of 7 bits at least 124), 6.12 drops the top bit or ORs it
/// into the group before.
fn zl_lossy_readings(
    full: &[u8],
    tail_digits: usize,
    tail_value: u32,
    tail_bits: usize,
) -> Vec<(Vec<u8>, u32)> {
    let mut out = Vec::new();
    let ten_t = 10u32.pow(tail_digits as u32);
    let carry = (full.len() / 4) % 3;
    let split = full.len() - carry;
    let v = tail_value + ten_t;
    if v >> tail_bits == 0 {
        let mut f = full.to_vec();
        decrement_digits(&mut f[split..]);
        out.push((f, v));
    }
    if tail_bits == 7 && carry == 1 && full.last() == Some(&0) && tail_value < 4 {
        // The QR group held 900 + v - 1024 with v in 124..=127.
        let mut f = full.to_vec();
        let last = f.len() - 1;
        f[last] = 9;
        out.push((f.clone(), tail_value + 124));
        // The dropped bit may have been ORed into the previous QR group,
        // the three digits before the carried one.
        if split >= 3 {
            let group = &mut f[split - 3..split];
            if number(group) % 2 == 1 {
                decrement_digits(group);
                out.push((f, tail_value + 124));
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Inflating
// ---------------------------------------------------------------------------

/// What the Adler-32 trailer of a zlib stream said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checksum {
    /// The trailer matches the inflated data.
    Verified,
    /// The trailer does not match.
    Mismatch {
        /// The trailer value.
        stored: u32,
        /// Adler-32 of the inflated data.
        computed: u32,
    },
    /// The stream ends before a full trailer.
    Missing,
}

/// The result of [`inflate_zlib`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inflated {
    /// The inflated data.
    pub data: Vec<u8>,
    /// Whether the trailer matched.
    pub checksum: Checksum,
    /// Adler-32 of the preset dictionary the header asked for, if any.
    pub dictionary_adler: Option<u32>,
}

/// Inflates a zlib stream, with a preset dictionary if its header asks for
/// one (FDICT).
///
/// A wrong checksum is not an error: the data is returned and
/// [`Inflated::checksum`] says so, since a damaged trailer leaves the log
/// whole.
pub fn inflate_zlib(stream: &[u8], dictionary: Option<&[u8]>) -> Result<Inflated, DecodeError> {
    let (&cmf, &flg) = match stream {
        [a, b, ..] => (a, b),
        _ => return Err(DecodeError::BadZlibHeader),
    };
    if cmf & 0x0f != 8 || cmf >> 4 > 7 || (u16::from(cmf) << 8 | u16::from(flg)) % 31 != 0 {
        return Err(DecodeError::BadZlibHeader);
    }
    let mut body = &stream[2..];
    let mut history: &[u8] = &[];
    let mut dictionary_adler = None;
    if flg & 0x20 != 0 {
        let id = body.get(..4).ok_or(DecodeError::BadZlibHeader)?;
        let expected = u32::from_be_bytes([id[0], id[1], id[2], id[3]]);
        body = &body[4..];
        let dict = dictionary.ok_or(DecodeError::DictionaryNeeded { adler: expected })?;
        let actual = adler32(1, dict);
        if actual != expected {
            return Err(DecodeError::DictionaryMismatch { expected, actual });
        }
        dictionary_adler = Some(expected);
        history = dict;
    }
    let (data, used) = inflate_raw(body, history)?;
    let computed = adler32(1, &data);
    let checksum = match body.get(used..used + 4) {
        Some(t) => {
            let stored = u32::from_be_bytes([t[0], t[1], t[2], t[3]]);
            if stored == computed {
                Checksum::Verified
            } else {
                Checksum::Mismatch { stored, computed }
            }
        }
        None => Checksum::Missing,
    };
    Ok(Inflated {
        data,
        checksum,
        dictionary_adler,
    })
}

/// Inflates raw deflate data that may refer back into `history`. Returns
/// the data and the number of input bytes its blocks used.
fn inflate_raw(input: &[u8], history: &[u8]) -> Result<(Vec<u8>, usize), DecodeError> {
    let mut state = Box::<DecompressorOxide>::default();
    let mut out = history.to_vec();
    out.resize(history.len() + 4096.max(input.len() * 4), 0);
    let mut in_pos = 0;
    let mut out_pos = history.len();
    let flags = inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    loop {
        let (status, read, written) =
            decompress(&mut state, &input[in_pos..], &mut out, out_pos, flags);
        in_pos += read;
        out_pos += written;
        match status {
            TINFLStatus::Done => break,
            TINFLStatus::HasMoreOutput => {
                if out_pos - history.len() >= MAX_INFLATED_LEN {
                    return Err(DecodeError::TooLong);
                }
                let len = (out.len() * 2).min(history.len() + MAX_INFLATED_LEN + 1);
                out.resize(len, 0);
            }
            TINFLStatus::NeedsMoreInput | TINFLStatus::FailedCannotMakeProgress => {
                return Err(DecodeError::TruncatedDeflate)
            }
            _ => return Err(DecodeError::CorruptDeflate),
        }
    }
    if out_pos - history.len() > MAX_INFLATED_LEN {
        return Err(DecodeError::TooLong);
    }
    out.truncate(out_pos);
    out.drain(..history.len());
    Ok((out, in_pos))
}

// ---------------------------------------------------------------------------
// Whole payloads
// ---------------------------------------------------------------------------

/// The first kernel-log dictionary, `d=1`: what the core crate's encoder
/// used before [`KMSG_DICTIONARY_2`]. Kept so that codes made with it still
/// decode.
pub const KMSG_DICTIONARY_1: &[u8] = include_bytes!("../../core/dict/kmsg-1.bin");

/// The kernel-log dictionary the core crate's encoder uses now, when asked
/// to: `zd=2` (`d=2` in codes made before).
pub const KMSG_DICTIONARY_2: &[u8] = include_bytes!("../../core/dict/kmsg-2.bin");

/// Preset dictionaries shipped with the core crate, by id (`zd=`, or `d=` in
/// codes made before).
pub fn builtin_dictionary(id: u32) -> Option<&'static [u8]> {
    match id {
        1 => Some(KMSG_DICTIONARY_1),
        2 => Some(KMSG_DICTIONARY_2),
        _ => None,
    }
}

/// A decoded panic payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The URL's parts, or `None` for a raw byte-mode payload.
    pub url: Option<PanicUrl>,
    /// Length of the zlib stream (0 for a raw payload).
    pub compressed_len: usize,
    /// The kernel log.
    pub log: Vec<u8>,
    /// Whether the zlib checksum matched (always `Verified` for raw payloads).
    pub checksum: Checksum,
    /// Things the reader should know, one sentence each.
    pub warnings: Vec<String>,
}

/// Decodes what a QR decoder read from a panic code, with the built-in
/// dictionaries.
///
/// A payload that does not look like a panic URL is taken as the log itself.
pub fn decode_payload(payload: &[u8]) -> Result<Decoded, DecodeError> {
    decode_payload_with(payload, &builtin_dictionary)
}

/// Like [`decode_payload`], with `dictionary` mapping `zd=` (or older `d=`)
/// ids to preset dictionaries.
pub fn decode_payload_with(
    payload: &[u8],
    dictionary: &dyn Fn(u32) -> Option<&'static [u8]>,
) -> Result<Decoded, DecodeError> {
    let url = match std::str::from_utf8(payload) {
        Ok(text) if looks_like_url(text) => match parse_panic_url(text) {
            Ok(url) => Some(url),
            Err(DecodeError::NotPanicUrl) => None,
            Err(e) => return Err(e),
        },
        _ => None,
    };
    let Some(url) = url else {
        return Ok(Decoded {
            url: None,
            compressed_len: 0,
            log: payload.to_vec(),
            checksum: Checksum::Verified,
            warnings: Vec::new(),
        });
    };
    // The dictionary is looked up only when the stream asks for one: a `d`
    // may also be a distribution's number.
    let dict = url.dictionary.and_then(dictionary);
    let inflate_zlib = |stream: &[u8], dict| {
        inflate_zlib(stream, dict).map_err(|e| match (e, url.dictionary) {
            (DecodeError::DictionaryNeeded { .. }, Some(id)) => {
                DecodeError::UnknownDictionary { id }
            }
            (e, _) => e,
        })
    };
    let mut warnings = Vec::new();
    let (compressed, inflated) = match url.packing {
        Packing::Mainline => {
            let bytes = unpack_z(&url.digits)?;
            let inflated = inflate_zlib(&bytes, dict)?;
            (bytes, inflated)
        }
        Packing::Linux612 => {
            let unpacked = unpack_zl(&url.digits)?;
            let first = inflate_zlib(&unpacked.bytes, dict)?;
            let mut chosen = (unpacked.bytes.clone(), first);
            if unpacked.lossy_tail && chosen.1.checksum != Checksum::Verified {
                let repaired = unpacked.alternatives.iter().find_map(|alt| {
                    inflate_zlib(alt, dict)
                        .ok()
                        .filter(|i| i.checksum == Checksum::Verified)
                        .map(|i| (alt.clone(), i))
                });
                match repaired {
                    Some(r) => {
                        warnings.push(
                            "Linux 6.12's packing lost digits of the last group; \
                             they were recovered and the checksum matches."
                                .to_owned(),
                        );
                        chosen = r;
                    }
                    None => warnings.push(format!(
                        "Linux 6.12's packing lost digits of the last group \
                         ({} bits): the checksum cannot be verified, but the \
                         log ends before the lost bits and is complete.",
                        unpacked.tail_bits
                    )),
                }
            }
            chosen
        }
    };
    if let Checksum::Mismatch { stored, computed } = inflated.checksum {
        if warnings.is_empty() {
            warnings.push(format!(
                "zlib checksum mismatch (stored {stored:08x}, computed {computed:08x})."
            ));
        }
    }
    if inflated.checksum == Checksum::Missing {
        warnings.push("zlib checksum missing: the stream is cut short.".to_owned());
    }
    Ok(Decoded {
        url: Some(url),
        compressed_len: compressed.len(),
        log: inflated.data,
        checksum: inflated.checksum,
        warnings,
    })
}

fn looks_like_url(text: &str) -> bool {
    let t = text.trim_start();
    let scheme_end = t.find("://").unwrap_or(0);
    scheme_end > 0
        && t[..scheme_end]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
        && !t.contains('\n')
}
