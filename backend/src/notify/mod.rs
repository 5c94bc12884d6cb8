//! Notifications: SMS and e-mail providers, the message texts, and the worker that delivers
//! the queue.
//!
//! Messages are written to the database in the same transaction as the state change that
//! causes them (a transactional outbox); the [`Dispatcher`] delivers them afterwards with
//! retries, so a provider outage or a restart loses nothing.

mod http_sms;
mod outbox;
mod recording;
mod sms_preset;
mod smtp;
pub mod templates;
mod webhook;
mod worker;

pub use http_sms::HttpSms;
pub use outbox::{OutboxFile, OutboxLine};
pub use recording::{Recording, RecordingMailer, RecordingSms};
pub use smtp::SmtpMailer;
pub use webhook::{is_private, literal_address};
pub use worker::{Dispatcher, Recipient, queued_message};

use async_trait::async_trait;
use certportal_shared::model::Purpose;
use std::fmt;
use thiserror::Error;
use zeroize::Zeroizing;

/// One message on its way out. The body may hold a code, a link token or a password, so it is
/// wiped on drop and never shown by `Debug`.
pub struct Outgoing {
    /// The message's stable id: the same on every try, so a provider that honours an
    /// idempotency key delivers it once however often it is sent.
    pub idempotency_key: String,
    pub order_id: Option<String>,
    pub to: String,
    /// E-mail only.
    pub subject: Option<String>,
    pub body: Zeroizing<String>,
    pub purpose: Purpose,
    /// A reminder's stage: days before the certificate ends.
    pub stage: Option<u32>,
}

impl fmt::Debug for Outgoing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Outgoing")
            .field("idempotency_key", &self.idempotency_key)
            .field("order_id", &self.order_id)
            .field("to", &self.to)
            .field("purpose", &self.purpose)
            .field("stage", &self.stage)
            .finish_non_exhaustive()
    }
}

/// Why a provider did not take a message. Never holds the message's body.
#[derive(Debug, Error)]
pub enum NotifyError {
    #[error("the provider refused the message: {0}")]
    Refused(String),
    /// Trying again cannot help (the provider rejected the message itself, or its body is
    /// gone): the message is given up at once instead of holding back the recipient's later
    /// ones for its remaining tries.
    #[error("the message cannot be sent: {0}")]
    Permanent(String),
    #[error("the provider could not be reached: {0}")]
    Unreachable(String),
    #[error("the outbox file cannot be written: {0}")]
    Outbox(#[from] std::io::Error),
}

/// Sends text messages.
#[async_trait]
pub trait SmsSender: Send + Sync {
    async fn send_sms(&self, message: &Outgoing) -> Result<(), NotifyError>;
}

/// Sends e-mail.
#[async_trait]
pub trait Mailer: Send + Sync {
    async fn send_email(&self, message: &Outgoing) -> Result<(), NotifyError>;
}
