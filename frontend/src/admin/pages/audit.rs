//! The audit log of staff actions (admins only), newest first, a page at a time.

use crate::api::{self, ApiFailure};
use crate::format;
use crate::i18n::use_texts;
use crate::problem;
use crate::router::{Link, Page, TITLE_ID};
use crate::session::use_session;
use certportal_shared::api::admin::AuditEntry;
use kit::components::Alert;
use kit::i18n::fill;
use kit::job::Job;
use leptos::prelude::*;

/// Events per page.
const PAGE_SIZE: u32 = 50;

#[component]
pub fn AuditLog() -> impl IntoView {
    let texts = use_texts();
    let session = use_session();
    let events = RwSignal::new(Vec::<(i64, AuditEntry)>::new());
    let loaded = RwSignal::new(false);
    let more = RwSignal::new(false);
    let trouble = RwSignal::new(None::<ApiFailure>);

    let load = Job::new(move |before: Option<i64>| async move {
        match session.check(api::audit(before, PAGE_SIZE).await) {
            Ok(page) => {
                trouble.set(None);
                more.set(page.events.len() as u32 == PAGE_SIZE);
                events.update(|events| events.extend(page.events));
                loaded.set(true);
            }
            Err(failure) => trouble.set(Some(failure)),
        }
    });
    load.start(None);
    let older = move |_| {
        let oldest = events.with_untracked(|events| events.last().map(|(id, _)| *id));
        load.start(oldest);
    };
    let message = Signal::derive(move || {
        trouble
            .get()
            .map(|failure| problem::message(&failure, texts.t()))
    });
    let rows = move || {
        let t = texts.t();
        let lang = texts.lang();
        events
            .get()
            .into_iter()
            .map(|(id, event)| {
                let place = event.ip.map(|ip| fill(t.from_address, &[("ip", &ip)]));
                let order = event.order_id.map(|order_id| view! {
                    <Link to=Page::Order(order_id)>{texts.text(|t| t.open_order)}</Link>
                });
                view! {
                    <tr data-event=id>
                        <td data-label=t.when_label>
                            <time datetime=event.at.clone()>{format::when(&event.at, lang)}</time>
                        </td>
                        <td data-label=t.who_label>{format::actor(&event.actor, t)}</td>
                        <td data-label=t.what_label>{format::action(&event.action, t)}</td>
                        <td data-label=t.details_label>
                            <div>
                                {event.detail}
                                {place.map(|place| view! { <span class="muted small">{place}</span> })}
                                {order}
                            </div>
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    view! {
        <h1 id=TITLE_ID tabindex="-1">{texts.text(|t| t.audit_title)}</h1>
        <p class="muted">{texts.text(|t| t.audit_intro)}</p>
        <Show when=move || loaded.get()
            fallback=move || view! { <p class="loading" role="status">{texts.text(|t| t.loading)}</p> }>
            <Show when=move || events.with(|e| !e.is_empty())
                fallback=move || view! { <p class="empty">{texts.text(|t| t.audit_empty)}</p> }>
                <table class="audit" data-test="audit-table">
                    <thead>
                        <tr>
                            <th scope="col">{texts.text(|t| t.when_label)}</th>
                            <th scope="col">{texts.text(|t| t.who_label)}</th>
                            <th scope="col">{texts.text(|t| t.what_label)}</th>
                            <th scope="col">{texts.text(|t| t.details_label)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </Show>
        </Show>
        <Alert message id="audit-error" />
        <Show when=move || more.get()>
            <button type="button" class="button" data-test="audit-older" on:click=older>
                {texts.text_if(load.pending(), |t| t.loading, |t| t.older_events)}
            </button>
        </Show>
    }
}
