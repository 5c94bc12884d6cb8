//! Refusals and failures in words: what happened, and what to do next.

use super::i18n::AdminCatalogue;
use crate::api::ApiFailure;
use certportal_shared::ErrorCode;
use kit::components::Message;
use kit::i18n::{Problem, fill};
use kit::time::remaining;

fn from(problem: &Problem) -> Message {
    Message {
        what: problem.what.to_owned(),
        next: problem.next.to_owned(),
    }
}

/// The message for a failed call.
pub fn message(failure: &ApiFailure, t: &'static AdminCatalogue) -> Message {
    let error = match failure {
        ApiFailure::Unreachable => return from(&t.unreachable),
        ApiFailure::Unexpected(_) => return from(&t.server_error),
        ApiFailure::Refused(error) => error,
    };
    let problem = match error.code {
        ErrorCode::LoginFailed => &t.login_failed,
        ErrorCode::LoginThrottled | ErrorCode::RateLimited => {
            let wait = remaining(error.retry_after.unwrap_or(60));
            return Message {
                what: t.throttled.what.to_owned(),
                next: fill(t.throttled.next, &[("time", &wait)]),
            };
        }
        ErrorCode::Unauthenticated => &t.session_ended,
        ErrorCode::PasswordChangeRequired => &t.password_change_required,
        ErrorCode::Forbidden => &t.forbidden,
        ErrorCode::CrossSiteRequest => &t.cross_site,
        ErrorCode::NotFound => &t.not_found,
        ErrorCode::InvalidState => &t.invalid_state,
        ErrorCode::AlreadyRevoked => &t.already_revoked,
        ErrorCode::UnknownSerial => &t.unknown_serial,
        ErrorCode::InvalidInput | ErrorCode::MalformedRequest => &t.invalid_input,
        _ => &t.server_error,
    };
    from(problem)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::catalogue;
    use certportal_shared::ApiError;
    use kit::i18n::Lang;

    #[test]
    fn a_throttled_sign_in_says_how_long_to_wait() {
        let mut error = ApiError::new(ErrorCode::LoginThrottled, "wait");
        error.retry_after = Some(125);
        let message = message(&ApiFailure::Refused(error), catalogue(Lang::En));
        assert!(message.next.contains("2:05"), "{}", message.next);
    }

    #[test]
    fn a_code_this_build_does_not_know_is_a_server_problem_not_a_blank() {
        let error = ApiError::new(ErrorCode::Other("NEW".into()), "new");
        let t = catalogue(Lang::Nb);
        assert_eq!(
            message(&ApiFailure::Refused(error), t).what,
            t.server_error.what
        );
    }
}
