//! Paths shared by the server's routers, the browser app and the tests.

/// Defines each path constant and lists them all in [`API`], in one place, so that no path can
/// be routed, used by the apps or tests, and missing from the list the OpenAPI test checks.
macro_rules! paths {
    ($($(#[doc = $doc:literal])* $name:ident = $path:literal;)*) => {
        $($(#[doc = $doc])* pub const $name: &str = $path;)*

        /// Every path above: the pages, the API, the public files, the mTLS listener's renewal
        /// and the development inbox. The suite's OpenAPI test checks `/api/openapi.json`
        /// against it both ways (it names the few that the document leaves out, and why).
        pub const API: &[&str] = &[$($name),*];
    };
}

paths! {
    /// The collect page; the link token follows in the URL fragment: `/collect#<token>`.
    COLLECT_PAGE = "/collect";
    /// The admin page.
    ADMIN_PAGE = "/admin";
    /// The contact's own withdrawal page; its token follows in the fragment: `/report#<token>`.
    REPORT_PAGE = "/report";
    /// The renewal page: the contact opens the old PKCS#12 file there and renews with its key.
    RENEW_PAGE = "/renew";

    /// `POST`: a short-lived challenge for the renewal page to sign with the old key.
    RENEW_CHALLENGE = "/api/renew/challenge";
    /// `POST`: the old certificate and its key's signature over the challenge; starts the
    /// renewal order.
    RENEW_SIGNED = "/api/renew/signed";

    /// Describes the certificate behind a report link.
    REPORT_OPEN = "/api/report/open";
    /// Sends a one-time code to the order's mobile, to withdraw with.
    REPORT_CODE = "/api/report/code";
    /// Withdraws the certificate, with the code.
    REPORT_REVOKE = "/api/report/revoke";
    /// Asks support for a new certificate, after a withdrawal.
    REPORT_RENEWAL = "/api/report/renewal";

    /// Describes the order behind a link without using it up.
    COLLECT_OPEN = "/api/collect/open";
    /// Checks the one-time code and opens a collect session.
    COLLECT_VERIFY = "/api/collect/verify";
    /// Sends a new one-time code.
    COLLECT_RESEND = "/api/collect/resend";
    /// Downloads the encrypted PKCS#12 file (bearer session).
    COLLECT_BUNDLE = "/api/collect/bundle";
    /// Confirms the download; the password goes out by SMS.
    COLLECT_RECEIPT = "/api/collect/receipt";
    /// `POST`, with the collect session: sign the contact's certificate request (custody `csr`).
    COLLECT_CSR = "/api/collect/csr";

    /// The CA certificate, PEM.
    CA_PEM = "/ca.pem";
    /// The current CRL, DER.
    CRL = "/crl";
    /// The OCSP responder: `POST` with the DER request as the body, or `GET` with it in base64
    /// after the slash (RFC 6960 appendix A.1).
    OCSP = "/ocsp";
    /// The `GET` form, for the router.
    OCSP_GET = "/ocsp/{*request}";
    /// `POST` on the mTLS listener, with the certificate to renew as the client certificate:
    /// starts its renewal order.
    RENEW = "/api/renew";
    /// Liveness and database check.
    HEALTHZ = "/healthz";
    /// Readiness: the database and the message queue answer.
    READYZ = "/readyz";
    /// The development inbox (outbox mode only).
    DEV_INBOX = "/dev/inbox";

    /// Staff login.
    ADMIN_LOGIN = "/api/admin/login";
    /// Staff logout.
    ADMIN_LOGOUT = "/api/admin/logout";
    /// The signed-in staff member.
    ADMIN_ME = "/api/admin/me";
    /// Change one's own password.
    ADMIN_ME_PASSWORD = "/api/admin/me/password";
    /// Orders: list (GET) and create (POST).
    ADMIN_ORDERS = "/api/admin/orders";
    /// Counts by state and certificates expiring soon.
    ADMIN_DASHBOARD = "/api/admin/dashboard";
    /// Staff accounts: list (GET) and add (POST); admins only.
    ADMIN_STAFF = "/api/admin/staff";
    /// The audit log.
    ADMIN_AUDIT = "/api/admin/audit";
    /// API tokens: list (GET) and create (POST); admins only.
    ADMIN_TOKENS = "/api/admin/tokens";
    /// Webhook endpoints: list (GET) and register (POST); admins only.
    ADMIN_WEBHOOKS = "/api/admin/webhooks";
    /// Embedding sites: list (GET) and register (POST); admins only.
    ADMIN_SITES = "/api/admin/sites";

    /// The embed script, version 1: `CertPortal.mount(selector, {site, lang, onEvent})`.
    EMBED_SCRIPT = "/embed/v1.js";

    // Paths with a parameter, as patterns: the server routes them as written (axum's `{name}`
    // syntax), the app and the tests fill them with `path`, so the two sides cannot drift.

    /// One order.
    ADMIN_ORDER = "/api/admin/orders/{id}";
    /// A new link and code for an order.
    ADMIN_ORDER_RESEND = "/api/admin/orders/{id}/resend";
    /// Cancelling an order.
    ADMIN_ORDER_CANCEL = "/api/admin/orders/{id}/cancel";
    /// Revoking a certificate.
    ADMIN_REVOKE = "/api/admin/certificates/{serial}/revoke";
    /// Revoking an API token.
    ADMIN_TOKEN_REVOKE = "/api/admin/tokens/{name}/revoke";
    /// Disabling a webhook endpoint.
    ADMIN_WEBHOOK_DISABLE = "/api/admin/webhooks/{id}/disable";
    /// A webhook endpoint's deliveries, newest first.
    ADMIN_WEBHOOK_DELIVERIES = "/api/admin/webhooks/{id}/deliveries";
    /// One embedding site: replace it (PUT).
    ADMIN_SITE = "/api/admin/sites/{name}";
    /// Disabling an embedding site: it can no longer frame the portal.
    ADMIN_SITE_DISABLE = "/api/admin/sites/{name}/disable";
    /// What the embed script and the framed page learn of a site (public, CORS).
    EMBED_SITE = "/api/embed/sites/{name}";
    /// A site's stylesheet: `/theme/{name}.css`.
    SITE_THEME = "/theme/{file}";
    /// Disabling a staff account.
    ADMIN_STAFF_DISABLE = "/api/admin/staff/{username}/disable";
    /// Enabling a staff account again.
    ADMIN_STAFF_ENABLE = "/api/admin/staff/{username}/enable";
    /// A new first password for a staff account.
    ADMIN_STAFF_RESET_PASSWORD = "/api/admin/staff/{username}/reset-password";
    /// A new TOTP enrolment for a staff account.
    ADMIN_STAFF_RESET_TOTP = "/api/admin/staff/{username}/reset-totp";

    /// `GET`: the whole HTTP API of the public listener as an OpenAPI 3.1 document.
    OPENAPI = "/api/openapi.json";
    /// Swagger UI over [`OPENAPI`], for people (its files under `/api/docs/`).
    API_DOCS = "/api/docs";
}

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

/// The collect link for a token on an embedding site's page: `PAGE#<token>`.
pub fn site_collect_url(page: &str, token: &str) -> String {
    format!("{page}#{token}")
}

/// A site's stylesheet.
pub fn site_theme(name: &str) -> String {
    path(SITE_THEME, &format!("{name}.css"))
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
    fn every_path_is_listed_once() {
        let mut paths = API.to_vec();
        paths.sort_unstable();
        paths.dedup();
        assert_eq!(paths.len(), API.len());
        assert!(API.contains(&ADMIN_ORDERS) && API.contains(&OCSP_GET));
        assert!(API.iter().all(|path| path.starts_with('/')));
    }

    #[test]
    fn the_collect_url_carries_the_token_in_the_fragment() {
        assert_eq!(
            collect_url("https://portal.example/", "abc"),
            "https://portal.example/collect#abc"
        );
    }
}
