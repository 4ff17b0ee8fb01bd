//! The mask for one task's output, for every reader (`logs`, `result`, the dashboard, and
//! later ones): its secret values while they are sealed in the store (it has not ended), else
//! the spans the worker recorded when it ended.

use super::mask::Mask;
use super::names::SecretsConfig;
use super::{SealedEnv, Span, Vault, restore};
use crate::error::Result;
use crate::paths::Paths;

/// What a task's mask is read from: the store implements it (store/secrets.rs), so this
/// floor does not reach up to the database.
pub trait MaskSource {
    /// The spans of the task's log that printed secrets, recorded when it ended.
    fn mask_spans(&self, id: &str) -> Result<Vec<Span>>;
    /// Whether the task ended (or is gone): its values are forgotten then.
    fn has_ended(&self, id: &str) -> Result<bool>;
    /// The hash of the task's stored environment, if it has one.
    fn environment_of(&self, id: &str) -> Result<Option<String>>;
    fn sealed_environment(&self, hash: &str) -> Result<SealedEnv>;
}

/// `Err` says why the output cannot be masked (the key is gone, say): callers then show
/// nothing rather than the secrets.
pub fn task_mask(paths: &Paths, store: &impl MaskSource, id: &str) -> Result<Mask, String> {
    let mut why = String::new();
    // The task may end between the two reads, its values forgotten: then look again.
    for _ in 0..2 {
        let spans = store.mask_spans(id).map_err(|e| e.to_string())?;
        if store.has_ended(id).map_err(|e| e.to_string())? {
            return Ok(Mask::from_spans(spans));
        }
        match secret_values(paths, store, id) {
            Ok(values) => return Ok(Mask::from_spans(spans).with_values(&values)),
            Err(e) => why = e,
        }
    }
    Err(why)
}

fn secret_values(paths: &Paths, store: &impl MaskSource, id: &str) -> Result<Vec<(String, String)>, String> {
    let Some(hash) = store.environment_of(id).map_err(|e| e.to_string())? else { return Ok(Vec::new()) };
    let sealed = store.sealed_environment(&hash).map_err(|e| e.to_string())?;
    if sealed.secrets.is_empty() {
        return Ok(Vec::new());
    }
    let mut vault = Vault::new(paths, &secrets_config(paths));
    let env = restore(&sealed, &hash, || vault.existing()).map_err(|e| e.to_string())?;
    Ok(env.into_iter().filter(|(name, _)| sealed.secrets.contains_key(name)).collect())
}

/// `[secrets]` of config.toml (where the key lives), the defaults when it cannot be read: a
/// reader needs no more of the config than this.
fn secrets_config(paths: &Paths) -> SecretsConfig {
    #[derive(serde::Deserialize, Default)]
    struct File {
        #[serde(default)]
        secrets: SecretsConfig,
    }
    let text = std::fs::read_to_string(&paths.config_file).unwrap_or_default();
    toml::from_str::<File>(&text).map(|f| f.secrets).unwrap_or_default()
}
