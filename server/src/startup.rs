//! The dashboard's assembly: [`assemble`] builds the [`AppServices`] from the ARM endpoint and the
//! settings (ARM client, store, provisioning service with its resumed jobs and deletions,
//! backend, sessions and their cleanup, the OpenID relying party, the token vault, demo users). `main.rs`, the integration tests and the benchmarks all
//! call it, so the tests exercise production's wiring.

use crate::AppServices;
use crate::arm::{ApiVersions, ArmClient, ArmClientError};
use crate::azure_access::AzureAccess;
use crate::config::{ArmIdentity, Limits};
use crate::dashboard_backend::DashboardBackend;
use crate::hardening::rate_limit::RateLimits;
use crate::hardening::security_headers::HeaderSettings;
use crate::oidc::http_client::HttpError;
use crate::oidc::{OidcSettings, RelyingParty};
use crate::on_behalf::{ARM_DELEGATED_SCOPE, UserTokens};
use crate::provisioning::{Provisioning, Resumed, WorkerSettings};
use crate::session::SessionSettings;
use crate::store::{LeaseTerms, Store, StoreError};
use crate::token_vault::TokenVault;
use crate::token_vault::key::{VaultKey, VaultKeyError};
use azure_core::credentials::TokenCredential;
use leptos::prelude::LeptosOptions;
use shared::caller::SignInChoice;
use std::sync::Arc;
use thiserror::Error;
use url::Url;

/// Where the dashboard's ARM calls go and the credential they carry.
pub struct ArmEndpoint {
    /// ARM's base URL (the in-process sandbox's in sandbox mode).
    pub base_url: Url,
    /// The token source (the sandbox's own credential in sandbox mode).
    pub credential: Arc<dyn TokenCredential>,
}

/// What the dashboard is assembled from.
pub struct Startup {
    /// Where ARM is.
    pub arm: ArmEndpoint,
    /// api-versions for ARM calls.
    pub api_versions: ApiVersions,
    /// sqlx database URL.
    pub database_url: String,
    /// Leptos site options.
    pub leptos_options: LeptosOptions,
    /// `SESSION_SECRET` (64 random bytes, base64): the source of the token vault's key when
    /// `token_encryption_key` is not set. Sessions themselves are server-side and need no key.
    pub session_secret: Option<String>,
    /// `TOKEN_ENCRYPTION_KEY` (32 random bytes, base64): the token vault's key.
    pub token_encryption_key: Option<String>,
    /// Sign-in with an OpenID provider; azure mode's configuration requires it, and so do ARM
    /// calls on users' behalf.
    pub oidc: Option<OidcSettings>,
    /// Whose identity ARM calls carry (docs/PRODUCT.md "Who Azure sees").
    pub arm_identity: ArmIdentity,
    /// Sandbox mode: demo users and their sign-in route, session cookies without `Secure` (the
    /// dashboard is served over plain HTTP) and bound to sandbox mode, and `/healthz` says
    /// `sandbox` rather than `azure`.
    pub sandbox_mode: bool,
    /// How patient the workers are.
    pub worker: WorkerSettings,
    /// Per-caller limits: running creates and request rates.
    pub limits: Limits,
    /// The region the create form starts on where it is offered (`DEFAULT_REGION`).
    pub default_region: Option<String>,
}

/// Why the dashboard cannot start.
#[derive(Debug, Error)]
pub enum StartupError {
    /// The ARM client cannot be built.
    #[error("cannot build the ARM client")]
    Arm(#[from] ArmClientError),
    /// The database cannot be opened or migrated.
    #[error("cannot open the database")]
    Store(#[from] StoreError),
    /// The token vault's key cannot be used.
    #[error("cannot set up the token vault")]
    VaultKey(#[from] VaultKeyError),
    /// The relying party's HTTP client cannot be built.
    #[error("cannot set up sign-in")]
    Oidc(#[from] HttpError),
    /// ARM calls on users' behalf need their sign-in's tokens, and no sign-in is set up.
    #[error(
        "ARM calls on users' behalf (ARM_IDENTITY=user) need sign-in with Entra ID; configure it, or choose ARM_IDENTITY=service"
    )]
    OnBehalfWithoutSignIn,
    /// The jobs and deletions no live replica holds cannot be read or leased.
    #[error("cannot take over unfinished jobs and deletions")]
    ResumeJobs(#[source] StoreError),
}

/// Builds the dashboard's state, and restarts the workers of the jobs and deletions a previous
/// process left unfinished.
// Errors are logged once, with their causes, by the caller.
#[tracing::instrument(skip_all)]
pub async fn assemble(startup: Startup) -> Result<AppServices, StartupError> {
    let Startup {
        arm,
        api_versions,
        database_url,
        leptos_options,
        session_secret,
        token_encryption_key,
        oidc,
        arm_identity,
        sandbox_mode,
        worker,
        limits,
        default_region,
    } = startup;
    let arm = ArmClient::new(arm.base_url, arm.credential, api_versions)?;
    let store = Store::open(&database_url)
        .await?
        .with_lease_terms(LeaseTerms::for_this_process(worker.lease_ttl));
    let session = SessionSettings::new(sandbox_mode);
    let session_store = crate::session::layer::session_store(&store);
    crate::session::layer::delete_expired_sessions(session_store.clone());
    let vault = TokenVault::new(
        store.clone(),
        VaultKey::from_settings(token_encryption_key.as_deref(), session_secret.as_deref())?,
    );
    // The provider's end-session endpoint is on the issuer's origin (Entra's and the sandbox's).
    let sign_out_origin = oidc
        .as_ref()
        .map(|settings| Arc::from(settings.issuer_url.origin().ascii_serialization()));
    let oidc = match oidc {
        Some(settings) => Some(Arc::new(RelyingParty::new(settings)?)),
        None => None,
    };
    let (access, user_tokens) = match (arm_identity, &oidc) {
        (ArmIdentity::Service(allowed), _) => (AzureAccess::service(arm, allowed), None),
        (ArmIdentity::OnBehalfOfUsers, Some(relying_party)) => {
            let tokens = UserTokens::new(
                relying_party.clone(),
                Arc::new(vault.clone()),
                ARM_DELEGATED_SCOPE,
            );
            (
                AzureAccess::on_behalf_of_users(arm, tokens.clone()),
                Some(tokens),
            )
        }
        (ArmIdentity::OnBehalfOfUsers, None) => return Err(StartupError::OnBehalfWithoutSignIn),
    };
    let provisioning = Provisioning::new(store.clone(), access.clone(), worker);
    let resumed = provisioning
        .resume()
        .await
        .map_err(StartupError::ResumeJobs)?;
    if resumed != Resumed::default() {
        tracing::info!(
            jobs = resumed.jobs,
            deletions = resumed.deletions,
            taken_over = resumed.taken_over,
            "resumed work no live replica held"
        );
    }
    provisioning.keep_watch();
    crate::replica_signals::listen(store.clone(), provisioning.clone(), user_tokens.clone());
    Ok(AppServices {
        provisioning: provisioning.clone(),
        readiness: crate::health::Readiness::new(access.clone()),
        // Set by `main` when METRICS_TOKEN is given.
        metrics_access: if sandbox_mode {
            crate::metrics::MetricsAccess::Public
        } else {
            crate::metrics::MetricsAccess::Off
        },
        leptos_options,
        backend: Arc::new(DashboardBackend::new(
            access,
            provisioning,
            SignInChoice {
                sandbox: sandbox_mode,
            },
            limits.max_running_jobs,
            default_region,
        )),
        store,
        cloud_name: if sandbox_mode { "sandbox" } else { "azure" },
        session,
        session_store,
        oidc,
        vault,
        user_tokens,
        demo_sign_in: sandbox_mode,
        rate_limits: RateLimits::new(&limits),
        headers: HeaderSettings {
            hsts: !sandbox_mode,
            sign_out_origin,
        },
    })
}
