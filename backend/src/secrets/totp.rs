//! TOTP (RFC 6238, SHA-1, 6 digits, 30-second steps: what every authenticator app reads).
//! Time is a parameter; a code is accepted one step either side of now, and the caller records
//! the step it matched so that no code works twice.

use super::AuthError;
use totp_rs::{Algorithm, TOTP};
use zeroize::Zeroizing;

/// Seconds per TOTP step.
pub const TOTP_STEP_SECONDS: u64 = 30;
const ISSUER: &str = "certportal";

/// A staff member's TOTP generator.
pub struct Totp(TOTP);

impl Totp {
    /// A generator for `secret` (at least 128 bits) and the account `username`.
    pub fn new(secret: &[u8], username: &str) -> Result<Self, AuthError> {
        TOTP::new(
            Algorithm::SHA1,
            6,
            1,
            TOTP_STEP_SECONDS,
            secret.to_vec(),
            Some(ISSUER.into()),
            username.into(),
        )
        .map(Self)
        .map_err(|e| AuthError::Totp(e.to_string()))
    }

    /// A fresh random secret (160 bits, as RFC 4226 recommends).
    pub fn generate_secret() -> Result<Zeroizing<Vec<u8>>, AuthError> {
        let mut secret = Zeroizing::new(vec![0u8; 20]);
        aws_lc_rs::rand::fill(&mut secret).map_err(|_| super::RandomError)?;
        Ok(secret)
    }

    /// The `otpauth://totp/...` enrolment URI.
    pub fn uri(&self) -> String {
        self.0.get_url()
    }

    /// The code for a moment (Unix seconds).
    pub fn code_at(&self, unix: u64) -> String {
        self.0.generate(unix)
    }

    /// The step `code` belongs to, if it is the code of the step before, at or after `now`.
    pub fn matching_step(&self, code: &str, now: u64) -> Option<i64> {
        let code = code.trim();
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let current = now / TOTP_STEP_SECONDS;
        [current.saturating_sub(1), current, current + 1]
            .into_iter()
            .find_map(|step| {
                let expected = self.code_at(step * TOTP_STEP_SECONDS);
                aws_lc_rs::constant_time::verify_slices_are_equal(
                    expected.as_bytes(),
                    code.as_bytes(),
                )
                .ok()
                .and_then(|()| i64::try_from(step).ok())
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_matches_its_step_and_the_neighbours_only() {
        let secret = Totp::generate_secret().expect("random");
        let totp = Totp::new(&secret, "alice").expect("valid");
        let now = 1_800_000_000;
        let code = totp.code_at(now);
        assert_eq!(totp.matching_step(&code, now), Some((now / 30) as i64));
        assert_eq!(
            totp.matching_step(&code, now + 30),
            Some((now / 30) as i64),
            "one step late"
        );
        assert_eq!(
            totp.matching_step(&code, now + 90),
            None,
            "three steps late"
        );
        assert_eq!(totp.matching_step("12345", now), None);
    }

    #[test]
    fn the_uri_names_the_issuer_and_account() {
        let secret = Totp::generate_secret().expect("random");
        let uri = Totp::new(&secret, "alice").expect("valid").uri();
        assert!(uri.starts_with("otpauth://totp/certportal:alice?"), "{uri}");
        assert!(uri.contains("secret="));
    }
}
