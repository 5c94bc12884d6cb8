//! Publishing the CRL: numbered, signed, stored so that every instance serves the same one, and
//! kept in memory so that `GET /crl` costs one look at where the stored one stands.
//!
//! A revocation does not wait for its CRL: it counts one up in the store
//! ([`CrlState::revision`]) and [`changed`] wakes this instance's publisher. Whoever serves
//! `/crl` first sees that the stored CRL is behind and signs one that covers it (one at a time,
//! so a burst of revocations costs a CRL or two, not one each), and a crash before that loses
//! nothing. OCSP and the mTLS check read the certificate's row and refuse at once.

use crate::clock::{from_unix, unix};
use crate::error::{AppError, Fault};
use crate::pki::{self, Revoked};
use crate::state::AppState;
use crate::store::{CrlRecord, CrlState};
use std::sync::RwLock;
use time::Duration;
use tokio::sync::{Mutex, Notify, watch};

/// This instance's side of the CRL: one publisher at a time, the last CRL it saw, and the
/// publisher's wake-up.
#[derive(Debug, Default)]
pub struct Published {
    publishing: Mutex<()>,
    cached: RwLock<Option<CrlRecord>>,
    changed: Notify,
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

/// How long the publisher lets a burst of withdrawals settle before it signs.
const SETTLE: std::time::Duration = std::time::Duration::from_millis(100);

/// Tells this instance's publisher that a certificate was revoked; the CRL follows without
/// the caller waiting for it.
pub fn changed(state: &AppState) {
    state.crl.changed.notify_one();
}

/// The publisher: signs a CRL soon after each revocation (those that come while it signs are
/// covered by the next one), until `shutdown` turns true.
pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            () = state.crl.changed.notified() => {}
            _ = shutdown.changed() => return,
        }
        // A moment for the rest of a burst (staff withdrawing a customer's certificates one
        // after the other) to commit, so that one CRL covers it; a GET /crl meanwhile signs
        // one itself.
        tokio::select! {
            () = tokio::time::sleep(SETTLE) => {}
            _ = shutdown.changed() => return,
        }
        if let Err(error) = current(&state).await {
            tracing::error!("could not publish the CRL: {error:#}");
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
    publish_in_turn(state).await
}

/// [`publish`], for the holder of the publishing lock.
async fn publish_in_turn(state: &AppState) -> Result<CrlRecord, AppError> {
    // Another instance may publish at the same moment; the store keeps the higher number, so
    // try again on top of theirs.
    for _ in 0..5 {
        // The count first: every revocation it counts is committed, so the entries read after
        // it list them all.
        let stands = state.store.crl_state().await?;
        let number = stands.number.map_or(1, |n| n + 1);
        let this_update = state.clock.now();
        let revoked = state
            .store
            .revoked_entries(live_after(state, unix(this_update)))
            .await?;
        let entries = u64::try_from(revoked.len()).unwrap_or(u64::MAX);
        let next_update = this_update + period(state);
        let ca = state.ca.clone();
        let der = tokio::task::spawn_blocking(move || {
            // A serial that is not hex cannot be listed; a CRL without it would claim to
            // cover a revocation it leaves out, so none is signed.
            let revoked = revoked
                .into_iter()
                .map(|entry| {
                    Ok(Revoked {
                        serial: hex::decode(pad_even(&entry.serial)).map_err(|_| {
                            AppError::inconsistent(format!(
                                "revoked certificate {:?} has a serial that is not hex",
                                entry.serial
                            ))
                        })?,
                        at: from_unix(entry.revoked_at),
                        reason: entry.reason,
                    })
                })
                .collect::<Result<Vec<Revoked>, AppError>>()?;
            Ok::<_, AppError>(pki::build_crl(
                &ca,
                number,
                this_update,
                next_update,
                &revoked,
            )?)
        })
        .await??;
        let record = CrlRecord {
            number,
            entries,
            this_update: unix(this_update),
            next_update: unix(next_update),
            covers: stands.revision,
            der: der.into(),
        };
        if state.store.save_crl(&record).await? {
            state.crl.keep(&record);
            return Ok(record);
        }
        // Another instance stored a higher number: theirs may cover everything already.
        if let Some(crl) = serveable(state, state.store.crl_state().await?).await? {
            return Ok(crl);
        }
    }
    Err(AppError::Internal(Fault::Crl(
        "other instances kept publishing".into(),
    )))
}

/// The CRL to serve: this instance's copy while it is the store's current one, covers every
/// revocation and is not past half its life; else the stored one while it does; else a fresh
/// one, signed by this instance unless another signed it while this one waited its turn.
pub async fn current(state: &AppState) -> Result<CrlRecord, AppError> {
    if let Some(crl) = serveable(state, state.store.crl_state().await?).await? {
        return Ok(crl);
    }
    let _guard = state.crl.publishing.lock().await;
    match serveable(state, state.store.crl_state().await?).await? {
        Some(crl) => Ok(crl),
        None => publish_in_turn(state).await,
    }
}

/// The CRL that `stands` describes, when it covers every revocation and has not aged.
async fn serveable(state: &AppState, stands: CrlState) -> Result<Option<CrlRecord>, AppError> {
    if !stands.current() {
        return Ok(None);
    }
    let now = unix(state.clock.now());
    let young = |crl: &CrlRecord| now < crl.this_update + (crl.next_update - crl.this_update) / 2;
    if let Some(crl) = state
        .crl
        .cached()
        .filter(|c| Some(c.number) == stands.number && young(c))
    {
        return Ok(Some(crl));
    }
    Ok(match state.store.crl().await? {
        Some(crl) if young(&crl) && crl.covers >= stands.revision => {
            state.crl.keep(&crl);
            Some(crl)
        }
        _ => None,
    })
}

/// What the sweeper does: [`current`] (which signs one when a revocation is not covered yet,
/// say after a crash), and a new CRL when the current one lists more certificates than it
/// should: those that ended a CRL period ago are tidied away.
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
