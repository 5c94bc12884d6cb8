//! The staff app's steps as staff take them, for the browser tests.

use super::Browser;
use crate::TestApp;
use crate::staff::StaffClient;
use certportal_shared::routes;
use serde_json::json;
use time::Duration;

/// The staff app's address for a path below `/admin` (`""` for its start).
pub fn admin_url(app: &TestApp, path: &str) -> String {
    format!("{}/admin{path}", app.url)
}

/// The staff app's built entry page must be there, or every admin test fails the same way.
fn assert_built() {
    let page = crate::dist_dir().join("admin/index.html");
    assert!(
        page.is_file(),
        "the staff app is not built: {} is missing (run `cargo xtask test`, which builds it \
         with trunk into dist/admin)",
        page.display()
    );
}

/// Replaces the staff member's first password through the API (the app would send them to
/// their account page first), then moves the portal's clock to the next TOTP window so that
/// the browser gets a code of its own. Returns the new password.
pub async fn choose_own_password(app: &TestApp, staff: &StaffClient) -> String {
    let password = format!("{} chose this one", staff.username);
    staff.login(app).await;
    staff
        .post_json(
            routes::ADMIN_ME_PASSWORD,
            &json!({ "current_password": staff.password, "new_password": password }),
        )
        .await;
    app.clock.advance(Duration::seconds(30));
    password
}

impl Browser {
    /// Opens the staff app at `path` and waits for the sign-in form.
    pub async fn open_sign_in(&self, app: &TestApp, path: &str) {
        assert_built();
        self.goto(&admin_url(app, path)).await;
        self.hook("login-username").await;
    }

    /// Fills in the sign-in form and submits it with Enter, as people do.
    pub async fn submit_sign_in(&self, username: &str, password: &str, code: &str) {
        self.type_into("login-username", username).await;
        self.type_into("login-password", password).await;
        self.type_into("login-totp", code).await;
        self.press(&fantoccini::key::Key::Enter.to_string()).await;
    }

    /// Signs in with the staff member's password and the code at the portal's time, and
    /// waits for the navigation.
    pub async fn sign_in(&self, app: &TestApp, staff: &StaffClient) {
        self.sign_in_with_password(app, staff, &staff.password)
            .await;
    }

    /// [`Self::sign_in`] with a password other than the first one.
    pub async fn sign_in_with_password(&self, app: &TestApp, staff: &StaffClient, password: &str) {
        self.submit_sign_in(&staff.username, password, &staff.code(app))
            .await;
        self.wait_for_text(
            "the signed-in navigation",
            "[data-test=\"signed-in-as\"]",
            |t| t.contains(&staff.username),
        )
        .await;
    }

    /// Clicks a navigation entry and waits for the page's heading to say `heading`.
    pub async fn navigate(&self, hook: &str, heading: &str) {
        self.click(hook).await;
        self.wait_for_heading(heading).await;
    }

    /// Waits for the page's `<h1>` to read `heading`.
    pub async fn wait_for_heading(&self, heading: &str) -> String {
        self.wait_for_text("the page's heading", "h1", |t| t == heading)
            .await
    }

    /// The value of the form control with `data-test="<hook>"`.
    pub async fn value(&self, hook: &str) -> String {
        self.hook(hook)
            .await
            .prop("value")
            .await
            .expect("value")
            .unwrap_or_default()
    }

    /// Chooses the option with `value` in the `<select>` with `data-test="<hook>"`.
    pub async fn choose(&self, hook: &str, value: &str) {
        self.hook(hook)
            .await
            .select_by_value(value)
            .await
            .expect("select");
    }

    /// The order id in the address bar of an order's page.
    pub async fn order_id_in_url(&self) -> String {
        let url = self
            .wait_for_script(
                "an order's address",
                "return /\\/admin\\/orders\\/[^/]+$/.test(location.pathname) \
                 && !location.pathname.endsWith('/new') && location.pathname",
            )
            .await;
        url.as_str()
            .and_then(|path| path.rsplit('/').next())
            .expect("an order id")
            .to_owned()
    }

    /// Whether the page is wider than a phone of `width` CSS pixels (it would scroll sideways,
    /// or the browser would zoom out to fit it).
    pub async fn overflows(&self, width: u32) -> bool {
        let widths = self
            .eval("return [document.documentElement.scrollWidth, window.innerWidth]")
            .await;
        widths != serde_json::json!([width, width])
    }

    /// Console errors, but for the one the staff app causes on purpose: at start it asks
    /// `/api/admin/me` whether its HttpOnly session cookie is still good, and Chromium logs
    /// the "no" (a 401) as an error.
    pub async fn console_errors_but_signed_out_check(&self) -> Vec<String> {
        self.console_errors()
            .await
            .into_iter()
            .filter(|error| !(error.contains("/api/admin/me ") && error.contains("401")))
            .collect()
    }

    /// The `data-test` hooks of the order's action buttons, in order.
    pub async fn order_actions(&self) -> Vec<String> {
        self.find(".actions").await;
        let hooks = self
            .eval(
                "return [...document.querySelectorAll('.action-buttons > [data-test^=\"action-\"]')]\
                 .map(e => e.dataset.test)",
            )
            .await;
        serde_json::from_value(hooks).expect("hooks")
    }
}
