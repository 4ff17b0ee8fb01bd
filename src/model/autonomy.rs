//! How much an agent may do on its own, as one word for every CLI: `read-only`, `edit` (the
//! default: change files in its folder) or `full` (also run anything, no sandbox). What each
//! level means to each CLI is in agents/autonomy.rs.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Autonomy {
    /// Read and answer; no edits, no commands that change anything.
    ReadOnly,
    /// Edit files in the task's folder.
    #[default]
    Edit,
    /// Anything, without prompts or sandbox.
    Full,
}

impl Autonomy {
    pub const WORDS: &'static str = "read-only, edit or full";

    pub fn as_str(self) -> &'static str {
        match self {
            Autonomy::ReadOnly => "read-only",
            Autonomy::Edit => "edit",
            Autonomy::Full => "full",
        }
    }
}

impl fmt::Display for Autonomy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Autonomy {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "read-only" | "readonly" | "read_only" => Ok(Autonomy::ReadOnly),
            "edit" => Ok(Autonomy::Edit),
            "full" => Ok(Autonomy::Full),
            other => Err(format!("unknown autonomy '{other}' (expected {})", Autonomy::WORDS)),
        }
    }
}
