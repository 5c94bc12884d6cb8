//! axe-core scans and screenshots.

use super::Browser;
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// The workspace's target dir, where screenshots go.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"))
}

impl Browser {
    /// Runs axe-core on the page and returns the serious and critical violations, each as
    /// `rule: help (selectors)`.
    pub async fn axe_violations(&self) -> Vec<String> {
        let axe = axe_source();
        self.client
            .execute(&axe, Vec::new())
            .await
            .unwrap_or_else(|e| panic!("axe-core would not load: {e}"));
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { resultTypes: ['violations'] })
                    .then(r => done(JSON.stringify(r.violations)))
                    .catch(e => done('ERROR ' + e));",
                Vec::new(),
            )
            .await
            .expect("axe.run");
        let text = result.as_str().expect("axe result");
        assert!(!text.starts_with("ERROR"), "axe-core failed: {text}");
        let violations: Vec<Value> = serde_json::from_str(text).expect("axe JSON");
        violations
            .iter()
            .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
            .map(|v| {
                let targets: Vec<String> = v["nodes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|node| node["target"].to_string())
                    .collect();
                format!(
                    "{} ({}): {} at {}",
                    v["id"].as_str().unwrap_or_default(),
                    v["impact"].as_str().unwrap_or_default(),
                    v["help"].as_str().unwrap_or_default(),
                    targets.join(", ")
                )
            })
            .collect()
    }

    /// Fails the test when axe-core finds serious or critical problems on the page.
    pub async fn assert_accessible(&self, step: &str) {
        let violations = self.axe_violations().await;
        assert!(
            violations.is_empty(),
            "accessibility problems at {step}:\n{}",
            violations.join("\n")
        );
    }

    /// Saves a PNG of the whole page (not just the viewport) as
    /// `target/screenshots/<name>.png`, and returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        let metrics = self.cdp("Page.getLayoutMetrics", json!({})).await;
        let content = &metrics["cssContentSize"];
        let width = content["width"].as_f64().unwrap_or(1280.0);
        let height = content["height"].as_f64().unwrap_or(900.0);
        let shot = self
            .cdp(
                "Page.captureScreenshot",
                json!({
                    "format": "png",
                    "captureBeyondViewport": true,
                    "clip": { "x": 0, "y": 0, "width": width, "height": height, "scale": 1 },
                }),
            )
            .await;
        use base64::Engine as _;
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().expect("screenshot data"))
            .expect("base64");
        let dir = target_dir().join("screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).expect("write screenshot");
        path
    }

    /// A screenshot named after a condition that was not met, and the page's console errors,
    /// for the failure message.
    pub(super) async fn failure_screenshot(&self, what: &str) -> String {
        let name: String = what
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let shot = self.screenshot(&format!("failed-{name}")).await;
        format!(
            "{}; console errors: {:?}",
            shot.display(),
            self.console_errors().await
        )
    }
}

/// axe-core's browser build, from the npm package under `tests/browser/`.
fn axe_source() -> String {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("browser/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core is not installed ({}: {e}); run `npm ci` in tests/browser (`cargo xtask \
             test` does)",
            path.display()
        )
    })
}
