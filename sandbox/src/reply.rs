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
    /// The connection breaks after the headers, in the middle of the body (an injected fault).
    pub answer_lost: bool,
}

impl Reply {
    /// A JSON body with a status.
    pub fn json(status: StatusCode, body: Value) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: Some(body),
            answer_lost: false,
        }
    }

    /// A status without a body (204, 202 from an operation-result URL, HEAD answers).
    pub fn empty(status: StatusCode) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body: None,
            answer_lost: false,
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

    /// Names the field an error is about (`target`): at the top of an AKS body, inside
    /// `error` of an ARM one.
    pub fn with_target(mut self, target: &str) -> Self {
        if let Some(body) = self.body.as_mut() {
            let error = match body.get_mut("error") {
                Some(inner) if inner.is_object() => inner,
                _ => body,
            };
            if let Some(object) = error.as_object_mut() {
                object.insert("target".into(), json!(target));
            }
        }
        self
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
            Some(body) if self.answer_lost => broken_body(self.status, &body),
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

/// `status` with the first half of `body`, then a broken stream: the client has the headers
/// but never a readable answer.
fn broken_body(status: StatusCode, body: &Value) -> Response {
    let text = body.to_string();
    let half = axum::body::Bytes::from(text.as_bytes()[..text.len() / 2].to_vec());
    let chunks: [Result<axum::body::Bytes, std::io::Error>; 2] = [
        Ok(half),
        Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "injected fault: answer lost",
        )),
    ];
    let stream = futures_util::stream::iter(chunks);
    let mut response = Response::new(axum::body::Body::from_stream(stream));
    *response.status_mut() = status;
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
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
