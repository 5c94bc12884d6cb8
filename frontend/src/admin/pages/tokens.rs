//! API tokens (admins only): the list with scopes, end, last use and revocation; making one
//! (shown once, until "done"); revoking one, after a confirm step.

use crate::api::{self, ApiFailure};
use crate::components::{CheckBox, CheckBoxes, Confirm, TextField};
use crate::fetch::{Fetched, fetch, show};
use crate::format;
use crate::i18n::use_texts;
use crate::problem;
use crate::router::TITLE_ID;
use crate::session::use_session;
use certportal_shared::ErrorCode;
use certportal_shared::api::admin::{CreateTokenRequest, CreatedToken, TokenInfo};
use certportal_shared::model::{Scope, TokenName};
use kit::browser;
use kit::components::Alert;
use kit::i18n::fill;
use kit::job::Job;
use leptos::prelude::*;

const CONFIRM_ID: &str = "token-confirm-title";
const CREATED_ID: &str = "token-created-title";
const NAME_ID: &str = "token-name";

#[component]
pub fn TokensPage() -> impl IntoView {
    let texts = use_texts();
    let session = use_session();
    let tokens = fetch(api::tokens);
    let created = RwSignal::new(None::<CreatedToken>);
    let asking = RwSignal::new(None::<String>);
    let trouble = RwSignal::new(None::<ApiFailure>);
    let revoke = Job::new(move |name: String| async move {
        match session.check(api::revoke_token(&name).await) {
            Ok(_) => {
                asking.set(None);
                tokens.refetch();
            }
            Err(failure) => trouble.set(Some(failure)),
        }
    });
    let ask = Callback::new(move |name: String| {
        trouble.set(None);
        asking.set(Some(name));
        browser::focus(CONFIRM_ID);
    });
    let message = Signal::derive(move || {
        trouble
            .get()
            .map(|failure| problem::message(&failure, texts.t()))
    });
    view! {
        <h1 id=TITLE_ID tabindex="-1">{texts.text(|t| t.tokens_title)}</h1>
        <p>{texts.text(|t| t.tokens_intro)}</p>
        {move || created.get().map(|made| view! {
            <Created made done=Callback::new(move |()| created.set(None)) />
        })}
        <AddToken created tokens />
        {move || asking.get().map(|name| {
            let shown = name.clone();
            let question = texts.format(move |t| fill(t.token_revoke_question, &[("name", &shown)]));
            view! {
                <Confirm
                    id=CONFIRM_ID
                    question
                    test="token-confirm"
                    yes=Callback::new(move |()| revoke.start(name.clone()))
                    no=Callback::new(move |()| asking.set(None))
                />
            }
        })}
        <Alert message id="tokens-error" />
        <h2>{texts.text(|t| t.tokens_list_title)}</h2>
        {show(tokens, move |tokens| {
            if tokens.is_empty() {
                return view! { <p data-test="tokens-empty">{texts.text(|t| t.tokens_empty)}</p> }
                    .into_any();
            }
            view! {
                <table class="staff" data-test="tokens-table">
                    <thead>
                        <tr>
                            <th scope="col">{texts.text(|t| t.token_name_label)}</th>
                            <th scope="col">{texts.text(|t| t.token_scopes_col)}</th>
                            <th scope="col">{texts.text(|t| t.added_label)}</th>
                            <th scope="col">{texts.text(|t| t.token_expires_col)}</th>
                            <th scope="col">{texts.text(|t| t.token_last_used_col)}</th>
                            <th scope="col">{texts.text(|t| t.actions_title)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {tokens.into_iter().map(|token| view! { <TokenRow token ask /> }).collect_view()}
                    </tbody>
                </table>
            }
            .into_any()
        })}
    }
}

#[component]
fn TokenRow(token: TokenInfo, ask: Callback<String>) -> impl IntoView {
    let texts = use_texts();
    let scopes = token
        .scopes
        .iter()
        .map(|scope| scope.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let (at, by) = (token.created_at.clone(), token.created_by.clone());
    let added = texts.format(move |t| {
        fill(
            t.created_value,
            &[
                ("time", &format::day(&at, texts.lang())),
                ("who", &format::actor(&by, t)),
            ],
        )
    });
    let ends = token.expires_at.clone();
    let ends = texts.format(move |t| {
        ends.as_deref().map_or_else(
            || t.token_no_end.to_owned(),
            |at| format::day(at, texts.lang()),
        )
    });
    let used = token.last_used_at.clone();
    let used = texts.format(move |t| {
        used.as_deref().map_or_else(
            || t.token_never.to_owned(),
            |at| format::when(at, texts.lang()),
        )
    });
    let name = token.name.clone();
    let action = match token.revoked_at.clone() {
        Some(at) => {
            let revoked = texts.format(move |t| {
                fill(
                    t.token_revoked_status,
                    &[("time", &format::when(&at, texts.lang()))],
                )
            });
            view! { <span data-test="token-revoked">{revoked}</span> }.into_any()
        }
        None => view! {
            <button type="button" class="button button-small" data-test="token-revoke"
                on:click=move |_| ask.run(name.clone())>
                {texts.text(|t| t.token_revoke_button)}
            </button>
        }
        .into_any(),
    };
    view! {
        <tr data-token=token.name.clone()>
            <td data-label=texts.text(|t| t.token_name_label)>{token.name.clone()}</td>
            <td data-label=texts.text(|t| t.token_scopes_col)>{scopes}</td>
            <td data-label=texts.text(|t| t.added_label)>{added}</td>
            <td data-label=texts.text(|t| t.token_expires_col)>{ends}</td>
            <td data-label=texts.text(|t| t.token_last_used_col)>{used}</td>
            <td data-label=texts.text(|t| t.actions_title)>{action}</td>
        </tr>
    }
}

/// The new token, shown this once.
#[component]
fn Created(made: CreatedToken, done: Callback<()>) -> impl IntoView {
    let texts = use_texts();
    let name = made.info.name.clone();
    let title = texts.format(move |t| fill(t.token_created_title, &[("name", &name)]));
    view! {
        <section class="card enrolment" aria-labelledby=CREATED_ID data-test="token-created">
            <h2 id=CREATED_ID tabindex="-1">{title}</h2>
            <p class="warnings">{texts.text(|t| t.token_once)}</p>
            <p><code class="secret" data-test="token-value">{made.token}</code></p>
            <button type="button" class="button button-primary" data-test="token-done"
                on:click=move |_| done.run(())>
                {texts.text(|t| t.token_done)}
            </button>
        </section>
    }
}

/// The form that makes a token.
#[component]
fn AddToken(
    created: RwSignal<Option<CreatedToken>>,
    tokens: Fetched<Vec<TokenInfo>>,
) -> impl IntoView {
    let texts = use_texts();
    let session = use_session();
    let name = RwSignal::new(String::new());
    let days = RwSignal::new(String::new());
    let chosen = RwSignal::new(vec![Scope::OrdersRead]);
    let touched = RwSignal::new(false);
    let taken = RwSignal::new(None::<String>);
    let trouble = RwSignal::new(None::<ApiFailure>);
    let add = Job::new(move |request: CreateTokenRequest| async move {
        let asked = request.name.clone();
        match session.check(api::create_token(&request).await) {
            Ok(made) => {
                name.set(String::new());
                days.set(String::new());
                touched.set(false);
                trouble.set(None);
                created.set(Some(made));
                tokens.refetch();
                browser::focus(CREATED_ID);
            }
            Err(ApiFailure::Refused(error))
                if error.code == ErrorCode::InvalidInput
                    && error.fields.iter().any(|field| field.field == "name") =>
            {
                taken.set(Some(asked));
                browser::focus(NAME_ID);
            }
            Err(failure) => trouble.set(Some(failure)),
        }
    });
    let name_error = Signal::derive(move || {
        let typed = name.get();
        let t = texts.t();
        if taken.with(|taken| taken.as_deref() == Some(typed.trim())) {
            return Some(t.token_name_taken.to_owned());
        }
        (touched.get() && TokenName::parse(&typed).is_err()).then(|| t.token_name_rule.to_owned())
    });
    let parsed_days = move || -> Result<Option<u32>, ()> {
        let typed = days.get();
        match typed.trim() {
            "" => Ok(None),
            text => text
                .parse::<u32>()
                .ok()
                .filter(|days| (1..=3650).contains(days))
                .map(Some)
                .ok_or(()),
        }
    };
    let days_error = Signal::derive(move || {
        (touched.get() && parsed_days().is_err()).then(|| texts.t().token_expires_rule.to_owned())
    });
    let scopes_error = Signal::derive(move || {
        (touched.get() && chosen.with(Vec::is_empty))
            .then(|| texts.t().token_scopes_rule.to_owned())
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        touched.set(true);
        let valid = name_error.get_untracked().is_none()
            && days_error.get_untracked().is_none()
            && scopes_error.get_untracked().is_none();
        match (TokenName::parse(&name.get_untracked()), parsed_days()) {
            (Ok(token_name), Ok(expires_days)) if valid => add.start(CreateTokenRequest {
                name: token_name.to_string(),
                scopes: chosen
                    .get_untracked()
                    .iter()
                    .map(|scope| scope.as_str().to_owned())
                    .collect(),
                expires_days,
            }),
            _ => browser::focus(NAME_ID),
        }
    };
    let scope_box = |scope: Scope, label: Signal<&'static str>| CheckBox {
        value: scope,
        id: format!("token-scope-{}", scope.as_str().replace(':', "-")),
        label,
    };
    let message = Signal::derive(move || {
        trouble
            .get()
            .map(|failure| problem::message(&failure, texts.t()))
    });
    view! {
        <form class="card admin-form add-staff" novalidate on:submit=submit>
            <h2>{texts.text(|t| t.add_token_title)}</h2>
            <TextField
                id=NAME_ID
                label=texts.text(|t| t.token_name_label)
                help=texts.text(|t| t.token_name_help)
                value=name
                error=name_error
                on_blur=Callback::new(move |()| touched.set(true))
            />
            <CheckBoxes
                id="token-scopes"
                legend=texts.text(|t| t.token_scopes_label)
                chosen
                boxes=vec![
                    scope_box(Scope::OrdersRead, texts.text(|t| t.scope_orders_read)),
                    scope_box(Scope::OrdersWrite, texts.text(|t| t.scope_orders_write)),
                    scope_box(Scope::Revoke, texts.text(|t| t.scope_revoke)),
                ]
                error=scopes_error
            />
            <TextField
                id="token-days"
                label=texts.text(|t| t.token_expires_label)
                help=texts.text(|t| t.token_expires_help)
                value=days
                error=days_error
                inputmode="numeric"
            />
            <Alert message id="add-token-error" />
            <button type="submit" class="button button-primary" data-test="token-add">
                {texts.text_if(add.pending(), |t| t.token_creating, |t| t.token_create_button)}
            </button>
        </form>
    }
}
