//! The tail fit: the longest end of the log, starting on a line, that fits
//! the room in the code, compressed ([`fit_compressed`], in O(log lines)
//! compressions) or raw ([`fit_raw`]).

use super::deflate;
use crate::qr::segment::{self, Mode};
use crate::qr::version::{Ecc, Version};
use crate::Error;

/// The longest tail of a log that fits, as found by [`fit_compressed`] or
/// [`fit_raw`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fit {
    /// Offset in the log of the first byte of the tail.
    pub tail_start: usize,
    /// Bytes of the zlib stream (for [`fit_raw`], of the tail).
    pub payload_len: usize,
    /// The tail does not start on a line boundary.
    pub truncated: bool,
    /// Compressions run.
    pub compressions: usize,
}

// ---------------------------------------------------------------------------
// Lines
// ---------------------------------------------------------------------------

/// The end of the log without its final newline, if any.
fn content_end(kmsg: &[u8]) -> usize {
    match kmsg.last() {
        Some(b'\n') => kmsg.len() - 1,
        _ => kmsg.len(),
    }
}

/// Returns the number of lines in the log (a final newline ends the last
/// line rather than starting a new one).
pub fn line_count(kmsg: &[u8]) -> usize {
    if kmsg.is_empty() {
        return 0;
    }
    let end = content_end(kmsg);
    // Lines of the log: no wrap.
    kmsg.get(..end)
        .unwrap_or(&[])
        .iter()
        .fold(1usize, |lines, &b| {
            lines.wrapping_add(usize::from(b == b'\n'))
        })
}

/// Returns the offset where the last `lines` lines of the log start (0 when
/// the log has no more lines than that).
pub fn last_lines_start(kmsg: &[u8], lines: usize) -> usize {
    if lines == 0 {
        return kmsg.len();
    }
    let end = content_end(kmsg);
    let mut seen = 0usize;
    let text = kmsg.get(..end).unwrap_or(&[]);
    for (i, &b) in (0..text.len()).zip(text).rev() {
        if b == b'\n' {
            // Counts and offsets within the log: no wrap.
            seen = seen.wrapping_add(1);
            if seen == lines {
                return i.wrapping_add(1);
            }
        }
    }
    0
}

// ---------------------------------------------------------------------------
// Fitting
// ---------------------------------------------------------------------------

/// Compressions of tails of one log, counted.
struct Trial<'a> {
    kmsg: &'a [u8],
    dictionary: Option<&'a [u8]>,
    compressions: usize,
    /// The tail whose stream `out` holds (when it fit).
    last_start: usize,
}

impl Trial<'_> {
    /// Compresses the tail from `start` into `out` (what fits of it) and
    /// returns the stream length: the full one when it fits in `out`, else
    /// a length more than `out.len()` (the compressor may stop early).
    fn run(&mut self, start: usize, workspace: &mut [u8], out: &mut [u8]) -> Result<usize, Error> {
        // One a call, a few dozen in all: no wrap.
        self.compressions = self.compressions.wrapping_add(1);
        self.last_start = start;
        let tail = self.kmsg.get(start..).unwrap_or(&[]);
        let limit = out.len();
        deflate::deflate(tail, self.dictionary, workspace, out, limit)
    }
}

/// Finds the longest tail of `kmsg` that starts on a line and compresses to
/// at most `out.len()` bytes, and leaves its zlib stream in
/// `out[..payload_len]`.
///
/// The search gallops from the end (1, 2, 4, … lines) and then bisects, so
/// it runs O(log lines) compressions. Compressed length grows with the tail
/// almost always; where it does not, the tail found still fits but a longer
/// one might too. When not even the last line fits, the tail is the longest
/// end of that line that fits and `truncated` is set.
///
/// `workspace` needs [`WORKSPACE_LEN`](deflate::WORKSPACE_LEN) bytes.
///
/// # Errors
///
/// - [`Error::BufferTooSmall`]: `workspace` is too short.
/// - [`Error::DataTooLong`]: `out` cannot hold even an empty stream.
pub fn fit_compressed(
    kmsg: &[u8],
    dictionary: Option<&[u8]>,
    workspace: &mut [u8],
    out: &mut [u8],
) -> Result<Fit, Error> {
    let capacity = out.len();
    let mut trial = Trial {
        kmsg,
        dictionary,
        compressions: 0,
        last_start: usize::MAX,
    };
    let lines = line_count(kmsg);
    // Gallop: `good` lines fit (0 = none known), `bad` lines do not.
    let mut good = 0;
    let mut good_len = 0;
    let mut bad = None;
    let mut j = 1.min(lines);
    loop {
        let len = trial.run(last_lines_start(kmsg, j), workspace, out)?;
        if len <= capacity {
            good = j;
            good_len = len;
            if j >= lines {
                break;
            }
            // `j < lines`: no wrap.
            j = j.wrapping_mul(2).min(lines);
        } else {
            bad = Some(j);
            break;
        }
    }
    // `good < bad` in the bisections, and the lengths are of the log:
    // nothing below wraps.
    if let Some(mut bad) = bad {
        while bad.wrapping_sub(good) > 1 {
            let mid = good.wrapping_add(bad.wrapping_sub(good) / 2);
            let len = trial.run(last_lines_start(kmsg, mid), workspace, out)?;
            if len <= capacity {
                good = mid;
                good_len = len;
            } else {
                bad = mid;
            }
        }
    }
    // An empty log has no line to drop: its (empty) stream fits or nothing
    // does.
    if good > 0 || (lines == 0 && bad.is_none()) {
        let start = last_lines_start(kmsg, good);
        if trial.last_start != start {
            good_len = trial.run(start, workspace, out)?;
        }
        debug_assert!(good_len <= capacity);
        return Ok(Fit {
            tail_start: start,
            payload_len: good_len,
            truncated: false,
            compressions: trial.compressions,
        });
    }

    // Not even the last line fits: carry as much of its end as fits, by
    // galloping and bisecting over its length in bytes.
    let line_start = last_lines_start(kmsg, 1);
    let end = kmsg.len();
    let (mut good, mut bad) = (0, end.wrapping_sub(line_start));
    let mut m = 1;
    while m < bad {
        let len = trial.run(end.wrapping_sub(m), workspace, out)?;
        if len <= capacity {
            good = m;
            good_len = len;
            // `m < bad`, a length of the log: no wrap.
            m = m.wrapping_mul(2);
        } else {
            bad = m;
        }
    }
    while bad.wrapping_sub(good) > 1 {
        let mid = good.wrapping_add(bad.wrapping_sub(good) / 2);
        let len = trial.run(end.wrapping_sub(mid), workspace, out)?;
        if len <= capacity {
            good = mid;
            good_len = len;
        } else {
            bad = mid;
        }
    }
    if good == 0 {
        let len = trial.run(end, workspace, out)?;
        if len > capacity {
            return Err(Error::DataTooLong {
                needed_bits: len.saturating_mul(8),
                available_bits: capacity.saturating_mul(8),
            });
        }
        good_len = len;
    } else if trial.last_start != end.wrapping_sub(good) {
        good_len = trial.run(end.wrapping_sub(good), workspace, out)?;
    }
    Ok(Fit {
        tail_start: end.wrapping_sub(good),
        payload_len: good_len,
        truncated: true,
        compressions: trial.compressions,
    })
}

/// Finds the longest tail of `kmsg` of at most `capacity` bytes that starts
/// on a line; when the last line alone is longer, its last `capacity` bytes,
/// with `truncated` set. No compression.
pub fn fit_raw(kmsg: &[u8], capacity: usize) -> Fit {
    let min_start = kmsg.len().saturating_sub(capacity);
    // The first line start at or after `min_start`.
    let line = if min_start == 0 || kmsg.get(min_start - 1) == Some(&b'\n') {
        min_start
    } else {
        match kmsg
            .get(min_start..)
            .and_then(|tail| tail.iter().position(|&b| b == b'\n'))
        {
            // An offset in the log: no wrap.
            Some(i) => min_start.wrapping_add(i).wrapping_add(1),
            None => kmsg.len(),
        }
    };
    // No line with content starts there: the last line alone is too long.
    let truncated = line > 0 && line >= content_end(kmsg);
    let start = if truncated { min_start } else { line };
    Fit {
        tail_start: start,
        // `start` is at most the log's length.
        payload_len: kmsg.len().wrapping_sub(start),
        truncated,
        compressions: 0,
    }
}

/// Returns the bytes a byte segment can hold at `version` and `ecc`.
pub fn raw_capacity(version: Version, ecc: Ecc) -> usize {
    let class = version.count_class();
    let available = version.data_bits(ecc);
    let (mut low, mut high) = (0usize, available / 8 + 1);
    let fits =
        |len: usize| segment::bit_len(Mode::Byte, len, class).is_some_and(|b| b <= available);
    if !fits(0) {
        return 0;
    }
    // `low < high`: no wrap.
    while high.wrapping_sub(low) > 1 {
        let mid = low.wrapping_add(high.wrapping_sub(low) / 2);
        if fits(mid) {
            low = mid;
        } else {
            high = mid;
        }
    }
    low
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_counted_from_the_end() {
        let log = b"one\ntwo\nthree\n";
        assert_eq!(line_count(log), 3);
        assert_eq!(line_count(b"one\ntwo"), 2);
        assert_eq!(line_count(b""), 0);
        assert_eq!(last_lines_start(log, 1), 8);
        assert_eq!(last_lines_start(log, 2), 4);
        assert_eq!(last_lines_start(log, 3), 0);
        assert_eq!(last_lines_start(log, 9), 0);
        assert_eq!(last_lines_start(b"one\ntwo", 1), 4);
    }

    #[test]
    fn raw_fit_starts_on_a_line_or_truncates() {
        let log = b"aaaa\nbbbb\ncccc\n";
        assert_eq!(fit_raw(log, 100).tail_start, 0);
        assert_eq!(fit_raw(log, 10).tail_start, 5);
        let fit = fit_raw(log, 9);
        assert_eq!((fit.tail_start, fit.truncated), (10, false));
        let fit = fit_raw(log, 3);
        assert_eq!((fit.tail_start, fit.truncated), (12, true));
    }

    #[test]
    fn raw_capacity_matches_the_byte_segment() {
        // Version 1-L: 19 data codewords, 4 + 8 bits of header.
        assert_eq!(raw_capacity(Version::MIN, Ecc::Low), 17);
        // Version 40-L: 2956 codewords, 4 + 16 bits of header.
        assert_eq!(raw_capacity(Version::MAX, Ecc::Low), 2953);
    }
}
