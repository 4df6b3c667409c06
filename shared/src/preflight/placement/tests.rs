//! Unit tests of the parent module.

use super::*;
use crate::vm_size::VmSizeOption;
use rstest::rstest;

const SUBNET: &str = "/subscriptions/8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/vnet-spoke/subnets/aks-small";

fn request() -> ProvisionRequest {
    ProvisionRequest {
        subscription_id: "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f".into(),
        resource_group: "rg-demo".into(),
        region: "eastus".into(),
        cluster_name: "aks-demo".into(),
        node_sku: "Standard_D4s_v5".into(),
        node_count: 3,
        system_vm_size: "Standard_D2s_v5".into(),
        system_node_count: 1,
        ..ProvisionRequest::default()
    }
}

fn size(name: &str, restricted: &[&str]) -> VmSizeOption {
    VmSizeOption {
        name: name.into(),
        vcpus: 4,
        memory_gb: 16.0,
        family: "f".into(),
        available: true,
        reason: (!restricted.is_empty()).then(|| "NotAvailableForSubscription".into()),
        restricted_zones: restricted.iter().map(|z| (*z).to_owned()).collect(),
        zones: vec!["1".into(), "2".into(), "3".into()],
    }
}

fn catalogue(worker_restricted: &[&str]) -> VmSizeCatalogue {
    VmSizeCatalogue {
        skus: vec![
            size("Standard_D2s_v5", &[]),
            size("Standard_D4s_v5", worker_restricted),
        ],
        degraded: false,
        usages: Vec::new(),
    }
}

#[test]
fn a_denying_assignment_warns_with_its_name_and_the_allowed_locations() {
    let verdict = PolicyVerdict::Denied {
        assignment: "allowed-locations-aks".into(),
        allowed_locations: vec!["westeurope".into(), "swedencentral".into()],
    };
    let row = policy_check(&request(), &verdict);
    assert_eq!(
        (row.name.as_str(), row.status),
        ("policy", CheckStatus::Warn)
    );
    assert_eq!(
        row.message,
        "Azure Policy assignment 'allowed-locations-aks' denies clusters in eastus, so Azure will likely refuse the create (RequestDisallowedByPolicy). It allows westeurope, swedencentral."
    );
    assert_eq!(row.details["allowed_locations"][1], "swedencentral");
}

#[rstest]
#[case::allowed(PolicyVerdict::Allowed, CheckStatus::Ok, "No Azure Policy")]
#[case::unreadable(PolicyVerdict::Unreadable("403 AuthorizationFailed".into()), CheckStatus::Warn, "could not be checked")]
fn the_policy_row_never_fails(
    #[case] verdict: PolicyVerdict,
    #[case] status: CheckStatus,
    #[case] says: &str,
) {
    let row = policy_check(&request(), &verdict);
    assert_eq!(row.status, status);
    assert!(row.message.contains(says), "{}", row.message);
}

#[test]
fn no_zones_no_zone_row() {
    assert_eq!(zones_check(&request(), Some(&catalogue(&["1"]))), None);
}

#[test]
fn a_restricted_zone_warns_and_names_the_zones_that_work() {
    let mut zoned = request();
    zoned.zones = vec!["1".into(), "2".into()];
    let row = zones_check(&zoned, Some(&catalogue(&["1"]))).expect("a row");
    assert_eq!(
        (row.name.as_str(), row.status),
        ("zones", CheckStatus::Warn)
    );
    assert_eq!(
        row.message,
        "Standard_D4s_v5 is restricted in zone 1 of eastus; zones 2, 3 work for both sizes."
    );
    assert_eq!(row.details["restricted"][0]["pool"], "worker");
    assert_eq!(row.details["working_zones"], json!(["2", "3"]));

    zoned.zones = vec!["2".into(), "3".into()];
    let row = zones_check(&zoned, Some(&catalogue(&["1"]))).expect("a row");
    assert_eq!(row.status, CheckStatus::Ok, "{}", row.message);
}

#[test]
fn a_size_restricted_everywhere_says_no_zone_works() {
    let mut zoned = request();
    zoned.zones = vec!["1".into()];
    let row = zones_check(&zoned, Some(&catalogue(&["1", "2", "3"]))).expect("a row");
    assert!(
        row.message
            .contains("no zone of the region offers both sizes"),
        "{}",
        row.message
    );
}

#[test]
fn unread_zone_restrictions_warn() {
    let mut zoned = request();
    zoned.zones = vec!["3".into()];
    let degraded = VmSizeCatalogue {
        skus: Vec::new(),
        degraded: true,
        usages: Vec::new(),
    };
    for catalogue in [None, Some(&degraded)] {
        let row = zones_check(&zoned, catalogue).expect("a row");
        assert_eq!(row.status, CheckStatus::Warn);
        assert_eq!(row.details["degraded"], true);
    }
}

#[test]
fn no_subnet_no_subnet_row() {
    assert_eq!(subnet_check(&request(), &SubnetState::Missing), None);
}

#[rstest]
// 1 + 3 nodes × 31 = 124 addresses.
#[case::too_small(27, CheckStatus::Warn)]
#[case::one_short(123, CheckStatus::Warn)]
#[case::exactly(124, CheckStatus::Ok)]
#[case::plenty(1019, CheckStatus::Ok)]
fn the_subnet_row_compares_needed_with_free(#[case] free: i64, #[case] status: CheckStatus) {
    let chosen = ProvisionRequest {
        subnet_id: Some(SUBNET.into()),
        ..request()
    };
    let state = SubnetState::Found {
        cidr: "10.240.0.0/27".into(),
        free: Some(free),
    };
    let row = subnet_check(&chosen, &state).expect("a row");
    assert_eq!((row.name.as_str(), row.status), ("subnet", status));
    assert_eq!(row.details["needed"], 124);
    assert_eq!(row.details["free"], free);
    assert!(
        row.message
            .starts_with(&format!("Subnet aks-small (10.240.0.0/27) has {free} free addresses; the cluster needs 124 (4 nodes × 31: each node and its 30 pods)")),
        "{}",
        row.message
    );
}

#[rstest]
#[case::missing(SubnetState::Missing, "was not found")]
#[case::unreadable(SubnetState::Unreadable("timed out".into()), "could not be read (timed out)")]
#[case::odd_prefix(SubnetState::Found { cidr: "fd00::/64".into(), free: None }, "could not be counted")]
fn a_subnet_that_cannot_be_measured_warns(#[case] state: SubnetState, #[case] says: &str) {
    let chosen = ProvisionRequest {
        subnet_id: Some(SUBNET.into()),
        ..request()
    };
    let row = subnet_check(&chosen, &state).expect("a row");
    assert_eq!(row.status, CheckStatus::Warn);
    assert!(row.message.contains(says), "{}", row.message);
}
