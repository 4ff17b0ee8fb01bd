//! Drift: event and item types an agent CLI printed that its parser does not know. A new CLI
//! release shows up here (`agents show NAME`) before it shows up as a misread task.

use serde::{Deserialize, Serialize};

/// One unknown type seen in an agent's stream: how often, and one line of it (secrets masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnknownEvent {
    /// `system/SUBTYPE` for a system message with an unknown subtype, `item/TYPE` for an
    /// unknown item, else the top-level type itself.
    #[serde(rename = "type")]
    pub kind: String,
    pub count: u64,
    pub example: String,
}
