//! The dispatcher: claims due messages, opens their sealed bodies, hands them to the provider,
//! marks them sent (wiping the body) or schedules a retry with exponential back-off.

use super::{EMAIL, Mailer, NotifyError, Outgoing, SMS, SmsSender};
use crate::clock::{Clock, unix};
use crate::config::DeliveryConfig;
use crate::pki::seal::{Kek, SealError};
use crate::store::{AuditEvent, NewMessage, QueuedMessage, Store, StoreError};
use certportal_shared::model::Locale;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};
use zeroize::Zeroizing;

/// How long a claimed message is reserved for the worker that claimed it.
const CLAIM_SECONDS: i64 = 120;
/// Messages handled per look at the queue.
const BATCH: u32 = 32;

fn seal_context(channel: &str, recipient: &str, purpose: &str) -> String {
    format!("message:{channel}:{recipient}:{purpose}")
}

/// A message for the queue, its body sealed so that the code, link or password inside it is
/// never stored in the clear.
#[allow(clippy::too_many_arguments)]
pub fn queued_message(
    kek: &Kek,
    order_id: &str,
    channel: &str,
    to: &str,
    subject: Option<String>,
    body: &str,
    purpose: &str,
    locale: Locale,
) -> Result<NewMessage, SealError> {
    Ok(NewMessage {
        order_id: Some(order_id.to_owned()),
        channel: channel.to_owned(),
        recipient: to.to_owned(),
        subject,
        body_sealed: kek.seal(&seal_context(channel, to, purpose), body.as_bytes())?,
        purpose: purpose.to_owned(),
        locale: locale.as_str().to_owned(),
    })
}

#[derive(Debug, thiserror::Error)]
pub enum DispatchError {
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Delivers the message queue.
#[derive(Clone)]
pub struct Dispatcher {
    store: Arc<dyn Store>,
    kek: Arc<Kek>,
    sms: Arc<dyn SmsSender>,
    mailer: Arc<dyn Mailer>,
    clock: Arc<dyn Clock>,
    config: DeliveryConfig,
    wake: Arc<Notify>,
}

impl Dispatcher {
    pub fn new(
        store: Arc<dyn Store>,
        kek: Arc<Kek>,
        sms: Arc<dyn SmsSender>,
        mailer: Arc<dyn Mailer>,
        clock: Arc<dyn Clock>,
        config: DeliveryConfig,
        wake: Arc<Notify>,
    ) -> Self {
        Self {
            store,
            kek,
            sms,
            mailer,
            clock,
            config,
            wake,
        }
    }

    /// The back-off after `attempts` failed tries: initial × 2^(attempts − 1), capped.
    fn backoff(&self, attempts: u32) -> i64 {
        let factor = 1u64 << attempts.saturating_sub(1).min(30);
        let seconds = self
            .config
            .retry_initial_seconds
            .saturating_mul(factor)
            .min(self.config.retry_max_seconds);
        i64::try_from(seconds).unwrap_or(i64::MAX)
    }

    async fn deliver(&self, message: &QueuedMessage) -> Result<(), NotifyError> {
        let context = seal_context(&message.channel, &message.recipient, &message.purpose);
        let body = self
            .kek
            .open(&context, &message.body_sealed)
            .map_err(|e| NotifyError::Refused(format!("message body: {e}")))?;
        let body = String::from_utf8(body.to_vec())
            .map_err(|_| NotifyError::Refused("message body is not text".into()))?;
        let outgoing = Outgoing {
            order_id: message.order_id.clone(),
            to: message.recipient.clone(),
            subject: message.subject.clone(),
            body: Zeroizing::new(body),
            purpose: message.purpose.clone(),
        };
        match message.channel.as_str() {
            SMS => self.sms.send_sms(&outgoing).await,
            EMAIL => self.mailer.send_email(&outgoing).await,
            other => Err(NotifyError::Refused(format!("unknown channel {other}"))),
        }
    }

    /// Delivers every message that is due now; returns how many were sent.
    pub async fn run_once(&self) -> Result<usize, DispatchError> {
        let mut sent = 0;
        loop {
            let now = unix(self.clock.now());
            let batch = self
                .store
                .claim_due_messages(now, now + CLAIM_SECONDS, BATCH)
                .await?;
            if batch.is_empty() {
                return Ok(sent);
            }
            for message in &batch {
                let now = unix(self.clock.now());
                match self.deliver(message).await {
                    Ok(()) => {
                        let event = AuditEvent {
                            at: now,
                            actor: "system".into(),
                            action: format!("message.sent.{}", message.purpose),
                            order_id: message.order_id.clone(),
                            detail: Some(format!("{} to {}", message.channel, message.recipient)),
                            ..AuditEvent::default()
                        };
                        self.store.mark_sent(message, now, &event).await?;
                        sent += 1;
                    }
                    Err(error) => {
                        let retry_at = now + self.backoff(message.attempts + 1);
                        tracing::warn!(
                            message_id = message.id,
                            channel = %message.channel,
                            purpose = %message.purpose,
                            attempts = message.attempts + 1,
                            retry_at,
                            "delivery failed: {error}"
                        );
                        self.store
                            .mark_failed(message.id, &error.to_string(), retry_at)
                            .await?;
                    }
                }
            }
        }
    }

    /// Delivers until `shutdown` turns true: whenever woken, and otherwise every poll interval.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let interval = Duration::from_millis(self.config.poll_interval_ms.max(10));
        loop {
            if let Err(error) = self.run_once().await {
                tracing::error!("message delivery stopped for a while: {error}");
            }
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(interval) => {}
                _ = shutdown.changed() => {}
            }
            if *shutdown.borrow() {
                return;
            }
        }
    }
}
