//! `certportal inspect`: the browser's inspector, natively.

use super::{CliError, CliResult};
use certportal_shared::ApiError;
use certportal_shared::bundle::{
    self, CertificateSummary, Envelope, InspectError, Report, ValidityStatus, colon_hex,
};
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// The PKCS#12 file.
    file: PathBuf,
    /// Read the password from standard input (one line) and open the file; without it, only
    /// the file's structure and protection are checked.
    #[arg(long)]
    password_stdin: bool,
    /// The CA certificate (PEM or DER) that should have issued the file's certificate; by
    /// default the data dir's CA, when there is one.
    #[arg(long)]
    ca: Option<PathBuf>,
    /// Print one JSON object: the report, or `{"code", "message"}` when the file is refused.
    #[arg(long)]
    json: bool,
}

/// The CA certificate as DER, from PEM or DER bytes.
fn ca_der(bytes: &[u8]) -> Result<Vec<u8>, CliError> {
    if bytes.starts_with(b"-----BEGIN") {
        let (_, pem) =
            x509_parser::pem::parse_x509_pem(bytes).map_err(|e| CliError(format!("ca: {e}")))?;
        Ok(pem.contents)
    } else {
        Ok(bytes.to_vec())
    }
}

fn read_password() -> Result<String, CliError> {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .map_err(|e| CliError(format!("password: cannot read standard input: {e}")))?;
    let line = input.split(['\n', '\r']).next().unwrap_or_default();
    Ok(line.to_owned())
}

fn date(unix: i64) -> String {
    let at =
        time::OffsetDateTime::from_unix_timestamp(unix).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let format =
        time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    at.format(&format).unwrap_or_default()
}

fn print_envelope(file: &Path, size: usize, envelope: &Envelope) {
    println!("File:         {} ({size} bytes)", file.display());
    println!("SHA-256:      {}", envelope.file_sha256.to_hex());
    match &envelope.mac {
        Some(mac) => println!(
            "MAC:          {} ({} iterations)",
            mac.algorithm, mac.iterations
        ),
        None => println!("MAC:          none"),
    }
    for part in &envelope.parts {
        let kind = format!("{:?}", part.kind).to_lowercase();
        match &part.encryption {
            Some(scheme) => println!(
                "Encryption:   {kind}: {} ({} iterations)",
                scheme.name, scheme.iterations
            ),
            None => println!("Encryption:   {kind}: none"),
        }
    }
}

fn print_certificate(label: &str, cert: &CertificateSummary) {
    println!("{label:<13} {}", cert.subject);
    println!("Issuer:       {}", cert.issuer);
    println!("Serial:       {}", cert.serial);
    println!(
        "Valid:        {} to {}",
        date(cert.not_before),
        date(cert.not_after)
    );
    println!(
        "Fingerprint:  SHA-256 {}",
        colon_hex(&cert.fingerprint_sha256)
    );
    println!("Signature:    {}", cert.signature_algorithm);
}

fn print_report(file: &Path, size: usize, report: &Report) {
    print_envelope(file, size, &report.envelope);
    print_certificate("Subject:", &report.certificate);
    let status = match report.validity {
        ValidityStatus::Valid => format!("valid, {} days left", report.days_left),
        ValidityStatus::NotYetValid => "not valid yet".to_owned(),
        ValidityStatus::Expired => "expired".to_owned(),
    };
    println!("Status:       {status}");
    println!(
        "Key:          {}, matches the certificate",
        report.key.description
    );
    if let Some(chain) = &report.chain {
        let ca = chain.ca_subject.as_deref().unwrap_or("the given CA");
        if chain.trusted {
            println!("Chain:        issued by {ca}");
        } else {
            println!("Chain:        NOT issued by {ca}");
        }
    }
    for other in &report.other_certificates {
        println!("Also holds:   {} (issuer {})", other.subject, other.issuer);
    }
}

fn refuse(error: InspectError, json: bool) -> CliError {
    if json {
        println!(
            "{}",
            serde_json::to_string(&ApiError::from(error.clone())).unwrap_or_default()
        );
    }
    CliError(format!("{}: {}", error.code(), error.message()))
}

pub async fn run(data_dir: &Path, args: InspectArgs) -> CliResult {
    let file = std::fs::read(&args.file)
        .map_err(|e| CliError(format!("file: cannot read {}: {e}", args.file.display())))?;
    let ca = match &args.ca {
        Some(path) => Some(
            std::fs::read(path)
                .map_err(|e| CliError(format!("ca: cannot read {}: {e}", path.display())))?,
        ),
        None => std::fs::read(crate::datadir::DataDir::new(data_dir).ca_cert()).ok(),
    };
    let ca = ca.as_deref().map(ca_der).transpose()?;
    if !args.password_stdin {
        let envelope = bundle::probe(&file).map_err(|e| refuse(e, args.json))?;
        if args.json {
            println!("{}", serde_json::to_string(&envelope)?);
        } else {
            print_envelope(&args.file, file.len(), &envelope);
            println!(
                "Give the password with --password-stdin to open the file and check its key and certificate."
            );
        }
        return Ok(());
    }
    let password = zeroize::Zeroizing::new(read_password()?);
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let report =
        bundle::open(&file, &password, ca.as_deref(), now).map_err(|e| refuse(e, args.json))?;
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        print_report(&args.file, file.len(), &report);
    }
    match report.chain.and_then(|chain| chain.error) {
        Some(error) if !args.json => {
            Err(CliError(format!("{}: {}", error.code(), error.message())))
        }
        Some(error) => Err(CliError(format!("{}: {}", error.code(), error.message()))),
        None => Ok(()),
    }
}
