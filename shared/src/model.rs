//! Parsed values: each newtype can only hold a value that passed its `parse`.
//!
//! The same parsers run in the browser (while staff type), in the API and in the CLI, so a value
//! is judged the same way everywhere. Every failure is a [`FieldError`] naming the field.

use crate::error::FieldError;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

fn field_error(field: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.to_owned(),
        message: message.into(),
    }
}

/// Trims the text and refuses it when empty, too long (in characters) or holding control
/// characters; shared by the free-text fields.
fn parse_text(field: &str, text: &str, max_chars: usize) -> Result<String, FieldError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(field_error(field, format!("{field} is required")));
    }
    if trimmed.chars().count() > max_chars {
        return Err(field_error(
            field,
            format!("{field} must be at most {max_chars} characters"),
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(field_error(
            field,
            format!("{field} must not contain control characters"),
        ));
    }
    Ok(trimmed.to_owned())
}

/// Implements `Display`, `AsRef<str>`, and serde through `parse` for a string newtype.
macro_rules! string_newtype {
    ($name:ident) => {
        impl $name {
            /// The value as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                Self::parse(&text).map_err(|error| serde::de::Error::custom(error.message))
            }
        }
    };
}

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

/// Implements `as_str`, `Display`, `FromStr` and serde for a fieldless enum from one table.
macro_rules! text_enum {
    ($(#[doc = $doc:literal])* $name:ident, $field:literal { $($(#[$vattr:meta])* $variant:ident => $text:literal,)* }) => {
        $(#[doc = $doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vattr])* #[serde(rename = $text)] $variant,)*
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant,)*];

            /// The value's name on the wire, in the CLI and in the database.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)*
                }
            }

            /// Parses the wire name.
            pub fn parse(text: &str) -> Result<Self, FieldError> {
                match text.trim() {
                    $($text => Ok(Self::$variant),)*
                    _ => Err(field_error(
                        $field,
                        format!(concat!($field, " must be one of: {}"), [$($text),*].join(", ")),
                    )),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = FieldError;
            fn from_str(text: &str) -> Result<Self, FieldError> {
                Self::parse(text)
            }
        }
    };
}

text_enum! {
    /// The client key's algorithm.
    KeyType, "key" {
        /// RSA with a 2048-bit modulus (the default).
        #[default]
        Rsa2048 => "rsa2048",
        /// RSA with a 3072-bit modulus.
        Rsa3072 => "rsa3072",
        /// ECDSA on NIST P-256.
        P256 => "p256",
    }
}

text_enum! {
    /// How the PKCS#12 file is protected.
    Profile, "profile" {
        /// AES-256-CBC with PBKDF2-HMAC-SHA256 for both bags, HMAC-SHA256 MAC.
        #[default]
        Modern => "modern",
        /// 3DES with a SHA-1 MAC, for Windows Server 2016, macOS Keychain and Java 8.
        Compatible => "compatible",
    }
}

text_enum! {
    /// The language of messages and pages.
    Locale, "locale" {
        /// English.
        #[default]
        En => "en",
        /// Norwegian (Bokmål).
        Nb => "nb",
    }
}

text_enum! {
    /// Why a certificate was revoked (RFC 5280 CRLReason).
    RevocationReason, "reason" {
        /// No reason given.
        #[default]
        Unspecified => "unspecified",
        /// The private key is, or may be, known to someone else.
        KeyCompromise => "keyCompromise",
        /// A new certificate replaces this one.
        Superseded => "superseded",
        /// The customer no longer uses the service.
        CessationOfOperation => "cessationOfOperation",
    }
}

text_enum! {
    /// Where an order is in its life.
    OrderState, "state" {
        /// Certificate issued; link and code queued.
        #[default]
        Issued => "issued",
        /// The link e-mail and code SMS went out.
        LinkSent => "link_sent",
        /// The contact entered the right code.
        CodeVerified => "code_verified",
        /// The contact downloaded the file.
        Downloaded => "downloaded",
        /// The contact confirmed the download; the password went out; the server holds nothing.
        Collected => "collected",
        /// The link ran out before the file was collected.
        Expired => "expired",
        /// Support cancelled the order.
        Cancelled => "cancelled",
        /// The certificate was revoked.
        Revoked => "revoked",
    }
}

text_enum! {
    /// What a staff member may do.
    Role, "role" {
        /// Everything, including managing staff.
        Admin => "admin",
        /// Orders: issue, follow, resend, cancel, revoke, renew.
        #[default]
        Support => "support",
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

/// The fields that describe a new order, every one parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderSpec {
    /// The customer organisation.
    pub org: Organisation,
    /// The service the certificate gives access to.
    pub service: Service,
    /// The short client name.
    pub client: ClientName,
    /// The contact person.
    pub contact_name: ContactName,
    /// Where the link goes.
    pub email: Email,
    /// Where the code and the password go.
    pub mobile: Mobile,
    /// The key algorithm.
    pub key: KeyType,
    /// The PKCS#12 protection.
    pub profile: Profile,
    /// The language of the messages.
    pub locale: Locale,
}

/// The fields of a new order as typed, before parsing; what forms, the CLI and the API send.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrderDraft {
    /// The customer organisation.
    pub org: String,
    /// The service.
    pub service: String,
    /// The short client name.
    pub client: String,
    /// The contact person's name.
    pub contact_name: String,
    /// The contact's e-mail address.
    pub email: String,
    /// The contact's mobile number.
    pub mobile: String,
    /// `rsa2048` (default), `rsa3072` or `p256`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// `modern` (default) or `compatible`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// `en` or `nb`; the configured default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// For a renewal: the serial of the certificate this order replaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renews: Option<String>,
    /// For a renewal: revoke the old certificate as superseded once the new one is collected
    /// (the default), or leave it be.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supersede: Option<bool>,
}

/// Returns the value, or records the error and returns `None`.
fn keep_ok<T>(errors: &mut Vec<FieldError>, result: Result<T, FieldError>) -> Option<T> {
    result.map_err(|error| errors.push(error)).ok()
}

impl OrderDraft {
    /// Parses every field, collecting all the errors rather than stopping at the first.
    pub fn parse(&self, default_locale: Locale) -> Result<OrderSpec, Vec<FieldError>> {
        let mut errors = Vec::new();
        let org = keep_ok(&mut errors, Organisation::parse(&self.org));
        let service = keep_ok(&mut errors, Service::parse(&self.service));
        let client = keep_ok(&mut errors, ClientName::parse(&self.client));
        let contact_name = keep_ok(&mut errors, ContactName::parse(&self.contact_name));
        let email = keep_ok(&mut errors, Email::parse(&self.email));
        let mobile = keep_ok(&mut errors, Mobile::parse(&self.mobile));
        let key = keep_ok(
            &mut errors,
            self.key
                .as_deref()
                .map_or(Ok(KeyType::default()), KeyType::parse),
        );
        let profile = keep_ok(
            &mut errors,
            self.profile
                .as_deref()
                .map_or(Ok(Profile::default()), Profile::parse),
        );
        let locale = keep_ok(
            &mut errors,
            self.locale
                .as_deref()
                .map_or(Ok(default_locale), Locale::parse),
        );
        match (
            org,
            service,
            client,
            contact_name,
            email,
            mobile,
            key,
            profile,
            locale,
        ) {
            (
                Some(org),
                Some(service),
                Some(client),
                Some(contact_name),
                Some(email),
                Some(mobile),
                Some(key),
                Some(profile),
                Some(locale),
            ) => Ok(OrderSpec {
                org,
                service,
                client,
                contact_name,
                email,
                mobile,
                key,
                profile,
                locale,
            }),
            _ => Err(errors),
        }
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

    #[test]
    fn a_draft_reports_every_bad_field_at_once() {
        let draft = OrderDraft {
            org: "Acme".into(),
            service: "".into(),
            client: "e-banking".into(),
            contact_name: "Kari".into(),
            email: "nope".into(),
            mobile: "123".into(),
            key: Some("rsa1024".into()),
            ..OrderDraft::default()
        };
        let fields: Vec<String> = draft
            .parse(Locale::En)
            .expect_err("invalid")
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["service", "email", "mobile", "key"]);
    }

    #[test]
    fn a_draft_takes_defaults_for_key_profile_and_locale() {
        let draft = OrderDraft {
            org: "Acme AS".into(),
            service: "Payments API".into(),
            client: "e-banking".into(),
            contact_name: "Kari Nordmann".into(),
            email: "kari@example.no".into(),
            mobile: "+4791234567".into(),
            ..OrderDraft::default()
        };
        let spec = draft.parse(Locale::Nb).expect("valid");
        assert_eq!(
            (spec.key, spec.profile, spec.locale),
            (KeyType::Rsa2048, Profile::Modern, Locale::Nb)
        );
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

    #[test]
    fn enums_parse_their_wire_names_only() {
        assert_eq!(
            RevocationReason::parse("keyCompromise").expect("valid"),
            RevocationReason::KeyCompromise
        );
        assert_eq!(KeyType::parse("rsa4096").expect_err("invalid").field, "key");
    }
}
