//! `[notifications] strategy` and `execute --notify`: when a task's change is worth a desktop
//! notification. The rules that apply it are in notify/strategy.rs.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Strategy {
    /// Never notify.
    Silent,
    /// Only when a task completes or fails.
    #[default]
    Completion,
    /// Endings, and progress crossing 25, 50, 75 and 100%.
    Milestone,
    /// Endings, and every progress or step change (within `min_progress_delta` and `throttle_ms`).
    Verbose,
}

pub const NAMES: &str = "silent, completion, milestone or verbose";

impl Strategy {
    pub const ALL: [Strategy; 4] =
        [Strategy::Silent, Strategy::Completion, Strategy::Milestone, Strategy::Verbose];

    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Silent => "silent",
            Strategy::Completion => "completion",
            Strategy::Milestone => "milestone",
            Strategy::Verbose => "verbose",
        }
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Strategy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Strategy::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| format!("unknown notification strategy '{s}': expected {NAMES}"))
    }
}
