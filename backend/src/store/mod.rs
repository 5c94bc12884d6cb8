//! Persistence. Every method is one transaction, and every state change is guarded by the
//! state it expects, so two requests racing for the same transition cannot both win.
//!
//! One implementation, [`SqlStore`], serves SQLite and PostgreSQL through sqlx's `Any` driver:
//! the SQL is written once in the dialect both accept (`$1` placeholders, `RETURNING`), and
//! only the migrations differ per database.

mod records;
mod sessions;
mod sql;

pub use records::*;
pub use sessions::StaffSessions;
pub use sql::SqlStore;

use async_trait::async_trait;
use certportal_shared::model::{Channel, MessageState, OrderState, RevocationReason};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database error: not committed: {0}")]
    Uncommitted(String),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unreadable value in the database: {0}")]
    Corrupt(String),
    #[error("unsupported database URL (use sqlite:// or postgres://): {0}")]
    UnsupportedUrl(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Everything the portal keeps. The methods are grouped by concern in the traits below;
/// `use crate::store::prelude::*` brings them all into scope.
#[async_trait]
pub trait Store:
    OrderStore
    + CollectStore
    + RevocationStore
    + MessageStore
    + ReminderStore
    + ReportStore
    + AuditStore
    + StaffStore
    + TokenStore
    + WebhookStore
    + SiteStore
    + SeedStore
    + Send
    + Sync
{
    /// Answers when the database does.
    async fn ping(&self) -> StoreResult<()>;
    /// Makes wiped secrets unrecoverable from the database files: SQLite folds the
    /// write-ahead log into the database and truncates it; PostgreSQL rewrites the table of
    /// sealed values, so that no dead tuple keeps a wiped one. `false` when readers kept it
    /// from finishing; try again later.
    async fn compact(&self) -> StoreResult<bool>;
    /// Folds the counts' rows of committed transactions into one per key (PostgreSQL, where
    /// each transaction counts in rows of its own; SQLite keeps one row per key already).
    async fn fold_counts(&self) -> StoreResult<()>;
}

/// Orders and their certificates.
#[async_trait]
pub trait OrderStore: Send + Sync {
    /// Records the order, its certificate, file and messages; `false` (nothing recorded) when
    /// the order is `only_renewal` and another renewal of the same certificate is under way or
    /// collected, or the certificate was revoked. Parallel renewals of one certificate cannot
    /// both pass that guard.
    async fn create_order(
        &self,
        order: &NewOrder,
        messages: &[NewMessage],
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
    async fn order(&self, id: &str) -> StoreResult<Option<OrderRecord>>;
    async fn order_by_link(&self, link_hash: &[u8]) -> StoreResult<Option<OrderRecord>>;
    async fn certificate(&self, serial: &str) -> StoreResult<Option<CertificateRecord>>;
    /// Up to `limit` certificates recorded before keys were hashed: (serial, DER).
    async fn certificates_without_key_hash(
        &self,
        limit: u32,
    ) -> StoreResult<Vec<(String, Vec<u8>)>>;
    /// Records a certificate's key hash.
    async fn set_key_hash(&self, serial: &str, key_sha256: &str) -> StoreResult<()>;
    /// A page of orders, newest first, and how many match. The list is newest first by
    /// creation; a search's, on SQLite, by when the order was stored, which is the same for
    /// every order the portal made itself.
    async fn list_orders(&self, filter: &OrderFilter) -> StoreResult<OrderPage>;
    /// How many orders are in each state, from counts kept as orders change.
    async fn state_counts(&self) -> StoreResult<Vec<(OrderState, u64)>>;
    /// Collected orders whose unrevoked certificate ends after `after` and before `before`,
    /// soonest first.
    async fn expiring(&self, after: i64, before: i64, limit: u32) -> StoreResult<Vec<OrderRecord>>;
    /// How many [`OrderStore::expiring`] would list without a limit.
    async fn expiring_count(&self, after: i64, before: i64) -> StoreResult<u64>;
    /// Cancels an open order, wipes its secrets, ends its sessions, drops its unsent
    /// messages and revokes its certificate (cessationOfOperation); `false` if it was not
    /// open.
    async fn cancel_order(&self, order_id: &str, audit: &AuditEvent) -> StoreResult<bool>;
    /// Gives an open order a new link and code (the old ones stop working, with the sessions
    /// they opened and their unsent messages) and queues their messages; `false` if it was
    /// not open.
    async fn replace_link(
        &self,
        order_id: &str,
        link: &NewLink,
        messages: &[NewMessage],
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
    /// Whether an order renewing certificate `serial` is under way or collected (the check
    /// before the work; [`OrderStore::create_order`] makes it again in its transaction).
    async fn renewal_under_way(&self, serial: &str) -> StoreResult<bool>;
    /// Records a renewal challenge as used; `false` if it was used already.
    async fn use_renewal_challenge(&self, nonce: &[u8], expires_at: i64) -> StoreResult<bool>;
    /// Forgets the used challenges that ended before `before`.
    async fn forget_renewal_challenges(&self, before: i64) -> StoreResult<u64>;
}

/// The collect flow: codes, sessions, downloads, receipts, expiry.
#[async_trait]
pub trait CollectStore: Send + Sync {
    /// Takes one try at the order's current code, before it is compared, in one guarded
    /// statement: the order is open, its link and code have not run out, the code is unused
    /// and fewer than `guard.max_attempts` tries were taken. `None` when a guard refused;
    /// parallel tries can never take more than the limit.
    async fn take_code_try(&self, order_id: &str, guard: CodeGuard)
    -> StoreResult<Option<CodeTry>>;
    /// Uses up the code `code_mac` and opens a session, under the same guards as the try
    /// (the try that found the code counts among the attempts); `false` if a guard refused
    /// or the code is no longer current (used or replaced by a racing request).
    async fn open_session(
        &self,
        order_id: &str,
        code_mac: &[u8],
        guard: CodeGuard,
        session_hash: &[u8],
        expires_at: i64,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
    /// Replaces the code, if the order is open, has resends left and the last code is older
    /// than `code.sent_before`; drops the unsent SMS of the code it replaces and queues the
    /// new one. `false` when a guard refused.
    async fn replace_code(
        &self,
        order_id: &str,
        code: &NewCode,
        message: &NewMessage,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
    /// The order of a collect session that has not ended by `now`.
    async fn order_by_session(
        &self,
        session_hash: &[u8],
        now: i64,
    ) -> StoreResult<Option<OrderRecord>>;
    /// Counts a download and returns the sealed file, if downloads are left.
    async fn take_download(
        &self,
        order_id: &str,
        max_downloads: u32,
        audit: &AuditEvent,
    ) -> StoreResult<Option<Vec<u8>>>;
    /// The sealed password of an order that still holds one.
    async fn sealed_password(&self, order_id: &str) -> StoreResult<Option<Vec<u8>>>;
    /// Marks the order collected, wipes its file and password and queues the handover (the
    /// password SMS, the receipt e-mail and its report link),
    /// if it was downloaded and the digest matches; `false` otherwise. A renewal with
    /// supersede on revokes the certificate it renews, in the same transaction.
    async fn complete_receipt(
        &self,
        order_id: &str,
        bundle_sha256: &[u8],
        handover: &Handover,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
    /// Records the certificate signed for a customer's own key and collects its order, in
    /// one step: the order must take a request (custody not `server`, no certificate yet,
    /// at the step after the code), and the key must be neither blocked (a certificate with
    /// it revoked as keyCompromise) nor that of another live certificate; parallel requests
    /// with one key, or for one order, cannot both pass. Queues the handover, ends the order's
    /// sessions, and revokes what a renewal supersedes.
    async fn sign_request(
        &self,
        order_id: &str,
        cert: &CertificateRecord,
        handover: &Handover,
        audit: &AuditEvent,
    ) -> StoreResult<SignOutcome>;

    /// Ends open orders whose link has expired, wipes their secrets and drops their unsent
    /// messages; returns their ids.
    async fn expire_links(&self, now: i64) -> StoreResult<Vec<String>>;
    /// Deletes sessions that ended before `now`.
    async fn delete_expired_sessions(&self, now: i64) -> StoreResult<u64>;
}

/// Revocation and the published CRL.
#[async_trait]
pub trait RevocationStore: Send + Sync {
    /// Revokes the certificate; its order, unless cancelled, becomes revoked: its secrets
    /// are wiped, its sessions end and its unsent messages are dropped.
    async fn revoke(
        &self,
        serial: &str,
        reason: RevocationReason,
        audit: &AuditEvent,
    ) -> StoreResult<RevokeOutcome>;
    /// The revoked certificates that a CRL must list: those that end after `live_after`.
    async fn revoked_entries(&self, live_after: i64) -> StoreResult<Vec<RevokedEntry>>;
    /// How many revoked certificates end after `live_after`.
    async fn revoked_count(&self, live_after: i64) -> StoreResult<u64>;
    async fn crl(&self) -> StoreResult<Option<CrlRecord>>;
    /// Where the stored CRL stands, without its bytes.
    async fn crl_state(&self) -> StoreResult<CrlState>;
    /// Publishes a CRL if its number is higher than the current one's.
    async fn save_crl(&self, crl: &CrlRecord) -> StoreResult<bool>;
}

/// The message queue.
#[async_trait]
pub trait MessageStore: Send + Sync {
    /// Claims up to `limit` due messages until `claim_until`; no other worker gets them
    /// before then. Only the oldest queued message of each recipient is due, so that a
    /// recipient gets their messages in the order they were queued, outages or not. Only
    /// messages by one of `channels` are claimed.
    async fn claim_due_messages(
        &self,
        channels: &[Channel],
        now: i64,
        claim_until: i64,
        limit: u32,
    ) -> StoreResult<Vec<QueuedMessage>>;
    /// Marks a message sent and wipes its body; a sent link moves its order on. `false` if
    /// it had been dropped meanwhile (its order ended while it was on its way).
    async fn mark_sent(
        &self,
        message: &QueuedMessage,
        now: i64,
        audit: Option<&AuditEvent>,
    ) -> StoreResult<bool>;
    /// Records a failed try and when to try again.
    async fn mark_failed(&self, id: i64, error: &str, next_attempt_at: i64) -> StoreResult<()>;
    /// Gives up on a message after its last try: marks it failed and wipes its body.
    async fn give_up(
        &self,
        message: &QueuedMessage,
        error: &str,
        now: i64,
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    async fn messages_for_order(&self, order_id: &str) -> StoreResult<Vec<MessageStatus>>;
    /// How many messages there are of each channel and state.
    async fn message_counts(&self) -> StoreResult<Vec<(Channel, MessageState, u64)>>;
}

/// Reminders before certificates end, each stage claimed once however many instances ask.
#[async_trait]
pub trait ReminderStore: Send + Sync {
    /// Up to `limit` certificates, soonest ending first, whose contact is due a reminder at
    /// `now`: live certificates of collected orders with no renewal under way or done, ending
    /// within the longest of `stages` (days) and not more than `late_seconds` ago, whose due
    /// stage fell after they began and is not yet claimed.
    async fn due_reminders(
        &self,
        now: i64,
        stages: &[u32],
        late_seconds: i64,
        limit: u32,
    ) -> StoreResult<Vec<DueReminder>>;
    /// Claims the stage (and the stages it covers), queues its message and records the
    /// report link it carries, in one transaction; `false` when the stage was claimed already, by this instance or another.
    async fn claim_reminder(
        &self,
        claim: &ReminderClaim,
        message: &NewMessage,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
    /// Reminders queued since `since`, newest first.
    async fn reminders_since(&self, since: i64, limit: u32) -> StoreResult<Vec<SentReminder>>;
    /// Whether the support digest of `day` was claimed already: a read, so that the sweeps
    /// after it do not build the digest again only to lose the claim.
    async fn digest_claimed(&self, day: i64) -> StoreResult<bool>;
    /// Claims the support digest of `day` (days since 1970, UTC) and queues its message;
    /// `false` when it was claimed already.
    async fn claim_digest(
        &self,
        day: i64,
        message: &NewMessage,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
}

/// The contact's own withdrawal, from the report link in the receipt e-mail.
#[async_trait]
pub trait ReportStore: Send + Sync {
    /// The report link with this token hash.
    async fn report(&self, token_hash: &[u8]) -> StoreResult<Option<ReportRecord>>;
    /// Gives the link a new code and queues its SMS (dropping the unsent SMS of the code it
    /// replaces), if fewer than `code.max_resends` codes were sent and the last before
    /// `code.sent_before`; `false` when a guard refused.
    async fn replace_report_code(
        &self,
        token_hash: &[u8],
        code: &NewCode,
        message: &NewMessage,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
    /// Takes a try at the link's current code before it is compared, in one guarded step:
    /// the code is unused, has not run out and fewer than `guard.max_attempts` tries were
    /// taken. `None` when a guard refused.
    async fn take_report_try(
        &self,
        token_hash: &[u8],
        guard: CodeGuard,
    ) -> StoreResult<Option<CodeTry>>;
    /// Uses up the code `code_mac` (under the same guards) and revokes the link's
    /// certificate, queueing `messages`, in one transaction. `None` when the code was no
    /// longer current (a racing request used it).
    async fn revoke_by_report(
        &self,
        token_hash: &[u8],
        code_mac: &[u8],
        guard: CodeGuard,
        reason: RevocationReason,
        messages: &[NewMessage],
        audit: &AuditEvent,
    ) -> StoreResult<Option<RevokeOutcome>>;
    /// Records that the contact asked for a new certificate, once, queueing `messages`;
    /// `false` if they had asked already.
    async fn request_renewal(
        &self,
        order_id: &str,
        messages: &[NewMessage],
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
    /// Orders whose contact asked for a new certificate that no order renews yet, oldest
    /// request first.
    async fn renewal_requests(&self, limit: u32) -> StoreResult<Vec<OrderRecord>>;
}

/// The audit trail.
#[async_trait]
pub trait AuditStore: Send + Sync {
    async fn record(&self, event: &AuditEvent) -> StoreResult<()>;
    async fn audit_for_order(&self, order_id: &str) -> StoreResult<Vec<AuditEvent>>;
    /// Events newest first, with their ids: those whose actor starts with `actor_prefix`,
    /// older than `before`.
    async fn audit_log(
        &self,
        actor_prefix: Option<&str>,
        before: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<(i64, AuditEvent)>>;
}

/// API tokens.
#[async_trait]
pub trait TokenStore: Send + Sync {
    /// Records a new token with its audit event; `false` if the name is taken.
    async fn create_token(&self, token: &TokenRecord, audit: &AuditEvent) -> StoreResult<bool>;
    async fn token_by_hash(&self, token_hash: &[u8]) -> StoreResult<Option<TokenRecord>>;
    /// Every token, newest first.
    async fn list_tokens(&self) -> StoreResult<Vec<TokenRecord>>;
    /// Revokes a working token with its audit event; `false` if there is none by that name
    /// or it was revoked already.
    async fn revoke_token(&self, name: &str, audit: &AuditEvent) -> StoreResult<bool>;
    /// Records a use at `at`, unless one was recorded since `since`.
    async fn token_used(&self, name: &str, at: i64, since: i64) -> StoreResult<()>;
}

/// Webhook endpoints and their deliveries. Events are queued by the store itself, with the
/// audit event of the change they tell of.
#[async_trait]
pub trait WebhookStore: Send + Sync {
    /// Records an endpoint and its sealed secret with the audit event.
    async fn create_webhook(
        &self,
        endpoint: &WebhookRecord,
        secret_sealed: &[u8],
        audit: &AuditEvent,
    ) -> StoreResult<()>;
    /// Every endpoint, newest first.
    async fn list_webhooks(&self) -> StoreResult<Vec<WebhookRecord>>;
    /// Disables a working endpoint: its secret is wiped and its unsent deliveries dropped;
    /// `false` if there is no working endpoint by that id.
    async fn disable_webhook(&self, id: &str, audit: &AuditEvent) -> StoreResult<bool>;
    /// What one delivery sends: the endpoint's URL and sealed secret, and the event's
    /// payload; `None` once the endpoint is disabled or either is gone.
    async fn webhook_send(
        &self,
        endpoint_id: &str,
        event_id: &str,
    ) -> StoreResult<Option<WebhookSend>>;
    /// Forgets the deliveries that ended before `before`, and the events that then have
    /// none; how many deliveries.
    async fn forget_webhook_deliveries(&self, before: i64) -> StoreResult<u64>;
    /// An endpoint's last `limit` deliveries, newest first.
    async fn webhook_deliveries(
        &self,
        endpoint_id: &str,
        limit: u32,
    ) -> StoreResult<Vec<DeliveryRecord>>;
}

/// Staff accounts and their sign-in records.
#[async_trait]
pub trait StaffStore: Send + Sync {
    /// Adds an account; `false` if the user name is taken.
    async fn create_staff(&self, staff: &StaffRecord, audit: &AuditEvent) -> StoreResult<bool>;
    async fn staff(&self, username: &str) -> StoreResult<Option<StaffRecord>>;
    async fn list_staff(&self) -> StoreResult<Vec<StaffRecord>>;
    /// Records that a TOTP step was used; `false` if it, or a later one, was used before.
    async fn use_totp_step(&self, username: &str, step: i64) -> StoreResult<bool>;
    /// A new password; the credentials epoch moves on (ending the account's sessions). With
    /// `since`, only if the account is still at that epoch: a change made from a session must
    /// not undo a reset that came first. The new epoch, or `None` when refused.
    async fn update_password(
        &self,
        username: &str,
        password_hash: &str,
        must_change: bool,
        since: Option<i64>,
        audit: &AuditEvent,
    ) -> StoreResult<Option<i64>>;
    /// A new TOTP secret; the epoch moves on. The new epoch, or `None` for no such account.
    async fn update_totp(
        &self,
        username: &str,
        totp_sealed: &[u8],
        audit: &AuditEvent,
    ) -> StoreResult<Option<i64>>;
    async fn set_disabled(
        &self,
        username: &str,
        disabled: bool,
        audit: &AuditEvent,
    ) -> StoreResult<bool>;
    /// Takes a sign-in try before the password is checked, in one guarded step: it is
    /// recorded as a failure unless [`StaffStore::login_succeeded`] forgets it, and refused
    /// (`Err` with the failures that throttle) when the account already has `limits.by_user`
    /// failures since `limits.since`, or the address `limits.by_ip`. Parallel sign-ins can
    /// never take more tries than the limits.
    async fn take_login_try(
        &self,
        username: &str,
        ip: &str,
        at: i64,
        limits: &LoginLimits,
    ) -> StoreResult<Result<LoginTry, LoginFailures>>;
    /// Forgets a successful try and the account's earlier failures.
    async fn login_succeeded(&self, username: &str, taken: &LoginTry) -> StoreResult<()>;
    /// Forgets failures from before `before`: they no longer count.
    async fn forget_login_failures(&self, before: i64) -> StoreResult<u64>;
}

/// Embedding sites.
#[async_trait]
pub trait SiteStore: Send + Sync {
    /// Records a new site with the audit event; `false` if one has the name already.
    async fn create_site(&self, site: &SiteRecord, audit: &AuditEvent) -> StoreResult<bool>;
    /// Replaces a working site's origin, page, languages, organisations and theme; `false`
    /// if there is no working site by the name.
    async fn update_site(&self, site: &SiteRecord, audit: &AuditEvent) -> StoreResult<bool>;
    /// Every site, by name.
    async fn list_sites(&self) -> StoreResult<Vec<SiteRecord>>;
    /// The site by name, working or not.
    async fn site(&self, name: &str) -> StoreResult<Option<SiteRecord>>;
    /// Disables a working site; `false` if there is no working site by the name.
    async fn disable_site(&self, name: &str, audit: &AuditEvent) -> StoreResult<bool>;
}

/// Made-up history for a demo data dir (`certportal dev seed`).
#[async_trait]
pub trait SeedStore: Send + Sync {
    /// Writes orders as they ended up, with their certificates, messages and audit trails,
    /// in one transaction. Webhooks hear nothing of them.
    async fn write_history(&self, orders: &[HistoricOrder]) -> StoreResult<()>;
    /// Leaves the history as years of use would: PostgreSQL's tables vacuumed and analysed,
    /// as autovacuum would have long since, so that its planner knows what they hold.
    async fn settle_history(&self) -> StoreResult<()>;
}

/// The store's traits, for callers that use its methods.
pub mod prelude {
    pub use super::{
        AuditStore, CollectStore, MessageStore, OrderStore, ReminderStore, ReportStore,
        RevocationStore, SeedStore, SiteStore, StaffStore, Store, TokenStore, WebhookStore,
    };
}
