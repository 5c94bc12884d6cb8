//! Staff sign-in: user name, password and the code from an authenticator app.

use crate::api::{self, ApiFailure};
use crate::components::TextField;
use crate::i18n::use_texts;
use crate::problem;
use crate::router::{Page, TITLE_ID, use_router};
use crate::session::use_session;
use certportal_shared::api::admin::LoginRequest;
use kit::browser;
use kit::components::{Alert, Message};
use kit::job::Job;
use leptos::prelude::*;

/// Why the form shows a message.
#[derive(Clone, Debug, PartialEq)]
enum Trouble {
    /// The session ended while the user was working.
    Ended,
    /// A field was left empty.
    Missing,
    Failed(ApiFailure),
}

/// The code as typed, without the spaces some authenticator apps show in the middle.
fn code(typed: &str) -> String {
    typed.chars().filter(|c| !c.is_whitespace()).collect()
}

#[component]
pub fn SignIn(ended: bool) -> impl IntoView {
    let texts = use_texts();
    let session = use_session();
    let router = use_router();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let totp = RwSignal::new(String::new());
    let trouble = RwSignal::new(ended.then_some(Trouble::Ended));

    let login = Job::new(move |request: LoginRequest| async move {
        match api::login(&request).await {
            Ok(me) => {
                password.set(String::new());
                totp.set(String::new());
                let first_password = me.must_change_password;
                session.signed_in(me);
                if first_password {
                    router.go(Page::Account);
                } else {
                    browser::focus(TITLE_ID);
                }
            }
            Err(failure) => {
                // A code works once, and a refused one was probably mistyped or stale.
                totp.set(String::new());
                trouble.set(Some(Trouble::Failed(failure)));
                browser::focus("login-password");
            }
        }
    });

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let request = LoginRequest {
            username: username.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
            totp: code(&totp.get_untracked()),
        };
        let empty = [
            ("login-username", request.username.is_empty()),
            ("login-password", request.password.is_empty()),
            ("login-totp", request.totp.is_empty()),
        ]
        .into_iter()
        .find(|(_, empty)| *empty);
        match empty {
            Some((id, _)) => {
                trouble.set(Some(Trouble::Missing));
                browser::focus(id);
            }
            None => login.start(request),
        }
    };

    let message = Signal::derive(move || {
        let t = texts.t();
        trouble.get().map(|trouble| match trouble {
            Trouble::Ended => Message {
                what: t.session_ended.what.to_owned(),
                next: t.session_ended.next.to_owned(),
            },
            Trouble::Missing => Message {
                what: t.sign_in_missing.what.to_owned(),
                next: t.sign_in_missing.next.to_owned(),
            },
            Trouble::Failed(failure) => problem::message(&failure, t),
        })
    });
    let no_error = Signal::derive(|| None::<String>);
    let pending = login.pending();
    let busy = move || kit::components::aria(pending.get());
    view! {
        <div class="sign-in">
            <h1 id=TITLE_ID tabindex="-1">{texts.text(|t| t.sign_in_title)}</h1>
            <p class="muted">{texts.text(|t| t.sign_in_intro)}</p>
            // novalidate: the page says what is missing in words, in the page's language.
            <form class="card admin-form" novalidate on:submit=submit>
                <TextField
                    id="login-username"
                    label=texts.text(|t| t.username_label)
                    value=username
                    error=no_error
                    autocomplete="username"
                />
                <TextField
                    id="login-password"
                    label=texts.text(|t| t.password_label)
                    value=password
                    error=no_error
                    kind="password"
                    autocomplete="current-password"
                />
                <TextField
                    id="login-totp"
                    label=texts.text(|t| t.totp_label)
                    help=texts.text(|t| t.totp_help)
                    value=totp
                    error=no_error
                    autocomplete="one-time-code"
                    inputmode="numeric"
                />
                <Alert message id="login-error" />
                <button
                    type="submit"
                    class="button button-primary"
                    data-test="login-submit"
                    aria-disabled=busy
                >
                    {texts.text_if(pending, |t| t.signing_in, |t| t.sign_in_button)}
                </button>
            </form>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::code;

    #[test]
    fn the_space_in_the_middle_of_a_shown_code_is_dropped() {
        assert_eq!(code(" 123 456 "), "123456");
    }
}
