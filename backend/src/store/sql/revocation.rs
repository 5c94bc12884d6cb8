//! Revocation and the published CRL.

use super::*;

/// Revokes a certificate inside a transaction: its order, unless cancelled, becomes revoked
/// and its flow ends; records `audit`, with the certificate's order filled in when the event
/// names none.
pub(super) async fn revoke_in(
    tx: &mut impl Tx,
    serial: &str,
    reason: RevocationReason,
    audit: &AuditEvent,
) -> StoreResult<RevokeOutcome> {
    if tx.backend() == Backend::Postgres {
        // The order's row before the certificate's, as a cancel takes them: a revocation that
        // took the certificate first and a cancel that took the order first waited for each
        // other, and PostgreSQL failed one of them.
        tx.rows(
            "SELECT id FROM orders WHERE serial = $1 FOR UPDATE",
            &args![serial],
        )
        .await?;
    }
    let revoked = tx
        .row(
            "UPDATE certificates SET revoked_at = $2, revocation_reason = $3 \
             WHERE serial = $1 AND revoked_at IS NULL RETURNING order_id",
            &args![serial, audit.at, reason.as_str()],
        )
        .await?;
    let Some(revoked) = revoked else {
        let exists = tx
            .row(
                "SELECT serial FROM certificates WHERE serial = $1",
                &args![serial],
            )
            .await?;
        return Ok(if exists.is_some() {
            RevokeOutcome::AlreadyRevoked
        } else {
            RevokeOutcome::Unknown
        });
    };
    let certificate_order: String = revoked.cell("order_id")?;
    let sql = format!(
        "UPDATE orders SET state = {}, code_mac = NULL, updated_at = $2 WHERE serial = $1 AND {} \
         RETURNING id",
        moved(OrderEvent::Revoked),
        applies(OrderEvent::Revoked)
    );
    let order = tx.row(&sql, &args![serial, audit.at]).await?;
    if let Some(order) = order {
        end_flow(tx, &order.cell::<String>("id")?, audit.at).await?;
    }
    let event = AuditEvent {
        order_id: audit.order_id.clone().or(Some(certificate_order)),
        serial: Some(serial.to_owned()),
        ..audit.clone()
    };
    insert_audit(tx, &event).await?;
    // The CRL is signed after the commit, by whoever serves it next: the count tells them it
    // is behind (and a crash before then loses nothing). Its row is the last one this takes
    // (its callers only insert after it), so on PostgreSQL no transaction can hold it while
    // waiting for an order or certificate row that another revocation holds.
    tx.exec(
        "UPDATE crl_changes SET revision = revision + 1 WHERE id = 1",
        &[],
    )
    .await?;
    Ok(RevokeOutcome::Revoked)
}

#[async_trait]
impl RevocationStore for SqlStore {
    async fn revoke(
        &self,
        serial: &str,
        reason: RevocationReason,
        audit: &AuditEvent,
    ) -> StoreResult<RevokeOutcome> {
        let (_turn, mut tx) = self.begin_write().await?;
        let outcome = revoke_in(&mut tx, serial, reason, audit).await?;
        if outcome == RevokeOutcome::Revoked {
            tx.commit().await?;
        } else {
            tx.rollback().await?;
        }
        Ok(outcome)
    }

    async fn revoked_entries(&self, live_after: i64) -> StoreResult<Vec<RevokedEntry>> {
        // Three columns from the partial index alone (certificates_revoked_live): the rows'
        // certificates stay on disk.
        let rows: Vec<(String, i64, String)> = sqlx::query_as(
            "SELECT serial, revoked_at, revocation_reason FROM certificates \
             WHERE revoked_at IS NOT NULL AND not_after > $1",
        )
        .bind(live_after)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(serial, revoked_at, reason)| {
                Ok(RevokedEntry {
                    serial,
                    revoked_at,
                    reason: RevocationReason::parse(&reason)
                        .map_err(|e| StoreError::Corrupt(e.message))?,
                })
            })
            .collect()
    }

    async fn revoked_count(&self, live_after: i64) -> StoreResult<u64> {
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM certificates WHERE revoked_at IS NOT NULL AND not_after > $1",
        )
        .bind(live_after)
        .fetch_one(&self.pool)
        .await?;
        Ok(u64::try_from(count).unwrap_or_default())
    }

    async fn crl_state(&self) -> StoreResult<CrlState> {
        let (number, covers, revision): (Option<i64>, Option<i64>, i64) = sqlx::query_as(
            "SELECT (SELECT number FROM crl WHERE id = 1), (SELECT covers FROM crl WHERE id = 1), \
             revision FROM crl_changes WHERE id = 1",
        )
        .fetch_one(&self.pool)
        .await?;
        let count = |n: i64| u64::try_from(n).unwrap_or_default();
        Ok(CrlState {
            number: number.map(count),
            covers: covers.map_or(0, count),
            revision: count(revision),
        })
    }

    async fn crl(&self) -> StoreResult<Option<CrlRecord>> {
        let row = sqlx::query(
            "SELECT number, entries, this_update, next_update, covers, der FROM crl WHERE id = 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            Ok(CrlRecord {
                number: u64::try_from(row.try_get::<i64, _>("number")?).unwrap_or_default(),
                entries: u64::try_from(row.try_get::<i64, _>("entries")?).unwrap_or_default(),
                this_update: row.try_get("this_update")?,
                next_update: row.try_get("next_update")?,
                covers: u64::try_from(row.try_get::<i64, _>("covers")?).unwrap_or_default(),
                der: row.try_get::<Vec<u8>, _>("der")?.into(),
            })
        })
        .transpose()
    }

    async fn save_crl(&self, crl: &CrlRecord) -> StoreResult<bool> {
        let _turn = self.write_turn().await;
        let number = i64::try_from(crl.number)
            .map_err(|_| StoreError::Corrupt("CRL number too large".into()))?;
        let updated = sqlx::query(
            "INSERT INTO crl (id, number, this_update, next_update, der, entries, covers) \
             VALUES (1, $1, $2, $3, $4, $5, $6) \
             ON CONFLICT (id) DO UPDATE SET number = excluded.number, this_update = excluded.this_update, \
             next_update = excluded.next_update, der = excluded.der, entries = excluded.entries, \
             covers = excluded.covers \
             WHERE crl.number < excluded.number",
        )
        .bind(number)
        .bind(crl.this_update)
        .bind(crl.next_update)
        .bind(crl.der.to_vec())
        .bind(i64::try_from(crl.entries).unwrap_or(i64::MAX))
        .bind(i64::try_from(crl.covers).unwrap_or(i64::MAX))
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(updated == 1)
    }
}
