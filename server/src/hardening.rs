//! What every request passes before and after the routes (docs/PRODUCT.md "Limits and
//! hardening"): a bound on request bodies, security headers on every answer, and per-caller
//! rate limits on writes and pre-flights. Each answers a refusal as JSON `{code, message}`, in
//! the REST routes' style.

pub mod body_limit;
pub mod rate_limit;
pub mod security_headers;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// A refusal: `status` with `{code, message}`.
fn refusal(status: StatusCode, code: &str, message: String) -> Response {
    (status, Json(json!({ "code": code, "message": message }))).into_response()
}

/// A 429 `{code: "too_many_requests", message, retry_after_seconds}` with `Retry-After`.
pub fn refusal_with_retry(message: String, retry_after_seconds: u64) -> Response {
    let mut response = (
        StatusCode::TOO_MANY_REQUESTS,
        Json(json!({
            "code": "too_many_requests",
            "message": message,
            "retry_after_seconds": retry_after_seconds,
        })),
    )
        .into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_seconds));
    response
}
