//! The site form's own inputs, beside the shared ones of `components::field`: a colour with
//! its picker, and a text area. Labelled, described and marked invalid as those are.

use super::fields;
use kit::components::aria;
use leptos::prelude::*;

/// A colour: its text (empty for the portal's own) and a picker beside it, which starts from
/// the portal's own colour while the text is empty.
#[component]
pub fn ColourField(
    /// The text's id, also its `data-test` hook; the picker's is `{id}-picker`.
    id: &'static str,
    value: RwSignal<String>,
    label: Signal<&'static str>,
    /// The custom property the colour overrides, to read the portal's own value.
    property: &'static str,
    /// The id of the help all the colours share.
    help: &'static str,
    error: Signal<Option<String>>,
    on_blur: Callback<()>,
) -> impl IntoView {
    let label_id = format!("{id}-label");
    let error_id = format!("{id}-error");
    let portal = portal_colour(property);
    let picked = {
        let portal = portal.clone();
        move || {
            value
                .with(|value| fields::hex6(value))
                .unwrap_or_else(|| portal.clone())
        }
    };
    let invalid = move || aria(error.with(Option::is_some));
    view! {
        <div class="field">
            <label id=label_id.clone() for=id class="field-label">{label}</label>
            <div class="colour-input">
                <input
                    type="color"
                    data-test=format!("{id}-picker")
                    aria-labelledby=label_id
                    prop:value=picked
                    on:input:target=move |event| {
                        value.set(event.target().value());
                        on_blur.run(());
                    }
                />
                <input
                    id=id
                    data-test=id
                    type="text"
                    autocomplete="off"
                    spellcheck="false"
                    placeholder=portal
                    aria-describedby=format!("{help} {error_id}")
                    aria-invalid=invalid
                    prop:value=value
                    on:input:target=move |event| value.set(event.target().value())
                    on:blur=move |_| on_blur.run(())
                />
            </div>
            <p id=error_id class="field-error" aria-live="polite">{move || error.get()}</p>
        </div>
    }
}

/// The portal's own value of a colour property, as `theme.css` sets it on the page.
fn portal_colour(property: &str) -> String {
    web_sys::window()
        .and_then(|window| {
            let root = window.document()?.document_element()?;
            window.get_computed_style(&root).ok().flatten()
        })
        .and_then(|style| style.get_property_value(property).ok())
        .and_then(|value| fields::hex6(&value))
        .unwrap_or_else(|| "#000000".to_owned())
}

/// A text area for a list, one item a line (the organisations).
#[component]
pub fn TextArea(
    id: &'static str,
    value: RwSignal<String>,
    label: Signal<&'static str>,
    help: Signal<&'static str>,
    error: Signal<Option<String>>,
    on_blur: Callback<()>,
) -> impl IntoView {
    let help_id = format!("{id}-help");
    let error_id = format!("{id}-error");
    let invalid = move || aria(error.with(Option::is_some));
    view! {
        <div class="field">
            <label for=id class="field-label">{label}</label>
            <p id=help_id.clone() class="field-help">{help}</p>
            <textarea
                id=id
                data-test=id
                rows="4"
                spellcheck="false"
                aria-describedby=format!("{help_id} {error_id}")
                aria-invalid=invalid
                prop:value=value
                on:input:target=move |event| value.set(event.target().value())
                on:blur=move |_| on_blur.run(())
            ></textarea>
            <p id=error_id class="field-error" aria-live="polite">{move || error.get()}</p>
        </div>
    }
}
