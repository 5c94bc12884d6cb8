//! Step 1: how to handle the file, or the key the contact makes, read and confirmed before
//! anything can be collected.

use super::flow::Flow;
use crate::i18n::{CollectCatalogue, catalogue, use_texts};
use certportal_shared::model::Custody;
use kit::i18n::Lang;
use leptos::prelude::*;

type Pick = fn(&'static CollectCatalogue) -> &'static str;
type PickList = fn(&'static CollectCatalogue) -> &'static [&'static str];

#[component]
pub fn Warnings(flow: Flow) -> impl IntoView {
    let texts = use_texts();
    // The same confirmation either way; what it warns about follows who holds the key.
    let (intro, list, ack): (Pick, PickList, Pick) = match flow.custody() {
        Custody::Server => (|t| t.warnings_intro, |t| &t.warnings, |t| t.warnings_ack),
        Custody::Browser => (
            |t| t.warnings_intro_made,
            |t| &t.warnings_made,
            |t| t.warnings_ack,
        ),
        Custody::Csr => (
            |t| t.warnings_intro_csr,
            |t| &t.warnings_csr,
            |t| t.warnings_ack_csr,
        ),
    };
    // Once a session is open the confirmation has done its work; unticking it then would
    // only hide steps the contact is in the middle of.
    let locked = Signal::derive(move || flow.session.with(Option::is_some) || flow.finished());
    let described_by =
        Signal::derive(move || (!flow.acknowledged.get()).then_some("warnings-ack-hint"));
    let items = (0..list(catalogue(Lang::En)).len())
        .map(|i| view! { <li>{texts.format(move |t| list(t)[i].to_owned())}</li> })
        .collect_view();
    view! {
        <div class="warnings" data-test="warnings">
            <p>{texts.text(intro)}</p>
            <ul class="warning-list">{items}</ul>
        </div>
        <div class="ack">
            // No focus move on ticking: the code field is next in the tab order, and moving
            // focus on a change would surprise keyboard and screen-reader users.
            <input
                type="checkbox"
                id="warnings-ack"
                data-test="warnings-ack"
                prop:checked=flow.acknowledged
                disabled=locked
                aria-describedby=described_by
                on:change:target=move |event| flow.acknowledged.set(event.target().checked())
            />
            <label for="warnings-ack">{texts.text(ack)}</label>
        </div>
        <Show when=move || !flow.acknowledged.get()>
            <p id="warnings-ack-hint" class="muted">{texts.text(|t| t.warnings_ack_needed)}</p>
        </Show>
    }
}
