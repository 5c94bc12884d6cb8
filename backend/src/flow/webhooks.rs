//! Webhook endpoints: an admin registers a URL and the events it is to be told of; the portal
//! POSTs each event there, signed with the endpoint's secret (shown once), through the
//! message queue and its retries. Which audit actions are which events is
//! [`WebhookEvent::of_action`]; the store queues them with the change they tell of.

use super::Actor;
use crate::clock::{from_unix, rfc3339, unix};
use crate::error::{AppError, Fault};
use crate::secrets::{SealContext, random};
use crate::state::AppState;
use crate::store::{DeliveryRecord, WebhookRecord};
use certportal_shared::ErrorCode;
use certportal_shared::api::admin::{
    CreateWebhookRequest, CreatedWebhook, WebhookDelivery, WebhookInfo,
};
use certportal_shared::error::FieldError;
use certportal_shared::model::WebhookEvent;

/// The longest URL an endpoint may have.
const MAX_URL: usize = 2000;

/// How many working endpoints there may be: each event is one delivery per endpoint.
const MAX_ENDPOINTS: usize = 20;

/// How many deliveries an endpoint's history shows.
pub const HISTORY: u32 = 100;

/// How long an ended delivery, and then its event, is kept: the events name customers, and
/// the receiver has them.
pub const HISTORY_DAYS: u32 = 30;

fn time(at: i64) -> String {
    rfc3339(from_unix(at))
}

/// The record as the admin page shows it.
pub fn info(record: &WebhookRecord) -> WebhookInfo {
    WebhookInfo {
        id: record.id.clone(),
        url: record.url.clone(),
        events: record.events.clone(),
        created_at: time(record.created_at),
        created_by: record.created_by.clone(),
        disabled_at: record.disabled_at.map(time),
    }
}

/// One delivery as the admin page shows it.
pub fn delivery(record: &DeliveryRecord) -> WebhookDelivery {
    WebhookDelivery {
        event_id: record.event_id.clone(),
        event: record.event,
        status: record.status,
        attempts: record.attempts,
        created_at: time(record.created_at),
        sent_at: record.sent_at.map(time),
        ended_at: record.ended_at.map(time),
        last_error: record.last_error.clone(),
    }
}

/// The URL, if it is one the portal can POST to: http or https, a host, no user name or
/// password (they would sit in the clear in the list), no fragment.
fn check_url(text: &str, allow_private: bool) -> Result<String, FieldError> {
    let error = |message: &str| FieldError {
        field: "url".into(),
        message: format!("url: {message}"),
    };
    let text = text.trim();
    if text.chars().count() > MAX_URL {
        return Err(error(&format!("at most {MAX_URL} characters")));
    }
    let url = reqwest::Url::parse(text).map_err(|_| error("an absolute http or https URL"))?;
    if !matches!(url.scheme(), "https" | "http") || url.host().is_none() {
        return Err(error("an absolute http or https URL"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(error(
            "no user name or password in the URL; the signature authenticates",
        ));
    }
    if url.fragment().is_some() {
        return Err(error("no #fragment"));
    }
    if !allow_private && crate::notify::literal_address(&url).is_some_and(crate::notify::is_private)
    {
        return Err(error(
            "a public address (loopback, private and link-local ones are refused unless \
             webhooks.dangerous_allow_private_addresses is set)",
        ));
    }
    Ok(url.to_string())
}

/// Registers an endpoint; the answer holds its secret this once.
pub async fn create(
    state: &AppState,
    request: &CreateWebhookRequest,
    actor: &Actor,
) -> Result<CreatedWebhook, AppError> {
    let mut fields = Vec::new();
    let allow_private = state.config.webhooks.dangerous_allow_private_addresses;
    let url = check_url(&request.url, allow_private)
        .map_err(|e| fields.push(e))
        .ok();
    let mut events = Vec::new();
    for event in &request.events {
        match WebhookEvent::parse(event) {
            Ok(event) if !events.contains(&event) => events.push(event),
            Ok(_) => {}
            Err(error) => fields.push(FieldError {
                field: "events".into(),
                message: error.message.replace("event must", "each event must"),
            }),
        }
    }
    if request.events.is_empty() {
        let names: Vec<&str> = WebhookEvent::ALL.iter().map(|e| e.as_str()).collect();
        fields.push(FieldError {
            field: "events".into(),
            message: format!("events: at least one of {}", names.join(", ")),
        });
    }
    let Some(url) = url.filter(|_| fields.is_empty()) else {
        return Err(AppError::invalid(fields));
    };
    let working = state
        .store
        .list_webhooks()
        .await?
        .iter()
        .filter(|endpoint| endpoint.disabled_at.is_none())
        .count();
    if working >= MAX_ENDPOINTS {
        return Err(AppError::refuse(
            ErrorCode::WebhookLimit,
            format!("There are {MAX_ENDPOINTS} working endpoints already; disable one first."),
        ));
    }
    let now = unix(state.clock.now());
    let record = WebhookRecord {
        id: format!("ep_{}", uuid::Uuid::new_v4().simple()),
        url,
        events,
        created_at: now,
        created_by: actor.name.clone(),
        disabled_at: None,
    };
    let secret = random::webhook_secret().map_err(Fault::from)?;
    let sealed = state.kek.seal(
        SealContext::WebhookSecret {
            endpoint_id: &record.id,
        },
        secret.as_bytes(),
    )?;
    let names: Vec<&str> = record.events.iter().map(|e| e.as_str()).collect();
    // The host only: a chat service's hook URL carries its own secret in the path.
    let host = reqwest::Url::parse(&record.url)
        .ok()
        .and_then(|url| url.host_str().map(str::to_owned))
        .unwrap_or_default();
    let detail = format!("webhook {} to {host} for {}", record.id, names.join(","));
    let event = actor.event(now, "webhook.created", None, None, Some(detail));
    state.store.create_webhook(&record, &sealed, &event).await?;
    Ok(CreatedWebhook {
        secret: secret.to_string(),
        info: info(&record),
    })
}

/// The endpoint by id, or a 404.
async fn find(state: &AppState, id: &str) -> Result<WebhookRecord, AppError> {
    state
        .store
        .list_webhooks()
        .await?
        .into_iter()
        .find(|endpoint| endpoint.id == id)
        .ok_or_else(|| {
            AppError::refuse(
                ErrorCode::NotFound,
                "There is no webhook endpoint by that id.",
            )
        })
}

/// Disables an endpoint: it is told nothing more, and what was still to be sent is dropped.
pub async fn disable(state: &AppState, id: &str, actor: &Actor) -> Result<WebhookInfo, AppError> {
    let now = unix(state.clock.now());
    let event = actor.event(
        now,
        "webhook.disabled",
        None,
        None,
        Some(format!("webhook {id}")),
    );
    if !state.store.disable_webhook(id, &event).await? {
        find(state, id).await?;
        return Err(AppError::refuse(
            ErrorCode::InvalidState,
            "That webhook endpoint is disabled already.",
        ));
    }
    Ok(info(&find(state, id).await?))
}

/// An endpoint's latest deliveries, newest first.
pub async fn deliveries(state: &AppState, id: &str) -> Result<Vec<WebhookDelivery>, AppError> {
    find(state, id).await?;
    let records = state.store.webhook_deliveries(id, HISTORY).await?;
    Ok(records.iter().map(delivery).collect())
}
