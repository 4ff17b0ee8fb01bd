//! Requests that act on tasks, as every client makes them (the commands, the dashboards, the
//! MCP server): the worker's words or outcomes, nothing printed.

use super::Client;
use crate::error::{Error, Result};
use crate::model::Reply;
use crate::paths::Paths;
use crate::protocol::{CancelOutcome, Request, Response};

/// Send the reply to task `id`'s question; the worker's words on what happened.
pub async fn answer(paths: &Paths, id: &str, reply: Reply, always: bool) -> Result<String> {
    let mut client = Client::connect(paths).await?;
    match client.request(Request::Answer { id: id.to_string(), reply, always }).await? {
        Response::Ok { message } => Ok(message.unwrap_or_else(|| format!("answered {id}"))),
        _ => Err(Error::internal("unexpected answer to answer")),
    }
}

/// Ask the worker to cancel `ids`: one outcome each (`cancelled`, `cancelling`, `not_found`,
/// `error: ...`, or the finished state the task kept).
pub async fn cancel(paths: &Paths, ids: Vec<String>) -> Result<Vec<CancelOutcome>> {
    let mut client = Client::connect(paths).await?;
    match client.request(Request::Cancel { ids }).await? {
        Response::Cancelled { outcomes } => Ok(outcomes),
        _ => Err(Error::internal("unexpected answer to cancel")),
    }
}
