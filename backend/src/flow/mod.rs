//! The domain: what happens when an order is made, collected, revoked or runs out. HTTP
//! handlers and CLI commands are thin callers of these functions.

pub mod admin;
pub mod collect;
pub mod crl;
pub mod ocsp;
pub mod orders;
pub mod reminders;
pub mod renew;
pub mod report;
pub mod revoke;
pub mod sites;
pub mod staff;
pub mod sweeper;
pub mod tokens;
pub mod webhooks;

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
        self.event(at, action, Some(&order.id), order.serial.as_deref(), detail)
    }
}

/// The key under which a client's address is limited: an IPv4 address, or the /64 an IPv6
/// address belongs to (one subscriber gets a whole /64, and could otherwise take a new key
/// for every request). Text that is no address is its own key.
pub fn address_key(ip: &str) -> String {
    match ip.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Ok(std::net::IpAddr::V6(v6)) => v6
            .to_ipv4_mapped()
            .map(|v4| v4.to_string())
            .unwrap_or_default(),
        _ => ip.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ipv6_client_is_limited_by_its_64_and_an_ipv4_one_by_its_address() {
        assert_eq!(address_key("203.0.113.7"), "203.0.113.7");
        assert_eq!(
            address_key("2001:db8:1:2:aaaa::1"),
            address_key("2001:db8:1:2:ffff:ffff:ffff:ffff")
        );
        assert_ne!(
            address_key("2001:db8:1:2::1"),
            address_key("2001:db8:1:3::1")
        );
        assert_eq!(address_key("::ffff:203.0.113.7"), "203.0.113.7");
        assert_eq!(address_key("not an address"), "not an address");
    }
}
