//! The form of a PKCS#12 file's password, the same wherever it is made: on the server for the
//! files it seals, in the collect page for the files the page builds (custody `browser`).
//! The randomness comes from the caller, as everywhere in this crate.

use zeroize::Zeroizing;

/// Crockford's base32 alphabet in lower case: no i, l, o or u, so nothing reads as another
/// character; 5 bits per character.
pub const PASSWORD_ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// A password of one character (5 random bits) per byte of `random`, in groups of five joined
/// by `-`, easy to read off a screen or a phone and to type.
pub fn password(random: &[u8]) -> Zeroizing<String> {
    let mut password = Zeroizing::new(String::with_capacity(random.len() * 6 / 5));
    for (i, byte) in random.iter().enumerate() {
        if i > 0 && i % 5 == 0 {
            password.push('-');
        }
        // 256 is a multiple of 32, so the low five bits of a uniform byte are uniform.
        password.push(char::from(PASSWORD_ALPHABET[usize::from(byte & 31)]));
    }
    password
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_byte_gives_one_character_and_every_fifth_a_dash() {
        let random: Vec<u8> = (0u8..20).map(|i| i.wrapping_mul(37)).collect();
        let password = password(&random);
        assert_eq!(password.len(), 23);
        let groups: Vec<&str> = password.split('-').collect();
        assert_eq!(groups.len(), 4);
        assert!(
            groups
                .iter()
                .all(|g| g.len() == 5 && g.bytes().all(|b| PASSWORD_ALPHABET.contains(&b)))
        );
        assert_eq!(&password[..5], "05afm", "byte & 31 indexes the alphabet");
    }
}
