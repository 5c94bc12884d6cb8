//! The portal under test: built, started, restarted and stopped, with its clock and senders.

use crate::{
    Collect, code_in, dist_dir, link_token, logs, password_in, postgres, sample_order, wait_until,
};
use certportal::clock::{Clock, ManualClock};
use certportal::config::Config;
use certportal::flow::Actor;
use certportal::flow::orders::{CreatedOrder, Renewal, create_order};
use certportal::notify::{Mailer, Recording, RecordingMailer, RecordingSms, SmsSender};
use certportal::startup::{Portal, PortalOptions, RunningPortal};
use certportal::state::AppState;
use certportal_shared::model::{Locale, OrderDraft};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use time::OffsetDateTime;

type ConfigEdit = Box<dyn FnOnce(&mut Config) + Send>;

/// Builds a test portal.
pub struct AppBuilder {
    edits: Vec<ConfigEdit>,
    postgres: bool,
    shared_with: Option<(PathBuf, Config)>,
    dist: Option<PathBuf>,
    sms: Option<Arc<dyn SmsSender>>,
    mailer: Option<Arc<dyn Mailer>>,
    configured_sms: bool,
    configured_mail: bool,
    ca_key: certportal_shared::model::KeyType,
    bind: String,
}

impl Default for AppBuilder {
    fn default() -> Self {
        Self {
            edits: Vec::new(),
            postgres: false,
            shared_with: None,
            dist: None,
            sms: None,
            mailer: None,
            configured_sms: false,
            configured_mail: false,
            ca_key: certportal_shared::model::KeyType::Rsa2048,
            bind: "127.0.0.1:0".into(),
        }
    }
}

impl AppBuilder {
    /// Changes the configuration before the portal starts.
    pub fn config(mut self, edit: impl FnOnce(&mut Config) + Send + 'static) -> Self {
        self.edits.push(Box::new(edit));
        self
    }

    /// Sends SMS through `sms` instead of the recording sender.
    pub fn sms(mut self, sms: Arc<dyn SmsSender>) -> Self {
        self.sms = Some(sms);
        self
    }

    /// Sends e-mail through `mailer` instead of the recording sender.
    pub fn mailer(mut self, mailer: Arc<dyn Mailer>) -> Self {
        self.mailer = Some(mailer);
        self
    }

    /// Uses the providers the configuration names (HTTP gateway, SMTP, outbox) instead of the
    /// recording senders.
    pub fn configured_providers(self) -> Self {
        self.configured_sms().configured_mail()
    }

    /// Sends SMS through the provider the configuration names.
    pub fn configured_sms(mut self) -> Self {
        self.configured_sms = true;
        self
    }

    /// Sends e-mail through the provider the configuration names.
    pub fn configured_mail(mut self) -> Self {
        self.configured_mail = true;
        self
    }

    /// Listens on `addr` (port 0) instead of loopback only, for tests that must reach the
    /// portal from another address of this machine.
    pub fn bind(mut self, addr: &str) -> Self {
        self.bind = addr.to_owned();
        self
    }

    /// Turns on the mTLS listener (on a free loopback port) with the server certificate and
    /// key at these paths (`tools::server_certificate` makes them).
    pub fn mtls_check(self, cert: String, key: String) -> Self {
        self.config(move |config| {
            config.mtls_check.listen = "127.0.0.1:0".into();
            config.mtls_check.cert_file = cert.into();
            config.mtls_check.key_file = key.into();
        })
    }

    /// Sends SMS through the HTTP gateway at `url`, with the body template the test gateway
    /// reads (`{"recipient": …, "text": …}`) and a bearer key.
    pub fn sms_gateway(self, url: String) -> Self {
        self.configured_sms().config(move |config| {
            config.sms.provider = certportal::config::SmsProvider::Http;
            config.sms.http.url = url;
            config.sms.http.authorization = "Bearer gateway-key".into();
            config.sms.http.body_template = r#"{"recipient": "{to}", "text": "{body}"}"#.into();
        })
    }

    /// The CA key's algorithm (RSA-2048 unless told otherwise).
    pub fn ca_key(mut self, key: certportal_shared::model::KeyType) -> Self {
        self.ca_key = key;
        self
    }

    /// Keeps the data in a fresh PostgreSQL database (`TEST_POSTGRES_URL`, default the local
    /// server's `test` database as user postgres), dropped when the app is.
    pub fn postgres(mut self) -> Self {
        self.postgres = true;
        self
    }

    /// Serves the browser apps from `dist` instead of the built ones.
    pub fn dist(mut self, dist: &Path) -> Self {
        self.dist = Some(dist.to_owned());
        self
    }

    /// A second instance of `app`: the same CA, keys and database, its own port and senders.
    pub fn instance_of(mut self, app: &TestApp) -> Self {
        self.shared_with = Some((app.data_dir().to_owned(), app.config.clone()));
        self
    }

    pub async fn spawn(self) -> TestApp {
        logs::install();
        let dir = tempfile::tempdir().expect("tempdir");
        let listener = tokio::net::TcpListener::bind(&self.bind)
            .await
            .expect("bind");
        let url = format!("http://{}", loopback(listener.local_addr().expect("addr")));
        let mut config = match &self.shared_with {
            Some((other_dir, other_config)) => {
                for name in ["certportal.toml", "ca.pem", "ca.key.sealed", "kek.bin"] {
                    std::fs::copy(other_dir.join(name), dir.path().join(name))
                        .expect("copy the data dir");
                }
                other_config.clone()
            }
            None => {
                certportal::cli::init::initialise(dir.path(), None, Some(self.ca_key), Some(&url))
                    .await
                    .expect("init");
                let text =
                    std::fs::read_to_string(dir.path().join("certportal.toml")).expect("config");
                // The test's environment must not leak into the portal's configuration.
                Config::from_toml_and_env(&text, std::iter::empty(), Path::new("certportal.toml"))
                    .expect("config")
            }
        };
        let database = if self.postgres {
            Some(postgres::Database::create().await)
        } else {
            None
        };
        if let Some(database) = &database {
            config.database_url = database.url.clone();
        }
        config.delivery.poll_interval_ms = 20;
        config.delivery.retry_initial_seconds = 1;
        config.collect.sweep_interval_seconds = 1;
        config.metrics.listen = "127.0.0.1:0".into();
        // The tests' webhook receivers listen on loopback; the test of the guard turns it on.
        config.webhooks.dangerous_allow_private_addresses = true;
        for edit in self.edits {
            edit(&mut config);
        }
        let clock = ManualClock::new(OffsetDateTime::now_utc());
        let sms = RecordingSms::new();
        let mail = RecordingMailer::new();
        let sms_sender: Option<Arc<dyn SmsSender>> =
            (!self.configured_sms).then(|| self.sms.unwrap_or_else(|| Arc::new(sms.clone())));
        let mailer: Option<Arc<dyn Mailer>> =
            (!self.configured_mail).then(|| self.mailer.unwrap_or_else(|| Arc::new(mail.clone())));
        let mut app = TestApp {
            _database: database,
            url,
            http: reqwest::Client::new(),
            clock,
            sms,
            mail,
            dir,
            config,
            sms_sender,
            mailer,
            dist: self.dist.unwrap_or_else(dist_dir),
            running: None,
        };
        app.start(Some(listener)).await;
        app
    }
}

/// A running portal and what the test needs to drive it.
pub struct TestApp {
    pub url: String,
    pub http: reqwest::Client,
    pub clock: ManualClock,
    /// What the portal sent by SMS (unless the builder replaced the sender).
    pub sms: RecordingSms,
    /// What the portal sent by e-mail (unless the builder replaced the mailer).
    pub mail: RecordingMailer,
    pub dir: tempfile::TempDir,
    pub config: Config,
    sms_sender: Option<Arc<dyn SmsSender>>,
    mailer: Option<Arc<dyn Mailer>>,
    dist: PathBuf,
    running: Option<RunningPortal>,
    /// The PostgreSQL database, dropped last, after the portal.
    _database: Option<postgres::Database>,
}

/// The address to reach a listener at from this machine: a wildcard bind answers on
/// loopback too.
fn loopback(addr: std::net::SocketAddr) -> std::net::SocketAddr {
    if addr.ip().is_unspecified() {
        std::net::SocketAddr::from(([127, 0, 0, 1], addr.port()))
    } else {
        addr
    }
}

/// A portal with the defaults.
pub async fn spawn_app() -> TestApp {
    AppBuilder::default().spawn().await
}

impl TestApp {
    pub fn builder() -> AppBuilder {
        AppBuilder::default()
    }

    async fn start(&mut self, listener: Option<tokio::net::TcpListener>) {
        let options = PortalOptions {
            data_dir: self.dir.path().to_owned(),
            config: self.config.clone(),
            clock: Arc::new(self.clock.clone()) as Arc<dyn Clock>,
            sms: self.sms_sender.clone(),
            mailer: self.mailer.clone(),
        };
        let portal = Portal::open(options).await.expect("portal opens");
        let listener = match listener {
            Some(listener) => listener,
            None => tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind"),
        };
        let running = portal
            .serve_on(listener, self.dist.clone())
            .await
            .expect("serves");
        self.url = format!("http://{}", loopback(running.addr()));
        self.running = Some(running);
    }

    /// Stops the portal and starts it again on the same data dir (on a new port).
    pub async fn restart(&mut self) {
        self.stop().await;
        self.start(None).await;
    }

    /// Stops the portal; the data dir stays.
    pub async fn stop(&mut self) {
        if let Some(running) = self.running.take() {
            running.stop().await;
        }
    }

    /// `https://ADDR/` of the mTLS check, when it is configured.
    /// `http://ADDR/metrics`, on the metrics listener.
    pub fn metrics_url(&self) -> String {
        let addr = self
            .running
            .as_ref()
            .and_then(RunningPortal::metrics_addr)
            .expect("the metrics listener");
        format!("http://{addr}/metrics")
    }

    pub fn mtls_url(&self) -> Option<String> {
        self.running
            .as_ref()
            .and_then(|r| r.mtls_addr())
            .map(|addr| format!("https://{addr}/"))
    }

    pub fn state(&self) -> &AppState {
        self.running.as_ref().expect("running").state()
    }

    pub fn data_dir(&self) -> &Path {
        self.dir.path()
    }

    /// Creates an order as staff would, and returns its ids.
    pub async fn create_order(&self, draft: OrderDraft) -> CreatedOrder {
        let spec = draft.parse(Locale::En).expect("valid order");
        create_order(
            self.state(),
            &spec,
            &Actor::cli(),
            Renewal::default(),
            draft.site.as_deref(),
        )
        .await
        .expect("order created")
    }

    /// Creates the sample order and waits for its link and code.
    pub async fn order_with_link(&self) -> Collect {
        self.order_from(sample_order()).await
    }

    /// The order as the store holds it now; it must exist.
    pub async fn stored_order(&self, order_id: &str) -> certportal::store::OrderRecord {
        self.state()
            .store
            .order(order_id)
            .await
            .expect("the store answers")
            .expect("the order exists")
    }

    /// The certificate as the store holds it now; it must exist.
    pub async fn stored_certificate(&self, serial: &str) -> certportal::store::CertificateRecord {
        self.state()
            .store
            .certificate(serial)
            .await
            .expect("the store answers")
            .expect("the certificate exists")
    }

    /// For a key the portal never held: the SMS that says certificate `serial` was issued
    /// goes out, the queue drains, and no password SMS is ever sent.
    pub async fn wait_for_issued_notice(&self, order_id: &str, serial: &str) {
        let issued = self.wait_for_sms(order_id, "certificate_issued", 1).await;
        assert!(issued[0].body.contains(serial), "{}", issued[0].body);
        self.wait_for_queue_drained(order_id).await;
        assert!(
            self.sms.sent().iter().all(|m| m.purpose != "password"),
            "no password SMS for a key the portal never held"
        );
    }

    /// Creates `draft` and waits for its link and code.
    pub async fn order_from(&self, draft: OrderDraft) -> Collect {
        let order = self.create_order(draft).await;
        self.link_and_code(order).await
    }

    /// Waits for the link and first code of an order an API answer (`{order_id, serial}`)
    /// says was made.
    pub async fn link_and_code_of(&self, created: &serde_json::Value) -> Collect {
        self.link_and_code(CreatedOrder {
            order_id: created["order_id"]
                .as_str()
                .expect("an order id")
                .to_owned(),
            serial: created["serial"].as_str().map(str::to_owned),
        })
        .await
    }

    /// Waits for the link and first code of an order made elsewhere (the admin API).
    pub async fn link_and_code(&self, order: CreatedOrder) -> Collect {
        let token = self.wait_for_link(&order.order_id).await;
        let code = self.wait_for_code(&order.order_id, 1).await;
        Collect { order, token, code }
    }

    /// A custody `browser` order of `key` and `profile`, with its link and code; the page
    /// makes its key, so it has no certificate yet.
    pub async fn browser_order(&self, key: &str, profile: &str) -> Collect {
        let collect = self
            .order_from(OrderDraft {
                custody: Some("browser".into()),
                key: Some(key.into()),
                profile: Some(profile.into()),
                ..sample_order()
            })
            .await;
        assert_eq!(
            collect.order.serial, None,
            "no certificate before the page's request"
        );
        collect
    }

    fn sent(&self, sms: bool, order_id: &str, purpose: &str) -> Vec<Recording> {
        let all = if sms {
            self.sms.sent()
        } else {
            self.mail.sent()
        };
        all.into_iter()
            .filter(|m| m.order_id.as_deref() == Some(order_id) && m.purpose == purpose)
            .collect()
    }

    /// Waits (up to 10 s of real time) until `count` SMS of `purpose` went to the order.
    pub async fn wait_for_sms(
        &self,
        order_id: &str,
        purpose: &str,
        count: usize,
    ) -> Vec<Recording> {
        self.wait_for_sent(true, order_id, purpose, count).await
    }

    /// Waits (up to 10 s of real time) until `count` e-mails of `purpose` about the order
    /// went out.
    pub async fn wait_for_email(
        &self,
        order_id: &str,
        purpose: &str,
        count: usize,
    ) -> Vec<Recording> {
        self.wait_for_sent(false, order_id, purpose, count).await
    }

    async fn wait_for_sent(
        &self,
        sms: bool,
        order_id: &str,
        purpose: &str,
        count: usize,
    ) -> Vec<Recording> {
        wait_until(|| {
            let sent = self.sent(sms, order_id, purpose);
            (sent.len() >= count).then_some(sent)
        })
        .await
        .unwrap_or_else(|| {
            panic!(
                "no {count} {purpose} messages for {order_id}: {:?}",
                self.sent(sms, order_id, purpose).len()
            )
        })
    }

    /// The token from the order's link e-mail.
    pub async fn wait_for_link(&self, order_id: &str) -> String {
        let mails = wait_until(|| {
            let sent = self.sent(false, order_id, "collect_link");
            (!sent.is_empty()).then_some(sent)
        })
        .await
        .expect("a link e-mail");
        link_token(&mails[0].body)
    }

    /// The code from the order's `n`th code SMS.
    pub async fn wait_for_code(&self, order_id: &str, n: usize) -> String {
        let sms = self.wait_for_sms(order_id, "otp", n).await;
        code_in(&sms[n - 1].body, self.config.collect.code_digits as usize)
    }

    /// The password from the order's password SMS.
    pub async fn wait_for_password(&self, order_id: &str) -> String {
        let sms = self.wait_for_sms(order_id, "password", 1).await;
        password_in(&sms[0].body)
    }

    /// Waits until every message queued for the order has been sent, and returns how many
    /// were queued per purpose.
    pub async fn wait_for_queue_drained(&self, order_id: &str) -> Vec<(String, usize)> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let messages = self
                .state()
                .store
                .messages_for_order(order_id)
                .await
                .expect("messages");
            if messages.iter().all(|m| m.sent_at.is_some()) {
                let mut counts: Vec<(String, usize)> = Vec::new();
                for message in messages {
                    match counts
                        .iter_mut()
                        .find(|(purpose, _)| purpose == message.purpose.as_str())
                    {
                        Some((_, n)) => *n += 1,
                        None => counts.push((message.purpose.as_str().to_owned(), 1)),
                    }
                }
                return counts;
            }
            assert!(
                Instant::now() < deadline,
                "messages for {order_id} still queued"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// The manual clock's time in Unix seconds.
    pub fn now_unix(&self) -> i64 {
        self.clock.now().unix_timestamp()
    }
}
