//! [`SandboxCredential`]: an `azure_core` token credential that issues the sandbox's own tokens
//! in-process, the ones its `/msi/token` endpoint hands out, signed with the world's key and so
//! valid in every sandbox of that world.
//!
//! Sandbox mode and the tests use it instead of `azure_identity::ManagedIdentityCredential`,
//! which can only be pointed at the token endpoint through the process environment
//! (`IDENTITY_ENDPOINT`, `IDENTITY_HEADER`). The real credential still works against a sandbox
//! (`server sandbox` prints the settings it needs).

use crate::identity::{ARM_RESOURCE, TokenIssuer};
use crate::world::IdentityConfig;
use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
use azure_core::error::ErrorKind;
use std::fmt;
use thiserror::Error;
use time::OffsetDateTime;

/// Why the sandbox credential gives no token.
#[derive(Debug, Error)]
pub enum CredentialError {
    /// The sandbox issues tokens for ARM only, one scope per request.
    #[error("the sandbox issues tokens for the one scope {ARM_RESOURCE}/.default, not {0:?}")]
    Scopes(Vec<String>),
    /// The token could not be signed.
    #[error("sandbox token signing failed: {0}")]
    Signing(#[from] jsonwebtoken::errors::Error),
    /// The token's expiry is not a time.
    #[error("sandbox token expiry out of range: {0}")]
    Expiry(#[from] time::error::ComponentRange),
}

impl From<CredentialError> for azure_core::Error {
    fn from(error: CredentialError) -> Self {
        azure_core::Error::new(ErrorKind::Credential, error)
    }
}

/// Issues sandbox tokens for the world's identity without HTTP.
pub struct SandboxCredential {
    issuer: TokenIssuer,
}

impl SandboxCredential {
    /// A credential for `identity` (a world's `[identity]`: its key signs the tokens).
    pub fn new(identity: IdentityConfig) -> Self {
        Self {
            issuer: TokenIssuer::new(identity),
        }
    }

    /// A token for `scopes`, which must be ARM's `…/.default` scope as the ARM client asks.
    fn token(&self, scopes: &[&str]) -> Result<AccessToken, CredentialError> {
        let resource = match scopes {
            [scope] => scope.strip_suffix("/.default").unwrap_or(scope),
            _ => "",
        };
        if resource.trim_end_matches('/') != ARM_RESOURCE {
            return Err(CredentialError::Scopes(
                scopes.iter().map(|s| (*s).to_owned()).collect(),
            ));
        }
        let issued = self.issuer.issue()?;
        let expires_on = OffsetDateTime::from_unix_timestamp(issued.expires_on)?;
        Ok(AccessToken::new(issued.token, expires_on))
    }
}

impl fmt::Debug for SandboxCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The signing key stays out of logs.
        f.debug_struct("SandboxCredential")
            .field("tenant_id", &self.issuer.identity().tenant_id)
            .field("client_id", &self.issuer.identity().principal_client_id)
            .finish_non_exhaustive()
    }
}

#[async_trait::async_trait]
impl TokenCredential for SandboxCredential {
    async fn get_token(
        &self,
        scopes: &[&str],
        _options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        Ok(self.token(scopes)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::TokenAuthority;
    use crate::world::World;
    use axum::http::{HeaderMap, header};

    #[tokio::test]
    async fn tokens_are_accepted_by_every_sandbox_of_the_world() {
        let identity = World::default_world().expect("world").identity;
        let credential = SandboxCredential::new(identity.clone());
        let token = credential
            .get_token(&["https://management.azure.com/.default"], None)
            .await
            .expect("token");
        assert!(token.expires_on > OffsetDateTime::now_utc());
        let authority = TokenAuthority::new(identity, "any-header".into());
        let mut headers = HeaderMap::new();
        let bearer = format!("Bearer {}", token.token.secret());
        headers.insert(header::AUTHORIZATION, bearer.parse().expect("header"));
        let claims = authority.authenticate(&headers).expect("accepted");
        assert_eq!(claims.aud, "https://management.azure.com/");
    }

    #[tokio::test]
    async fn other_scopes_get_no_token() {
        let credential = SandboxCredential::new(World::default_world().expect("world").identity);
        let error = credential
            .get_token(&["https://vault.azure.net/.default"], None)
            .await
            .expect_err("not ARM");
        assert_eq!(*error.kind(), ErrorKind::Credential);
        assert!(credential.get_token(&[], None).await.is_err());
    }
}
