//! [`RelyingParty`]: starting a sign-in (the provider's authorize URL and the
//! [`PendingLogin`] to keep) and finishing it (the code exchanged with the PKCE verifier and the
//! client's credential, the ID token validated, the tenant allowed), and the provider's
//! sign-out URL.

use super::http_client::{HttpError, OidcHttp};
use super::id_token::{EntraIdToken, Expected, IdTokenRejection, verify};
use super::pending::PendingLogin;
use super::provider::{Discovered, Provider, SecretPlacement};
use super::refusal::SignInRefusal;
use super::settings::{ClientCredential, OidcSettings};
use crate::secret::Secret;
use crate::token_vault::TokenSet;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient};
use openidconnect::{
    AuthType, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet,
    EndpointNotSet, EndpointSet, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, RequestTokenError, Scope, TokenResponse,
};
use shared::caller::Caller;
use time::OffsetDateTime;
use url::Url;

/// `client_assertion_type` of a federated credential (RFC 7523).
const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The longest `login_hint` passed on to the provider.
const MAX_LOGIN_HINT: usize = 256;

/// A client made from discovery: authorize URL set, token and user-info URLs as discovered.
pub(super) type DiscoveredClient = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// A finished sign-in.
pub struct SignedInUser {
    /// Who.
    pub caller: Caller,
    /// The ID token, for `id_token_hint` at sign-out.
    pub id_token: Secret,
    /// The tokens for the vault.
    pub tokens: TokenSet,
}

/// The relying party of one provider.
pub struct RelyingParty {
    settings: OidcSettings,
    pub(super) provider: Provider,
    pub(super) http: OidcHttp,
}

impl RelyingParty {
    /// A relying party for `settings`; the provider is read on the first sign-in.
    pub fn new(settings: OidcSettings) -> Result<Self, HttpError> {
        let http = OidcHttp::new(&settings.issuer_url)?;
        Ok(Self {
            provider: Provider::new(&settings, http.clone()),
            settings,
            http,
        })
    }

    /// The settings.
    pub fn settings(&self) -> &OidcSettings {
        &self.settings
    }

    /// The provider's authorize URL for a new sign-in, and what to keep until the callback.
    /// `login_hint` (a user name) is passed on when it is short printable text.
    pub async fn begin(
        &self,
        return_to: String,
        login_hint: Option<&str>,
    ) -> Result<(Url, PendingLogin), SignInRefusal> {
        let discovered = self.provider.discovered().await?;
        let client = self.client(&discovered);
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .set_pkce_challenge(challenge);
        for scope in self.settings.scopes.iter().filter(|s| *s != "openid") {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        if let Some(hint) = login_hint.filter(|hint| {
            !hint.is_empty() && hint.len() <= MAX_LOGIN_HINT && !hint.chars().any(char::is_control)
        }) {
            request = request.add_extra_param("login_hint", hint.to_owned());
        }
        let (url, state, nonce) = request.url();
        let pending = PendingLogin {
            state: Secret::new(state.secret().clone()),
            nonce: Secret::new(nonce.secret().clone()),
            pkce_verifier: Secret::new(verifier.secret().clone()),
            return_to,
            started_at: OffsetDateTime::now_utc().unix_timestamp(),
        };
        Ok((url, pending))
    }

    /// Exchanges `code` for tokens and validates the ID token against `pending`.
    pub async fn finish(
        &self,
        pending: &PendingLogin,
        code: &str,
    ) -> Result<SignedInUser, SignInRefusal> {
        let discovered = self.provider.discovered().await?;
        let client = self.client(&discovered);
        let mut exchange = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|_| SignInRefusal::CodeRefused("the provider has no token endpoint".into()))?
            .set_pkce_verifier(PkceCodeVerifier::new(
                pending.pkce_verifier.expose().to_owned(),
            ));
        for (name, value) in self
            .client_assertion_params()
            .await
            .map_err(SignInRefusal::Credential)?
        {
            exchange = exchange.add_extra_param(name, value);
        }
        let response = exchange
            .request_async(&self.http)
            .await
            .map_err(|error| match error {
                RequestTokenError::ServerResponse(answer) => SignInRefusal::CodeRefused(format!(
                    "{} {}",
                    answer.error(),
                    answer.error_description().map(String::as_str).unwrap_or("")
                )),
                RequestTokenError::Request(error) => SignInRefusal::Unavailable(error),
                // The body may hold tokens: only where parsing failed is told.
                RequestTokenError::Parse(error, _) => SignInRefusal::CodeRefused(format!(
                    "unparsable token response at {}",
                    error.path()
                )),
                RequestTokenError::Other(problem) => SignInRefusal::CodeRefused(problem),
            })?;
        let raw_id_token = response
            .id_token()
            .ok_or(SignInRefusal::NoIdToken)?
            .to_string();
        let id_token: EntraIdToken = raw_id_token.parse().map_err(|_| SignInRefusal::NoIdToken)?;
        let caller = self.verify(&discovered, &id_token, pending).await?;
        if !self.settings.allows_tenant(&caller.tenant_id) {
            return Err(SignInRefusal::TenantNotAllowed {
                tenant_id: caller.tenant_id,
            });
        }
        let tokens = TokenSet {
            access_token: Secret::new(response.access_token().secret().clone()),
            access_token_expires_at: response
                .expires_in()
                .and_then(|lifetime| time::Duration::try_from(lifetime).ok())
                .map(|lifetime| OffsetDateTime::now_utc() + lifetime),
            refresh_token: response
                .refresh_token()
                .map(|token| Secret::new(token.secret().clone())),
        };
        Ok(SignedInUser {
            caller,
            id_token: Secret::new(raw_id_token),
            tokens,
        })
    }

    /// Validates `id_token`, reading the provider's keys again (rate-limited) when it names a
    /// key the cached set does not have.
    async fn verify(
        &self,
        discovered: &Discovered,
        id_token: &EntraIdToken,
        pending: &PendingLogin,
    ) -> Result<Caller, SignInRefusal> {
        let expected = Expected {
            settings: &self.settings,
            issuer: &discovered.issuer,
            nonce: pending.nonce.expose(),
        };
        let keys = self.provider.keys().await?;
        match verify(id_token, &keys, &expected) {
            Err(IdTokenRejection::UnknownKey) => match self.provider.reread_keys().await? {
                Some(keys) => Ok(verify(id_token, &keys, &expected)?),
                None => Err(IdTokenRejection::UnknownKey.into()),
            },
            verified => Ok(verified?),
        }
    }

    /// RFC 9207: when the authorization response names its issuer (`iss`), it must be this
    /// provider's, so a response meant for another provider (a mix-up) is refused. A templated
    /// multi-tenant issuer cannot be compared before the ID token names the tenant; the ID token's
    /// own issuer check covers it.
    pub async fn check_response_issuer(&self, iss: Option<&str>) -> Result<(), SignInRefusal> {
        let Some(iss) = iss else {
            return Ok(());
        };
        let discovered = self.provider.discovered().await?;
        if discovered.issuer.contains("{tenantid}") || discovered.issuer == iss {
            Ok(())
        } else {
            Err(SignInRefusal::WrongResponseIssuer {
                found: iss.chars().take(200).collect(),
            })
        }
    }

    /// Where to send the browser to end its session at the provider too (RP-initiated logout),
    /// when the provider has an end-session endpoint; `None` sends it to `/sign-in`.
    pub async fn end_session_url(&self, id_token_hint: Option<&Secret>) -> Option<Url> {
        let discovered = match self.provider.known().await {
            Some(known) => known,
            None => self.provider.discovered().await.ok()?,
        };
        let mut url = discovered.end_session_endpoint.clone()?;
        {
            let mut query = url.query_pairs_mut();
            query.append_pair(
                "post_logout_redirect_uri",
                self.settings.post_logout_redirect_uri().as_str(),
            );
            query.append_pair("client_id", &self.settings.client_id);
            if let Some(hint) = id_token_hint {
                query.append_pair("id_token_hint", hint.expose());
            }
        }
        Some(url)
    }

    /// Whether the provider's discovery document can be had (from the cache, or read now).
    pub async fn check_provider(&self) -> Result<(), HttpError> {
        self.provider.discovered().await.map(drop)
    }

    /// The issuer recorded in sessions this relying party makes.
    pub fn issuer_label(&self) -> String {
        self.settings.issuer_url.to_string()
    }

    /// The token request's client-assertion parameters (RFC 7523) when the client authenticates
    /// with a federated credential, its assertion read afresh from the file (the platform renews
    /// it); none with a secret. The error names the file.
    pub(super) async fn client_assertion_params(
        &self,
    ) -> Result<Vec<(&'static str, String)>, String> {
        match &self.settings.credential {
            ClientCredential::FederatedTokenFile(path) => tokio::fs::read_to_string(path)
                .await
                .map(|assertion| {
                    vec![
                        ("client_assertion_type", JWT_BEARER.to_owned()),
                        ("client_assertion", assertion.trim().to_owned()),
                    ]
                })
                .map_err(|error| format!("{}: {error}", path.display())),
            ClientCredential::Secret(_) => Ok(Vec::new()),
        }
    }

    pub(super) fn client(&self, discovered: &Discovered) -> DiscoveredClient {
        let secret = match &self.settings.credential {
            ClientCredential::Secret(secret) => Some(ClientSecret::new(secret.expose().to_owned())),
            ClientCredential::FederatedTokenFile(_) => None,
        };
        let auth_type = match (&self.settings.credential, discovered.secret_placement) {
            (ClientCredential::Secret(_), SecretPlacement::Basic) => AuthType::BasicAuth,
            _ => AuthType::RequestBody,
        };
        CoreClient::from_provider_metadata(
            discovered.metadata.clone(),
            ClientId::new(self.settings.client_id.clone()),
            secret,
        )
        .set_redirect_uri(RedirectUrl::from_url(self.settings.redirect_uri()))
        .set_auth_type(auth_type)
    }
}
