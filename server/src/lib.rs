//! The dashboard's server: HTTP routes, Leptos SSR and server functions, the ARM client and the
//! durable store. The sandbox cloud it runs against in sandbox mode is the `arm-sandbox` crate.
//!
//! [`startup::assemble`] builds the [`AppServices`] and [`router`] the whole HTTP surface from them,
//! so tests drive production's wiring; `main.rs` only reads configuration, picks the ARM
//! endpoint and credential, and listens.

pub mod arm;
pub mod arm_lists;
pub mod azure_access;
pub mod azure_credential;
pub mod capacity_suggestions;
pub mod catalogue;
pub mod classify_cli;
pub mod config;
pub mod dashboard_backend;
pub mod delivery;
pub mod dev_sign_in;
pub mod error;
pub mod hardening;
pub mod health;
pub mod metrics;
pub mod oidc;
pub mod on_behalf;
pub mod preflight;
pub mod provisioning;
pub mod replica_signals;
pub mod rest;
pub mod sandbox_sign_in;
pub mod secret;
pub mod session;
pub mod shutdown;
pub mod startup;
pub mod store;
pub mod token_vault;
pub mod ttl_cache;

use app::backend::SharedBackend;
use app::{App, shell};
use axum::Router;
use axum::extract::FromRef;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::{get, post};
use hardening::rate_limit::RateLimits;
use hardening::security_headers::HeaderSettings;
use leptos::prelude::{LeptosOptions, provide_context};
use leptos_axum::{LeptosRoutes, generate_route_list};
use oidc::RelyingParty;
use session::SessionSettings;
use std::sync::Arc;
use store::Store;
use token_vault::TokenVault;

/// Everything a request handler may need, shared: axum clones the state for every request and
/// every middleware with state, and a clone is one reference count (a clone of every service's
/// handles, options and strings cost a task read a tenth of its time).
#[derive(Clone)]
pub struct AppState(Arc<AppServices>);

impl std::ops::Deref for AppState {
    type Target = AppServices;

    fn deref(&self) -> &AppServices {
        &self.0
    }
}

/// The services of [`AppState`].
pub struct AppServices {
    /// Leptos site options (site root, output name).
    pub leptos_options: LeptosOptions,
    /// The services behind the UI's server functions.
    pub backend: SharedBackend,
    /// The database.
    pub store: Store,
    /// The jobs and the leases this replica holds (handed back at a drain).
    pub provisioning: provisioning::Provisioning,
    /// What `/readyz` checks besides the database, and the drain flag.
    pub readiness: health::Readiness,
    /// Who may read `/metrics`.
    pub metrics_access: metrics::MetricsAccess,
    /// `sandbox` or `azure`, for `/healthz`.
    pub cloud_name: &'static str,
    /// Session cookie attributes and the mode sessions are bound to.
    pub session: SessionSettings,
    /// The server-side session records (in the dashboard's database).
    pub session_store: session::layer::DashboardSessions,
    /// Sign-in with an OpenID provider (Entra ID in azure mode); `None` where it is not set up.
    pub oidc: Option<Arc<RelyingParty>>,
    /// The signed-in people's provider tokens, encrypted.
    pub vault: TokenVault,
    /// ARM access tokens from those, when ARM calls go on users' behalf: told of every
    /// sign-in, so jobs waiting for their owner's continue.
    pub user_tokens: Option<Arc<on_behalf::UserTokens>>,
    /// Whether `POST /auth/dev/sign-in` exists (sandbox mode only).
    pub demo_sign_in: bool,
    /// Per-caller rate limits on writes and pre-flights.
    pub rate_limits: RateLimits,
    /// Which security headers answers carry (HSTS in azure mode).
    pub headers: HeaderSettings,
}

impl FromRef<AppState> for SessionSettings {
    fn from_ref(state: &AppState) -> Self {
        state.session.clone()
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The HTTP surface: `/healthz`, sign-in, server functions, SSR pages and static files, all
/// behind the body limit, the session layer (server-side sessions) and the session guard, with
/// the rate limits inside the guard (they count per caller), the security headers on every
/// answer, refusals included, and every answer compressed ([`delivery`]).
pub fn router(services: AppServices) -> Router {
    let state = AppState(Arc::new(services));
    let routes = generate_route_list(App);
    let backend = state.backend.clone();
    let options = state.leptos_options.clone();
    let pkg_dir = format!("{}/{}", options.site_root, options.site_pkg_dir);
    let assets = delivery::page_assets(&options);
    let error_page_assets = assets.clone();
    let mut router = rest::routes()
        .nest(
            &format!("/{}", options.site_pkg_dir),
            delivery::static_bundle(&pkg_dir, options.hash_files),
        )
        .route("/robots.txt", get(delivery::robots_txt))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::serve_metrics))
        .route("/auth/sign-in", get(oidc::routes::sign_in))
        .route("/auth/callback", get(oidc::routes::callback))
        .route("/auth/sign-out", post(oidc::routes::sign_out));
    if state.demo_sign_in {
        router = router.route("/auth/dev/sign-in", post(dev_sign_in::sign_in));
    }
    router
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(backend.clone()),
            move || shell(options.clone(), assets.clone()),
        )
        .route_layer(from_fn(metrics::observe_request))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(
            move |options| shell(options, error_page_assets.clone()),
        ))
        .layer(from_fn_with_state(
            state.rate_limits.clone(),
            hardening::rate_limit::limit_rate,
        ))
        .layer(from_fn_with_state(state.session.clone(), session::guard))
        .layer(session::layer::layer(
            state.session_store.clone(),
            &state.session,
        ))
        .layer(from_fn(hardening::body_limit::limit_body))
        .layer(from_fn_with_state(
            state.headers.clone(),
            hardening::security_headers::add_security_headers,
        ))
        .layer(delivery::compression())
        .with_state(state)
}
