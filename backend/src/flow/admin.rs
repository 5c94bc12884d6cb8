//! What support staff see and do with orders: the list, the detail with its timeline, the
//! dashboard, and the actions resend, cancel and renew.

use super::Actor;
use super::orders::{CreatedOrder, Renewal, create_order, new_link_and_code};
use crate::clock::{from_unix, rfc3339, unix};
use crate::error::AppError;
use crate::state::AppState;
use crate::store::{
    AuditEvent, CertificateRecord, OrderCursor, OrderFilter, OrderRecord, SEARCH_WORD_MIN,
    indexed_word,
};
use certportal_shared::ErrorCode;
use certportal_shared::api::admin::{
    AuditEntry, CertificateInfo, Dashboard, MessageInfo, OrderActions, OrderDetail, OrderList,
    OrderQuery, OrderSummary, ReminderInfo, StateCount,
};
use certportal_shared::error::FieldError;
use certportal_shared::model::{OrderDraft, OrderEvent, OrderState, Serial};
use time::Duration;

/// Certificates expiring within this many days show on the dashboard.
pub const EXPIRING_DAYS: u32 = 60;

/// Reminders queued within this many days show on the dashboard.
pub const REMINDED_DAYS: u32 = 7;

fn time(unix: i64) -> String {
    rfc3339(from_unix(unix))
}

pub fn order_summary(order: &OrderRecord) -> OrderSummary {
    OrderSummary {
        order_id: order.id.clone(),
        serial: order.serial.clone(),
        state: order.state,
        custody: order.spec.custody,
        org: order.spec.org.to_string(),
        service: order.spec.service.to_string(),
        client: order.spec.client.to_string(),
        contact_name: order.spec.contact_name.to_string(),
        email: order.spec.email.to_string(),
        mobile: order.spec.mobile.to_string(),
        created_at: time(order.created_at),
        created_by: order.created_by.clone(),
        not_after: order.not_after.map(time),
        renews: order.renews_serial.clone(),
    }
}

pub fn audit_entry(event: AuditEvent) -> AuditEntry {
    AuditEntry {
        at: time(event.at),
        actor: event.actor,
        action: event.action,
        order_id: event.order_id,
        serial: event.serial,
        ip: event.ip,
        user_agent: event.user_agent,
        detail: event.detail,
    }
}

pub fn certificate_info(cert: CertificateRecord) -> CertificateInfo {
    CertificateInfo {
        serial: cert.serial,
        subject: cert.subject,
        fingerprint: cert.fingerprint,
        key_type: cert.key_type,
        not_before: time(cert.not_before),
        not_after: time(cert.not_after),
        revoked_at: cert.revoked_at.map(time),
        revocation_reason: cert.revocation_reason,
    }
}

fn not_found(order_id: &str) -> AppError {
    AppError::refuse(
        ErrorCode::NotFound,
        format!("There is no order {order_id}."),
    )
}

async fn order(state: &AppState, order_id: &str) -> Result<OrderRecord, AppError> {
    state
        .store
        .order(order_id)
        .await?
        .ok_or_else(|| not_found(order_id))
}

/// The longest search.
pub const SEARCH_MAX: usize = 200;

/// The furthest an offset may page: beyond, the listing would read every order it skips.
/// `before` (the `next` of the page before) pages any distance at the same cost.
pub const OFFSET_MAX: u32 = 10_000;

/// Orders newest first, filtered and paged.
pub async fn list(state: &AppState, query: &OrderQuery) -> Result<OrderList, AppError> {
    let mut fields = Vec::new();
    let q = query.q.as_deref().unwrap_or_default();
    if q.chars().count() > SEARCH_MAX || q.chars().any(char::is_control) {
        fields.push(FieldError {
            field: "q".into(),
            message: format!(
                "Search with at most {SEARCH_MAX} characters, without control characters."
            ),
        });
    }
    let words: Vec<String> = q
        .split_whitespace()
        .take(6)
        .map(str::to_lowercase)
        .collect();
    if fields.is_empty() && !words.is_empty() && !words.iter().any(|word| indexed_word(word)) {
        fields.push(FieldError {
            field: "q".into(),
            message: format!(
                "Search for a word with at least {SEARCH_WORD_MIN} letters or digits in a row: \
                 a part of a name, an e-mail address, a mobile number, a serial or an order id."
            ),
        });
    }
    let offset = query.offset.unwrap_or(0);
    if offset > OFFSET_MAX {
        fields.push(FieldError {
            field: "offset".into(),
            message: format!(
                "An offset goes up to {OFFSET_MAX}; page further with `before`, the `next` of \
                 the page before."
            ),
        });
    }
    // A `next` names an order that is there: a search pages by the order's place in its
    // index, which a made-up one has not.
    let mut before = query.before.as_deref().map(parse_cursor);
    if let Some(Some(cursor)) = &before {
        let order = state.store.order(&cursor.id).await?;
        if order.is_none_or(|order| order.created_at != cursor.created_at) {
            before = Some(None);
        }
    }
    if let Some(None) = before {
        fields.push(FieldError {
            field: "before".into(),
            message: "This is not a `next` from an earlier page of orders.".into(),
        });
    }
    let before = before.flatten();
    if !fields.is_empty() {
        return Err(AppError::invalid(fields));
    }
    let filter = OrderFilter {
        words,
        state: query.state,
        limit: query.limit.unwrap_or(50).clamp(1, 200),
        before,
        offset,
    };
    let page = state.store.list_orders(&filter).await?;
    let next = page.more.then(|| page.orders.last().map(cursor)).flatten();
    Ok(OrderList {
        orders: page.orders.iter().map(order_summary).collect(),
        total: page.total,
        total_exact: page.total_exact,
        next,
    })
}

/// The `next` of a page that ends with `order`: its creation time and id.
fn cursor(order: &OrderRecord) -> String {
    format!("{}.{}", order.created_at, order.id)
}

/// A `before`, as [`cursor`] wrote it: a time and an order id (a UUID).
fn parse_cursor(text: &str) -> Option<OrderCursor> {
    let (at, id) = text.split_once('.')?;
    let created_at = at.parse::<i64>().ok().filter(|at| *at >= 0)?;
    let id = uuid::Uuid::try_parse(id).ok()?.hyphenated().to_string();
    Some(OrderCursor { created_at, id })
}

/// One order with its certificate, timeline, messages and the actions open to staff.
pub async fn detail(state: &AppState, order_id: &str) -> Result<OrderDetail, AppError> {
    let order = order(state, order_id).await?;
    let cert = match &order.serial {
        Some(serial) => Some(state.store.certificate(serial).await?.ok_or_else(|| {
            AppError::inconsistent(format!("order {order_id} has no certificate record"))
        })?),
        None => None,
    };
    let revocable = cert.as_ref().is_some_and(|cert| cert.revoked_at.is_none());
    // What staff may do follows from the lifecycle table: an event the order's state allows,
    // while its link still works.
    let link_alive = order.link_expires_at > unix(state.clock.now());
    let allows = |event| order.state.after(event).is_some() && link_alive;
    let timeline = state
        .store
        .audit_for_order(order_id)
        .await?
        .into_iter()
        .map(audit_entry)
        .collect();
    let messages = state
        .store
        .messages_for_order(order_id)
        .await?
        .into_iter()
        .map(|m| MessageInfo {
            channel: m.channel.as_str().to_owned(),
            purpose: m.purpose.as_str().to_owned(),
            status: m.state,
            queued_at: time(m.created_at),
            sent_at: m.sent_at.map(time),
            ended_at: m.ended_at.map(time),
            attempts: m.attempts,
            last_error: m.last_error,
            stage: m.stage,
        })
        .collect();
    Ok(OrderDetail {
        order: order_summary(&order),
        key: order.spec.key.as_str().to_owned(),
        profile: order.spec.profile.as_str().to_owned(),
        locale: order.spec.locale.as_str().to_owned(),
        link_expires_at: time(order.link_expires_at),
        code_attempts: order.code_attempts,
        resends: order.resends,
        downloads: order.downloads,
        supersede_on_collect: order.supersede_on_collect,
        site: order.site.clone(),
        actions: OrderActions {
            // A file wiped by a crash cannot be handed out again; a customer's key needs none.
            resend: order.state.is_open()
                && link_alive
                && (order.has_bundle || !order.spec.custody.portal_holds_key()),
            cancel: allows(OrderEvent::Cancelled),
            revoke: revocable,
            renew: true,
        },
        certificate: cert.map(certificate_info),
        timeline,
        messages,
    })
}

/// Counts by state, and certificates that expire within [`EXPIRING_DAYS`].
pub async fn dashboard(state: &AppState) -> Result<Dashboard, AppError> {
    let counted = state.store.state_counts().await?;
    let counts = OrderState::ALL
        .iter()
        .map(|state| StateCount {
            state: *state,
            count: counted
                .iter()
                .find(|(s, _)| s == state)
                .map_or(0, |(_, n)| *n),
        })
        .collect();
    let now = state.clock.now();
    let before = unix(now + Duration::days(i64::from(EXPIRING_DAYS)));
    // What ended within the reminders' late window still needs a person.
    let after = unix(now - Duration::days(super::reminders::LATE_DAYS));
    let expiring = state
        .store
        .expiring(after, before, 100)
        .await?
        .iter()
        .map(order_summary)
        .collect();
    let since = unix(now - Duration::days(i64::from(REMINDED_DAYS)));
    let reminded = state
        .store
        .reminders_since(since, 100)
        .await?
        .into_iter()
        .map(|r| ReminderInfo {
            order_id: r.order_id,
            serial: r.serial,
            stage: r.stage,
            at: time(r.at),
        })
        .collect();
    let renewal_requests = state
        .store
        .renewal_requests(100)
        .await?
        .iter()
        .map(order_summary)
        .collect();
    Ok(Dashboard {
        counts,
        expiring,
        expiring_days: EXPIRING_DAYS,
        reminded,
        reminded_days: REMINDED_DAYS,
        renewal_requests,
    })
}

/// Makes an order from the admin page; a renewal names the certificate it replaces.
pub async fn create(
    state: &AppState,
    draft: &OrderDraft,
    actor: &Actor,
) -> Result<CreatedOrder, AppError> {
    let mut spec = draft
        .parse(state.config.default_locale)
        .map_err(AppError::invalid)?;
    // A renewal's link goes where the old order's went, unless staff chose.
    let mut site = draft.site.clone();
    let renewal = match draft.renews.as_deref() {
        None => Renewal::default(),
        Some(text) => {
            let serial = Serial::parse(text).map_err(|error| AppError::invalid(vec![error]))?;
            let Some(old) = state.store.certificate(serial.as_str()).await? else {
                return Err(AppError::refuse(
                    ErrorCode::UnknownSerial,
                    format!("renews: no certificate has serial {serial}"),
                ));
            };
            if let Some(renewed) = state.store.order(&old.order_id).await? {
                // A renewal keeps who makes the key, unless staff chose again.
                if draft.custody.is_none() {
                    spec.custody = renewed.spec.custody;
                }
                if site.is_none() {
                    site = super::sites::still_serving(state, &renewed)
                        .await?
                        .map(|site| site.name);
                }
            }
            Renewal {
                renews_serial: Some(serial.to_string()),
                supersede_on_collect: draft.supersede.unwrap_or(true),
                only_renewal: false,
            }
        }
    };
    create_order(state, &spec, actor, renewal, site.as_deref()).await
}

/// Sends the contact a new link and a new code for the same certificate; the old link and
/// code stop working.
pub async fn resend(state: &AppState, order_id: &str, actor: &Actor) -> Result<(), AppError> {
    let order = order(state, order_id).await?;
    // The site's page while the site works and serves the organisation; else the portal's.
    let site = super::sites::still_serving(state, &order).await?;
    let page = site.as_ref().map(|site| site.page.as_str());
    let fresh = new_link_and_code(state, &order.id, &order.spec, page)?;
    let event = actor.on_order(unix(state.clock.now()), "link.resent", &order, None);
    if !state
        .store
        .replace_link(&order.id, &fresh.link, &fresh.messages, &event)
        .await?
    {
        return Err(AppError::refuse(
            ErrorCode::InvalidState,
            "This order can no longer be collected; start a new order or a renewal.",
        ));
    }
    state.wake.notify_one();
    state.wiped.notify_one();
    Ok(())
}

/// Cancels an uncollected order: wipes the file and revokes its certificate, in one step.
pub async fn cancel(state: &AppState, order_id: &str, actor: &Actor) -> Result<(), AppError> {
    let order = order(state, order_id).await?;
    let event = actor.on_order(unix(state.clock.now()), "order.cancelled", &order, None);
    if !state.store.cancel_order(&order.id, &event).await? {
        return Err(AppError::refuse(
            ErrorCode::InvalidState,
            "Only an order that is not collected yet can be cancelled.",
        ));
    }
    // The store revoked the certificate with the cancel; the CRL follows (the store counted
    // the revocation, so a crash before then leaves the next `/crl` to sign it).
    state.wiped.notify_one();
    super::crl::changed(state);
    Ok(())
}
