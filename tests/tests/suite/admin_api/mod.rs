//! The admin API: sign-in and sessions, orders and their actions, staff management.

mod auth;
mod orders;
mod staff;

use serde_json::{Value, json};

/// A valid order.
pub fn order_body() -> Value {
    json!({
        "org": "Acme AS", "service": "Payments API", "client": "e-banking",
        "contact_name": "Kari Nordmann", "email": "kari@example.no", "mobile": "+4791234567"
    })
}
