//! Hostile input against the OpenAPI document: schemathesis (from PyPI; `cargo xtask test`
//! installs it and names it in `TEST_SCHEMATHESIS`) runs every documented operation against
//! a running portal with an API token, through its examples, coverage, fuzzing and stateful
//! phases (the document's links: an order made, then read, resent, cancelled; a certificate
//! withdrawn). No answer may be a 5xx, or outside what the document says (status, content
//! type, schema: every error the `{code, message}` body), and a call without its credentials
//! must be refused. The run's figures go to `figures.txt`, which the xtask prints.

use certportal_tests::*;
use serde_json::Value;
use std::path::PathBuf;

/// How many test cases each operation gets in the generating phases.
const CASES_PER_OPERATION: &str = "40";

/// Fixed, so that a failure found is found again.
const SEED: &str = "20261203";

#[tokio::test(flavor = "multi_thread")]
async fn schemathesis_finds_no_server_error_and_no_answer_outside_the_document() {
    let st = std::env::var("TEST_SCHEMATHESIS").expect(
        "TEST_SCHEMATHESIS names schemathesis' `st`; `cargo xtask test` installs it and sets it",
    );
    let out = std::env::var_os("TEST_SCHEMATHESIS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| std::env::temp_dir().join("certportal-schemathesis"));
    std::fs::create_dir_all(&out).expect("the report dir");
    // The rate limits would answer most of the run with 429, which the document allows but
    // which would leave the handlers behind them untried.
    let app = AppBuilder::default()
        .config(|config| config.http.collect_rate_per_minute = 1_000_000)
        .spawn()
        .await;
    let token = cli::create_token(
        app.data_dir(),
        "schemathesis",
        "orders:read,orders:write,revoke",
    );
    // Something to find for the reads whose ids are not linked.
    app.create_order(sample_order()).await;
    // An admin's session, for the calls only staff make: signed in afresh (a new TOTP step)
    // for a cookie of its own.
    let admin = app.signed_in_admin().await;
    app.clock.advance(time::Duration::seconds(31));
    let signed_in = admin.login_with(&admin.password, &admin.code(&app)).await;
    assert_eq!(signed_in.status(), 200);
    let cookie = signed_in
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|value| value.strip_prefix("certportal_admin="))
        .and_then(|value| value.split(';').next())
        .expect("the session cookie")
        .to_owned();

    // Two runs: one as the ticketing system's token, one as an admin's session. In one run
    // the admin's calls would revoke the token (or disable the admin) half-way and leave the
    // rest of the run refused.
    let credentials = [
        Credentials {
            name: "API token",
            scheme: "api_token",
            property: "bearer",
            secret: token,
        },
        Credentials {
            name: "admin session",
            scheme: "staff_session",
            property: "api_key",
            secret: cookie,
        },
    ];
    let mut figures = Vec::new();
    for credentials in &credentials {
        let run = run_schemathesis(&app, &st, &out, credentials).await;
        println!("schemathesis, {}: {}", credentials.name, run.figures);
        assert!(
            run.passed,
            "schemathesis failed ({}): {}",
            credentials.name, run.figures
        );
        assert_eq!(run.server_errors, 0, "no 5xx, by the portal's own count");
        assert!(
            run.requests >= 1000 && run.operations >= 40,
            "the run reached every operation: {}",
            run.figures
        );
        figures.push(format!("as the {}: {}", credentials.name, run.figures));
    }
    std::fs::write(out.join("figures.txt"), figures.join("; ")).expect("figures.txt");
}

/// Who schemathesis calls as, by the document's security scheme.
struct Credentials {
    name: &'static str,
    scheme: &'static str,
    /// What schemathesis' config calls the secret of such a scheme.
    property: &'static str,
    secret: String,
}

/// One run's outcome.
struct Run {
    passed: bool,
    operations: u64,
    requests: u64,
    server_errors: u64,
    figures: String,
}

async fn run_schemathesis(
    app: &TestApp,
    st: &str,
    out: &std::path::Path,
    credentials: &Credentials,
) -> Run {
    let before = answered(app).await;
    let config = out.join("st.toml");
    // No cache of earlier runs' failures: each run is the same run. The secret is given for
    // its scheme rather than as a header on every request, so that schemathesis can leave
    // it out to see that an operation refuses a call without its credentials.
    std::fs::write(
        &config,
        format!(
            "[cache]\nenabled = false\n\n[auth.openapi.{}]\n{} = \"${{CERTPORTAL_ST_SECRET}}\"\n",
            credentials.scheme, credentials.property
        ),
    )
    .expect("st.toml");
    let report = out.join("report.json");
    let _ = std::fs::remove_file(&report);
    let args: Vec<String> = vec![
        "--config-file".into(),
        config.display().to_string(),
        "run".into(),
        format!("{}/api/openapi.json", app.url),
        "--url".into(),
        app.url.clone(),
        "--checks".into(),
        "all".into(),
        // "Valid by the schema" is not "valid": a client name of 40 letters fits the
        // document's string and is refused by the rules (400 INVALID_INPUT), as it should be.
        "--exclude-checks".into(),
        "positive_data_acceptance".into(),
        "--max-examples".into(),
        CASES_PER_OPERATION.into(),
        "--seed".into(),
        SEED.into(),
        "--workers".into(),
        "1".into(),
        "--generation-database".into(),
        "none".into(),
        "--report".into(),
        "json".into(),
        "--report-json-path".into(),
        report.display().to_string(),
        "--no-color".into(),
    ];
    let mut args = args;
    if credentials.scheme == "staff_session" {
        // Signing out or a new password would end the admin's session for the rest of the
        // run; the token's run tries both.
        for operation in ["admin_logout", "admin_change_password"] {
            args.extend(["--exclude-operation-id".into(), operation.into()]);
        }
    }
    let run = {
        let (st, out, secret) = (st.to_owned(), out.to_owned(), credentials.secret.clone());
        tokio::task::spawn_blocking(move || {
            std::process::Command::new(st)
                .args(&args)
                .env("CERTPORTAL_ST_SECRET", secret)
                .env("HYPOTHESIS_STORAGE_DIRECTORY", out.join("hypothesis"))
                .env(
                    "PYTHONPATH",
                    concat!(env!("CARGO_MANIFEST_DIR"), "/support"),
                )
                .env("SCHEMATHESIS_HOOKS", "schemathesis_hooks")
                .env("NO_PROXY", "127.0.0.1,localhost")
                .current_dir(&out)
                .output()
                .expect("schemathesis runs")
        })
        .await
        .expect("the run ends")
    };
    // schemathesis masks credentials in what it prints; this makes sure.
    let shown =
        |bytes: &[u8]| String::from_utf8_lossy(bytes).replace(&credentials.secret, "<secret>");
    let printed = shown(&run.stdout);
    let report: Value = serde_json::from_slice(&std::fs::read(&report).unwrap_or_else(|_| {
        panic!(
            "no report; schemathesis said:\n{printed}\n{}",
            shown(&run.stderr)
        )
    }))
    .expect("the report is JSON");
    let number = |path: &[&str]| {
        path.iter()
            .fold(&report, |value, key| &value[key])
            .as_u64()
            .unwrap_or_default()
    };
    let failures = report["failures"].as_array().map_or(0, Vec::len);
    // What the portal itself counted meanwhile: every request schemathesis made, by status.
    let after = answered(app).await;
    let (requests, server_errors) = (after.0 - before.0, after.1 - before.1);
    let figures = format!(
        "{} of {} operations tested, {} test cases generated, {requests} requests answered \
         ({server_errors} with a 5xx, as the portal counted them), {} test cases with failures, \
         {failures} distinct failures",
        number(&["operations", "tested"]),
        number(&["operations", "total"]),
        number(&["test_cases", "generated"]),
        number(&["test_cases", "with_failures"]),
    );
    let passed = run.status.success() && failures == 0;
    if !passed {
        println!("{printed}");
    }
    Run {
        passed,
        operations: number(&["operations", "tested"]),
        requests,
        server_errors,
        figures: format!("{figures} (seed {SEED}, {CASES_PER_OPERATION} cases per operation)"),
    }
}

/// The requests the portal has answered, in all and with a 5xx, from its own metrics.
async fn answered(app: &TestApp) -> (u64, u64) {
    let text = reqwest::get(app.metrics_url())
        .await
        .expect("the metrics listener answers")
        .text()
        .await
        .expect("text");
    let mut counts = (0, 0);
    for line in text.lines() {
        let Some(labels) = line.strip_prefix("certportal_http_requests_total{") else {
            continue;
        };
        let value: f64 = line
            .rsplit(' ')
            .next()
            .and_then(|value| value.parse().ok())
            .expect("a count");
        // Counts are whole numbers well below 2^53.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let value = value as u64;
        counts.0 += value;
        if labels.contains("status=\"5") {
            counts.1 += value;
        }
    }
    counts
}
