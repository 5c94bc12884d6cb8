//! Pages and addresses: every page of the staff app has a URL under `/admin`, navigation
//! pushes a history entry, and the back button walks them back.
//!
//! A small router of its own rather than leptos_router: a dozen pages, no nesting, and the
//! parsing is plain functions that the native tests can check.

use certportal_shared::model::OrderState;
use certportal_shared::routes::ADMIN_PAGE;
use kit::browser;
use kit::url;
use leptos::ev::MouseEvent;
use leptos::prelude::*;
use wasm_bindgen::JsValue;

/// The id of every page's `<h1>`: focus moves there after a navigation, so that screen
/// readers announce the new page.
pub const TITLE_ID: &str = "page-title";

/// What the order list shows: words to find, a state, and which page of results.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrderFilter {
    pub q: String,
    pub state: Option<OrderState>,
    /// Zero-based; for the count shown ("Orders 26–50").
    pub page: u32,
    /// Where the page starts: the `next` of the page before.
    pub before: Option<String>,
}

/// A page of the staff app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Page {
    Orders(OrderFilter),
    NewOrder,
    /// A new order prefilled from an old one (its id).
    Renew(String),
    Order(String),
    Dashboard,
    Staff,
    Tokens,
    Webhooks,
    Sites,
    Audit,
    Account,
    NotFound,
}

impl Page {
    /// The page at a path and query string.
    pub fn parse(path: &str, search: &str) -> Page {
        let Some(rest) = path.strip_prefix(ADMIN_PAGE) else {
            return Page::NotFound;
        };
        let parts: Vec<String> = rest
            .split('/')
            .filter(|part| !part.is_empty())
            .map(url::decode)
            .collect();
        let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
        match parts.as_slice() {
            [] | ["orders"] => Page::Orders(OrderFilter {
                q: url::query_value(search, "q").unwrap_or_default(),
                state: url::query_value(search, "state")
                    .and_then(|state| OrderState::parse(&state).ok()),
                page: url::query_value(search, "page")
                    .and_then(|page| page.parse::<u32>().ok())
                    .map_or(0, |page| page.saturating_sub(1)),
                before: url::query_value(search, "before").filter(|before| !before.is_empty()),
            }),
            ["orders", "new"] => Page::NewOrder,
            ["orders", id] => Page::Order((*id).to_owned()),
            ["orders", id, "renew"] => Page::Renew((*id).to_owned()),
            ["dashboard"] => Page::Dashboard,
            ["staff"] => Page::Staff,
            ["tokens"] => Page::Tokens,
            ["webhooks"] => Page::Webhooks,
            ["sites"] => Page::Sites,
            ["audit"] => Page::Audit,
            ["account"] => Page::Account,
            _ => Page::NotFound,
        }
    }

    /// The page's address.
    pub fn href(&self) -> String {
        match self {
            Page::Orders(filter) => {
                // The first page is the list's plain address.
                let page = if filter.page > 0 {
                    (filter.page + 1).to_string()
                } else {
                    String::new()
                };
                let query = url::query(&[
                    ("q", &filter.q),
                    (
                        "state",
                        filter.state.map(OrderState::as_str).unwrap_or_default(),
                    ),
                    ("page", &page),
                    ("before", filter.before.as_deref().unwrap_or_default()),
                ]);
                format!("{ADMIN_PAGE}/orders{query}")
            }
            Page::NewOrder => format!("{ADMIN_PAGE}/orders/new"),
            Page::Renew(id) => format!("{ADMIN_PAGE}/orders/{}/renew", url::encode(id)),
            Page::Order(id) => format!("{ADMIN_PAGE}/orders/{}", url::encode(id)),
            Page::Dashboard => format!("{ADMIN_PAGE}/dashboard"),
            Page::Staff => format!("{ADMIN_PAGE}/staff"),
            Page::Tokens => format!("{ADMIN_PAGE}/tokens"),
            Page::Webhooks => format!("{ADMIN_PAGE}/webhooks"),
            Page::Sites => format!("{ADMIN_PAGE}/sites"),
            Page::Audit => format!("{ADMIN_PAGE}/audit"),
            Page::Account => format!("{ADMIN_PAGE}/account"),
            Page::NotFound => ADMIN_PAGE.to_owned(),
        }
    }

    /// The navigation entry the page belongs to, for `aria-current`.
    pub fn section(&self) -> Section {
        match self {
            Page::Orders(_) | Page::Order(_) | Page::Renew(_) | Page::NotFound => Section::Orders,
            Page::NewOrder => Section::NewOrder,
            Page::Dashboard => Section::Dashboard,
            Page::Staff => Section::Staff,
            Page::Tokens => Section::Tokens,
            Page::Webhooks => Section::Webhooks,
            Page::Sites => Section::Sites,
            Page::Audit => Section::Audit,
            Page::Account => Section::Account,
        }
    }
}

/// The entries of the navigation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Orders,
    NewOrder,
    Dashboard,
    Staff,
    Tokens,
    Webhooks,
    Sites,
    Audit,
    Account,
}

/// The current page, shared through the context.
#[derive(Clone, Copy)]
pub struct Router {
    page: RwSignal<Page>,
}

fn current() -> Page {
    let location = web_sys::window().map(|window| window.location());
    let path = location
        .as_ref()
        .and_then(|l| l.pathname().ok())
        .unwrap_or_default();
    let search = location
        .as_ref()
        .and_then(|l| l.search().ok())
        .unwrap_or_default();
    Page::parse(&path, &search)
}

impl Router {
    /// Reads the page from the address bar and follows the back and forward buttons.
    pub fn provide() -> Router {
        let router = Router {
            page: RwSignal::new(current()),
        };
        // The app lives as long as the page, and so does this listener.
        let _ = window_event_listener(leptos::ev::popstate, move |_| {
            router.page.set(current());
            browser::focus(TITLE_ID);
        });
        provide_context(router);
        router
    }

    /// The current page; reading it subscribes the caller.
    pub fn page(&self) -> Page {
        self.page.get()
    }

    /// Goes to `page`, as a new history entry.
    pub fn go(&self, page: Page) {
        if let Ok(history) = web_sys::window()
            .ok_or(JsValue::NULL)
            .and_then(|w| w.history())
        {
            let _ = history.push_state_with_url(&JsValue::NULL, "", Some(&page.href()));
        }
        self.page.set(page);
        if let Some(window) = web_sys::window() {
            window.scroll_to_with_x_and_y(0.0, 0.0);
        }
        browser::focus(TITLE_ID);
    }
}

/// The router; [`Router::provide`] must have run above.
pub fn use_router() -> Router {
    use_context::<Router>().unwrap_or_else(|| Router {
        page: RwSignal::new(Page::NotFound),
    })
}

/// A link to a page of the app: a real `<a href>` (it opens in a new tab, it can be copied),
/// whose plain clicks navigate without reloading.
#[component]
pub fn Link(
    to: Page,
    children: Children,
    #[prop(optional, into)] class: String,
    #[prop(optional)] test: &'static str,
    /// `aria-current="page"` when this is true.
    #[prop(optional, into)]
    current: Option<Signal<bool>>,
) -> impl IntoView {
    let router = use_router();
    let href = to.href();
    let aria_current = move || current.and_then(|c| c.get().then_some("page"));
    let test = (!test.is_empty()).then_some(test);
    let class = (!class.is_empty()).then_some(class);
    view! {
        <a
            href=href
            class=class
            data-test=test
            aria-current=aria_current
            on:click=move |event: MouseEvent| {
                let plain = event.button() == 0
                    && !(event.ctrl_key() || event.meta_key() || event.shift_key() || event.alt_key());
                if plain {
                    event.prevent_default();
                    router.go(to.clone());
                }
            }
        >
            {children()}
        </a>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_reads_back_from_its_own_address() {
        let filter = OrderFilter {
            q: "Acme & Søn".into(),
            state: Some(OrderState::LinkSent),
            page: 2,
            before: Some("1700000000.0b2c".into()),
        };
        for page in [
            Page::Orders(OrderFilter::default()),
            Page::Orders(filter),
            Page::NewOrder,
            Page::Renew("0b2c-x".into()),
            Page::Order("a/b c".into()),
            Page::Dashboard,
            Page::Staff,
            Page::Tokens,
            Page::Webhooks,
            Page::Sites,
            Page::Audit,
            Page::Account,
        ] {
            let href = page.href();
            let (path, search) = href.split_once('?').unwrap_or((&href, ""));
            assert_eq!(Page::parse(path, search), page, "{href}");
        }
    }

    #[test]
    fn the_app_root_is_the_order_list_and_strangers_are_not_found() {
        assert_eq!(
            Page::parse("/admin", ""),
            Page::Orders(OrderFilter::default())
        );
        assert_eq!(
            Page::parse("/admin/", "?page=0&state=bogus"),
            Page::Orders(OrderFilter::default())
        );
        assert_eq!(Page::parse("/admin/nothing", ""), Page::NotFound);
        assert_eq!(Page::parse("/collect", ""), Page::NotFound);
    }
}
