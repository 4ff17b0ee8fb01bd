//! Circuit breakers per agent: after `failures` consecutive failures that are the agent's own
//! (errors, rate limits; not a user's cancel or timeout) the circuit opens for `open_seconds`,
//! then lets one trial task through (half open). A success closes it; a failed trial opens it
//! again.

use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CircuitState {
    Closed,
    Open,
    HalfOpen,
}

impl CircuitState {
    pub fn as_str(self) -> &'static str {
        match self {
            CircuitState::Closed => "closed",
            CircuitState::Open => "open",
            CircuitState::HalfOpen => "half_open",
        }
    }
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
struct Circuit {
    consecutive_failures: u32,
    /// Unix ms the circuit stays open until; set while open or half open.
    open_until: Option<i64>,
    /// A half-open circuit's one trial is running.
    trial_running: bool,
}

#[derive(Debug)]
pub struct Circuits {
    circuits: HashMap<String, Circuit>,
    threshold: u32,
    open_ms: i64,
}

impl Circuits {
    pub fn new(threshold: u32, open_seconds: u64) -> Circuits {
        Circuits {
            circuits: HashMap::new(),
            threshold: threshold.max(1),
            open_ms: open_seconds as i64 * 1000,
        }
    }

    /// The circuits as JSON, kept in the database so that a restart does not forget them.
    pub fn save(&self) -> String {
        serde_json::to_string(&self.circuits).unwrap_or_default()
    }

    /// Restore what `save` wrote; a trial that was running is forgotten (its task ends anyway).
    pub fn load(&mut self, saved: &str) {
        if let Ok(mut circuits) = serde_json::from_str::<HashMap<String, Circuit>>(saved) {
            circuits.values_mut().for_each(|c| c.trial_running = false);
            self.circuits = circuits;
        }
    }

    pub fn state(&self, agent: &str, now: i64) -> CircuitState {
        match self.circuits.get(agent).and_then(|c| c.open_until) {
            Some(until) if until > now => CircuitState::Open,
            Some(_) => CircuitState::HalfOpen,
            None => CircuitState::Closed,
        }
    }

    /// Why a task of `agent` may not start now, if it may not.
    pub fn blocked(&self, agent: &str, now: i64) -> Option<String> {
        let c = self.circuits.get(agent)?;
        match self.state(agent, now) {
            CircuitState::Closed => None,
            CircuitState::Open => Some(format!(
                "agent {agent} unavailable until {} ({} failures)",
                crate::scheduler::reason::local_time(c.open_until.unwrap_or(now), now),
                c.consecutive_failures
            )),
            CircuitState::HalfOpen if c.trial_running => {
                Some(format!("agent {agent} on trial after {} failures", c.consecutive_failures))
            }
            CircuitState::HalfOpen => None,
        }
    }

    /// The circuit as admission sees it.
    pub fn slot(&self, agent: &str, now: i64) -> crate::scheduler::Circuit {
        use crate::scheduler::Circuit as Slot;
        let Some(c) = self.circuits.get(agent) else { return Slot::Closed };
        let failures = c.consecutive_failures;
        match self.state(agent, now) {
            CircuitState::Closed => Slot::Closed,
            CircuitState::Open => Slot::Open { until: c.open_until.unwrap_or(now), failures },
            CircuitState::HalfOpen if c.trial_running => Slot::Trial { failures },
            CircuitState::HalfOpen => Slot::HalfOpen { failures },
        }
    }

    /// When the earliest open circuit turns half open (the worker wakes then).
    pub fn next_change(&self, now: i64) -> Option<i64> {
        self.circuits.values().filter_map(|c| c.open_until).filter(|t| *t > now).min()
    }

    pub fn on_start(&mut self, agent: &str, now: i64) {
        if self.state(agent, now) == CircuitState::HalfOpen
            && let Some(c) = self.circuits.get_mut(agent)
        {
            c.trial_running = true;
        }
    }

    /// Record an outcome; returns the new state when it changed.
    pub fn on_result(&mut self, agent: &str, success: bool, now: i64) -> Option<CircuitState> {
        let before = self.state(agent, now);
        let c = self.circuits.entry(agent.to_string()).or_default();
        c.trial_running = false;
        if success {
            *c = Circuit::default();
        } else {
            c.consecutive_failures += 1;
            if c.consecutive_failures >= self.threshold {
                c.open_until = Some(now + self.open_ms);
            }
        }
        let after = self.state(agent, now);
        (after != before).then_some(after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_after_threshold_then_half_opens_and_closes() {
        let mut c = Circuits::new(3, 60);
        assert_eq!(c.on_result("orchid", false, 0), None);
        assert_eq!(c.on_result("orchid", false, 0), None);
        assert_eq!(c.on_result("orchid", false, 0), Some(CircuitState::Open));
        assert!(c.blocked("orchid", 1_000).unwrap().contains("unavailable until"));
        assert_eq!(c.next_change(1_000), Some(60_000));
        assert_eq!(c.state("orchid", 60_000), CircuitState::HalfOpen);
        assert_eq!(c.blocked("orchid", 60_000), None);
        c.on_start("orchid", 60_000);
        assert!(c.blocked("orchid", 60_001).unwrap().contains("trial"));
        assert_eq!(c.on_result("orchid", true, 61_000), Some(CircuitState::Closed));
        assert_eq!(c.blocked("orchid", 61_000), None);
    }

    #[test]
    fn a_failed_trial_opens_again_and_success_resets_the_count() {
        let mut c = Circuits::new(2, 10);
        c.on_result("quill", false, 0);
        c.on_result("quill", true, 0);
        assert_eq!(c.on_result("quill", false, 0), None);
        assert_eq!(c.on_result("quill", false, 0), Some(CircuitState::Open));
        c.on_start("quill", 10_000);
        assert_eq!(c.on_result("quill", false, 10_500), Some(CircuitState::Open));
        assert_eq!(c.state("other", 0), CircuitState::Closed);
        let mut restored = Circuits::new(2, 10);
        restored.load(&c.save());
        assert_eq!(restored.state("quill", 10_600), CircuitState::Open);
    }
}
