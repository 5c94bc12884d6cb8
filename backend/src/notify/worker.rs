//! The dispatcher: claims due messages, opens their sealed bodies, hands them to the provider,
//! marks them sent (wiping the body) or schedules a retry with exponential back-off.

use super::webhook::WebhookSender;
use super::{Mailer, NotifyError, Outgoing, SmsSender};
use crate::clock::{Clock, unix};
use crate::config::DeliveryConfig;
use crate::secrets::{Kek, SealContext, SealError};
use crate::state::AppState;
use crate::store::{AuditEvent, NewMessage, QueuedMessage, Store, StoreError};
use certportal_shared::model::{Channel, Locale, OrderSpec, Purpose};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};
use zeroize::Zeroizing;

/// Messages claimed per look at the queue: one, so that each is claimed just before it is
/// sent. A batch would hold messages that a cancel, an expiry or a new code drops meanwhile,
/// and a batch of slow sends could outlast its claim, so that another instance sent it too.
const BATCH: u32 = 1;

/// Who a message goes to, by which channel, and in which language.
#[derive(Clone, Copy, Debug)]
pub struct Recipient<'a> {
    /// `None` for a message to the support desk about many orders.
    pub order_id: Option<&'a str>,
    pub channel: Channel,
    pub address: &'a str,
    pub locale: Locale,
}

impl<'a> Recipient<'a> {
    /// The order's contact, by SMS.
    pub fn sms(order_id: &'a str, spec: &'a OrderSpec) -> Self {
        Self {
            order_id: Some(order_id),
            channel: Channel::Sms,
            address: spec.mobile.as_str(),
            locale: spec.locale,
        }
    }

    /// The order's contact, by e-mail.
    pub fn email(order_id: &'a str, spec: &'a OrderSpec) -> Self {
        Self {
            order_id: Some(order_id),
            channel: Channel::Email,
            address: spec.email.as_str(),
            locale: spec.locale,
        }
    }

    /// The support desk, by e-mail, about one order or (`None`) many.
    pub fn support(address: &'a str, locale: Locale, order_id: Option<&'a str>) -> Self {
        Self {
            order_id,
            channel: Channel::Email,
            address,
            locale,
        }
    }
}

/// A message for the queue, its body sealed so that the code, link or password inside it is
/// never stored in the clear.
pub fn queued_message(
    kek: &Kek,
    to: &Recipient<'_>,
    purpose: Purpose,
    subject: Option<String>,
    body: &str,
) -> Result<NewMessage, SealError> {
    let context = SealContext::Message {
        channel: to.channel.as_str(),
        recipient: to.address,
        purpose: purpose.as_str(),
    };
    Ok(NewMessage {
        idempotency_key: uuid::Uuid::new_v4().to_string(),
        order_id: to.order_id.map(str::to_owned),
        channel: to.channel,
        recipient: to.address.to_owned(),
        subject,
        body_sealed: kek.seal(context, body.as_bytes())?,
        purpose,
        locale: to.locale,
        stage: None,
    })
}

/// The back-off after `attempts` failed tries: initial × 2^(attempts − 1), capped.
fn backoff(config: &DeliveryConfig, attempts: u32) -> i64 {
    let factor = 1u64 << attempts.saturating_sub(1).min(30);
    let seconds = config
        .retry_initial_seconds
        .saturating_mul(factor)
        .min(config.retry_max_seconds);
    i64::try_from(seconds).unwrap_or(i64::MAX)
}

/// Tells the compactor when a batch is done, however it ended.
struct Fold<'a>(&'a Notify);

impl Drop for Fold<'_> {
    fn drop(&mut self) {
        self.0.notify_one();
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DispatchError {
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Which of the queue's messages a dispatcher delivers. Webhooks have a lane of their own:
/// an endpoint that takes its full timeout to fail must not hold back a contact's code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Lane {
    /// SMS and e-mail, woken whenever a flow queues one.
    Contact,
    /// Webhook deliveries, queued by the store with the changes they tell of, and looked
    /// for every poll interval.
    Webhooks,
}

impl Lane {
    fn channels(self) -> &'static [Channel] {
        match self {
            Self::Contact => &[Channel::Sms, Channel::Email],
            Self::Webhooks => &[Channel::Webhook],
        }
    }
}

/// Delivers the message queue.
#[derive(Clone)]
pub struct Dispatcher {
    lane: Lane,
    store: Arc<dyn Store>,
    kek: Arc<Kek>,
    sms: Arc<dyn SmsSender>,
    mailer: Arc<dyn Mailer>,
    webhooks: Arc<WebhookSender>,
    clock: Arc<dyn Clock>,
    config: DeliveryConfig,
    wake: Arc<Notify>,
    /// Told after a message body was wiped, so that the compactor folds it out of the files.
    wiped: Arc<Notify>,
}

impl Dispatcher {
    /// A dispatcher for the portal's queue, sending through `sms` and `mailer`.
    pub fn new(state: &AppState, sms: Arc<dyn SmsSender>, mailer: Arc<dyn Mailer>) -> Self {
        Self {
            lane: Lane::Contact,
            store: state.store.clone(),
            kek: state.kek.clone(),
            sms,
            mailer,
            webhooks: Arc::new(WebhookSender::new(
                state.store.clone(),
                state.kek.clone(),
                state.clock.clone(),
            )),
            clock: state.clock.clone(),
            config: state.config.delivery.clone(),
            wake: state.wake.clone(),
            wiped: state.wiped.clone(),
        }
    }

    async fn deliver(&self, message: &QueuedMessage) -> Result<(), NotifyError> {
        match message.channel {
            // A webhook's body is its event, kept in the clear (it holds no secret) and
            // signed as it goes; the message names the endpoint and the event.
            Channel::Webhook => {
                let event_id = message.subject.as_deref().unwrap_or_default();
                self.webhooks.send(&message.recipient, event_id).await
            }
            Channel::Sms | Channel::Email => self.deliver_sealed(message).await,
        }
    }

    /// An SMS or e-mail: its sealed body opened, to the provider.
    async fn deliver_sealed(&self, message: &QueuedMessage) -> Result<(), NotifyError> {
        let context = SealContext::Message {
            channel: message.channel.as_str(),
            recipient: &message.recipient,
            purpose: message.purpose.as_str(),
        };
        // An empty blob is a body that is gone (PostgreSQL empties its unlogged table in a
        // crash): it will not come back.
        let body = self
            .kek
            .open(context, &message.body_sealed)
            .map_err(|e| NotifyError::Permanent(format!("message body: {e}")))?;
        let body = String::from_utf8(body.to_vec())
            .map_err(|_| NotifyError::Permanent("message body is not text".into()))?;
        let outgoing = Outgoing {
            idempotency_key: message.idempotency_key.clone(),
            order_id: message.order_id.clone(),
            to: message.recipient.clone(),
            subject: message.subject.clone(),
            body: Zeroizing::new(body),
            purpose: message.purpose,
            stage: message.stage,
        };
        if message.channel == Channel::Sms {
            self.sms.send_sms(&outgoing).await
        } else {
            self.mailer.send_email(&outgoing).await
        }
    }

    /// Delivers every SMS and e-mail that is due now (webhooks are left to the server);
    /// returns how many were sent.
    pub async fn run_once(&self) -> Result<usize, DispatchError> {
        let mut sent = 0;
        loop {
            let now = unix(self.clock.now());
            let claim_until = now + i64::from(self.config.claim_seconds.max(1));
            let batch = self
                .store
                .claim_due_messages(self.lane.channels(), now, claim_until, BATCH)
                .await?;
            if batch.is_empty() {
                return Ok(sent);
            }
            // Whatever happens to each, the batch's sealed bodies are wiped or kept for a
            // retry; wiped ones must not linger in the database files.
            let _fold = Fold(&self.wiped);
            for message in &batch {
                let now = unix(self.clock.now());
                match self.deliver(message).await {
                    Ok(()) => {
                        let event = self.event(now, "sent", message, None);
                        if !self.store.mark_sent(message, now, &event).await? {
                            tracing::info!(
                                message_id = message.id,
                                purpose = %message.purpose,
                                "a message went out while its order ended"
                            );
                        }
                        sent += 1;
                    }
                    Err(error) => self.failed(message, &error, now).await?,
                }
            }
        }
    }

    /// After a failed try: another later, or, after the last one, none.
    async fn failed(
        &self,
        message: &QueuedMessage,
        error: &NotifyError,
        now: i64,
    ) -> Result<(), DispatchError> {
        let attempts = message.attempts + 1;
        let permanent = matches!(error, NotifyError::Permanent(_));
        if permanent || attempts >= self.config.max_attempts {
            tracing::error!(
                message_id = message.id,
                channel = %message.channel,
                purpose = %message.purpose,
                attempts,
                "delivery failed for good, the message is dropped: {error}"
            );
            let detail = format!("after {attempts} tries: {error}");
            let event = self.event(now, "failed", message, Some(detail));
            self.store
                .give_up(message, &error.to_string(), now, &event)
                .await?;
            return Ok(());
        }
        let retry_at = now + backoff(&self.config, attempts);
        tracing::warn!(
            message_id = message.id,
            channel = %message.channel,
            purpose = %message.purpose,
            attempts,
            retry_at,
            "delivery failed: {error}"
        );
        self.store
            .mark_failed(message.id, &error.to_string(), retry_at)
            .await?;
        Ok(())
    }

    /// The audit event of a message's delivery: `message.sent.otp`, `message.failed.otp`.
    fn event(
        &self,
        now: i64,
        outcome: &str,
        message: &QueuedMessage,
        detail: Option<String>,
    ) -> AuditEvent {
        let to = format!("{} to {}", message.channel, message.recipient);
        AuditEvent {
            at: now,
            actor: "system".into(),
            action: format!("message.{outcome}.{}", message.purpose),
            order_id: message.order_id.clone(),
            detail: Some(match detail {
                Some(detail) => format!("{to} {detail}"),
                None => to,
            }),
            ..AuditEvent::default()
        }
    }

    /// Delivers until `shutdown` turns true: SMS and e-mail whenever woken and otherwise
    /// every poll interval, webhooks every poll interval, each lane on its own.
    pub async fn run(self, shutdown: watch::Receiver<bool>) {
        let webhooks = Self {
            lane: Lane::Webhooks,
            ..self.clone()
        };
        tokio::join!(self.run_lane(shutdown.clone()), webhooks.run_lane(shutdown));
    }

    async fn run_lane(self, mut shutdown: watch::Receiver<bool>) {
        let interval = Duration::from_millis(self.config.poll_interval_ms.max(10));
        loop {
            if let Err(error) = self.run_once().await {
                tracing::error!("message delivery stopped for a while: {error}");
            }
            let woken = async {
                if self.lane == Lane::Contact {
                    self.wake.notified().await;
                } else {
                    std::future::pending::<()>().await;
                }
            };
            tokio::select! {
                () = woken => {}
                _ = tokio::time::sleep(interval) => {}
                _ = shutdown.changed() => {}
            }
            if *shutdown.borrow() {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_tries_are_spread_over_about_a_day() {
        let config = DeliveryConfig::default();
        let waits: Vec<i64> = (1..config.max_attempts)
            .map(|attempts| backoff(&config, attempts))
            .collect();
        assert_eq!(&waits[..3], [5, 10, 20], "quick at first");
        assert!(waits.windows(2).all(|pair| pair[0] <= pair[1]));
        let hours = waits.iter().sum::<i64>() as f64 / 3600.0;
        assert!(
            (15.0..30.0).contains(&hours),
            "from the first try to the last: {hours:.1} h"
        );
    }
}
