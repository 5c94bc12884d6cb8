//! Names: of the customer, the service, the client, the contact, and staff.

use super::{field_error, parse_text};
use crate::error::FieldError;

/// The customer organisation; becomes the certificate's O (at most 64 characters).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Organisation(String);
string_newtype!(Organisation);

impl Organisation {
    /// Parses an organisation name.
    pub fn parse(text: &str) -> Result<Self, FieldError> {
        parse_text("org", text, 64).map(Self)
    }
}

/// The service the certificate gives access to; becomes the certificate's OU.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Service(String);
string_newtype!(Service);

impl Service {
    /// Parses a service name.
    pub fn parse(text: &str) -> Result<Self, FieldError> {
        parse_text("service", text, 64).map(Self)
    }
}

/// The contact person's name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ContactName(String);
string_newtype!(ContactName);

impl ContactName {
    /// Parses a person's name.
    pub fn parse(text: &str) -> Result<Self, FieldError> {
        parse_text("contact_name", text, 128).map(Self)
    }
}

/// The short client name ("e-banking", "my page"); becomes the certificate's CN and part of
/// the file name, so it is kept to letters, digits, spaces and `-_.` (at most 64 characters).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ClientName(String);
string_newtype!(ClientName);

impl ClientName {
    /// Parses a client name.
    pub fn parse(text: &str) -> Result<Self, FieldError> {
        let name = parse_text("client", text, 64)?;
        let allowed = |c: char| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.');
        if !name.chars().all(allowed) {
            return Err(field_error(
                "client",
                "client may hold only letters, digits, spaces and the characters - _ .",
            ));
        }
        if name.contains("  ") {
            return Err(field_error(
                "client",
                "client must not hold two spaces in a row",
            ));
        }
        Ok(Self(name))
    }

    /// The name made safe for a file name: ASCII letters and digits, runs of anything else
    /// become one `-`.
    pub fn file_stem(&self) -> String {
        let mut stem = String::new();
        for c in self.0.chars() {
            if c.is_ascii_alphanumeric() {
                stem.push(c.to_ascii_lowercase());
            } else if !stem.ends_with('-') {
                stem.push('-');
            }
        }
        let stem = stem.trim_matches('-');
        if stem.is_empty() {
            "client".to_owned()
        } else {
            stem.to_owned()
        }
    }
}

/// A staff member's user name: 2 to 32 lower-case letters, digits and `._-`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Username(String);
string_newtype!(Username);

impl Username {
    /// Parses a user name; upper case is folded to lower case.
    pub fn parse(text: &str) -> Result<Self, FieldError> {
        let name = text.trim().to_lowercase();
        let valid = (2..=32).contains(&name.chars().count())
            && name.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')
            })
            && name.starts_with(|c: char| c.is_ascii_alphanumeric());
        if valid {
            Ok(Self(name))
        } else {
            Err(field_error(
                "username",
                "username must be 2 to 32 letters, digits or . _ - and start with a letter or digit",
            ))
        }
    }
}

/// An API token's name, as the audit trail shows it (`token:<name>`): the same rules as a user
/// name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TokenName(String);
string_newtype!(TokenName);

impl TokenName {
    /// Parses a token name; upper case is folded to lower case.
    pub fn parse(text: &str) -> Result<Self, FieldError> {
        Username::parse(text).map(|name| Self(name.as_str().to_owned())).map_err(|_| {
            field_error(
                "name",
                "name must be 2 to 32 letters, digits or . _ - and start with a letter or digit",
            )
        })
    }
}

/// A new staff password: 12 to 128 characters.
pub fn check_new_password(password: &str) -> Result<(), FieldError> {
    let length = password.chars().count();
    if length < 12 {
        return Err(field_error(
            "new_password",
            "the new password must be at least 12 characters",
        ));
    }
    if length > 128 {
        return Err(field_error(
            "new_password",
            "the new password must be at most 128 characters",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_stem_is_plain_ascii() {
        assert_eq!(
            ClientName::parse("Min side.ø").expect("valid").file_stem(),
            "min-side"
        );
        assert_eq!(
            ClientName::parse("ææ").expect("valid").file_stem(),
            "client"
        );
    }

    #[test]
    fn client_names_allow_letters_digits_spaces_and_a_few_marks() {
        assert_eq!(
            ClientName::parse(" Min side ").expect("valid").as_str(),
            "Min side"
        );
        assert!(ClientName::parse("bedriftsnettbank-2").is_ok());
        assert!(ClientName::parse("blåbær").is_ok());
        for bad in [
            "",
            "a/b",
            "x;rm",
            "two  spaces",
            &"x".repeat(65),
            "tab\there",
        ] {
            assert_eq!(
                ClientName::parse(bad).expect_err(bad).field,
                "client",
                "{bad}"
            );
        }
    }

    #[test]
    fn usernames_are_folded_to_lower_case_and_kept_simple() {
        assert_eq!(
            Username::parse(" Kari.N ").expect("valid").as_str(),
            "kari.n"
        );
        for bad in ["", "k", "-kari", "kari nordmann", "kari@x", &"k".repeat(33)] {
            assert_eq!(
                Username::parse(bad).expect_err(bad).field,
                "username",
                "{bad}"
            );
        }
    }

    #[test]
    fn new_passwords_need_twelve_characters() {
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("twelve chars").is_ok());
    }
}
