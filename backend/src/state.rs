//! What every handler and background task shares.

use crate::clock::Clock;
use crate::config::Config;
use crate::datadir::DataDir;
use crate::pki::Ca;
use crate::secrets::{HashingPool, Kek};
use crate::store::{StaffSessions, Store};
use std::sync::Arc;
use tokio::sync::Notify;

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub data_dir: DataDir,
    pub store: Arc<dyn Store>,
    pub ca: Arc<Ca>,
    pub kek: Arc<Kek>,
    pub clock: Arc<dyn Clock>,
    /// Wakes the message dispatcher when something was queued.
    pub wake: Arc<Notify>,
    /// Wakes the compactor when secrets were wiped.
    pub wiped: Arc<Notify>,
    /// This instance's OCSP responder and its delegate.
    pub ocsp: Arc<crate::flow::ocsp::Responder>,
    /// This instance's publisher of the CRL and its copy of the current one.
    pub crl: Arc<crate::flow::crl::Published>,
    /// Staff sessions (tower-sessions).
    pub sessions: StaffSessions,
    /// The threads that compute password hashes, a few at a time (each takes 19 MiB).
    pub hashing: Arc<HashingPool>,
    /// What `/metrics` shows.
    pub metrics: Arc<crate::metrics::Metrics>,
}
