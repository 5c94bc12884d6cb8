//! The real `certportal serve` as a process of its own: started, killed with SIGKILL,
//! restarted on the same data dir, and measured (peak memory) from outside.

use crate::cli;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use tokio::io::AsyncBufReadExt;

/// A running `certportal serve`.
pub struct Served {
    child: tokio::process::Child,
    pub url: String,
    data_dir: PathBuf,
    env: Vec<(String, String)>,
}

impl Served {
    /// Starts `certportal serve` on a free loopback port with configuration from `env`
    /// (`CERTPORTAL_…` variables), and waits until it listens.
    pub async fn start(data_dir: &Path, env: &[(&str, &str)]) -> Self {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let (child, url) = spawn(data_dir, &env).await;
        Self {
            child,
            url,
            data_dir: data_dir.to_owned(),
            env,
        }
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id().expect("running")
    }

    /// Kills it with SIGKILL: no shutdown, no flush, as a power cut would.
    pub async fn kill(&mut self) {
        let _ = self.child.start_kill();
        let _ = self.child.wait().await;
    }

    /// Starts it again on the same data dir (on a new port).
    pub async fn restart(&mut self) {
        self.kill().await;
        let (child, url) = spawn(&self.data_dir, &self.env).await;
        self.child = child;
        self.url = url;
    }

    /// The most memory the process has held (VmHWM), in KiB.
    pub fn peak_rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .expect("/proc/PID/status");
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|value| value.split_whitespace().next())
            .and_then(|kib| kib.parse().ok())
            .expect("a VmHWM line")
    }

    /// Everything the server logged so far (its stderr, kept in the data dir).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.data_dir.join("serve.log")).unwrap_or_default()
    }
}

async fn spawn(data_dir: &Path, env: &[(String, String)]) -> (tokio::process::Child, String) {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(data_dir.join("serve.log"))
        .expect("log file");
    let mut command = cli::command(data_dir);
    command
        .args(["serve", "--listen", "127.0.0.1:0", "--dist"])
        .arg(crate::dist_dir())
        // Each server's metrics on a port of its own: the default one is taken by the first.
        .env("CERTPORTAL_METRICS__LISTEN", "127.0.0.1:0")
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(log);
    let mut child = tokio::process::Command::from(command)
        .kill_on_drop(true)
        .spawn()
        .expect("certportal serve starts");
    let mut lines = tokio::io::BufReader::new(child.stdout.take().expect("stdout")).lines();
    let url = tokio::time::timeout(std::time::Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.expect("stdout") {
            if let Some(url) = line.strip_prefix("certportal listening on ") {
                return url.trim().to_owned();
            }
        }
        panic!(
            "certportal serve ended before it listened; see {}",
            data_dir.join("serve.log").display()
        )
    })
    .await
    .expect("certportal serve listens within 30 s");
    // Keep reading stdout so that the server never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    (child, url)
}
