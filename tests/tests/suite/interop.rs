//! Interoperability with the system's openssl, keytool and curl, both ways.

use certportal_shared::model::OrderDraft;
use certportal_tests::*;
use std::path::Path;

async fn collected_file(app: &TestApp, profile: &str) -> (Vec<u8>, String, String) {
    let order = app
        .create_order(OrderDraft {
            profile: Some(profile.into()),
            ..sample_order()
        })
        .await;
    let token = app.wait_for_link(&order.order_id).await;
    let code = app.wait_for_code(&order.order_id, 1).await;
    let collect = Collect {
        order: order.clone(),
        token,
        code,
    };
    let (file, password) = app.collect(&collect).await;
    (file, password, order.serial().to_owned())
}

#[tokio::test(flavor = "multi_thread")]
async fn both_profiles_open_in_openssl_without_legacy_and_in_keytool() {
    let app = spawn_app().await;
    let dir = tempfile::tempdir().unwrap();
    for (profile, expected_mac, expected_cipher) in [
        ("modern", "MAC: sha256", "AES-256-CBC"),
        (
            "compatible",
            "MAC: sha1",
            "pbeWithSHA1And3-KeyTripleDES-CBC",
        ),
    ] {
        let (file, password, _) = collected_file(&app, profile).await;
        let path = tools::write(dir.path(), &format!("{profile}.p12"), &file);
        let pass = format!("pass:{password}");
        let pem = tools::run_ok(
            "openssl",
            &["pkcs12", "-in", &path, "-passin", &pass, "-nodes"],
        );
        assert!(
            pem.contains("BEGIN PRIVATE KEY") && pem.contains("BEGIN CERTIFICATE"),
            "{profile}"
        );
        let info = tools::run(
            "openssl",
            &["pkcs12", "-in", &path, "-passin", &pass, "-info", "-noout"],
        );
        let info = String::from_utf8_lossy(&info.stderr).into_owned()
            + &String::from_utf8_lossy(&info.stdout);
        assert!(info.contains(expected_mac), "{profile}: {info}");
        assert!(info.contains(expected_cipher), "{profile}: {info}");
        assert!(!info.contains("RC2"), "{profile}: never RC2: {info}");

        let listing = tools::keytool_list(&path, &password);
        assert!(listing.contains("PrivateKeyEntry"), "{profile}: {listing}");
        assert!(
            listing.contains("Owner: CN=e-banking, OU=Payments API, O=Acme AS"),
            "{profile}: {listing}"
        );
    }
}

/// Starts `openssl s_server` demanding a client certificate from our CA; returns the child and
/// the server's own certificate for curl to trust.
fn mtls_server(dir: &Path, ca_pem: &str, port: u16) -> (std::process::Child, String) {
    let (server_ca, cert, key) = tools::server_certificate(dir);
    let ca = tools::write(dir, "ca.pem", ca_pem.as_bytes());
    let child = std::process::Command::new("openssl")
        .args([
            "s_server",
            "-accept",
            &port.to_string(),
            "-cert",
            &cert,
            "-key",
            &key,
        ])
        .args([
            "-Verify",
            "1",
            "-verify_return_error",
            "-CAfile",
            &ca,
            "-www",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("openssl s_server");
    let ready = (0..500).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(10));
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    assert!(ready, "s_server listens");
    (child, server_ca)
}

#[tokio::test(flavor = "multi_thread")]
async fn curl_makes_a_mutual_tls_handshake_with_the_collected_file() {
    let app = spawn_app().await;
    let (file, password, _) = collected_file(&app, "modern").await;
    let dir = tempfile::tempdir().unwrap();
    let p12 = tools::write(dir.path(), "client.p12", &file);
    let port = tools::free_port();
    let (mut server, server_cert) = mtls_server(dir.path(), &app.ca_pem().await, port);
    let url = format!("https://127.0.0.1:{port}/");

    let with_cert = tools::run(
        "curl",
        &[
            "-sS",
            "--cacert",
            &server_cert,
            "--cert-type",
            "P12",
            "--cert",
            &format!("{p12}:{password}"),
            &url,
        ],
    );
    let without_cert = tools::run("curl", &["-sS", "--cacert", &server_cert, &url]);
    server.kill().ok();
    server.wait().ok();
    let page = String::from_utf8_lossy(&with_cert.stdout);
    assert!(
        with_cert.status.success(),
        "curl with the file: {}",
        String::from_utf8_lossy(&with_cert.stderr)
    );
    assert!(page.contains("Cipher"), "{page}");
    assert!(
        !without_cert.status.success(),
        "the server refuses a client without a certificate"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn files_made_by_openssl_are_read_by_the_inspector() {
    let dir = tempfile::tempdir().unwrap();
    let at = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    tools::run_ok(
        "openssl",
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "30",
            "-subj",
            "/CN=Interop CA",
            "-keyout",
            &at("ca.key"),
            "-out",
            &at("ca.pem"),
        ],
    );
    tools::run_ok(
        "openssl",
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=interop client/O=Acme AS",
            "-keyout",
            &at("client.key"),
            "-out",
            &at("client.csr"),
        ],
    );
    tools::run_ok(
        "openssl",
        &[
            "x509",
            "-req",
            "-in",
            &at("client.csr"),
            "-CA",
            &at("ca.pem"),
            "-CAkey",
            &at("ca.key"),
            "-days",
            "30",
            "-out",
            &at("client.pem"),
        ],
    );
    let ca_der = tools::run(
        "openssl",
        &["x509", "-in", &at("ca.pem"), "-outform", "DER"],
    )
    .stdout;
    let fingerprint = tools::run_ok(
        "openssl",
        &[
            "x509",
            "-in",
            &at("client.pem"),
            "-noout",
            "-fingerprint",
            "-sha256",
        ],
    );
    let fingerprint = fingerprint
        .trim()
        .rsplit('=')
        .next()
        .unwrap()
        .replace(':', "")
        .to_lowercase();

    for (name, extra) in [
        ("default", vec![]),
        (
            "3des",
            vec![
                "-keypbe",
                "DES-EDE3-CBC",
                "-certpbe",
                "DES-EDE3-CBC",
                "-macalg",
                "sha1",
            ],
        ),
        ("legacy", vec!["-legacy"]),
    ] {
        let out = at(&format!("{name}.p12"));
        let (key, cert, ca) = (at("client.key"), at("client.pem"), at("ca.pem"));
        let mut args = vec!["pkcs12", "-export", "-inkey", &key, "-in", &cert];
        args.extend([
            "-certfile",
            &ca,
            "-passout",
            "pass:interop-pw",
            "-out",
            &out,
        ]);
        args.extend(extra.iter().copied());
        tools::run_ok("openssl", &args);
        let file = std::fs::read(&out).unwrap();
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let report = certportal_shared::bundle::open(&file, "interop-pw", Some(&ca_der), now)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            report.certificate.fingerprint_sha256.to_hex(),
            fingerprint,
            "{name}"
        );
        assert!(
            report.chain.as_ref().is_some_and(|c| c.trusted),
            "{name}: chains to the CA"
        );
        let wrong = certportal_shared::bundle::open(&file, "nope", Some(&ca_der), now)
            .expect_err("wrong password");
        assert_eq!(
            wrong.code(),
            certportal_shared::ErrorCode::WrongPassword,
            "{name}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_revoked_certificate_is_refused_by_openssl_verify_with_the_crl() {
    let app = spawn_app().await;
    let order = app.create_order(sample_order()).await;
    let cert = app
        .state()
        .store
        .certificate(order.serial())
        .await
        .unwrap()
        .expect("recorded");
    let dir = tempfile::tempdir().unwrap();
    let cert_der = tools::write(dir.path(), "client.der", &cert.der);
    let cert_pem = dir.path().join("client.pem").to_string_lossy().into_owned();
    tools::run_ok(
        "openssl",
        &[
            "x509", "-inform", "DER", "-in", &cert_der, "-out", &cert_pem,
        ],
    );
    let ca = tools::write(dir.path(), "ca.pem", app.ca_pem().await.as_bytes());
    let crl_pem = dir.path().join("crl.pem").to_string_lossy().into_owned();
    let fetch_crl = || async {
        let der = app.get("/crl").await.bytes().await.unwrap();
        let path = tools::write(dir.path(), "crl.der", &der);
        tools::run_ok(
            "openssl",
            &["crl", "-inform", "DER", "-in", &path, "-out", &crl_pem],
        );
    };

    fetch_crl().await;
    let verify = |purpose: &str| {
        tools::run(
            "openssl",
            &[
                "verify",
                "-crl_check",
                "-purpose",
                purpose,
                "-CAfile",
                &ca,
                "-CRLfile",
                &crl_pem,
                &cert_pem,
            ],
        )
    };
    assert!(
        verify("sslclient").status.success(),
        "valid before: {}",
        String::from_utf8_lossy(&verify("sslclient").stdout)
    );
    assert!(
        !verify("sslserver").status.success(),
        "a client certificate is not a server certificate"
    );

    let revoked = cli::run(
        app.data_dir(),
        &[
            "revoke",
            "--serial",
            order.serial(),
            "--reason",
            "keyCompromise",
        ],
        None,
    );
    assert!(revoked.status.success(), "{}", cli::stderr(&revoked));
    fetch_crl().await;
    let after = verify("sslclient");
    assert!(!after.status.success());
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&after.stdout),
        String::from_utf8_lossy(&after.stderr)
    );
    assert!(said.contains("certificate revoked"), "{said}");
    let text = tools::run_ok("openssl", &["crl", "-in", &crl_pem, "-noout", "-text"]);
    assert!(
        text.to_uppercase()
            .contains(&*order.serial().to_uppercase()),
        "{text}"
    );
    assert!(text.contains("Key Compromise"), "{text}");
}
