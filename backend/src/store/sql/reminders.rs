//! Reminders before certificates end, and the support digest.

use super::*;

const DAY: i64 = 86_400;

/// `CASE WHEN left <= 0 THEN 0 WHEN left <= 86400 THEN 1 … END`: the stage due for a
/// certificate with `left` seconds to go, the fewest days among `stages` (ascending) that
/// are at least what is left. The stages are numbers from the configuration, never input.
fn due_stage(left: &str, stages: &[u32]) -> String {
    let arms: Vec<String> = stages
        .iter()
        .map(|stage| format!("WHEN {left} <= {} THEN {stage}", i64::from(*stage) * DAY))
        .collect();
    format!("CAST(CASE {} END AS BIGINT)", arms.join(" "))
}

#[async_trait]
impl ReminderStore for SqlStore {
    async fn due_reminders(
        &self,
        now: i64,
        stages: &[u32],
        late_seconds: i64,
        limit: u32,
    ) -> StoreResult<Vec<DueReminder>> {
        let Some(longest) = stages.iter().max() else {
            return Ok(Vec::new());
        };
        let mut stages = stages.to_vec();
        stages.sort_unstable();
        // The range on the end uses certificates_live_by_end; each candidate then costs a
        // look at orders_by_renewed and at the reminders' primary key, so the scan grows with
        // what ends soon, not with the orders on file. CROSS JOIN: SQLite would otherwise
        // start from every collected order (PostgreSQL plans as it sees fit).
        let sql = format!(
            "SELECT * FROM (SELECT {ORDER_COLUMNS}, c.not_before AS began, {due} AS due \
             FROM {LIVE_CERTIFICATES_FIRST} \
             WHERE o.serial = c.serial AND c.revoked_at IS NULL AND c.not_after <= $2 AND c.not_after > $3 \
             AND o.state = 'collected' \
             AND NOT EXISTS (SELECT 1 FROM orders n WHERE n.renews_serial = c.serial \
                 AND n.state NOT IN ('expired', 'cancelled'))) d \
             WHERE d.not_after - d.due * {DAY} >= d.began \
             AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.serial = d.serial AND r.stage = d.due) \
             ORDER BY d.not_after LIMIT $4",
            due = due_stage("c.not_after - $1", &stages),
        );
        let rows = sqlx::query(&sql)
            .bind(now)
            .bind(now + i64::from(*longest) * DAY)
            .bind(now - late_seconds)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        let mut due = rows
            .iter()
            .map(|row| {
                Ok(DueReminder {
                    order: order_from_row(row)?,
                    stage: count(row.try_get("due")?),
                    claimed: Vec::new(),
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        if due.is_empty() {
            return Ok(due);
        }
        let places: Vec<String> = (1..=due.len()).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT serial, stage FROM reminders WHERE serial IN ({}) ORDER BY stage DESC",
            places.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for reminder in &due {
            query = query.bind(reminder.order.serial.clone());
        }
        for row in query.fetch_all(&self.pool).await? {
            let serial: String = row.try_get("serial")?;
            let stage = count(row.try_get("stage")?);
            if let Some(reminder) = due
                .iter_mut()
                .find(|r| r.order.serial.as_deref() == Some(serial.as_str()))
            {
                reminder.claimed.push(stage);
            }
        }
        Ok(due)
    }

    async fn claim_reminder(
        &self,
        claim: &ReminderClaim,
        message: &NewMessage,
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        let (_turn, mut tx) = self.begin_write().await?;
        let insert = "INSERT INTO reminders (serial, stage, claimed_at, message_key) \
                      VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";
        let claimed = sqlx::query(insert)
            .bind(&claim.serial)
            .bind(i64::from(claim.stage))
            .bind(claim.at)
            .bind(&message.idempotency_key)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if claimed == 0 {
            return refuse(tx).await;
        }
        for covered in &claim.covers {
            sqlx::query(insert)
                .bind(&claim.serial)
                .bind(i64::from(*covered))
                .bind(claim.at)
                .bind(None::<String>)
                .execute(&mut *tx)
                .await?;
        }
        insert_message(&mut tx, message, claim.at).await?;
        super::collect::insert_report(&mut tx, &claim.report).await?;
        commit_with(tx, audit).await
    }

    async fn reminders_since(&self, since: i64, limit: u32) -> StoreResult<Vec<SentReminder>> {
        let rows = sqlx::query(
            "SELECT o.id, r.serial, r.stage, r.claimed_at FROM reminders r \
             JOIN orders o ON o.serial = r.serial \
             WHERE r.claimed_at >= $1 AND r.message_key IS NOT NULL \
             ORDER BY r.claimed_at DESC, r.stage LIMIT $2",
        )
        .bind(since)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(SentReminder {
                    order_id: row.try_get("id")?,
                    serial: row.try_get("serial")?,
                    stage: count(row.try_get("stage")?),
                    at: row.try_get("claimed_at")?,
                })
            })
            .collect()
    }

    async fn digest_claimed(&self, day: i64) -> StoreResult<bool> {
        let found: Option<i64> = sqlx::query_scalar("SELECT day FROM digests WHERE day = $1")
            .bind(day)
            .fetch_optional(&self.pool)
            .await?;
        Ok(found.is_some())
    }

    async fn claim_digest(
        &self,
        day: i64,
        message: &NewMessage,
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        let (_turn, mut tx) = self.begin_write().await?;
        let claimed = sqlx::query(
            "INSERT INTO digests (day, claimed_at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(day)
        .bind(audit.at)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if claimed == 0 {
            return refuse(tx).await;
        }
        insert_message(&mut tx, message, audit.at).await?;
        commit_with(tx, audit).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_due_stage_is_the_nearest_one_not_yet_passed() {
        assert_eq!(
            due_stage("x", &[0, 7]),
            "CAST(CASE WHEN x <= 0 THEN 0 WHEN x <= 604800 THEN 7 END AS BIGINT)"
        );
    }
}
