//! The relying party as the [`RefreshGrant`] of ARM calls on users' behalf
//! ([`crate::on_behalf`]): `grant_type=refresh_token` at the provider's token endpoint, with the
//! client's own credential, for the delegated scope. The provider's refusals that only a new
//! sign-in cures (`invalid_grant` — revoked, expired, or a password change —,
//! `interaction_required`, `consent_required`) are told apart from everything that may pass.

use super::RelyingParty;
use crate::on_behalf::{GrantError, GrantedTokens, RefreshGrant};
use openidconnect::{OAuth2TokenResponse, RefreshToken, RequestTokenError, Scope};
use time::OffsetDateTime;

/// OAuth error codes after which only a new sign-in helps.
const NEEDS_SIGN_IN: [&str; 3] = ["invalid_grant", "interaction_required", "consent_required"];

/// What an access token is taken to live when the provider does not say (Entra's shortest).
const DEFAULT_LIFETIME: time::Duration = time::Duration::minutes(60);

#[async_trait::async_trait]
impl RefreshGrant for RelyingParty {
    async fn refresh(&self, refresh_token: &str, scope: &str) -> Result<GrantedTokens, GrantError> {
        let discovered = self
            .provider
            .discovered()
            .await
            .map_err(|error| GrantError::Unavailable(error.to_string()))?;
        let client = self.client(&discovered);
        let token = RefreshToken::new(refresh_token.to_owned());
        let mut exchange = client
            .exchange_refresh_token(&token)
            .map_err(|_| GrantError::Unavailable("the provider has no token endpoint".into()))?
            .add_scope(Scope::new(scope.to_owned()));
        for (name, value) in self
            .client_assertion_params()
            .await
            .map_err(GrantError::Unavailable)?
        {
            exchange = exchange.add_extra_param(name, value);
        }
        let response = exchange
            .request_async(&self.http)
            .await
            .map_err(|error| match error {
                RequestTokenError::ServerResponse(answer) => {
                    let code = answer.error().to_string();
                    let description = answer.error_description().cloned().unwrap_or_default();
                    if NEEDS_SIGN_IN.contains(&code.as_str()) {
                        GrantError::Refused { code, description }
                    } else {
                        GrantError::Unavailable(format!("{code}: {}", first_line(&description)))
                    }
                }
                RequestTokenError::Request(error) => GrantError::Unavailable(error.to_string()),
                // The body may hold tokens: only where parsing failed is told.
                RequestTokenError::Parse(error, _) => GrantError::Unavailable(format!(
                    "unparsable token response at {}",
                    error.path()
                )),
                RequestTokenError::Other(problem) => GrantError::Unavailable(problem),
            })?;
        let lifetime = response
            .expires_in()
            .and_then(|lifetime| time::Duration::try_from(lifetime).ok())
            .unwrap_or(DEFAULT_LIFETIME);
        Ok(GrantedTokens {
            access_token: response.access_token().secret().clone(),
            expires_on: OffsetDateTime::now_utc() + lifetime,
            refresh_token: response.refresh_token().map(|t| t.secret().clone()),
        })
    }
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or_default()
}
