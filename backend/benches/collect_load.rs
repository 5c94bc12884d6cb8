//! A load run of the collect API: 64 concurrent clients, each taking an order through verify,
//! bundle and receipt against the release `certportal serve`, on SQLite and on PostgreSQL
//! (when the machine has a server), beside nginx serving the same file's bytes to the same
//! client. Prints throughput, p50/p99 latency and the server's RSS.
//!
//! `cargo bench -p certportal --bench collect_load` (or `cargo xtask bench`). Orders are made
//! beforehand, through the library against the server's own database, and are not timed.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod process;

use process::{Killed, free_port};

use certportal::flow::Actor;
use certportal::flow::orders::{Renewal, create_order};
use certportal::startup::{Portal, PortalOptions};
use certportal_shared::model::{Locale, OrderDraft};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const CLIENTS: usize = 64;
const ORDERS: usize = 4000;

async fn wait_for(url: &str) {
    let client = reqwest::Client::new();
    for _ in 0..500 {
        if client.get(url).send().await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{url} never answered");
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn kib(status: &str, field: &str) -> u64 {
    status
        .lines()
        .find_map(|line| line.strip_prefix(field))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// The link token and code of every order, read from the outbox the server writes.
fn links_and_codes(outbox: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(outbox).unwrap_or_default();
    let mut tokens = std::collections::HashMap::new();
    let mut codes = std::collections::HashMap::new();
    for line in text.lines() {
        let message: serde_json::Value = serde_json::from_str(line).unwrap();
        let order = message["order_id"].as_str().unwrap().to_owned();
        let body = message["body"].as_str().unwrap();
        match message["purpose"].as_str().unwrap() {
            "collect_link" => {
                let at = body.find("/collect#").unwrap() + 9;
                tokens.insert(
                    order,
                    body[at..].split_whitespace().next().unwrap().to_owned(),
                );
            }
            "otp" => {
                let code = body
                    .split(|c: char| !c.is_ascii_digit())
                    .find(|run| run.len() == 8)
                    .unwrap();
                codes.insert(order, code.to_owned());
            }
            _ => {}
        }
    }
    tokens
        .into_iter()
        .filter_map(|(order, token)| Some((token, codes.remove(&order)?)))
        .collect()
}

struct Run {
    flows: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Run {
    fn report(&self, name: &str, unit: &str) -> f64 {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        let per_second = self.flows as f64 / self.elapsed.as_secs_f64();
        println!(
            "{name:<34} {per_second:>9.0} {unit}/s  {:>7.0} requests/s  p50 {:>6.2} ms  p99 {:>6.2} ms",
            sorted.len() as f64 / self.elapsed.as_secs_f64(),
            percentile(&sorted, 0.50).as_secs_f64() * 1000.0,
            percentile(&sorted, 0.99).as_secs_f64() * 1000.0,
        );
        sorted.len() as f64 / self.elapsed.as_secs_f64()
    }
}

/// 64 clients take orders from the queue: verify, bundle, receipt.
async fn collect_run(base: &str, work: Vec<(String, String)>) -> (Run, Vec<u8>) {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CLIENTS)
        .build()
        .unwrap();
    let queue = Arc::new(Mutex::new(work));
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let sample = Arc::new(Mutex::new(Vec::new()));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (client, queue, latencies, sample, base) = (
            client.clone(),
            queue.clone(),
            latencies.clone(),
            sample.clone(),
            base.to_owned(),
        );
        tasks.push(tokio::spawn(async move {
            let mut flows = 0;
            loop {
                let Some((token, code)) = queue.lock().unwrap().pop() else {
                    return flows;
                };
                let timed = |t: Instant| t.elapsed();
                let t = Instant::now();
                let verify: serde_json::Value = client
                    .post(format!("{base}/api/collect/verify"))
                    .json(&serde_json::json!({"token": token, "code": code}))
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                let mut mine = vec![timed(t)];
                let session = verify["session"].as_str().expect("a session").to_owned();
                let t = Instant::now();
                let file = client
                    .post(format!("{base}/api/collect/bundle"))
                    .bearer_auth(&session)
                    .send()
                    .await
                    .unwrap();
                assert!(file.status().is_success());
                let file = file.bytes().await.unwrap();
                mine.push(timed(t));
                let digest = hex::encode(
                    aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &file).as_ref(),
                );
                let t = Instant::now();
                let receipt = client
                    .post(format!("{base}/api/collect/receipt"))
                    .bearer_auth(&session)
                    .json(&serde_json::json!({"sha256": digest}))
                    .send()
                    .await
                    .unwrap();
                assert!(receipt.status().is_success());
                mine.push(timed(t));
                latencies.lock().unwrap().extend(mine);
                let mut kept = sample.lock().unwrap();
                if kept.is_empty() {
                    kept.extend_from_slice(&file);
                }
                flows += 1;
            }
        }));
    }
    let mut flows = 0;
    for task in tasks {
        flows += task.await.unwrap();
    }
    let elapsed = start.elapsed();
    let latencies = latencies.lock().unwrap().clone();
    let sample = sample.lock().unwrap().clone();
    (
        Run {
            flows,
            elapsed,
            latencies,
        },
        sample,
    )
}

/// 64 clients GET the same file from nginx for `duration`.
async fn static_run(url: &str, duration: Duration) -> Run {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CLIENTS)
        .build()
        .unwrap();
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (client, latencies, url) = (client.clone(), latencies.clone(), url.to_owned());
        tasks.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            while start.elapsed() < duration {
                let t = Instant::now();
                let response = client.get(&url).send().await.unwrap();
                assert!(response.status().is_success());
                response.bytes().await.unwrap();
                mine.push(t.elapsed());
            }
            latencies.lock().unwrap().extend(mine);
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let latencies = latencies.lock().unwrap().clone();
    Run {
        flows: latencies.len(),
        elapsed: start.elapsed(),
        latencies,
    }
}

fn start_nginx(root: &Path, port: u16) -> Killed {
    let conf = root.join("nginx.conf");
    std::fs::write(
        &conf,
        format!(
            "worker_processes 2; pid {dir}/nginx.pid; error_log {dir}/error.log; daemon off;\n\
             events {{ worker_connections 1024; }}\n\
             http {{ access_log off; client_body_temp_path {dir}/tmp; proxy_temp_path {dir}/tmp; \
             fastcgi_temp_path {dir}/tmp; uwsgi_temp_path {dir}/tmp; scgi_temp_path {dir}/tmp;\n\
             server {{ listen 127.0.0.1:{port}; root {dir}/www; keepalive_requests 1000000; }} }}\n",
            dir = root.display()
        ),
    )
    .unwrap();
    std::fs::create_dir_all(root.join("tmp")).unwrap();
    let child = Command::new("nginx")
        .args(["-c", conf.to_str().unwrap(), "-p", root.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("nginx (apt-get install nginx-light)");
    Killed(child)
}

/// Starts the release server on a fresh data dir (SQLite, or the PostgreSQL database at
/// `database_url`), makes the orders beforehand (not timed) and runs the clients against it.
async fn measure(data: &Path, database_url: Option<&str>) -> (Run, Vec<u8>, String) {
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    certportal::cli::init::initialise(data, None, None, Some(&base))
        .await
        .unwrap();
    let mut server = Command::new(env!("CARGO_BIN_EXE_certportal"));
    server
        .args([
            "--data-dir",
            data.to_str().unwrap(),
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        .env("CERTPORTAL_LOG", "warn")
        .env("CERTPORTAL_METRICS__LISTEN", "127.0.0.1:0")
        .env("CERTPORTAL_HTTP__COLLECT_RATE_PER_MINUTE", "100000000")
        .env("CERTPORTAL_DELIVERY__POLL_INTERVAL_MS", "50")
        .stdout(Stdio::null());
    if let Some(url) = database_url {
        server.env("CERTPORTAL_DATABASE_URL", url);
    }
    let server = Killed(server.spawn().expect("certportal serve"));
    wait_for(&format!("{base}/healthz")).await;

    println!("making {ORDERS} orders (P-256 keys; not timed) ...");
    let mut options = PortalOptions::from_data_dir(data.to_owned()).unwrap();
    if let Some(url) = database_url {
        options.config.database_url = url.to_owned();
    }
    let portal = Portal::open(options).await.unwrap();
    let draft = OrderDraft {
        org: "Acme AS".into(),
        service: "Payments API".into(),
        client: "e-banking".into(),
        contact_name: "Kari Nordmann".into(),
        email: "kari@example.no".into(),
        mobile: "+4791234567".into(),
        key: Some("p256".into()),
        ..OrderDraft::default()
    };
    let spec = draft.parse(Locale::En).unwrap();
    for _ in 0..ORDERS {
        create_order(
            portal.state(),
            &spec,
            &Actor::cli(),
            Renewal::default(),
            None,
        )
        .await
        .unwrap();
    }
    let outbox = data.join("outbox.jsonl");
    let deadline = Instant::now() + Duration::from_secs(120);
    let work = loop {
        let work = links_and_codes(&outbox);
        if work.len() >= ORDERS || Instant::now() > deadline {
            break work;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(
        work.len(),
        ORDERS,
        "every order's link and code was delivered"
    );

    let (run, sample) = collect_run(&base, work).await;
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", server.0.id())).unwrap_or_default();
    let memory = format!(
        "RSS now {} KiB, peak {} KiB",
        kib(&status, "VmRSS:"),
        kib(&status, "VmHWM:")
    );
    (run, sample, memory)
}

#[tokio::main]
async fn main() {
    // `cargo bench` passes --bench; a plain run takes no arguments either.
    let dir = tempfile::tempdir().unwrap();
    let (run, sample, memory) = measure(&dir.path().join("sqlite"), None).await;
    println!(
        "\ncollect API, {CLIENTS} concurrent clients, {} flows of verify + bundle + receipt:",
        run.flows
    );
    let ours = run.report("certportal, SQLite", "flows");
    println!("{:<34} {memory}", "certportal server memory");
    match process::postgres_database("collect_load").await {
        Some((url, admin, name)) => {
            let (run, _, memory) = measure(&dir.path().join("postgres"), Some(&url)).await;
            run.report("certportal, PostgreSQL", "flows");
            println!("{:<34} {memory}", "certportal server memory");
            process::drop_postgres_database(&admin, &name).await;
        }
        None => println!("PostgreSQL: skipped, no server at TEST_POSTGRES_URL or 127.0.0.1:5432"),
    }

    let www = dir.path().join("nginx");
    std::fs::create_dir_all(www.join("www")).unwrap();
    std::fs::write(www.join("www/bundle.p12"), &sample).unwrap();
    let nginx_port = free_port();
    let _nginx = start_nginx(&www, nginx_port);
    let url = format!("http://127.0.0.1:{nginx_port}/bundle.p12");
    wait_for(&url).await;
    let nginx = static_run(&url, run.elapsed.max(Duration::from_secs(3))).await;
    let theirs = nginx.report("nginx (GET of the same bytes)", "GETs");
    println!(
        "\ncertportal requests/s ÷ nginx requests/s = {:.2} (target ≥ 0.5)",
        ours / theirs
    );
}
