//! What to do when a CLI refuses to run: the exit codes and messages the CLIs end with before
//! doing any work, each turned into a reason that names the fix.

use super::Backend;

/// A refusal recognised in a line the CLI printed (stderr shares the task's log).
pub(crate) fn refusal(backend: Backend, line: &str) -> Option<&'static str> {
    match backend {
        Backend::Claude if line.contains("cannot be used with root/sudo") => Some(
            "claude refuses autonomy \"full\" (bypassPermissions) when run as root: run smart-agents as a \
             normal user, or set IS_SANDBOX=1 in the task's environment if this machine is a throwaway \
             sandbox, or use --autonomy edit",
        ),
        _ => None,
    }
}

/// An API failure's text with what to do added when it was an authentication failure.
pub(crate) fn with_auth_advice(backend: Backend, text: String) -> String {
    let auth = ["401", "Unauthorized", "Invalid API key", "AuthenticationError", "UNAUTHENTICATED"]
        .iter()
        .any(|word| text.contains(word));
    let advice = match backend {
        Backend::Claude => {
            "set ANTHROPIC_API_KEY in the environment you submit from, or log in once with `claude /login`"
        }
        Backend::Codex => {
            "set OPENAI_API_KEY in the environment you submit from, or log in once with `codex login`"
        }
        Backend::Gemini => {
            "set GEMINI_API_KEY in the environment you submit from, or log in once with `gemini`"
        }
        Backend::Aider | Backend::Command => {
            "set the model provider's API key (OPENAI_API_KEY, ANTHROPIC_API_KEY, …) in the environment you \
             submit from"
        }
    };
    if auth { format!("{text}; the API refused the credentials: {advice}") } else { text }
}

/// An exit code with a documented meaning, as a reason that says what to do.
pub(crate) fn exit_code(backend: Backend, code: i32) -> Option<&'static str> {
    match (backend, code) {
        (Backend::Gemini, 41) => Some(
            "gemini could not authenticate (exit code 41): set GEMINI_API_KEY (or log in once with \
             `gemini`); with GOOGLE_GEMINI_BASE_URL also set security.auth.selectedType = \
             \"gemini-api-key\" in ~/.gemini/settings.json",
        ),
        (Backend::Gemini, 42) => Some("gemini: bad input (exit code 42)"),
        (Backend::Gemini, 44) => {
            Some("gemini: its sandbox failed to start (exit code 44): check its sandbox settings")
        }
        (Backend::Gemini, 52) => {
            Some("gemini: its settings are invalid (exit code 52): check ~/.gemini/settings.json")
        }
        (Backend::Gemini, 53) => Some("gemini: turn limit reached (exit code 53)"),
        (Backend::Gemini, 55) => Some(
            "gemini refuses to run in a folder it does not trust (exit code 55): trust the folder once in \
             `gemini`, or set security.folderTrust.enabled = false in ~/.gemini/settings.json, or add \
             \"--skip-trust\" to the agent's `args`",
        ),
        _ => None,
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
        assert!(refusal(Backend::Claude, root).is_some_and(|r| r.contains("IS_SANDBOX=1")));
        assert_eq!(refusal(Backend::Codex, root), None);
        let auth = with_auth_advice(Backend::Codex, "unexpected status 401 Unauthorized".into());
        assert!(auth.contains("OPENAI_API_KEY"), "{auth}");
        assert_eq!(with_auth_advice(Backend::Codex, "high demand".into()), "high demand");
        assert!(exit_code(Backend::Gemini, 41).is_some_and(|r| r.contains("GEMINI_API_KEY")));
        assert!(exit_code(Backend::Gemini, 55).is_some_and(|r| r.contains("folderTrust")));
        assert_eq!(exit_code(Backend::Gemini, 7), None);
        assert_eq!(
            no_result("claude", Some("exited with code 3".into()), Some("boom")),
            "claude exited with code 3 without a result: boom"
        );
        assert!(no_result("claude", Some("exited with code 3".into()), None).contains("smart-agents logs"));
    }
}
