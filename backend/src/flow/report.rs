//! The contact's own withdrawal. The receipt e-mail carries a report link (its own token, in
//! the fragment, good for the certificate's life); the page it opens has a code sent to the
//! order's mobile, and with the code the contact withdraws the certificate, then may ask
//! support for a new one. The code has the collect code's guards: tries taken before the
//! comparison, a cooldown between codes and a cap on them.

use super::Actor;
use super::collect::{no_new_code, seconds_until, wrong_code};
use crate::clock::{from_unix, rfc3339, unix};
use crate::error::AppError;
use crate::notify::templates::{self, ReceiptMail, SupportNotice};
use crate::notify::{Recipient, queued_message};
use crate::secrets::random;
use crate::state::AppState;
use crate::store::{
    CodeGuard, NewCode, NewMessage, NewReport, OrderRecord, ReportRecord, RevokeOutcome,
};
use certportal_shared::ErrorCode;
use certportal_shared::api::report::ReportResponse;
use certportal_shared::model::{Purpose, RevocationReason};
use certportal_shared::routes;
use time::Duration;
use zeroize::Zeroizing;

/// "Firefox on Linux" from a user agent, or "" when it names nothing known.
pub fn browser_name(user_agent: Option<&str>) -> String {
    let Some(agent) = user_agent else {
        return String::new();
    };
    let Some(found) = woothee::parser::Parser::new().parse(agent) else {
        return String::new();
    };
    let known = |value: &str| value != woothee::woothee::VALUE_UNKNOWN && !value.is_empty();
    match (known(found.name), known(found.os)) {
        (true, true) => format!("{} on {}", found.name, found.os),
        (true, false) => found.name.to_owned(),
        (false, true) => found.os.to_owned(),
        (false, false) => String::new(),
    }
}

/// A new report link for the certificate, good until it ends, and its URL (which holds the
/// token: it goes only into a sealed message).
pub fn new_link(
    state: &AppState,
    order: &OrderRecord,
    serial: &str,
    not_after: i64,
) -> Result<(NewReport, Zeroizing<String>), AppError> {
    let token = random::token()?;
    let url = Zeroizing::new(routes::report_url(&state.config.base_url, &token));
    let report = NewReport {
        token_hash: random::token_hash(&token),
        order_id: order.id.clone(),
        serial: serial.to_owned(),
        expires_at: not_after,
    };
    Ok((report, url))
}

/// The report link and receipt e-mail for a certificate handed over now; the caller stores
/// them with the handover, in one transaction.
pub fn receipt(
    state: &AppState,
    order: &OrderRecord,
    serial: &str,
    not_after: i64,
    actor: &Actor,
    now: i64,
) -> Result<(NewReport, NewMessage), AppError> {
    let (report, url) = new_link(state, order, serial, not_after)?;
    let at = rfc3339(from_unix(now));
    let at = format!(
        "{} {} UTC",
        at.get(..10).unwrap_or(&at),
        at.get(11..16).unwrap_or_default()
    );
    let spec = &order.spec;
    let browser = browser_name(actor.user_agent.as_deref());
    let (subject, body) = templates::receipt_email(
        spec.locale,
        &ReceiptMail {
            contact_name: spec.contact_name.as_str(),
            org: spec.org.as_str(),
            service: spec.service.as_str(),
            client: spec.client.as_str(),
            serial,
            at: &at,
            from: actor.ip.as_deref().unwrap_or("an unknown address"),
            browser: &browser,
            url: &url,
        },
    );
    let body = Zeroizing::new(body);
    let message = queued_message(
        &state.kek,
        &Recipient::email(&order.id, spec),
        Purpose::Receipt,
        Some(subject),
        &body,
    )?;
    Ok((report, message))
}

fn unknown() -> AppError {
    AppError::refuse(
        ErrorCode::UnknownLink,
        "This link is not valid. Check that you copied all of it.",
    )
}

/// A report link, its order and what the page shows of them.
struct Found {
    hash: Vec<u8>,
    report: ReportRecord,
    order: OrderRecord,
    revoked: Option<(i64, RevocationReason)>,
}

async fn find(state: &AppState, token: &str, now: i64) -> Result<Found, AppError> {
    if token.is_empty() || token.len() > 128 {
        return Err(unknown());
    }
    let hash = random::token_hash(token);
    let report = state.store.report(&hash).await?.ok_or_else(unknown)?;
    let order = state
        .store
        .order(&report.order_id)
        .await?
        .ok_or_else(|| AppError::inconsistent("a report link without its order"))?;
    let cert = state
        .store
        .certificate(&report.serial)
        .await?
        .ok_or_else(|| AppError::inconsistent("a report link without its certificate"))?;
    let revoked = cert
        .revoked_at
        .map(|at| (at, cert.revocation_reason.unwrap_or_default()));
    if revoked.is_none() && report.expires_at <= now {
        return Err(AppError::refuse(
            ErrorCode::LinkExpired,
            "This certificate has ended; there is nothing left to withdraw.",
        ));
    }
    Ok(Found {
        hash,
        report,
        order,
        revoked,
    })
}

fn describe(state: &AppState, found: &Found, now: i64) -> ReportResponse {
    let limits = &state.config.collect;
    let report = &found.report;
    let spec = &found.order.spec;
    let cooldown_end = report.code_sent_at + i64::from(limits.resend_cooldown_seconds);
    ReportResponse {
        org: spec.org.to_string(),
        service: spec.service.to_string(),
        client: spec.client.to_string(),
        serial: report.serial.clone(),
        not_after: rfc3339(from_unix(report.expires_at)),
        masked_mobile: spec.mobile.masked(),
        revoked_at: found.revoked.map(|(at, _)| rfc3339(from_unix(at))),
        revocation_reason: found.revoked.map(|(_, reason)| reason),
        code_expires_in: if report.code_mac.is_some() {
            seconds_until(report.code_expires_at, now)
        } else {
            0
        },
        attempts_left: limits
            .code_max_attempts
            .saturating_sub(report.code_attempts),
        codes_left: max_codes(state).saturating_sub(report.codes_sent),
        code_available_in: seconds_until(cooldown_end, now),
        renewal_requested: found.order.renewal_requested_at.is_some(),
        renewal_open: renewal_open(state, found, now),
        locale: spec.locale.as_str().to_owned(),
    }
}

/// Whether the contact may ask for a new certificate: once this one is withdrawn, or once it
/// is as near its end as the first reminder.
fn renewal_open(state: &AppState, found: &Found, now: i64) -> bool {
    let window = i64::from(state.config.reminders.window_days()) * 86_400;
    found.revoked.is_some() || found.report.expires_at - now <= window
}

/// Codes a report link may be sent: the first and as many new ones as the collect link.
fn max_codes(state: &AppState) -> u32 {
    state.config.collect.resend_max.saturating_add(1)
}

/// Describes the certificate behind a report link.
pub async fn open(state: &AppState, token: &str) -> Result<ReportResponse, AppError> {
    let now = unix(state.clock.now());
    let found = find(state, token, now).await?;
    Ok(describe(state, &found, now))
}

fn already_revoked() -> AppError {
    AppError::refuse(
        ErrorCode::AlreadyRevoked,
        "This certificate has been withdrawn already.",
    )
}

/// Sends a code to the order's mobile, within the cooldown and the cap.
pub async fn send_code(
    state: &AppState,
    token: &str,
    actor: &Actor,
) -> Result<ReportResponse, AppError> {
    let now = unix(state.clock.now());
    let found = find(state, token, now).await?;
    if found.revoked.is_some() {
        return Err(already_revoked());
    }
    let limits = &state.config.collect;
    let sent_before = now - i64::from(limits.resend_cooldown_seconds);
    let refusal = |report: &ReportRecord| {
        no_new_code(
            limits,
            report.codes_sent >= max_codes(state),
            report.code_sent_at,
            now,
        )
    };
    if found.report.codes_sent >= max_codes(state) || found.report.code_sent_at > sent_before {
        return Err(refusal(&found.report));
    }
    let code = random::code(limits.code_digits)?;
    let body = Zeroizing::new(templates::report_code_sms(
        found.order.spec.locale,
        &code,
        limits.code_ttl_minutes,
    ));
    let message = queued_message(
        &state.kek,
        &Recipient::sms(&found.order.id, &found.order.spec),
        Purpose::ReportCode,
        None,
        &body,
    )?;
    let event = actor.on_order(now, "report.code_sent", &found.order, None);
    let code = NewCode {
        code_mac: state.kek.code_mac(&report_context(&found.report), &code),
        expires_at: now + Duration::minutes(i64::from(limits.code_ttl_minutes)).whole_seconds(),
        sent_before,
        max_resends: max_codes(state),
    };
    if !state
        .store
        .replace_report_code(&found.hash, &code, &message, &event)
        .await?
    {
        // A racing request won; report what it left behind.
        let current = find(state, token, now).await?;
        return Err(refusal(&current.report));
    }
    state.wake.notify_one();
    let found = find(state, token, now).await?;
    Ok(describe(state, &found, now))
}

/// What a report's codes are keyed to: its certificate, not the order, so that a report
/// code can never stand in for a collect code.
fn report_context(report: &ReportRecord) -> String {
    format!("report:{}", report.serial)
}

/// Why a report's code cannot be tried now.
fn no_try_left(state: &AppState, report: &ReportRecord, now: i64) -> AppError {
    if report.code_mac.is_none() {
        return AppError::refuse(ErrorCode::CodeExpired, "Ask for a code first.");
    }
    if report.code_attempts >= state.config.collect.code_max_attempts {
        return AppError::refuse(
            ErrorCode::CodeLocked,
            "Too many wrong codes. Ask for a new code to try again.",
        )
        .with_attempts_left(0);
    }
    if report.code_expires_at <= now {
        return AppError::refuse(
            ErrorCode::CodeExpired,
            "This code has expired. Ask for a new code.",
        );
    }
    AppError::refuse(ErrorCode::CodeExpired, "Ask for a new code.")
}

/// The e-mail to the support desk about a contact's own step, if the desk has an address.
fn support_notice(
    state: &AppState,
    order: &OrderRecord,
    serial: &str,
    actor: &Actor,
    reason: Option<RevocationReason>,
) -> Result<Vec<NewMessage>, AppError> {
    let address = state.config.support.email.as_str();
    if address.is_empty() {
        return Ok(Vec::new());
    }
    let spec = &order.spec;
    let contact = format!("{} <{}>", spec.contact_name, spec.email);
    let browser = browser_name(actor.user_agent.as_deref());
    let (subject, body) = templates::support_email(
        &SupportNotice {
            org: spec.org.as_str(),
            service: spec.service.as_str(),
            client: spec.client.as_str(),
            serial,
            order_id: &order.id,
            contact: &contact,
            from: actor.ip.as_deref().unwrap_or("an unknown address"),
            browser: if browser.is_empty() { "?" } else { &browser },
        },
        reason.map(|reason| reason.as_str()),
    );
    // On the order's timeline, though it goes to the desk.
    let to = Recipient::support(address, state.config.default_locale, Some(&order.id));
    let message = queued_message(
        &state.kek,
        &to,
        Purpose::SupportNotice,
        Some(subject),
        &body,
    )?;
    Ok(vec![message])
}

/// Withdraws the certificate with the code: `keyCompromise` (lost, or someone else had it)
/// or `cessationOfOperation` (no longer needed). Support is told, and a new CRL published.
pub async fn revoke(
    state: &AppState,
    token: &str,
    code: &str,
    reason: &str,
    actor: &Actor,
) -> Result<ReportResponse, AppError> {
    let reason = match RevocationReason::parse(reason) {
        Ok(reason @ (RevocationReason::KeyCompromise | RevocationReason::CessationOfOperation)) => {
            reason
        }
        _ => {
            return Err(AppError::refuse(
                ErrorCode::InvalidInput,
                "reason: keyCompromise (lost, or someone else may have it) or \
                 cessationOfOperation (no longer needed)",
            ));
        }
    };
    let now = unix(state.clock.now());
    let limits = &state.config.collect;
    let code = code.trim();
    if code.len() != limits.code_digits as usize || !code.chars().all(|c| c.is_ascii_digit()) {
        return Err(AppError::refuse(
            ErrorCode::InvalidInput,
            format!(
                "code: the code is {} digits, as in the SMS.",
                limits.code_digits
            ),
        ));
    }
    let found = find(state, token, now).await?;
    if found.revoked.is_some() {
        return Err(already_revoked());
    }
    let guard = CodeGuard {
        now,
        max_attempts: limits.code_max_attempts,
    };
    let Some(taken) = state.store.take_report_try(&found.hash, guard).await? else {
        let current = find(state, token, now).await?;
        return Err(no_try_left(state, &current.report, now));
    };
    let offered = state.kek.code_mac(&report_context(&found.report), code);
    if aws_lc_rs::constant_time::verify_slices_are_equal(&offered, &taken.code_mac).is_err() {
        state
            .store
            .record(&actor.on_order(now, "report.code_failed", &found.order, None))
            .await?;
        return Err(wrong_code(
            limits.code_max_attempts.saturating_sub(taken.attempts),
        ));
    }
    let messages = support_notice(
        state,
        &found.order,
        &found.report.serial,
        actor,
        Some(reason),
    )?;
    let detail = Some(format!(
        "reason: {reason}; by the contact, from the report link"
    ));
    let event = actor.event(
        now,
        "self_service.revoked",
        Some(&found.order.id),
        Some(&found.report.serial),
        detail,
    );
    match state
        .store
        .revoke_by_report(
            &found.hash,
            &taken.code_mac,
            guard,
            reason,
            &messages,
            &event,
        )
        .await?
    {
        Some(RevokeOutcome::Revoked) => {
            state.wiped.notify_one();
            state.wake.notify_one();
            super::crl::changed(state);
            tracing::info!(serial = %found.report.serial, reason = %reason, "certificate revoked by its contact");
        }
        Some(_) => return Err(already_revoked()),
        None => {
            let current = find(state, token, now).await?;
            if current.revoked.is_some() {
                return Err(already_revoked());
            }
            return Err(no_try_left(state, &current.report, now));
        }
    }
    let found = find(state, token, now).await?;
    Ok(describe(state, &found, now))
}

/// Asks support for a new certificate in place of this one (withdrawn, or near its end): it
/// lands on the admin page's dashboard, and support is told; staff renew the order to start
/// the normal flow.
pub async fn request_renewal(
    state: &AppState,
    token: &str,
    actor: &Actor,
) -> Result<ReportResponse, AppError> {
    let now = unix(state.clock.now());
    let found = find(state, token, now).await?;
    if !renewal_open(state, &found, now) {
        return Err(AppError::refuse(
            ErrorCode::InvalidState,
            "This certificate works for a long while yet: a new one can be asked for once it \
             nears its end, or after it is withdrawn.",
        ));
    }
    if found.order.renewal_requested_at.is_none() {
        let messages = support_notice(state, &found.order, &found.report.serial, actor, None)?;
        let event = actor.on_order(now, "renewal.requested", &found.order, None);
        if state
            .store
            .request_renewal(&found.order.id, &messages, &event)
            .await?
        {
            state.wake.notify_one();
        }
    }
    let found = find(state, token, now).await?;
    Ok(describe(state, &found, now))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_agent_reads_as_browser_on_system() {
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
        assert_eq!(browser_name(Some(firefox)), "Firefox on Linux");
        assert_eq!(browser_name(Some("")), "");
        assert_eq!(browser_name(None), "");
    }
}
