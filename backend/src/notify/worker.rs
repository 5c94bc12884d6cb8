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

/// What the contact lane delivers: SMS and e-mail, one claimed at a time, just before it
/// is sent (a batch would hold messages that a cancel, an expiry or a new code drops
/// meanwhile, and a batch of slow sends could outlast its claim).
const CONTACT: &[Channel] = &[Channel::Sms, Channel::Email];

/// Webhook deliveries under way at once, at most: each endpoint's next one is claimed as
/// soon as its last one ended, so that an endpoint that hangs for its whole timeout holds
/// back only its own events (and never a contact's code, which has a lane of its own).
const WEBHOOKS_IN_FLIGHT: u32 = 8;

/// Delivers the message queue.
#[derive(Clone)]
pub struct Dispatcher {
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
    pub fn new(
        state: &AppState,
        sms: Arc<dyn SmsSender>,
        mailer: Arc<dyn Mailer>,
    ) -> Result<Self, NotifyError> {
        Ok(Self {
            store: state.store.clone(),
            kek: state.kek.clone(),
            sms,
            mailer,
            webhooks: Arc::new(WebhookSender::new(
                state.store.clone(),
                state.kek.clone(),
                state.clock.clone(),
                state.config.webhooks.dangerous_allow_private_addresses,
            )?),
            clock: state.clock.clone(),
            config: state.config.delivery.clone(),
            wake: state.wake.clone(),
            wiped: state.wiped.clone(),
        })
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
            let batch = self.claim(CONTACT, 1).await?;
            if batch.is_empty() {
                return Ok(sent);
            }
            // Whatever happens to each, the batch's sealed bodies are wiped or kept for a
            // retry; wiped ones must not linger in the database files.
            let _fold = Fold(&self.wiped);
            for message in &batch {
                sent += usize::from(self.deliver_one(message).await?);
            }
        }
    }

    /// Claims up to `limit` due messages by `channels` until the claim runs out.
    async fn claim(
        &self,
        channels: &[Channel],
        limit: u32,
    ) -> Result<Vec<QueuedMessage>, DispatchError> {
        let now = unix(self.clock.now());
        let claim_until = now + i64::from(self.config.claim_seconds.max(1));
        Ok(self
            .store
            .claim_due_messages(channels, now, claim_until, limit)
            .await?)
    }

    /// Delivers one claimed message and records how it went; `true` if it was sent.
    async fn deliver_one(&self, message: &QueuedMessage) -> Result<bool, DispatchError> {
        let now = unix(self.clock.now());
        if let Err(error) = self.deliver(message).await {
            self.failed(message, &error, now).await?;
            return Ok(false);
        }
        // A webhook's deliveries are its endpoint's history, not the audit trail's: each
        // event would otherwise be audited once for every endpoint.
        let event =
            (message.channel != Channel::Webhook).then(|| self.event(now, "sent", message, None));
        if !self.store.mark_sent(message, now, event.as_ref()).await? {
            tracing::info!(
                message_id = message.id,
                purpose = %message.purpose,
                "a message went out while its order ended"
            );
        }
        Ok(true)
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
    /// every poll interval; webhooks beside them, each endpoint's next as its last ends.
    pub async fn run(self, shutdown: watch::Receiver<bool>) {
        let webhooks = self.clone();
        tokio::join!(
            self.run_contact(shutdown.clone()),
            webhooks.run_webhooks(shutdown)
        );
    }

    fn interval(&self) -> Duration {
        Duration::from_millis(self.config.poll_interval_ms.max(10))
    }

    async fn run_contact(self, mut shutdown: watch::Receiver<bool>) {
        loop {
            if let Err(error) = self.run_once().await {
                tracing::error!("message delivery stopped for a while: {error}");
            }
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(self.interval()) => {}
                _ = shutdown.changed() => {}
            }
            if *shutdown.borrow() {
                return;
            }
        }
    }

    /// Webhook deliveries as tasks of their own, up to [`WEBHOOKS_IN_FLIGHT`]. The queue
    /// keeps each endpoint's order: its next event is due only once the one before it ended.
    async fn run_webhooks(self, mut shutdown: watch::Receiver<bool>) {
        let mut in_flight = tokio::task::JoinSet::new();
        loop {
            let free = WEBHOOKS_IN_FLIGHT
                .saturating_sub(u32::try_from(in_flight.len()).unwrap_or(u32::MAX));
            if free > 0 {
                match self.claim(&[Channel::Webhook], free).await {
                    Ok(batch) => {
                        for message in batch {
                            let this = self.clone();
                            in_flight.spawn(async move { this.deliver_one(&message).await });
                        }
                    }
                    Err(error) => tracing::error!("webhook delivery stopped for a while: {error}"),
                }
            }
            tokio::select! {
                Some(ended) = in_flight.join_next(), if !in_flight.is_empty() => {
                    if let Ok(Err(error)) = ended {
                        tracing::error!("a webhook delivery was not recorded: {error}");
                    }
                }
                _ = tokio::time::sleep(self.interval()) => {}
                _ = shutdown.changed() => {}
            }
            if *shutdown.borrow() {
                // What is under way is claimed: another instance, or this one's next start,
                // sends it once the claim runs out.
                in_flight.abort_all();
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
