//! `certportal dev seed`: years of made-up history in a demo data dir, to see how the portal
//! behaves with a vendor's data rather than an empty database. Orders are spread over the
//! years with more of them lately, most collected, some expired or cancelled, some
//! withdrawn; each has a real certificate signed by the data dir's CA, the messages that went
//! out and its audit trail. Nothing secret is made: links and codes are long gone for orders
//! like these.

use crate::clock::unix;
use crate::flow::orders::{certificate_record, status_urls};
use crate::pki::{self, ClientCertRequest};
use crate::state::AppState;
use crate::store::{AuditEvent, CertificateRecord, HistoricOrder};
use certportal_shared::error::FieldError;
use certportal_shared::model::{
    Channel, ClientName, ContactName, Custody, Email, KeyType, Locale, Mobile, OrderSpec,
    OrderState, Organisation, Profile, Purpose, RevocationReason, Service,
};
use rcgen::KeyPair;
use std::path::Path;
use time::OffsetDateTime;

/// The file that marks a data dir as a demo: `init --demo` writes it, `dev seed` needs it.
pub const DEMO_MARKER: &str = "DEMO";

/// What a demo marker says to whoever finds it.
pub const DEMO_TEXT: &str = "This data dir is a demo, made with `certportal init --demo`: its CA \
    is for trying the portal out, and `certportal dev seed` may fill it with made-up orders. \
    Do not issue real certificates from it.\n";

/// Orders written per transaction.
const BATCH: usize = 5_000;
const DAY: i64 = 86_400;
/// How long a link works, and so when an order that was never collected expired.
const LINK_DAYS: i64 = 7;

/// How much history to make.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    pub orders: u64,
    /// Certificates withdrawn, cancelled orders' among them.
    pub revoked: u64,
    pub years: u32,
}

/// Whether `data_dir` was made as a demo.
pub fn is_demo(data_dir: &Path) -> bool {
    data_dir.join(DEMO_MARKER).is_file()
}

/// A reproducible stream of numbers, so that two seeded data dirs hold the same history
/// (SplitMix64; written here rather than taken from `rand`, which the portal does not
/// otherwise need, because it is for picking names, never for anything secret).
struct Stream(u64);

impl Stream {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// In `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// In `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const ORG_START: &[&str] = &[
    "Nord", "Sør", "Vest", "Øst", "Fjord", "Berg", "Lys", "Stor", "Hav", "Skog", "Elv", "Fjell",
    "Blå", "Grønn", "Sol", "Vind", "Is", "Stein", "Tind", "Dal",
];
const ORG_END: &[&str] = &[
    "kraft",
    "data",
    "bank",
    "frakt",
    "energi",
    "helse",
    "handel",
    "nett",
    "logistikk",
    "finans",
    "forsikring",
    "bygg",
    "media",
    "telekom",
    "transport",
    "vekst",
    "invest",
    "systemer",
];
const ORG_FORM: &[&str] = &["AS", "ASA", "AB", "Oy", "ApS", "SA"];
const SERVICES: &[&str] = &[
    "Payments API",
    "Invoice Gateway",
    "Order Exchange",
    "Customs Declarations",
    "Payroll Export",
    "Claims Intake",
    "Meter Readings",
    "Freight Booking",
    "Identity Lookup",
    "Account Statements",
    "Price Feed",
    "Stock Levels",
];
const CLIENTS: &[&str] = &[
    "erp", "crm", "billing", "ledger", "portal", "batch", "gateway", "sync", "reports", "edi",
];
const STAGES: &[&str] = &["prod", "test", "qa", "dr"];
const FIRST: &[&str] = &[
    "Kari", "Ola", "Ingrid", "Lars", "Anna", "Per", "Sofie", "Jonas", "Emma", "Erik", "Nora",
    "Magnus", "Liv", "Henrik", "Sara", "Anders", "Maja", "Oskar", "Ida", "Johan",
];
const LAST: &[&str] = &[
    "Nordmann", "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Berg",
    "Haugen", "Lund", "Dahl", "Lie", "Moen", "Strand", "Bakken", "Eriksson", "Virtanen",
];
const STAFF: &[&str] = &[
    "staff:anne",
    "staff:bjorn",
    "staff:carla",
    "staff:dag",
    "staff:eva",
    "staff:frode",
];

/// Keys the made-up certificates share: making a fresh RSA key for each of a million would
/// take hours and shows nothing the portal does with them.
struct Keys {
    rsa2048: Vec<KeyPair>,
    rsa3072: Vec<KeyPair>,
    p256: Vec<KeyPair>,
}

impl Keys {
    fn new() -> Result<Self, pki::PkiError> {
        let make = |key, n| {
            (0..n)
                .map(|_| pki::generate_key(key))
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(Self {
            rsa2048: make(KeyType::Rsa2048, 8)?,
            rsa3072: make(KeyType::Rsa3072, 2)?,
            p256: make(KeyType::P256, 8)?,
        })
    }

    fn get(&self, key: KeyType, i: u64) -> &KeyPair {
        let pool = match key {
            KeyType::Rsa2048 => &self.rsa2048,
            KeyType::Rsa3072 => &self.rsa3072,
            KeyType::P256 => &self.p256,
        };
        &pool[(i % pool.len() as u64) as usize]
    }
}

/// An order to make, before its certificate is signed.
struct Sketch {
    order: HistoricOrder,
    revoked: Option<(i64, RevocationReason)>,
    key_index: u64,
}

/// The organisations: a few big customers with many orders each, many small ones.
fn organisation(stream: &mut Stream, count: u64) -> (String, String) {
    // The square of a uniform number: low indexes, the big customers, come up most.
    let i = ((stream.unit().powi(2)) * count as f64) as u64;
    let mut named = Stream(i);
    let name = format!(
        "{}{} {}",
        named.pick(ORG_START),
        named.pick(ORG_END),
        named.pick(ORG_FORM)
    );
    let name = if i >= (ORG_START.len() * ORG_END.len()) as u64 {
        format!(
            "{name} {}",
            i / (ORG_START.len() * ORG_END.len()) as u64 + 1
        )
    } else {
        name
    };
    let domain = format!(
        "{}.example",
        name.to_lowercase()
            .chars()
            .map(|c| match c {
                'ø' => 'o',
                'å' | 'æ' => 'a',
                c if c.is_ascii_alphanumeric() => c,
                _ => '-',
            })
            .collect::<String>()
    );
    (name, domain)
}

fn spec(stream: &mut Stream, organisations: u64) -> Result<OrderSpec, FieldError> {
    let (org, domain) = organisation(stream, organisations);
    let (first, last) = (stream.pick(FIRST), stream.pick(LAST));
    let client = format!(
        "{}-{}-{}",
        stream.pick(CLIENTS),
        stream.pick(STAGES),
        stream.below(9) + 1
    );
    let key = match stream.below(100) {
        0..80 => KeyType::Rsa2048,
        80..85 => KeyType::Rsa3072,
        _ => KeyType::P256,
    };
    let custody = match stream.below(100) {
        0..90 => Custody::Server,
        90..97 => Custody::Browser,
        _ => Custody::Csr,
    };
    // Ofcom keeps +44 7700 900000 to 900999 for drama: no one gets a made-up contact's text.
    let mobile = format!("+447700900{:03}", stream.below(1000));
    Ok(OrderSpec {
        org: Organisation::parse(&org)?,
        service: Service::parse(stream.pick(SERVICES))?,
        client: ClientName::parse(&client)?,
        contact_name: ContactName::parse(&format!("{first} {last}"))?,
        email: Email::parse(&format!(
            "{}.{}@{domain}",
            first.to_lowercase(),
            last.to_lowercase()
        ))?,
        mobile: Mobile::parse(&mobile)?,
        key,
        profile: Profile::Modern,
        locale: if stream.below(3) == 0 {
            Locale::En
        } else {
            Locale::Nb
        },
        custody,
    })
}

/// The `i`-th of `n` orders: when it was made, what became of it, its trail.
fn sketch(stream: &mut Stream, i: u64, plan: &Plan, now: i64) -> Result<Sketch, FieldError> {
    let span = i64::from(plan.years) * 365 * DAY;
    // More orders lately: the square root spreads them with a density that grows with time.
    let created_at =
        now - span + (span as f64 * ((i as f64 + 0.5) / plan.orders as f64).sqrt()) as i64;
    let spec = spec(stream, (plan.orders / 250).max(20))?;
    let id = uuid::Uuid::from_u64_pair(stream.next(), stream.next()).to_string();
    let mut link_hash = vec![0u8; 32];
    for chunk in link_hash.chunks_mut(8) {
        chunk.copy_from_slice(&stream.next().to_le_bytes());
    }
    let link_expires_at = created_at + LINK_DAYS * DAY;
    let open = link_expires_at > now;
    // Withdrawals spread evenly over the years, every fifth a cancellation (which withdraws
    // the certificate too); orders still open have none.
    let withdrawn = (
        i * plan.revoked / plan.orders.max(1),
        (i + 1) * plan.revoked / plan.orders.max(1),
    );
    let state = if open {
        match stream.below(5) {
            0 => OrderState::Issued,
            1 => OrderState::LinkSent,
            2 => OrderState::CodeVerified,
            3 => OrderState::Downloaded,
            _ => OrderState::Collected,
        }
    } else if withdrawn.1 > withdrawn.0 && withdrawn.0.is_multiple_of(5) {
        OrderState::Cancelled
    } else if withdrawn.1 > withdrawn.0 {
        OrderState::Revoked
    } else if stream.below(100) < 7 {
        OrderState::Expired
    } else {
        OrderState::Collected
    };
    let collected_at = matches!(state, OrderState::Collected | OrderState::Revoked)
        .then(|| created_at + 600 + stream.below(((LINK_DAYS - 1) * DAY) as u64) as i64);
    let revoked = match state {
        OrderState::Cancelled => Some((
            created_at + 300 + stream.below(DAY as u64) as i64,
            RevocationReason::CessationOfOperation,
        )),
        OrderState::Revoked => {
            let from = collected_at.unwrap_or(created_at);
            let reason = match stream.below(10) {
                0..6 => RevocationReason::Superseded,
                6..9 => RevocationReason::CessationOfOperation,
                _ => RevocationReason::KeyCompromise,
            };
            Some((from + stream.below(700 * DAY as u64) as i64, reason))
        }
        _ => None,
    }
    // Nothing is withdrawn in the future.
    .map(|(at, reason)| (at.min(now - 60), reason));
    let staff = stream.pick(STAFF).to_owned();
    let event = |at: i64, actor: &str, action: &str, detail: Option<&str>| AuditEvent {
        at,
        actor: actor.to_owned(),
        action: action.to_owned(),
        order_id: Some(id.clone()),
        ip: (actor == "contact").then(|| "203.0.113.7".to_owned()),
        detail: detail.map(str::to_owned),
        ..AuditEvent::default()
    };
    let mut audit = vec![event(created_at, &staff, "order.created", None)];
    let mut messages = vec![
        (Channel::Email, Purpose::CollectLink, created_at + 5),
        (Channel::Sms, Purpose::Otp, created_at + 5),
    ];
    if let Some(at) = collected_at {
        audit.push(event(at - 120, "contact", "code.verified", None));
        audit.push(event(at - 60, "contact", "bundle.downloaded", None));
        audit.push(event(at, "contact", "receipt.confirmed", None));
        messages.push((Channel::Sms, Purpose::Password, at + 3));
        messages.push((Channel::Email, Purpose::Receipt, at + 3));
    } else if matches!(state, OrderState::CodeVerified | OrderState::Downloaded) {
        audit.push(event(created_at + 900, "contact", "code.verified", None));
        if state == OrderState::Downloaded {
            audit.push(event(
                created_at + 960,
                "contact",
                "bundle.downloaded",
                None,
            ));
        }
    }
    match (state, revoked) {
        (OrderState::Expired, _) => audit.push(event(
            link_expires_at,
            "system",
            "link.expired",
            Some("the link ran out; the file and password were wiped, unsent messages dropped"),
        )),
        (OrderState::Cancelled, Some((at, reason))) => {
            audit.push(event(at, &staff, "order.cancelled", None));
            audit.push(event(
                at,
                &staff,
                "certificate.revoked",
                Some(&format!("reason: {reason}")),
            ));
        }
        (_, Some((at, reason))) => audit.push(event(
            at,
            &staff,
            "certificate.revoked",
            Some(&format!("reason: {reason}")),
        )),
        _ => {}
    }
    let updated_at = audit.last().map_or(created_at, |event| event.at);
    // A customer's own key gets its certificate when its request is signed: an order that
    // never got that far has none.
    let certified = spec.custody.portal_holds_key() || collected_at.is_some() || revoked.is_some();
    let key_index = stream.next();
    Ok(Sketch {
        order: HistoricOrder {
            id,
            spec,
            state,
            created_at,
            created_by: staff,
            updated_at,
            collected_at,
            link_hash,
            link_expires_at,
            downloads: u32::from(collected_at.is_some()),
            certificate: None,
            messages,
            audit,
            reminders: Vec::new(),
        },
        revoked: certified.then_some(revoked).flatten(),
        key_index: if certified { key_index } else { u64::MAX },
    })
}

/// Signs each sketched order's certificate, on every core.
fn certify_all(
    state: &AppState,
    now: i64,
    keys: &Keys,
    sketches: Vec<Sketch>,
) -> Result<Vec<HistoricOrder>, pki::PkiError> {
    let validity = state.config.certificate.validity_days;
    let stages = &state.config.reminders.stages_days;
    let status = status_urls(state);
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let per_thread = sketches.len().div_ceil(threads).max(1);
    let mut sketches = sketches;
    let mut chunks = Vec::new();
    while !sketches.is_empty() {
        let rest = sketches.split_off(per_thread.min(sketches.len()));
        chunks.push(std::mem::replace(&mut sketches, rest));
    }
    std::thread::scope(|scope| {
        let workers: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let status = status.clone();
                scope.spawn(move || {
                    chunk
                        .into_iter()
                        .map(|sketch| {
                            let mut order = sketch.order;
                            if sketch.key_index == u64::MAX {
                                return Ok(order);
                            }
                            let not_before = crate::clock::from_unix(order.created_at);
                            let request = ClientCertRequest::for_order(
                                &order.spec,
                                not_before,
                                validity,
                                status.clone(),
                            );
                            let key = keys.get(order.spec.key, sketch.key_index);
                            let certified = pki::certify(&state.ca, &request, key)?;
                            let mut record: CertificateRecord = certificate_record(
                                &order.id,
                                &certified,
                                order.spec.key.as_str().to_owned(),
                            );
                            if let Some((at, reason)) = sketch.revoked {
                                record.revoked_at = Some(at);
                                record.revocation_reason = Some(reason);
                            }
                            for event in &mut order.audit {
                                event.serial = Some(record.serial.clone());
                            }
                            // Each stage reached before the last day was reminded of then:
                            // the next pass has one day's reminders to send, as any day. (The
                            // pass no longer looks at what ended long ago.)
                            let late = crate::flow::reminders::LATE_DAYS * DAY;
                            if record.revoked_at.is_none() && record.not_after > now - late {
                                order.reminders = stages
                                    .iter()
                                    .map(|days| (*days, record.not_after - i64::from(*days) * DAY))
                                    .filter(|(_, at)| *at >= record.not_before && *at <= now - DAY)
                                    .collect();
                            }
                            order.certificate = Some(record);
                            Ok(order)
                        })
                        .collect::<Result<Vec<_>, pki::PkiError>>()
                })
            })
            .collect();
        let mut orders = Vec::new();
        for worker in workers {
            let made = worker
                .join()
                .unwrap_or_else(|_| Err(pki::PkiError::BadCa("a signing thread failed".into())))?;
            orders.extend(made);
        }
        Ok(orders)
    })
}

/// Fills the portal with `plan`'s history, oldest first, calling `progress` with the orders
/// written so far after each batch.
pub async fn seed(
    state: &AppState,
    plan: &Plan,
    mut progress: impl FnMut(u64),
) -> anyhow::Result<()> {
    // The marker file says the data dir is a demo; an empty database says no one's real
    // orders are in it (the data dir may name a database it shares with another).
    let held: u64 = state
        .store
        .state_counts()
        .await?
        .iter()
        .map(|(_, n)| n)
        .sum();
    if held > 0 {
        anyhow::bail!(
            "the database already holds {held} orders: seed writes only into an empty one"
        );
    }
    let now = unix(OffsetDateTime::now_utc());
    let keys = std::sync::Arc::new(Keys::new()?);
    let mut stream = Stream(0x5eed);
    let mut written = 0;
    while written < plan.orders {
        let end = (written + BATCH as u64).min(plan.orders);
        let sketches = (written..end)
            .map(|i| sketch(&mut stream, i, plan, now))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|error| anyhow::anyhow!("a made-up order: {}", error.message))?;
        let (signer, held) = (state.clone(), keys.clone());
        let orders =
            tokio::task::spawn_blocking(move || certify_all(&signer, now, &held, sketches))
                .await??;
        state.store.write_history(&orders).await?;
        written = end;
        progress(written);
    }
    state.store.settle_history().await?;
    Ok(())
}
