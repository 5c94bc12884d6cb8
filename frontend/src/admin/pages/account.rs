//! One's own account: who one is, a new password (required after the first sign-in), and
//! signing out.

use crate::api::{self, ApiFailure};
use crate::components::TextField;
use crate::format;
use crate::i18n::use_texts;
use crate::problem;
use crate::router::TITLE_ID;
use crate::session::use_session;
use certportal_shared::ErrorCode;
use certportal_shared::api::admin::ChangePasswordRequest;
use certportal_shared::model::check_new_password;
use kit::browser;
use kit::components::Alert;
use kit::i18n::fill;
use kit::job::Job;
use leptos::prelude::*;

#[component]
pub fn Account() -> impl IntoView {
    let texts = use_texts();
    let session = use_session();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let submitted = RwSignal::new(false);
    // The current password the portal refused, until it is changed.
    let wrong_current = RwSignal::new(None::<String>);
    let trouble = RwSignal::new(None::<ApiFailure>);
    let changed = RwSignal::new(false);

    let change = Job::new(move |request: ChangePasswordRequest| async move {
        let tried = request.current_password.clone();
        match session.check(api::change_password(&request).await) {
            Ok(()) => {
                for field in [current, new, repeat] {
                    field.set(String::new());
                }
                submitted.set(false);
                trouble.set(None);
                changed.set(true);
                session.password_changed();
            }
            Err(ApiFailure::Refused(error))
                if error.code == ErrorCode::InvalidInput
                    && error.fields.iter().any(|f| f.field == "current_password") =>
            {
                wrong_current.set(Some(tried));
                browser::focus("password-current");
            }
            Err(failure) => trouble.set(Some(failure)),
        }
    });

    let current_error = Signal::derive(move || {
        let t = texts.t();
        let value = current.get();
        if wrong_current.with(|wrong| wrong.as_deref() == Some(value.as_str())) {
            Some(t.current_password_wrong.to_owned())
        } else if submitted.get() && value.is_empty() {
            Some(t.field_required.to_owned())
        } else {
            None
        }
    });
    let new_error = Signal::derive(move || {
        let value = new.get();
        (submitted.get() || !value.is_empty())
            .then(|| check_new_password(&value).err())
            .flatten()
            .map(|_| texts.t().new_password_rule.to_owned())
    });
    let repeat_error = Signal::derive(move || {
        (submitted.get() && repeat.get() != new.get()).then(|| texts.t().repeat_mismatch.to_owned())
    });

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        submitted.set(true);
        changed.set(false);
        let bad = [
            ("password-current", current_error),
            ("password-new", new_error),
            ("password-repeat", repeat_error),
        ]
        .into_iter()
        .find(|(_, error)| error.get_untracked().is_some());
        match bad {
            Some((id, _)) => browser::focus(id),
            None => change.start(ChangePasswordRequest {
                current_password: current.get_untracked(),
                new_password: new.get_untracked(),
            }),
        }
    };
    let who = texts.format(move |t| {
        session
            .me()
            .map(|me| {
                fill(
                    t.account_who,
                    &[("name", &me.username), ("role", format::role(me.role, t))],
                )
            })
            .unwrap_or_default()
    });
    let first_password = move || session.me().is_some_and(|me| me.must_change_password);
    let message = Signal::derive(move || {
        trouble
            .get()
            .map(|failure| problem::message(&failure, texts.t()))
    });
    view! {
        <h1 id=TITLE_ID tabindex="-1">{texts.text(|t| t.account_title)}</h1>
        <p>{who}</p>
        <Show when=first_password>
            <div class="notice" data-test="first-password-notice">
                <p>{texts.text(|t| t.first_password_notice)}</p>
            </div>
        </Show>
        <form class="card admin-form" novalidate on:submit=submit>
            <h2>{texts.text(|t| t.change_password_title)}</h2>
            <TextField id="password-current" label=texts.text(|t| t.current_password_label)
                value=current error=current_error kind="password" autocomplete="current-password" />
            <TextField id="password-new" label=texts.text(|t| t.new_password_label)
                help=texts.text(|t| t.new_password_help)
                value=new error=new_error kind="password" autocomplete="new-password" />
            <TextField id="password-repeat" label=texts.text(|t| t.repeat_password_label)
                value=repeat error=repeat_error kind="password" autocomplete="new-password" />
            <Alert message id="password-error" />
            <p class="success" role="status" data-test="password-changed">
                {move || changed.get().then(|| texts.t().password_changed)}
            </p>
            <button type="submit" class="button button-primary" data-test="password-change">
                {texts.text_if(change.pending(), |t| t.changing, |t| t.change_password_button)}
            </button>
        </form>
    }
}
