//! Entra's refusals: an OAuth 2.0 `error` with an `AADSTS` code and message, answered in
//! Entra's JSON body (`error`, `error_description` ending in the trace and correlation ids and
//! the timestamp, `error_codes`, `timestamp`, `trace_id`, `correlation_id`, `error_uri`), as a
//! redirect to the client (`error`, `error_description`) or, when the redirect cannot be
//! trusted, as an error page. Codes and wording: docs/ARM_FACTS.md §10.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use time::OffsetDateTime;
use time::macros::format_description;

/// One refusal of the provider.
#[derive(Debug, Clone)]
pub struct EntraError {
    /// HTTP status of a JSON answer (400, or 401 for `invalid_client`).
    pub status: StatusCode,
    /// The OAuth 2.0 error code.
    pub error: &'static str,
    /// The AADSTS number.
    pub code: u32,
    /// The message after `AADSTS{code}: `.
    pub message: String,
}

impl EntraError {
    /// A 400 refusal.
    pub fn new(error: &'static str, code: u32, message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            error,
            code,
            message: message.into(),
        }
    }

    /// 401 `invalid_client`: the client did not authenticate.
    pub fn invalid_client(code: u32, message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            ..Self::new("invalid_client", code, message)
        }
    }

    /// AADSTS900144: a required parameter is missing.
    pub fn missing(parameter: &str) -> Self {
        Self::new(
            "invalid_request",
            900_144,
            format!("The request body must contain the following parameter: '{parameter}'."),
        )
    }

    /// AADSTS9002313: the request cannot be understood.
    pub fn malformed(error: &'static str) -> Self {
        Self::new(
            error,
            9_002_313,
            "Invalid request. Request is malformed or invalid.",
        )
    }

    /// AADSTS90002: the tenant in the path is not this directory.
    pub fn unknown_tenant(error: &'static str, tenant: &str) -> Self {
        Self::new(
            error,
            90_002,
            format!(
                "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."
            ),
        )
    }

    /// `AADSTS{code}: {message}`, what a redirect's `error_description` carries.
    pub fn description(&self) -> String {
        format!("AADSTS{}: {}", self.code, self.message)
    }

    /// Entra's JSON error body.
    pub fn body(&self) -> serde_json::Value {
        let now = OffsetDateTime::now_utc();
        let timestamp = now
            .format(format_description!(
                "[year]-[month]-[day] [hour]:[minute]:[second]Z"
            ))
            .unwrap_or_default();
        let trace_id = uuid::Uuid::new_v4().to_string();
        let correlation_id = uuid::Uuid::new_v4().to_string();
        json!({
            "error": self.error,
            "error_description": format!(
                "{}\r\nTrace ID: {trace_id}\r\nCorrelation ID: {correlation_id}\r\nTimestamp: {timestamp}",
                self.description()
            ),
            "error_codes": [self.code],
            "timestamp": timestamp,
            "trace_id": trace_id,
            "correlation_id": correlation_id,
            "error_uri": format!("https://login.microsoftonline.com/error?code={}", self.code),
        })
    }
}

impl IntoResponse for EntraError {
    fn into_response(self) -> Response {
        tracing::info!(
            error = self.error,
            code = self.code,
            "sandbox entra: request refused"
        );
        json_no_store(self.status, &self.body())
    }
}

/// A JSON answer that no cache may keep (RFC 6749 §5.1).
pub fn json_no_store(status: StatusCode, body: &serde_json::Value) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_have_entras_shape() {
        let body = EntraError::new("invalid_grant", 54_005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.").body();
        assert_eq!(body["error"], "invalid_grant");
        assert_eq!(body["error_codes"], json!([54005]));
        let description = body["error_description"].as_str().unwrap_or_default();
        assert!(
            description.starts_with("AADSTS54005: OAuth2 Authorization code was already redeemed")
        );
        assert!(description.contains("\r\nTrace ID: "));
        assert!(description.contains("\r\nCorrelation ID: "));
        let timestamp = body["timestamp"].as_str().unwrap_or_default();
        assert!(description.ends_with(&format!("\r\nTimestamp: {timestamp}")));
        assert_eq!(timestamp.len(), "2016-01-09 02:02:12Z".len());
        assert_eq!(
            body["error_uri"],
            "https://login.microsoftonline.com/error?code=54005"
        );
        assert_eq!(
            EntraError::invalid_client(7_000_215, "x").status,
            StatusCode::UNAUTHORIZED
        );
    }
}
