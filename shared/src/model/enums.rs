//! The closed choices: key, profile, language, revocation reason, order state, message
//! channel, purpose and state, staff role.

use super::field_error;
use crate::error::FieldError;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Implements `as_str`, `Display`, `FromStr` and serde (and, with the `openapi` feature, the
/// OpenAPI schema) for a fieldless enum from one table.
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

        // A string enum of the wire names. By hand rather than derived: the derive cannot read
        // a `serde(rename)` that a macro wrote, and would list the variants' Rust names.
        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                let doc: Vec<&str> = [$($doc),*].iter().map(|line| line.trim()).collect();
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .description(Some(doc.join(" ")))
                    .enum_values(Some([$($text),*]))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}

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
    /// Who makes the certificate's private key, and so who ever holds it.
    Custody, "custody" {
        /// The portal makes the key and hands it over in a sealed PKCS#12 file, whose
        /// password goes out by SMS after the receipt (the default).
        #[default]
        Server => "server",
        /// The collect page makes the key with WebCrypto and builds the PKCS#12 file itself.
        Browser => "browser",
        /// The customer makes the key on their server and uploads a certificate request.
        Csr => "csr",
    }
}

impl Custody {
    /// Whether the portal ever holds the private key.
    pub fn portal_holds_key(self) -> bool {
        self == Self::Server
    }
}

text_enum! {
    /// What an API token may do on the admin API; a staff session may do all three.
    Scope, "scope" {
        /// Read orders, their certificates and timelines, and the dashboard.
        #[default]
        OrdersRead => "orders:read",
        /// Create (and renew), resend and cancel orders.
        OrdersWrite => "orders:write",
        /// Withdraw certificates.
        Revoke => "revoke",
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
    /// How a message reaches its recipient.
    Channel, "channel" {
        /// A text message to the contact's mobile.
        #[default]
        Sms => "sms",
        /// An e-mail to the contact's address.
        Email => "email",
        /// An event POSTed to an endpoint an admin registered; the recipient is the
        /// endpoint's id.
        Webhook => "webhook",
    }
}

text_enum! {
    /// What a message is for.
    Purpose, "purpose" {
        /// The e-mail with the collect link.
        #[default]
        CollectLink => "collect_link",
        /// The SMS with a one-time code.
        Otp => "otp",
        /// The SMS with the file's password, after the receipt.
        Password => "password",
        /// The SMS that says a certificate was issued for the customer's own key.
        CertificateIssued => "certificate_issued",
        /// The e-mail that reminds the contact that the certificate ends soon; the message
        /// carries the stage (days before the end) it was sent for.
        ExpiryReminder => "expiry_reminder",
        /// The support address's daily list of what ends soon and who was reminded.
        ExpiryDigest => "expiry_digest",
        /// The e-mail after the receipt: when and from where the certificate was collected,
        /// with the link to withdraw it.
        Receipt => "receipt",
        /// The SMS with a one-time code for withdrawing a certificate.
        ReportCode => "report_code",
        /// The e-mail that tells support of a withdrawal or a request the contact made.
        SupportNotice => "support_notice",
        /// An event for a webhook endpoint.
        Webhook => "webhook",
    }
}

text_enum! {
    /// Where a queued message is: waiting, or ended one of three ways.
    MessageState, "status" {
        /// Waiting to go out (or to be tried again).
        #[default]
        Queued => "queued",
        /// The provider took it.
        Sent => "sent",
        /// Every try failed; the portal gave up and wiped it.
        Failed => "failed",
        /// Its order ended (cancelled, expired, revoked, or a newer link or code) before it
        /// went out; wiped unsent.
        Dropped => "dropped",
    }
}

text_enum! {
    /// What a webhook endpoint can be told of.
    WebhookEvent, "event" {
        /// Support (or a token) registered an order.
        #[default]
        OrderCreated => "order.created",
        /// The contact confirmed the file, or had their request signed: the certificate is
        /// theirs.
        OrderCollected => "order.collected",
        /// A certificate was withdrawn, by whoever and for whatever reason.
        CertificateRevoked => "certificate.revoked",
        /// A certificate's contact was reminded that it ends soon.
        CertificateExpiring => "certificate.expiring",
        /// The last try at an order's code failed: the code is locked.
        CodeLocked => "code.locked",
        /// The contact withdrew their certificate themselves.
        SelfServiceRevoked => "self_service.revoked",
    }
}

impl WebhookEvent {
    /// The events an audit action is told as. A withdrawal by the contact is both a
    /// withdrawal and a self-service one; most actions are no event at all.
    pub fn of_action(action: &str) -> &'static [Self] {
        match action {
            "order.created" => &[Self::OrderCreated],
            "receipt.confirmed" | "csr.signed" => &[Self::OrderCollected],
            "certificate.revoked" => &[Self::CertificateRevoked],
            "self_service.revoked" => &[Self::CertificateRevoked, Self::SelfServiceRevoked],
            "reminder.queued" => &[Self::CertificateExpiring],
            "code.locked" => &[Self::CodeLocked],
            _ => &[],
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_parse_their_wire_names_only() {
        assert_eq!(
            RevocationReason::parse("keyCompromise").expect("valid"),
            RevocationReason::KeyCompromise
        );
        assert_eq!(KeyType::parse("rsa4096").expect_err("invalid").field, "key");
    }
}

text_enum! {
    /// The font family of an embedding site's theme: a short list of system stacks, so that a
    /// theme never loads a font from elsewhere.
    Font, "font" {
        /// The operating system's interface font (the portal's own).
        #[default]
        System => "system",
        /// A neutral sans-serif: Helvetica, Arial.
        Sans => "sans",
        /// A serif: Georgia, Times.
        Serif => "serif",
        /// A rounded sans-serif where the system has one.
        Rounded => "rounded",
    }
}

text_enum! {
    /// How much room an embedding site's theme gives the page: its spacing scale.
    Spacing, "spacing" {
        /// Three quarters of the portal's spacing.
        Compact => "compact",
        /// The portal's own.
        #[default]
        Normal => "normal",
        /// A quarter more.
        Roomy => "roomy",
    }
}
