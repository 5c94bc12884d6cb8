//! `/dev/inbox`: the development outbox in the browser. Routed only when every message goes
//! to the outbox file, and answered only on this machine, so it does not exist otherwise.

use crate::error::AppError;
use crate::notify::OutboxFile;
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use certportal_shared::routes;
use std::fmt::Write;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(routes::DEV_INBOX, get(inbox))
        .route(STYLESHEET, get(stylesheet))
        .layer(axum::middleware::from_fn(loopback_only))
}

/// The inbox shows codes and links in the clear: it answers only the machine it runs on, and
/// does not exist for anyone else. The connection must come from loopback and carry no
/// forwarding header: a proxy on this machine (which the README's deployment puts in front)
/// connects from loopback for every client, but says so in these headers.
async fn loopback_only(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    const FORWARDING: [&str; 4] = ["forwarded", "x-forwarded-for", "x-real-ip", "via"];
    let (parts, body) = request.into_parts();
    let forwarded = FORWARDING
        .iter()
        .any(|name| parts.headers.contains_key(*name));
    if !forwarded && super::extract::peer_ip(&parts).is_some_and(|ip| ip.is_loopback()) {
        return next
            .run(axum::extract::Request::from_parts(parts, body))
            .await;
    }
    axum::response::IntoResponse::into_response(AppError::refuse(
        certportal_shared::ErrorCode::NotFound,
        "There is no such page or endpoint.",
    ))
}

/// The inbox's own stylesheet: the CSP allows no inline styles.
const STYLESHEET: &str = "/dev/inbox.css";

async fn stylesheet() -> impl axum::response::IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("inbox.css"),
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Turns the collect links in an escaped body into anchors.
fn link_urls(escaped: &str) -> String {
    escaped
        .split('\n')
        .map(|line| {
            let trimmed = line.trim();
            if (trimmed.starts_with("http://") || trimmed.starts_with("https://"))
                && !trimmed.contains(' ')
            {
                format!("<a href=\"{trimmed}\">{trimmed}</a>")
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

async fn inbox(State(state): State<AppState>) -> Result<Html<String>, AppError> {
    let outbox = OutboxFile::new(state.data_dir.outbox(), state.clock.clone());
    let lines = outbox.read_all()?;
    let mut page = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Development inbox · certportal</title><link rel=\"stylesheet\" href=\"/theme.css\">\
         <link rel=\"stylesheet\" href=\"/dev/inbox.css\"></head>\
         <body><main class=\"page\"><h1>Development inbox</h1>\
         <p>Messages certportal would have sent, newest first. This page exists only while SMS and e-mail \
         go to the outbox file, and only for this machine.</p>",
    );
    if lines.is_empty() {
        page.push_str("<p>No messages yet.</p>");
    }
    for line in lines.iter().rev() {
        let _ = write!(
            page,
            "<article class=\"card\" data-channel=\"{}\" data-purpose=\"{}\"><h2>{} to {}</h2><p>{} · {}{}</p><pre>{}</pre></article>",
            escape(&line.channel),
            escape(&line.purpose),
            escape(&line.channel.to_uppercase()),
            escape(&line.to),
            escape(&line.at),
            escape(&line.purpose),
            line.subject
                .as_deref()
                .map(|s| format!(" · {}", escape(s)))
                .unwrap_or_default(),
            link_urls(&escape(&line.body)),
        );
    }
    page.push_str("</main></body></html>");
    Ok(Html(page))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_a_message_is_escaped_and_links_become_anchors() {
        let body = link_urls(&escape("<b>hi</b>\nhttps://portal.example/collect#abc"));
        assert!(body.starts_with("&lt;b&gt;hi&lt;/b&gt;"));
        assert!(body.contains("<a href=\"https://portal.example/collect#abc\">"));
    }
}
