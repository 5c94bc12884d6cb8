//! What staff can do with an order, as the portal allows it now: resend the link and code,
//! cancel, revoke (with a reason, after a confirm step), renew. The two that cannot be undone
//! ask first.

use crate::api::{self, ApiFailure};
use crate::components::{Choice, ChoiceField};
use crate::fetch::Fetched;
use crate::i18n::{AdminCatalogue, use_texts};
use crate::problem;
use crate::router::{Link, Page};
use crate::session::use_session;
use certportal_shared::api::admin::OrderDetail;
use certportal_shared::model::RevocationReason;
use kit::browser;
use kit::components::Alert;
use kit::i18n::fill;
use kit::job::Job;
use leptos::prelude::*;

/// What the last action did, for the page's status line.
#[derive(Clone, Debug, PartialEq)]
pub enum Done {
    Resent { email: String, mobile: String },
    Cancelled,
    Revoked,
}

impl Done {
    pub fn words(&self, t: &AdminCatalogue) -> String {
        match self {
            Done::Resent { email, mobile } => {
                fill(t.resent_done, &[("email", email), ("mobile", mobile)])
            }
            Done::Cancelled => t.cancelled_done.to_owned(),
            Done::Revoked => t.revoked_done.to_owned(),
        }
    }
}

/// Which confirm step is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Asking {
    Cancel,
    Revoke,
}

const CONFIRM_TITLE: &str = "confirm-title";

#[component]
pub fn Actions(
    order: OrderDetail,
    detail: Fetched<OrderDetail>,
    done: RwSignal<Option<Done>>,
) -> impl IntoView {
    let texts = use_texts();
    let session = use_session();
    let allowed = order.actions.clone();
    let order_id = StoredValue::new(order.order.order_id.clone());
    // None until a customer's request is signed; the portal allows no revoking before.
    let serial = StoredValue::new(order.certificate.as_ref().map(|c| c.serial.clone()));
    let contact = StoredValue::new((order.order.email.clone(), order.order.mobile.clone()));
    let asking = RwSignal::new(None::<Asking>);
    let reason = RwSignal::new(String::new());
    let reason_missing = RwSignal::new(false);
    let trouble = RwSignal::new(None::<ApiFailure>);

    let ask = move |what: Asking| {
        done.set(None);
        trouble.set(None);
        asking.set(Some(what));
        browser::focus(CONFIRM_TITLE);
    };
    let resend = Job::new(move |()| async move {
        done.set(None);
        match session.check(api::order_action(&order_id.get_value(), "resend").await) {
            Ok(fresh) => {
                let (email, mobile) = contact.get_value();
                done.set(Some(Done::Resent { email, mobile }));
                detail.set(Some(Ok(fresh)));
            }
            Err(failure) => trouble.set(Some(failure)),
        }
    });
    let cancel = Job::new(move |()| async move {
        match session.check(api::order_action(&order_id.get_value(), "cancel").await) {
            Ok(fresh) => {
                done.set(Some(Done::Cancelled));
                detail.set(Some(Ok(fresh)));
            }
            Err(failure) => trouble.set(Some(failure)),
        }
    });
    let revoke = Job::new(move |why: RevocationReason| async move {
        let Some(serial) = serial.get_value() else {
            return;
        };
        match session.check(api::revoke(&serial, why).await) {
            Ok(_) => {
                done.set(Some(Done::Revoked));
                // The state, the timeline and the actions all moved: fetch them anew.
                detail.refetch();
            }
            Err(failure) => trouble.set(Some(failure)),
        }
    });
    let confirm_revoke = move |_| match RevocationReason::parse(&reason.get_untracked()) {
        Ok(why) => {
            reason_missing.set(false);
            revoke.start(why);
        }
        Err(_) => {
            reason_missing.set(true);
            browser::focus("revoke-reason");
        }
    };
    let keep = move |_| {
        asking.set(None);
        reason_missing.set(false);
    };
    let message = Signal::derive(move || {
        trouble
            .get()
            .map(|failure| problem::message(&failure, texts.t()))
    });
    let reason_error = Signal::derive(move || {
        reason_missing
            .get()
            .then(|| texts.t().reason_missing.to_owned())
    });
    let reasons = std::iter::once(Choice {
        value: "",
        label: texts.text(|t| t.reason_choose),
    })
    .chain(
        [
            RevocationReason::KeyCompromise,
            RevocationReason::Superseded,
            RevocationReason::CessationOfOperation,
            RevocationReason::Unspecified,
        ]
        .into_iter()
        .map(|why| Choice {
            value: why.as_str(),
            label: texts.text(move |t| crate::format::reason(why, t)),
        }),
    )
    .collect::<Vec<_>>();
    let nothing = !(allowed.resend || allowed.cancel || allowed.revoke || allowed.renew);

    view! {
        <section class="actions" aria-labelledby="actions-title">
            <h2 id="actions-title" class="visually-hidden">{texts.text(|t| t.actions_title)}</h2>
            <div class="action-buttons">
                {allowed.resend.then(|| view! {
                    <button type="button" class="button" data-test="action-resend"
                        aria-disabled=move || kit::components::aria(resend.pending().get())
                        on:click=move |_| resend.start(())>
                        {texts.text_if(resend.pending(), |t| t.resending, |t| t.resend_button)}
                    </button>
                })}
                {allowed.renew.then(|| view! {
                    <Link to=Page::Renew(order_id.get_value()) class="button" test="action-renew">
                        {texts.text(|t| t.renew_button)}
                    </Link>
                })}
                {allowed.cancel.then(|| view! {
                    <button type="button" class="button button-danger" data-test="action-cancel"
                        on:click=move |_| ask(Asking::Cancel)>
                        {texts.text(|t| t.cancel_button)}
                    </button>
                })}
                {allowed.revoke.then(|| view! {
                    <button type="button" class="button button-danger" data-test="action-revoke"
                        on:click=move |_| ask(Asking::Revoke)>
                        {texts.text(|t| t.revoke_button)}
                    </button>
                })}
            </div>
            {nothing.then(|| view! { <p class="muted">{texts.text(|t| t.no_actions)}</p> })}
            <Show when=move || asking.get() == Some(Asking::Cancel)>
                <div class="confirm" role="group" aria-labelledby=CONFIRM_TITLE>
                    <h3 id=CONFIRM_TITLE tabindex="-1">{texts.text(|t| t.cancel_confirm_title)}</h3>
                    <p>{texts.text(|t| t.cancel_confirm_text)}</p>
                    <div class="action-buttons">
                        <button type="button" class="button button-danger-solid" data-test="cancel-confirm"
                            on:click=move |_| cancel.start(())>
                            {texts.text_if(cancel.pending(), |t| t.cancelling, |t| t.cancel_confirm)}
                        </button>
                        <button type="button" class="button" on:click=keep>
                            {texts.text(|t| t.keep_order)}
                        </button>
                    </div>
                </div>
            </Show>
            <Show when=move || asking.get() == Some(Asking::Revoke)>
                <div class="confirm" role="group" aria-labelledby=CONFIRM_TITLE>
                    <h3 id=CONFIRM_TITLE tabindex="-1">{texts.text(|t| t.revoke_confirm_title)}</h3>
                    <p>{texts.text(|t| t.revoke_confirm_text)}</p>
                    <ChoiceField
                        id="revoke-reason"
                        label=texts.text(|t| t.reason_label)
                        value=reason
                        choices=reasons.clone()
                        error=reason_error
                    />
                    <div class="action-buttons">
                        <button type="button" class="button button-danger-solid" data-test="revoke-confirm"
                            on:click=confirm_revoke>
                            {texts.text_if(revoke.pending(), |t| t.revoking, |t| t.revoke_confirm)}
                        </button>
                        <button type="button" class="button" on:click=keep>
                            {texts.text(|t| t.keep_certificate)}
                        </button>
                    </div>
                </div>
            </Show>
            <Alert message id="action-error" />
        </section>
    }
}
