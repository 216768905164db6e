//! The tail fit: the longest end of the log, starting on a line, that fits
//! the room in the code, compressed ([`fit_compressed`]: a few fast
//! compressions to estimate where the tail starts, then usually two full
//! ones; [`fit_compressed_with`] at the fast effort throughout) or raw
//! ([`fit_raw`]).

use super::deflate::{self, Effort};
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
    /// Compressions run at the fit's effort, [`Effort::Best`] for
    /// [`fit_compressed`] (the fast ones that estimate where the tail
    /// starts are not counted).
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
    /// The effort of [`Trial::run`] and [`Trial::probe`].
    effort: Effort,
    dictionary: Option<&'a [u8]>,
    compressions: usize,
    /// The tail whose stream `out` holds (when it fit).
    last_start: usize,
}

impl Trial<'_> {
    /// Compresses the tail from `start` into `out` (what fits of it) at the
    /// fit's effort and returns the stream length: the full one when it
    /// fits in `out`, else a length more than `out.len()` (the compressor
    /// may stop early).
    fn run(&mut self, start: usize, workspace: &mut [u8], out: &mut [u8]) -> Result<usize, Error> {
        let limit = out.len();
        self.run_within(start, workspace, out, limit)
    }

    /// [`Trial::run`], but a stream longer than `out` is measured up to
    /// `limit` bytes before the compressor may stop.
    fn run_within(
        &mut self,
        start: usize,
        workspace: &mut [u8],
        out: &mut [u8],
        limit: usize,
    ) -> Result<usize, Error> {
        // One a call, a few dozen in all: no wrap.
        self.compressions = self.compressions.wrapping_add(1);
        self.last_start = start;
        let tail = self.kmsg.get(start..).unwrap_or(&[]);
        deflate::deflate_with(tail, self.dictionary, workspace, out, limit, self.effort)
    }

    /// Measures the tail from `start` at the fit's effort, writing nothing:
    /// its stream length, or a length more than `limit`.
    fn probe(&mut self, start: usize, workspace: &mut [u8], limit: usize) -> Result<usize, Error> {
        // As in `run`: no wrap.
        self.compressions = self.compressions.wrapping_add(1);
        self.measure(start, workspace, limit, self.effort)
    }

    /// Measures the tail from `start` with the fast compressor: its stream
    /// length, or a length more than `limit`. Not counted in
    /// `compressions`.
    fn estimate(&self, start: usize, workspace: &mut [u8], limit: usize) -> Result<usize, Error> {
        self.measure(start, workspace, limit, Effort::Fast)
    }

    /// Measures the tail from `start` at `effort`, writing nothing.
    fn measure(
        &self,
        start: usize,
        workspace: &mut [u8],
        limit: usize,
        effort: Effort,
    ) -> Result<usize, Error> {
        let tail = self.kmsg.get(start..).unwrap_or(&[]);
        deflate::deflate_with(tail, self.dictionary, workspace, &mut [], limit, effort)
    }
}

/// The start of the line before the one that starts at `start` (`start`
/// is a line start above 0).
fn prev_line_start(kmsg: &[u8], start: usize) -> usize {
    // `start >= 1` and ends a line: the newline at `start - 1` is skipped.
    let before = kmsg.get(..start.saturating_sub(1)).unwrap_or(&[]);
    match before.iter().rposition(|&b| b == b'\n') {
        // An offset in the log: no wrap.
        Some(i) => i.wrapping_add(1),
        None => 0,
    }
}

/// The start of the line after the one that starts at `start`, if that
/// line is one of the log's (see [`line_count`]).
fn next_line_start(kmsg: &[u8], start: usize) -> Option<usize> {
    let text = kmsg.get(..content_end(kmsg)).unwrap_or(&[]);
    let i = text.get(start..)?.iter().position(|&b| b == b'\n')?;
    // Offsets in the log: no wrap.
    Some(start.wrapping_add(i).wrapping_add(1))
}

/// The first line start at or after `offset` (at most `content_end`), or
/// `None` when no line starts there.
fn line_start_from(kmsg: &[u8], offset: usize) -> Option<usize> {
    if offset == 0 {
        return Some(0);
    }
    if kmsg.get(offset.wrapping_sub(1)) == Some(&b'\n') && offset <= content_end(kmsg) {
        return Some(offset);
    }
    next_line_start(kmsg, offset)
}

/// The fast compressor's stream is about this many times (in 1/1024) the
/// full one's for the same log text: the estimate aims at the room times
/// this.
const FAST_RATIO: usize = 1060;
/// [`FAST_RATIO`] with the dictionary, which the full compressor's
/// optimal parse uses better.
const FAST_RATIO_DICTIONARY: usize = 1070;

/// The line start nearest `guess` strictly after `bad` and strictly before
/// `good` (`None`: no bound), or `None` when there is none. `last` is the
/// start of the last line.
fn line_between(
    kmsg: &[u8],
    guess: usize,
    bad: Option<usize>,
    good: Option<usize>,
    last: usize,
) -> Option<usize> {
    let mut c = line_start_from(kmsg, guess).unwrap_or(last);
    if let Some(b) = bad {
        if c <= b {
            c = next_line_start(kmsg, b)?;
        }
    }
    if let Some(g) = good {
        if c >= g {
            if g == 0 {
                return None;
            }
            c = prev_line_start(kmsg, g);
        }
    }
    match bad {
        Some(b) if c <= b => None,
        _ => Some(c),
    }
}

/// `a * b / c`, the product saturated, and `a * b` itself when `c` is 0
/// (callers never pass 0; `checked_div` keeps the division's panic out
/// of the kernel object).
fn per(a: usize, b: usize, c: usize) -> usize {
    let product = a.saturating_mul(b);
    product.checked_div(c).unwrap_or(product)
}

/// The tail length (in log bytes) at which the line through the measured
/// points `p` and `q` (a start and its stream length) reaches `target`
/// bytes of stream, if the line rises with the tail.
fn secant(end: usize, p: (usize, usize), q: (usize, usize), target: usize) -> Option<usize> {
    // Order the points by tail length: `short` starts later.
    let (short, long) = if p.0 > q.0 { (p, q) } else { (q, p) };
    let (ts, tl) = (end.saturating_sub(short.0), end.saturating_sub(long.0));
    if tl <= ts || long.1 <= short.1 {
        return None;
    }
    // Lengths of one log and its stream: the products saturate, the
    // differences are of ordered values, and the divisor is not zero.
    let (dt, dl) = (tl.wrapping_sub(ts), long.1.wrapping_sub(short.1));
    let t = if target >= short.1 {
        ts.saturating_add(per(dt, target.wrapping_sub(short.1), dl))
    } else {
        ts.saturating_sub(per(dt, short.1.wrapping_sub(target), dl))
    };
    Some(t)
}

/// The stream length expected for the tail from `cand`, on the line
/// through the measured points `good` and `bad` (starts and stream
/// lengths), or in proportion to the one measured; 0 before any.
fn expected_len(
    end: usize,
    cand: usize,
    good: Option<(usize, usize)>,
    bad: Option<(usize, usize)>,
) -> usize {
    // Tail and stream lengths of one log: the products saturate, and the
    // differences are of ordered values (`g > b`, so `tg < tb`).
    let tail = |start: usize| end.saturating_sub(start);
    let t = tail(cand);
    match (good, bad) {
        (Some((g, gl)), Some((b, bl))) if tail(b) > tail(g) && bl >= gl => {
            let (tg, tb) = (tail(g), tail(b));
            if t >= tg {
                gl.saturating_add(per(
                    t.wrapping_sub(tg),
                    bl.wrapping_sub(gl),
                    tb.wrapping_sub(tg),
                ))
            } else {
                gl.saturating_sub(per(
                    tg.wrapping_sub(t),
                    bl.wrapping_sub(gl),
                    tb.wrapping_sub(tg),
                ))
            }
        }
        (Some((p, pl)), _) | (None, Some((p, pl))) => per(pl, t, tail(p).max(1)),
        (None, None) => 0,
    }
}

/// What [`estimate_start`] found: the tail it aims at last, and the
/// longest measured whose stream is within the target, with its length.
struct Estimate {
    guess: usize,
    good: Option<(usize, usize)>,
}

/// Finds, with the fast compressor, the longest tail starting on a line
/// whose fast stream is at most `target` bytes: a few compressions, each
/// aimed by interpolating between the lengths measured (every third one
/// bisects, so that the search stays O(log n)), stopping within two lines
/// of it. The guess is the start of the tail it aims at last, or `last`
/// (the last line's) when even that is too long.
///
/// With `out`, the fit's effort is the fast one and the search is the fit:
/// every trial is written to `out` ([`Trial::run_within`]), and the search
/// goes on until `good` and `bad` are adjacent lines.
fn estimate_start(
    trial: &mut Trial<'_>,
    workspace: &mut [u8],
    target: usize,
    last: usize,
    mut out: Option<&mut [u8]>,
) -> Result<Estimate, Error> {
    let kmsg = trial.kmsg;
    let end = kmsg.len();
    // Starts whose tail is within `target` (`good`) or not (`bad`), with
    // their lengths. Offsets and lengths are of the log and of its
    // stream: the products below saturate rather than wrap, and the
    // differences are of ordered values.
    let mut good: Option<(usize, usize)> = None;
    let mut bad: Option<(usize, usize)> = None;
    // The point measured before the last, for the secant.
    let mut before: Option<(usize, usize)> = None;
    // Log text compresses about threefold.
    let mut guess = end.saturating_sub(target.saturating_mul(3));
    for round in 0..64u32 {
        let Some(cand) = line_between(kmsg, guess, bad.map(|(b, _)| b), good.map(|(g, _)| g), last)
        else {
            break;
        };
        // Streams past twice the target stop early: their length only
        // says they are far too long.
        let limit = target.saturating_mul(2);
        let len = match out.as_deref_mut() {
            // A tail expected to fit is written, one expected not to only
            // measured, so that `out` likely holds the fit at the end.
            Some(out) if expected_len(end, cand, good, bad) <= target => {
                trial.run_within(cand, workspace, out, limit)?
            }
            Some(_) => trial.probe(cand, workspace, limit)?,
            None => trial.estimate(cand, workspace, limit)?,
        };
        let latest = (cand, len);
        let previous = before.replace(latest);
        if len <= target {
            good = Some((cand, len));
            if cand == 0 {
                break;
            }
        } else {
            bad = Some((cand, len));
        }
        // Within a percent: the fast and the full streams differ by more
        // than that from log to log, so a closer estimate would not help.
        if out.is_none() && len.abs_diff(target) <= target / 100 {
            return Ok(Estimate { guess: cand, good });
        }
        // Tail lengths in bytes, and the one aimed at.
        let aim = match (good, bad) {
            (Some((g, gl)), Some((b, bl))) => {
                let (tg, tb) = (end.wrapping_sub(g), end.wrapping_sub(b));
                let half = tg.wrapping_add(tb.wrapping_sub(tg) / 2);
                // The secant through the last two points, where it falls
                // inside the bracket; else through the bracket's ends.
                let (p, q) = match previous {
                    Some(p) if round % 3 != 2 => (p, latest),
                    _ => ((g, gl), (b, bl)),
                };
                secant(end, p, q, target)
                    .filter(|&t| t > tg && t < tb)
                    .unwrap_or(half)
            }
            // Proportional, aiming a sixty-fourth past the target, so that
            // the next one likely brackets it yet lands near it: an eighth
            // past took two more compressions to come back.
            (Some((g, gl)), None) => {
                let t = per(end.wrapping_sub(g), target, gl);
                t.saturating_add(t / 64)
            }
            (None, Some((b, bl))) => {
                let t = per(end.wrapping_sub(b), target, bl);
                t.saturating_sub(t / 64)
            }
            (None, None) => break,
        };
        guess = end.saturating_sub(aim);
        // Within two lines: the fit's effort takes it from here; when the
        // search is the fit, adjacent lines.
        if let (Some((g, _)), Some((b, _))) = (good, bad) {
            let mut next = next_line_start(kmsg, b);
            if out.is_none() {
                next = next.and_then(|n| next_line_start(kmsg, n));
            }
            if next.map_or(true, |n| n >= g) {
                break;
            }
        }
    }
    let (g, b) = (good.map(|(g, _)| g), bad.map(|(b, _)| b));
    Ok(Estimate {
        guess: line_between(kmsg, guess, b, g, last).or(g).unwrap_or(last),
        good,
    })
}

/// The next start the fit's effort tries, strictly between `bad` and
/// `good` (`None`: no bound), or `None` when they are adjacent lines. The
/// tail from `cand` measured `len` bytes; the aim is where the stream,
/// growing by `len / tail` per byte, reaches `capacity`: at least a line
/// more or less than `cand`, and from the sixth round halfway, so that the
/// rounds are O(log n).
fn aim(
    kmsg: &[u8],
    cand: usize,
    len: usize,
    capacity: usize,
    good: Option<usize>,
    bad: Option<usize>,
    round: u32,
) -> Option<usize> {
    if good == Some(0) {
        return None;
    }
    let end = kmsg.len();
    let tail = end.wrapping_sub(cand).max(1);
    // Stream bytes per log byte, as the tail measured: `tail` log bytes
    // for `len` stream bytes. Lengths of one log and its stream: the
    // products saturate.
    let goal = if round >= 5 {
        match (good, bad) {
            (Some(g), Some(b)) => b.wrapping_add(g.wrapping_sub(b) / 2),
            (Some(g), None) => g / 2,
            (None, Some(b)) => b.wrapping_add(end.wrapping_sub(b) / 2),
            (None, None) => return None,
        }
    } else if len <= capacity {
        let more = per(tail, capacity.wrapping_sub(len), len);
        cand.saturating_sub(more)
    } else {
        let less = per(tail, len.wrapping_sub(capacity), len);
        cand.saturating_add(less).min(end)
    };
    // At least a line from `cand`, toward the side not yet bounded.
    let goal = if len <= capacity {
        goal.min(prev_line_start(kmsg, cand))
    } else {
        goal.max(next_line_start(kmsg, cand).unwrap_or(end))
    };
    let last = last_lines_start(kmsg, 1);
    if let Some(b) = bad {
        // `b` does not fit; if the next line is the known fit, or the last
        // line does not fit, nothing is left to try.
        let after = next_line_start(kmsg, b)?;
        if good.is_some_and(|g| after >= g) {
            return None;
        }
    }
    // Rounded toward the shorter tail, more likely to fit.
    line_between(kmsg, goal, bad, good, last)
}

/// [`narrow`] halves a bracket this narrow: the stream grows by a byte
/// every two or three of the log, not steadily enough to aim closer.
const NARROW_BISECT: usize = 16;

/// A tail's length in bytes and the length of its stream.
type Point = (usize, usize);

/// Narrows the bracket of tail lengths, in bytes, between `good` (whose
/// stream, `good.1` bytes, is within `room`) and `bad` (whose stream is
/// not: `bad.1` bytes, or `usize::MAX` before it is measured), measuring
/// the lengths between with `measure`, until they are one byte apart or,
/// when `close`, until a stream lands within a percent of `room` (then it
/// is `good` or `bad`). Returns the bracket.
///
/// The first length tried is `first`; then each round aims where the
/// line through the bracket's ends reaches `room` (through `good` and the
/// empty tail while `bad` is not measured, a sixty-fourth past it); every
/// third round, and every round once the ends are [`NARROW_BISECT`] bytes
/// apart, halves the bracket, so that the rounds are O(log n).
fn narrow(
    mut measure: impl FnMut(usize) -> Result<usize, Error>,
    mut good: Point,
    mut bad: Point,
    room: usize,
    first: usize,
    close: bool,
) -> Result<(Point, Point), Error> {
    let mut aim = first;
    // Tail and stream lengths of one log: the products saturate, and the
    // differences are of ordered values (`good.0 < bad.0`, and
    // `good.1 <= room < bad.1`).
    for round in 0..64u32 {
        if bad.0.saturating_sub(good.0) <= 1 {
            break;
        }
        let m = aim.max(good.0.wrapping_add(1)).min(bad.0.wrapping_sub(1));
        let len = measure(m)?;
        if len <= room {
            good = (m, len);
        } else {
            bad = (m, len);
        }
        if close && len.abs_diff(room) <= room / 100 {
            break;
        }
        let (gap, half) = (bad.0.wrapping_sub(good.0), bad.0.wrapping_sub(good.0) / 2);
        aim = if bad.1 == usize::MAX {
            let t = per(good.0, room, good.1);
            t.saturating_add(t / 64)
        } else if round % 3 == 2 || gap <= NARROW_BISECT {
            good.0.wrapping_add(half)
        } else {
            let rise = bad.1.wrapping_sub(good.1);
            good.0
                .saturating_add(per(gap, room.wrapping_sub(good.1), rise))
        };
    }
    Ok((good, bad))
}

/// Checks the tails around `guess` at the fit's effort until one fits and
/// one line more does not, and returns the longest that fits, with its
/// stream length, or `None` when not even the last line does. Each round
/// aims where the stream length, growing as the last tail measured did per
/// byte, reaches the room: a start expected to fit is written to `out`,
/// one expected not to is only probed, so that `out` keeps the fit.
fn check_lines(
    trial: &mut Trial<'_>,
    workspace: &mut [u8],
    out: &mut [u8],
    guess: usize,
) -> Result<Option<(usize, usize)>, Error> {
    let kmsg = trial.kmsg;
    let capacity = out.len();
    // `good` fits (`out` holds its stream if it was the last written),
    // `bad` does not (`None`: untried).
    let mut good: Option<(usize, usize)> = None;
    let mut bad: Option<usize> = None;
    let mut cand = guess;
    let mut expect_fit = true;
    for round in 0..64u32 {
        let len = if expect_fit {
            trial.run(cand, workspace, out)?
        } else {
            trial.probe(cand, workspace, capacity)?
        };
        if len <= capacity {
            good = Some((cand, len));
        } else {
            bad = Some(cand);
        }
        let Some(next) = aim(kmsg, cand, len, capacity, good.map(|(g, _)| g), bad, round) else {
            break;
        };
        // The stream length expected at `next`, in proportion to the tail
        // just measured.
        let expected = expected_len(kmsg.len(), next, Some((cand, len)), None);
        expect_fit = good.is_none() || expected <= capacity;
        cand = next;
    }
    Ok(good)
}

/// Finds the longest tail of `kmsg` that starts on a line and compresses to
/// at most `out.len()` bytes, and leaves its zlib stream in
/// `out[..payload_len]`.
///
/// The fast compressor first estimates where the tail starts (a few
/// compressions, interpolating between the lengths measured); the full
/// compressor then checks that guess and the lines next to it, until a
/// tail fits and one more line does not. Compressed length grows with the
/// tail almost always; where it does not, the tail found still fits but a
/// longer one might too. When not even the last line fits, the tail is the
/// longest end of that line that fits and `truncated` is set.
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
    fit_compressed_with(kmsg, dictionary, workspace, out, Effort::Best)
}

/// [`fit_compressed`], every compression at `effort`. With
/// [`Effort::Fast`] the tail is the longest that fits as the fast
/// compressor codes it: a few times quicker, and a few percent less log
/// (`docs/payload.md` has the figures).
///
/// # Errors
///
/// As [`fit_compressed`].
pub fn fit_compressed_with(
    kmsg: &[u8],
    dictionary: Option<&[u8]>,
    workspace: &mut [u8],
    out: &mut [u8],
    effort: Effort,
) -> Result<Fit, Error> {
    let capacity = out.len();
    let mut trial = Trial {
        kmsg,
        effort,
        dictionary,
        compressions: 0,
        last_start: usize::MAX,
    };
    let lines = line_count(kmsg);
    if lines == 0 {
        let len = trial.run(0, workspace, out)?;
        if len > capacity {
            return Err(Error::DataTooLong {
                needed_bits: len.saturating_mul(8),
                available_bits: capacity.saturating_mul(8),
            });
        }
        return Ok(Fit {
            tail_start: 0,
            payload_len: len,
            truncated: false,
            compressions: trial.compressions,
        });
    }
    let last = last_lines_start(kmsg, 1);
    // A multiple of 1/1024 of a buffer length: no overflow in practice,
    // and saturated all the same.
    let ratio = match (effort, dictionary) {
        // The estimate is the stream itself.
        (Effort::Fast, _) => 1024,
        (Effort::Best, Some(_)) => FAST_RATIO_DICTIONARY,
        (Effort::Best, None) => FAST_RATIO,
    };
    let target = capacity.saturating_mul(ratio) / 1024;
    // At the fast effort the estimates are the trials: the search alone is
    // the fit. (One call, so that it is inlined: its frame would add to
    // the deepest path of compression.)
    let fast = effort == Effort::Fast;
    let found = estimate_start(
        &mut trial,
        workspace,
        target,
        last,
        fast.then_some(&mut *out),
    )?;
    let good = if fast {
        found.good
    } else {
        check_lines(&mut trial, workspace, out, found.guess)?
    };
    if let Some((start, mut len)) = good {
        // `out` holds the stream of the last tail written.
        if trial.last_start != start {
            len = trial.run(start, workspace, out)?;
        }
        debug_assert!(len <= capacity);
        return Ok(Fit {
            tail_start: start,
            payload_len: len,
            truncated: false,
            compressions: trial.compressions,
        });
    }

    // Not even the last line fits: carry as much of its end as fits. The
    // fast compressor estimates how much, then the fit's effort narrows
    // the lengths in bytes from there until one fits and one more byte
    // does not.
    let end = kmsg.len();
    let line = end.wrapping_sub(last_lines_start(kmsg, 1));
    let (low, high) = narrow(
        |m| trial.estimate(end.wrapping_sub(m), workspace, target.saturating_mul(2)),
        (0, 0),
        (line, usize::MAX),
        target,
        target.saturating_mul(3),
        true,
    )?;
    // The estimate nearer the target.
    let seed = if high.1.saturating_sub(target) < target.saturating_sub(low.1) {
        high.0
    } else {
        low.0
    };
    let ((good, mut good_len), _) = narrow(
        |m| trial.run(end.wrapping_sub(m), workspace, out),
        (0, 0),
        (line, usize::MAX),
        capacity,
        seed.max(1),
        false,
    )?;
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
        match kmsg.get(min_start..).and_then(first_newline) {
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

/// Returns the offset of the first `\n` in `bytes`. A loop rather than
/// `position`, whose count rustc 1.78 checks for overflow.
fn first_newline(bytes: &[u8]) -> Option<usize> {
    let mut i = 0usize;
    for &b in bytes {
        if b == b'\n' {
            return Some(i);
        }
        // An offset in a slice: no wrap.
        i = i.wrapping_add(1);
    }
    None
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
