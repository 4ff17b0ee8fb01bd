//! The caps a round counts against as it starts tasks: per class (from the config) and per
//! agent (its own concurrency and circuit). Each (class, agent) pair with a cap is a lane of its
//! own, so a full class or a busy agent never holds back the others.

use super::reason::WaitReason;
use super::snapshot::{AgentSlot, Circuit, Hold, Running};
use crate::config::ResourceLimits;

/// Per-class running counts for the capped classes only: a handful, sorted by name (the
/// config keeps them in a `BTreeMap`), so lookups are a binary search without hashing.
pub struct ClassSlots<'l> {
    slots: Vec<(&'l str, u32, u32)>,
}

impl<'l> ClassSlots<'l> {
    pub fn new(limits: &'l ResourceLimits, running: &Running) -> Self {
        let slots = limits
            .classes
            .iter()
            .map(|(name, &cap)| (name.as_str(), running.per_class.get(name).copied().unwrap_or(0), cap))
            .collect();
        ClassSlots { slots }
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn find(&self, class: &str) -> Option<usize> {
        self.slots.binary_search_by(|(name, _, _)| (*name).cmp(class)).ok()
    }

    pub fn is_full(&self, slot: usize) -> bool {
        let (_, used, cap) = self.slots[slot];
        used >= cap
    }

    /// (running, cap)
    pub fn usage(&self, slot: usize) -> (u32, u32) {
        let (_, used, cap) = self.slots[slot];
        (used, cap)
    }

    pub fn take(&mut self, slot: usize) {
        self.slots[slot].1 += 1;
    }
}

/// The agents' own limits, counted as the round starts tasks.
pub struct AgentSlots {
    slots: Vec<AgentSlot>,
}

impl AgentSlots {
    pub fn new(running: &Running) -> Self {
        AgentSlots { slots: running.agents.clone() }
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// A handful of agents: a linear scan beats hashing.
    pub fn find(&self, agent: &str) -> Option<usize> {
        self.slots.iter().position(|s| s.name == agent)
    }

    /// Why a task of the agent in `slot` may not start, or `None`. The account's hold comes
    /// first: while it holds, the agent's own state does not matter.
    pub fn block<'a>(&self, slot: usize, agent: &'a str, account: &'a str) -> Option<WaitReason<'a>> {
        let s = &self.slots[slot];
        match s.hold {
            Hold::Limit { until } => return Some(WaitReason::AccountLimit { account, until }),
            Hold::Budget { spent, budget, overall } => {
                return Some(WaitReason::AccountBudget { account, spent, budget, overall });
            }
            Hold::TrialRunning => return Some(WaitReason::AccountTrial { account }),
            Hold::None | Hold::Trial => {}
        }
        match s.circuit {
            Circuit::Open { until, failures } => Some(WaitReason::AgentResting { agent, until, failures }),
            Circuit::Trial { failures } => Some(WaitReason::AgentTrial { agent, failures }),
            Circuit::Closed | Circuit::HalfOpen { .. } if s.running >= s.cap => {
                Some(WaitReason::AgentBusy { agent, running: s.running, cap: s.cap })
            }
            Circuit::Closed | Circuit::HalfOpen { .. } => None,
        }
    }

    pub fn is_blocked(&self, slot: usize) -> bool {
        self.block(slot, "", "").is_some()
    }

    /// A start: one more running; a half-open circuit's one trial is now under way.
    pub fn take(&mut self, slot: usize) {
        let s = &mut self.slots[slot];
        s.running += 1;
        if let Circuit::HalfOpen { failures } = s.circuit {
            s.circuit = Circuit::Trial { failures };
        }
        // An account's one trial: every agent of the account now waits for it.
        if s.hold == Hold::Trial {
            let account = s.account.clone();
            for other in self.slots.iter_mut().filter(|o| o.account == account) {
                other.hold = Hold::TrialRunning;
            }
        }
    }
}
