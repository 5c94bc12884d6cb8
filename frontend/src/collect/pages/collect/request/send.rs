//! Step 3 for a key the contact makes: how to make the key and its request on their own
//! server, filled in for this order, and the field that sends the request. A refused request
//! stays in the field, to be corrected or replaced and sent again in the same session.

use super::commands::{CERTREQ_NEW, Files, certreq_inf, openssl_p256, openssl_rsa, request_text};
use crate::api;
use crate::i18n::use_texts;
use crate::pages::collect::flow::Flow;
use crate::pages::collect::guides::{Commands, GuideView};
use crate::pages::collect::headings;
use crate::pages::collect::trouble::Trouble;
use certportal_shared::csr::MAX_REQUEST_TEXT;
use js_sys::Uint8Array;
use kit::browser;
use kit::components::{Alert, aria};
use kit::i18n::fill;
use kit::job::Job;
use leptos::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;

const INPUT_ID: &str = "csr-input";

/// What the form and the call share: the request as it stands and the problem shown under it.
#[derive(Clone, Copy)]
struct Entry {
    typed: RwSignal<String>,
    trouble: RwSignal<Option<Trouble>>,
}

/// Sends the request; a signed one ends the session and moves on to the certificate.
fn send(flow: Flow, entry: Entry) -> Job<String> {
    Job::new(move |csr: String| async move {
        let Some(session) = flow.session.get_untracked() else {
            return;
        };
        match api::sign_request(&session.bearer, csr).await {
            Ok(issued) => {
                entry.trouble.set(None);
                entry.typed.set(String::new());
                flow.issued.set(Some(issued));
                // The session has done its work; the bearer need not stay in memory.
                flow.session.set(None);
                browser::focus(headings::CERTIFICATE);
            }
            Err(failure) => {
                entry.trouble.set(flow.triage(Trouble::Api(failure)));
                browser::focus(INPUT_ID);
            }
        }
    })
}

#[component]
pub fn RequestStep(flow: Flow) -> impl IntoView {
    let texts = use_texts();
    let entry = Entry {
        typed: RwSignal::new(String::new()),
        trouble: RwSignal::new(None),
    };
    // Made here rather than in the form: a call still running when the request is signed
    // (and the form leaves the page) must still finish its work.
    let send = send(flow, entry);
    // Hidden rather than taken off the page once the request is signed: the same for the
    // contact, for less of the page's weight than a Show.
    view! {
        <div hidden=move || flow.finished()>
            <Instructions flow />
            <RequestForm entry send />
        </div>
        <p class="done-note" hidden=move || !flow.finished()>{texts.text(|t| t.request_signed)}</p>
    }
}

/// How to make the key and the request, with openssl or with certreq.
#[component]
fn Instructions(flow: Flow) -> impl IntoView {
    let texts = use_texts();
    let (subject, files) = flow
        .order
        .with_value(|order| (order.subject.clone(), Files::for_client(&order.client)));
    let openssl = Commands {
        first: openssl_rsa(&files, &subject),
        second: Some(openssl_p256(&files, &subject)),
    };
    let certreq = Commands {
        first: certreq_inf(&subject),
        second: Some(CERTREQ_NEW.to_owned()),
    };
    let note = texts.format(move |t| fill(t.request_subject_note, &[("subject", &subject)]));
    view! {
        <p>{texts.text(|t| t.request_intro)}</p>
        <div class="guides">
            <GuideView pick=|t| &t.guide_openssl commands=openssl open=true />
            <GuideView pick=|t| &t.guide_certreq commands=certreq />
        </div>
        <p class="muted">{note}</p>
    }
}

#[component]
fn RequestForm(entry: Entry, send: Job<String>) -> impl IntoView {
    let texts = use_texts();
    let Entry { typed, trouble } = entry;
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if send.pending().get_untracked() {
            return;
        }
        let csr = typed.get_untracked().trim().to_owned();
        if csr.is_empty() {
            trouble.set(Some(Trouble::RequestEmpty));
            browser::focus(INPUT_ID);
            return;
        }
        send.start(csr);
    };
    let choose = move |input: HtmlInputElement| {
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        // Emptied, so that choosing the same file again after fixing it reads it again.
        input.set_value("");
        if file.size() > MAX_REQUEST_TEXT as f64 {
            trouble.set(Some(Trouble::RequestTooLarge));
            return;
        }
        leptos::task::spawn_local(async move {
            match JsFuture::from(file.array_buffer()).await {
                Ok(buffer) => {
                    typed.set(request_text(&Uint8Array::new(&buffer).to_vec()));
                    trouble.set(None);
                }
                Err(_) => trouble.set(Some(Trouble::FileUnreadable)),
            }
        });
    };
    let message = Signal::derive(move || trouble.get().map(|t| t.message(texts.t())));
    let invalid = Signal::derive(move || aria(trouble.with(Option::is_some)));
    let sending = Signal::derive(move || aria(send.pending().get()));
    let submit_label = texts.text_if(send.pending(), |t| t.request_sending, |t| t.request_submit);
    view! {
        // novalidate: the portal judges the request and the page says what is wrong in words.
        <form class="request-form" novalidate on:submit=submit>
            <label for=INPUT_ID class="field-label">{texts.text(|t| t.request_label)}</label>
            <p id="csr-help" class="field-help">{texts.text(|t| t.request_help)}</p>
            <textarea
                id=INPUT_ID
                data-test="csr-input"
                class="csr-input"
                rows="10"
                cols="64"
                autocomplete="off"
                autocapitalize="none"
                spellcheck="false"
                aria-describedby="csr-help csr-error"
                aria-invalid=invalid
                prop:value=typed
                on:input:target=move |event| typed.set(event.target().value())
            ></textarea>
            <label for="csr-file" class="field-label">{texts.text(|t| t.request_file_label)}</label>
            <p>
                <input
                    id="csr-file"
                    data-test="csr-file"
                    type="file"
                    accept=".csr,.pem,.der,.req"
                    on:change:target=move |event| choose(event.target())
                />
            </p>
            <button
                type="submit"
                class="button button-primary"
                data-test="csr-submit"
                aria-disabled=sending
            >
                {submit_label}
            </button>
            <Alert message id="csr-error" />
        </form>
    }
}
