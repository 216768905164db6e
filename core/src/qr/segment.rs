//! Segments: numeric, alphanumeric and byte data, the panic packing of binary
//! data as decimal digits, and the minimal-bits segmentation of a text.

use crate::qr::bits::BitWriter;
use crate::qr::version::Version;

/// An encoding mode of ISO/IEC 18004.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Decimal digits, 3 per 10 bits.
    Numeric,
    /// `0-9`, `A-Z`, space and `$%*+-./:`, 2 per 11 bits.
    Alphanumeric,
    /// Any byte, 8 bits each.
    Byte,
}

impl Mode {
    /// Returns the 4-bit mode indicator.
    pub(crate) const fn indicator(self) -> u32 {
        match self {
            Mode::Numeric => 0b0001,
            Mode::Alphanumeric => 0b0010,
            Mode::Byte => 0b0100,
        }
    }

    /// Returns the width of the character count field for a class of
    /// versions (see `Version::count_class`).
    pub(crate) const fn count_bits(self, class: usize) -> u32 {
        let widths: [u32; 3] = match self {
            Mode::Numeric => [10, 12, 14],
            Mode::Alphanumeric => [9, 11, 13],
            Mode::Byte => [8, 16, 16],
        };
        if class < 3 {
            widths[class]
        } else {
            widths[2]
        }
    }

    /// Returns the data bits of `chars` characters, or `None` on overflow.
    pub(crate) const fn data_bits(self, chars: usize) -> Option<usize> {
        let (whole, rest) = match self {
            Mode::Numeric => (chars / 3, [0, 4, 7][chars % 3]),
            Mode::Alphanumeric => (chars / 2, [0, 6][chars % 2]),
            Mode::Byte => (chars, 0),
        };
        let unit = match self {
            Mode::Numeric => 10,
            Mode::Alphanumeric => 11,
            Mode::Byte => 8,
        };
        match whole.checked_mul(unit) {
            Some(bits) => bits.checked_add(rest),
            None => None,
        }
    }
}

/// Digits that each tail of 1 to 6 bytes becomes in the panic packing: the
/// width of the largest value of that many bytes.
const TAIL_DIGITS: [usize; 7] = [0, 3, 5, 8, 10, 13, 15];

/// Returns the number of decimal digits the panic packing makes of `len`
/// bytes: 17 for each 7 bytes, and 3, 5, 8, 10, 13 or 15 for a tail of 1 to
/// 6 bytes.
///
/// ```
/// assert_eq!(panicqr::qr::segment::panic_digit_count(7), 17);
/// assert_eq!(panicqr::qr::segment::panic_digit_count(9), 22);
/// ```
pub const fn panic_digit_count(len: usize) -> usize {
    // Saturated, a count too large for any code stays too large.
    (len / 7)
        .saturating_mul(17)
        .saturating_add(TAIL_DIGITS[len % 7])
}

/// One segment of data, borrowed from the caller.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Segment<'a> {
    /// ASCII digits `0-9`.
    Numeric(&'a [u8]),
    /// ASCII characters of the alphanumeric set: `0-9`, `A-Z`, space and
    /// `$%*+-./:`.
    Alphanumeric(&'a [u8]),
    /// Any bytes.
    Bytes(&'a [u8]),
    /// Binary data packed as decimal digits in one numeric segment, as
    /// mainline Linux's panic screen does: each 7 bytes, read as a
    /// little-endian integer, become 17 digits, and a tail of 1 to 6 bytes
    /// becomes 3, 5, 8, 10, 13 or 15 digits. Digits are zero-padded, most
    /// significant first. The digits are streamed into the code, never stored.
    PanicDigits(&'a [u8]),
}

impl Segment<'_> {
    /// Returns the mode the segment is encoded in.
    pub const fn mode(&self) -> Mode {
        match self {
            Segment::Numeric(_) | Segment::PanicDigits(_) => Mode::Numeric,
            Segment::Alphanumeric(_) => Mode::Alphanumeric,
            Segment::Bytes(_) => Mode::Byte,
        }
    }

    /// Returns the character count written in the segment header.
    pub const fn char_count(&self) -> usize {
        match self {
            Segment::Numeric(data) | Segment::Alphanumeric(data) | Segment::Bytes(data) => {
                data.len()
            }
            Segment::PanicDigits(data) => panic_digit_count(data.len()),
        }
    }

    /// Returns the bits the segment takes at `version`, header included, or
    /// `None` when its character count does not fit the count field.
    pub fn bit_len(&self, version: Version) -> Option<usize> {
        bit_len(self.mode(), self.char_count(), version.count_class())
    }

    /// Returns whether every character belongs to the segment's mode.
    pub fn is_valid(&self) -> bool {
        match self {
            Segment::Numeric(data) => data.iter().all(u8::is_ascii_digit),
            Segment::Alphanumeric(data) => data.iter().all(|&c| alphanumeric_value(c).is_some()),
            Segment::Bytes(_) | Segment::PanicDigits(_) => true,
        }
    }

    /// Writes header, count and data. The caller has checked `bit_len` and
    /// `is_valid`.
    pub(crate) fn write(&self, class: usize, writer: &mut BitWriter<'_>) {
        let mode = self.mode();
        writer.append(mode.indicator(), 4);
        writer.append(self.char_count() as u32, mode.count_bits(class));
        match self {
            Segment::Numeric(digits) => {
                let mut numeric = NumericWriter::default();
                for &digit in *digits {
                    numeric.push(u32::from(digit.wrapping_sub(b'0')), writer);
                }
                numeric.finish(writer);
            }
            Segment::Alphanumeric(text) => write_alphanumeric(text, writer),
            Segment::Bytes(bytes) => writer.append_bytes(bytes),
            Segment::PanicDigits(data) => write_panic_digits(data, writer),
        }
    }
}

/// Returns the bits of a segment of `chars` characters in `mode`, or `None`
/// when the count does not fit the count field of the version class.
pub(crate) fn bit_len(mode: Mode, chars: usize, class: usize) -> Option<usize> {
    let count_bits = mode.count_bits(class);
    // `chars >= 2^count_bits`; count fields are at most 16 bits wide.
    if chars.wrapping_shr(count_bits) != 0 {
        return None;
    }
    let data = mode.data_bits(chars)?;
    data.checked_add(4 + count_bits as usize)
}

/// Groups digits by three into 10-bit fields.
#[derive(Default)]
struct NumericWriter {
    value: u32,
    digits: u32,
}

impl NumericWriter {
    #[inline]
    fn push(&mut self, digit: u32, writer: &mut BitWriter<'_>) {
        debug_assert!(digit < 10);
        // Below 1000 with at most three digits: no wrap.
        self.value = self.value.wrapping_mul(10).wrapping_add(digit);
        self.digits = self.digits.wrapping_add(1);
        if self.digits == 3 {
            writer.append(self.value, 10);
            self.value = 0;
            self.digits = 0;
        }
    }

    fn finish(self, writer: &mut BitWriter<'_>) {
        match self.digits {
            1 => writer.append(self.value, 4),
            2 => writer.append(self.value, 7),
            _ => {}
        }
    }
}

/// Streams the panic packing of `data` into numeric fields.
fn write_panic_digits(data: &[u8], writer: &mut BitWriter<'_>) {
    let mut numeric = NumericWriter::default();
    for chunk in data.chunks(7) {
        let value = chunk
            .iter()
            .rev()
            .fold(0u64, |value, &byte| value << 8 | u64::from(byte));
        let width = TAIL_DIGITS.get(chunk.len()).copied().unwrap_or(17);
        // Most significant digit first: divide by the largest power of ten.
        let mut power = POWERS_OF_TEN
            .get(width.saturating_sub(1))
            .copied()
            .unwrap_or(1);
        let mut rest = value;
        while power > 0 {
            numeric.push((rest / power) as u32, writer);
            rest %= power;
            power /= 10;
        }
    }
    numeric.finish(writer);
}

/// Powers of ten up to 10^16, for the 17-digit groups.
const POWERS_OF_TEN: [u64; 17] = {
    let mut table = [1u64; 17];
    let mut i = 1;
    while i < 17 {
        table[i] = table[i - 1] * 10;
        i += 1;
    }
    table
};

/// Returns the value of an alphanumeric character, or `None`.
pub(crate) const fn alphanumeric_value(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some((c - b'0') as u32),
        b'A'..=b'Z' => Some((c - b'A') as u32 + 10),
        b' ' => Some(36),
        b'$' => Some(37),
        b'%' => Some(38),
        b'*' => Some(39),
        b'+' => Some(40),
        b'-' => Some(41),
        b'.' => Some(42),
        b'/' => Some(43),
        b':' => Some(44),
        _ => None,
    }
}

fn write_alphanumeric(text: &[u8], writer: &mut BitWriter<'_>) {
    let value = |c: u8| alphanumeric_value(c).unwrap_or(0);
    let mut pairs = text.chunks_exact(2);
    for pair in &mut pairs {
        if let [first, second] = *pair {
            // Values are below 45, the pair below 2025: no wrap.
            writer.append(
                value(first).wrapping_mul(45).wrapping_add(value(second)),
                11,
            );
        }
    }
    if let [last] = *pairs.remainder() {
        writer.append(value(last), 6);
    }
}

/*---- Minimal-bits segmentation of a text ----*/

/// The states of the segmentation search: a mode, and for numeric and
/// alphanumeric the count of characters so far modulo the group size, which
/// decides what the next character costs.
///
/// `N1`: a numeric segment whose length is 1 mod 3; `N2`: 2 mod 3; `N0`:
/// 0 mod 3 (and not empty). `A1`, `A0` likewise mod 2. `B`: byte.
const N1: usize = 0;
const N2: usize = 1;
const N0: usize = 2;
const A1: usize = 3;
const A0: usize = 4;
const B: usize = 5;
const STATES: usize = 6;
const INFINITE: u32 = u32::MAX / 4;

/// Bits added by one more character in each state, from the state before.
const CONTINUE_COST: [u32; STATES] = [4, 3, 3, 6, 5, 8];
/// The state a continuing character comes from.
const PREVIOUS: [usize; STATES] = [N0, N1, N2, A0, A1, B];
/// The state a new segment starts in, by mode: numeric, alphanumeric, byte.
const STARTS: [usize; 3] = [N1, A1, B];

fn state_mode(state: usize) -> Mode {
    match state {
        N1 | N2 | N0 => Mode::Numeric,
        A1 | A0 => Mode::Alphanumeric,
        _ => Mode::Byte,
    }
}

/// One step of the search: the costs after `c`, given the costs before it.
/// Returns the new costs, the state of least cost before `c`, and for each
/// state whether it continued (bit set) or started a new segment.
#[inline]
fn step(costs: &[u32; STATES], c: u8, class: usize) -> ([u32; STATES], usize, u8) {
    let mut best = 0;
    for state in 1..STATES {
        if costs[state] < costs[best] {
            best = state;
        }
    }
    let numeric = c.is_ascii_digit();
    let alphanumeric = alphanumeric_value(c).is_some();
    let allowed = [numeric, numeric, numeric, alphanumeric, alphanumeric, true];
    let mut next = [INFINITE; STATES];
    let mut continued = 0u8;
    for state in 0..STATES {
        if !allowed[state] {
            continue;
        }
        let mode = state_mode(state);
        let previous = PREVIOUS.get(state).copied().unwrap_or(state);
        let keep = costs
            .get(previous)
            .copied()
            .unwrap_or(INFINITE)
            .saturating_add(CONTINUE_COST[state]);
        next[state] = keep;
        continued |= 1 << state;
        if STARTS.contains(&state) {
            // Count fields are at most 16 bits: no wrap.
            let header = mode.count_bits(class).wrapping_add(4);
            let start = costs[best]
                .saturating_add(header)
                .saturating_add(CONTINUE_COST[state]);
            if start < keep {
                next[state] = start;
                continued &= !(1 << state);
            }
        }
        next[state] = next[state].min(INFINITE);
    }
    (next, best, continued)
}

/// The costs before the first character: nothing is open, so every first
/// character starts a segment from a zero-cost state. `N0` stands for it.
fn initial_costs() -> [u32; STATES] {
    let mut costs = [INFINITE; STATES];
    costs[N0] = 0;
    costs
}

/// Returns the fewest bits any segmentation of `text` takes in a version of
/// count class `class`, or `None` when no segmentation fits the count fields.
pub(crate) fn text_min_bits(text: &[u8], class: usize) -> Option<usize> {
    if text.is_empty() {
        return Some(0);
    }
    let mut costs = initial_costs();
    for (index, &c) in (0..text.len()).zip(text) {
        let (next, _, _) = step(&costs, c, class);
        costs = next;
        if index == 0 {
            // The first character cannot continue the placeholder state.
            costs = first_costs(c, class);
        }
    }
    let best = costs.iter().copied().min().unwrap_or(INFINITE);
    if best >= INFINITE {
        None
    } else {
        Some(best as usize)
    }
}

/// The costs after the first character: a new segment in each mode that can
/// hold it.
fn first_costs(c: u8, class: usize) -> [u32; STATES] {
    let mut costs = [INFINITE; STATES];
    let (next, _, _) = step(&initial_costs(), c, class);
    for &state in &STARTS {
        // At most 4 + 16 + 8 bits: no wrap.
        let header = state_mode(state).count_bits(class).wrapping_add(4);
        let reachable = next.get(state).is_some_and(|&cost| cost < INFINITE);
        if let (true, Some(cost), Some(&more)) =
            (reachable, costs.get_mut(state), CONTINUE_COST.get(state))
        {
            *cost = header.wrapping_add(more);
        }
    }
    costs
}

/// Two caller buffers seen as one, for the segmentation search.
struct Work<'a> {
    first: &'a mut [u8],
    second: &'a mut [u8],
}

impl Work<'_> {
    fn get(&self, index: usize) -> u8 {
        match index.checked_sub(self.first.len()) {
            None => self.first.get(index).copied().unwrap_or(0),
            Some(rest) => self.second.get(rest).copied().unwrap_or(0),
        }
    }

    fn set(&mut self, index: usize, value: u8) {
        let slot = match index.checked_sub(self.first.len()) {
            None => self.first.get_mut(index),
            Some(rest) => self.second.get_mut(rest),
        };
        if let Some(slot) = slot {
            *slot = value;
        }
    }
}

/// A segmentation of a text, stored by [`segment_text`] as 2 bits per
/// character at the start of the first work buffer: 0 continues the current
/// segment, 1, 2 and 3 start a numeric, alphanumeric or byte segment.
pub(crate) struct Segmentation {
    len: usize,
}

impl Segmentation {
    fn mark(marks: &[u8], index: usize) -> u8 {
        marks
            .get(index / 4)
            .map_or(0, |byte| byte >> (2 * (index % 4)) & 3)
    }

    /// Writes the text's segments; `marks` is the first work buffer.
    pub(crate) fn write(
        &self,
        text: &[u8],
        class: usize,
        marks: &[u8],
        writer: &mut BitWriter<'_>,
    ) {
        let mut start = 0;
        while start < self.len {
            let mut end = start + 1;
            while end < self.len && Self::mark(marks, end) == 0 {
                end += 1;
            }
            let Some(chars) = text.get(start..end) else {
                return;
            };
            let segment = match Self::mark(marks, start) {
                1 => Segment::Numeric(chars),
                2 => Segment::Alphanumeric(chars),
                _ => Segment::Bytes(chars),
            };
            segment.write(class, writer);
            start = end;
        }
    }
}

/// Finds a segmentation of `text` with the fewest bits for count class
/// `class`. The search keeps one byte per character in `first` followed by
/// `second`; the result keeps 2 bits per character at the start of `first`.
/// Returns `None` when the buffers are too short or the text is empty.
pub(crate) fn segment_text(
    text: &[u8],
    class: usize,
    first: &mut [u8],
    second: &mut [u8],
) -> Option<Segmentation> {
    let len = text.len();
    if len == 0 || len > first.len().saturating_add(second.len()) || len.div_ceil(4) > first.len() {
        return None;
    }
    let mut work = Work { first, second };
    // Forward pass: for each character, the state of least cost before it
    // (3 bits) and which of N1, A1 and B continued (3 bits).
    let mut costs = initial_costs();
    for (index, &c) in (0..len).zip(text) {
        let (next, best, continued) = step(&costs, c, class);
        costs = if index == 0 {
            first_costs(c, class)
        } else {
            next
        };
        let starts_continued = (continued & 1) | (continued >> 2 & 2) | (continued >> 3 & 4);
        let starts_continued = if index == 0 { 0 } else { starts_continued };
        work.set(index, best as u8 | starts_continued << 3);
    }
    // Backward pass: follow the states from the cheapest end, and replace each
    // character's record by its 2-bit mark.
    // The first state of least cost, as `min_by_key` finds it, without the
    // overflow checks rustc 1.78 leaves in `zip`.
    let mut state = 0;
    for s in 1..STATES {
        if costs[s] < costs[state] {
            state = s;
        }
    }
    if costs[state % STATES] >= INFINITE {
        return None;
    }
    for index in (0..len).rev() {
        let record = work.get(index);
        let start_bit = match state {
            N1 => Some(0),
            A1 => Some(1),
            B => Some(2),
            _ => None,
        };
        let starts = start_bit.is_some_and(|bit| record >> (3 + bit) & 1 == 0);
        let mark = if starts {
            match state_mode(state) {
                Mode::Numeric => 1,
                Mode::Alphanumeric => 2,
                Mode::Byte => 3,
            }
        } else {
            0
        };
        work.set(index, mark);
        // Records hold states below `STATES`; the modulo only shows the
        // compiler the bound.
        state = if starts {
            usize::from(record & 7) % STATES
        } else {
            PREVIOUS[state % STATES]
        };
    }
    // Pack the marks 4 to a byte, in place: byte i / 4 is never ahead of i.
    for index in 0..len {
        let mark = work.get(index);
        let shift = 2 * (index % 4);
        let byte = work.get(index / 4);
        work.set(index / 4, (byte & !(3 << shift)) | mark << shift);
    }
    Some(Segmentation { len })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    fn bits_of(segments: &[Segment<'_>], class: usize) -> usize {
        segments
            .iter()
            .map(|s| bit_len(s.mode(), s.char_count(), class).unwrap())
            .sum()
    }

    #[test]
    fn panic_digit_counts() {
        let expected = [0, 3, 5, 8, 10, 13, 15, 17, 20, 22];
        for (len, &digits) in expected.iter().enumerate() {
            assert_eq!(panic_digit_count(len), digits);
        }
    }

    #[test]
    fn panic_digits_are_little_endian_and_zero_padded() {
        // 7 bytes 0x01 0 0 0 0 0 0 = 1 -> "00000000000000001", then 0xff -> "255".
        let mut buffer = [0u8; 16];
        let mut writer = BitWriter::new(&mut buffer);
        write_panic_digits(&[1, 0, 0, 0, 0, 0, 0, 0xff], &mut writer);
        let bits = writer.bit_len();
        // 20 digits: 6 groups of 3 (60 bits) and 2 digits (7 bits).
        assert_eq!(bits, 67);
        let mut expected = [0u8; 16];
        let mut reference = BitWriter::new(&mut expected);
        let digits = b"00000000000000001255";
        let mut numeric = NumericWriter::default();
        for &d in digits {
            numeric.push(u32::from(d - b'0'), &mut reference);
        }
        numeric.finish(&mut reference);
        assert_eq!(buffer, expected);
    }

    /// The cost of each segmentation, found by trying every assignment of
    /// modes to characters (small texts only).
    fn brute_force_min_bits(text: &[u8], class: usize) -> usize {
        let n = text.len();
        let mut best = usize::MAX;
        for assignment in 0..3usize.pow(n as u32) {
            let mut modes = Vec::new();
            let mut a = assignment;
            for _ in 0..n {
                modes.push(a % 3);
                a /= 3;
            }
            let ok = text.iter().zip(&modes).all(|(&c, &m)| match m {
                0 => c.is_ascii_digit(),
                1 => alphanumeric_value(c).is_some(),
                _ => true,
            });
            if !ok {
                continue;
            }
            let mut bits = 0;
            let mut i = 0;
            while i < n {
                let mut j = i + 1;
                while j < n && modes[j] == modes[i] {
                    j += 1;
                }
                let mode = [Mode::Numeric, Mode::Alphanumeric, Mode::Byte][modes[i]];
                bits += bit_len(mode, j - i, class).unwrap();
                i = j;
            }
            best = best.min(bits);
        }
        best
    }

    #[test]
    fn segmentation_is_minimal_against_brute_force() {
        let alphabet = b"09AZ a-";
        let mut seed = 0x2545_f491_u32;
        // The brute force is exponential in the length: under Miri, texts
        // of up to 6 bytes.
        let max_len = crate::test_size(9, 6) as u32;
        for _ in 0..crate::test_size(300, 30) {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            let len = 1 + (seed % max_len) as usize;
            let text: Vec<u8> = (0..len)
                .map(|i| alphabet[((seed >> (i * 3)) as usize + i) % alphabet.len()])
                .collect();
            for class in 0..3 {
                let expected = brute_force_min_bits(&text, class);
                assert_eq!(text_min_bits(&text, class), Some(expected), "{text:?}");
                // Split the work space unevenly to cover both halves.
                let mut first = std::vec![0u8; text.len().div_ceil(4)];
                let mut second = std::vec![0u8; text.len()];
                let segmentation = segment_text(&text, class, &mut first, &mut second).unwrap();
                let mut out = [0u8; 64];
                let mut writer = BitWriter::new(&mut out);
                segmentation.write(&text, class, &first, &mut writer);
                assert_eq!(writer.bit_len(), expected, "{text:?}");
            }
        }
    }

    #[test]
    fn long_digit_runs_inside_text_get_their_own_segment() {
        let text = b"panic at 0123456789012345678901234567890123456789 now";
        let byte_only = bits_of(&[Segment::Bytes(text)], 1);
        assert!(text_min_bits(text, 1).unwrap() < byte_only);
    }
}
