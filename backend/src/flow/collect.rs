//! The collect flow: open the link, prove the code, download, confirm.

use super::Actor;
use super::orders::{bundle_context, password_context};
use crate::clock::{from_unix, rfc3339, unix};
use crate::error::AppError;
use crate::notify::{self, queued_message, templates};
use crate::pki::secret;
use crate::state::AppState;
use crate::store::{NewCode, OrderRecord};
use certportal_shared::ErrorCode;
use certportal_shared::api::collect::{
    OpenResponse, ReceiptResponse, ResendResponse, VerifyResponse,
};
use certportal_shared::model::{ClientName, Locale, Mobile, OrderState, Sha256Digest};
use time::Duration;
use zeroize::Zeroizing;

fn seconds_until(at: i64, now: i64) -> u64 {
    u64::try_from(at.saturating_sub(now)).unwrap_or(0)
}

fn masked(mobile: &str) -> String {
    Mobile::parse(mobile)
        .map(|m| m.masked())
        .unwrap_or_else(|_| "•••".into())
}

fn locale(order: &OrderRecord) -> Locale {
    Locale::parse(&order.locale).unwrap_or_default()
}

/// Refuses an order whose link no longer works, with the reason.
fn check_link(order: &OrderRecord, now: i64) -> Result<(), AppError> {
    match order.state {
        OrderState::Collected => Err(AppError::refuse(
            ErrorCode::LinkUsed,
            "This certificate has already been collected. Ask your contact at the vendor for a new one if you need it.",
        )),
        OrderState::Cancelled | OrderState::Revoked => Err(AppError::refuse(
            ErrorCode::LinkCancelled,
            "This order has been withdrawn by the vendor's support.",
        )),
        OrderState::Expired => Err(link_expired()),
        _ if order.link_expires_at <= now => Err(link_expired()),
        _ => Ok(()),
    }
}

fn link_expired() -> AppError {
    AppError::refuse(
        ErrorCode::LinkExpired,
        "This link has expired. Ask the vendor's support for a new certificate.",
    )
}

/// The order behind a link token, if its link still works.
async fn order_for_link(state: &AppState, token: &str) -> Result<OrderRecord, AppError> {
    let unknown = || {
        AppError::refuse(
            ErrorCode::UnknownLink,
            "This link is not valid. Check that you copied all of it.",
        )
    };
    if token.is_empty() || token.len() > 128 {
        return Err(unknown());
    }
    let order = state
        .store
        .order_by_link(&secret::token_hash(token))
        .await?
        .ok_or_else(unknown)?;
    check_link(&order, unix(state.clock.now()))?;
    Ok(order)
}

/// The order behind a collect session, if the session is current.
async fn order_for_session(state: &AppState, session: &str) -> Result<OrderRecord, AppError> {
    let now = unix(state.clock.now());
    state
        .store
        .order_by_session(&secret::token_hash(session), now)
        .await?
        .ok_or_else(|| {
            AppError::refuse(
                ErrorCode::SessionInvalid,
                "Your session has ended. Enter a new code to continue.",
            )
        })
}

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
        org: order.org.clone(),
        service: order.service.clone(),
        client: order.client.clone(),
        contact_name: order.contact_name.clone(),
        masked_mobile: masked(&order.mobile),
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
        locale: order.locale.clone(),
    })
}

/// Checks the code; the right one opens a collect session and is used up.
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
    let Some(current) = &order.code_mac else {
        return Err(AppError::refuse(
            ErrorCode::CodeExpired,
            "This code has been used. Ask for a new code.",
        ));
    };
    if order.code_attempts >= limits.code_max_attempts {
        return Err(AppError::refuse(
            ErrorCode::CodeLocked,
            "Too many wrong codes. Ask for a new code to try again.",
        )
        .with_attempts_left(0));
    }
    if order.code_expires_at <= now {
        return Err(AppError::refuse(
            ErrorCode::CodeExpired,
            "This code has expired. Ask for a new code.",
        ));
    }
    let offered = state.kek.code_mac(&order.id, code);
    if aws_lc_rs::constant_time::verify_slices_are_equal(&offered, current).is_err() {
        let event = actor.on_order(now, "code.failed", &order, None);
        let attempts = state.store.record_code_failure(&order.id, &event).await?;
        let left = limits.code_max_attempts.saturating_sub(attempts);
        let message = if left == 0 {
            "The code is wrong, and no tries are left. Ask for a new code.".to_owned()
        } else {
            format!("The code is wrong. {left} tries left.")
        };
        return Err(AppError::refuse(ErrorCode::WrongCode, message).with_attempts_left(left));
    }
    let session = secret::token()?;
    let expires_at = now + i64::from(limits.session_ttl_minutes) * 60;
    let event = actor.on_order(now, "code.verified", &order, None);
    if !state
        .store
        .open_session(
            &order.id,
            current,
            &secret::token_hash(&session),
            expires_at,
            &event,
        )
        .await?
    {
        return Err(AppError::refuse(
            ErrorCode::CodeExpired,
            "This code has been used. Ask for a new code.",
        ));
    }
    Ok(VerifyResponse {
        session: session.to_string(),
        expires_at: rfc3339(from_unix(expires_at)),
        expires_in: seconds_until(expires_at, now),
        downloads_left: limits.max_downloads.saturating_sub(order.downloads),
    })
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
        if order.resends >= limits.resend_max {
            AppError::refuse(
                ErrorCode::ResendLimit,
                "No more new codes can be sent. Contact the vendor's support.",
            )
        } else {
            let wait = seconds_until(
                order.code_sent_at + i64::from(limits.resend_cooldown_seconds),
                now_unix,
            )
            .max(1);
            AppError::refuse(
                ErrorCode::ResendCooldown,
                format!("Please wait {wait} seconds before asking for another code."),
            )
            .with_retry_after(wait)
        }
    };
    let sent_before = now_unix - i64::from(limits.resend_cooldown_seconds);
    if order.resends >= limits.resend_max || order.code_sent_at > sent_before {
        return Err(refusal(&order));
    }
    let code = secret::code(limits.code_digits)?;
    let code_expires_at = now + Duration::minutes(i64::from(limits.code_ttl_minutes));
    let body = Zeroizing::new(templates::code_sms(
        locale(&order),
        &code,
        limits.code_ttl_minutes,
    ));
    let message = queued_message(
        &state.kek,
        &order.id,
        notify::SMS,
        &order.mobile,
        None,
        &body,
        "otp",
        locale(&order),
    )?;
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
    let resends = order.resends + 1;
    Ok(ResendResponse {
        masked_mobile: masked(&order.mobile),
        code_expires_at: rfc3339(code_expires_at),
        code_expires_in: seconds_until(unix(code_expires_at), now_unix),
        resends_left: limits.resend_max.saturating_sub(resends),
        resend_available_in: u64::from(limits.resend_cooldown_seconds),
        attempts_left: limits.code_max_attempts,
    })
}

/// The PKCS#12 file as the contact downloads it.
pub struct Download {
    pub bytes: Zeroizing<Vec<u8>>,
    pub sha256: Sha256Digest,
    pub filename: String,
}

/// Hands out the file, counting downloads.
pub async fn bundle(state: &AppState, session: &str, actor: &Actor) -> Result<Download, AppError> {
    let order = order_for_session(state, session).await?;
    let now = unix(state.clock.now());
    check_link(&order, now)?;
    let limits = &state.config.collect;
    let event = actor.on_order(now, "bundle.downloaded", &order, None);
    let Some(sealed) = state
        .store
        .take_download(&order.id, limits.max_downloads, &event)
        .await?
    else {
        let current = state.store.order(&order.id).await?.unwrap_or(order);
        check_link(&current, now)?;
        return Err(if current.downloads >= limits.max_downloads {
            AppError::refuse(
                ErrorCode::DownloadLimit,
                "The file was downloaded as often as allowed. Contact the vendor's support.",
            )
        } else {
            AppError::refuse(ErrorCode::BundleGone, "The file is no longer available.")
        });
    };
    let bytes = state.kek.open(&bundle_context(&order.id), &sealed)?;
    let digest: [u8; 32] = order
        .bundle_sha256
        .as_slice()
        .try_into()
        .map_err(|_| anyhow::anyhow!("order {} has a malformed file digest", order.id))?;
    let stem = ClientName::parse(&order.client)
        .map(|c| c.file_stem())
        .unwrap_or_else(|_| "client".into());
    Ok(Download {
        bytes,
        sha256: Sha256Digest::from_bytes(digest),
        filename: format!("{stem}-{}.p12", order.serial),
    })
}

/// The answer to a receipt for an order that a receipt with the same digest completed.
async fn taken_already(
    state: &AppState,
    order_id: &str,
    sha256: &Sha256Digest,
) -> Result<Option<ReceiptResponse>, AppError> {
    let order = state.store.order(order_id).await?;
    Ok(order
        .filter(|order| {
            order.state == OrderState::Collected && order.bundle_sha256 == sha256.as_bytes()
        })
        .map(|order| ReceiptResponse {
            masked_mobile: masked(&order.mobile),
            state: OrderState::Collected,
        }))
}

/// Confirms the download: queues the password SMS, wipes the file and password, uses the link
/// up. Repeating a receipt that was taken answers the same, and sends nothing again.
pub async fn receipt(
    state: &AppState,
    session: &str,
    sha256: &Sha256Digest,
    actor: &Actor,
) -> Result<ReceiptResponse, AppError> {
    let order = order_for_session(state, session).await?;
    if order.state == OrderState::Collected && order.bundle_sha256 == sha256.as_bytes() {
        return Ok(ReceiptResponse {
            masked_mobile: masked(&order.mobile),
            state: OrderState::Collected,
        });
    }
    let now = unix(state.clock.now());
    check_link(&order, now)?;
    if order.state != OrderState::Downloaded {
        return Err(AppError::refuse(
            ErrorCode::InvalidState,
            "Download the file before confirming it.",
        ));
    }
    if order.bundle_sha256 != sha256.as_bytes() {
        let event = actor.on_order(now, "receipt.digest_mismatch", &order, None);
        state.store.record(&event).await?;
        return Err(AppError::refuse(
            ErrorCode::DigestMismatch,
            "The file you have is not the one the portal sent. Download it again.",
        ));
    }
    // From here a racing receipt may complete first; it then answers for this one too.
    let raced = || async {
        match taken_already(state, &order.id, sha256).await? {
            Some(taken) => Ok(taken),
            None => Err(AppError::refuse(
                ErrorCode::BundleGone,
                "The file is no longer available.",
            )),
        }
    };
    let Some(sealed) = state.store.sealed_password(&order.id).await? else {
        return raced().await;
    };
    let password = state.kek.open(&password_context(&order.id), &sealed)?;
    let password = std::str::from_utf8(&password)
        .map_err(|_| anyhow::anyhow!("order {} has a malformed password", order.id))?;
    let body = Zeroizing::new(templates::password_sms(
        locale(&order),
        &order.client,
        password,
    ));
    let message = queued_message(
        &state.kek,
        &order.id,
        notify::SMS,
        &order.mobile,
        None,
        &body,
        "password",
        locale(&order),
    )?;
    let detail = Some("download confirmed; password queued; file and password wiped".to_owned());
    let event = actor.on_order(now, "receipt.confirmed", &order, detail);
    if !state
        .store
        .complete_receipt(&order.id, sha256.as_bytes(), &message, &event)
        .await?
    {
        return raced().await;
    }
    state.wake.notify_one();
    state.wiped.notify_one();
    super::revoke::supersede_renewed(state, &order).await?;
    Ok(ReceiptResponse {
        masked_mobile: masked(&order.mobile),
        state: OrderState::Collected,
    })
}
