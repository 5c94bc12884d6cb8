//! Report links: the contact's own withdrawal, guarded by a code like the collect link's.

use super::revocation::revoke_in;
use super::*;

/// The guards of trying a report's code: it exists, is unused and current, and the link
/// has not ended. `$1` the token hash, `$2` now.
const REPORT_CODE_GUARDS: &str =
    "token_hash = $1 AND code_mac IS NOT NULL AND code_expires_at > $2 AND expires_at > $2";

#[async_trait]
impl ReportStore for SqlStore {
    async fn report(&self, token_hash: &[u8]) -> StoreResult<Option<ReportRecord>> {
        let row = sqlx::query(
            "SELECT order_id, serial, expires_at, code_mac, code_expires_at, code_attempts, \
             code_sent_at, codes_sent FROM reports WHERE token_hash = $1",
        )
        .bind(token_hash.to_vec())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(ReportRecord {
                order_id: row.try_get("order_id")?,
                serial: row.try_get("serial")?,
                expires_at: row.try_get("expires_at")?,
                code_mac: row.try_get("code_mac")?,
                code_expires_at: row.try_get("code_expires_at")?,
                code_attempts: count(row.try_get("code_attempts")?),
                code_sent_at: row.try_get("code_sent_at")?,
                codes_sent: count(row.try_get("codes_sent")?),
            })
        })
        .transpose()
    }

    async fn replace_report_code(
        &self,
        token_hash: &[u8],
        code: &NewCode,
        message: &NewMessage,
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        let (_turn, mut tx) = self.begin_write().await?;
        let order_id: Option<String> = sqlx::query_scalar(
            "UPDATE reports SET code_mac = $2, code_expires_at = $3, code_attempts = 0, \
             code_sent_at = $4, codes_sent = codes_sent + 1 \
             WHERE token_hash = $1 AND codes_sent < $5 AND code_sent_at <= $6 AND expires_at > $4 \
             RETURNING order_id",
        )
        .bind(token_hash.to_vec())
        .bind(code.code_mac.clone())
        .bind(code.expires_at)
        .bind(audit.at)
        .bind(i64::from(code.max_resends))
        .bind(code.sent_before)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(order_id) = order_id else {
            return refuse(tx).await;
        };
        // As for the collect code: a code still waiting to go out no longer works, so only the
        // new one should arrive.
        drop_queued(&mut tx, &order_id, Some(message.purpose), audit.at).await?;
        insert_message(&mut tx, message, audit.at).await?;
        commit_with(tx, audit).await
    }

    async fn take_report_try(
        &self,
        token_hash: &[u8],
        guard: CodeGuard,
    ) -> StoreResult<Option<CodeTry>> {
        let _turn = self.write_turn().await;
        // One statement, as for the collect code: parallel tries queue on the row and those
        // past the limit match nothing.
        let sql = format!(
            "UPDATE reports SET code_attempts = code_attempts + 1 \
             WHERE {REPORT_CODE_GUARDS} AND code_attempts < $3 RETURNING code_mac, code_attempts"
        );
        let row = sqlx::query(&sql)
            .bind(token_hash.to_vec())
            .bind(guard.now)
            .bind(i64::from(guard.max_attempts))
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(super::collect::code_try).transpose()
    }

    async fn revoke_by_report(
        &self,
        token_hash: &[u8],
        code_mac: &[u8],
        guard: CodeGuard,
        reason: RevocationReason,
        messages: &[NewMessage],
        audit: &AuditEvent,
    ) -> StoreResult<Option<RevokeOutcome>> {
        let (_turn, mut tx) = self.begin_write().await?;
        let sql = format!(
            "UPDATE reports SET code_mac = NULL \
             WHERE {REPORT_CODE_GUARDS} AND code_attempts <= $3 AND code_mac = $4 RETURNING serial"
        );
        let serial: Option<String> = sqlx::query_scalar(&sql)
            .bind(token_hash.to_vec())
            .bind(guard.now)
            .bind(i64::from(guard.max_attempts))
            .bind(code_mac.to_vec())
            .fetch_optional(&mut *tx)
            .await?;
        let Some(serial) = serial else {
            tx.rollback().await?;
            return Ok(None);
        };
        let outcome = revoke_in(&mut tx, &serial, reason, audit).await?;
        if outcome != RevokeOutcome::Revoked {
            // The code stays used: it was right, and the certificate is withdrawn already.
            tx.commit().await?;
            return Ok(Some(outcome));
        }
        for message in messages {
            insert_message(&mut tx, message, audit.at).await?;
        }
        tx.commit().await?;
        Ok(Some(outcome))
    }

    async fn request_renewal(
        &self,
        order_id: &str,
        messages: &[NewMessage],
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        let (_turn, mut tx) = self.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE orders SET renewal_requested_at = $2 \
             WHERE id = $1 AND renewal_requested_at IS NULL",
        )
        .bind(order_id)
        .bind(audit.at)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated != 1 {
            return refuse(tx).await;
        }
        for message in messages {
            insert_message(&mut tx, message, audit.at).await?;
        }
        commit_with(tx, audit).await
    }

    async fn renewal_requests(&self, limit: u32) -> StoreResult<Vec<OrderRecord>> {
        let sql = format!(
            "{} ORDER BY o.renewal_requested_at LIMIT $1",
            Self::order_sql(
                "o.renewal_requested_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM orders n \
                 WHERE n.renews_serial = o.serial)"
            )
        );
        let rows = sqlx::query(&sql)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(order_from_row).collect()
    }
}
