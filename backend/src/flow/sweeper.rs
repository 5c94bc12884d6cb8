//! Housekeeping: ends links that ran out (wiping their files), drops ended sessions, keeps the
//! CRL fresh.

use crate::clock::unix;
use crate::error::AppError;
use crate::state::AppState;
use std::time::Duration;
use tokio::sync::watch;

/// What one sweep did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sweep {
    pub expired_orders: Vec<String>,
    pub deleted_sessions: u64,
}

/// One sweep, at the clock's current time.
pub async fn sweep(state: &AppState) -> Result<Sweep, AppError> {
    let now = unix(state.clock.now());
    let expired_orders = state.store.expire_links(now).await?;
    let deleted_sessions = state.store.delete_expired_sessions(now).await?;
    if let Err(error) = state.store.fold_counts().await {
        tracing::warn!("the counts were not folded this time: {error}");
    }
    state
        .store
        .forget_login_failures(now - super::staff::THROTTLE_WINDOW_SECONDS)
        .await?;
    // Kept a minute past their end: a request that checked the end just before it must still
    // find its challenge used.
    if let Err(error) = state.store.forget_renewal_challenges(now - 60).await {
        tracing::warn!("could not forget used renewal challenges: {error}");
    }
    let kept_from = now - i64::from(super::webhooks::HISTORY_DAYS) * 86_400;
    if let Err(error) = state.store.forget_webhook_deliveries(kept_from).await {
        tracing::warn!("could not forget old webhook deliveries: {error}");
    }
    if !expired_orders.is_empty() {
        tracing::info!(count = expired_orders.len(), "links expired; files wiped");
        state.wiped.notify_one();
    }
    super::crl::mend(state).await?;
    let reminders = super::reminders::run(state).await?;
    if reminders.queued > 0 || reminders.digest {
        tracing::info!(
            reminders = reminders.queued,
            digest = reminders.digest,
            "expiry reminders queued"
        );
    }
    {
        use tower_sessions::session_store::ExpiredDeletion;
        if let Err(error) = state.sessions.delete_expired().await {
            tracing::warn!("could not delete ended staff sessions: {error}");
        }
    }
    Ok(Sweep {
        expired_orders,
        deleted_sessions,
    })
}

/// Sweeps every `interval` until `shutdown` turns true.
pub async fn run(state: AppState, interval: Duration, mut shutdown: watch::Receiver<bool>) {
    loop {
        if let Err(error) = sweep(&state).await {
            tracing::error!("sweep failed: {error:#}");
        }
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = shutdown.changed() => {}
        }
        if *shutdown.borrow() {
            return;
        }
    }
}

/// Folds the database log after secrets were wiped, so that no old copy of a sealed file or
/// password outlives its wipe by more than a moment; wipes that come in a burst share one fold.
pub async fn run_compactor(state: AppState, mut shutdown: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = state.wiped.notified() => {}
            _ = shutdown.changed() => {}
        }
        if *shutdown.borrow() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        fold(&state, 30).await;
    }
}

/// Folds wiped secrets out of the database files now, trying up to `tries` times a second
/// apart while readers hold it off; says so in the log when it could not.
pub async fn fold(state: &AppState, tries: u32) -> bool {
    for _ in 0..tries.max(1) {
        match state.store.compact().await {
            Ok(true) => return true,
            Ok(false) => tokio::time::sleep(Duration::from_secs(1)).await,
            Err(error) => {
                tracing::warn!("could not fold the database log after a wipe: {error}");
                return false;
            }
        }
    }
    tracing::warn!(
        "could not fold the database log after a wipe for {tries} s: readers kept it busy; the \
         next wipe tries again"
    );
    false
}
