//! The HTTP API for scripts (docs/PRODUCT.md §8; field names follow the earlier product's API).
//! Handlers are thin: they check the caller and the query, call the same [`Backend`] the UI's
//! server functions use, and answer JSON, or `{code, message}` with the matching status.
//!
//! [`Backend`]: app::backend::Backend

use crate::AppState;
use app::error::AppError;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde::{Deserialize, Serialize};
use serde_json::json;
use shared::activity::RecentJob;
use shared::admin::{ADMIN_ONLY_MESSAGE, AdminJobs};
use shared::caller::Caller;
use shared::cluster::ClusterSummary;
use shared::last_failure::{DismissOutcome, HistoryWindow, LastFailure, RecentFailures};
use shared::network::SubnetOption;
use shared::preflight::PreflightReport;
use shared::progress::{CancelOutcome, ProvisionAccepted, RequestedShape, TaskView};
use shared::provision::ProvisionRequest;
use shared::region::RegionInfo;
use shared::subscription::SubscriptionInfo;
use shared::vm_size::VmSizeCatalogue;

/// The routes of docs/PRODUCT.md §8 (the reads the create modal and dashboard need, starting a
/// create, reading its task, cancelling it), deleting the partial cluster a create left (§5),
/// the caller's recent failures with their Dismiss (§7), the caller's recent jobs (the activity
/// list), and an administrator's list of every user's jobs.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/subscriptions", get(subscriptions))
        .route("/api/aks/regions", get(regions))
        .route("/api/aks/available-skus", get(available_skus))
        .route("/api/aks/clusters", get(clusters))
        .route("/api/aks/subnets", get(subnets))
        .route("/api/aks/provision", post(provision))
        .route("/api/aks/preflight", post(preflight))
        .route("/api/tasks/{task_id}", get(task))
        .route(
            "/api/aks/cancel-provision/{task_id}",
            post(cancel_provision),
        )
        .route(
            "/api/aks/delete-partial-cluster/{task_id}",
            post(delete_partial_cluster),
        )
        .route(
            "/api/aks/recent-failed-provisions",
            get(recent_failed_provisions),
        )
        .route(
            "/api/aks/recent-failed-provisions/{job_id}/dismiss",
            post(dismiss_failed_provision),
        )
        .route("/api/aks/jobs", get(recent_jobs))
        .route("/api/admin/jobs", get(admin_jobs))
}

/// `error` as the REST routes answer it (see [`ApiError`]); also the rate limits' answer.
pub fn error_response(error: AppError) -> Response {
    ApiError(error).into_response()
}

/// An [`AppError`] answered as `{code, message}` (internal details stay in the log), plus
/// `field`, `checks` or `retry_after_seconds` (with `Retry-After`) where the error has them.
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
        let mut retry_after = None;
        match &self.0 {
            AppError::Validation { field, .. } => body["field"] = json!(field),
            AppError::PreflightFailed(report) => body["checks"] = json!(report.checks),
            AppError::TooManyRequests {
                retry_after_seconds,
                ..
            } => {
                body["retry_after_seconds"] = json!(retry_after_seconds);
                retry_after = Some(HeaderValue::from(*retry_after_seconds));
            }
            _ => {}
        }
        let mut response = (status, Json(body)).into_response();
        if let Some(seconds) = retry_after {
            response.headers_mut().insert(RETRY_AFTER, seconds);
        }
        response
    }
}

/// `?subscription_id=…&region=…`; which are required depends on the route (the backend
/// validates them, so a missing one reads as empty and is answered with a 400 naming it).
#[derive(Deserialize)]
struct ScopeQuery {
    subscription_id: Option<String>,
    region: Option<String>,
}

/// `GET /api/subscriptions` → `[{subscription_id, display_name}]`.
async fn subscriptions(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
) -> Result<Json<Vec<SubscriptionInfo>>, ApiError> {
    Ok(Json(state.backend.list_subscriptions(&caller).await?))
}

/// `GET /api/aks/regions?subscription_id=…` → `[{name, display_name}]`.
async fn regions(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(query): Query<ScopeQuery>,
) -> Result<Json<Vec<RegionInfo>>, ApiError> {
    let subscription_id = query.subscription_id.unwrap_or_default();
    Ok(Json(
        state
            .backend
            .list_regions(&caller, subscription_id.trim())
            .await?,
    ))
}

/// `GET /api/aks/available-skus?subscription_id=…&region=…` → `{skus, degraded}`.
async fn available_skus(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(query): Query<ScopeQuery>,
) -> Result<Json<VmSizeCatalogue>, ApiError> {
    let subscription_id = query.subscription_id.unwrap_or_default();
    let region = query.region.unwrap_or_default();
    Ok(Json(
        state
            .backend
            .list_vm_sizes(&caller, subscription_id.trim(), region.trim())
            .await?,
    ))
}

/// `GET /api/aks/clusters?subscription_id=…` → `[{name, resource_group, region, …}]`.
async fn clusters(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(query): Query<ScopeQuery>,
) -> Result<Json<Vec<ClusterSummary>>, ApiError> {
    let subscription_id = query.subscription_id.unwrap_or_default();
    Ok(Json(
        state
            .backend
            .list_clusters(&caller, Some(subscription_id.trim().to_owned()))
            .await?
            .clusters,
    ))
}

/// `GET /api/aks/subnets?subscription_id=…&region=…` → `[{id, name, vnet, resource_group,
/// address_prefix, free_ips}]`: the subnets of the subscription's virtual networks in the
/// region that a create's `subnet_id` can name.
async fn subnets(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Query(query): Query<ScopeQuery>,
) -> Result<Json<Vec<SubnetOption>>, ApiError> {
    let subscription_id = query.subscription_id.unwrap_or_default();
    let region = query.region.unwrap_or_default();
    Ok(Json(
        state
            .backend
            .list_subnets(&caller, subscription_id.trim(), region.trim())
            .await?,
    ))
}

/// `POST /api/aks/provision` with the JSON create request → `{job_id, task_id, status:
/// "queued", status_query_get_uri, reused}`. A body that is not a create request is a 400 like any other
/// invalid field.
async fn provision(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<Json<ProvisionAccepted>, ApiError> {
    let request = create_request(body)?;
    Ok(Json(state.backend.start_provision(&caller, request).await?))
}

/// The JSON create body, or a 400 naming `body` when it is not one: not JSON (or not UTF-8,
/// or nested past serde_json's depth limit), not a create request, or carrying a member that
/// is no field of one.
fn create_request(
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<ProvisionRequest, AppError> {
    let invalid = |reason: String| AppError::Validation {
        field: "body".into(),
        message: format!("The body must be a JSON create request: {reason}"),
    };
    let Json(body) = body.map_err(|rejection| invalid(rejection.body_text()))?;
    let unknown = ProvisionRequest::unknown_fields(&body);
    if !unknown.is_empty() {
        return Err(invalid(format!("unknown fields {}", unknown.join(", "))));
    }
    serde_json::from_value(body).map_err(|error| invalid(error.to_string()))
}

/// `POST /api/aks/preflight` with the create body → `{ok, checks, portal_url}`.
async fn preflight(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> Result<Json<PreflightReport>, ApiError> {
    let request = create_request(body)?;
    Ok(Json(state.backend.preflight(&caller, request).await?))
}

/// `GET /api/tasks/{task_id}` → `{task_id, status, ready, progress, result, error, deletion?,
/// stopped_by?}`; only for the task's owner or an administrator.
async fn task(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(task_id): Path<String>,
) -> Result<Json<TaskView>, ApiError> {
    Ok(Json(state.backend.task_status(&caller, &task_id).await?))
}

/// `POST /api/aks/cancel-provision/{task_id}` → `{task_id, job_id, previous_status, was_running,
/// cancelled, settle_after_seconds}`; only for the task's owner or an administrator, whose stop
/// is recorded and shown to the owner (behind the session guard like every route: 401 without
/// a caller).
async fn cancel_provision(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(task_id): Path<String>,
) -> Result<Json<CancelOutcome>, ApiError> {
    Ok(Json(
        state.backend.cancel_provision(&caller, &task_id).await?,
    ))
}

/// `POST /api/aks/delete-partial-cluster/{task_id}` → the task (`GET /api/tasks/{task_id}`'s
/// answer) with its `deletion: {state, message, elapsed_seconds}`; only for the task's owner;
/// 409 `{code: "conflict", message}` while the create runs, when it left no cluster, or while
/// Azure still runs an operation on the cluster. Deletes the managed cluster only.
async fn delete_partial_cluster(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(task_id): Path<String>,
) -> Result<Json<TaskView>, ApiError> {
    Ok(Json(
        state
            .backend
            .delete_partial_cluster(&caller, &task_id)
            .await?,
    ))
}

/// `?hours=…&limit=…`, both optional; read as text so a non-number is answered like an
/// out-of-range one (a 400 naming the field) rather than as a generic query rejection.
#[derive(Deserialize)]
struct WindowQuery {
    hours: Option<String>,
    limit: Option<String>,
}

/// `GET /api/aks/recent-failed-provisions?hours=24&limit=10` → `{jobs: [{raw, cluster_name,
/// region, resource_group, subscription_id, when, job_id, task_id, category}], degraded,
/// last_success_ms?, last_dismissed_ms?}`: the caller's
/// failed creates (never cancelled ones, never another user's, not the dismissed ones), newest
/// first, `hours` 1–168 (default 24), `limit` 1–20 (default 10); 400 `{code: "validation",
/// field, message}` otherwise. `degraded: true` with no jobs when the history is unreadable.
async fn recent_failed_provisions(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    query: Result<Query<WindowQuery>, QueryRejection>,
) -> Result<Json<HistoryAnswer>, ApiError> {
    let window = history_window(query)?;
    Ok(Json(HistoryAnswer::from(
        state
            .backend
            .recent_failed_provisions(&caller, window)
            .await?,
    )))
}

/// The failure history as the REST API spells it: snake_case like every answer, while the
/// browser's slot and the server function keep [`LastFailure`]'s camelCase record.
#[derive(Serialize)]
struct HistoryAnswer {
    jobs: Vec<HistoryRow>,
    degraded: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_success_ms: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_dismissed_ms: Option<i64>,
}

/// One failed create of [`HistoryAnswer`].
#[derive(Serialize)]
struct HistoryRow {
    raw: String,
    cluster_name: String,
    region: String,
    resource_group: String,
    subscription_id: String,
    when: i64,
    job_id: Option<String>,
    task_id: Option<String>,
    category: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    requested: Option<RequestedShape>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    zones: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    subnet_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    portal_url: Option<String>,
}

impl From<RecentFailures> for HistoryAnswer {
    fn from(history: RecentFailures) -> Self {
        Self {
            jobs: history.jobs.into_iter().map(HistoryRow::from).collect(),
            degraded: history.degraded,
            last_success_ms: history.last_success_ms,
            last_dismissed_ms: history.last_dismissed_ms,
        }
    }
}

impl From<LastFailure> for HistoryRow {
    fn from(failure: LastFailure) -> Self {
        Self {
            raw: failure.raw,
            cluster_name: failure.cluster_name,
            region: failure.region,
            resource_group: failure.resource_group,
            subscription_id: failure.subscription_id,
            when: failure.when,
            job_id: failure.job_id,
            task_id: failure.task_id,
            category: failure.category,
            requested: failure.requested,
            zones: failure.zones,
            subnet_id: failure.subnet_id,
            portal_url: failure.portal_url,
        }
    }
}

/// The window `?hours=…&limit=…` asks for, or a 400 naming the field that is wrong.
fn history_window(
    query: Result<Query<WindowQuery>, QueryRejection>,
) -> Result<HistoryWindow, AppError> {
    let Query(query) = query.map_err(|rejection| AppError::Validation {
        field: "query".into(),
        message: format!(
            "The query must be ?hours=…&limit=…: {}",
            rejection.body_text()
        ),
    })?;
    HistoryWindow::parse(query.hours.as_deref(), query.limit.as_deref()).map_err(|error| {
        AppError::Validation {
            field: error.field,
            message: error.message,
        }
    })
}

/// `GET /api/aks/jobs?hours=24&limit=10` → `[{created_at_ms, finished_at_ms, task}]` (`task` as
/// `GET /api/tasks/{task_id}` answers it): the caller's own jobs of every status submitted
/// within the window, newest first, with the failure history's bounds (`hours` 1–168, `limit`
/// 1–20; 400 `{code: "validation", field, message}` otherwise). An administrator gets their own
/// too; everyone's are `GET /api/admin/jobs`.
async fn recent_jobs(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    query: Result<Query<WindowQuery>, QueryRejection>,
) -> Result<Json<Vec<RecentJob>>, ApiError> {
    let window = history_window(query)?;
    Ok(Json(state.backend.recent_jobs(&caller, window).await?))
}

/// `GET /api/admin/jobs?hours=24&limit=10` → `{running: [job], failed: [job]}`, each job
/// `{owner: {tenant_id, object_id, display_name}, created_at_ms, finished_at_ms, task, category}`
/// (`task` as `GET /api/tasks/{task_id}` answers it): every user's unfinished jobs, oldest
/// first, and every user's creates that failed within the window (dismissed or not), newest
/// first, with the failure history's bounds (`hours` 1–168, `limit` 1–20). Only for a caller
/// holding the `Dashboard.Admin` app role: anyone else 403 `{code: "forbidden"}`.
async fn admin_jobs(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    query: Result<Query<WindowQuery>, QueryRejection>,
) -> Result<Json<AdminJobs>, ApiError> {
    // The role is checked first, so a non-administrator learns nothing from a bad query either.
    if !caller.is_admin() {
        return Err(AppError::Forbidden(ADMIN_ONLY_MESSAGE.into()).into());
    }
    let window = history_window(query)?;
    Ok(Json(state.backend.every_users_jobs(&caller, window).await?))
}

/// `POST /api/aks/recent-failed-provisions/{job_id}/dismiss` → 200 `{job_id, dismissed: true,
/// already_dismissed}`; only for the job's owner (another user's 403, an unknown id 404), 409
/// `{code: "conflict"}` for a job that did not fail. Dismissing again answers 200 with
/// `already_dismissed: true` and changes nothing.
async fn dismiss_failed_provision(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    Path(job_id): Path<String>,
) -> Result<Json<DismissOutcome>, ApiError> {
    Ok(Json(
        state
            .backend
            .dismiss_failed_provision(&caller, &job_id)
            .await?,
    ))
}
