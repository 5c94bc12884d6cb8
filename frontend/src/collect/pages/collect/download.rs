//! Step 3: download the file with a progress bar, check it before offering it (its SHA-256
//! against `Repr-Digest`, and that it is PKCS#12), save it, and confirm the download so that
//! the password goes out.

use super::flow::{Flow, SavedFile};
use super::headings;
use super::trouble::Trouble;
use crate::api;
use crate::components::CheckItem;
use crate::i18n::use_texts;
use certportal_shared::bundle;
use certportal_shared::model::Sha256Digest;
use kit::browser;
use kit::components::Alert;
use kit::i18n::fill;
use kit::job::Job;
use kit::time::remaining;
use leptos::prelude::*;
use sha2::{Digest, Sha256};
use std::sync::Arc;

const MIME: &str = "application/x-pkcs12";

/// Checks what arrived against what the server said it sent.
fn verify(download: &api::Download) -> Result<Sha256Digest, Trouble> {
    let expected = download.digest.ok_or(Trouble::DigestMissing)?;
    let actual = Sha256Digest::from_bytes(Sha256::digest(&download.bytes).into());
    if actual != expected {
        return Err(Trouble::DigestMismatch);
    }
    bundle::probe(&download.bytes).map_err(|_| Trouble::NotPkcs12)?;
    Ok(actual)
}

#[component]
pub fn DownloadStep(flow: Flow) -> impl IntoView {
    let texts = use_texts();
    let trouble = RwSignal::new(None::<Trouble>);
    let progress = RwSignal::new(None::<(u64, Option<u64>)>);

    let confirm = Job::new(move |()| async move {
        let (Some(session), Some(file)) = (flow.session.get_untracked(), flow.file.get_untracked())
        else {
            return;
        };
        match api::receipt(&session.bearer, file.sha256).await {
            Ok(receipt) => {
                trouble.set(None);
                flow.receipt.set(Some(receipt));
                // The session has done its work; the bearer need not stay in memory.
                flow.session.set(None);
                browser::focus(headings::CHECK);
            }
            Err(failure) => trouble.set(flow.triage(Trouble::Api(failure))),
        }
    });

    let download = Job::new(move |()| async move {
        let Some(session) = flow.session.get_untracked() else {
            return;
        };
        trouble.set(None);
        let result = api::bundle(&session.bearer, move |got, total| {
            progress.set(Some((got, total)))
        })
        .await;
        progress.set(None);
        let fetched = match result {
            Ok(fetched) => fetched,
            Err(failure) => {
                trouble.set(flow.triage(Trouble::Api(failure)));
                return;
            }
        };
        flow.session.update(|session| {
            if let Some(session) = session {
                session.downloads_left = session.downloads_left.saturating_sub(1);
            }
        });
        let sha256 = match verify(&fetched) {
            Ok(sha256) => sha256,
            Err(problem) => {
                trouble.set(Some(problem));
                return;
            }
        };
        let filename = fetched.filename.clone().unwrap_or_else(|| {
            flow.order
                .with_value(|o| format!("{}.p12", o.client.replace(' ', "-")))
        });
        if browser::save_file(&fetched.bytes, &filename, MIME).is_err() {
            trouble.set(Some(Trouble::SaveFailed));
            return;
        }
        flow.file.set(Some(SavedFile {
            bytes: Arc::new(fetched.bytes),
            filename,
            sha256,
        }));
        confirm.start(());
    });

    let save_again = move |_| {
        if let Some(file) = flow.file.get_untracked()
            && browser::save_file(&file.bytes, &file.filename, MIME).is_err()
        {
            trouble.set(Some(Trouble::SaveFailed));
        }
    };
    let message = Signal::derive(move || trouble.get().map(|t| t.message(texts.t())));
    let busy = move || download.pending().get() || confirm.pending().get();
    let saved = move || flow.file.with(Option::is_some);
    let confirmed = move || flow.receipt.with(Option::is_some);
    let button_label = texts.text_if(download.pending(), |t| t.downloading, |t| t.download_button);
    let session_note = texts.format(move |t| match flow.session.get().filter(|_| !confirmed()) {
        Some(session) => format!(
            "{} · {}",
            fill(
                t.downloads_left,
                &[("n", &session.downloads_left.to_string())]
            ),
            fill(
                t.session_left,
                &[(
                    "time",
                    &remaining(flow.ticker.seconds_until(session.deadline_ms))
                )]
            )
        ),
        None => String::new(),
    });
    let status = texts.format(move |t| {
        if confirm.pending().get() {
            return t.confirming.to_owned();
        }
        flow.receipt
            .with(|receipt| {
                receipt
                    .as_ref()
                    .map(|r| fill(t.password_on_its_way, &[("mobile", &r.masked_mobile)]))
            })
            .unwrap_or_default()
    });
    let status_class = Signal::derive(move || {
        if confirmed() {
            "status password-notice"
        } else {
            "status"
        }
    });

    view! {
        <p>{texts.text(|t| t.download_intro)}</p>
        <Show when=move || !saved()>
            <button
                type="button"
                class="button button-primary"
                data-test="download"
                disabled=download.pending()
                on:click=move |_| {
                    download.start(());
                }
            >
                {button_label}
            </button>
        </Show>
        {move || {
            progress
                .get()
                .map(|(got, total)| {
                    view! {
                        <div class="progress">
                            <label for="download-progress">{texts.text(|t| t.download_progress)}</label>
                            // Without a length the bar is indeterminate: it moves but shows no share.
                            <progress
                                id="download-progress"
                                max=total.map(|t| t.max(1).to_string())
                                value=total.map(|_| got.to_string())
                            >
                                {format!("{} KB", got / 1024)}
                            </progress>
                        </div>
                    }
                })
        }}
        <p class="muted">{session_note}</p>
        <Alert message />
        {move || {
            flow.file.get().map(|file| {
                let saved_as = texts.format(move |t| fill(t.saved_as, &[("file", &file.filename)]));
                view! {
                    <ul class="checks">
                        <CheckItem ok=true text=texts.format(|t| t.verified_digest.to_owned()) />
                        <CheckItem ok=true text=texts.format(|t| t.verified_pkcs12.to_owned()) />
                        <CheckItem ok=true text=saved_as />
                    </ul>
                    <p class="muted">{texts.text(|t| t.save_hint)}</p>
                    <button type="button" class="button" on:click=save_again>
                        {texts.text(|t| t.save_again)}
                    </button>
                }
            })
        }}
        <p role="status" class=status_class>{status}</p>
        <Show when=move || saved() && !confirmed() && !busy() && flow.session.with(Option::is_some)>
            <button type="button" class="button button-primary" on:click=move |_| {
                confirm.start(());
            }>{texts.text(|t| t.confirm_again)}</button>
        </Show>
    }
}
