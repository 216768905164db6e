//! The URL: `<base>?a=<arch>&v=<release>[&zd=2]&z=`, the byte segment
//! before the compressed log, in the wire format of the decoder page
//! distributions deploy (see the [payload documentation](super)).

use super::deflate::Effort;
use super::dictionary::KMSG_DICTIONARY_ID;
use crate::qr::encode::Options;
use crate::Error;

/// What [`encode_kmsg`](super::encode_kmsg) puts in the code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KmsgRequest<'a> {
    /// The base URL, or `None` to carry the raw log.
    pub base_url: Option<&'a [u8]>,
    /// The machine name, sent as `a` (for example `x86_64`).
    pub arch: &'a [u8],
    /// The kernel release, sent as `v`.
    pub release: &'a [u8],
    /// Allow [`KMSG_DICTIONARY`](super::KMSG_DICTIONARY):
    /// [`encode_kmsg`](super::encode_kmsg) fits the tail with and without
    /// it and keeps whichever carries more of the log (the URL then has
    /// `&zd=2`; a tie keeps the plain stream). Off (`false`, as a zeroed
    /// request has it) for the decoder page distributions deploy, which
    /// reads no dictionary: a code made with it shows no log there.
    pub dictionary: bool,
    /// How hard the compressor works: [`Effort::Best`] carries the most
    /// log; [`Effort::Fast`] fits a few times quicker and carries a few
    /// percent less (see [`fit_compressed_with`](super::fit_compressed_with)).
    pub effort: Effort,
    /// The version range, level and drawing options of the code.
    pub options: Options,
}

/// `&zd=2`, as the URL holds it.
const DICTIONARY_PARAM: &[u8] = &[b'&', b'z', b'd', b'=', b'0' + KMSG_DICTIONARY_ID];

/// The dictionary's URL parameter with the dictionary, else nothing.
fn dictionary_param(dictionary: bool) -> &'static [u8] {
    if dictionary {
        DICTIONARY_PARAM
    } else {
        b""
    }
}

/// What goes between the base URL and `a=`: `?`, or nothing when the base
/// already ends in `?` or `&`. A base ending in `#` gets `#?a=`, the
/// fragment form of the deployed decoder page.
fn query_separator(base: &[u8]) -> &'static [u8] {
    match base.last() {
        Some(b'?' | b'&') => b"",
        _ => b"?",
    }
}

/// Returns the length of the URL prefix `request` gives, 0 without a base
/// URL.
pub fn url_prefix_len(request: &KmsgRequest<'_>) -> usize {
    prefix_len(request, request.dictionary)
}

/// [`url_prefix_len`], with the dictionary's parameter if `dictionary`
/// rather than if the request allows it.
pub(super) fn prefix_len(request: &KmsgRequest<'_>, dictionary: bool) -> usize {
    match request.base_url {
        None => 0,
        // Saturated: a length past `usize::MAX` fits no buffer and no
        // code either, and says so.
        Some(base) => [
            base,
            query_separator(base),
            b"a=",
            request.arch,
            b"&v=",
            request.release,
            dictionary_param(dictionary),
            b"&z=",
        ]
        .iter()
        .fold(0usize, |len, part| len.saturating_add(part.len())),
    }
}

/// Writes `<base>?a=<arch>&v=<release>[&zd=2]&z=` to the start of `out` and
/// returns its length (0 without a base URL). The parts are copied as they
/// are, not percent-encoded; the `?` is left out when the base already ends
/// in `?` or `&`, so a base ending in `#` gives `<base>#?a=...`.
///
/// # Errors
///
/// [`Error::BufferTooSmall`] when `out` is shorter than [`url_prefix_len`].
pub fn write_url_prefix(request: &KmsgRequest<'_>, out: &mut [u8]) -> Result<usize, Error> {
    write_prefix(request, request.dictionary, out)
}

/// [`write_url_prefix`], with the dictionary's parameter if `dictionary`
/// rather than if the request allows it.
pub(super) fn write_prefix(
    request: &KmsgRequest<'_>,
    dictionary: bool,
    out: &mut [u8],
) -> Result<usize, Error> {
    let Some(base) = request.base_url else {
        return Ok(0);
    };
    let needed = prefix_len(request, dictionary);
    let out = out
        .get_mut(..needed)
        .ok_or(Error::BufferTooSmall { needed })?;
    let dict = dictionary_param(dictionary);
    // The parts add up to `needed`, so every part has its room.
    let mut at = 0usize;
    for part in [
        base,
        query_separator(base),
        b"a=",
        request.arch,
        b"&v=",
        request.release,
        dict,
        b"&z=",
    ] {
        // Within `needed`: no wrap.
        let end = at.wrapping_add(part.len());
        if let Some(room) = out.get_mut(at..end) {
            room.copy_from_slice(part);
        }
        at = end;
    }
    debug_assert_eq!(at, needed);
    Ok(needed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_prefix_is_linux_shaped() {
        let mut request = KmsgRequest {
            base_url: Some(b"https://p.example/"),
            arch: b"arm64",
            release: b"6.12",
            dictionary: false,
            effort: Effort::Best,
            options: Options::default(),
        };
        let mut out = [0u8; 64];
        let n = write_url_prefix(&request, &mut out).unwrap();
        assert_eq!(&out[..n], b"https://p.example/?a=arm64&v=6.12&z=");
        request.dictionary = true;
        let n = write_url_prefix(&request, &mut out).unwrap();
        assert_eq!(&out[..n], b"https://p.example/?a=arm64&v=6.12&zd=2&z=");
        assert_eq!(n, url_prefix_len(&request));
        assert_eq!(
            write_url_prefix(&request, &mut out[..10]),
            Err(Error::BufferTooSmall { needed: n })
        );
    }

    #[test]
    fn url_prefix_never_doubles_a_separator() {
        let mut request = KmsgRequest {
            base_url: None,
            arch: b"x86_64",
            release: b"6.18.0",
            dictionary: false,
            effort: Effort::Best,
            options: Options::default(),
        };
        let mut out = [0u8; 80];
        for (base, want) in [
            // The fragment form of the deployed page: the log stays on the
            // phone.
            (
                &b"https://p.example/r#"[..],
                &b"https://p.example/r#?a=x86_64&v=6.18.0&z="[..],
            ),
            (
                b"https://p.example/r",
                b"https://p.example/r?a=x86_64&v=6.18.0&z=",
            ),
            (
                b"https://p.example/r?",
                b"https://p.example/r?a=x86_64&v=6.18.0&z=",
            ),
            (
                b"https://p.example/r#?",
                b"https://p.example/r#?a=x86_64&v=6.18.0&z=",
            ),
            (
                b"https://p.example/r#?d=debian&",
                b"https://p.example/r#?d=debian&a=x86_64&v=6.18.0&z=",
            ),
        ] {
            request.base_url = Some(base);
            let n = write_url_prefix(&request, &mut out).unwrap();
            assert_eq!(&out[..n], want);
            assert_eq!(n, url_prefix_len(&request));
        }
        request.base_url = Some(b"https://p.example/r#");
        request.dictionary = true;
        let n = write_url_prefix(&request, &mut out).unwrap();
        assert_eq!(&out[..n], b"https://p.example/r#?a=x86_64&v=6.18.0&zd=2&z=");
    }
}
