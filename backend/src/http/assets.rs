//! The browser apps' files: compressed on the way out, and cached by what they are. Trunk
//! names every built file after its content hash, so those can be kept for a year; the entry
//! pages and `theme.css` (which an operator may replace to brand the portal) are revalidated.

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// Whether a file name carries Trunk's content hash: `name-0123456789abcdef.ext`.
fn is_hashed(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    // wasm-bindgen adds `_bg` after the hash of the wasm file.
    let stem = file
        .split('.')
        .next()
        .unwrap_or_default()
        .trim_end_matches("_bg");
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Middleware: `Cache-Control` for the apps' files.
pub async fn cache_control(request: Request, next: Next) -> Response {
    let hashed = is_hashed(request.uri().path());
    let mut response = next.run(request).await;
    if response.status().is_success() && !response.headers().contains_key(header::CACHE_CONTROL) {
        let value = if hashed {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunks_hashed_names_are_recognised() {
        assert!(is_hashed("/certportal-frontend-5c3aab5f6900495e_bg.wasm"));
        assert!(is_hashed("/admin/app-6ae178b9ac685708.css"));
        assert!(!is_hashed("/theme.css"));
        assert!(!is_hashed("/index.html"));
        assert!(!is_hashed("/collect"));
    }
}
