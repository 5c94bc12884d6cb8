//! What Prometheus scrapes at `/metrics` on the metrics listener (`metrics.listen`, loopback by
//! default, never the public one): requests by route and status with their latency, refusals
//! by error code (code lockouts among them), and, read from the store at each scrape, orders by
//! state, messages by channel and state, the CRL's age, the CA's days left and the certificates
//! ending within 30 days.
//!
//! One registry per portal, not a process-wide recorder: the test suite runs many portals in
//! one process, and each counts its own.

use crate::clock::unix;
use crate::error::AppError;
use crate::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use certportal_shared::ErrorCode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::time::Instant;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    /// The route's pattern (`/api/admin/orders/{id}`), never the path a client sent: the
    /// label set stays small and holds no id or token.
    route: String,
    status: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CodeLabels {
    code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabels {
    state: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct MessageLabels {
    channel: String,
    state: String,
}

type Latency = Family<RouteLabels, Histogram, fn() -> Histogram>;

fn latency_buckets() -> Histogram {
    // 0.5 ms to about 4 s.
    Histogram::new(exponential_buckets(0.0005, 2.0, 14))
}

/// This portal's metrics.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Latency,
    refusals: Family<CodeLabels, Counter>,
    orders: Family<StateLabels, Gauge>,
    messages: Family<MessageLabels, Gauge>,
    crl_age: Gauge,
    ca_days_left: Gauge,
    expiring: Gauge,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("certportal");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency: Latency = Family::new_with_constructor(latency_buckets);
        let refusals = Family::<CodeLabels, Counter>::default();
        let orders = Family::<StateLabels, Gauge>::default();
        let messages = Family::<MessageLabels, Gauge>::default();
        let (crl_age, ca_days_left, expiring) =
            (Gauge::default(), Gauge::default(), Gauge::default());
        registry.register(
            "http_requests",
            "HTTP requests by method, route and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer, by route",
            latency.clone(),
        );
        registry.register(
            "refusals",
            "Refused requests by error code (CODE_LOCKED: code lockouts)",
            refusals.clone(),
        );
        registry.register("orders", "Orders by state", orders.clone());
        registry.register(
            "messages",
            "Messages by channel and state (queued, sending, sent, failed)",
            messages.clone(),
        );
        registry.register(
            "crl_age_seconds",
            "Seconds since the current CRL was signed",
            crl_age.clone(),
        );
        registry.register(
            "ca_days_left",
            "Days until the CA certificate ends",
            ca_days_left.clone(),
        );
        registry.register(
            "certificates_expiring_30d",
            "Live certificates of collected orders that end within 30 days",
            expiring.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            refusals,
            orders,
            messages,
            crl_age,
            ca_days_left,
            expiring,
        }
    }
}

/// Counts every request of the main listener: its route, status and time, and the refusal's
/// code when it was one (the error response carries it as an extension).
pub async fn record(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "static".to_owned(), |path| path.as_str().to_owned());
    let response = next.run(request).await;
    let metrics = &state.metrics;
    metrics
        .requests
        .get_or_create(&RequestLabels {
            method,
            route: route.clone(),
            status: response.status().as_u16().to_string(),
        })
        .inc();
    metrics
        .latency
        .get_or_create(&RouteLabels { route })
        .observe(started.elapsed().as_secs_f64());
    if let Some(code) = response.extensions().get::<ErrorCode>() {
        metrics
            .refusals
            .get_or_create(&CodeLabels {
                code: code.as_str().to_owned(),
            })
            .inc();
    }
    response
}

/// `GET /metrics`: the counters, and the gauges read from the store now.
pub async fn scrape(State(state): State<AppState>) -> Result<Response, AppError> {
    let metrics = &state.metrics;
    for (order_state, count) in state.store.state_counts().await? {
        metrics
            .orders
            .get_or_create(&StateLabels {
                state: order_state.as_str().to_owned(),
            })
            .set(gauge(count));
    }
    for (channel, message_state, count) in state.store.message_counts().await? {
        metrics
            .messages
            .get_or_create(&MessageLabels {
                channel: channel.as_str().to_owned(),
                state: message_state.as_str().to_owned(),
            })
            .set(gauge(count));
    }
    let now = unix(state.clock.now());
    let crl = crate::flow::crl::current(&state).await?;
    metrics.crl_age.set(now - crl.this_update);
    let ca_ends = unix(state.ca.not_after().map_err(crate::error::Fault::from)?);
    metrics.ca_days_left.set((ca_ends - now).div_euclid(86_400));
    metrics.expiring.set(gauge(
        state.store.expiring_count(now, now + 30 * 86_400).await?,
    ));
    let mut text = String::new();
    prometheus_client::encoding::text::encode(&mut text, &metrics.registry)
        .map_err(|e| AppError::Internal(crate::error::Fault::Response(e.to_string())))?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
        )],
        text,
    )
        .into_response())
}

fn gauge(count: u64) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}
