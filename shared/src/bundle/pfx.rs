//! The PKCS#12 structure (RFC 7292): the PFX, its authenticated safe, the safe contents and
//! their bags, read layer by layer with [`ber::to_der`] before each.

use super::ber;
use super::engine::Pbes2Job;
use super::kdf;
use super::mac::MacData;
use super::pbe::{Decrypter, Scheme};
use super::{Envelope, InspectError, MAX_FILE_SIZE, Part, PartKind, malformed, unsupported};
use crate::error::ErrorCode;
use crate::model::Sha256Digest;
use der::asn1::{AnyRef, ObjectIdentifier as Oid, OctetStringRef, UintRef};
use der::{Decode, Encode, Reader, Sequence, SliceReader, Tag, TagNumber, Tagged};
use sha2::{Digest, Sha256};
use spki::AlgorithmIdentifierRef;
use zeroize::Zeroizing;

const DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.1");
const SIGNED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.2");
const ENCRYPTED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.6");
const KEY_BAG: Oid = Oid::new_unwrap("1.2.840.113549.1.12.10.1.1");
const SHROUDED_KEY_BAG: Oid = Oid::new_unwrap("1.2.840.113549.1.12.10.1.2");
const CERT_BAG: Oid = Oid::new_unwrap("1.2.840.113549.1.12.10.1.3");
const X509_CERTIFICATE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.22.1");
const LOCAL_KEY_ID: Oid = Oid::new_unwrap("1.2.840.113549.1.9.21");

#[derive(Sequence)]
struct PfxAsn1<'a> {
    version: u8,
    auth_safe: ContentInfo<'a>,
    mac_data: Option<MacDataAsn1<'a>>,
}

#[derive(Sequence)]
struct ContentInfo<'a> {
    content_type: Oid,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    content: Option<AnyRef<'a>>,
}

#[derive(Sequence)]
struct MacDataAsn1<'a> {
    mac: DigestInfo<'a>,
    mac_salt: &'a OctetStringRef,
    iterations: Option<UintRef<'a>>,
}

#[derive(Sequence)]
struct DigestInfo<'a> {
    algorithm: AlgorithmIdentifierRef<'a>,
    digest: &'a OctetStringRef,
}

#[derive(Sequence)]
struct EncryptedData<'a> {
    version: u8,
    encrypted_content_info: EncryptedContentInfo<'a>,
}

#[derive(Sequence)]
struct EncryptedContentInfo<'a> {
    content_type: Oid,
    content_encryption_algorithm: AlgorithmIdentifierRef<'a>,
    /// `[0] IMPLICIT OCTET STRING`, which BER writers send as a constructed string of chunks;
    /// read as any element so both forms reach [`implicit_octets`].
    encrypted_content: Option<AnyRef<'a>>,
}

#[derive(Sequence)]
struct SafeBag<'a> {
    bag_id: Oid,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    bag_value: AnyRef<'a>,
    bag_attributes: Option<AnyRef<'a>>,
}

#[derive(Sequence)]
struct EncryptedPrivateKeyInfo<'a> {
    algorithm: AlgorithmIdentifierRef<'a>,
    encrypted_data: &'a OctetStringRef,
}

#[derive(Sequence)]
struct CertBag<'a> {
    cert_id: Oid,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    cert_value: &'a OctetStringRef,
}

#[derive(Sequence)]
struct Attribute<'a> {
    attr_type: Oid,
    attr_values: AnyRef<'a>,
}

/// A file read as far as it can be without the password.
pub(crate) struct Parsed {
    pub(crate) envelope: Envelope,
    /// The authenticated safe's bytes, which the MAC covers.
    pub(crate) auth_safe: Vec<u8>,
    pub(crate) mac: Option<MacData>,
    pub(crate) contents: Vec<Content>,
}

/// One entry of the authenticated safe.
pub(crate) enum Content {
    Plain(Vec<Bag>),
    Encrypted { scheme: Scheme, ciphertext: Vec<u8> },
}

/// A bag the inspector uses; CRL, secret and nested bags are skipped.
#[derive(Clone)]
pub(crate) enum Bag {
    Certificate(StoredCertificate),
    Key(StoredKey),
}

/// A certificate bag's DER certificate.
#[derive(Clone)]
pub(crate) struct StoredCertificate {
    pub(crate) der: Vec<u8>,
    pub(crate) local_key_id: Option<Vec<u8>>,
}

/// A private key bag.
#[derive(Clone)]
pub(crate) struct StoredKey {
    pub(crate) key: KeyData,
    pub(crate) local_key_id: Option<Vec<u8>>,
}

/// A private key as stored: PKCS#8 in the clear, or encrypted.
#[derive(Clone)]
pub(crate) enum KeyData {
    Plain(Zeroizing<Vec<u8>>),
    Shrouded { scheme: Scheme, ciphertext: Vec<u8> },
}

/// The bags of every part, encrypted parts decrypted.
pub(crate) struct Bags {
    pub(crate) certificates: Vec<StoredCertificate>,
    pub(crate) keys: Vec<StoredKey>,
}

/// Why a SafeContents could not be read.
enum BagsError {
    /// Not a SafeContents (for decrypted data: the sign of a wrong key).
    Unreadable,
    /// Readable, but something in it is refused (an unsupported scheme, say).
    Refused(InspectError),
}

/// Reads everything that needs no password and checks it is supported; [`super::limits`]
/// then checks it is within limits.
pub(crate) fn parse(file: &[u8]) -> Result<Parsed, InspectError> {
    if file.len() > MAX_FILE_SIZE {
        return Err(InspectError::new(
            ErrorCode::FileTooLarge,
            format!("the file is larger than {} KiB", MAX_FILE_SIZE / 1024),
        ));
    }
    if !looks_like_pfx(file) {
        return Err(InspectError::new(
            ErrorCode::NotPkcs12,
            "the file is not a PKCS#12 (.p12/.pfx) file",
        ));
    }
    let damaged = || malformed("the file is damaged or incomplete");
    let der = ber::to_der(file).map_err(|_| damaged())?;
    let pfx = PfxAsn1::from_der(&der).map_err(|_| damaged())?;
    match pfx.auth_safe.content_type {
        DATA => {}
        SIGNED_DATA => {
            return Err(unsupported(
                "files protected by a signature instead of a password are not supported",
            ));
        }
        other => {
            return Err(unsupported(format!(
                "the content type {other} is not supported"
            )));
        }
    }
    let auth_safe = octets(pfx.auth_safe.content)?.to_vec();
    let mac = pfx.mac_data.map(read_mac).transpose()?;

    let auth_safe_der = ber::to_der(&auth_safe).map_err(|_| damaged())?;
    let content_infos = Vec::<ContentInfo<'_>>::from_der(&auth_safe_der)
        .map_err(|_| malformed("the file's list of contents is damaged"))?;
    let contents = content_infos
        .into_iter()
        .map(read_content)
        .collect::<Result<Vec<_>, _>>()?;

    let envelope = Envelope {
        file_sha256: Sha256Digest::from_bytes(Sha256::digest(file).into()),
        mac: mac.as_ref().map(MacData::summary),
        parts: contents.iter().flat_map(parts).collect(),
    };
    Ok(Parsed {
        envelope,
        auth_safe,
        mac,
        contents,
    })
}

/// A PFX starts with a SEQUENCE whose first element is INTEGER 3. Anything else is some other
/// file, not a damaged PKCS#12 one.
fn looks_like_pfx(file: &[u8]) -> bool {
    let version_at = match file {
        [0x30, 0x80, ..] => 2,
        [0x30, short, ..] if *short < 0x80 => 2,
        [0x30, long @ 0x81..=0x84, ..] => 2 + usize::from(long & 0x7f),
        _ => return false,
    };
    file.get(version_at..version_at + 3) == Some(&[0x02, 0x01, 0x03])
}

fn read_mac(mac: MacDataAsn1<'_>) -> Result<MacData, InspectError> {
    let iterations = match mac.iterations {
        Some(count) => kdf::iterations(count)?,
        None => 1,
    };
    MacData::new(
        mac.mac.algorithm.oid,
        mac.mac.digest.as_bytes(),
        mac.mac_salt.as_bytes(),
        iterations,
    )
}

fn read_content(info: ContentInfo<'_>) -> Result<Content, InspectError> {
    match info.content_type {
        DATA => {
            let damaged = || malformed("a part of the file is damaged");
            let safe_contents = ber::to_der(octets(info.content)?).map_err(|_| damaged())?;
            match read_bags(&safe_contents) {
                Ok(bags) => Ok(Content::Plain(bags)),
                Err(BagsError::Unreadable) => Err(damaged()),
                Err(BagsError::Refused(error)) => Err(error),
            }
        }
        ENCRYPTED_DATA => {
            let damaged = || malformed("an encrypted part of the file is damaged");
            let encrypted = info
                .content
                .and_then(|content| content.decode_as::<EncryptedData<'_>>().ok())
                .ok_or_else(damaged)?;
            let info = encrypted.encrypted_content_info;
            let scheme = Scheme::parse(&info.content_encryption_algorithm)?;
            let ciphertext = info
                .encrypted_content
                .and_then(implicit_octets)
                .ok_or_else(damaged)?;
            Ok(Content::Encrypted { scheme, ciphertext })
        }
        other => Err(unsupported(format!(
            "the file holds a part of type {other}, which is not supported"
        ))),
    }
}

/// The contents of `[0] EXPLICIT OCTET STRING`.
fn octets(content: Option<AnyRef<'_>>) -> Result<&[u8], InspectError> {
    content
        .and_then(|any| any.decode_as::<&OctetStringRef>().ok())
        .map(OctetStringRef::as_bytes)
        .ok_or_else(|| malformed("a part of the file has no contents"))
}

/// The contents of `[0] IMPLICIT OCTET STRING`, primitive or as a constructed string of chunks.
fn implicit_octets(any: AnyRef<'_>) -> Option<Vec<u8>> {
    let context_zero = |constructed| Tag::ContextSpecific {
        constructed,
        number: TagNumber(0),
    };
    if any.tag() == context_zero(false) {
        return Some(any.value().to_vec());
    }
    if any.tag() != context_zero(true) {
        return None;
    }
    let mut reader = SliceReader::new(any.value()).ok()?;
    let mut joined = Vec::new();
    while !reader.is_finished() {
        joined.extend_from_slice(reader.decode::<&OctetStringRef>().ok()?.as_bytes());
    }
    Some(joined)
}

/// Reads a SafeContents.
fn read_bags(safe_contents: &[u8]) -> Result<Vec<Bag>, BagsError> {
    let unreadable = |_| BagsError::Unreadable;
    let bags = Vec::<SafeBag<'_>>::from_der(safe_contents).map_err(unreadable)?;
    let mut read = Vec::new();
    for bag in bags {
        let local_key_id = match bag.bag_attributes {
            Some(attributes) => local_key_id(attributes).ok_or(BagsError::Unreadable)?,
            None => None,
        };
        match bag.bag_id {
            KEY_BAG => {
                let pkcs8 = Zeroizing::new(bag.bag_value.to_der().map_err(unreadable)?);
                read.push(Bag::Key(StoredKey {
                    key: KeyData::Plain(pkcs8),
                    local_key_id,
                }));
            }
            SHROUDED_KEY_BAG => {
                let info = bag
                    .bag_value
                    .decode_as::<EncryptedPrivateKeyInfo<'_>>()
                    .map_err(unreadable)?;
                read.push(Bag::Key(StoredKey {
                    key: KeyData::Shrouded {
                        scheme: Scheme::parse(&info.algorithm).map_err(BagsError::Refused)?,
                        ciphertext: info.encrypted_data.as_bytes().to_vec(),
                    },
                    local_key_id,
                }));
            }
            CERT_BAG => {
                let cert_bag = bag
                    .bag_value
                    .decode_as::<CertBag<'_>>()
                    .map_err(unreadable)?;
                if cert_bag.cert_id == X509_CERTIFICATE {
                    read.push(Bag::Certificate(StoredCertificate {
                        der: cert_bag.cert_value.as_bytes().to_vec(),
                        local_key_id,
                    }));
                }
            }
            _ => {}
        }
    }
    Ok(read)
}

/// The localKeyId attribute from a bag's attribute SET; `Some(None)` when there is none.
fn local_key_id(attributes: AnyRef<'_>) -> Option<Option<Vec<u8>>> {
    if attributes.tag() != Tag::Set {
        return None;
    }
    let mut reader = SliceReader::new(attributes.value()).ok()?;
    while !reader.is_finished() {
        let attribute = reader.decode::<Attribute<'_>>().ok()?;
        if attribute.attr_type == LOCAL_KEY_ID {
            let mut values = SliceReader::new(attribute.attr_values.value()).ok()?;
            let id = values.decode::<&OctetStringRef>().ok()?;
            return Some(Some(id.as_bytes().to_vec()));
        }
    }
    Some(None)
}

fn parts(content: &Content) -> Vec<Part> {
    match content {
        Content::Encrypted { scheme, .. } => vec![Part {
            kind: PartKind::Container,
            encryption: Some(scheme.describe()),
        }],
        Content::Plain(bags) => bags
            .iter()
            .map(|bag| match bag {
                Bag::Certificate(_) => Part {
                    kind: PartKind::Certificate,
                    encryption: None,
                },
                Bag::Key(stored) => Part {
                    kind: PartKind::PrivateKey,
                    encryption: match &stored.key {
                        KeyData::Plain(_) => None,
                        KeyData::Shrouded { scheme, .. } => Some(scheme.describe()),
                    },
                },
            })
            .collect(),
    }
}

/// The PBES2 decryptions seen before decrypting anything: the encrypted parts and the
/// shrouded keys in the clear parts (a key inside an encrypted part is found only after it).
pub(crate) fn pbes2_jobs(contents: &[Content]) -> Vec<(&Scheme, Pbes2Job<'_>)> {
    fn shrouded(bag: &Bag) -> Option<(&Scheme, &Vec<u8>)> {
        match bag {
            Bag::Key(StoredKey {
                key: KeyData::Shrouded { scheme, ciphertext },
                ..
            }) => Some((scheme, ciphertext)),
            _ => None,
        }
    }
    contents
        .iter()
        .flat_map(|content| match content {
            Content::Encrypted { scheme, ciphertext } => vec![(scheme, ciphertext)],
            Content::Plain(bags) => bags.iter().filter_map(shrouded).collect(),
        })
        .filter_map(|(scheme, ciphertext)| Some((scheme, scheme.pbes2_job(ciphertext)?)))
        .collect()
}

/// Decrypts the encrypted parts and gathers every certificate and key.
pub(crate) fn decrypt_contents(
    contents: &[Content],
    decrypter: &Decrypter<'_, '_>,
) -> Result<Bags, InspectError> {
    let mut gathered = Bags {
        certificates: Vec::new(),
        keys: Vec::new(),
    };
    for content in contents {
        let bags = match content {
            Content::Plain(bags) => bags.clone(),
            Content::Encrypted { scheme, ciphertext } => {
                let what = "encrypted part";
                let plaintext = decrypter.decrypt(scheme, ciphertext, what)?;
                let safe_contents = ber::to_der(&plaintext)
                    .map(Zeroizing::new)
                    .map_err(|_| decrypter.undecodable(what))?;
                match read_bags(&safe_contents) {
                    Ok(bags) => bags,
                    Err(BagsError::Unreadable) => return Err(decrypter.undecodable(what)),
                    Err(BagsError::Refused(error)) => return Err(error),
                }
            }
        };
        for bag in bags {
            match bag {
                Bag::Certificate(certificate) => gathered.certificates.push(certificate),
                Bag::Key(key) => gathered.keys.push(key),
            }
        }
    }
    Ok(gathered)
}
