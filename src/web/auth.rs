//! Who may see the dashboard: the holder of the token, shown it as `Authorization: Bearer`, or
//! once at `/login?token=` for a session cookie. The cookie and the CSRF token are derived from
//! the token (HMAC), so neither echoes it and both stay valid across a restart with the same
//! token. Wrong tokens are counted: too many in a minute and credentials are refused for a while.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The session cookie's name.
pub const COOKIE: &str = "sa_session";
/// Wrong credentials allowed per window before every further wrong one is answered 429.
const MAX_FAILURES: usize = 10;
const WINDOW: Duration = Duration::from_secs(60);

pub struct Auth {
    token: String,
    session: String,
    csrf: String,
    failures: Mutex<VecDeque<Instant>>,
}

/// What a request showed.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A valid cookie or bearer token.
    Allowed,
    /// No credential at all.
    Missing,
    /// A wrong one (counted).
    Wrong,
    /// A wrong one while too many have come: refused without looking further.
    Limited,
}

impl Auth {
    pub fn new(token: String) -> Auth {
        let session = derive(&token, "session");
        let csrf = derive(&token, "csrf");
        Auth { token, session, csrf, failures: Mutex::new(VecDeque::new()) }
    }

    /// The value the session cookie carries.
    pub fn session(&self) -> &str {
        &self.session
    }

    /// The value every action's form must carry.
    pub fn csrf(&self) -> &str {
        &self.csrf
    }

    pub fn is_token(&self, typed: &str) -> bool {
        same(typed, &self.token)
    }

    pub fn is_csrf(&self, typed: &str) -> bool {
        same(typed, &self.csrf)
    }

    /// Judge a request's `Cookie` and `Authorization` headers.
    pub fn judge(&self, cookie: Option<&str>, authorization: Option<&str>) -> Verdict {
        let session = cookie.and_then(session_from_cookie);
        let bearer = authorization.map(|a| a.strip_prefix("Bearer ").unwrap_or("").trim());
        if session.is_none() && bearer.is_none() {
            return Verdict::Missing;
        }
        if session.is_some_and(|s| same(s, &self.session)) || bearer.is_some_and(|b| self.is_token(b)) {
            return Verdict::Allowed;
        }
        self.failed()
    }

    /// Count one wrong credential; `Limited` once too many came within the window.
    pub fn failed(&self) -> Verdict {
        let now = Instant::now();
        let Ok(mut failures) = self.failures.lock() else { return Verdict::Limited };
        while failures.front().is_some_and(|t| now.duration_since(*t) > WINDOW) {
            failures.pop_front();
        }
        if failures.len() >= MAX_FAILURES {
            return Verdict::Limited;
        }
        failures.push_back(now);
        Verdict::Wrong
    }

    /// Whether wrong credentials are being refused right now (a login attempt then is not tried).
    pub fn limited(&self) -> bool {
        let now = Instant::now();
        self.failures
            .lock()
            .map(|f| f.iter().filter(|t| now.duration_since(**t) <= WINDOW).count() >= MAX_FAILURES)
            .unwrap_or(true)
    }
}

/// The session cookie's value in a `Cookie` header.
fn session_from_cookie(header: &str) -> Option<&str> {
    header.split(';').filter_map(|c| c.trim().split_once('=')).find(|(k, _)| *k == COOKIE).map(|(_, v)| v)
}

/// HMAC-SHA256 of `purpose` keyed with the token, as hex.
fn derive(token: &str, purpose: &str) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(token.as_bytes()) else {
        // HMAC takes a key of any length: this arm is never taken.
        return String::new();
    };
    mac.update(purpose.as_bytes());
    hex(&mac.finalize().into_bytes())
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Equal, in time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && !b.is_empty() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A fresh token: 32 random bytes as hex.
pub fn new_token() -> std::io::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(hex(&bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_and_bearer_are_judged() {
        let auth = Auth::new("t0ken".into());
        let cookie = format!("a=b; {COOKIE}={}", auth.session());
        assert_eq!(auth.judge(Some(&cookie), None), Verdict::Allowed);
        assert_eq!(auth.judge(None, Some("Bearer t0ken")), Verdict::Allowed);
        assert_eq!(auth.judge(None, None), Verdict::Missing);
        assert_eq!(auth.judge(Some("sa_session=nope"), None), Verdict::Wrong);
        assert_eq!(auth.judge(None, Some("Basic t0ken")), Verdict::Wrong);
        assert!(!auth.session().contains("t0ken") && auth.session() != auth.csrf());
    }

    #[test]
    fn too_many_wrong_tokens_are_limited() {
        let auth = Auth::new("t0ken".into());
        for _ in 0..MAX_FAILURES {
            assert_eq!(auth.judge(None, Some("Bearer x")), Verdict::Wrong);
        }
        assert_eq!(auth.judge(None, Some("Bearer x")), Verdict::Limited);
        assert!(auth.limited());
        // The holder of the token is not locked out by someone guessing.
        assert_eq!(auth.judge(None, Some("Bearer t0ken")), Verdict::Allowed);
    }
}
