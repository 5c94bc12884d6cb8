//! How the contact is reached: e-mail and mobile.

use super::field_error;
use crate::error::FieldError;

/// An e-mail address, with its domain in lower case.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Email(String);
string_newtype!(Email);

impl Email {
    /// Parses an address of the form `local@domain.tld`.
    pub fn parse(text: &str) -> Result<Self, FieldError> {
        let text = text.trim();
        let invalid = || field_error("email", "email must be an address like name@example.com");
        if text.is_empty() {
            return Err(field_error("email", "email is required"));
        }
        if text.len() > 254 {
            return Err(field_error("email", "email must be at most 254 characters"));
        }
        let (local, domain) = text.rsplit_once('@').ok_or_else(invalid)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if !local_ok || !domain_ok {
            return Err(invalid());
        }
        Ok(Self(format!("{local}@{}", domain.to_ascii_lowercase())))
    }
}

/// A mobile number in E.164 form (`+` and 8 to 15 digits). Spaces, dashes, dots and
/// parentheses are accepted on input and dropped.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Mobile(String);
string_newtype!(Mobile);

impl Mobile {
    /// Parses a number such as `+47 912 34 567`.
    pub fn parse(text: &str) -> Result<Self, FieldError> {
        let compact: String = text
            .trim()
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
            .collect();
        if compact.is_empty() {
            return Err(field_error("mobile", "mobile is required"));
        }
        let digits = compact.strip_prefix('+').ok_or_else(|| {
            field_error(
                "mobile",
                "mobile must start with + and the country code, e.g. +4791234567",
            )
        })?;
        let valid = (8..=15).contains(&digits.len())
            && digits.chars().all(|c| c.is_ascii_digit())
            && !digits.starts_with('0');
        if !valid {
            return Err(field_error(
                "mobile",
                "mobile must be + and 8 to 15 digits in international form, e.g. +4791234567",
            ));
        }
        Ok(Self(compact))
    }

    /// The number with all but its first three and last three digits hidden: `+47•••••567`.
    pub fn masked(&self) -> String {
        let digits = &self.0[1..];
        let shown_head = 2.min(digits.len());
        let shown_tail = 3.min(digits.len() - shown_head);
        let hidden = digits.len() - shown_head - shown_tail;
        format!(
            "+{}{}{}",
            &digits[..shown_head],
            "•".repeat(hidden),
            &digits[digits.len() - shown_tail..]
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mobile_is_normalised_to_e164() {
        assert_eq!(
            Mobile::parse(" +47 912 34-567 ").expect("valid").as_str(),
            "+4791234567"
        );
    }

    #[test]
    fn a_mobile_without_plus_or_with_letters_is_refused_naming_the_field() {
        for bad in [
            "4791234567",
            "+47 91a34567",
            "+0123456789",
            "+1234567",
            "+1234567890123456",
            "",
        ] {
            let error = Mobile::parse(bad).expect_err(bad);
            assert_eq!(error.field, "mobile", "{bad}");
        }
    }

    #[test]
    fn a_masked_mobile_shows_only_the_country_code_and_last_three_digits() {
        assert_eq!(
            Mobile::parse("+4791234567").expect("valid").masked(),
            "+47•••••567"
        );
    }

    #[test]
    fn an_email_keeps_its_local_part_and_lowercases_its_domain() {
        assert_eq!(
            Email::parse("Kari.Nordmann@Example.NO")
                .expect("valid")
                .as_str(),
            "Kari.Nordmann@example.no"
        );
    }

    #[test]
    fn malformed_emails_are_refused() {
        for bad in [
            "",
            "kari",
            "kari@",
            "@example.com",
            "kari@example",
            "ka ri@example.com",
            "kari@exa_mple.com",
            "a..b@example.com",
        ] {
            assert_eq!(Email::parse(bad).expect_err(bad).field, "email", "{bad}");
        }
    }
}
