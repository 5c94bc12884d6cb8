//! E-mail through an SMTP relay with lettre: STARTTLS, implicit TLS, or (for a relay on the
//! same host only) plain text.

use super::{Mailer, NotifyError, Outgoing};
use crate::config::{SmtpConfig, SmtpSecurity};
use async_trait::async_trait;
use lettre::message::{Mailbox, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl SmtpMailer {
    pub fn new(config: &SmtpConfig, from: &str) -> Result<Self, NotifyError> {
        let refused =
            |what: &str, e: &dyn std::fmt::Display| NotifyError::Refused(format!("{what}: {e}"));
        let from: Mailbox = from.parse().map_err(|e| refused("email.from", &e))?;
        let tls = || -> Result<TlsParameters, NotifyError> {
            let mut builder = TlsParameters::builder(config.host.clone());
            if !config.tls_ca_file.as_os_str().is_empty() {
                let pem = std::fs::read(&config.tls_ca_file)?;
                let certificate = Certificate::from_pem(&pem)
                    .map_err(|e| refused("email.smtp.tls_ca_file", &e))?;
                builder = builder.add_root_certificate(certificate);
            }
            builder.build().map_err(|e| refused("email.smtp", &e))
        };
        let builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(config.host.clone())
            .port(config.port);
        let builder = match config.security {
            SmtpSecurity::Starttls => builder.tls(Tls::Required(tls()?)),
            SmtpSecurity::Tls => builder.tls(Tls::Wrapper(tls()?)),
            SmtpSecurity::DangerousPlaintext => builder.tls(Tls::None),
        };
        let builder = builder.timeout(Some(Duration::from_secs(config.timeout_seconds)));
        let builder = if config.username.is_empty() {
            builder
        } else {
            builder.credentials(Credentials::new(
                config.username.clone(),
                config.password.clone(),
            ))
        };
        Ok(Self {
            transport: builder.build(),
            from,
        })
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send_email(&self, message: &Outgoing) -> Result<(), NotifyError> {
        let to: Mailbox = message
            .to
            .parse()
            .map_err(|e| NotifyError::Refused(format!("recipient: {e}")))?;
        let email = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.clone().unwrap_or_default())
            .header(ContentType::TEXT_PLAIN)
            .body(message.body.to_string())
            .map_err(|e| NotifyError::Refused(e.to_string()))?;
        self.transport
            .send(email)
            .await
            .map_err(|e| NotifyError::Unreachable(e.to_string()))?;
        Ok(())
    }
}
