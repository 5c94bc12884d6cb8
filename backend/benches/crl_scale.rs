//! Withdrawal with a long history: 100,000 revoked certificates on file, then 50 revocations
//! one after the other (state change, audit; the CRL publisher signs behind them, as in
//! `serve`), the wait until a CRL lists them all, and 500 `GET /crl`s, timed on SQLite and on
//! PostgreSQL. Targets: a revocation ≤ 50 ms at p99, `GET /crl` ≤ 1 ms (a cached signed copy).
//!
//! `cargo bench -p certportal --bench crl_scale` (or `cargo xtask bench`). The history is
//! written straight into the tables beforehand (it stands for years of revocations, not for
//! what is measured); the timed calls are the portal's own, as its handlers make them.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod process;

use certportal::config::Config;
use certportal::flow::{Actor, crl, revoke};
use certportal::startup::{Portal, PortalOptions};
use certportal_shared::model::{RevocationReason, Serial};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

const REVOKED: usize = 100_000;
const RUNS: usize = 50;
/// `GET /crl`s: cheap, so enough that p99 is a percentile rather than the one slowest call.
const FETCHES: usize = 500;
const REVOKE_TARGET_MS: f64 = 50.0;
const CRL_TARGET_MS: f64 = 1.0;

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// Median and p99 in milliseconds.
fn figures(mut samples: Vec<Duration>) -> (f64, f64) {
    samples.sort();
    let p99 = samples[(samples.len() * 99).div_ceil(100) - 1];
    (ms(samples[samples.len() / 2]), ms(p99))
}

/// Writes `revoked` revoked certificates and `live` unrevoked ones, in batches; returns the
/// live ones' serials.
async fn history(database_url: &str, revoked: usize, live: usize) -> Vec<String> {
    let pool = sqlx::AnyPool::connect(database_url).await.unwrap();
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let der = vec![0x30u8; 900];
    let mut serials = Vec::new();
    let total = revoked + live;
    let mut tx = pool.begin().await.unwrap();
    for start in (0..total).step_by(500) {
        let end = (start + 500).min(total);
        let values: Vec<String> = (start..end)
            .map(|i| {
                format!(
                    "(${}, $1, $2, 'rsa2048', $3, $4, $5, $6, $7, $8, $9)",
                    i - start + 10
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO certificates (serial, order_id, subject, key_type, not_before, not_after, \
             fingerprint, der, revoked_at, revocation_reason, key_sha256) VALUES {}",
            values.join(", ")
        );
        // The revoked ones share one statement shape, the live ones another.
        let revoked_batch = end <= revoked;
        let mut query = sqlx::query(&sql)
            .bind("history")
            .bind("CN=history,OU=Payments API,O=Acme AS")
            .bind(now - 86_400 * 365)
            .bind(now + 86_400 * 365)
            .bind("00")
            .bind(der.clone());
        query = if revoked_batch {
            query.bind(now - 86_400).bind("keyCompromise")
        } else {
            query.bind(None::<i64>).bind(None::<String>)
        };
        query = query.bind("00");
        for i in start..end {
            let serial = format!("{:x}", (1_u128 << 124) + i as u128);
            if i >= revoked {
                serials.push(serial.clone());
            }
            query = query.bind(serial);
        }
        query.execute(&mut *tx).await.unwrap();
    }
    tx.commit().await.unwrap();
    pool.close().await;
    serials
}

async fn run(name: &str, data: &Path, database_url: Option<String>) -> bool {
    let base = "http://127.0.0.1:8080";
    certportal::cli::init::initialise(data, None, None, Some(base))
        .await
        .unwrap();
    let mut config = Config::load(data).unwrap();
    config.base_url = base.into();
    if let Some(url) = database_url {
        config.database_url = url;
    }
    let url = config.resolved_database_url(data);
    let portal = Portal::open(PortalOptions {
        data_dir: data.to_owned(),
        config,
        clock: Arc::new(certportal::clock::SystemClock),
        sms: None,
        mailer: None,
    })
    .await
    .unwrap();
    let state = portal.state();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let publisher = tokio::spawn(crl::run(state.clone(), stopped));
    let started = Instant::now();
    let live = history(&url, REVOKED, RUNS).await;
    crl::publish(state).await.unwrap();
    println!(
        "{name}: {REVOKED} revoked certificates written and listed in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let mut revocations = Vec::new();
    for serial in &live {
        let serial = Serial::parse(serial).unwrap();
        let t = Instant::now();
        revoke::revoke(
            state,
            &serial,
            RevocationReason::KeyCompromise,
            &Actor::cli(),
        )
        .await
        .unwrap();
        revocations.push(t.elapsed());
    }
    // What a gateway fetching /crl now gets: a CRL listing all 50, signed by the publisher by
    // now or while this waits its turn.
    let t = Instant::now();
    let listed = crl::current(state).await.unwrap();
    let caught_up = t.elapsed();
    assert_eq!(listed.entries, (REVOKED + RUNS) as u64);
    let mut fetches = Vec::new();
    let mut size = 0;
    for _ in 0..FETCHES {
        let t = Instant::now();
        let current = crl::current(state).await.unwrap();
        fetches.push(t.elapsed());
        size = current.der.len();
    }
    let _ = stop.send(true);
    publisher.await.unwrap();
    let (revoke_median, revoke_p99) = figures(revocations);
    let (crl_median, crl_p99) = figures(fetches);
    let verdict = |fits: bool| if fits { "meets" } else { "MISSES" };
    println!(
        "{name}: revocation (state, audit; the CRL follows): median {revoke_median:.1} ms, p99 {revoke_p99:.1} ms ({} the {REVOKE_TARGET_MS} ms target)",
        verdict(revoke_p99 <= REVOKE_TARGET_MS)
    );
    println!(
        "{name}: a CRL of {} entries listing all {RUNS}, {:.0} ms after the last revocation",
        REVOKED + RUNS,
        ms(caught_up)
    );
    println!(
        "{name}: GET /crl ({:.1} MiB): median {crl_median:.3} ms, p99 {crl_p99:.3} ms ({} the {CRL_TARGET_MS} ms target)",
        size as f64 / 1_048_576.0,
        verdict(crl_p99 <= CRL_TARGET_MS)
    );
    revoke_p99 <= REVOKE_TARGET_MS && crl_p99 <= CRL_TARGET_MS
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let mut fits = run("SQLite", &dir.path().join("sqlite"), None).await;
    match process::postgres_database("bench").await {
        Some((url, admin, name)) => {
            fits &= run("PostgreSQL", &dir.path().join("postgres"), Some(url)).await;
            process::drop_postgres_database(&admin, &name).await;
        }
        None => println!("PostgreSQL: skipped, no server at TEST_POSTGRES_URL or 127.0.0.1:5432"),
    }
    if !fits {
        println!("crl_scale: a target was missed (figures above)");
    }
}
