//! The dashboard as an OpenID Connect relying party (Microsoft Entra ID, the sandbox's
//! Entra-shaped provider, or any provider with Entra's conventions: `tid`, `oid`, `roles`).
//!
//! Authorization code flow with PKCE (S256), `state` and `nonce`, as a confidential client (a
//! client secret or a federated client assertion), built on the `openidconnect` crate:
//! [`relying_party`] starts and finishes a sign-in, [`provider`] discovers the provider and
//! caches its keys, [`id_token`] validates the ID token, [`pending`] keeps the sign-in under
//! way in the pre-login session, [`routes`] are `/auth/sign-in`, `/auth/callback` and
//! `/auth/sign-out`, and [`refusal`] says why a sign-in did not happen.

pub mod http_client;
pub mod id_token;
pub mod pending;
pub mod provider;
mod refresh;
pub mod refusal;
pub mod relying_party;
pub mod routes;
pub mod settings;

pub use relying_party::{RelyingParty, SignedInUser};
pub use settings::{ClientCredential, DEFAULT_SCOPES, OidcSettings};
