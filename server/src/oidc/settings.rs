//! [`OidcSettings`]: which OpenID provider the dashboard signs users in with, and as which
//! client. Built from `ENTRA_*` variables in azure mode ([`crate::config`]) with
//! [`OidcSettings::entra`]; sandbox mode builds the same struct for the sandbox's Entra-shaped
//! provider; the tests build it with [`OidcSettings::new`] for any provider.

use crate::secret::Secret;
use std::path::PathBuf;
use std::time::Duration;
use thiserror::Error;
use url::{Host, Url};

/// The scopes asked for by default: sign-in, the profile (name), a refresh token, and Azure
/// Resource Manager on the user's behalf.
pub const DEFAULT_SCOPES: &str =
    "openid profile offline_access https://management.azure.com/user_impersonation";

/// Entra's tenant names that stand for "any work or school tenant": their discovery document's
/// issuer is a template, `https://login.microsoftonline.com/{tenantid}/v2.0`.
pub const MULTI_TENANT_NAMES: [&str; 2] = ["organizations", "common"];

/// How the dashboard proves it is the registered client at the token endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientCredential {
    /// A client secret (`ENTRA_CLIENT_SECRET`), sent as discovery allows: HTTP Basic
    /// (`client_secret_basic`, the default) or in the body (`client_secret_post`).
    Secret(Secret),
    /// A federated client assertion: the file AKS workload identity mounts
    /// (`AZURE_FEDERATED_TOKEN_FILE`), read again for every token request since the kubelet
    /// rotates it, and sent as `client_assertion` with type `jwt-bearer`.
    FederatedTokenFile(PathBuf),
}

/// The relying party's settings.
#[derive(Clone, Debug)]
pub struct OidcSettings {
    /// The provider's issuer as configured, which is where discovery is read:
    /// `{issuer_url}/.well-known/openid-configuration`. For Entra,
    /// `{authority}/{tenant}/v2.0`.
    pub issuer_url: Url,
    /// The application (client) id; ID tokens must be for it (`aud`).
    pub client_id: String,
    /// How the client authenticates.
    pub credential: ClientCredential,
    /// The dashboard's public origin (`DASHBOARD_PUBLIC_URL`): the redirect URI is
    /// `{public_url}/auth/callback`, the post-logout URI `{public_url}/sign-in`.
    pub public_url: Url,
    /// Tenants (`tid`) whose users may sign in, compared without regard to case.
    pub allowed_tenants: Vec<String>,
    /// Scopes asked for; `openid` is always sent.
    pub scopes: Vec<String>,
    /// How long after its `exp` an ID token is still accepted (clock skew): 60 s by default.
    pub id_token_leeway: Duration,
    /// The least time between two reads of the provider's keys caused by an unknown `kid`.
    pub jwks_refetch_interval: Duration,
}

/// Settings that cannot work.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum OidcSettingsError {
    /// A URL is not absolute, or is plain HTTP off loopback.
    #[error("{name} must be an https URL (http only on loopback), got {value:?}")]
    Url {
        /// Which setting.
        name: &'static str,
        /// Its value.
        value: String,
    },
    /// No tenant may sign in.
    #[error("ENTRA_ALLOWED_TENANTS must name at least one tenant id")]
    NoTenants,
}

impl OidcSettings {
    /// Settings for any OpenID provider whose issuer is `issuer_url`, with the default leeway
    /// (60 s) and key re-read interval (30 s).
    pub fn new(
        issuer_url: Url,
        client_id: impl Into<String>,
        credential: ClientCredential,
        public_url: Url,
        allowed_tenants: Vec<String>,
        scopes: Vec<String>,
    ) -> Result<Self, OidcSettingsError> {
        check_url("the issuer URL", &issuer_url)?;
        check_url("DASHBOARD_PUBLIC_URL", &public_url)?;
        if allowed_tenants.iter().all(|t| t.trim().is_empty()) {
            return Err(OidcSettingsError::NoTenants);
        }
        Ok(Self {
            issuer_url,
            client_id: client_id.into(),
            credential,
            public_url,
            allowed_tenants,
            scopes,
            id_token_leeway: Duration::from_secs(60),
            jwks_refetch_interval: Duration::from_secs(30),
        })
    }

    /// Settings for Microsoft Entra ID (or a provider with its URL layout, such as the
    /// sandbox's): issuer `{authority}/{tenant}/v2.0`. `allowed_tenants` defaults to `tenant`
    /// for a single tenant; a multi-tenant `tenant` ([`MULTI_TENANT_NAMES`]) needs the list.
    pub fn entra(
        authority: &Url,
        tenant: &str,
        client_id: impl Into<String>,
        credential: ClientCredential,
        public_url: Url,
        allowed_tenants: Option<Vec<String>>,
        scopes: Vec<String>,
    ) -> Result<Self, OidcSettingsError> {
        let issuer = format!("{}/{tenant}/v2.0", authority.as_str().trim_end_matches('/'));
        let issuer_url = Url::parse(&issuer).map_err(|_| OidcSettingsError::Url {
            name: "ENTRA_AUTHORITY",
            value: authority.to_string(),
        })?;
        let allowed = match allowed_tenants {
            Some(list) => list,
            None if is_multi_tenant(tenant) => return Err(OidcSettingsError::NoTenants),
            None => vec![tenant.to_owned()],
        };
        Self::new(
            issuer_url, client_id, credential, public_url, allowed, scopes,
        )
    }

    /// `{public_url}/auth/callback`.
    pub fn redirect_uri(&self) -> Url {
        self.public_path("auth/callback")
    }

    /// `{public_url}/sign-in`, where the provider sends the browser after signing out.
    pub fn post_logout_redirect_uri(&self) -> Url {
        self.public_path("sign-in")
    }

    /// `{issuer_url}/.well-known/openid-configuration`.
    pub fn discovery_url(&self) -> Url {
        let mut url = self.issuer_url.clone();
        let path = format!(
            "{}/.well-known/openid-configuration",
            url.path().trim_end_matches('/')
        );
        url.set_path(&path);
        url
    }

    /// True when users of `tenant_id` may sign in.
    pub fn allows_tenant(&self, tenant_id: &str) -> bool {
        self.allowed_tenants
            .iter()
            .any(|allowed| allowed.trim().eq_ignore_ascii_case(tenant_id))
    }

    fn public_path(&self, path: &str) -> Url {
        let mut url = self.public_url.clone();
        url.set_path(&format!(
            "{}/{path}",
            self.public_url.path().trim_end_matches('/')
        ));
        url.set_query(None);
        url.set_fragment(None);
        url
    }
}

/// True for Entra's multi-tenant names ([`MULTI_TENANT_NAMES`]).
pub fn is_multi_tenant(tenant: &str) -> bool {
    MULTI_TENANT_NAMES
        .iter()
        .any(|name| name.eq_ignore_ascii_case(tenant.trim()))
}

/// The scopes of a space- or comma-separated list.
pub fn parse_scopes(text: &str) -> Vec<String> {
    text.split([' ', ','])
        .map(str::trim)
        .filter(|scope| !scope.is_empty())
        .map(str::to_owned)
        .collect()
}

/// True for a URL whose host is a loopback address or `localhost`.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Tokens and codes travel over these URLs: https, or http only on this machine.
fn check_url(name: &'static str, url: &Url) -> Result<(), OidcSettingsError> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        _ => Err(OidcSettingsError::Url {
            name,
            value: url.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).expect("url")
    }

    fn entra(
        tenant: &str,
        allowed: Option<Vec<String>>,
    ) -> Result<OidcSettings, OidcSettingsError> {
        OidcSettings::entra(
            &url("https://login.microsoftonline.com/"),
            tenant,
            "client",
            ClientCredential::Secret(Secret::new("s")),
            url("https://dash.example/"),
            allowed,
            parse_scopes(DEFAULT_SCOPES),
        )
    }

    #[test]
    fn entra_settings_name_the_tenant_and_default_its_allow_list() {
        let settings = entra("72f988bf-0000-4000-8000-00000000a0a0", None).expect("settings");
        assert_eq!(
            settings.discovery_url().as_str(),
            "https://login.microsoftonline.com/72f988bf-0000-4000-8000-00000000a0a0/v2.0/.well-known/openid-configuration"
        );
        assert!(settings.allows_tenant("72F988BF-0000-4000-8000-00000000A0A0"));
        assert!(!settings.allows_tenant("other"));
        assert_eq!(
            settings.redirect_uri().as_str(),
            "https://dash.example/auth/callback"
        );
        assert_eq!(
            settings.post_logout_redirect_uri().as_str(),
            "https://dash.example/sign-in"
        );
        assert_eq!(settings.scopes.len(), 4);
        assert_eq!(
            entra("organizations", None).unwrap_err(),
            OidcSettingsError::NoTenants
        );
        assert!(entra("common", Some(vec!["t1".into()])).is_ok());
    }

    #[test]
    fn tokens_never_travel_over_plain_http_off_this_machine() {
        let open = OidcSettings::new(
            url("http://login.example/t/v2.0"),
            "c",
            ClientCredential::Secret(Secret::new("s")),
            url("https://dash.example"),
            vec!["t".into()],
            Vec::new(),
        );
        assert!(matches!(open, Err(OidcSettingsError::Url { .. })));
        let local = OidcSettings::new(
            url("http://127.0.0.1:4100/t/v2.0"),
            "c",
            ClientCredential::Secret(Secret::new("s")),
            url("http://localhost:3000/base/"),
            vec!["t".into()],
            Vec::new(),
        )
        .expect("loopback");
        assert_eq!(
            local.redirect_uri().as_str(),
            "http://localhost:3000/base/auth/callback"
        );
    }
}
