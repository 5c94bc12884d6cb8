//! The store on sqlx's `Any` driver: SQLite (one file, WAL) or PostgreSQL.

use super::*;
use async_trait::async_trait;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor, Row};
use std::str::FromStr;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The SQL for the states an order can still be collected in.
const OPEN_STATES_SQL: &str = "('issued', 'link_sent', 'code_verified', 'downloaded')";

const ORDER_COLUMNS: &str = "o.id, o.serial, o.org, o.service, o.client, o.contact_name, o.email, o.mobile, \
     o.key_type, o.profile, o.locale, o.state, o.created_at, o.created_by, o.updated_at, o.renews_serial, \
     o.supersede_on_collect, o.link_expires_at, o.code_mac, o.code_expires_at, o.code_attempts, \
     o.code_sent_at, o.resends, o.downloads, \
     CASE WHEN o.bundle_sealed IS NULL THEN 0 ELSE 1 END AS has_bundle, o.bundle_sha256, \
     o.collected_at, c.not_after";

const CERTIFICATE_COLUMNS: &str = "serial, order_id, subject, key_type, not_before, not_after, fingerprint, der, revoked_at, revocation_reason";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
}

/// The SQL store.
#[derive(Clone, Debug)]
pub struct SqlStore {
    pool: AnyPool,
    backend: Backend,
}

fn count(value: i64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

fn order_from_row(row: &AnyRow) -> StoreResult<OrderRecord> {
    let state: String = row.try_get("state")?;
    Ok(OrderRecord {
        id: row.try_get("id")?,
        serial: row.try_get("serial")?,
        org: row.try_get("org")?,
        service: row.try_get("service")?,
        client: row.try_get("client")?,
        contact_name: row.try_get("contact_name")?,
        email: row.try_get("email")?,
        mobile: row.try_get("mobile")?,
        key_type: row.try_get("key_type")?,
        profile: row.try_get("profile")?,
        locale: row.try_get("locale")?,
        state: OrderState::parse(&state).map_err(|e| StoreError::Corrupt(e.message))?,
        created_at: row.try_get("created_at")?,
        created_by: row.try_get("created_by")?,
        updated_at: row.try_get("updated_at")?,
        renews_serial: row.try_get("renews_serial")?,
        supersede_on_collect: row.try_get::<i64, _>("supersede_on_collect")? != 0,
        link_expires_at: row.try_get("link_expires_at")?,
        code_mac: row.try_get("code_mac")?,
        code_expires_at: row.try_get("code_expires_at")?,
        code_attempts: count(row.try_get("code_attempts")?),
        code_sent_at: row.try_get("code_sent_at")?,
        resends: count(row.try_get("resends")?),
        downloads: count(row.try_get("downloads")?),
        has_bundle: row.try_get::<i64, _>("has_bundle")? != 0,
        bundle_sha256: row.try_get("bundle_sha256")?,
        collected_at: row.try_get("collected_at")?,
        not_after: row.try_get("not_after")?,
    })
}

fn certificate_from_row(row: &AnyRow) -> StoreResult<CertificateRecord> {
    let reason: Option<String> = row.try_get("revocation_reason")?;
    Ok(CertificateRecord {
        serial: row.try_get("serial")?,
        order_id: row.try_get("order_id")?,
        subject: row.try_get("subject")?,
        key_type: row.try_get("key_type")?,
        not_before: row.try_get("not_before")?,
        not_after: row.try_get("not_after")?,
        fingerprint: row.try_get("fingerprint")?,
        der: row.try_get("der")?,
        revoked_at: row.try_get("revoked_at")?,
        revocation_reason: reason
            .map(|r| RevocationReason::from_str(&r).map_err(|e| StoreError::Corrupt(e.message)))
            .transpose()?,
    })
}

fn audit_from_row(row: &AnyRow) -> StoreResult<AuditEvent> {
    Ok(AuditEvent {
        at: row.try_get("at")?,
        actor: row.try_get("actor")?,
        action: row.try_get("action")?,
        order_id: row.try_get("order_id")?,
        serial: row.try_get("serial")?,
        ip: row.try_get("ip")?,
        user_agent: row.try_get("user_agent")?,
        detail: row.try_get("detail")?,
    })
}

async fn insert_audit<'c, E: Executor<'c, Database = sqlx::Any>>(
    executor: E,
    event: &AuditEvent,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO audit_events (at, actor, action, order_id, serial, ip, user_agent, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(event.at)
    .bind(&event.actor)
    .bind(&event.action)
    .bind(&event.order_id)
    .bind(&event.serial)
    .bind(&event.ip)
    .bind(&event.user_agent)
    .bind(&event.detail)
    .execute(executor)
    .await?;
    Ok(())
}

async fn insert_message<'c, E: Executor<'c, Database = sqlx::Any>>(
    executor: E,
    message: &NewMessage,
    now: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO messages (order_id, channel, recipient, subject, body_sealed, purpose, locale, created_at, \
         next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
    )
    .bind(&message.order_id)
    .bind(&message.channel)
    .bind(&message.recipient)
    .bind(&message.subject)
    .bind(&message.body_sealed)
    .bind(&message.purpose)
    .bind(&message.locale)
    .bind(now)
    .execute(executor)
    .await?;
    Ok(())
}

impl SqlStore {
    /// Connects, applies the database's pragmas and runs its migrations.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            let scheme = url.split(':').next().unwrap_or_default();
            return Err(StoreError::UnsupportedUrl(format!("{scheme}:...")));
        };
        let options =
            AnyPoolOptions::new().max_connections(if backend == Backend::Sqlite { 8 } else { 16 });
        let options = if backend == Backend::Sqlite {
            options.after_connect(|connection, _| {
                Box::pin(async move {
                    // WAL lets readers run beside the writer; secure_delete overwrites wiped
                    // secrets instead of leaving them in free pages.
                    connection
                        .execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; \
                             PRAGMA secure_delete = ON; PRAGMA busy_timeout = 5000;",
                        )
                        .await?;
                    Ok(())
                })
            })
        } else {
            options
        };
        let pool = options.connect(url).await?;
        match backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&pool).await?,
        }
        Ok(Self { pool, backend })
    }

    /// Closes the pool, waiting for connections to finish.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    fn order_sql(condition: &str) -> String {
        format!(
            "SELECT {ORDER_COLUMNS} FROM orders o JOIN certificates c ON c.serial = o.serial WHERE {condition}"
        )
    }
}

#[async_trait]
impl Store for SqlStore {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn checkpoint(&self) -> StoreResult<()> {
        if self.backend == Backend::Sqlite {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    async fn create_order(
        &self,
        order: &NewOrder,
        messages: &[NewMessage],
        audit: &AuditEvent,
    ) -> StoreResult<()> {
        let cert = &order.certificate;
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO certificates (serial, order_id, subject, key_type, not_before, not_after, fingerprint, der) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&cert.serial)
        .bind(&order.id)
        .bind(&cert.subject)
        .bind(&cert.key_type)
        .bind(cert.not_before)
        .bind(cert.not_after)
        .bind(&cert.fingerprint)
        .bind(&cert.der)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO orders (id, serial, org, service, client, contact_name, email, mobile, key_type, profile, \
             locale, state, created_at, created_by, updated_at, renews_serial, supersede_on_collect, link_hash, \
             link_expires_at, code_mac, code_expires_at, code_sent_at, bundle_sealed, bundle_sha256, password_sealed) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'issued', $12, $13, $12, $14, $15, $16, $17, $18, \
             $19, $12, $20, $21, $22)",
        )
        .bind(&order.id)
        .bind(&cert.serial)
        .bind(&order.org)
        .bind(&order.service)
        .bind(&order.client)
        .bind(&order.contact_name)
        .bind(&order.email)
        .bind(&order.mobile)
        .bind(&order.key_type)
        .bind(&order.profile)
        .bind(&order.locale)
        .bind(order.created_at)
        .bind(&order.created_by)
        .bind(&order.renews_serial)
        .bind(i64::from(order.supersede_on_collect))
        .bind(&order.link_hash)
        .bind(order.link_expires_at)
        .bind(&order.code_mac)
        .bind(order.code_expires_at)
        .bind(&order.bundle_sealed)
        .bind(&order.bundle_sha256)
        .bind(&order.password_sealed)
        .execute(&mut *tx)
        .await?;
        for message in messages {
            insert_message(&mut *tx, message, order.created_at).await?;
        }
        insert_audit(&mut *tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn order(&self, id: &str) -> StoreResult<Option<OrderRecord>> {
        let row = sqlx::query(&Self::order_sql("o.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(order_from_row).transpose()
    }

    async fn order_by_link(&self, link_hash: &[u8]) -> StoreResult<Option<OrderRecord>> {
        let row = sqlx::query(&Self::order_sql("o.link_hash = $1"))
            .bind(link_hash.to_vec())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(order_from_row).transpose()
    }

    async fn certificate(&self, serial: &str) -> StoreResult<Option<CertificateRecord>> {
        let sql = format!("SELECT {CERTIFICATE_COLUMNS} FROM certificates WHERE serial = $1");
        let row = sqlx::query(&sql)
            .bind(serial)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(certificate_from_row).transpose()
    }

    async fn record_code_failure(&self, order_id: &str, audit: &AuditEvent) -> StoreResult<u32> {
        let mut tx = self.pool.begin().await?;
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
        let mut tx = self.pool.begin().await?;
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
            // Roll back at once: the guarding UPDATE took the write lock even though it
            // matched nothing.
            tx.rollback().await?;
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO collect_sessions (token_hash, order_id, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(session_hash.to_vec())
        .bind(order_id)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        insert_audit(&mut *tx, audit).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn replace_code(
        &self,
        order_id: &str,
        code: &NewCode,
        message: &NewMessage,
        audit: &AuditEvent,
    ) -> StoreResult<bool> {
        let mut tx = self.pool.begin().await?;
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
            // Roll back at once: the guarding UPDATE took the write lock even though it
            // matched nothing.
            tx.rollback().await?;
            return Ok(false);
        }
        insert_message(&mut *tx, message, audit.at).await?;
        insert_audit(&mut *tx, audit).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn session(&self, session_hash: &[u8]) -> StoreResult<Option<SessionRecord>> {
        let row =
            sqlx::query("SELECT order_id, expires_at FROM collect_sessions WHERE token_hash = $1")
                .bind(session_hash.to_vec())
                .fetch_optional(&self.pool)
                .await?;
        row.map(|row| {
            Ok(SessionRecord {
                order_id: row.try_get("order_id")?,
                expires_at: row.try_get("expires_at")?,
            })
        })
        .transpose()
    }

    async fn take_download(
        &self,
        order_id: &str,
        max_downloads: u32,
        audit: &AuditEvent,
    ) -> StoreResult<Option<Vec<u8>>> {
        let mut tx = self.pool.begin().await?;
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
        let mut tx = self.pool.begin().await?;
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
            // Roll back at once: the guarding UPDATE took the write lock even though it
            // matched nothing.
            tx.rollback().await?;
            return Ok(false);
        }
        insert_message(&mut *tx, message, audit.at).await?;
        insert_audit(&mut *tx, audit).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn expire_links(&self, now: i64) -> StoreResult<Vec<String>> {
        let mut tx = self.pool.begin().await?;
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
        let result = sqlx::query("DELETE FROM collect_sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected())
    }

    async fn revoke(
        &self,
        serial: &str,
        reason: RevocationReason,
        audit: &AuditEvent,
    ) -> StoreResult<RevokeOutcome> {
        let mut tx = self.pool.begin().await?;
        let updated = sqlx::query(
            "UPDATE certificates SET revoked_at = $2, revocation_reason = $3 WHERE serial = $1 AND revoked_at IS NULL",
        )
        .bind(serial)
        .bind(audit.at)
        .bind(reason.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated != 1 {
            let exists: Option<String> =
                sqlx::query_scalar("SELECT serial FROM certificates WHERE serial = $1")
                    .bind(serial)
                    .fetch_optional(&mut *tx)
                    .await?;
            return Ok(if exists.is_some() {
                RevokeOutcome::AlreadyRevoked
            } else {
                RevokeOutcome::Unknown
            });
        }
        sqlx::query(
            "UPDATE orders SET state = 'revoked', bundle_sealed = NULL, password_sealed = NULL, code_mac = NULL, \
             updated_at = $2 WHERE serial = $1",
        )
        .bind(serial)
        .bind(audit.at)
        .execute(&mut *tx)
        .await?;
        insert_audit(&mut *tx, audit).await?;
        tx.commit().await?;
        Ok(RevokeOutcome::Revoked)
    }

    async fn revoked(&self) -> StoreResult<Vec<CertificateRecord>> {
        let sql = format!(
            "SELECT {CERTIFICATE_COLUMNS} FROM certificates WHERE revoked_at IS NOT NULL ORDER BY revoked_at"
        );
        let rows = sqlx::query(&sql).fetch_all(&self.pool).await?;
        rows.iter().map(certificate_from_row).collect()
    }

    async fn crl(&self) -> StoreResult<Option<CrlRecord>> {
        let row = sqlx::query("SELECT number, this_update, next_update, der FROM crl WHERE id = 1")
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| {
            Ok(CrlRecord {
                number: u64::try_from(row.try_get::<i64, _>("number")?).unwrap_or_default(),
                this_update: row.try_get("this_update")?,
                next_update: row.try_get("next_update")?,
                der: row.try_get("der")?,
            })
        })
        .transpose()
    }

    async fn save_crl(&self, crl: &CrlRecord) -> StoreResult<bool> {
        let number = i64::try_from(crl.number)
            .map_err(|_| StoreError::Corrupt("CRL number too large".into()))?;
        let updated = sqlx::query(
            "INSERT INTO crl (id, number, this_update, next_update, der) VALUES (1, $1, $2, $3, $4) \
             ON CONFLICT (id) DO UPDATE SET number = excluded.number, this_update = excluded.this_update, \
             next_update = excluded.next_update, der = excluded.der WHERE crl.number < excluded.number",
        )
        .bind(number)
        .bind(crl.this_update)
        .bind(crl.next_update)
        .bind(crl.der.clone())
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(updated == 1)
    }

    async fn claim_due_messages(
        &self,
        now: i64,
        claim_until: i64,
        limit: u32,
    ) -> StoreResult<Vec<QueuedMessage>> {
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

    async fn mark_sent(&self, id: i64, now: i64, audit: &AuditEvent) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE messages SET sent_at = $2, body_sealed = NULL, attempts = attempts + 1, claimed_until = NULL, \
             last_error = NULL WHERE id = $1",
        )
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        // The link is out: the order moves on from `issued`.
        sqlx::query(
            "UPDATE orders SET state = 'link_sent', updated_at = $2 WHERE state = 'issued' \
             AND id = (SELECT order_id FROM messages WHERE id = $1 AND purpose = 'collect_link')",
        )
        .bind(id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        insert_audit(&mut *tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn mark_failed(&self, id: i64, error: &str, next_attempt_at: i64) -> StoreResult<()> {
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
