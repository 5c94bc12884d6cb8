//! The dashboard: how many orders are in each state, the certificates that run out soon (so
//! that their renewals can start in time), and the reminders their contacts were sent.

use super::orders::OrderTable;
use crate::api;
use crate::fetch::{fetch, show};
use crate::format;
use crate::i18n::use_texts;
use crate::router::{Link, OrderFilter, Page, TITLE_ID};
use certportal_shared::api::admin::ReminderInfo;
use kit::i18n::fill;
use leptos::prelude::*;

#[component]
pub fn Dashboard() -> impl IntoView {
    let texts = use_texts();
    let dashboard = fetch(api::dashboard);
    view! {
        <h1 id=TITLE_ID tabindex="-1">{texts.text(|t| t.dashboard_title)}</h1>
        {show(dashboard, move |dashboard| {
            let days = dashboard.expiring_days.to_string();
            let expiring_title = texts.format(move |t| fill(t.expiring_title, &[("days", &days)]));
            let expiring = (!dashboard.expiring.is_empty()).then(|| {
                view! {
                    <OrderTable
                        orders=dashboard.expiring.clone()
                        caption=texts.text(|t| t.expiring_caption)
                    />
                }
            });
            let days = dashboard.reminded_days.to_string();
            let reminded_title = texts.format(move |t| fill(t.reminded_title, &[("days", &days)]));
            let reminded = dashboard.reminded.clone();
            let requests = (!dashboard.renewal_requests.is_empty()).then(|| {
                view! {
                    <OrderTable
                        orders=dashboard.renewal_requests.clone()
                        caption=texts.text(|t| t.requests_caption)
                    />
                }
            });
            view! {
                <section aria-labelledby="counts-title">
                    <h2 id="counts-title">{texts.text(|t| t.counts_title)}</h2>
                    <ul class="counts" data-test="state-counts">
                        {dashboard
                            .counts
                            .into_iter()
                            .map(|count| {
                                let state = count.state;
                                let to = Page::Orders(OrderFilter {
                                    state: Some(state),
                                    ..OrderFilter::default()
                                });
                                view! {
                                    <li>
                                        <Link to class=format!("count count-{}", state.as_str())>
                                            <span class="count-number">{count.count}</span>
                                            <span class="count-label">
                                                {texts.text(move |t| format::state(state, t))}
                                            </span>
                                        </Link>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </section>
                <section aria-labelledby="expiring-title" data-test="expiring">
                    <h2 id="expiring-title">{expiring_title}</h2>
                    {match expiring {
                        Some(table) => table.into_any(),
                        None => view! {
                            <p class="empty">{texts.text(|t| t.expiring_none)}</p>
                        }
                            .into_any(),
                    }}
                </section>
                <section aria-labelledby="requests-title" data-test="renewal-requests">
                    <h2 id="requests-title">{texts.text(|t| t.requests_title)}</h2>
                    {match requests {
                        Some(table) => table.into_any(),
                        None => view! {
                            <p class="empty">{texts.text(|t| t.requests_none)}</p>
                        }
                            .into_any(),
                    }}
                </section>
                <section aria-labelledby="reminded-title" data-test="reminded">
                    <h2 id="reminded-title">{reminded_title}</h2>
                    {if reminded.is_empty() {
                        view! { <p class="empty">{texts.text(|t| t.reminded_none)}</p> }.into_any()
                    } else {
                        view! { <ReminderTable reminders=reminded /> }.into_any()
                    }}
                </section>
            }
        })}
    }
}

/// The reminders of the last days, newest first, each linking to its order.
#[component]
fn ReminderTable(reminders: Vec<ReminderInfo>) -> impl IntoView {
    let texts = use_texts();
    let head = |label: Signal<&'static str>| view! { <th scope="col">{label}</th> };
    let rows = reminders
        .into_iter()
        .map(|reminder| {
            let at = reminder.at.clone();
            let when = texts.format(move |_| format::when(&at, texts.lang()));
            let stage = reminder.stage;
            let stage = texts.format(move |t| format::stage(stage, t));
            view! {
                <tr data-order=reminder.order_id.clone()>
                    <td data-label=texts.text(|t| t.when_label)>{when}</td>
                    <td data-label=texts.text(|t| t.stage_label)>{stage}</td>
                    <td data-label=texts.text(|t| t.serial_label)>
                        <Link to=Page::Order(reminder.order_id.clone()) class="order-link">
                            <code>{reminder.serial.clone()}</code>
                        </Link>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="reminders">
            <caption class="visually-hidden">{texts.text(|t| t.reminded_caption)}</caption>
            <thead>
                <tr>
                    {head(texts.text(|t| t.when_label))}
                    {head(texts.text(|t| t.stage_label))}
                    {head(texts.text(|t| t.serial_label))}
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
