//! Webhook endpoints (admins only): the list with their events and state; registering one
//! (its secret shown once, until "done"); disabling one, after a confirm step; and each
//! endpoint's latest deliveries.

use crate::api::{self, ApiFailure};
use crate::components::{CheckBox, CheckBoxes, Confirm, TextField};
use crate::fetch::{Fetched, fetch, show};
use crate::format;
use crate::i18n::{AdminCatalogue, use_texts};
use crate::problem;
use crate::router::TITLE_ID;
use crate::session::use_session;
use certportal_shared::ErrorCode;
use certportal_shared::api::admin::{CreateWebhookRequest, CreatedWebhook, WebhookInfo};
use certportal_shared::model::WebhookEvent;
use kit::browser;
use kit::components::Alert;
use kit::i18n::fill;
use kit::job::Job;
use leptos::prelude::*;

const CONFIRM_ID: &str = "webhook-confirm-title";
const CREATED_ID: &str = "webhook-created-title";
const HISTORY_ID: &str = "webhook-history-title";
const URL_ID: &str = "webhook-url";

/// What an event is, in words.
fn event_words(event: WebhookEvent, t: &AdminCatalogue) -> &'static str {
    match event {
        WebhookEvent::OrderCreated => t.webhook_event_order_created,
        WebhookEvent::OrderCollected => t.webhook_event_order_collected,
        WebhookEvent::CertificateRevoked => t.webhook_event_certificate_revoked,
        WebhookEvent::CertificateExpiring => t.webhook_event_certificate_expiring,
        WebhookEvent::CodeLocked => t.webhook_event_code_locked,
        WebhookEvent::SelfServiceRevoked => t.webhook_event_self_service_revoked,
    }
}

#[component]
pub fn WebhooksPage() -> impl IntoView {
    let texts = use_texts();
    let session = use_session();
    let endpoints = fetch(api::webhooks);
    let created = RwSignal::new(None::<CreatedWebhook>);
    let asking = RwSignal::new(None::<WebhookInfo>);
    let history = RwSignal::new(None::<WebhookInfo>);
    let trouble = RwSignal::new(None::<ApiFailure>);
    let disable = Job::new(move |id: String| async move {
        match session.check(api::disable_webhook(&id).await) {
            Ok(_) => {
                asking.set(None);
                endpoints.refetch();
            }
            Err(failure) => trouble.set(Some(failure)),
        }
    });
    let ask = Callback::new(move |endpoint: WebhookInfo| {
        trouble.set(None);
        asking.set(Some(endpoint));
        browser::focus(CONFIRM_ID);
    });
    let look = Callback::new(move |endpoint: WebhookInfo| {
        history.set(Some(endpoint));
        browser::focus(HISTORY_ID);
    });
    let message = Signal::derive(move || {
        trouble
            .get()
            .map(|failure| problem::message(&failure, texts.t()))
    });
    view! {
        <h1 id=TITLE_ID tabindex="-1">{texts.text(|t| t.webhooks_title)}</h1>
        <p>{texts.text(|t| t.webhooks_intro)}</p>
        {move || created.get().map(|made| view! {
            <Created made done=Callback::new(move |()| created.set(None)) />
        })}
        <AddWebhook created endpoints />
        {move || asking.get().map(|endpoint| {
            let url = endpoint.url.clone();
            let question = texts.format(move |t| fill(t.webhook_disable_question, &[("url", &url)]));
            view! {
                <Confirm
                    id=CONFIRM_ID
                    question
                    test="webhook-confirm"
                    yes=Callback::new(move |()| disable.start(endpoint.id.clone()))
                    no=Callback::new(move |()| asking.set(None))
                />
            }
        })}
        <Alert message id="webhooks-error" />
        <h2>{texts.text(|t| t.webhooks_list_title)}</h2>
        {show(endpoints, move |endpoints| {
            if endpoints.is_empty() {
                return view! { <p data-test="webhooks-empty">{texts.text(|t| t.webhooks_empty)}</p> }
                    .into_any();
            }
            view! {
                <table class="staff" data-test="webhooks-table">
                    <thead>
                        <tr>
                            <th scope="col">{texts.text(|t| t.webhook_url_label)}</th>
                            <th scope="col">{texts.text(|t| t.webhook_events_col)}</th>
                            <th scope="col">{texts.text(|t| t.added_label)}</th>
                            <th scope="col">{texts.text(|t| t.actions_title)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {endpoints
                            .into_iter()
                            .map(|endpoint| view! { <EndpointRow endpoint ask look /> })
                            .collect_view()}
                    </tbody>
                </table>
            }
            .into_any()
        })}
        {move || history.get().map(|endpoint| view! { <History endpoint /> })}
    }
}

#[component]
fn EndpointRow(
    endpoint: WebhookInfo,
    ask: Callback<WebhookInfo>,
    look: Callback<WebhookInfo>,
) -> impl IntoView {
    let texts = use_texts();
    let events = endpoint
        .events
        .iter()
        .map(|event| event.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let (at, by) = (endpoint.created_at.clone(), endpoint.created_by.clone());
    let added = texts.format(move |t| {
        fill(
            t.created_value,
            &[
                ("time", &format::day(&at, texts.lang())),
                ("who", &format::actor(&by, t)),
            ],
        )
    });
    let state = match endpoint.disabled_at.clone() {
        Some(at) => {
            let disabled = texts.format(move |t| {
                fill(
                    t.webhook_disabled_status,
                    &[("time", &format::when(&at, texts.lang()))],
                )
            });
            view! { <span data-test="webhook-disabled">{disabled}</span> }.into_any()
        }
        None => {
            let asked = endpoint.clone();
            view! {
                <button type="button" class="button button-small" data-test="webhook-disable"
                    on:click=move |_| ask.run(asked.clone())>
                    {texts.text(|t| t.webhook_disable_button)}
                </button>
            }
            .into_any()
        }
    };
    let shown = endpoint.clone();
    view! {
        <tr data-webhook=endpoint.id.clone()>
            <td data-label=texts.text(|t| t.webhook_url_label)><code>{endpoint.url.clone()}</code></td>
            <td data-label=texts.text(|t| t.webhook_events_col)>{events}</td>
            <td data-label=texts.text(|t| t.added_label)>{added}</td>
            <td data-label=texts.text(|t| t.actions_title)>
                <button type="button" class="button button-small" data-test="webhook-history"
                    on:click=move |_| look.run(shown.clone())>
                    {texts.text(|t| t.webhook_history_button)}
                </button>
                " "
                {state}
            </td>
        </tr>
    }
}

/// An endpoint's latest deliveries, newest first.
#[component]
fn History(endpoint: WebhookInfo) -> impl IntoView {
    let texts = use_texts();
    let id = endpoint.id.clone();
    let deliveries = fetch(move || {
        let id = id.clone();
        async move { api::webhook_deliveries(&id).await }
    });
    let url = endpoint.url.clone();
    let title = texts.format(move |t| fill(t.webhook_history_title, &[("url", &url)]));
    view! {
        <section aria-labelledby=HISTORY_ID data-test="webhook-deliveries">
            <h2 id=HISTORY_ID tabindex="-1">{title}</h2>
            {show(deliveries, move |deliveries| {
                if deliveries.is_empty() {
                    return view! { <p>{texts.text(|t| t.webhook_history_empty)}</p> }.into_any();
                }
                let rows = move || {
                    let (t, lang) = (texts.t(), texts.lang());
                    deliveries
                        .iter()
                        .map(|delivery| {
                            let (status, class) = format::delivery(
                                &format::Delivery {
                                    status: delivery.status,
                                    attempts: delivery.attempts,
                                    sent_at: delivery.sent_at.as_deref(),
                                    ended_at: delivery.ended_at.as_deref(),
                                    last_error: delivery.last_error.as_deref(),
                                },
                                t.webhook_dropped,
                                t,
                                lang,
                            );
                            view! {
                                <tr data-event=delivery.event_id.clone()>
                                    <td data-label=t.webhook_event_col>
                                        <code>{delivery.event.as_str()}</code>
                                    </td>
                                    <td data-label=t.queued_label>
                                        {format::when(&delivery.created_at, lang)}
                                    </td>
                                    <td data-label=t.delivery_label class=class>{status}</td>
                                </tr>
                            }
                        })
                        .collect_view()
                };
                view! {
                    <table class="messages">
                        <thead>
                            <tr>
                                <th scope="col">{texts.text(|t| t.webhook_event_col)}</th>
                                <th scope="col">{texts.text(|t| t.queued_label)}</th>
                                <th scope="col">{texts.text(|t| t.delivery_label)}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                }
                .into_any()
            })}
        </section>
    }
}

/// The new endpoint's secret, shown this once.
#[component]
fn Created(made: CreatedWebhook, done: Callback<()>) -> impl IntoView {
    let texts = use_texts();
    view! {
        <section class="card enrolment" aria-labelledby=CREATED_ID data-test="webhook-created">
            <h2 id=CREATED_ID tabindex="-1">{texts.text(|t| t.webhook_created_title)}</h2>
            <p><code>{made.info.url.clone()}</code></p>
            <p class="warnings">{texts.text(|t| t.webhook_secret_once)}</p>
            <p><code class="secret" data-test="webhook-secret">{made.secret}</code></p>
            <button type="button" class="button button-primary" data-test="webhook-done"
                on:click=move |_| done.run(())>
                {texts.text(|t| t.token_done)}
            </button>
        </section>
    }
}

/// Whether the portal would take the URL: the server's rule, checked here first so that the
/// form can say so beside the field.
fn url_ok(text: &str) -> bool {
    let text = text.trim();
    let Some((scheme, rest)) = text.split_once("://") else {
        return false;
    };
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    matches!(scheme, "http" | "https")
        && !host.is_empty()
        && !host.contains('@')
        && !text.contains('#')
        && !text.contains(char::is_whitespace)
        && text.len() <= 2000
}

/// The form that registers an endpoint.
#[component]
fn AddWebhook(
    created: RwSignal<Option<CreatedWebhook>>,
    endpoints: Fetched<Vec<WebhookInfo>>,
) -> impl IntoView {
    let texts = use_texts();
    let session = use_session();
    let url = RwSignal::new(String::new());
    let chosen = RwSignal::new(vec![WebhookEvent::OrderCollected]);
    let touched = RwSignal::new(false);
    let refused_url = RwSignal::new(None::<String>);
    let trouble = RwSignal::new(None::<ApiFailure>);
    let add = Job::new(move |request: CreateWebhookRequest| async move {
        let asked = request.url.clone();
        match session.check(api::create_webhook(&request).await) {
            Ok(made) => {
                url.set(String::new());
                touched.set(false);
                trouble.set(None);
                created.set(Some(made));
                endpoints.refetch();
                browser::focus(CREATED_ID);
            }
            Err(ApiFailure::Refused(error))
                if error.code == ErrorCode::InvalidInput
                    && error.fields.iter().any(|field| field.field == "url") =>
            {
                refused_url.set(Some(asked));
                browser::focus(URL_ID);
            }
            Err(failure) => trouble.set(Some(failure)),
        }
    });
    let url_error = Signal::derive(move || {
        let typed = url.get();
        let refused = refused_url.with(|refused| refused.as_deref() == Some(typed.as_str()));
        (refused || (touched.get() && !url_ok(&typed)))
            .then(|| texts.t().webhook_url_rule.to_owned())
    });
    let events_error = Signal::derive(move || {
        (touched.get() && chosen.with(Vec::is_empty))
            .then(|| texts.t().webhook_events_rule.to_owned())
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        touched.set(true);
        if url_error.get_untracked().is_some() || events_error.get_untracked().is_some() {
            browser::focus(URL_ID);
            return;
        }
        add.start(CreateWebhookRequest {
            url: url.get_untracked().trim().to_owned(),
            events: chosen
                .get_untracked()
                .iter()
                .map(|event| event.as_str().to_owned())
                .collect(),
        });
    };
    let boxes = WebhookEvent::ALL
        .iter()
        .map(|&event| CheckBox {
            value: event,
            id: format!("webhook-event-{}", event.as_str().replace(['.', '_'], "-")),
            label: texts.text(move |t| event_words(event, t)),
        })
        .collect::<Vec<_>>();
    let message = Signal::derive(move || {
        trouble
            .get()
            .map(|failure| problem::message(&failure, texts.t()))
    });
    view! {
        <form class="card admin-form add-staff" novalidate on:submit=submit>
            <h2>{texts.text(|t| t.add_webhook_title)}</h2>
            <TextField
                id=URL_ID
                label=texts.text(|t| t.webhook_url_label)
                help=texts.text(|t| t.webhook_url_help)
                value=url
                error=url_error
                inputmode="url"
                on_blur=Callback::new(move |()| touched.set(true))
            />
            <CheckBoxes
                id="webhook-events"
                legend=texts.text(|t| t.webhook_events_label)
                chosen
                boxes
                error=events_error
            />
            <Alert message id="add-webhook-error" />
            <button type="submit" class="button button-primary" data-test="webhook-add">
                {texts.text_if(add.pending(), |t| t.webhook_creating, |t| t.webhook_create_button)}
            </button>
        </form>
    }
}
