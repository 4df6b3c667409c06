//! The port between server functions and the server's services.
//!
//! Server functions find a [`Backend`] in the reactive context (the server provides it for
//! every request) and call it; they hold no logic of their own. The trait is server-only.

#[cfg(feature = "ssr")]
mod ssr {
    use crate::error::AppError;
    use shared::activity::RecentJob;
    use shared::admin::AdminJobs;
    use shared::caller::{Caller, SignInChoice};
    use shared::cluster::ClusterListing;
    use shared::last_failure::{DismissOutcome, HistoryWindow, RecentFailures};
    use shared::network::SubnetOption;
    use shared::preflight::PreflightReport;
    use shared::progress::{CancelOutcome, ProvisionAccepted, TaskView};
    use shared::provision::ProvisionRequest;
    use shared::region::RegionInfo;
    use shared::subscription::SubscriptionInfo;
    use shared::vm_size::VmSizeCatalogue;
    use std::sync::Arc;

    /// What the UI's server functions need from the server.
    #[async_trait::async_trait]
    pub trait Backend: Send + Sync + 'static {
        /// Subscriptions the caller can reach (on their behalf, or the service identity's
        /// allowed to them).
        async fn list_subscriptions(
            &self,
            caller: &Caller,
        ) -> Result<Vec<SubscriptionInfo>, AppError>;
        /// What the sign-in page offers.
        fn sign_in_options(&self) -> SignInChoice;
        /// Regions where AKS is offered to the subscription.
        async fn list_regions(
            &self,
            caller: &Caller,
            subscription_id: &str,
        ) -> Result<Vec<RegionInfo>, AppError>;
        /// The region's VM sizes, with what the subscription cannot deploy marked.
        async fn list_vm_sizes(
            &self,
            caller: &Caller,
            subscription_id: &str,
            region: &str,
        ) -> Result<VmSizeCatalogue, AppError>;
        /// Subnets of the subscription's virtual networks in `region`, for a cluster's nodes.
        async fn list_subnets(
            &self,
            caller: &Caller,
            subscription_id: &str,
            region: &str,
        ) -> Result<Vec<SubnetOption>, AppError>;
        /// Managed clusters of a subscription; the first reachable one when none is given.
        async fn list_clusters(
            &self,
            caller: &Caller,
            subscription_id: Option<String>,
        ) -> Result<ClusterListing, AppError>;
        /// Validates `request` and writes the caller's job before queueing it; a submit that
        /// matches the caller's running job for the same cluster answers that job.
        async fn start_provision(
            &self,
            caller: &Caller,
            request: ProvisionRequest,
        ) -> Result<ProvisionAccepted, AppError>;
        /// A task of the caller, or any task for an administrator (`Forbidden` for another
        /// user's, `NotFound` for an unknown id).
        async fn task_status(&self, caller: &Caller, task_id: &str) -> Result<TaskView, AppError>;
        /// Cancels a task of the caller (the same ownership rule as `task_status`, so an
        /// administrator may cancel anyone's, and is recorded and named as who stopped it): a finished
        /// one is left as it is (`was_running: false`); a running or queued one is stopped, its
        /// Azure create aborted, and it ends REVOKED within `settle_after_seconds`.
        async fn cancel_provision(
            &self,
            caller: &Caller,
            task_id: &str,
        ) -> Result<CancelOutcome, AppError>;
        /// Deletes the managed cluster a cancelled or failed task of the caller left on Azure
        /// (the same ownership rule as `task_status`), never a resource group: refused with
        /// `Conflict` while the task runs, when no cluster was seen, or while Azure still runs
        /// an operation on it; answers the task with its `deletion`, which then runs in the
        /// background. Asking again while it runs or after it succeeded changes nothing.
        async fn delete_partial_cluster(
            &self,
            caller: &Caller,
            task_id: &str,
        ) -> Result<TaskView, AppError>;
        /// Checks `request` against what the subscription can deploy in the region (sizes,
        /// vCPU quota, resource group) before anything is created.
        async fn preflight(
            &self,
            caller: &Caller,
            request: ProvisionRequest,
        ) -> Result<PreflightReport, AppError>;
        /// The caller's unfinished tasks, and finished ones whose partial cluster is being
        /// deleted, oldest first (the banner after a reload).
        async fn running_tasks(&self, caller: &Caller) -> Result<Vec<TaskView>, AppError>;
        /// The caller's failed creates within `window` that they have not dismissed, newest
        /// first, each with its job id and category (never a cancelled one, never another
        /// user's); `degraded` with none when the history cannot be read.
        async fn recent_failed_provisions(
            &self,
            caller: &Caller,
            window: HistoryWindow,
        ) -> Result<RecentFailures, AppError>;
        /// The caller's own jobs of every status submitted within `window`, newest first (the
        /// activity list).
        async fn recent_jobs(
            &self,
            caller: &Caller,
            window: HistoryWindow,
        ) -> Result<Vec<RecentJob>, AppError>;
        /// Dismisses the caller's failed job `job_id` so the history no longer answers it (the
        /// same ownership rule as `task_status`; `Conflict` for a job that did not fail).
        /// Dismissing twice changes nothing (`already_dismissed: true`).
        async fn dismiss_failed_provision(
            &self,
            caller: &Caller,
            job_id: &str,
        ) -> Result<DismissOutcome, AppError>;
        /// For a caller holding the `Dashboard.Admin` app role: every user's unfinished jobs,
        /// oldest first, and every user's creates that failed within `window` (dismissed or
        /// not), newest first, each with its owner. `Forbidden` for anyone else.
        async fn every_users_jobs(
            &self,
            caller: &Caller,
            window: HistoryWindow,
        ) -> Result<AdminJobs, AppError>;
    }

    /// How the backend is shared through context.
    pub type SharedBackend = Arc<dyn Backend>;

    /// The signed-in caller of this request, put there by the server's session guard.
    pub fn use_caller() -> Result<Caller, AppError> {
        leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<Caller>().cloned())
            .ok_or(AppError::Unauthenticated)
    }

    /// `result`, with the response's status set from its error and, for
    /// [`AppError::TooManyRequests`], `Retry-After` (a server function otherwise answers every
    /// error with 500).
    pub fn with_status<T>(result: Result<T, AppError>) -> Result<T, AppError> {
        if let (Err(error), Some(response)) = (
            &result,
            leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        ) {
            if let Ok(status) = http::StatusCode::from_u16(error.status_code()) {
                response.set_status(status);
            }
            if let AppError::TooManyRequests {
                retry_after_seconds,
                ..
            } = error
            {
                response.insert_header(
                    http::header::RETRY_AFTER,
                    http::HeaderValue::from(*retry_after_seconds),
                );
            }
        }
        result
    }

    /// The backend the server provided for this request.
    pub fn use_backend() -> Result<SharedBackend, AppError> {
        leptos::prelude::use_context::<SharedBackend>().ok_or_else(|| {
            tracing::error!("no Backend in context: the server must provide one per request");
            AppError::Internal
        })
    }
}

#[cfg(feature = "ssr")]
pub use ssr::{Backend, SharedBackend, use_backend, use_caller, with_status};
