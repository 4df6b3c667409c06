//! Client authentication at the token endpoint, as Entra offers it to a confidential client:
//! the secret in the form (`client_secret_post`) or in `Authorization: Basic`
//! (`client_secret_basic`, id and secret form-urlencoded first, RFC 6749 §2.3.1), or a
//! `client_assertion` from a federated identity credential ([`client_assertion`]). Certificate
//! credentials (`private_key_jwt` signed by the app's own key) are not modelled
//! (docs/ARM_FACTS.md §10).

use super::errors::EntraError;
use super::token::Form;
use super::{EntraProvider, client_assertion};
use crate::world::Application;
use axum::http::{HeaderMap, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

/// How a client authenticated, as access tokens' `appidacr` says: `1` a secret, `2` an
/// assertion (certificate or federated credential).
pub(super) type AuthenticationMethod = &'static str;

/// The client, authenticated by its secret (form or `Authorization: Basic`) or an assertion.
pub(super) fn authenticate_client<'p>(
    provider: &'p EntraProvider,
    headers: &HeaderMap,
    form: &Form,
) -> Result<(&'p Application, AuthenticationMethod), EntraError> {
    let get = |name| form.get(name);
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .map(|encoded| {
            basic_credentials(encoded.trim())
                .ok_or_else(|| EntraError::malformed("invalid_request"))
        })
        .transpose()?;
    let (client_id, secret) = match &basic {
        Some((id, secret)) => {
            if get("client_id").is_some_and(|form_id| form_id != id)
                || get("client_secret").is_some()
                || get("client_assertion").is_some()
            {
                // Two ways of authenticating at once (RFC 6749 §2.3).
                return Err(EntraError::malformed("invalid_request"));
            }
            (id.as_str(), Some(secret.as_str()))
        }
        None => (
            get("client_id").ok_or_else(|| EntraError::missing("client_id"))?,
            get("client_secret"),
        ),
    };
    let application = provider.config().application(client_id).ok_or_else(|| {
        EntraError::new(
            "unauthorized_client",
            700_016,
            format!(
                "Application with identifier '{client_id}' was not found in the directory '{}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.",
                provider.tenant_id()
            ),
        )
    })?;
    if let Some(assertion) = get("client_assertion") {
        if secret.is_some() {
            return Err(EntraError::malformed("invalid_request"));
        }
        client_assertion::verify(application, get("client_assertion_type"), assertion)?;
        return Ok((application, "2"));
    }
    let Some(secret) = secret else {
        return Err(EntraError::invalid_client(
            7_000_218,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        ));
    };
    if !same_secret(secret, &application.client_secret) {
        return Err(EntraError::invalid_client(
            7_000_215,
            format!(
                "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{}'.",
                application.client_id
            ),
        ));
    }
    Ok((application, "1"))
}

/// `id:secret` of a Basic header, each form-urlencoded first (RFC 6749 §2.3.1).
fn basic_credentials(encoded: &str) -> Option<(String, String)> {
    let decoded = String::from_utf8(STANDARD.decode(encoded).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let unescape = |part: &str| {
        url::form_urlencoded::parse(format!("x={part}").as_bytes())
            .next()
            .map(|(_, value)| value.into_owned())
    };
    Some((unescape(id)?, unescape(secret)?))
}

/// Compares two secrets in time independent of where they differ.
fn same_secret(presented: &str, registered: &str) -> bool {
    let (a, b) = (Sha256::digest(presented), Sha256::digest(registered));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_form_decoded() {
        let header = STANDARD.encode("my%20app:s%3Acret+x");
        assert_eq!(
            basic_credentials(&header),
            Some(("my app".into(), "s:cret x".into()))
        );
        assert_eq!(basic_credentials("%%%"), None);
        assert_eq!(basic_credentials(&STANDARD.encode("no-colon")), None);
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("a", "a") && !same_secret("a", "b") && !same_secret("a", "ab"));
    }
}
