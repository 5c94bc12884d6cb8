//! A fake HTTP SMS gateway, started in the test: it answers 503 while told to, records what
//! it accepts, and drops a repeat of an idempotency key as gateways that honour one do.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::Value;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// The header the portal sends each message's stable id in (its default).
pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";

/// What the gateway accepted.
#[derive(Clone, Debug)]
pub struct Accepted {
    pub idempotency_key: Option<String>,
    pub authorization: Option<String>,
    pub body: Value,
}

impl Accepted {
    /// The message text under the body template's `text` key.
    pub fn text(&self) -> &str {
        self.body["text"].as_str().unwrap_or_default()
    }

    pub fn recipient(&self) -> &str {
        self.body["recipient"].as_str().unwrap_or_default()
    }
}

type Rule = Box<dyn Fn() -> bool + Send + Sync>;
type Stall = (
    Box<dyn Fn(&str) -> bool + Send + Sync>,
    tokio::sync::mpsc::UnboundedSender<String>,
);

/// The fake gateway; clones share it.
#[derive(Clone, Default)]
pub struct Gateway {
    fail_first: Arc<AtomicUsize>,
    down: Arc<AtomicBool>,
    down_while: Arc<Mutex<Option<Rule>>>,
    calls: Arc<AtomicUsize>,
    repeats: Arc<AtomicUsize>,
    accepted: Arc<Mutex<Vec<Accepted>>>,
    stall: Arc<Mutex<Option<Stall>>>,
}

impl Gateway {
    /// Starts the gateway on a free loopback port; returns its URL.
    pub async fn start(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/sms", listener.local_addr().unwrap());
        let router = axum::Router::new()
            .route("/sms", post(receive))
            .with_state(self.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        url
    }

    /// Answers 503 to the next `n` requests.
    pub fn fail_first(&self, n: usize) {
        self.fail_first.store(n, Ordering::SeqCst);
    }

    /// Answers 503 while `down` is set.
    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }

    /// Answers 503 while `rule` says so (read on every request).
    pub fn down_while(&self, rule: impl Fn() -> bool + Send + Sync + 'static) {
        *self.down_while.lock().unwrap() = Some(Box::new(rule));
    }

    /// Holds the answer to each message whose text `matches` for a few seconds after
    /// accepting it (its first arrival; a repeat is answered at once), and says so on the
    /// returned channel with its recipient: a sender that dies meanwhile never learns that
    /// its message arrived.
    pub fn stall_when(
        &self,
        matches: impl Fn(&str) -> bool + Send + Sync + 'static,
    ) -> tokio::sync::mpsc::UnboundedReceiver<String> {
        let (tell, told) = tokio::sync::mpsc::unbounded_channel();
        *self.stall.lock().unwrap() = Some((Box::new(matches), tell));
        told
    }

    /// Requests so far, failed, repeated or accepted.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    /// Requests that repeated an idempotency key already accepted (and were dropped).
    pub fn repeats(&self) -> usize {
        self.repeats.load(Ordering::SeqCst)
    }

    /// What it accepted, in order of arrival.
    pub fn accepted(&self) -> Vec<Accepted> {
        self.accepted.lock().unwrap().clone()
    }

    /// The texts it accepted, in order of arrival.
    pub fn texts(&self) -> Vec<String> {
        self.accepted()
            .iter()
            .map(|accepted| accepted.text().to_owned())
            .collect()
    }

    fn is_down(&self) -> bool {
        if self.down.load(Ordering::SeqCst) {
            return true;
        }
        if let Some(rule) = self.down_while.lock().unwrap().as_ref()
            && rule()
        {
            return true;
        }
        self.fail_first
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
    }
}

async fn receive(State(gateway): State<Gateway>, headers: HeaderMap, body: String) -> StatusCode {
    gateway.calls.fetch_add(1, Ordering::SeqCst);
    if gateway.is_down() {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let key = header(IDEMPOTENCY_HEADER);
    let message = Accepted {
        idempotency_key: key.clone(),
        authorization: header("authorization"),
        body: serde_json::from_str(&body).unwrap_or(Value::Null),
    };
    {
        let mut accepted = gateway.accepted.lock().unwrap();
        if key.is_some() && accepted.iter().any(|a| a.idempotency_key == key) {
            // Accepted before: answer as the first time, send nothing again.
            gateway.repeats.fetch_add(1, Ordering::SeqCst);
            return StatusCode::OK;
        }
        accepted.push(message.clone());
    }
    let stalled = {
        let stall = gateway.stall.lock().unwrap();
        stall.as_ref().is_some_and(|(matches, tell)| {
            matches(message.text()) && tell.send(message.recipient().to_owned()).is_ok()
        })
    };
    if stalled {
        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    }
    StatusCode::OK
}
