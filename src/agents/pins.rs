//! The agent CLI releases the real-CLI lane runs, read from `.ci/agent-cli-pins` when this
//! binary is built: the one place they are written. Each is the newest release of its CLI
//! that smart-agents is tested with.

const PINS: &str = include_str!("../../.ci/agent-cli-pins");

/// The pinned version of the CLI named `name` (as the registry names it), if it has one.
pub fn pinned(name: &str) -> Option<&'static str> {
    PINS.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|words| words.first() == Some(&name))
        .and_then(|words| words.get(3).copied())
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_agent_cli_is_pinned() {
        for backend in super::super::Backend::all().filter(|b| !b.is_command()) {
            let version = super::pinned(backend.as_str());
            assert!(version.is_some_and(|v| v.split('.').count() == 3), "{backend}: {version:?}");
        }
        assert_eq!(super::pinned("nobody"), None);
    }
}
