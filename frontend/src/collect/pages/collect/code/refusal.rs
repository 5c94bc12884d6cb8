//! What a refusal on the code step says about the code: the tries left, that the code has
//! ended, when a new one may be asked for, or that no more will come. Pure functions of the
//! code's status and the portal's answer, so that each refusal's effect is tested here.

use crate::pages::collect::flow::CodeStatus;
use certportal_shared::{ApiError, ErrorCode};
use kit::time::seconds_after;

/// How long to wait for a new code when a cooldown refusal does not say.
const DEFAULT_COOLDOWN_SECONDS: u64 = 60;

/// The code's status after the portal refused a typed code, and whether the refusal ended the
/// code (then only the portal knows when a new one may be asked for, so the page asks it).
pub fn verify_refused(code: &CodeStatus, error: &ApiError) -> (CodeStatus, bool) {
    let mut code = code.clone();
    let ended = match error.code {
        ErrorCode::WrongCode => {
            code.attempts_left = error.attempts_left;
            error.attempts_left == Some(0)
        }
        ErrorCode::CodeExpired | ErrorCode::CodeLocked => true,
        _ => false,
    };
    if ended {
        code.end();
    }
    (code, ended)
}

/// The code's status after the portal refused to send a new code, `now_ms` being when it said
/// so.
pub fn resend_refused(code: &CodeStatus, error: &ApiError, now_ms: f64) -> CodeStatus {
    let mut code = code.clone();
    match error.code {
        ErrorCode::ResendCooldown => {
            let wait = error.retry_after.unwrap_or(DEFAULT_COOLDOWN_SECONDS);
            code.resend_at_ms = seconds_after(now_ms, wait);
        }
        ErrorCode::ResendLimit => code.resends_left = 0,
        _ => {}
    }
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: f64 = 1_000_000.0;

    /// A live code: five minutes left, three tries, two resends, a new one allowed now.
    fn live() -> CodeStatus {
        CodeStatus {
            deadline_ms: NOW + 300_000.0,
            attempts_left: Some(3),
            resends_left: 2,
            resend_at_ms: NOW,
        }
    }

    fn refusal(code: ErrorCode) -> ApiError {
        ApiError::new(code, "m")
    }

    fn wrong_code(attempts_left: Option<u32>) -> ApiError {
        let mut error = refusal(ErrorCode::WrongCode);
        error.attempts_left = attempts_left;
        error
    }

    #[test]
    fn a_wrong_code_with_tries_left_keeps_the_code_and_counts_down() {
        let (code, ended) = verify_refused(&live(), &wrong_code(Some(2)));
        assert!(!ended);
        assert_eq!(
            code,
            CodeStatus {
                attempts_left: Some(2),
                ..live()
            }
        );
    }

    #[test]
    fn the_last_wrong_try_ends_the_code() {
        let (code, ended) = verify_refused(&live(), &wrong_code(Some(0)));
        assert!(ended);
        assert_eq!(code.deadline_ms, 0.0);
        assert_eq!(code.attempts_left, Some(0));
    }

    #[test]
    fn a_wrong_code_without_a_count_forgets_the_tries_but_keeps_the_code() {
        let (code, ended) = verify_refused(&live(), &wrong_code(None));
        assert!(!ended);
        assert_eq!(code.attempts_left, None);
        assert_eq!(code.deadline_ms, live().deadline_ms);
    }

    #[test]
    fn an_expired_or_locked_code_ends_and_keeps_its_count() {
        for why in [ErrorCode::CodeExpired, ErrorCode::CodeLocked] {
            let (code, ended) = verify_refused(&live(), &refusal(why.clone()));
            assert!(ended, "{why:?}");
            assert_eq!(
                code,
                CodeStatus {
                    deadline_ms: 0.0,
                    ..live()
                },
                "{why:?}"
            );
        }
    }

    #[test]
    fn refusals_about_other_things_leave_the_code_alone() {
        for why in [
            ErrorCode::RateLimited,
            ErrorCode::InvalidInput,
            ErrorCode::LinkUsed,
            ErrorCode::ResendCooldown,
        ] {
            assert_eq!(
                verify_refused(&live(), &refusal(why.clone())),
                (live(), false)
            );
        }
        for why in [
            ErrorCode::RateLimited,
            ErrorCode::LinkExpired,
            ErrorCode::CodeLocked,
            ErrorCode::WrongCode,
        ] {
            assert_eq!(resend_refused(&live(), &refusal(why), NOW), live());
        }
    }

    #[test]
    fn a_cooldown_moves_the_next_resend_by_the_wait_it_names() {
        let mut error = refusal(ErrorCode::ResendCooldown);
        error.retry_after = Some(42);
        let code = resend_refused(&live(), &error, NOW);
        assert_eq!(
            code,
            CodeStatus {
                resend_at_ms: NOW + 42_000.0,
                ..live()
            }
        );
    }

    #[test]
    fn a_cooldown_without_a_wait_counts_a_minute() {
        let code = resend_refused(&live(), &refusal(ErrorCode::ResendCooldown), NOW);
        assert_eq!(code.resend_at_ms, NOW + 60_000.0);
    }

    #[test]
    fn the_resend_limit_leaves_no_resends_and_the_code_as_it_was() {
        let code = resend_refused(&live(), &refusal(ErrorCode::ResendLimit), NOW);
        assert_eq!(
            code,
            CodeStatus {
                resends_left: 0,
                ..live()
            }
        );
    }
}
