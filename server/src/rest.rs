//! The HTTP API for scripts (PRODUCT.md §8; field names follow the earlier product's API).
//! Handlers are thin: they check the caller and the query, call the same [`Backend`] the UI's
//! server functions use, and answer JSON, or `{code, message}` with the matching status.
//!
//! [`Backend`]: app::backend::Backend

use crate::AppState;
use app::error::AppError;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde::Deserialize;
use serde_json::json;
use shared::caller::Caller;
use shared::cluster::ClusterSummary;
use shared::naming::{NameError, validate_region_name, validate_subscription_id};
use shared::region::RegionInfo;
use shared::subscription::SubscriptionInfo;
use shared::vm_size::VmSizeCatalogue;

/// The read routes the create modal and dashboard need, for scripts too.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/subscriptions", get(subscriptions))
        .route("/api/aks/regions", get(regions))
        .route("/api/aks/available-skus", get(available_skus))
        .route("/api/aks/clusters", get(clusters))
}

/// An [`AppError`] answered as `{code, message}` (internal details stay in the log).
struct ApiError(AppError);

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        Self(error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut body = json!({ "code": self.0.code(), "message": self.0.to_string() });
        if let AppError::Validation { field, .. } = &self.0 {
            body["field"] = json!(field);
        }
        (status, Json(body)).into_response()
    }
}

/// `?subscription_id=…&region=…`; which are required depends on the route.
#[derive(Deserialize)]
struct ScopeQuery {
    subscription_id: Option<String>,
    region: Option<String>,
}

fn required(
    value: Option<String>,
    field: &str,
    validate: fn(&str) -> Result<(), NameError>,
) -> Result<String, AppError> {
    let value = value.unwrap_or_default().trim().to_owned();
    validate(&value).map_err(|error| AppError::Validation {
        field: field.into(),
        message: error.to_string(),
    })?;
    Ok(value)
}

/// `GET /api/subscriptions` → `[{subscription_id, display_name}]`.
async fn subscriptions(
    State(state): State<AppState>,
    Extension(_caller): Extension<Caller>,
) -> Result<Json<Vec<SubscriptionInfo>>, ApiError> {
    Ok(Json(state.backend.list_subscriptions().await?))
}

/// `GET /api/aks/regions?subscription_id=…` → `[{name, display_name}]`.
async fn regions(
    State(state): State<AppState>,
    Extension(_caller): Extension<Caller>,
    Query(query): Query<ScopeQuery>,
) -> Result<Json<Vec<RegionInfo>>, ApiError> {
    let subscription_id = required(
        query.subscription_id,
        "subscription_id",
        validate_subscription_id,
    )?;
    Ok(Json(state.backend.list_regions(&subscription_id).await?))
}

/// `GET /api/aks/available-skus?subscription_id=…&region=…` → `{skus, degraded}`.
async fn available_skus(
    State(state): State<AppState>,
    Extension(_caller): Extension<Caller>,
    Query(query): Query<ScopeQuery>,
) -> Result<Json<VmSizeCatalogue>, ApiError> {
    let subscription_id = required(
        query.subscription_id,
        "subscription_id",
        validate_subscription_id,
    )?;
    let region = required(query.region, "region", validate_region_name)?;
    Ok(Json(
        state
            .backend
            .list_vm_sizes(&subscription_id, &region)
            .await?,
    ))
}

/// `GET /api/aks/clusters?subscription_id=…` → `[{name, resource_group, region, …}]`.
async fn clusters(
    State(state): State<AppState>,
    Extension(_caller): Extension<Caller>,
    Query(query): Query<ScopeQuery>,
) -> Result<Json<Vec<ClusterSummary>>, ApiError> {
    let subscription_id = required(
        query.subscription_id,
        "subscription_id",
        validate_subscription_id,
    )?;
    Ok(Json(
        state
            .backend
            .list_clusters(Some(subscription_id))
            .await?
            .clusters,
    ))
}
