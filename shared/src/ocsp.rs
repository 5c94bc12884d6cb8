//! OCSP (RFC 6960) for the portal's responder: reading requests and writing the signed
//! answers of the lightweight profile (RFC 5019, as RFC 9919 revises it), with the nonce of
//! RFC 8954. Pure: the caller looks the serials up, keeps the clock and signs.
//!
//! The structures are the RFC's ASN.1, declared here with `der`'s derives and x509-cert's
//! types: x509-ocsp, RustCrypto's crate for them, is still on der 0.7 / x509-cert 0.2 and says
//! of itself "not ready to use", so the handful of structures a responder needs are written
//! out below (and fuzzed, `fuzz/fuzz_targets/ocsp.rs`) rather than pulling a second copy of
//! the whole DER stack into the portal.

use crate::csr::build::Signer;
use crate::model::{RevocationReason, Serial};
use der::asn1::{Any, BitString, GeneralizedTime, Null, ObjectIdentifier, OctetString};
use der::{Choice, Decode, Encode, Enumerated, Sequence};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierOwned;
use x509_cert::Certificate;
use x509_cert::ext::pkix::crl::CrlReason;
use x509_cert::ext::{Extension, Extensions};

/// The most a request may weigh (the profile's requests are well under 200 bytes).
pub const MAX_REQUEST_BYTES: usize = 4096;
/// The most certificates one request may ask about.
pub const MAX_QUERIES: usize = 16;
/// The most bytes a nonce may have (RFC 8954 §2.1).
pub const MAX_NONCE_BYTES: usize = 32;

const SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const NONCE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.2");
const BASIC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.1");

#[derive(Clone, Debug, Sequence)]
struct OcspRequest {
    tbs_request: TbsRequest,
    /// Ignored: the profile lets a responder answer unsigned requests, and every answer is
    /// public.
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    _signature: Option<Any>,
}

#[derive(Clone, Debug, Sequence)]
struct TbsRequest {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", default = "v1")]
    version: u8,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    _requestor_name: Option<Any>,
    request_list: Vec<SingleRequest>,
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT", optional = "true")]
    request_extensions: Option<Extensions>,
}

fn v1() -> u8 {
    0
}

#[derive(Clone, Debug, Sequence)]
struct SingleRequest {
    req_cert: CertId,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    _extensions: Option<Extensions>,
}

/// Which certificate a request asks about: the issuer's name and key, hashed, and the serial.
/// An answer names it back exactly as it was asked.
#[derive(Clone, Debug, PartialEq, Eq, Sequence)]
pub struct CertId {
    hash_algorithm: AlgorithmIdentifierOwned,
    issuer_name_hash: OctetString,
    issuer_key_hash: OctetString,
    serial_number: der::asn1::Int,
}

#[derive(Clone, Debug, Sequence)]
struct OcspResponse {
    response_status: ResponseStatus,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    response_bytes: Option<ResponseBytes>,
}

#[derive(Clone, Debug, Sequence)]
struct ResponseBytes {
    response_type: ObjectIdentifier,
    response: OctetString,
}

#[derive(Clone, Debug, Sequence)]
struct BasicOcspResponse {
    /// The signed `ResponseData`, as its DER was signed.
    tbs_response_data: Any,
    signature_algorithm: Any,
    signature: BitString,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    certs: Option<Vec<Any>>,
}

#[derive(Clone, Debug, Sequence)]
struct ResponseData {
    /// `byKey`: the SHA-1 of the responder's public key (RFC 5019 §2.2.3).
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT")]
    responder_id: OctetString,
    produced_at: GeneralizedTime,
    responses: Vec<SingleResponse>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    response_extensions: Option<Extensions>,
}

#[derive(Clone, Debug, Sequence)]
struct SingleResponse {
    cert_id: CertId,
    cert_status: CertStatus,
    this_update: GeneralizedTime,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    next_update: Option<GeneralizedTime>,
}

#[derive(Clone, Debug, Choice)]
enum CertStatus {
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT")]
    Good(Null),
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", constructed = "true")]
    Revoked(RevokedInfo),
    #[asn1(context_specific = "2", tag_mode = "IMPLICIT")]
    Unknown(Null),
}

#[derive(Clone, Debug, Sequence)]
struct RevokedInfo {
    revocation_time: GeneralizedTime,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    revocation_reason: Option<CrlReason>,
}

/// How an answer went (RFC 6960 §4.2.1); everything but `Successful` goes out unsigned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enumerated)]
#[repr(u8)]
pub enum ResponseStatus {
    Successful = 0,
    MalformedRequest = 1,
    InternalError = 2,
    TryLater = 3,
    SigRequired = 5,
    Unauthorized = 6,
}

/// Why a request cannot be answered: it goes back as `malformedRequest`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error("the request is more than {MAX_REQUEST_BYTES} bytes")]
    TooLarge,
    #[error("the request is not a DER OCSPRequest")]
    NotDer,
    #[error("the request is not version 1")]
    Version,
    #[error("the request asks about no certificate, or about more than {MAX_QUERIES}")]
    Queries,
    #[error("the nonce is not an OCTET STRING of 1 to {MAX_NONCE_BYTES} bytes")]
    Nonce,
}

/// The issuer's name and key as CertIDs hash them, with SHA-1 and with SHA-256.
#[derive(Clone, Debug)]
pub struct Issuer {
    sha1: (Vec<u8>, Vec<u8>),
    sha256: (Vec<u8>, Vec<u8>),
}

impl Issuer {
    /// The hashes of the CA certificate `ca_der`: of its subject's DER and of the bits of its
    /// public key (RFC 6960 §4.1.1).
    pub fn of(ca_der: &[u8]) -> Result<Self, der::Error> {
        let cert = Certificate::from_der(ca_der)?;
        let name = cert.tbs_certificate().subject().to_der()?;
        let key = cert
            .tbs_certificate()
            .subject_public_key_info()
            .subject_public_key
            .raw_bytes();
        Ok(Self {
            sha1: (Sha1::digest(&name).to_vec(), Sha1::digest(key).to_vec()),
            sha256: (Sha256::digest(&name).to_vec(), Sha256::digest(key).to_vec()),
        })
    }

    fn hashes(&self, algorithm: &AlgorithmIdentifierOwned) -> Option<&(Vec<u8>, Vec<u8>)> {
        // The parameters are NULL or absent; anything else is not the hash named.
        let plain = algorithm.parameters.as_ref().is_none_or(|p| p.is_null());
        match algorithm.oid {
            SHA1 if plain => Some(&self.sha1),
            SHA256 if plain => Some(&self.sha256),
            _ => None,
        }
    }
}

/// The SHA-1 of a certificate's public key bits: how an answer names its responder.
pub fn key_hash(cert_der: &[u8]) -> Result<[u8; 20], der::Error> {
    let cert = Certificate::from_der(cert_der)?;
    let bits = cert
        .tbs_certificate()
        .subject_public_key_info()
        .subject_public_key
        .raw_bytes();
    Ok(Sha1::digest(bits).into())
}

/// One certificate a request asks about.
#[derive(Clone, Debug)]
pub struct Query {
    cert_id: CertId,
    pub asks: Asks,
}

/// What a query asks about, as far as this responder can tell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Asks {
    /// A serial of this CA's, to look up.
    Serial(Serial),
    /// A serial no certificate of the CA can have (zero, negative, longer than 20 bytes):
    /// `unknown`.
    Impossible,
    /// Another issuer's certificate, or a CertID hashed with something other than SHA-1 or
    /// SHA-256: `unknown` beside queries of this CA's, `unauthorized` when no query is ours
    /// (a delegated responder's signature could not be checked for another issuer anyway).
    OtherIssuer,
}

/// A request, read.
#[derive(Clone, Debug)]
pub struct Request {
    pub queries: Vec<Query>,
    /// The request's nonce extension, to echo.
    nonce: Option<Extension>,
}

impl Request {
    /// Whether the request carried a nonce (and its answer must be made for it alone).
    pub fn has_nonce(&self) -> bool {
        self.nonce.is_some()
    }

    /// Whether every query is about another issuer's certificates.
    pub fn for_other_issuers(&self) -> bool {
        self.queries.iter().all(|q| q.asks == Asks::OtherIssuer)
    }
}

/// Reads a DER `OCSPRequest` about certificates of `issuer`.
pub fn parse_request(der: &[u8], issuer: &Issuer) -> Result<Request, RequestError> {
    if der.len() > MAX_REQUEST_BYTES {
        return Err(RequestError::TooLarge);
    }
    let request = OcspRequest::from_der(der).map_err(|_| RequestError::NotDer)?;
    let tbs = request.tbs_request;
    if tbs.version != 0 {
        return Err(RequestError::Version);
    }
    if tbs.request_list.is_empty() || tbs.request_list.len() > MAX_QUERIES {
        return Err(RequestError::Queries);
    }
    let nonce = match tbs.request_extensions {
        Some(extensions) => extensions
            .into_iter()
            .find(|e| e.extn_id == NONCE)
            .map(|e| checked_nonce(e).ok_or(RequestError::Nonce))
            .transpose()?,
        None => None,
    };
    let queries = tbs
        .request_list
        .into_iter()
        .map(|single| {
            let cert_id = single.req_cert;
            let asks = asks(&cert_id, issuer);
            Query { cert_id, asks }
        })
        .collect();
    Ok(Request { queries, nonce })
}

/// The nonce extension if its value is an OCTET STRING of 1 to 32 bytes (RFC 8954 §2.1),
/// echoed as a plain extension whatever criticality it came with.
fn checked_nonce(extension: Extension) -> Option<Extension> {
    let inner = OctetString::from_der(extension.extn_value.as_bytes()).ok()?;
    (1..=MAX_NONCE_BYTES)
        .contains(&inner.as_bytes().len())
        .then_some(Extension {
            critical: false,
            ..extension
        })
}

fn asks(cert_id: &CertId, issuer: &Issuer) -> Asks {
    let Some((name, key)) = issuer.hashes(&cert_id.hash_algorithm) else {
        return Asks::OtherIssuer;
    };
    if cert_id.issuer_name_hash.as_bytes() != name || cert_id.issuer_key_hash.as_bytes() != key {
        return Asks::OtherIssuer;
    }
    let bytes = cert_id.serial_number.as_bytes();
    if bytes.first().is_none_or(|b| b & 0x80 != 0) {
        return Asks::Impossible;
    }
    let magnitude = &bytes[bytes.iter().take_while(|b| **b == 0).count()..];
    if magnitude.is_empty() || magnitude.len() > 20 {
        return Asks::Impossible;
    }
    Serial::from_bytes(magnitude).map_or(Asks::Impossible, Asks::Serial)
}

/// What the responder knows of one certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Good,
    Revoked {
        /// Unix seconds.
        at: i64,
        reason: RevocationReason,
    },
    /// Not a certificate this CA issued, as far as the responder knows.
    Unknown,
}

/// The times an answer carries, in Unix seconds.
#[derive(Clone, Copy, Debug)]
pub struct Times {
    pub produced_at: i64,
    pub this_update: i64,
    pub next_update: i64,
}

/// Why no answer could be written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ResponseError {
    #[error("the answer does not encode: {0}")]
    Der(der::Error),
    #[error("one status is needed for each query")]
    Statuses,
}

impl From<der::Error> for ResponseError {
    fn from(error: der::Error) -> Self {
        Self::Der(error)
    }
}

/// The `ResponseData` to be signed, DER: one answer per query of `request`, in its order, with
/// `statuses[i]` for `request.queries[i]`, by the responder whose key hash is
/// `responder_key_hash`, with the request's nonce echoed.
pub fn response_data(
    request: &Request,
    statuses: &[Status],
    responder_key_hash: &[u8; 20],
    times: Times,
) -> Result<Vec<u8>, ResponseError> {
    if statuses.len() != request.queries.len() {
        return Err(ResponseError::Statuses);
    }
    let responses = request
        .queries
        .iter()
        .zip(statuses)
        .map(|(query, status)| {
            Ok(SingleResponse {
                cert_id: query.cert_id.clone(),
                cert_status: match *status {
                    Status::Good => CertStatus::Good(Null),
                    Status::Revoked { at, reason } => CertStatus::Revoked(RevokedInfo {
                        revocation_time: time(at)?,
                        revocation_reason: Some(crl_reason(reason)),
                    }),
                    Status::Unknown => CertStatus::Unknown(Null),
                },
                this_update: time(times.this_update)?,
                next_update: Some(time(times.next_update)?),
            })
        })
        .collect::<Result<Vec<_>, der::Error>>()?;
    Ok(ResponseData {
        responder_id: OctetString::new(responder_key_hash.as_slice())?,
        produced_at: time(times.produced_at)?,
        responses,
        response_extensions: request.nonce.clone().map(|nonce| vec![nonce]),
    }
    .to_der()?)
}

/// The successful `OCSPResponse`, DER: `tbs` (from [`response_data`]) with the responder's
/// `signature` over it and the responder's certificate, so that a client that trusts only the
/// CA can check the answer.
pub fn signed_response(
    tbs: &[u8],
    signer: Signer,
    signature: &[u8],
    responder_cert: &[u8],
) -> Result<Vec<u8>, ResponseError> {
    let basic = BasicOcspResponse {
        tbs_response_data: Any::from_der(tbs)?,
        signature_algorithm: Any::from_der(&signer.algorithm())?,
        signature: BitString::from_bytes(signature)?,
        certs: Some(vec![Any::from_der(responder_cert)?]),
    };
    Ok(OcspResponse {
        response_status: ResponseStatus::Successful,
        response_bytes: Some(ResponseBytes {
            response_type: BASIC,
            response: OctetString::new(basic.to_der()?)?,
        }),
    }
    .to_der()?)
}

/// An unsuccessful `OCSPResponse`, DER: the status alone, unsigned (RFC 6960 §2.3).
pub fn error_response(status: ResponseStatus) -> Vec<u8> {
    // ENUMERATED in a SEQUENCE: five fixed bytes, the status in the last.
    vec![0x30, 0x03, 0x0a, 0x01, status as u8]
}

fn time(unix: i64) -> Result<GeneralizedTime, der::Error> {
    let seconds = u64::try_from(unix).map_err(|_| der::ErrorKind::DateTime)?;
    GeneralizedTime::from_unix_duration(core::time::Duration::from_secs(seconds))
}

fn crl_reason(reason: RevocationReason) -> CrlReason {
    match reason {
        RevocationReason::Unspecified => CrlReason::Unspecified,
        RevocationReason::KeyCompromise => CrlReason::KeyCompromise,
        RevocationReason::Superseded => CrlReason::Superseded,
        RevocationReason::CessationOfOperation => CrlReason::CessationOfOperation,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CA: &[u8] = include_bytes!("../tests/fixtures/ca.der");
    const CLIENT: &[u8] = include_bytes!("../tests/fixtures/client.der");

    fn hash_algorithm(oid: ObjectIdentifier) -> AlgorithmIdentifierOwned {
        AlgorithmIdentifierOwned {
            oid,
            parameters: Some(Any::from(Null)),
        }
    }

    /// A CertID for `serial` under the fixture CA, hashed with `oid`.
    fn cert_id(oid: ObjectIdentifier, serial: &[u8]) -> CertId {
        let issuer = Issuer::of(CA).unwrap();
        let (name, key) = issuer.hashes(&hash_algorithm(oid)).unwrap().clone();
        CertId {
            hash_algorithm: hash_algorithm(oid),
            issuer_name_hash: OctetString::new(name).unwrap(),
            issuer_key_hash: OctetString::new(key).unwrap(),
            serial_number: der::asn1::Int::new(serial).unwrap(),
        }
    }

    fn request(ids: Vec<CertId>, nonce: Option<&[u8]>) -> Vec<u8> {
        let nonce = nonce.map(|bytes| {
            vec![Extension {
                extn_id: NONCE,
                critical: false,
                extn_value: OctetString::new(bytes).unwrap(),
            }]
        });
        OcspRequest {
            tbs_request: TbsRequest {
                version: 0,
                _requestor_name: None,
                request_list: ids
                    .into_iter()
                    .map(|req_cert| SingleRequest {
                        req_cert,
                        _extensions: None,
                    })
                    .collect(),
                request_extensions: nonce,
            },
            _signature: None,
        }
        .to_der()
        .unwrap()
    }

    fn client_serial() -> Vec<u8> {
        let cert = Certificate::from_der(CLIENT).unwrap();
        cert.tbs_certificate().serial_number().as_bytes().to_vec()
    }

    #[test]
    fn a_certid_of_this_ca_names_its_serial_with_either_hash() {
        let issuer = Issuer::of(CA).unwrap();
        let serial = client_serial();
        for oid in [SHA1, SHA256] {
            let der = request(vec![cert_id(oid, &serial)], None);
            let parsed = parse_request(&der, &issuer).unwrap();
            assert_eq!(
                parsed.queries[0].asks,
                Asks::Serial(Serial::from_bytes(&serial).unwrap())
            );
            assert!(!parsed.has_nonce());
        }
    }

    #[test]
    fn a_certid_of_another_issuer_is_told_from_an_impossible_serial() {
        let issuer = Issuer::of(CA).unwrap();
        let mut foreign = cert_id(SHA1, &[0x12, 0x34]);
        foreign.issuer_key_hash = OctetString::new([0u8; 20]).unwrap();
        let mut other_hash = cert_id(SHA1, &[0x12, 0x34]);
        other_hash.hash_algorithm.oid = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");
        let ids = vec![
            foreign,
            other_hash,
            cert_id(SHA1, &[0x00]),
            cert_id(SHA1, &[0xff, 0x01]),
            cert_id(SHA1, &[0x01; 21]),
        ];
        let parsed = parse_request(&request(ids.clone(), None), &issuer).unwrap();
        let asks: Vec<Asks> = parsed.queries.iter().map(|q| q.asks.clone()).collect();
        use Asks::*;
        assert_eq!(
            asks,
            [OtherIssuer, OtherIssuer, Impossible, Impossible, Impossible]
        );
        assert!(!parsed.for_other_issuers());
        let foreign = parse_request(&request(ids[..2].to_vec(), None), &issuer).unwrap();
        assert!(foreign.for_other_issuers());
    }

    #[test]
    fn a_bad_request_is_refused_with_its_reason() {
        let issuer = Issuer::of(CA).unwrap();
        let id = || cert_id(SHA1, &[0x01]);
        assert_eq!(
            parse_request(&[0x30, 0x00], &issuer).unwrap_err(),
            RequestError::NotDer
        );
        assert_eq!(
            parse_request(&vec![0u8; MAX_REQUEST_BYTES + 1], &issuer).unwrap_err(),
            RequestError::TooLarge
        );
        assert_eq!(
            parse_request(&request(vec![], None), &issuer).unwrap_err(),
            RequestError::Queries
        );
        let many = (0..=MAX_QUERIES).map(|_| id()).collect();
        assert_eq!(
            parse_request(&request(many, None), &issuer).unwrap_err(),
            RequestError::Queries
        );
        let long = OctetString::new([7u8; MAX_NONCE_BYTES + 1])
            .unwrap()
            .to_der()
            .unwrap();
        let not_octets = Null.to_der().unwrap();
        for nonce in [long, not_octets] {
            assert_eq!(
                parse_request(&request(vec![id()], Some(&nonce)), &issuer).unwrap_err(),
                RequestError::Nonce
            );
        }
    }

    #[test]
    fn an_answer_echoes_each_certid_and_the_nonce_and_says_each_status() {
        let issuer = Issuer::of(CA).unwrap();
        let nonce = OctetString::new([9u8; 16]).unwrap().to_der().unwrap();
        let ids = vec![
            cert_id(SHA1, &[0x01]),
            cert_id(SHA256, &[0x02]),
            cert_id(SHA1, &[0x03]),
        ];
        let parsed = parse_request(&request(ids.clone(), Some(&nonce)), &issuer).unwrap();
        assert!(parsed.has_nonce());
        let statuses = [
            Status::Good,
            Status::Revoked {
                at: 1_700_000_000,
                reason: RevocationReason::KeyCompromise,
            },
            Status::Unknown,
        ];
        let times = Times {
            produced_at: 1_700_000_100,
            this_update: 1_700_000_100,
            next_update: 1_700_003_700,
        };
        let key_hash = key_hash(CA).unwrap();
        let tbs = response_data(&parsed, &statuses, &key_hash, times).unwrap();
        assert_eq!(
            response_data(&parsed, &statuses[..2], &key_hash, times).unwrap_err(),
            ResponseError::Statuses
        );
        let der = signed_response(&tbs, Signer::RsaSha256, &[1, 2, 3], CA).unwrap();

        let response = OcspResponse::from_der(&der).unwrap();
        assert_eq!(response.response_status, ResponseStatus::Successful);
        let bytes = response.response_bytes.unwrap();
        assert_eq!(bytes.response_type, BASIC);
        let basic = BasicOcspResponse::from_der(bytes.response.as_bytes()).unwrap();
        assert_eq!(basic.tbs_response_data.to_der().unwrap(), tbs);
        assert_eq!(basic.signature.raw_bytes(), [1, 2, 3]);
        assert_eq!(basic.certs.unwrap()[0].to_der().unwrap(), CA);
        let data = ResponseData::from_der(&tbs).unwrap();
        assert_eq!(data.responder_id.as_bytes(), key_hash);
        let echoed: Vec<CertId> = data.responses.iter().map(|r| r.cert_id.clone()).collect();
        assert_eq!(echoed, ids);
        assert!(matches!(data.responses[0].cert_status, CertStatus::Good(_)));
        match &data.responses[1].cert_status {
            CertStatus::Revoked(info) => {
                assert_eq!(
                    info.revocation_time.to_unix_duration().as_secs(),
                    1_700_000_000
                );
                assert_eq!(info.revocation_reason, Some(CrlReason::KeyCompromise));
            }
            other => panic!("not revoked: {other:?}"),
        }
        assert!(matches!(
            data.responses[2].cert_status,
            CertStatus::Unknown(_)
        ));
        let next = data.responses[0].next_update.unwrap();
        assert_eq!(next.to_unix_duration().as_secs(), 1_700_003_700);
        let extensions = data.response_extensions.unwrap();
        assert_eq!(extensions[0].extn_id, NONCE);
        assert_eq!(extensions[0].extn_value.as_bytes(), nonce);
    }

    #[test]
    fn an_error_answer_is_the_status_alone() {
        for status in [
            ResponseStatus::MalformedRequest,
            ResponseStatus::InternalError,
        ] {
            let response = OcspResponse::from_der(&error_response(status)).unwrap();
            assert_eq!(response.response_status, status);
            assert!(response.response_bytes.is_none());
        }
    }
}
