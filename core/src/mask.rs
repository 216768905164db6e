//! The eight mask patterns and the penalty rules N1–N4 of ISO/IEC 18004.

/// A mask pattern, 0 to 7.
///
/// # Invariants
///
/// The number is in `0..=7`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Mask(u8);

impl Mask {
    /// Returns the mask with this number, or `None` above 7.
    pub const fn new(number: u8) -> Option<Mask> {
        if number <= 7 {
            // INVARIANT: checked just above.
            Some(Mask(number))
        } else {
            None
        }
    }

    /// Returns the mask number, in `0..=7`.
    pub const fn number(self) -> u8 {
        self.0
    }
}
