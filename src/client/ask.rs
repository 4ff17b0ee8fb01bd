//! A question from inside a task, held until a person answers. The worker keeps the
//! question; when the connection is lost (a worker restart) the same question is asked
//! again, by its key, of whichever worker answers next, which finds it, or the answer given
//! meanwhile.

use super::Client;
use crate::error::{Error, Result};
use crate::model::{Question, Reply};
use crate::paths::Paths;
use crate::protocol::{Request, Response};
use std::time::Duration;

/// The reply to `question` of task `id`.
pub async fn ask(paths: &Paths, id: &str, question: Question) -> Result<Reply> {
    let request = Request::Ask { id: id.to_string(), question: Box::new(question) };
    let mut pause = Duration::from_millis(100);
    loop {
        // `connect` starts a worker when none runs: a crashed one comes back for the question.
        if let Ok(mut client) = Client::connect(paths).await {
            match client.exchange(&request).await {
                Ok(Response::Answered { reply, .. }) => return Ok(reply),
                Ok(Response::Error { kind, message }) => return Err(Error::new(kind, message)),
                Ok(other) => {
                    return Err(Error::internal(format!("unexpected answer to a question: {other:?}")));
                }
                // Lost while waiting: ask again.
                Err(_) => pause = Duration::from_millis(100),
            }
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_secs(2));
    }
}
