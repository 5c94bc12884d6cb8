//! The order form's fields judged by the shared parsers, the same the portal runs, so that
//! what the form accepts the portal accepts; and what to fix, in the page's language.

use crate::i18n::AdminCatalogue;
use certportal_shared::api::admin::OrderDetail;
use certportal_shared::error::FieldError;
use certportal_shared::model::{
    ClientName, ContactName, Custody, Email, Mobile, OrderDraft, Organisation, Service,
};

/// The typed fields, by their names in [`OrderDraft`] and in the portal's field errors.
pub const TYPED: [&str; 6] = [
    "org",
    "service",
    "client",
    "contact_name",
    "email",
    "mobile",
];

/// Checks one typed field.
pub fn check(field: &str, value: &str) -> Result<(), FieldError> {
    match field {
        "org" => Organisation::parse(value).map(drop),
        "service" => Service::parse(value).map(drop),
        "client" => ClientName::parse(value).map(drop),
        "contact_name" => ContactName::parse(value).map(drop),
        "email" => Email::parse(value).map(drop),
        "mobile" => Mobile::parse(value).map(drop),
        _ => Ok(()),
    }
}

/// What to fix in a field the parser refused: fill it in, or the field's rule in words.
pub fn problem(field: &str, value: &str, t: &AdminCatalogue) -> &'static str {
    if value.trim().is_empty() {
        return t.field_required;
    }
    match field {
        "org" | "service" => t.invalid_name64,
        "client" => t.invalid_client,
        "contact_name" => t.invalid_contact,
        "email" => t.invalid_email,
        "mobile" => t.invalid_mobile,
        _ => t.field_invalid,
    }
}

/// Everything the form holds, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Values {
    pub org: String,
    pub service: String,
    pub client: String,
    pub contact_name: String,
    pub email: String,
    pub mobile: String,
    pub key: String,
    pub profile: String,
    /// Empty for the portal's default.
    pub locale: String,
    /// Who makes the private key: `server` or `csr`.
    pub custody: String,
}

impl Values {
    /// A blank form with the portal's defaults chosen.
    pub fn blank() -> Self {
        Self {
            key: "rsa2048".into(),
            profile: "modern".into(),
            custody: Custody::Server.as_str().into(),
            ..Self::default()
        }
    }

    /// The old order's fields, for its renewal.
    pub fn from_order(old: &OrderDetail) -> Self {
        let order = &old.order;
        Self {
            org: order.org.clone(),
            service: order.service.clone(),
            client: order.client.clone(),
            contact_name: order.contact_name.clone(),
            email: order.email.clone(),
            mobile: order.mobile.clone(),
            key: old.key.clone(),
            profile: old.profile.clone(),
            locale: old.locale.clone(),
            custody: order.custody.as_str().to_owned(),
        }
    }

    /// Whether the customer makes the key, so that the portal's key and file choices do not
    /// apply.
    pub fn customer_makes_key(custody: &str) -> bool {
        Custody::parse(custody).is_ok_and(|custody| !custody.portal_holds_key())
    }

    /// Whether the customer brings a request of their own, whose key the portal takes as it
    /// is: then the order's key type and file profile mean nothing.
    pub fn customer_brings_request(custody: &str) -> bool {
        Custody::parse(custody) == Ok(Custody::Csr)
    }

    /// The value of a typed field.
    pub fn typed(&self, field: &str) -> &str {
        match field {
            "org" => &self.org,
            "service" => &self.service,
            "client" => &self.client,
            "contact_name" => &self.contact_name,
            "email" => &self.email,
            "mobile" => &self.mobile,
            _ => "",
        }
    }

    /// The request: a renewal when `renews` names the old certificate.
    pub fn draft(&self, renews: Option<(String, bool)>) -> OrderDraft {
        let chosen = |value: &str| (!value.is_empty()).then(|| value.to_owned());
        // The key and the file are the portal's to make only when it holds the key; for a
        // customer's own key the choices left on the hidden fields mean nothing.
        let portal =
            |value: &str| chosen(value).filter(|_| !Self::customer_makes_key(&self.custody));
        let (renews, supersede) = match renews {
            Some((serial, supersede)) => (Some(serial), Some(supersede)),
            None => (None, None),
        };
        OrderDraft {
            org: self.org.clone(),
            service: self.service.clone(),
            client: self.client.clone(),
            contact_name: self.contact_name.clone(),
            email: self.email.clone(),
            mobile: self.mobile.clone(),
            key: portal(&self.key),
            profile: portal(&self.profile),
            locale: chosen(&self.locale),
            // Sent on a renewal too, though the portal would keep the old order's: the form
            // shows the choice, so it sends what it shows.
            custody: chosen(&self.custody),
            renews,
            supersede,
            // The organisation's site, if it has one: support staff do not manage sites.
            site: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::catalogue;
    use certportal_shared::model::Locale;
    use kit::i18n::Lang;

    fn filled() -> Values {
        Values {
            org: "Acme AS".into(),
            service: "Payments API".into(),
            client: "e-banking".into(),
            contact_name: "Kari Nordmann".into(),
            email: "kari@example.no".into(),
            mobile: "+47 912 34 567".into(),
            ..Values::blank()
        }
    }

    #[test]
    fn what_the_form_accepts_the_portal_accepts() {
        let values = filled();
        for field in TYPED {
            assert!(check(field, values.typed(field)).is_ok(), "{field}");
        }
        assert!(values.draft(None).parse(Locale::En).is_ok());
    }

    #[test]
    fn each_refusal_says_what_to_fix_for_its_own_field() {
        let t = catalogue(Lang::En);
        assert_eq!(problem("mobile", "  ", t), t.field_required);
        assert!(check("mobile", "91234567").is_err());
        assert_eq!(problem("mobile", "91234567", t), t.invalid_mobile);
        assert!(check("client", "a/b").is_err());
        assert_eq!(problem("client", "a/b", t), t.invalid_client);
        assert!(check("email", "kari@").is_err());
        assert_eq!(problem("email", "kari@", t), t.invalid_email);
    }

    #[test]
    fn a_renewal_names_the_old_certificate_and_the_choice_to_supersede_it() {
        let draft = filled().draft(Some(("0abc".into(), true)));
        assert_eq!(draft.renews.as_deref(), Some("0abc"));
        assert_eq!(draft.supersede, Some(true));
        assert_eq!(draft.locale, None, "no choice means the portal's default");
        assert_eq!(filled().draft(None).supersede, None);
    }

    #[test]
    fn a_customers_own_key_sends_its_custody_and_no_key_or_file_choice() {
        let values = Values {
            custody: "csr".into(),
            ..filled()
        };
        let draft = values.draft(None);
        assert_eq!(draft.custody.as_deref(), Some("csr"));
        assert_eq!((&draft.key, &draft.profile), (&None, &None));
        assert_eq!(
            draft.parse(Locale::En).map(|spec| spec.custody),
            Ok(Custody::Csr)
        );
        let server = filled().draft(None);
        assert_eq!(server.custody.as_deref(), Some("server"));
        assert_eq!(server.key.as_deref(), Some("rsa2048"));
    }
}
