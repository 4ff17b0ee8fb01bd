//! Each autonomy level (the word is in model/autonomy.rs) as every CLI's own switches. A
//! background task nobody watches cannot answer a permission prompt, so each level maps to
//! the CLI's own non-interactive switches (each CLI module's `autonomy_args`; table in
//! docs/agent-clis.md).

use super::Backend;
use crate::model::Autonomy;

impl Autonomy {
    /// The CLI's own flags for this level (none for plain commands).
    pub fn args(self, backend: Backend) -> Vec<String> {
        backend.cli().autonomy_args(self).iter().map(|w| w.to_string()).collect()
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
        for backend in Backend::all().filter(|b| !b.is_command()) {
            let levels = [Autonomy::ReadOnly, Autonomy::Edit, Autonomy::Full].map(|a| a.args(backend));
            assert!(levels.iter().all(|l| !l.is_empty()), "{backend}");
            assert!(levels[0] != levels[1] && levels[1] != levels[2], "{backend}");
        }
        assert!(Autonomy::Full.args(Backend::command()).is_empty());
    }
}
