//! Security headers on every answer: `X-Content-Type-Options: nosniff`, `Referrer-Policy:
//! strict-origin-when-cross-origin`, `X-Frame-Options: DENY` (for browsers that predate
//! `frame-ancestors`), a Content-Security-Policy (the page's own, with its nonce, which the app
//! shell sets; [`OTHER_RESPONSES_POLICY`] on everything else), and, in azure mode only,
//! `Strict-Transport-Security`: sandbox mode is served over plain HTTP on loopback, where HSTS
//! would make the browser refuse the next plain-HTTP dashboard on that host.
//!
//! A page's `form-action 'self'` also admits the OpenID provider's origin when sign-in is
//! configured: the sign-out button is a form POST answered by a redirect to the provider's
//! end-session endpoint, and browsers apply `form-action` to every redirect a form submission
//! follows, so without it the sign-out stops at the dashboard's own origin.

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::http::header::{
    CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::middleware::Next;
use axum::response::Response;
use shared::security_policy::OTHER_RESPONSES_POLICY;
use std::sync::Arc;

/// Two years, with subdomains: the value hstspreload.org asks for.
const HSTS: &str = "max-age=63072000; includeSubDomains";

/// Which headers depend on the deployment.
#[derive(Clone, Debug)]
pub struct HeaderSettings {
    /// Send `Strict-Transport-Security` (azure mode, served over HTTPS).
    pub hsts: bool,
    /// The OpenID provider's origin (`https://login.microsoftonline.com`, the sandbox's loopback
    /// origin), which pages' `form-action` must admit for the sign-out's redirect; `None`
    /// without sign-in.
    pub sign_out_origin: Option<Arc<str>>,
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
    match headers.get(CONTENT_SECURITY_POLICY) {
        None => {
            headers.insert(
                CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(OTHER_RESPONSES_POLICY),
            );
        }
        Some(policy) => {
            let widened = settings.sign_out_origin.as_deref().and_then(|origin| {
                let policy = policy.to_str().ok()?;
                HeaderValue::from_str(&admit_form_target(policy, origin)).ok()
            });
            if let Some(widened) = widened {
                headers.insert(CONTENT_SECURITY_POLICY, widened);
            }
        }
    }
    if settings.hsts {
        headers.insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    response
}

/// `policy` with `origin` added to a `form-action 'self'` directive; any other policy (one that
/// allows no form at all, say) is returned unchanged.
fn admit_form_target(policy: &str, origin: &str) -> String {
    policy
        .split(';')
        .map(|directive| {
            let directive = directive.trim();
            if directive == "form-action 'self'" {
                format!("form-action 'self' {origin}")
            } else {
                directive.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::security_policy::page_policy;

    #[test]
    fn pages_admit_the_provider_as_a_form_target_and_nothing_else_changes() {
        let page = page_policy("n0nce");
        let widened = admit_form_target(&page, "https://login.microsoftonline.com");
        assert!(
            widened.contains("; form-action 'self' https://login.microsoftonline.com;"),
            "{widened}"
        );
        assert_eq!(
            widened.replace(" https://login.microsoftonline.com", ""),
            page.split(';')
                .map(str::trim)
                .collect::<Vec<_>>()
                .join("; "),
            "every other directive is kept"
        );
        assert_eq!(
            admit_form_target(OTHER_RESPONSES_POLICY, "https://login.microsoftonline.com"),
            OTHER_RESPONSES_POLICY,
            "answers that allow no form stay so"
        );
    }
}
