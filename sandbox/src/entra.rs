//! The sandbox's Entra ID: an OpenID provider shaped like Microsoft Entra ID's v2.0 endpoints, so
//! the dashboard signs users in through one OpenID Connect code path in both clouds, and ARM
//! sees the same kind of user tokens it sees on Azure (docs/ARM_FACTS.md §10).
//!
//! URLs, under the sandbox's base URL (`{base}`) and the world's tenant:
//! - discovery `{base}/{tenant}/v2.0/.well-known/openid-configuration` (issuer `{base}/{tenant}/v2.0`),
//! - authorize `{base}/{tenant}/oauth2/v2.0/authorize` (a page listing the world's users),
//! - token `{base}/{tenant}/oauth2/v2.0/token` (authorization code with PKCE, refresh token),
//! - keys `{base}/{tenant}/discovery/v2.0/keys`, end session `{base}/{tenant}/oauth2/v2.0/logout`,
//! - and the test-only controls `POST /sandbox/entra/rotate-signing-key` and
//!   `POST /sandbox/entra/users/{user}/revoke-sign-in-sessions`.
//!
//! [`EntraProvider`] holds what changes: the signing-key generation and each user's
//! "tokens valid from" time (kept in the state file of a sandbox that keeps its state, as
//! [`EntraSaved`]), and the authorization codes (memory only: they live ten minutes). The
//! submodules hold one concern each: keys, claims, errors, pages, redirect matching, the
//! authorize and token endpoints, and the routing of the provider's URLs.

mod authorize;
mod bearer;
mod claims;
mod client_assertion;
mod client_auth;
mod endpoints;
mod errors;
mod html;
pub mod keys;
mod redirect;
mod token;

pub use bearer::{ARM_AUDIENCES, BearerError};
pub use claims::{ARM_AUDIENCE, AccessTokenClaims, IdTokenClaims};
pub(crate) use endpoints::answer;

use crate::world::{EntraConfig, World};
use keys::{KeyError, SigningKey};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use time::OffsetDateTime;

/// What a sandbox that keeps its state remembers of its Entra ID.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntraSaved {
    /// How many times the signing key was rotated: the current key is this generation's, and
    /// the previous generation's stays published.
    #[serde(default)]
    pub key_generation: u32,
    /// Per lower-cased user object id: refresh tokens of grants begun at or before this time
    /// (epoch milliseconds) are refused (revokeSignInSessions).
    #[serde(default)]
    pub tokens_valid_from: BTreeMap<String, i64>,
}

/// An authorization code waiting to be redeemed.
#[derive(Clone, Debug)]
pub(crate) struct PendingCode {
    pub(crate) client_id: String,
    pub(crate) redirect_uri: String,
    pub(crate) user_key: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) nonce: Option<String>,
    pub(crate) code_challenge: String,
    pub(crate) signed_in_ms: i64,
    pub(crate) expires_ms: i64,
    /// Set once redeemed; the code is kept until it expires so a replay gets AADSTS54005.
    pub(crate) redeemed: bool,
}

struct State {
    saved: EntraSaved,
    codes: HashMap<String, PendingCode>,
}

/// The provider's configuration and mutable state.
pub struct EntraProvider {
    config: EntraConfig,
    tenant_id: String,
    /// The world's signing key, from which RS256 keys and the refresh-token key are derived.
    secret: String,
    state: Mutex<State>,
}

/// Current epoch milliseconds.
pub(crate) fn now_ms() -> i64 {
    i64::try_from(OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

impl EntraProvider {
    /// The provider of `world`, resuming from `saved`.
    pub fn new(world: &World, saved: EntraSaved) -> Self {
        Self {
            config: world.entra.clone(),
            tenant_id: world.identity.tenant_id.clone(),
            secret: world.identity.signing_key.clone(),
            state: Mutex::new(State {
                saved,
                codes: HashMap::new(),
            }),
        }
    }

    /// The directory served.
    pub fn config(&self) -> &EntraConfig {
        &self.config
    }

    /// The tenant id.
    pub fn tenant_id(&self) -> &str {
        &self.tenant_id
    }

    /// The issuer of ID tokens for a provider reached at `base_url`.
    pub fn issuer(&self, base_url: &str) -> String {
        issuer_at(base_url, &self.tenant_id)
    }

    /// True when `tenant` (a path segment) names this directory.
    pub(crate) fn is_tenant(&self, tenant: &str) -> bool {
        tenant.eq_ignore_ascii_case(&self.tenant_id)
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// What a sandbox that keeps its state writes down.
    pub fn saved(&self) -> EntraSaved {
        self.state().saved.clone()
    }

    /// The key new tokens are signed with.
    pub async fn current_key(&self) -> Result<Arc<SigningKey>, KeyError> {
        let generation = self.state().saved.key_generation;
        keys::key(&self.secret, generation).await
    }

    /// The keys the JWKS lists and tokens are verified against: the current one, then the
    /// previous one (tokens signed before a rotation stay valid until they expire).
    pub async fn published_keys(&self) -> Result<Vec<Arc<SigningKey>>, KeyError> {
        let generation = self.state().saved.key_generation;
        let mut published = vec![keys::key(&self.secret, generation).await?];
        if let Some(previous) = generation.checked_sub(1) {
            published.push(keys::key(&self.secret, previous).await?);
        }
        Ok(published)
    }

    /// Makes a new current signing key; answers its generation.
    pub fn rotate_signing_key(&self) -> u32 {
        let mut state = self.state();
        state.saved.key_generation = state.saved.key_generation.saturating_add(1);
        tracing::info!(
            generation = state.saved.key_generation,
            "sandbox entra: signing key rotated"
        );
        state.saved.key_generation
    }

    /// Revokes the sign-in sessions of the user with `object_id`: refresh tokens of grants begun
    /// until now are refused from now on. Answers the new "valid from" time.
    pub fn revoke_sign_in_sessions(&self, object_id: &str) -> i64 {
        let now = now_ms();
        self.state()
            .saved
            .tokens_valid_from
            .insert(object_id.to_ascii_lowercase(), now);
        tracing::info!(%object_id, "sandbox entra: sign-in sessions revoked");
        now
    }

    /// When the user's tokens became valid again after a revocation, if one happened.
    pub(crate) fn tokens_valid_from(&self, object_id: &str) -> Option<i64> {
        self.state()
            .saved
            .tokens_valid_from
            .get(&object_id.to_ascii_lowercase())
            .copied()
    }

    /// Keeps `code` and answers the code string the client receives.
    pub(crate) fn store_code(&self, code: PendingCode) -> String {
        let value = format!(
            "1.{}.{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        let mut state = self.state();
        let now = now_ms();
        state.codes.retain(|_, pending| pending.expires_ms > now);
        state.codes.insert(value.clone(), code);
        value
    }

    /// The code, marked redeemed; `Err(true)` when it was redeemed already, `Err(false)` when
    /// it is unknown or expired.
    pub(crate) fn redeem_code(&self, value: &str) -> Result<PendingCode, bool> {
        let mut state = self.state();
        let now = now_ms();
        match state.codes.get_mut(value) {
            Some(pending) if pending.expires_ms <= now => Err(false),
            Some(pending) if pending.redeemed => Err(true),
            Some(pending) => {
                pending.redeemed = true;
                Ok(pending.clone())
            }
            None => Err(false),
        }
    }
}

/// The issuer of tenant `tenant_id`'s ID tokens for a provider reached at `base_url`.
pub(crate) fn issuer_at(base_url: &str, tenant_id: &str) -> String {
    format!("{}/{}/v2.0", base_url.trim_end_matches('/'), tenant_id)
}
