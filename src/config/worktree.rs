//! `[worktree]`: how `execute --worktree` checkouts are set up and how long discarded work
//! stays reachable.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct WorktreeConfig {
    /// Untracked files copied from the main checkout into each new worktree (`.env`, ...).
    pub copy: Vec<String>,
    /// A command run in the new worktree before the task (`["npm", "ci"]`).
    pub setup: Vec<String>,
    /// Days a discarded task's last commit stays reachable as refs/smart-agents/discarded/ID.
    pub keep_discarded: u32,
}

impl Default for WorktreeConfig {
    fn default() -> Self {
        WorktreeConfig { copy: Vec::new(), setup: Vec::new(), keep_discarded: 14 }
    }
}
