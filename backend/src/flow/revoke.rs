//! Withdrawal: revoke a certificate; the CRL follows (see `flow::crl`).

use super::Actor;
use crate::clock::unix;
use crate::error::AppError;
use crate::state::AppState;
use crate::store::RevokeOutcome;
use certportal_shared::ErrorCode;
use certportal_shared::model::{RevocationReason, Serial};

/// Revokes the certificate; OCSP refuses it from the commit on, and the CRL follows.
pub async fn revoke(
    state: &AppState,
    serial: &Serial,
    reason: RevocationReason,
    actor: &Actor,
) -> Result<(), AppError> {
    let now = unix(state.clock.now());
    let detail = Some(format!("reason: {reason}"));
    let event = actor.event(
        now,
        "certificate.revoked",
        None,
        Some(serial.as_str()),
        detail,
    );
    let event = match state.store.certificate(serial.as_str()).await? {
        Some(cert) => crate::store::AuditEvent {
            order_id: Some(cert.order_id),
            ..event
        },
        None => event,
    };
    match state.store.revoke(serial.as_str(), reason, &event).await? {
        RevokeOutcome::Revoked => {
            state.wiped.notify_one();
            super::crl::changed(state);
            tracing::info!(serial = %serial, reason = %reason, "certificate revoked");
            Ok(())
        }
        RevokeOutcome::AlreadyRevoked => Err(AppError::refuse(
            ErrorCode::AlreadyRevoked,
            format!("certificate {serial} is already revoked"),
        )),
        RevokeOutcome::Unknown => Err(AppError::refuse(
            ErrorCode::UnknownSerial,
            format!("serial: no certificate has serial {serial}"),
        )),
    }
}
