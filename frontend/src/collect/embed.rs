//! Framed in a help centre by the embed script (`public/embed.js`): the page was loaded as
//! `/collect?site=NAME`, inside an iframe of that site's origin (the CSP lets no other frame
//! it). The link token never travels in the iframe's URL: the page says `ready` to the host
//! and takes the token from the host's answer. Then it tells the host how tall it is and
//! where the flow stands.
//!
//! Every message is `{v: 1, type, …}`, posted to the site's registered origin only, never
//! `'*'`; a message is taken only from the parent window and that origin. None carries a
//! token, code, password or file: only step names, a height, the certificate's fingerprint
//! (public) and error codes.

use certportal_shared::api::embed::MESSAGE_VERSION;
use certportal_shared::routes;
use kit::i18n::Lang;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// How long the page waits for the host's token.
const TOKEN_WAIT_MS: i32 = 10_000;

/// The host page that frames this one, as the portal registered it.
#[derive(Clone, Debug)]
pub struct Host {
    /// The only origin messages go to and come from.
    origin: String,
    /// The token the host handed over, once.
    pub token: Option<String>,
    /// The language the host asked for, if the site offers it; else the site's first.
    pub lang: Option<Lang>,
}

/// What the page tells the host.
pub enum Event<'a> {
    Step(&'a str),
    Downloaded,
    Checked(&'a str),
    Error(&'a str),
    Done,
}

/// The `site` of the page's query, when the page is framed: `None` when it is the top
/// window (a `?site=` typed into the address bar changes nothing).
fn framed_site() -> Option<String> {
    let window = web_sys::window()?;
    let parent = window.parent().ok()??;
    if parent == window {
        return None;
    }
    let search = window.location().search().ok()?;
    let site = web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get("site")?;
    // A site's name, or nothing: it goes into the path of a request.
    site.bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        .then_some(site)
}

fn query(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search)
        .ok()?
        .get(name)
}

/// Connects to the host when the page is framed by a site: loads the site's theme, starts
/// reporting the page's height, says `ready` and waits for the token. `None` when the page is
/// not framed, or the site is not one the portal knows (then the page shows that it has no
/// link, as for a bare `/collect`).
pub async fn connect() -> Option<Host> {
    let name = framed_site()?;
    let site = site(&name).await?;
    add_stylesheet(&site.theme);
    let lang = query("lang")
        .and_then(|tag| Lang::from_tag(&tag))
        .filter(|lang| site.languages.iter().any(|tag| tag == lang.tag()))
        .or_else(|| site.languages.first().and_then(|tag| Lang::from_tag(tag)));
    let token = receive_token(&site.origin);
    report_height(site.origin.clone());
    post(&site.origin, "ready", &[]);
    let token = token.await;
    Some(Host {
        origin: site.origin,
        token,
        lang,
    })
}

/// What the page needs of [`certportal_shared::api::embed::EmbedSite`].
struct Site {
    origin: String,
    languages: Vec<String>,
    theme: String,
}

/// The site as the portal describes it. Read with the browser's JSON parser rather than
/// serde: a deserializer for one more struct cost kilobytes of the collect app's budget.
async fn site(name: &str) -> Option<Site> {
    let text = kit::http::Call::get(&routes::path(routes::EMBED_SITE, name))
        .text()
        .await
        .ok()?;
    let site = js_sys::JSON::parse(&text).ok()?;
    let field = |name: &str| js_sys::Reflect::get(&site, &JsValue::from_str(name)).ok();
    let languages = field("languages")?
        .dyn_into::<js_sys::Array>()
        .ok()?
        .iter()
        .filter_map(|tag| tag.as_string())
        .collect();
    Some(Site {
        origin: field("origin")?.as_string()?,
        languages,
        theme: field("theme")?.as_string()?,
    })
}

/// The site's stylesheet, after the portal's own so that its custom properties win.
fn add_stylesheet(href: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(link) = document.create_element("link") else {
        return;
    };
    let _ = link.set_attribute("rel", "stylesheet");
    let _ = link.set_attribute("href", href);
    if let Some(head) = document.head() {
        let _ = head.append_child(&link);
    }
}

/// Resolves with the token of the first `token` message from the parent window on `origin`;
/// every other message is ignored.
async fn receive_token(origin: &str) -> Option<String> {
    let window = web_sys::window()?;
    let parent = window.parent().ok()??;
    let origin = origin.to_owned();
    let mut listen = |resolve: js_sys::Function, _reject: js_sys::Function| {
        let give_up = resolve.clone();
        let (parent, origin) = (parent.clone(), origin.clone());
        let handler = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| {
                // By identity: a cross-origin parent is not `instanceof Window` here, so it
                // cannot be cast, only compared.
                let from_parent = event
                    .source()
                    .is_some_and(|source| JsValue::from(source) == JsValue::from(&parent));
                if !from_parent || event.origin() != origin {
                    return;
                }
                let data = event.data();
                let field = |name: &str| js_sys::Reflect::get(&data, &JsValue::from_str(name)).ok();
                let version = field("v").and_then(|v| v.as_f64());
                let kind = field("type").and_then(|v| v.as_string());
                if version != Some(f64::from(MESSAGE_VERSION)) || kind.as_deref() != Some("token") {
                    return;
                }
                let token = field("token")
                    .and_then(|v| v.as_string())
                    .unwrap_or_default();
                let _ = resolve.call1(&JsValue::NULL, &JsValue::from_str(&token));
            },
        );
        let _ =
            window.add_event_listener_with_callback("message", handler.as_ref().unchecked_ref());
        // The listener lives as long as the page: a second token is ignored by the promise,
        // which resolves once.
        handler.forget();
        // A host that never answers (a frame made by hand, an old copy of the script) gets
        // the page without a token, which says so, rather than a blank frame.
        let _ =
            window.set_timeout_with_callback_and_timeout_and_arguments_0(&give_up, TOKEN_WAIT_MS);
    };
    let promise = js_sys::Promise::new(&mut listen);
    let token = JsFuture::from(promise).await.ok()?.as_string()?;
    (!token.is_empty()).then_some(token)
}

/// Tells the host the page's height whenever it changes, so that the iframe never scrolls.
fn report_height(origin: String) {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    let measured = root.clone();
    let observer = Closure::<dyn FnMut()>::new(move || {
        let height = measured.get_bounding_client_rect().height().ceil();
        post(&origin, "resize", &[("height", JsValue::from_f64(height))]);
    });
    if let Ok(observer) = web_sys::ResizeObserver::new(observer.as_ref().unchecked_ref()) {
        observer.observe(&root);
    }
    observer.forget();
}

/// Posts `{v, type, …fields}` to the parent, for `origin` only.
fn post(origin: &str, kind: &str, fields: &[(&str, JsValue)]) {
    let Some(parent) = web_sys::window().and_then(|w| w.parent().ok().flatten()) else {
        return;
    };
    let message = js_sys::Object::new();
    let set = |key: &str, value: &JsValue| {
        let _ = js_sys::Reflect::set(&message, &JsValue::from_str(key), value);
    };
    set("v", &JsValue::from_f64(f64::from(MESSAGE_VERSION)));
    set("type", &JsValue::from_str(kind));
    for (key, value) in fields {
        set(key, value);
    }
    let _ = parent.post_message(&message, origin);
}

impl Host {
    /// Tells the host `event`.
    pub fn tell(&self, event: Event<'_>) {
        let text = |value: &str| JsValue::from_str(value);
        match event {
            Event::Step(name) => post(&self.origin, "step", &[("name", text(name))]),
            Event::Downloaded => post(&self.origin, "downloaded", &[]),
            Event::Checked(fingerprint) => {
                post(
                    &self.origin,
                    "checked",
                    &[("fingerprint", text(fingerprint))],
                );
            }
            Event::Error(code) => post(&self.origin, "error", &[("code", text(code))]),
            Event::Done => post(&self.origin, "done", &[]),
        }
    }
}
