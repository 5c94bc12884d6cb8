//! Publishing the CRL: numbered, signed, stored so that every instance serves the same one.

use crate::clock::{from_unix, unix};
use crate::error::{AppError, Fault};
use crate::pki::{self, Revoked};
use crate::state::AppState;
use crate::store::CrlRecord;

use time::Duration;

/// Signs and stores a CRL numbered one above the current one, listing every revoked
/// certificate.
pub async fn publish(state: &AppState) -> Result<CrlRecord, AppError> {
    let _guard = state.crl_lock.lock().await;
    // Another instance may publish at the same moment; the store keeps the higher number, so
    // try again on top of theirs.
    for _ in 0..5 {
        let current = state.store.crl().await?;
        let number = current.map_or(1, |crl| crl.number + 1);
        let revoked = state
            .store
            .revoked()
            .await?
            .into_iter()
            .filter_map(|cert| {
                let serial = hex::decode(pad_even(&cert.serial)).ok()?;
                Some(Revoked {
                    serial,
                    at: from_unix(cert.revoked_at?),
                    reason: cert.revocation_reason?,
                })
            })
            .collect::<Vec<_>>();
        let entries = u64::try_from(revoked.len()).unwrap_or(u64::MAX);
        let this_update = state.clock.now();
        let next_update =
            this_update + Duration::days(i64::from(state.config.ca.crl_next_update_days.max(1)));
        let ca = state.ca.clone();
        let der = tokio::task::spawn_blocking(move || {
            pki::build_crl(&ca, number, this_update, next_update, &revoked)
        })
        .await??;
        let record = CrlRecord {
            number,
            entries,
            this_update: unix(this_update),
            next_update: unix(next_update),
            der,
        };
        if state.store.save_crl(&record).await? {
            return Ok(record);
        }
    }
    Err(AppError::Internal(Fault::Crl(
        "other instances kept publishing".into(),
    )))
}

/// The CRL to serve: the stored one, or a fresh one when there is none, it is past half its
/// life, or it lists fewer certificates than are revoked (a crash between a revocation and its
/// CRL leaves one out: the next sweep or request mends it).
pub async fn current(state: &AppState) -> Result<CrlRecord, AppError> {
    let now = unix(state.clock.now());
    // Counted, not compared by time: a CRL signed in the same second as a revocation it did
    // not see would look newer than it.
    let revoked = state.store.revoked_count().await?;
    match state.store.crl().await? {
        Some(crl)
            if now < crl.this_update + (crl.next_update - crl.this_update) / 2
                && crl.entries == revoked =>
        {
            Ok(crl)
        }
        _ => publish(state).await,
    }
}

fn pad_even(hex: &str) -> String {
    if hex.len() % 2 == 1 {
        format!("0{hex}")
    } else {
        hex.to_owned()
    }
}
