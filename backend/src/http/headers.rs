//! Security headers on every response, and the Content-Security-Policy that allows the wasm app
//! and nothing else (and, on the API docs page only, Swagger UI's own files).
//!
//! The collect page asked for with `?site=NAME` (the embed script's iframe) may also be framed by that
//! site's origin, read from the store on the request: a site registered a moment ago, on any
//! instance, frames at once; one disabled a moment ago no longer does. Every other response
//! keeps the configured `http.frame_ancestors`.

use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use certportal_shared::routes;
use std::sync::Arc;

/// The policy of the API docs page (Swagger UI, built in): its own scripts and stylesheets,
/// no eval and no inline script; the one inline `<style>` it writes, its logo's, allowed by
/// hash. Nothing else in the portal gets this policy.
const DOCS_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='; \
     img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; \
     form-action 'none'; frame-ancestors 'none'";

/// The headers added to every response.
#[derive(Clone, Debug)]
pub struct SecurityHeaders {
    headers: Arc<Vec<(HeaderName, HeaderValue)>>,
    docs_policy: HeaderValue,
    /// The page policy up to and with `frame-ancestors `, and the configured sources.
    page_policy: Arc<(String, Vec<String>)>,
}

impl SecurityHeaders {
    /// `pages` are the apps' entry pages: the hashes of their inline scripts (Trunk's loader)
    /// are allowed by the policy; no other inline script is.
    pub fn new(frame_ancestors: &[String], https: bool, pages: &[String]) -> Result<Self, String> {
        let mut script_src = vec!["'self'".to_owned(), "'wasm-unsafe-eval'".to_owned()];
        script_src.extend(pages.iter().flat_map(|page| inline_script_hashes(page)));
        let frame_ancestors = if frame_ancestors.is_empty() {
            vec!["'none'".to_owned()]
        } else {
            frame_ancestors.to_vec()
        };
        for source in &frame_ancestors {
            if source.is_empty()
                || source
                    .chars()
                    .any(|c| c.is_whitespace() || c == ';' || c == ',')
            {
                return Err(format!(
                    "http.frame_ancestors: {source:?} is not a CSP source"
                ));
            }
        }
        let head = format!(
            "default-src 'none'; script-src {}; style-src 'self'; img-src 'self' data:; font-src 'self'; \
             connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors ",
            script_src.join(" "),
        );
        let csp = format!("{head}{}", frame_ancestors.join(" "));
        let mut headers = vec![
            (header::CONTENT_SECURITY_POLICY, value(&csp)?),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                HeaderName::from_static("cross-origin-resource-policy"),
                HeaderValue::from_static("same-origin"),
            ),
            (
                HeaderName::from_static("permissions-policy"),
                HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
            ),
        ];
        if https {
            headers.push((
                header::STRICT_TRANSPORT_SECURITY,
                HeaderValue::from_static("max-age=31536000"),
            ));
        }
        let configured = frame_ancestors
            .into_iter()
            .filter(|source| source != "'none'")
            .collect();
        Ok(Self {
            headers: Arc::new(headers),
            docs_policy: HeaderValue::from_static(DOCS_POLICY),
            page_policy: Arc::new((head, configured)),
        })
    }

    fn apply(&self, headers: &mut HeaderMap, docs: bool) {
        for (name, value) in self.headers.iter() {
            // A response that is meant for other origins (the embed script) says so itself.
            if name == "cross-origin-resource-policy" && headers.contains_key(name) {
                continue;
            }
            headers.insert(name.clone(), value.clone());
        }
        if docs {
            headers.insert(header::CONTENT_SECURITY_POLICY, self.docs_policy.clone());
        }
    }

    /// The page policy with `origin` among the frame ancestors too.
    fn framed_by(&self, origin: &str) -> Option<HeaderValue> {
        let (head, configured) = &*self.page_policy;
        let mut sources = configured.clone();
        sources.push(origin.to_owned());
        HeaderValue::from_str(&format!("{head}{}", sources.join(" "))).ok()
    }
}

/// The `site` of a query string, if it has one.
fn site_of(query: Option<&str>) -> Option<String> {
    url::form_urlencoded::parse(query?.as_bytes())
        .find(|(key, _)| key == "site")
        .map(|(_, value)| value.into_owned())
}

/// Whether the response is an HTML page (the only kind a frame-ancestors source matters for).
fn is_page(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("text/html"))
}

/// Whether `path` is the API docs page or one of its files.
fn is_docs(path: &str) -> bool {
    path.strip_prefix(routes::API_DOCS)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

fn value(text: &str) -> Result<HeaderValue, String> {
    HeaderValue::from_str(text).map_err(|e| e.to_string())
}

/// `'sha256-…'` sources for each inline `<script>` in the page.
fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        rest = &rest[start..];
        let Some(tag_end) = rest.find('>') else { break };
        let tag = &rest[..tag_end];
        let body_start = tag_end + 1;
        let Some(close) = rest[body_start..].find("</script>") else {
            break;
        };
        let body = &rest[body_start..body_start + close];
        if !tag.contains(" src=") && !body.trim().is_empty() {
            hashes.push(format!(
                "'sha256-{}'",
                crate::pki::sha256(body.as_bytes()).to_base64()
            ));
        }
        rest = &rest[body_start + close..];
    }
    hashes
}

/// Middleware: adds the headers to the response.
pub async fn add(
    State((headers, state)): State<(SecurityHeaders, AppState)>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    let docs = is_docs(path);
    // The collect page only: no other page is for a help centre to frame.
    let site = (path.trim_end_matches('/') == routes::COLLECT_PAGE)
        .then(|| site_of(request.uri().query()))
        .flatten();
    let mut response = next.run(request).await;
    headers.apply(response.headers_mut(), docs);
    // A 304 too: the browser takes the revalidated copy's headers from it, so a policy left
    // off a 304 would frame the page by the cached answer's (the site's, before it was
    // disabled; or 'self' only, before it was registered).
    let page = is_page(response.headers()) || response.status() == StatusCode::NOT_MODIFIED;
    if let Some(name) = site.filter(|_| page) {
        // A store that does not answer leaves the configured policy: framing fails closed.
        match crate::flow::sites::working(&state, &name).await {
            Ok(Some(site)) => {
                if let Some(policy) = headers.framed_by(&site.origin) {
                    response
                        .headers_mut()
                        .insert(header::CONTENT_SECURITY_POLICY, policy);
                }
            }
            Ok(None) => {}
            Err(error) => {
                tracing::warn!(error = %error, "cannot read the site for the page's policy")
            }
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_hashed_and_external_ones_ignored() {
        let html = "<script src=\"/a.js\"></script><script type=\"module\">import init from '/x.js';init();</script>";
        let hashes = inline_script_hashes(html);
        assert_eq!(hashes.len(), 1);
        assert!(hashes[0].starts_with("'sha256-"));
    }

    #[test]
    fn the_policy_names_the_configured_frame_ancestors() {
        let headers =
            SecurityHeaders::new(&["'self'".into(), "https://help.example".into()], true, &[])
                .expect("valid");
        let mut map = HeaderMap::new();
        headers.apply(&mut map, false);
        let csp = map[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .expect("ascii");
        assert!(
            csp.ends_with("frame-ancestors 'self' https://help.example"),
            "{csp}"
        );
        assert!(map.contains_key(header::STRICT_TRANSPORT_SECURITY));
    }

    #[test]
    fn only_the_docs_page_gets_the_docs_policy() {
        assert!(is_docs("/api/docs"));
        assert!(is_docs("/api/docs/swagger-ui.css"));
        assert!(!is_docs("/api/docsx"));
        assert!(!is_docs("/api/openapi.json"));
        let headers = SecurityHeaders::new(&[], false, &[]).expect("valid");
        let mut map = HeaderMap::new();
        headers.apply(&mut map, true);
        let csp = map[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .expect("ascii");
        assert!(csp.contains("script-src 'self';"), "{csp}");
        assert!(!csp.contains("unsafe"), "{csp}");
        assert!(map.contains_key(header::X_CONTENT_TYPE_OPTIONS));
    }

    #[test]
    fn a_source_that_would_break_the_policy_is_refused() {
        assert!(
            SecurityHeaders::new(&["https://a.example; script-src *".into()], false, &[]).is_err()
        );
    }

    #[test]
    fn a_site_is_added_to_the_configured_ancestors_or_replaces_none() {
        let headers = SecurityHeaders::new(&[], false, &[]).expect("valid");
        let policy = headers.framed_by("https://help.example").expect("header");
        assert!(
            policy
                .to_str()
                .expect("ascii")
                .ends_with("frame-ancestors https://help.example"),
            "{policy:?}"
        );
        let headers = SecurityHeaders::new(&["'self'".into()], false, &[]).expect("valid");
        let policy = headers.framed_by("https://help.example").expect("header");
        assert!(
            policy
                .to_str()
                .expect("ascii")
                .ends_with("frame-ancestors 'self' https://help.example"),
            "{policy:?}"
        );
        assert_eq!(
            site_of(Some("lang=nb&site=acme-help")).as_deref(),
            Some("acme-help")
        );
        assert_eq!(site_of(Some("lang=nb")), None);
        assert_eq!(site_of(None), None);
    }
}
