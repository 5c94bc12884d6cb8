//! The collect app's strings: a catalogue of its own per language, beside the staff app's
//! (which stay out of this wasm, as these stay out of the staff app's). The language itself is
//! the shared [`I18n`] state.

mod catalogue;
mod en;
mod nb;

pub use catalogue::{CollectCatalogue, Guide};

use kit::i18n::{I18n, Lang, use_i18n};
use leptos::prelude::*;

/// The collect app's strings in `lang`.
pub fn catalogue(lang: Lang) -> &'static CollectCatalogue {
    match lang {
        Lang::En => &en::EN,
        Lang::Nb => &nb::NB,
    }
}

/// The collect app's strings in the current language.
///
/// The picks are plain `fn` pointers, not closures: each closure type would compile a
/// derived signal of its own, and the collect app's wasm counts against the customers'
/// weight budget.
#[derive(Clone, Copy)]
pub struct Texts(I18n);

impl Texts {
    /// The current catalogue; reading it subscribes the caller to language changes.
    pub fn t(&self) -> &'static CollectCatalogue {
        catalogue(self.0.lang())
    }

    pub fn lang(&self) -> Lang {
        self.0.lang()
    }

    /// A catalogue string that follows the language.
    pub fn text(self, pick: fn(&'static CollectCatalogue) -> &'static str) -> Signal<&'static str> {
        self.0.text(catalogue, pick)
    }

    /// One of two catalogue strings, by a condition (a button's label while it works).
    pub fn text_if(
        self,
        condition: impl Get<Value = bool> + Send + Sync + 'static,
        yes: fn(&'static CollectCatalogue) -> &'static str,
        no: fn(&'static CollectCatalogue) -> &'static str,
    ) -> Signal<&'static str> {
        self.0.text_if(catalogue, condition, yes, no)
    }

    /// Text built from the catalogue and values, following the language.
    pub fn format(
        self,
        build: impl Fn(&'static CollectCatalogue) -> String + Send + Sync + 'static,
    ) -> Signal<String> {
        self.0.format(catalogue, build)
    }
}

pub fn use_texts() -> Texts {
    Texts(use_i18n())
}

#[cfg(test)]
mod tests {
    use super::*;
    use kit::i18n::placeholders;

    #[test]
    fn every_catalogue_has_the_same_placeholders_in_the_same_strings() {
        // Pretty Debug puts each string on a line of its own, in field order, so the lines of
        // two catalogues pair up field by field.
        let english = format!("{:#?}", catalogue(Lang::En));
        let norwegian = format!("{:#?}", catalogue(Lang::Nb));
        let (english, norwegian): (Vec<_>, Vec<_>) =
            (english.lines().collect(), norwegian.lines().collect());
        assert_eq!(english.len(), norwegian.len());
        for (en, nb) in english.iter().zip(&norwegian) {
            assert_eq!(placeholders(en), placeholders(nb), "{en} / {nb}");
        }
    }
}
