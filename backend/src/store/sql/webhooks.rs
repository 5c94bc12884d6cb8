//! Webhook endpoints, their events and their deliveries.

use super::*;
use crate::clock::{from_unix, rfc3339};
use certportal_shared::model::WebhookEvent;

const ENDPOINT_COLUMNS: &str = "id, url, events, created_at, created_by, disabled_at";

fn endpoint_from_row(row: &AnyRow) -> StoreResult<WebhookRecord> {
    Ok(WebhookRecord {
        id: row.try_get("id")?,
        url: row.try_get("url")?,
        events: events_of(row)?,
        created_at: row.try_get("created_at")?,
        created_by: row.try_get("created_by")?,
        disabled_at: row.try_get("disabled_at")?,
    })
}

/// The comma-separated `events` column.
fn events_of(row: &AnyRow) -> StoreResult<Vec<WebhookEvent>> {
    parse_events(&row.try_get::<String, _>("events")?)
}

fn parse_events(events: &str) -> StoreResult<Vec<WebhookEvent>> {
    events
        .split(',')
        .filter(|event| !event.is_empty())
        .map(|event| WebhookEvent::parse(event).map_err(|e| StoreError::Corrupt(e.message)))
        .collect()
}

/// Queues what `audit` is told as to every working endpoint registered for it: the event
/// once, and one delivery per endpoint. Nothing is written when no endpoint wants it.
pub(super) async fn queue_events(tx: &mut impl Tx, audit: &AuditEvent) -> StoreResult<()> {
    let kinds = WebhookEvent::of_action(&audit.action);
    if kinds.is_empty() {
        return Ok(());
    }
    // Which events are wanted, and by whom: the endpoints' ids and events only.
    let endpoints = tx
        .rows(
            "SELECT id, events FROM webhook_endpoints WHERE disabled_at IS NULL",
            &[],
        )
        .await?
        .iter()
        .map(|row| {
            Ok((
                row.cell::<String>("id")?,
                parse_events(&row.cell::<String>("events")?)?,
            ))
        })
        .collect::<StoreResult<Vec<_>>>()?;
    for &kind in kinds {
        let wanted: Vec<&String> = endpoints
            .iter()
            .filter(|(_, events)| events.contains(&kind))
            .map(|(id, _)| id)
            .collect();
        if wanted.is_empty() {
            continue;
        }
        let event_id = format!("evt_{}", uuid::Uuid::new_v4().simple());
        let payload = payload(tx, kind, &event_id, audit).await?;
        tx.exec(
            "INSERT INTO webhook_events (id, type, payload, at) VALUES ($1, $2, $3, $4)",
            &args![&event_id, kind.as_str(), payload, audit.at],
        )
        .await?;
        for endpoint in wanted {
            tx.exec(
                "INSERT INTO messages (idempotency_key, order_id, channel, recipient, subject, purpose, \
                 locale, created_at, next_attempt_at) VALUES ($1, NULL, $2, $3, $4, $5, $6, $7, $7)",
                &args![
                    format!("{event_id}.{endpoint}"),
                    Channel::Webhook.as_str(),
                    endpoint,
                    &event_id,
                    Purpose::Webhook.as_str(),
                    Locale::default().as_str(),
                    audit.at,
                ],
            )
            .await?;
        }
    }
    Ok(())
}

/// The event as the endpoints get it, in the Standard Webhooks shape (`type`, `timestamp`,
/// `data`). It names the order and certificate and what is public about them, never a link,
/// code, password, file or token: a receiver that wants more asks the admin API with a
/// token of its own.
async fn payload(
    tx: &mut impl Tx,
    kind: WebhookEvent,
    event_id: &str,
    audit: &AuditEvent,
) -> StoreResult<String> {
    let mut data = serde_json::Map::new();
    let mut put = |key: &str, value: serde_json::Value| {
        data.insert(key.to_owned(), value);
    };
    put("actor", audit.actor.clone().into());
    if let Some(order_id) = &audit.order_id {
        put("order_id", order_id.clone().into());
        let order = tx
            .row(
                "SELECT org, service, client, state FROM orders WHERE id = $1",
                &args![order_id],
            )
            .await?;
        if let Some(order) = order {
            put("customer", order.cell::<String>("org")?.into());
            put("service", order.cell::<String>("service")?.into());
            put("client", order.cell::<String>("client")?.into());
            put("state", order.cell::<String>("state")?.into());
        }
    }
    if let Some(serial) = &audit.serial {
        put("serial", serial.clone().into());
        let certificate = tx
            .row(
                "SELECT not_after, revoked_at, revocation_reason FROM certificates WHERE serial = $1",
                &args![serial],
            )
            .await?;
        if let Some(certificate) = certificate {
            let time = |at: i64| serde_json::Value::from(rfc3339(from_unix(at)));
            put("not_after", time(certificate.cell("not_after")?));
            if let Some(at) = certificate.cell::<Option<i64>>("revoked_at")? {
                put("revoked_at", time(at));
            }
            if let Some(reason) = certificate.cell::<Option<String>>("revocation_reason")? {
                put("revocation_reason", reason.into());
            }
        }
    }
    let event = serde_json::json!({
        "id": event_id,
        "type": kind.as_str(),
        "timestamp": rfc3339(from_unix(audit.at)),
        "data": data,
    });
    Ok(event.to_string())
}

#[async_trait]
impl WebhookStore for SqlStore {
    async fn create_webhook(
        &self,
        endpoint: &WebhookRecord,
        secret_sealed: &[u8],
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let (_turn, mut tx) = self.begin_write().await?;
        let events: Vec<&str> = endpoint.events.iter().map(|event| event.as_str()).collect();
        sqlx::query(
            "INSERT INTO webhook_endpoints (id, url, events, created_at, created_by, secret_sealed) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&endpoint.id)
        .bind(&endpoint.url)
        .bind(events.join(","))
        .bind(endpoint.created_at)
        .bind(&endpoint.created_by)
        .bind(secret_sealed.to_vec())
        .execute(&mut *tx)
        .await?;
        commit_with(tx, audit).await.map(|_| ())
    }

    async fn list_webhooks(&self) -> StoreResult<Vec<WebhookRecord>> {
        let sql = format!(
            "SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints ORDER BY created_at DESC, id"
        );
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(endpoint_from_row).collect()
    }

    async fn disable_webhook(&self, id: &str, audit: &AuditEvent) -> StoreResult<bool> {
        let (_turn, mut tx) = self.begin_write().await?;
        let disabled = sqlx::query(
            "UPDATE webhook_endpoints SET disabled_at = $2, secret_sealed = NULL \
             WHERE id = $1 AND disabled_at IS NULL",
        )
        .bind(id)
        .bind(audit.at)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if disabled != 1 {
            return refuse(tx).await;
        }
        sqlx::query(
            "UPDATE messages SET status = 'dropped', ended_at = $3, claimed_until = NULL \
             WHERE channel = $1 AND recipient = $2 AND status = 'queued'",
        )
        .bind(Channel::Webhook.as_str())
        .bind(id)
        .bind(audit.at)
        .execute(&mut *tx)
        .await?;
        commit_with(tx, audit).await
    }

    async fn webhook_send(
        &self,
        endpoint_id: &str,
        event_id: &str,
    ) -> StoreResult<Option<WebhookSend>> {
        let row = sqlx::query(
            "SELECT w.url, w.secret_sealed, e.payload FROM webhook_endpoints w \
             JOIN webhook_events e ON e.id = $2 \
             WHERE w.id = $1 AND w.disabled_at IS NULL AND w.secret_sealed IS NOT NULL",
        )
        .bind(endpoint_id)
        .bind(event_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(WebhookSend {
                url: row.try_get("url")?,
                secret_sealed: row.try_get("secret_sealed")?,
                payload: row.try_get("payload")?,
            })
        })
        .transpose()
    }

    async fn forget_webhook_deliveries(&self, before: i64) -> StoreResult<u64> {
        let (_turn, mut tx) = self.begin_write().await?;
        let forgotten = sqlx::query(
            "DELETE FROM messages WHERE channel = $1 AND status <> 'queued' \
             AND COALESCE(sent_at, ended_at) < $2",
        )
        .bind(Channel::Webhook.as_str())
        .bind(before)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query(
            "DELETE FROM webhook_events WHERE at < $2 AND NOT EXISTS \
             (SELECT 1 FROM messages m WHERE m.channel = $1 AND m.subject = webhook_events.id)",
        )
        .bind(Channel::Webhook.as_str())
        .bind(before)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(forgotten)
    }

    async fn webhook_deliveries(
        &self,
        endpoint_id: &str,
        limit: u32,
    ) -> StoreResult<Vec<DeliveryRecord>> {
        let rows = sqlx::query(
            "SELECT m.subject, e.type, m.status, m.attempts, m.created_at, m.sent_at, m.ended_at, \
             m.last_error FROM messages m JOIN webhook_events e ON e.id = m.subject \
             WHERE m.channel = $1 AND m.recipient = $2 ORDER BY m.id DESC LIMIT $3",
        )
        .bind(Channel::Webhook.as_str())
        .bind(endpoint_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(DeliveryRecord {
                    event_id: row.try_get("subject")?,
                    event: parse(row, "type")?,
                    status: parse(row, "status")?,
                    attempts: count(row.try_get("attempts")?),
                    created_at: row.try_get("created_at")?,
                    sent_at: row.try_get("sent_at")?,
                    ended_at: row.try_get("ended_at")?,
                    last_error: row.try_get("last_error")?,
                })
            })
            .collect()
    }
}
