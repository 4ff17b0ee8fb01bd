//! Which variable names hold secrets: glob patterns (`*` any run, `?` one character), matched
//! without regard to case.

use serde::{Deserialize, Serialize};
use wildmatch::WildMatch;

/// Names sealed and masked by default. Over-matching costs little (a value sealed that did not
/// need to be); missing a credential leaks it.
pub const DEFAULT_PATTERNS: &[&str] = &[
    "*KEY*",
    "*TOKEN*",
    "*SECRET*",
    "*PASSWORD*",
    "*PASSWD*",
    "*PASSPHRASE*",
    "*CREDENTIAL*",
    "*_PAT",
    "*_PWD",
    "*_AUTH",
    "*AUTHORIZATION*",
    "*COOKIE*",
    "*PRIVATE*",
    "*DSN*",
    "*DATABASE_URL*",
    "AWS_*",
];

/// `[secrets]` in config.toml.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct SecretsConfig {
    /// Replaces the default patterns.
    pub patterns: Vec<String>,
    /// Added to `patterns`.
    pub extra_patterns: Vec<String>,
    /// Where the key lives: auto (the desktop keyring when one answers, else a key file),
    /// keyring, or file.
    pub key_store: String,
}

impl Default for SecretsConfig {
    fn default() -> Self {
        SecretsConfig {
            patterns: DEFAULT_PATTERNS.iter().map(|p| p.to_string()).collect(),
            extra_patterns: Vec::new(),
            key_store: "auto".into(),
        }
    }
}

impl SecretsConfig {
    pub fn validate(&self) -> Result<(), String> {
        if !matches!(self.key_store.as_str(), "auto" | "keyring" | "file") {
            return Err(format!("secrets.key_store must be auto, keyring or file, got '{}'", self.key_store));
        }
        for p in self.patterns.iter().chain(&self.extra_patterns) {
            if p.trim().is_empty() {
                return Err("secrets: an empty pattern would match nothing; remove it".into());
            }
        }
        Ok(())
    }

    pub fn matcher(&self) -> Matcher {
        Matcher(
            self.patterns
                .iter()
                .chain(&self.extra_patterns)
                .map(|p| WildMatch::new_case_insensitive(p))
                .collect(),
        )
    }
}

#[derive(Debug, Clone)]
pub struct Matcher(Vec<WildMatch>);

impl Default for Matcher {
    fn default() -> Self {
        SecretsConfig::default().matcher()
    }
}

impl Matcher {
    pub fn is_secret(&self, name: &str) -> bool {
        self.0.iter().any(|p| p.matches(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_catch_credentials_and_spare_ordinary_names() {
        let m = Matcher::default();
        for name in [
            "ANTHROPIC_API_KEY",
            "GITHUB_TOKEN",
            "MY_SECRET_TOKEN",
            "DB_PASSWORD",
            "GH_PAT",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_REGION",
            "SENTRY_DSN",
            "google_application_credentials",
            "ssh_private_key",
        ] {
            assert!(m.is_secret(name), "{name}");
        }
        for name in ["PATH", "HOME", "PWD", "OLDPWD", "LANG", "TERM", "PATHEXT", "USER", "SSH_AUTH_SOCK"] {
            assert!(!m.is_secret(name), "{name}");
        }
    }

    #[test]
    fn patterns_replace_and_extra_patterns_add() {
        let c = SecretsConfig {
            patterns: vec!["ONLY_*".into()],
            extra_patterns: vec!["*_PIN".into()],
            ..Default::default()
        };
        let m = c.matcher();
        assert!(m.is_secret("ONLY_THIS") && m.is_secret("BANK_PIN"));
        assert!(!m.is_secret("GITHUB_TOKEN"), "patterns replaces the defaults");
        assert!(SecretsConfig { key_store: "vault".into(), ..Default::default() }.validate().is_err());
    }
}
