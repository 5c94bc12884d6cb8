//! Step 3 when the page makes the key (custody `browser`): WebCrypto makes the key pair, the
//! page signs a certificate request with it and sends it, and seals the key and the
//! certificate the portal signed into a PKCS#12 file of the order's profile, under a password
//! made here from `crypto.getRandomValues`. The file is saved, the password shown once; step
//! 4 checks the file with it. Neither the key nor the password leaves the page: the request
//! carries only the public key (the browser tests watch the network for both).

mod webcrypto;

pub use webcrypto::available;

use super::check::pem_to_der;
use super::flow::{Flow, SavedFile};
use super::headings;
use super::request::Files;
use super::trouble::Trouble;
use crate::api;
use crate::components::CheckItem;
use crate::i18n::use_texts;
use base64::Engine as _;
use certportal_shared::api::collect::{CsrResponse, PageBuild};
use certportal_shared::bundle::{self, Pkcs12Input};
use certportal_shared::csr::build::{request_der, request_info};
use certportal_shared::model::Sha256Digest;
use certportal_shared::secret;
use kit::browser;
use kit::components::{Alert, aria};
use kit::i18n::fill;
use kit::job::Job;
use leptos::prelude::*;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use webcrypto::{KeyPair, fill_random};
use zeroize::Zeroizing;

const MIME: &str = "application/x-pkcs12";

/// Where the making stands, for the words beside the button.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    Idle,
    MakingKey,
    Sending,
    Sealing,
}

/// What the page made: the file, its password, and the certificate in it.
struct Built {
    file: SavedFile,
    password: Zeroizing<String>,
    issued: CsrResponse,
    /// The page's own work, ms: the key and its request, then the file; not the portal's
    /// answer (shown as `data-build-ms`, read by `cargo xtask bench`).
    elapsed_ms: f64,
}

/// What any failure of the browser's own work becomes: the page says it in words of its own.
fn failed<E>(_: E) -> Trouble {
    Trouble::BuildFailed
}

/// What the page holds once the portal signed: all the file needs, so that sealing it can be
/// tried again without a new key (the portal signs one request per order).
struct Signed {
    issued: CsrResponse,
    private_key: Zeroizing<Vec<u8>>,
    password: Zeroizing<String>,
    /// The page's own work so far, ms.
    elapsed_ms: f64,
}

/// The name tools show for the key: the client name, or its file stem when the name holds a
/// character a PKCS#12 friendly name (a BMPString) cannot.
fn friendly_name(client: &str) -> String {
    if client.chars().all(|c| u32::from(c) <= 0xffff) {
        client.to_owned()
    } else {
        Files::for_client(client).stem
    }
}

/// Makes the key, its request and the file's password, and has the portal sign the request.
/// Everything that can fail in the page is done before the request goes out: a failure then
/// can be tried again in the same session, with a new key.
async fn sign(
    flow: Flow,
    recipe: PageBuild,
    bearer: &str,
    stage: RwSignal<Stage>,
) -> Result<Signed, Trouble> {
    let client = flow.order.with_value(|order| order.client.clone());
    stage.set(Stage::MakingKey);
    let started = browser::performance_now();
    let key = KeyPair::generate(recipe.key).await.map_err(failed)?;
    let info = request_info(&key.public_spki().await.map_err(failed)?, &client).map_err(failed)?;
    let signature = key.sign(&info).await.map_err(failed)?;
    // Base64 DER rather than PEM: the portal takes both, and the page has base64 already.
    let request = base64::engine::general_purpose::STANDARD
        .encode(request_der(&info, key.signer(), &signature).map_err(failed)?);
    let private_key = key.private_pkcs8().await.map_err(failed)?;
    let mut random = Zeroizing::new(vec![0u8; recipe.password_length as usize]);
    if !fill_random(&mut random) {
        return Err(Trouble::BuildFailed);
    }
    let password = secret::password(&random);
    let elapsed_ms = browser::performance_now() - started;

    stage.set(Stage::Sending);
    let issued = api::sign_request(bearer, request)
        .await
        .map_err(Trouble::Api)?;
    Ok(Signed {
        issued,
        private_key,
        password,
        elapsed_ms,
    })
}

/// Seals the key and the signed certificate into the file.
async fn seal(
    flow: Flow,
    recipe: PageBuild,
    signed: &Signed,
    stage: RwSignal<Stage>,
) -> Result<Built, Trouble> {
    let client = flow.order.with_value(|order| order.client.clone());
    stage.set(Stage::Sealing);
    // Let "Building the file…" reach the screen before the key derivations hold the thread.
    browser::after_paint().await;
    let started = browser::performance_now();
    let issued = &signed.issued;
    let (Some(certificate), Some(ca)) =
        (pem_to_der(&issued.certificate), pem_to_der(&issued.chain))
    else {
        return Err(Trouble::BuildFailed);
    };
    let input = Pkcs12Input {
        certificate,
        chain: vec![ca],
        private_key: signed.private_key.clone(),
        friendly_name: friendly_name(&client),
        password: signed.password.clone(),
        profile: recipe.profile,
        iterations: recipe.iterations,
    };
    let mut random_ok = true;
    let bytes = bundle::encode(&input, &mut |bytes: &mut [u8]| {
        random_ok &= fill_random(bytes);
    })
    .map_err(failed)?;
    // Salts or IVs the browser could not fill: such a file must not exist.
    if !random_ok {
        return Err(Trouble::BuildFailed);
    }
    let file = SavedFile {
        sha256: Sha256Digest::from_bytes(Sha256::digest(&*bytes).into()),
        bytes: Arc::new(bytes.to_vec()),
        filename: format!("{}-{}.p12", Files::for_client(&client).stem, issued.serial),
    };
    Ok(Built {
        file,
        password: signed.password.clone(),
        issued: issued.clone(),
        elapsed_ms: signed.elapsed_ms + browser::performance_now() - started,
    })
}

fn save(file: &SavedFile, trouble: RwSignal<Option<Trouble>>) {
    if browser::save_file(&file.bytes, &file.filename, MIME).is_err() {
        trouble.set(Some(Trouble::SaveFailed));
    }
}

#[component]
pub fn BuildStep(flow: Flow) -> impl IntoView {
    let texts = use_texts();
    let trouble = RwSignal::new(None::<Trouble>);
    let stage = RwSignal::new(Stage::Idle);
    let build_ms = RwSignal::new(None::<f64>);
    let recipe = flow.order.with_value(|order| order.build);

    // Once the portal signed, a failure to seal is tried again from here, not with a new key.
    let signed = StoredValue::new(None::<Arc<Signed>>);
    let build = Job::new(move |()| async move {
        let Some(recipe) = recipe else {
            return;
        };
        trouble.set(None);
        let made = match signed.get_value() {
            Some(done) => seal(flow, recipe, &done, stage).await,
            None => match flow.session.get_untracked() {
                Some(session) => match sign(flow, recipe, &session.bearer, stage).await {
                    Ok(done) => {
                        let done = Arc::new(done);
                        signed.set_value(Some(done.clone()));
                        seal(flow, recipe, &done, stage).await
                    }
                    Err(problem) => Err(problem),
                },
                None => return,
            },
        };
        stage.set(Stage::Idle);
        match made {
            Ok(Built {
                file,
                password,
                issued,
                elapsed_ms,
            }) => {
                build_ms.set(Some(elapsed_ms));
                // Kept in memory before the save: a save the browser refuses can be repeated.
                save(&file, trouble);
                flow.made_password.set(Some(password));
                flow.file.set(Some(file));
                flow.issued.set(Some(issued));
                // The session has done its work; the bearer, and the key outside the file,
                // need not stay in memory.
                flow.session.set(None);
                signed.set_value(None);
                browser::focus(headings::MADE_PASSWORD);
            }
            Err(problem) => trouble.set(flow.triage(problem)),
        }
    });

    let message = Signal::derive(move || trouble.get().map(|t| t.message(texts.t())));
    let label = texts.text_if(build.pending(), |t| t.build_working, |t| t.build_button);
    let status = texts.format(move |t| {
        match stage.get() {
            Stage::Idle => "",
            Stage::MakingKey => t.build_making_key,
            Stage::Sending => t.build_sending,
            Stage::Sealing => t.build_sealing,
        }
        .to_owned()
    });
    view! {
        <p>{texts.text(|t| t.build_intro)}</p>
        <p hidden=move || flow.file.with(Option::is_some)>
            <button
                type="button"
                class="button button-primary"
                data-test="build-start"
                aria-disabled=move || aria(build.pending().get())
                on:click=move |_| {
                    if !build.pending().get_untracked() {
                        build.start(());
                    }
                }
            >
                {label}
            </button>
        </p>
        <p role="status" class="status">{status}</p>
        <Alert message id="build-error" />
        {move || {
            flow.file.get().map(|file| {
                let elapsed_ms = build_ms.get_untracked().unwrap_or_default();
                view! { <Made flow file elapsed_ms trouble /> }
            })
        }}
    }
}

/// What was made, the password once, and saving again.
#[component]
fn Made(
    flow: Flow,
    file: SavedFile,
    elapsed_ms: f64,
    trouble: RwSignal<Option<Trouble>>,
) -> impl IntoView {
    let texts = use_texts();
    let password = flow
        .made_password
        .get_untracked()
        .map(|password| password.to_string())
        .unwrap_or_default();
    let copied = RwSignal::new(false);
    let copy = {
        let password = password.clone();
        move |_| {
            if let Some(window) = web_sys::window() {
                let promise = window.navigator().clipboard().write_text(&password);
                leptos::task::spawn_local(async move {
                    copied.set(wasm_bindgen_futures::JsFuture::from(promise).await.is_ok());
                });
            }
        }
    };
    let serial = flow
        .issued
        .with_untracked(|issued| issued.as_ref().map(|i| i.serial.clone()))
        .unwrap_or_default();
    let issued_text = texts.format(move |t| fill(t.build_issued, &[("serial", &serial)]));
    let saved_as = {
        let name = file.filename.clone();
        texts.format(move |t| fill(t.saved_as, &[("file", &name)]))
    };
    let copy_status = texts.format(move |t| {
        if copied.get() {
            t.password_copied.to_owned()
        } else {
            String::new()
        }
    });
    view! {
        <ul class="checks" data-test="build-result" data-build-ms=(elapsed_ms.max(0.0).round() as u64).to_string()>
            <CheckItem ok=true text=texts.format(|t| t.build_key_made.to_owned()) />
            <CheckItem ok=true text=issued_text />
            <CheckItem ok=true text=saved_as />
        </ul>
        <section class="card made-password" aria-labelledby=headings::MADE_PASSWORD>
            <h3 id=headings::MADE_PASSWORD tabindex="-1">{texts.text(|t| t.made_password_title)}</h3>
            <p class="password-line">
                <code class="password-value" data-test="made-password">{password}</code>
                " "
                <button type="button" class="button" data-test="password-copy" on:click=copy>
                    {texts.text(|t| t.password_copy)}
                </button>
                " "
                <span role="status">{copy_status}</span>
            </p>
            <p>{texts.text(|t| t.made_password_once)}</p>
        </section>
        <button type="button" class="button" on:click=move |_| save(&file, trouble)>
            {texts.text(|t| t.save_again)}
        </button>
    }
}
