//! BER to DER, one layer at a time.
//!
//! openssl, Windows and Java write parts of PKCS#12 files in BER: indefinite lengths and
//! OCTET STRINGs split into chunks. The `der` crate reads DER only, so each layer is rewritten
//! before it is decoded. Primitive contents are copied untouched: an OCTET STRING that holds
//! the next layer (or a certificate, or ciphertext) keeps its exact bytes, which is what the
//! MAC and the signatures are computed over.
//!
//! The input is hostile, so the walk is iterative with an explicit stack, bounded in depth and
//! in element count, and every length is checked against what is left.

/// How deeply elements may nest within one layer; PKCS#12 needs about ten.
const MAX_DEPTH: usize = 32;

/// How many elements one layer may hold; a real file has a few hundred.
const MAX_ELEMENTS: usize = 20_000;

const TAG_OCTET_STRING: u8 = 0x04;
const CONSTRUCTED: u8 = 0x20;

/// Why a layer is not BER.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BerError {
    /// The bytes end inside an element, or a length runs past its container.
    Truncated,
    /// A tag or length is not valid BER (or longer than anything a 1 MiB file can hold).
    Invalid,
    /// Too deep or too many elements.
    TooComplex,
    /// Bytes follow the one top-level element.
    TrailingData,
}

/// One element as read, in document order.
struct Element {
    /// The identifier octets, within the input.
    tag: (usize, usize),
    /// For primitive elements, the contents, within the input.
    contents: Option<(usize, usize)>,
    parent: Option<usize>,
    /// A constructed universal OCTET STRING: written as one primitive OCTET STRING.
    joins_chunks: bool,
    /// Inside an element that `joins_chunks`: only its contents are written.
    is_chunk: bool,
    /// The length of the DER contents, filled in bottom-up.
    der_len: usize,
}

/// An element whose end is not reached yet.
struct Open {
    index: usize,
    /// `None` for an indefinite length, which ends at an end-of-contents marker.
    end: Option<usize>,
}

/// Rewrites one complete BER element as DER.
pub(crate) fn to_der(input: &[u8]) -> Result<Vec<u8>, BerError> {
    let elements = read(input)?;
    let elements = measure(elements);
    Ok(write(input, &elements))
}

fn read(input: &[u8]) -> Result<Vec<Element>, BerError> {
    let mut elements: Vec<Element> = Vec::new();
    let mut open: Vec<Open> = Vec::new();
    let mut pos = 0;
    loop {
        // Close every element that ends here.
        while let Some(top) = open.last() {
            match top.end {
                Some(end) if pos == end => {
                    open.pop();
                }
                None if input.get(pos..pos + 2) == Some(&[0, 0]) => {
                    pos += 2;
                    open.pop();
                }
                _ => break,
            }
        }
        if open.is_empty() && !elements.is_empty() {
            return if pos == input.len() {
                Ok(elements)
            } else {
                Err(BerError::TrailingData)
            };
        }
        if elements.len() >= MAX_ELEMENTS {
            return Err(BerError::TooComplex);
        }
        let limit = match open.last().and_then(|top| top.end) {
            Some(end) => end,
            None => input.len(),
        };
        let parent = open.last().map(|top| top.index);
        let header = header(input, pos, limit)?;
        let first = input.get(pos).copied().ok_or(BerError::Truncated)?;
        let constructed = first & CONSTRUCTED != 0;
        let in_chunks = parent.is_some_and(|p| {
            elements
                .get(p)
                .is_some_and(|e| e.joins_chunks || e.is_chunk)
        });
        if in_chunks && first & !CONSTRUCTED != TAG_OCTET_STRING {
            return Err(BerError::Invalid);
        }
        let index = elements.len();
        let mut element = Element {
            tag: (pos, header.tag_end),
            contents: None,
            parent,
            joins_chunks: constructed && first == TAG_OCTET_STRING | CONSTRUCTED && !in_chunks,
            is_chunk: in_chunks,
            der_len: 0,
        };
        pos = header.contents_start;
        match (constructed, header.len) {
            (false, Some(len)) => {
                element.contents = Some((pos, pos + len));
                pos += len;
            }
            (false, None) => return Err(BerError::Invalid),
            (true, len) => {
                if open.len() >= MAX_DEPTH {
                    return Err(BerError::TooComplex);
                }
                open.push(Open {
                    index,
                    end: len.map(|len| pos + len),
                });
            }
        }
        elements.push(element);
    }
}

struct Header {
    tag_end: usize,
    contents_start: usize,
    /// `None` for an indefinite length.
    len: Option<usize>,
}

/// Reads the identifier and length octets at `pos`; the element must end by `limit`.
fn header(input: &[u8], pos: usize, limit: usize) -> Result<Header, BerError> {
    let byte = |at: usize| {
        if at < limit {
            input.get(at).copied().ok_or(BerError::Truncated)
        } else {
            Err(BerError::Truncated)
        }
    };
    let first = byte(pos)?;
    let mut at = pos + 1;
    if first == 0 {
        // End-of-contents where no indefinite length is open (or cut in half).
        byte(pos + 1)?;
        return Err(BerError::Invalid);
    }
    if first & 0x1f == 0x1f {
        // High tag number: base-128 digits; four are far more than PKCS#12 uses.
        let mut digits = 0;
        loop {
            let next = byte(at)?;
            at += 1;
            digits += 1;
            if next & 0x80 == 0 {
                break;
            }
            if digits == 4 {
                return Err(BerError::Invalid);
            }
        }
    }
    let tag_end = at;
    let first_len = byte(at)?;
    at += 1;
    let len = match first_len {
        0x80 => None,
        short if short < 0x80 => Some(usize::from(short)),
        // Up to four length octets: anything larger cannot fit in a 1 MiB file.
        long @ 0x81..=0x84 => {
            let mut len: usize = 0;
            for _ in 0..(long & 0x7f) {
                len = (len << 8) | usize::from(byte(at)?);
                at += 1;
            }
            Some(len)
        }
        _ => return Err(BerError::Invalid),
    };
    if let Some(len) = len {
        let end = at.checked_add(len).ok_or(BerError::Invalid)?;
        if end > limit || end > input.len() {
            return Err(BerError::Truncated);
        }
    }
    Ok(Header {
        tag_end,
        contents_start: at,
        len,
    })
}

/// Fills in every element's DER contents length. Children follow their parent in document
/// order, so walking backwards sees each element complete before its parent.
fn measure(mut elements: Vec<Element>) -> Vec<Element> {
    for index in (0..elements.len()).rev() {
        let Some(element) = elements.get_mut(index) else {
            continue;
        };
        if let Some((start, end)) = element.contents {
            element.der_len = end - start;
        }
        let own = element.der_len;
        let encoded = if element.is_chunk {
            own
        } else {
            (element.tag.1 - element.tag.0) + length_octets(own) + own
        };
        if let Some(parent) = element.parent.and_then(|p| elements.get_mut(p)) {
            parent.der_len += encoded;
        }
    }
    elements
}

fn write(input: &[u8], elements: &[Element]) -> Vec<u8> {
    let total = elements
        .first()
        .map_or(0, |root| 1 + length_octets(root.der_len) + root.der_len);
    let mut out = Vec::with_capacity(total + 8);
    for element in elements {
        if !element.is_chunk {
            if element.joins_chunks {
                out.push(TAG_OCTET_STRING);
            } else {
                out.extend_from_slice(input.get(element.tag.0..element.tag.1).unwrap_or(&[]));
            }
            push_length(&mut out, element.der_len);
        }
        if let Some((start, end)) = element.contents {
            out.extend_from_slice(input.get(start..end).unwrap_or(&[]));
        }
    }
    out
}

fn length_octets(len: usize) -> usize {
    match len {
        0..0x80 => 1,
        0x80..0x100 => 2,
        0x100..0x1_0000 => 3,
        0x1_0000..0x100_0000 => 4,
        _ => 5,
    }
}

fn push_length(out: &mut Vec<u8>, len: usize) {
    let octets = length_octets(len);
    if octets == 1 {
        out.push(len as u8);
        return;
    }
    out.push(0x80 | (octets - 1) as u8);
    for shift in (0..octets - 1).rev() {
        out.push((len >> (8 * shift)) as u8);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(text: &str) -> Vec<u8> {
        hex::decode(text.replace(' ', "")).expect("test hex")
    }

    #[test]
    fn der_passes_through_unchanged() {
        let der = hex("30 0a 02 01 03 04 05 68 65 6c 6c 6f");
        assert_eq!(to_der(&der), Ok(der));
    }

    #[test]
    fn indefinite_lengths_become_definite() {
        let ber = hex("30 80 02 01 03 a0 80 04 01 aa 00 00 00 00");
        assert_eq!(to_der(&ber), Ok(hex("30 08 02 01 03 a0 03 04 01 aa")));
    }

    #[test]
    fn a_chunked_octet_string_becomes_one_primitive_string() {
        let ber = hex("24 80 04 02 01 02 24 03 04 01 03 04 00 00 00");
        assert_eq!(to_der(&ber), Ok(hex("04 03 01 02 03")));
    }

    #[test]
    fn octet_string_contents_are_not_rewritten() {
        // The contents look like indefinite BER but belong to the next layer.
        let der = hex("04 04 30 80 00 00");
        assert_eq!(to_der(&der), Ok(der));
    }

    #[test]
    fn long_form_lengths_are_made_minimal() {
        let ber = hex("30 81 03 02 01 05");
        assert_eq!(to_der(&ber), Ok(hex("30 03 02 01 05")));
    }

    #[test]
    fn a_long_element_gets_a_long_length() {
        let mut ber = hex("24 80 04 81 c8");
        ber.extend([7u8; 200]);
        ber.extend([0, 0]);
        let der = to_der(&ber).expect("valid");
        assert_eq!(&der[..3], &hex("04 81 c8")[..]);
        assert_eq!(der.len(), 203);
    }

    #[test]
    fn a_chunk_that_is_not_an_octet_string_is_refused() {
        assert_eq!(to_der(&hex("24 80 02 01 01 00 00")), Err(BerError::Invalid));
    }

    #[test]
    fn truncated_input_is_refused() {
        for ber in [
            "30",
            "30 05 02 01",
            "30 80 02 01 03",
            "30 80 02 01 03 00",
            "04 82 01",
        ] {
            assert_eq!(to_der(&hex(ber)), Err(BerError::Truncated), "{ber}");
        }
    }

    #[test]
    fn a_child_running_past_its_parent_is_refused() {
        assert_eq!(
            to_der(&hex("30 03 04 03 01 02 03")),
            Err(BerError::Truncated)
        );
    }

    #[test]
    fn empty_input_and_trailing_bytes_are_refused() {
        assert_eq!(to_der(&[]), Err(BerError::Truncated));
        assert_eq!(to_der(&hex("05 00 05 00")), Err(BerError::TrailingData));
    }

    #[test]
    fn an_indefinite_primitive_and_a_stray_end_marker_are_refused() {
        assert_eq!(to_der(&hex("04 80 00 00")), Err(BerError::Invalid));
        assert_eq!(to_der(&hex("30 02 00 00")), Err(BerError::Invalid));
    }

    #[test]
    fn deep_nesting_is_refused_without_recursion() {
        let mut ber = Vec::new();
        for _ in 0..100_000 {
            ber.extend([0x30, 0x80]);
        }
        assert_eq!(to_der(&ber), Err(BerError::TooComplex));
    }

    #[test]
    fn too_many_elements_are_refused() {
        let mut ber = hex("30 80");
        for _ in 0..MAX_ELEMENTS {
            ber.extend([0x05, 0x00]);
        }
        ber.extend([0, 0]);
        assert_eq!(to_der(&ber), Err(BerError::TooComplex));
    }

    #[test]
    fn high_tag_numbers_are_copied() {
        let der = hex("9f 81 00 01 ff");
        assert_eq!(to_der(&der), Ok(der));
    }
}
