//! The system's openssl, keytool and curl, for interoperability tests.

use std::path::Path;
use std::process::{Command, Output};

/// Runs a tool and returns its output; panics with its stderr when it cannot start.
pub fn run(program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} cannot start: {e}"))
}

/// Runs a tool and asserts that it succeeded.
pub fn run_ok(program: &str, args: &[&str]) -> String {
    let output = run(program, args);
    assert!(
        output.status.success(),
        "{program} {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Writes bytes to a file in `dir` and returns its path as text.
/// `keytool -list -v` of a PKCS#12 file opened with `password`.
pub fn keytool_list(path: &str, password: &str) -> String {
    run_ok(
        "keytool",
        &[
            "-list",
            "-v",
            "-keystore",
            path,
            "-storetype",
            "PKCS12",
            "-storepass",
            password,
        ],
    )
}

pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    path.to_string_lossy().into_owned()
}

/// A DER CRL as `openssl crl -text` prints it, upper-cased so that serials compare as hex.
pub fn crl_text(dir: &Path, der: &[u8]) -> String {
    let path = write(dir, "crl.der", der);
    run_ok(
        "openssl",
        &["crl", "-inform", "DER", "-in", &path, "-noout", "-text"],
    )
    .to_uppercase()
}

/// A free TCP port on the loopback interface.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// A throwaway CA and a server certificate it issued for 127.0.0.1 and localhost, made with
/// openssl in `dir`. Returns the paths of the CA certificate, the server certificate and its
/// key. (A self-signed server certificate would do for OpenSSL clients, but rustls refuses a
/// CA certificate used as an end entity.)
pub fn server_certificate(dir: &Path) -> (String, String, String) {
    let at = |name: &str| dir.join(name).to_string_lossy().into_owned();
    let (ca_key, ca_pem) = self_signed_ca(dir, "tls-ca", "Test TLS CA");
    let (key, csr, cert, ext) = (
        at("server.key"),
        at("server.csr"),
        at("server.pem"),
        at("server.ext"),
    );
    let mut request = vec!["req", "-new"];
    request.extend(P256);
    request.extend(["-subj", "/CN=localhost", "-keyout", &key, "-out", &csr]);
    run_ok("openssl", &request);
    std::fs::write(&ext, "basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n").expect("write");
    run_ok(
        "openssl",
        &[
            "x509", "-req", "-in", &csr, "-CA", &ca_pem, "-CAkey", &ca_key, "-days", "1",
            "-extfile", &ext, "-out", &cert,
        ],
    );
    (ca_pem, cert, key)
}

/// openssl's arguments for a new P-256 key, unencrypted.
const P256: [&str; 5] = [
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
];

/// A throwaway self-signed CA named `common_name` with a P-256 key, valid for a day, made with
/// openssl as `dir/NAME.key` and `dir/NAME.pem`; returns those paths.
pub fn self_signed_ca(dir: &Path, name: &str, common_name: &str) -> (String, String) {
    let at = |ext: &str| {
        dir.join(format!("{name}.{ext}"))
            .to_string_lossy()
            .into_owned()
    };
    let (key, pem) = (at("key"), at("pem"));
    let subject = format!("/CN={common_name}");
    let mut args = vec!["req", "-x509"];
    args.extend(P256);
    args.extend([
        "-days", "1", "-subj", &subject, "-keyout", &key, "-out", &pem,
    ]);
    run_ok("openssl", &args);
    (key, pem)
}

/// The client certificate in a PKCS#12 file, as PEM in `dir`; returns its path. The password
/// goes to openssl in a file, so that no command line shows it.
pub fn client_certificate(dir: &Path, file: &[u8], password: &str) -> String {
    let p12 = write(dir, "client.p12", file);
    let pass = write(dir, "client.pass", password.as_bytes());
    let pem = dir.join("client.pem").to_string_lossy().into_owned();
    run_ok(
        "openssl",
        &[
            "pkcs12",
            "-in",
            &p12,
            "-clcerts",
            "-nokeys",
            "-passin",
            &format!("file:{pass}"),
            "-out",
            &pem,
        ],
    );
    pem
}
