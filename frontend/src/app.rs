//! The router: one route per page; anything else is the not-found page.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::pages::{AdminPage, CollectPage, NotFoundPage};

/// The whole app. The paths mirror `certportal_shared::routes`, which the backend uses too.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <Router>
            <main>
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/collect") view=CollectPage />
                    <Route path=path!("/admin") view=AdminPage />
                </Routes>
            </main>
        </Router>
    }
}
