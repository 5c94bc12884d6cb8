//! Embedding sites (admins only): the help centres that may frame the collect pages. The list
//! with each site's embed snippet to copy; the form that registers a site or changes one,
//! with a preview of its theme; disabling one, after a confirm step.

mod fields;
mod form;
mod inputs;
mod preview;

use crate::api::{self, ApiFailure};
use crate::components::Confirm;
use crate::fetch::{fetch, show};
use crate::format;
use crate::i18n::{AdminCatalogue, use_texts};
use crate::problem;
use crate::router::TITLE_ID;
use crate::session::use_session;
use certportal_shared::api::admin::SiteInfo;
use certportal_shared::model::Locale;
use form::{FORM_TITLE_ID, SiteForm};
use kit::browser;
use kit::components::Alert;
use kit::i18n::fill;
use kit::job::Job;
use leptos::prelude::*;

const CONFIRM_ID: &str = "site-confirm-title";
const LIST_ID: &str = "sites-list-title";

fn language(locale: Locale, t: &AdminCatalogue) -> &'static str {
    match locale {
        Locale::En => t.locale_en,
        Locale::Nb => t.locale_nb,
    }
}

#[component]
pub fn SitesPage() -> impl IntoView {
    let texts = use_texts();
    let session = use_session();
    let sites = fetch(api::sites);
    // The site loaded into the form; `None` for a new one. Setting it, even to what it was,
    // draws the form afresh.
    let editing = RwSignal::new(None::<SiteInfo>);
    let saved_name = RwSignal::new(None::<String>);
    let asking = RwSignal::new(None::<SiteInfo>);
    let trouble = RwSignal::new(None::<ApiFailure>);
    let disable = Job::new(move |name: String| async move {
        match session.check(api::disable_site(&name).await) {
            Ok(_) => {
                asking.set(None);
                if editing.with_untracked(|site| site.as_ref().is_some_and(|s| s.name == name)) {
                    editing.set(None);
                }
                sites.refetch();
            }
            Err(failure) => trouble.set(Some(failure)),
        }
    });
    let ask = Callback::new(move |site: SiteInfo| {
        trouble.set(None);
        asking.set(Some(site));
        browser::focus(CONFIRM_ID);
    });
    let edit = Callback::new(move |site: SiteInfo| {
        saved_name.set(None);
        editing.set(Some(site));
        browser::focus(FORM_TITLE_ID);
    });
    let saved = Callback::new(move |site: SiteInfo| {
        saved_name.set(Some(site.name));
        editing.set(None);
        sites.refetch();
        // The form is drawn afresh; the site, its snippet to copy, is in the list.
        browser::focus(LIST_ID);
    });
    let cancel = Callback::new(move |()| {
        editing.set(None);
        browser::focus(FORM_TITLE_ID);
    });
    let message = Signal::derive(move || {
        trouble
            .get()
            .map(|failure| problem::message(&failure, texts.t()))
    });
    let saved_text = texts.format(move |t| {
        saved_name
            .get()
            .map(|name| fill(t.site_saved, &[("name", &name)]))
            .unwrap_or_default()
    });
    view! {
        <h1 id=TITLE_ID tabindex="-1">{texts.text(|t| t.sites_title)}</h1>
        <p>{texts.text(|t| t.sites_intro)}</p>
        <p class="success" role="status" data-test="site-saved">{saved_text}</p>
        {move || {
            let site = editing.get();
            view! { <SiteForm site saved cancel /> }
        }}
        {move || asking.get().map(|site| {
            let (name, origin) = (site.name.clone(), site.origin.clone());
            let question = texts.format(move |t| {
                fill(t.site_disable_question, &[("name", &name), ("origin", &origin)])
            });
            view! {
                <Confirm
                    id=CONFIRM_ID
                    question
                    test="site-confirm"
                    yes=Callback::new(move |()| disable.start(site.name.clone()))
                    no=Callback::new(move |()| asking.set(None))
                />
            }
        })}
        <Alert message id="sites-error" />
        <h2 id=LIST_ID tabindex="-1">{texts.text(|t| t.sites_list_title)}</h2>
        {show(sites, move |sites| {
            if sites.is_empty() {
                return view! { <p data-test="sites-empty">{texts.text(|t| t.sites_empty)}</p> }
                    .into_any();
            }
            view! {
                <ul class="sites" data-test="sites-list">
                    {sites.into_iter().map(|site| view! { <SiteRow site ask edit /> }).collect_view()}
                </ul>
            }
            .into_any()
        })}
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

#[component]
fn SiteRow(site: SiteInfo, ask: Callback<SiteInfo>, edit: Callback<SiteInfo>) -> impl IntoView {
    let texts = use_texts();
    let locales = site.languages.clone();
    let languages = texts.format(move |t| {
        locales
            .iter()
            .map(|&locale| language(locale, t))
            .collect::<Vec<_>>()
            .join(", ")
    });
    let orgs = site.organisations.join(", ");
    let organisations = texts.format(move |t| {
        if orgs.is_empty() {
            t.site_all_organisations.to_owned()
        } else {
            orgs.clone()
        }
    });
    let (at, by) = (site.created_at.clone(), site.created_by.clone());
    let added = texts.format(move |t| {
        fill(
            t.created_value,
            &[
                ("time", &format::day(&at, texts.lang())),
                ("who", &format::actor(&by, t)),
            ],
        )
    });
    let working = site.disabled_at.is_none();
    let state = match site.disabled_at.clone() {
        Some(at) => texts.format(move |t| {
            fill(
                t.site_disabled_status,
                &[("time", &format::when(&at, texts.lang()))],
            )
        }),
        None => texts.format(|t| t.site_active.to_owned()),
    };
    let page = site.page.clone();
    let snippet_help = texts.format(move |t| fill(t.site_snippet_help, &[("page", &page)]));
    let (edited, asked) = (site.clone(), site.clone());
    let buttons = working.then(|| {
        view! {
            <div class="action-buttons">
                <button type="button" class="button button-small" data-test="site-edit"
                    on:click=move |_| edit.run(edited.clone())>
                    {texts.text(|t| t.site_edit_button)}
                </button>
                <button type="button" class="button button-small button-danger" data-test="site-disable"
                    on:click=move |_| ask.run(asked.clone())>
                    {texts.text(|t| t.site_disable_button)}
                </button>
            </div>
        }
    });
    view! {
        <li class="card site" data-test="site-row" data-site=site.name.clone()
            data-disabled=(!working).then_some("true")>
            <h3 class="site-name">{site.name.clone()}</h3>
            <dl class="details">
                {fact(texts.text(|t| t.site_origin_label), view! { <code>{site.origin.clone()}</code> })}
                {fact(texts.text(|t| t.site_page_label), view! { <code>{site.page.clone()}</code> })}
                {fact(texts.text(|t| t.site_languages_label), languages)}
                {fact(texts.text(|t| t.site_organisations_label), organisations)}
                {fact(texts.text(|t| t.added_label), added)}
                {fact(
                    texts.text(|t| t.site_state_label),
                    view! { <span data-test="site-state">{state}</span> },
                )}
            </dl>
            <h4>{texts.text(|t| t.site_snippet_title)}</h4>
            <p class="field-help">{snippet_help}</p>
            <pre class="site-snippet" data-test="site-snippet">
                <code>{site.snippet.clone()}</code>
            </pre>
            <p>
                {texts.text(|t| t.site_integrity_label)}
                " "
                <code data-test="site-integrity">{site.integrity.clone()}</code>
            </p>
            <CopySnippet text=site.snippet.clone() />
            {buttons}
        </li>
    }
}

/// Copies the snippet to the clipboard, and says whether that worked: outside a secure
/// context, or when the browser refuses, staff select it themselves.
#[component]
fn CopySnippet(text: String) -> impl IntoView {
    let texts = use_texts();
    let copied = RwSignal::new(None::<bool>);
    let copy = move |_| {
        if let Some(window) = web_sys::window() {
            let promise = window.navigator().clipboard().write_text(&text);
            leptos::task::spawn_local(async move {
                let done = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
                copied.set(Some(done));
            });
        }
    };
    let status = texts.format(move |t| match copied.get() {
        Some(true) => t.site_copied.to_owned(),
        Some(false) => t.site_copy_failed.to_owned(),
        None => String::new(),
    });
    view! {
        <p class="copy-line">
            <button type="button" class="button button-small" data-test="site-copy" on:click=copy>
                {texts.text(|t| t.site_copy_button)}
            </button>
            " "
            <span role="status" data-test="site-copied">{status}</span>
        </p>
    }
}
