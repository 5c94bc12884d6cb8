//! A new order, or a renewal prefilled from an old one. Fields are checked as staff type
//! (from the first time a field loses focus, and all of them at submit); the portal's own
//! field errors land on the same fields. A new order opens its page. Who makes the key comes
//! first among the certificate's choices: the key and the file protection are the portal's
//! only when it makes the key.

mod fields;

use crate::api::{self, ApiFailure};
use crate::components::{Choice, ChoiceField, TextField};
use crate::fetch::{fetch, show};
use crate::format;
use crate::i18n::use_texts;
use crate::problem;
use crate::router::{Page, TITLE_ID, use_router};
use crate::session::use_session;
use certportal_shared::ErrorCode;
use certportal_shared::api::admin::OrderDetail;
use certportal_shared::model::{Custody, OrderDraft};
use fields::{TYPED, Values, check};
use kit::browser;
use kit::components::{Alert, Message};
use kit::i18n::fill;
use kit::job::Job;
use leptos::prelude::*;

#[component]
pub fn NewOrder() -> impl IntoView {
    let texts = use_texts();
    view! {
        <h1 id=TITLE_ID tabindex="-1">{texts.text(|t| t.new_order_title)}</h1>
        <p class="muted">{texts.text(|t| t.new_order_intro)}</p>
        <OrderForm values=Values::blank() renews=None />
    }
}

#[component]
pub fn Renew(id: String) -> impl IntoView {
    let texts = use_texts();
    let old = fetch(move || {
        let id = id.clone();
        async move { api::order(&id).await }
    });
    view! {
        <h1 id=TITLE_ID tabindex="-1">{texts.text(|t| t.renew_title)}</h1>
        {show(old, |old| view! { <OrderForm values=Values::from_order(&old) renews=Some(old) /> })}
    }
}

/// A typed field: its value, whether its error may show yet, and the value the portal refused.
#[derive(Clone, Copy)]
struct Field {
    name: &'static str,
    id: &'static str,
    value: RwSignal<String>,
    touched: RwSignal<bool>,
    refused: RwSignal<Option<String>>,
}

impl Field {
    fn new(name: &'static str, id: &'static str, value: &str) -> Self {
        Self {
            name,
            id,
            value: RwSignal::new(value.to_owned()),
            touched: RwSignal::new(false),
            refused: RwSignal::new(None),
        }
    }

    /// Wrong by the parser, or the very value the portal refused.
    fn is_bad(&self, value: &str) -> bool {
        check(self.name, value).is_err()
            || self
                .refused
                .with(|refused| refused.as_deref() == Some(value))
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Trouble {
    /// This many fields need fixing.
    Fields(usize),
    Failed(ApiFailure),
}

#[component]
fn OrderForm(values: Values, renews: Option<OrderDetail>) -> impl IntoView {
    let texts = use_texts();
    let session = use_session();
    let router = use_router();
    let ids = [
        "order-org",
        "order-service",
        "order-client",
        "order-contact-name",
        "order-email",
        "order-mobile",
    ];
    let typed: [Field; 6] =
        std::array::from_fn(|i| Field::new(TYPED[i], ids[i], values.typed(TYPED[i])));
    let [org, service, client, contact_name, email, mobile] = typed;
    let key = RwSignal::new(values.key.clone());
    let profile = RwSignal::new(values.profile.clone());
    let locale = RwSignal::new(values.locale.clone());
    let custody = RwSignal::new(values.custody.clone());
    let supersede = RwSignal::new(true);
    let submitted = RwSignal::new(false);
    let trouble = RwSignal::new(None::<Trouble>);
    // An order whose request never came has no certificate to renew: the new one copies it.
    let renewed_serial = renews
        .as_ref()
        .and_then(|old| old.certificate.as_ref())
        .map(|certificate| certificate.serial.clone());
    let renewing = renewed_serial.is_some();

    let current = move || Values {
        org: org.value.get_untracked(),
        service: service.value.get_untracked(),
        client: client.value.get_untracked(),
        contact_name: contact_name.value.get_untracked(),
        email: email.value.get_untracked(),
        mobile: mobile.value.get_untracked(),
        key: key.get_untracked(),
        profile: profile.get_untracked(),
        locale: locale.get_untracked(),
        custody: custody.get_untracked(),
    };
    let first_bad = move || {
        typed
            .iter()
            .filter(|field| field.is_bad(&field.value.get_untracked()))
            .copied()
            .collect::<Vec<Field>>()
    };

    let create = Job::new(move |draft: OrderDraft| async move {
        match session.check(api::create_order(&draft).await) {
            Ok(created) => router.go(Page::Order(created.order_id)),
            Err(ApiFailure::Refused(error)) if error.code == ErrorCode::InvalidInput => {
                for refused in &error.fields {
                    if let Some(field) = typed.iter().find(|f| f.name == refused.field) {
                        field.refused.set(Some(field.value.get_untracked()));
                    }
                }
                let bad = first_bad();
                match bad.first() {
                    Some(field) => {
                        trouble.set(Some(Trouble::Fields(bad.len())));
                        browser::focus(field.id);
                    }
                    None => trouble.set(Some(Trouble::Failed(ApiFailure::Refused(error)))),
                }
            }
            Err(failure) => trouble.set(Some(Trouble::Failed(failure))),
        }
    });

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if create.pending().get_untracked() {
            return;
        }
        submitted.set(true);
        let bad = first_bad();
        if let Some(field) = bad.first() {
            trouble.set(Some(Trouble::Fields(bad.len())));
            browser::focus(field.id);
            return;
        }
        trouble.set(None);
        let renews = renewed_serial
            .clone()
            .map(|serial| (serial, supersede.get_untracked()));
        create.start(current().draft(renews));
    };

    let error = move |field: Field| -> Signal<Option<String>> {
        Signal::derive(move || {
            let value = field.value.get();
            let shown =
                field.touched.get() || submitted.get() || field.refused.with(Option::is_some);
            (shown && field.is_bad(&value))
                .then(|| fields::problem(field.name, &value, texts.t()).to_owned())
        })
    };
    let blur = move |field: Field| Callback::new(move |()| field.touched.set(true));
    let message = Signal::derive(move || {
        let t = texts.t();
        trouble.get().map(|trouble| match trouble {
            Trouble::Fields(n) => Message {
                what: fill(t.fields_to_fix, &[("n", &n.to_string())]),
                next: t.fields_to_fix_next.to_owned(),
            },
            Trouble::Failed(failure) => problem::message(&failure, t),
        })
    });
    let choice = |value: &'static str, label: Signal<&'static str>| Choice { value, label };
    let customer_key = move || Values::customer_makes_key(&custody.get());
    let submit_label = texts.text(move |t| match (create.pending().get(), customer_key()) {
        (true, true) => t.creating,
        (true, false) => t.issuing,
        (false, true) => t.send_link_submit,
        (false, false) if renewing => t.renew_submit,
        (false, false) => t.create_submit,
    });
    let text_field = move |field: Field,
                           label: Signal<&'static str>,
                           help: Signal<&'static str>,
                           kind: &'static str,
                           autocomplete: &'static str| {
        view! {
            <TextField
                id=field.id
                label
                help
                value=field.value
                error=error(field)
                kind
                autocomplete
                on_blur=blur(field)
            />
        }
    };

    view! {
        // novalidate: the page checks with the portal's own rules and says what to fix.
        <form class="admin-form order-form" novalidate on:submit=submit>
            {renews.map(|old| view! { <Renewal old supersede /> })}
            <fieldset>
                <legend>{texts.text(|t| t.customer_legend)}</legend>
                {text_field(org, texts.text(|t| t.org_label), texts.text(|t| t.org_help), "text", "organization")}
                {text_field(service, texts.text(|t| t.service_label), texts.text(|t| t.service_help), "text", "off")}
                {text_field(client, texts.text(|t| t.client_label), texts.text(|t| t.client_help), "text", "off")}
            </fieldset>
            <fieldset>
                <legend>{texts.text(|t| t.contact_legend)}</legend>
                {text_field(contact_name, texts.text(|t| t.name_label), texts.text(|t| t.contact_help), "text", "name")}
                {text_field(email, texts.text(|t| t.email_label), texts.text(|t| t.email_help), "email", "email")}
                {text_field(mobile, texts.text(|t| t.mobile_label), texts.text(|t| t.mobile_help), "tel", "tel")}
            </fieldset>
            <fieldset>
                <legend>{texts.text(|t| t.certificate_legend)}</legend>
                <ChoiceField id="order-custody" label=texts.text(|t| t.custody_label) value=custody
                    help=texts.text(|t| t.custody_help)
                    choices=vec![
                        choice(Custody::Server.as_str(), texts.text(|t| t.custody_server)),
                        choice(Custody::Browser.as_str(), texts.text(|t| t.custody_browser)),
                        choice(Custody::Csr.as_str(), texts.text(|t| t.custody_csr)),
                    ]
                />
                <Show
                    when=move || !Values::customer_brings_request(&custody.get())
                    fallback=move || view! {
                        <p class="field-help" data-test="key-by-customer">{texts.text(|t| t.key_by_customer)}</p>
                    }
                >
                    <ChoiceField id="order-key" label=texts.text(|t| t.key_label) value=key
                        help=texts.text(|t| t.key_help)
                        choices=vec![
                            choice("rsa2048", texts.text(|t| t.key_rsa2048)),
                            choice("rsa3072", texts.text(|_| format::key("rsa3072"))),
                            choice("p256", texts.text(|_| format::key("p256"))),
                        ]
                    />
                    <ChoiceField id="order-profile" label=texts.text(|t| t.profile_label) value=profile
                        help=texts.text(|t| t.profile_help)
                        choices=vec![
                            choice("modern", texts.text(|t| t.profile_modern)),
                            choice("compatible", texts.text(|t| t.profile_compatible)),
                        ]
                    />
                </Show>
                <ChoiceField id="order-locale" label=texts.text(|t| t.locale_label) value=locale
                    help=texts.text(|t| t.locale_help)
                    choices=vec![
                        choice("", texts.text(|t| t.locale_default)),
                        choice("en", texts.text(|t| t.locale_en)),
                        choice("nb", texts.text(|t| t.locale_nb)),
                    ]
                />
            </fieldset>
            <Alert message id="order-form-error" />
            <button type="submit" class="button button-primary" data-test="order-submit"
                aria-disabled=move || kit::components::aria(create.pending().get())>
                {submit_label}
            </button>
        </form>
    }
}

/// What a renewal replaces, and whether the old certificate goes once the new one is in; or,
/// for an order that never got a certificate, that the new one is a copy.
#[component]
fn Renewal(old: OrderDetail, supersede: RwSignal<bool>) -> impl IntoView {
    let texts = use_texts();
    let (client, org) = (old.order.client.clone(), old.order.org.clone());
    let Some(certificate) = old.certificate else {
        let copies =
            texts.format(move |t| fill(t.renewal_copy, &[("client", &client), ("org", &org)]));
        return view! {
            <div class="card renewal" data-test="renewal">
                <p>{copies}</p>
            </div>
        }
        .into_any();
    };
    let (serial, until) = (certificate.serial, certificate.not_after);
    let renews = texts.format(move |t| {
        fill(
            t.renewal_of,
            &[
                ("serial", &serial),
                ("client", &client),
                ("org", &org),
                ("date", &format::day(&until, texts.lang())),
            ],
        )
    });
    view! {
        <div class="card renewal" data-test="renewal">
            <p>{renews}</p>
            <div class="ack">
                <input
                    id="order-supersede"
                    data-test="order-supersede"
                    type="checkbox"
                    aria-describedby="order-supersede-help"
                    prop:checked=supersede
                    on:change:target=move |event| supersede.set(event.target().checked())
                />
                <label for="order-supersede">{texts.text(|t| t.supersede_label)}</label>
            </div>
            <p id="order-supersede-help" class="field-help">{texts.text(|t| t.supersede_help)}</p>
        </div>
    }
    .into_any()
}
