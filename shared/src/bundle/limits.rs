//! What keeps a hostile file from holding the inspector for long: a budget of hash work,
//! charged before the work runs, and caps on the keys and certificates a file may hold.
//!
//! The budget is checked twice. Before any derivation, on what can be seen without decrypting
//! (the MAC, every encrypted part, the keys stored outside them); then again once the parts are
//! decrypted and show the keys inside them, before any of those is decrypted. How each
//! derivation is charged is in [`super::work`].

use super::pbe::Password;
use super::pfx::{Bag, Bags, Content, KeyData, Parsed, StoredKey};
use super::{InspectError, MAX_CERTIFICATES, MAX_KEYS, MAX_WORK};
use crate::error::ErrorCode;

/// The limits one inspection runs under; tests lower them to reach them with small files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Limits {
    /// Hash compressions, in the units of [`super::work`].
    pub(crate) work: u64,
    pub(crate) keys: usize,
    pub(crate) certificates: usize,
}

impl Limits {
    /// The limits of [`super::probe`] and [`super::open`].
    pub(crate) const DEFAULT: Self = Self {
        work: MAX_WORK,
        keys: MAX_KEYS,
        certificates: MAX_CERTIFICATES,
    };

    /// Checks what can be seen before decrypting. `forms` are the forms of the password the
    /// MAC will try; each part is charged at the dearest of them.
    pub(crate) fn check_parsed(
        &self,
        parsed: &Parsed,
        forms: &[Password<'_>],
    ) -> Result<(), InspectError> {
        let (mut keys, mut certificates) = (Vec::new(), 0);
        for content in &parsed.contents {
            if let Content::Plain(bags) = content {
                for bag in bags {
                    match bag {
                        Bag::Key(key) => keys.push(key),
                        Bag::Certificate(_) => certificates += 1,
                    }
                }
            }
        }
        self.check_counts(keys.len(), certificates)?;
        self.check_work(
            parsed
                .work_before_keys(forms)
                .saturating_add(keys_work(keys.into_iter(), forms)),
        )
    }

    /// Checks again what decryption showed, before any key is decrypted: every key and
    /// certificate, wherever it was stored.
    pub(crate) fn check_bags(
        &self,
        parsed: &Parsed,
        bags: &Bags,
        forms: &[Password<'_>],
    ) -> Result<(), InspectError> {
        self.check_counts(bags.keys.len(), bags.certificates.len())?;
        self.check_work(
            parsed
                .work_before_keys(forms)
                .saturating_add(keys_work(bags.keys.iter(), forms)),
        )
    }

    fn check_counts(&self, keys: usize, certificates: usize) -> Result<(), InspectError> {
        let too_many = |limit: usize, what: &str| {
            Err(InspectError::new(
                ErrorCode::FileTooLarge,
                format!("the file holds more than {limit} {what}, more than the inspector reads"),
            ))
        };
        if keys > self.keys {
            return too_many(self.keys, "private keys");
        }
        if certificates > self.certificates {
            return too_many(self.certificates, "certificates");
        }
        Ok(())
    }

    fn check_work(&self, units: u64) -> Result<(), InspectError> {
        if units > self.work {
            // Not the units themselves: they depend on the password's length.
            return Err(InspectError::new(
                ErrorCode::TooManyIterations,
                format!(
                    "the file asks for more key derivation work than the inspector does ({} \
                     hash compressions)",
                    self.work
                ),
            ));
        }
        Ok(())
    }
}

impl Parsed {
    /// The MAC, with every form in `forms`, and the encrypted parts, at the dearest form.
    fn work_before_keys(&self, forms: &[Password<'_>]) -> u64 {
        let mac = self.mac.as_ref().map_or(0, |mac| {
            forms.iter().fold(0u64, |sum, form| {
                sum.saturating_add(mac.work(self.auth_safe.len(), form))
            })
        });
        let parts = self.contents.iter().filter_map(|content| match content {
            Content::Encrypted { scheme, .. } => Some(dearest(forms, |form| scheme.work(form))),
            Content::Plain(_) => None,
        });
        parts.fold(mac, u64::saturating_add)
    }
}

/// The encrypted keys among `keys`, each at the dearest form.
fn keys_work<'k>(keys: impl Iterator<Item = &'k StoredKey>, forms: &[Password<'_>]) -> u64 {
    keys.filter_map(|stored| match &stored.key {
        KeyData::Shrouded { scheme, .. } => Some(dearest(forms, |form| scheme.work(form))),
        KeyData::Plain(_) => None,
    })
    .fold(0, u64::saturating_add)
}

fn dearest(forms: &[Password<'_>], work: impl Fn(&Password<'_>) -> u64) -> u64 {
    forms.iter().map(work).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::{RustCrypto, open_within, pfx, ready_now};

    const DEFAULT: &[u8] = include_bytes!("../../tests/fixtures/default.p12");
    const PASSWORD: &str = "Test-Only-Pass-2345";
    /// default.p12: the MAC (HMAC-SHA256, 2048 iterations, 8-byte salt) derives its key from
    /// diversifier, salt and a 40-byte password, one block each plus padding (4), then 2047
    /// more, and runs HMAC over the 3234-byte authenticated safe (2 + 51 + 1); each of its two
    /// parts is PBKDF2-HMAC-SHA256 for AES-256 at 2048 iterations (2 + 2 + 2 × 2047).
    const DEFAULT_WORK: u64 = 2051 + 54 + 2 * 4098;

    fn with_work(work: u64) -> Limits {
        Limits {
            work,
            ..Limits::DEFAULT
        }
    }

    fn refusal(limits: Limits, password: &str) -> Option<ErrorCode> {
        ready_now(open_within(
            &RustCrypto,
            &limits,
            DEFAULT,
            password,
            None,
            0,
        ))
        .err()
        .map(|error| error.code())
    }

    #[test]
    fn a_file_that_costs_the_whole_budget_opens_and_one_unit_less_is_refused_before_the_mac() {
        assert_eq!(refusal(with_work(DEFAULT_WORK), PASSWORD), None);
        let short = with_work(DEFAULT_WORK - 1);
        assert_eq!(refusal(short, PASSWORD), Some(ErrorCode::TooManyIterations));
        // Had the MAC run, a wrong password would have shown.
        assert_eq!(refusal(short, "wrong"), Some(ErrorCode::TooManyIterations));
    }

    #[test]
    fn probe_charges_the_cheapest_password_so_what_it_refuses_no_password_opens() {
        let parsed = pfx::parse(DEFAULT).expect("parses");
        // No bytes at all save the MAC's password block: one compression less.
        let cheapest = [Password::null()];
        assert!(
            with_work(DEFAULT_WORK - 1)
                .check_parsed(&parsed, &cheapest)
                .is_ok()
        );
        assert!(
            with_work(DEFAULT_WORK - 2)
                .check_parsed(&parsed, &cheapest)
                .is_err()
        );
    }

    #[test]
    fn the_empty_password_pays_for_both_forms_the_mac_tries() {
        let parsed = pfx::parse(DEFAULT).expect("parses");
        // "" is two zero bytes (a password block, as for PASSWORD) and then no bytes at all.
        let both = DEFAULT_WORK + (2051 - 1 + 54);
        let forms = Password::candidates("");
        assert!(with_work(both).check_parsed(&parsed, &forms).is_ok());
        assert!(with_work(both - 1).check_parsed(&parsed, &forms).is_err());
    }

    #[test]
    fn keys_and_certificates_are_counted_against_their_caps() {
        let caps = |keys, certificates| Limits {
            keys,
            certificates,
            ..Limits::DEFAULT
        };
        // default.p12: one key in the clear part, its certificate and the CA's in the other.
        let parsed = pfx::parse(DEFAULT).expect("parses");
        let forms = Password::candidates(PASSWORD);
        assert!(caps(1, 0).check_parsed(&parsed, &forms).is_ok());
        let code = |result: Result<(), InspectError>| result.err().map(|error| error.code());
        assert_eq!(
            code(caps(0, 0).check_parsed(&parsed, &forms)),
            Some(ErrorCode::FileTooLarge)
        );
        let open = |limits: Limits| {
            code(
                ready_now(open_within(
                    &RustCrypto,
                    &limits,
                    DEFAULT,
                    PASSWORD,
                    None,
                    0,
                ))
                .map(drop),
            )
        };
        assert_eq!(open(caps(1, 2)), None);
        assert_eq!(open(caps(1, 1)), Some(ErrorCode::FileTooLarge));
    }
}
