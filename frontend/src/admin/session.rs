//! Who is signed in. The session itself is an HttpOnly cookie the app cannot read; the app
//! asks `GET /api/admin/me` at start, and any call that answers `401 UNAUTHENTICATED` sends
//! the user back to the sign-in form.

use crate::api::{self, ApiFailure};
use certportal_shared::ErrorCode;
use certportal_shared::api::admin::StaffMe;
use certportal_shared::model::Role;
use leptos::prelude::*;

/// Where the app stands with the portal.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    /// Asking the portal whether the session cookie is still good.
    Checking,
    /// Not signed in; `ended` when a session ended under the user's hands.
    SignedOut {
        ended: bool,
    },
    SignedIn(StaffMe),
}

#[derive(Clone, Copy)]
pub struct Session {
    status: RwSignal<Status>,
}

impl Session {
    /// Starts asking the portal who is signed in.
    pub fn provide() -> Session {
        let session = Session {
            status: RwSignal::new(Status::Checking),
        };
        provide_context(session);
        leptos::task::spawn_local(async move {
            let status = match api::me().await {
                Ok(me) => Status::SignedIn(me),
                // Unreachable or refused alike: the sign-in form says what the portal says.
                Err(_) => Status::SignedOut { ended: false },
            };
            session.status.set(status);
        });
        session
    }

    pub fn status(&self) -> Status {
        self.status.get()
    }

    /// The signed-in staff member, if any; subscribes the caller.
    pub fn me(&self) -> Option<StaffMe> {
        match self.status.get() {
            Status::SignedIn(me) => Some(me),
            _ => None,
        }
    }

    /// Whether the signed-in staff member may manage staff.
    pub fn is_admin(&self) -> bool {
        self.status
            .with(|status| matches!(status, Status::SignedIn(me) if me.role == Role::Admin))
    }

    /// [`Self::is_admin`] without subscribing.
    pub fn is_admin_untracked(&self) -> bool {
        self.status.with_untracked(
            |status| matches!(status, Status::SignedIn(me) if me.role == Role::Admin),
        )
    }

    pub fn signed_in(&self, me: StaffMe) {
        self.status.set(Status::SignedIn(me));
    }

    pub fn signed_out(&self) {
        self.status.set(Status::SignedOut { ended: false });
    }

    /// The first password has been replaced.
    pub fn password_changed(&self) {
        self.status.update(|status| {
            if let Status::SignedIn(me) = status {
                me.must_change_password = false;
            }
        });
    }

    /// Passes a call's result on, after sending the user to sign in again if it says the
    /// session has ended. Every page's call goes through here.
    pub fn check<T>(&self, result: Result<T, ApiFailure>) -> Result<T, ApiFailure> {
        if let Err(ApiFailure::Refused(error)) = &result
            && error.code == ErrorCode::Unauthenticated
        {
            self.status.set(Status::SignedOut { ended: true });
        }
        result
    }
}

/// The session; [`Session::provide`] must have run above.
pub fn use_session() -> Session {
    use_context::<Session>().unwrap_or_else(|| Session {
        status: RwSignal::new(Status::SignedOut { ended: false }),
    })
}
