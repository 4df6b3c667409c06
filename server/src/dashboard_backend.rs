//! The server's implementation of the UI's [`Backend`] port: an adapter, nothing more. Reads go
//! to the cached ARM lists and the VM size catalogue, pre-flights to [`Preflight`], jobs to the
//! provisioning service; their [`ServiceError`]s become the UI's [`AppError`] through the one
//! conversion in [`crate::error`]. A create request is validated here, once, at the boundary
//! ([`ValidProvisionRequest`]), so the REST routes and the server functions share the check,
//! and so is the per-caller cap on running creates (docs/PRODUCT.md "Limits and hardening").
//! Every ARM read is made with the caller's [`AzureAccess`] client, and in service mode every
//! subscription a request names is checked against the caller's allow-list first. A task read
//! of a capacity failure adds its one-click suggestions ([`CapacitySuggestions`]).
//!
//! [`ServiceError`]: crate::error::ServiceError

use crate::arm_lists::ArmLists;
use crate::azure_access::AzureAccess;
use crate::capacity_suggestions::CapacitySuggestions;
use crate::catalogue::VmSizeCatalogues;
use crate::error::checked;
use crate::preflight::Preflight;
use crate::provisioning::Provisioning;
use app::backend::Backend;
use app::error::AppError;
use shared::activity::RecentJob;
use shared::admin::AdminJobs;
use shared::caller::{Caller, SignInChoice};
use shared::cluster::ClusterListing;
use shared::last_failure::{DismissOutcome, HistoryWindow, RecentFailures};
use shared::naming::{validate_region_name, validate_subscription_id};
use shared::preflight::{PreflightReport, QuotaUsage};
use shared::progress::{CancelOutcome, ProvisionAccepted, TaskView};
use shared::provision::{ProvisionRequest, ValidProvisionRequest};
use shared::region::{RegionInfo, mark_recommended};
use shared::subscription::SubscriptionInfo;
use shared::vm_size::VmSizeCatalogue;

/// How long a caller at the cap on running creates is asked to wait: creates take minutes.
const RUNNING_CAP_RETRY_AFTER_SECONDS: i64 = 60;

/// Answers the UI's server functions from ARM and the job store.
pub struct DashboardBackend {
    access: AzureAccess,
    lists: ArmLists,
    catalogues: VmSizeCatalogues,
    suggestions: CapacitySuggestions,
    preflight: Preflight,
    provisioning: Provisioning,
    sign_in: SignInChoice,
    max_running_jobs: u32,
    /// The region the operator wants the create form to start on (`DEFAULT_REGION`).
    default_region: Option<String>,
    /// Held from counting a caller's running creates to writing the new one, so two racing
    /// submits cannot both pass the cap (held for a count and an insert, not for ARM reads).
    starting: tokio::sync::Mutex<()>,
}

impl DashboardBackend {
    /// A backend reading ARM through `access` and running jobs with `provisioning`;
    /// `sign_in` is what the sign-in page offers (sandbox mode); a caller may have
    /// `max_running_jobs` creates running at once; the region list recommends
    /// `default_region` where it is offered.
    pub fn new(
        access: AzureAccess,
        provisioning: Provisioning,
        sign_in: SignInChoice,
        max_running_jobs: u32,
        default_region: Option<String>,
    ) -> Self {
        let catalogues = VmSizeCatalogues::new();
        let lists = ArmLists::new();
        Self {
            access,
            preflight: Preflight::new(catalogues.clone()),
            suggestions: CapacitySuggestions::new(lists.clone(), catalogues.clone()),
            catalogues,
            lists,
            provisioning,
            sign_in,
            max_running_jobs,
            default_region,
            starting: tokio::sync::Mutex::new(()),
        }
    }

    /// The answer of a task read or change: the subscription's cluster list is read afresh
    /// next, because the clusters card refetches after such an answer.
    fn seen(&self, view: TaskView) -> TaskView {
        if let Some(progress) = &view.progress {
            self.lists.clusters_changed(&progress.subscription_id);
        }
        view
    }

    /// `TooManyRequests` when `caller` already runs [`Self::max_running_jobs`] creates.
    async fn check_running_cap(&self, caller: &Caller) -> Result<(), AppError> {
        let running = self
            .provisioning
            .running(caller)
            .await?
            .iter()
            .filter(|task| !task.status.is_finished())
            .count();
        if running >= self.max_running_jobs as usize {
            return Err(AppError::TooManyRequests {
                message: format!(
                    "You already have {running} creates running, the most one person may run at once. Wait for one to finish, or stop one, then try again."
                ),
                retry_after_seconds: RUNNING_CAP_RETRY_AFTER_SECONDS,
            });
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl Backend for DashboardBackend {
    fn sign_in_options(&self) -> SignInChoice {
        self.sign_in
    }

    #[tracing::instrument(skip_all, err)]
    async fn list_subscriptions(&self, caller: &Caller) -> Result<Vec<SubscriptionInfo>, AppError> {
        let arm = self.access.for_caller(caller);
        let mut subscriptions = self.lists.subscriptions(&arm).await?;
        subscriptions.retain(|s| self.access.permits(caller, &s.subscription_id));
        Ok(subscriptions)
    }

    #[tracing::instrument(skip_all, err)]
    async fn list_regions(
        &self,
        caller: &Caller,
        subscription_id: &str,
    ) -> Result<Vec<RegionInfo>, AppError> {
        let subscription_id =
            checked(subscription_id, "subscription_id", validate_subscription_id)?;
        self.access.check_subscription(caller, subscription_id)?;
        let arm = self.access.for_caller(caller);
        let mut regions = self.lists.regions(&arm, subscription_id).await?;
        mark_recommended(&mut regions, self.default_region.as_deref());
        Ok(regions)
    }

    async fn list_vm_sizes(
        &self,
        caller: &Caller,
        subscription_id: &str,
        region: &str,
    ) -> Result<VmSizeCatalogue, AppError> {
        let subscription_id =
            checked(subscription_id, "subscription_id", validate_subscription_id)?;
        let region = checked(region, "region", validate_region_name)?;
        self.access.check_subscription(caller, subscription_id)?;
        let arm = self.access.for_caller(caller);
        // The sizes are cached; the usages are read fresh, as they change with every create.
        let (catalogue, usages) = tokio::join!(
            self.catalogues.get(&arm, subscription_id, region),
            arm.client.list_compute_usages(subscription_id, region),
        );
        let mut catalogue = catalogue?;
        match usages {
            Ok(usages) => catalogue.usages = usages.into_iter().map(QuotaUsage::from).collect(),
            // The picker then says nothing about quota; the pre-flight still checks it.
            Err(error) => tracing::warn!(%error, "VM sizes: usages unreadable"),
        }
        Ok(catalogue)
    }

    #[tracing::instrument(skip_all, err)]
    async fn list_subnets(
        &self,
        caller: &Caller,
        subscription_id: &str,
        region: &str,
    ) -> Result<Vec<shared::network::SubnetOption>, AppError> {
        let subscription_id =
            checked(subscription_id, "subscription_id", validate_subscription_id)?;
        let region = checked(region, "region", validate_region_name)?;
        self.access.check_subscription(caller, subscription_id)?;
        let arm = self.access.for_caller(caller);
        Ok(self.lists.subnets(&arm, subscription_id, region).await?)
    }

    #[tracing::instrument(skip_all, err)]
    async fn list_clusters(
        &self,
        caller: &Caller,
        subscription_id: Option<String>,
    ) -> Result<ClusterListing, AppError> {
        let subscription_id = match subscription_id {
            Some(id) => Some(checked(&id, "subscription_id", validate_subscription_id)?.to_owned()),
            None => self
                .list_subscriptions(caller)
                .await?
                .into_iter()
                .next()
                .map(|s| s.subscription_id),
        };
        let clusters = match &subscription_id {
            Some(id) => {
                self.access.check_subscription(caller, id)?;
                let arm = self.access.for_caller(caller);
                self.lists.clusters(&arm, id).await?
            }
            None => Vec::new(),
        };
        Ok(ClusterListing {
            subscription_id,
            clusters,
        })
    }

    async fn start_provision(
        &self,
        caller: &Caller,
        request: ProvisionRequest,
    ) -> Result<ProvisionAccepted, AppError> {
        // A double click answers the running job before anything else is read.
        if let Some(accepted) = self.provisioning.running_submit(caller, &request).await? {
            return Ok(accepted);
        }
        // Every field is checked before Azure is read (the pre-flight alone accepts drafts).
        let request = ValidProvisionRequest::try_from(request)?;
        self.access
            .check_subscription(caller, &request.subscription_id)?;
        // The browser's pre-flight is advice; this one decides (a client can lie).
        let report = self
            .preflight
            .check(&self.access.for_caller(caller), &request)
            .await;
        if !report.ok {
            return Err(AppError::PreflightFailed(Box::new(report)));
        }
        let _starting = self.starting.lock().await;
        self.check_running_cap(caller).await?;
        Ok(self.provisioning.start(caller, request).await?)
    }

    async fn task_status(&self, caller: &Caller, task_id: &str) -> Result<TaskView, AppError> {
        let (mut view, request) = self.provisioning.task_with_request(caller, task_id).await?;
        let arm = self.access.for_caller(caller);
        self.suggestions.add_to(&arm, &request, &mut view).await;
        Ok(self.seen(view))
    }

    async fn cancel_provision(
        &self,
        caller: &Caller,
        task_id: &str,
    ) -> Result<CancelOutcome, AppError> {
        Ok(self.provisioning.cancel(caller, task_id).await?)
    }

    async fn delete_partial_cluster(
        &self,
        caller: &Caller,
        task_id: &str,
    ) -> Result<TaskView, AppError> {
        let mut view = self
            .provisioning
            .delete_partial_cluster(caller, task_id)
            .await?;
        // The card stays on screen while the deletion runs: it keeps its suggestions. The
        // deletion has started, so a failed read of the request only leaves them out.
        match self.provisioning.task_request(caller, task_id).await {
            Ok(request) => {
                let arm = self.access.for_caller(caller);
                self.suggestions.add_to(&arm, &request, &mut view).await;
            }
            Err(error) => tracing::warn!(%error, "capacity suggestions: request unreadable"),
        }
        Ok(self.seen(view))
    }

    async fn preflight(
        &self,
        caller: &Caller,
        request: ProvisionRequest,
    ) -> Result<PreflightReport, AppError> {
        self.access
            .check_subscription(caller, &request.subscription_id)?;
        let arm = self.access.for_caller(caller);
        Ok(self.preflight.check_draft(&arm, request).await?)
    }

    async fn running_tasks(&self, caller: &Caller) -> Result<Vec<TaskView>, AppError> {
        Ok(self.provisioning.running(caller).await?)
    }

    async fn recent_failed_provisions(
        &self,
        caller: &Caller,
        window: HistoryWindow,
    ) -> Result<RecentFailures, AppError> {
        Ok(self.provisioning.recent_failures(caller, window).await)
    }

    async fn recent_jobs(
        &self,
        caller: &Caller,
        window: HistoryWindow,
    ) -> Result<Vec<RecentJob>, AppError> {
        Ok(self.provisioning.recent_jobs(caller, window).await?)
    }

    async fn dismiss_failed_provision(
        &self,
        caller: &Caller,
        job_id: &str,
    ) -> Result<DismissOutcome, AppError> {
        Ok(self.provisioning.dismiss_failure(caller, job_id).await?)
    }

    async fn every_users_jobs(
        &self,
        caller: &Caller,
        window: HistoryWindow,
    ) -> Result<AdminJobs, AppError> {
        Ok(self.provisioning.every_users_jobs(caller, window).await?)
    }
}
