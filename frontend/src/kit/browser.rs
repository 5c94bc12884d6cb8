//! The browser around the app: the address bar, saving files, focus, timing marks. Nothing
//! here speaks HTTP (that is `http`).

use js_sys::{Array, Promise, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, HtmlElement, Url};

/// Takes the token from the URL fragment and removes it from the address bar and the
/// history entry at once, so that it is not left in the history, in a screenshot of the
/// address bar, or in a bookmark.
pub fn take_fragment_token() -> Option<String> {
    let window = web_sys::window()?;
    let location = window.location();
    let hash = location.hash().ok()?;
    let token = hash.trim_start_matches('#').trim().to_owned();
    if !hash.is_empty() {
        let path = location.pathname().unwrap_or_default();
        let search = location.search().unwrap_or_default();
        if let Ok(history) = window.history() {
            let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&(path + &search)));
        }
    }
    (!token.is_empty()).then_some(token)
}

/// Hands `bytes` to the browser as a download named `filename`. No navigation: a detached
/// link with `download` is clicked, so this works inside an iframe too.
pub fn save_file(bytes: &[u8], filename: &str, mime: &str) -> Result<(), JsValue> {
    let window = web_sys::window().ok_or_else(|| JsValue::from_str("no window"))?;
    let document = window
        .document()
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let parts = Array::of1(&Uint8Array::from(bytes));
    let properties = BlobPropertyBag::new();
    properties.set_type(mime);
    let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &properties)?;
    let url = Url::create_object_url_with_blob(&blob)?;
    let link: HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    link.set_href(&url);
    link.set_download(filename);
    link.click();
    // The download has started from the click; the URL is no longer needed, and revoking it
    // later lets the browser drop its copy of the key material.
    let revoke = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = Url::revoke_object_url(&url);
    });
    let _ = window
        .set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 60_000);
    Ok(())
}

/// Moves keyboard focus to the element with `id` once it is on the page, so that screen
/// readers announce a new step.
pub fn focus(id: &'static str) {
    leptos::prelude::request_animation_frame(move || {
        if let Some(element) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
            .and_then(|e| e.dyn_into::<HtmlElement>().ok())
        {
            let _ = element.focus();
        }
    });
}

/// A User Timing mark, so that benchmarks can read when something appeared.
pub fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}

/// Milliseconds since the page started loading (high resolution).
pub fn performance_now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_default()
}

/// Resolves after the browser had a chance to paint, so that a "checking…" state shows
/// before a long synchronous computation starts.
pub async fn after_paint() {
    let promise = Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            // A timeout rather than requestAnimationFrame alone: rAF runs before the paint.
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 30);
        } else {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = JsFuture::from(promise).await;
}
