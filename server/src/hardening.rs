//! What every request passes before and after the routes (docs/PRODUCT.md "Limits and
//! hardening"): a bound on request bodies, security headers on every answer, and per-caller
//! rate limits on writes and pre-flights. Each answers a refusal as JSON: `{code, message}` in
//! the REST routes' style, or for a server function the [`AppError`] its caller decodes.

pub mod body_limit;
pub mod rate_limit;
pub mod security_headers;

use app::error::AppError;
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// A refusal: `status` with `{code, message}`.
fn refusal(status: StatusCode, code: &str, message: String) -> Response {
    (status, Json(json!({ "code": code, "message": message }))).into_response()
}

/// `error` as a server function answers it: its status, `Retry-After` when it has one, and
/// the error in the server functions' JSON encoding, so the browser decodes the [`AppError`]
/// (a REST-style body would reach the UI as an unreadable answer).
fn server_fn_refusal(error: &AppError) -> Response {
    let status =
        StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, Json(error)).into_response();
    if let AppError::TooManyRequests {
        retry_after_seconds,
        ..
    } = error
    {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_seconds));
    }
    response
}
