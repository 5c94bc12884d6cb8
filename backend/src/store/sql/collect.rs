//! The collect flow: codes, sessions, downloads, receipts, expiry.

use super::*;

#[async_trait]
impl CollectStore for SqlStore {
    async fn record_code_failure(&self, order_id: &str, audit: &AuditEvent) -> StoreResult<u32> {
        let (_turn, mut tx) = self.begin_write().await?;
        let attempts: Option<i64> = sqlx::query_scalar(
            "UPDATE orders SET code_attempts = code_attempts + 1, updated_at = $2 WHERE id = $1 \
             RETURNING code_attempts",
        )
        .bind(order_id)
        .bind(audit.at)
        .fetch_optional(&mut *tx)
        .await?;
        insert_audit(&mut *tx, audit).await?;
        tx.commit().await?;
        Ok(count(attempts.unwrap_or(i64::MAX)))
    }

    async fn open_session(
        &self,
        order_id: &str,
        code_mac: &[u8],
        session_hash: &[u8],
        expires_at: i64,
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        let (_turn, mut tx) = self.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE orders SET code_mac = NULL, updated_at = $3, \
             state = CASE WHEN state IN ('issued', 'link_sent') THEN 'code_verified' ELSE state END \
             WHERE id = $1 AND code_mac = $2",
        )
        .bind(order_id)
        .bind(code_mac.to_vec())
        .bind(audit.at)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated != 1 {
            return refuse(tx).await;
        }
        sqlx::query(
            "INSERT INTO collect_sessions (token_hash, order_id, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(session_hash.to_vec())
        .bind(order_id)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        commit_with(tx, audit).await
    }

    async fn replace_code(
        &self,
        order_id: &str,
        code: &NewCode,
        message: &NewMessage,
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        let (_turn, mut tx) = self.begin_write().await?;
        let sql = format!(
            "UPDATE orders SET code_mac = $2, code_expires_at = $3, code_attempts = 0, code_sent_at = $4, \
             resends = resends + 1, updated_at = $4 \
             WHERE id = $1 AND resends < $5 AND code_sent_at <= $6 AND state IN {OPEN_STATES_SQL}"
        );
        let updated = sqlx::query(&sql)
            .bind(order_id)
            .bind(code.code_mac.clone())
            .bind(code.expires_at)
            .bind(audit.at)
            .bind(i64::from(code.max_resends))
            .bind(code.sent_before)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if updated != 1 {
            return refuse(tx).await;
        }
        insert_message(&mut *tx, message, audit.at).await?;
        commit_with(tx, audit).await
    }

    async fn order_by_session(
        &self,
        session_hash: &[u8],
        now: i64,
    ) -> StoreResult<Option<OrderRecord>> {
        let sql = format!(
            "SELECT {ORDER_COLUMNS} FROM collect_sessions s JOIN orders o ON o.id = s.order_id \
             JOIN certificates c ON c.serial = o.serial WHERE s.token_hash = $1 AND s.expires_at > $2"
        );
        let row = sqlx::query(&sql)
            .bind(session_hash.to_vec())
            .bind(now)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(order_from_row).transpose()
    }

    async fn take_download(
        &self,
        order_id: &str,
        max_downloads: u32,
        audit: &AuditEvent,
    ) -> StoreResult<Option<Vec<u8>>> {
        let (_turn, mut tx) = self.begin_write().await?;
        let sealed: Option<Vec<u8>> = sqlx::query_scalar(
            "UPDATE orders SET downloads = downloads + 1, state = 'downloaded', updated_at = $3 \
             WHERE id = $1 AND downloads < $2 AND bundle_sealed IS NOT NULL \
             AND state IN ('code_verified', 'downloaded') RETURNING bundle_sealed",
        )
        .bind(order_id)
        .bind(i64::from(max_downloads))
        .bind(audit.at)
        .fetch_optional(&mut *tx)
        .await?;
        if sealed.is_some() {
            insert_audit(&mut *tx, audit).await?;
        }
        tx.commit().await?;
        Ok(sealed)
    }

    async fn sealed_password(&self, order_id: &str) -> StoreResult<Option<Vec<u8>>> {
        let sealed: Option<Option<Vec<u8>>> =
            sqlx::query_scalar("SELECT password_sealed FROM orders WHERE id = $1")
                .bind(order_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(sealed.flatten())
    }

    async fn complete_receipt(
        &self,
        order_id: &str,
        bundle_sha256: &[u8],
        message: &NewMessage,
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        let (_turn, mut tx) = self.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE orders SET state = 'collected', collected_at = $3, updated_at = $3, bundle_sealed = NULL, \
             password_sealed = NULL, code_mac = NULL \
             WHERE id = $1 AND state = 'downloaded' AND bundle_sha256 = $2",
        )
        .bind(order_id)
        .bind(bundle_sha256.to_vec())
        .bind(audit.at)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated != 1 {
            return refuse(tx).await;
        }
        insert_message(&mut *tx, message, audit.at).await?;
        commit_with(tx, audit).await
    }

    async fn expire_links(&self, now: i64) -> StoreResult<Vec<String>> {
        let (_turn, mut tx) = self.begin_write().await?;
        let sql = format!(
            "UPDATE orders SET state = 'expired', bundle_sealed = NULL, password_sealed = NULL, code_mac = NULL, \
             updated_at = $1 WHERE link_expires_at <= $1 AND state IN {OPEN_STATES_SQL} RETURNING id, serial"
        );
        let rows = sqlx::query(&sql).bind(now).fetch_all(&mut *tx).await?;
        let mut ids = Vec::with_capacity(rows.len());
        for row in rows {
            let id: String = row.try_get("id")?;
            let serial: String = row.try_get("serial")?;
            let event = AuditEvent {
                at: now,
                actor: "system".into(),
                action: "link.expired".into(),
                order_id: Some(id.clone()),
                serial: Some(serial),
                detail: Some("the link ran out; the file and password were wiped".into()),
                ..AuditEvent::default()
            };
            insert_audit(&mut *tx, &event).await?;
            ids.push(id);
        }
        tx.commit().await?;
        Ok(ids)
    }

    async fn delete_expired_sessions(&self, now: i64) -> StoreResult<u64> {
        let _turn = self.write_turn().await;
        let result = sqlx::query("DELETE FROM collect_sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected())
    }
}
