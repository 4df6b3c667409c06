//! What the provider's tokens say: the v2.0 ID token, the v1.0 access token ARM receives (ARM's
//! resource is a v1 API, so Entra issues it v1 tokens: `iss` `https://sts.windows.net/{tid}/`,
//! `aud` `https://management.azure.com/`, `scp`, `upn`, `appid`), the Graph-shaped access token
//! given when no ARM scope was asked for, and the sandbox's own refresh token (opaque to clients).
//! Claim sets: docs/ARM_FACTS.md §10.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// ARM's resource, the `aud` of its tokens.
pub const ARM_AUDIENCE: &str = "https://management.azure.com/";

/// Microsoft Graph's application id, the `aud` of a token asked for with no resource scope.
pub const GRAPH_AUDIENCE: &str = "00000003-0000-0000-c000-000000000000";

/// Claims of an ID token (Entra v2.0).
#[derive(Debug, Serialize, Deserialize)]
pub struct IdTokenClaims {
    /// The client id.
    pub aud: String,
    /// `{base}/{tenant}/v2.0`.
    pub iss: String,
    /// Issued at.
    pub iat: i64,
    /// Not before.
    pub nbf: i64,
    /// Expiry.
    pub exp: i64,
    /// Display name.
    pub name: String,
    /// The nonce of the authorization request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// Object id.
    pub oid: String,
    /// User principal name.
    pub preferred_username: String,
    /// App roles the user holds in this application.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    /// Pairwise subject: the same user has another `sub` in every application.
    pub sub: String,
    /// Tenant id.
    pub tid: String,
    /// Token version, `2.0`.
    pub ver: String,
}

/// Claims of a v1.0 access token (ARM's, or Graph's in the sandbox).
#[derive(Debug, Serialize, Deserialize)]
pub struct AccessTokenClaims {
    /// The resource.
    pub aud: String,
    /// `https://sts.windows.net/{tid}/`.
    pub iss: String,
    /// Issued at.
    pub iat: i64,
    /// Not before.
    pub nbf: i64,
    /// Expiry.
    pub exp: i64,
    /// The client the token was issued to.
    pub appid: String,
    /// How the client authenticated: `1` with a secret, `2` with an assertion.
    pub appidacr: String,
    /// Identity provider (the tenant's own STS).
    pub idp: String,
    /// `user` for a delegated token.
    pub idtyp: String,
    /// Display name.
    pub name: String,
    /// Object id.
    pub oid: String,
    /// Delegated scopes, space-separated (`user_impersonation`).
    pub scp: String,
    /// Subject, pairwise per resource.
    pub sub: String,
    /// Tenant id.
    pub tid: String,
    /// Same as `upn`.
    pub unique_name: String,
    /// User principal name.
    pub upn: String,
    /// Token version, `1.0`.
    pub ver: String,
}

/// Claims of the sandbox's refresh token: HS256-signed, so it needs no store; it is refused once
/// its user's sessions were revoked after the sign-in that began the grant.
#[derive(Debug, Serialize, Deserialize)]
pub struct RefreshClaims {
    /// Marks the token kind, so an ID or access token is never taken for a refresh token.
    pub typ: String,
    /// The user's object id.
    pub oid: String,
    /// The client it was issued to.
    pub cid: String,
    /// The scopes granted at sign-in, space-separated.
    pub scp: String,
    /// When the sign-in that began this grant happened, epoch milliseconds.
    pub grant_ms: i64,
    /// When this token was issued, epoch milliseconds.
    pub iat_ms: i64,
    /// Expiry after inactivity, epoch seconds.
    pub exp: i64,
    /// Unique id, so two tokens issued in the same millisecond differ.
    pub jti: String,
}

/// The value of [`RefreshClaims::typ`].
pub const REFRESH_TYPE: &str = "sandbox-entra-refresh";

/// A stable pseudonymous identifier of `object_id` towards `audience` (Entra's pairwise `sub`).
pub fn pairwise_subject(object_id: &str, audience: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(object_id.to_ascii_lowercase().as_bytes());
    hash.update(b"\0");
    hash.update(audience.to_ascii_lowercase().as_bytes());
    URL_SAFE_NO_PAD.encode(&hash.finalize()[..32])
}
