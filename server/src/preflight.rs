//! The pre-flight (docs/PRODUCT.md §3): reads what a create depends on (the region's VM sizes, the
//! subscription's vCPU usages, the resource group and the caller's permissions on it) at once,
//! and hands them to the pure checks in `shared::preflight`, which decide each row.
//!
//! Two entries: [`Preflight::check_draft`] for the modal's live checks, which accept a request
//! the user is still typing, and [`Preflight::check`] for a submitted request that was already
//! validated at the boundary.

use crate::azure_access::CallerArm;
use crate::catalogue::VmSizeCatalogues;
use crate::error::{ServiceError, shown_to_users};
use shared::permissions::permits;
use shared::preflight::{
    CLUSTER_WRITE_ACTION, GroupState, PreflightReport, QuotaUsage, quota_check,
    resource_group_check, size_check,
};
use shared::provision::{ProvisionRequest, ValidProvisionRequest};

/// Extra nodes per pool counted against quota while a cluster is created: none. The AKS API
/// documents the agent pool's `upgradeSettings.maxSurge` as "The maximum number or percentage of
/// nodes that are surged during upgrade"
/// (<https://learn.microsoft.com/javascript/api/@azure-rest/arm-containerservice/agentpoolupgradesettingsoutput>),
/// and the AKS upgrade guide describes node surge as part of upgrading a node pool
/// (<https://learn.microsoft.com/azure/aks/upgrade-cluster#customize-node-surge-upgrade>): surge
/// applies to upgrades, not creates. AKS's create-time quota errors also name only the requested
/// nodes.
const CREATE_SURGE_NODES_PER_POOL: i64 = 0;

/// Where a quota shortfall sends the user (docs/PRODUCT.md §6's durable shortlink).
const QUOTA_PORTAL_URL: &str = "https://aka.ms/quotas/view-quotas";

/// Runs pre-flights against ARM, as the caller whose client each check is given: on behalf
/// of users, every read (sizes, quota, the group and its permissions) is the user's own.
#[derive(Clone)]
pub struct Preflight {
    catalogues: VmSizeCatalogues,
}

impl Preflight {
    /// Pre-flights with sizes from `catalogues`.
    pub fn new(catalogues: VmSizeCatalogues) -> Self {
        Self { catalogues }
    }

    /// Checks a draft the user is still typing: the name and version are not read, and an empty
    /// resource group only leaves its row out; a field the checks read must be valid.
    #[tracing::instrument(skip_all, err)]
    pub async fn check_draft(
        &self,
        arm: &CallerArm,
        request: ProvisionRequest,
    ) -> Result<PreflightReport, ServiceError> {
        let request = request.normalized();
        if let Some(error) = request.preflight_errors().into_iter().next() {
            return Err(error.into());
        }
        Ok(self.run(arm, &request).await)
    }

    /// Checks a submitted request.
    #[tracing::instrument(skip_all)]
    pub async fn check(&self, arm: &CallerArm, request: &ValidProvisionRequest) -> PreflightReport {
        self.run(arm, request).await
    }

    /// The reads and the rows. The reads are independent, so they run at once; one that fails
    /// makes its row warn (the pure checks decide how), never the whole pre-flight fail.
    async fn run(&self, arm: &CallerArm, request: &ProvisionRequest) -> PreflightReport {
        let (subscription, region) = (&request.subscription_id, &request.region);
        let group_name = &request.resource_group;
        // The permissions read is only used when the group exists (for a missing one it
        // answers None).
        let group_reads = async {
            if group_name.is_empty() {
                None
            } else {
                Some(tokio::join!(
                    arm.client.get_resource_group(subscription, group_name),
                    arm.client
                        .list_resource_group_permissions(subscription, group_name),
                ))
            }
        };
        let (catalogue, usages, group_reads) = tokio::join!(
            self.catalogues.get(arm, subscription, region),
            arm.client.list_compute_usages(subscription, region),
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
            Err(error) => GroupState::Unreadable(shown_to_users(&error)),
        });
        let mut checks = vec![
            size_check(request, catalogue.as_ref()),
            quota_check(
                request,
                catalogue.as_ref(),
                usages.as_deref(),
                CREATE_SURGE_NODES_PER_POOL,
            ),
        ];
        checks.extend(group.map(|group| resource_group_check(request, &group, arm.identity)));
        PreflightReport::new(checks, QUOTA_PORTAL_URL.to_owned())
    }
}
