//! This build's version, as the handshake, `worker status` and `doctor` tell it.

/// The package version, unless the build set `SMART_AGENTS_VERSION_OVERRIDE` (the handover
/// test builds a second binary that way, to meet a worker of another version).
pub const VERSION: &str = match option_env!("SMART_AGENTS_VERSION_OVERRIDE") {
    Some(version) => version,
    None => env!("CARGO_PKG_VERSION"),
};

/// Whether a worker of version `theirs` should make way for this build: it is older. A newer
/// worker stays (its database may be ahead of this build), and so does one whose version
/// cannot be read, since it cannot be ordered.
pub fn supersedes(theirs: &str) -> bool {
    match (semver::Version::parse(VERSION), semver::Version::parse(theirs)) {
        (Ok(mine), Ok(theirs)) => theirs < mine,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_older_worker_makes_way() {
        assert!(supersedes("0.0.1"));
        assert!(!supersedes(VERSION));
        assert!(!supersedes("999.0.0"));
        assert!(!supersedes("not a version"));
    }
}
