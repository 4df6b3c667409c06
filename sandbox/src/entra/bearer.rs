//! The check ARM makes of a user's bearer token from this provider: an RS256 signature by a
//! published key, issuer `https://sts.windows.net/{tid}/` of this tenant, one of ARM's
//! audiences, and expiry (docs/ARM_FACTS.md §5, §10).

use super::claims::AccessTokenClaims;
use super::{EntraProvider, keys};
use jsonwebtoken::{Algorithm, Validation};
use serde_json::Value;
use time::OffsetDateTime;

/// The audiences ARM accepts, as its `InvalidAuthenticationTokenAudience` message lists them.
pub const ARM_AUDIENCES: &[&str] = &[
    "https://management.core.windows.net/",
    "https://management.core.windows.net",
    "https://management.azure.com/",
    "https://management.azure.com",
];

/// Why ARM refuses a provider token.
#[derive(Debug)]
pub enum BearerError {
    /// Not signed by a published key, another issuer or tenant, or unreadable.
    Invalid,
    /// Issued for another resource (the audience it names).
    Audience(String),
    /// Expired at this epoch second.
    Expired(i64),
}

impl EntraProvider {
    /// The claims of `token` when ARM accepts it.
    pub async fn verify_access_token(&self, token: &str) -> Result<AccessTokenClaims, BearerError> {
        let keys = self.published_keys().await.map_err(|error| {
            tracing::error!(%error, "sandbox entra: no keys to verify a token with");
            BearerError::Invalid
        })?;
        let mut validation = Validation::new(Algorithm::RS256);
        // Audience, issuer and expiry are checked below, so the refusals can name them as
        // ARM's do (a token of this provider for another audience, such as an ID token, is
        // refused for its audience).
        validation.validate_exp = false;
        validation.validate_aud = false;
        validation.set_required_spec_claims(&["exp", "aud", "iss"]);
        let claims: Value =
            keys::verify(token, &keys, validation).map_err(|_| BearerError::Invalid)?;
        let audience = claims["aud"].as_str().unwrap_or_default();
        if !ARM_AUDIENCES.contains(&audience) {
            return Err(BearerError::Audience(audience.to_owned()));
        }
        let claims: AccessTokenClaims =
            serde_json::from_value(claims).map_err(|_| BearerError::Invalid)?;
        let issuer = format!("https://sts.windows.net/{}/", self.tenant_id());
        if claims.iss != issuer || !claims.tid.eq_ignore_ascii_case(self.tenant_id()) {
            return Err(BearerError::Invalid);
        }
        let now = OffsetDateTime::now_utc().unix_timestamp();
        if claims.exp <= now {
            return Err(BearerError::Expired(claims.exp));
        }
        if claims.nbf > now.saturating_add(300) {
            return Err(BearerError::Invalid);
        }
        Ok(claims)
    }
}
