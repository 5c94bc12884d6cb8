//! The admin API: sign-in and sessions, orders and their actions, staff management.

mod auth;
mod orders;
mod staff;

use serde_json::{Value, json};

/// Status, error code and body of a refusal.
pub async fn refusal(response: reqwest::Response) -> (u16, String, Value) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    (
        status,
        body["code"].as_str().unwrap_or_default().to_owned(),
        body,
    )
}

/// A valid order.
pub fn order_body() -> Value {
    json!({
        "org": "Acme AS", "service": "Payments API", "client": "e-banking",
        "contact_name": "Kari Nordmann", "email": "kari@example.no", "mobile": "+4791234567"
    })
}
