//! The frame around every page: the header with the navigation, the sign-in gate, and the
//! page for the address.

use crate::api::{self, ApiFailure};
use crate::i18n::{catalogue, use_texts};
use crate::pages::{self, SignIn};
use crate::problem;
use crate::router::{Link, Page, Router, Section, use_router};
use crate::session::{Session, Status, use_session};
use certportal_shared::ErrorCode;
use kit::components::{Alert, LanguageSwitch};
use kit::i18n::{fill, provide_i18n};
use leptos::prelude::*;

/// What the main area shows; a memo of it keeps a page from re-rendering when only the
/// signed-in staff member's details change.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Gate {
    Checking,
    SignIn { ended: bool },
    In,
}

/// A problem that belongs to no page (signing out failed), shown above the page.
#[derive(Clone, Copy)]
pub struct Notice(pub RwSignal<Option<ApiFailure>>);

#[component]
pub fn App() -> impl IntoView {
    provide_i18n(|lang| catalogue(lang).document_title);
    let texts = use_texts();
    let session = Session::provide();
    let router = Router::provide();
    let notice = Notice(RwSignal::new(None));
    provide_context(notice);
    let gate = Memo::new(move |_| match session.status() {
        Status::Checking => Gate::Checking,
        Status::SignedOut { ended } => Gate::SignIn { ended },
        Status::SignedIn(_) => Gate::In,
    });
    let notice_message = Signal::derive(move || {
        notice
            .0
            .get()
            .map(|failure| problem::message(&failure, texts.t()))
    });
    view! {
        <header class="site-header admin-header">
            <p class="brand">{texts.text(|t| t.brand)}</p>
            <Show when=move || gate.get() == Gate::In>
                <Navigation />
            </Show>
            <LanguageSwitch label=texts.text(|t| t.language_label) />
        </header>
        <main id="main" class="admin-main">
            <Alert message=notice_message />
            {move || match gate.get() {
                Gate::Checking => {
                    view! { <p class="loading" role="status">{texts.text(|t| t.loading)}</p> }
                        .into_any()
                }
                Gate::SignIn { ended } => view! { <SignIn ended /> }.into_any(),
                Gate::In => {
                    view! {
                        <PasswordPrompt />
                        {move || page(router.page(), session)}
                    }
                        .into_any()
                }
            }}
        </main>
    }
}

fn page(page: Page, session: Session) -> AnyView {
    // Untracked: the role cannot change within a session, and a page must not re-render
    // when the first password is replaced.
    let admin = session.is_admin_untracked();
    match page {
        Page::Orders(filter) => view! { <pages::Orders filter /> }.into_any(),
        Page::NewOrder => view! { <pages::NewOrder /> }.into_any(),
        Page::Renew(id) => view! { <pages::Renew id /> }.into_any(),
        Page::Order(id) => view! { <pages::OrderPage id /> }.into_any(),
        Page::Dashboard => view! { <pages::Dashboard /> }.into_any(),
        Page::Staff if admin => view! { <pages::StaffPage /> }.into_any(),
        Page::Tokens if admin => view! { <pages::TokensPage /> }.into_any(),
        Page::Webhooks if admin => view! { <pages::WebhooksPage /> }.into_any(),
        Page::Sites if admin => view! { <pages::SitesPage /> }.into_any(),
        Page::Audit if admin => view! { <pages::AuditLog /> }.into_any(),
        Page::Staff | Page::Tokens | Page::Webhooks | Page::Sites | Page::Audit => {
            view! { <pages::Forbidden /> }.into_any()
        }
        Page::Account => view! { <pages::Account /> }.into_any(),
        Page::NotFound => view! { <pages::NotFound /> }.into_any(),
    }
}

/// The pages, the signed-in staff member, and signing out. Admin-only pages are left out for
/// support staff.
#[component]
fn Navigation() -> impl IntoView {
    let texts = use_texts();
    let session = use_session();
    let router = use_router();
    let Notice(notice) = expect_notice();
    let section = Memo::new(move |_| router.page().section());
    let at = move |wanted: Section| Signal::derive(move || section.get() == wanted);
    let who = texts.format(move |t| {
        session
            .me()
            .map(|me| {
                fill(
                    t.signed_in_as,
                    &[
                        ("name", &me.username),
                        ("role", crate::format::role(me.role, t)),
                    ],
                )
            })
            .unwrap_or_default()
    });
    let signing_out = RwSignal::new(false);
    let sign_out = move |_| {
        if signing_out.get_untracked() {
            return;
        }
        signing_out.set(true);
        leptos::task::spawn_local(async move {
            match api::logout().await {
                Ok(()) => session.signed_out(),
                Err(ApiFailure::Refused(error)) if error.code == ErrorCode::Unauthenticated => {
                    session.signed_out()
                }
                // The cookie may still be good: say so rather than pretend.
                Err(failure) => notice.set(Some(failure)),
            }
            signing_out.set(false);
        });
    };
    view! {
        <nav class="admin-nav" aria-label=texts.text(|t| t.nav_label)>
            <ul>
                <li>
                    <Link to=Page::Orders(Default::default()) test="nav-orders" current=at(Section::Orders)>
                        {texts.text(|t| t.nav_orders)}
                    </Link>
                </li>
                <li>
                    <Link to=Page::NewOrder test="nav-new-order" current=at(Section::NewOrder)>
                        {texts.text(|t| t.nav_new_order)}
                    </Link>
                </li>
                <li>
                    <Link to=Page::Dashboard test="nav-dashboard" current=at(Section::Dashboard)>
                        {texts.text(|t| t.nav_dashboard)}
                    </Link>
                </li>
                <Show when=move || session.is_admin()>
                    <li>
                        <Link to=Page::Staff test="nav-staff" current=at(Section::Staff)>
                            {texts.text(|t| t.nav_staff)}
                        </Link>
                    </li>
                    <li>
                        <Link to=Page::Tokens test="nav-tokens" current=at(Section::Tokens)>
                            {texts.text(|t| t.nav_tokens)}
                        </Link>
                    </li>
                    <li>
                        <Link to=Page::Webhooks test="nav-webhooks" current=at(Section::Webhooks)>
                            {texts.text(|t| t.nav_webhooks)}
                        </Link>
                    </li>
                    <li>
                        <Link to=Page::Sites test="nav-sites" current=at(Section::Sites)>
                            {texts.text(|t| t.nav_sites)}
                        </Link>
                    </li>
                    <li>
                        <Link to=Page::Audit test="nav-audit" current=at(Section::Audit)>
                            {texts.text(|t| t.nav_audit)}
                        </Link>
                    </li>
                </Show>
                <li>
                    <Link to=Page::Account test="nav-account" current=at(Section::Account)>
                        {texts.text(|t| t.nav_account)}
                    </Link>
                </li>
            </ul>
        </nav>
        <div class="admin-user">
            <span class="admin-who" data-test="signed-in-as">{who}</span>
            <button type="button" class="header-button" data-test="sign-out" on:click=sign_out>
                {texts.text(|t| t.sign_out)}
            </button>
        </div>
    }
}

/// Until the first password is replaced, every page but the account page says so.
#[component]
fn PasswordPrompt() -> impl IntoView {
    let texts = use_texts();
    let session = use_session();
    let router = use_router();
    let shown = move || {
        session.me().is_some_and(|me| me.must_change_password) && router.page() != Page::Account
    };
    view! {
        <Show when=shown>
            <div class="notice" role="status" data-test="password-prompt">
                <p>{texts.text(|t| t.first_password_prompt)}</p>
                <Link to=Page::Account class="button">{texts.text(|t| t.first_password_action)}</Link>
            </div>
        </Show>
    }
}

pub fn expect_notice() -> Notice {
    use_context::<Notice>().unwrap_or_else(|| Notice(RwSignal::new(None)))
}
