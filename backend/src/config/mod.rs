//! `certportal.toml`: typed defaults, then the file, then `CERTPORTAL_` environment variables,
//! then flags. Unknown keys are an error, so a typo never silently falls back to a default.

mod sections;

pub use sections::*;

use certportal_shared::model::Locale;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use thiserror::Error;

/// The name of the configuration file inside the data dir.
pub const CONFIG_FILE: &str = "certportal.toml";
/// Environment variables with this prefix override configuration keys; `__` separates tables:
/// `CERTPORTAL_SMS__PROVIDER=http`.
pub const ENV_PREFIX: &str = "CERTPORTAL_";
/// Environment variables with the prefix that are not configuration keys.
const ENV_NOT_CONFIG: &[&str] = &["CERTPORTAL_DATA_DIR"];

#[derive(Debug, Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error("environment variable {name}: {message}")]
    Env { name: String, message: String },
}

/// The whole configuration.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The address customers and staff use to reach the portal; links and the CRL
    /// distribution point are built from it.
    pub base_url: String,
    /// Where `serve` listens.
    pub listen: String,
    /// The built browser app.
    pub dist: PathBuf,
    /// `sqlite://certportal.db` (relative to the data dir) or `postgres://...`.
    pub database_url: String,
    /// The language of messages when an order does not say.
    pub default_locale: Locale,
    /// A `tracing` filter such as `info` or `certportal=debug,info`.
    pub log: String,
    /// `text` (default) or `json`: one JSON object per line, for a log collector.
    pub log_format: LogFormat,
    pub ca: CaConfig,
    pub certificate: CertificateConfig,
    pub ocsp: OcspConfig,
    pub collect: CollectConfig,
    pub http: HttpConfig,
    pub sms: SmsConfig,
    pub email: EmailConfig,
    pub delivery: DeliveryConfig,
    pub reminders: RemindersConfig,
    pub renewal: RenewalConfig,
    pub webhooks: WebhooksConfig,
    pub support: SupportConfig,
    pub admin: AdminConfig,
    pub mtls_check: MtlsCheckConfig,
    pub metrics: MetricsConfig,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            base_url: String::new(),
            listen: "127.0.0.1:8080".into(),
            dist: PathBuf::from("dist"),
            database_url: "sqlite://certportal.db".into(),
            default_locale: Locale::En,
            log: "info".into(),
            log_format: LogFormat::Text,
            ca: CaConfig::default(),
            certificate: CertificateConfig::default(),
            ocsp: OcspConfig::default(),
            collect: CollectConfig::default(),
            http: HttpConfig::default(),
            sms: SmsConfig::default(),
            email: EmailConfig::default(),
            delivery: DeliveryConfig::default(),
            reminders: RemindersConfig::default(),
            renewal: RenewalConfig::default(),
            webhooks: WebhooksConfig::default(),
            support: SupportConfig::default(),
            admin: AdminConfig::default(),
            mtls_check: MtlsCheckConfig::default(),
            metrics: MetricsConfig::default(),
        }
    }
}

impl Config {
    /// Reads `DATA_DIR/certportal.toml` over the defaults, then applies the environment.
    pub fn load(data_dir: &Path) -> Result<Self, ConfigError> {
        let path = data_dir.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
            path: path.clone(),
            source,
        })?;
        Self::from_toml_and_env(&text, std::env::vars(), &path)
    }

    /// Builds the configuration from a file's text and a set of environment variables.
    pub fn from_toml_and_env(
        text: &str,
        env: impl IntoIterator<Item = (String, String)>,
        path: &Path,
    ) -> Result<Self, ConfigError> {
        let invalid = |message: String| ConfigError::Invalid {
            path: path.to_owned(),
            message,
        };
        let mut table: toml::Table = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        for (name, value) in env {
            let Some(key) = name.strip_prefix(ENV_PREFIX) else {
                continue;
            };
            if ENV_NOT_CONFIG.contains(&name.as_str()) || key.is_empty() {
                continue;
            }
            let keys: Vec<String> = key.split("__").map(str::to_ascii_lowercase).collect();
            set_path(&mut table, &keys, env_value(&value)).map_err(|message| ConfigError::Env {
                name: name.clone(),
                message,
            })?;
        }
        let config: Config = toml::Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| invalid(e.to_string()))?;
        config.check().map_err(invalid)?;
        Ok(config)
    }

    /// Refuses values that parse but cannot work.
    fn check(&self) -> Result<(), String> {
        let url = &self.base_url;
        if !(url.is_empty() || url.starts_with("http://") || url.starts_with("https://")) {
            return Err(format!(
                "base_url must start with http:// or https://, not {:?}",
                self.base_url
            ));
        }
        let ocsp = &self.ocsp;
        if !(ocsp.url.is_empty()
            || ocsp.url.starts_with("http://")
            || ocsp.url.starts_with("https://"))
        {
            return Err(format!(
                "ocsp.url must start with http:// or https://, not {:?}",
                ocsp.url
            ));
        }
        if !(1..=7 * 24 * 60).contains(&ocsp.next_update_minutes) {
            return Err("ocsp.next_update_minutes must be between 1 and 10080 (a week)".into());
        }
        if !(1..=365).contains(&ocsp.responder_days) {
            return Err("ocsp.responder_days must be between 1 and 365".into());
        }
        let c = &self.collect;
        if !(6..=10).contains(&c.code_digits) {
            return Err("collect.code_digits must be between 6 and 10".into());
        }
        if !(20..=64).contains(&c.password_length) {
            return Err(
                "collect.password_length must be between 20 (100 random bits) and 64".into(),
            );
        }
        if c.code_max_attempts == 0 || c.max_downloads == 0 {
            return Err(
                "collect.code_max_attempts and collect.max_downloads must be at least 1".into(),
            );
        }
        if self.certificate.pkcs12_iterations == 0 || self.certificate.pkcs12_iterations > 1_000_000
        {
            return Err("certificate.pkcs12_iterations must be between 1 and 1000000".into());
        }
        let http_sms = &self.sms.http;
        if self.sms.provider == SmsProvider::Http
            && http_sms.preset != SmsPreset::Custom
            && [&http_sms.account, &http_sms.secret, &http_sms.sender]
                .iter()
                .any(|value| value.is_empty())
        {
            return Err(
                "sms.http.account, sms.http.secret and sms.http.sender are required with \
                 sms.http.preset"
                    .into(),
            );
        }
        if self.sms.provider == SmsProvider::Http
            && http_sms.preset == SmsPreset::Custom
            && http_sms.url.is_empty()
        {
            return Err("sms.http.url is required when sms.provider = \"http\"".into());
        }
        let check = &self.mtls_check;
        if !check.listen.is_empty()
            && (check.cert_file.as_os_str().is_empty() || check.key_file.as_os_str().is_empty())
        {
            return Err("mtls_check.cert_file and mtls_check.key_file are required when mtls_check.listen is set".into());
        }
        if self.email.provider == EmailProvider::Smtp && self.email.smtp.host.is_empty() {
            return Err("email.smtp.host is required when email.provider = \"smtp\"".into());
        }
        if self.email.smtp.security == SmtpSecurity::DangerousPlaintext
            && !is_loopback_host(&self.email.smtp.host)
        {
            return Err(format!(
                "email.smtp.security = \"dangerous_plaintext\" sends links in the clear, so it is \
                 only allowed for a relay on this host (localhost, 127.0.0.1, ::1), not {:?}",
                self.email.smtp.host
            ));
        }
        let admin = &self.admin;
        if admin.max_concurrent_hashes == 0
            || admin.login_rate_per_minute == 0
            || admin.session_absolute_hours == 0
        {
            return Err(
                "admin.max_concurrent_hashes, admin.login_rate_per_minute and \
                 admin.session_absolute_hours must be at least 1"
                    .into(),
            );
        }
        let reminders = &self.reminders;
        if reminders.stages_days.len() > 10 || reminders.stages_days.iter().any(|d| *d > 365) {
            return Err(
                "reminders.stages_days takes at most 10 stages, each at most 365 days".into(),
            );
        }
        if reminders.digest_hour_utc > 23 {
            return Err("reminders.digest_hour_utc must be between 0 and 23".into());
        }
        if self.renewal.grace_days > 365 || !(30..=3600).contains(&self.renewal.challenge_seconds) {
            return Err(
                "renewal.grace_days must be at most 365, and renewal.challenge_seconds between \
                 30 and 3600"
                    .into(),
            );
        }
        if !self.support.email.is_empty()
            && certportal_shared::model::Email::parse(&self.support.email).is_err()
        {
            return Err(format!(
                "support.email must be an address like support@vendor.example, not {:?}",
                self.support.email
            ));
        }
        if self.delivery.max_attempts == 0 {
            return Err("delivery.max_attempts must be at least 1".into());
        }
        if self.http.trusted_proxy_hops == 0 && !self.http.client_ip_header.is_empty() {
            return Err(
                "http.trusted_proxy_hops must be at least 1 when http.client_ip_header is set"
                    .into(),
            );
        }
        Ok(())
    }

    /// Fills an empty `base_url` (the default): with the address a running `serve` last
    /// reported (`served`), else with `http://` and the `listen` address. A portal tried out on
    /// another port then sends links that work without any configuration.
    pub fn resolve_base_url(&mut self, served: Option<String>) {
        if self.base_url.is_empty() {
            self.base_url = served.unwrap_or_else(|| format!("http://{}", self.listen));
        }
    }

    /// Whether links go out over https (which turns on HSTS and secure cookies).
    pub fn is_https(&self) -> bool {
        self.base_url.starts_with("https://")
    }

    /// Whether every message goes to the development outbox file: a trial portal, which
    /// shows them at `/dev/inbox`.
    pub fn all_outbox(&self) -> bool {
        self.sms.provider == SmsProvider::Outbox && self.email.provider == EmailProvider::Outbox
    }

    /// Whether the development inbox exists: every message goes to the outbox, and the portal
    /// is a trial on this machine, not a site behind a proxy (`http.client_ip_header`) or on
    /// https, where every request would seem to come from the proxy's loopback address.
    pub fn dev_inbox(&self) -> bool {
        self.all_outbox() && !self.is_https() && self.http.client_ip_header.is_empty()
    }

    /// Whether some messages (codes, links or passwords) go to the outbox file in the clear.
    pub fn any_outbox(&self) -> bool {
        self.sms.provider == SmsProvider::Outbox || self.email.provider == EmailProvider::Outbox
    }

    /// The database URL with a relative SQLite path resolved against the data dir.
    pub fn resolved_database_url(&self, data_dir: &Path) -> String {
        match self.database_url.strip_prefix("sqlite://") {
            Some(rest) if !rest.starts_with('/') => {
                let (file, query) = rest.split_once('?').unwrap_or((rest, ""));
                let path = data_dir.join(file);
                let query = if query.is_empty() {
                    "mode=rwc".to_owned()
                } else {
                    query.to_owned()
                };
                format!("sqlite://{}?{query}", path.display())
            }
            _ => self.database_url.clone(),
        }
    }
}

/// Whether a host name or address names this machine.
fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// An environment value is read as TOML when it is one (numbers, booleans, arrays), and as a
/// plain string otherwise.
fn env_value(text: &str) -> toml::Value {
    let wrapped = format!("v = {text}");
    match toml::from_str::<toml::Table>(&wrapped) {
        Ok(mut table) => table
            .remove("v")
            .unwrap_or_else(|| toml::Value::String(text.to_owned())),
        Err(_) => toml::Value::String(text.to_owned()),
    }
}

fn set_path(table: &mut toml::Table, keys: &[String], value: toml::Value) -> Result<(), String> {
    match keys {
        [] => Err("empty key".into()),
        [last] => {
            table.insert(last.clone(), value);
            Ok(())
        }
        [first, rest @ ..] => {
            let entry = table
                .entry(first.clone())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()));
            match entry {
                toml::Value::Table(inner) => set_path(inner, rest, value),
                _ => Err(format!("{first} is not a table")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str, env: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let env = env.iter().map(|(k, v)| (k.to_string(), v.to_string()));
        Config::from_toml_and_env(text, env, Path::new("certportal.toml"))
    }

    #[test]
    fn an_empty_file_gives_the_documented_defaults() {
        let config = load("", &[]).expect("valid");
        assert_eq!(config.ca.name, "Web Service SSL CA (2048)");
        assert_eq!(config.certificate.validity_days, 730);
        assert_eq!(config.collect.code_digits, 8);
        assert_eq!(config.collect.code_ttl_minutes, 30);
        assert_eq!(config.sms.provider, SmsProvider::Outbox);
    }

    #[test]
    fn plaintext_smtp_is_refused_unless_the_relay_is_on_this_host() {
        let smtp = |host: &str| {
            format!(
                "[email]\nprovider = \"smtp\"\n[email.smtp]\nhost = \"{host}\"\n\
                 security = \"dangerous_plaintext\"\n"
            )
        };
        for host in ["localhost", "127.0.0.1", "::1", "[::1]"] {
            assert!(load(&smtp(host), &[]).is_ok(), "{host}");
        }
        for host in [
            "smtp.vendor.example",
            "192.0.2.25",
            "localhost.evil.example",
        ] {
            let error = load(&smtp(host), &[]).expect_err(host).to_string();
            assert!(error.contains("dangerous_plaintext"), "{error}");
        }
    }

    #[test]
    fn an_empty_base_url_follows_the_served_or_listen_address() {
        let mut config = load("listen = \"127.0.0.1:9000\"", &[]).expect("valid");
        config.resolve_base_url(None);
        assert_eq!(config.base_url, "http://127.0.0.1:9000");
        let mut config = load("", &[]).expect("valid");
        config.resolve_base_url(Some("http://127.0.0.1:4321".into()));
        assert_eq!(config.base_url, "http://127.0.0.1:4321");
        let mut config = load("base_url = \"https://certs.example\"", &[]).expect("valid");
        config.resolve_base_url(Some("http://127.0.0.1:4321".into()));
        assert_eq!(
            config.base_url, "https://certs.example",
            "a configured address wins"
        );
    }

    #[test]
    fn an_unknown_key_is_an_error_naming_it() {
        let error = load("[collect]\ncode_digit = 6\n", &[]).expect_err("unknown key");
        assert!(error.to_string().contains("code_digit"), "{error}");
    }

    #[test]
    fn environment_variables_override_the_file_and_nest_with_double_underscores() {
        let config = load(
            "base_url = \"http://a.example\"\n[collect]\ncode_digits = 6\n",
            &[
                ("CERTPORTAL_BASE_URL", "https://portal.example"),
                ("CERTPORTAL_COLLECT__CODE_DIGITS", "10"),
                ("CERTPORTAL_DATA_DIR", "/ignored"),
                ("OTHER", "x"),
            ],
        )
        .expect("valid");
        assert_eq!(config.base_url, "https://portal.example");
        assert_eq!(config.collect.code_digits, 10);
    }

    #[test]
    fn an_unknown_environment_key_is_refused() {
        assert!(load("", &[("CERTPORTAL_NOPE", "1")]).is_err());
    }

    #[test]
    fn values_that_cannot_work_are_refused() {
        assert!(load("base_url = \"portal.example\"", &[]).is_err());
        assert!(load("[collect]\npassword_length = 12", &[]).is_err());
        assert!(load("[collect]\npassword_length = 65", &[]).is_err());
        assert!(load("[sms]\nprovider = \"http\"", &[]).is_err());
    }

    #[test]
    fn secrets_do_not_show_in_debug_output() {
        let mut config = Config::default();
        config.email.smtp.password = "hunter2-smtp".into();
        config.sms.http.authorization = "Bearer sms-secret".into();
        let debug = format!("{config:?}");
        assert!(
            !debug.contains("hunter2-smtp") && !debug.contains("sms-secret"),
            "{debug}"
        );
    }

    /// Every key path of a TOML table, `sms.http.url` style.
    fn key_paths(table: &toml::Table, prefix: &str, out: &mut Vec<String>) {
        for (key, value) in table {
            let path = format!("{prefix}{key}");
            match value {
                toml::Value::Table(inner) => key_paths(inner, &format!("{path}."), out),
                _ => out.push(path),
            }
        }
    }

    #[test]
    fn the_example_file_lists_every_key_with_its_default() {
        let text = include_str!("../../../certportal.example.toml");
        let example: toml::Table = toml::from_str(text).expect("the example parses");
        let defaults = toml::Table::try_from(Config::default()).expect("serialises");
        let (mut listed, mut known) = (Vec::new(), Vec::new());
        key_paths(&example, "", &mut listed);
        key_paths(&defaults, "", &mut known);
        listed.sort();
        known.sort();
        assert_eq!(
            listed, known,
            "certportal.example.toml and Config differ in keys"
        );
        assert_eq!(
            example, defaults,
            "certportal.example.toml shows a value that is not the default"
        );
    }

    #[test]
    fn a_relative_sqlite_path_is_resolved_in_the_data_dir() {
        let config = Config::default();
        assert_eq!(
            config.resolved_database_url(Path::new("/srv/cp")),
            "sqlite:///srv/cp/certportal.db?mode=rwc"
        );
    }
}
