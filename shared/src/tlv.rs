//! Just enough DER writing for what the collect page writes itself (custody `browser`): the
//! PKCS#12 file ([`crate::bundle::encode`]) and the certificate request
//! ([`crate::csr::build`]). Definite lengths, the handful of types those hold, and SET OF in
//! DER order. Everything written is read back by the der crate's decoders in the tests.
//!
//! Written by hand rather than with the der crate's derived encoders: the structures are fixed
//! and writing needs no defence against hostile input, while the derived encoders added about
//! three times as much code to the page's wasm as this writer and the PKCS#12 assembly do
//! (18 KB gzipped against 7 KB, measured with opt-level "z", LTO and wasm-opt), and x509-cert's
//! encoders for the request about as much again (see `csr::build`).

use der::asn1::ObjectIdentifier as Oid;

const SEQUENCE: u8 = 0x30;
const BIT_STRING: u8 = 0x03;
const UTF8_STRING: u8 = 0x0c;
const SET: u8 = 0x31;
const INTEGER: u8 = 0x02;
const OCTET_STRING: u8 = 0x04;
const OBJECT_IDENTIFIER: u8 = 0x06;
const BMP_STRING: u8 = 0x1e;
/// `[0]`, constructed: an EXPLICIT tag, or an IMPLICIT SET OF (a request's attributes).
const CONTEXT_0: u8 = 0xa0;
/// `[0]`, primitive: an IMPLICIT OCTET STRING.
const IMPLICIT_0: u8 = 0x80;

/// NULL, as an AlgorithmIdentifier's parameters.
pub(crate) const NULL: &[u8] = &[0x05, 0x00];

/// One element whose contents are `parts` one after the other, in one allocation.
fn element(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
    let len: usize = parts.iter().map(|part| part.len()).sum();
    let len_bytes = len.to_be_bytes();
    let significant = &len_bytes[len_bytes.iter().take_while(|byte| **byte == 0).count()..];
    let mut out = Vec::with_capacity(2 + significant.len() + len);
    out.push(tag);
    match significant {
        // Short form: one byte below 0x80 (zero has no significant bytes).
        [] => out.push(0),
        [byte] if *byte < 0x80 => out.push(*byte),
        // Long form: the count of length bytes, then the length. At most 8 bytes, so the cast
        // cannot truncate.
        _ => {
            out.push(0x80 | significant.len() as u8);
            out.extend_from_slice(significant);
        }
    }
    for part in parts {
        out.extend_from_slice(part);
    }
    out
}

pub(crate) fn sequence(elements: &[&[u8]]) -> Vec<u8> {
    element(SEQUENCE, elements)
}

/// A SET OF: DER wants the elements sorted by their encodings.
pub(crate) fn set_of(mut elements: Vec<Vec<u8>>) -> Vec<u8> {
    // An insertion sort: the sets here hold one or two elements, and the standard library's
    // sort would add some 5 KB to the wasm.
    for end in 1..elements.len() {
        let mut at = end;
        while at > 0 && elements[at - 1] > elements[at] {
            elements.swap(at - 1, at);
            at -= 1;
        }
    }
    let parts: Vec<&[u8]> = elements.iter().map(Vec::as_slice).collect();
    element(SET, &parts)
}

pub(crate) fn octet_string(bytes: &[u8]) -> Vec<u8> {
    element(OCTET_STRING, &[bytes])
}

/// `[0] IMPLICIT OCTET STRING`.
pub(crate) fn implicit_octet_string(bytes: &[u8]) -> Vec<u8> {
    element(IMPLICIT_0, &[bytes])
}

/// `[0] EXPLICIT` around one encoded element.
pub(crate) fn explicit(inner: &[u8]) -> Vec<u8> {
    element(CONTEXT_0, &[inner])
}

/// `[0] IMPLICIT SET OF` with no elements: a certificate request's empty attributes.
pub(crate) fn implicit_empty_set() -> Vec<u8> {
    element(CONTEXT_0, &[])
}

pub(crate) fn oid(oid: &Oid) -> Vec<u8> {
    element(OBJECT_IDENTIFIER, &[oid.as_bytes()])
}

/// An INTEGER.
pub(crate) fn integer(value: u32) -> Vec<u8> {
    unsigned_integer(&value.to_be_bytes())
}

/// An INTEGER of the unsigned big-endian `bytes`: without leading zeros, and a zero byte
/// before a set top bit so that it stays positive. No bytes is zero.
pub(crate) fn unsigned_integer(bytes: &[u8]) -> Vec<u8> {
    let start = bytes.iter().take_while(|byte| **byte == 0).count();
    match &bytes[start..] {
        [] => element(INTEGER, &[&[0]]),
        significant if significant[0] & 0x80 != 0 => element(INTEGER, &[&[0], significant]),
        significant => element(INTEGER, &[significant]),
    }
}

/// A BIT STRING of whole bytes (no unused bits).
pub(crate) fn bit_string(bytes: &[u8]) -> Vec<u8> {
    element(BIT_STRING, &[&[0], bytes])
}

pub(crate) fn utf8_string(text: &str) -> Vec<u8> {
    element(UTF8_STRING, &[text.as_bytes()])
}

/// A BMPString (UCS-2, big-endian); `None` when `text` holds a character outside the Basic
/// Multilingual Plane, which UCS-2 cannot hold.
pub(crate) fn bmp_string(text: &str) -> Option<Vec<u8>> {
    let mut contents = Vec::with_capacity(text.len() * 2);
    for c in text.chars() {
        let unit = u16::try_from(u32::from(c)).ok()?;
        contents.extend_from_slice(&unit.to_be_bytes());
    }
    Some(element(BMP_STRING, &[&contents]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::Encode;
    use der::asn1::{BmpString, OctetString};

    #[test]
    fn lengths_take_the_short_form_below_128_and_the_shortest_long_form_above() {
        for len in [0, 1, 127, 128, 255, 256, 65_535, 65_536, 1 << 24] {
            let ours = octet_string(&vec![7; len]);
            let theirs = OctetString::new(vec![7; len]).unwrap().to_der().unwrap();
            assert_eq!(ours, theirs, "{len}");
        }
    }

    #[test]
    fn integers_match_the_der_crate() {
        for value in [
            0,
            1,
            0x7f,
            0x80,
            0xff,
            0x100,
            2048,
            0x8000,
            1_000_000,
            u32::MAX,
        ] {
            assert_eq!(integer(value), value.to_der().unwrap(), "{value}");
        }
    }

    #[test]
    fn big_unsigned_integers_bit_strings_and_utf8_match_the_der_crate() {
        let values: [&[u8]; 6] = [
            &[],
            &[0, 0],
            &[0x7f; 32],
            &[0x80; 32],
            &[0, 0, 1, 2],
            &[0xff; 33],
        ];
        // No bytes is zero, one byte: the der crate would write an INTEGER without contents.
        assert_eq!(unsigned_integer(&[]), [2, 1, 0]);
        for bytes in values {
            if !bytes.is_empty() {
                let theirs = der::asn1::Uint::new(bytes).unwrap().to_der().unwrap();
                assert_eq!(unsigned_integer(bytes), theirs, "{bytes:?}");
            }
            let theirs = der::asn1::BitString::from_bytes(bytes)
                .unwrap()
                .to_der()
                .unwrap();
            assert_eq!(bit_string(bytes), theirs, "{bytes:?}");
        }
        for text in ["", "e-banking", "blåbær"] {
            let theirs = der::asn1::Utf8StringRef::new(text)
                .unwrap()
                .to_der()
                .unwrap();
            assert_eq!(utf8_string(text), theirs, "{text}");
        }
    }

    #[test]
    fn bmp_strings_match_the_der_crate_and_refuse_what_ucs2_cannot_hold() {
        for text in ["", "e-banking", "blåbær-Ø", "\u{fffd}"] {
            let theirs = BmpString::from_utf8(text).unwrap().to_der().unwrap();
            assert_eq!(bmp_string(text), Some(theirs), "{text}");
        }
        assert_eq!(bmp_string("key 🔑"), None);
    }

    #[test]
    fn a_set_of_is_sorted_by_encoding() {
        let set = set_of(vec![
            vec![0x04, 0x01, 0x02],
            vec![0x04, 0x01, 0x01],
            vec![0x02, 0x01, 0x09],
        ]);
        assert_eq!(set, [0x31, 9, 0x02, 1, 9, 0x04, 1, 1, 0x04, 1, 2]);
    }

    #[test]
    fn oids_and_tags_are_written_as_der_has_them() {
        let data = Oid::new_unwrap("1.2.840.113549.1.7.1");
        assert_eq!(oid(&data), data.to_der().unwrap());
        assert_eq!(explicit(NULL), [0xa0, 2, 0x05, 0]);
        assert_eq!(implicit_octet_string(&[1, 2]), [0x80, 2, 1, 2]);
        assert_eq!(
            sequence(&[NULL, &[0x02, 1, 0]]),
            [0x30, 5, 0x05, 0, 0x02, 1, 0]
        );
    }
}
