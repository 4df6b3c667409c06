//! Sandbox mode's sign-in settings: the dashboard signs users in through the sandbox cloud's
//! Entra-shaped provider with exactly the code path it uses against Entra ID (docs/PRODUCT.md
//! §1), as the world's registered application, and keeps their tokens in the vault under a key
//! derived from the world's signing key unless a real one is configured. Used by sandbox mode's
//! start-up (`main`) and by the tests that start a dashboard on a sandbox.

use crate::oidc::settings::{OidcSettingsError, parse_scopes};
use crate::oidc::{ClientCredential, DEFAULT_SCOPES, OidcSettings};
use crate::secret::Secret;
use arm_sandbox::EntraSettings;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use thiserror::Error;
use url::Url;

/// Why sandbox sign-in cannot be set up.
#[derive(Debug, Error)]
pub enum SandboxSignInError {
    /// The world registers no application for the dashboard.
    #[error("the sandbox world registers no application ([[entra.applications]]) to sign in with")]
    NoApplication,
    /// The provider's issuer is not a URL.
    #[error("the sandbox's issuer {0:?} is not a URL")]
    Issuer(String),
    /// The settings are refused.
    #[error(transparent)]
    Settings(#[from] OidcSettingsError),
}

/// Relying-party settings for the sandbox's provider `entra`, for a dashboard served at
/// `public_url`: the world's first application, its tenant only, the default scopes.
pub fn oidc_settings(
    entra: &EntraSettings,
    public_url: Url,
) -> Result<OidcSettings, SandboxSignInError> {
    let (Some(client_id), Some(secret)) = (&entra.client_id, &entra.client_secret) else {
        return Err(SandboxSignInError::NoApplication);
    };
    let issuer =
        Url::parse(&entra.issuer).map_err(|_| SandboxSignInError::Issuer(entra.issuer.clone()))?;
    Ok(OidcSettings::new(
        issuer,
        client_id.clone(),
        ClientCredential::Secret(Secret::new(secret.clone())),
        public_url,
        vec![entra.tenant_id.clone()],
        parse_scopes(DEFAULT_SCOPES),
    )?)
}

/// A `TOKEN_ENCRYPTION_KEY` (32 bytes, base64) derived from the world's signing key: the
/// sandbox's tokens protect nothing real, and a key that survives restarts lets running jobs
/// continue after one, as they do with a configured key.
pub fn vault_key(world_signing_key: &str) -> String {
    let digest = Sha256::new()
        .chain_update(b"aks-dashboard sandbox token vault\0")
        .chain_update(world_signing_key.as_bytes())
        .finalize();
    base64::engine::general_purpose::STANDARD.encode(digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entra() -> EntraSettings {
        EntraSettings {
            issuer: "http://127.0.0.1:4100/t1/v2.0".into(),
            tenant_id: "t1".into(),
            client_id: Some("client".into()),
            client_secret: Some("secret".into()),
        }
    }

    #[test]
    fn the_dashboard_signs_in_as_the_world_s_application_of_its_tenant_only() {
        let public = Url::parse("http://127.0.0.1:3000").expect("url");
        let settings = oidc_settings(&entra(), public).expect("settings");
        assert_eq!(settings.client_id, "client");
        assert_eq!(settings.allowed_tenants, vec!["t1".to_owned()]);
        assert_eq!(
            settings.redirect_uri().as_str(),
            "http://127.0.0.1:3000/auth/callback"
        );
        assert!(settings.scopes.iter().any(|s| s == "offline_access"));
        let none = EntraSettings {
            client_id: None,
            ..entra()
        };
        assert!(matches!(
            oidc_settings(&none, Url::parse("http://127.0.0.1:3000").expect("url")),
            Err(SandboxSignInError::NoApplication)
        ));
    }

    #[test]
    fn the_vault_key_is_32_bytes_and_follows_the_world() {
        let key = vault_key("sandbox-cloud-token-signing-key");
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(&key)
            .expect("base64");
        assert_eq!(bytes.len(), 32);
        assert_eq!(key, vault_key("sandbox-cloud-token-signing-key"));
        assert_ne!(key, vault_key("another world"));
    }
}
