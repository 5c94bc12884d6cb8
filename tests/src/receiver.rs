//! A webhook receiver, started in the test, that checks each delivery as the Standard
//! Webhooks specification tells receivers to: the three headers, a timestamp within five
//! minutes, and the HMAC-SHA256 signature under the endpoint's secret, computed here from
//! the specification, not with the portal's code. It answers 503 to the first deliveries
//! while told to, and keeps every delivery it was sent, good or not.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// One request the receiver got.
#[derive(Clone, Debug)]
pub struct Delivery {
    pub id: String,
    pub body: String,
    /// Whether the signature and timestamp held.
    pub verified: bool,
    /// What the receiver answered.
    pub status: u16,
}

impl Delivery {
    pub fn event(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

#[derive(Clone, Default)]
pub struct Receiver {
    secret: Arc<Mutex<Option<String>>>,
    /// The clock timestamps are held to: the machine's, or the portal's manual one in a test
    /// that moves it by months.
    clock: Arc<Mutex<Option<certportal::clock::ManualClock>>>,
    fail_first: Arc<AtomicUsize>,
    deliveries: Arc<Mutex<Vec<Delivery>>>,
    /// While set, each delivery is held unanswered until [`Receiver::release`].
    holding: Arc<std::sync::atomic::AtomicBool>,
    held: Arc<AtomicUsize>,
    released: Arc<tokio::sync::Notify>,
}

impl Receiver {
    /// Starts on a free loopback port; returns the endpoint's URL.
    pub async fn start(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hooks/certportal", listener.local_addr().unwrap());
        let router = axum::Router::new()
            .route("/hooks/certportal", post(receive))
            .with_state(self.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        url
    }

    /// The secret the portal showed when the endpoint was registered.
    pub fn set_secret(&self, secret: &str) {
        *self.secret.lock().unwrap() = Some(secret.to_owned());
    }

    /// Holds timestamps to `clock` instead of the machine's.
    pub fn use_clock(&self, clock: &certportal::clock::ManualClock) {
        *self.clock.lock().unwrap() = Some(clock.clone());
    }

    /// Answers 503 to the next `n` well-signed deliveries.
    pub fn fail_first(&self, n: usize) {
        self.fail_first.store(n, Ordering::SeqCst);
    }

    /// Holds each delivery from now on without an answer, as a receiver that hangs does.
    pub fn hold(&self) {
        self.holding.store(true, Ordering::SeqCst);
    }

    /// How many deliveries arrived while holding.
    pub fn held(&self) -> usize {
        self.held.load(Ordering::SeqCst)
    }

    /// Answers the held deliveries (with 503) and holds no more.
    pub fn release(&self) {
        self.holding.store(false, Ordering::SeqCst);
        self.released.notify_waiters();
    }

    pub fn deliveries(&self) -> Vec<Delivery> {
        self.deliveries.lock().unwrap().clone()
    }

    /// The deliveries it took (answered 2xx).
    pub fn taken(&self) -> Vec<Delivery> {
        self.deliveries()
            .into_iter()
            .filter(|delivery| delivery.status < 300)
            .collect()
    }
}

/// `v1,<base64>` of HMAC-SHA256(key, "id.timestamp.body"), the key being the base64 after
/// `whsec_`.
fn expected_signature(secret: &str, id: &str, timestamp: &str, body: &str) -> String {
    let key = STANDARD
        .decode(secret.trim_start_matches("whsec_"))
        .expect("a base64 secret");
    let key = aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, &key);
    let tag = aws_lc_rs::hmac::sign(&key, format!("{id}.{timestamp}.{body}").as_bytes());
    format!("v1,{}", STANDARD.encode(tag.as_ref()))
}

fn verified(secret: Option<&str>, now: i64, headers: &HeaderMap, body: &str) -> Option<String> {
    let header = |name: &str| headers.get(name)?.to_str().ok().map(str::to_owned);
    let (id, timestamp, signatures) = (
        header("webhook-id")?,
        header("webhook-timestamp")?,
        header("webhook-signature")?,
    );
    let sent_at: i64 = timestamp.parse().ok()?;
    if (now - sent_at).abs() > 300 {
        return None;
    }
    let expected = expected_signature(secret?, &id, &timestamp, body);
    // The header may carry several space-separated signatures (a secret being rotated).
    signatures
        .split(' ')
        .any(|signature| signature == expected)
        .then_some(id)
}

async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    if receiver.holding.load(Ordering::SeqCst) {
        let released = receiver.released.notified();
        receiver.held.fetch_add(1, Ordering::SeqCst);
        released.await;
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    let body = String::from_utf8_lossy(&body).into_owned();
    let secret = receiver.secret.lock().unwrap().clone();
    let now = match &*receiver.clock.lock().unwrap() {
        Some(clock) => certportal::clock::Clock::now(clock).unix_timestamp(),
        None => time::OffsetDateTime::now_utc().unix_timestamp(),
    };
    let id = verified(secret.as_deref(), now, &headers, &body);
    let status = match id {
        None => StatusCode::UNAUTHORIZED,
        Some(_) => {
            let failing = receiver
                .fail_first
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok();
            if failing {
                StatusCode::SERVICE_UNAVAILABLE
            } else {
                StatusCode::NO_CONTENT
            }
        }
    };
    let id = id.unwrap_or_else(|| {
        headers
            .get("webhook-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    });
    receiver.deliveries.lock().unwrap().push(Delivery {
        id,
        body,
        verified: status != StatusCode::UNAUTHORIZED,
        status: status.as_u16(),
    });
    status
}
