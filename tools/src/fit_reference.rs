//! The tail fit as panicqr did it before the fast estimate (commit
//! bf01904): gallop from the end (1, 2, 4, … lines), then bisect, every
//! trial with the full compressor. Kept as the anchor of the payload
//! benchmark and as the reference the fit's bytes carried are compared
//! with (`tests/payload_fit.rs`); `panicqr::payload::fit_compressed` is
//! the one to use.

use panicqr::payload::deflate::compress_within;
use panicqr::payload::{last_lines_start, line_count, Fit};
use panicqr::Error;

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
        compress_within(tail, self.dictionary, workspace, out)
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
/// `workspace` needs [`WORKSPACE_LEN`](panicqr::payload::deflate::WORKSPACE_LEN) bytes.
///
/// # Errors
///
/// - [`Error::BufferTooSmall`]: `workspace` is too short.
/// - [`Error::DataTooLong`]: `out` cannot hold even an empty stream.
pub fn fit_compressed_reference(
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
