//! The server's implementation of the UI's [`Backend`] port: reads go to the ARM client,
//! jobs to the provisioning service. Identifiers that end up in ARM URLs are validated here,
//! so the REST routes and the server functions share the check.

use crate::arm::models::{SkuRestriction, VmSku};
use crate::arm::{ArmClient, ArmClientError};
use crate::provisioning::Provisioning;
use crate::ttl_cache::TtlCache;
use app::backend::Backend;
use app::error::AppError;
use shared::caller::{Caller, DemoUser};
use shared::cluster::ClusterListing;
use shared::last_failure::{DismissOutcome, HistoryWindow, RecentFailures};
use shared::naming::{NameError, validate_region_name, validate_subscription_id};
use shared::permissions::permits;
use shared::preflight::{
    CLUSTER_WRITE_ACTION, GroupState, PreflightReport, QuotaUsage, quota_check,
    resource_group_check, size_check,
};
use shared::progress::{CancelOutcome, ProvisionAccepted, TaskView};
use shared::provision::ProvisionRequest;
use shared::region::RegionInfo;
use shared::subscription::SubscriptionInfo;
use shared::vm_size::{VmSizeCatalogue, VmSizeOption};
use std::time::{Duration, Instant};

/// Answers the UI's server functions from ARM.
pub struct DashboardBackend {
    arm: ArmClient,
    provisioning: Provisioning,
    demo_users: Vec<DemoUser>,
    /// VM size catalogues by subscription × region: the modal and every pre-flight read them,
    /// and they change rarely.
    catalogues: TtlCache<(String, String), VmSizeCatalogue>,
}

/// How long a region's VM size catalogue is reused.
const CATALOGUE_TTL: Duration = Duration::from_secs(5 * 60);

impl DashboardBackend {
    /// A backend over `arm` and `provisioning`; `demo_users` are offered on the sign-in page
    /// (sandbox mode).
    pub fn new(arm: ArmClient, provisioning: Provisioning, demo_users: Vec<DemoUser>) -> Self {
        Self {
            arm,
            provisioning,
            demo_users,
            catalogues: TtlCache::new(CATALOGUE_TTL),
        }
    }
}

/// Extra nodes per pool counted against quota while a cluster is created: none. The AKS API
/// documents the agent pool's `upgradeSettings.maxSurge` as "The maximum number or percentage of
/// nodes that are surged during upgrade"
/// (<https://learn.microsoft.com/javascript/api/@azure-rest/arm-containerservice/agentpoolupgradesettingsoutput>),
/// and the AKS upgrade guide describes node surge as part of upgrading a node pool
/// (<https://learn.microsoft.com/azure/aks/upgrade-cluster#customize-node-surge-upgrade>): surge
/// applies to upgrades, not creates. AKS's create-time quota errors also name only the requested
/// nodes.
const CREATE_SURGE_NODES_PER_POOL: i64 = 0;

/// Where a quota shortfall sends the user (PRODUCT.md §6's durable shortlink).
const QUOTA_PORTAL_URL: &str = "https://aka.ms/quotas/view-quotas";

/// `value` checked by `validate`, or a 400 naming `field`.
fn checked<'a>(
    value: &'a str,
    field: &str,
    validate: fn(&str) -> Result<(), NameError>,
) -> Result<&'a str, AppError> {
    validate(value).map_err(|error| AppError::Validation {
        field: field.into(),
        message: error.to_string(),
    })?;
    Ok(value)
}

#[async_trait::async_trait]
impl Backend for DashboardBackend {
    fn demo_users(&self) -> Vec<DemoUser> {
        self.demo_users.clone()
    }

    #[tracing::instrument(skip_all, err)]
    async fn list_subscriptions(&self) -> Result<Vec<SubscriptionInfo>, AppError> {
        let subscriptions = self.arm.list_subscriptions().await.map_err(to_app_error)?;
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
        let mut regions = self
            .arm
            .list_aks_regions(subscription_id)
            .await
            .map_err(to_app_error)?;
        regions.sort_by(|a, b| a.display_name.cmp(&b.display_name));
        Ok(regions)
    }

    #[tracing::instrument(skip_all, err)]
    async fn list_vm_sizes(
        &self,
        subscription_id: &str,
        region: &str,
    ) -> Result<VmSizeCatalogue, AppError> {
        let subscription_id =
            checked(subscription_id, "subscription_id", validate_subscription_id)?;
        let region = checked(region, "region", validate_region_name)?;
        let key = (subscription_id.to_ascii_lowercase(), region.to_owned());
        if let Some(catalogue) = self.catalogues.get(&key, Instant::now()) {
            return Ok(catalogue);
        }
        let skus = match self.arm.list_vm_skus(subscription_id, region).await {
            Ok(skus) => skus,
            Err(error) => {
                // Unreachable, throttled or refusing: the modal and the pre-flight still work
                // from a degraded answer (sizes unchecked), and the next call asks ARM again.
                tracing::warn!(%error, region, "VM sizes unreadable; answering a degraded catalogue");
                return Ok(VmSizeCatalogue {
                    skus: Vec::new(),
                    degraded: true,
                });
            }
        };
        let mut options: Vec<VmSizeOption> = skus.into_iter().map(size_option).collect();
        options.sort_by(|a, b| (a.vcpus, &a.name).cmp(&(b.vcpus, &b.name)));
        let catalogue = VmSizeCatalogue {
            skus: options,
            degraded: false,
        };
        self.catalogues
            .insert(key, catalogue.clone(), Instant::now());
        Ok(catalogue)
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
                .await
                .map_err(to_app_error)?
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
        request
            .clone()
            .normalized()
            .validate()
            .map_err(|error| AppError::Validation {
                field: error.field,
                message: error.message,
            })?;
        // The browser's pre-flight is advice; this one decides (a client can lie).
        let report = self.preflight(request.clone()).await?;
        if !report.ok {
            return Err(AppError::PreflightFailed(Box::new(report)));
        }
        self.provisioning.start(caller, request).await
    }

    async fn task_status(&self, caller: &Caller, task_id: &str) -> Result<TaskView, AppError> {
        self.provisioning.task(caller, task_id).await
    }

    async fn cancel_provision(
        &self,
        caller: &Caller,
        task_id: &str,
    ) -> Result<CancelOutcome, AppError> {
        self.provisioning.cancel(caller, task_id).await
    }

    async fn delete_partial_cluster(
        &self,
        caller: &Caller,
        task_id: &str,
    ) -> Result<TaskView, AppError> {
        self.provisioning
            .delete_partial_cluster(caller, task_id)
            .await
    }

    #[tracing::instrument(skip_all, err)]
    async fn preflight(&self, request: ProvisionRequest) -> Result<PreflightReport, AppError> {
        // A draft is checked while the user types: the name and version are not read, and an
        // empty resource group only leaves its row out (a submit validates everything first).
        let request = request.normalized();
        if let Some(error) = request.preflight_errors().into_iter().next() {
            return Err(AppError::Validation {
                field: error.field,
                message: error.message,
            });
        }
        let (subscription, region) = (&request.subscription_id, &request.region);
        let group_name = &request.resource_group;
        // The reads are independent: run them at once. The permissions read is only used when
        // the group exists (for a missing group it answers None).
        let group_reads = async {
            if group_name.is_empty() {
                None
            } else {
                Some(tokio::join!(
                    self.arm.get_resource_group(subscription, group_name),
                    self.arm
                        .list_resource_group_permissions(subscription, group_name),
                ))
            }
        };
        let (catalogue, usages, group_reads) = tokio::join!(
            self.list_vm_sizes(subscription, region),
            self.arm.list_compute_usages(subscription, region),
            group_reads,
        );
        let catalogue = catalogue
            .inspect_err(|error| tracing::warn!(%error, "pre-flight: VM sizes unreadable"))
            .ok();
        let usages: Option<Vec<QuotaUsage>> = usages
            .inspect_err(|error| tracing::warn!(%error, "pre-flight: usages unreadable"))
            .ok()
            .map(|usages| {
                usages
                    .into_iter()
                    .map(|usage| QuotaUsage {
                        name: usage.name.value,
                        current: usage.current_value,
                        limit: usage.limit,
                    })
                    .collect()
            });
        let group = group_reads.map(|(group, permissions)| match group {
            Ok(Some(group)) => GroupState::Exists {
                location: group.location,
                writable: permissions
                    .inspect_err(|error| {
                        tracing::warn!(%error, "pre-flight: resource group permissions unreadable");
                    })
                    .ok()
                    .flatten()
                    .map(|permissions| permits(&permissions, CLUSTER_WRITE_ACTION)),
            },
            Ok(None) => GroupState::Missing,
            Err(error) => GroupState::Unreadable(error.to_string()),
        });
        let mut checks = vec![
            size_check(&request, catalogue.as_ref()),
            quota_check(
                &request,
                catalogue.as_ref(),
                usages.as_deref(),
                CREATE_SURGE_NODES_PER_POOL,
            ),
        ];
        checks.extend(group.map(|group| resource_group_check(&request, &group)));
        Ok(PreflightReport::new(checks, QUOTA_PORTAL_URL.to_owned()))
    }

    async fn running_tasks(&self, caller: &Caller) -> Result<Vec<TaskView>, AppError> {
        self.provisioning.running(caller).await
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
        self.provisioning.dismiss_failure(caller, job_id).await
    }
}

/// The catalogue's view of one SKU. A `Location` restriction blocks the size in the whole region;
/// `Zone` restrictions only block the zones they name, which a create that asks for no zones (the
/// dashboard's) never uses, so the size stays available and carries the zones and reason.
fn size_option(sku: VmSku) -> VmSizeOption {
    let blocking = sku
        .restrictions
        .iter()
        .find(|r| r.kind.eq_ignore_ascii_case("Location"));
    let zonal: Vec<&SkuRestriction> = sku
        .restrictions
        .iter()
        .filter(|r| r.kind.eq_ignore_ascii_case("Zone"))
        .collect();
    let mut restricted_zones: Vec<String> = zonal.iter().flat_map(|r| r.zones.clone()).collect();
    restricted_zones.sort_unstable();
    restricted_zones.dedup();
    VmSizeOption {
        available: blocking.is_none(),
        reason: blocking
            .or(zonal.first().copied())
            .map(|r| r.reason_code.clone()),
        restricted_zones,
        name: sku.name,
        vcpus: sku.vcpus,
        memory_gb: sku.memory_gb,
        family: sku.family,
    }
}

/// ARM's own errors reach the user; transport and credential failures say Azure is
/// unavailable; anything else is logged and hidden.
pub(crate) fn to_app_error(error: ArmClientError) -> AppError {
    match error {
        ArmClientError::Arm(error) => AppError::Azure(error),
        ArmClientError::Credential(_) | ArmClientError::Transport(_) => {
            AppError::AzureUnavailable(error.to_string())
        }
        ArmClientError::Decode(_) => {
            tracing::error!(%error, "unreadable ARM response");
            AppError::Internal
        }
    }
}
