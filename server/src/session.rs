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

/// How many random bytes `SESSION_SECRET` must decode to: the HMAC-SHA256 signing key and the
/// cookie crate's encryption key are taken from them (`Key::from` needs 64).
pub const SESSION_SECRET_BYTES: usize = 64;

/// Whom a session cookie was issued for: the cloud mode of the dashboard that minted it and the
/// identity source that signed the caller in. Both are in the signed payload and must match the
/// verifying dashboard's, so a cookie minted in sandbox mode (a demo user) is refused by a
/// dashboard in azure mode even when both share `SESSION_SECRET`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionBinding {
    /// `sandbox` or `azure`.
    pub cloud: String,
    /// The identity source: the sandbox's demo sign-in, or Entra ID.
    pub issuer: String,
}

impl SessionBinding {
    /// Sessions of sandbox mode, issued by the demo sign-in.
    pub fn sandbox() -> Self {
        Self {
            cloud: "sandbox".into(),
            issuer: "sandbox-demo-sign-in".into(),
        }
    }

    /// Sessions of azure mode, issued by Entra ID sign-in (which has not landed yet).
    pub fn azure() -> Self {
        Self {
            cloud: "azure".into(),
            issuer: "entra-id".into(),
        }
    }
}

/// Session settings.
#[derive(Clone)]
pub struct SessionSettings {
    /// Signs and verifies cookies.
    pub key: Key,
    /// Adds `Secure` (HTTPS deployments: azure mode).
    pub secure_cookie: bool,
    /// The mode and issuer every cookie must carry.
    pub binding: SessionBinding,
}

/// Why there is no key to sign session cookies with.
#[derive(Debug, Error)]
pub enum SessionKeyError {
    /// `SESSION_SECRET` is not base64.
    #[error(
        "SESSION_SECRET must be {SESSION_SECRET_BYTES} random bytes in base64 (e.g. `openssl rand -base64 64`); it is not base64: {0}"
    )]
    NotBase64(base64::DecodeError),
    /// `SESSION_SECRET` decodes to too few bytes.
    #[error(
        "SESSION_SECRET must be {SESSION_SECRET_BYTES} random bytes in base64 (e.g. `openssl rand -base64 64`); it decodes to {0} bytes"
    )]
    SecretTooShort(usize),
    /// No secret was given and the system's random source failed.
    #[error("cannot generate a session key")]
    NoRandomKey,
}

impl SessionSettings {
    /// Settings from `SESSION_SECRET` (at least [`SESSION_SECRET_BYTES`] bytes, base64) or,
    /// without it, a random key, so sessions end when the process restarts. Sandbox mode's
    /// cookies are bound to [`SessionBinding::sandbox`] and sent over plain HTTP; azure mode's
    /// to [`SessionBinding::azure`], `Secure`.
    pub fn new(secret: Option<&str>, sandbox_mode: bool) -> Result<Self, SessionKeyError> {
        let key = match secret {
            Some(secret) => Key::from(&decode_secret(secret)?),
            None => {
                tracing::warn!("SESSION_SECRET is not set: sessions end when the server restarts");
                Key::try_generate().ok_or(SessionKeyError::NoRandomKey)?
            }
        };
        Ok(Self {
            key,
            secure_cookie: !sandbox_mode,
            binding: if sandbox_mode {
                SessionBinding::sandbox()
            } else {
                SessionBinding::azure()
            },
        })
    }
}

/// The bytes of a base64 `SESSION_SECRET` (standard alphabet, padding optional; surrounding
/// whitespace ignored), refused under [`SESSION_SECRET_BYTES`].
fn decode_secret(secret: &str) -> Result<Vec<u8>, SessionKeyError> {
    use base64::Engine as _;
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const LENIENT_PADDING: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    );
    let bytes = LENIENT_PADDING
        .decode(secret.trim())
        .map_err(SessionKeyError::NotBase64)?;
    if bytes.len() < SESSION_SECRET_BYTES {
        return Err(SessionKeyError::SecretTooShort(bytes.len()));
    }
    Ok(bytes)
}

/// What the cookie holds.
#[derive(Serialize, Deserialize)]
struct SessionClaims {
    tid: String,
    oid: String,
    name: String,
    roles: Vec<String>,
    /// Expiry, epoch seconds.
    exp: i64,
    /// The dashboard's cloud mode and the identity source; see [`SessionBinding`].
    #[serde(flatten)]
    binding: SessionBinding,
}

/// Adds a session cookie for `caller` to `jar`.
pub fn issue(jar: SignedCookieJar, caller: &Caller, settings: &SessionSettings) -> SignedCookieJar {
    let claims = SessionClaims {
        tid: caller.tenant_id.clone(),
        oid: caller.object_id.clone(),
        name: caller.display_name.clone(),
        roles: caller.roles.clone(),
        exp: (OffsetDateTime::now_utc() + SESSION_LIFETIME).unix_timestamp(),
        binding: settings.binding.clone(),
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

/// The caller of a request with a valid, unexpired session cookie issued for this dashboard's
/// mode and issuer.
pub fn caller_of(headers: &HeaderMap, settings: &SessionSettings) -> Option<Caller> {
    let jar = SignedCookieJar::from_headers(headers, settings.key.clone());
    let claims: SessionClaims = serde_json::from_str(jar.get(SESSION_COOKIE)?.value()).ok()?;
    let current = claims.exp > OffsetDateTime::now_utc().unix_timestamp();
    (current && claims.binding == settings.binding).then_some(Caller {
        tenant_id: claims.tid,
        object_id: claims.oid,
        display_name: claims.name,
        roles: claims.roles,
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
    match caller_of(request.headers(), &settings) {
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

    /// 64 bytes 0, 1, …, 63 in base64.
    const SECRET: &str =
        "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==";

    /// The `name=value` pair a browser sends back for `caller`'s session under `settings`.
    fn cookie_for(caller: &Caller, settings: &SessionSettings) -> String {
        let jar = issue(SignedCookieJar::new(settings.key.clone()), caller, settings);
        let emitted = jar.into_response();
        let set_cookie = emitted
            .headers()
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .expect("set-cookie");
        set_cookie.split(';').next().expect("name=value").to_owned()
    }

    fn alice() -> Caller {
        Caller {
            tenant_id: "tid-1".into(),
            object_id: "oid-1".into(),
            display_name: "Alice".into(),
            roles: Vec::new(),
        }
    }

    #[test]
    fn a_session_round_trips_and_tampering_is_rejected() {
        let settings = SessionSettings::new(Some(SECRET), true).expect("settings");
        let jar = issue(
            SignedCookieJar::new(settings.key.clone()),
            &alice(),
            &settings,
        );
        let cookie = jar.get(SESSION_COOKIE).expect("cookie");
        assert!(cookie.http_only().unwrap_or(false));
        assert_eq!(cookie.same_site(), Some(SameSite::Lax));
        let pair = cookie_for(&alice(), &settings);
        let request = headers(&[("cookie", &pair)]);
        assert_eq!(caller_of(&request, &settings), Some(alice()));
        let tampered = pair.replace("Alice", "Mallory");
        assert_eq!(
            caller_of(&headers(&[("cookie", &tampered)]), &settings),
            None
        );
        let other_secret = base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            [7_u8; SESSION_SECRET_BYTES],
        );
        let other_key = SessionSettings::new(Some(&other_secret), true).expect("settings");
        assert_eq!(
            caller_of(&request, &other_key),
            None,
            "another key does not verify it"
        );
    }

    #[test]
    fn a_cookie_minted_in_one_mode_is_refused_in_the_other_with_the_same_secret() {
        let sandbox = SessionSettings::new(Some(SECRET), true).expect("sandbox");
        let azure = SessionSettings::new(Some(SECRET), false).expect("azure");
        assert!(azure.secure_cookie && !sandbox.secure_cookie);
        let from_sandbox = headers(&[("cookie", &cookie_for(&alice(), &sandbox))]);
        assert_eq!(caller_of(&from_sandbox, &sandbox), Some(alice()));
        assert_eq!(caller_of(&from_sandbox, &azure), None);
        let from_azure = headers(&[("cookie", &cookie_for(&alice(), &azure))]);
        assert_eq!(caller_of(&from_azure, &azure), Some(alice()));
        assert_eq!(caller_of(&from_azure, &sandbox), None);
    }

    #[test]
    fn the_secret_must_be_64_bytes_of_base64() {
        let unpadded = SECRET.trim_end_matches('=');
        assert!(SessionSettings::new(Some(unpadded), true).is_ok());
        assert!(SessionSettings::new(Some(&format!(" {SECRET}\n")), true).is_ok());
        let short = SessionSettings::new(Some(&"s".repeat(64)), true).err();
        assert!(
            matches!(short, Some(SessionKeyError::SecretTooShort(48))),
            "{short:?}"
        );
        let plain = SessionSettings::new(Some(&"not base64! ".repeat(8)), true).err();
        assert!(
            matches!(plain, Some(SessionKeyError::NotBase64(_))),
            "{plain:?}"
        );
        assert!(
            plain
                .map(|e| e.to_string())
                .is_some_and(|m| m.contains("openssl rand -base64 64")),
            "the message says how to make one"
        );
    }
}
