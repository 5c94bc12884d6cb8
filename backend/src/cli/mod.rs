//! The `certportal` command line. Every command takes `--data-dir DIR` before or after its
//! name. Bad input is one line on stderr naming the field, exit code 1, and nothing written.

mod admin;
mod dev;
pub mod init;
mod inspect;
mod order;
mod revoke;
mod serve;
mod site;
mod token;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "certportal",
    version,
    about = "Issues client TLS certificates and hands them over to customers safely"
)]
struct Cli {
    /// The data dir: configuration, CA, keys, database.
    #[arg(
        long,
        global = true,
        env = "CERTPORTAL_DATA_DIR",
        default_value = "./data"
    )]
    data_dir: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create the data dir: configuration, CA, key-encryption key and database.
    Init(init::InitArgs),
    /// Serve the portal: the browser app, the API and the public files.
    Serve(serve::ServeArgs),
    /// Orders.
    #[command(subcommand)]
    Order(order::OrderCommand),
    /// Revoke (withdraw) a certificate and publish a new CRL.
    Revoke(revoke::RevokeArgs),
    /// Check a PKCS#12 file as the browser does: structure, password, key, certificate, CA.
    Inspect(inspect::InspectArgs),
    /// Staff accounts.
    #[command(subcommand)]
    Admin(admin::AdminCommand),
    /// API tokens for automation (a ticketing system, a CRM).
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// Embedding sites: the help centres that frame the collect pages.
    #[command(subcommand)]
    Site(site::SiteCommand),
    /// For development and demonstrations, on a demo data dir only.
    #[command(subcommand)]
    Dev(dev::DevCommand),
}

/// A command's failure: a message for stderr, exit code 1.
#[derive(Debug)]
pub struct CliError(pub String);

impl<E: std::fmt::Display> From<E> for CliError {
    fn from(error: E) -> Self {
        Self(format!("{error:#}"))
    }
}

pub type CliResult = Result<(), CliError>;

/// Logs go to stderr; commands other than `serve` log warnings only, so their output stays
/// readable and machine-parsable.
fn init_logging(filter: &str) {
    init_logging_as(filter, crate::config::LogFormat::Text);
}

/// [`init_logging`], as `serve` configures it: lines for people, or one JSON object per line.
fn init_logging_as(filter: &str, format: crate::config::LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(filter));
    if format == crate::config::LogFormat::Json {
        let _ = tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .with_writer(std::io::stderr)
            .try_init();
        return;
    }
    use std::io::IsTerminal as _;
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}

/// Runs the command line; returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) if !error.use_stderr() => {
            // --help and --version
            let _ = error.print();
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(1);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the runtime: {error}");
            return ExitCode::from(1);
        }
    };
    if !matches!(cli.command, Command::Serve(_)) {
        // sqlx warns of every statement over a second, with its text: a seed's batches,
        // a migration on a big database. Not news on the command line.
        init_logging("warn,sqlx::query=error");
    }
    let result = runtime.block_on(async {
        match cli.command {
            Command::Init(args) => init::run(&cli.data_dir, args).await,
            Command::Serve(args) => serve::run(&cli.data_dir, args).await,
            Command::Order(command) => order::run(&cli.data_dir, command).await,
            Command::Revoke(args) => revoke::run(&cli.data_dir, args).await,
            Command::Inspect(args) => inspect::run(&cli.data_dir, args).await,
            Command::Admin(command) => admin::run(&cli.data_dir, command).await,
            Command::Token(command) => token::run(&cli.data_dir, command).await,
            Command::Site(command) => site::run(&cli.data_dir, command).await,
            Command::Dev(command) => dev::run(&cli.data_dir, command).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
    }
}

/// Opens the portal in the data dir for one command.
async fn open_portal(data_dir: &std::path::Path) -> Result<crate::startup::Portal, CliError> {
    let options = crate::startup::PortalOptions::from_data_dir(data_dir.to_owned())?;
    Ok(crate::startup::Portal::open(options).await?)
}

/// The message of a refusal from the domain, or the error chain of a fault.
fn describe(error: crate::error::AppError) -> CliError {
    match error {
        crate::error::AppError::Refused(refusal) => CliError(refusal.message),
        crate::error::AppError::Internal(error) => CliError(format!("{error:#}")),
    }
}
