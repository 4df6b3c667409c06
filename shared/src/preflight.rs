//! Pre-flight arithmetic (PRODUCT.md §3, issue 4): the vCPUs a create needs per quota (each VM
//! family and the regional total) against `limit − currentValue`, the largest worker count that
//! fits under the binding limit, and the report whose `ok` is derived from its rows.
//!
//! A new VM's vCPUs must fit in both its family's quota and the Total Regional vCPUs quota
//! (ARM_FACTS.md §3), so every pool counts against its family and against `cores`.

use crate::provision::{MAX_POOL_NODES, ProvisionRequest};
use crate::vm_size::VmSizeCatalogue;
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

/// One compute usage: a quota's limit and what is used of it.
#[derive(Clone, Debug, PartialEq, Eq)]
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
            .map(|s| PoolDemand {
                family: s.family.clone(),
                vcpus: i64::from(s.vcpus),
                count: i64::from(count),
            })
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
            let scope = if short.quota == REGIONAL_QUOTA {
                "Total Regional vCPUs".to_owned()
            } else {
                short.quota.clone()
            };
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

/// The `resource_group` row: reused (when the identity may create clusters in it), refused
/// (when it may not), created, or unreadable.
pub fn resource_group_check(request: &ProvisionRequest, state: &GroupState) -> PreflightCheck {
    let group = &request.resource_group;
    let (status, message, details) = match state {
        GroupState::Exists {
            location,
            writable: Some(false),
        } => (
            CheckStatus::Fail,
            format!(
                "The dashboard's identity cannot write to resource group {group} (needs {CLUSTER_WRITE_ACTION})."
            ),
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
                message.push_str(&format!(
                    ". The dashboard's permissions on it could not be read, so {CLUSTER_WRITE_ACTION} was not checked."
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

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    fn usage(name: &str, current: i64, limit: i64) -> QuotaUsage {
        QuotaUsage {
            name: name.into(),
            current,
            limit,
        }
    }

    fn pool(family: &str, vcpus: i64, count: i64) -> PoolDemand {
        PoolDemand {
            family: family.into(),
            vcpus,
            count,
        }
    }

    /// The seed's case: 10 × 16-core workers + 1 × 2-core system, 100 free regional vCPUs.
    fn seed() -> (PoolDemand, PoolDemand, Vec<QuotaUsage>) {
        (
            pool("standardDSv5Family", 2, 1),
            pool("standardESv5Family", 16, 10),
            vec![
                usage("cores", 0, 100),
                usage("standardDSv5Family", 0, 200),
                usage("standardESv5Family", 0, 200),
            ],
        )
    }

    #[test]
    fn the_seed_case_needs_162_of_100_regional_vcpus_and_fits_6_workers() {
        let (system, worker, usages) = seed();
        let needs = quota_needs(&system, &worker, &usages, 0);
        let regional = needs
            .iter()
            .find(|n| n.quota == "cores")
            .expect("regional row");
        assert_eq!((regional.needed, regional.free), (162, Some(100)));
        assert!(!regional.fits());
        assert!(
            needs
                .iter()
                .filter(|n| n.quota != "cores")
                .all(QuotaNeed::fits)
        );
        let fit = max_worker_nodes_fit(&system, &worker, &usages, 0, 1000);
        assert_eq!(fit.max_worker_nodes, 6, "(100 − 2) / 16 = 6");
        assert_eq!(fit.binding_quota.as_deref(), Some("cores"));
    }

    #[rstest]
    // Each pool holds `surge` more nodes while it is created; all of them count.
    #[case(0, 6)] // (100 − 2) / 16
    #[case(1, 5)] // (100 − 2·2 − 16) / 16 = 80 / 16
    #[case(2, 3)] // (100 − 3·2 − 32) / 16 = 62 / 16
    fn surge_nodes_count_against_the_fit(#[case] surge: i64, #[case] workers: i64) {
        let (system, worker, usages) = seed();
        let fit = max_worker_nodes_fit(&system, &worker, &usages, surge, 1000);
        assert_eq!(fit.max_worker_nodes, workers);
        let regional = quota_needs(&system, &worker, &usages, surge)
            .into_iter()
            .find(|n| n.quota == "cores")
            .expect("regional row");
        assert_eq!(regional.needed, 2 * (1 + surge) + 16 * (10 + surge));
    }

    #[rstest]
    #[case::family_binds(
        vec![usage("cores", 0, 500), usage("standardDSv5Family", 40, 100)],
        "standardDSv5Family",
        (100 - 40 - 2) / 4
    )]
    #[case::regional_binds(
        vec![usage("cores", 90, 100), usage("standardDSv5Family", 0, 100)],
        "cores",
        (100 - 90 - 2) / 4
    )]
    #[case::over_the_limit_already(
        vec![usage("cores", 120, 100), usage("standardDSv5Family", 0, 100)],
        "cores",
        0
    )]
    fn the_tighter_quota_binds(
        #[case] usages: Vec<QuotaUsage>,
        #[case] binding: &str,
        #[case] workers: i64,
    ) {
        // Same family for both pools: the system pool's cores come out of the family quota too.
        let system = pool("standardDSv5Family", 2, 1);
        let worker = pool("standardDSv5Family", 4, 3);
        let fit = max_worker_nodes_fit(&system, &worker, &usages, 0, 1000);
        assert_eq!(fit.max_worker_nodes, workers);
        assert_eq!(fit.binding_quota.as_deref(), Some(binding));
    }

    #[test]
    fn one_family_for_both_pools_is_one_need() {
        let system = pool("standardDSv5Family", 2, 1);
        let worker = pool("standarddsv5family", 4, 3);
        let needs = quota_needs(&system, &worker, &[usage("cores", 0, 100)], 0);
        let quotas: Vec<(&str, i64)> = needs.iter().map(|n| (n.quota.as_str(), n.needed)).collect();
        assert_eq!(quotas, [("standardDSv5Family", 14), ("cores", 14)]);
        assert_eq!(needs[0].free, None, "family quota not reported");
        assert!(
            needs[0].fits(),
            "an unreported quota is not a failure of the arithmetic"
        );
    }

    #[test]
    fn nothing_reported_means_nothing_binds_and_the_pool_limit_caps() {
        let fit = max_worker_nodes_fit(&pool("a", 2, 1), &pool("b", 4, 3), &[], 0, 1000);
        assert_eq!(
            fit,
            WorkerFit {
                max_worker_nodes: 1000,
                binding_quota: None
            }
        );
        let huge = [usage("cores", 0, 1_000_000), usage("b", 0, 1_000_000)];
        let fit = max_worker_nodes_fit(&pool("a", 2, 1), &pool("b", 4, 3), &huge, 0, 1000);
        assert_eq!(
            fit,
            WorkerFit {
                max_worker_nodes: 1000,
                binding_quota: None
            },
            "ARM's pool limit binds, not a quota"
        );
    }

    #[test]
    fn nonsense_inputs_do_not_panic_or_go_negative() {
        let weird = pool("b", 0, -5);
        let fit = max_worker_nodes_fit(
            &pool("a", -2, -1),
            &weird,
            &[usage("cores", 0, 10)],
            -3,
            1000,
        );
        assert!(fit.max_worker_nodes >= 0);
        let needs = quota_needs(&pool("a", -2, -1), &weird, &[], -3);
        assert!(needs.iter().all(|n| n.needed >= 0));
    }

    #[test]
    fn ok_is_derived_from_the_rows() {
        let row = |status| PreflightCheck {
            name: "x".into(),
            status,
            message: String::new(),
            details: serde_json::Value::Null,
        };
        assert!(
            PreflightReport::new(
                vec![row(CheckStatus::Ok), row(CheckStatus::Warn)],
                String::new()
            )
            .ok
        );
        assert!(
            !PreflightReport::new(
                vec![row(CheckStatus::Ok), row(CheckStatus::Fail)],
                String::new()
            )
            .ok
        );
        assert!(PreflightReport::new(vec![], String::new()).ok);
        assert_eq!(
            serde_json::to_value(CheckStatus::Fail).expect("serialize"),
            serde_json::json!("fail")
        );
    }

    fn size(
        name: &str,
        family: &str,
        vcpus: i32,
        reason: Option<&str>,
    ) -> crate::vm_size::VmSizeOption {
        crate::vm_size::VmSizeOption {
            name: name.into(),
            vcpus,
            memory_gb: 8.0,
            family: family.into(),
            available: reason.is_none(),
            reason: reason.map(str::to_owned),
            restricted_zones: Vec::new(),
        }
    }

    fn seed_request() -> ProvisionRequest {
        ProvisionRequest {
            region: "koreacentral".into(),
            resource_group: "rg-k".into(),
            system_vm_size: "Standard_D2s_v5".into(),
            system_node_count: 1,
            node_sku: "Standard_E16s_v5".into(),
            node_count: 10,
            ..ProvisionRequest::default()
        }
    }

    fn seed_catalogue(blocked: Option<&str>) -> VmSizeCatalogue {
        VmSizeCatalogue {
            skus: vec![
                size("Standard_D2s_v5", "standardDSv5Family", 2, None),
                size("Standard_E16s_v5", "standardESv5Family", 16, blocked),
            ],
            degraded: false,
        }
    }

    #[test]
    fn the_quota_row_fails_the_seed_case_with_its_numbers_and_fit() {
        let (_, _, usages) = seed();
        let row = quota_check(
            &seed_request(),
            Some(&seed_catalogue(None)),
            Some(&usages),
            0,
        );
        assert_eq!(row.status, CheckStatus::Fail);
        assert_eq!(
            row.message,
            "Quota too small in koreacentral: needs 162 vCPUs of Total Regional vCPUs, 100 free; 6 worker nodes fit."
        );
        assert_eq!(row.details["needed"], 162);
        assert_eq!(row.details["free"], 100);
        assert_eq!(row.details["binding"], "regional");
        assert_eq!(row.details["cores_per_worker_node"], 16);
        assert_eq!(row.details["system_pool_cores"], 2);
        assert_eq!(row.details["max_worker_nodes_fit"], 6);
        let mut fitting = seed_request();
        fitting.node_count = 6;
        let row = quota_check(&fitting, Some(&seed_catalogue(None)), Some(&usages), 0);
        assert_eq!(row.status, CheckStatus::Ok, "{}", row.message);
    }

    #[test]
    fn the_quota_row_warns_when_it_cannot_count() {
        let (_, _, usages) = seed();
        let unreadable = quota_check(&seed_request(), Some(&seed_catalogue(None)), None, 0);
        assert_eq!(unreadable.status, CheckStatus::Warn);
        let unknown_size = quota_check(&seed_request(), None, Some(&usages), 0);
        assert_eq!(unknown_size.status, CheckStatus::Warn);
    }

    #[test]
    fn the_size_row_names_a_blocked_size_and_its_reason() {
        let request = seed_request();
        let ok = size_check(&request, Some(&seed_catalogue(None)));
        assert_eq!(ok.status, CheckStatus::Ok);
        let blocked = size_check(&request, Some(&seed_catalogue(Some("QuotaId"))));
        assert_eq!(blocked.status, CheckStatus::Fail);
        assert_eq!(
            blocked.message,
            "Standard_E16s_v5 is not available in koreacentral (QuotaId)."
        );
        let mut missing = request.clone();
        missing.system_vm_size = "Standard_Nope".into();
        let row = size_check(&missing, Some(&seed_catalogue(None)));
        assert_eq!(row.details["blocked"][0]["reason"], "NotOffered");
        let degraded = VmSizeCatalogue {
            skus: vec![],
            degraded: true,
        };
        assert_eq!(
            size_check(&request, Some(&degraded)).status,
            CheckStatus::Warn
        );
        assert_eq!(size_check(&request, None).status, CheckStatus::Warn);
    }

    #[test]
    fn a_zone_only_restriction_does_not_block_a_create_without_zones() {
        let mut catalogue = seed_catalogue(None);
        for option in &mut catalogue.skus {
            option.reason = Some("NotAvailableForSubscription".into());
            option.restricted_zones = vec!["3".into()];
        }
        let row = size_check(&seed_request(), Some(&catalogue));
        assert_eq!(row.status, CheckStatus::Ok, "{}", row.message);
    }

    fn existing(location: &str, writable: Option<bool>) -> GroupState {
        GroupState::Exists {
            location: location.into(),
            writable,
        }
    }

    #[rstest]
    #[case::reused_in_its_region(
        existing("koreacentral", Some(true)),
        CheckStatus::Ok,
        "Resource group rg-k exists in koreacentral and will be reused."
    )]
    #[case::reused_from_another_region(
        existing("eastus", Some(true)),
        CheckStatus::Ok,
        "Resource group rg-k exists in eastus and will be reused; the cluster itself will be created in koreacentral."
    )]
    #[case::not_writable(
        existing("koreacentral", Some(false)),
        CheckStatus::Fail,
        "The dashboard's identity cannot write to resource group rg-k (needs Microsoft.ContainerService/managedClusters/write)."
    )]
    #[case::not_writable_in_another_region(
        existing("eastus", Some(false)),
        CheckStatus::Fail,
        "The dashboard's identity cannot write to resource group rg-k (needs Microsoft.ContainerService/managedClusters/write)."
    )]
    #[case::permissions_unreadable(
        existing("koreacentral", None),
        CheckStatus::Warn,
        "Resource group rg-k exists in koreacentral and will be reused. The dashboard's permissions on it could not be read, so Microsoft.ContainerService/managedClusters/write was not checked."
    )]
    #[case::created(
        GroupState::Missing,
        CheckStatus::Ok,
        "Resource group rg-k will be created in koreacentral."
    )]
    #[case::unreadable(
        GroupState::Unreadable("403".into()),
        CheckStatus::Warn,
        "Resource group rg-k could not be read: 403"
    )]
    fn the_group_row_says_reuse_refuse_create_or_unreadable(
        #[case] state: GroupState,
        #[case] status: CheckStatus,
        #[case] message: &str,
    ) {
        let row = resource_group_check(&seed_request(), &state);
        assert_eq!((row.status, row.message.as_str()), (status, message));
    }

    #[test]
    fn the_group_row_details_name_the_action_and_the_answer() {
        let request = seed_request();
        let refused = resource_group_check(&request, &existing("eastus", Some(false)));
        assert_eq!(
            refused.details,
            json!({
                "exists": true, "location": "eastus", "writable": false,
                "action": "Microsoft.ContainerService/managedClusters/write",
            })
        );
        let unknown = resource_group_check(&request, &existing("eastus", None));
        assert_eq!(unknown.details["writable"], serde_json::Value::Null);
        assert_eq!(unknown.details["degraded"], true);
        let reused = resource_group_check(&request, &existing("eastus", Some(true)));
        assert_eq!(reused.details["writable"], true);
        assert!(reused.details.get("degraded").is_none());
        let created = resource_group_check(&request, &GroupState::Missing);
        assert_eq!(
            created.details,
            json!({ "exists": false, "location": "koreacentral" })
        );
        assert!(
            !PreflightReport::new(vec![refused], String::new()).ok,
            "a group the identity cannot write blocks the create"
        );
    }
}
