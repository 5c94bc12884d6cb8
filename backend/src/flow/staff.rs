//! Staff accounts: adding them, signing in (password + TOTP, throttled, no code twice),
//! changing and resetting passwords and TOTP, disabling.

use super::Actor;
use super::admin::audit_entry;
use crate::clock::{from_unix, rfc3339, unix};
use crate::error::{AppError, Fault};
use crate::secrets::{HashingRefused, SealContext, Totp, hash_password, random, verify_password};
use crate::state::AppState;
use crate::store::{LoginFailures, LoginLimits, StaffRecord};
use certportal_shared::api::admin::{AuditPage, AuditQuery, Enrolment, LoginRequest, StaffSummary};
use certportal_shared::model::{Role, Username, check_new_password};
use certportal_shared::{ErrorCode, FieldError};
use std::sync::OnceLock;
use zeroize::Zeroizing;

/// The window in which failed logins count.
pub(crate) const THROTTLE_WINDOW_SECONDS: i64 = 15 * 60;
/// An address may fail this many times more than one account may.
const IP_FACTOR: u32 = 4;

/// Runs a password hash off the async threads, a few at a time: each takes 19 MiB, so a
/// burst of sign-ins waits here rather than using gigabytes.
async fn hashed<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    match state.hashing.run(work).await {
        Ok(value) => Ok(value),
        Err(HashingRefused::Busy) => Err(AppError::refuse(
            ErrorCode::RateLimited,
            "Too many sign-ins at once. Please try again in a moment.",
        )
        .with_retry_after(1)),
        Err(HashingRefused::Stopped(stopped)) => Err(stopped.into()),
    }
}

/// A hash of nothing in particular, verified when the user does not exist so that a login
/// takes as long for an unknown name as for a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password("certportal decoy password").unwrap_or_default())
}

/// A TOTP enrolment for `username`: the sealed secret and the URI to show once.
fn new_totp(state: &AppState, username: &str) -> Result<(Vec<u8>, String), AppError> {
    let secret = Totp::generate_secret()?;
    let uri = Totp::new(&secret, username)?.uri();
    Ok((
        state.kek.seal(SealContext::Totp { username }, &secret)?,
        uri,
    ))
}

/// The enrolment URI as a QR code, an SVG document.
pub fn qr_svg(text: &str) -> Result<String, AppError> {
    use qrcodegen::{QrCode, QrCodeEcc};
    let code = QrCode::encode_text(text, QrCodeEcc::Medium)
        .map_err(|e| AppError::Internal(Fault::Response(format!("QR code: {e:?}"))))?;
    let border = 4;
    let size = code.size() + border * 2;
    let mut path = String::new();
    for y in 0..code.size() {
        for x in 0..code.size() {
            if code.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + border, y + border));
            }
        }
    }
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" shape-rendering=\"crispEdges\">\
         <rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
    ))
}

fn enrolment(
    username: &str,
    password: Option<&str>,
    totp_uri: Option<String>,
) -> Result<Enrolment, AppError> {
    let totp_qr_svg = totp_uri.as_deref().map(qr_svg).transpose()?;
    Ok(Enrolment {
        username: username.to_owned(),
        password: password.map(str::to_owned),
        totp_uri,
        totp_qr_svg,
    })
}

fn unknown_user(username: &str) -> AppError {
    AppError::refuse(
        ErrorCode::NotFound,
        format!("There is no staff member {username}."),
    )
}

/// Every staff account, by user name.
pub async fn list(state: &AppState) -> Result<Vec<StaffSummary>, AppError> {
    let staff = state.store.list_staff().await?;
    Ok(staff.into_iter().map(staff_summary).collect())
}

/// An account as the admin page shows it.
fn staff_summary(record: StaffRecord) -> StaffSummary {
    StaffSummary {
        username: record.username,
        role: record.role,
        disabled: record.disabled,
        must_change_password: record.must_change_password,
        created_at: rfc3339(from_unix(record.created_at)),
        created_by: record.created_by,
    }
}

/// A page of the audit log, newest first.
pub async fn audit_log(state: &AppState, query: &AuditQuery) -> Result<AuditPage, AppError> {
    let limit = query.limit.unwrap_or(100).clamp(1, 500);
    let events = state
        .store
        .audit_log(query.actor.as_deref(), query.before, limit)
        .await?;
    Ok(AuditPage {
        events: events
            .into_iter()
            .map(|(id, event)| (id, audit_entry(event)))
            .collect(),
    })
}

/// Adds a staff member with a first password (to be changed at first sign-in) and a TOTP
/// enrolment; both are returned once and kept only as a hash and a sealed secret.
pub async fn add(
    state: &AppState,
    username: &Username,
    role: Role,
    actor: &Actor,
) -> Result<Enrolment, AppError> {
    let password = random::password(state.config.collect.password_length.max(20))?;
    let hash = {
        let password = password.clone();
        hashed(state, move || hash_password(&password)).await??
    };
    let (totp_sealed, uri) = new_totp(state, username.as_str())?;
    let now = unix(state.clock.now());
    let record = StaffRecord {
        username: username.to_string(),
        role,
        password_hash: hash,
        totp_sealed,
        totp_last_step: 0,
        must_change_password: true,
        disabled: false,
        credentials_epoch: 0,
        created_at: now,
        created_by: actor.name.clone(),
        updated_at: now,
    };
    let event = actor.event(
        now,
        "staff.added",
        None,
        None,
        Some(format!("{username} as {role}")),
    );
    if !state.store.create_staff(&record, &event).await? {
        return Err(AppError::invalid(vec![FieldError {
            field: "username".into(),
            message: format!("{username} is taken"),
        }]));
    }
    enrolment(username.as_str(), Some(&password), Some(uri))
}

/// Checks a sign-in: a try is taken first (refused once the account or the address has
/// failed too often, however many sign-ins run at once), then the password is hashed (a few
/// at a time) and the TOTP code checked. Every failure looks the same from outside.
pub async fn login(
    state: &AppState,
    request: &LoginRequest,
    actor: &Actor,
) -> Result<StaffRecord, AppError> {
    let now_unix = unix(state.clock.now());
    // No account has a longer name; a longer one is still throttled, under its first part.
    let username: String = request
        .username
        .trim()
        .to_lowercase()
        .chars()
        .take(64)
        .collect();
    let ip = super::address_key(actor.ip.as_deref().unwrap_or_default());
    let limit = state.config.admin.max_failed_logins.max(1);
    let limits = LoginLimits {
        since: now_unix - THROTTLE_WINDOW_SECONDS,
        by_user: limit,
        by_ip: limit.saturating_mul(IP_FACTOR),
    };
    // Counted under a keyed hash of the name as typed: what someone types there may be a
    // password typed into the wrong field, and is not kept.
    let throttle_key = hex::encode(state.kek.code_mac("staff sign-in", &username));
    let taken = match state
        .store
        .take_login_try(&throttle_key, &ip, now_unix, &limits)
        .await?
    {
        Ok(taken) => taken,
        Err(failures) => return Err(throttled(&failures, &limits, now_unix)),
    };

    let record = state.store.staff(&username).await?;
    let hash = record
        .as_ref()
        .map_or_else(|| decoy_hash().to_owned(), |r| r.password_hash.clone());
    let password = Zeroizing::new(request.password.clone());
    let password_ok = hashed(state, move || verify_password(&password, &hash)).await?;
    let step = match (&record, password_ok) {
        (Some(record), true) if !record.disabled => {
            let secret = state.kek.open(
                SealContext::Totp {
                    username: &record.username,
                },
                &record.totp_sealed,
            )?;
            let totp = Totp::new(&secret, &record.username)?;
            totp.matching_step(&request.totp, u64::try_from(now_unix).unwrap_or_default())
        }
        _ => None,
    };
    let accepted = match (&record, step) {
        // The step is taken atomically: a code already used, or older than one used, fails.
        (Some(record), Some(step)) => state.store.use_totp_step(&record.username, step).await?,
        _ => false,
    };
    match record {
        Some(record) if accepted => {
            state.store.login_succeeded(&throttle_key, &taken).await?;
            let staff = Actor {
                name: format!("staff:{}", record.username),
                ..actor.clone()
            };
            state
                .store
                .record(&staff.event(now_unix, "staff.login", None, None, None))
                .await?;
            Ok(record)
        }
        _ => {
            // The try taken above stays on record as the failure. The name goes in the audit
            // trail only when it is an account's, never as typed.
            let detail = Some(match &record {
                Some(record) => format!("user {}", record.username),
                None => "an unknown user name".to_owned(),
            });
            state
                .store
                .record(&actor.event(now_unix, "staff.login_failed", None, None, detail))
                .await?;
            Err(AppError::refuse(
                ErrorCode::LoginFailed,
                "Wrong user name, password or code.",
            ))
        }
    }
}

/// The refusal of a sign-in while the account or the address is throttled, with the wait
/// until its oldest counted failure leaves the window.
fn throttled(failures: &LoginFailures, limits: &LoginLimits, now: i64) -> AppError {
    let until = [
        (failures.by_user >= limits.by_user)
            .then_some(failures.oldest_by_user)
            .flatten(),
        (failures.by_ip >= limits.by_ip)
            .then_some(failures.oldest_by_ip)
            .flatten(),
    ]
    .into_iter()
    .flatten()
    .max()
    .map_or(now + 1, |oldest| oldest + THROTTLE_WINDOW_SECONDS);
    let wait = u64::try_from(until - now).unwrap_or(1).max(1);
    AppError::refuse(
        ErrorCode::LoginThrottled,
        format!(
            "Too many failed sign-ins. Try again in {} min.",
            wait.div_ceil(60)
        ),
    )
    .with_retry_after(wait)
}

/// Changes one's own password, given the current one, from a session signed in at
/// credentials epoch `since`; returns the account's new epoch (the sessions of the old one
/// have ended). Refused when the credentials changed meanwhile (a reset by an admin wins
/// over a change already on its way).
pub async fn change_password(
    state: &AppState,
    username: &str,
    since: i64,
    current: &str,
    new: &str,
    actor: &Actor,
) -> Result<i64, AppError> {
    check_new_password(new).map_err(|error| AppError::invalid(vec![error]))?;
    let record = state
        .store
        .staff(username)
        .await?
        .ok_or_else(|| unknown_user(username))?;
    let (current, hash) = (
        Zeroizing::new(current.to_owned()),
        record.password_hash.clone(),
    );
    if !hashed(state, move || verify_password(&current, &hash)).await? {
        return Err(AppError::invalid(vec![FieldError {
            field: "current_password".into(),
            message: "the current password is wrong".into(),
        }]));
    }
    let new = Zeroizing::new(new.to_owned());
    let hash = hashed(state, move || hash_password(&new)).await??;
    let event = actor.event(
        unix(state.clock.now()),
        "staff.password_changed",
        None,
        None,
        None,
    );
    state
        .store
        .update_password(username, &hash, false, Some(since), &event)
        .await?
        .ok_or_else(|| {
            AppError::refuse(
                ErrorCode::Unauthenticated,
                "Your password or authenticator was changed meanwhile. Sign in again.",
            )
        })
}

/// Gives a staff member a new first password (to be changed at sign-in); returns it with the
/// account's new credentials epoch.
pub async fn reset_password(
    state: &AppState,
    username: &str,
    actor: &Actor,
) -> Result<(Enrolment, i64), AppError> {
    let password = random::password(20)?;
    let hash = {
        let password = password.clone();
        hashed(state, move || hash_password(&password)).await??
    };
    let event = actor.event(
        unix(state.clock.now()),
        "staff.password_reset",
        None,
        None,
        Some(username.to_owned()),
    );
    let epoch = state
        .store
        .update_password(username, &hash, true, None, &event)
        .await?
        .ok_or_else(|| unknown_user(username))?;
    Ok((enrolment(username, Some(&password), None)?, epoch))
}

/// Gives a staff member a new TOTP secret; the old authenticator entry stops working.
/// Returns the enrolment with the account's new credentials epoch.
pub async fn reset_totp(
    state: &AppState,
    username: &str,
    actor: &Actor,
) -> Result<(Enrolment, i64), AppError> {
    let (sealed, uri) = new_totp(state, username)?;
    let event = actor.event(
        unix(state.clock.now()),
        "staff.totp_reset",
        None,
        None,
        Some(username.to_owned()),
    );
    let epoch = state
        .store
        .update_totp(username, &sealed, &event)
        .await?
        .ok_or_else(|| unknown_user(username))?;
    Ok((enrolment(username, None, Some(uri))?, epoch))
}

/// Disables or enables an account. Admins cannot disable themselves.
pub async fn set_disabled(
    state: &AppState,
    username: &str,
    disabled: bool,
    actor: &Actor,
) -> Result<(), AppError> {
    if disabled && actor.name == format!("staff:{username}") {
        return Err(AppError::refuse(
            ErrorCode::InvalidState,
            "You cannot disable your own account.",
        ));
    }
    let action = if disabled {
        "staff.disabled"
    } else {
        "staff.enabled"
    };
    let event = actor.event(
        unix(state.clock.now()),
        action,
        None,
        None,
        Some(username.to_owned()),
    );
    if !state.store.set_disabled(username, disabled, &event).await? {
        return Err(unknown_user(username));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_qr_code_is_an_svg_document() {
        let svg = qr_svg("otpauth://totp/certportal:alice?secret=ABC").expect("encodes");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("<path d=\"M"));
    }
}
