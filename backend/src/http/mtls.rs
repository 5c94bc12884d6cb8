//! The mTLS check: a TLS listener that asks every client for a certificate issued by the
//! portal's CA, and answers whether it is still good (not revoked, within its validity).
//! Customers point an installed certificate at it to test the installation; once support
//! revokes a certificate, it stops working here as with the vendor's services. A certificate
//! can also start its own renewal here (`POST /api/renew`), for scripts.

use crate::clock::{from_unix, rfc3339, unix};
use crate::error::AppError;
use crate::flow::Actor;
use crate::flow::renew;
use crate::state::AppState;
use crate::store::CertificateRecord;
use anyhow::{Context, Result};
use axum::extract::State;
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use certportal_shared::api::check::{CheckResponse, RenewResponse};
use certportal_shared::routes;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use rustls::RootCertStore;
use rustls::server::WebPkiClientVerifier;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;

/// The client certificate of a connection, DER.
#[derive(Clone)]
struct PeerCertificate(Arc<Vec<u8>>);

/// The address a connection came from.
#[derive(Clone, Copy)]
struct PeerAddress(SocketAddr);

/// The TLS configuration: the listener's own certificate, and client certificates required
/// and verified against the portal's CA.
fn tls_config(state: &AppState) -> Result<rustls::ServerConfig> {
    let config = &state.config.mtls_check;
    let root = state.data_dir.root();
    let chain = CertificateDer::pem_file_iter(root.join(&config.cert_file))
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .with_context(|| format!("mtls_check.cert_file {}", config.cert_file.display()))?;
    let key = PrivateKeyDer::from_pem_file(root.join(&config.key_file))
        .with_context(|| format!("mtls_check.key_file {}", config.key_file.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = RootCertStore::empty();
    roots
        .add(CertificateDer::from(state.ca.cert_der().to_vec()))
        .context("the CA certificate")?;
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .context("the client certificate verifier")?;
    rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .context("TLS versions")?
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)
        .context("the listener's certificate and key")
}

/// The portal's record of the client certificate, if it is one of ours and still good.
async fn live_certificate(
    state: &AppState,
    peer: &PeerCertificate,
) -> Result<CertificateRecord, AppError> {
    renew::own_certificate(state, &peer.0, 0).await
}

/// What the portal knows of the client certificate.
async fn check(
    State(state): State<AppState>,
    Extension(peer): Extension<PeerCertificate>,
) -> Result<Json<CheckResponse>, AppError> {
    let record = live_certificate(&state, &peer).await?;
    let now = unix(state.clock.now());
    Ok(Json(CheckResponse {
        status: "valid".into(),
        subject: record.subject,
        serial: record.serial,
        not_after: rfc3339(from_unix(record.not_after)),
        days_left: (record.not_after - now) / 86_400,
    }))
}

/// A certificate renews itself, for scripts: a new order for the same organisation, service,
/// client and contact, whose link and code go to the contact as for any order; the old
/// certificate is revoked as superseded once the new one is collected. One renewal per
/// certificate: asking again while it is under way (or after it was collected) is refused.
async fn renew(
    State(state): State<AppState>,
    Extension(peer): Extension<PeerCertificate>,
    Extension(address): Extension<PeerAddress>,
) -> Result<Json<RenewResponse>, AppError> {
    let record = live_certificate(&state, &peer).await?;
    let actor = Actor {
        name: format!("certificate:{}", record.serial),
        ip: Some(address.0.ip().to_string()),
        user_agent: None,
    };
    Ok(Json(renew::start(&state, &record, &actor).await?))
}

/// Binds the check's listener when one is configured.
pub async fn bind(state: &AppState) -> Result<Option<(TcpListener, TlsAcceptor)>> {
    let listen = &state.config.mtls_check.listen;
    if listen.is_empty() {
        return Ok(None);
    }
    let acceptor = TlsAcceptor::from(Arc::new(tls_config(state)?));
    let listener = TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    Ok(Some((listener, acceptor)))
}

/// Serves the check until `shutdown` turns true.
pub async fn serve(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    state: AppState,
    mut shutdown: watch::Receiver<bool>,
) {
    let router = Router::new()
        .route("/", get(check))
        .route(routes::RENEW, post(renew))
        .with_state(state);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    tracing::warn!("mTLS check: accept failed: {error}");
                    continue;
                }
            },
            _ = shutdown.changed() => return,
        };
        let (acceptor, router) = (acceptor.clone(), router.clone());
        tokio::spawn(async move { connection(stream, peer, acceptor, router).await });
    }
}

async fn connection(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    acceptor: TlsAcceptor,
    router: Router,
) {
    // A client without a certificate of ours fails here, in the handshake.
    let tls =
        match tokio::time::timeout(std::time::Duration::from_secs(10), acceptor.accept(stream))
            .await
        {
            Ok(Ok(tls)) => tls,
            Ok(Err(error)) => {
                tracing::info!(%peer, "mTLS check: handshake refused: {error}");
                return;
            }
            Err(_) => return,
        };
    let Some(certificate) = tls
        .get_ref()
        .1
        .peer_certificates()
        .and_then(|c| c.first())
        .map(|c| c.to_vec())
    else {
        return;
    };
    let service = router
        .layer(Extension(PeerCertificate(Arc::new(certificate))))
        .layer(Extension(PeerAddress(peer)));
    if let Err(error) = auto::Builder::new(TokioExecutor::new())
        .serve_connection(TokioIo::new(tls), TowerToHyperService::new(service))
        .await
    {
        tracing::debug!(%peer, "mTLS check: connection ended: {error}");
    }
}
