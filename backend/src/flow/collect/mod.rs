//! The collect flow: open the link, prove the code (`code`), then download and confirm the
//! file (`file`), or have the customer's own request signed (`request`).

mod code;
mod file;
mod request;

pub use code::{open, resend, verify};
pub use file::{Download, bundle, receipt};
pub use request::sign_request;

use super::Actor;
use crate::clock::{from_unix, rfc3339, unix};
use crate::error::AppError;
use crate::notify::{Recipient, queued_message, templates};
use crate::secrets::{SealContext, random};
use crate::state::AppState;
use crate::store::{CodeGuard, Handover, NewCode, OrderRecord, SignOutcome};
use certportal_shared::ErrorCode;
use certportal_shared::api::collect::{
    OpenResponse, PageBuild, ReceiptResponse, ResendResponse, VerifyResponse,
};
use certportal_shared::model::{Custody, OrderState, Purpose, Sha256Digest};
use time::Duration;
use zeroize::Zeroizing;

pub(crate) fn seconds_until(at: i64, now: i64) -> u64 {
    u64::try_from(at.saturating_sub(now)).unwrap_or(0)
}

/// Why no new code may be sent now: `sent` of `max` codes went out already, or the last one
/// (at `last_sent_at`) is younger than the cooldown, whose rest the refusal says.
pub(crate) fn no_new_code(
    limits: &crate::config::CollectConfig,
    capped: bool,
    last_sent_at: i64,
    now: i64,
) -> AppError {
    if capped {
        return AppError::refuse(
            ErrorCode::ResendLimit,
            "No more new codes can be sent. Contact the vendor's support.",
        );
    }
    let wait = seconds_until(
        last_sent_at + i64::from(limits.resend_cooldown_seconds),
        now,
    )
    .max(1);
    AppError::refuse(
        ErrorCode::ResendCooldown,
        format!("Please wait {wait} seconds before asking for another code."),
    )
    .with_retry_after(wait)
}

/// A wrong code, with the tries left on it.
pub(crate) fn wrong_code(left: u32) -> AppError {
    let message = if left == 0 {
        "The code is wrong, and no tries are left. Ask for a new code.".to_owned()
    } else {
        format!("The code is wrong. {left} tries left.")
    };
    AppError::refuse(ErrorCode::WrongCode, message).with_attempts_left(left)
}

/// Refuses an order whose link no longer works, with the reason.
pub(super) fn check_link(order: &OrderRecord, now: i64) -> Result<(), AppError> {
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
pub(super) async fn order_for_link(state: &AppState, token: &str) -> Result<OrderRecord, AppError> {
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
        .order_by_link(&random::token_hash(token))
        .await?
        .ok_or_else(unknown)?;
    check_link(&order, unix(state.clock.now()))?;
    Ok(order)
}

/// The order behind a collect session, if the session is current.
pub(super) async fn order_for_session(
    state: &AppState,
    session: &str,
) -> Result<OrderRecord, AppError> {
    let now = unix(state.clock.now());
    state
        .store
        .order_by_session(&random::token_hash(session), now)
        .await?
        .ok_or_else(|| {
            AppError::refuse(
                ErrorCode::SessionInvalid,
                "Your session has ended. Enter a new code to continue.",
            )
        })
}
