//! The provider as discovered: its metadata (read once, on the first sign-in, so the dashboard
//! starts while the provider is away) and its signing keys (JWKS), cached and read again when an
//! ID token names a key the cache does not have (the provider rotated its keys), at most once per
//! [`OidcSettings::jwks_refetch_interval`].

use super::http_client::{HttpError, OidcHttp};
use super::settings::OidcSettings;
use openidconnect::core::{CoreJsonWebKeySet, CoreProviderMetadata};
use serde::Deserialize;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{Mutex, RwLock};
use url::Url;

/// How the client authenticates with a secret: as discovery says the provider accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SecretPlacement {
    /// `client_secret_basic` (the default of the specification and of Entra).
    Basic,
    /// `client_secret_post`.
    Body,
}

/// What discovery told.
#[derive(Debug)]
pub struct Discovered {
    /// The metadata, as `openidconnect` reads it.
    pub metadata: CoreProviderMetadata,
    /// The `issuer` exactly as published; Entra's multi-tenant documents publish a template with
    /// `{tenantid}`.
    pub issuer: String,
    /// RP-initiated logout, when the provider has it.
    pub end_session_endpoint: Option<Url>,
    /// Where the client secret goes.
    pub secret_placement: SecretPlacement,
}

/// The parts of discovery `openidconnect`'s core metadata does not keep.
#[derive(Deserialize)]
struct Extras {
    issuer: String,
    end_session_endpoint: Option<Url>,
    token_endpoint_auth_methods_supported: Option<Vec<String>>,
}

/// Cached keys and when they were read.
struct Keys {
    set: CoreJsonWebKeySet,
    read_at: Instant,
}

/// The provider's discovery and keys, cached.
pub struct Provider {
    discovery_url: Url,
    refetch_interval: Duration,
    http: OidcHttp,
    discovered: RwLock<Option<Arc<Discovered>>>,
    keys: Mutex<Option<Keys>>,
}

impl Provider {
    /// A provider not read yet.
    pub fn new(settings: &OidcSettings, http: OidcHttp) -> Self {
        Self {
            discovery_url: settings.discovery_url(),
            refetch_interval: settings.jwks_refetch_interval,
            http,
            discovered: RwLock::new(None),
            keys: Mutex::new(None),
        }
    }

    /// The discovered metadata, read now if not yet.
    pub async fn discovered(&self) -> Result<Arc<Discovered>, HttpError> {
        if let Some(known) = self.discovered.read().await.as_ref() {
            return Ok(known.clone());
        }
        let mut slot = self.discovered.write().await;
        if let Some(known) = slot.as_ref() {
            return Ok(known.clone());
        }
        let document: serde_json::Value = self
            .http
            .get_json(&self.discovery_url, "discovery document")
            .await?;
        let unusable = |problem: String| HttpError::Unusable {
            what: "discovery document",
            problem,
        };
        let extras: Extras =
            serde_json::from_value(document.clone()).map_err(|e| unusable(e.to_string()))?;
        let metadata: CoreProviderMetadata =
            serde_json::from_value(document).map_err(|e| unusable(e.to_string()))?;
        if metadata.token_endpoint().is_none() {
            return Err(unusable("it has no token_endpoint".into()));
        }
        let methods = extras
            .token_endpoint_auth_methods_supported
            .unwrap_or_default();
        let secret_placement = if methods.is_empty()
            || methods.iter().any(|m| m == "client_secret_basic")
            || !methods.iter().any(|m| m == "client_secret_post")
        {
            SecretPlacement::Basic
        } else {
            SecretPlacement::Body
        };
        let discovered = Arc::new(Discovered {
            metadata,
            issuer: extras.issuer,
            end_session_endpoint: extras.end_session_endpoint,
            secret_placement,
        });
        tracing::info!(issuer = %discovered.issuer, "discovered the OpenID provider");
        *slot = Some(discovered.clone());
        Ok(discovered)
    }

    /// The discovered metadata if it has been read (no network).
    pub async fn known(&self) -> Option<Arc<Discovered>> {
        self.discovered.read().await.clone()
    }

    /// The provider's keys, read now if not yet.
    pub async fn keys(&self) -> Result<CoreJsonWebKeySet, HttpError> {
        let mut keys = self.keys.lock().await;
        if let Some(known) = keys.as_ref() {
            return Ok(known.set.clone());
        }
        let set = self.read_keys().await?;
        *keys = Some(Keys {
            set: set.clone(),
            read_at: Instant::now(),
        });
        Ok(set)
    }

    /// The keys read again because an ID token named an unknown one; `None` when they were read
    /// less than the re-read interval ago (a flood of unknown `kid`s causes one read).
    pub async fn reread_keys(&self) -> Result<Option<CoreJsonWebKeySet>, HttpError> {
        let mut keys = self.keys.lock().await;
        if keys
            .as_ref()
            .is_some_and(|known| known.read_at.elapsed() < self.refetch_interval)
        {
            return Ok(None);
        }
        let set = self.read_keys().await?;
        tracing::info!("read the identity provider's keys again for an unknown key id");
        *keys = Some(Keys {
            set: set.clone(),
            read_at: Instant::now(),
        });
        Ok(Some(set))
    }

    async fn read_keys(&self) -> Result<CoreJsonWebKeySet, HttpError> {
        let discovered = self.discovered().await?;
        let url = discovered.metadata.jwks_uri().url().clone();
        self.http.get_json(&url, "key set").await
    }
}
