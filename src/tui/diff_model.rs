//! What the diff view holds and the messages about it between the pure `update` and the
//! loop (which loads the diff and does the git work). The keys are in diff_state.rs.

use crate::client::diff::Diff;

/// What the loop does for the diff view, off the loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Work {
    Land(String),
    Discard(String),
    SendBack { id: String, notes: String },
}

/// The change of task `id` the loop read, or why it could not.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub id: String,
    pub diff: Result<Diff, String>,
}

/// The answer to `Work`: the status line's text, and whether it was done (or refused).
#[derive(Debug, Clone)]
pub struct Worked {
    pub text: String,
    pub done: bool,
}

/// What the status line asks while the view is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    None,
    Land,
    Discard,
    /// The note being typed.
    Note(String),
    /// Land, discard or send back is under way: keys wait for its answer.
    Busy,
}

#[derive(Debug, Clone)]
pub struct DiffView {
    pub id: String,
    /// The patch's lines; `None` while loading.
    pub lines: Option<Vec<String>>,
    /// "3 files changed, +40 −7".
    pub stat: String,
    /// First line on screen.
    pub scroll: usize,
    pub prompt: Prompt,
}
