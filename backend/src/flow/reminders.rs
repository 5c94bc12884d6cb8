//! Reminders before a certificate ends, to its contact at each configured stage, and a daily
//! digest to the support desk. Run by the sweeper; every instance runs them, and the store's
//! claims make each (certificate, stage) and each day's digest go out once.

use super::Actor;
use crate::clock::{from_unix, rfc3339, unix};
use crate::error::AppError;
use crate::notify::templates::{self, DigestLine, ReminderMail};
use crate::notify::{Recipient, queued_message};
use crate::state::AppState;
use crate::store::{DueReminder, OrderRecord, ReminderClaim};
use certportal_shared::model::Purpose;
use certportal_shared::routes;
use std::collections::HashMap;
use zeroize::Zeroizing;

const DAY: i64 = 86_400;

/// How long after its end a certificate's last stage may still go out late, after the portal
/// was down through it: a week-old "your certificate ended" still helps; older is noise.
pub const LATE_DAYS: i64 = 7;

/// Certificates looked at per query; a scan takes as many queries as it needs.
const BATCH: u32 = 100;

/// Lines in a digest at most; the admin page's dashboard has the rest.
const DIGEST_LINES: u32 = 200;

/// What one pass did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RemindersPass {
    pub queued: usize,
    pub digest: bool,
}

/// `YYYY-MM-DD` of a Unix time.
fn day_of(at: i64) -> String {
    let text = rfc3339(from_unix(at));
    text.get(..10).unwrap_or(&text).to_owned()
}

/// Queues every reminder due now, and the support digest once it is due today.
pub async fn run(state: &AppState) -> Result<RemindersPass, AppError> {
    let mut pass = RemindersPass::default();
    let stages = state.config.reminders.stages();
    if !stages.is_empty() {
        loop {
            let now = unix(state.clock.now());
            let due = state
                .store
                .due_reminders(now, &stages, LATE_DAYS * DAY, BATCH)
                .await?;
            let looked = due.len();
            for reminder in due {
                if remind(state, &stages, &reminder, now).await? {
                    pass.queued += 1;
                }
            }
            // A claim lost to another instance drops out of the next query as surely as one
            // won, so the loop ends.
            if looked < BATCH as usize {
                break;
            }
        }
    }
    pass.digest = digest(state).await?;
    Ok(pass)
}

/// Claims the reminder's stage and queues its e-mail; `false` when another instance had it.
async fn remind(
    state: &AppState,
    stages: &[u32],
    reminder: &DueReminder,
    now: i64,
) -> Result<bool, AppError> {
    let order = &reminder.order;
    let (Some(serial), Some(not_after)) = (order.serial.as_deref(), order.not_after) else {
        return Ok(false);
    };
    let began = order.collected_at.unwrap_or(order.created_at);
    // The earlier stages that passed while the portal was down: this one stands for them.
    let covers: Vec<u32> = stages
        .iter()
        .copied()
        .filter(|stage| {
            *stage > reminder.stage
                && !reminder.claimed.contains(stage)
                && not_after - i64::from(*stage) * DAY >= began
        })
        .collect();
    let spec = &order.spec;
    let (report, url) = super::report::new_link(state, order, serial, not_after)?;
    let ends_on = day_of(not_after);
    let days_left = (not_after - now).div_euclid(DAY) + i64::from((not_after - now) % DAY > 0);
    let (subject, body) = templates::reminder_email(
        spec.locale,
        &ReminderMail {
            contact_name: spec.contact_name.as_str(),
            org: spec.org.as_str(),
            service: spec.service.as_str(),
            client: spec.client.as_str(),
            serial,
            ends_on: &ends_on,
            days_left,
            url: &url,
            renew_url: &routes::renew_url(&state.config.base_url),
        },
    );
    let body = Zeroizing::new(body);
    let mut message = queued_message(
        &state.kek,
        &Recipient::email(&order.id, spec),
        Purpose::ExpiryReminder,
        Some(subject),
        &body,
    )?;
    message.stage = Some(reminder.stage);
    let mut detail = format!("stage {} days, ends {ends_on}", reminder.stage);
    if !covers.is_empty() {
        let covered: Vec<String> = covers.iter().map(u32::to_string).collect();
        detail.push_str(&format!(
            "; stands for the missed stage(s) {}",
            covered.join(", ")
        ));
    }
    let audit = Actor::system().on_order(now, "reminder.queued", order, Some(detail));
    let claim = ReminderClaim {
        serial: serial.to_owned(),
        stage: reminder.stage,
        covers,
        at: now,
        report,
    };
    let claimed = state.store.claim_reminder(&claim, &message, &audit).await?;
    if claimed {
        state.wake.notify_one();
    }
    Ok(claimed)
}

/// Queues today's digest to the support desk, once a day from `digest_hour_utc`, when there
/// is something to tell; `true` when this instance queued it.
async fn digest(state: &AppState) -> Result<bool, AppError> {
    let address = state.config.support.email.as_str();
    let now_at = state.clock.now();
    if address.is_empty() || u32::from(now_at.hour()) < state.config.reminders.digest_hour_utc {
        return Ok(false);
    }
    let now = unix(now_at);
    let day = now.div_euclid(DAY);
    if state.store.digest_claimed(day).await? {
        return Ok(false);
    }
    let within = state.config.reminders.window_days();
    let ending = state
        .store
        .expiring(
            now - LATE_DAYS * DAY,
            now + i64::from(within) * DAY,
            DIGEST_LINES,
        )
        .await?;
    if ending.is_empty() {
        return Ok(false);
    }
    let reminded: HashMap<String, u32> = state
        .store
        .reminders_since(now - DAY, DIGEST_LINES)
        .await?
        .into_iter()
        .rev()
        .map(|r| (r.serial, r.stage))
        .collect();
    let lines: Vec<DigestLine> = ending
        .iter()
        .map(|order: &OrderRecord| {
            let serial = order.serial.clone().unwrap_or_default();
            DigestLine {
                ends_on: day_of(order.not_after.unwrap_or_default()),
                org: order.spec.org.to_string(),
                service: order.spec.service.to_string(),
                client: order.spec.client.to_string(),
                contact: format!("{} <{}>", order.spec.contact_name, order.spec.email),
                reminded_stage: reminded.get(&serial).copied(),
                serial,
            }
        })
        .collect();
    let today = day_of(now);
    let locale = state.config.default_locale;
    let (subject, body) = templates::digest_email(locale, &today, within, &lines);
    let message = queued_message(
        &state.kek,
        &Recipient::support(address, locale, None),
        Purpose::ExpiryDigest,
        Some(subject),
        &body,
    )?;
    let detail = format!("{} certificates to {address}", lines.len());
    let audit = Actor::system().event(now, "digest.queued", None, None, Some(detail));
    let claimed = state.store.claim_digest(day, &message, &audit).await?;
    if claimed {
        state.wake.notify_one();
    }
    Ok(claimed)
}
