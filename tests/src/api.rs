//! Driving the portal over HTTP: the collect API step by step, and a whole collect.

use crate::{Collect, TestApp, sha256_hex};
use certportal_shared::routes;
use serde_json::{Value, json};

impl TestApp {
    /// POSTs JSON to an API path.
    pub async fn post(&self, path: &str, body: &Value) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.url))
            .json(body)
            .send()
            .await
            .expect("request")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .expect("request")
    }

    pub async fn open(&self, token: &str) -> reqwest::Response {
        self.post(routes::COLLECT_OPEN, &json!({ "token": token }))
            .await
    }

    pub async fn verify(&self, token: &str, code: &str) -> reqwest::Response {
        self.post(
            routes::COLLECT_VERIFY,
            &json!({ "token": token, "code": code }),
        )
        .await
    }

    pub async fn resend(&self, token: &str) -> reqwest::Response {
        self.post(routes::COLLECT_RESEND, &json!({ "token": token }))
            .await
    }

    /// Verifies the right code and returns the session.
    pub async fn session(&self, token: &str, code: &str) -> String {
        let response = self.verify(token, code).await;
        assert_eq!(
            response.status(),
            200,
            "verify: {}",
            response.text().await.unwrap_or_default()
        );
        let body: Value = response.json().await.expect("json");
        body["session"].as_str().expect("session").to_owned()
    }

    pub async fn bundle(&self, session: &str) -> reqwest::Response {
        self.http
            .post(format!("{}{}", self.url, routes::COLLECT_BUNDLE))
            .bearer_auth(session)
            .send()
            .await
            .expect("request")
    }

    pub async fn receipt(&self, session: &str, sha256_hex: &str) -> reqwest::Response {
        self.http
            .post(format!("{}{}", self.url, routes::COLLECT_RECEIPT))
            .bearer_auth(session)
            .json(&json!({ "sha256": sha256_hex }))
            .send()
            .await
            .expect("request")
    }

    /// Sends a certificate request for a `csr` order (PEM or base64 DER).
    pub async fn csr(&self, session: &str, csr: &str) -> reqwest::Response {
        self.http
            .post(format!("{}{}", self.url, routes::COLLECT_CSR))
            .bearer_auth(session)
            .json(&json!({ "csr": csr }))
            .send()
            .await
            .expect("request")
    }

    /// Runs the whole flow for an order: verify, download, receipt, password. Returns the file
    /// and its password.
    pub async fn collect(&self, collect: &Collect) -> (Vec<u8>, String) {
        let session = self.session(&collect.token, &collect.code).await;
        let response = self.bundle(&session).await;
        assert_eq!(response.status(), 200);
        let file = response.bytes().await.expect("body").to_vec();
        let receipt = self.receipt(&session, &sha256_hex(&file)).await;
        assert_eq!(
            receipt.status(),
            200,
            "receipt: {}",
            receipt.text().await.unwrap_or_default()
        );
        let password = self.wait_for_password(&collect.order.order_id).await;
        (file, password)
    }

    /// The CA certificate, PEM.
    pub async fn ca_pem(&self) -> String {
        self.get(routes::CA_PEM).await.text().await.expect("ca.pem")
    }
}

/// The status, the error code (empty when there is none) and the body of an answer.
pub async fn refusal(response: reqwest::Response) -> (u16, String, Value) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    (
        status,
        body["code"].as_str().unwrap_or_default().to_owned(),
        body,
    )
}

/// Asserts that an answer is the refusal `status` with `code`, and returns its body.
pub async fn refused(response: reqwest::Response, status: u16, code: &str) -> Value {
    let (actual, actual_code, body) = refusal(response).await;
    assert_eq!((actual, actual_code.as_str()), (status, code), "{body}");
    body
}
