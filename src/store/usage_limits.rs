//! Account holds and each day's spend per account (usage limits and budgets). Only the worker
//! writes; the rows let a restarted worker hold what it held and count what was spent today.

use super::Store;
use crate::error::Result;
use crate::scheduler::holds::AccountHold;
use rusqlite::params;

impl Store {
    pub fn save_hold(&self, account: &str, hold: &AccountHold) -> Result<()> {
        let data = serde_json::to_string(hold)?;
        self.conn
            .prepare_cached(
                "INSERT INTO account_holds (account, hold) VALUES (?1, ?2) \
                 ON CONFLICT(account) DO UPDATE SET hold = excluded.hold",
            )?
            .execute(params![account, data])?;
        Ok(())
    }

    pub fn delete_hold(&self, account: &str) -> Result<()> {
        self.conn
            .prepare_cached("DELETE FROM account_holds WHERE account = ?1")?
            .execute(params![account])?;
        Ok(())
    }

    /// Every stored hold; a row that no longer parses is skipped (and replaced on the next save).
    pub fn holds(&self) -> Result<Vec<(String, AccountHold)>> {
        let mut stmt = self.conn.prepare_cached("SELECT account, hold FROM account_holds")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (account, data) = row?;
            if let Ok(hold) = serde_json::from_str(&data) {
                out.push((account, hold));
            }
        }
        Ok(out)
    }

    /// Add `usd` to `account`'s spend on local day `day` (`2026-12-02`).
    pub fn add_spend(&self, day: &str, account: &str, usd: f64) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO spend (day, account, usd) VALUES (?1, ?2, ?3) \
                 ON CONFLICT(day, account) DO UPDATE SET usd = usd + excluded.usd",
            )?
            .execute(params![day, account, usd])?;
        Ok(())
    }

    /// Each account's spend on `day`.
    pub fn spend_on(&self, day: &str) -> Result<Vec<(String, f64)>> {
        let mut stmt = self.conn.prepare_cached("SELECT account, usd FROM spend WHERE day = ?1")?;
        let rows = stmt.query_map(params![day], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }
}
