//! One order: what it is and who makes its key, its certificate (or that it awaits the
//! customer's request), what happened to it and its messages, and what staff can do with it
//! now.

mod actions;
mod timeline;

use crate::api;
use crate::components::StateBadge;
use crate::fetch::{Fetched, fetch, show};
use crate::format;
use crate::i18n::use_texts;
use crate::router::{Link, OrderFilter, Page, TITLE_ID};
use actions::{Actions, Done};
use certportal_shared::api::admin::{CertificateInfo, OrderDetail};
use certportal_shared::model::OrderState;
use kit::i18n::fill;
use leptos::prelude::*;
use timeline::{Messages, Timeline};

#[component]
pub fn OrderPage(id: String) -> impl IntoView {
    let texts = use_texts();
    let detail = fetch(move || {
        let id = id.clone();
        async move { api::order(&id).await }
    });
    // Outside the detail, which an action replaces: the outcome outlives the re-render and
    // is announced from a live region that was already on the page.
    let done = RwSignal::new(None::<Done>);
    let title = texts.format(move |t| match detail.get().and_then(Result::ok) {
        Some(detail) => fill(
            t.order_heading,
            &[("client", &detail.order.client), ("org", &detail.order.org)],
        ),
        None => t.order_title.to_owned(),
    });
    let outcome = texts.format(move |t| done.get().map(|done| done.words(t)).unwrap_or_default());
    view! {
        <p class="breadcrumb">
            <Link to=Page::Orders(OrderFilter::default())>{texts.text(|t| t.back_to_orders)}</Link>
        </p>
        <h1 id=TITLE_ID tabindex="-1">{title}</h1>
        <p class="success" role="status" data-test="order-outcome">{outcome}</p>
        {show(detail, move |order| view! { <OrderBody order detail done /> })}
    }
}

#[component]
fn OrderBody(
    order: OrderDetail,
    detail: Fetched<OrderDetail>,
    done: RwSignal<Option<Done>>,
) -> impl IntoView {
    let texts = use_texts();
    let lang = move || texts.lang();
    let summary = order.order.clone();
    let created = {
        let (at, by) = (summary.created_at.clone(), summary.created_by.clone());
        texts.format(move |t| {
            fill(
                t.created_value,
                &[
                    ("time", &format::when(&at, lang())),
                    ("who", &format::actor(&by, t)),
                ],
            )
        })
    };
    let link_until = {
        let at = order.link_expires_at.clone();
        texts.format(move |_| format::when(&at, lang()))
    };
    let custody = summary.custody;
    // The file's protection means something only when the portal made a file.
    let profile = custody.portal_holds_key().then(|| {
        let profile = order.profile.clone();
        texts.format(move |t| match profile.as_str() {
            "modern" => t.profile_modern.to_owned(),
            "compatible" => t.profile_compatible.to_owned(),
            other => other.to_owned(),
        })
    });
    let locale = order.locale.clone();
    let locale = texts.format(move |t| match locale.as_str() {
        "en" => t.locale_en.to_owned(),
        "nb" => t.locale_nb.to_owned(),
        other => other.to_owned(),
    });
    let counts = {
        let (wrong, resends, downloads) = (order.code_attempts, order.resends, order.downloads);
        texts.format(move |t| {
            fill(
                t.counts_value,
                &[
                    ("wrong", &wrong.to_string()),
                    ("resends", &resends.to_string()),
                    ("downloads", &downloads.to_string()),
                ],
            )
        })
    };
    let renews = summary.renews.clone().map(|serial| {
        let supersede = order.supersede_on_collect;
        texts.format(move |t| {
            let then = if supersede {
                t.renews_supersede
            } else {
                t.renews_keep
            };
            format!("{} {then}", fill(t.renews_value, &[("serial", &serial)]))
        })
    });
    view! {
        <div class="order-status">
            <span data-test="order-state"><StateBadge state=summary.state /></span>
            <span class="muted">{texts.format(move |t| fill(t.order_id_value, &[("id", &summary.order_id)]))}</span>
        </div>
        <Actions order=order.clone() detail done />
        <div class="order-grid">
            <section class="card" aria-labelledby="order-facts-title" data-test="order-facts">
                <h2 id="order-facts-title">{texts.text(|t| t.order_facts_title)}</h2>
                <dl class="details">
                    {fact(texts.text(|t| t.org_label), summary.org.clone())}
                    {fact(texts.text(|t| t.service_label), summary.service.clone())}
                    {fact(texts.text(|t| t.client_label), summary.client.clone())}
                    {fact(texts.text(|t| t.contact_label), summary.contact_name.clone())}
                    {fact(texts.text(|t| t.email_label), summary.email.clone())}
                    {fact(texts.text(|t| t.mobile_label), summary.mobile.clone())}
                    {fact(texts.text(|t| t.created_label), created)}
                    {fact(texts.text(|t| t.link_until_label), link_until)}
                    {fact(
                        texts.text(|t| t.custody_fact_label),
                        view! { <span data-test="order-custody">{texts.text(move |t| format::custody(custody, t))}</span> },
                    )}
                    {profile.map(|profile| fact(texts.text(|t| t.profile_label), profile))}
                    {fact(texts.text(|t| t.locale_label), locale)}
                    {fact(texts.text(|t| t.activity_label), counts)}
                    {renews.map(|renews| fact(texts.text(|t| t.renews_label), renews))}
                </dl>
            </section>
            {match order.certificate.clone() {
                Some(certificate) => view! { <Certificate certificate /> }.into_any(),
                None => view! { <NoCertificate state=summary.state /> }.into_any(),
            }}
        </div>
        <Timeline entries=order.timeline custody />
        <Messages messages=order.messages />
    }
}

/// One term and its value in a description list.
fn fact(label: Signal<&'static str>, value: impl IntoView + 'static) -> impl IntoView {
    view! {
        <div>
            <dt>{label}</dt>
            <dd>{value}</dd>
        </div>
    }
}

/// The certificate's place while there is none: still to come, or never issued.
#[component]
fn NoCertificate(state: OrderState) -> impl IntoView {
    let texts = use_texts();
    let words = texts.text(move |t| {
        if state.is_open() {
            t.certificate_awaiting
        } else {
            t.certificate_none
        }
    });
    view! {
        <section class="card" aria-labelledby="certificate-title" data-test="certificate">
            <h2 id="certificate-title">{texts.text(|t| t.certificate_title)}</h2>
            <p class="muted">{words}</p>
        </section>
    }
}

#[component]
fn Certificate(certificate: CertificateInfo) -> impl IntoView {
    let texts = use_texts();
    let lang = move || texts.lang();
    let (from, until) = (
        certificate.not_before.clone(),
        certificate.not_after.clone(),
    );
    let from = texts.format(move |_| format::when(&from, lang()));
    let until = texts.format(move |_| format::when(&until, lang()));
    let revoked = {
        let (at, reason) = (
            certificate.revoked_at.clone(),
            certificate.revocation_reason,
        );
        texts.format(move |t| match &at {
            Some(at) => fill(
                t.revoked_value,
                &[
                    ("time", &format::when(at, lang())),
                    ("reason", format::reason(reason.unwrap_or_default(), t)),
                ],
            ),
            None => t.not_revoked.to_owned(),
        })
    };
    view! {
        <section class="card" aria-labelledby="certificate-title" data-test="certificate">
            <h2 id="certificate-title">{texts.text(|t| t.certificate_title)}</h2>
            <dl class="details">
                {fact(texts.text(|t| t.serial_label), view! { <code>{certificate.serial.clone()}</code> })}
                {fact(texts.text(|t| t.subject_label), certificate.subject.clone())}
                {fact(
                    texts.text(|t| t.fingerprint_label),
                    view! { <code class="fingerprint">{certificate.fingerprint.clone()}</code> },
                )}
                {fact(texts.text(|t| t.key_label), format::key(&certificate.key_type).to_owned())}
                {fact(texts.text(|t| t.valid_from_label), from)}
                {fact(texts.text(|t| t.valid_until_label), until)}
                {fact(texts.text(|t| t.revocation_label), view! { <span data-test="revocation">{revoked}</span> })}
            </dl>
        </section>
    }
}
