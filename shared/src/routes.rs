//! Paths shared by the server's routers, the browser app and the tests.

/// The collect page; the link token follows in the URL fragment: `/collect#<token>`.
pub const COLLECT_PAGE: &str = "/collect";
/// The admin page.
pub const ADMIN_PAGE: &str = "/admin";
/// The contact's own withdrawal page; its token follows in the fragment: `/report#<token>`.
pub const REPORT_PAGE: &str = "/report";
/// The renewal page: the contact opens the old PKCS#12 file there and renews with its key.
pub const RENEW_PAGE: &str = "/renew";

/// `POST`: a short-lived challenge for the renewal page to sign with the old key.
pub const RENEW_CHALLENGE: &str = "/api/renew/challenge";
/// `POST`: the old certificate and its key's signature over the challenge; starts the
/// renewal order.
pub const RENEW_SIGNED: &str = "/api/renew/signed";

/// Describes the certificate behind a report link.
pub const REPORT_OPEN: &str = "/api/report/open";
/// Sends a one-time code to the order's mobile, to withdraw with.
pub const REPORT_CODE: &str = "/api/report/code";
/// Withdraws the certificate, with the code.
pub const REPORT_REVOKE: &str = "/api/report/revoke";
/// Asks support for a new certificate, after a withdrawal.
pub const REPORT_RENEWAL: &str = "/api/report/renewal";

/// Describes the order behind a link without using it up.
pub const COLLECT_OPEN: &str = "/api/collect/open";
/// Checks the one-time code and opens a collect session.
pub const COLLECT_VERIFY: &str = "/api/collect/verify";
/// Sends a new one-time code.
pub const COLLECT_RESEND: &str = "/api/collect/resend";
/// Downloads the encrypted PKCS#12 file (bearer session).
pub const COLLECT_BUNDLE: &str = "/api/collect/bundle";
/// Confirms the download; the password goes out by SMS.
pub const COLLECT_RECEIPT: &str = "/api/collect/receipt";
/// `POST`, with the collect session: sign the contact's certificate request (custody `csr`).
pub const COLLECT_CSR: &str = "/api/collect/csr";

/// The CA certificate, PEM.
pub const CA_PEM: &str = "/ca.pem";
/// The current CRL, DER.
pub const CRL: &str = "/crl";
/// The OCSP responder: `POST` with the DER request as the body, or `GET` with it in base64
/// after the slash (RFC 6960 appendix A.1).
pub const OCSP: &str = "/ocsp";
/// The `GET` form, for the router.
pub const OCSP_GET: &str = "/ocsp/{*request}";
/// `POST` on the mTLS listener, with the certificate to renew as the client certificate:
/// starts its renewal order.
pub const RENEW: &str = "/api/renew";
/// Liveness and database check.
pub const HEALTHZ: &str = "/healthz";
/// Readiness: the database and the message queue answer.
pub const READYZ: &str = "/readyz";
/// The development inbox (outbox mode only).
pub const DEV_INBOX: &str = "/dev/inbox";

/// Staff login.
pub const ADMIN_LOGIN: &str = "/api/admin/login";
/// Staff logout.
pub const ADMIN_LOGOUT: &str = "/api/admin/logout";
/// The signed-in staff member.
pub const ADMIN_ME: &str = "/api/admin/me";
/// Change one's own password.
pub const ADMIN_ME_PASSWORD: &str = "/api/admin/me/password";
/// Orders: list (GET) and create (POST).
pub const ADMIN_ORDERS: &str = "/api/admin/orders";
/// Counts by state and certificates expiring soon.
pub const ADMIN_DASHBOARD: &str = "/api/admin/dashboard";
/// Staff accounts: list (GET) and add (POST); admins only.
pub const ADMIN_STAFF: &str = "/api/admin/staff";
/// The audit log.
pub const ADMIN_AUDIT: &str = "/api/admin/audit";
/// API tokens: list (GET) and create (POST); admins only.
pub const ADMIN_TOKENS: &str = "/api/admin/tokens";

// Paths with a parameter, as patterns: the server routes them as written (axum's `{name}`
// syntax), the app and the tests fill them with `path`, so the two sides cannot drift.

/// One order.
pub const ADMIN_ORDER: &str = "/api/admin/orders/{id}";
/// A new link and code for an order.
pub const ADMIN_ORDER_RESEND: &str = "/api/admin/orders/{id}/resend";
/// Cancelling an order.
pub const ADMIN_ORDER_CANCEL: &str = "/api/admin/orders/{id}/cancel";
/// Revoking a certificate.
pub const ADMIN_REVOKE: &str = "/api/admin/certificates/{serial}/revoke";
/// Revoking an API token.
pub const ADMIN_TOKEN_REVOKE: &str = "/api/admin/tokens/{name}/revoke";
/// Disabling a staff account.
pub const ADMIN_STAFF_DISABLE: &str = "/api/admin/staff/{username}/disable";
/// Enabling a staff account again.
pub const ADMIN_STAFF_ENABLE: &str = "/api/admin/staff/{username}/enable";
/// A new first password for a staff account.
pub const ADMIN_STAFF_RESET_PASSWORD: &str = "/api/admin/staff/{username}/reset-password";
/// A new TOTP enrolment for a staff account.
pub const ADMIN_STAFF_RESET_TOTP: &str = "/api/admin/staff/{username}/reset-totp";

/// A pattern's `{…}` parameter filled with `value` (an id, serial or user name: no `/`).
pub fn path(pattern: &str, value: &str) -> String {
    match (pattern.find('{'), pattern.find('}')) {
        (Some(open), Some(close)) if open < close => {
            format!("{}{value}{}", &pattern[..open], &pattern[close + 1..])
        }
        _ => pattern.to_owned(),
    }
}

/// One order (GET), or an action on it: `resend`, `cancel`.
pub fn admin_order(order_id: &str, action: Option<&str>) -> String {
    let order = path(ADMIN_ORDER, order_id);
    match action {
        Some(action) => format!("{order}/{action}"),
        None => order,
    }
}

/// An action on a staff account: `disable`, `enable`, `reset-password`, `reset-totp`.
pub fn admin_staff(username: &str, action: &str) -> String {
    format!("{ADMIN_STAFF}/{username}/{action}")
}

/// The collect link for a token: `BASE_URL/collect#<token>`.
pub fn collect_url(base_url: &str, token: &str) -> String {
    format!("{}{COLLECT_PAGE}#{token}", base_url.trim_end_matches('/'))
}

/// The report link for a token: `BASE_URL/report#<token>`.
pub fn report_url(base_url: &str, token: &str) -> String {
    format!("{}{REPORT_PAGE}#{token}", base_url.trim_end_matches('/'))
}

/// The renewal page: `BASE_URL/renew`.
pub fn renew_url(base_url: &str) -> String {
    format!("{}{RENEW_PAGE}", base_url.trim_end_matches('/'))
}

/// The revoke endpoint for a certificate.
pub fn admin_revoke(serial: &str) -> String {
    path(ADMIN_REVOKE, serial)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filled_paths_are_the_routed_patterns() {
        assert_eq!(admin_order("o1", None), path(ADMIN_ORDER, "o1"));
        assert_eq!(
            admin_order("o1", Some("resend")),
            path(ADMIN_ORDER_RESEND, "o1")
        );
        assert_eq!(
            admin_order("o1", Some("cancel")),
            path(ADMIN_ORDER_CANCEL, "o1")
        );
        assert_eq!(admin_revoke("ab"), "/api/admin/certificates/ab/revoke");
        for (action, pattern) in [
            ("disable", ADMIN_STAFF_DISABLE),
            ("enable", ADMIN_STAFF_ENABLE),
            ("reset-password", ADMIN_STAFF_RESET_PASSWORD),
            ("reset-totp", ADMIN_STAFF_RESET_TOTP),
        ] {
            assert_eq!(admin_staff("sam", action), path(pattern, "sam"));
            assert_eq!(pattern.matches('{').count(), 1, "{pattern}");
        }
    }

    #[test]
    fn the_collect_url_carries_the_token_in_the_fragment() {
        assert_eq!(
            collect_url("https://portal.example/", "abc"),
            "https://portal.example/collect#abc"
        );
    }
}
