//! Parsed values: each newtype can only hold a value that passed its `parse`.
//!
//! The same parsers run in the browser (while staff type), in the API and in the CLI, so a value
//! is judged the same way everywhere. Every failure is a [`FieldError`] naming the field.

use crate::error::FieldError;

pub(crate) fn field_error(field: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        field: field.to_owned(),
        message: message.into(),
    }
}

/// Trims the text and refuses it when empty, too long (in characters) or holding control
/// characters; shared by the free-text fields.
pub(crate) fn parse_text(field: &str, text: &str, max_chars: usize) -> Result<String, FieldError> {
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

/// Implements `Display`, `AsRef<str>`, and serde through `parse` (and, with the `openapi`
/// feature, a string schema) for a string newtype.
macro_rules! string_newtype {
    ($name:ident) => {
        impl $name {
            /// The value as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <String as serde::Deserialize>::deserialize(deserializer)?;
                Self::parse(&text).map_err(|error| serde::de::Error::custom(error.message))
            }
        }

        // On the wire it is the string it holds.
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                <String as utoipa::PartialSchema>::schema()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}
    };
}

mod contact;
mod enums;
mod ids;
mod lifecycle;
mod names;
mod order;
mod site;

pub use contact::{Email, Mobile};
pub use enums::{
    Channel, Custody, Font, KeyType, Locale, MessageState, OrderState, Profile, Purpose,
    RevocationReason, Role, Scope, Spacing, WebhookEvent,
};
pub use ids::{Serial, Sha256Digest};
pub use lifecycle::{OrderEvent, TRANSITIONS};
pub use names::{
    ClientName, ContactName, Organisation, Service, TokenName, Username, check_new_password,
};
pub use order::{OrderDraft, OrderSpec, keep_ok};
pub use site::{Colour, MIN_CONTRAST, SiteName, SiteOrigin, Theme, ThemeDraft, parse_page};
