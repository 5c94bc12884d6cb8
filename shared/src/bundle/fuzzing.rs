//! The inspector's private layers, for the fuzz targets in `fuzz/` (the `fuzzing` feature):
//! the BER walker and the PFX parser can then be fuzzed on their own, faster and deeper than
//! through [`super::probe`]. Not part of the crate's API.

use super::{InspectError, ber, pfx};

/// The BER walker: one complete BER element rewritten as DER, or `None` when it is not one
/// (or is deeper or longer than the walker reads).
pub fn ber_to_der(input: &[u8]) -> Option<Vec<u8>> {
    ber::to_der(input).ok()
}

/// The PFX parser: everything that needs no password, without the limits [`super::probe`]
/// then checks.
pub fn parse_pfx(file: &[u8]) -> Result<(), InspectError> {
    pfx::parse(file).map(drop)
}
