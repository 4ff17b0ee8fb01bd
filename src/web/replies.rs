//! Answers every route may give: an error as its HTTP status, and a redirect that stays on
//! this server.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

pub(super) fn failure(e: &crate::error::Error) -> Response {
    let status = match e.kind() {
        crate::error::ErrorKind::NotFound => StatusCode::NOT_FOUND,
        crate::error::ErrorKind::Usage => StatusCode::BAD_REQUEST,
        crate::error::ErrorKind::WorkerUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    (status, format!("{e}\n")).into_response()
}

/// Ids are letters and digits; anything else is escaped so a redirect stays on this server.
pub(super) fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
