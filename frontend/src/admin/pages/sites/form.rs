//! The form that registers a site or changes one. Fields are checked as staff type by the
//! shared parsers (from the first time a field loses focus, and all of them at submit; a
//! colour that is not readable at once, as the preview beside it shows the theme); the
//! portal's own field errors land on the same fields.

use super::fields::{self, COLOURS, TYPED, Values};
use super::inputs::{ColourField, TextArea};
use super::preview::Preview;
use crate::api::{self, ApiFailure};
use crate::components::{CheckBox, CheckBoxes, Choice, ChoiceField, TextField};
use crate::i18n::use_texts;
use crate::problem;
use crate::session::use_session;
use certportal_shared::ErrorCode;
use certportal_shared::api::admin::{SiteDraft, SiteInfo};
use certportal_shared::error::FieldError;
use certportal_shared::model::{Font, Locale, Spacing};
use kit::browser;
use kit::components::{Alert, Message, aria};
use kit::i18n::fill;
use kit::job::Job;
use leptos::prelude::*;

/// The form's heading: focus moves there when a site is loaded into it.
pub const FORM_TITLE_ID: &str = "site-form-title";
const LANGUAGES_ID: &str = "site-languages";
const COLOURS_HELP_ID: &str = "site-colours-help";

/// A typed field: its name in the portal's errors, its id, its value, and whether its error
/// may show yet.
#[derive(Clone, Copy)]
struct Field {
    name: &'static str,
    id: &'static str,
    value: RwSignal<String>,
    touched: RwSignal<bool>,
}

/// A field the portal refused, and the value it refused: the error shows until it changes.
#[derive(Clone, Debug, PartialEq)]
struct Refusal {
    error: FieldError,
    value: String,
}

#[derive(Clone, Debug, PartialEq)]
enum Trouble {
    /// This many fields need fixing.
    Fields(usize),
    Failed(ApiFailure),
}

/// `site`: the site to change; a new one when `None`. `saved` runs with the site as the
/// portal keeps it.
#[component]
pub fn SiteForm(
    site: Option<SiteInfo>,
    saved: Callback<SiteInfo>,
    cancel: Callback<()>,
) -> impl IntoView {
    let texts = use_texts();
    let session = use_session();
    let values = site.as_ref().map_or_else(Values::blank, Values::from_site);
    let editing = site.map(|site| site.name);
    let changing = editing.is_some();
    let title = match editing.clone() {
        Some(site) => texts.format(move |t| fill(t.site_form_edit_title, &[("name", &site)])),
        None => texts.format(|t| t.site_form_new_title.to_owned()),
    };
    let all: [Field; 16] = std::array::from_fn(|i| Field {
        name: TYPED[i].0,
        id: TYPED[i].1,
        value: RwSignal::new(values.typed[i].clone()),
        touched: RwSignal::new(false),
    });
    let languages = RwSignal::new(values.languages.clone());
    let submitted = RwSignal::new(false);
    let refused = RwSignal::new(Vec::<Refusal>::new());
    let trouble = RwSignal::new(None::<Trouble>);

    let current = move || Values {
        typed: all.map(|field| field.value.get()),
        languages: languages.get(),
    };
    let checked = Memo::new(move |_| fields::check(&current()));
    let theme = Memo::new(move |_| current().theme());
    let refusal = move |name: &str, value: &str| {
        refused.with(|refused| {
            refused
                .iter()
                .find(|r| r.error.field == name && r.value == value)
                .map(|r| r.error.clone())
        })
    };
    let is_bad = move |field: &Field| {
        let value = field.value.get_untracked();
        checked.with_untracked(|errors| errors.iter().any(|e| e.field == field.name))
            || untrack(|| refusal(field.name, &value)).is_some()
    };
    let languages_refused = move || {
        let tags = untrack(current).snapshot("languages");
        untrack(|| refusal("languages", &tags)).is_some()
    };
    let fix = move |n: usize, first: &'static str| {
        trouble.set(Some(Trouble::Fields(n)));
        browser::focus(first);
    };
    // The ids of the fields the form or the portal refuses, in the form's order.
    let bad = move || {
        all.iter()
            .filter(|field| is_bad(field))
            .map(|field| field.id)
            .collect::<Vec<_>>()
    };

    let save = Job::new(move |draft: SiteDraft| {
        let editing = editing.clone();
        async move {
            let answer = match &editing {
                Some(name) => api::update_site(name, &draft).await,
                None => api::create_site(&draft).await,
            };
            match session.check(answer) {
                Ok(site) => saved.run(site),
                Err(ApiFailure::Refused(error))
                    if error.code == ErrorCode::InvalidInput && !error.fields.is_empty() =>
                {
                    let values = untrack(current);
                    refused.set(
                        error
                            .fields
                            .iter()
                            .map(|refused| {
                                let field = refused.field.trim_start_matches("theme.").to_owned();
                                Refusal {
                                    value: values.snapshot(&field),
                                    error: FieldError {
                                        field,
                                        message: refused.message.clone(),
                                    },
                                }
                            })
                            .collect(),
                    );
                    let bad = bad();
                    match bad.first() {
                        Some(first) => fix(bad.len() + usize::from(languages_refused()), first),
                        None if languages_refused() => fix(1, "site-language-en"),
                        None => trouble.set(Some(Trouble::Failed(ApiFailure::Refused(error)))),
                    }
                }
                Err(failure) => trouble.set(Some(Trouble::Failed(failure))),
            }
        }
    });

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if save.pending().get_untracked() {
            return;
        }
        submitted.set(true);
        let bad = bad();
        if let Some(first) = bad.first() {
            fix(bad.len(), first);
            return;
        }
        trouble.set(None);
        save.start(untrack(current).draft());
    };

    let error = move |field: Field| -> Signal<Option<String>> {
        Signal::derive(move || {
            let value = field.value.get();
            let (t, lang) = (texts.t(), texts.lang());
            let found =
                checked.with(|errors| errors.iter().find(|e| e.field == field.name).cloned());
            let error = match found {
                Some(error) => {
                    let shown =
                        field.touched.get() || submitted.get() || fields::live(&error, &value);
                    shown.then_some(error)
                }
                None => refusal(field.name, &value),
            };
            error.map(|error| fields::words(&error, &current(), t, lang))
        })
    };
    let languages_error = Signal::derive(move || {
        let tags = current().snapshot("languages");
        refusal("languages", &tags)
            .map(|error| fields::words(&error, &current(), texts.t(), texts.lang()))
    });
    let blur = move |field: Field| Callback::new(move |()| field.touched.set(true));
    let message = Signal::derive(move || {
        let t = texts.t();
        trouble.get().map(|trouble| match trouble {
            Trouble::Fields(n) => Message {
                what: fill(t.fields_to_fix, &[("n", &n.to_string())]),
                next: t.site_fields_to_fix_next.to_owned(),
            },
            Trouble::Failed(failure) => problem::message(&failure, t),
        })
    });

    let [name, origin, page, organisations] = [all[0], all[1], all[2], all[3]];
    let [font, radius, spacing] = [all[13], all[14], all[15]];
    let text_field = move |field: Field,
                           label: Signal<&'static str>,
                           help: Signal<&'static str>,
                           inputmode: &'static str| {
        view! {
            <TextField id=field.id label help value=field.value error=error(field)
                inputmode on_blur=blur(field) />
        }
    };
    let name_field = if changing {
        // A site keeps its name (the snippet and the theme's URL carry it): shown, not typed.
        view! {
            <div class="field">
                <label for=name.id class="field-label">{texts.text(|t| t.site_name_label)}</label>
                <p id="site-name-help" class="field-help">{texts.text(|t| t.site_name_fixed)}</p>
                <input id=name.id data-test=name.id type="text" disabled
                    aria-describedby="site-name-help" prop:value=name.value />
            </div>
        }
        .into_any()
    } else {
        text_field(
            name,
            texts.text(|t| t.site_name_label),
            texts.text(|t| t.site_name_help),
            "text",
        )
        .into_any()
    };
    let language_boxes = Locale::ALL
        .iter()
        .map(|&locale| CheckBox {
            value: locale,
            id: format!("site-language-{}", locale.as_str()),
            label: texts.text(move |t| match locale {
                Locale::En => t.locale_en,
                Locale::Nb => t.locale_nb,
            }),
        })
        .collect::<Vec<_>>();
    let colour_fields = COLOURS
        .iter()
        .zip(&all[4..13])
        .map(|(&(_, property), &field)| {
            let label = texts.text(move |t| fields::colour_label(field.name, t));
            view! {
                <ColourField id=field.id value=field.value label property help=COLOURS_HELP_ID
                    error=error(field) on_blur=blur(field) />
            }
        })
        .collect_view();
    let choice = |value: &'static str, label: Signal<&'static str>| Choice { value, label };
    let submit_label = texts.text(move |t| match (save.pending().get(), changing) {
        (true, true) => t.site_saving,
        (true, false) => t.site_creating,
        (false, true) => t.site_save_button,
        (false, false) => t.site_create_button,
    });

    view! {
        <div class="site-editor">
            // novalidate: the page checks with the portal's own rules and says what to fix.
            <form class="card admin-form site-form" novalidate aria-labelledby=FORM_TITLE_ID
                on:submit=submit>
                <h2 id=FORM_TITLE_ID tabindex="-1">{title}</h2>
                {name_field}
                {text_field(origin, texts.text(|t| t.site_origin_label), texts.text(|t| t.site_origin_help), "url")}
                {text_field(page, texts.text(|t| t.site_page_label), texts.text(|t| t.site_page_help), "url")}
                <p class="field-help">{texts.text(|t| t.site_languages_help)}</p>
                <CheckBoxes id=LANGUAGES_ID legend=texts.text(|t| t.site_languages_label)
                    chosen=languages boxes=language_boxes error=languages_error />
                <TextArea id=organisations.id value=organisations.value
                    label=texts.text(|t| t.site_organisations_label)
                    help=texts.text(|t| t.site_organisations_help)
                    error=error(organisations) on_blur=blur(organisations) />
                <fieldset>
                    <legend>{texts.text(|t| t.site_theme_legend)}</legend>
                    <p id=COLOURS_HELP_ID class="field-help">{texts.text(|t| t.site_colours_help)}</p>
                    <div class="site-colours">{colour_fields}</div>
                    <ChoiceField id=font.id label=texts.text(|t| t.site_font_label) value=font.value
                        error=error(font)
                        choices=vec![
                            choice(Font::System.as_str(), texts.text(|t| t.site_font_system)),
                            choice(Font::Sans.as_str(), texts.text(|t| t.site_font_sans)),
                            choice(Font::Serif.as_str(), texts.text(|t| t.site_font_serif)),
                            choice(Font::Rounded.as_str(), texts.text(|t| t.site_font_rounded)),
                        ]
                    />
                    {text_field(radius, texts.text(|t| t.site_radius_label), texts.text(|t| t.site_radius_help), "numeric")}
                    <ChoiceField id=spacing.id label=texts.text(|t| t.site_spacing_label) value=spacing.value
                        error=error(spacing)
                        choices=vec![
                            choice(Spacing::Compact.as_str(), texts.text(|t| t.site_spacing_compact)),
                            choice(Spacing::Normal.as_str(), texts.text(|t| t.site_spacing_normal)),
                            choice(Spacing::Roomy.as_str(), texts.text(|t| t.site_spacing_roomy)),
                        ]
                    />
                </fieldset>
                <Alert message id="site-form-error" />
                <div class="action-buttons">
                    <button type="submit" class="button button-primary" data-test="site-submit"
                        aria-disabled=move || aria(save.pending().get())>
                        {submit_label}
                    </button>
                    {changing.then(|| view! {
                        <button type="button" class="button" data-test="site-cancel"
                            on:click=move |_| cancel.run(())>
                            {texts.text(|t| t.site_cancel_edit)}
                        </button>
                    })}
                </div>
            </form>
            <Preview draft=theme.into() />
        </div>
    }
}
