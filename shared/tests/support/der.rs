//! Just enough DER to write PKCS#12 structures by hand.

use der::Encode;
use der::asn1::ObjectIdentifier;

/// One element: tag, definite length, contents.
pub fn tlv(tag: u8, contents: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = contents.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|byte| *byte == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(contents);
    out
}

pub fn seq(elements: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x30, &elements.concat())
}

pub fn set(elements: &[Vec<u8>]) -> Vec<u8> {
    tlv(0x31, &elements.concat())
}

pub fn octets(bytes: &[u8]) -> Vec<u8> {
    tlv(0x04, bytes)
}

/// `[0] EXPLICIT`.
pub fn explicit(contents: &[u8]) -> Vec<u8> {
    tlv(0xa0, contents)
}

/// `[0] IMPLICIT OCTET STRING`.
pub fn implicit_octets(bytes: &[u8]) -> Vec<u8> {
    tlv(0x80, bytes)
}

pub fn int(value: u32) -> Vec<u8> {
    value.to_der().expect("an INTEGER")
}

pub fn oid(dotted: &str) -> Vec<u8> {
    ObjectIdentifier::new_unwrap(dotted)
        .to_der()
        .expect("an OID")
}

pub fn null() -> Vec<u8> {
    vec![0x05, 0x00]
}
