//! Sign-in sessions and the request guard.
//!
//! Sessions are server-side ([`tower_sessions`] over the dashboard's SQLite database, see
//! [`layer`]): the `aks_dashboard_session` cookie carries only a random session id, HttpOnly,
//! SameSite=Lax, `Secure` in azure mode. Signing out deletes the record, so a copied cookie is
//! dead everywhere at once. [`signed_in::establish`] is the one seam identity sources go
//! through (the OpenID Connect callback and the sandbox's scripted sign-in), so every session
//! has the same shape.
//!
//! [`guard`] runs on every request: it rejects cross-site state changes, puts the
//! [`Caller`](shared::caller::Caller) into the request for handlers and server functions, and turns away callers without a
//! session (the sign-in page, with the page as `return_to`, for pages; 401 JSON for the API).
//! Responses to signed-in callers that set no `Cache-Control` of their own get `no-store`, so
//! neither a shared cache nor the browser's back-forward cache shows a signed-in page after
//! sign-out (the static bundle under `/pkg/` is not concerned).

pub mod layer;
pub mod read_cache;
pub mod secret;
pub mod signed_in;

pub use secret::{SESSION_SECRET_BYTES, SessionKeyError};

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::Duration;
use tower_sessions::Session;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "aks_dashboard_session";
/// How long a signed-in session lasts, from sign-in.
pub const SESSION_LIFETIME: Duration = Duration::hours(12);

/// Paths anyone may request: sign-in itself, health, readiness and metrics (which checks its
/// own token when one is set), and the static bundle.
fn is_public(path: &str) -> bool {
    matches!(
        path,
        "/healthz"
            | "/readyz"
            | "/metrics"
            | "/robots.txt"
            | "/sign-in"
            | "/auth/sign-in"
            | "/auth/callback"
            | "/auth/dev/sign-in"
            | "/auth/sign-out"
            | "/api/sign_in_options"
    ) || path.starts_with("/pkg/")
}

/// Whom a session was made for: the cloud mode of the dashboard that made it and the identity
/// source that signed the caller in. The guard accepts a session only in a dashboard of the same
/// mode, so a session made in sandbox mode (a demo user) is never valid in azure mode, even when
/// two dashboards share one database.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionBinding {
    /// `sandbox` or `azure`.
    pub cloud: String,
    /// The identity source: [`SessionBinding::DEMO_ISSUER`] or the OpenID provider's issuer.
    pub issuer: String,
}

impl SessionBinding {
    /// The issuer recorded for the sandbox's scripted sign-in.
    pub const DEMO_ISSUER: &str = "sandbox-demo-sign-in";

    /// Sessions of sandbox mode made by the scripted demo sign-in.
    pub fn sandbox_demo() -> Self {
        Self {
            cloud: "sandbox".into(),
            issuer: Self::DEMO_ISSUER.into(),
        }
    }

    /// Sessions made by an OpenID provider's sign-in in a dashboard of mode `cloud`.
    pub fn openid(cloud: &str, issuer: &str) -> Self {
        Self {
            cloud: cloud.into(),
            issuer: issuer.into(),
        }
    }

    /// True for sessions of the OpenID sign-in (they end at the provider too).
    pub fn is_openid(&self) -> bool {
        self.issuer != Self::DEMO_ISSUER
    }
}

/// Session settings.
#[derive(Clone, Debug)]
pub struct SessionSettings {
    /// Adds `Secure` to the cookie (HTTPS deployments: azure mode).
    pub secure_cookie: bool,
    /// `sandbox` or `azure`: the mode every session must have been made in.
    pub cloud: &'static str,
}

impl SessionSettings {
    /// Sandbox mode's sessions are sent over plain HTTP; azure mode's cookies are `Secure`.
    pub fn new(sandbox_mode: bool) -> Self {
        Self {
            secure_cookie: !sandbox_mode,
            cloud: if sandbox_mode { "sandbox" } else { "azure" },
        }
    }
}

/// Runs on every request; see the module documentation.
pub async fn guard(
    State(settings): State<SessionSettings>,
    mut request: Request,
    next: Next,
) -> Response {
    if is_cross_site_write(request.method(), request.headers()) {
        return (
            StatusCode::FORBIDDEN,
            Json(json!({ "code": "cross_site_request", "message": "Cross-site requests may not change anything." })),
        )
            .into_response();
    }
    let path = request.uri().path().to_owned();
    // The static bundle needs no caller: no session read for it.
    if path.starts_with("/pkg/") {
        return next.run(request).await;
    }
    let caller = match request.extensions().get::<Session>() {
        Some(session) => match signed_in::caller(session, &settings).await {
            Ok(caller) => caller,
            Err(error) => {
                tracing::error!(%error, "cannot read the session");
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    Json(json!({ "code": "session_unavailable", "message": "Sessions cannot be read right now; try again shortly." })),
                )
                    .into_response();
            }
        },
        None => None,
    };
    match caller {
        Some(caller) => {
            request.extensions_mut().insert(caller);
            let mut response = next.run(request).await;
            // What a signed-in caller sees is theirs: no cache (nor the browser's back-forward
            // cache) may show it again after sign-out. Responses that chose a policy keep it.
            response
                .headers_mut()
                .entry(header::CACHE_CONTROL)
                .or_insert(HeaderValue::from_static("no-store"));
            response
        }
        None if is_public(&path) => next.run(request).await,
        None if path.starts_with("/api/") => (
            StatusCode::UNAUTHORIZED,
            Json(json!({ "code": "unauthenticated", "message": "Sign in first." })),
        )
            .into_response(),
        None => Redirect::to(&sign_in_location(request.uri())).into_response(),
    }
}

/// The sign-in page, asked to come back to `uri` afterwards (plain `/sign-in` for the home page).
fn sign_in_location(uri: &Uri) -> String {
    match uri.path_and_query().map(|p| p.as_str()) {
        None | Some("/") => "/sign-in".to_owned(),
        Some(page) => format!(
            "/sign-in?return_to={}",
            utf8_percent_encode(page, NON_ALPHANUMERIC)
        ),
    }
}

/// A state-changing request whose `Origin` names another site, or that the browser marks
/// `Sec-Fetch-Site: cross-site`. Scripts send neither header and are judged by their cookie.
fn is_cross_site_write(method: &Method, headers: &HeaderMap) -> bool {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    let text = |name| {
        headers
            .get(name)
            .and_then(|v: &header::HeaderValue| v.to_str().ok())
    };
    if text(header::HeaderName::from_static("sec-fetch-site")) == Some("cross-site") {
        return true;
    }
    match (text(header::ORIGIN), text(header::HOST)) {
        (Some(origin), Some(host)) => {
            let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
            !origin_host.eq_ignore_ascii_case(host)
        }
        (Some(_), None) => true,
        (None, _) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().expect("header value"));
        }
        map
    }

    #[test]
    fn cross_site_writes_are_recognised() {
        let same = headers(&[
            ("origin", "http://127.0.0.1:3000"),
            ("host", "127.0.0.1:3000"),
        ]);
        assert!(!is_cross_site_write(&Method::POST, &same));
        let other = headers(&[
            ("origin", "https://evil.example"),
            ("host", "127.0.0.1:3000"),
        ]);
        assert!(is_cross_site_write(&Method::POST, &other));
        assert!(
            !is_cross_site_write(&Method::GET, &other),
            "reads are not blocked"
        );
        let fetch = headers(&[("sec-fetch-site", "cross-site"), ("host", "127.0.0.1:3000")]);
        assert!(is_cross_site_write(&Method::POST, &fetch));
        let script = headers(&[("host", "127.0.0.1:3000")]);
        assert!(
            !is_cross_site_write(&Method::POST, &script),
            "scripts send no Origin"
        );
    }

    #[test]
    fn the_sign_in_redirect_names_the_page_to_come_back_to() {
        let location = |uri: &str| sign_in_location(&uri.parse().expect("uri"));
        assert_eq!(location("/"), "/sign-in");
        assert_eq!(
            location("/jobs?task=a%20b"),
            "/sign-in?return_to=%2Fjobs%3Ftask%3Da%2520b"
        );
    }

    #[test]
    fn sessions_are_bound_to_the_mode() {
        let sandbox = SessionSettings::new(true);
        let azure = SessionSettings::new(false);
        assert!(azure.secure_cookie && !sandbox.secure_cookie);
        assert_eq!((sandbox.cloud, azure.cloud), ("sandbox", "azure"));
        assert!(!SessionBinding::sandbox_demo().is_openid());
        assert!(SessionBinding::openid("azure", "https://login.example/t/v2.0").is_openid());
    }
}
