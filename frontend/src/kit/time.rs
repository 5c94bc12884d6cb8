//! Time on the page: a ticking clock for countdowns, and times formatted for people.
//!
//! Countdowns start from the server's "seconds left" (free of clock skew) and run on the
//! browser's own clock from the moment the answer arrived.

use crate::i18n::Lang;
use js_sys::{Date, Object, Reflect};
use leptos::prelude::*;
use std::time::Duration;
use wasm_bindgen::JsValue;

/// Milliseconds since the Unix epoch, by the browser's clock.
pub fn now_ms() -> f64 {
    Date::now()
}

/// A moment `seconds` from now, in milliseconds since the epoch.
pub fn deadline_in(seconds: u64) -> f64 {
    seconds_after(now_ms(), seconds)
}

/// The moment `seconds` after `ms` (both in milliseconds since the epoch).
pub fn seconds_after(ms: f64, seconds: u64) -> f64 {
    ms + seconds as f64 * 1000.0
}

/// A signal that holds [`now_ms`] and moves once a second while its owner lives.
#[derive(Clone, Copy)]
pub struct Ticker(RwSignal<f64>);

impl Ticker {
    pub fn start() -> Self {
        let now = RwSignal::new(now_ms());
        if let Ok(handle) =
            set_interval_with_handle(move || now.set(now_ms()), Duration::from_millis(1000))
        {
            on_cleanup(move || handle.clear());
        }
        Self(now)
    }

    /// Whole seconds left until `deadline_ms`, never negative; subscribes to the tick.
    pub fn seconds_until(&self, deadline_ms: f64) -> u64 {
        let left = (deadline_ms - self.0.get()) / 1000.0;
        if left <= 0.0 { 0 } else { left.ceil() as u64 }
    }
}

/// `m:ss`, or `h:mm:ss` from an hour up.
pub fn remaining(seconds: u64) -> String {
    let (hours, minutes, seconds) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{seconds:02}")
    } else {
        format!("{minutes}:{seconds:02}")
    }
}

/// The BCP 47 tag `Intl` formats a language's dates with.
pub fn locale_tag(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en-GB",
        Lang::Nb => "nb-NO",
    }
}

/// An `Intl` options object from name/value pairs.
pub fn options(pairs: &[(&str, &str)]) -> JsValue {
    let object = Object::new();
    for (key, value) in pairs {
        let _ = Reflect::set(&object, &(*key).into(), &(*value).into());
    }
    object.into()
}

/// The time of day of a moment (ms since the epoch), in the browser's time zone.
pub fn clock_time(ms: f64, lang: Lang) -> String {
    Date::new(&JsValue::from_f64(ms))
        .to_locale_time_string_with_options(
            locale_tag(lang),
            &options(&[("hour", "2-digit"), ("minute", "2-digit")]),
        )
        .into()
}

/// A date and time (ms since the epoch), in the browser's time zone.
pub fn date_time(ms: f64, lang: Lang) -> String {
    Date::new(&JsValue::from_f64(ms))
        .to_locale_string(
            locale_tag(lang),
            &options(&[("dateStyle", "long"), ("timeStyle", "short")]),
        )
        .into()
}

/// A date (Unix seconds), in the browser's time zone.
pub fn date(unix_seconds: i64, lang: Lang) -> String {
    Date::new(&JsValue::from_f64(unix_seconds as f64 * 1000.0))
        .to_locale_date_string(locale_tag(lang), &options(&[("dateStyle", "long")]))
        .into()
}

#[cfg(test)]
mod tests {
    use super::remaining;

    #[test]
    fn time_left_reads_as_minutes_and_seconds_or_hours() {
        assert_eq!(remaining(0), "0:00");
        assert_eq!(remaining(59), "0:59");
        assert_eq!(remaining(30 * 60), "30:00");
        assert_eq!(remaining(3600 + 61), "1:01:01");
    }
}
