//! The collect app: a client-side-rendered Leptos SPA that Trunk builds into `dist/` and the
//! backend serves, with `index.html` as the fallback for every page route outside `/admin`.

fn main() {
    leptos::mount::mount_to_body(certportal_frontend::app::App);
}
