//! Sign-in sessions and the request guard.
//!
//! The caller travels in a signed (HMAC), HttpOnly, SameSite=Lax cookie; nothing is stored
//! server-side. [`issue`] is the one seam identity sources go through: the sandbox's demo
//! sign-in today, Entra ID later. [`guard`] runs on every request: it rejects cross-site
//! state changes, puts the [`Caller`] into the request for handlers and server functions, and
//! turns away callers without a session (sign-in page for pages, 401 JSON for the API).

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::SignedCookieJar;
use axum_extra::extract::cookie::{Cookie, Key, SameSite};
use serde::{Deserialize, Serialize};
use serde_json::json;
use shared::caller::Caller;
use thiserror::Error;
use time::{Duration, OffsetDateTime};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "aks_dashboard_session";
/// How long a session lasts.
const SESSION_LIFETIME: Duration = Duration::hours(12);

/// Paths anyone may request: sign-in itself, health, and the static bundle.
fn is_public(path: &str) -> bool {
    matches!(
        path,
        "/healthz" | "/sign-in" | "/auth/dev/sign-in" | "/auth/sign-out" | "/api/sign_in_options"
    ) || path.starts_with("/pkg/")
}

/// Session settings.
#[derive(Clone)]
pub struct SessionSettings {
    /// Signs and verifies cookies.
    pub key: Key,
    /// Adds `Secure` (HTTPS deployments).
    pub secure_cookie: bool,
}

/// Why there is no key to sign session cookies with.
#[derive(Debug, Error)]
pub enum SessionKeyError {
    /// `SESSION_SECRET` is set but too short to derive a key from.
    #[error("SESSION_SECRET must be at least 64 bytes")]
    SecretTooShort,
    /// No secret was given and the system's random source failed.
    #[error("cannot generate a session key")]
    NoRandomKey,
}

impl SessionSettings {
    /// Settings from `SESSION_SECRET` (at least 64 bytes) or, without it, a random key, so
    /// sessions end when the process restarts.
    pub fn new(secret: Option<&str>, secure_cookie: bool) -> Result<Self, SessionKeyError> {
        let key = match secret {
            Some(secret) if secret.len() >= 64 => Key::from(secret.as_bytes()),
            Some(_) => return Err(SessionKeyError::SecretTooShort),
            None => {
                tracing::warn!("SESSION_SECRET is not set: sessions end when the server restarts");
                Key::try_generate().ok_or(SessionKeyError::NoRandomKey)?
            }
        };
        Ok(Self { key, secure_cookie })
    }
}

/// What the cookie holds.
#[derive(Serialize, Deserialize)]
struct SessionClaims {
    oid: String,
    name: String,
    /// Expiry, epoch seconds.
    exp: i64,
}

/// Adds a session cookie for `caller` to `jar`.
pub fn issue(jar: SignedCookieJar, caller: &Caller, settings: &SessionSettings) -> SignedCookieJar {
    let claims = SessionClaims {
        oid: caller.object_id.clone(),
        name: caller.display_name.clone(),
        exp: (OffsetDateTime::now_utc() + SESSION_LIFETIME).unix_timestamp(),
    };
    let value = serde_json::to_string(&claims).unwrap_or_default();
    let cookie = Cookie::build((SESSION_COOKIE, value))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(settings.secure_cookie)
        .path("/")
        .max_age(SESSION_LIFETIME)
        .build();
    jar.add(cookie)
}

/// Removes the session cookie.
fn clear(jar: SignedCookieJar) -> SignedCookieJar {
    jar.remove(Cookie::build(SESSION_COOKIE).path("/").build())
}

/// `POST /auth/sign-out`: drops the session cookie, whatever signed the caller in.
pub async fn sign_out(jar: SignedCookieJar) -> Response {
    (clear(jar), Redirect::to("/sign-in")).into_response()
}

/// The caller of a request with a valid, unexpired session cookie.
pub fn caller_of(headers: &HeaderMap, key: &Key) -> Option<Caller> {
    let jar = SignedCookieJar::from_headers(headers, key.clone());
    let claims: SessionClaims = serde_json::from_str(jar.get(SESSION_COOKIE)?.value()).ok()?;
    (claims.exp > OffsetDateTime::now_utc().unix_timestamp()).then_some(Caller {
        object_id: claims.oid,
        display_name: claims.name,
    })
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
    match caller_of(request.headers(), &settings.key) {
        Some(caller) => {
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        None if is_public(&path) => next.run(request).await,
        None if path.starts_with("/api/") => (
            StatusCode::UNAUTHORIZED,
            Json(json!({ "code": "unauthenticated", "message": "Sign in first." })),
        )
            .into_response(),
        None => Redirect::to("/sign-in").into_response(),
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
    fn a_session_round_trips_and_tampering_is_rejected() {
        let settings = SessionSettings::new(Some(&"k".repeat(64)), false).expect("settings");
        let caller = Caller {
            object_id: "oid-1".into(),
            display_name: "Alice".into(),
        };
        let jar = issue(
            SignedCookieJar::new(settings.key.clone()),
            &caller,
            &settings,
        );
        let cookie = jar.get(SESSION_COOKIE).expect("cookie");
        assert!(cookie.http_only().unwrap_or(false));
        assert_eq!(cookie.same_site(), Some(SameSite::Lax));
        // What the browser sends back is the signed value the jar emits in Set-Cookie.
        let emitted = jar.into_response();
        let set_cookie = emitted
            .headers()
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .expect("set-cookie");
        let pair = set_cookie.split(';').next().expect("name=value");
        let request = headers(&[("cookie", pair)]);
        assert_eq!(caller_of(&request, &settings.key), Some(caller));
        let tampered = pair.replace("Alice", "Mallory");
        assert_eq!(
            caller_of(&headers(&[("cookie", &tampered)]), &settings.key),
            None
        );
        let other_key = SessionSettings::new(Some(&"x".repeat(64)), false).expect("settings");
        assert_eq!(
            caller_of(&request, &other_key.key),
            None,
            "another key does not verify it"
        );
        assert!(SessionSettings::new(Some("short"), false).is_err());
    }
}
