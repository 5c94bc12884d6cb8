//! The order's life, written once: which event moves an order from which state to which. The
//! server builds its guarded SQL from this table, the admin page its actions, and "open" (can
//! still be collected) is derived from it rather than listed by hand.

use super::OrderState;

/// Something that happens to an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OrderEvent {
    /// The link e-mail went out.
    LinkSent,
    /// The contact entered the right code (again, after a session ended: the state stays).
    CodeVerified,
    /// The contact downloaded the file.
    Downloaded,
    /// The contact confirmed the download.
    Collected,
    /// The portal signed the certificate request of an order whose key the customer made:
    /// the certificate is the customer's, so the order is collected at once.
    Signed,
    /// The link ran out.
    Expired,
    /// Support cancelled the order.
    Cancelled,
    /// The certificate was revoked.
    Revoked,
}

use OrderEvent as E;
use OrderState as S;

/// Every allowed move: (from, event, to). Anything not listed is refused.
pub const TRANSITIONS: &[(OrderState, OrderEvent, OrderState)] = &[
    (S::Issued, E::LinkSent, S::LinkSent),
    (S::Issued, E::CodeVerified, S::CodeVerified),
    (S::LinkSent, E::CodeVerified, S::CodeVerified),
    (S::CodeVerified, E::CodeVerified, S::CodeVerified),
    (S::Downloaded, E::CodeVerified, S::Downloaded),
    (S::CodeVerified, E::Downloaded, S::Downloaded),
    (S::Downloaded, E::Downloaded, S::Downloaded),
    (S::Downloaded, E::Collected, S::Collected),
    (S::CodeVerified, E::Signed, S::Collected),
    (S::Issued, E::Expired, S::Expired),
    (S::LinkSent, E::Expired, S::Expired),
    (S::CodeVerified, E::Expired, S::Expired),
    (S::Downloaded, E::Expired, S::Expired),
    (S::Issued, E::Cancelled, S::Cancelled),
    (S::LinkSent, E::Cancelled, S::Cancelled),
    (S::CodeVerified, E::Cancelled, S::Cancelled),
    (S::Downloaded, E::Cancelled, S::Cancelled),
    // A cancelled order's certificate is revoked too, but the order stays cancelled: that is
    // what happened to it.
    (S::Issued, E::Revoked, S::Revoked),
    (S::LinkSent, E::Revoked, S::Revoked),
    (S::CodeVerified, E::Revoked, S::Revoked),
    (S::Downloaded, E::Revoked, S::Revoked),
    (S::Collected, E::Revoked, S::Revoked),
    (S::Expired, E::Revoked, S::Revoked),
];

impl OrderEvent {
    /// Every event.
    pub const ALL: &'static [Self] = &[
        E::LinkSent,
        E::CodeVerified,
        E::Downloaded,
        E::Collected,
        E::Signed,
        E::Expired,
        E::Cancelled,
        E::Revoked,
    ];

    /// The moves this event makes: (from, to) for each state it applies to.
    pub fn moves(self) -> impl Iterator<Item = (OrderState, OrderState)> {
        TRANSITIONS
            .iter()
            .filter(move |(_, event, _)| *event == self)
            .map(|(from, _, to)| (*from, *to))
    }

    /// The states this event applies to.
    pub fn sources(self) -> impl Iterator<Item = OrderState> {
        self.moves().map(|(from, _)| from)
    }
}

impl OrderState {
    /// The state after `event`, or `None` if the event is not allowed in this state.
    pub fn after(self, event: OrderEvent) -> Option<OrderState> {
        event
            .moves()
            .find(|(from, _)| *from == self)
            .map(|(_, to)| to)
    }

    /// Whether the order can still be collected: `Collected` is reachable from here.
    pub fn is_open(self) -> bool {
        let mut seen = vec![self];
        let mut next = 0;
        while let Some(&state) = seen.get(next) {
            next += 1;
            if state == S::Collected {
                // Collected itself is done, not open; reaching it from elsewhere is what counts.
                return self != S::Collected;
            }
            for (from, _, to) in TRANSITIONS {
                if *from == state && !seen.contains(to) {
                    seen.push(*to);
                }
            }
        }
        false
    }

    /// The states in which an order can still be collected.
    pub fn open_states() -> impl Iterator<Item = OrderState> {
        OrderState::ALL
            .iter()
            .copied()
            .filter(|state| state.is_open())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_transition_is_allowed_and_every_other_refused() {
        for &from in OrderState::ALL {
            for &event in OrderEvent::ALL {
                let listed: Vec<_> = TRANSITIONS
                    .iter()
                    .filter(|(f, e, _)| *f == from && *e == event)
                    .map(|(_, _, to)| *to)
                    .collect();
                assert!(listed.len() <= 1, "{from:?} + {event:?} is listed twice");
                assert_eq!(from.after(event), listed.first().copied());
            }
        }
        assert_eq!(
            S::Issued.after(E::LinkSent),
            Some(S::LinkSent),
            "the link going out moves a new order on"
        );
        assert_eq!(S::Collected.after(E::Cancelled), None);
        assert_eq!(S::Cancelled.after(E::Revoked), None);
        assert_eq!(S::Revoked.after(E::Revoked), None);
        assert_eq!(S::Expired.after(E::CodeVerified), None);
        assert_eq!(
            S::CodeVerified.after(E::Signed),
            Some(S::Collected),
            "a signed request is the collection"
        );
        assert_eq!(
            S::LinkSent.after(E::Signed),
            None,
            "no request before the code"
        );
        assert_eq!(S::Downloaded.after(E::Signed), None);
        assert_eq!(
            S::Downloaded.after(E::CodeVerified),
            Some(S::Downloaded),
            "a new session after a download does not move the order back"
        );
    }

    #[test]
    fn the_open_states_are_those_before_the_collection() {
        let open: Vec<_> = OrderState::open_states().collect();
        assert_eq!(
            open,
            [S::Issued, S::LinkSent, S::CodeVerified, S::Downloaded]
        );
        for state in [S::Collected, S::Expired, S::Cancelled, S::Revoked] {
            assert!(!state.is_open(), "{state:?}");
        }
    }

    #[test]
    fn the_ended_states_have_no_way_back_into_the_flow() {
        for state in [S::Collected, S::Expired, S::Cancelled, S::Revoked] {
            for event in [
                E::CodeVerified,
                E::Downloaded,
                E::Collected,
                E::Signed,
                E::LinkSent,
            ] {
                assert_eq!(state.after(event), None, "{state:?} + {event:?}");
            }
        }
    }
}
