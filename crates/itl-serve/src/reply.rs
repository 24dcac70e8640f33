//! Small answers every part of the HTTP side sends: plain-text errors and JSON.

use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

/// A plain-text answer (`msg` and a newline).
pub(crate) fn plain(status: StatusCode, msg: &str) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], format!("{msg}\n")).into_response()
}

/// `400 Bad Request: msg`.
pub(crate) fn bad_request(msg: &str) -> Response {
    plain(StatusCode::BAD_REQUEST, &format!("400 Bad Request: {msg}"))
}

/// `413 Payload Too Large`, naming the limit.
pub(crate) fn too_large(limit: usize) -> Response {
    plain(StatusCode::PAYLOAD_TOO_LARGE, &format!("413 Payload Too Large: the limit is {} MiB", limit / (1024 * 1024)))
}

/// `503`: the database cannot be read (`why` says more).
pub(crate) fn unavailable(why: &str) -> Response {
    plain(StatusCode::SERVICE_UNAVAILABLE, &format!("503 Service Unavailable: {why}"))
}

/// Pretty JSON, as the CLI prints it.
pub(crate) fn json(status: StatusCode, v: &impl serde::Serialize) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], itl::json::to_string(v) + "\n").into_response()
}

/// The request's `Content-Length`, when it gives one.
pub(crate) fn content_length(h: &HeaderMap) -> Option<usize> {
    h.get(header::CONTENT_LENGTH)?.to_str().ok()?.parse().ok()
}
