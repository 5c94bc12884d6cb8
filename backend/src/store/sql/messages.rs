//! The message queue.

use super::*;
use certportal_shared::model::{MessageState, Purpose};

/// A message ends: `set` gives its state and end time (`$2`), its body is wiped. `from` lists
/// the states it may end from; `false` if it was in none of them.
async fn end_message(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    message: &QueuedMessage,
    (from, set): (&str, &str),
    now: i64,
    error: Option<&str>,
) -> StoreResult<bool> {
    let sql = format!(
        "UPDATE messages SET {set}, attempts = attempts + 1, claimed_until = NULL, last_error = $3 \
         WHERE id = $1 AND status IN {from}"
    );
    let updated = sqlx::query(&sql)
        .bind(message.id)
        .bind(now)
        .bind(error)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    wipe_sealed(&mut **tx, &message.idempotency_key, Sealed::Message).await?;
    Ok(updated == 1)
}

/// A reminder's stage, on its message row.
fn stage(row: &AnyRow) -> StoreResult<Option<u32>> {
    Ok(row.try_get::<Option<i64>, _>("stage")?.map(count))
}

#[async_trait]
impl MessageStore for SqlStore {
    async fn claim_due_messages(
        &self,
        channels: &[Channel],
        now: i64,
        claim_until: i64,
        limit: u32,
    ) -> StoreResult<Vec<QueuedMessage>> {
        let channels = name_list(channels.iter().map(|channel| channel.as_str()));
        let _turn = self.write_turn().await;
        let sql = format!(
            "UPDATE messages SET claimed_until = $2 WHERE id IN ( \
                 SELECT m.id FROM messages m WHERE m.status = 'queued' AND m.next_attempt_at <= $1 \
                 AND m.channel IN {channels} \
                 AND (m.claimed_until IS NULL OR m.claimed_until <= $1) \
                 AND NOT EXISTS (SELECT 1 FROM messages e WHERE e.status = 'queued' \
                     AND e.channel = m.channel AND e.recipient = m.recipient AND e.id < m.id) \
                 ORDER BY m.id LIMIT $3) \
             AND status = 'queued' AND (claimed_until IS NULL OR claimed_until <= $1) \
             RETURNING id, idempotency_key, order_id, channel, recipient, subject, purpose, attempts, stage, \
             (SELECT s.blob FROM sealed_values s WHERE s.owner = messages.idempotency_key \
                 AND s.kind = 'message') AS body_sealed"
        );
        let rows = sqlx::query(&sql)
            .bind(now)
            .bind(claim_until)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        let mut messages = rows
            .iter()
            .map(|row| {
                Ok(QueuedMessage {
                    id: row.try_get("id")?,
                    idempotency_key: row.try_get("idempotency_key")?,
                    order_id: row.try_get("order_id")?,
                    channel: parse(row, "channel")?,
                    recipient: row.try_get("recipient")?,
                    subject: row.try_get("subject")?,
                    body_sealed: row
                        .try_get::<Option<Vec<u8>>, _>("body_sealed")?
                        .unwrap_or_default(),
                    purpose: parse(row, "purpose")?,
                    attempts: count(row.try_get("attempts")?),
                    stage: stage(row)?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        messages.sort_by_key(|message| message.id);
        Ok(messages)
    }

    async fn mark_sent(
        &self,
        message: &QueuedMessage,
        now: i64,
        audit: Option<&AuditEvent>,
    ) -> StoreResult<bool> {
        let (_turn, mut tx) = self.begin_write().await?;
        // A message dropped while it was on its way went out all the same: say so.
        let was_queued =
            sqlx::query_scalar::<_, String>("SELECT status FROM messages WHERE id = $1")
                .bind(message.id)
                .fetch_optional(&mut *tx)
                .await?
                .is_some_and(|status| status == "queued");
        let sent = ("('queued', 'dropped')", "status = 'sent', sent_at = $2");
        end_message(&mut tx, message, sent, now, None).await?;
        // The link is out: the order moves on from `issued`.
        if let (Some(order_id), Purpose::CollectLink) = (&message.order_id, message.purpose) {
            let sql = format!(
                "UPDATE orders SET state = {}, updated_at = $2 WHERE id = $1 AND {}",
                moved(OrderEvent::LinkSent),
                applies(OrderEvent::LinkSent)
            );
            sqlx::query(&sql)
                .bind(order_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        if let Some(audit) = audit {
            insert_audit(&mut tx, audit).await?;
        }
        tx.commit().await?;
        Ok(was_queued)
    }

    async fn mark_failed(&self, id: i64, error: &str, next_attempt_at: i64) -> StoreResult<()> {
        let _turn = self.write_turn().await;
        sqlx::query(
            "UPDATE messages SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3, claimed_until = NULL \
             WHERE id = $1 AND status = 'queued'",
        )
        .bind(id)
        .bind(error)
        .bind(next_attempt_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn give_up(
        &self,
        message: &QueuedMessage,
        error: &str,
        now: i64,
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let (_turn, mut tx) = self.begin_write().await?;
        let failed = ("('queued')", "status = 'failed', ended_at = $2");
        if end_message(&mut tx, message, failed, now, Some(error)).await? {
            insert_audit(&mut tx, audit).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn messages_for_order(&self, order_id: &str) -> StoreResult<Vec<MessageStatus>> {
        let rows = sqlx::query(
            "SELECT id, channel, purpose, status, created_at, sent_at, ended_at, attempts, last_error, \
             stage FROM messages WHERE order_id = $1 ORDER BY id",
        )
        .bind(order_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(MessageStatus {
                    id: row.try_get("id")?,
                    channel: parse(row, "channel")?,
                    purpose: parse(row, "purpose")?,
                    state: parse::<MessageState>(row, "status")?,
                    created_at: row.try_get("created_at")?,
                    sent_at: row.try_get("sent_at")?,
                    ended_at: row.try_get("ended_at")?,
                    attempts: count(row.try_get("attempts")?),
                    last_error: row.try_get("last_error")?,
                    stage: stage(row)?,
                })
            })
            .collect()
    }

    async fn message_counts(&self) -> StoreResult<Vec<(Channel, MessageState, u64)>> {
        let rows = sqlx::query(
            "SELECT channel, status, CAST(SUM(n) AS BIGINT) AS n FROM message_counts \
             GROUP BY channel, status HAVING SUM(n) <> 0",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let n: i64 = row.try_get("n")?;
                Ok((
                    parse(row, "channel")?,
                    parse(row, "status")?,
                    u64::try_from(n).unwrap_or_default(),
                ))
            })
            .collect()
    }
}
