//! What chromedriver offers beyond WebDriver: Chrome DevTools Protocol commands and the
//! performance and console logs, which the tests read to watch the network.

use super::Browser;
use fantoccini::wd::WebDriverCompatibleCommand;
use serde_json::{Value, json};
use std::sync::Mutex;

/// A WebDriver command chromedriver knows and fantoccini does not: a path below the session.
#[derive(Debug)]
struct SessionCommand {
    method: http::Method,
    path: &'static str,
    body: Value,
}

impl WebDriverCompatibleCommand for SessionCommand {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/{}",
            session_id.unwrap_or_default(),
            self.path
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (self.method.clone(), Some(self.body.to_string()))
    }
}

impl Browser {
    pub(super) async fn command(
        &self,
        method: http::Method,
        path: &'static str,
        body: Value,
    ) -> Value {
        self.client
            .issue_cmd(SessionCommand { method, path, body })
            .await
            .unwrap_or_else(|e| panic!("chromedriver {path}: {e}"))
    }

    /// Runs a Chrome DevTools Protocol command on the current page.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.command(
            http::Method::POST,
            "goog/cdp/execute",
            json!({ "cmd": cmd, "params": params }),
        )
        .await
    }

    /// Reads chromedriver's log of `kind` (it hands each entry out once) into `into`.
    async fn drain_log(&self, kind: &str, into: &Mutex<Vec<Value>>) {
        let entries = self
            .command(http::Method::POST, "se/log", json!({ "type": kind }))
            .await;
        let mut kept = into.lock().expect("log");
        for entry in entries.as_array().into_iter().flatten() {
            kept.push(entry.clone());
        }
    }

    /// Every DevTools network event so far, as `{method, params}` objects, in order.
    pub async fn network_events(&self) -> Vec<Value> {
        self.drain_log("performance", &self.network).await;
        self.network
            .lock()
            .expect("log")
            .iter()
            .filter_map(|entry| entry["message"].as_str())
            .filter_map(|message| serde_json::from_str::<Value>(message).ok())
            .map(|message| message["message"].clone())
            .filter(|event| {
                event["method"]
                    .as_str()
                    .is_some_and(|m| m.starts_with("Network."))
            })
            .collect()
    }

    /// Every request the page sent so far (`Network.requestWillBeSent` params' `request`).
    pub async fn requests(&self) -> Vec<Value> {
        self.network_events()
            .await
            .into_iter()
            .filter(|event| event["method"] == "Network.requestWillBeSent")
            .map(|event| event["params"]["request"].clone())
            .collect()
    }

    /// Console messages at level SEVERE so far (script errors, CSP violations, failed loads).
    pub async fn console_errors(&self) -> Vec<String> {
        self.drain_log("browser", &self.console).await;
        self.console
            .lock()
            .expect("log")
            .iter()
            .filter(|entry| entry["level"] == "SEVERE")
            .filter_map(|entry| entry["message"].as_str().map(str::to_owned))
            .collect()
    }
}
