//! The mask for one task's output, for every reader (`logs`, `result`, the dashboard, and
//! later ones): its secret values while they are sealed in the store (it has not ended), else
//! the spans the worker recorded when it ended.

use super::mask::Mask;
use super::{Vault, restore};
use crate::config::Config;
use crate::paths::Paths;
use crate::store::Store;

/// `Err` says why the output cannot be masked (the key is gone, say): callers then show
/// nothing rather than the secrets.
pub fn task_mask(paths: &Paths, store: &Store, id: &str) -> Result<Mask, String> {
    let mut why = String::new();
    // The task may end between the two reads, its values forgotten: then look again.
    for _ in 0..2 {
        let spans = store.log_masks(id).map_err(|e| e.to_string())?;
        let finished = store.task(id).map_err(|e| e.to_string())?.is_none_or(|t| t.state.is_finished());
        if finished {
            return Ok(Mask::from_spans(spans));
        }
        match secret_values(paths, store, id) {
            Ok(values) => return Ok(Mask::from_spans(spans).with_values(&values)),
            Err(e) => why = e,
        }
    }
    Err(why)
}

fn secret_values(paths: &Paths, store: &Store, id: &str) -> Result<Vec<(String, String)>, String> {
    let Some(hash) = store.env_hash(id).map_err(|e| e.to_string())? else { return Ok(Vec::new()) };
    let sealed = store.sealed_env(&hash).map_err(|e| e.to_string())?;
    if sealed.secrets.is_empty() {
        return Ok(Vec::new());
    }
    let config = Config::load(&paths.config_file).unwrap_or_default();
    let mut vault = Vault::new(paths, &config.secrets);
    let env = restore(&sealed, &hash, || vault.existing()).map_err(|e| e.to_string())?;
    Ok(env.into_iter().filter(|(name, _)| sealed.secrets.contains_key(name)).collect())
}
