//! The pre-flight (docs/PRODUCT.md §3): reads what a create depends on (the region's VM sizes, the
//! subscription's vCPU usages, the resource group and the caller's permissions on it, Azure
//! Policy's verdict on the location, the chosen subnet) at once, and hands them to the pure
//! checks in `shared::preflight`, which decide each row. A read that fails makes its row say it
//! could not check; it never blocks the create.
//!
//! Two entries: [`Preflight::check_draft`] for the modal's live checks, which accept a request
//! the user is still typing, and [`Preflight::check`] for a submitted request that was already
//! validated at the boundary.

use crate::arm::network::PolicyRestrictions;
use crate::azure_access::CallerArm;
use crate::catalogue::VmSizeCatalogues;
use crate::error::{ServiceError, shown_to_users};
use shared::network::{SubnetId, free_ips};
use shared::permissions::permits;
use shared::preflight::{
    CLUSTER_WRITE_ACTION, CREATE_SURGE_NODES_PER_POOL, GroupState, PolicyVerdict, PreflightReport,
    QuotaUsage, SubnetState, cluster_name_check, policy_check, quota_check, resource_group_check,
    size_check, subnet_check, zones_check,
};
use shared::provision::{ProvisionRequest, ValidProvisionRequest};

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

    /// Checks a submitted request: the draft's rows, and that its name is free in its group
    /// (an unreadable answer adds no row: the create itself never overwrites a cluster).
    #[tracing::instrument(skip_all)]
    pub async fn check(&self, arm: &CallerArm, request: &ValidProvisionRequest) -> PreflightReport {
        let (report, existing) = tokio::join!(
            self.run(arm, request),
            arm.client.get_cluster(
                &request.subscription_id,
                &request.resource_group,
                &request.cluster_name
            ),
        );
        let existing_state = existing
            .ok()
            .flatten()
            .map(|cluster| cluster.provisioning_state().to_owned());
        match cluster_name_check(request, existing_state.as_deref()) {
            Some(row) => {
                let mut checks = report.checks;
                checks.push(row);
                PreflightReport::new(checks, report.portal_url)
            }
            None => report,
        }
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
        let (catalogue, usages, group_reads, policy, subnet) = tokio::join!(
            self.catalogues.get(arm, subscription, region),
            arm.client.list_compute_usages(subscription, region),
            group_reads,
            policy_verdict(arm, request),
            subnet_state(arm, request),
        );
        let catalogue = catalogue
            .inspect_err(|error| tracing::warn!(%error, "pre-flight: VM sizes unreadable"))
            .ok();
        let usages: Option<Vec<QuotaUsage>> = usages
            .inspect_err(|error| tracing::warn!(%error, "pre-flight: usages unreadable"))
            .ok()
            .map(|usages| usages.into_iter().map(QuotaUsage::from).collect());
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
        checks.push(policy_check(request, &policy));
        checks.extend(zones_check(request, catalogue.as_ref()));
        checks.extend(subnet.and_then(|state| subnet_check(request, &state)));
        PreflightReport::new(checks, QUOTA_PORTAL_URL.to_owned())
    }
}

/// Azure Policy's verdict on a managed cluster in the request's region: asked at the resource
/// group, or at the subscription when there is none yet (ARM's 404 for a group that does not
/// exist). Any failure (403 without `Microsoft.PolicyInsights` read, a timeout) is `Unreadable`.
async fn policy_verdict(arm: &CallerArm, request: &ProvisionRequest) -> PolicyVerdict {
    let (subscription, region) = (&request.subscription_id, &request.region);
    let group = Some(request.resource_group.as_str()).filter(|g| !g.is_empty());
    let mut answer = arm
        .client
        .check_policy_restrictions(subscription, group, region)
        .await;
    if group.is_some() && matches!(answer, Ok(None)) {
        answer = arm
            .client
            .check_policy_restrictions(subscription, None, region)
            .await;
    }
    match answer {
        Ok(Some(restrictions)) => location_verdict(&restrictions, region),
        Ok(None) => PolicyVerdict::Unreadable("the subscription was not found".to_owned()),
        Err(error) => {
            tracing::warn!(%error, "pre-flight: Azure Policy check unreadable");
            PolicyVerdict::Unreadable(shown_to_users(&error))
        }
    }
}

/// The verdict of a policy check on `region`, from its `location` restrictions as the
/// 2022-03-01 spec defines them: `Required` values are the locations allowed, `Deny` values
/// the ones denied (a `Deny` without values denies the field whatever it is). The content
/// evaluation is not read: it also reports policies about other fields (a required tag).
fn location_verdict(restrictions: &PolicyRestrictions, region: &str) -> PolicyVerdict {
    let has = |values: &[String]| values.iter().any(|v| v.eq_ignore_ascii_case(region));
    let entries: Vec<_> = restrictions
        .field_restrictions
        .iter()
        .filter(|f| f.field.eq_ignore_ascii_case("location"))
        .flat_map(|f| f.restrictions.iter())
        .collect();
    let denying = entries.iter().find(|r| {
        (r.result.eq_ignore_ascii_case("Required") && !r.values.is_empty() && !has(&r.values))
            || (r.result.eq_ignore_ascii_case("Deny") && (r.values.is_empty() || has(&r.values)))
    });
    let Some(denying) = denying else {
        return PolicyVerdict::Allowed;
    };
    let assignment_id = denying
        .policy
        .as_ref()
        .and_then(|p| p.policy_assignment_id.clone())
        .unwrap_or_default();
    // The locations the same assignment requires, for the message.
    let allowed_locations = entries
        .iter()
        .find(|r| {
            r.result.eq_ignore_ascii_case("Required")
                && r.policy
                    .as_ref()
                    .and_then(|p| p.policy_assignment_id.as_deref())
                    == Some(assignment_id.as_str())
        })
        .map(|r| r.values.clone())
        .unwrap_or_default();
    let name = assignment_id
        .rsplit('/')
        .find(|segment| !segment.is_empty())
        .unwrap_or("an unnamed assignment");
    PolicyVerdict::Denied {
        assignment: name.to_owned(),
        allowed_locations,
    }
}

/// The chosen subnet as ARM has it; `None` when the request chose none.
async fn subnet_state(arm: &CallerArm, request: &ProvisionRequest) -> Option<SubnetState> {
    let id = request.subnet_id.as_deref()?;
    let Ok(subnet) = SubnetId::parse(id) else {
        return Some(SubnetState::Missing);
    };
    let read = arm
        .client
        .get_subnet(
            &subnet.subscription_id,
            &subnet.resource_group,
            &subnet.vnet,
            &subnet.name,
        )
        .await;
    Some(match read {
        Ok(Some(found)) => {
            let cidr = found.prefix().unwrap_or_default().to_owned();
            SubnetState::Found {
                free: free_ips(&cidr, found.used_ips()),
                cidr,
            }
        }
        Ok(None) => SubnetState::Missing,
        Err(error) => {
            tracing::warn!(%error, "pre-flight: subnet unreadable");
            SubnetState::Unreadable(shown_to_users(&error))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn answer(restrictions: serde_json::Value) -> PolicyRestrictions {
        serde_json::from_value(json!({
            "fieldRestrictions": [{ "field": "location", "restrictions": restrictions }],
            "contentEvaluationResult": { "policyEvaluations": [] },
        }))
        .expect("answer")
    }

    const ASSIGNMENT: &str = "/subscriptions/s/resourceGroups/rg-governed/providers/Microsoft.Authorization/policyAssignments/allowed-locations-aks";

    #[test]
    fn a_required_list_without_the_region_denies_it_and_names_the_assignment() {
        let policy = json!({ "policyAssignmentId": ASSIGNMENT });
        let restrictions = answer(json!([
            { "result": "Required", "values": ["westeurope", "swedencentral"], "policy": policy },
            { "result": "Deny", "values": ["eastus"], "policy": policy },
        ]));
        assert_eq!(
            location_verdict(&restrictions, "eastus"),
            PolicyVerdict::Denied {
                assignment: "allowed-locations-aks".into(),
                allowed_locations: vec!["westeurope".into(), "swedencentral".into()],
            }
        );
        let allowed = answer(json!([
            { "result": "Required", "values": ["westeurope", "swedencentral"], "policy": policy },
        ]));
        assert_eq!(
            location_verdict(&allowed, "westeurope"),
            PolicyVerdict::Allowed
        );
        assert_eq!(
            location_verdict(&allowed, "swedencentral"),
            PolicyVerdict::Allowed
        );
    }

    #[test]
    fn a_deny_reads_as_the_spec_says() {
        let denied_here = answer(json!([{ "result": "Deny", "values": ["eastus"] }]));
        assert!(matches!(
            location_verdict(&denied_here, "eastus"),
            PolicyVerdict::Denied { .. }
        ));
        assert_eq!(
            location_verdict(&denied_here, "westus"),
            PolicyVerdict::Allowed
        );
        let everything = answer(json!([{ "result": "Deny" }]));
        assert!(matches!(
            location_verdict(&everything, "westus"),
            PolicyVerdict::Denied { .. }
        ));
        assert_eq!(
            location_verdict(&PolicyRestrictions::default(), "eastus"),
            PolicyVerdict::Allowed
        );
    }
}
