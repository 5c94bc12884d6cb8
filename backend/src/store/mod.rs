//! Persistence. Every method is one transaction, and every state change is guarded by the
//! state it expects, so two requests racing for the same transition cannot both win.
//!
//! One implementation, [`SqlStore`], serves SQLite and PostgreSQL through sqlx's `Any` driver:
//! the SQL is written once in the dialect both accept (`$1` placeholders, `RETURNING`), and
//! only the migrations differ per database.

mod sql;

pub use sql::SqlStore;

use async_trait::async_trait;
use certportal_shared::model::{OrderState, RevocationReason};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unreadable value in the database: {0}")]
    Corrupt(String),
    #[error("unsupported database URL (use sqlite:// or postgres://): {0}")]
    UnsupportedUrl(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Orders in these states may still be collected.
pub const OPEN_STATES: [OrderState; 4] = [
    OrderState::Issued,
    OrderState::LinkSent,
    OrderState::CodeVerified,
    OrderState::Downloaded,
];

/// Who did what, when and from where.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditEvent {
    pub at: i64,
    /// `cli`, `contact`, `staff:<user>`, `system`.
    pub actor: String,
    /// A dotted verb such as `order.created` or `code.failed`.
    pub action: String,
    pub order_id: Option<String>,
    pub serial: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// Free text that never holds a secret.
    pub detail: Option<String>,
}

/// A certificate as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateRecord {
    pub serial: String,
    pub order_id: String,
    pub subject: String,
    pub key_type: String,
    pub not_before: i64,
    pub not_after: i64,
    pub fingerprint: String,
    pub der: Vec<u8>,
    pub revoked_at: Option<i64>,
    pub revocation_reason: Option<RevocationReason>,
}

/// A new order with its certificate, its sealed file and password, its link and code.
#[derive(Clone, Debug)]
pub struct NewOrder {
    pub id: String,
    pub org: String,
    pub service: String,
    pub client: String,
    pub contact_name: String,
    pub email: String,
    pub mobile: String,
    pub key_type: String,
    pub profile: String,
    pub locale: String,
    pub created_at: i64,
    pub created_by: String,
    pub renews_serial: Option<String>,
    pub supersede_on_collect: bool,
    pub link_hash: Vec<u8>,
    pub link_expires_at: i64,
    pub code_mac: Vec<u8>,
    pub code_expires_at: i64,
    pub bundle_sealed: Vec<u8>,
    pub bundle_sha256: Vec<u8>,
    pub password_sealed: Vec<u8>,
    pub certificate: CertificateRecord,
}

/// An order as stored, without its sealed secrets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderRecord {
    pub id: String,
    pub serial: String,
    pub org: String,
    pub service: String,
    pub client: String,
    pub contact_name: String,
    pub email: String,
    pub mobile: String,
    pub key_type: String,
    pub profile: String,
    pub locale: String,
    pub state: OrderState,
    pub created_at: i64,
    pub created_by: String,
    pub updated_at: i64,
    pub renews_serial: Option<String>,
    pub supersede_on_collect: bool,
    pub link_expires_at: i64,
    /// The keyed hash of the current code; `None` once it was used.
    pub code_mac: Option<Vec<u8>>,
    pub code_expires_at: i64,
    pub code_attempts: u32,
    pub code_sent_at: i64,
    pub resends: u32,
    pub downloads: u32,
    pub has_bundle: bool,
    pub bundle_sha256: Vec<u8>,
    pub collected_at: Option<i64>,
    pub not_after: i64,
}

/// A message to send, its body sealed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMessage {
    pub order_id: Option<String>,
    /// `sms` or `email`.
    pub channel: String,
    pub recipient: String,
    pub subject: Option<String>,
    pub body_sealed: Vec<u8>,
    /// `collect_link`, `otp`, `password`, ...
    pub purpose: String,
    pub locale: String,
}

/// A replacement code and the guards under which it may replace the current one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCode {
    pub code_mac: Vec<u8>,
    pub expires_at: i64,
    /// The current code must have been sent before this time (the cooldown).
    pub sent_before: i64,
    /// The order must have had fewer resends than this.
    pub max_resends: u32,
}

/// A queued message claimed for delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueuedMessage {
    pub id: i64,
    pub order_id: Option<String>,
    pub channel: String,
    pub recipient: String,
    pub subject: Option<String>,
    pub body_sealed: Vec<u8>,
    pub purpose: String,
    pub attempts: u32,
}

/// A message's delivery status, for the admin timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageStatus {
    pub id: i64,
    pub channel: String,
    pub purpose: String,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    pub attempts: u32,
    pub last_error: Option<String>,
}

/// The signed CRL currently published.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrlRecord {
    pub number: u64,
    pub this_update: i64,
    pub next_update: i64,
    pub der: Vec<u8>,
}

/// A collect session.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    pub order_id: String,
    pub expires_at: i64,
}

/// What an attempt to revoke found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RevokeOutcome {
    Revoked,
    AlreadyRevoked,
    Unknown,
}

#[async_trait]
pub trait Store: Send + Sync {
    /// Answers when the database does.
    async fn ping(&self) -> StoreResult<()>;
    /// Makes wiped secrets unrecoverable from the database files (SQLite: truncates the
    /// write-ahead log after folding it in). Best effort; a no-op where nothing is needed.
    async fn checkpoint(&self) -> StoreResult<()>;

    // Orders and certificates.
    async fn create_order(
        &self,
        order: &NewOrder,
        messages: &[NewMessage],
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    async fn order(&self, id: &str) -> StoreResult<Option<OrderRecord>>;
    async fn order_by_link(&self, link_hash: &[u8]) -> StoreResult<Option<OrderRecord>>;
    async fn certificate(&self, serial: &str) -> StoreResult<Option<CertificateRecord>>;

    // The collect flow.
    /// Counts a wrong code; returns the attempts made on the current code.
    async fn record_code_failure(&self, order_id: &str, audit: &AuditEvent) -> StoreResult<u32>;
    /// Uses up the code `code_mac` and opens a session; `false` if that code is no longer
    /// current (used or replaced by a racing request).
    async fn open_session(
        &self,
        order_id: &str,
        code_mac: &[u8],
        session_hash: &[u8],
        expires_at: i64,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
    /// Replaces the code, if the order is open, has resends left and the last code is older
    /// than `code.sent_before`; queues its SMS. `false` when a guard refused.
    async fn replace_code(
        &self,
        order_id: &str,
        code: &NewCode,
        message: &NewMessage,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
    async fn session(&self, session_hash: &[u8]) -> StoreResult<Option<SessionRecord>>;
    /// Counts a download and returns the sealed file, if downloads are left.
    async fn take_download(
        &self,
        order_id: &str,
        max_downloads: u32,
        audit: &AuditEvent,
    ) -> StoreResult<Option<Vec<u8>>>;
    /// The sealed password of an order that still holds one.
    async fn sealed_password(&self, order_id: &str) -> StoreResult<Option<Vec<u8>>>;
    /// Marks the order collected, wipes its file and password and queues the password SMS,
    /// if it was downloaded and the digest matches; `false` otherwise.
    async fn complete_receipt(
        &self,
        order_id: &str,
        bundle_sha256: &[u8],
        message: &NewMessage,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;

    // Expiry.
    /// Ends open orders whose link has expired and wipes their secrets; returns their ids.
    async fn expire_links(&self, now: i64) -> StoreResult<Vec<String>>;
    /// Deletes sessions that ended before `now`.
    async fn delete_expired_sessions(&self, now: i64) -> StoreResult<u64>;

    // Revocation and the CRL.
    async fn revoke(
        &self,
        serial: &str,
        reason: RevocationReason,
        audit: &AuditEvent,
    ) -> StoreResult<RevokeOutcome>;
    async fn revoked(&self) -> StoreResult<Vec<CertificateRecord>>;
    async fn crl(&self) -> StoreResult<Option<CrlRecord>>;
    /// Publishes a CRL if its number is higher than the current one's.
    async fn save_crl(&self, crl: &CrlRecord) -> StoreResult<bool>;

    // The message queue.
    /// Claims up to `limit` due messages until `claim_until`; no other worker gets them
    /// before then.
    async fn claim_due_messages(
        &self,
        now: i64,
        claim_until: i64,
        limit: u32,
    ) -> StoreResult<Vec<QueuedMessage>>;
    /// Marks a message sent and wipes its body; a sent link moves its order to `link_sent`.
    async fn mark_sent(&self, id: i64, now: i64, audit: &AuditEvent) -> StoreResult<()>;
    /// Records a failed try and when to try again.
    async fn mark_failed(&self, id: i64, error: &str, next_attempt_at: i64) -> StoreResult<()>;
    async fn messages_for_order(&self, order_id: &str) -> StoreResult<Vec<MessageStatus>>;

    // Audit.
    async fn record(&self, event: &AuditEvent) -> StoreResult<()>;
    async fn audit_for_order(&self, order_id: &str) -> StoreResult<Vec<AuditEvent>>;
}
