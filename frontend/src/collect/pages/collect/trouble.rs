//! Everything that can go wrong in the collect flow, and how to say it.
//!
//! A [`Trouble`] is kept, not its text, so that a message on screen changes language with the
//! rest of the page.

use crate::api::ApiFailure;
use crate::i18n::CollectCatalogue;
use certportal_shared::ErrorCode;
use kit::components::Message;
use kit::i18n::{Problem, fill};
use kit::time::remaining;

#[derive(Clone, Debug, PartialEq)]
pub enum Trouble {
    /// A call failed; the portal's stable code decides the words.
    Api(ApiFailure),
    /// The page was opened without a token in its fragment.
    NoToken,
    /// What was typed cannot be a code.
    CodeShape,
    /// The file's SHA-256 is not the one in `Repr-Digest`.
    DigestMismatch,
    /// The download came without a readable `Repr-Digest`.
    DigestMissing,
    /// The file does not parse as PKCS#12.
    NotPkcs12,
    /// The browser refused to save the file.
    SaveFailed,
    /// The inspector refused the file with this code and sentence.
    Inspect(ErrorCode, String),
    /// The request field is empty.
    RequestEmpty,
    /// The chosen request file is larger than any request the portal reads.
    RequestTooLarge,
    /// The browser could not read the chosen file.
    FileUnreadable,
    /// The order's key is to be made in the browser, which lacks WebCrypto (or the page is not
    /// in a secure context).
    NoWebCrypto,
    /// The browser could not make the key, sign the request or build the file.
    BuildFailed,
}

impl Trouble {
    /// Whether the link no longer works at all, so that the flow cannot go on.
    pub fn ends_the_link(&self) -> bool {
        matches!(
            self.code(),
            Some(
                ErrorCode::UnknownLink
                    | ErrorCode::LinkExpired
                    | ErrorCode::LinkUsed
                    | ErrorCode::LinkCancelled
            )
        )
    }

    /// Whether the collect session is gone, so that a new code is needed.
    pub fn ends_the_session(&self) -> bool {
        self.code() == Some(ErrorCode::SessionInvalid)
    }

    /// A stable name for the trouble, as the embedding host is told it: the portal's code
    /// for a refusal, else the page's own (none is a secret).
    pub fn name(&self) -> String {
        match self {
            Trouble::Api(ApiFailure::Refused(error)) => error.code.as_str().to_owned(),
            Trouble::Api(ApiFailure::Unreachable) => "UNREACHABLE".into(),
            Trouble::Api(ApiFailure::Unexpected(_)) => "SERVER_ERROR".into(),
            Trouble::NoToken => "NO_TOKEN".into(),
            Trouble::NoWebCrypto => "NO_WEBCRYPTO".into(),
            Trouble::Inspect(code, _) => code.as_str().to_owned(),
            _ => "PAGE_ERROR".into(),
        }
    }

    fn code(&self) -> Option<ErrorCode> {
        match self {
            Trouble::Api(failure) => failure.refusal().map(|error| error.code.clone()),
            _ => None,
        }
    }

    /// The words for the current language.
    pub fn message(&self, t: &CollectCatalogue) -> Message {
        let plain = |problem: &Problem| Message {
            what: problem.what.to_owned(),
            next: problem.next.to_owned(),
        };
        match self {
            Trouble::NoToken => plain(&t.no_token),
            Trouble::CodeShape => plain(&t.code_shape),
            Trouble::DigestMismatch => plain(&t.digest_mismatch),
            Trouble::DigestMissing => plain(&t.digest_missing),
            Trouble::NotPkcs12 => plain(&t.not_pkcs12),
            Trouble::SaveFailed => plain(&t.save_failed),
            Trouble::Inspect(ErrorCode::WrongPassword, _) => plain(&t.wrong_password),
            Trouble::Inspect(_, why) => Message {
                what: fill(t.file_refused.what, &[("why", why)]),
                next: t.file_refused.next.to_owned(),
            },
            Trouble::RequestEmpty => plain(&t.csr_empty),
            Trouble::RequestTooLarge => plain(&t.csr_too_large),
            Trouble::FileUnreadable => plain(&t.file_unreadable),
            Trouble::NoWebCrypto => plain(&t.no_webcrypto),
            Trouble::BuildFailed => plain(&t.build_failed),
            Trouble::Api(ApiFailure::Unreachable) => plain(&t.unreachable),
            Trouble::Api(ApiFailure::Unexpected(_)) => plain(&t.server_error),
            Trouble::Api(ApiFailure::Refused(error)) => {
                let wait = remaining(error.retry_after.unwrap_or(60));
                let with_wait = |problem: &Problem| Message {
                    what: problem.what.to_owned(),
                    next: fill(problem.next, &[("time", &wait)]),
                };
                match &error.code {
                    ErrorCode::UnknownLink => plain(&t.unknown_link),
                    ErrorCode::LinkExpired => plain(&t.link_expired),
                    ErrorCode::LinkUsed => plain(&t.link_used),
                    ErrorCode::LinkCancelled => plain(&t.link_cancelled),
                    ErrorCode::WrongCode => match error.attempts_left {
                        Some(0) => plain(&t.wrong_code_last),
                        left => Message {
                            what: t.wrong_code.what.to_owned(),
                            next: fill(
                                t.wrong_code.next,
                                &[("n", &left.map(|n| n.to_string()).unwrap_or_default())],
                            ),
                        },
                    },
                    ErrorCode::CodeExpired => plain(&t.code_expired),
                    ErrorCode::CodeLocked => plain(&t.code_locked),
                    // The only shape the portal checks here is the code's.
                    ErrorCode::InvalidInput => plain(&t.code_shape),
                    ErrorCode::ResendCooldown => with_wait(&t.resend_cooldown),
                    ErrorCode::ResendLimit => plain(&t.resend_limit),
                    ErrorCode::SessionInvalid => plain(&t.session_invalid),
                    ErrorCode::DownloadLimit => plain(&t.download_limit),
                    ErrorCode::BundleGone => plain(&t.bundle_gone),
                    ErrorCode::DigestMismatch => plain(&t.digest_mismatch),
                    ErrorCode::RateLimited => with_wait(&t.rate_limited),
                    ErrorCode::CsrMalformed => plain(&t.csr_malformed),
                    ErrorCode::CsrTooLarge => plain(&t.csr_too_large),
                    ErrorCode::CsrBadSignature => plain(&t.csr_bad_signature),
                    ErrorCode::CsrWeakKey => plain(&t.csr_weak_key),
                    ErrorCode::CsrKeyReused => plain(&t.csr_key_reused),
                    ErrorCode::CsrBlockedKey => plain(&t.csr_blocked_key),
                    ErrorCode::CsrUnsupportedAlgorithm => plain(&t.csr_unsupported),
                    ErrorCode::CsrNotExpected => plain(&t.csr_not_expected),
                    _ => plain(&t.server_error),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::catalogue;
    use certportal_shared::ApiError;
    use kit::i18n::Lang;

    fn refused(code: ErrorCode) -> Trouble {
        Trouble::Api(ApiFailure::Refused(ApiError::new(code, "m")))
    }

    #[test]
    fn link_codes_end_the_flow_and_others_do_not() {
        assert!(refused(ErrorCode::LinkUsed).ends_the_link());
        assert!(!refused(ErrorCode::WrongCode).ends_the_link());
        assert!(!Trouble::Api(ApiFailure::Unreachable).ends_the_link());
    }

    #[test]
    fn each_refused_request_has_its_own_words_in_every_language() {
        let codes = [
            ErrorCode::CsrMalformed,
            ErrorCode::CsrTooLarge,
            ErrorCode::CsrBadSignature,
            ErrorCode::CsrWeakKey,
            ErrorCode::CsrKeyReused,
            ErrorCode::CsrBlockedKey,
            ErrorCode::CsrUnsupportedAlgorithm,
            ErrorCode::CsrNotExpected,
        ];
        for lang in Lang::ALL {
            let t = catalogue(lang);
            let mut words: Vec<String> = codes
                .iter()
                .map(|code| refused(code.clone()).message(t).what)
                .collect();
            assert!(!words.contains(&t.server_error.what.to_owned()), "{lang:?}");
            words.sort();
            words.dedup();
            assert_eq!(words.len(), codes.len(), "{lang:?}");
        }
    }

    #[test]
    fn a_refused_request_leaves_the_link_and_the_session_alone() {
        let weak = refused(ErrorCode::CsrWeakKey);
        assert!(!weak.ends_the_link() && !weak.ends_the_session());
    }

    #[test]
    fn every_language_words_a_wrong_code_with_the_tries_left() {
        let mut error = ApiError::new(ErrorCode::WrongCode, "m");
        error.attempts_left = Some(3);
        for lang in Lang::ALL {
            let message = Trouble::Api(ApiFailure::Refused(error.clone())).message(catalogue(lang));
            assert!(message.next.contains('3'), "{lang:?}: {}", message.next);
        }
    }
}
