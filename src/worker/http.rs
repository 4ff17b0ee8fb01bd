//! `[metrics] listen`: `GET /metrics` for Prometheus, served by axum (the same HTTP stack as
//! `smart-agents web`). Scrapers count against the worker's client cap.

use super::server::Shared;
use crate::protocol::Response;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response as HttpResponse};
use axum::routing::get;
use tokio::net::TcpListener;

/// Prometheus' text exposition format.
const TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";

pub async fn serve(listener: TcpListener, shared: Shared) {
    let app = Router::new()
        .route("/metrics", get(metrics))
        .fallback(|| async {
            (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, TEXT)], "metrics are at /metrics\n")
        })
        .layer(middleware::from_fn_with_state(shared.clone(), capped))
        .with_state(shared);
    if let Err(e) = axum::serve(listener, app).await {
        eprintln!("smart-agents worker: the metrics server stopped: {e}");
    }
}

/// One slot of the worker's client cap per request; none free: 503.
async fn capped(State(shared): State<Shared>, request: Request, next: Next) -> HttpResponse {
    let Some(slot) = shared.slots.request() else {
        return (StatusCode::SERVICE_UNAVAILABLE, [(header::CONTENT_TYPE, TEXT)], "too many clients\n")
            .into_response();
    };
    let answer = next.run(request).await;
    drop(slot);
    answer
}

async fn metrics(State(shared): State<Shared>) -> HttpResponse {
    match shared.metrics().await {
        Response::Metrics { text } => ([(header::CONTENT_TYPE, TEXT)], text).into_response(),
        _ => (StatusCode::SERVICE_UNAVAILABLE, [(header::CONTENT_TYPE, TEXT)], "the worker is stopping\n")
            .into_response(),
    }
}
