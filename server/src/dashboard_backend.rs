//! The server's implementation of the UI's [`Backend`] port: an adapter, nothing more. Reads go
//! to the ARM client and the VM size catalogue, pre-flights to [`Preflight`], jobs to the
//! provisioning service; their [`ServiceError`]s become the UI's [`AppError`] through the one
//! conversion in [`crate::error`]. A create request is validated here, once, at the boundary
//! ([`ValidProvisionRequest`]), so the REST routes and the server functions share the check.
//!
//! [`ServiceError`]: crate::error::ServiceError

use crate::arm::ArmClient;
use crate::catalogue::VmSizeCatalogues;
use crate::error::checked;
use crate::preflight::Preflight;
use crate::provisioning::Provisioning;
use app::backend::Backend;
use app::error::AppError;
use shared::caller::{Caller, DemoUser};
use shared::cluster::ClusterListing;
use shared::last_failure::{DismissOutcome, HistoryWindow, RecentFailures};
use shared::naming::validate_subscription_id;
use shared::preflight::PreflightReport;
use shared::progress::{CancelOutcome, ProvisionAccepted, TaskView};
use shared::provision::{ProvisionRequest, ValidProvisionRequest};
use shared::region::RegionInfo;
use shared::subscription::SubscriptionInfo;
use shared::vm_size::VmSizeCatalogue;

/// Answers the UI's server functions from ARM and the job store.
pub struct DashboardBackend {
    arm: ArmClient,
    catalogues: VmSizeCatalogues,
    preflight: Preflight,
    provisioning: Provisioning,
    demo_users: Vec<DemoUser>,
}

impl DashboardBackend {
    /// A backend over `arm` and `provisioning`; `demo_users` are offered on the sign-in page
    /// (sandbox mode).
    pub fn new(arm: ArmClient, provisioning: Provisioning, demo_users: Vec<DemoUser>) -> Self {
        let catalogues = VmSizeCatalogues::new(arm.clone());
        Self {
            preflight: Preflight::new(arm.clone(), catalogues.clone()),
            catalogues,
            arm,
            provisioning,
            demo_users,
        }
    }
}

#[async_trait::async_trait]
impl Backend for DashboardBackend {
    fn demo_users(&self) -> Vec<DemoUser> {
        self.demo_users.clone()
    }

    #[tracing::instrument(skip_all, err)]
    async fn list_subscriptions(&self) -> Result<Vec<SubscriptionInfo>, AppError> {
        let subscriptions = self.arm.list_subscriptions().await?;
        Ok(subscriptions
            .into_iter()
            .map(|s| SubscriptionInfo {
                subscription_id: s.subscription_id,
                display_name: s.display_name,
            })
            .collect())
    }

    #[tracing::instrument(skip_all, err)]
    async fn list_regions(&self, subscription_id: &str) -> Result<Vec<RegionInfo>, AppError> {
        let subscription_id =
            checked(subscription_id, "subscription_id", validate_subscription_id)?;
        let mut regions = self.arm.list_aks_regions(subscription_id).await?;
        regions.sort_by(|a, b| a.display_name.cmp(&b.display_name));
        Ok(regions)
    }

    async fn list_vm_sizes(
        &self,
        subscription_id: &str,
        region: &str,
    ) -> Result<VmSizeCatalogue, AppError> {
        Ok(self.catalogues.get(subscription_id, region).await?)
    }

    #[tracing::instrument(skip_all, err)]
    async fn list_clusters(
        &self,
        subscription_id: Option<String>,
    ) -> Result<ClusterListing, AppError> {
        let subscription_id = match subscription_id {
            Some(id) => Some(checked(&id, "subscription_id", validate_subscription_id)?.to_owned()),
            None => self
                .list_subscriptions()
                .await?
                .into_iter()
                .next()
                .map(|s| s.subscription_id),
        };
        let clusters = match &subscription_id {
            Some(id) => self
                .arm
                .list_clusters(id)
                .await?
                .iter()
                .map(|c| c.summary())
                .collect(),
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
        // The browser's pre-flight is advice; this one decides (a client can lie).
        let report = self.preflight.check(&request).await;
        if !report.ok {
            return Err(AppError::PreflightFailed(Box::new(report)));
        }
        Ok(self.provisioning.start(caller, request).await?)
    }

    async fn task_status(&self, caller: &Caller, task_id: &str) -> Result<TaskView, AppError> {
        Ok(self.provisioning.task(caller, task_id).await?)
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
        Ok(self
            .provisioning
            .delete_partial_cluster(caller, task_id)
            .await?)
    }

    async fn preflight(&self, request: ProvisionRequest) -> Result<PreflightReport, AppError> {
        Ok(self.preflight.check_draft(request).await?)
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

    async fn dismiss_failed_provision(
        &self,
        caller: &Caller,
        job_id: &str,
    ) -> Result<DismissOutcome, AppError> {
        Ok(self.provisioning.dismiss_failure(caller, job_id).await?)
    }
}
