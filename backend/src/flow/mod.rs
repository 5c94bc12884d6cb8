//! The domain: what happens when an order is made, collected, revoked or runs out. HTTP
//! handlers and CLI commands are thin callers of these functions.

pub mod admin;
pub mod collect;
pub mod crl;
pub mod orders;
pub mod revoke;
pub mod staff;
pub mod sweeper;

use crate::store::{AuditEvent, OrderRecord};

/// Who is acting and from where, for the audit trail.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Actor {
    /// `cli`, `contact`, `staff:<user>`, `system`.
    pub name: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl Actor {
    pub fn cli() -> Self {
        let user = std::env::var("USER").unwrap_or_default();
        Self {
            name: if user.is_empty() {
                "cli".into()
            } else {
                format!("cli:{user}")
            },
            ..Self::default()
        }
    }

    pub fn system() -> Self {
        Self {
            name: "system".into(),
            ..Self::default()
        }
    }

    /// An audit event by this actor.
    pub fn event(
        &self,
        at: i64,
        action: &str,
        order_id: Option<&str>,
        serial: Option<&str>,
        detail: Option<String>,
    ) -> AuditEvent {
        AuditEvent {
            at,
            actor: self.name.clone(),
            action: action.to_owned(),
            order_id: order_id.map(str::to_owned),
            serial: serial.map(str::to_owned),
            ip: self.ip.clone(),
            user_agent: self.user_agent.clone(),
            detail,
        }
    }

    /// An audit event by this actor about an order and its certificate.
    pub fn on_order(
        &self,
        at: i64,
        action: &str,
        order: &OrderRecord,
        detail: Option<String>,
    ) -> AuditEvent {
        self.event(at, action, Some(&order.id), Some(&order.serial), detail)
    }
}
