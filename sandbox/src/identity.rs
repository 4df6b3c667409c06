//! The sandbox's identity side: a managed-identity token endpoint speaking the App Service
//! protocol (`IDENTITY_ENDPOINT` + `IDENTITY_HEADER`, api-version 2019-08-01), so the real
//! `azure_identity::ManagedIdentityCredential` obtains tokens from it, and the bearer check ARM
//! endpoints apply to managed-identity tokens (users' tokens come from [`crate::entra`]).
//!
//! Tokens are HS256 JWTs signed with the world's key by a [`TokenIssuer`]. Any sandbox with the
//! same key accepts them, the way every ARM region accepts tokens from one Entra ID tenant.

use super::reply::Reply;
use super::world::IdentityConfig;
use axum::http::{HeaderMap, StatusCode, header};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;

/// The audience ARM tokens are issued for.
pub const ARM_RESOURCE: &str = "https://management.azure.com";

/// What a sandbox token says.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    /// Audience (the ARM resource).
    pub aud: String,
    /// Tenant id.
    pub tid: String,
    /// Object id of the principal.
    pub oid: String,
    /// Application (client) id.
    pub appid: String,
    /// Expiry, epoch seconds.
    pub exp: i64,
    /// Issued at, epoch seconds.
    pub iat: i64,
}

/// A signed ARM token and its expiry.
pub struct IssuedToken {
    /// The JWT.
    pub token: String,
    /// Expiry, epoch seconds.
    pub expires_on: i64,
}

/// Signs ARM tokens for the world's identity with the world's key: the token endpoint and the
/// in-process [`crate::credential::SandboxCredential`] issue the same tokens.
pub struct TokenIssuer {
    config: IdentityConfig,
    encoding: EncodingKey,
}

impl TokenIssuer {
    /// An issuer for the world's identity.
    pub fn new(config: IdentityConfig) -> Self {
        let encoding = EncodingKey::from_secret(config.signing_key.as_bytes());
        Self { config, encoding }
    }

    /// The identity tokens are issued to.
    pub fn identity(&self) -> &IdentityConfig {
        &self.config
    }

    /// A token for ARM, valid for the world's token lifetime from now.
    pub fn issue(&self) -> Result<IssuedToken, jsonwebtoken::errors::Error> {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let lifetime = i64::try_from(self.config.token_lifetime_seconds).unwrap_or(i64::MAX / 2);
        let claims = Claims {
            aud: format!("{ARM_RESOURCE}/"),
            tid: self.config.tenant_id.clone(),
            oid: self.config.principal_object_id.clone(),
            appid: self.config.principal_client_id.clone(),
            exp: now.saturating_add(lifetime),
            iat: now,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?;
        Ok(IssuedToken {
            token,
            expires_on: claims.exp,
        })
    }
}

/// Issues tokens at the token endpoint and verifies them on ARM requests.
pub struct TokenAuthority {
    issuer: TokenIssuer,
    identity_header: String,
    decoding: DecodingKey,
}

impl TokenAuthority {
    /// An authority for the world's identity. `identity_header` is the secret callers must send
    /// as `x-identity-header` (what `IDENTITY_HEADER` holds for the credential).
    pub fn new(config: IdentityConfig, identity_header: String) -> Self {
        let decoding = DecodingKey::from_secret(config.signing_key.as_bytes());
        Self {
            issuer: TokenIssuer::new(config),
            identity_header,
            decoding,
        }
    }

    /// Answers the App Service managed-identity token request.
    pub fn token_endpoint(&self, query: &[(String, String)], headers: &HeaderMap) -> Reply {
        let presented = headers
            .get("x-identity-header")
            .and_then(|v| v.to_str().ok());
        if presented != Some(self.identity_header.as_str()) {
            return Reply::json(
                StatusCode::UNAUTHORIZED,
                json!({ "statusCode": 401, "message": "The x-identity-header is missing or does not match IDENTITY_HEADER." }),
            );
        }
        let value = |key: &str| {
            query
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        };
        if value("api-version") != Some("2019-08-01") {
            return Reply::json(
                StatusCode::BAD_REQUEST,
                json!({ "statusCode": 400, "message": "api-version 2019-08-01 is required." }),
            );
        }
        let resource = value("resource").unwrap_or_default();
        if resource.trim_end_matches('/') != ARM_RESOURCE {
            return Reply::json(
                StatusCode::BAD_REQUEST,
                json!({
                    "error": "invalid_resource",
                    "error_description": format!("AADSTS500011: The resource principal named {resource} was not found in the tenant named {}.", self.issuer.identity().tenant_id),
                }),
            );
        }
        match self.issuer.issue() {
            Ok(issued) => Reply::json(
                StatusCode::OK,
                json!({
                    "access_token": issued.token,
                    "expires_on": issued.expires_on.to_string(),
                    "resource": resource,
                    "token_type": "Bearer",
                    "client_id": self.issuer.identity().principal_client_id,
                }),
            ),
            Err(error) => Reply::json(
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({ "statusCode": 500, "message": format!("token signing failed: {error}") }),
            ),
        }
    }

    /// Checks the `Authorization: Bearer` header of an ARM request. On failure the reply is the
    /// 401 ARM sends, with `WWW-Authenticate`.
    pub fn authenticate(&self, headers: &HeaderMap) -> Result<Claims, Box<Reply>> {
        self.authenticate_token(bearer_token(headers)?)
    }

    /// Checks a managed-identity token (HS256, signed with the world's key).
    pub fn authenticate_token(&self, token: &str) -> Result<Claims, Box<Reply>> {
        let mut validation = Validation::new(Algorithm::HS256);
        // Expiry is checked below so the message can carry both times, as ARM's does.
        validation.validate_exp = false;
        validation.set_audience(&[format!("{ARM_RESOURCE}/"), ARM_RESOURCE.to_owned()]);
        validation.set_required_spec_claims(&["exp", "aud"]);
        let claims = match jsonwebtoken::decode::<Claims>(token.trim(), &self.decoding, &validation)
        {
            Ok(data) => data.claims,
            Err(_) => return Err(invalid_token()),
        };
        if claims.exp <= OffsetDateTime::now_utc().unix_timestamp() {
            return Err(expired(claims.exp));
        }
        Ok(claims)
    }
}

/// The token of an `Authorization: Bearer` header, or ARM's 401 when there is none.
pub(crate) fn bearer_token(headers: &HeaderMap) -> Result<&str, Box<Reply>> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or_else(|| {
            unauthorized(
                "AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is missing.",
                "The authentication failed because of missing 'Authorization' header.",
            )
        })
}

/// ARM's 401 for a token it cannot accept.
pub(crate) fn invalid_token() -> Box<Reply> {
    unauthorized(
        "InvalidAuthenticationToken",
        "The access token is invalid.",
        "The access token is invalid.",
    )
}

/// ARM's 401 for a token issued for another resource.
pub(crate) fn wrong_audience(audience: &str) -> Box<Reply> {
    let allowed = crate::entra::ARM_AUDIENCES
        .iter()
        .map(|a| format!("'{a}'"))
        .collect::<Vec<_>>()
        .join(",");
    unauthorized(
        "InvalidAuthenticationTokenAudience",
        &format!(
            "The access token has been obtained for wrong audience or resource '{audience}'. It should exactly match with one of the allowed audiences {allowed}."
        ),
        "The access token has been obtained for wrong audience or resource.",
    )
}

/// ARM's 401 for a token that expired at `exp` (epoch seconds).
pub(crate) fn expired(exp: i64) -> Box<Reply> {
    let now = OffsetDateTime::now_utc();
    let expiry = OffsetDateTime::from_unix_timestamp(exp).unwrap_or(now);
    unauthorized(
        "ExpiredAuthenticationToken",
        &format!(
            "The access token expiry UTC time '{}' is earlier than current UTC time '{}'.",
            arm_clock(expiry),
            arm_clock(now)
        ),
        "The access token has expired.",
    )
}

fn unauthorized(code: &str, message: &str, description: &str) -> Box<Reply> {
    let challenge = format!(
        "Bearer authorization_uri=\"https://login.windows.net/\", error=\"invalid_token\", error_description=\"{description}\""
    );
    Box::new(
        Reply::arm_error(StatusCode::UNAUTHORIZED, code, message)
            .with_header(header::WWW_AUTHENTICATE, challenge),
    )
}

/// ARM's clock format in token errors: `6/15/2026 8:22:51 AM`.
fn arm_clock(at: OffsetDateTime) -> String {
    let hour = at.hour();
    let (hour12, meridiem) = match hour {
        0 => (12, "AM"),
        1..=11 => (hour, "AM"),
        12 => (12, "PM"),
        _ => (hour - 12, "PM"),
    };
    format!(
        "{}/{}/{} {}:{:02}:{:02} {}",
        u8::from(at.month()),
        at.day(),
        at.year(),
        hour12,
        at.minute(),
        at.second(),
        meridiem
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn arm_clock_matches_the_real_error_text() {
        assert_eq!(
            arm_clock(datetime!(2026-06-15 08:22:51 UTC)),
            "6/15/2026 8:22:51 AM"
        );
        assert_eq!(
            arm_clock(datetime!(2026-06-15 21:27:25 UTC)),
            "6/15/2026 9:27:25 PM"
        );
        assert_eq!(
            arm_clock(datetime!(2026-01-02 00:05:09 UTC)),
            "1/2/2026 12:05:09 AM"
        );
    }
}
