//! The tables of `certportal.toml`, each with its typed defaults. Secrets never show in
//! `Debug`.

use certportal_shared::model::{KeyType, Profile};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::PathBuf;

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CaConfig {
    /// The CA's common name (used by `init`).
    pub name: String,
    /// The CA key's algorithm (used by `init`).
    pub key: KeyType,
    /// The CA certificate's lifetime in days (used by `init`).
    pub validity_days: u32,
    /// Days from one CRL to its `nextUpdate`.
    pub crl_next_update_days: u32,
}

impl Default for CaConfig {
    fn default() -> Self {
        Self {
            name: "Web Service SSL CA (2048)".into(),
            key: KeyType::Rsa2048,
            validity_days: 3650,
            crl_next_update_days: 7,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OcspConfig {
    /// The responder's address as certificates name it (their AIA extension). Empty: the
    /// `base_url` with `/ocsp`. Gateways fetch it over plain HTTP (nginx can do nothing else);
    /// the answers are signed, so that is safe.
    pub url: String,
    /// Minutes from an answer's `thisUpdate` to its `nextUpdate`; also how long a cache may
    /// keep it.
    pub next_update_minutes: u32,
    /// Lifetime of the responder's own certificate, in days. Each instance issues one from
    /// the CA at start and again when half its life has gone; its key is never written
    /// anywhere.
    pub responder_days: u32,
}

impl Default for OcspConfig {
    fn default() -> Self {
        Self {
            url: String::new(),
            next_update_minutes: 60,
            responder_days: 7,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CertificateConfig {
    /// Client certificate lifetime in days.
    pub validity_days: u32,
    /// The key algorithm when an order does not say.
    pub key: KeyType,
    /// The PKCS#12 protection when an order does not say.
    pub profile: Profile,
    /// PBKDF2 / PKCS#12 KDF iterations for the file's encryption and MAC.
    pub pkcs12_iterations: u32,
}

impl Default for CertificateConfig {
    fn default() -> Self {
        Self {
            validity_days: 730,
            key: KeyType::Rsa2048,
            profile: Profile::Modern,
            pkcs12_iterations: 10_000,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CollectConfig {
    /// How long a link works, in days.
    pub link_ttl_days: u32,
    /// Digits in a one-time code.
    pub code_digits: u32,
    /// How long a code works, in minutes.
    pub code_ttl_minutes: u32,
    /// Wrong tries that end a code.
    pub code_max_attempts: u32,
    /// New codes an order may ask for.
    pub resend_max: u32,
    /// Seconds between two codes.
    pub resend_cooldown_seconds: u32,
    /// How long a collect session lasts, in minutes.
    pub session_ttl_minutes: u32,
    /// Downloads a session may make before the receipt.
    pub max_downloads: u32,
    /// Characters in the file's password (Crockford base32, 5 bits each).
    pub password_length: u32,
    /// Seconds between two sweeps, which end links that ran out (wiping their files and
    /// dropping their messages) and drop ended sessions.
    pub sweep_interval_seconds: u32,
}

impl Default for CollectConfig {
    fn default() -> Self {
        Self {
            link_ttl_days: 7,
            code_digits: 8,
            code_ttl_minutes: 30,
            code_max_attempts: 5,
            resend_max: 5,
            resend_cooldown_seconds: 60,
            session_ttl_minutes: 15,
            max_downloads: 3,
            password_length: 20,
            sweep_interval_seconds: 30,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpConfig {
    /// Origins allowed to frame every page (CSP `frame-ancestors` sources); registered sites
    /// frame the collect page asked for with `?site=` besides (`flow::sites`).
    pub frame_ancestors: Vec<String>,
    /// Requests per minute one client address may make to `/api/collect/*`.
    pub collect_rate_per_minute: u32,
    /// A header that carries the client address when behind a proxy (`X-Forwarded-For`);
    /// empty to use the connection's address.
    pub client_ip_header: String,
    /// How many proxies in front of the portal append to `client_ip_header`: the client's
    /// address is the entry this far from the right. Entries further left were written by
    /// the client and are never trusted.
    pub trusted_proxy_hops: u32,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            frame_ancestors: vec!["'self'".into()],
            collect_rate_per_minute: 120,
            client_ip_header: String::new(),
            trusted_proxy_hops: 1,
        }
    }
}

/// How SMS messages leave the portal.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SmsConfig {
    /// `outbox` (development: lines in `DATA_DIR/outbox.jsonl`) or `http` (a gateway).
    pub provider: SmsProvider,
    pub http: HttpSmsConfig,
}

impl Default for SmsConfig {
    fn default() -> Self {
        Self {
            provider: SmsProvider::Outbox,
            http: HttpSmsConfig::default(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmsProvider {
    Outbox,
    Http,
}

/// An SMS provider the portal speaks by name (`sms.http.preset`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SmsPreset {
    /// The generic gateway: `url`, `authorization` and `body_template` as configured.
    #[default]
    #[serde(rename = "custom")]
    Custom,
    /// Twilio's Messages API: a form with To, From and Body, Basic auth with the Account SID.
    #[serde(rename = "twilio")]
    Twilio,
    /// Vonage's SMS API: a form with to (digits only), from and text, Basic auth with the key.
    #[serde(rename = "vonage")]
    Vonage,
    /// 46elks (Sweden): a form with to, from and message, Basic auth with the API user.
    #[serde(rename = "46elks")]
    FortySixElks,
}

/// A generic HTTP SMS gateway: most providers take a JSON POST with a bearer or basic token.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpSmsConfig {
    /// `custom` (the body template below), or a provider whose API the portal speaks by name:
    /// `twilio`, `vonage`, `46elks`. A preset needs `account`, `secret` and `sender`, and
    /// fills the URL (unless `url` is set), the authorization and the body.
    pub preset: SmsPreset,
    /// The preset's account: Twilio's Account SID, Vonage's API key, 46elks' API username.
    pub account: String,
    /// The preset's secret: Twilio's auth token, Vonage's API secret, 46elks' API password.
    pub secret: String,
    /// The sender the preset's messages come from: a number (E.164) or an alphanumeric
    /// sender id, as the provider allows.
    pub sender: String,
    pub url: String,
    pub method: String,
    /// Sent as the `Authorization` header when not empty (`Bearer ...`, `Basic ...`).
    pub authorization: String,
    /// The JSON body; `{to}`, `{body}` and `{id}` (the message's stable id) are replaced
    /// by JSON-escaped values.
    pub body_template: String,
    /// Seconds before a request to the gateway is given up.
    pub timeout_seconds: u64,
    /// The header that carries each message's stable id, so that a gateway which honours it
    /// delivers a message once even when the portal sends it again after a crash; empty
    /// for none.
    pub idempotency_header: String,
}

impl Default for HttpSmsConfig {
    fn default() -> Self {
        Self {
            preset: SmsPreset::Custom,
            account: String::new(),
            secret: String::new(),
            sender: String::new(),
            url: String::new(),
            method: "POST".into(),
            authorization: String::new(),
            body_template: r#"{"to": "{to}", "message": "{body}"}"#.into(),
            timeout_seconds: 10,
            idempotency_header: "Idempotency-Key".into(),
        }
    }
}

impl fmt::Debug for HttpSmsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpSmsConfig")
            .field("preset", &self.preset)
            .field("account", &self.account)
            .field("secret", &redacted(&self.secret))
            .field("sender", &self.sender)
            .field("url", &self.url)
            .field("method", &self.method)
            .field("authorization", &redacted(&self.authorization))
            .field("body_template", &self.body_template)
            .field("timeout_seconds", &self.timeout_seconds)
            .field("idempotency_header", &self.idempotency_header)
            .finish()
    }
}

/// How e-mail leaves the portal.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EmailConfig {
    /// `outbox` (development) or `smtp`.
    pub provider: EmailProvider,
    /// The sender, e.g. `Certificates <certificates@vendor.example>`.
    pub from: String,
    pub smtp: SmtpConfig,
}

impl Default for EmailConfig {
    fn default() -> Self {
        Self {
            provider: EmailProvider::Outbox,
            from: "certportal <certportal@localhost>".into(),
            smtp: SmtpConfig::default(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EmailProvider {
    Outbox,
    Smtp,
}

#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    /// `starttls` (port 587), `tls` (implicit TLS, port 465) or `dangerous_plaintext`
    /// (no encryption: only for a relay on the same host).
    pub security: SmtpSecurity,
    pub username: String,
    pub password: String,
    /// A PEM file of CA certificates to trust for the relay, beside the public roots;
    /// empty for none.
    pub tls_ca_file: PathBuf,
    pub timeout_seconds: u64,
}

impl Default for SmtpConfig {
    fn default() -> Self {
        Self {
            host: String::new(),
            port: 587,
            security: SmtpSecurity::Starttls,
            username: String::new(),
            password: String::new(),
            tls_ca_file: PathBuf::new(),
            timeout_seconds: 20,
        }
    }
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &redacted(&self.password))
            .field("tls_ca_file", &self.tls_ca_file)
            .finish()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmtpSecurity {
    Starttls,
    Tls,
    DangerousPlaintext,
}

/// Retries of messages whose provider failed.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DeliveryConfig {
    /// Seconds before the first retry; doubled after each failure.
    pub retry_initial_seconds: u64,
    /// The longest wait between two tries.
    pub retry_max_seconds: u64,
    /// Tries before a message is given up (marked failed and wiped).
    pub max_attempts: u32,
    /// Seconds a worker holds a message it is sending before another may take it; longer
    /// than a provider's timeout.
    pub claim_seconds: u32,
    /// Milliseconds between two looks at the queue when nothing wakes the worker.
    pub poll_interval_ms: u64,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        Self {
            retry_initial_seconds: 5,
            // With 20 tries: 5 s doubling to 2 h, about 19 hours from the first to the last.
            retry_max_seconds: 7200,
            max_attempts: 20,
            claim_seconds: 120,
            poll_interval_ms: 1000,
        }
    }
}

/// Reminders to the contact before a certificate ends, and the support address's digest.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RemindersConfig {
    /// Days before a certificate's `notAfter` at which its contact is reminded; 0 is the day
    /// it ends. Empty: no reminders.
    pub stages_days: Vec<u32>,
    /// The UTC hour from which each day's digest goes to `support.email`.
    pub digest_hour_utc: u32,
}

impl Default for RemindersConfig {
    fn default() -> Self {
        Self {
            stages_days: vec![60, 30, 7, 1, 0],
            digest_hour_utc: 6,
        }
    }
}

impl RemindersConfig {
    /// How long before its end a certificate counts as ending soon: the longest stage (the
    /// dashboard's 60 days when there are none). The digest lists what ends within it, and a
    /// contact may ask for a new certificate from then on.
    pub fn window_days(&self) -> u32 {
        self.stages_days.iter().max().copied().unwrap_or(60)
    }

    /// The stages, latest (fewest days) first, without repeats.
    pub fn stages(&self) -> Vec<u32> {
        let mut stages = self.stages_days.clone();
        stages.sort_unstable();
        stages.dedup();
        stages
    }
}

/// Renewal from the old certificate, on the renewal page.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RenewalConfig {
    /// Days after its end that a certificate may still start its own renewal on the renewal
    /// page (a revoked one never may).
    pub grace_days: u32,
    /// Seconds a challenge from `POST /api/renew/challenge` stays good.
    pub challenge_seconds: u32,
}

impl Default for RenewalConfig {
    fn default() -> Self {
        Self {
            grace_days: 30,
            challenge_seconds: 300,
        }
    }
}

/// Webhook deliveries.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebhooksConfig {
    /// Lets endpoints be on loopback, private, link-local and other non-public addresses (a
    /// helpdesk on the vendor's own network). Off, an admin's URL cannot make the portal
    /// call its own machine, its network or a cloud's metadata service.
    pub dangerous_allow_private_addresses: bool,
}

/// The vendor's support desk, as the portal tells it of what needs a person.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SupportConfig {
    /// Where notices of the contacts' own withdrawals and requests for a new certificate go,
    /// and the daily digest of expiring certificates. Empty: none of them.
    pub email: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AdminConfig {
    /// Minutes of inactivity that end a staff session.
    pub session_idle_minutes: u32,
    /// Hours after sign-in that end a staff session, however busy.
    pub session_absolute_hours: u32,
    /// Failed logins per account within 15 minutes before it is throttled (an address may
    /// fail four times as often).
    pub max_failed_logins: u32,
    /// Sign-in requests per minute one client address may make.
    pub login_rate_per_minute: u32,
    /// Password hashes (argon2id, 19 MiB each) computed at once; more sign-ins wait.
    pub max_concurrent_hashes: u32,
}

impl Default for AdminConfig {
    fn default() -> Self {
        Self {
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            max_failed_logins: 5,
            login_rate_per_minute: 30,
            max_concurrent_hashes: 2,
        }
    }
}

/// A TLS listener that asks for a client certificate and says whether it is one of ours and
/// still good, so that customers can test an installed certificate.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MtlsCheckConfig {
    /// Where it listens, e.g. `0.0.0.0:8443`; empty: off.
    pub listen: String,
    /// The listener's own certificate chain (PEM), relative to the data dir.
    pub cert_file: PathBuf,
    /// Its private key (PEM), relative to the data dir.
    pub key_file: PathBuf,
}

/// How `serve` writes its log lines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Lines for people.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// The metrics listener, for Prometheus; never the public one.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsConfig {
    /// Where `GET /metrics` is served, e.g. `127.0.0.1:9464`; empty: off.
    pub listen: String,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:9464".into(),
        }
    }
}

fn redacted(secret: &str) -> &'static str {
    if secret.is_empty() { "" } else { "[redacted]" }
}
