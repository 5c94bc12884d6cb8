//! The audit trail.

use super::*;

#[async_trait]
impl AuditStore for SqlStore {
    async fn record(&self, event: &AuditEvent) -> StoreResult<()> {
        let (_turn, mut tx) = self.begin_write().await?;
        insert_audit(&mut tx, event).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn audit_for_order(&self, order_id: &str) -> StoreResult<Vec<AuditEvent>> {
        let rows = sqlx::query(
            "SELECT at, actor, action, order_id, serial, ip, user_agent, detail FROM audit_events \
             WHERE order_id = $1 ORDER BY id",
        )
        .bind(order_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(audit_from_row).collect()
    }

    async fn audit_log(
        &self,
        actor_prefix: Option<&str>,
        before: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<(i64, AuditEvent)>> {
        let prefix = format!("{}%", escape_like(actor_prefix.unwrap_or_default()));
        let rows = sqlx::query(
            "SELECT id, at, actor, action, order_id, serial, ip, user_agent, detail FROM audit_events \
             WHERE actor LIKE $1 ESCAPE '\\' AND id < $2 ORDER BY id DESC LIMIT $3",
        )
        .bind(prefix)
        .bind(before.unwrap_or(i64::MAX))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("id")?, audit_from_row(row)?)))
            .collect()
    }
}
