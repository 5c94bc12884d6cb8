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
    let events: String = row.try_get("events")?;
    events
        .split(',')
        .filter(|event| !event.is_empty())
        .map(|event| WebhookEvent::parse(event).map_err(|e| StoreError::Corrupt(e.message)))
        .collect()
}

/// Queues what `audit` is told as to every working endpoint registered for it: the event
/// once, and one delivery per endpoint. Nothing is written when no endpoint wants it.
pub(super) async fn queue_events(
    conn: &mut sqlx::AnyConnection,
    audit: &AuditEvent,
) -> StoreResult<()> {
    let kinds = WebhookEvent::of_action(&audit.action);
    if kinds.is_empty() {
        return Ok(());
    }
    let sql = format!("SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE disabled_at IS NULL");
    let endpoints = sqlx::query(&sql)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(endpoint_from_row)
        .collect::<StoreResult<Vec<_>>>()?;
    for &kind in kinds {
        let wanted: Vec<&WebhookRecord> = endpoints
            .iter()
            .filter(|endpoint| endpoint.events.contains(&kind))
            .collect();
        if wanted.is_empty() {
            continue;
        }
        let event_id = format!("evt_{}", uuid::Uuid::new_v4().simple());
        let payload = payload(conn, kind, &event_id, audit).await?;
        sqlx::query("INSERT INTO webhook_events (id, type, payload, at) VALUES ($1, $2, $3, $4)")
            .bind(&event_id)
            .bind(kind.as_str())
            .bind(&payload)
            .bind(audit.at)
            .execute(&mut *conn)
            .await?;
        for endpoint in wanted {
            sqlx::query(
                "INSERT INTO messages (idempotency_key, order_id, channel, recipient, subject, purpose, \
                 locale, created_at, next_attempt_at) VALUES ($1, NULL, $2, $3, $4, $5, $6, $7, $7)",
            )
            .bind(format!("{event_id}.{}", endpoint.id))
            .bind(Channel::Webhook.as_str())
            .bind(&endpoint.id)
            .bind(&event_id)
            .bind(Purpose::Webhook.as_str())
            .bind(Locale::default().as_str())
            .bind(audit.at)
            .execute(&mut *conn)
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
    conn: &mut sqlx::AnyConnection,
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
        let order = sqlx::query("SELECT org, service, client, state FROM orders WHERE id = $1")
            .bind(order_id)
            .fetch_optional(&mut *conn)
            .await?;
        if let Some(order) = order {
            put("customer", order.try_get::<String, _>("org")?.into());
            put("service", order.try_get::<String, _>("service")?.into());
            put("client", order.try_get::<String, _>("client")?.into());
            put("state", order.try_get::<String, _>("state")?.into());
        }
    }
    if let Some(serial) = &audit.serial {
        put("serial", serial.clone().into());
        let certificate = sqlx::query(
            "SELECT not_after, revoked_at, revocation_reason FROM certificates WHERE serial = $1",
        )
        .bind(serial)
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(certificate) = certificate {
            let time = |at: i64| serde_json::Value::from(rfc3339(from_unix(at)));
            put("not_after", time(certificate.try_get("not_after")?));
            if let Some(at) = certificate.try_get::<Option<i64>, _>("revoked_at")? {
                put("revoked_at", time(at));
            }
            if let Some(reason) = certificate.try_get::<Option<String>, _>("revocation_reason")? {
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
