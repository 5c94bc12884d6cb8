//! The audit trail.

use super::*;

#[async_trait]
impl AuditStore for SqlStore {
    async fn record(&self, event: &AuditEvent) -> StoreResult<()> {
        insert_audit(&self.pool, event).await
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
}
