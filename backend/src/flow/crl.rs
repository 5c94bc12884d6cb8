//! Publishing the CRL: numbered, signed, stored so that every instance serves the same one, and
//! kept in memory so that `GET /crl` costs one look at the number.

use crate::clock::{from_unix, unix};
use crate::error::{AppError, Fault};
use crate::pki::{self, Revoked};
use crate::state::AppState;
use crate::store::CrlRecord;
use std::sync::RwLock;
use time::Duration;
use tokio::sync::Mutex;

/// This instance's side of the CRL: one publisher at a time, and the last CRL it saw.
#[derive(Debug, Default)]
pub struct Published {
    publishing: Mutex<()>,
    cached: RwLock<Option<CrlRecord>>,
}

impl Published {
    fn cached(&self) -> Option<CrlRecord> {
        self.cached.read().ok().and_then(|crl| crl.clone())
    }

    fn keep(&self, crl: &CrlRecord) {
        if let Ok(mut cached) = self.cached.write()
            && cached.as_ref().is_none_or(|c| c.number <= crl.number)
        {
            *cached = Some(crl.clone());
        }
    }
}

/// Certificates that ended before this are left off a CRL signed at `this_update`: each one
/// stays for one CRL period past its end, so a CRL issued after its end has listed it
/// (RFC 5280 §3.3), and is then tidied away.
fn live_after(state: &AppState, this_update: i64) -> i64 {
    this_update - period(state).whole_seconds()
}

fn period(state: &AppState) -> Duration {
    Duration::days(i64::from(state.config.ca.crl_next_update_days.max(1)))
}

/// Signs and stores a CRL numbered one above the current one, listing every revoked
/// certificate that has not ended.
pub async fn publish(state: &AppState) -> Result<CrlRecord, AppError> {
    let _guard = state.crl.publishing.lock().await;
    // Another instance may publish at the same moment; the store keeps the higher number, so
    // try again on top of theirs.
    for _ in 0..5 {
        let number = state.store.crl_number().await?.map_or(1, |n| n + 1);
        let this_update = state.clock.now();
        let revoked = state
            .store
            .revoked_entries(live_after(state, unix(this_update)))
            .await?;
        let entries = u64::try_from(revoked.len()).unwrap_or(u64::MAX);
        let next_update = this_update + period(state);
        let ca = state.ca.clone();
        let der = tokio::task::spawn_blocking(move || {
            let revoked: Vec<Revoked> = revoked
                .into_iter()
                .filter_map(|entry| {
                    Some(Revoked {
                        serial: hex::decode(pad_even(&entry.serial)).ok()?,
                        at: from_unix(entry.revoked_at),
                        reason: entry.reason,
                    })
                })
                .collect();
            pki::build_crl(&ca, number, this_update, next_update, &revoked)
        })
        .await??;
        let record = CrlRecord {
            number,
            entries,
            this_update: unix(this_update),
            next_update: unix(next_update),
            der: der.into(),
        };
        if state.store.save_crl(&record).await? {
            state.crl.keep(&record);
            return Ok(record);
        }
    }
    Err(AppError::Internal(Fault::Crl(
        "other instances kept publishing".into(),
    )))
}

/// The CRL to serve: this instance's copy while it is the store's current one and not past
/// half its life; else the stored one, or a fresh one when there is none or it has aged.
pub async fn current(state: &AppState) -> Result<CrlRecord, AppError> {
    let now = unix(state.clock.now());
    let young = |crl: &CrlRecord| now < crl.this_update + (crl.next_update - crl.this_update) / 2;
    let number = state.store.crl_number().await?;
    if let Some(crl) = state
        .crl
        .cached()
        .filter(|c| Some(c.number) == number && young(c))
    {
        return Ok(crl);
    }
    match state.store.crl().await? {
        Some(crl) if young(&crl) => {
            state.crl.keep(&crl);
            Ok(crl)
        }
        _ => publish(state).await,
    }
}

/// What the sweeper does: [`current`], and a new CRL when the current one lists fewer
/// certificates than it should (a crash between a revocation and its CRL leaves one out).
/// Counted, not compared by time: a CRL signed in the same second as a revocation it did not
/// see would look newer than it.
pub async fn mend(state: &AppState) -> Result<(), AppError> {
    let crl = current(state).await?;
    let should_list = state
        .store
        .revoked_count(live_after(state, crl.this_update))
        .await?;
    if should_list != crl.entries {
        publish(state).await?;
    }
    Ok(())
}

fn pad_even(hex: &str) -> String {
    if hex.len() % 2 == 1 {
        format!("0{hex}")
    } else {
        hex.to_owned()
    }
}
