//! Each autonomy level (the word is in model/autonomy.rs) as every CLI's own switches. A
//! background task nobody watches cannot answer a permission prompt, so each level maps to
//! the CLI's own non-interactive switches (table in docs/autonomy.md).

use super::Backend;
use crate::model::Autonomy;

impl Autonomy {
    /// The CLI's own flags for this level (none for plain commands).
    pub fn args(self, backend: Backend) -> Vec<String> {
        let words: &[&str] = match (backend, self) {
            (Backend::Claude, Autonomy::ReadOnly) => &["--permission-mode", "plan"],
            (Backend::Claude, Autonomy::Edit) => &["--permission-mode", "acceptEdits"],
            (Backend::Claude, Autonomy::Full) => &["--permission-mode", "bypassPermissions"],
            (Backend::Codex, Autonomy::ReadOnly) => &["--sandbox", "read-only"],
            (Backend::Codex, Autonomy::Edit) => &["--sandbox", "workspace-write"],
            (Backend::Codex, Autonomy::Full) => &["--dangerously-bypass-approvals-and-sandbox"],
            (Backend::Gemini, Autonomy::ReadOnly) => &["--approval-mode", "plan"],
            (Backend::Gemini, Autonomy::Edit) => &["--approval-mode", "auto_edit"],
            (Backend::Gemini, Autonomy::Full) => &["--approval-mode", "yolo"],
            // aider answers its own questions with --yes-always (always passed); these decide
            // what there is to answer: no file writes, no shell commands, or git commits.
            (Backend::Aider, Autonomy::ReadOnly) => {
                &["--dry-run", "--no-auto-commits", "--no-suggest-shell-commands"]
            }
            (Backend::Aider, Autonomy::Edit) => &["--no-auto-commits", "--no-suggest-shell-commands"],
            (Backend::Aider, Autonomy::Full) => &["--auto-commits"],
            (Backend::Command, _) => &[],
        };
        words.iter().map(|w| w.to_string()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip_and_bad_words_are_named() {
        for a in [Autonomy::ReadOnly, Autonomy::Edit, Autonomy::Full] {
            assert_eq!(a.as_str().parse::<Autonomy>(), Ok(a));
        }
        let err = "yolo".parse::<Autonomy>().unwrap_err();
        assert!(err.contains("'yolo'") && err.contains("read-only, edit or full"), "{err}");
        assert_eq!(Autonomy::default(), Autonomy::Edit);
    }

    #[test]
    fn every_agent_backend_gets_flags_for_every_level() {
        for backend in [Backend::Claude, Backend::Codex, Backend::Gemini, Backend::Aider] {
            let levels = [Autonomy::ReadOnly, Autonomy::Edit, Autonomy::Full].map(|a| a.args(backend));
            assert!(levels.iter().all(|l| !l.is_empty()), "{backend}");
            assert!(levels[0] != levels[1] && levels[1] != levels[2], "{backend}");
        }
        assert!(Autonomy::Full.args(Backend::Command).is_empty());
    }
}
