//! The dashboard: how many orders are in each state, and the certificates that run out soon
//! (so that their renewals can start in time).

use super::orders::OrderTable;
use crate::api;
use crate::fetch::{fetch, show};
use crate::format;
use crate::i18n::use_texts;
use crate::router::{Link, OrderFilter, Page, TITLE_ID};
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
            }
        })}
    }
}
