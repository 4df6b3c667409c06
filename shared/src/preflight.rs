//! Pre-flight arithmetic (docs/PRODUCT.md §3, issue 4): the vCPUs a create needs per quota (each VM
//! family and the regional total) against `limit − currentValue`, the largest worker count that
//! fits under the binding limit, and the report whose `ok` is derived from its rows.
//!
//! A new VM's vCPUs must fit in both its family's quota and the Total Regional vCPUs quota
//! (docs/ARM_FACTS.md §3), so every pool counts against its family and against `cores`.

use crate::provision::{MAX_POOL_NODES, ProvisionRequest};
use crate::vm_size::{VmSizeCatalogue, VmSizeOption};
use serde::{Deserialize, Serialize};
use serde_json::json;

/// The compute-usage name of the Total Regional vCPUs quota.
pub const REGIONAL_QUOTA: &str = "cores";

/// Outcome of one pre-flight row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    /// Nothing stands in the way.
    Ok,
    /// The create may still work, but something could not be checked or deserves attention.
    Warn,
    /// The create will fail.
    Fail,
}

/// One row of the pre-flight answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PreflightCheck {
    /// `vm_size`, `quota`, `resource_group`.
    pub name: String,
    /// ok, warn or fail.
    pub status: CheckStatus,
    /// One line for the person filling the form.
    pub message: String,
    /// The numbers behind the row (shape depends on the row).
    pub details: serde_json::Value,
}

/// `POST /api/aks/preflight`'s answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PreflightReport {
    /// False when any row fails; never set by hand.
    pub ok: bool,
    /// The rows.
    pub checks: Vec<PreflightCheck>,
    /// Where to see the quotas in the portal.
    pub portal_url: String,
}

impl PreflightReport {
    /// A report over `checks`; `ok` follows from them.
    pub fn new(checks: Vec<PreflightCheck>, portal_url: String) -> Self {
        Self {
            ok: checks.iter().all(|c| c.status != CheckStatus::Fail),
            checks,
            portal_url,
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
pub const CREATE_SURGE_NODES_PER_POOL: i64 = 0;

/// One compute usage: a quota's limit and what is used of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaUsage {
    /// `name.value`: `cores` or a family such as `standardDSv5Family`.
    pub name: String,
    /// `currentValue`.
    pub current: i64,
    /// `limit`.
    pub limit: i64,
}

impl QuotaUsage {
    /// vCPUs still free (never negative: a usage over its limit leaves nothing).
    pub fn free(&self) -> i64 {
        (self.limit - self.current).max(0)
    }
}

/// What one pool of the create asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolDemand {
    /// VM family (the quota it counts against).
    pub family: String,
    /// vCPUs per node.
    pub vcpus: i64,
    /// Nodes requested.
    pub count: i64,
}

impl PoolDemand {
    /// `count` nodes of `size`.
    pub fn of(size: &VmSizeOption, count: i32) -> Self {
        Self {
            family: size.family.clone(),
            vcpus: i64::from(size.vcpus),
            count: i64::from(count),
        }
    }

    /// vCPUs the pool holds while it is created, with `surge` extra nodes.
    fn cores(&self, surge: i64) -> i64 {
        self.vcpus.max(0) * (self.count.max(0) + surge.max(0))
    }
}

/// One quota the create must fit in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaNeed {
    /// `cores` (regional) or the family name.
    pub quota: String,
    /// vCPUs the create needs from it.
    pub needed: i64,
    /// vCPUs free in it, or `None` when ARM reported no such quota.
    pub free: Option<i64>,
    /// Its limit, when reported.
    pub limit: Option<i64>,
}

impl QuotaNeed {
    /// True when the need fits (unknown quotas are not counted as failures here).
    pub fn fits(&self) -> bool {
        self.free.is_none_or(|free| self.needed <= free)
    }
}

/// A quota as the portal names it: "Total Regional vCPUs" for [`REGIONAL_QUOTA`], a family by
/// its usage name (`standardDSv5Family`).
pub fn quota_scope(quota: &str) -> &str {
    if quota == REGIONAL_QUOTA {
        "Total Regional vCPUs"
    } else {
        quota
    }
}

/// The create's demand on every quota it touches: each family once, then the regional total.
pub fn quota_needs(
    system: &PoolDemand,
    worker: &PoolDemand,
    usages: &[QuotaUsage],
    surge_nodes_per_pool: i64,
) -> Vec<QuotaNeed> {
    let find = |name: &str| usages.iter().find(|u| u.name.eq_ignore_ascii_case(name));
    let need = |quota: &str, needed: i64| {
        let usage = find(quota);
        QuotaNeed {
            quota: quota.to_owned(),
            needed,
            free: usage.map(QuotaUsage::free),
            limit: usage.map(|u| u.limit),
        }
    };
    let system_cores = system.cores(surge_nodes_per_pool);
    let worker_cores = worker.cores(surge_nodes_per_pool);
    let mut needs = Vec::new();
    if system.family.eq_ignore_ascii_case(&worker.family) {
        needs.push(need(&system.family, system_cores + worker_cores));
    } else {
        needs.push(need(&system.family, system_cores));
        needs.push(need(&worker.family, worker_cores));
    }
    needs.push(need(REGIONAL_QUOTA, system_cores + worker_cores));
    needs
}

/// The largest worker count that fits and the quota that binds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkerFit {
    /// Workers that fit (0 when not even one does), at most the ARM pool limit.
    pub max_worker_nodes: i64,
    /// The quota that limits it (`cores` or a family); `None` when no reported quota is tighter
    /// than ARM's pool limit.
    pub binding_quota: Option<String>,
}

/// How many worker nodes fit in every quota the worker pool counts against, after the system
/// pool (and the surge nodes) took their share.
pub fn max_worker_nodes_fit(
    system: &PoolDemand,
    worker: &PoolDemand,
    usages: &[QuotaUsage],
    surge_nodes_per_pool: i64,
    max_pool_nodes: i64,
) -> WorkerFit {
    let mut fit = WorkerFit {
        max_worker_nodes: max_pool_nodes,
        binding_quota: None,
    };
    if worker.vcpus <= 0 {
        return fit;
    }
    let scopes = [worker.family.as_str(), REGIONAL_QUOTA];
    for scope in scopes {
        let Some(usage) = usages.iter().find(|u| u.name.eq_ignore_ascii_case(scope)) else {
            continue;
        };
        let system_share = if scope == REGIONAL_QUOTA || system.family.eq_ignore_ascii_case(scope) {
            system.cores(surge_nodes_per_pool)
        } else {
            0
        };
        let budget = usage.free() - system_share - worker.vcpus * surge_nodes_per_pool.max(0);
        let nodes = (budget / worker.vcpus).clamp(0, max_pool_nodes);
        if nodes < fit.max_worker_nodes {
            fit = WorkerFit {
                max_worker_nodes: nodes,
                binding_quota: Some(usage.name.clone()),
            };
        }
    }
    fit
}

/// The action a create needs on the resource group it lands in.
pub const CLUSTER_WRITE_ACTION: &str = "Microsoft.ContainerService/managedClusters/write";

/// Where the resource group stands, as ARM answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupState {
    /// It exists (in any region: AKS accepts a cluster in another region than its group).
    Exists {
        /// Its region.
        location: String,
        /// Whether the dashboard's identity holds [`CLUSTER_WRITE_ACTION`] on it, from the
        /// group's permissions read (`Microsoft.Authorization/permissions`): `Some(false)` fails
        /// the row, `None` means the permissions could not be read and the row warns.
        writable: Option<bool>,
    },
    /// It does not exist and will be created.
    Missing,
    /// ARM could not be read (the text says why).
    Unreadable(String),
}

/// The `vm_size` row: every requested size must be offered to the subscription in the region.
/// Without a catalogue (ARM unreadable) the row warns and lets the user go on.
pub fn size_check(
    request: &ProvisionRequest,
    catalogue: Option<&VmSizeCatalogue>,
) -> PreflightCheck {
    let requested = [
        ("system", request.system_vm_size.as_str()),
        ("worker", request.node_sku.as_str()),
    ];
    let Some(catalogue) = catalogue.filter(|c| !c.degraded) else {
        return PreflightCheck {
            name: "vm_size".into(),
            status: CheckStatus::Warn,
            message: format!(
                "VM sizes in {} could not be read; the create will tell whether they deploy.",
                request.region
            ),
            details: json!({ "degraded": true }),
        };
    };
    let mut problems = Vec::new();
    for (pool, size) in requested {
        match catalogue.skus.iter().find(|s| s.name.eq_ignore_ascii_case(size)) {
            Some(option) if option.available => {}
            Some(option) => problems.push(json!({
                "pool": pool, "vm_size": size,
                "reason": option.reason.clone().unwrap_or_else(|| "NotAvailableForSubscription".into()),
            })),
            None => problems.push(json!({ "pool": pool, "vm_size": size, "reason": "NotOffered" })),
        }
    }
    let sizes: Vec<&str> = requested.iter().map(|(_, size)| *size).collect();
    match problems.first() {
        None => PreflightCheck {
            name: "vm_size".into(),
            status: CheckStatus::Ok,
            message: format!("{} can deploy in {}.", sizes.join(" and "), request.region),
            details: json!({ "sizes": sizes }),
        },
        Some(first) => PreflightCheck {
            name: "vm_size".into(),
            status: CheckStatus::Fail,
            message: format!(
                "{} is not available in {} ({}).",
                first["vm_size"].as_str().unwrap_or_default(),
                request.region,
                first["reason"].as_str().unwrap_or_default()
            ),
            details: json!({ "blocked": problems }),
        },
    }
}

/// The `quota` row: needs per family and regional against what is free; a shortfall fails and
/// carries the fit. Sizes missing from the catalogue or unreadable usages make it a warning.
pub fn quota_check(
    request: &ProvisionRequest,
    catalogue: Option<&VmSizeCatalogue>,
    usages: Option<&[QuotaUsage]>,
    surge_nodes_per_pool: i64,
) -> PreflightCheck {
    let warn = |message: String| PreflightCheck {
        name: "quota".into(),
        status: CheckStatus::Warn,
        message,
        details: json!({ "degraded": true }),
    };
    let demand = |size: &str, count: i32| {
        catalogue?
            .skus
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(size))
            .map(|s| PoolDemand::of(s, count))
    };
    let (Some(system), Some(worker)) = (
        demand(&request.system_vm_size, request.system_node_count),
        demand(&request.node_sku, request.node_count),
    ) else {
        return warn(format!(
            "The vCPUs of the chosen sizes in {} are unknown, so quota was not checked.",
            request.region
        ));
    };
    let Some(usages) = usages else {
        return warn(format!(
            "Compute quota in {} could not be read; the create will tell whether it fits.",
            request.region
        ));
    };
    let needs = quota_needs(&system, &worker, usages, surge_nodes_per_pool);
    let fit = max_worker_nodes_fit(
        &system,
        &worker,
        usages,
        surge_nodes_per_pool,
        i64::from(MAX_POOL_NODES),
    );
    let details = |need: &QuotaNeed| {
        json!({
            "needed": need.needed,
            "free": need.free,
            "limit": need.limit,
            "binding_quota": need.quota,
            "binding": if need.quota == REGIONAL_QUOTA { "regional" } else { "family" },
            "cores_per_worker_node": worker.vcpus,
            "system_pool_cores": system.vcpus * system.count.max(0),
            "surge_nodes_per_pool": surge_nodes_per_pool,
            "max_worker_nodes_fit": fit.max_worker_nodes,
            "needs": needs,
        })
    };
    let regional_total = needs.last().map_or(0, |n| n.needed);
    match needs.iter().find(|need| !need.fits()) {
        None => PreflightCheck {
            name: "quota".into(),
            status: CheckStatus::Ok,
            message: format!(
                "Needs {regional_total} vCPUs in {}; the quota has room.",
                request.region
            ),
            details: json!({ "needs": needs, "max_worker_nodes_fit": fit.max_worker_nodes }),
        },
        Some(short) => {
            let scope = quota_scope(&short.quota);
            let fit_text = match fit.max_worker_nodes {
                0 => "not even one worker node fits".to_owned(),
                1 => "1 worker node fits".to_owned(),
                n => format!("{n} worker nodes fit"),
            };
            PreflightCheck {
                name: "quota".into(),
                status: CheckStatus::Fail,
                message: format!(
                    "Quota too small in {}: needs {} vCPUs of {scope}, {} free; {fit_text}.",
                    request.region,
                    short.needed,
                    short.free.unwrap_or(0)
                ),
                details: details(short),
            }
        }
    }
}

/// Whose permissions the pre-flight read: the signed-in user's (ARM calls on their behalf) or
/// the dashboard's own identity (service mode); docs/PRODUCT.md "Who Azure sees".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActingIdentity {
    /// The signed-in user.
    User,
    /// The dashboard's own Azure identity.
    Dashboard,
}

/// The `resource_group` row: reused (when the identity may create clusters in it), refused
/// (when it may not), created, or unreadable.
pub fn resource_group_check(
    request: &ProvisionRequest,
    state: &GroupState,
    identity: ActingIdentity,
) -> PreflightCheck {
    let group = &request.resource_group;
    let (status, message, details) = match state {
        GroupState::Exists {
            location,
            writable: Some(false),
        } => (
            CheckStatus::Fail,
            match identity {
                ActingIdentity::User => format!(
                    "Your Azure role assignments do not let you write to resource group {group} (needs {CLUSTER_WRITE_ACTION}); Azure would refuse the create."
                ),
                ActingIdentity::Dashboard => format!(
                    "The dashboard's identity cannot write to resource group {group} (needs {CLUSTER_WRITE_ACTION})."
                ),
            },
            json!({ "exists": true, "location": location, "writable": false, "action": CLUSTER_WRITE_ACTION }),
        ),
        GroupState::Exists { location, writable } => {
            let mut message =
                format!("Resource group {group} exists in {location} and will be reused");
            if !location.eq_ignore_ascii_case(&request.region) {
                // AKS accepts a cluster in another region than its group; say so, do not block.
                message.push_str(&format!(
                    "; the cluster itself will be created in {}",
                    request.region
                ));
            }
            let status = if writable.is_some() {
                message.push('.');
                CheckStatus::Ok
            } else {
                let whose = match identity {
                    ActingIdentity::User => "Your",
                    ActingIdentity::Dashboard => "The dashboard's",
                };
                message.push_str(&format!(
                    ". {whose} permissions on it could not be read, so {CLUSTER_WRITE_ACTION} was not checked."
                ));
                CheckStatus::Warn
            };
            let mut details = json!({
                "exists": true, "location": location, "writable": writable, "action": CLUSTER_WRITE_ACTION,
            });
            if writable.is_none() {
                details["degraded"] = json!(true);
            }
            (status, message, details)
        }
        // Creating the group needs Microsoft.Resources/subscriptions/resourceGroups/write at
        // subscription scope; that is not checked here (the permissions read is per group), so a
        // refusal shows up when the job ensures the group.
        GroupState::Missing => (
            CheckStatus::Ok,
            format!(
                "Resource group {group} will be created in {}.",
                request.region
            ),
            json!({ "exists": false, "location": request.region }),
        ),
        GroupState::Unreadable(reason) => (
            CheckStatus::Warn,
            format!("Resource group {group} could not be read: {reason}"),
            json!({ "degraded": true }),
        ),
    };
    PreflightCheck {
        name: "resource_group".into(),
        status,
        message,
        details,
    }
}

mod cluster_name;
mod placement;

pub use cluster_name::cluster_name_check;
pub use placement::{PolicyVerdict, SubnetState, policy_check, subnet_check, zones_check};

#[cfg(test)]
mod tests;
