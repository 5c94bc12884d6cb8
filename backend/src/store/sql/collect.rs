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
pub(super) fn code_try(row: &impl Columns) -> StoreResult<CodeTry> {
    Ok(CodeTry {
        code_mac: row.cell("code_mac")?,
        attempts: count(row.cell("code_attempts")?),
    })
}

/// Queues a collected order's messages and records its report link.
async fn insert_handover(tx: &mut impl Tx, handover: &Handover, at: i64) -> StoreResult<()> {
    for message in &handover.messages {
        insert_message(tx, message, at).await?;
    }
    if let Some(report) = &handover.report {
        insert_report(tx, report).await?;
    }
    Ok(())
}

/// Records a report link.
pub(super) async fn insert_report(tx: &mut impl Tx, report: &NewReport) -> StoreResult<()> {
    tx.exec(
        "INSERT INTO reports (token_hash, order_id, serial, expires_at) VALUES ($1, $2, $3, $4)",
        &args![
            &report.token_hash,
            &report.order_id,
            &report.serial,
            report.expires_at
        ],
    )
    .await?;
    Ok(())
}

/// Ends a guarded write: records its audit event and commits when its guard matched one row,
/// rolls back at once when it matched none (the guarding UPDATE took SQLite's write lock even
/// so).
async fn audited(tx: &mut impl Tx, matched: u64, audit: &AuditEvent) -> StoreResult<Ends<bool>> {
    if matched != 1 {
        return Ok(Ends::Rollback(false));
    }
    insert_audit(tx, audit).await?;
    Ok(Ends::Commit(true))
}

struct TakeCodeTry {
    order_id: String,
    guard: CodeGuard,
}

impl Job for TakeCodeTry {
    type Output = Option<CodeTry>;

    async fn run<T: Tx>(self, tx: &mut T) -> StoreResult<Ends<Self::Output>> {
        // One statement: the count and the guard are read and written together, so parallel
        // tries queue on the row and the ones past the limit match nothing.
        let sql = format!(
            "UPDATE orders SET code_attempts = code_attempts + 1, updated_at = $2 \
             WHERE {} AND code_attempts < $3 RETURNING code_mac, code_attempts",
            code_guards()
        );
        let row = tx
            .row(
                &sql,
                &args![
                    &self.order_id,
                    self.guard.now,
                    i64::from(self.guard.max_attempts)
                ],
            )
            .await?;
        Ok(Ends::Commit(row.as_ref().map(code_try).transpose()?))
    }
}

struct OpenSession {
    order_id: String,
    code_mac: Vec<u8>,
    guard: CodeGuard,
    session_hash: Vec<u8>,
    expires_at: i64,
    audit: AuditEvent,
}

impl Job for OpenSession {
    type Output = bool;

    async fn run<T: Tx>(self, tx: &mut T) -> StoreResult<Ends<bool>> {
        let sql = format!(
            "UPDATE orders SET code_mac = NULL, updated_at = $2, state = {} \
             WHERE {} AND code_attempts <= $3 AND code_mac = $4 AND {}",
            moved(OrderEvent::CodeVerified),
            code_guards(),
            applies(OrderEvent::CodeVerified),
        );
        let guard = self.guard;
        let matched = tx
            .exec(
                &sql,
                &args![
                    &self.order_id,
                    guard.now,
                    i64::from(guard.max_attempts),
                    &self.code_mac
                ],
            )
            .await?;
        if matched == 1 {
            tx.exec(
                "INSERT INTO collect_sessions (token_hash, order_id, expires_at) VALUES ($1, $2, $3)",
                &args![&self.session_hash, &self.order_id, self.expires_at],
            )
            .await?;
        }
        audited(tx, matched, &self.audit).await
    }
}

struct ReplaceCode {
    order_id: String,
    code: NewCode,
    message: NewMessage,
    audit: AuditEvent,
}

impl Job for ReplaceCode {
    type Output = bool;

    async fn run<T: Tx>(self, tx: &mut T) -> StoreResult<Ends<bool>> {
        let sql = format!(
            "UPDATE orders SET code_mac = $2, code_expires_at = $3, code_attempts = 0, code_sent_at = $4, \
             resends = resends + 1, updated_at = $4 \
             WHERE id = $1 AND resends < $5 AND code_sent_at <= $6 AND {}",
            open()
        );
        let (code, at) = (&self.code, self.audit.at);
        let matched = tx
            .exec(
                &sql,
                &args![
                    &self.order_id,
                    &code.code_mac,
                    code.expires_at,
                    at,
                    i64::from(code.max_resends),
                    code.sent_before
                ],
            )
            .await?;
        if matched == 1 {
            // A code still waiting to go out no longer works: only the new one should arrive.
            drop_queued(tx, &self.order_id, Some(self.message.purpose), at).await?;
            insert_message(tx, &self.message, at).await?;
        }
        audited(tx, matched, &self.audit).await
    }
}

struct TakeDownload {
    order_id: String,
    max_downloads: u32,
    audit: AuditEvent,
}

impl Job for TakeDownload {
    type Output = Option<Vec<u8>>;

    async fn run<T: Tx>(self, tx: &mut T) -> StoreResult<Ends<Self::Output>> {
        let sql = format!(
            "UPDATE orders SET downloads = downloads + 1, state = {}, updated_at = $3 \
             WHERE id = $1 AND downloads < $2 AND {}",
            moved(OrderEvent::Downloaded),
            applies(OrderEvent::Downloaded)
        );
        let matched = tx
            .exec(
                &sql,
                &args![&self.order_id, i64::from(self.max_downloads), self.audit.at],
            )
            .await?;
        let file = if matched == 1 {
            sealed(tx, &self.order_id, Sealed::Bundle).await?
        } else {
            None
        };
        if file.is_none() {
            return Ok(Ends::Rollback(None));
        }
        insert_audit(tx, &self.audit).await?;
        Ok(Ends::Commit(file))
    }
}

struct CompleteReceipt {
    order_id: String,
    bundle_sha256: Vec<u8>,
    handover: Handover,
    audit: AuditEvent,
}

impl Job for CompleteReceipt {
    type Output = bool;

    async fn run<T: Tx>(self, tx: &mut T) -> StoreResult<Ends<bool>> {
        let sql = format!(
            "UPDATE orders SET state = {}, collected_at = $3, updated_at = $3, code_mac = NULL \
             WHERE id = $1 AND {} AND bundle_sha256 = $2",
            moved(OrderEvent::Collected),
            applies(OrderEvent::Collected)
        );
        let (order_id, at) = (&self.order_id, self.audit.at);
        let matched = tx
            .exec(&sql, &args![order_id, &self.bundle_sha256, at])
            .await?;
        if matched == 1 {
            wipe_sealed(tx, order_id, &[Sealed::Bundle, Sealed::Password]).await?;
            insert_handover(tx, &self.handover, at).await?;
        }
        let ends = audited(tx, matched, &self.audit).await?;
        if matched == 1 {
            supersede_renewed(tx, order_id, at).await?;
        }
        Ok(ends)
    }
}

struct SignRequest {
    order_id: String,
    cert: CertificateRecord,
    handover: Handover,
    audit: AuditEvent,
}

impl Job for SignRequest {
    type Output = SignOutcome;

    async fn run<T: Tx>(self, tx: &mut T) -> StoreResult<Ends<SignOutcome>> {
        let (cert, at) = (&self.cert, self.audit.at);
        if tx.backend() == Backend::Postgres {
            // Two orders racing with one key: the check and the insert are one step per key.
            tx.exec(
                "SELECT pg_advisory_xact_lock(3, hashtext($1))",
                &args![&cert.key_sha256],
            )
            .await?;
        }
        let rows = tx
            .rows(
                "SELECT revocation_reason, revoked_at, not_after FROM certificates WHERE key_sha256 = $1",
                &args![&cert.key_sha256],
            )
            .await?;
        for row in &rows {
            let reason: Option<String> = row.cell("revocation_reason")?;
            if reason.as_deref() == Some(RevocationReason::KeyCompromise.as_str()) {
                return Ok(Ends::Rollback(SignOutcome::KeyBlocked));
            }
        }
        for row in &rows {
            let revoked_at: Option<i64> = row.cell("revoked_at")?;
            let not_after: i64 = row.cell("not_after")?;
            if revoked_at.is_none() && not_after > at {
                return Ok(Ends::Rollback(SignOutcome::KeyReused));
            }
        }
        insert_certificate(tx, cert).await?;
        let sql = format!(
            "UPDATE orders SET serial = $2, state = {}, collected_at = $3, updated_at = $3, code_mac = NULL \
             WHERE id = $1 AND serial IS NULL AND custody <> 'server' AND {}",
            moved(OrderEvent::Signed),
            applies(OrderEvent::Signed)
        );
        let matched = tx
            .exec(&sql, &args![&self.order_id, &cert.serial, at])
            .await?;
        if matched != 1 {
            return Ok(Ends::Rollback(SignOutcome::NotExpected));
        }
        end_flow(tx, &self.order_id, at).await?;
        insert_handover(tx, &self.handover, at).await?;
        insert_audit(tx, &self.audit).await?;
        supersede_renewed(tx, &self.order_id, at).await?;
        Ok(Ends::Commit(SignOutcome::Signed))
    }
}

struct ExpireLinks {
    now: i64,
}

impl Job for ExpireLinks {
    type Output = Vec<String>;

    async fn run<T: Tx>(self, tx: &mut T) -> StoreResult<Ends<Vec<String>>> {
        let now = self.now;
        let sql = format!(
            "UPDATE orders SET state = {}, code_mac = NULL, updated_at = $1 \
             WHERE link_expires_at <= $1 AND {} RETURNING id, serial",
            moved(OrderEvent::Expired),
            applies(OrderEvent::Expired)
        );
        let rows = tx.rows(&sql, &args![now]).await?;
        let mut ids = Vec::with_capacity(rows.len());
        for row in rows {
            let id: String = row.cell("id")?;
            end_flow(tx, &id, now).await?;
            let event = AuditEvent {
                at: now,
                actor: "system".into(),
                action: "link.expired".into(),
                order_id: Some(id.clone()),
                serial: row.cell("serial")?,
                detail: Some(
                    "the link ran out; the file and password were wiped, unsent messages dropped"
                        .into(),
                ),
                ..AuditEvent::default()
            };
            insert_audit(tx, &event).await?;
            ids.push(id);
        }
        Ok(Ends::Commit(ids))
    }
}

struct DeleteExpiredSessions {
    now: i64,
}

impl Job for DeleteExpiredSessions {
    type Output = u64;

    async fn run<T: Tx>(self, tx: &mut T) -> StoreResult<Ends<u64>> {
        let deleted = tx
            .exec(
                "DELETE FROM collect_sessions WHERE expires_at <= $1",
                &args![self.now],
            )
            .await?;
        Ok(Ends::Commit(deleted))
    }
}

#[async_trait]
impl CollectStore for SqlStore {
    async fn take_code_try(
        &self,
        order_id: &str,
        guard: CodeGuard,
    ) -> StoreResult<Option<CodeTry>> {
        self.transact(TakeCodeTry {
            order_id: order_id.to_owned(),
            guard,
        })
        .await
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
        self.transact(OpenSession {
            order_id: order_id.to_owned(),
            code_mac: code_mac.to_vec(),
            guard,
            session_hash: session_hash.to_vec(),
            expires_at,
            audit: audit.clone(),
        })
        .await
    }

    async fn replace_code(
        &self,
        order_id: &str,
        code: &NewCode,
        message: &NewMessage,
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        self.transact(ReplaceCode {
            order_id: order_id.to_owned(),
            code: code.clone(),
            message: message.clone(),
            audit: audit.clone(),
        })
        .await
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
        self.find_order(sql, args![session_hash, now].into()).await
    }

    async fn take_download(
        &self,
        order_id: &str,
        max_downloads: u32,
        audit: &AuditEvent,
    ) -> StoreResult<Option<Vec<u8>>> {
        self.transact(TakeDownload {
            order_id: order_id.to_owned(),
            max_downloads,
            audit: audit.clone(),
        })
        .await
    }

    async fn sealed_password(&self, order_id: &str) -> StoreResult<Option<Vec<u8>>> {
        self.read(FindSealed {
            owner: order_id.to_owned(),
            what: Sealed::Password,
        })
        .await
    }

    async fn complete_receipt(
        &self,
        order_id: &str,
        bundle_sha256: &[u8],
        handover: &Handover,
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        self.transact(CompleteReceipt {
            order_id: order_id.to_owned(),
            bundle_sha256: bundle_sha256.to_vec(),
            handover: handover.clone(),
            audit: audit.clone(),
        })
        .await
    }

    async fn sign_request(
        &self,
        order_id: &str,
        cert: &CertificateRecord,
        handover: &Handover,
        audit: &AuditEvent,
    ) -> StoreResult<SignOutcome> {
        self.transact(SignRequest {
            order_id: order_id.to_owned(),
            cert: cert.clone(),
            handover: handover.clone(),
            audit: audit.clone(),
        })
        .await
    }

    async fn expire_links(&self, now: i64) -> StoreResult<Vec<String>> {
        self.transact(ExpireLinks { now }).await
    }

    async fn delete_expired_sessions(&self, now: i64) -> StoreResult<u64> {
        self.transact(DeleteExpiredSessions { now }).await
    }
}

/// A renewal collected revokes what it renews, when staff asked for it, in the transaction
/// that collects it: a crash cannot leave both certificates valid.
async fn supersede_renewed(tx: &mut impl Tx, order_id: &str, at: i64) -> StoreResult<()> {
    let renews = tx
        .row(
            "SELECT renews_serial FROM orders WHERE id = $1 AND supersede_on_collect = 1",
            &args![order_id],
        )
        .await?;
    let old: Option<String> = match renews {
        Some(row) => row.cell("renews_serial")?,
        None => None,
    };
    if let Some(old) = old {
        let superseded = AuditEvent {
            at,
            actor: "system".into(),
            action: "certificate.revoked".into(),
            detail: Some(format!("reason: {}", RevocationReason::Superseded)),
            ..AuditEvent::default()
        };
        super::revocation::revoke_in(tx, &old, RevocationReason::Superseded, &superseded).await?;
    }
    Ok(())
}
