//! `GET /healthz`: liveness and database reachability, for load balancers and scripts.

use crate::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

/// 200 when the database answers, 503 otherwise. Carries no caller data, so it needs no sign-in.
pub async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    match state.store.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(json!({ "status": "ok", "cloud": state.cloud_name, "database": "ok" })),
        ),
        Err(error) => {
            tracing::error!(%error, "health check: database unavailable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(
                    json!({ "status": "degraded", "cloud": state.cloud_name, "database": "unavailable" }),
                ),
            )
        }
    }
}
