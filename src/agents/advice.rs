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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_and_codes_name_a_fix() {
        let root =
            "--dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons";
        assert!(super::super::claude::refusal(root).is_some_and(|r| r.contains("IS_SANDBOX=1")));
        let codex: Backend = "codex".parse().unwrap();
        let auth = with_auth_advice(codex, "unexpected status 401 Unauthorized".into());
        assert!(auth.contains("OPENAI_API_KEY"), "{auth}");
        assert_eq!(with_auth_advice(codex, "high demand".into()), "high demand");
        use super::super::gemini::exit_code;
        assert!(exit_code(41).is_some_and(|r| r.contains("GEMINI_API_KEY")));
        assert!(exit_code(55).is_some_and(|r| r.contains("folderTrust")));
        assert_eq!(exit_code(7), None);
        assert_eq!(
            no_result("claude", Some("exited with code 3".into()), Some("boom")),
            "claude exited with code 3 without a result: boom"
        );
        assert!(no_result("claude", Some("exited with code 3".into()), None).contains("smart-agents logs"));
    }
}
