//! Headless Chromium for the browser tests: chromedriver on a free port (killed with its
//! browser when the test ends), a fresh profile and download directory per browser, and the
//! tools the tests need around fantoccini: waiting for conditions, the network log, CDP
//! commands, file downloads, axe-core scans and screenshots.
//!
//! Missing pieces (Chromium, chromedriver, `dist/`, axe-core) fail the test with a message
//! that says how to get them; nothing is skipped silently.

pub mod admin;
mod audit;
pub mod collect;
mod devtools;

pub use audit::target_dir;

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How long a browser condition may take before the test fails. Generous: two cores run the
/// whole suite at once, and a cold wasm compile is part of the first page load.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// Browsers alive at once across the suite; more only makes each of them slower.
fn slots() -> Arc<Semaphore> {
    static SLOTS: OnceLock<Arc<Semaphore>> = OnceLock::new();
    SLOTS
        .get_or_init(|| {
            let n = std::env::var("TEST_BROWSERS")
                .ok()
                .and_then(|n| n.parse().ok())
                .unwrap_or(2);
            Arc::new(Semaphore::new(n))
        })
        .clone()
}

fn tool(env: &str, default: &str, package: &str) -> PathBuf {
    let path = std::env::var_os(env)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(default));
    assert!(
        path.is_file(),
        "{} not found at {} (set {env}, or `apt-get install {package}`; `cargo xtask test` checks this)",
        Path::new(default)
            .file_name()
            .unwrap_or_default()
            .to_string_lossy(),
        path.display()
    );
    path
}

/// How a browser starts.
#[derive(Clone, Debug)]
pub struct Options {
    /// The window's inner size in CSS pixels.
    pub size: (u32, u32),
    /// Emulate a phone: touch, a mobile user agent and a device pixel ratio of 2.
    pub phone: bool,
    /// `Accept-Language` and `navigator.languages`, e.g. `"nb-NO,nb,en"`.
    pub languages: &'static str,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            size: (1280, 900),
            phone: false,
            languages: "en-GB,en",
        }
    }
}

/// A chromedriver process and the browser it runs; both end when this is dropped.
struct Driver {
    child: Child,
}

impl Drop for Driver {
    fn drop(&mut self) {
        // chromedriver leads its own process group (see `start`), so the group holds the
        // browser too; killing the group by its id leaves no Chromium behind.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A headless Chromium session.
pub struct Browser {
    pub client: Client,
    session: String,
    pub downloads: tempfile::TempDir,
    network: Mutex<Vec<Value>>,
    console: Mutex<Vec<Value>>,
    _profile: tempfile::TempDir,
    _driver: Driver,
    _slot: OwnedSemaphorePermit,
}

impl Browser {
    /// A desktop-sized English browser.
    pub async fn start() -> Browser {
        Self::start_with(Options::default()).await
    }

    pub async fn start_with(options: Options) -> Browser {
        let dist = crate::dist_dir();
        assert!(
            dist.join("index.html").is_file(),
            "the browser app is not built: {} has no index.html (run `trunk build --release \
             --skip-version-check` from the workspace root, or `cargo xtask test`)",
            dist.display()
        );
        let chromium = tool("CHROMIUM", "/usr/bin/chromium", "chromium");
        let chromedriver = tool("CHROMEDRIVER", "/usr/bin/chromedriver", "chromium-driver");
        let slot = slots().acquire_owned().await.expect("semaphore");

        let port = crate::tools::free_port();
        let child = {
            use std::os::unix::process::CommandExt as _;
            Command::new(&chromedriver)
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .process_group(0)
                .spawn()
                .unwrap_or_else(|e| panic!("chromedriver cannot start: {e}"))
        };
        let driver = Driver { child };
        let webdriver = format!("http://127.0.0.1:{port}");
        wait_for_driver(&webdriver).await;

        let profile = tempfile::tempdir().expect("profile dir");
        let downloads = tempfile::tempdir().expect("download dir");
        let (width, height) = options.size;
        let mut args = vec![
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            // Without these Chromium keeps calling hosts this machine cannot reach.
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--disable-breakpad".to_owned(),
            "--disable-crash-reporter".to_owned(),
            format!("--user-data-dir={}", profile.path().display()),
            format!("--window-size={width},{height}"),
            format!(
                "--lang={}",
                options.languages.split(',').next().unwrap_or("en")
            ),
        ];
        if options.phone {
            args.push("--hide-scrollbars".to_owned());
        }
        let mut chrome_options = json!({
            "binary": chromium,
            "args": args,
            "prefs": {
                "download.default_directory": downloads.path(),
                "download.prompt_for_download": false,
                "intl.accept_languages": options.languages,
                // Third-party cookies blocked, as browsers are heading: the collect pages
                // must work in a customer's iframe without them.
                "profile.cookie_controls_mode": 1,
                "profile.block_third_party_cookies": true,
            },
            // Only the network in the performance log: that is what the tests read.
            "perfLoggingPrefs": { "enableNetwork": true, "enablePage": false },
        });
        if options.phone {
            chrome_options["mobileEmulation"] = json!({
                "deviceMetrics": { "width": width, "height": height, "pixelRatio": 2.0, "touch": true, "mobile": true },
                "userAgent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Mobile Safari/537.36",
            });
        }
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": chrome_options,
            "goog:loggingPrefs": { "performance": "ALL", "browser": "ALL" },
        });
        let Value::Object(capabilities) = capabilities else {
            unreachable!("a JSON object")
        };
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&webdriver)
            .await
            .unwrap_or_else(|e| panic!("chromedriver could not start Chromium: {e}"));
        let session = client
            .session_id()
            .await
            .expect("session id")
            .expect("a session");
        let browser = Browser {
            client,
            session,
            downloads,
            network: Mutex::new(Vec::new()),
            console: Mutex::new(Vec::new()),
            _profile: profile,
            _driver: driver,
            _slot: slot,
        };
        // Headless Chromium asks where to save unless told; the prefs alone do not always
        // reach a headless profile.
        browser
            .cdp(
                "Browser.setDownloadBehavior",
                json!({ "behavior": "allow", "downloadPath": browser.downloads.path() }),
            )
            .await;
        browser
    }

    /// The session's id, for chromedriver endpoints.
    pub fn session_id(&self) -> &str {
        &self.session
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.expect("navigation");
    }

    pub async fn current_url(&self) -> String {
        self.client.current_url().await.expect("url").to_string()
    }

    /// Waits for the element with `data-test="<hook>"`.
    pub async fn hook(&self, hook: &str) -> Element {
        self.find(&format!("[data-test=\"{hook}\"]")).await
    }

    /// Waits for an element matching a CSS selector.
    pub async fn find(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element matches {css} after {PATIENCE:?}: {e}"))
    }

    /// Whether an element matching a CSS selector is on the page now.
    pub async fn exists(&self, css: &str) -> bool {
        !self
            .client
            .find_all(Locator::Css(css))
            .await
            .expect("find")
            .is_empty()
    }

    /// Clicks the element with `data-test="<hook>"`.
    pub async fn click(&self, hook: &str) {
        self.hook(hook).await.click().await.expect("click");
    }

    /// Types into the element with `data-test="<hook>"`.
    pub async fn type_into(&self, hook: &str, text: &str) {
        let field = self.hook(hook).await;
        field.clear().await.expect("clear");
        field.send_keys(text).await.expect("type");
    }

    /// Presses and releases keys on whatever has focus, as a keyboard would.
    pub async fn press(&self, keys: &str) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let mut actions = KeyActions::new("keyboard".to_owned());
        for key in keys.chars() {
            actions = actions
                .then(KeyAction::Down { value: key })
                .then(KeyAction::Up { value: key });
        }
        self.client.perform_actions(actions).await.expect("keys");
    }

    /// The `data-test` hook of the focused element (empty when it has none).
    pub async fn focused_hook(&self) -> String {
        self.eval(
            "const e = document.activeElement; return (e && e.dataset && e.dataset.test) || ''",
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
    }

    /// Presses Tab until the element with `data-test="<hook>"` has focus.
    pub async fn tab_to(&self, hook: &str) {
        for _ in 0..40 {
            if self.focused_hook().await == hook {
                return;
            }
            self.press(&fantoccini::key::Key::Tab.to_string()).await;
        }
        panic!("Tab never reached {hook}");
    }

    /// The visible text of the first element matching a CSS selector (waiting for it).
    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.expect("text")
    }

    /// The text of the first element matching a CSS selector, hidden parts (closed
    /// `<details>`) included.
    pub async fn text_content(&self, css: &str) -> String {
        self.find(css).await;
        self.client
            .execute(
                "return document.querySelector(arguments[0]).textContent",
                vec![Value::String(css.to_owned())],
            )
            .await
            .expect("textContent")
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Runs a script and returns its value.
    pub async fn eval(&self, script: &str) -> Value {
        self.client
            .execute(script, Vec::new())
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}"))
    }

    /// Polls the page until `script` returns something truthy, and returns that. `what` names
    /// the condition for the failure message.
    pub async fn wait_for_script(&self, what: &str, script: &str) -> Value {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let value = self.eval(script).await;
            let truthy = !matches!(&value, Value::Null | Value::Bool(false))
                && value != json!("")
                && value != json!(0);
            if truthy {
                return value;
            }
            if Instant::now() > deadline {
                let shot = self.failure_screenshot(what).await;
                panic!("waited {PATIENCE:?} for {what} (see {shot})");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the text of the element matching `css` satisfies `check`; returns it.
    pub async fn wait_for_text(
        &self,
        what: &str,
        css: &str,
        check: impl Fn(&str) -> bool,
    ) -> String {
        let deadline = Instant::now() + PATIENCE;
        let mut last = None;
        loop {
            if let Ok(element) = self.client.find(Locator::Css(css)).await
                && let Ok(text) = element.text().await
            {
                if check(&text) {
                    return text;
                }
                last = Some(text);
            }
            if Instant::now() > deadline {
                let shot = self.failure_screenshot(what).await;
                // The page's text holds no secrets (inputs have no text), so it may be shown.
                panic!(
                    "waited {PATIENCE:?} for {what} in {css}; it last read {last:?} (see {shot})"
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The first file that finished downloading: its name and bytes. Chromium reserves the
    /// file's name with an empty file while the bytes go to `.crdownload`, so a file counts
    /// once it has bytes and no download is under way.
    pub async fn downloaded_file(&self) -> (String, Vec<u8>) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let paths: Vec<PathBuf> = std::fs::read_dir(self.downloads.path())
                .expect("download dir")
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .collect();
            let name_of = |path: &PathBuf| {
                path.file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned()
            };
            let under_way = paths
                .iter()
                .any(|path| name_of(path).ends_with(".crdownload"));
            let done: Vec<&PathBuf> = paths
                .iter()
                .filter(|path| !under_way && !name_of(path).starts_with('.'))
                .filter(|path| std::fs::metadata(path).is_ok_and(|meta| meta.len() > 0))
                .collect();
            if let Some(path) = done.first() {
                let name = path
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .into_owned();
                return (name, std::fs::read(path).expect("read download"));
            }
            assert!(
                Instant::now() < deadline,
                "no download finished within {PATIENCE:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The names of the files in the download directory.
    pub fn download_names(&self) -> Vec<String> {
        std::fs::read_dir(self.downloads.path())
            .expect("download dir")
            .filter_map(|entry| entry.ok())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect()
    }

    /// Ends the session; dropping the browser without this also cleans up.
    pub async fn close(self) {
        let Browser { client, .. } = self;
        let _ = client.close().await;
    }
}

async fn wait_for_driver(webdriver: &str) {
    let http = reqwest::Client::new();
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Ok(response) = http.get(format!("{webdriver}/status")).send().await
            && let Ok(status) = response.json::<Value>().await
            && status["value"]["ready"] == true
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "chromedriver did not answer on {webdriver} within {PATIENCE:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
