//! The actions a page may take, each a POST with the CSRF token and refused in read-only
//! mode: cancel, answer what a task asks, retry, and land a worktree task's work.

use super::Shared;
use super::replies::{failure, urlencode};
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::HashMap;

type ActionForm = Result<Form<HashMap<String, String>>, axum::extract::rejection::FormRejection>;

/// An action may go ahead: not read-only, and the CSRF token (form field or header) is right.
fn refused(web: &Shared, headers: &HeaderMap, form: &ActionForm) -> Option<Response> {
    if web.read_only {
        return Some((StatusCode::FORBIDDEN, "read-only: actions are off\n").into_response());
    }
    let csrf = form.as_ref().ok().and_then(|f| f.get("csrf")).map(String::as_str);
    let csrf = csrf.or_else(|| headers.get("x-csrf-token").and_then(|v| v.to_str().ok()));
    if !csrf.is_some_and(|c| web.auth.is_csrf(c)) {
        return Some((StatusCode::FORBIDDEN, "missing or wrong CSRF token\n").into_response());
    }
    None
}

/// Answer what the task asks: a button's `reply`, else the words in `text`.
pub(super) async fn answer(
    State(web): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: ActionForm,
) -> Response {
    if let Some(no) = refused(&web, &headers, &form) {
        return no;
    }
    let field = |name: &str| form.as_ref().ok().and_then(|f| f.get(name)).map(|v| v.trim().to_string());
    let words = field("reply").filter(|r| !r.is_empty()).or_else(|| field("text")).unwrap_or_default();
    if words.is_empty() {
        return (StatusCode::BAD_REQUEST, "the answer is empty\n").into_response();
    }
    match crate::client::requests::answer(&web.paths, &id, crate::model::Reply::parse(&words), false).await {
        Ok(_) => back_to(&id),
        Err(e) => failure(&e),
    }
}

pub(super) async fn cancel(
    State(web): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: ActionForm,
) -> Response {
    if let Some(no) = refused(&web, &headers, &form) {
        return no;
    }
    match crate::client::requests::cancel(&web.paths, vec![id.clone()]).await {
        Ok(outcomes) if outcomes.iter().any(|o| o.outcome == "not_found") => {
            (StatusCode::NOT_FOUND, "no such task\n").into_response()
        }
        Ok(_) => back_to(&id),
        Err(e) => failure(&e),
    }
}

/// Run a failed or cancelled task again.
pub(super) async fn retry(
    State(web): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: ActionForm,
) -> Response {
    if let Some(no) = refused(&web, &headers, &form) {
        return no;
    }
    let retried = async {
        let mut client = crate::client::Client::connect(&web.paths).await?;
        // As from the dashboard in a terminal: secret values forgotten when the task ended are
        // taken from the environment the server was started in.
        let env = crate::client::submit::caller_env();
        client.request(crate::protocol::Request::Retry { id: id.clone(), env }).await
    };
    match retried.await {
        Ok(_) => back_to(&id),
        Err(e) => failure(&e),
    }
}

/// Land a finished worktree task's work into the branch it started from, as `land ID` does;
/// a conflict or changes in the way are refused with git's reason, and nothing changes.
pub(super) async fn land(
    State(web): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    form: ActionForm,
) -> Response {
    if let Some(no) = refused(&web, &headers, &form) {
        return no;
    }
    use crate::client::land::{Mode, Options};
    let options = Options { mode: Mode::Auto, into: None, message: None, keep: false };
    // The land is done even when the history could not be told: the worker's log says so.
    match crate::client::record::land(&web.paths, &id, &options).await {
        Ok(done) => {
            if let Some(warning) = done.warning {
                eprintln!("{warning}");
            }
            back_to(&id)
        }
        Err(e) => failure(&e),
    }
}

fn back_to(id: &str) -> Response {
    Redirect::to(&format!("/tasks/{}", urlencode(id))).into_response()
}
