//! Security headers on every answer: `X-Content-Type-Options: nosniff`, `Referrer-Policy:
//! strict-origin-when-cross-origin`, `X-Frame-Options: DENY` (for browsers that predate
//! `frame-ancestors`), a Content-Security-Policy (the page's own, with its nonce, which the app
//! shell sets; [`OTHER_RESPONSES_POLICY`] on everything else), and, in azure mode only,
//! `Strict-Transport-Security`: sandbox mode is served over plain HTTP on loopback, where HSTS
//! would make the browser refuse the next plain-HTTP dashboard on that host.

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::http::header::{
    CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::middleware::Next;
use axum::response::Response;
use shared::security_policy::OTHER_RESPONSES_POLICY;

/// Two years, with subdomains: the value hstspreload.org asks for.
const HSTS: &str = "max-age=63072000; includeSubDomains";

/// Which headers depend on the deployment.
#[derive(Clone, Copy, Debug)]
pub struct HeaderSettings {
    /// Send `Strict-Transport-Security` (azure mode, served over HTTPS).
    pub hsts: bool,
}

/// Adds the headers to the answer of `request`.
pub async fn add_security_headers(
    State(settings): State<HeaderSettings>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(
        REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !headers.contains_key(CONTENT_SECURITY_POLICY) {
        headers.insert(
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(OTHER_RESPONSES_POLICY),
        );
    }
    if settings.hsts {
        headers.insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    response
}
