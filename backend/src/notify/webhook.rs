//! Webhook deliveries, signed as the Standard Webhooks specification says: the headers
//! `webhook-id` (the event's id, the same on every try), `webhook-timestamp` (Unix seconds of
//! this try) and `webhook-signature` (`v1,` and the base64 HMAC-SHA256 of
//! `id.timestamp.body` under the endpoint's secret).

use super::NotifyError;
use crate::clock::{Clock, unix};
use crate::secrets::{Kek, SealContext};
use crate::store::Store;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use std::sync::Arc;
use std::time::Duration;
use zeroize::Zeroizing;

/// How long an endpoint has to answer, and to take the connection.
const TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// The `webhook-signature` value of `body` sent as `id` at `timestamp`, under `secret`
/// (`whsec_` and base64, as it was shown to the admin).
pub fn signature(secret: &str, id: &str, timestamp: i64, body: &str) -> Result<String, String> {
    let key = Zeroizing::new(
        STANDARD
            .decode(secret.strip_prefix("whsec_").unwrap_or(secret))
            .map_err(|_| "the endpoint's secret is not base64".to_owned())?,
    );
    let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, &key);
    let tag = aws_lc_rs::hmac::sign(&key, format!("{id}.{timestamp}.{body}").as_bytes());
    Ok(format!("v1,{}", STANDARD.encode(tag.as_ref())))
}

/// Sends one event to one endpoint.
pub struct WebhookSender {
    client: reqwest::Client,
    store: Arc<dyn Store>,
    kek: Arc<Kek>,
    clock: Arc<dyn Clock>,
}

impl WebhookSender {
    pub fn new(
        store: Arc<dyn Store>,
        kek: Arc<Kek>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, NotifyError> {
        let client = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(TIMEOUT)
            // An endpoint is told of its events where the admin said, not wherever its
            // answer points.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("certportal/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| NotifyError::Unreachable(format!("the webhook client: {e}")))?;
        Ok(Self {
            client,
            store,
            kek,
            clock,
        })
    }

    /// Delivers `event_id` to `endpoint_id`. An endpoint that was disabled, or an event that
    /// is gone, cannot be helped by another try.
    pub async fn send(&self, endpoint_id: &str, event_id: &str) -> Result<(), NotifyError> {
        let gone = || NotifyError::Permanent("the endpoint was disabled".into());
        let send = self
            .store
            .webhook_send(endpoint_id, event_id)
            .await
            .map_err(|e| NotifyError::Unreachable(format!("the database: {e}")))?
            .ok_or_else(gone)?;
        let secret = self
            .kek
            .open(
                SealContext::WebhookSecret { endpoint_id },
                &send.secret_sealed,
            )
            .map_err(|_| gone())?;
        let secret =
            Zeroizing::new(String::from_utf8(secret.to_vec()).map_err(|_| {
                NotifyError::Permanent("the endpoint's secret is unreadable".into())
            })?);
        let timestamp = unix(self.clock.now());
        let signature = signature(&secret, event_id, timestamp, &send.payload)
            .map_err(NotifyError::Permanent)?;
        let response = self
            .client
            .post(&send.url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("webhook-id", event_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(send.payload)
            .send()
            .await
            .map_err(|e| NotifyError::Unreachable(e.without_url().to_string()))?;
        let status = response.status().as_u16();
        // Any answer but a 2xx is tried again, as the specification expects: a receiver
        // that is down, deploying or mis-configured is mended by its owner meanwhile.
        match status {
            200..=299 => Ok(()),
            _ => Err(NotifyError::Refused(format!(
                "the endpoint answered {status}"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_standard_webhooks_example() {
        // The specification's own example: its secret, id, timestamp, body and signature.
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            signature(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body).expect("sign"),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }
}
