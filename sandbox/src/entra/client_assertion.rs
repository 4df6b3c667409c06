//! A `client_assertion` (`urn:ietf:params:oauth:client-assertion-type:jwt-bearer`) checked
//! against the application's federated identity credentials, as Entra checks workload identity
//! tokens: an RS256 signature by the credential's issuer key, then the issuer, subject and
//! audience the credential names (compared exactly), then the assertion's validity period
//! (docs/ARM_FACTS.md §10).

use super::errors::EntraError;
use super::token::entra_time;
use crate::world::{Application, FederatedCredential};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use time::OffsetDateTime;

/// The assertion type of a JWT client assertion (RFC 7523).
pub const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// Clock skew tolerated on `nbf` and `exp`, in seconds.
const LEEWAY: i64 = 300;

/// The claims Entra compares.
#[derive(Deserialize)]
struct Assertion {
    iss: String,
    sub: String,
    aud: Audience,
    exp: i64,
    #[serde(default)]
    nbf: Option<i64>,
}

/// `aud` may be one string or a list.
#[derive(Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

impl Audience {
    fn values(&self) -> Vec<&str> {
        match self {
            Self::One(value) => vec![value.as_str()],
            Self::Many(values) => values.iter().map(String::as_str).collect(),
        }
    }
}

/// `Ok` when `assertion` authenticates `application` through one of its federated credentials.
pub(super) fn verify(
    application: &Application,
    assertion_type: Option<&str>,
    assertion: &str,
) -> Result<(), EntraError> {
    if assertion_type != Some(JWT_BEARER) {
        return Err(EntraError::malformed("invalid_request"));
    }
    let signed_by = |credential: &FederatedCredential| {
        let key = DecodingKey::from_rsa_components(&credential.key.n, &credential.key.e).ok()?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.validate_exp = false;
        validation.validate_aud = false;
        validation.required_spec_claims.clear();
        jsonwebtoken::decode::<Assertion>(assertion, &key, &validation)
            .ok()
            .map(|data| data.claims)
    };
    let Some(claims) = application.federated_credentials.iter().find_map(signed_by) else {
        return Err(EntraError::invalid_client(
            700_027,
            "Client assertion contains an invalid signature. [Reason - The key was not found.]",
        ));
    };
    let unmatched = |code, what: &str, value: &str| {
        EntraError::invalid_client(
            code,
            format!(
                "No matching federated identity record found for presented assertion {what} '{value}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion."
            ),
        )
    };
    let credentials: Vec<&FederatedCredential> = application
        .federated_credentials
        .iter()
        .filter(|c| c.issuer == claims.iss)
        .collect();
    if credentials.is_empty() {
        return Err(unmatched(700_211, "issuer", &claims.iss));
    }
    let credentials: Vec<&FederatedCredential> = credentials
        .into_iter()
        .filter(|c| c.subject == claims.sub)
        .collect();
    if credentials.is_empty() {
        return Err(unmatched(700_213, "subject", &claims.sub));
    }
    let audiences = claims.aud.values();
    if !credentials
        .iter()
        .any(|c| c.audiences.iter().any(|a| audiences.contains(&a.as_str())))
    {
        return Err(unmatched(700_212, "audience", &audiences.join(",")));
    }
    let now = OffsetDateTime::now_utc().unix_timestamp();
    if claims.exp.saturating_add(LEEWAY) <= now
        || claims
            .nbf
            .is_some_and(|nbf| nbf.saturating_sub(LEEWAY) > now)
    {
        return Err(EntraError::invalid_client(
            700_024,
            format!(
                "Client assertion is not within its valid time range. Current time: {}, assertion valid from {}, expiry time of assertion {}.",
                entra_time(now * 1000),
                entra_time(claims.nbf.unwrap_or(now).saturating_mul(1000)),
                entra_time(claims.exp.saturating_mul(1000)),
            ),
        ));
    }
    Ok(())
}
