//! A hostile OpenID provider written for the tests: Entra's URL layout (discovery at
//! `/{tenant}/v2.0/.well-known/openid-configuration`, issuer `{base}/{tenant}/v2.0`, or the
//! multi-tenant template `{base}/{tenantid}/v2.0`), a key set the test controls, and a token
//! endpoint that answers whatever ID token the test crafted: forged signatures, `alg: none`,
//! wrong audiences, issuers, nonces, expiries. It records each token request, so tests can check
//! what the dashboard sent (PKCE verifier, client authentication).
//!
//! Tokens are signed with fixed test keys (`tests/fixtures/oidc/`): generating RSA keys in a
//! debug build is slow.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The private key whose public half the provider publishes.
pub const SIGNING_KEY: &[u8] = include_bytes!("../../fixtures/oidc/signing.der");
/// Its public half as a JWK (no `kid`).
pub const SIGNING_JWK: &str = include_str!("../../fixtures/oidc/signing.jwk.json");
/// A key the provider never published.
pub const OTHER_KEY: &[u8] = include_bytes!("../../fixtures/oidc/other.der");
/// Its public half as a JWK (no `kid`), for "rotation".
pub const OTHER_JWK: &str = include_str!("../../fixtures/oidc/other.jwk.json");
/// The `kid` of the published key.
pub const SIGNING_KID: &str = "published-key";

/// One request to the token endpoint.
#[derive(Clone, Debug)]
pub struct TokenRequest {
    /// The form fields.
    pub form: HashMap<String, String>,
    /// The `Authorization` header, if any.
    pub authorization: Option<String>,
}

/// What the test controls and reads.
#[derive(Default)]
pub struct Hostile {
    /// The ID token the token endpoint answers next.
    pub id_token: String,
    /// Every token request, in order.
    pub token_requests: Vec<TokenRequest>,
    /// The published keys.
    pub keys: Vec<Value>,
    /// How many times the key set was read.
    pub key_reads: usize,
    /// `token_endpoint_auth_methods_supported` of discovery, when not Entra's list.
    pub auth_methods: Option<Vec<String>>,
}

/// A running hostile provider.
pub struct HostileProvider {
    /// e.g. `http://127.0.0.1:40123`.
    pub base: String,
    /// Shared with the handlers.
    pub state: Arc<Mutex<Hostile>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for HostileProvider {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A JWK of `jwk_text` with `kid`.
pub fn jwk(jwk_text: &str, kid: &str) -> Value {
    let mut key: Value = serde_json::from_str(jwk_text).expect("jwk fixture");
    key["kid"] = json!(kid);
    key
}

impl HostileProvider {
    /// Starts one on a free port, publishing [`SIGNING_KEY`] as [`SIGNING_KID`].
    pub async fn start(multi_tenant: bool) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind provider");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let state = Arc::new(Mutex::new(Hostile {
            keys: vec![jwk(SIGNING_JWK, SIGNING_KID)],
            ..Hostile::default()
        }));
        let app = Router::new()
            .route(
                "/{tenant}/v2.0/.well-known/openid-configuration",
                get(discovery),
            )
            .route("/keys", get(keys))
            .route("/{tenant}/oauth2/v2.0/token", post(token))
            .with_state((base.clone(), multi_tenant, state.clone()));
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("serve provider");
        });
        Self { base, state, task }
    }

    /// Where the dashboard discovers it for `tenant` (a tenant id, or `organizations`).
    pub fn issuer_url(&self, tenant: &str) -> url::Url {
        url::Url::parse(&format!("{}/{tenant}/v2.0", self.base)).expect("issuer url")
    }

    /// The issuer its tokens for tenant `tid` carry.
    pub fn issuer_of(&self, tid: &str) -> String {
        format!("{}/{tid}/v2.0", self.base)
    }

    /// Makes the token endpoint answer `id_token` next.
    pub fn answer_with(&self, id_token: String) {
        self.state.lock().expect("state").id_token = id_token;
    }

    /// Makes discovery say the token endpoint accepts only `methods`.
    pub fn accept_auth_methods(&self, methods: &[&str]) {
        self.state.lock().expect("state").auth_methods =
            Some(methods.iter().map(|m| (*m).to_owned()).collect());
    }

    /// Publishes `key` too (a rotation: the new key beside the old).
    pub fn publish(&self, key: Value) {
        self.state.lock().expect("state").keys.push(key);
    }

    /// The requests the token endpoint has seen.
    pub fn token_requests(&self) -> Vec<TokenRequest> {
        self.state.lock().expect("state").token_requests.clone()
    }

    /// How many times the key set was read.
    pub fn key_reads(&self) -> usize {
        self.state.lock().expect("state").key_reads
    }
}

type Shared = (String, bool, Arc<Mutex<Hostile>>);

async fn discovery(
    State((base, multi_tenant, state)): State<Shared>,
    axum::extract::Path(tenant): axum::extract::Path<String>,
) -> Json<Value> {
    let issuer = if multi_tenant {
        format!("{base}/{{tenantid}}/v2.0")
    } else {
        format!("{base}/{tenant}/v2.0")
    };
    let auth_methods = state
        .lock()
        .expect("state")
        .auth_methods
        .clone()
        .unwrap_or_else(|| {
            [
                "client_secret_post",
                "private_key_jwt",
                "client_secret_basic",
            ]
            .map(str::to_owned)
            .to_vec()
        });
    Json(json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{base}/{tenant}/oauth2/v2.0/authorize"),
        "token_endpoint": format!("{base}/{tenant}/oauth2/v2.0/token"),
        "jwks_uri": format!("{base}/keys"),
        "end_session_endpoint": format!("{base}/{tenant}/oauth2/v2.0/logout"),
        "response_types_supported": ["code", "id_token", "code id_token"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": auth_methods,
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
    }))
}

async fn keys(State((_, _, state)): State<Shared>) -> Json<Value> {
    let mut state = state.lock().expect("state");
    state.key_reads += 1;
    Json(json!({ "keys": state.keys }))
}

async fn token(
    State((_, _, state)): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Json<Value> {
    let mut state = state.lock().expect("state");
    state.token_requests.push(TokenRequest {
        form,
        authorization: headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    });
    Json(json!({
        "token_type": "Bearer",
        "scope": "openid profile offline_access",
        "expires_in": 3599,
        "access_token": "hostile-access-token",
        "refresh_token": "hostile-refresh-token",
        "id_token": state.id_token,
    }))
}

/// The claims of a well-formed ID token for person `oid` of tenant `tid`, issued by `issuer` for
/// `aud` with `nonce`, expiring `expires_in` seconds from now (negative: in the past).
pub fn claims(
    issuer: &str,
    aud: &str,
    tid: &str,
    oid: &str,
    nonce: &str,
    expires_in: i64,
) -> Value {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    json!({
        "iss": issuer,
        "aud": aud,
        "sub": format!("pairwise-{oid}"),
        "iat": now - 10,
        "nbf": now - 10,
        "exp": now + expires_in,
        "nonce": nonce,
        "tid": tid,
        "oid": oid,
        "name": "Alice Example",
        "preferred_username": "alice@contoso.example",
        "roles": ["Dashboard.Admin"],
        "ver": "2.0",
    })
}

/// `claims` signed RS256 with the PKCS#1 DER key `key`, header `kid`.
pub fn signed(claims: &Value, key: &[u8], kid: &str) -> String {
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = Some(kid.to_owned());
    let key = jsonwebtoken::EncodingKey::from_rsa_der(key);
    jsonwebtoken::encode(&header, claims, &key).expect("sign")
}

/// `claims` signed HS256 with `secret` (the client secret: what an HMAC-accepting RP would
/// verify with).
pub fn hmac_signed(claims: &Value, secret: &str) -> String {
    let header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    let key = jsonwebtoken::EncodingKey::from_secret(secret.as_bytes());
    jsonwebtoken::encode(&header, claims, &key).expect("sign")
}

/// `claims` with `alg: none` and an empty signature.
pub fn unsigned(claims: &Value) -> String {
    let part = |value: &Value| URL_SAFE_NO_PAD.encode(value.to_string());
    format!(
        "{}.{}.",
        part(&json!({ "alg": "none", "typ": "JWT" })),
        part(claims)
    )
}
