//! The collect page: the customer contact's whole flow, from the link to an installed
//! certificate. When the portal makes the key, five steps: warnings, code, download, check,
//! install. When the page makes it (custody `browser`), five too: warnings, code, the key and
//! the file (`build`), check, install. When the contact makes it (custody `csr`), four:
//! warnings, code, the certificate request, install (`request`).

mod arrival;
mod build;
mod check;
mod code;
mod download;
mod flow;
mod guides;
mod headings;
mod hosted;
mod request;
mod summary;
mod trouble;
mod warnings;

use crate::api;
use crate::components::{Step, StepState};
use crate::embed::{Event, Host};
use crate::i18n::use_texts;
use certportal_shared::api::collect::OpenResponse;
use certportal_shared::model::Custody;
use flow::Flow;
use kit::browser;
use kit::components::Alert;
use leptos::either::Either;
use leptos::prelude::*;
use trouble::Trouble;

/// Steps when the portal or the page makes the key: warnings, code, download or build, check,
/// install.
const FILE_STEPS: u8 = 5;
/// Steps when the contact makes it: warnings, code, request, install.
const REQUEST_STEPS: u8 = 4;

/// Where a customer contact collects the certificate; the link token arrives in the fragment.
#[component]
pub fn CollectPage() -> impl IntoView {
    let texts = use_texts();
    let host = use_context::<Host>();
    // Framed by a help centre: the token came from the host page. Otherwise it is read once
    // from the fragment and wiped from the address bar before anything else happens.
    let token = StoredValue::new(match &host {
        Some(host) => host.token.clone(),
        None => browser::take_fragment_token(),
    });
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
            Some(Err(trouble)) => {
                if let Some(host) = &host {
                    host.tell(Event::Error(&trouble.name()));
                }
                view! { <OpenFailed trouble retry=Callback::new(move |()| open()) /> }.into_any()
            }
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

/// Where `step` stands when the flow is at step `current`.
fn step_state(step: u8, current: u8) -> StepState {
    match step {
        // Once the file is saved the guides are as current as the check.
        5 if current == 4 => StepState::Current,
        _ if step < current => StepState::Done,
        _ if step == current => StepState::Current,
        _ => StepState::Upcoming,
    }
}

fn at(current: Signal<u8>, step: u8) -> Signal<StepState> {
    Signal::derive(move || step_state(step, current.get()))
}

/// The steps, each shown when its turn comes: the warnings and the code, then the portal's
/// file, the page's own, or the contact's request.
#[component]
fn CollectFlow(flow: Flow) -> impl IntoView {
    let texts = use_texts();
    let fatal = Signal::derive(move || flow.fatal.get().map(|trouble| trouble.message(texts.t())));
    let custody = flow.custody();
    let total = if custody == Custody::Csr {
        REQUEST_STEPS
    } else {
        FILE_STEPS
    };
    let current = Signal::derive(move || {
        if flow.finished() {
            4
        } else if flow.session.with(Option::is_some) {
            3
        } else if flow.acknowledged.get() {
            2
        } else {
            1
        }
    });
    hosted::report(use_context::<Host>(), flow, current);
    view! {
        <Show
            when=move || flow.fatal.with(Option::is_none)
            fallback=move || view! { <Alert message=fatal /> }
        >
            <arrival::Arrival flow />
            <Step number=1 total heading_id=headings::WARNINGS
                title=texts.text(|t| t.step_warnings) state=at(current, 1)>
                <warnings::Warnings flow />
            </Step>
            <Step number=2 total heading_id=headings::CODE
                title=texts.text(|t| t.step_code) state=at(current, 2)>
                <code::CodeStep flow />
            </Step>
            // Either rather than two AnyViews: the same choice for less of the page's weight.
            {if custody == Custody::Csr {
                Either::Left(view! { <RequestSteps flow current /> })
            } else {
                Either::Right(view! { <FileSteps flow current /> })
            }}
        </Show>
    }
}

/// Steps 3 to 5 when there is a PKCS#12 file: the portal's to download, or the page's to
/// build; then the check and the guides, the same for both.
#[component]
fn FileSteps(flow: Flow, current: Signal<u8>) -> impl IntoView {
    let texts = use_texts();
    let third = if flow.custody() == Custody::Browser {
        Either::Left(view! {
            <Step number=3 total=FILE_STEPS heading_id=headings::BUILD
                title=texts.text(|t| t.step_build) state=at(current, 3)>
                <build::BuildStep flow />
            </Step>
        })
    } else {
        Either::Right(view! {
            <Step number=3 total=FILE_STEPS heading_id=headings::DOWNLOAD
                title=texts.text(|t| t.step_download) state=at(current, 3)>
                <download::DownloadStep flow />
            </Step>
        })
    };
    view! {
        {third}
        <Step number=4 total=FILE_STEPS heading_id=headings::CHECK
            title=texts.text(|t| t.step_check) state=at(current, 4)>
            <check::CheckStep flow />
        </Step>
        <Step number=5 total=FILE_STEPS heading_id=headings::INSTALL
            title=texts.text(|t| t.step_install) state=at(current, 5)>
            <guides::Guides flow />
        </Step>
    }
}

/// Steps 3 and 4 when the contact makes the key: send the request, install the certificate.
#[component]
fn RequestSteps(flow: Flow, current: Signal<u8>) -> impl IntoView {
    let texts = use_texts();
    view! {
        <Step number=3 total=REQUEST_STEPS heading_id=headings::REQUEST
            title=texts.text(|t| t.step_request) state=at(current, 3)>
            <request::RequestStep flow />
        </Step>
        <Step number=4 total=REQUEST_STEPS heading_id=headings::CERTIFICATE
            title=texts.text(|t| t.step_install) state=at(current, 4)>
            <request::CertificateStep flow />
        </Step>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_before_the_current_one_are_done_and_after_it_upcoming() {
        assert_eq!(step_state(1, 3), StepState::Done);
        assert_eq!(step_state(3, 3), StepState::Current);
        assert_eq!(step_state(4, 3), StepState::Upcoming);
    }

    #[test]
    fn once_the_file_is_saved_the_check_and_the_guides_are_both_current() {
        assert_eq!(step_state(4, 4), StepState::Current);
        assert_eq!(step_state(5, 4), StepState::Current);
        assert_eq!(step_state(3, 4), StepState::Done);
    }
}
