//! Step 4: the contact types the SMS password and the inspector from `shared` opens the file
//! right here. The password goes nowhere: it is read from the field, handed to the inspector
//! and dropped; no request carries it (the browser tests watch the network for it). A file
//! the page built itself (custody `browser`) is opened at once with the password the page
//! made: the same check, proving the page's own work.
//!
//! No Web Worker: the default file's two PBKDF2 runs of 10,000 iterations, its AES decryptions
//! and the CA's signature go to WebCrypto, which works off this thread; what stays here is the
//! MAC's key derivation (10,000 SHA-256 hashes), which `cargo xtask bench` measures at well
//! under the 100 ms that would make a frozen page noticeable. A worker would add a second wasm
//! instance to download.

use super::flow::Flow;
use super::headings;
use super::summary::{Checked, Summary};
use super::trouble::Trouble;
use crate::api;
use crate::i18n::use_texts;
use base64::Engine as _;
use certportal_shared::ErrorCode;
use certportal_shared::bundle;
use kit::browser;
use kit::components::{Alert, aria};
use kit::job::Job;
use leptos::prelude::*;

const INPUT_ID: &str = "password-input";

/// How often the page runs `bundle::warm_up` before the check: in headless Chromium the check
/// took 13 ms after one run, 8 ms after three (six did no better), against 16 ms cold.
const WARM_UP_RUNS: usize = 3;

/// A warm-up run slower than this is the last: the default file's first run takes 40-60 ms.
const WARM_UP_SLOW_MS: f64 = 200.0;

/// The DER of the first certificate in a PEM text.
pub(super) fn pem_to_der(pem: &str) -> Option<Vec<u8>> {
    let start = pem.find("-----BEGIN CERTIFICATE-----")? + "-----BEGIN CERTIFICATE-----".len();
    let end = start + pem[start..].find("-----END CERTIFICATE-----")?;
    let body: String = pem[start..end]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD.decode(body).ok()
}

#[component]
pub fn CheckStep(flow: Flow) -> impl IntoView {
    let texts = use_texts();
    let typed = RwSignal::new(String::new());
    let reveal = RwSignal::new(false);
    let trouble = RwSignal::new(None::<Trouble>);
    let checked = RwSignal::new(None::<Checked>);

    let check = Job::new(move |password: String| {
        async move {
            let Some(file) = flow.file.get_untracked() else {
                return;
            };
            // The CA certificate is public; fetching it tells nobody anything about the file.
            let ca = api::ca_pem().await.ok().and_then(|pem| pem_to_der(&pem));
            // Let "Checking…" reach the screen before the key derivation holds the thread.
            browser::after_paint().await;
            let now = (js_sys::Date::now() / 1000.0) as i64;
            let started = browser::performance_now();
            // The PBES2 parts and the CA's signature go to WebCrypto: native speed, off this
            // thread while the MAC is verified here, and no RSA code in the page.
            let engine = bundle::webcrypto::WebCrypto::new();
            let result =
                bundle::open_with(&engine, &file.bytes, &password, ca.as_deref(), now).await;
            drop(password);
            let elapsed_ms = browser::performance_now() - started;
            match result {
                Ok(report) => {
                    trouble.set(None);
                    flow.checked
                        .set(Some(report.certificate.fingerprint_sha256.to_hex()));
                    // Nothing on the page should keep the password once it has done its job.
                    typed.set(String::new());
                    checked.set(Some(Checked {
                        report,
                        elapsed_ms,
                        ca_known: ca.is_some(),
                    }));
                    browser::focus(headings::SUMMARY);
                }
                Err(error) => {
                    checked.set(None);
                    trouble.set(Some(Trouble::Inspect(
                        error.code(),
                        error.message().to_owned(),
                    )));
                    if error.code() == ErrorCode::WrongPassword {
                        browser::focus(INPUT_ID);
                    }
                }
            }
        }
    });

    // The page's own file: checked as soon as the step shows, with the page's password.
    Effect::new(move || {
        if flow.file.with(Option::is_some)
            && let Some(password) = flow.made_password.get()
        {
            check.start(password.to_string());
        }
    });

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if check.pending().get_untracked() {
            return;
        }
        let password = typed.get_untracked().trim().to_owned();
        if password.is_empty() {
            browser::focus(INPUT_ID);
            return;
        }
        check.start(password);
    };
    let message = Signal::derive(move || trouble.get().map(|t| t.message(texts.t())));
    let invalid = Signal::derive(move || aria(trouble.with(Option::is_some)));
    let checking = Signal::derive(move || aria(check.pending().get()));
    let field_type = Signal::derive(move || if reveal.get() { "text" } else { "password" });
    let submit_label = texts.text_if(check.pending(), |t| t.checking, |t| t.password_submit);
    let status = texts.format(move |t| {
        if check.pending().get() {
            t.checking.to_owned()
        } else {
            String::new()
        }
    });

    let made = flow.made_password.with_untracked(Option::is_some);
    // While the contact waits for the SMS, the page runs the file without the password: the
    // check that follows runs on optimised code, twice as fast as a first run. It stops when
    // the check starts, and after a slow run (a file with far more iterations than ours).
    if !made && let Some(file) = flow.file.get_untracked() {
        leptos::task::spawn_local(async move {
            browser::after_paint().await;
            let engine = bundle::webcrypto::WebCrypto::new();
            for _ in 0..WARM_UP_RUNS {
                if check.pending().get_untracked() || checked.with_untracked(Option::is_some) {
                    break;
                }
                let started = browser::performance_now();
                bundle::warm_up(&engine, &file.bytes).await;
                if browser::performance_now() - started > WARM_UP_SLOW_MS {
                    break;
                }
            }
        });
    }
    let intro = texts.text(if made {
        |t| t.check_intro_made
    } else {
        |t| t.check_intro
    });
    view! {
        <p>{intro}</p>
        // No action and no name on the field: nothing here can be submitted to a server (the
        // CSP's form-action 'none' would refuse it too).
        <form class="password-form" novalidate on:submit=submit hidden=made>
            <label for=INPUT_ID class="field-label">{texts.text(|t| t.password_label)}</label>
            <p id="password-help" class="field-help">{texts.text(|t| t.password_help)}</p>
            <div class="inline-field">
                <input
                    id=INPUT_ID
                    data-test="password-input"
                    class="password-input"
                    type=field_type
                    autocomplete="off"
                    autocapitalize="none"
                    spellcheck="false"
                    aria-describedby="password-help password-error"
                    aria-invalid=invalid
                    prop:value=typed
                    on:input:target=move |event| typed.set(event.target().value())
                />
                <button
                    type="submit"
                    class="button button-primary"
                    data-test="password-submit"
                    aria-disabled=checking
                >
                    {submit_label}
                </button>
            </div>
            <div class="ack">
                <input
                    type="checkbox"
                    id="password-reveal"
                    prop:checked=reveal
                    on:change:target=move |event| reveal.set(event.target().checked())
                />
                <label for="password-reveal">{texts.text(|t| t.password_show)}</label>
            </div>
        </form>
        // Outside the form: the page's own file is checked without it, and what went wrong
        // must show all the same.
        <p role="status" class="status">{status}</p>
        <Alert message id="password-error" />
        <Show when=move || made && trouble.with(Option::is_some) && !check.pending().get()>
            <button type="button" class="button" data-test="check-again" on:click=move |_| {
                if let Some(password) = flow.made_password.get_untracked() {
                    check.start(password.to_string());
                }
            }>{texts.text(|t| t.check_again)}</button>
        </Show>
        {move || checked.get().map(|checked| view! { <Summary checked /> })}
    }
}

#[cfg(test)]
mod tests {
    use super::pem_to_der;

    #[test]
    fn the_first_certificate_of_a_pem_text_is_decoded() {
        let pem = "-----BEGIN CERTIFICATE-----\nAQID\nBA==\n-----END CERTIFICATE-----\n";
        assert_eq!(pem_to_der(pem), Some(vec![1, 2, 3, 4]));
        assert_eq!(pem_to_der("nothing"), None);
    }
}
