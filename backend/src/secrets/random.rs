//! Random secrets: link and session tokens, one-time codes, file passwords, serial numbers.
//! All from the operating system's CSPRNG through aws-lc-rs.

use aws_lc_rs::digest::{SHA256, digest};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use zeroize::Zeroizing;

#[derive(Debug, thiserror::Error)]
#[error("the system's random number generator failed")]
pub struct RandomError;

fn random_bytes<const N: usize>() -> Result<Zeroizing<[u8; N]>, RandomError> {
    let mut bytes = Zeroizing::new([0u8; N]);
    aws_lc_rs::rand::fill(bytes.as_mut()).map_err(|_| RandomError)?;
    Ok(bytes)
}

/// A bearer token of 256 random bits, URL-safe base64 (43 characters).
pub fn token() -> Result<Zeroizing<String>, RandomError> {
    Ok(Zeroizing::new(
        URL_SAFE_NO_PAD.encode(random_bytes::<32>()?.as_ref()),
    ))
}

/// A webhook endpoint's signing secret as the Standard Webhooks libraries take it: `whsec_`
/// and the standard base64 of 32 random bytes.
pub fn webhook_secret() -> Result<Zeroizing<String>, RandomError> {
    use base64::engine::general_purpose::STANDARD;
    Ok(Zeroizing::new(format!(
        "whsec_{}",
        STANDARD.encode(random_bytes::<32>()?.as_ref())
    )))
}

/// The hash under which a token is stored: the token itself is never kept.
pub fn token_hash(token: &str) -> Vec<u8> {
    digest(&SHA256, token.as_bytes()).as_ref().to_vec()
}

/// A numeric one-time code with `digits` digits, uniform over its range.
pub fn code(digits: u32) -> Result<Zeroizing<String>, RandomError> {
    let range = 10u64.pow(digits);
    // Rejection sampling keeps every code equally likely.
    let limit = u64::MAX - u64::MAX % range;
    loop {
        let value = u64::from_le_bytes(*random_bytes::<8>()?);
        if value < limit {
            return Ok(Zeroizing::new(format!(
                "{:0width$}",
                value % range,
                width = digits as usize
            )));
        }
    }
}

/// A file password of `length` characters (at most 64), in the form
/// [`certportal_shared::secret::password`] gives it.
pub fn password(length: u32) -> Result<Zeroizing<String>, RandomError> {
    let bytes = random_bytes::<64>()?;
    let length = (length as usize).min(bytes.len());
    Ok(certportal_shared::secret::password(&bytes[..length]))
}

/// A nonce of 128 random bits (not secret: it makes a renewal challenge unique).
pub fn nonce() -> Result<[u8; 16], RandomError> {
    Ok(*random_bytes::<16>()?)
}

/// A positive certificate serial of 128 bits whose first byte is 0x01..=0x7f, so the DER
/// INTEGER always takes 16 bytes.
pub fn serial() -> Result<[u8; 16], RandomError> {
    let mut bytes = *random_bytes::<16>()?;
    bytes[0] = (bytes[0] & 0x7f).max(1);
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn tokens_are_long_url_safe_and_distinct() {
        let a = token().expect("random");
        let b = token().expect("random");
        assert_eq!(a.len(), 43);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_ne!(*a, *b);
        assert_eq!(token_hash(&a).len(), 32);
    }

    #[test]
    fn codes_have_exactly_the_asked_digits() {
        let codes: HashSet<String> = (0..200)
            .map(|_| code(8).expect("random").to_string())
            .collect();
        assert!(
            codes
                .iter()
                .all(|c| c.len() == 8 && c.chars().all(|d| d.is_ascii_digit()))
        );
        assert!(codes.len() > 190, "codes repeat too often");
    }

    #[test]
    fn passwords_are_fresh_and_at_most_sixty_four_characters() {
        // Their form is certportal_shared::secret's, tested there.
        let (a, b) = (password(20).expect("random"), password(20).expect("random"));
        assert_eq!(a.len(), 23);
        assert_ne!(*a, *b);
        let capped = password(100).expect("random");
        assert_eq!(capped.replace('-', "").len(), 64);
    }

    #[test]
    fn serials_are_positive_and_sixteen_bytes() {
        for _ in 0..100 {
            let serial = serial().expect("random");
            assert!((1..=0x7f).contains(&serial[0]));
        }
    }
}
