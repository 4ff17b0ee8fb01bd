//! The worker's side of secrets: sealing a submitted environment, restoring it when a task
//! starts, masking what a task printed when it ends, and forgetting sealed values that no
//! unfinished task needs.

use super::Actor;
use crate::error::{Error, Result};
use crate::secrets::{self, Mask};
use crate::store::EnvCache;
use crate::worker::secret_state::Env;
use std::sync::Arc;

impl Actor {
    /// Store the caller's environment once, secret values sealed; returns its hash.
    pub(super) fn store_env(&mut self, env: &[(String, String)]) -> Result<String> {
        let fingerprint = EnvCache::fingerprint(env);
        let cached = self.envs.get(fingerprint).map(|(hash, whole)| (hash.to_string(), whole));
        let s = &mut self.secrets;
        let hash = match cached {
            Some((hash, true)) => return Ok(hash),
            // Its sealed values were forgotten: sealed again into the same row.
            Some((hash, false)) => hash,
            // A hash of values would let a guess be checked against it: environments with
            // secrets get a random one.
            None if env.iter().any(|(n, _)| s.matcher.is_secret(n)) => random_hash()?,
            None => format!("{fingerprint:016x}"),
        };
        let sealed = secrets::seal(env, &s.matcher, &hash, || s.vault.for_sealing()).map_err(|e| {
            let names: Vec<&str> =
                env.iter().map(|(n, _)| n.as_str()).filter(|n| s.matcher.is_secret(n)).collect();
            Error::internal(format!(
                "cannot keep the secret variables {} safe: {}. Fix: {}",
                names.join(", "),
                e.why,
                e.fix
            ))
        })?;
        self.store.put_env(&hash, &sealed)?;
        self.envs.insert(fingerprint, hash.clone());
        Ok(hash)
    }

    /// The environment a task starts with: from memory for a task submitted to this worker,
    /// else from the store with its secret values opened. Never a partial one.
    pub(super) fn env_of(&mut self, id: &str) -> Result<Arc<Env>> {
        let env = match self.queue.get(id).and_then(|l| l.env.clone()) {
            Some(env) => env,
            None => {
                let env = match self.store.env_hash(id)? {
                    Some(hash) => self.open_env(&hash)?,
                    None => Vec::new(),
                };
                Arc::new(env)
            }
        };
        let secret: Env = env.iter().filter(|(n, _)| self.secrets.matcher.is_secret(n)).cloned().collect();
        if !secret.is_empty() {
            let mask = Mask::from_values(&secret);
            self.secrets.of_task.insert(id.to_string(), (secret, mask));
        }
        Ok(env)
    }

    /// The stored environment `hash`, its secret values opened; never a partial one.
    pub(super) fn open_env(&mut self, hash: &str) -> Result<Env> {
        let sealed = self.store.sealed_env(hash)?;
        let vault = &mut self.secrets.vault;
        secrets::restore(&sealed, hash, || vault.existing()).map_err(|e| Error::internal(e.to_string()))
    }

    /// A task ended for good: its stored output is masked, where its log printed a secret is
    /// recorded, and its environment's sealed values may go after this round's save.
    pub(super) fn secrets_on_finish(&mut self, id: &str) {
        if let Ok(Some(hash)) = self.store.env_hash(id) {
            self.secrets.ended.push(hash);
        }
        let Some((secret, mask)) = self.secrets.of_task.remove(id) else { return };
        if let Some(live) = self.queue.get_mut(id) {
            for text in [&mut live.rec.output, &mut live.rec.reason].into_iter().flatten() {
                *text = mask.text(text).into_owned();
            }
        }
        let spans = std::fs::File::open(self.paths.task_log(id))
            .and_then(|f| secrets::find_spans(&secret, std::io::BufReader::new(f), 0));
        let recorded = spans.map_err(Error::from).and_then(|spans| self.store.replace_log_masks(id, &spans));
        if let Err(e) = recorded {
            eprintln!("smart-agents worker: recording where {id} printed its secrets: {e}");
        }
    }

    /// A retried task whose sealed values were forgotten when it ended takes them from the
    /// shell that retries it; refused, naming them, when that shell lacks some.
    pub(super) fn refill_secrets(
        &mut self,
        id: &str,
        caller: &[(String, String)],
    ) -> Result<Option<Arc<Env>>> {
        let Some(hash) = self.store.env_hash(id)? else { return Ok(None) };
        let sealed = self.store.sealed_env(&hash)?;
        if sealed.secrets.values().all(Option::is_some) {
            return Ok(None);
        }
        let has = |name: &str| caller.iter().any(|(k, _)| k == name);
        let missing: Vec<&str> = sealed.secrets.keys().map(String::as_str).filter(|n| !has(n)).collect();
        if !missing.is_empty() {
            return Err(Error::usage(format!(
                "task {id}'s secret variables {} were forgotten when it ended: retry it from a shell that has them",
                missing.join(", ")
            )));
        }
        let mut env = sealed.plain;
        env.extend(caller.iter().filter(|(k, _)| sealed.secrets.contains_key(k)).cloned());
        let hash = self.store_env(&env)?;
        self.store.set_env_hash(id, &hash)?;
        Ok(Some(Arc::new(env)))
    }

    /// `text` a running task reported (a step, a failed attempt's reason), its secrets masked.
    pub(super) fn masked(&self, id: &str, text: String) -> String {
        match self.secrets.of_task.get(id) {
            Some((_, mask)) => mask.text(&text).into_owned(),
            None => text,
        }
    }

    /// After the round's tasks are saved: sealed values no unfinished task needs go.
    pub(super) fn forget_ended_secrets(&mut self) -> Result<()> {
        let mut ended = std::mem::take(&mut self.secrets.ended);
        ended.sort_unstable();
        ended.dedup();
        for hash in ended {
            if self.store.forget_secrets_if_unused(&hash)? {
                self.envs.forget(&hash);
            }
        }
        Ok(())
    }

    /// `doctor --fix`: seal the secret values an older version stored in plain text.
    pub(super) fn seal_plaintext_secrets(&mut self) -> Result<String> {
        let found = self.store.plaintext_secrets(&self.secrets.matcher)?;
        if found.is_empty() {
            return Ok("no plaintext secrets in the database".into());
        }
        // Freed space is zeroed, so the plain text does not linger in the file.
        self.store.zero_freed_pages()?;
        let mut count = 0;
        for (old, names) in &found {
            let env = self.store.sealed_env(old)?.plain;
            // The old hash was taken over the values: it goes too.
            let hash = random_hash()?;
            let s = &mut self.secrets;
            let sealed = secrets::seal(&env, &s.matcher, &hash, || s.vault.for_sealing()).map_err(|e| {
                Error::internal(format!("cannot seal {}: {}. Fix: {}", names.join(", "), e.why, e.fix))
            })?;
            self.store.put_env(&hash, &sealed)?;
            self.store.move_env(old, &hash)?;
            self.store.forget_secrets_if_unused(&hash)?;
            count += names.len();
        }
        self.envs = EnvCache::default();
        self.secrets.checkpoint = true;
        Ok(format!("sealed {count} secret values in {} stored environments", found.len()))
    }
}

/// A hash for an environment with secrets: random, so it tells nothing about the values.
fn random_hash() -> Result<String> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| Error::internal(format!("no randomness: {e}")))?;
    Ok(format!("s{:015x}", u64::from_le_bytes(bytes) >> 4))
}
