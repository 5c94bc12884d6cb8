//! Debian's nginx as the vendor's gateway: TLS with `ssl_verify_client on` and the portal's
//! CA, started in the test with a configuration of its own, stopped when dropped.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A running nginx; killed when dropped.
pub struct Nginx {
    child: Child,
    dir: PathBuf,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The nginx binary: Debian puts it in /usr/sbin, which a non-root PATH may lack.
fn program() -> &'static str {
    if Path::new("/usr/sbin/nginx").is_file() {
        "/usr/sbin/nginx"
    } else {
        "nginx"
    }
}

impl Nginx {
    /// Starts nginx in `dir` with `servers` (whole `server { … }` blocks) inside its `http`
    /// block, and waits until each of `ports` accepts connections.
    pub async fn start(dir: &Path, servers: &str, ports: &[u16]) -> Self {
        let d = dir.display();
        let conf = dir.join("nginx.conf");
        // `user root` keeps the workers able to read the test's files when the test runs as
        // root (nginx ignores it otherwise).
        std::fs::write(
            &conf,
            format!(
                "user root; worker_processes 1; pid {d}/nginx.pid; error_log {d}/error.log info;\n\
                 daemon off;\n\
                 events {{ worker_connections 64; }}\n\
                 http {{ access_log {d}/access.log; client_body_temp_path {d}/tmp; \
                 proxy_temp_path {d}/tmp; fastcgi_temp_path {d}/tmp; uwsgi_temp_path {d}/tmp; \
                 scgi_temp_path {d}/tmp;\n{servers}\n}}\n"
            ),
        )
        .expect("nginx.conf");
        std::fs::create_dir_all(dir.join("tmp")).expect("tmp");
        let conf = conf.to_string_lossy().into_owned();
        let prefix = dir.to_string_lossy().into_owned();
        let error_log = dir.join("error.log").to_string_lossy().into_owned();
        let child = Command::new(program())
            .args(["-c", &conf, "-p", &prefix, "-e", &error_log])
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("nginx starts (cargo xtask test installs it)");
        let nginx = Self {
            child,
            dir: dir.to_owned(),
        };
        for port in ports {
            let up = crate::wait_until(|| {
                std::net::TcpStream::connect(("127.0.0.1", *port))
                    .ok()
                    .map(|_| ())
            })
            .await;
            assert!(
                up.is_some(),
                "nginx listens on {port}:\n{}",
                nginx.error_log()
            );
        }
        nginx
    }

    /// Has nginx read its configuration and files again (SIGHUP): what a CRL deployment
    /// must do after each new CRL.
    pub fn reload(&self) {
        crate::tools::run_ok("kill", &["-HUP", &self.child.id().to_string()]);
    }

    pub fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("error.log")).unwrap_or_default()
    }
}
