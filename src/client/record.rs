//! `land`, `discard` and `review` as every face (the commands, the dashboard, MCP, the web
//! page) does them: the work, then telling the worker what was done, for the task's history
//! (`events ID`: `landed`, `discarded`, `reviewed`, with who did it). The work itself is the
//! user's git and is done by then: a worker that cannot be reached costs the event, never the
//! work, and the caller shows the one-line warning instead. Events go on the task that made
//! the worktree, so its history tells the whole story.

use super::Client;
use super::discard::{self, Discarded};
use super::land::{self, Landed, Mode, Options};
use super::send_back::{LineNote, review_spec};
use crate::error::{Error, Result};
use crate::paths::Paths;
use crate::protocol::{Request, Response, WorkDone};

/// What a land did: the land, a line per best-of-N sibling discarded after it, and the
/// warning when the history could not be told.
#[derive(Debug)]
pub struct LandOutcome {
    pub landed: Landed,
    pub siblings: Vec<String>,
    pub warning: Option<String>,
}

/// `land ID`: the land, its best-of-N siblings discarded (recoverably), all of it recorded.
pub async fn land(paths: &Paths, typed: &str, options: &Options) -> Result<LandOutcome> {
    let (p, typed, o) = (paths.clone(), typed.to_string(), options.clone());
    // Git work blocks: off the async threads (the web page runs inside the worker).
    let (landed, siblings, discarded) = blocking(move || {
        let landed = land::land(&p, &typed, &o)?;
        let (siblings, discarded) = match super::group::group_of(&p, &landed.id)? {
            Some(group) => super::group::discard_siblings(&p, &group, &landed.id)?,
            None => Default::default(),
        };
        Ok((landed, siblings, discarded))
    })
    .await?;
    let mut events = vec![(landed.id.clone(), landed.done(options.mode))];
    events.extend(discarded.iter().filter(|d| d.commit.is_some()).map(|d| (d.id.clone(), d.done())));
    let warning = record_all(paths, events).await;
    Ok(LandOutcome { landed, siblings, warning })
}

/// `discard ID [--force]`, recorded; the warning when the history could not be told.
pub async fn discard(paths: &Paths, typed: &str, force: bool) -> Result<(Discarded, Option<String>)> {
    let (p, typed) = (paths.clone(), typed.to_string());
    let done = blocking(move || discard::discard(&p, &typed, force)).await?;
    // A discard that found no branch (landed or discarded before) threw nothing away.
    let warning = match done.commit {
        Some(_) => record(paths, &done.id, done.done()).await,
        None => None,
    };
    Ok((done, warning))
}

/// `review ID NOTES`: queue the follow-up with the caller's `env`, recorded. Returns the
/// connection it was queued on (to follow it), its id, and the warning, if any.
pub async fn review(
    paths: &Paths,
    typed: &str,
    notes: &str,
    line_notes: &[LineNote],
    env: Vec<(String, String)>,
) -> Result<(Client, String, Option<String>)> {
    let (root, mut spec) = review_spec(paths, typed, notes, line_notes)?;
    spec.env = env;
    let (mut client, id) = Client::submit(paths, spec).await?;
    let done = WorkDone::Reviewed { followup: id.clone() };
    let warning = client.record(&root, done).await.err().map(|e| not_recorded(&root, &e));
    Ok((client, id, warning))
}

async fn blocking<T: Send + 'static>(work: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| Error::internal(format!("the git work stopped: {e}")))?
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Auto => "auto",
            Mode::Squash => "squash",
            Mode::Merge => "merge",
            Mode::Rebase => "rebase",
        }
    }
}

impl Landed {
    pub fn done(&self, mode: Mode) -> WorkDone {
        WorkDone::Landed { into: self.into.clone(), mode: mode.as_str().into(), commit: self.commit.clone() }
    }
}

impl Discarded {
    pub fn done(&self) -> WorkDone {
        WorkDone::Discarded { kept: self.kept.clone() }
    }
}

impl Client {
    /// Record `done` on task `id`; the worker's words for it.
    pub async fn record(&mut self, id: &str, done: WorkDone) -> Result<String> {
        match self.request(Request::Record { id: id.to_string(), done }).await? {
            Response::Ok { message } => Ok(message.unwrap_or_default()),
            other => Err(Error::internal(format!("unexpected answer to record: {other:?}"))),
        }
    }
}

/// Record `done` on task `id`, starting a worker if none runs; `Some(warning)` when it could
/// not be recorded.
pub async fn record(paths: &Paths, id: &str, done: WorkDone) -> Option<String> {
    record_all(paths, vec![(id.to_string(), done)]).await
}

/// Record each event on one connection; the warning of the first that could not be (a worker
/// that failed one would fail the rest: one warning is enough).
async fn record_all(paths: &Paths, events: Vec<(String, WorkDone)>) -> Option<String> {
    let first = events.first().map(|(id, _)| id.clone())?;
    let mut client = match Client::connect(paths).await {
        Ok(client) => client,
        Err(e) => return Some(not_recorded(&first, &e)),
    };
    for (id, done) in events {
        if let Err(e) = client.record(&id, done).await {
            return Some(not_recorded(&id, &e));
        }
    }
    None
}

/// The warning when the history could not take an event: the work itself is done.
pub fn not_recorded(id: &str, e: &Error) -> String {
    format!("warning: done, but not recorded in the history of {id}: {e}")
}
