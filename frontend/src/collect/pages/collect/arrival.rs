//! Who the certificate is for, where the code went, and until when it works.

use super::flow::Flow;
use crate::i18n::use_texts;
use kit::browser;
use kit::i18n::fill;
use kit::time::{clock_time, date_time, remaining};
use leptos::prelude::*;

/// The User Timing mark `cargo xtask bench` reads as "time to first render".
pub const READY_MARK: &str = "certportal:collect-ready";

#[component]
pub fn Arrival(flow: Flow) -> impl IntoView {
    let texts = use_texts();
    let order = flow.order.get_value();
    let link_expires_ms = js_sys::Date::parse(&order.link_expires_at);
    let code_valid = texts.format(move |t| {
        if flow.session.with(Option::is_some) || flow.finished() {
            return t.code_accepted.to_owned();
        }
        let deadline = flow.code.with(|code| code.deadline_ms);
        match flow.ticker.seconds_until(deadline) {
            0 => t.code_not_valid.to_owned(),
            left => fill(
                t.code_valid_value,
                &[
                    ("clock", &clock_time(deadline, texts.lang())),
                    ("time", &remaining(left)),
                ],
            ),
        }
    });
    let name = order.contact_name.clone();
    let greeting = texts.format(move |t| fill(t.greeting, &[("name", &name)]));
    let link_valid = texts.format(move |_| date_time(link_expires_ms, texts.lang()));
    // After the first paint of real content: the page is usable from here.
    request_animation_frame(|| browser::mark(READY_MARK));
    let fact = |label: Signal<&'static str>, value: Signal<String>| {
        view! {
            <div>
                <dt>{label}</dt>
                <dd>{value}</dd>
            </div>
        }
    };
    view! {
        <section class="arrival card" aria-labelledby="arrival-title">
            <p id="arrival-title" class="arrival-greeting">{greeting}</p>
            <dl class="facts">
                {fact(texts.text(|t| t.org_label), Signal::stored(order.org.clone()))}
                {fact(texts.text(|t| t.service_label), Signal::stored(order.service.clone()))}
                {fact(texts.text(|t| t.client_label), Signal::stored(order.client.clone()))}
                {fact(texts.text(|t| t.mobile_label), Signal::stored(order.masked_mobile.clone()))}
                {fact(texts.text(|t| t.code_valid_label), code_valid)}
                {fact(texts.text(|t| t.link_valid_label), link_valid)}
            </dl>
        </section>
    }
}
