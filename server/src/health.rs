//! `GET /healthz` (alive) and `GET /readyz` (ready for traffic), for load balancers,
//! orchestrators and scripts. Neither carries caller data, so neither needs a sign-in.
//!
//! Liveness answers 200 as long as the process serves HTTP: restarting a replica because its
//! database is away would not bring the database back. Readiness answers 200 only when this
//! replica can do its work: the database answers, the identity ARM calls go out with works (the
//! dashboard's own credential gives a token; with calls on users' behalf, their sign-in
//! provider's discovery can be read), and the replica is not draining (from SIGTERM on, so the
//! load balancer stops sending it requests while it hands its jobs back).

use crate::AppState;
use crate::azure_access::AzureAccess;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How long each readiness check may take.
const CHECK_TIMEOUT: Duration = Duration::from_secs(2);

/// What readiness checks besides the database.
#[derive(Clone)]
pub struct Readiness {
    /// The ARM identity.
    pub access: AzureAccess,
    /// Set when the replica starts draining.
    pub draining: Arc<AtomicBool>,
}

impl Readiness {
    /// Readiness over `access`, not draining.
    pub fn new(access: AzureAccess) -> Self {
        Self {
            access,
            draining: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Marks the replica as draining: `/readyz` answers 503 from now on.
    pub fn start_draining(&self) {
        self.draining.store(true, Ordering::Relaxed);
    }
}

/// 200 while the process serves.
pub async fn healthz(State(state): State<AppState>) -> Json<Value> {
    Json(json!({ "status": "ok", "cloud": state.cloud_name }))
}

/// 200 when every check passes, 503 naming the failing ones otherwise.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let draining = state.readiness.draining.load(Ordering::Relaxed);
    let database = within(state.store.ping()).await;
    let arm = if draining {
        Check::Skipped
    } else {
        arm_identity(&state).await
    };
    let ready = database.passed() && arm.passed() && !draining;
    for (name, check) in [("database", &database), ("arm_identity", &arm)] {
        if let Check::Failed(error) = check {
            tracing::warn!(check = name, %error, "not ready");
        }
    }
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(json!({
            "status": if ready { "ready" } else { "not_ready" },
            "cloud": state.cloud_name,
            "database": database.label(),
            "arm_identity": arm.label(),
            "draining": draining,
        })),
    )
}

/// Whether the identity ARM calls go out with works now.
async fn arm_identity(state: &AppState) -> Check {
    if let Some(credential) = state.readiness.access.check_own_credential().await {
        return Check::of(credential);
    }
    match &state.oidc {
        Some(relying_party) => within(relying_party.check_provider()).await,
        None => Check::Failed("no sign-in for calls on users' behalf".into()),
    }
}

/// One readiness check's outcome; the error stays in the log, not the answer.
enum Check {
    Passed,
    Failed(String),
    /// Not run (the replica drains anyway).
    Skipped,
}

impl Check {
    fn of<E: std::fmt::Display>(outcome: Result<(), E>) -> Self {
        match outcome {
            Ok(()) => Self::Passed,
            Err(error) => Self::Failed(error.to_string()),
        }
    }

    fn passed(&self) -> bool {
        !matches!(self, Self::Failed(_))
    }

    fn label(&self) -> &'static str {
        match self {
            Self::Passed => "ok",
            Self::Failed(_) => "unavailable",
            Self::Skipped => "skipped",
        }
    }
}

/// `check` with [`CHECK_TIMEOUT`].
async fn within<E: std::fmt::Display>(check: impl Future<Output = Result<(), E>>) -> Check {
    match tokio::time::timeout(CHECK_TIMEOUT, check).await {
        Ok(outcome) => Check::of(outcome),
        Err(_) => Check::Failed(format!("no answer within {} s", CHECK_TIMEOUT.as_secs())),
    }
}
