//! The per-user key, kept outside the database: in the desktop keyring (Secret Service over
//! D-Bus) where one answers, else in a 0600 file in its own 0700 folder. `[secrets] key_store`
//! can insist on one. A key is made only to seal something; opening never makes one.

use super::cipher::Key;
use super::names::SecretsConfig;
use crate::paths::Paths;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

const SERVICE: &str = "smart-agents";

#[derive(Debug, Clone, PartialEq)]
pub enum KeySource {
    Keyring,
    File(PathBuf),
}

impl std::fmt::Display for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeySource::Keyring => f.write_str("the desktop keyring (Secret Service)"),
            KeySource::File(path) => write!(f, "the key file {}", path.display()),
        }
    }
}

/// Why there is no key, and what to do about it.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyError {
    pub why: String,
    pub fix: String,
}

/// Finds, makes and caches the key. The worker holds one for its life; clients make one to
/// unmask a running task's output.
pub struct Vault {
    key_file: PathBuf,
    /// The keyring entry is per data folder: two homes never share a key by accident.
    account: String,
    store: String,
    cached: Option<(Key, KeySource)>,
}

impl Vault {
    pub fn new(paths: &Paths, config: &SecretsConfig) -> Vault {
        Vault {
            key_file: paths.key_file.clone(),
            account: paths.database.display().to_string(),
            store: config.key_store.clone(),
            cached: None,
        }
    }

    /// The key to open sealed values with; never makes one.
    pub fn existing(&mut self) -> Result<&Key, KeyError> {
        self.drop_if_file_gone();
        if self.cached.is_none() {
            self.cached = Some(self.find()?.ok_or_else(|| self.missing())?);
        }
        Ok(&self.cached.as_ref().expect("just cached").0)
    }

    /// The key to seal new values with, made on first need.
    pub fn for_sealing(&mut self) -> Result<&Key, KeyError> {
        self.drop_if_file_gone();
        if self.cached.is_none() {
            let found = match self.find()? {
                Some(found) => found,
                None => self.create()?,
            };
            self.cached = Some(found);
        }
        Ok(&self.cached.as_ref().expect("just cached").0)
    }

    pub fn source(&self) -> Option<&KeySource> {
        self.cached.as_ref().map(|(_, s)| s)
    }

    /// A key file deleted under a running worker must not go on sealing with a key that the
    /// next worker cannot find.
    fn drop_if_file_gone(&mut self) {
        if let Some((_, KeySource::File(path))) = &self.cached
            && !path.exists()
        {
            self.cached = None;
        }
    }

    fn find(&self) -> Result<Option<(Key, KeySource)>, KeyError> {
        if self.store != "keyring" && self.key_file.exists() {
            return read_key_file(&self.key_file).map(|k| Some((k, KeySource::File(self.key_file.clone()))));
        }
        if self.store == "file" {
            return Ok(None);
        }
        match keyring_get(&self.account) {
            Ok(text) => match Key::decode(&text) {
                Some(key) => Ok(Some((key, KeySource::Keyring))),
                None => Err(KeyError {
                    why: format!("the keyring entry '{SERVICE}' for {} is not a key", self.account),
                    fix: "delete that entry in your keyring manager (pending tasks with secrets will fail)"
                        .into(),
                }),
            },
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) if self.store == "keyring" => Err(keyring_unavailable(&e)),
            Err(_) => Ok(None),
        }
    }

    fn missing(&self) -> KeyError {
        let place = match self.store.as_str() {
            "keyring" => format!("the desktop keyring has no '{SERVICE}' entry for {}", self.account),
            _ => format!("the key file {} is missing", self.key_file.display()),
        };
        KeyError {
            why: format!("{place} (was it deleted, or the keyring unreachable?)"),
            fix: format!(
                "restore {} from a backup, or submit the task again (new tasks get a new key)",
                self.key_file.display()
            ),
        }
    }

    fn create(&self) -> Result<(Key, KeySource), KeyError> {
        let key = Key::generate()
            .map_err(|e| KeyError { why: format!("no randomness: {e}"), fix: String::new() })?;
        if self.store != "file" {
            match keyring_set(&self.account, &key) {
                Ok(()) => return Ok((key, KeySource::Keyring)),
                Err(e) if self.store == "keyring" => return Err(keyring_unavailable(&e)),
                Err(_) => {}
            }
        }
        write_key_file(&self.key_file, &key).map_err(|e| KeyError {
            why: format!("writing {}: {e}", self.key_file.display()),
            fix: String::new(),
        })?;
        Ok((key, KeySource::File(self.key_file.clone())))
    }
}

/// How long the keyring may take: it can wait on an unlock prompt nobody answers.
const KEYRING_TIMEOUT: Duration = Duration::from_secs(10);

fn keyring_get(account: &str) -> keyring_core::Result<String> {
    keyring_call(account, |entry| entry.get_password())
}

fn keyring_set(account: &str, key: &Key) -> keyring_core::Result<()> {
    let text = key.encode();
    keyring_call(account, move |entry| entry.set_password(&text))
}

/// One keyring operation on a thread of its own, abandoned (its answer ignored) after
/// `KEYRING_TIMEOUT` so that neither the worker nor a client hangs on it.
fn keyring_call<T: Send + 'static>(
    account: &str,
    op: impl FnOnce(&keyring_core::Entry) -> keyring_core::Result<T> + Send + 'static,
) -> keyring_core::Result<T> {
    let account = account.to_string();
    let (tx, rx) = std::sync::mpsc::channel();
    let spawned = std::thread::Builder::new().name("smart-agents-keyring".into()).spawn(move || {
        let result = zbus_secret_service_keyring_store::Store::new().and_then(|store| {
            let store: Arc<keyring_core::CredentialStore> = store;
            op(&keyring_core::Entry::new_in_store(&store, SERVICE, &account)?)
        });
        let _ = tx.send(result);
    });
    if let Err(e) = spawned {
        return Err(keyring_core::Error::NotSupportedByStore(format!("no thread for the keyring: {e}")));
    }
    rx.recv_timeout(KEYRING_TIMEOUT).unwrap_or_else(|_| {
        Err(keyring_core::Error::NotSupportedByStore(format!(
            "no answer within {}s (an unlock prompt waiting?)",
            KEYRING_TIMEOUT.as_secs()
        )))
    })
}

fn keyring_unavailable(e: &keyring_core::Error) -> KeyError {
    KeyError {
        why: format!("the desktop keyring does not answer: {e}"),
        fix: "unlock your keyring (or set `[secrets] key_store = \"file\"` in config.toml)".into(),
    }
}

fn read_key_file(path: &Path) -> Result<Key, KeyError> {
    let bad = |why: String| KeyError { why, fix: format!("restore {} from a backup", path.display()) };
    let text = std::fs::read_to_string(path).map_err(|e| bad(format!("reading {}: {e}", path.display())))?;
    Key::decode(&text).ok_or_else(|| bad(format!("{} does not hold a key", path.display())))
}

/// Written to a temporary name and renamed, so a crash never leaves half a key.
fn write_key_file(path: &Path, key: &Key) -> std::io::Result<()> {
    let dir = path.parent().ok_or_else(|| std::io::Error::other("the key file has no folder"))?;
    crate::paths::ensure_private_dir(dir).map_err(std::io::Error::other)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    let tmp = path.with_extension("tmp");
    let mut file =
        std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(&tmp)?;
    file.write_all(format!("{}\n", key.encode()).as_bytes())?;
    file.sync_all()?;
    std::fs::rename(&tmp, path)
}

/// For `doctor`: where the key is, without making one. `Err` is a problem to report.
pub fn describe_key(paths: &Paths, config: &SecretsConfig) -> Result<Option<KeySource>, KeyError> {
    let vault = Vault::new(paths, config);
    match vault.find()? {
        Some((_, source)) => Ok(Some(source)),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault(dir: &Path) -> Vault {
        let config = SecretsConfig { key_store: "file".into(), ..Default::default() };
        Vault::new(&Paths::under(dir), &config)
    }

    #[test]
    fn a_key_file_is_made_private_once_and_found_again() {
        let dir = tempfile::tempdir().unwrap();
        assert!(vault(dir.path()).existing().is_err(), "opening never makes a key");
        let key = vault(dir.path()).for_sealing().unwrap().clone();
        let file = Paths::under(dir.path()).key_file;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(std::fs::metadata(file.parent().unwrap()).unwrap().permissions().mode() & 0o777, 0o700);
        let mut again = vault(dir.path());
        assert_eq!(again.existing().unwrap(), &key);
        std::fs::remove_file(&file).unwrap();
        let err = again.existing().unwrap_err();
        assert!(err.why.contains("missing"), "{err:?}");
    }
}
