//! Opening the link and proving the code: open, verify, resend.

use super::*;

/// Describes the order behind a link. Never uses the link up.
pub async fn open(state: &AppState, token: &str, actor: &Actor) -> Result<OpenResponse, AppError> {
    let order = order_for_link(state, token).await?;
    let now = unix(state.clock.now());
    let limits = &state.config.collect;
    state
        .store
        .record(&actor.on_order(now, "link.opened", &order, None))
        .await?;
    Ok(OpenResponse {
        org: order.spec.org.to_string(),
        service: order.spec.service.to_string(),
        client: order.spec.client.to_string(),
        contact_name: order.spec.contact_name.to_string(),
        masked_mobile: order.spec.mobile.masked(),
        state: order.state,
        code_expires_at: rfc3339(from_unix(order.code_expires_at)),
        code_expires_in: if order.code_mac.is_some() {
            seconds_until(order.code_expires_at, now)
        } else {
            0
        },
        attempts_left: limits.code_max_attempts.saturating_sub(order.code_attempts),
        resends_left: limits.resend_max.saturating_sub(order.resends),
        resend_available_in: seconds_until(
            order.code_sent_at + i64::from(limits.resend_cooldown_seconds),
            now,
        ),
        link_expires_at: rfc3339(from_unix(order.link_expires_at)),
        locale: order.spec.locale.as_str().to_owned(),
        custody: order.spec.custody,
        subject: format!(
            "/O={}/OU={}/CN={}",
            subject_value(order.spec.org.as_str()),
            subject_value(order.spec.service.as_str()),
            subject_value(order.spec.client.as_str())
        ),
        build: (order.spec.custody == Custody::Browser).then(|| PageBuild {
            key: order.spec.key,
            profile: order.spec.profile,
            iterations: state.config.certificate.pkcs12_iterations,
            password_length: limits.password_length,
        }),
    })
}

/// A value as `openssl req -subj` reads it: `\` and `/` escaped by a backslash (`Acme A\/S`).
fn subject_value(value: &str) -> String {
    value.replace('\\', "\\\\").replace('/', "\\/")
}

/// Checks the code; the right one opens a collect session and is used up. A try is taken
/// before the code is compared, so parallel guesses never get more than the limit.
pub async fn verify(
    state: &AppState,
    token: &str,
    code: &str,
    actor: &Actor,
) -> Result<VerifyResponse, AppError> {
    let order = order_for_link(state, token).await?;
    let limits = &state.config.collect;
    let now = unix(state.clock.now());
    let code = code.trim();
    if code.len() != limits.code_digits as usize || !code.chars().all(|c| c.is_ascii_digit()) {
        return Err(AppError::refuse(
            ErrorCode::InvalidInput,
            format!("The code is {} digits, as in the SMS.", limits.code_digits),
        ));
    }
    let guard = CodeGuard {
        now,
        max_attempts: limits.code_max_attempts,
    };
    let Some(taken) = state.store.take_code_try(&order.id, guard).await? else {
        // Tell why from what the order is now: a racing request may have changed it.
        let current = state.store.order(&order.id).await?.unwrap_or(order);
        return Err(no_try_left(&current, limits.code_max_attempts, now));
    };
    let offered = state.kek.code_mac(&order.id, code);
    if aws_lc_rs::constant_time::verify_slices_are_equal(&offered, &taken.code_mac).is_err() {
        state
            .store
            .record(&actor.on_order(now, "code.failed", &order, None))
            .await?;
        // The last try: the code is locked until support sends a new one (a webhook tells).
        if taken.attempts >= limits.code_max_attempts {
            let detail = format!("after {} wrong codes", taken.attempts);
            state
                .store
                .record(&Actor::system().on_order(now, "code.locked", &order, Some(detail)))
                .await?;
        }
        return Err(wrong_code(
            limits.code_max_attempts.saturating_sub(taken.attempts),
        ));
    }
    let session = random::token()?;
    let expires_at = now + i64::from(limits.session_ttl_minutes) * 60;
    let event = actor.on_order(now, "code.verified", &order, None);
    if !state
        .store
        .open_session(
            &order.id,
            &taken.code_mac,
            guard,
            &random::token_hash(&session),
            expires_at,
            &event,
        )
        .await?
    {
        let current = state.store.order(&order.id).await?.unwrap_or(order);
        return Err(no_try_left(&current, limits.code_max_attempts, now));
    }
    Ok(VerifyResponse {
        session: session.to_string(),
        expires_at: rfc3339(from_unix(expires_at)),
        expires_in: seconds_until(expires_at, now),
        downloads_left: limits.max_downloads.saturating_sub(order.downloads),
    })
}

/// Why an order's code cannot be tried now.
fn no_try_left(order: &OrderRecord, max_attempts: u32, now: i64) -> AppError {
    if let Err(closed) = check_link(order, now) {
        return closed;
    }
    if order.code_mac.is_none() {
        return AppError::refuse(
            ErrorCode::CodeExpired,
            "This code has been used. Ask for a new code.",
        );
    }
    if order.code_attempts >= max_attempts {
        return AppError::refuse(
            ErrorCode::CodeLocked,
            "Too many wrong codes. Ask for a new code to try again.",
        )
        .with_attempts_left(0);
    }
    AppError::refuse(
        ErrorCode::CodeExpired,
        "This code has expired. Ask for a new code.",
    )
}

/// Sends a new code, within the cooldown and the cap.
pub async fn resend(
    state: &AppState,
    token: &str,
    actor: &Actor,
) -> Result<ResendResponse, AppError> {
    let order = order_for_link(state, token).await?;
    let limits = &state.config.collect;
    let now = state.clock.now();
    let now_unix = unix(now);
    let refusal = |order: &OrderRecord| {
        no_new_code(
            limits,
            order.resends >= limits.resend_max,
            order.code_sent_at,
            now_unix,
        )
    };
    let sent_before = now_unix - i64::from(limits.resend_cooldown_seconds);
    if order.resends >= limits.resend_max || order.code_sent_at > sent_before {
        return Err(refusal(&order));
    }
    let code = random::code(limits.code_digits)?;
    let code_expires_at = now + Duration::minutes(i64::from(limits.code_ttl_minutes));
    let body = Zeroizing::new(templates::code_sms(
        order.spec.locale,
        &code,
        limits.code_ttl_minutes,
    ));
    let to = Recipient::sms(&order.id, &order.spec);
    let message = queued_message(&state.kek, &to, Purpose::Otp, None, &body)?;
    let event = actor.on_order(now_unix, "code.resent", &order, None);
    let replaced = state
        .store
        .replace_code(
            &order.id,
            &NewCode {
                code_mac: state.kek.code_mac(&order.id, &code),
                expires_at: unix(code_expires_at),
                sent_before,
                max_resends: limits.resend_max,
            },
            &message,
            &event,
        )
        .await?;
    if !replaced {
        // A racing request won; report what it left behind.
        let current = state.store.order(&order.id).await?.unwrap_or(order);
        check_link(&current, now_unix)?;
        return Err(refusal(&current));
    }
    state.wake.notify_one();
    state.wiped.notify_one();
    let resends = order.resends + 1;
    Ok(ResendResponse {
        masked_mobile: order.spec.mobile.masked(),
        code_expires_at: rfc3339(code_expires_at),
        code_expires_in: seconds_until(unix(code_expires_at), now_unix),
        resends_left: limits.resend_max.saturating_sub(resends),
        resend_available_in: u64::from(limits.resend_cooldown_seconds),
        attempts_left: limits.code_max_attempts,
    })
}
