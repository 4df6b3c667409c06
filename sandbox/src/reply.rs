//! ARM-shaped replies: status, headers and the two error envelopes.
//!
//! The ARM front door wraps errors in `{"error": {…}}`; the AKS resource provider answers
//! unwrapped `{code, details, message, subcode}` (docs/ARM_FACTS.md §5). Each builder here names which
//! side of ARM would have produced the error, so handlers pick the faithful shape.

use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// A reply before it becomes an HTTP response.
#[derive(Debug)]
pub struct Reply {
    /// HTTP status.
    pub status: StatusCode,
    /// Extra headers (LRO URLs, Retry-After, WWW-Authenticate).
    pub headers: Vec<(HeaderName, String)>,
    /// JSON body, if any.
    pub body: Option<Value>,
}

impl Reply {
    /// A JSON body with a status.
    pub fn json(status: StatusCode, body: Value) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Some(body),
        }
    }

    /// A status without a body (204, 202 from an operation-result URL, HEAD answers).
    pub fn empty(status: StatusCode) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: None,
        }
    }

    /// An error raised by the ARM front door: `{"error": {"code", "message"}}`.
    pub fn arm_error(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self::json(
            status,
            json!({ "error": { "code": code, "message": message.into() } }),
        )
    }

    /// An error raised by the AKS resource provider: unwrapped, with `subcode` and `details`.
    pub fn aks_error(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        Self::json(
            status,
            json!({ "code": code, "details": null, "message": message.into(), "subcode": "" }),
        )
    }

    /// Adds a header.
    pub fn with_header(mut self, name: HeaderName, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let mut response = match self.body {
            Some(body) => (self.status, axum::Json(body)).into_response(),
            None => self.status.into_response(),
        };
        for (name, value) in self.headers {
            if let Ok(value) = HeaderValue::from_str(&value) {
                response.headers_mut().append(name, value);
            }
        }
        response
    }
}

/// Header names ARM uses that `http` has no constant for.
pub mod headers {
    use axum::http::HeaderName;

    /// URL of the async-operation status resource.
    pub const AZURE_ASYNC_OPERATION: HeaderName = HeaderName::from_static("azure-asyncoperation");
    /// Request id ARM assigns to every request.
    pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-ms-request-id");
    /// Correlation id, echoed or generated.
    pub const CORRELATION_REQUEST_ID: HeaderName =
        HeaderName::from_static("x-ms-correlation-request-id");
    /// Remaining subscription reads in the throttling bucket.
    pub const REMAINING_READS: HeaderName =
        HeaderName::from_static("x-ms-ratelimit-remaining-subscription-reads");
    /// Remaining subscription writes in the throttling bucket.
    pub const REMAINING_WRITES: HeaderName =
        HeaderName::from_static("x-ms-ratelimit-remaining-subscription-writes");
}
