//! The commands that make a key and its certificate request on the contact's own server,
//! filled with the order's subject; the names of the files they write and the portal's
//! answer is saved as; and how a chosen request file becomes the text the portal takes.
//! Pure functions, so that every quoting rule is tested here.

use base64::Engine as _;

/// The names the key, the request and the certificate are written under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Files {
    /// `e-banking`, as the server names a PKCS#12 file.
    pub stem: String,
}

impl Files {
    /// The rule of `ClientName::file_stem`, which the server names its files by: ASCII
    /// letters and digits in lower case, runs of anything else one `-`. Written out here
    /// because reaching it through `ClientName::parse` brings Unicode tables into the page.
    pub fn for_client(client: &str) -> Self {
        let mut stem = String::new();
        for c in client.chars() {
            if c.is_ascii_alphanumeric() {
                stem.push(c.to_ascii_lowercase());
            } else if !stem.ends_with('-') {
                stem.push('-');
            }
        }
        let stem = match stem.trim_matches('-') {
            "" => "client".to_owned(),
            stem => stem.to_owned(),
        };
        Self { stem }
    }

    pub fn key(&self) -> String {
        format!("{}.key", self.stem)
    }

    pub fn request(&self) -> String {
        format!("{}.csr", self.stem)
    }

    /// `e-banking-0a1b.crt`.
    pub fn certificate(&self, serial: &str) -> String {
        format!("{}-{}.crt", self.stem, serial_hex(serial))
    }
}

/// The serial's hex digits alone: it goes into file names and the install guides' commands.
pub fn serial_hex(serial: &str) -> String {
    serial.chars().filter(char::is_ascii_hexdigit).collect()
}

/// The name the CA certificate is saved as.
pub const CHAIN_FILE: &str = "ca.pem";

/// The attributes of a subject in `openssl req -subj` form (`/O=…/OU=…/CN=…`), most general
/// first. The portal writes the values as they are, so a `/` that does not start another
/// `TYPE=` is taken to belong to the value before it (`/O=Acme A/S/…`); `\` escapes the
/// next character, should a value come escaped.
fn attributes(subject: &str) -> Vec<(String, String)> {
    let mut pieces = vec![String::new()];
    let mut chars = subject.chars();
    while let Some(c) = chars.next() {
        if c == '/' {
            pieces.push(String::new());
            continue;
        }
        let c = match c {
            '\\' => match chars.next() {
                Some(escaped) => escaped,
                None => break,
            },
            c => c,
        };
        if let Some(piece) = pieces.last_mut() {
            piece.push(c);
        }
    }
    let mut found: Vec<(String, String)> = Vec::new();
    for piece in pieces.into_iter().skip_while(String::is_empty) {
        match (piece.split_once('='), found.last_mut()) {
            (Some((kind, value)), _)
                if !kind.is_empty() && kind.chars().all(|c| c.is_ascii_alphanumeric()) =>
            {
                found.push((kind.to_owned(), value.to_owned()));
            }
            (_, Some((_, value))) => {
                value.push('/');
                value.push_str(&piece);
            }
            (_, None) => {}
        }
    }
    found
}

/// The subject as `-subj` reads it, with `/` and `\` in values escaped.
fn openssl_subject(attributes: &[(String, String)]) -> String {
    attributes
        .iter()
        .map(|(kind, value)| {
            let value = value.replace('\\', "\\\\").replace('/', "\\/");
            format!("/{kind}={value}")
        })
        .collect()
}

/// `text` as one argument for a POSIX shell: in single quotes, each `'` closed, escaped and
/// reopened.
fn shell_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// The commands that make an RSA 2048 key and its request with openssl, for `subject`.
pub fn openssl_rsa(files: &Files, subject: &str) -> String {
    openssl_request(files, subject, "-newkey rsa:2048")
}

/// The same with an ECDSA P-256 key.
pub fn openssl_p256(files: &Files, subject: &str) -> String {
    openssl_request(
        files,
        subject,
        "-newkey ec -pkeyopt ec_paramgen_curve:P-256",
    )
}

fn openssl_request(files: &Files, subject: &str, key: &str) -> String {
    let subject = shell_quoted(&openssl_subject(&attributes(subject)));
    // -nodes: the key is for a service that starts unattended; the chmod keeps it the
    // service owner's alone.
    format!(
        "openssl req -new {key} -nodes -keyout {key_file} -out {request} -subj {subject}\n\
         chmod 600 {key_file}",
        key_file = files.key(),
        request = files.request(),
    )
}

/// The subject as Windows writes an X.500 name (`CN=…, OU=…, O=…`, most specific first),
/// a value with a separator or a quote in double quotes with its quotes doubled.
fn windows_subject(attributes: &[(String, String)]) -> String {
    attributes
        .iter()
        .rev()
        .map(|(kind, value)| {
            let special = |c: char| matches!(c, ',' | '+' | '=' | '"' | ';' | '<' | '>' | '#');
            if value.contains(special) || value.starts_with(' ') || value.ends_with(' ') {
                format!("{kind}=\"{}\"", value.replace('"', "\"\""))
            } else {
                format!("{kind}={value}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The `request.inf` certreq reads: an RSA 2048 key in the machine's store, exportable so
/// that it can be copied into a Java keystore or a PEM file later.
pub fn certreq_inf(subject: &str) -> String {
    // The INF's own quoting doubles every quote inside the value.
    let subject = windows_subject(&attributes(subject)).replace('"', "\"\"");
    format!(
        "[NewRequest]\n\
         Subject = \"{subject}\"\n\
         KeyLength = 2048\n\
         KeySpec = 1\n\
         Exportable = TRUE\n\
         MachineKeySet = TRUE\n\
         RequestType = PKCS10\n\
         HashAlgorithm = sha256"
    )
}

/// The command that makes the key and the request from `request.inf`.
pub const CERTREQ_NEW: &str = "certreq -new request.inf request.csr";

/// What a chosen request file becomes in the request field: a PEM file as its text, anything
/// else (DER) as base64, which the portal takes too. Leading white space and the byte order
/// mark Notepad writes do not hide a PEM file; one that is not UTF-8 is broken, and goes as
/// base64 for the portal to refuse in words.
pub fn request_text(bytes: &[u8]) -> String {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(text.len());
    let pem = Some(&text[start..])
        .filter(|text| text.starts_with(b"-----BEGIN"))
        .and_then(|text| String::from_utf8(text.to_vec()).ok());
    pem.unwrap_or_else(|| base64::engine::general_purpose::STANDARD.encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use certportal_shared::model::ClientName;

    const SUBJECT: &str = "/O=Acme AS/OU=Payments API/CN=e-banking";

    fn files() -> Files {
        Files::for_client("e-banking")
    }

    #[test]
    fn the_openssl_line_carries_the_orders_subject_and_the_clients_file_names() {
        assert_eq!(
            openssl_rsa(&files(), SUBJECT).lines().next(),
            Some(
                "openssl req -new -newkey rsa:2048 -nodes -keyout e-banking.key \
                 -out e-banking.csr -subj '/O=Acme AS/OU=Payments API/CN=e-banking'"
            )
        );
        let p256 = openssl_p256(&files(), SUBJECT);
        assert!(
            p256.contains("-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes"),
            "{p256}"
        );
        assert!(p256.ends_with("chmod 600 e-banking.key"), "{p256}");
    }

    #[test]
    fn a_slash_or_a_quote_in_a_value_survives_the_subject_and_the_shell() {
        let line = openssl_rsa(&files(), "/O=Acme A/S/OU=O'Brien's API/CN=e-banking");
        assert!(
            line.contains(r"-subj '/O=Acme A\/S/OU=O'\''Brien'\''s API/CN=e-banking'"),
            "{line}"
        );
        assert_eq!(
            attributes(r"/O=Acme A\/S/CN=x"),
            [("O".into(), "Acme A/S".into()), ("CN".into(), "x".into())]
        );
    }

    #[test]
    fn the_inf_names_the_subject_most_specific_first_and_asks_for_the_brief_key() {
        let inf = certreq_inf(SUBJECT);
        assert!(
            inf.contains("Subject = \"CN=e-banking, OU=Payments API, O=Acme AS\""),
            "{inf}"
        );
        for line in [
            "KeyLength = 2048",
            "Exportable = TRUE",
            "MachineKeySet = TRUE",
            "RequestType = PKCS10",
            "KeySpec = 1",
            "HashAlgorithm = sha256",
        ] {
            assert!(inf.lines().any(|l| l == line), "{line} in {inf}");
        }
    }

    #[test]
    fn a_comma_or_a_quote_in_a_value_is_quoted_twice_over_in_the_inf() {
        let inf = certreq_inf("/O=Acme, \"North\"/CN=e-banking");
        assert!(
            inf.contains(r#"Subject = "CN=e-banking, O=""Acme, """"North""""""""#),
            "{inf}"
        );
    }

    #[test]
    fn pem_files_are_read_as_text_and_der_files_as_base64() {
        let pem = "-----BEGIN CERTIFICATE REQUEST-----\nAQID\n-----END CERTIFICATE REQUEST-----\n";
        assert_eq!(request_text(pem.as_bytes()), pem);
        let notepad = format!("\u{feff}\r\n{pem}");
        assert_eq!(request_text(notepad.as_bytes()), pem);
        assert_eq!(request_text(&[0x30, 0x82, 0x01]), "MIIB");
        assert_eq!(request_text(b"  not pem"), "ICBub3QgcGVt");
    }

    #[test]
    fn the_files_are_named_by_the_clients_stem_and_the_serials_hex() {
        let files = Files::for_client("Min side");
        assert_eq!(files.key(), "min-side.key");
        assert_eq!(files.request(), "min-side.csr");
        assert_eq!(files.certificate("0a1B;rm"), "min-side-0a1B.crt");
    }

    #[test]
    fn the_stem_is_the_one_the_server_names_its_files_by() {
        for client in ["e-banking", "Min side.ø", "ææ", "A b__c."] {
            let parsed = ClientName::parse(client).map(|name| name.file_stem());
            assert_eq!(Ok(Files::for_client(client).stem), parsed, "{client}");
        }
    }
}
