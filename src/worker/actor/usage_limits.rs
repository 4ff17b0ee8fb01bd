//! Usage limits and budgets in the worker: holds per account (the pure state machine in
//! `scheduler::holds`), today's spend per account, and what admission sees of both. Holds and
//! spend are written to SQLite as they change, so a restarted worker keeps them; a hold's end
//! is a timer, never a poll.

use super::{Actor, KillReason, Timer};
use crate::agents::usage_limits::UsageLimitHit;
use crate::error::{Error, Result};
use crate::model::{Carried, HoldView, TaskState};
use crate::protocol::Event;
use crate::scheduler::holds::Change;
use crate::scheduler::reason::usd;
use crate::scheduler::{Hold, WaitReason};
use crate::store::EventKind;
use chrono::{Local, TimeZone};

fn day_of(now: i64) -> String {
    Local.timestamp_millis_opt(now).single().map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_default()
}

/// The next local midnight after `now`: budgets start over.
fn next_midnight(now: i64) -> i64 {
    let Some(t) = Local.timestamp_millis_opt(now).single() else { return now + 86_400_000 };
    let tomorrow = t.date_naive().succ_opt().and_then(|d| d.and_hms_opt(0, 0, 0));
    tomorrow
        .and_then(|d| Local.from_local_datetime(&d).earliest())
        .map_or(now + 86_400_000, |t| t.timestamp_millis())
}

/// An account name capitalized, for the start of a notice.
fn capitalized(account: &str) -> String {
    let mut chars = account.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

impl Actor {
    /// Holds and today's spend from the database (at start).
    pub(super) fn load_limits(&mut self, now: i64) -> Result<()> {
        for (account, hold) in self.store.holds()? {
            self.usage_limits.holds.restore(account, hold);
        }
        self.usage_limits.day = day_of(now);
        self.usage_limits.spend = self.store.spend_on(&self.usage_limits.day)?.into_iter().collect();
        Ok(())
    }

    pub(super) fn spent_today(&self, account: &str, now: i64) -> f64 {
        if self.usage_limits.day != day_of(now) {
            return 0.0;
        }
        self.usage_limits.spend.get(account).copied().unwrap_or(0.0)
    }

    /// The account's hold as admission sees it: a usage limit first, then the budgets.
    pub(super) fn hold_slot(&self, account: &str, now: i64) -> Hold {
        let hold = self.usage_limits.holds.slot(account, now);
        if hold != Hold::None || self.usage_limits.released.contains(account) {
            return hold;
        }
        let spent = self.spent_today(account, now);
        let own =
            self.registry.agents.iter().filter(|a| a.account == account).filter_map(|a| a.daily_budget_usd);
        if let Some(budget) = own.reduce(f64::min).filter(|b| spent >= *b) {
            return Hold::Budget { spent, budget, overall: false };
        }
        let total: f64 =
            if self.usage_limits.day == day_of(now) { self.usage_limits.spend.values().sum() } else { 0.0 };
        match self.config.daily_budget_usd {
            Some(budget) if total >= budget && !self.usage_limits.released.contains("*") => {
                Hold::Budget { spent: total, budget, overall: true }
            }
            _ => Hold::None,
        }
    }

    /// When a hold changes next: a limit ends, or a held budget starts over at midnight.
    pub(super) fn limits_next_change(&self, now: i64) -> Option<i64> {
        let budget_held = self
            .registry
            .agents
            .iter()
            .any(|a| matches!(self.hold_slot(&a.account, now), Hold::Budget { .. }));
        let midnight = budget_held.then(|| next_midnight(now));
        [self.usage_limits.holds.next_change(now), midnight].into_iter().flatten().min()
    }

    /// For `agents --json`.
    pub(super) fn hold_view(&self, account: &str, now: i64) -> Option<HoldView> {
        let hold = self.hold_slot(account, now);
        let until = match hold {
            Hold::None => return None,
            Hold::Limit { until } => Some(until),
            Hold::Budget { .. } => Some(next_midnight(now)),
            Hold::Trial | Hold::TrialRunning => None,
        };
        let reason = match hold {
            Hold::Limit { until } => WaitReason::AccountLimit { account, until },
            Hold::Budget { spent, budget, overall } => {
                WaitReason::AccountBudget { account, spent, budget, overall }
            }
            _ => WaitReason::AccountTrial { account },
        };
        let until = until.and_then(|t| Local.timestamp_millis_opt(t).single()).map(|t| t.to_rfc3339());
        Some(HoldView { until, reason: reason.render(now) })
    }

    /// A task's cost and tokens so far in this attempt (as the agent reports them, cumulative):
    /// totals with the earlier parts, today's spend, and `--max-cost`.
    pub(super) fn note_usage(&mut self, id: &str, tokens: Option<u64>, cost: Option<f64>, now: i64) {
        let Some(live) = self.queue.get_mut(id) else { return };
        let rec = &mut live.rec;
        let carried = rec.metrics.carried.clone().unwrap_or_default();
        if let Some(tokens) = tokens {
            rec.metrics.tokens_used = Some(carried.tokens_used + tokens);
        }
        let Some(cost) = cost else { return };
        let before = rec.metrics.cost_usd.unwrap_or(carried.cost_usd);
        let total = carried.cost_usd + cost;
        rec.metrics.cost_usd = Some(total);
        let (max, running) = (rec.spec.max_cost_usd, rec.state == TaskState::Running && live.kill.is_none());
        let account = self.registry.account_of(&rec.agent).to_string();
        let delta = total - before;
        if delta > 0.0 {
            self.add_spend(&account, delta, now);
        }
        if let Some(max) = max.filter(|m| running && total > *m) {
            self.cancel(id, KillReason::Budget(max), now);
        }
    }

    /// The reason a task fails when its cost went past `--max-cost` (even when it ended
    /// before the worker could stop it, or the agent CLI stopped itself at its own spend cap).
    pub(super) fn over_budget(&self, id: &str, reason: Option<&str>) -> Option<String> {
        let rec = &self.queue.get(id)?.rec;
        let max = rec.spec.max_cost_usd?;
        let spent = rec.metrics.cost_usd.unwrap_or(0.0);
        let claude_stopped = reason.is_some_and(|r| r.contains("max_budget"));
        (spent > max || claude_stopped)
            .then(|| format!("cost budget {} (--max-cost) exceeded: spent {}", usd(max), usd(spent)))
    }

    fn add_spend(&mut self, account: &str, usd: f64, now: i64) {
        let day = day_of(now);
        if self.usage_limits.day != day {
            self.usage_limits.day = day.clone();
            self.usage_limits.spend.clear();
            self.usage_limits.released.clear();
        }
        let held_before = matches!(self.hold_slot(account, now), Hold::Budget { .. });
        *self.usage_limits.spend.entry(account.to_string()).or_default() += usd;
        if let Err(e) = self.store.add_spend(&day, account, usd) {
            eprintln!("smart-agents worker: recording spend of {account}: {e}");
        }
        if let (false, Hold::Budget { .. }) = (held_before, self.hold_slot(account, now)) {
            let text = self.hold_view(account, now).map(|v| v.reason).unwrap_or_default();
            self.tell_hold(account, format!("{}: its tasks wait until tomorrow", capitalized(&text)), true);
            self.usage_limits.budget_held.insert(account.to_string());
            self.timers.add(next_midnight(now), Timer::Wake);
        }
    }

    /// Budget holds that ended (a new day) are told, once each.
    pub(super) fn budget_upkeep(&mut self, now: i64) {
        let over: Vec<String> = self
            .usage_limits
            .budget_held
            .iter()
            .filter(|a| !matches!(self.hold_slot(a, now), Hold::Budget { .. }))
            .cloned()
            .collect();
        for account in over {
            self.usage_limits.budget_held.remove(&account);
            let text = format!("{} daily budget starts over: its tasks start again", capitalized(&account));
            self.tell_hold(&account, text, false);
        }
    }

    /// A task of `account` got through (its model answered, or it ended without a limit).
    pub(super) fn limit_through(&mut self, id: &str, now: i64) {
        let Some(agent) = self.queue.get(id).map(|l| l.rec.agent.clone()) else { return };
        let account = self.registry.account_of(&agent).to_string();
        if self.usage_limits.holds.on_through(&account, now).is_some() {
            let _ = self.store.delete_hold(&account);
            self.tell_hold(
                &account,
                format!("{} usage limit is over: its tasks start again", capitalized(&account)),
                false,
            );
        }
    }

    /// The trial task ended without a verdict on the limit (cancelled, timed out): another may go.
    pub(super) fn limit_trial_gone(&mut self, id: &str) {
        let Some(agent) = self.queue.get(id).map(|l| l.rec.agent.clone()) else { return };
        let account = self.registry.account_of(&agent).to_string();
        self.usage_limits.holds.on_trial_gone(&account, id);
    }

    /// The attempt ended on a usage limit: hold the account, put the task back to pending
    /// (no retry used), and have its next part continue the session.
    pub(super) fn hold_for_limit(&mut self, id: &str, hit: &UsageLimitHit, now: i64) {
        let Some(agent) = self.queue.get(id).map(|l| l.rec.agent.clone()) else { return };
        let account = self.registry.account_of(&agent).to_string();
        let reset_at = hit.reset.map(|r| r.at(now));
        let change = self.usage_limits.holds.on_limit(&account, &hit.message, reset_at, now);
        if let Some(hold) = self.usage_limits.holds.get(&account).cloned() {
            let _ = self.store.save_hold(&account, &hold);
            self.timers.add(hold.until, Timer::Wake);
        }
        self.executors.forget(id);
        let Some(live) = self.queue.get_mut(id) else { return };
        let rec = &mut live.rec;
        let before = rec.metrics.carried.clone().unwrap_or_default();
        let tokens_used = rec.metrics.tokens_used.unwrap_or(before.tokens_used);
        // A part the model never answered left no conversation to continue (some agent CLIs
        // do not even save such a session): the next part starts over.
        let answered = tokens_used > before.tokens_used;
        let carried = Carried {
            parts: before.parts + 1,
            tokens_used,
            cost_usd: rec.metrics.cost_usd.unwrap_or(before.cost_usd),
            session_id: rec.session_id.clone().filter(|_| answered).or(before.session_id),
        };
        let data = serde_json::json!({
            "attempt": rec.attempt, "reason": format!("{account} usage limit: {}", hit.message),
            "limit": true, "resets_at": reset_at, "tokens_used": carried.tokens_used, "cost_usd": carried.cost_usd,
        });
        let _ = self.journal.add(&self.store, id, now, EventKind::AttemptFailed, Some(data));
        rec.metrics.carried = Some(carried);
        rec.attempt += 1;
        super::endings::reset_for_attempt(rec);
        rec.not_before = None;
        live.kill = None;
        live.orphaned = false;
        live.reason_key = 0;
        self.outbox.mark(id);
        if change == Change::Started {
            let waiting = self.pending_of_account(&account);
            let until = self.usage_limits.holds.get(&account).map_or(now, |h| h.until);
            let at = crate::scheduler::reason::local_time(until, now);
            let tasks =
                if waiting == 1 { "1 task waits".to_string() } else { format!("{waiting} tasks wait") };
            self.tell_hold(
                &account,
                format!("{} usage limit: {tasks} until {at}", capitalized(&account)),
                true,
            );
        }
    }

    fn pending_of_account(&self, account: &str) -> usize {
        let of = |l: &&super::Live| self.registry.account_of(&l.rec.agent) == account;
        self.queue.values().filter(|l| l.rec.state == TaskState::Pending).filter(of).count()
    }

    fn tell_hold(&mut self, account: &str, text: String, started: bool) {
        eprintln!("smart-agents worker: {text}");
        self.outbox.publish(Event::Hold { account: account.to_string(), text, started });
    }

    /// `agents release NAME`: end the hold of NAME's account (NAME may be the account).
    pub(super) fn release_hold(&mut self, name: &str, now: i64) -> Result<String> {
        let account = match self.registry.get(name) {
            Some(def) => def.account.clone(),
            None if self.registry.agents.iter().any(|a| a.account == name) => name.to_string(),
            None => {
                return Err(Error::not_found(format!(
                    "no agent named '{name}' (known: {})",
                    self.registry.names()
                )));
            }
        };
        let hold = self.hold_slot(&account, now);
        match hold {
            Hold::None => return Err(Error::usage(format!("{name}: its account '{account}' has no hold"))),
            Hold::Budget { overall: true, .. } => {
                self.usage_limits.released.insert("*".into());
                self.usage_limits.budget_held.clear();
            }
            Hold::Budget { .. } => {
                self.usage_limits.released.insert(account.clone());
                self.usage_limits.budget_held.remove(&account);
            }
            Hold::Limit { .. } | Hold::Trial | Hold::TrialRunning => {
                self.usage_limits.holds.release(&account);
                self.store.delete_hold(&account)?;
            }
        }
        let text = format!("{} hold released by hand: its tasks start again", capitalized(&account));
        self.tell_hold(&account, text.clone(), false);
        self.outbox.rerun();
        Ok(text)
    }
}
