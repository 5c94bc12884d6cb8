//! `certportal serve`.

use super::{CliError, CliResult, init_logging_as};
use crate::config::Config;
use crate::datadir::DataDir;
use crate::startup::{Portal, PortalOptions};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The address to listen on (default from the configuration: 127.0.0.1:8080); port 0 picks
    /// a free port, and the address is printed.
    #[arg(long)]
    listen: Option<String>,
    /// The built browser app (default ./dist).
    #[arg(long)]
    dist: Option<PathBuf>,
}

pub async fn run(data_dir: &Path, args: ServeArgs) -> CliResult {
    let configured = Config::load(data_dir)?;
    let mut options = PortalOptions::from_data_dir(data_dir.to_owned())?;
    init_logging_as(&options.config.log, options.config.log_format);
    let listen = args.listen.unwrap_or_else(|| options.config.listen.clone());
    let listener = tokio::net::TcpListener::bind(&listen)
        .await
        .map_err(|e| CliError(format!("listen: cannot listen on {listen}: {e}")))?;
    if configured.base_url.is_empty() {
        // No base_url configured: links point here, and commands run beside learn it.
        let url = format!("http://{}", listener.local_addr()?);
        std::fs::write(DataDir::new(data_dir).served_url(), &url)?;
        options.config.base_url = url;
    }
    let dist = args.dist.unwrap_or_else(|| options.config.dist.clone());
    if !dist.join("index.html").exists() {
        tracing::warn!(
            "{} has no index.html: the API works, the pages do not (build them with `cargo xtask dist`)",
            dist.display()
        );
    }
    let outbox = options.config.dev_inbox();
    if options.config.all_outbox() && !outbox {
        tracing::warn!(
            "messages go to the development outbox (outbox.jsonl), not to customers, and there is \
             no /dev/inbox behind a proxy or on https: configure sms.provider and email.provider \
             for production"
        );
    }
    let portal = Portal::open(options).await?;
    let mut running = portal.serve_on(listener, dist).await?;
    println!("certportal listening on {}", running.url());
    if let Some(addr) = running.mtls_addr() {
        println!("mTLS check listening on https://{addr}/");
    }
    if let Some(addr) = running.metrics_addr() {
        println!("metrics for Prometheus on http://{addr}/metrics");
    }
    if outbox {
        println!("Development inbox: {}/dev/inbox", running.url());
    }
    tokio::select! {
        _ = shutdown_signal() => {}
        _ = running.wait() => {}
    }
    tracing::info!("shutting down");
    running.stop().await;
    Ok(())
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}
