//! Identifiers: certificate serials and SHA-256 digests.

use super::field_error;
use crate::error::FieldError;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A certificate serial number as lower-case hex without separators (at most 20 bytes).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Serial(String);
string_newtype!(Serial);

impl Serial {
    /// Parses hex, with or without `:` separators, in either case.
    pub fn parse(text: &str) -> Result<Self, FieldError> {
        let hex: String = text
            .trim()
            .chars()
            .filter(|c| *c != ':')
            .collect::<String>()
            .to_ascii_lowercase();
        let hex = hex.strip_prefix("0x").unwrap_or(&hex);
        let hex = hex.trim_start_matches('0');
        if hex.is_empty() || hex.len() > 40 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(field_error(
                "serial",
                "serial must be 1 to 40 hexadecimal digits",
            ));
        }
        Ok(Self(hex.to_owned()))
    }

    /// Builds a serial from the bytes of a DER INTEGER (leading zero bytes dropped).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, FieldError> {
        Self::parse(&hex::encode(bytes))
    }
}

/// A SHA-256 digest, given as 64 hex digits or as (standard, padded) base64.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String))]
pub struct Sha256Digest([u8; 32]);

impl Sha256Digest {
    /// Wraps raw digest bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// Parses hex (`ab12…`, 64 digits) or base64 (44 characters).
    pub fn parse(text: &str) -> Result<Self, FieldError> {
        use base64::Engine as _;
        let text = text.trim();
        let bytes = if text.len() == 64 {
            hex::decode(text).ok()
        } else {
            base64::engine::general_purpose::STANDARD.decode(text).ok()
        };
        bytes
            .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
            .map(Self)
            .ok_or_else(|| {
                field_error("sha256", "sha256 must be a SHA-256 digest in hex or base64")
            })
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Lower-case hex.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Standard base64, as in an RFC 9530 `Repr-Digest` header.
    pub fn to_base64(&self) -> String {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(self.0)
    }
}

impl Serialize for Sha256Digest {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for Sha256Digest {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(|error| serde::de::Error::custom(error.message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_are_normalised_lower_case_hex() {
        assert_eq!(Serial::parse("0A:0B:ff").expect("valid").as_str(), "a0bff");
        assert_eq!(
            Serial::from_bytes(&[0, 0x7f, 0x01])
                .expect("valid")
                .as_str(),
            "7f01"
        );
        for bad in ["", "xyz", "00", &"a".repeat(41)] {
            assert!(Serial::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn digests_parse_from_hex_and_base64() {
        let digest = Sha256Digest::from_bytes([7; 32]);
        assert_eq!(Sha256Digest::parse(&digest.to_hex()).expect("hex"), digest);
        assert_eq!(
            Sha256Digest::parse(&digest.to_base64()).expect("base64"),
            digest
        );
        assert!(Sha256Digest::parse("abc").is_err());
    }
}
