//! Unit tests of the parent module.

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
        zones: Vec::new(),
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
        usages: Vec::new(),
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
        usages: Vec::new(),
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
    let row = resource_group_check(&seed_request(), &state, ActingIdentity::Dashboard);
    assert_eq!((row.status, row.message.as_str()), (status, message));
}

#[test]
fn a_user_is_told_their_own_role_assignments_decide() {
    let request = seed_request();
    let refused = resource_group_check(
        &request,
        &existing("eastus", Some(false)),
        ActingIdentity::User,
    );
    assert_eq!(refused.status, CheckStatus::Fail);
    assert!(
        refused
            .message
            .starts_with("Your Azure role assignments do not let you write to resource group rg-k"),
        "{}",
        refused.message
    );
    let unknown = resource_group_check(&request, &existing("eastus", None), ActingIdentity::User);
    assert!(
        unknown
            .message
            .contains("Your permissions on it could not be read"),
        "{}",
        unknown.message
    );
}

#[test]
fn the_group_row_details_name_the_action_and_the_answer() {
    let request = seed_request();
    let refused = resource_group_check(
        &request,
        &existing("eastus", Some(false)),
        ActingIdentity::Dashboard,
    );
    assert_eq!(
        refused.details,
        json!({
            "exists": true, "location": "eastus", "writable": false,
            "action": "Microsoft.ContainerService/managedClusters/write",
        })
    );
    let unknown = resource_group_check(
        &request,
        &existing("eastus", None),
        ActingIdentity::Dashboard,
    );
    assert_eq!(unknown.details["writable"], serde_json::Value::Null);
    assert_eq!(unknown.details["degraded"], true);
    let reused = resource_group_check(
        &request,
        &existing("eastus", Some(true)),
        ActingIdentity::Dashboard,
    );
    assert_eq!(reused.details["writable"], true);
    assert!(reused.details.get("degraded").is_none());
    let created = resource_group_check(&request, &GroupState::Missing, ActingIdentity::Dashboard);
    assert_eq!(
        created.details,
        json!({ "exists": false, "location": "koreacentral" })
    );
    assert!(
        !PreflightReport::new(vec![refused], String::new()).ok,
        "a group the identity cannot write blocks the create"
    );
}
