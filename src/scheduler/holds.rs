//! Account holds after a usage limit: the state machine, pure (the clock is an argument).
//!
//! A limit hit by any task of an account holds every task of that account until the reset
//! time the agent gave, or, when it gave none, for a backoff (`[usage_limits] backoff`,
//! doubled by each trial that hits the limit again, up to `max_backoff`). Once the hold is
//! over, one task goes first as a trial (a half-open circuit); the hold ends when a task gets
//! through (its model answered, or it ended without a limit), and the rest follow.

use super::snapshot::Hold;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One account's hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountHold {
    /// What the agent said when it hit the limit.
    pub message: String,
    /// Unix ms the hold lasts until (then a trial).
    pub until: i64,
    /// The backoff used when the agent named no reset time; doubles after a failed trial.
    pub backoff_ms: Option<i64>,
    /// The trial task, once one started after `until`.
    pub trial: Option<String>,
    /// Unix ms it started.
    pub since: i64,
}

/// What changed, for the worker to tell (notify, journal, persist).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// A new hold (none before).
    Started,
    /// An existing hold was extended or backed off again.
    Extended,
    Unchanged,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Holds {
    holds: BTreeMap<String, AccountHold>,
    base_ms: i64,
    max_ms: i64,
}

impl Holds {
    pub fn new(base_ms: i64, max_ms: i64) -> Holds {
        Holds { holds: BTreeMap::new(), base_ms: base_ms.max(1), max_ms: max_ms.max(base_ms.max(1)) }
    }

    pub fn get(&self, account: &str) -> Option<&AccountHold> {
        self.holds.get(account)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &AccountHold)> {
        self.holds.iter()
    }

    /// Put back a hold read from the database; a trial that ran is forgotten (its task
    /// ended or is re-adopted, and another trial may go).
    pub fn restore(&mut self, account: String, mut hold: AccountHold) {
        hold.trial = None;
        self.holds.insert(account, hold);
    }

    /// A task of `account` hit a limit at `now`, resetting at `reset_at` when the agent said.
    pub fn on_limit(&mut self, account: &str, message: &str, reset_at: Option<i64>, now: i64) -> Change {
        let Some(hold) = self.holds.get_mut(account) else {
            let backoff_ms = reset_at.is_none().then_some(self.base_ms);
            let until = reset_at.unwrap_or(now + self.base_ms).max(now);
            let hold = AccountHold { message: message.into(), until, backoff_ms, trial: None, since: now };
            self.holds.insert(account.to_string(), hold);
            return Change::Started;
        };
        hold.message = message.to_string();
        if hold.until > now {
            // Another task that was already running saw the same limit: no new backoff step.
            let later = reset_at.unwrap_or(hold.until).max(hold.until);
            let changed = later != hold.until;
            hold.until = later;
            return if changed { Change::Extended } else { Change::Unchanged };
        }
        // The hold was over: a trial (or a task that ran on) hit the limit again.
        hold.trial = None;
        match reset_at {
            Some(at) => {
                hold.backoff_ms = None;
                hold.until = at.max(now);
            }
            None => {
                let next = hold.backoff_ms.map_or(self.base_ms, |b| b.saturating_mul(2)).min(self.max_ms);
                hold.backoff_ms = Some(next);
                hold.until = now + next;
            }
        }
        Change::Extended
    }

    /// How admission sees `account` now.
    pub fn slot(&self, account: &str, now: i64) -> Hold {
        match self.holds.get(account) {
            None => Hold::None,
            Some(h) if h.until > now => Hold::Limit { until: h.until },
            Some(h) if h.trial.is_some() => Hold::TrialRunning,
            Some(_) => Hold::Trial,
        }
    }

    /// A task of `account` started: after the hold, it is the trial.
    pub fn on_start(&mut self, account: &str, task: &str, now: i64) {
        if let Some(h) = self.holds.get_mut(account)
            && h.until <= now
            && h.trial.is_none()
        {
            h.trial = Some(task.to_string());
        }
    }

    /// A task of `account` got through (its model answered, or it ended without a limit):
    /// once the hold is over, that ends it. Returns the hold that ended.
    pub fn on_through(&mut self, account: &str, now: i64) -> Option<AccountHold> {
        let over = self.holds.get(account).is_some_and(|h| h.until <= now);
        if over { self.holds.remove(account) } else { None }
    }

    /// The trial task ended without a verdict on the limit (cancelled, killed): another may go.
    pub fn on_trial_gone(&mut self, account: &str, task: &str) {
        if let Some(h) = self.holds.get_mut(account)
            && h.trial.as_deref() == Some(task)
        {
            h.trial = None;
        }
    }

    /// End a hold by hand.
    pub fn release(&mut self, account: &str) -> Option<AccountHold> {
        self.holds.remove(account)
    }

    /// The earliest hold end after `now`: the worker arms a timer for it (it never polls).
    pub fn next_change(&self, now: i64) -> Option<i64> {
        self.holds.values().map(|h| h.until).filter(|&t| t > now).min()
    }
}

#[cfg(test)]
#[path = "holds_tests.rs"]
mod tests;
