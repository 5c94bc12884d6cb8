//! The collect app: a client-side-rendered Leptos SPA that Trunk builds into `dist/` and the
//! backend serves, with `index.html` as the fallback for every page route outside `/admin`.
//! Customers download only this wasm; the staff app under `/admin` is another (`src/admin/`).

mod api;
mod app;
mod components;
mod embed;
mod i18n;
mod pages;

fn main() {
    // Framed by a help centre, the page first learns its host and the token; otherwise
    // `connect` answers at once. wasm-bindgen's executor, not Leptos's: that one is set up
    // by the mount.
    wasm_bindgen_futures::spawn_local(async {
        let host = embed::connect().await;
        leptos::mount::mount_to_body(move || leptos::view! { <app::App host=host.clone() /> });
    });
}
