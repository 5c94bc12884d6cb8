//! The order list: newest first, searched by words and filtered by state, a page at a time.
//! The search lives in the address, so the back button and bookmarks keep it.

use crate::api;
use crate::components::{Choice, ChoiceField, StateBadge};
use crate::fetch::{fetch, show};
use crate::format;
use crate::i18n::use_texts;
use crate::router::{Link, OrderFilter, Page, TITLE_ID, use_router};
use certportal_shared::api::admin::OrderSummary;
use certportal_shared::model::OrderState;
use kit::i18n::fill;
use leptos::prelude::*;

/// Orders per page.
pub const PAGE_SIZE: u32 = 25;

/// The options of a state filter: any state, then each one.
pub fn state_choices(any: Signal<&'static str>) -> Vec<Choice> {
    let texts = use_texts();
    std::iter::once(Choice {
        value: "",
        label: any,
    })
    .chain(OrderState::ALL.iter().map(|state| {
        let state = *state;
        Choice {
            value: state.as_str(),
            label: texts.text(move |t| format::state(state, t)),
        }
    }))
    .collect()
}

#[component]
pub fn Orders(filter: OrderFilter) -> impl IntoView {
    let texts = use_texts();
    let router = use_router();
    let q = RwSignal::new(filter.q.clone());
    let state = RwSignal::new(
        filter
            .state
            .map(OrderState::as_str)
            .unwrap_or_default()
            .to_owned(),
    );
    let wanted = filter.clone();
    let list = fetch(move || {
        let wanted = wanted.clone();
        async move { api::orders(&wanted.q, wanted.state, PAGE_SIZE, wanted.before.as_deref()).await }
    });
    let search = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        router.go(Page::Orders(OrderFilter {
            q: q.get_untracked().trim().to_owned(),
            state: OrderState::parse(&state.get_untracked()).ok(),
            page: 0,
            before: None,
        }));
    };
    let filtered = !filter.q.is_empty() || filter.state.is_some();
    view! {
        <div class="page-head">
            <h1 id=TITLE_ID tabindex="-1">{texts.text(|t| t.orders_title)}</h1>
            <Link to=Page::NewOrder class="button button-primary" test="orders-new">
                {texts.text(|t| t.new_order_button)}
            </Link>
        </div>
        <form class="search card" role="search" on:submit=search>
            <div class="field search-words">
                <label for="orders-q" class="field-label">{texts.text(|t| t.search_label)}</label>
                <p id="orders-q-help" class="field-help">{texts.text(|t| t.search_help)}</p>
                <input
                    id="orders-q"
                    data-test="orders-q"
                    type="search"
                    aria-describedby="orders-q-help"
                    prop:value=q
                    on:input:target=move |event| q.set(event.target().value())
                />
            </div>
            <ChoiceField
                id="orders-state"
                label=texts.text(|t| t.state_label)
                value=state
                choices=state_choices(texts.text(|t| t.any_state))
            />
            <button type="submit" class="button" data-test="orders-search">
                {texts.text(|t| t.search_button)}
            </button>
        </form>
        {show(list, move |list| {
            let filter = filter.clone();
            if list.orders.is_empty() {
                return view! {
                    <p class="empty" data-test="orders-empty">
                        {texts.text(move |t| if filtered { t.no_matches } else { t.no_orders })}
                    </p>
                }
                    .into_any();
            }
            let first = filter.page * PAGE_SIZE + 1;
            let last = first + list.orders.len() as u32 - 1;
            let (total, exact) = (list.total, list.total_exact);
            let counted = texts.format(move |t| {
                fill(
                    if exact { t.orders_count } else { t.orders_count_over },
                    &[
                        ("first", &first.to_string()),
                        ("last", &last.to_string()),
                        ("total", &total.to_string()),
                    ],
                )
            });
            // Pages follow on from where the last ended; the browser's back button returns to
            // the one before, and this link to the first.
            let newer = (filter.page > 0 || filter.before.is_some()).then(|| {
                Page::Orders(OrderFilter {
                    page: 0,
                    before: None,
                    ..filter.clone()
                })
            });
            let older = list.next.clone().map(|next| {
                Page::Orders(OrderFilter {
                    page: filter.page + 1,
                    before: Some(next),
                    ..filter.clone()
                })
            });
            view! {
                <OrderTable orders=list.orders caption=texts.text(|t| t.orders_caption) />
                <nav class="paging" aria-label=texts.text(|t| t.paging_label)>
                    <p role="status">{counted}</p>
                    {newer.map(|page| view! {
                        <Link to=page class="button" test="orders-newer">
                            {texts.text(|t| t.newer_page)}
                        </Link>
                    })}
                    {older.map(|page| view! {
                        <Link to=page class="button" test="orders-older">
                            {texts.text(|t| t.older_page)}
                        </Link>
                    })}
                </nav>
            }
                .into_any()
        })}
    }
}

/// Orders as a table; on a phone each row becomes a card, labelled from `data-label`.
#[component]
pub fn OrderTable(orders: Vec<OrderSummary>, caption: Signal<&'static str>) -> impl IntoView {
    let texts = use_texts();
    let head = |label: Signal<&'static str>| view! { <th scope="col">{label}</th> };
    view! {
        <table class="orders" data-test="orders-table">
            <caption class="visually-hidden">{caption}</caption>
            <thead>
                <tr>
                    {head(texts.text(|t| t.state_label))}
                    {head(texts.text(|t| t.client_label))}
                    {head(texts.text(|t| t.org_label))}
                    {head(texts.text(|t| t.contact_label))}
                    {head(texts.text(|t| t.created_label))}
                    {head(texts.text(|t| t.expires_label))}
                </tr>
            </thead>
            <tbody>
                {orders.into_iter().map(|order| view! { <OrderRow order /> }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn OrderRow(order: OrderSummary) -> impl IntoView {
    let texts = use_texts();
    let created = order.created_at.clone();
    let (expires, state) = (order.not_after.clone(), order.state);
    let created = texts.format(move |_| format::when(&created, texts.lang()));
    let expires = texts.format(move |t| match &expires {
        Some(at) => format::day(at, texts.lang()),
        None => format::no_certificate(state, t).to_owned(),
    });
    view! {
        <tr data-order=order.order_id.clone()>
            <td data-label=texts.text(|t| t.state_label)>
                <StateBadge state=order.state />
            </td>
            <td data-label=texts.text(|t| t.client_label)>
                <div>
                    <Link to=Page::Order(order.order_id.clone()) class="order-link">
                        {order.client.clone()}
                    </Link>
                    <span class="muted small">{order.service.clone()}</span>
                </div>
            </td>
            <td data-label=texts.text(|t| t.org_label)>{order.org.clone()}</td>
            <td data-label=texts.text(|t| t.contact_label)>
                <div>
                    {order.contact_name.clone()}
                    <span class="muted small">{order.email.clone()}</span>
                </div>
            </td>
            <td data-label=texts.text(|t| t.created_label)>{created}</td>
            <td data-label=texts.text(|t| t.expires_label)>{expires}</td>
        </tr>
    }
}
