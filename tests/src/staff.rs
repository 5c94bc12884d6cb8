//! Staff in tests: accounts made through the portal, a cookie-keeping client, and TOTP codes
//! computed at the portal's (manual) time.

use crate::TestApp;
use certportal::flow::Actor;
use certportal_shared::model::{Role, Username};
use certportal_shared::routes;
use serde_json::{Value, json};
use totp_rs::TOTP;

/// A staff member and a browser-like client that keeps the session cookie.
pub struct StaffClient {
    pub username: String,
    pub password: String,
    pub totp: TOTP,
    pub http: reqwest::Client,
    base: String,
}

impl StaffClient {
    /// A client for an account whose password and `otpauth://` URI are known.
    pub fn new(app: &TestApp, username: &str, password: &str, totp_uri: &str) -> Self {
        Self {
            username: username.to_owned(),
            password: password.to_owned(),
            totp: TOTP::from_url(totp_uri).expect("an otpauth URI"),
            http: reqwest::Client::builder()
                .cookie_store(true)
                .build()
                .expect("client"),
            base: app.url.clone(),
        }
    }

    /// The TOTP code at the portal's current time.
    pub fn code(&self, app: &TestApp) -> String {
        self.totp
            .generate(u64::try_from(app.now_unix()).expect("after 1970"))
    }

    pub async fn login_with(&self, password: &str, totp: &str) -> reqwest::Response {
        self.post(
            routes::ADMIN_LOGIN,
            &json!({ "username": self.username, "password": password, "totp": totp }),
        )
        .await
    }

    /// Signs in with the right password and the current code; asserts success.
    pub async fn login(&self, app: &TestApp) -> Value {
        let response = self.login_with(&self.password, &self.code(app)).await;
        assert_eq!(
            response.status(),
            200,
            "login: {}",
            response.text().await.unwrap_or_default()
        );
        response.json().await.expect("json")
    }

    /// Replaces the first password with one of the member's own, as the admin page makes
    /// them do before anything else; the session goes on.
    pub async fn choose_password(&mut self) {
        let new = format!("{}-own-password-2026", self.username);
        let response = self
            .post(
                routes::ADMIN_ME_PASSWORD,
                &json!({ "current_password": self.password, "new_password": new }),
            )
            .await;
        assert_eq!(
            response.status(),
            204,
            "password change: {}",
            response.text().await.unwrap_or_default()
        );
        self.password = new;
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("request")
    }

    pub async fn post(&self, path: &str, body: &Value) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.base))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// GETs JSON and asserts a 200.
    pub async fn get_json(&self, path: &str) -> Value {
        let response = self.get(path).await;
        assert_eq!(
            response.status(),
            200,
            "GET {path}: {}",
            response.text().await.unwrap_or_default()
        );
        response.json().await.expect("json")
    }

    /// POSTs JSON and asserts a success; returns the body (or null when empty).
    pub async fn post_json(&self, path: &str, body: &Value) -> Value {
        let response = self.post(path, body).await;
        let status = response.status();
        let text = response.text().await.unwrap_or_default();
        assert!(status.is_success(), "POST {path}: {status} {text}");
        if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).expect("json")
        }
    }
}

impl TestApp {
    /// Adds a staff account through the portal and returns a client for it (not signed in).
    pub async fn add_staff(&self, username: &str, role: Role) -> StaffClient {
        let username = Username::parse(username).expect("valid user name");
        let enrolment = certportal::flow::staff::add(self.state(), &username, role, &Actor::cli())
            .await
            .expect("added");
        StaffClient::new(
            self,
            username.as_str(),
            &enrolment.password.expect("a password"),
            &enrolment.totp_uri.expect("a URI"),
        )
    }

    /// Adds a staff member, signs them in and has them choose their own password.
    pub async fn signed_in(&self, username: &str, role: Role) -> StaffClient {
        let mut staff = self.add_staff(username, role).await;
        staff.login(self).await;
        staff.choose_password().await;
        staff
    }

    /// Adds an admin, alice, signed in with her own password.
    pub async fn signed_in_admin(&self) -> StaffClient {
        self.signed_in("alice", Role::Admin).await
    }
}
