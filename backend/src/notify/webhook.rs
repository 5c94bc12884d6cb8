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
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use zeroize::Zeroizing;

/// How long an endpoint has to answer, and to take the connection.
const TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// The `webhook-signature` value of `body` sent as `id` at `timestamp`, under `secret`
/// (`whsec_` and base64, as it was shown to the admin).
fn signature(secret: &str, id: &str, timestamp: i64, body: &str) -> Result<String, NotifyError> {
    let key = Zeroizing::new(
        STANDARD
            .decode(secret.strip_prefix("whsec_").unwrap_or(secret))
            .map_err(|_| NotifyError::Permanent("the endpoint's secret is not base64".into()))?,
    );
    let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, &key);
    let tag = aws_lc_rs::hmac::sign(&key, format!("{id}.{timestamp}.{body}").as_bytes());
    Ok(format!("v1,{}", STANDARD.encode(tag.as_ref())))
}

/// Whether an endpoint may not be at `ip` unless the operator allows private addresses:
/// loopback, private, link-local, shared (CGNAT), unspecified, broadcast, multicast,
/// documentation and reserved ranges, and their IPv4-mapped and NAT64 forms.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && c == 0)
                || (a == 198 && (18..20).contains(&b))
                || a >= 240
        }
        IpAddr::V6(v6) => {
            let segments = v6.segments();
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_private(IpAddr::V4(v4));
            }
            if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                let [_, _, _, _, _, _, high, low] = segments;
                let v4 = std::net::Ipv4Addr::from((u32::from(high) << 16) | u32::from(low));
                return is_private(IpAddr::V4(v4));
            }
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (segments[0] & 0xfe00) == 0xfc00
                || (segments[0] & 0xffc0) == 0xfe80
                || (segments[0] == 0x2001 && segments[1] == 0x0db8)
        }
    }
}

/// The host of `url` if it is an address rather than a name (`[…]` stripped).
pub fn literal_address(url: &reqwest::Url) -> Option<IpAddr> {
    match url.host()? {
        url::Host::Ipv4(v4) => Some(IpAddr::V4(v4)),
        url::Host::Ipv6(v6) => Some(IpAddr::V6(v6)),
        url::Host::Domain(_) => None,
    }
}

/// Resolves endpoint names to their public addresses only, at every connection, so that a
/// name that points (or is re-pointed) at a private address is refused too.
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        Box::pin(async move {
            let found = tokio::net::lookup_host((name.as_str(), 0)).await?;
            let public: Vec<SocketAddr> = found.filter(|addr| !is_private(addr.ip())).collect();
            if public.is_empty() {
                return Err(format!("{} has no public address", name.as_str()).into());
            }
            Ok(Box::new(public.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Sends one event to one endpoint.
pub struct WebhookSender {
    allow_private: bool,
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
        allow_private: bool,
    ) -> Result<Self, NotifyError> {
        let builder = if allow_private {
            reqwest::Client::builder()
        } else {
            reqwest::Client::builder().dns_resolver(Arc::new(PublicOnly))
        };
        let client = builder
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(TIMEOUT)
            // An endpoint is told of its events where the admin said, not wherever its
            // answer points.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("certportal/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| NotifyError::Unreachable(format!("the webhook client: {e}")))?;
        Ok(Self {
            allow_private,
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
        // A name is resolved to public addresses only (PublicOnly); an address is checked
        // here, since no resolver sees it.
        let literal = reqwest::Url::parse(&send.url)
            .ok()
            .as_ref()
            .and_then(literal_address);
        if !self.allow_private && literal.is_some_and(is_private) {
            return Err(NotifyError::Refused(
                "the endpoint's address is not public (webhooks.dangerous_allow_private_addresses)"
                    .into(),
            ));
        }
        let timestamp = unix(self.clock.now());
        let signature = signature(&secret, event_id, timestamp, &send.payload)?;
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
            .map_err(unreachable_endpoint)?;
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

/// A failed request in words, with its causes (the endpoint's history shows them): the URL
/// is left out, as it can carry a secret of the receiver's.
fn unreachable_endpoint(error: reqwest::Error) -> NotifyError {
    let error = error.without_url();
    let mut words = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        words.push_str(": ");
        words.push_str(&cause.to_string());
        source = cause.source();
    }
    NotifyError::Unreachable(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_addresses_are_told_from_public_ones() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "64:ff9b::a00:1",
            "2001:db8::1",
        ] {
            assert!(
                is_private(private.parse().expect("an address")),
                "{private}"
            );
        }
        for public in [
            "93.184.216.34",
            "8.8.8.8",
            "2606:4700::1111",
            "64:ff9b::808:808",
        ] {
            assert!(!is_private(public.parse().expect("an address")), "{public}");
        }
    }

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
