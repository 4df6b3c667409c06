//! Validation of the ID token from the token endpoint, and the [`Caller`] it names.
//!
//! `openidconnect` checks the signature against the provider's keys (RS256 only: `alg: none`
//! and the HMAC family, whose key would be the client secret, are refused), the audience (the
//! client id, and no other audience), the expiry (with the leeway of
//! [`OidcSettings::id_token_leeway`], 60 s by default, by judging with a clock that far behind)
//! and the nonce. The issuer is checked here: discovery's `issuer` with `{tenantid}` replaced by
//! the token's `tid` (Entra's multi-tenant documents publish that template), else exactly.
//! The person is `tid` + `oid` (a provider without `tid`/`oid` cannot sign anyone in).

use super::settings::OidcSettings;
use openidconnect::core::{
    CoreGenderClaim, CoreIdTokenVerifier, CoreJsonWebKeySet, CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
};
use openidconnect::{
    AdditionalClaims, ClaimsVerificationError, ClientId, IdToken, IssuerUrl, Nonce,
    SignatureVerificationError,
};
use serde::{Deserialize, Serialize};
use shared::caller::Caller;
use thiserror::Error;

/// The claims Entra adds that the dashboard reads.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct EntraClaims {
    /// Tenant of the person.
    #[serde(default)]
    pub tid: Option<String>,
    /// Object id of the person in that tenant.
    #[serde(default)]
    pub oid: Option<String>,
    /// App roles assigned to the person in the dashboard's registration.
    #[serde(default)]
    pub roles: Vec<String>,
}

impl AdditionalClaims for EntraClaims {}

/// An ID token with Entra's claims.
pub type EntraIdToken = IdToken<
    EntraClaims,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;

/// Why an ID token is refused. Messages name claims, never the token.
#[derive(Debug, Error)]
pub enum IdTokenRejection {
    /// It is signed with a key the provider's key set does not have (read it again).
    #[error("the ID token is signed with an unknown key")]
    UnknownKey,
    /// A check of `openidconnect` failed: signature, algorithm, audience, expiry, nonce (its
    /// message, with the cause of a signature failure).
    #[error("{0}")]
    Invalid(String),
    /// The issuer is not the provider's (for the token's tenant).
    #[error("the ID token's issuer {found:?} is not {expected:?}")]
    WrongIssuer {
        /// The issuer expected.
        expected: String,
        /// The token's.
        found: String,
    },
    /// `tid` or `oid` is missing or empty.
    #[error("the ID token has no {0} claim")]
    MissingClaim(&'static str),
}

/// What the token is checked against.
pub struct Expected<'a> {
    /// The relying party's settings (client id, leeway).
    pub settings: &'a OidcSettings,
    /// Discovery's `issuer`, perhaps with `{tenantid}`.
    pub issuer: &'a str,
    /// The nonce of the pending sign-in.
    pub nonce: &'a str,
}

/// The caller `token` names, when it passes every check against `keys` and `expected`.
pub fn verify(
    token: &EntraIdToken,
    keys: &CoreJsonWebKeySet,
    expected: &Expected<'_>,
) -> Result<Caller, IdTokenRejection> {
    let leeway = chrono::Duration::from_std(expected.settings.id_token_leeway)
        .unwrap_or_else(|_| chrono::Duration::seconds(60));
    // The issuer is compared below, per tenant; the URL given here is then unused.
    let issuer = IssuerUrl::from_url(expected.settings.issuer_url.clone());
    let verifier = CoreIdTokenVerifier::new_public_client(
        ClientId::new(expected.settings.client_id.clone()),
        issuer,
        keys.clone(),
    )
    .set_allowed_algs([CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256])
    .require_issuer_match(false)
    .set_time_fn(move || chrono::Utc::now() - leeway);
    let nonce = Nonce::new(expected.nonce.to_owned());
    let claims = token
        .claims(&verifier, &nonce)
        .map_err(|error| match error {
            ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey,
            ) => IdTokenRejection::UnknownKey,
            other => IdTokenRejection::Invalid(match std::error::Error::source(&other) {
                Some(cause) => format!("{other}: {cause}"),
                None => other.to_string(),
            }),
        })?;
    let extra = claims.additional_claims();
    let present = |value: &Option<String>, name| {
        value
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .ok_or(IdTokenRejection::MissingClaim(name))
    };
    let tenant_id = present(&extra.tid, "tid")?;
    let object_id = present(&extra.oid, "oid")?;
    let expected_issuer = expected.issuer.replace("{tenantid}", &tenant_id);
    let found = claims.issuer().as_str();
    if found != expected_issuer {
        return Err(IdTokenRejection::WrongIssuer {
            expected: expected_issuer,
            found: found.to_owned(),
        });
    }
    let display_name = claims
        .name()
        .and_then(|name| name.get(None))
        .map(|name| name.as_str().to_owned())
        .or_else(|| claims.preferred_username().map(|u| u.as_str().to_owned()))
        .unwrap_or_else(|| object_id.clone());
    Ok(Caller {
        tenant_id,
        object_id,
        display_name,
        roles: extra.roles.clone(),
    })
}
