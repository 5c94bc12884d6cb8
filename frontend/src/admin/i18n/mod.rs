//! The staff app's strings: a catalogue of its own per language, beside the collect pages'
//! (which stay out of this wasm, as these stay out of the customers'). The language itself is
//! the shared [`I18n`] state, so the switch and `<html lang>` work as on the collect pages.

mod catalogue;
mod en;
mod nb;

pub use catalogue::AdminCatalogue;

use kit::i18n::{I18n, Lang, use_i18n};
use leptos::prelude::*;

/// The staff app's strings in `lang`.
pub fn catalogue(lang: Lang) -> &'static AdminCatalogue {
    match lang {
        Lang::En => &en::EN,
        Lang::Nb => &nb::NB,
    }
}

/// The staff app's strings in the current language.
#[derive(Clone, Copy)]
pub struct Texts(I18n);

impl Texts {
    /// The current catalogue; reading it subscribes the caller to language changes.
    pub fn t(&self) -> &'static AdminCatalogue {
        catalogue(self.0.lang())
    }

    pub fn lang(&self) -> Lang {
        self.0.lang()
    }

    /// A catalogue string that follows the language.
    pub fn text(
        self,
        pick: impl Fn(&'static AdminCatalogue) -> &'static str + Send + Sync + 'static,
    ) -> Signal<&'static str> {
        self.0.text(catalogue, pick)
    }

    /// One of two catalogue strings, by a condition (a button's label while it works).
    pub fn text_if(
        self,
        condition: impl Get<Value = bool> + Send + Sync + 'static,
        yes: fn(&'static AdminCatalogue) -> &'static str,
        no: fn(&'static AdminCatalogue) -> &'static str,
    ) -> Signal<&'static str> {
        self.0.text_if(catalogue, condition, yes, no)
    }

    /// Text built from the catalogue and values, following the language.
    pub fn format(
        self,
        build: impl Fn(&'static AdminCatalogue) -> String + Send + Sync + 'static,
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
    fn both_catalogues_have_the_same_placeholders_in_the_same_strings() {
        // Pretty Debug puts each string on a line of its own, in field order.
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
