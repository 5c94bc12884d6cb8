//! Runs the real `certportal` binary.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The binary `cargo xtask test` built (`TEST_CERTPORTAL_BIN`), or the debug build.
pub fn certportal_bin() -> PathBuf {
    let path = std::env::var_os("TEST_CERTPORTAL_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/debug/certportal")
        });
    assert!(
        path.exists(),
        "{} is missing: run `cargo build -p certportal` (cargo xtask test does)",
        path.display()
    );
    path
}

/// A command for the binary with a clean environment: no `CERTPORTAL_` variable of the test
/// run leaks into it.
pub fn command(data_dir: &Path) -> Command {
    let mut command = Command::new(certportal_bin());
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("CERTPORTAL_") {
            command.env_remove(name);
        }
    }
    command
        .env_remove("RUST_LOG")
        .arg("--data-dir")
        .arg(data_dir);
    command
}

/// Runs `certportal --data-dir DIR ARGS...`, feeding `stdin`.
pub fn run(data_dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = command(data_dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("certportal starts");
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(input.as_bytes())
            .expect("write stdin");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("certportal finishes")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The arguments of `certportal order create --json` for the sample order's organisation,
/// service, contact and e-mail, with the client and mobile given, then `extra`.
pub fn order_create<'a>(client: &'a str, mobile: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "order",
        "create",
        "--org",
        "Acme AS",
        "--service",
        "Payments API",
        "--client",
        client,
        "--contact-name",
        "Kari Nordmann",
        "--email",
        "kari@example.no",
        "--mobile",
        mobile,
        "--json",
    ];
    args.extend_from_slice(extra);
    args
}

/// A new order by `certportal order create --json` in `dir`, for the client and mobile given
/// (the rest as the sample order, a P-256 key: quick to make); its order id and serial.
pub fn create_order(dir: &Path, client: &str, mobile: &str) -> (String, String) {
    let out = run(dir, &order_create(client, mobile, &["--key", "p256"]), None);
    assert!(out.status.success(), "order create: {}", stderr(&out));
    let created: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let field = |name: &str| created[name].as_str().expect("a field").to_owned();
    (field("order_id"), field("serial"))
}

/// A new API token by `certportal token create NAME --scope SCOPES` in `dir`: the token it
/// printed once.
pub fn create_token(dir: &Path, name: &str, scopes: &str) -> String {
    let made = run(dir, &["token", "create", name, "--scope", scopes], None);
    assert!(made.status.success(), "token create: {}", stderr(&made));
    stdout(&made)
        .lines()
        .find_map(|line| line.strip_prefix("token: "))
        .expect("a token line")
        .to_owned()
}
