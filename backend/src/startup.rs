//! Putting the portal together: load the data dir, pick the providers, bind, and run the
//! server with its background tasks.

use crate::clock::{Clock, SystemClock};
use crate::config::{Config, EmailProvider, SmsProvider};
use crate::datadir::DataDir;
use crate::notify::{Dispatcher, HttpSms, Mailer, OutboxFile, SmsSender, SmtpMailer};
use crate::pki::Ca;
use crate::secrets::{HashingPool, Kek, SealContext};
use crate::state::AppState;
use crate::store::{SqlStore, StaffSessions, Store};
use anyhow::{Context, Result};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;

/// What the portal is built from; tests replace the clock and the senders.
pub struct PortalOptions {
    pub data_dir: PathBuf,
    pub config: Config,
    pub clock: Arc<dyn Clock>,
    pub sms: Option<Arc<dyn SmsSender>>,
    pub mailer: Option<Arc<dyn Mailer>>,
}

impl PortalOptions {
    /// Production options: the data dir's configuration, the system clock, the configured
    /// providers.
    pub fn from_data_dir(data_dir: PathBuf) -> Result<Self> {
        let mut config = Config::load(&data_dir)?;
        let served = std::fs::read_to_string(DataDir::new(&data_dir).served_url()).ok();
        config.resolve_base_url(served.map(|url| url.trim().to_owned()));
        Ok(Self {
            data_dir,
            config,
            clock: Arc::new(SystemClock),
            sms: None,
            mailer: None,
        })
    }
}

/// A loaded portal, ready to serve or to run one command.
pub struct Portal {
    state: AppState,
    dispatcher: Dispatcher,
}

/// Reads the key-encryption key and the CA from the data dir.
fn load_secrets(data_dir: &DataDir) -> Result<(Kek, Ca)> {
    let kek_bytes = zeroize::Zeroizing::new(std::fs::read(data_dir.kek()).with_context(|| {
        format!(
            "cannot read {}; run `certportal init` first",
            data_dir.kek().display()
        )
    })?);
    let kek = Kek::from_bytes(&kek_bytes).context("the key-encryption key is damaged")?;
    let cert_pem = std::fs::read_to_string(data_dir.ca_cert())
        .with_context(|| format!("cannot read {}", data_dir.ca_cert().display()))?;
    let sealed = std::fs::read(data_dir.ca_key())
        .with_context(|| format!("cannot read {}", data_dir.ca_key().display()))?;
    let key = kek
        .open(SealContext::CaKey, &sealed)
        .context("the CA key does not open with this data dir's key")?;
    let ca = Ca::load(&cert_pem, &key)?;
    Ok((kek, ca))
}

impl Portal {
    pub async fn open(options: PortalOptions) -> Result<Self> {
        let data_dir = DataDir::new(options.data_dir);
        let config = Arc::new(options.config);
        let (kek, ca) = load_secrets(&data_dir)?;
        let store = SqlStore::connect(&config.resolved_database_url(data_dir.root()))
            .await
            .context("cannot open the database")?;
        let store: Arc<dyn Store> = Arc::new(store);
        let sessions = StaffSessions::connect(&config.resolved_database_url(data_dir.root()))
            .await
            .context("cannot open the staff session store")?;
        let outbox = || Arc::new(OutboxFile::new(data_dir.outbox(), options.clock.clone()));
        let sms: Arc<dyn SmsSender> = match options.sms {
            Some(sms) => sms,
            None => match config.sms.provider {
                SmsProvider::Outbox => outbox(),
                SmsProvider::Http => Arc::new(HttpSms::new(config.sms.http.clone())?),
            },
        };
        let mailer: Arc<dyn Mailer> = match options.mailer {
            Some(mailer) => mailer,
            None => match config.email.provider {
                EmailProvider::Outbox => outbox(),
                EmailProvider::Smtp => {
                    Arc::new(SmtpMailer::new(&config.email.smtp, &config.email.from)?)
                }
            },
        };
        let hashing = Arc::new(
            HashingPool::new(usize::try_from(config.admin.max_concurrent_hashes).unwrap_or(1))
                .context("cannot start the password hashing threads")?,
        );
        let state = AppState {
            config,
            data_dir,
            store,
            ocsp: Arc::new(
                crate::flow::ocsp::Responder::new(&ca).context("cannot read the CA for OCSP")?,
            ),
            ca: Arc::new(ca),
            kek: Arc::new(kek),
            clock: options.clock,
            wake: Arc::new(Notify::new()),
            wiped: Arc::new(Notify::new()),
            crl: Arc::new(crate::flow::crl::Published::default()),
            sessions,
            hashing,
            metrics: Arc::default(),
        };
        let dispatcher = Dispatcher::new(&state, sms, mailer).context("cannot set up delivery")?;
        Ok(Self { state, dispatcher })
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The message dispatcher; commands deliver the queue with it once before they exit.
    pub fn dispatcher(&self) -> &Dispatcher {
        &self.dispatcher
    }

    /// Binds `listen` (port 0 picks a free one), then serves the app from `dist` and runs the
    /// dispatcher and the sweeper until stopped.
    pub async fn serve(self, listen: &str, dist: PathBuf) -> Result<RunningPortal> {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
        self.serve_on(listener, dist).await
    }

    /// Serves on a socket bound already (so that a caller can learn the port before the
    /// configuration is made).
    pub async fn serve_on(
        self,
        listener: tokio::net::TcpListener,
        dist: PathBuf,
    ) -> Result<RunningPortal> {
        crate::flow::orders::hash_old_keys(&self.state).await?;
        let router = crate::http::app(self.state.clone(), &dist).map_err(anyhow::Error::msg)?;
        let addr = listener.local_addr()?;
        let (shutdown, signal) = watch::channel(false);
        let mut tasks = JoinSet::new();
        let mtls_addr = match crate::http::mtls::bind(&self.state).await? {
            Some((listener, acceptor)) => {
                let addr = listener.local_addr()?;
                tasks.spawn(crate::http::mtls::serve(
                    listener,
                    acceptor,
                    self.state.clone(),
                    signal.clone(),
                ));
                Some(addr)
            }
            None => None,
        };
        let metrics_addr = match self.state.config.metrics.listen.as_str() {
            "" => None,
            listen => {
                let listener = tokio::net::TcpListener::bind(listen)
                    .await
                    .with_context(|| format!("metrics.listen: cannot listen on {listen}"))?;
                let addr = listener.local_addr()?;
                let router = axum::Router::new()
                    .route("/metrics", axum::routing::get(crate::metrics::scrape))
                    .with_state(self.state.clone());
                let mut stop = signal.clone();
                tasks.spawn(async move {
                    let stopped = async move {
                        let _ = stop.wait_for(|stop| *stop).await;
                    };
                    if let Err(error) = axum::serve(listener, router)
                        .with_graceful_shutdown(stopped)
                        .await
                    {
                        tracing::error!("metrics listener stopped: {error}");
                    }
                });
                Some(addr)
            }
        };
        let mut server_signal = signal.clone();
        tasks.spawn(async move {
            let service = router.into_make_service_with_connect_info::<SocketAddr>();
            let stop = async move {
                let _ = server_signal.wait_for(|stop| *stop).await;
            };
            if let Err(error) = axum::serve(listener, service)
                .with_graceful_shutdown(stop)
                .await
            {
                tracing::error!("server stopped: {error}");
            }
        });
        warn_of_a_half_real_outbox(&self.state.config);
        // A wipe just before a crash (or by a command run beside a stopped server) may not
        // have been folded yet: fold once at start.
        self.state.wiped.notify_one();
        tasks.spawn(self.dispatcher.run(signal.clone()));
        tasks.spawn(crate::flow::crl::run(self.state.clone(), signal.clone()));
        tasks.spawn(crate::flow::sweeper::run_compactor(
            self.state.clone(),
            signal.clone(),
        ));
        let sweep_every =
            Duration::from_secs(self.state.config.collect.sweep_interval_seconds.into());
        tasks.spawn(crate::flow::sweeper::run(
            self.state.clone(),
            sweep_every.max(Duration::from_millis(100)),
            signal,
        ));
        Ok(RunningPortal {
            addr,
            mtls_addr,
            metrics_addr,
            shutdown,
            tasks,
            state: self.state,
        })
    }
}

/// A portal with one channel real and the other still in the development outbox is on its
/// way to production, and the outbox file holds the other channel's codes or links in the
/// clear: say so at start. (Such a portal has no `/dev/inbox`.)
fn warn_of_a_half_real_outbox(config: &Config) {
    if config.any_outbox() && !config.all_outbox() {
        let channel = if config.sms.provider == SmsProvider::Outbox {
            "SMS (one-time codes and file passwords)"
        } else {
            "e-mail (collect links)"
        };
        tracing::warn!(
            "{channel} still goes to the development outbox: outbox.jsonl in the data dir holds              them in the clear. Configure that provider too, or keep the file from other eyes."
        );
    }
}

/// A serving portal.
pub struct RunningPortal {
    addr: SocketAddr,
    mtls_addr: Option<SocketAddr>,
    metrics_addr: Option<SocketAddr>,
    shutdown: watch::Sender<bool>,
    tasks: JoinSet<()>,
    state: AppState,
}

impl RunningPortal {
    /// The address actually bound.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The address of the mTLS check, when it is on.
    pub fn mtls_addr(&self) -> Option<SocketAddr> {
        self.mtls_addr
    }

    /// The address of `/metrics`, when it is on.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics_addr
    }

    /// `http://ADDR`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Stops accepting requests, lets running ones finish, and stops the background tasks.
    pub async fn stop(mut self) {
        let _ = self.shutdown.send(true);
        while self.tasks.join_next().await.is_some() {}
    }

    /// Waits until a task ends on its own (which only happens on a fatal error).
    pub async fn wait(&mut self) {
        let _ = self.tasks.join_next().await;
    }
}
