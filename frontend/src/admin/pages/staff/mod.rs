//! Staff accounts (admins only): the list, adding someone (their first password and TOTP
//! enrolment are shown once), disabling and enabling, and new credentials for those who lost
//! theirs. Everything that locks someone out asks first.

mod enrolment;

use crate::api::{self, ApiFailure};
use crate::components::{Choice, ChoiceField, Confirm, TextField};
use crate::fetch::{Fetched, fetch, show};
use crate::format;
use crate::i18n::use_texts;
use crate::problem;
use crate::router::TITLE_ID;
use crate::session::use_session;
use certportal_shared::ErrorCode;
use certportal_shared::api::admin::{Enrolment, StaffSummary};
use certportal_shared::model::{Role, Username};
use enrolment::EnrolmentPanel;
use kit::browser;
use kit::components::Alert;
use kit::i18n::fill;
use kit::job::Job;
use leptos::prelude::*;

/// Something to do to an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Change {
    Disable,
    Enable,
    ResetPassword,
    ResetTotp,
}

impl Change {
    /// The last part of the endpoint.
    fn action(self) -> &'static str {
        match self {
            Change::Disable => "disable",
            Change::Enable => "enable",
            Change::ResetPassword => "reset-password",
            Change::ResetTotp => "reset-totp",
        }
    }
}

const CONFIRM_ID: &str = "staff-confirm-title";

#[component]
pub fn StaffPage() -> impl IntoView {
    let texts = use_texts();
    let session = use_session();
    let staff = fetch(api::staff);
    let enrolment = RwSignal::new(None::<Enrolment>);
    let asking = RwSignal::new(None::<(String, Change)>);
    let trouble = RwSignal::new(None::<ApiFailure>);

    let change = Job::new(move |(username, what): (String, Change)| async move {
        let result = match what {
            Change::Disable | Change::Enable => api::staff_switch(&username, what.action())
                .await
                .map(|()| None),
            Change::ResetPassword | Change::ResetTotp => {
                api::staff_reset(&username, what.action()).await.map(Some)
            }
        };
        match session.check(result) {
            Ok(handed_out) => {
                asking.set(None);
                if let Some(handed_out) = handed_out {
                    enrolment.set(Some(handed_out));
                    browser::focus(enrolment::TITLE_ID);
                }
                staff.refetch();
            }
            Err(failure) => trouble.set(Some(failure)),
        }
    });
    let ask = Callback::new(move |request: (String, Change)| {
        trouble.set(None);
        asking.set(Some(request));
        browser::focus(CONFIRM_ID);
    });
    let message = Signal::derive(move || {
        trouble
            .get()
            .map(|failure| problem::message(&failure, texts.t()))
    });
    let me = session.me().map(|me| me.username).unwrap_or_default();

    view! {
        <h1 id=TITLE_ID tabindex="-1">{texts.text(|t| t.staff_title)}</h1>
        {move || enrolment.get().map(|handed_out| view! {
            <EnrolmentPanel enrolment=handed_out done=Callback::new(move |()| enrolment.set(None)) />
        })}
        <AddStaff enrolment staff />
        {move || asking.get().map(|(username, what)| {
            let name = username.clone();
            let question = texts.format(move |t| {
                let template = match what {
                    Change::Disable => t.disable_question,
                    Change::Enable => t.enable_question,
                    Change::ResetPassword => t.reset_password_question,
                    Change::ResetTotp => t.reset_totp_question,
                };
                fill(template, &[("name", &name)])
            });
            view! {
                <Confirm
                    id=CONFIRM_ID
                    question
                    test="staff-confirm"
                    yes=Callback::new(move |()| change.start((username.clone(), what)))
                    no=Callback::new(move |()| asking.set(None))
                />
            }
        })}
        <Alert message id="staff-error" />
        <h2>{texts.text(|t| t.staff_list_title)}</h2>
        {show(staff, move |staff| {
            let me = me.clone();
            view! {
                <table class="staff" data-test="staff-table">
                    <thead>
                        <tr>
                            <th scope="col">{texts.text(|t| t.username_label)}</th>
                            <th scope="col">{texts.text(|t| t.role_label)}</th>
                            <th scope="col">{texts.text(|t| t.status_label)}</th>
                            <th scope="col">{texts.text(|t| t.added_label)}</th>
                            <th scope="col">{texts.text(|t| t.actions_title)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {staff
                            .into_iter()
                            .map(|member| {
                                let own = member.username == me;
                                view! { <StaffRow member own ask /> }
                            })
                            .collect_view()}
                    </tbody>
                </table>
            }
        })}
    }
}

#[component]
fn StaffRow(member: StaffSummary, own: bool, ask: Callback<(String, Change)>) -> impl IntoView {
    let texts = use_texts();
    let (disabled, first_password) = (member.disabled, member.must_change_password);
    let status = texts.text(move |t| match (disabled, first_password) {
        (true, _) => t.status_disabled,
        (false, true) => t.status_first_password,
        (false, false) => t.status_active,
    });
    let role = member.role;
    let (at, by) = (member.created_at.clone(), member.created_by.clone());
    let added = texts.format(move |t| {
        fill(
            t.created_value,
            &[
                ("time", &format::day(&at, texts.lang())),
                ("who", &format::actor(&by, t)),
            ],
        )
    });
    let name = member.username.clone();
    let button = move |what: Change, label: Signal<&'static str>| {
        let username = name.clone();
        view! {
            <button type="button" class="button button-small"
                data-test=format!("staff-{}", what.action())
                on:click=move |_| ask.run((username.clone(), what))>
                {label}
            </button>
        }
    };
    view! {
        <tr data-user=member.username.clone()>
            <td data-label=texts.text(|t| t.username_label)>{member.username.clone()}</td>
            <td data-label=texts.text(|t| t.role_label)>{texts.text(move |t| format::role(role, t))}</td>
            <td data-label=texts.text(|t| t.status_label)>{status}</td>
            <td data-label=texts.text(|t| t.added_label)>{added}</td>
            <td data-label=texts.text(|t| t.actions_title)>
                <div class="action-buttons">
                    {if disabled {
                        Some(button(Change::Enable, texts.text(|t| t.enable_button)))
                    } else if own {
                        None
                    } else {
                        Some(button(Change::Disable, texts.text(|t| t.disable_button)))
                    }}
                    {button(Change::ResetPassword, texts.text(|t| t.reset_password_button))}
                    {button(Change::ResetTotp, texts.text(|t| t.reset_totp_button))}
                </div>
            </td>
        </tr>
    }
}

/// The form that adds an account.
#[component]
fn AddStaff(
    enrolment: RwSignal<Option<Enrolment>>,
    staff: Fetched<Vec<StaffSummary>>,
) -> impl IntoView {
    let texts = use_texts();
    let session = use_session();
    let username = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Support.as_str().to_owned());
    let touched = RwSignal::new(false);
    // The name the portal refused (taken), until it is changed.
    let taken = RwSignal::new(None::<String>);
    let trouble = RwSignal::new(None::<ApiFailure>);

    let add = Job::new(move |(name, role): (String, Role)| async move {
        match session.check(api::add_staff(name.clone(), role).await) {
            Ok(handed_out) => {
                username.set(String::new());
                touched.set(false);
                trouble.set(None);
                enrolment.set(Some(handed_out));
                staff.refetch();
                browser::focus(enrolment::TITLE_ID);
            }
            Err(ApiFailure::Refused(error)) if error.code == ErrorCode::InvalidInput => {
                taken.set(Some(name));
                browser::focus("staff-username");
            }
            Err(failure) => trouble.set(Some(failure)),
        }
    });
    let error = Signal::derive(move || {
        let name = username.get();
        let t = texts.t();
        if taken.with(|taken| taken.as_deref() == Some(name.as_str())) {
            return Some(t.username_taken.to_owned());
        }
        (touched.get() && Username::parse(&name).is_err()).then(|| t.username_rule.to_owned())
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        touched.set(true);
        match Username::parse(&username.get_untracked()) {
            Ok(name) if error.get_untracked().is_none() => add.start((
                name.to_string(),
                Role::parse(&role.get_untracked()).unwrap_or_default(),
            )),
            _ => browser::focus("staff-username"),
        }
    };
    let message = Signal::derive(move || {
        trouble
            .get()
            .map(|failure| problem::message(&failure, texts.t()))
    });
    view! {
        <form class="card admin-form add-staff" novalidate on:submit=submit>
            <h2>{texts.text(|t| t.add_staff_title)}</h2>
            <TextField
                id="staff-username"
                label=texts.text(|t| t.username_label)
                help=texts.text(|t| t.username_help)
                value=username
                error
                on_blur=Callback::new(move |()| touched.set(true))
            />
            <ChoiceField
                id="staff-role"
                label=texts.text(|t| t.role_label)
                value=role
                help=texts.text(|t| t.role_help)
                choices=vec![
                    Choice { value: "support", label: texts.text(|t| t.role_support) },
                    Choice { value: "admin", label: texts.text(|t| t.role_admin) },
                ]
            />
            <Alert message id="add-staff-error" />
            <button type="submit" class="button button-primary" data-test="staff-add">
                {texts.text_if(add.pending(), |t| t.adding, |t| t.add_button)}
            </button>
        </form>
    }
}
