//! The `certportal` binary: init, order create, revoke, and bad input.

use certportal_tests::Issued;
use certportal_tests::cli::{run, stderr, stdout};
use serde_json::Value;
use std::path::Path;

fn init(dir: &Path) {
    let output = run(dir, &["init"], None);
    assert!(output.status.success(), "init: {}", stderr(&output));
}

fn outbox(dir: &Path) -> Vec<Value> {
    std::fs::read_to_string(dir.join("outbox.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect()
}

const ORDER: &[&str] = &[
    "order",
    "create",
    "--org",
    "Acme AS",
    "--service",
    "Payments API",
    "--client",
    "e-banking",
    "--contact-name",
    "Kari Nordmann",
    "--email",
    "kari@example.no",
    "--mobile",
    "+47 912 34 567",
];

fn with(changes: &[(&str, &str)]) -> Vec<String> {
    let mut args: Vec<String> = ORDER.iter().map(|s| s.to_string()).collect();
    for (flag, value) in changes {
        let at = args
            .iter()
            .position(|a| a == flag)
            .expect("a flag of ORDER");
        args[at + 1] = value.to_string();
    }
    args
}

fn file_fingerprints(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap_or_default(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn init_makes_a_private_data_dir_with_an_rsa_2048_ca() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    init(&data);
    for name in [
        "certportal.toml",
        "ca.pem",
        "ca.key.sealed",
        "kek.bin",
        "certportal.db",
    ] {
        assert!(data.join(name).exists(), "{name}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for name in ["ca.key.sealed", "kek.bin"] {
            let mode = std::fs::metadata(data.join(name))
                .unwrap()
                .permissions()
                .mode()
                & 0o777;
            assert_eq!(mode, 0o600, "{name}");
        }
    }
    let text = certportal_tests::tools::run_ok(
        "openssl",
        &[
            "x509",
            "-in",
            data.join("ca.pem").to_str().unwrap(),
            "-noout",
            "-text",
        ],
    );
    assert!(
        text.contains("Subject: CN = Web Service SSL CA (2048)"),
        "{text}"
    );
    assert!(
        text.contains("Public-Key: (2048 bit)") && text.contains("rsaEncryption"),
        "{text}"
    );
    assert!(text.contains("Certificate Sign, CRL Sign"), "{text}");
    assert!(text.contains("CA:TRUE"), "{text}");
}

#[test]
fn a_second_init_refuses_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let before = file_fingerprints(dir.path());
    let again = run(dir.path(), &["init", "--ca-name", "Other CA"], None);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
    assert_eq!(file_fingerprints(dir.path()), before);
}

#[test]
fn init_if_missing_initialises_once_and_refuses_a_half_made_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let first = run(dir.path(), &["init", "--if-missing"], None);
    assert!(first.status.success(), "{}", stderr(&first));
    let before = file_fingerprints(dir.path());
    let again = run(
        dir.path(),
        &["init", "--if-missing", "--ca-name", "Other CA"],
        None,
    );
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(file_fingerprints(dir.path()), before, "nothing changed");

    // A CA certificate without its key is not a data dir to leave be.
    let half = tempfile::tempdir().unwrap();
    std::fs::copy(dir.path().join("ca.pem"), half.path().join("ca.pem")).unwrap();
    let refused = run(half.path(), &["init", "--if-missing"], None);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("already exists"),
        "{}",
        stderr(&refused)
    );
}

#[test]
fn the_data_dir_flag_works_after_the_command_name_and_the_ca_name_is_taken() {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(certportal_tests::cli::certportal_bin())
        .args([
            "init",
            "--ca-name",
            "Acme Test CA",
            "--ca-key",
            "p256",
            "--data-dir",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let text = certportal_tests::tools::run_ok(
        "openssl",
        &[
            "x509",
            "-in",
            dir.path().join("ca.pem").to_str().unwrap(),
            "-noout",
            "-subject",
            "-text",
        ],
    );
    assert!(
        text.contains("CN = Acme Test CA") && text.contains("prime256v1"),
        "{text}"
    );
}

#[test]
fn order_create_prints_json_and_writes_the_link_and_code_to_the_outbox() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let args = with(&[]);
    let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
    args.push("--json");
    let output = run(dir.path(), &args, None);
    assert!(output.status.success(), "{}", stderr(&output));
    let created: Value = serde_json::from_str(stdout(&output).trim()).expect("one JSON object");
    let order_id = created["order_id"].as_str().unwrap();
    let serial = created["serial"].as_str().unwrap();
    assert!(
        serial.len() >= 16 && serial.chars().all(|c| c.is_ascii_hexdigit()),
        "{serial}"
    );

    let lines = outbox(dir.path());
    assert_eq!(lines.len(), 2, "{lines:?}");
    let email = lines
        .iter()
        .find(|l| l["channel"] == "email")
        .expect("the link e-mail");
    assert_eq!(email["to"], "kari@example.no");
    assert_eq!(email["purpose"], "collect_link");
    assert_eq!(email["order_id"], order_id);
    assert!(email["subject"].as_str().is_some_and(|s| !s.is_empty()));
    assert!(
        email["body"]
            .as_str()
            .unwrap()
            .contains("http://127.0.0.1:8080/collect#")
    );
    let sms = lines
        .iter()
        .find(|l| l["channel"] == "sms")
        .expect("the code SMS");
    assert_eq!(sms["to"], "+4791234567");
    assert_eq!(sms["purpose"], "otp");
    assert!(sms.get("subject").is_none());
    certportal_tests::code_in(sms["body"].as_str().unwrap(), 8);
    time::OffsetDateTime::parse(
        sms["at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .expect("RFC 3339");
}

#[test]
fn bad_order_input_names_the_field_exits_1_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let before = file_fingerprints(dir.path());
    for (flag, value, field) in [
        ("--mobile", "91234567", "mobile"),
        ("--email", "kari.example.no", "email"),
        ("--client", "e/banking", "client"),
        ("--org", "", "org"),
    ] {
        let args = with(&[(flag, value)]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = run(dir.path(), &args, None);
        assert_eq!(output.status.code(), Some(1), "{flag}");
        let message = stderr(&output);
        assert_eq!(message.trim().lines().count(), 1, "one line: {message}");
        assert!(
            message.starts_with(&format!("error: {field}:")),
            "{flag}: {message}"
        );
    }
    let mut extra: Vec<String> = with(&[]);
    extra.extend(["--key".into(), "rsa1024".into()]);
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    let output = run(dir.path(), &extra, None);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("key:"), "{}", stderr(&output));
    assert_eq!(file_fingerprints(dir.path()), before, "nothing was written");
}

#[test]
fn an_order_in_a_data_dir_without_a_ca_fails_cleanly_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("missing");
    let args = with(&[]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = run(&data, &args, None);
    assert_eq!(output.status.code(), Some(1));
    assert!(!data.exists());
}

#[test]
fn revoke_refuses_unknown_and_malformed_serials_and_revokes_once() {
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let args = with(&[]);
    let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
    args.push("--json");
    let created: Value = serde_json::from_str(&stdout(&run(dir.path(), &args, None))).unwrap();
    let serial = created["serial"].as_str().unwrap();

    let unknown = run(
        dir.path(),
        &["revoke", "--serial", "0123456789abcdef"],
        None,
    );
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        stderr(&unknown).starts_with("error: serial:"),
        "{}",
        stderr(&unknown)
    );
    let malformed = run(dir.path(), &["revoke", "--serial", "xyz"], None);
    assert_eq!(malformed.status.code(), Some(1));
    assert!(
        stderr(&malformed).starts_with("error: serial:"),
        "{}",
        stderr(&malformed)
    );
    let bad_reason = run(
        dir.path(),
        &["revoke", "--serial", serial, "--reason", "boredom"],
        None,
    );
    assert_eq!(bad_reason.status.code(), Some(1));
    assert!(
        stderr(&bad_reason).starts_with("error: reason:"),
        "{}",
        stderr(&bad_reason)
    );

    let revoked = run(
        dir.path(),
        &[
            "revoke",
            "--serial",
            &serial.to_uppercase(),
            "--reason",
            "superseded",
        ],
        None,
    );
    assert!(revoked.status.success(), "{}", stderr(&revoked));
    let again = run(dir.path(), &["revoke", "--serial", serial], None);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("already revoked"),
        "{}",
        stderr(&again)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn inspect_opens_a_collected_file_and_refuses_bad_ones_with_stable_codes() {
    let app = certportal_tests::spawn_app().await;
    let collect = app.order_with_link().await;
    let (file, password) = app.collect(&collect).await;
    let dir = tempfile::tempdir().unwrap();
    let path = certportal_tests::tools::write(dir.path(), "client.p12", &file);
    let data = app.data_dir();

    let output = run(
        data,
        &["inspect", &path, "--password-stdin", "--json"],
        Some(&format!("{password}\n")),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["certificate"]["serial"], collect.order.serial());
    assert_eq!(
        report["certificate"]["fingerprint_sha256"],
        certportal_tests::sha256_hex(
            &app.state()
                .store
                .certificate(collect.order.serial())
                .await
                .unwrap()
                .unwrap()
                .der
        )
    );
    assert_eq!(report["key"]["description"], "RSA 2048");
    assert_eq!(
        report["chain"]["trusted"], true,
        "checked against the data dir's CA"
    );
    assert_eq!(report["validity"], "valid");

    let human = run(
        data,
        &["inspect", &path, "--password-stdin"],
        Some(&password),
    );
    assert!(human.status.success());
    let text = stdout(&human);
    assert!(
        text.contains("matches the certificate")
            && text.contains("issued by CN=Web Service SSL CA (2048)"),
        "{text}"
    );
    assert!(
        !text.contains(&password) && !stderr(&human).contains(&password),
        "the password is never printed"
    );

    let structure = run(data, &["inspect", &path, "--json"], None);
    assert!(structure.status.success());
    let envelope: Value = serde_json::from_str(&stdout(&structure)).unwrap();
    assert_eq!(envelope["mac"]["algorithm"], "HMAC-SHA256");

    let wrong = run(
        data,
        &["inspect", &path, "--password-stdin", "--json"],
        Some("not-the-password"),
    );
    assert_eq!(wrong.status.code(), Some(1));
    let refusal: Value = serde_json::from_str(&stdout(&wrong)).unwrap();
    assert_eq!(refusal["code"], "WRONG_PASSWORD");
    assert!(stderr(&wrong).contains("WRONG_PASSWORD"));

    let junk = certportal_tests::tools::write(
        dir.path(),
        "junk.p12",
        b"this is not a PKCS#12 file at all",
    );
    let refused = run(data, &["inspect", &junk], None);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).starts_with("error: NOT_PKCS12"),
        "{}",
        stderr(&refused)
    );

    let other = tempfile::tempdir().unwrap();
    init(other.path());
    let other_ca = other.path().join("ca.pem");
    let untrusted = run(
        data,
        &[
            "inspect",
            &path,
            "--password-stdin",
            "--ca",
            other_ca.to_str().unwrap(),
        ],
        Some(&password),
    );
    assert_eq!(untrusted.status.code(), Some(1));
    assert!(
        stderr(&untrusted).contains("UNTRUSTED_ISSUER"),
        "{}",
        stderr(&untrusted)
    );
}

#[test]
fn without_a_base_url_links_follow_the_address_serve_listens_on() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    init(dir.path());
    let mut server = certportal_tests::cli::command(dir.path())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("CERTPORTAL_METRICS__LISTEN", "127.0.0.1:0")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(server.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first
        .strip_prefix("certportal listening on ")
        .expect("the address")
        .to_owned();
    assert!(!url.ends_with(":8080") && !url.ends_with(":0"), "{url}");

    let args = with(&[]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let output = run(dir.path(), &args, None);
    server.kill().ok();
    server.wait().ok();
    assert!(output.status.success(), "{}", stderr(&output));
    let lines = outbox(dir.path());
    let email = lines
        .iter()
        .find(|l| l["channel"] == "email")
        .expect("the link e-mail");
    assert!(
        email["body"]
            .as_str()
            .unwrap()
            .contains(&format!("{url}/collect#")),
        "the link points at the running portal"
    );
}
