//! The portal with a vendor's history: how the cost of staff's reads, a withdrawal, `GET /crl`,
//! a new order and the workers' passes grows from 1,000 to 1,000,000 orders (a tenth of them
//! withdrawn), on SQLite and on PostgreSQL. Medians and p99s of 50 runs each, against the
//! release `certportal serve`, through its HTTP API with an API token; the workers' passes
//! through the library, as `serve` runs them.
//!
//! `cargo xtask bench --scale` (or `cargo bench -p certportal --bench scale`). Each history
//! is made once with `certportal dev seed` into `target/scale/` (a million orders take a
//! while: every certificate is signed) and copied before each run, so that every run starts
//! from the same data. `SCALE_ORDERS` changes the larger size.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod process;

use process::{Killed, free_port};

use certportal::startup::{Portal, PortalOptions};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 50;
const READ_TARGET_MS: f64 = 50.0;
const REVOKE_TARGET_MS: f64 = 50.0;
const CRL_TARGET_MS: f64 = 1.0;

fn binary() -> Command {
    Command::new(env!("CARGO_BIN_EXE_certportal"))
}

fn run(command: &mut Command) -> String {
    let output = command.output().expect("certportal");
    assert!(
        output.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Db {
    Sqlite,
    Postgres,
}

impl Db {
    fn name(self) -> &'static str {
        match self {
            Db::Sqlite => "SQLite",
            Db::Postgres => "PostgreSQL",
        }
    }
}

fn postgres_admin() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

fn postgres_url(database: &str) -> String {
    let admin = postgres_admin();
    let (base, _) = admin.rsplit_once('/').unwrap();
    format!("{base}/{database}")
}

async fn postgres(sql: &str) {
    let pool = sqlx::PgPool::connect(&postgres_admin()).await.unwrap();
    sqlx::query(sql).execute(&pool).await.unwrap();
    pool.close().await;
}

/// A data dir: its path and, for PostgreSQL, its database's URL.
struct Fixture {
    dir: PathBuf,
    database_url: Option<String>,
}

impl Fixture {
    fn command(&self) -> Command {
        let mut command = binary();
        command.arg("--data-dir").arg(&self.dir);
        if let Some(url) = &self.database_url {
            command.env("CERTPORTAL_DATABASE_URL", url);
        }
        command.env("CERTPORTAL_LOG", "warn");
        command
    }
}

/// The seeded history of `orders` orders, made once and kept under `target/scale/`.
async fn history(root: &Path, db: Db, orders: u64) -> Fixture {
    let dir = root.join(format!("{}-{orders}", db.name().to_lowercase()));
    let database = format!("certportal_scale_{orders}");
    let fixture = Fixture {
        dir: dir.clone(),
        database_url: (db == Db::Postgres).then(|| postgres_url(&database)),
    };
    let done = dir.join("seeded");
    if done.exists() {
        return fixture;
    }
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(root).unwrap();
    if db == Db::Postgres {
        postgres(&format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)")).await;
        postgres(&format!("CREATE DATABASE {database}")).await;
    }
    println!(
        "{}: seeding {orders} orders once into {} ...",
        db.name(),
        dir.display()
    );
    let started = Instant::now();
    run(fixture
        .command()
        .args(["init", "--demo", "--base-url", "http://127.0.0.1:8080"]));
    let status = fixture
        .command()
        .args(["dev", "seed", "--orders", &orders.to_string()])
        .args(["--revoked", &(orders / 10).to_string()])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "dev seed failed");
    std::fs::write(&done, "").unwrap();
    println!(
        "{}: {orders} orders seeded in {:.0} s",
        db.name(),
        started.elapsed().as_secs_f64()
    );
    fixture
}

/// A copy of a history to run on, so that every run starts from the same data.
async fn working_copy(history: &Fixture, db: Db, into: &Path) -> Fixture {
    let _ = std::fs::remove_dir_all(into);
    let status = Command::new("cp")
        .arg("-a")
        .arg(&history.dir)
        .arg(into)
        .status()
        .unwrap();
    assert!(status.success(), "cp -a");
    // The copy's pages are written out before anything is timed, not during it.
    assert!(Command::new("sync").status().unwrap().success(), "sync");
    let database_url = match db {
        Db::Sqlite => None,
        Db::Postgres => {
            let from = history
                .database_url
                .as_deref()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap();
            let name = format!("{from}_run");
            postgres(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
            postgres(&format!("CREATE DATABASE {name} TEMPLATE {from}")).await;
            postgres("CHECKPOINT").await;
            Some(postgres_url(&name))
        }
    };
    Fixture {
        dir: into.to_owned(),
        database_url,
    }
}

/// How long each of [`RUNS`] passes of `pass` takes, one after another.
async fn passes<F, Fut, T>(mut pass: F) -> Vec<Duration>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = T>,
{
    let mut taken = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        pass().await;
        taken.push(started.elapsed());
    }
    taken
}

/// Median and p99 in milliseconds.
fn figures(mut samples: Vec<Duration>) -> (f64, f64) {
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let p99 = samples[(samples.len() * 99).div_ceil(100) - 1];
    (ms(samples[samples.len() / 2]), ms(p99))
}

/// The portal's own histogram of its time to answer `GET /crl`: each bucket's bound (ms) and
/// how many answers took at most that long.
async fn crl_latency(client: &reqwest::Client, metrics: &str) -> Vec<(f64, u64)> {
    let text = client
        .get(metrics)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let buckets: Vec<(f64, u64)> = text
        .lines()
        .filter(|line| {
            line.starts_with("certportal_http_request_duration_seconds_bucket{")
                && line.contains("route=\"/crl\"")
        })
        .filter_map(|line| {
            let le = line.split("le=\"").nth(1)?.split('"').next()?;
            let count = line.rsplit(' ').next()?;
            let le = if le == "+Inf" {
                f64::INFINITY
            } else {
                le.parse::<f64>().ok()? * 1000.0
            };
            Some((le, count.parse().ok()?))
        })
        .collect();
    assert!(!buckets.is_empty(), "no histogram for /crl at {metrics}");
    buckets
}

/// The median's and the p99's bounds (ms) from two readings of a histogram: the bounds of the
/// buckets that hold them among the answers in between.
fn histogram_figures(before: &[(f64, u64)], after: &[(f64, u64)]) -> (f64, f64) {
    let between: Vec<(f64, u64)> = after
        .iter()
        .zip(before)
        .map(|((le, now), (_, then))| (*le, now - then))
        .collect();
    let total = between.last().unwrap().1;
    assert!(total >= RUNS as u64, "the histogram saw {total} answers");
    let bound = |share: u64| {
        between
            .iter()
            .find(|(_, n)| n * 100 >= total * share)
            .unwrap()
            .0
    };
    (bound(50), bound(99))
}

/// Waits until the server has sent what the seed left queued (the last day's messages), so
/// that the reads are timed on a portal at rest, not beside a burst of sending.
async fn settled(url: &str) {
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(300);
    loop {
        let queued: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE status = 'queued'")
                .fetch_one(&pool)
                .await
                .unwrap();
        if queued == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "{queued} messages still queued");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    pool.close().await;
}

/// What is measured, in the order of the table, with its target (p99, ms).
const MEASURES: &[(&str, Option<f64>)] = &[
    ("order list, first page, newest first", Some(READ_TARGET_MS)),
    ("order list, the next page (before)", Some(READ_TARGET_MS)),
    ("search: the biggest organisation", Some(READ_TARGET_MS)),
    ("search: an e-mail address", Some(READ_TARGET_MS)),
    ("search: a serial's first 8 digits", Some(READ_TARGET_MS)),
    ("search: a word of a service", Some(READ_TARGET_MS)),
    ("filter: state expired", Some(READ_TARGET_MS)),
    ("dashboard", Some(READ_TARGET_MS)),
    ("an order with its timeline", Some(READ_TARGET_MS)),
    (
        "withdrawal (state, audit; the CRL follows)",
        Some(REVOKE_TARGET_MS),
    ),
    ("GET /crl, after the withdrawals (round trip)", None),
    (
        "GET /crl, server time (at most, its histogram)",
        Some(CRL_TARGET_MS),
    ),
    ("order create (issuance, queued messages)", None),
    ("expiry reminders: today's pass", None),
    ("expiry reminders: a pass with nothing due", None),
    ("sweeper pass", None),
];

/// What the history holds that the reads look for, read before anything is timed.
struct Probe {
    biggest_org: String,
    email: String,
    serial_prefix: String,
    order_ids: Vec<String>,
    live_serials: Vec<String>,
}

async fn probe(url: &str) -> Probe {
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    let biggest_org: String =
        sqlx::query_scalar("SELECT org FROM orders GROUP BY org ORDER BY COUNT(*) DESC LIMIT 1")
            .fetch_one(&pool)
            .await
            .unwrap();
    let some: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT o.id, o.email, c.serial FROM orders o JOIN certificates c ON c.serial = o.serial \
         WHERE o.state = 'collected' AND c.revoked_at IS NULL ORDER BY o.id LIMIT 120",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    assert!(
        some.len() > 2 * RUNS + 1,
        "the history has too few collected orders"
    );
    Probe {
        biggest_org,
        email: some[0].1.clone(),
        serial_prefix: some[1].2[..8].to_owned(),
        order_ids: some.iter().map(|(id, _, _)| id.clone()).collect(),
        live_serials: some
            .iter()
            .skip(RUNS + 1)
            .map(|(_, _, s)| s.clone())
            .collect(),
    }
}

struct Api {
    client: reqwest::Client,
    base: String,
    token: String,
}

impl Api {
    /// Times `RUNS` requests, each made by `path(i)`; each must answer 2xx.
    async fn time(
        &self,
        method: reqwest::Method,
        path: impl Fn(usize) -> String,
        body: Option<serde_json::Value>,
    ) -> Vec<Duration> {
        let mut samples = Vec::with_capacity(RUNS);
        // One untimed request first: the data was just copied, and a portal in use has what
        // its staff read in the page cache.
        for i in std::iter::once(usize::MAX).chain(0..RUNS) {
            let warming = i == usize::MAX;
            let i = if warming { RUNS } else { i };
            let mut request = self
                .client
                .request(method.clone(), format!("{}{}", self.base, path(i)))
                .bearer_auth(&self.token);
            if let Some(body) = &body {
                request = request.json(body);
            }
            let started = Instant::now();
            let response = request.send().await.unwrap();
            let status = response.status();
            let _ = response.bytes().await.unwrap();
            if !warming {
                samples.push(started.elapsed());
            }
            assert!(status.is_success(), "{} answered {status}", path(i));
        }
        samples
    }

    async fn get_json(&self, path: &str) -> serde_json::Value {
        self.client
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

fn query(words: &str) -> String {
    format!("/api/admin/orders?limit=50&q={}", urlencode(words))
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// One size on one database: every measure's median and p99.
async fn measure(db: Db, history: &Fixture, work: &Path) -> Vec<Option<(f64, f64)>> {
    let fixture = working_copy(history, db, work).await;
    let url = fixture
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}", fixture.dir.join("certportal.db").display()));
    let probe = probe(&url).await;
    // The workers' passes first, through the library, as `serve` runs them; alone, since on
    // SQLite two processes' writers would wait for each other.
    let mut workers = Vec::new();
    let mut options = PortalOptions::from_data_dir(fixture.dir.clone()).unwrap();
    if let Some(url) = &fixture.database_url {
        options.config.database_url = url.clone();
    }
    let portal = Portal::open(options).await.unwrap();
    let state = portal.state();
    let started = Instant::now();
    certportal::flow::reminders::run(state).await.unwrap();
    let today = started.elapsed();
    workers.push(Some((
        today.as_secs_f64() * 1000.0,
        today.as_secs_f64() * 1000.0,
    )));
    workers.push(Some(figures(
        passes(|| async { certportal::flow::reminders::run(state).await.unwrap() }).await,
    )));
    workers.push(Some(figures(
        passes(|| async { certportal::flow::sweeper::sweep(state).await.unwrap() }).await,
    )));
    drop(portal);
    let created = run(fixture.command().args([
        "token",
        "create",
        "scale",
        "--scope",
        "orders:read,orders:write,revoke",
    ]));
    let token = created
        .lines()
        .find_map(|line| line.strip_prefix("token: "))
        .unwrap()
        .trim()
        .to_owned();
    let (port, metrics) = (free_port(), free_port());
    let server = fixture
        .command()
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .env("CERTPORTAL_METRICS__LISTEN", format!("127.0.0.1:{metrics}"))
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let _server = Killed(server);
    let api = Api {
        client: reqwest::Client::new(),
        base: format!("http://127.0.0.1:{port}"),
        token,
    };
    for _ in 0..500 {
        if api
            .client
            .get(format!("{}/healthz", api.base))
            .send()
            .await
            .is_ok()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    settled(&url).await;
    use reqwest::Method;
    let results = std::cell::RefCell::new(Vec::new());
    let add = |samples: Vec<Duration>| results.borrow_mut().push(Some(figures(samples)));
    add(api
        .time(Method::GET, |_| "/api/admin/orders?limit=50".into(), None)
        .await);
    let first = api.get_json("/api/admin/orders?limit=50").await;
    let next = first["next"].as_str().unwrap().to_owned();
    add(api
        .time(
            Method::GET,
            |_| format!("/api/admin/orders?limit=50&before={}", urlencode(&next)),
            None,
        )
        .await);
    let org_word = probe
        .biggest_org
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    add(api.time(Method::GET, |_| query(&org_word), None).await);
    add(api.time(Method::GET, |_| query(&probe.email), None).await);
    add(api
        .time(Method::GET, |_| query(&probe.serial_prefix), None)
        .await);
    add(api.time(Method::GET, |_| query("invoice"), None).await);
    add(api
        .time(
            Method::GET,
            |_| "/api/admin/orders?limit=50&state=expired".into(),
            None,
        )
        .await);
    add(api
        .time(Method::GET, |_| "/api/admin/dashboard".into(), None)
        .await);
    add(api
        .time(
            Method::GET,
            |i| format!("/api/admin/orders/{}", probe.order_ids[i]),
            None,
        )
        .await);
    add(api
        .time(
            Method::POST,
            |i| format!("/api/admin/certificates/{}/revoke", probe.live_serials[i]),
            Some(serde_json::json!({"reason": "keyCompromise"})),
        )
        .await);
    // The first signs the CRL the withdrawals made; the portal's histogram then shows how
    // long it took to answer the rest, on its side.
    let _ = api
        .client
        .get(format!("{}/crl", api.base))
        .send()
        .await
        .unwrap();
    let metrics = format!("http://127.0.0.1:{metrics}/metrics");
    let before = crl_latency(&api.client, &metrics).await;
    add(api.time(Method::GET, |_| "/crl".into(), None).await);
    let after = crl_latency(&api.client, &metrics).await;
    results
        .borrow_mut()
        .push(Some(histogram_figures(&before, &after)));
    let order = serde_json::json!({
        "org": "Nordkraft AS", "service": "Payments API", "client": "scale-bench",
        "contact_name": "Kari Nordmann", "email": "kari@nordkraft-as.example",
        "mobile": "+4791234567",
    });
    add(api
        .time(Method::POST, |_| "/api/admin/orders".into(), Some(order))
        .await);

    let mut results = results.into_inner();
    results.extend(workers);
    results
}

#[tokio::main]
async fn main() {
    sqlx::any::install_default_drivers();
    let large: u64 = std::env::var("SCALE_ORDERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let target = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/scale");
    let sizes = [1_000, large];
    let mut fits = true;
    for db in [Db::Sqlite, Db::Postgres] {
        let mut columns = Vec::new();
        for orders in sizes {
            let history = history(&target, db, orders).await;
            columns.push(measure(db, &history, &target.join("run")).await);
        }
        println!();
        println!(
            "{} | {:>22} | {:>22} | target p99",
            db.name(),
            format!("{} orders", sizes[0]),
            format!("{} orders", sizes[1])
        );
        for (row, (name, target)) in MEASURES.iter().enumerate() {
            let cell = |column: &Vec<Option<(f64, f64)>>| match column[row] {
                Some((median, p99)) => format!("{median:>8.2} / {p99:>8.2} ms"),
                None => "-".to_owned(),
            };
            let verdict = match (target, columns[1][row]) {
                (Some(target), Some((_, p99))) if p99 <= *target => format!("≤ {target} ms: met"),
                (Some(target), _) => {
                    fits = false;
                    format!("≤ {target} ms: MISSED")
                }
                (None, _) => String::new(),
            };
            println!(
                "{name:<44} | {:>22} | {:>22} | {verdict}",
                cell(&columns[0]),
                cell(&columns[1])
            );
        }
    }
    let _ = std::fs::remove_dir_all(target.join("run"));
    postgres(&format!(
        "DROP DATABASE IF EXISTS certportal_scale_{}_run WITH (FORCE)",
        large
    ))
    .await;
    postgres("DROP DATABASE IF EXISTS certportal_scale_1000_run WITH (FORCE)").await;
    if !fits {
        println!("scale: a target was missed (figures above)");
        std::process::exit(1);
    }
}
