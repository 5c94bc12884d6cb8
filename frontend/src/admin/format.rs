//! The portal's values in words: states, reasons, custody, actors, audit actions, messages,
//! times.

use super::i18n::AdminCatalogue;
use certportal_shared::model::{Custody, MessageState, OrderState, RevocationReason, Role};
use js_sys::Date;
use kit::i18n::{Lang, fill};
use kit::time::{locale_tag, options};
use wasm_bindgen::JsValue;

/// Milliseconds since the epoch of an RFC 3339 time (NaN when it is not one).
pub fn ms(rfc3339: &str) -> f64 {
    Date::parse(rfc3339)
}

/// `27 Nov 2026, 14:05` in the browser's time zone.
pub fn when(rfc3339: &str, lang: Lang) -> String {
    Date::new(&JsValue::from_f64(ms(rfc3339)))
        .to_locale_string(
            locale_tag(lang),
            &options(&[("dateStyle", "medium"), ("timeStyle", "short")]),
        )
        .into()
}

/// `27 Nov 2026`, in the browser's time zone.
pub fn day(rfc3339: &str, lang: Lang) -> String {
    Date::new(&JsValue::from_f64(ms(rfc3339)))
        .to_locale_date_string(locale_tag(lang), &options(&[("dateStyle", "medium")]))
        .into()
}

pub fn state(state: OrderState, t: &AdminCatalogue) -> &'static str {
    match state {
        OrderState::Issued => t.state_issued,
        OrderState::LinkSent => t.state_link_sent,
        OrderState::CodeVerified => t.state_code_verified,
        OrderState::Downloaded => t.state_downloaded,
        OrderState::Collected => t.state_collected,
        OrderState::Expired => t.state_expired,
        OrderState::Cancelled => t.state_cancelled,
        OrderState::Revoked => t.state_revoked,
    }
}

pub fn reason(reason: RevocationReason, t: &AdminCatalogue) -> &'static str {
    match reason {
        RevocationReason::Unspecified => t.reason_unspecified,
        RevocationReason::KeyCompromise => t.reason_key_compromise,
        RevocationReason::Superseded => t.reason_superseded,
        RevocationReason::CessationOfOperation => t.reason_cessation,
    }
}

/// Who makes the private key, as the order's page says it.
pub fn custody(custody: Custody, t: &AdminCatalogue) -> &'static str {
    match custody {
        Custody::Server => t.custody_server_value,
        Custody::Csr => t.custody_csr_value,
        Custody::Browser => t.custody_browser_value,
    }
}

/// What stands in for a certificate an order does not have: one still to come while the
/// order is open, none once it has ended.
pub fn no_certificate(state: OrderState, t: &AdminCatalogue) -> &'static str {
    if state.is_open() {
        t.awaiting_request
    } else {
        t.none_issued
    }
}

pub fn role(role: Role, t: &AdminCatalogue) -> &'static str {
    match role {
        Role::Admin => t.role_admin,
        Role::Support => t.role_support,
    }
}

/// The key algorithm as people write it: the portal's three, and the two more a customer's
/// own key may be.
pub fn key(key: &str) -> &str {
    match key {
        "rsa2048" => "RSA 2048",
        "rsa3072" => "RSA 3072",
        "rsa4096" => "RSA 4096",
        "p256" => "ECDSA P-256",
        "p384" => "ECDSA P-384",
        other => other,
    }
}

/// Who did something: `contact`, `system`, `staff:alice`, `cli:root`, `anonymous`.
pub fn actor(actor: &str, t: &AdminCatalogue) -> String {
    match actor.split_once(':') {
        Some(("staff", name)) => fill(t.actor_staff, &[("name", name)]),
        Some(("cli", name)) => fill(t.actor_cli, &[("name", name)]),
        Some(("token", name)) => fill(t.actor_token, &[("name", name)]),
        _ => match actor {
            "contact" => t.actor_contact.to_owned(),
            "system" => t.actor_system.to_owned(),
            "anonymous" => t.actor_anonymous.to_owned(),
            other => other.to_owned(),
        },
    }
}

/// A reminder's stage: days before the certificate ends, or its last day.
pub fn stage(days: u32, t: &AdminCatalogue) -> String {
    match days {
        0 => t.stage_end.to_owned(),
        days => fill(t.stage_days, &[("days", &days.to_string())]),
    }
}

/// What an audit event records; an action this build does not know is shown as it is.
pub fn action(action: &str, t: &AdminCatalogue) -> String {
    let words = match action {
        "order.created" => t.event_order_created,
        "link.opened" => t.event_link_opened,
        "code.failed" => t.event_code_failed,
        "code.verified" => t.event_code_verified,
        "code.resent" => t.event_code_resent,
        "link.resent" => t.event_link_resent,
        "bundle.downloaded" => t.event_downloaded,
        "receipt.digest_mismatch" => t.event_digest_mismatch,
        "receipt.confirmed" => t.event_receipt,
        "link.expired" => t.event_link_expired,
        "csr.signed" => t.event_csr_signed,
        "csr.refused" => t.event_csr_refused,
        "order.cancelled" => t.event_cancelled,
        "certificate.revoked" => t.event_revoked,
        "staff.login" => t.event_login,
        "staff.login_failed" => t.event_login_failed,
        "staff.logout" => t.event_logout,
        "staff.password_changed" => t.event_password_changed,
        "staff.added" => t.event_staff_added,
        "token.created" => t.event_token_created,
        "token.revoked" => t.event_token_revoked,
        "webhook.created" => t.event_webhook_created,
        "webhook.disabled" => t.event_webhook_disabled,
        "site.created" => t.event_site_created,
        "site.updated" => t.event_site_updated,
        "site.disabled" => t.event_site_disabled,
        "code.locked" => t.event_code_locked,
        "staff.password_reset" => t.event_password_reset,
        "staff.totp_reset" => t.event_totp_reset,
        "staff.disabled" => t.event_disabled,
        "staff.enabled" => t.event_enabled,
        "reminder.queued" => t.event_reminder,
        "self_service.revoked" => t.event_self_revoked,
        "renewal.requested" => t.event_renewal_requested,
        "report.code_sent" => t.event_report_code,
        "report.code_failed" => t.event_report_code_failed,
        "digest.queued" => t.event_digest,
        other => {
            return match other.strip_prefix("message.sent.") {
                // The channel does not matter for the name: each purpose has one.
                Some(purpose) => fill(t.message_sent, &[("message", &message("", purpose, t))]),
                None => other.to_owned(),
            };
        }
    };
    words.to_owned()
}

/// Where a message or a webhook delivery is, and what its last try met.
pub struct Delivery<'a> {
    pub status: MessageState,
    pub attempts: u32,
    pub sent_at: Option<&'a str>,
    pub ended_at: Option<&'a str>,
    pub last_error: Option<&'a str>,
}

/// How a delivery went, in words, and the class that colours it; `dropped` says why one
/// that was dropped was (`{time}`).
pub fn delivery(
    delivery: &Delivery<'_>,
    dropped: &str,
    t: &AdminCatalogue,
    lang: Lang,
) -> (String, &'static str) {
    let tries = delivery.attempts.to_string();
    let at = |time: Option<&str>| time.map(|time| when(time, lang)).unwrap_or_default();
    let error = delivery.last_error.unwrap_or_default();
    match delivery.status {
        MessageState::Sent => (
            fill(t.delivery_sent, &[("time", &at(delivery.sent_at))]),
            "delivery-sent",
        ),
        MessageState::Failed => (
            fill(
                t.delivery_failed,
                &[
                    ("time", &at(delivery.ended_at)),
                    ("error", error),
                    ("n", &tries),
                ],
            ),
            "delivery-failed",
        ),
        MessageState::Dropped => (
            fill(dropped, &[("time", &at(delivery.ended_at))]),
            "delivery-dropped",
        ),
        MessageState::Queued if delivery.last_error.is_some() => (
            fill(t.delivery_failing, &[("error", error), ("n", &tries)]),
            "delivery-pending",
        ),
        MessageState::Queued => (
            fill(t.delivery_waiting, &[("n", &tries)]),
            "delivery-pending",
        ),
    }
}

/// A message by what it carries: the link e-mail, the code SMS, the password SMS, the SMS that
/// says a certificate was issued (the channel names the ones this build does not know).
pub fn message(channel: &str, purpose: &str, t: &AdminCatalogue) -> String {
    match (channel, purpose) {
        (_, "collect_link") => t.message_link.to_owned(),
        (_, "otp") => t.message_code.to_owned(),
        (_, "password") => t.message_password.to_owned(),
        (_, "certificate_issued") => t.message_issued.to_owned(),
        (_, "expiry_reminder") => t.message_reminder.to_owned(),
        (_, "receipt") => t.message_receipt.to_owned(),
        (_, "report_code") => t.message_report_code.to_owned(),
        (_, "support_notice") => t.message_support.to_owned(),
        (_, "expiry_digest") => t.message_digest.to_owned(),
        (channel, purpose) => format!("{channel} {purpose}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::catalogue;

    #[test]
    fn actors_read_as_people() {
        let t = catalogue(Lang::En);
        assert_eq!(actor("staff:alice", t), "alice (staff)");
        assert_eq!(actor("cli:root", t), "root (command line)");
        assert_eq!(actor("contact", t), "the contact");
        assert_eq!(actor("robot", t), "robot");
    }

    #[test]
    fn every_action_the_backend_records_has_words_and_new_ones_still_show() {
        let t = catalogue(Lang::Nb);
        for known in [
            "order.created",
            "link.opened",
            "code.failed",
            "code.verified",
            "code.resent",
            "link.resent",
            "bundle.downloaded",
            "receipt.digest_mismatch",
            "receipt.confirmed",
            "csr.signed",
            "csr.refused",
            "link.expired",
            "order.cancelled",
            "certificate.revoked",
            "staff.login",
            "staff.login_failed",
            "staff.logout",
            "staff.password_changed",
            "staff.added",
            "staff.password_reset",
            "staff.totp_reset",
            "staff.disabled",
            "staff.enabled",
            "message.sent.otp",
            "message.sent.certificate_issued",
            "message.sent.expiry_reminder",
            "reminder.queued",
            "self_service.revoked",
            "renewal.requested",
            "report.code_sent",
            "report.code_failed",
            "message.sent.receipt",
            "digest.queued",
        ] {
            assert_ne!(action(known, t), known);
        }
        assert_eq!(action("brand.new", t), "brand.new");
        assert_eq!(
            action("message.sent.password", catalogue(Lang::En)),
            "Password SMS sent"
        );
    }

    #[test]
    fn an_order_without_a_certificate_awaits_one_only_while_it_is_open() {
        let t = catalogue(Lang::En);
        assert_eq!(no_certificate(OrderState::LinkSent, t), t.awaiting_request);
        assert_eq!(
            no_certificate(OrderState::CodeVerified, t),
            t.awaiting_request
        );
        assert_eq!(no_certificate(OrderState::Cancelled, t), t.none_issued);
        assert_eq!(no_certificate(OrderState::Expired, t), t.none_issued);
    }

    #[test]
    fn every_state_has_its_own_words() {
        let t = catalogue(Lang::En);
        let mut names: Vec<&str> = OrderState::ALL.iter().map(|s| state(*s, t)).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), OrderState::ALL.len());
    }
}
