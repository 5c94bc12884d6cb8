//! Reading the messages the portal sent: link tokens, codes, passwords.

/// The token of the collect URL in a message.
pub fn link_token(body: &str) -> String {
    token_after(body, "/collect#")
}

/// The token of the report link (`…/report#<token>`) in a receipt e-mail's body.
pub fn report_token(body: &str) -> String {
    token_after(body, "/report#")
}

/// A message's body for an assertion's message, with every link's token (what follows a `#`)
/// left out: test output never holds a token.
pub fn shown(body: &str) -> String {
    body.split_whitespace()
        .map(|word| match word.split_once('#') {
            Some((before, _)) => format!("{before}#…"),
            None => word.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The token that follows `marker` in a message.
pub fn token_after(body: &str, marker: &str) -> String {
    let start = body.find(marker).expect("a link") + marker.len();
    body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// The only run of `digits` digits in a message.
pub fn code_in(body: &str, digits: usize) -> String {
    let runs: Vec<&str> = body
        .split(|c: char| !c.is_ascii_digit())
        .filter(|run| run.len() == digits)
        .collect();
    assert_eq!(
        runs.len(),
        1,
        "exactly one {digits}-digit run in the message (not printed: it is a code)"
    );
    runs[0].to_owned()
}

/// The password: the line of the password SMS made of groups of five.
pub fn password_in(body: &str) -> String {
    body.lines()
        .find(|line| {
            let groups: Vec<&str> = line.split('-').collect();
            groups.len() >= 4
                && groups
                    .iter()
                    .all(|g| g.len() == 5 && g.chars().all(|c| c.is_ascii_alphanumeric()))
        })
        .expect("a password line")
        .to_owned()
}

/// A code that is not `code` (same length).
pub fn wrong_code(code: &str) -> String {
    code.chars()
        .map(|c| {
            if c == '9' {
                '0'
            } else {
                char::from(c as u8 + 1)
            }
        })
        .collect()
}
