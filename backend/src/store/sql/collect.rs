//! The collect flow: codes, sessions, downloads, receipts, expiry.

use super::*;

/// The guards every use of a code carries, bound as `$2` (now) and `$3` (the limit on
/// tries): the order is open, its link and code have not run out, the code is unused.
fn code_guards() -> String {
    format!(
        "id = $1 AND {} AND code_mac IS NOT NULL AND code_expires_at > $2 AND link_expires_at > $2",
        open()
    )
}

/// A try taken at a code: the code's keyed hash and the tries on it, this one included.
pub(super) fn code_try(row: &AnyRow) -> StoreResult<CodeTry> {
    Ok(CodeTry {
        code_mac: row.try_get("code_mac")?,
        attempts: count(row.try_get("code_attempts")?),
    })
}

/// Queues a collected order's messages and records its report link.
async fn insert_handover(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    handover: &Handover,
    at: i64,
) -> StoreResult<()> {
    for message in &handover.messages {
        insert_message(tx, message, at).await?;
    }
    if let Some(report) = &handover.report {
        insert_report(tx, report).await?;
    }
    Ok(())
}

/// Records a report link.
pub(super) async fn insert_report(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    report: &NewReport,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO reports (token_hash, order_id, serial, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(report.token_hash.clone())
    .bind(&report.order_id)
    .bind(&report.serial)
    .bind(report.expires_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[async_trait]
impl CollectStore for SqlStore {
    async fn take_code_try(
        &self,
        order_id: &str,
        guard: CodeGuard,
    ) -> StoreResult<Option<CodeTry>> {
        let _turn = self.write_turn().await;
        // One statement: the count and the guard are read and written together, so parallel
        // tries queue on the row and the ones past the limit match nothing.
        let sql = format!(
            "UPDATE orders SET code_attempts = code_attempts + 1, updated_at = $2 \
             WHERE {} AND code_attempts < $3 RETURNING code_mac, code_attempts",
            code_guards()
        );
        let row = sqlx::query(&sql)
            .bind(order_id)
            .bind(guard.now)
            .bind(i64::from(guard.max_attempts))
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(code_try).transpose()
    }

    async fn open_session(
        &self,
        order_id: &str,
        code_mac: &[u8],
        guard: CodeGuard,
        session_hash: &[u8],
        expires_at: i64,
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        let (_turn, mut tx) = self.begin_write().await?;
        let sql = format!(
            "UPDATE orders SET code_mac = NULL, updated_at = $2, state = {} \
             WHERE {} AND code_attempts <= $3 AND code_mac = $4 AND {}",
            moved(OrderEvent::CodeVerified),
            code_guards(),
            applies(OrderEvent::CodeVerified),
        );
        let updated = sqlx::query(&sql)
            .bind(order_id)
            .bind(guard.now)
            .bind(i64::from(guard.max_attempts))
            .bind(code_mac.to_vec())
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
             WHERE id = $1 AND resends < $5 AND code_sent_at <= $6 AND {}",
            open()
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
        // A code still waiting to go out no longer works: only the new one should arrive.
        drop_queued(&mut tx, order_id, Some(message.purpose), audit.at).await?;
        insert_message(&mut tx, message, audit.at).await?;
        commit_with(tx, audit).await
    }

    async fn order_by_session(
        &self,
        session_hash: &[u8],
        now: i64,
    ) -> StoreResult<Option<OrderRecord>> {
        let sql = format!(
            "SELECT {ORDER_COLUMNS} FROM collect_sessions s JOIN orders o ON o.id = s.order_id \
             LEFT JOIN certificates c ON c.serial = o.serial WHERE s.token_hash = $1 AND s.expires_at > $2"
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
        let sql = format!(
            "UPDATE orders SET downloads = downloads + 1, state = {}, updated_at = $3 \
             WHERE id = $1 AND downloads < $2 AND {}",
            moved(OrderEvent::Downloaded),
            applies(OrderEvent::Downloaded)
        );
        let updated = sqlx::query(&sql)
            .bind(order_id)
            .bind(i64::from(max_downloads))
            .bind(audit.at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let file = if updated == 1 {
            sealed(&mut *tx, order_id, Sealed::Bundle).await?
        } else {
            None
        };
        if file.is_none() {
            tx.rollback().await?;
            return Ok(None);
        }
        insert_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(file)
    }

    async fn sealed_password(&self, order_id: &str) -> StoreResult<Option<Vec<u8>>> {
        sealed(&self.pool, order_id, Sealed::Password).await
    }

    async fn complete_receipt(
        &self,
        order_id: &str,
        bundle_sha256: &[u8],
        handover: &Handover,
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        let (_turn, mut tx) = self.begin_write().await?;
        let sql = format!(
            "UPDATE orders SET state = {}, collected_at = $3, updated_at = $3, code_mac = NULL \
             WHERE id = $1 AND {} AND bundle_sha256 = $2",
            moved(OrderEvent::Collected),
            applies(OrderEvent::Collected)
        );
        let updated = sqlx::query(&sql)
            .bind(order_id)
            .bind(bundle_sha256.to_vec())
            .bind(audit.at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if updated != 1 {
            return refuse(tx).await;
        }
        wipe_sealed(&mut *tx, order_id, Sealed::Bundle).await?;
        wipe_sealed(&mut *tx, order_id, Sealed::Password).await?;
        insert_handover(&mut tx, handover, audit.at).await?;
        insert_audit(&mut tx, audit).await?;
        supersede_renewed(&mut tx, self.backend, order_id, audit.at).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn sign_request(
        &self,
        order_id: &str,
        cert: &CertificateRecord,
        handover: &Handover,
        audit: &AuditEvent,
    ) -> StoreResult<SignOutcome> {
        let (_turn, mut tx) = self.begin_write().await?;
        if self.backend == Backend::Postgres {
            // Two orders racing with one key: the check and the insert are one step per key.
            sqlx::query("SELECT pg_advisory_xact_lock(3, hashtext($1))")
                .bind(&cert.key_sha256)
                .execute(&mut *tx)
                .await?;
        }
        let rows = sqlx::query(
            "SELECT revocation_reason, revoked_at, not_after FROM certificates WHERE key_sha256 = $1",
        )
        .bind(&cert.key_sha256)
        .fetch_all(&mut *tx)
        .await?;
        let mut outcome = SignOutcome::Signed;
        for row in &rows {
            let reason: Option<String> = row.try_get("revocation_reason")?;
            let revoked_at: Option<i64> = row.try_get("revoked_at")?;
            let not_after: i64 = row.try_get("not_after")?;
            if reason.as_deref() == Some(RevocationReason::KeyCompromise.as_str()) {
                outcome = SignOutcome::KeyBlocked;
                break;
            }
            if revoked_at.is_none() && not_after > audit.at {
                outcome = SignOutcome::KeyReused;
            }
        }
        if outcome != SignOutcome::Signed {
            tx.rollback().await?;
            return Ok(outcome);
        }
        insert_certificate(&mut tx, cert).await?;
        let sql = format!(
            "UPDATE orders SET serial = $2, state = {}, collected_at = $3, updated_at = $3, code_mac = NULL \
             WHERE id = $1 AND serial IS NULL AND custody <> 'server' AND {}",
            moved(OrderEvent::Signed),
            applies(OrderEvent::Signed)
        );
        let updated = sqlx::query(&sql)
            .bind(order_id)
            .bind(&cert.serial)
            .bind(audit.at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if updated != 1 {
            tx.rollback().await?;
            return Ok(SignOutcome::NotExpected);
        }
        end_flow(&mut tx, order_id, audit.at).await?;
        insert_handover(&mut tx, handover, audit.at).await?;
        insert_audit(&mut tx, audit).await?;
        supersede_renewed(&mut tx, self.backend, order_id, audit.at).await?;
        tx.commit().await?;
        Ok(SignOutcome::Signed)
    }

    async fn expire_links(&self, now: i64) -> StoreResult<Vec<String>> {
        let (_turn, mut tx) = self.begin_write().await?;
        let sql = format!(
            "UPDATE orders SET state = {}, code_mac = NULL, updated_at = $1 \
             WHERE link_expires_at <= $1 AND {} RETURNING id, serial",
            moved(OrderEvent::Expired),
            applies(OrderEvent::Expired)
        );
        let rows = sqlx::query(&sql).bind(now).fetch_all(&mut *tx).await?;
        let mut ids = Vec::with_capacity(rows.len());
        for row in rows {
            let id: String = row.try_get("id")?;
            let serial: Option<String> = row.try_get("serial")?;
            end_flow(&mut tx, &id, now).await?;
            let event = AuditEvent {
                at: now,
                actor: "system".into(),
                action: "link.expired".into(),
                order_id: Some(id.clone()),
                serial,
                detail: Some(
                    "the link ran out; the file and password were wiped, unsent messages dropped"
                        .into(),
                ),
                ..AuditEvent::default()
            };
            insert_audit(&mut tx, &event).await?;
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

/// A renewal collected revokes what it renews, when staff asked for it, in the transaction
/// that collects it: a crash cannot leave both certificates valid.
async fn supersede_renewed(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    backend: Backend,
    order_id: &str,
    at: i64,
) -> StoreResult<()> {
    let renews: Option<Option<String>> = sqlx::query_scalar(
        "SELECT renews_serial FROM orders WHERE id = $1 AND supersede_on_collect = 1",
    )
    .bind(order_id)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(old) = renews.flatten() {
        let superseded = AuditEvent {
            at,
            actor: "system".into(),
            action: "certificate.revoked".into(),
            detail: Some(format!("reason: {}", RevocationReason::Superseded)),
            ..AuditEvent::default()
        };
        super::revocation::revoke_in(tx, backend, &old, RevocationReason::Superseded, &superseded)
            .await?;
    }
    Ok(())
}
