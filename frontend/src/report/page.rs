//! The report page: from the link in the receipt e-mail, the contact withdraws the certificate
//! with a code sent to the order's mobile, reads what happens next, and can ask support for a
//! new certificate in one click. The token arrives in the fragment, like the collect link's.

use crate::api::{self, ApiFailure};
use crate::i18n::use_texts;
use crate::texts;
use crate::trouble::Trouble;
use certportal_shared::api::report::ReportResponse;
use kit::browser;
use kit::components::Alert;
use kit::i18n::fill;
use leptos::prelude::*;

/// What the page asks of the portal.
#[derive(Clone)]
enum Action {
    Open,
    Code,
    Revoke { code: String, reason: &'static str },
    Renewal,
}

async fn act(token: String, action: Action) -> Result<ReportResponse, ApiFailure> {
    match action {
        Action::Open => api::open(token).await,
        Action::Code => api::code(token).await,
        Action::Revoke { code, reason } => api::revoke(token, code, reason.into()).await,
        Action::Renewal => api::renewal(token).await,
    }
}

/// `YYYY-MM-DD` of an RFC 3339 time.
fn day(rfc3339: &str) -> String {
    rfc3339.get(..10).unwrap_or(rfc3339).to_owned()
}

#[component]
pub fn ReportPage() -> impl IntoView {
    let collect_texts = use_texts();
    // Read once and wiped from the address bar before anything else happens.
    let token = StoredValue::new(browser::take_fragment_token());
    let report = RwSignal::new(None::<ReportResponse>);
    let trouble = RwSignal::new(None::<Trouble>);
    let busy = RwSignal::new(false);
    let code_sent = RwSignal::new(false);
    let run = move |action: Action| {
        let Some(token) = token.get_value() else {
            trouble.set(Some(Trouble::NoToken));
            return;
        };
        let sends_code = matches!(action, Action::Code);
        busy.set(true);
        leptos::task::spawn_local(async move {
            match act(token, action).await {
                Ok(answer) => {
                    trouble.set(None);
                    code_sent.update(|sent| *sent |= sends_code);
                    report.set(Some(answer));
                }
                Err(failure) => trouble.set(Some(Trouble::Api(failure))),
            }
            busy.set(false);
        });
    };
    run(Action::Open);
    let message = Signal::derive(move || trouble.get().map(|t| t.message(collect_texts.t())));
    view! {
        <h1>{texts::text(|t| t.title)}</h1>
        <Alert message />
        {move || match report.get() {
            None if trouble.with(Option::is_none) => {
                view! { <p class="loading" role="status">{collect_texts.text(|t| t.loading)}</p> }
                    .into_any()
            }
            None => ().into_any(),
            Some(found) if found.revoked_at.is_some() => {
                view! { <Withdrawn found busy renew=Callback::new(move |()| run(Action::Renewal)) /> }
                    .into_any()
            }
            Some(found) => {
                let renewal_open = found.renewal_open;
                let requested = found.renewal_requested;
                view! {
                    <Withdraw
                        found
                        busy
                        code_sent
                        send_code=Callback::new(move |()| run(Action::Code))
                        revoke=Callback::new(move |(code, reason)| run(Action::Revoke { code, reason }))
                    />
                    <Show when=move || renewal_open>
                        <AskRenewal requested busy renew=Callback::new(move |()| run(Action::Renewal)) />
                    </Show>
                }
                    .into_any()
            }
        }}
    }
}

/// The certificate still works: the code, the reason and the button that withdraws it.
#[component]
fn Withdraw(
    found: ReportResponse,
    busy: RwSignal<bool>,
    code_sent: RwSignal<bool>,
    send_code: Callback<()>,
    revoke: Callback<(String, &'static str)>,
) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let reason = RwSignal::new("keyCompromise");
    let intro = {
        let found = found.clone();
        texts::format(move |t| {
            fill(
                t.intro,
                &[
                    ("client", &found.client),
                    ("org", &found.org),
                    ("service", &found.service),
                    ("serial", &found.serial),
                    ("date", &day(&found.not_after)),
                ],
            )
        })
    };
    let mobile = found.masked_mobile.clone();
    let send_label = {
        let mobile = mobile.clone();
        texts::format(move |t| fill(t.send_code, &[("mobile", &mobile)]))
    };
    let sent_text = texts::format(move |t| fill(t.code_sent, &[("mobile", &mobile)]));
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let code: String = typed
            .get_untracked()
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        revoke.run((code, reason.get_untracked()));
    };
    let radio = move |value: &'static str, test: &'static str, label: Signal<&'static str>| {
        view! {
            <label class="choice">
                <input
                    type="radio"
                    name="reason"
                    data-test=test
                    prop:checked=move || reason.get() == value
                    on:change=move |_| reason.set(value)
                />
                {label}
            </label>
        }
    };
    view! {
        <p data-test="report-certificate">{intro}</p>
        <p>{texts::text(|t| t.explain)}</p>
        <p>
            <button
                type="button"
                class="button"
                data-test="report-send-code"
                disabled=move || busy.get()
                on:click=move |_| send_code.run(())
            >
                {send_label}
            </button>
        </p>
        <Show when=move || code_sent.get()>
            <p role="status" data-test="report-code-sent">{sent_text}</p>
        </Show>
        <form class="code-form" novalidate on:submit=submit>
            <label for="report-code" class="field-label">{texts::text(|t| t.code_label)}</label>
            <input
                id="report-code"
                class="code-input"
                type="text"
                spellcheck="false"
                inputmode="numeric"
                autocomplete="one-time-code"
                data-test="report-code-input"
                prop:value=move || typed.get()
                on:input=move |event| typed.set(event_target_value(&event))
            />
            <fieldset class="choices">
                <legend class="field-label">{texts::text(|t| t.reason_legend)}</legend>
                {radio("keyCompromise", "report-reason-lost", texts::text(|t| t.reason_lost))}
                {radio(
                    "cessationOfOperation",
                    "report-reason-unneeded",
                    texts::text(|t| t.reason_unneeded),
                )}
            </fieldset>
            <button type="submit" class="button" data-test="report-submit" disabled=move || busy.get()>
                {texts::text_if(busy, |t| t.working, |t| t.submit)}
            </button>
        </form>
    }
}

/// The certificate is withdrawn: what happens next, and the request for a new one.
#[component]
fn Withdrawn(found: ReportResponse, busy: RwSignal<bool>, renew: Callback<()>) -> impl IntoView {
    let at = day(found.revoked_at.as_deref().unwrap_or_default());
    let done_at = texts::format(move |t| fill(t.done_at, &[("date", &at)]));
    let requested = found.renewal_requested;
    view! {
        <section data-test="report-done" aria-labelledby="report-done-title">
            <h2 id="report-done-title">{texts::text(|t| t.done_title)}</h2>
            <p>{done_at}</p>
            <p>{texts::text(|t| t.done_next)}</p>
            <AskRenewal requested busy renew />
        </section>
    }
}

/// The one click for a new certificate, or the word that support has the request.
#[component]
fn AskRenewal(requested: bool, busy: RwSignal<bool>, renew: Callback<()>) -> impl IntoView {
    if requested {
        view! { <p role="status" data-test="report-renewal-done">{texts::text(|t| t.renew_done)}</p> }
            .into_any()
    } else {
        view! {
            <p>
                <button
                    type="button"
                    class="button"
                    data-test="report-renewal"
                    disabled=move || busy.get()
                    on:click=move |_| renew.run(())
                >
                    {texts::text(|t| t.renew)}
                </button>
            </p>
        }
        .into_any()
    }
}
