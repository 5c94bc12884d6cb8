//! The collect page: the customer contact's whole flow, from the link to an installed
//! certificate. Five steps: warnings, code, download, check, install.

mod arrival;
mod check;
mod code;
mod download;
mod flow;
mod guides;
mod headings;
mod summary;
mod trouble;
mod warnings;

use crate::api;
use crate::components::{Step, StepState};
use crate::i18n::use_texts;
use certportal_shared::api::collect::OpenResponse;
use flow::Flow;
use kit::browser;
use kit::components::Alert;
use leptos::prelude::*;
use trouble::Trouble;

const STEPS: u8 = 5;

/// Where a customer contact collects the certificate; the link token arrives in the fragment.
#[component]
pub fn CollectPage() -> impl IntoView {
    let texts = use_texts();
    // Read once and wiped from the address bar before anything else happens.
    let token = StoredValue::new(browser::take_fragment_token());
    // A signal and a spawned task rather than Suspense and a LocalResource: the same
    // behaviour for one call, and about 10 KB less wasm.
    let opened = RwSignal::new(None::<Result<(String, OpenResponse), Trouble>>);
    let open = move || {
        opened.set(None);
        leptos::task::spawn_local(async move {
            let result = match token.get_value() {
                Some(token) => api::open(token.clone())
                    .await
                    .map(|order| (token, order))
                    .map_err(Trouble::Api),
                None => Err(Trouble::NoToken),
            };
            opened.set(Some(result));
        });
    };
    open();

    view! {
        <h1>{texts.text(|t| t.collect_title)}</h1>
        {move || match opened.get() {
            None => view! { <p class="loading" role="status">{texts.text(|t| t.loading)}</p> }.into_any(),
            Some(Ok((token, order))) => view! { <CollectFlow flow=Flow::new(token, order) /> }.into_any(),
            Some(Err(trouble)) => view! { <OpenFailed trouble retry=Callback::new(move |()| open()) /> }.into_any(),
        }}
    }
}

/// The link could not be opened: say why, and offer to try again when that can help.
#[component]
fn OpenFailed(trouble: Trouble, retry: Callback<()>) -> impl IntoView {
    let texts = use_texts();
    // Worth another try: no answer, an unreadable one, or the rate limit; not a refusal of
    // the link itself.
    let retryable = match &trouble {
        Trouble::Api(failure) => failure
            .refusal()
            .is_none_or(|error| error.code == certportal_shared::ErrorCode::RateLimited),
        _ => false,
    };
    let message = Signal::derive(move || Some(trouble.message(texts.t())));
    view! {
        <Alert message />
        <Show when=move || retryable>
            <button type="button" class="button" on:click=move |_| retry.run(())>
                {texts.text(|t| t.try_again)}
            </button>
        </Show>
    }
}

/// The five steps, each shown when its turn comes.
#[component]
fn CollectFlow(flow: Flow) -> impl IntoView {
    let texts = use_texts();
    let fatal = Signal::derive(move || flow.fatal.get().map(|trouble| trouble.message(texts.t())));
    let state = move |step: u8| -> Signal<StepState> {
        Signal::derive(move || {
            let current = if flow.receipt.with(Option::is_some) {
                4
            } else if flow.session.with(Option::is_some) {
                3
            } else if flow.acknowledged.get() {
                2
            } else {
                1
            };
            match step {
                // Once the file is saved the guides are as current as the check.
                5 if current == 4 => StepState::Current,
                _ if step < current => StepState::Done,
                _ if step == current => StepState::Current,
                _ => StepState::Upcoming,
            }
        })
    };
    view! {
        <Show
            when=move || flow.fatal.with(Option::is_none)
            fallback=move || view! { <Alert message=fatal /> }
        >
            <arrival::Arrival flow />
            <Step number=1 total=STEPS heading_id=headings::WARNINGS
                title=texts.text(|t| t.step_warnings) state=state(1)>
                <warnings::Warnings flow />
            </Step>
            <Step number=2 total=STEPS heading_id=headings::CODE
                title=texts.text(|t| t.step_code) state=state(2)>
                <code::CodeStep flow />
            </Step>
            <Step number=3 total=STEPS heading_id=headings::DOWNLOAD
                title=texts.text(|t| t.step_download) state=state(3)>
                <download::DownloadStep flow />
            </Step>
            <Step number=4 total=STEPS heading_id=headings::CHECK
                title=texts.text(|t| t.step_check) state=state(4)>
                <check::CheckStep flow />
            </Step>
            <Step number=5 total=STEPS heading_id=headings::INSTALL
                title=texts.text(|t| t.step_install) state=state(5)>
                <guides::Guides flow />
            </Step>
        </Show>
    }
}
