//! The routes: `/login` is open; everything else passes the gate in `guard` first.

use super::auth::{COOKIE, Verdict};
use super::pages::{self, TaskPage};
use super::replies::failure;
use super::{Shared, actions};
use axum::Router;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};

/// Lines of the log a task's page shows.
const LOG_LINES: usize = 60;
/// Most tasks the list shows.
const LIST_LIMIT: usize = 100;

pub fn router(web: Shared) -> Router {
    let guarded = Router::new()
        .route("/", get(list))
        .route("/tasks/{id}", get(task))
        .route("/tasks/{id}/cancel", post(actions::cancel))
        .route("/tasks/{id}/answer", post(actions::answer))
        .route("/tasks/{id}/retry", post(actions::retry))
        .route("/tasks/{id}/land", post(actions::land))
        .route("/events", get(super::live::events))
        .route("/assets/app.js", get(script))
        .route("/assets/app.css", get(style))
        .fallback(|| async { (StatusCode::NOT_FOUND, "not found\n") })
        .layer(middleware::from_fn_with_state(web.clone(), guard));
    Router::new()
        .route("/login", get(login))
        .merge(guarded)
        .layer(middleware::map_response(harden))
        .with_state(web)
}

/// Every path but `/login` needs the cookie or the bearer token. A page asked for without
/// either is sent to the login page; anything else gets 401.
async fn guard(State(web): State<Shared>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let text = |name| headers.get(name).and_then(|v: &HeaderValue| v.to_str().ok());
    match web.auth.judge(text(header::COOKIE), text(header::AUTHORIZATION)) {
        Verdict::Allowed => next.run(request).await,
        Verdict::Limited => {
            (StatusCode::TOO_MANY_REQUESTS, "too many wrong tokens: wait a minute\n").into_response()
        }
        Verdict::Missing if request.method() == Method::GET && is_page(request.uri().path()) => {
            Redirect::to("/login").into_response()
        }
        Verdict::Missing | Verdict::Wrong => {
            let mut answer = (StatusCode::UNAUTHORIZED, "a token is needed: see /login\n").into_response();
            answer.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            answer
        }
    }
}

fn is_page(path: &str) -> bool {
    path == "/" || path.starts_with("/tasks/")
}

/// Headers on every answer: no caching, no framing, no referrer (the login URL holds the token),
/// and nothing but this server's own script and style.
async fn harden(mut response: Response) -> Response {
    let h = response.headers_mut();
    let fixed = [
        (header::CACHE_CONTROL, "no-store"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    ];
    for (name, value) in fixed {
        h.insert(name, HeaderValue::from_static(value));
    }
    response
}

#[derive(serde::Deserialize)]
struct LoginQuery {
    token: Option<String>,
}

async fn login(State(web): State<Shared>, Query(q): Query<LoginQuery>) -> Response {
    let Some(typed) = q.token else { return Html(pages::login(false)).into_response() };
    if web.auth.limited() {
        return (StatusCode::TOO_MANY_REQUESTS, "too many wrong tokens: wait a minute\n").into_response();
    }
    if !web.auth.is_token(&typed) {
        let status = match web.auth.failed() {
            Verdict::Limited => StatusCode::TOO_MANY_REQUESTS,
            _ => StatusCode::UNAUTHORIZED,
        };
        return (status, Html(pages::login(true))).into_response();
    }
    let cookie = format!("{COOKIE}={}; HttpOnly; SameSite=Strict; Path=/", web.auth.session());
    let mut answer = Redirect::to("/").into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        answer.headers_mut().insert(header::SET_COOKIE, value);
    }
    answer
}

async fn list(State(web): State<Shared>) -> Response {
    let paths = web.paths.clone();
    let read =
        tokio::task::spawn_blocking(move || crate::client::tasks::records(&paths, &[], LIST_LIMIT)).await;
    match read {
        Ok(Ok(records)) => {
            let now = crate::clock::now_ms();
            let mut views: Vec<_> = records.iter().map(|r| r.view(now)).collect();
            pages::order(&mut views);
            Html(pages::list(&views)).into_response()
        }
        Ok(Err(e)) => failure(&e),
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "the read failed\n").into_response(),
    }
}

async fn task(State(web): State<Shared>, Path(id): Path<String>) -> Response {
    let w = web.clone();
    let read = tokio::task::spawn_blocking(move || {
        let rec = crate::client::tasks::task(&w.paths, &id)?;
        let view = rec.view(crate::clock::now_ms());
        let output = rec.state.is_finished().then(|| rec.result().output).filter(|o| !o.is_empty());
        // Where the live tail goes on from: the log's length before its last lines are read.
        let log_from = std::fs::metadata(w.paths.task_log(&rec.id)).map_or(0, |m| m.len());
        let log_tail = crate::client::logs::read_text(&w.paths, &rec.id, Some(LOG_LINES)).unwrap_or_default();
        // A task that changed nothing, or whose work is gone, has no change to show.
        let change =
            rec.state.is_finished().then(|| crate::client::diff::of_task(&w.paths, &rec.id, false).ok());
        let landable = rec.state == crate::model::TaskState::Completed && rec.artifacts.worktree.is_some();
        Ok::<_, crate::error::Error>((view, output, (log_tail, log_from), change.flatten(), landable))
    })
    .await;
    match read {
        Ok(Ok((view, output, (log_tail, log_from), change, landable))) => {
            let csrf = (!web.read_only).then(|| web.auth.csrf());
            let change = change.filter(|d| !d.files.is_empty());
            let landable = landable && change.is_some();
            let page = TaskPage { view: &view, csrf, output, log_tail, log_from, change, landable };
            Html(pages::task(&page)).into_response()
        }
        Ok(Err(e)) => failure(&e),
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "the read failed\n").into_response(),
    }
}

async fn script() -> Response {
    asset("text/javascript; charset=utf-8", include_str!("assets/app.js"))
}

async fn style() -> Response {
    asset("text/css; charset=utf-8", include_str!("assets/app.css"))
}

fn asset(kind: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, kind)], body).into_response()
}
