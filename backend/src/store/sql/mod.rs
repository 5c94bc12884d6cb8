//! The store on sqlx's `Any` driver: SQLite (one file, WAL) or PostgreSQL.

mod audit;
mod binds;
mod collect;
mod lite;
mod messages;
mod orders;
mod reminders;
mod reports;
mod revocation;
mod search;
mod seed;
mod sites;
mod staff;
mod tokens;
mod tx;
mod webhooks;

pub(super) use super::prelude::*;
use super::*;
use async_trait::async_trait;
use binds::{Bind, Binds, args};
use certportal_shared::model::{
    Channel, ClientName, ContactName, Custody, Email, KeyType, Locale, MessageState, Mobile,
    OrderEvent, OrderSpec, OrderState, Organisation, Profile, Purpose, RevocationReason, Role,
    Service,
};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor, Row};
use std::sync::Arc;
use tx::{Columns, Ends, Job, Tx};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

const ORDER_COLUMNS: &str = "o.id, o.serial, o.custody, o.org, o.service, o.client, o.contact_name, o.email, o.mobile, \
     o.key_type, o.profile, o.locale, o.state, o.created_at, o.created_by, o.updated_at, o.renews_serial, \
     o.supersede_on_collect, o.link_expires_at, o.code_mac, o.code_expires_at, o.code_attempts, \
     o.code_sent_at, o.resends, o.downloads, \
     CASE WHEN EXISTS (SELECT 1 FROM sealed_values b WHERE b.owner = o.id AND b.kind = 'bundle') \
     THEN 1 ELSE 0 END AS has_bundle, o.bundle_sha256, o.collected_at, c.not_after, \
     o.renewal_requested_at, o.site";

/// Certificates, then their orders: read in this order, a range on the certificates' end
/// (certificates_live_by_end) finds what ends soon without reading every collected order.
/// SQLite takes CROSS JOIN's order as written; PostgreSQL plans it as any join.
pub(super) const LIVE_CERTIFICATES_FIRST: &str = "certificates c CROSS JOIN orders o";

/// `('a', 'b')`: states as an SQL list (state names are fixed identifiers, never input).
fn state_list(states: impl Iterator<Item = OrderState>) -> String {
    name_list(states.map(OrderState::as_str))
}

/// `('a', 'b')`: fixed identifiers (state, channel names), never input, as an SQL list.
pub(super) fn name_list(names: impl Iterator<Item = &'static str>) -> String {
    let names: Vec<String> = names.map(|name| format!("'{name}'")).collect();
    format!("({})", names.join(", "))
}

/// The guard of an event, from the lifecycle table: `state IN (the states it applies to)`.
pub(super) fn applies(event: OrderEvent) -> String {
    format!("state IN {}", state_list(event.sources()))
}

/// The state an event moves an order to, from the lifecycle table:
/// `CASE state WHEN 'from' THEN 'to' ... END`. Use with [`applies`].
pub(super) fn moved(event: OrderEvent) -> String {
    let arms: Vec<String> = event
        .moves()
        .map(|(from, to)| format!("WHEN '{}' THEN '{}'", from.as_str(), to.as_str()))
        .collect();
    format!("CASE state {} END", arms.join(" "))
}

/// `state IN (the states in which an order can still be collected)`.
pub(super) fn open() -> String {
    format!("state IN {}", state_list(OrderState::open_states()))
}

/// What a sealed value is: the column `sealed_values.kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Sealed {
    Bundle,
    Password,
    Message,
}

impl Sealed {
    fn kind(self) -> &'static str {
        match self {
            Self::Bundle => "bundle",
            Self::Password => "password",
            Self::Message => "message",
        }
    }
}

async fn put_sealed(tx: &mut impl Tx, owner: &str, what: Sealed, blob: &[u8]) -> StoreResult<()> {
    tx.exec(
        "INSERT INTO sealed_values (owner, kind, blob) VALUES ($1, $2, $3)",
        &args![owner, what.kind(), blob],
    )
    .await?;
    Ok(())
}

async fn sealed(tx: &mut impl Tx, owner: &str, what: Sealed) -> StoreResult<Option<Vec<u8>>> {
    tx.row(
        "SELECT blob FROM sealed_values WHERE owner = $1 AND kind = $2",
        &args![owner, what.kind()],
    )
    .await?
    .map(|row| row.cell("blob"))
    .transpose()
}

/// Wipes an owner's sealed values of the kinds given.
async fn wipe_sealed(tx: &mut impl Tx, owner: &str, what: &[Sealed]) -> StoreResult<()> {
    let kinds = name_list(what.iter().map(|what| what.kind()));
    tx.exec(
        &format!("DELETE FROM sealed_values WHERE owner = $1 AND kind IN {kinds}"),
        &args![owner],
    )
    .await?;
    Ok(())
}

/// Ends what an order that can no longer be collected leaves behind: its file and password,
/// its collect sessions, and its unsent messages.
async fn end_flow(tx: &mut impl Tx, order_id: &str, now: i64) -> StoreResult<()> {
    wipe_sealed(tx, order_id, &[Sealed::Bundle, Sealed::Password]).await?;
    end_sessions(tx, order_id).await?;
    drop_queued(tx, order_id, None, now).await
}

async fn end_sessions(tx: &mut impl Tx, order_id: &str) -> StoreResult<()> {
    tx.exec(
        "DELETE FROM collect_sessions WHERE order_id = $1",
        &args![order_id],
    )
    .await?;
    Ok(())
}

/// Drops an order's unsent messages (of one purpose, or all) and wipes their bodies.
async fn drop_queued(
    tx: &mut impl Tx,
    order_id: &str,
    purpose: Option<Purpose>,
    now: i64,
) -> StoreResult<()> {
    let purpose = purpose.map(Purpose::as_str);
    let which = "order_id = $1 AND status = 'queued' AND ($2 IS NULL OR purpose = $2)";
    tx.exec(
        &format!(
            "DELETE FROM sealed_values WHERE kind = 'message' AND owner IN \
             (SELECT idempotency_key FROM messages WHERE {which})"
        ),
        &args![order_id, purpose],
    )
    .await?;
    tx.exec(
        &format!(
            "UPDATE messages SET status = 'dropped', ended_at = $3, claimed_until = NULL WHERE {which}"
        ),
        &args![order_id, purpose, now],
    )
    .await?;
    Ok(())
}

const CERTIFICATE_COLUMNS: &str = "serial, order_id, subject, key_type, not_before, not_after, fingerprint, key_sha256, der, revoked_at, revocation_reason";

async fn insert_certificate(tx: &mut impl Tx, cert: &CertificateRecord) -> StoreResult<()> {
    tx.exec(
        "INSERT INTO certificates (serial, order_id, subject, key_type, not_before, not_after, fingerprint, \
         key_sha256, der) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        &args![
            &cert.serial,
            &cert.order_id,
            &cert.subject,
            &cert.key_type,
            cert.not_before,
            cert.not_after,
            &cert.fingerprint,
            &cert.key_sha256,
            &cert.der,
        ],
    )
    .await?;
    Ok(())
}

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
    /// SQLite has one writer at a time, and a writer that finds the lock taken sleeps in
    /// SQLite's busy handler for milliseconds at a go. Queuing writers here instead keeps a
    /// busy portal's latency flat. PostgreSQL needs no such queue.
    writer: Arc<tokio::sync::Mutex<()>>,
    /// SQLite's writer thread, which runs a [`Job`] in one hop (lite.rs).
    lite: Option<Arc<lite::Writer>>,
}

/// Every SQLite connection's settings. WAL lets readers run beside the writer; secure_delete
/// overwrites wiped secrets instead of leaving them in free pages; temp_store keeps the
/// statement and savepoint journals (copies of the pages a statement changes, secrets among
/// them) in memory rather than in temporary files, which also spares the writer their writes.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
     PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; PRAGMA busy_timeout = 5000; \
     PRAGMA temp_store = MEMORY;";

pub(super) fn count(value: i64) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// A value the store keeps as text and hands out parsed: the database is read through the
/// same parsers as the API, once, here; a value that no longer parses is corruption, not
/// something to paper over further in.
pub(super) trait Stored: Sized {
    fn from_stored(text: &str) -> Result<Self, certportal_shared::FieldError>;
}

macro_rules! stored {
    ($($type:ty),*) => {
        $(impl Stored for $type {
            fn from_stored(text: &str) -> Result<Self, certportal_shared::FieldError> {
                <$type>::parse(text)
            }
        })*
    };
}

stored!(
    Organisation,
    Service,
    ClientName,
    ContactName,
    Email,
    Mobile,
    KeyType,
    Profile,
    Locale,
    Custody,
    OrderState,
    Channel,
    Purpose,
    MessageState,
    RevocationReason,
    Role,
    certportal_shared::model::WebhookEvent
);

/// The text column `column`, parsed.
fn parse<T: Stored>(row: &impl Columns, column: &str) -> StoreResult<T> {
    let text: String = row.cell(column)?;
    T::from_stored(&text).map_err(|e| StoreError::Corrupt(format!("{column}: {}", e.message)))
}

fn order_from_row(row: &impl Columns) -> StoreResult<OrderRecord> {
    Ok(OrderRecord {
        id: row.cell("id")?,
        serial: row.cell("serial")?,
        spec: OrderSpec {
            org: parse(row, "org")?,
            service: parse(row, "service")?,
            client: parse(row, "client")?,
            contact_name: parse(row, "contact_name")?,
            email: parse(row, "email")?,
            mobile: parse(row, "mobile")?,
            key: parse(row, "key_type")?,
            profile: parse(row, "profile")?,
            locale: parse(row, "locale")?,
            custody: parse(row, "custody")?,
        },
        state: parse(row, "state")?,
        created_at: row.cell("created_at")?,
        created_by: row.cell("created_by")?,
        updated_at: row.cell("updated_at")?,
        renews_serial: row.cell("renews_serial")?,
        supersede_on_collect: row.cell::<i64>("supersede_on_collect")? != 0,
        link_expires_at: row.cell("link_expires_at")?,
        code_mac: row.cell("code_mac")?,
        code_expires_at: row.cell("code_expires_at")?,
        code_attempts: count(row.cell("code_attempts")?),
        code_sent_at: row.cell("code_sent_at")?,
        resends: count(row.cell("resends")?),
        downloads: count(row.cell("downloads")?),
        has_bundle: row.cell::<i64>("has_bundle")? != 0,
        bundle_sha256: row.cell("bundle_sha256")?,
        collected_at: row.cell("collected_at")?,
        not_after: row.cell("not_after")?,
        renewal_requested_at: row.cell("renewal_requested_at")?,
        site: row.cell("site")?,
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
        key_sha256: row
            .try_get::<Option<String>, _>("key_sha256")?
            .unwrap_or_default(),
        der: row.try_get("der")?,
        revoked_at: row.try_get("revoked_at")?,
        revocation_reason: reason
            .map(|r| RevocationReason::from_stored(&r).map_err(|e| StoreError::Corrupt(e.message)))
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

/// Records an audit event, and queues the webhook events it is told as to the endpoints
/// registered for them, in the same transaction: an event is sent if and only if its change
/// was committed.
async fn insert_audit(tx: &mut impl Tx, event: &AuditEvent) -> StoreResult<()> {
    tx.exec(
        "INSERT INTO audit_events (at, actor, action, order_id, serial, ip, user_agent, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &args![
            event.at,
            &event.actor,
            &event.action,
            &event.order_id,
            &event.serial,
            &event.ip,
            &event.user_agent,
            &event.detail,
        ],
    )
    .await?;
    webhooks::queue_events(tx, event).await
}

/// Ends a guarded write that matched nothing. Rolls back at once: the guarding UPDATE took
/// SQLite's write lock even so.
async fn refuse(tx: sqlx::Transaction<'static, sqlx::Any>) -> StoreResult<bool> {
    tx.rollback().await?;
    Ok(false)
}

/// Ends a guarded write that went through: records its audit event and commits.
async fn commit_with(
    mut tx: sqlx::Transaction<'static, sqlx::Any>,
    audit: &AuditEvent,
) -> StoreResult<bool> {
    insert_audit(&mut tx, audit).await?;
    tx.commit().await?;
    Ok(true)
}

async fn insert_message(tx: &mut impl Tx, message: &NewMessage, now: i64) -> StoreResult<()> {
    tx.exec(
        "INSERT INTO messages (idempotency_key, order_id, channel, recipient, subject, purpose, locale, \
         created_at, next_attempt_at, stage) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9)",
        &args![
            &message.idempotency_key,
            &message.order_id,
            message.channel.as_str(),
            &message.recipient,
            &message.subject,
            message.purpose.as_str(),
            message.locale.as_str(),
            now,
            message.stage.map(i64::from),
        ],
    )
    .await?;
    put_sealed(
        tx,
        &message.idempotency_key,
        Sealed::Message,
        &message.body_sealed,
    )
    .await
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
            AnyPoolOptions::new().max_connections(if backend == Backend::Sqlite { 4 } else { 16 });
        let options = if backend == Backend::Sqlite {
            options.after_connect(|connection, _| {
                Box::pin(async move {
                    connection.execute(SQLITE_PRAGMAS).await?;
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
        let writer = Arc::default();
        let lite = match backend {
            Backend::Sqlite => {
                let options: sqlx::sqlite::SqliteConnectOptions = url.parse()?;
                Some(Arc::new(lite::Writer::start(
                    options.get_filename(),
                    SQLITE_PRAGMAS,
                    Arc::clone(&writer),
                )?))
            }
            Backend::Postgres => None,
        };
        Ok(Self {
            pool,
            backend,
            writer,
            lite,
        })
    }

    /// Runs a write transaction: on SQLite on the writer thread, in one hop; on PostgreSQL on
    /// a connection of the pool.
    async fn transact<J: Job>(&self, job: J) -> StoreResult<J::Output> {
        if let Some(lite) = &self.lite {
            return lite.run(job).await;
        }
        let mut tx = self.pool.begin().await?;
        match job.run(&mut tx).await? {
            Ends::Commit(output) => {
                tx.commit().await?;
                Ok(output)
            }
            Ends::Rollback(output) => {
                tx.rollback().await?;
                Ok(output)
            }
        }
    }

    /// Waits for this process's turn to write (SQLite only).
    async fn write_turn(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match self.backend {
            Backend::Sqlite => Some(self.writer.lock().await),
            Backend::Postgres => None,
        }
    }

    /// Begins a write transaction in this process's turn; keep the guard until the commit.
    async fn begin_write(
        &self,
    ) -> StoreResult<(
        Option<tokio::sync::MutexGuard<'_, ()>>,
        sqlx::Transaction<'static, sqlx::Any>,
    )> {
        let turn = self.write_turn().await;
        let tx = match self.backend {
            // IMMEDIATE takes the write lock at once: a deferred transaction that reads first
            // and writes later fails at once with "database is locked" (the busy handler does
            // not help an upgrade) when another process (the CLI) wrote in between.
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok((turn, tx))
    }

    /// Runs a job that only reads: on SQLite on the writer thread, whose connection's cache
    /// is warm and which answers in one hop; on PostgreSQL on a connection of the pool,
    /// outside a transaction.
    async fn read<J: Job>(&self, job: J) -> StoreResult<J::Output> {
        if let Some(lite) = &self.lite {
            return lite.run(job).await;
        }
        match job.run(&mut *self.pool.acquire().await?).await? {
            Ends::Commit(output) | Ends::Rollback(output) => Ok(output),
        }
    }

    /// The order a statement of [`order_sql`](Self::order_sql)'s shape finds.
    async fn find_order(&self, sql: String, args: Vec<Bind>) -> StoreResult<Option<OrderRecord>> {
        self.read(FindOrder { sql, args }).await
    }

    fn order_sql(condition: &str) -> String {
        format!(
            "SELECT {ORDER_COLUMNS} FROM orders o LEFT JOIN certificates c ON c.serial = o.serial WHERE {condition}"
        )
    }
}

/// Reads one order, with its certificate's end.
struct FindOrder {
    sql: String,
    args: Vec<Bind>,
}

impl Job for FindOrder {
    type Output = Option<OrderRecord>;

    async fn run<T: Tx>(self, tx: &mut T) -> StoreResult<Ends<Self::Output>> {
        let row = tx.row(&self.sql, &self.args).await?;
        Ok(Ends::Commit(row.as_ref().map(order_from_row).transpose()?))
    }
}

/// Reads one sealed value.
struct FindSealed {
    owner: String,
    what: Sealed,
}

impl Job for FindSealed {
    type Output = Option<Vec<u8>>;

    async fn run<T: Tx>(self, tx: &mut T) -> StoreResult<Ends<Self::Output>> {
        Ok(Ends::Commit(sealed(tx, &self.owner, self.what).await?))
    }
}

#[async_trait]
impl Store for SqlStore {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    async fn fold_counts(&self) -> StoreResult<()> {
        if self.backend == Backend::Sqlite {
            return Ok(());
        }
        // One statement per table: it deletes what it sums, so a row is counted once, in
        // shard 0 or in its own; rows of transactions still running are not yet seen. Keys in
        // order, so that two instances folding at once take shard 0's rows in one order.
        for (table, key) in [
            ("order_counts", "state"),
            ("message_counts", "channel, status"),
        ] {
            sqlx::query(&format!(
                "WITH folded AS (DELETE FROM {table} WHERE shard <> 0 RETURNING {key}, n) \
                 INSERT INTO {table} AS c ({key}, shard, n) \
                 SELECT {key}, 0, SUM(n) FROM folded GROUP BY {key} ORDER BY {key} \
                 ON CONFLICT ({key}, shard) DO UPDATE SET n = c.n + EXCLUDED.n"
            ))
            .execute(&self.pool)
            .await?;
        }
        Ok(())
    }

    async fn compact(&self) -> StoreResult<bool> {
        if self.backend == Backend::Postgres {
            // A plain VACUUM leaves a dead tuple's bytes in the page's free space; FULL writes
            // the live rows to a new file and truncates the old one. The table holds only
            // what open flows need, so the rewrite is small; it locks the table meanwhile.
            // Its lock would queue every order read behind a slow transaction: wait at most
            // a moment for it, and let the caller try again.
            let mut connection = self.pool.acquire().await?;
            connection.execute("SET lock_timeout = '200ms'").await?;
            let result = connection.execute("VACUUM FULL sealed_values").await;
            connection.execute("RESET lock_timeout").await?;
            return match result {
                Ok(_) => {
                    // The wipes come with messages sent. Until a vacuum, the queue's index
                    // keeps an entry for each message that left it, and every claim reads
                    // past them to the ones still queued: a burst of messages made each claim
                    // slower than the last (seconds, before autovacuum's first look). A plain
                    // VACUUM takes no lock that holds up the portal's reads or writes.
                    connection.execute("VACUUM messages").await?;
                    Ok(true)
                }
                // 55P03: lock_not_available.
                Err(sqlx::Error::Database(error)) if error.code().as_deref() == Some("55P03") => {
                    Ok(false)
                }
                Err(error) => Err(error.into()),
            };
        }
        match &self.lite {
            Some(lite) => lite.fold().await,
            // SQLite, the one with a log to fold, always has its writer thread.
            None => Ok(true),
        }
    }
}

/// Escapes LIKE's wildcards so that searched text matches literally.
pub(super) fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_stored_value_that_no_longer_parses_is_corruption_not_a_guess() {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        let store = SqlStore::connect(&url).await.expect("store");
        for statement in [
            "INSERT INTO certificates (serial, order_id, subject, key_type, not_before, not_after, \
             fingerprint, der) VALUES ('01', 'o1', 'CN=x', 'rsa2048', 0, 1, 'f', x'00')",
            "INSERT INTO orders (id, serial, org, service, client, contact_name, email, mobile, \
             key_type, profile, locale, state, created_at, created_by, updated_at, link_hash, \
             link_expires_at, code_expires_at, code_sent_at, bundle_sha256) VALUES ('o1', '01', \
             'Acme AS', 'Payments', 'e-banking', 'Kari', 'kari@example.no', 'not a number', \
             'rsa2048', 'modern', 'en', 'issued', 0, 'cli', 0, x'01', 1, 1, 0, x'02')",
        ] {
            store.pool.execute(statement).await.expect("insert");
        }
        match store.order("o1").await {
            Err(StoreError::Corrupt(what)) => assert!(what.starts_with("mobile:"), "{what}"),
            other => panic!("a corrupt row was read as {other:?}"),
        }
        store
            .pool
            .execute("UPDATE orders SET mobile = '+4791234567', state = 'lost'")
            .await
            .expect("update");
        assert!(matches!(
            store.order("o1").await,
            Err(StoreError::Corrupt(what)) if what.starts_with("state:")
        ));
        store
            .pool
            .execute("UPDATE orders SET state = 'issued'")
            .await
            .expect("update");
        let order = store.order("o1").await.expect("read").expect("found");
        assert_eq!(order.spec.mobile.as_str(), "+4791234567");
        assert_eq!(order.spec.key, KeyType::Rsa2048);
    }
}
