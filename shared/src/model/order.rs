//! A new order: the fields as typed, and parsed.

use super::*;
use crate::error::FieldError;
use serde::{Deserialize, Serialize};

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
    /// Who makes the private key.
    pub custody: Custody,
}

/// The fields of a new order as typed, before parsing; what forms, the CLI and the API send.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    /// `server` (default), `browser` or `csr`: who makes the private key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custody: Option<String>,
    /// For a renewal: the serial of the certificate this order replaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renews: Option<String>,
    /// For a renewal: revoke the old certificate as superseded once the new one is collected
    /// (the default), or leave it be.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supersede: Option<bool>,
    /// The embedding site whose page the link e-mail points at; the organisation's site when
    /// absent, and the portal's own page when it has none. `""`: the portal's own page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
}

/// Returns the value, or records the error and returns `None`: for parsers that report every
/// bad field at once.
pub fn keep_ok<T>(errors: &mut Vec<FieldError>, result: Result<T, FieldError>) -> Option<T> {
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
        let custody = keep_ok(
            &mut errors,
            self.custody
                .as_deref()
                .map_or(Ok(Custody::default()), Custody::parse),
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
            custody,
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
                Some(custody),
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
                custody,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn custody_is_parsed_and_an_unknown_mode_is_refused() {
        let draft = |custody: &str| OrderDraft {
            org: "Acme AS".into(),
            service: "Payments API".into(),
            client: "e-banking".into(),
            contact_name: "Kari Nordmann".into(),
            email: "kari@example.no".into(),
            mobile: "+4791234567".into(),
            custody: Some(custody.into()),
            ..OrderDraft::default()
        };
        for (text, custody) in [("csr", Custody::Csr), ("browser", Custody::Browser)] {
            assert_eq!(
                draft(text).parse(Locale::En).expect("valid").custody,
                custody
            );
        }
        let errors = draft("hsm").parse(Locale::En).expect_err("refused");
        assert_eq!(errors[0].field, "custody");
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
            (spec.key, spec.profile, spec.locale, spec.custody),
            (
                KeyType::Rsa2048,
                Profile::Modern,
                Locale::Nb,
                Custody::Server
            )
        );
    }
}
