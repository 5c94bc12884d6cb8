//! The embed script: part of the binary, with the portal's address written in as it is
//! served, so that its integrity hash is over exactly what the help centre loads.

use crate::state::AppState;
use base64::Engine;

/// The embed script's source, with [`BASE_MARK`] where the portal's address goes.
const EMBED_SOURCE: &str = include_str!("../../../../public/embed.js");

/// Where the served script says where the portal is.
const BASE_MARK: &str = "'__CERTPORTAL_BASE_URL__'";

/// The embed script as served at [`certportal_shared::routes::EMBED_SCRIPT`], and its Subresource Integrity
/// value (`sha384-…`). The portal's address is written into it rather than read from
/// `document.currentScript`, which an element named `currentScript` on the host page could
/// shadow (DOM clobbering) and so send the token to another server.
pub struct EmbedScript {
    pub text: String,
    pub integrity: String,
}

impl EmbedScript {
    fn new(base_url: &str) -> Self {
        // A JSON string is a JavaScript string literal: the address cannot break out of it.
        let base = serde_json::Value::from(base_url.trim_end_matches('/')).to_string();
        let text = EMBED_SOURCE.replace(BASE_MARK, &base);
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA384, text.as_bytes());
        let integrity = format!(
            "sha384-{}",
            base64::engine::general_purpose::STANDARD.encode(digest.as_ref())
        );
        Self { text, integrity }
    }
}

/// This portal's embed script. Made on each call (a few kilobytes and one hash): the address
/// is the state's, and a process may hold several portals (the tests do).
pub fn embed_script(state: &AppState) -> EmbedScript {
    EmbedScript::new(&state.config.base_url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_names_the_portal_and_its_hash_is_sha384_of_what_is_served() {
        let script = EmbedScript::new("https://certs.vendor.example/");
        assert!(
            script
                .text
                .contains("var base = \"https://certs.vendor.example\";"),
            "the address is written in"
        );
        assert!(!script.text.contains("__CERTPORTAL_BASE_URL__"));
        assert!(
            !script.text.contains("= document.currentScript"),
            "not read from the page"
        );
        assert!(script.integrity.starts_with("sha384-"));
        assert_eq!(script.integrity.len(), "sha384-".len() + 64);
        let other = EmbedScript::new("https://other.example");
        assert_ne!(script.integrity, other.integrity);
    }
}
