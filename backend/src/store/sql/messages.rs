//! The message queue.

use super::*;
use certportal_shared::model::{MessageState, Purpose};

/// A message ends: `set` gives its state and end time (`$2`), its body is wiped. `from` lists
/// the states it may end from; `false` if it was in none of them.
async fn end_message(
    tx: &mut impl Tx,
    message: &QueuedMessage,
    (from, set): (&str, &str),
    now: i64,
    error: Option<&str>,
) -> StoreResult<bool> {
    let sql = format!(
        "UPDATE messages SET {set}, attempts = attempts + 1, claimed_until = NULL, last_error = $3 \
         WHERE id = $1 AND status IN {from}"
    );
    let updated = tx.exec(&sql, &args![message.id, now, error]).await?;
    wipe_sealed(tx, &message.idempotency_key, &[Sealed::Message]).await?;
    Ok(updated == 1)
}

/// A reminder's stage, on its message row.
fn stage(row: &impl Columns) -> StoreResult<Option<u32>> {
    Ok(row.cell::<Option<i64>>("stage")?.map(count))
}

/// Claims due messages of some channels, one per recipient at a time, oldest first.
struct ClaimDue {
    channels: String,
    now: i64,
    claim_until: i64,
    limit: u32,
}

impl Job for ClaimDue {
    type Output = Vec<QueuedMessage>;

    async fn run<T: Tx>(self, tx: &mut T) -> StoreResult<Ends<Self::Output>> {
        let channels = &self.channels;
        // SQLite's planner prefers the channel's index, which then sorts the whole queue
        // for the LIMIT; in id order the claim stops at the first message it may take.
        let in_order = match tx.backend() {
            Backend::Sqlite => "INDEXED BY messages_queued_in_order",
            Backend::Postgres => "",
        };
        // Picked once, apart from the update: PostgreSQL otherwise planned the pick as the
        // inner side of a semi join, run again for every message queued, which took seconds a
        // claim with a thousand e-mails queued.
        let sql = format!(
            "WITH picked (picked_id) AS MATERIALIZED ( \
                 SELECT m.id FROM messages m {in_order} WHERE m.status = 'queued' AND m.next_attempt_at <= $1 \
                 AND m.channel IN {channels} \
                 AND (m.claimed_until IS NULL OR m.claimed_until <= $1) \
                 AND NOT EXISTS (SELECT 1 FROM messages e WHERE e.status = 'queued' \
                     AND e.channel = m.channel AND e.recipient = m.recipient AND e.id < m.id) \
                 ORDER BY m.id LIMIT $3) \
             UPDATE messages SET claimed_until = $2 WHERE id IN (SELECT picked_id FROM picked) \
             AND status = 'queued' AND (claimed_until IS NULL OR claimed_until <= $1) \
             RETURNING id, idempotency_key, order_id, channel, recipient, subject, purpose, attempts, stage"
        );
        let rows = tx
            .rows(
                &sql,
                &args![self.now, self.claim_until, i64::from(self.limit)],
            )
            .await?;
        let mut messages = Vec::with_capacity(rows.len());
        for row in &rows {
            let idempotency_key: String = row.cell("idempotency_key")?;
            // Apart, not as a subquery in RETURNING: SQLite scans the whole table for a
            // correlated subquery there, instead of using its key.
            let body_sealed = sealed(tx, &idempotency_key, Sealed::Message).await?;
            messages.push(QueuedMessage {
                id: row.cell("id")?,
                idempotency_key,
                order_id: row.cell("order_id")?,
                channel: parse(row, "channel")?,
                recipient: row.cell("recipient")?,
                subject: row.cell("subject")?,
                body_sealed: body_sealed.unwrap_or_default(),
                purpose: parse(row, "purpose")?,
                attempts: count(row.cell("attempts")?),
                stage: stage(row)?,
            });
        }
        messages.sort_by_key(|message| message.id);
        Ok(Ends::Commit(messages))
    }
}

/// Records a message sent.
struct MarkSent {
    message: QueuedMessage,
    now: i64,
    audit: Option<AuditEvent>,
}

impl Job for MarkSent {
    type Output = bool;

    async fn run<T: Tx>(self, tx: &mut T) -> StoreResult<Ends<bool>> {
        let (message, now) = (&self.message, self.now);
        // A message dropped while it was on its way went out all the same: say so.
        let was_queued = match tx
            .row(
                "SELECT status FROM messages WHERE id = $1",
                &args![message.id],
            )
            .await?
        {
            Some(row) => row.cell::<String>("status")? == "queued",
            None => false,
        };
        let sent = ("('queued', 'dropped')", "status = 'sent', sent_at = $2");
        end_message(tx, message, sent, now, None).await?;
        // The link is out: the order moves on from `issued`.
        if let (Some(order_id), Purpose::CollectLink) = (&message.order_id, message.purpose) {
            let sql = format!(
                "UPDATE orders SET state = {}, updated_at = $2 WHERE id = $1 AND {}",
                moved(OrderEvent::LinkSent),
                applies(OrderEvent::LinkSent)
            );
            tx.exec(&sql, &args![order_id, now]).await?;
        }
        if let Some(audit) = &self.audit {
            insert_audit(tx, audit).await?;
        }
        Ok(Ends::Commit(was_queued))
    }
}

/// Records a failed try at a message, and when to try again.
struct MarkFailed {
    id: i64,
    error: String,
    next_attempt_at: i64,
}

impl Job for MarkFailed {
    type Output = ();

    async fn run<T: Tx>(self, tx: &mut T) -> StoreResult<Ends<()>> {
        tx.exec(
            "UPDATE messages SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3, claimed_until = NULL \
             WHERE id = $1 AND status = 'queued'",
            &args![self.id, &self.error, self.next_attempt_at],
        )
        .await?;
        Ok(Ends::Commit(()))
    }
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
        self.transact(ClaimDue {
            channels: name_list(channels.iter().map(|channel| channel.as_str())),
            now,
            claim_until,
            limit,
        })
        .await
    }

    async fn mark_sent(
        &self,
        message: &QueuedMessage,
        now: i64,
        audit: Option<&AuditEvent>,
    ) -> StoreResult<bool> {
        self.transact(MarkSent {
            message: message.clone(),
            now,
            audit: audit.cloned(),
        })
        .await
    }

    async fn mark_failed(&self, id: i64, error: &str, next_attempt_at: i64) -> StoreResult<()> {
        self.transact(MarkFailed {
            id,
            error: error.to_owned(),
            next_attempt_at,
        })
        .await
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
