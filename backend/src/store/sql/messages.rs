//! The message queue.

use super::*;

#[async_trait]
impl MessageStore for SqlStore {
    async fn claim_due_messages(
        &self,
        now: i64,
        claim_until: i64,
        limit: u32,
    ) -> StoreResult<Vec<QueuedMessage>> {
        let _turn = self.write_turn().await;
        let rows = sqlx::query(
            "UPDATE messages SET claimed_until = $2 WHERE id IN ( \
                 SELECT id FROM messages WHERE sent_at IS NULL AND next_attempt_at <= $1 \
                 AND (claimed_until IS NULL OR claimed_until <= $1) ORDER BY id LIMIT $3) \
             AND sent_at IS NULL AND (claimed_until IS NULL OR claimed_until <= $1) \
             RETURNING id, order_id, channel, recipient, subject, body_sealed, purpose, attempts",
        )
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
                    order_id: row.try_get("order_id")?,
                    channel: row.try_get("channel")?,
                    recipient: row.try_get("recipient")?,
                    subject: row.try_get("subject")?,
                    body_sealed: row
                        .try_get::<Option<Vec<u8>>, _>("body_sealed")?
                        .unwrap_or_default(),
                    purpose: row.try_get("purpose")?,
                    attempts: count(row.try_get("attempts")?),
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
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let (_turn, mut tx) = self.begin_write().await?;
        sqlx::query(
            "UPDATE messages SET sent_at = $2, body_sealed = NULL, attempts = attempts + 1, claimed_until = NULL, \
             last_error = NULL WHERE id = $1",
        )
        .bind(message.id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        // The link is out: the order moves on from `issued`.
        if let (Some(order_id), "collect_link") = (&message.order_id, message.purpose.as_str()) {
            sqlx::query("UPDATE orders SET state = 'link_sent', updated_at = $2 WHERE id = $1 AND state = 'issued'")
                .bind(order_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        insert_audit(&mut *tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn mark_failed(&self, id: i64, error: &str, next_attempt_at: i64) -> StoreResult<()> {
        let _turn = self.write_turn().await;
        sqlx::query(
            "UPDATE messages SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3, claimed_until = NULL \
             WHERE id = $1",
        )
        .bind(id)
        .bind(error)
        .bind(next_attempt_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn messages_for_order(&self, order_id: &str) -> StoreResult<Vec<MessageStatus>> {
        let rows = sqlx::query(
            "SELECT id, channel, purpose, created_at, sent_at, attempts, last_error FROM messages \
             WHERE order_id = $1 ORDER BY id",
        )
        .bind(order_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(MessageStatus {
                    id: row.try_get("id")?,
                    channel: row.try_get("channel")?,
                    purpose: row.try_get("purpose")?,
                    created_at: row.try_get("created_at")?,
                    sent_at: row.try_get("sent_at")?,
                    attempts: count(row.try_get("attempts")?),
                    last_error: row.try_get("last_error")?,
                })
            })
            .collect()
    }
}
