//! What happened to an order, oldest first, with who did it and from which address; and how
//! the delivery of each of its messages went.

use crate::format;
use crate::i18n::{AdminCatalogue, use_texts};
use certportal_shared::api::admin::{AuditEntry, MessageInfo};
use certportal_shared::model::Custody;
use kit::i18n::fill;
use leptos::prelude::*;

/// The order's audit events: issued, messages sent, link opened, code failures, downloads,
/// receipt or signed request, revocation, ...; the portal records a message's sending as an
/// event too.
#[component]
pub fn Timeline(entries: Vec<AuditEntry>, custody: Custody) -> impl IntoView {
    let texts = use_texts();
    let items = move || {
        let t = texts.t();
        entries
            .iter()
            .map(|entry| {
                let when = format::when(&entry.at, texts.lang());
                let who = format::actor(&entry.actor, t);
                let who = match &entry.ip {
                    Some(ip) => format!("{who} · {}", fill(t.from_address, &[("ip", ip)])),
                    None => who,
                };
                let kind = if entry.action.starts_with("message.") {
                    "timeline-message"
                } else {
                    "timeline-event"
                };
                view! {
                    <li class=kind>
                        <time datetime=entry.at.clone()>{when}</time>
                        <span class="timeline-what">{what(&entry.action, custody, t)}</span>
                        <span class="timeline-who">{who}</span>
                        {entry.detail.clone().map(|detail| view! {
                            <span class="timeline-detail">{detail}</span>
                        })}
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <section aria-labelledby="timeline-title">
            <h2 id="timeline-title">{texts.text(|t| t.timeline_title)}</h2>
            <ol class="timeline" data-test="order-timeline">{items}</ol>
        </section>
    }
}

/// What an event records: an order whose key the customer makes was created without a
/// certificate, which the general words for the event would claim.
fn what(action: &str, custody: Custody, t: &AdminCatalogue) -> String {
    if action == "order.created" && !custody.portal_holds_key() {
        t.event_order_created_csr.to_owned()
    } else {
        format::action(action, t)
    }
}

/// Each message with how its delivery went.
#[component]
pub fn Messages(messages: Vec<MessageInfo>) -> impl IntoView {
    let texts = use_texts();
    let rows = move || {
        let t = texts.t();
        let lang = texts.lang();
        messages
            .iter()
            .map(|message| {
                let mut name = format::message(&message.channel, &message.purpose, t);
                if let Some(days) = message.stage {
                    let days = format::stage(days, t);
                    name = fill(t.message_stage, &[("message", &name), ("days", &days)]);
                }
                let channel = match message.channel.as_str() {
                    "sms" => t.channel_sms,
                    "email" => t.channel_email,
                    _ => "",
                };
                let (status, class) = format::delivery(
                    &format::Delivery {
                        status: message.status,
                        attempts: message.attempts,
                        sent_at: message.sent_at.as_deref(),
                        ended_at: message.ended_at.as_deref(),
                        last_error: message.last_error.as_deref(),
                    },
                    t.delivery_dropped,
                    t,
                    lang,
                );
                view! {
                    <tr>
                        <td data-label=t.message_label>{name}</td>
                        <td data-label=t.channel_label>{channel}</td>
                        <td data-label=t.queued_label>{format::when(&message.queued_at, lang)}</td>
                        <td data-label=t.delivery_label class=class>{status}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <section aria-labelledby="messages-title">
            <h2 id="messages-title">{texts.text(|t| t.messages_title)}</h2>
            <table class="messages" data-test="order-messages">
                <thead>
                    <tr>
                        <th scope="col">{texts.text(|t| t.message_label)}</th>
                        <th scope="col">{texts.text(|t| t.channel_label)}</th>
                        <th scope="col">{texts.text(|t| t.queued_label)}</th>
                        <th scope="col">{texts.text(|t| t.delivery_label)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}
