//! The renewal page (`/renew`): the contact opens the file they use now with its password, the
//! page proves to the portal that it holds the file's key by signing the portal's challenge
//! with it (WebCrypto, the key imported for that one signature), and the renewal order starts:
//! a new link by e-mail and a code by SMS, as for any order. Neither the file, its key nor its
//! password leaves the page; the portal gets the certificate and the signature.

use crate::api::{self, ApiFailure};
use crate::i18n::{self, use_texts};
use crate::texts;
use crate::trouble::Trouble;
use certportal_shared::ErrorCode;
use certportal_shared::api::check::RenewResponse;
use certportal_shared::api::renew::signed_message;
use certportal_shared::bundle::{self, MAX_FILE_SIZE};
use js_sys::Uint8Array;
use kit::browser;
use kit::components::{Alert, Message};
use kit::i18n::{Lang, fill};
use kit::job::Job;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;
use zeroize::Zeroizing;

const FILE_ID: &str = "renew-file";
const PASSWORD_ID: &str = "renew-password";

/// What went wrong: the collect app's words for the file and the network, the page's own for
/// the renewal's refusals.
#[derive(Clone, Debug, PartialEq)]
enum Failure {
    Shared(Trouble),
    Refused(ErrorCode),
    NoFile,
}

impl From<ApiFailure> for Failure {
    fn from(failure: ApiFailure) -> Self {
        match failure.refusal().map(|error| error.code.clone()) {
            Some(
                code @ (ErrorCode::CertificateRevoked
                | ErrorCode::CertificateExpired
                | ErrorCode::UnknownSerial
                | ErrorCode::RenewalUnderWay
                | ErrorCode::SignatureInvalid
                | ErrorCode::ChallengeUsed
                | ErrorCode::ChallengeExpired
                | ErrorCode::ChallengeInvalid),
            ) => Failure::Refused(code),
            _ => Failure::Shared(Trouble::Api(failure)),
        }
    }
}

/// Fetches a challenge, opens the file, signs the challenge with its key and asks for the
/// renewal. The challenge comes first, so that the key is out of the file for one signature
/// and no network round trip.
async fn renew(file: Vec<u8>, password: Zeroizing<String>) -> Result<RenewResponse, Failure> {
    let challenge = api::renew_challenge().await?.challenge;
    // Let "Renewing…" reach the screen before the key derivation holds the thread.
    browser::after_paint().await;
    let unlocked = bundle::unlock(&file, &password)
        .map_err(|error| Failure::Shared(Trouble::Inspect(error.code(), error.message().into())))?;
    drop(password);
    let signature = bundle::webcrypto::sign_with_pkcs8(
        &unlocked.pkcs8,
        &unlocked.key,
        &signed_message(&challenge),
    )
    .await
    .map_err(|_| Failure::Shared(Trouble::NoWebCrypto))?;
    let certificate = unlocked.certificate_der.clone();
    drop(unlocked);
    Ok(api::renew_signed(challenge, &certificate, &signature).await?)
}

impl Failure {
    /// Whether trying again with the same file cannot help: then the page lets go of the file
    /// and its password.
    fn is_final(&self) -> bool {
        matches!(
            self,
            Failure::Refused(
                ErrorCode::CertificateRevoked
                    | ErrorCode::CertificateExpired
                    | ErrorCode::UnknownSerial
                    | ErrorCode::RenewalUnderWay
            )
        )
    }

    fn message(&self, lang: Lang) -> Message {
        let t = texts::catalogue(lang);
        let problem = match self {
            Failure::Shared(trouble) => return trouble.message(i18n::catalogue(lang)),
            Failure::NoFile => &t.renew_no_file,
            Failure::Refused(ErrorCode::CertificateRevoked) => &t.renew_revoked,
            Failure::Refused(ErrorCode::CertificateExpired) => &t.renew_expired,
            Failure::Refused(ErrorCode::UnknownSerial) => &t.renew_not_ours,
            Failure::Refused(ErrorCode::RenewalUnderWay) => &t.renew_under_way,
            Failure::Refused(ErrorCode::SignatureInvalid) => &t.renew_bad_signature,
            Failure::Refused(_) => &t.renew_try_again,
        };
        Message {
            what: problem.what.into(),
            next: problem.next.into(),
        }
    }
}

#[component]
pub fn RenewPage() -> impl IntoView {
    let collect_texts = use_texts();
    let file = RwSignal::new_local(None::<Vec<u8>>);
    let typed = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<Failure>);
    let renewed = RwSignal::new(None::<RenewResponse>);
    let job = Job::new(
        move |(bytes, password): (Vec<u8>, Zeroizing<String>)| async move {
            match renew(bytes, password).await {
                Ok(answer) => {
                    problem.set(None);
                    // Nothing on the page keeps the file or its password once the proof is made.
                    typed.set(String::new());
                    file.set(None);
                    renewed.set(Some(answer));
                }
                Err(failure) => {
                    if failure.is_final() {
                        typed.set(String::new());
                        file.set(None);
                    }
                    if matches!(
                        failure,
                        Failure::Shared(Trouble::Inspect(ErrorCode::WrongPassword, _))
                    ) {
                        browser::focus(PASSWORD_ID);
                    }
                    problem.set(Some(failure));
                }
            }
        },
    );
    let choose = move |input: HtmlInputElement| {
        let Some(chosen) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        if chosen.size() > MAX_FILE_SIZE as f64 {
            problem.set(Some(Failure::Shared(Trouble::NotPkcs12)));
            return;
        }
        leptos::task::spawn_local(async move {
            match JsFuture::from(chosen.array_buffer()).await {
                Ok(buffer) => {
                    file.set(Some(Uint8Array::new(&buffer).to_vec()));
                    problem.set(None);
                }
                Err(_) => problem.set(Some(Failure::Shared(Trouble::FileUnreadable))),
            }
        });
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let Some(bytes) = file.get_untracked() else {
            problem.set(Some(Failure::NoFile));
            browser::focus(FILE_ID);
            return;
        };
        job.start((
            bytes,
            Zeroizing::new(typed.get_untracked().trim().to_owned()),
        ));
    };
    let message = Signal::derive(move || {
        problem
            .get()
            .map(|failure| failure.message(collect_texts.lang()))
    });
    view! {
        <h1>{texts::text(|t| t.renew_title)}</h1>
        <Alert message />
        {move || match renewed.get() {
            Some(answer) => view! { <Renewed answer /> }.into_any(),
            None => {
                view! {
                    <p>{texts::text(|t| t.renew_intro)}</p>
                    <p>{texts::text(|t| t.renew_private)}</p>
                    <form class="password-form" novalidate on:submit=submit>
                        <label for=FILE_ID class="field-label">{texts::text(|t| t.renew_file_label)}</label>
                        <p>
                            <input
                                id=FILE_ID
                                type="file"
                                accept=".p12,.pfx,application/x-pkcs12"
                                data-test="renew-file"
                                on:change=move |event| {
                                    if let Some(input) = event
                                        .target()
                                        .and_then(|target| target.dyn_into::<HtmlInputElement>().ok())
                                    {
                                        choose(input);
                                    }
                                }
                            />
                        </p>
                        <label for=PASSWORD_ID class="field-label">{texts::text(|t| t.renew_password_label)}</label>
                        <input
                            id=PASSWORD_ID
                            type="password"
                            autocomplete="off"
                            spellcheck="false"
                            data-test="renew-password"
                            prop:value=move || typed.get()
                            on:input=move |event| typed.set(event_target_value(&event))
                        />
                        <button type="submit" class="button" data-test="renew-submit" disabled=move || job.pending().get()>
                            {texts::text_if(job.pending(), |t| t.renew_working, |t| t.renew_submit)}
                        </button>
                    </form>
                }
                    .into_any()
            }
        }}
    }
}

/// The renewal started: where the link and the code go, and what happens to the old one.
#[component]
fn Renewed(answer: RenewResponse) -> impl IntoView {
    let mobile = answer.masked_mobile.clone();
    let sent = texts::format(move |t| fill(t.renew_sent, &[("mobile", &mobile)]));
    let renews = answer.renews.clone();
    let old = texts::format(move |t| fill(t.renew_old, &[("serial", &renews)]));
    view! {
        <section data-test="renew-done" aria-labelledby="renew-done-title">
            <h2 id="renew-done-title">{texts::text(|t| t.renew_done_title)}</h2>
            <p>{sent}</p>
            <p>{old}</p>
        </section>
    }
}
