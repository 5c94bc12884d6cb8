//! Languages: the one the page speaks, chosen from the browser and switchable, shared by both
//! apps; each app has its own catalogue of strings per language (`collect/i18n/`,
//! `admin/i18n/`), so that neither downloads the other's.
//!
//! A catalogue is a plain struct of `&'static str`, so a missing string is a compile error
//! rather than a blank on screen. Strings that take values use `{name}` placeholders, filled
//! by [`fill`].

use leptos::prelude::*;

/// A problem in plain words: what happened, and what to do next.
#[derive(Debug)]
pub struct Problem {
    pub what: &'static str,
    pub next: &'static str,
}

/// A language the app speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Nb,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Nb];

    /// The BCP 47 tag, for `<html lang>` and date formatting.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Nb => "nb",
        }
    }

    /// The language's name in itself, for the language switch.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Nb => "Norsk bokmål",
        }
    }

    /// The first of the browser's preferred languages that the app speaks; English otherwise.
    /// Norwegian without a written standard (`no`) and Nynorsk readers get Bokmål, the closer
    /// of the two catalogues.
    pub fn from_browser() -> Lang {
        let preferred = web_sys::window()
            .map(|window| window.navigator().languages().to_vec())
            .unwrap_or_default();
        preferred
            .iter()
            .filter_map(|tag| tag.as_string())
            .find_map(|tag| Lang::from_tag(&tag))
            .unwrap_or(Lang::En)
    }

    /// The language of a BCP 47 tag, if the apps speak it.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "nb" | "no" | "nn" => Some(Lang::Nb),
            _ => None,
        }
    }
}

/// The current language, shared through the context.
#[derive(Clone, Copy)]
pub struct I18n {
    lang: RwSignal<Lang>,
}

impl I18n {
    /// The current language; reading it subscribes the caller to language changes.
    pub fn lang(&self) -> Lang {
        self.lang.get()
    }

    /// A string of an app's catalogue (chosen by `catalogue` for the language) that follows
    /// the language.
    ///
    /// Views take it as a `Signal` rather than a closure on purpose: Leptos compiles a
    /// renderer per closure type, and with a hundred strings on a page that was the larger
    /// part of the wasm. Every `Signal<&str>` shares one renderer.
    pub fn text<C: Sync + 'static>(
        self,
        catalogue: fn(Lang) -> &'static C,
        pick: impl Fn(&'static C) -> &'static str + Send + Sync + 'static,
    ) -> Signal<&'static str> {
        Signal::derive(move || pick(catalogue(self.lang())))
    }

    /// One of two catalogue strings, by a condition (a button's label while it works).
    pub fn text_if<C: Sync + 'static>(
        self,
        catalogue: fn(Lang) -> &'static C,
        condition: impl Get<Value = bool> + Send + Sync + 'static,
        yes: fn(&'static C) -> &'static str,
        no: fn(&'static C) -> &'static str,
    ) -> Signal<&'static str> {
        Signal::derive(move || {
            let strings = catalogue(self.lang());
            if condition.get() {
                yes(strings)
            } else {
                no(strings)
            }
        })
    }

    /// Text built from an app's catalogue and values, following the language (see
    /// [`Self::text`]).
    pub fn format<C: Sync + 'static>(
        self,
        catalogue: fn(Lang) -> &'static C,
        build: impl Fn(&'static C) -> String + Send + Sync + 'static,
    ) -> Signal<String> {
        Signal::derive(move || build(catalogue(self.lang())))
    }

    /// Switches the language and tells assistive technology and the browser about it.
    pub fn set(&self, lang: Lang) {
        self.lang.set(lang);
    }
}

/// Creates the language state from the browser's preference and keeps `<html lang>` and the
/// document title (the app's own, in each language) in step with it.
pub fn provide_i18n(title: fn(Lang) -> &'static str) -> I18n {
    let i18n = I18n {
        lang: RwSignal::new(Lang::from_browser()),
    };
    Effect::new(move |_| {
        let lang = i18n.lang();
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            if let Some(root) = document.document_element() {
                // Screen readers pick their voice from this.
                let _ = root.set_attribute("lang", lang.tag());
            }
            document.set_title(title(lang));
        }
    });
    provide_context(i18n);
    i18n
}

/// The language state; [`provide_i18n`] must have run above.
pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or_else(|| I18n {
        lang: RwSignal::new(Lang::En),
    })
}

/// Replaces each `{name}` in `template` with its value.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut text = template.to_owned();
    for (name, value) in values {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

/// The `{name}` placeholders in a line of text, sorted: each app's tests compare them across
/// its catalogues, since a placeholder missing in one language would show up as a blank.
pub fn placeholders(line: &str) -> Vec<String> {
    let mut found: Vec<String> = line
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
        .filter(|name| !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase()))
        .collect();
    found.sort();
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_the_lowercase_names_in_braces_sorted() {
        assert_eq!(placeholders("{n} of {total}, {n}"), ["n", "n", "total"]);
        assert!(placeholders("{} {Name} no brace").is_empty());
    }

    #[test]
    fn norwegian_tags_get_bokmal_and_others_nothing() {
        assert_eq!(Lang::from_tag("nb-NO"), Some(Lang::Nb));
        assert_eq!(Lang::from_tag("no"), Some(Lang::Nb));
        assert_eq!(Lang::from_tag("nn_NO"), Some(Lang::Nb));
        assert_eq!(Lang::from_tag("en-GB"), Some(Lang::En));
        assert_eq!(Lang::from_tag("de"), None);
    }

    #[test]
    fn fill_replaces_every_placeholder() {
        assert_eq!(
            fill("{n} of {total}, {n}", &[("n", "2"), ("total", "5")]),
            "2 of 5, 2"
        );
    }
}
