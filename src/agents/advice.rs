//! What to do when a CLI fails before or instead of working: reasons that name the fix. Each
//! CLI's own refusals and exit codes sit in its module; these are the shared words.

use super::Backend;

/// An API failure's text with what to do added when it was an authentication failure.
pub(crate) fn with_auth_advice(backend: Backend, text: String) -> String {
    let auth = ["401", "Unauthorized", "Invalid API key", "AuthenticationError", "UNAUTHENTICATED"]
        .iter()
        .any(|word| text.contains(word));
    if auth {
        format!("{text}; the API refused the credentials: {}", backend.cli().auth_advice())
    } else {
        text
    }
}

/// Why a run that printed no final result failed, from its exit and its last plain line.
pub(crate) fn no_result(name: &str, end: Option<String>, last_line: Option<&str>) -> String {
    match (end, last_line) {
        (Some(end), Some(line)) => format!("{name} {end} without a result: {line}"),
        (Some(end), None) => {
            format!("{name} {end} without a result: its output (`smart-agents logs ID`) says why")
        }
        (None, _) => format!("{name} exited without a final result (stream truncated)"),
    }
}
