//! A caller's environment as stored: ordinary variables as given, secret ones sealed. Sealed
//! values are bound to their environment's hash and name (the AEAD's associated data).

use super::cipher::Key;
use super::key::KeyError;
use super::names::Matcher;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SealedEnv {
    pub plain: Vec<(String, String)>,
    /// Name → sealed value; `None` once forgotten (no unfinished task needed it any more).
    pub secrets: BTreeMap<String, Option<String>>,
}

fn place(hash: &str, name: &str) -> String {
    format!("smart-agents env {hash} {name}")
}

/// Split `env` into ordinary and secret variables, sealing the secret ones with the key that
/// `key` yields (asked for only when there is a secret to seal).
pub fn seal<'k>(
    env: &[(String, String)],
    matcher: &Matcher,
    hash: &str,
    key: impl FnOnce() -> Result<&'k Key, KeyError>,
) -> Result<SealedEnv, KeyError> {
    let (secret, plain): (Vec<_>, Vec<_>) =
        env.iter().cloned().partition(|(name, _)| matcher.is_secret(name));
    let mut out = SealedEnv { plain, secrets: BTreeMap::new() };
    if secret.is_empty() {
        return Ok(out);
    }
    let key = key()?;
    for (name, value) in secret {
        let sealed = key
            .seal(&place(hash, &name), &value)
            .map_err(|e| KeyError { why: e.to_string(), fix: String::new() })?;
        out.secrets.insert(name, Some(sealed));
    }
    Ok(out)
}

/// Why a task cannot have its secret variables back; becomes the task's failure reason.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("could not restore its secret variables {}: {why}. Fix: {fix}", names.join(", "))]
pub struct RestoreError {
    pub names: Vec<String>,
    pub why: String,
    pub fix: String,
}

const RESUBMIT: &str = "submit the task again from a shell that has them";

/// The whole environment back, or which variables could not be restored and why.
pub fn restore<'k>(
    env: &SealedEnv,
    hash: &str,
    key: impl FnOnce() -> Result<&'k Key, KeyError>,
) -> Result<Vec<(String, String)>, RestoreError> {
    let mut out = env.plain.clone();
    if env.secrets.is_empty() {
        return Ok(out);
    }
    let names = || env.secrets.keys().cloned().collect::<Vec<_>>();
    let forgotten: Vec<String> =
        env.secrets.iter().filter(|(_, v)| v.is_none()).map(|(n, _)| n.clone()).collect();
    if !forgotten.is_empty() {
        return Err(RestoreError {
            names: forgotten,
            why: "their sealed values were removed once no unfinished task needed them".into(),
            fix: RESUBMIT.into(),
        });
    }
    let key = key().map_err(|e| RestoreError {
        names: names(),
        why: e.why,
        fix: if e.fix.is_empty() { RESUBMIT.into() } else { e.fix },
    })?;
    let mut failed = Vec::new();
    for (name, sealed) in &env.secrets {
        match sealed.as_deref().and_then(|s| key.open(&place(hash, name), s)) {
            Some(value) => out.push((name.clone(), value)),
            None => failed.push(name.clone()),
        }
    }
    if !failed.is_empty() {
        return Err(RestoreError {
            names: failed,
            why: "they were sealed with another key (the key was replaced since)".into(),
            fix: RESUBMIT.into(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> Vec<(String, String)> {
        vec![("GITHUB_TOKEN".into(), "ghp_1".into()), ("LANG".into(), "C".into())]
    }

    #[test]
    fn only_secret_names_are_sealed_and_they_come_back() {
        let key = Key::generate().unwrap();
        let sealed = seal(&env(), &Matcher::default(), "h1", || Ok(&key)).unwrap();
        assert_eq!(sealed.plain, vec![("LANG".to_string(), "C".to_string())]);
        assert!(!format!("{sealed:?}").contains("ghp_1"));
        let mut back = restore(&sealed, "h1", || Ok(&key)).unwrap();
        back.sort();
        assert_eq!(back, env());
        let err = restore(&sealed, "h2", || Ok(&key)).unwrap_err();
        assert_eq!(err.names, ["GITHUB_TOKEN"]);
    }

    #[test]
    fn no_secret_asks_for_no_key_and_a_missing_key_names_the_variables() {
        let plain = vec![("LANG".to_string(), "C".to_string())];
        let no_key = || Err(KeyError { why: "the key file /k is missing".into(), fix: "restore /k".into() });
        assert_eq!(seal(&plain, &Matcher::default(), "h", no_key).unwrap().plain, plain);
        let key = Key::generate().unwrap();
        let sealed = seal(&env(), &Matcher::default(), "h", || Ok(&key)).unwrap();
        let err = restore(&sealed, "h", no_key).unwrap_err().to_string();
        assert!(
            err.contains("GITHUB_TOKEN") && err.contains("/k is missing") && err.contains("restore /k"),
            "{err}"
        );
    }
}
