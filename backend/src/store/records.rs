//! What the store reads and writes.

use certportal_shared::model::{
    Channel, Locale, MessageState, OrderSpec, OrderState, Purpose, RevocationReason, Role,
};

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
    /// The key as measured from the certificate: `rsa2048`, `rsa4096`, `p256`, `p384`...
    pub key_type: String,
    pub not_before: i64,
    pub not_after: i64,
    pub fingerprint: String,
    /// Lower-case hex SHA-256 of the SubjectPublicKeyInfo: the same key, whoever made it,
    /// has the same value.
    pub key_sha256: String,
    pub der: Vec<u8>,
    pub revoked_at: Option<i64>,
    pub revocation_reason: Option<RevocationReason>,
}

/// The file the portal made for an order, and its password, sealed.
#[derive(Clone, Debug)]
pub struct SealedBundle {
    pub bundle_sealed: Vec<u8>,
    pub bundle_sha256: Vec<u8>,
    pub password_sealed: Vec<u8>,
}

/// A new order with its link and code; with its certificate and sealed file and password
/// when the portal makes the key, without them when the customer does.
#[derive(Clone, Debug)]
pub struct NewOrder {
    pub id: String,
    /// What staff asked for, parsed.
    pub spec: OrderSpec,
    pub created_at: i64,
    pub created_by: String,
    pub renews_serial: Option<String>,
    pub supersede_on_collect: bool,
    /// Refuse the order if another renewal of `renews_serial` is under way or collected (a
    /// certificate renewing itself); staff may renew again whenever they like.
    pub only_renewal: bool,
    pub link: NewLink,
    /// The embedding site whose page the link e-mail points at.
    pub site: Option<String>,
    /// `None` for custody `browser` and `csr`.
    pub bundle: Option<SealedBundle>,
    /// `None` until a customer-made key's request is signed.
    pub certificate: Option<CertificateRecord>,
}

/// An order as stored, without its sealed secrets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderRecord {
    pub id: String,
    /// `None` until a customer-made key's request is signed.
    pub serial: Option<String>,
    /// What staff asked for, parsed again at the store's edge.
    pub spec: OrderSpec,
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
    /// `None` when the portal never made a file (custody `browser` and `csr`).
    pub bundle_sha256: Option<Vec<u8>>,
    pub collected_at: Option<i64>,
    /// The certificate's end; `None` before there is a certificate.
    pub not_after: Option<i64>,
    /// When the contact asked support for a new certificate, after withdrawing this one.
    pub renewal_requested_at: Option<i64>,
    /// The embedding site whose page the link e-mail points at.
    pub site: Option<String>,
}

/// What signing a customer's request came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignOutcome {
    /// The certificate is recorded and the order collected.
    Signed,
    /// The order takes no request now: its key is the portal's, it was signed already, or it
    /// is not at the step after the code.
    NotExpected,
    /// Another live certificate has this key.
    KeyReused,
    /// A certificate with this key was revoked as keyCompromise.
    KeyBlocked,
}

/// A message to send, its body sealed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMessage {
    /// Stable for the message's life, across retries and restarts: providers that take an
    /// idempotency key get this one, so a message sent twice arrives once.
    pub idempotency_key: String,
    pub order_id: Option<String>,
    pub channel: Channel,
    pub recipient: String,
    pub subject: Option<String>,
    pub body_sealed: Vec<u8>,
    pub purpose: Purpose,
    pub locale: Locale,
    /// A reminder's stage: days before the certificate ends.
    pub stage: Option<u32>,
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
    pub idempotency_key: String,
    pub order_id: Option<String>,
    pub channel: Channel,
    pub recipient: String,
    pub subject: Option<String>,
    pub body_sealed: Vec<u8>,
    pub purpose: Purpose,
    pub attempts: u32,
    pub stage: Option<u32>,
}

/// A message's delivery status, for the admin timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageStatus {
    pub id: i64,
    pub channel: Channel,
    pub purpose: Purpose,
    pub state: MessageState,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    /// When it failed for good or was dropped.
    pub ended_at: Option<i64>,
    pub attempts: u32,
    pub last_error: Option<String>,
    /// A reminder's stage: days before the certificate ends.
    pub stage: Option<u32>,
}

/// The signed CRL currently published.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrlRecord {
    pub number: u64,
    /// How many revoked certificates it lists.
    pub entries: u64,
    pub this_update: i64,
    pub next_update: i64,
    /// The revocation count ([`CrlState::revision`]) it was built at: it lists every
    /// certificate revoked up to there.
    pub covers: u64,
    /// Shared, not copied: every `GET /crl` hands out the same bytes.
    pub der: bytes::Bytes,
}

/// Where the stored CRL stands, read in one look: enough to tell whether it is behind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CrlState {
    /// The stored CRL's number; `None` before the first.
    pub number: Option<u64>,
    /// The revocation count the stored CRL was built at.
    pub covers: u64,
    /// How many revocations there have been: one up with each, in its transaction.
    pub revision: u64,
}

impl CrlState {
    /// Whether the stored CRL lists every revocation made so far.
    pub fn current(&self) -> bool {
        self.number.is_some() && self.covers >= self.revision
    }
}

/// A revoked certificate as a CRL lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RevokedEntry {
    pub serial: String,
    pub revoked_at: i64,
    pub reason: RevocationReason,
}

/// What an attempt to revoke found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RevokeOutcome {
    Revoked,
    AlreadyRevoked,
    Unknown,
}

/// A staff account.
#[derive(Clone, PartialEq, Eq)]
pub struct StaffRecord {
    pub username: String,
    pub role: Role,
    /// argon2id, PHC string.
    pub password_hash: String,
    /// The TOTP secret, sealed.
    pub totp_sealed: Vec<u8>,
    /// The last TOTP time step used to sign in; a code of that step or older is refused.
    pub totp_last_step: i64,
    pub must_change_password: bool,
    pub disabled: bool,
    /// Moves on with every new password or authenticator; a session signed in under an
    /// older epoch has ended.
    pub credentials_epoch: i64,
    pub created_at: i64,
    pub created_by: String,
    pub updated_at: i64,
}

impl std::fmt::Debug for StaffRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaffRecord")
            .field("username", &self.username)
            .field("role", &self.role)
            .field("disabled", &self.disabled)
            .finish_non_exhaustive()
    }
}

/// The throttle on sign-in tries: at most `by_user` failures per account and `by_ip` per
/// address since `since`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoginLimits {
    pub since: i64,
    pub by_user: u32,
    pub by_ip: u32,
}

/// A sign-in try taken, recorded as a failure until it succeeds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoginTry {
    pub id: i64,
}

/// Recent failed logins for an account and for an address.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoginFailures {
    pub by_user: u32,
    pub oldest_by_user: Option<i64>,
    pub by_ip: u32,
    pub oldest_by_ip: Option<i64>,
}

/// Which orders to list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrderFilter {
    /// Lower-case words to find, each in some field of the order; at least one of them is an
    /// [`indexed_word`], so that an index finds the candidates.
    pub words: Vec<String>,
    pub state: Option<OrderState>,
    pub limit: u32,
    /// Orders after the one this names, in the list's order.
    pub before: Option<OrderCursor>,
    pub offset: u32,
}

/// The fewest characters of a word that the search indexes (trigrams) can find.
pub const SEARCH_WORD_MIN: usize = 3;

/// Whether both databases' indexes find `word`'s candidates: PostgreSQL's pg_trgm takes
/// trigrams only from letters and digits, so `+47` or `@@@` alone would read every order.
pub fn indexed_word(word: &str) -> bool {
    let mut run = 0;
    word.chars().any(|c| {
        run = if c.is_alphanumeric() { run + 1 } else { 0 };
        run >= SEARCH_WORD_MIN
    })
}

/// The most matches a search counts: beyond, its total is a lower bound.
pub const SEARCH_COUNT_MAX: u64 = 1000;

/// Where a page of orders ended: its last order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderCursor {
    pub created_at: i64,
    pub id: String,
}

/// A page of orders.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderPage {
    pub orders: Vec<OrderRecord>,
    /// How many match in all; at most [`SEARCH_COUNT_MAX`] for a search.
    pub total: u64,
    /// Whether `total` is the count rather than a lower bound.
    pub total_exact: bool,
    /// Whether more orders follow this page.
    pub more: bool,
}

/// A try at the current code, taken before the code is compared.
#[derive(Clone, PartialEq, Eq)]
pub struct CodeTry {
    /// The keyed hash of the current code.
    pub code_mac: Vec<u8>,
    /// Tries taken on this code, this one included.
    pub attempts: u32,
}

impl std::fmt::Debug for CodeTry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CodeTry")
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

/// What makes a try at a code count: the limit on tries, and the moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CodeGuard {
    pub now: i64,
    pub max_attempts: u32,
}

/// A new link and code for an order, replacing the current ones.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewLink {
    pub link_hash: Vec<u8>,
    pub link_expires_at: i64,
    pub code_mac: Vec<u8>,
    pub code_expires_at: i64,
}

/// A certificate whose contact is due a reminder, and the stage that is due.
#[derive(Clone, Debug)]
pub struct DueReminder {
    /// The collected order the certificate belongs to (its `not_after` is set).
    pub order: OrderRecord,
    /// The stage due: the fewest days among the configured stages that are at least the
    /// days left.
    pub stage: u32,
    /// The stages of this certificate claimed before (sent, or covered by another).
    pub claimed: Vec<u32>,
}

/// A stage of a certificate's reminders, claimed with its message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReminderClaim {
    pub serial: String,
    pub stage: u32,
    /// Earlier stages that passed unsent (the portal was down) and that this one covers:
    /// claimed without a message, so that none of them goes out after it.
    pub covers: Vec<u32>,
    pub at: i64,
    /// The report link the reminder carries (to ask for a new certificate, or withdraw).
    pub report: NewReport,
}

/// A reminder that was queued, for the dashboard and the digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SentReminder {
    pub order_id: String,
    pub serial: String,
    pub stage: u32,
    pub at: i64,
}

/// A report link, made when a certificate is handed over: the hash of its token, and the
/// certificate it can withdraw until it ends.
#[derive(Clone, PartialEq, Eq)]
pub struct NewReport {
    pub token_hash: Vec<u8>,
    pub order_id: String,
    pub serial: String,
    pub expires_at: i64,
}

impl std::fmt::Debug for NewReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewReport")
            .field("order_id", &self.order_id)
            .field("serial", &self.serial)
            .finish_non_exhaustive()
    }
}

/// What goes out when an order is collected: its messages (the password SMS or the
/// certificate-issued SMS, and the receipt e-mail) and the report link the e-mail holds.
#[derive(Clone, Debug, Default)]
pub struct Handover {
    pub messages: Vec<NewMessage>,
    pub report: Option<NewReport>,
}

/// A report link as stored.
#[derive(Clone, PartialEq, Eq)]
pub struct ReportRecord {
    pub order_id: String,
    pub serial: String,
    pub expires_at: i64,
    /// The keyed hash of the current code; `None` when there is none or it was used.
    pub code_mac: Option<Vec<u8>>,
    pub code_expires_at: i64,
    pub code_attempts: u32,
    pub code_sent_at: i64,
    pub codes_sent: u32,
}

impl std::fmt::Debug for ReportRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReportRecord")
            .field("order_id", &self.order_id)
            .field("serial", &self.serial)
            .field("codes_sent", &self.codes_sent)
            .finish_non_exhaustive()
    }
}

/// An API token's record: its hash, never the token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenRecord {
    pub name: String,
    pub token_hash: Vec<u8>,
    pub scopes: Vec<certportal_shared::model::Scope>,
    pub created_at: i64,
    pub created_by: String,
    pub expires_at: Option<i64>,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// A webhook endpoint's record; its secret is a sealed value of its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookRecord {
    pub id: String,
    pub url: String,
    pub events: Vec<certportal_shared::model::WebhookEvent>,
    pub created_at: i64,
    pub created_by: String,
    pub disabled_at: Option<i64>,
}

/// One delivery as it is to be sent.
pub struct WebhookSend {
    pub url: String,
    pub secret_sealed: Vec<u8>,
    /// The event's JSON, signed and sent as it is stored.
    pub payload: String,
}

/// One event's delivery to one endpoint, as its history shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryRecord {
    pub event_id: String,
    pub event: certportal_shared::model::WebhookEvent,
    pub status: certportal_shared::model::MessageState,
    pub attempts: u32,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub last_error: Option<String>,
}

/// An embedding site as stored; its fields were checked by `flow::sites` before.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SiteRecord {
    pub name: String,
    pub origin: String,
    pub page: String,
    /// The first is the default; all when empty.
    pub languages: Vec<certportal_shared::model::Locale>,
    /// All when empty.
    pub organisations: Vec<String>,
    pub theme: certportal_shared::model::ThemeDraft,
    pub created_at: i64,
    pub created_by: String,
    pub disabled_at: Option<i64>,
}

/// A made-up order as it ended up, for a demo data dir: its row, its certificate (revoked or
/// not), the messages that went out and its audit trail.
#[derive(Clone, Debug)]
pub struct HistoricOrder {
    pub id: String,
    pub spec: OrderSpec,
    pub state: OrderState,
    pub created_at: i64,
    pub created_by: String,
    pub updated_at: i64,
    pub collected_at: Option<i64>,
    pub link_hash: Vec<u8>,
    pub link_expires_at: i64,
    pub downloads: u32,
    pub certificate: Option<CertificateRecord>,
    /// Channel, purpose, when it went out.
    pub messages: Vec<(Channel, Purpose, i64)>,
    pub audit: Vec<AuditEvent>,
    /// Reminder stages (days) claimed, and when.
    pub reminders: Vec<(u32, i64)>,
}
