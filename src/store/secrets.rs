//! Stored environments with sealed secret values, their clean-up, and the log spans that
//! mask a finished task's printed secrets. Only the worker writes; `doctor` and the readers
//! of output read.

use super::Store;
use crate::error::Result;
use crate::secrets::{Matcher, SealedEnv, Span};
use rusqlite::{OptionalExtension, params};
use std::collections::BTreeMap;

/// Unfinished tasks keep their environment's sealed values.
/// Unfinished tasks, and running flows whose later steps are queued from the same environment.
const IN_USE: &str = "SELECT 1 FROM tasks WHERE state IN ('pending', 'running') AND env_hash = envs.hash \
    UNION ALL SELECT 1 FROM flows WHERE state = 'running' AND env_hash = envs.hash";
/// Every sealed value of the row set to null, names kept (a later failure can name them).
const FORGET: &str = "UPDATE envs SET secrets = \
    (SELECT json_group_object(key, json('null')) FROM json_each(envs.secrets)) \
    WHERE secrets IS NOT NULL \
    AND EXISTS (SELECT 1 FROM json_each(envs.secrets) WHERE type != 'null')";

impl Store {
    /// Write (or rewrite) one environment.
    pub fn put_env(&self, hash: &str, env: &SealedEnv) -> Result<()> {
        let data = serde_json::to_string(&env.plain)?;
        let secrets = (!env.secrets.is_empty()).then(|| serde_json::to_string(&env.secrets)).transpose()?;
        self.conn
            .prepare_cached(
                "INSERT INTO envs (hash, data, secrets) VALUES (?1, ?2, ?3) \
                 ON CONFLICT(hash) DO UPDATE SET data = excluded.data, secrets = excluded.secrets",
            )?
            .execute(params![hash, data, secrets])?;
        Ok(())
    }

    /// One stored environment; empty when there is none.
    pub fn sealed_env(&self, hash: &str) -> Result<SealedEnv> {
        let row: Option<(String, Option<String>)> = self
            .conn
            .prepare_cached("SELECT data, secrets FROM envs WHERE hash = ?1")?
            .query_row([hash], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let Some((data, secrets)) = row else { return Ok(SealedEnv::default()) };
        let secrets: BTreeMap<String, Option<String>> =
            secrets.map(|s| serde_json::from_str(&s)).transpose()?.unwrap_or_default();
        Ok(SealedEnv { plain: serde_json::from_str(&data)?, secrets })
    }

    /// Forget the sealed values of `hash` unless an unfinished task still needs them; true if
    /// some were forgotten.
    pub fn forget_secrets_if_unused(&self, hash: &str) -> Result<bool> {
        let sql = format!("{FORGET} AND hash = ?1 AND NOT EXISTS ({IN_USE})");
        Ok(self.conn.prepare_cached(&sql)?.execute([hash])? > 0)
    }

    /// Forget every sealed value no unfinished task needs (for start-up and `prune`); returns
    /// how many environments lost theirs.
    pub fn forget_unused_secrets(&self) -> Result<usize> {
        Ok(self.conn.execute(&format!("{FORGET} AND NOT EXISTS ({IN_USE})"), [])?)
    }

    /// A retried task's environment, its secret values taken anew.
    pub fn set_env_hash(&self, id: &str, hash: &str) -> Result<()> {
        self.conn
            .prepare_cached("UPDATE tasks SET env_hash = ?2 WHERE id = ?1")?
            .execute(params![id, hash])?;
        Ok(())
    }

    /// Tasks of environment `old` now use `new`; `old` goes.
    pub fn move_env(&self, old: &str, new: &str) -> Result<()> {
        self.conn.execute("UPDATE tasks SET env_hash = ?2 WHERE env_hash = ?1", params![old, new])?;
        self.conn.execute("DELETE FROM envs WHERE hash = ?1", [old])?;
        Ok(())
    }

    /// For `prune` (after it removed tasks): sealed values no unfinished task needs, and the
    /// masks of tasks that are gone. Returns how many environments lost their values.
    pub fn prune_secrets(&self) -> Result<usize> {
        let forgotten = self.forget_unused_secrets()?;
        self.conn.execute("DELETE FROM log_masks WHERE task_id NOT IN (SELECT id FROM tasks)", [])?;
        Ok(forgotten)
    }

    /// The spans of `id`'s log that printed secrets, in place of any recorded before.
    pub fn replace_log_masks(&self, id: &str, spans: &[Span]) -> Result<()> {
        self.conn.execute("DELETE FROM log_masks WHERE task_id = ?1", [id])?;
        self.add_log_masks(id, spans)
    }

    fn add_log_masks(&self, id: &str, spans: &[Span]) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare_cached("INSERT INTO log_masks (task_id, start, len, name) VALUES (?1, ?2, ?3, ?4)")?;
        for s in spans {
            stmt.execute(params![id, s.start as i64, s.len as i64, s.name])?;
        }
        Ok(())
    }

    pub fn log_masks(&self, id: &str) -> Result<Vec<Span>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT start, len, name FROM log_masks WHERE task_id = ?1 ORDER BY start")?;
        let rows = stmt.query_map([id], |r| {
            Ok(Span { start: r.get::<_, i64>(0)? as u64, len: r.get::<_, i64>(1)? as u64, name: r.get(2)? })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Environments written by an older version, with secret-looking variables in plain
    /// text: (hash, their names).
    pub fn plaintext_secrets(&self, matcher: &Matcher) -> Result<Vec<(String, Vec<String>)>> {
        let mut stmt = self.conn.prepare("SELECT hash, data FROM envs")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut found = Vec::new();
        for row in rows {
            let (hash, data) = row?;
            let plain: Vec<(String, String)> = serde_json::from_str(&data).unwrap_or_default();
            let names: Vec<String> = plain
                .into_iter()
                .filter(|(n, v)| matcher.is_secret(n) && !v.is_empty())
                .map(|(n, _)| n)
                .collect();
            if !names.is_empty() {
                found.push((hash, names));
            }
        }
        Ok(found)
    }
}

impl crate::secrets::MaskSource for Store {
    fn mask_spans(&self, id: &str) -> Result<Vec<Span>> {
        self.log_masks(id)
    }

    fn has_ended(&self, id: &str) -> Result<bool> {
        Ok(self.task(id)?.is_none_or(|t| t.state.is_finished()))
    }

    fn environment_of(&self, id: &str) -> Result<Option<String>> {
        self.env_hash(id)
    }

    fn sealed_environment(&self, hash: &str) -> Result<SealedEnv> {
        self.sealed_env(hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{TaskSpec, TaskState};
    use crate::store::NewTask;

    #[test]
    fn sealed_values_go_when_no_unfinished_task_needs_them() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_for_worker(&dir.path().join("t.db")).unwrap();
        let env = SealedEnv {
            plain: vec![("LANG".into(), "C".into())],
            secrets: BTreeMap::from([("TOKEN".to_string(), Some("sealed".to_string()))]),
        };
        store.put_env("h1", &env).unwrap();
        assert_eq!(store.sealed_env("h1").unwrap(), env);
        let spec =
            TaskSpec { description: "x".into(), agent: "shell".into(), priority: 5, ..Default::default() };
        store
            .insert_task(&NewTask { id: "aaaaaa", spec: &spec, created_at: 0, env_hash: Some("h1") })
            .unwrap();
        assert!(!store.forget_secrets_if_unused("h1").unwrap(), "a pending task needs them");
        let mut rec = store.task("aaaaaa").unwrap().unwrap();
        rec.state = TaskState::Completed;
        store.save(&rec).unwrap();
        assert!(store.forget_secrets_if_unused("h1").unwrap());
        assert_eq!(store.sealed_env("h1").unwrap().secrets, BTreeMap::from([("TOKEN".to_string(), None)]));
        assert_eq!(store.forget_unused_secrets().unwrap(), 0, "already forgotten");
        assert!(store.plaintext_secrets(&Matcher::default()).unwrap().is_empty());
        // Prune: the masks of a task that is gone go too.
        store.add_log_masks("aaaaaa", &[Span { start: 1, len: 4, name: "TOKEN".into() }]).unwrap();
        store.conn.execute("DELETE FROM tasks WHERE id = 'aaaaaa'", []).unwrap();
        store.prune_secrets().unwrap();
        assert!(store.log_masks("aaaaaa").unwrap().is_empty());
    }
}
