//! Form fields with their label, help and error wired up for assistive technology: the help
//! and the error describe the input, the error is announced as it changes, and the input is
//! marked invalid while it has one. Each input's `id` is also its `data-test` hook.

use leptos::prelude::*;

#[component]
pub fn TextField(
    id: &'static str,
    label: Signal<&'static str>,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional, into)] help: Option<Signal<&'static str>>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] inputmode: Option<&'static str>,
    /// Runs when the field loses focus: errors show from then on.
    #[prop(optional)]
    on_blur: Option<Callback<()>>,
) -> impl IntoView {
    let help_id = format!("{id}-help");
    let error_id = format!("{id}-error");
    let described = match help {
        Some(_) => format!("{help_id} {error_id}"),
        None => error_id.clone(),
    };
    let invalid = move || {
        if error.with(Option::is_some) {
            "true"
        } else {
            "false"
        }
    };
    view! {
        <div class="field">
            <label for=id class="field-label">{label}</label>
            {help.map(|help| view! { <p id=help_id class="field-help">{help}</p> })}
            <input
                id=id
                data-test=id
                type=kind
                autocomplete=autocomplete
                inputmode=inputmode
                spellcheck="false"
                aria-describedby=described
                aria-invalid=invalid
                prop:value=value
                on:input:target=move |event| value.set(event.target().value())
                on:blur=move |_| {
                    if let Some(on_blur) = on_blur {
                        on_blur.run(());
                    }
                }
            />
            <p id=error_id class="field-error" aria-live="polite">{move || error.get()}</p>
        </div>
    }
}

/// One option of a [`ChoiceField`].
#[derive(Clone)]
pub struct Choice {
    pub value: &'static str,
    pub label: Signal<&'static str>,
}

/// A `<select>` with its label and help.
#[component]
pub fn ChoiceField(
    id: &'static str,
    label: Signal<&'static str>,
    value: RwSignal<String>,
    choices: Vec<Choice>,
    #[prop(optional, into)] help: Option<Signal<&'static str>>,
    #[prop(optional, into)] error: Option<Signal<Option<String>>>,
) -> impl IntoView {
    let help_id = format!("{id}-help");
    let error_id = format!("{id}-error");
    let described = match help {
        Some(_) => format!("{help_id} {error_id}"),
        None => error_id.clone(),
    };
    let invalid = move || {
        if error.is_some_and(|error| error.with(Option::is_some)) {
            "true"
        } else {
            "false"
        }
    };
    view! {
        <div class="field">
            <label for=id class="field-label">{label}</label>
            {help.map(|help| view! { <p id=help_id class="field-help">{help}</p> })}
            <select
                id=id
                data-test=id
                aria-describedby=described
                aria-invalid=invalid
                on:change:target=move |event| value.set(event.target().value())
            >
                {choices
                    .into_iter()
                    .map(|choice| {
                        let chosen = choice.value;
                        view! {
                            <option value=chosen prop:selected=move || value.get() == chosen>
                                {choice.label}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <p id=error_id class="field-error" aria-live="polite">
                {move || error.and_then(|error| error.get())}
            </p>
        </div>
    }
}

/// One box of a [`CheckBoxes`]: its value, the `id` (also its `data-test` hook) and label.
pub struct CheckBox<T> {
    pub value: T,
    pub id: String,
    pub label: Signal<&'static str>,
}

/// A fieldset of check boxes that choose some of `boxes` into `chosen`, in the order they
/// were ticked, with its legend and an error announced as it changes (`{id}-error`).
#[component]
pub fn CheckBoxes<T>(
    id: &'static str,
    legend: Signal<&'static str>,
    chosen: RwSignal<Vec<T>>,
    boxes: Vec<CheckBox<T>>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    let error_id = format!("{id}-error");
    let described = error_id.clone();
    let boxes = boxes
        .into_iter()
        .map(|CheckBox { value, id, label }| {
            view! {
                <div class="ack">
                    <input
                        id=id.clone()
                        type="checkbox"
                        data-test=id.clone()
                        prop:checked=move || chosen.with(|chosen| chosen.contains(&value))
                        on:change:target=move |event| {
                            let on = event.target().checked();
                            chosen.update(|chosen| {
                                chosen.retain(|v| *v != value);
                                if on {
                                    chosen.push(value);
                                }
                            });
                        }
                    />
                    <label for=id>{label}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset aria-describedby=described>
            <legend>{legend}</legend>
            {boxes}
            <p id=error_id class="field-error" aria-live="polite">{move || error.get()}</p>
        </fieldset>
    }
}
