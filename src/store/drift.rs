//! Event and item types agent CLIs printed that their parsers do not know, per agent: a count,
//! one example line (masked) and when last seen. `agents show NAME` lists the recent ones.

use super::Store;
use crate::error::Result;
use crate::model::UnknownEvent;
use rusqlite::params;

impl Store {
    /// Add one run's unknown types to `agent`'s tally (the first example of a type is kept).
    pub fn add_unknown_events(&self, agent: &str, seen: &[UnknownEvent], now_ms: i64) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO unknown_events (agent, type, count, example, last_seen) VALUES (?1, ?2, ?3, ?4, ?5) \
             ON CONFLICT(agent, type) DO UPDATE SET count = count + excluded.count, \
             last_seen = excluded.last_seen",
        )?;
        for event in seen {
            let count = i64::try_from(event.count).unwrap_or(i64::MAX);
            stmt.execute(params![agent, event.kind, count, event.example, now_ms])?;
        }
        Ok(())
    }

    /// `agent`'s unknown types seen since `since_ms`, the most frequent first.
    pub fn unknown_events(&self, agent: &str, since_ms: i64) -> Result<Vec<UnknownEvent>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT type, count, example FROM unknown_events WHERE agent = ?1 AND last_seen >= ?2 \
             ORDER BY count DESC, type",
        )?;
        let rows = stmt.query_map(params![agent, since_ms], |r| {
            Ok(UnknownEvent {
                kind: r.get(0)?,
                count: u64::try_from(r.get::<_, i64>(1)?).unwrap_or(0),
                example: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_add_up_and_old_ones_drop_out() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_for_worker(&dir.path().join("db.sqlite")).unwrap();
        let seen =
            |kind: &str, count| UnknownEvent { kind: kind.into(), count, example: format!("{{{kind}}}") };
        store.add_unknown_events("orchid", &[seen("system/new", 2), seen("odd", 1)], 1_000).unwrap();
        store.add_unknown_events("orchid", &[seen("system/new", 3)], 5_000).unwrap();
        store.add_unknown_events("quill", &[seen("item/x", 1)], 5_000).unwrap();
        let all = store.unknown_events("orchid", 0).unwrap();
        assert_eq!(all, vec![seen("system/new", 5), seen("odd", 1)]);
        assert_eq!(store.unknown_events("orchid", 2_000).unwrap(), vec![seen("system/new", 5)]);
    }
}
