//! The `answer` tool: reply to a background task that waits for a person (issue 30), from the
//! conversation, as `smart-agents answer` does. `status` and `list` show what a task asks as
//! `needs`.

use super::calls::Reply;
use super::tools::tool;
use crate::error::{Error, Result};
use crate::model::Reply as Answer;
use crate::paths::Paths;
use rmcp::model::Tool;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerArgs {
    /// The task that asks (its `status` shows `needs`).
    pub id: String,
    /// "allow" or "deny" for a permission, or the words that answer a question. Text to a
    /// permission denies it and tells the agent why.
    pub answer: String,
    /// Remember the rule the question names (for example `Bash(npm test:*)`) for the rest of
    /// the task and its follow-ups. Only with "allow". Ask the user before setting it.
    pub always: Option<bool>,
}

const ANSWER: &str = "Answer a background task that waits for a person: its `status` or `list` \
entry has `needs` with the kind (permission or question), the text and the options. Give \
\"allow\" or \"deny\" for a permission, or the answer's words for a question. Only answer what \
the user has decided: relay their words, do not decide a permission for them.";

pub fn definitions() -> Vec<Tool> {
    vec![tool::<AnswerArgs>("answer", "Answer a task that asks", ANSWER, false)]
}

pub async fn answer(paths: &Paths, args: AnswerArgs) -> Result<Reply> {
    if args.answer.trim().is_empty() {
        return Err(Error::usage("`answer` is empty: give allow, deny, or the answer's words"));
    }
    let reply = Answer::parse(&args.answer);
    let always = args.always.unwrap_or(false);
    let said = crate::client::requests::answer(paths, &args.id, reply.clone(), always).await?;
    Ok(Reply::ok(json!({"id": args.id, "answer": reply, "always": always}), said))
}
