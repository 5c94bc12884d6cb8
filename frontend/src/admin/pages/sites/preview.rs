//! A sample of the collect pages in the theme being typed: a header bar, a heading, text,
//! muted text, a link, a box and a primary button, each styled by the `--cp-*` custom
//! properties (`public/admin-pages.css`), which the theme sets on the sample alone.

use crate::i18n::use_texts;
use certportal_shared::model::ThemeDraft;
use leptos::html::Div;
use leptos::prelude::*;

const TITLE_ID: &str = "site-preview-title";

#[component]
pub fn Preview(draft: Signal<ThemeDraft>) -> impl IntoView {
    let texts = use_texts();
    let sample = NodeRef::<Div>::new();
    let readable = Memo::new(move |_| draft.with(|draft| draft.parse().is_ok()));
    // The properties go through the CSSOM (`style.setProperty`): the page's CSP forbids
    // inline style attributes, not this. A theme that does not pass leaves the last one that
    // did, so that the sample never shows colours the portal would refuse; each pass removes
    // what the one before set, since a field emptied again means the portal's own value.
    Effect::new(move |before: Option<Vec<&'static str>>| {
        let before = before.unwrap_or_default();
        let (Some(element), Ok(theme)) = (sample.get(), draft.with(ThemeDraft::parse)) else {
            return before;
        };
        let style = web_sys::HtmlElement::style(&element);
        for name in &before {
            let _ = style.remove_property(name);
        }
        let properties = theme.properties();
        for (name, value) in &properties {
            let _ = style.set_property(name, value);
        }
        properties.into_iter().map(|(name, _)| name).collect()
    });
    view! {
        <section class="site-preview-panel" aria-labelledby=TITLE_ID>
            <h2 id=TITLE_ID>{texts.text(|t| t.site_preview_title)}</h2>
            <p class="field-help" role="status" data-test="site-preview-note">
                {texts.text_if(readable, |t| t.site_preview_help, |t| t.site_preview_stale)}
            </p>
            <div class="site-preview" data-test="site-preview" node_ref=sample>
                <p class="site-preview-header">{texts.text(|t| t.site_preview_header)}</p>
                <div class="site-preview-body">
                    <h3 class="site-preview-heading">{texts.text(|t| t.site_preview_heading)}</h3>
                    <p>{texts.text(|t| t.site_preview_text)}</p>
                    <p class="site-preview-muted">{texts.text(|t| t.site_preview_muted)}</p>
                    <p class="site-preview-link">{texts.text(|t| t.site_preview_link)}</p>
                    <div class="site-preview-surface">
                        <p>{texts.text(|t| t.site_preview_surface)}</p>
                        // Not a real button: the sample does nothing, and a control that does
                        // nothing would be one more stop for keyboard users.
                        <span class="site-preview-button">{texts.text(|t| t.site_preview_button)}</span>
                    </div>
                </div>
            </div>
        </section>
    }
}
