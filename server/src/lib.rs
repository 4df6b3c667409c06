//! The dashboard's server: HTTP routes, Leptos SSR and server functions, the ARM client, the
//! durable store, and the sandbox cloud.
//!
//! [`router`] builds the whole HTTP surface from an [`AppState`] so tests can drive it without
//! a socket; `main.rs` only wires configuration, the credential and the listener.

pub mod arm;
pub mod azure_credential;
pub mod config;
pub mod dashboard_backend;
pub mod health;
pub mod sandbox;
pub mod store;

use app::backend::SharedBackend;
use app::{App, shell};
use axum::Router;
use axum::extract::FromRef;
use axum::routing::get;
use leptos::prelude::{LeptosOptions, provide_context};
use leptos_axum::{LeptosRoutes, generate_route_list};
use store::Store;

/// Everything a request handler may need.
#[derive(Clone)]
pub struct AppState {
    /// Leptos site options (site root, output name).
    pub leptos_options: LeptosOptions,
    /// The services behind the UI's server functions.
    pub backend: SharedBackend,
    /// The database.
    pub store: Store,
    /// `sandbox` or `azure`, for `/healthz`.
    pub cloud_name: &'static str,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The HTTP surface: `/healthz`, server functions, SSR pages and static files.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let backend = state.backend.clone();
    let options = state.leptos_options.clone();
    Router::new()
        .route("/healthz", get(health::healthz))
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_context(backend.clone()),
            move || shell(options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .with_state(state)
}
