//! Unit tests of the parent module.

use super::*;
use crate::classify::{Category, Facts};

fn request(zones: &[&str]) -> ProvisionRequest {
    ProvisionRequest {
        subscription_id: "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f".into(),
        resource_group: "rg-demo".into(),
        region: "swedencentral".into(),
        cluster_name: "aks-demo".into(),
        node_sku: "Standard_D4as_v5".into(),
        node_count: 3,
        system_vm_size: "Standard_D2s_v5".into(),
        system_node_count: 1,
        zones: zones.iter().map(|z| (*z).to_owned()).collect(),
        ..ProvisionRequest::default()
    }
}

fn capacity(facts: Facts) -> Classification {
    Classification {
        category: Category::Capacity,
        summary: String::new(),
        details: String::new(),
        facts,
        actions: Vec::new(),
    }
}

fn size(name: &str, vcpus: i32, memory_gb: f64, family: &str) -> VmSizeOption {
    VmSizeOption {
        name: name.into(),
        vcpus,
        memory_gb,
        family: family.into(),
        available: true,
        reason: None,
        restricted_zones: Vec::new(),
        zones: vec!["1".into(), "2".into(), "3".into()],
    }
}

fn catalogue() -> VmSizeCatalogue {
    let mut blocked = size("Standard_D4ds_v5", 4, 16.0, "standardDDSv5Family");
    blocked.available = false;
    let mut zone_3_closed = size("Standard_E4s_v5", 4, 32.0, "standardESv5Family");
    zone_3_closed.restricted_zones = vec!["3".into()];
    VmSizeCatalogue {
        skus: vec![
            size("Standard_B4ms", 4, 16.0, "standardBSFamily"),
            size("Standard_D2s_v5", 2, 8.0, "standardDSv5Family"),
            size("Standard_D4as_v5", 4, 16.0, "standardDASv5Family"),
            blocked,
            size("Standard_D4s_v3", 4, 16.0, "standardDSv3Family"),
            size("Standard_D4s_v5", 4, 16.0, "standardDSv5Family"),
            zone_3_closed,
            size("Standard_F4s_v2", 4, 8.0, "standardFSv2Family"),
            size("Standard_D8s_v5", 8, 32.0, "standardDSv5Family"),
        ],
        degraded: false,
        usages: Vec::new(),
    }
}

fn usage(name: &str, current: i64, limit: i64) -> QuotaUsage {
    QuotaUsage {
        name: name.into(),
        current,
        limit,
    }
}

fn region(name: &str, display_name: &str) -> RegionInfo {
    RegionInfo {
        name: name.into(),
        display_name: display_name.into(),
        recommended: false,
    }
}

fn labels(actions: &[Action]) -> Vec<&str> {
    actions.iter().map(|a| a.label.as_str()).collect()
}

#[test]
fn a_zonal_failure_suggests_the_other_zones_then_siblings_then_regions() {
    let request = request(&["1"]);
    let classification = capacity(Facts {
        pool: Some("workers".into()),
        ..Facts::default()
    });
    let catalogue = catalogue();
    let others = [
        (region("westeurope", "West Europe"), catalogue.clone()),
        (region("eastus", "East US"), catalogue.clone()),
    ];
    let actions = alternatives(&CapacityFailure {
        request: &request,
        classification: &classification,
        zonal: true,
        catalogue: Some(&catalogue),
        usages: None,
        other_regions: &others,
    });
    assert_eq!(
        labels(&actions),
        [
            "Retry with zones 2, 3",
            "Retry with Standard_D4s_v5",
            "Retry with Standard_D4s_v3",
            "Retry in West Europe",
        ]
    );
    assert!(actions.iter().all(|a| a.kind == ActionKind::RetryWith));
    assert_eq!(
        actions[0].retry.as_ref().and_then(|r| r.zones.clone()),
        Some(vec!["2".to_owned(), "3".to_owned()])
    );
    assert_eq!(
        actions[1]
            .retry
            .as_ref()
            .and_then(|r| r.node_sku.as_deref()),
        Some("Standard_D4s_v5")
    );
    assert_eq!(
        actions[3].retry.as_ref().and_then(|r| r.region.as_deref()),
        Some("westeurope")
    );
    let retried = actions[0].retry.clone().unwrap_or_default().apply(request);
    assert_eq!(retried.zones, ["2", "3"]);
}

#[test]
fn a_regional_failure_suggests_siblings_within_quota_and_two_regions() {
    let request = request(&[]);
    let classification = capacity(Facts {
        sizes: vec!["Standard_D4as_v5".into()],
        ..Facts::default()
    });
    let catalogue = catalogue();
    // The DSv5 family has 6 vCPUs left: the system pool's 2 and three 4-vCPU workers do not fit.
    let usages = [
        usage("cores", 0, 200),
        usage("standardDSv5Family", 94, 100),
        usage("standardDSv3Family", 100, 100),
        usage("standardFSv2Family", 0, 100),
        usage("standardESv5Family", 0, 100),
    ];
    let others = [
        (region("westeurope", "West Europe"), catalogue.clone()),
        (region("northeurope", "North Europe"), catalogue.clone()),
        (region("eastus", "East US"), catalogue.clone()),
    ];
    let actions = alternatives(&CapacityFailure {
        request: &request,
        classification: &classification,
        zonal: false,
        catalogue: Some(&catalogue),
        usages: Some(&usages),
        other_regions: &others,
    });
    assert_eq!(
        labels(&actions),
        [
            "Retry with Standard_F4s_v2",
            "Retry with Standard_E4s_v5",
            "Retry in West Europe",
            "Retry in North Europe",
        ]
    );
}

#[test]
fn the_system_pool_s_failure_changes_the_system_size() {
    let request = request(&[]);
    let classification = capacity(Facts {
        pool: Some("AgentPoolProfile:system".into()),
        ..Facts::default()
    });
    let mut catalogue = catalogue();
    catalogue
        .skus
        .push(size("Standard_D2as_v5", 2, 8.0, "standardDASv5Family"));
    let actions = alternatives(&CapacityFailure {
        request: &request,
        classification: &classification,
        zonal: false,
        catalogue: Some(&catalogue),
        usages: None,
        other_regions: &[],
    });
    assert_eq!(labels(&actions), ["Retry with Standard_D2as_v5"]);
    assert_eq!(
        actions[0].retry,
        Some(RequestChanges {
            system_vm_size: Some("Standard_D2as_v5".into()),
            ..RequestChanges::default()
        })
    );
}

#[test]
fn an_unknown_zone_among_several_suggests_no_zones() {
    let request = request(&["1", "2", "3"]);
    let classification = capacity(Facts::default());
    let actions = alternatives(&CapacityFailure {
        request: &request,
        classification: &classification,
        zonal: true,
        catalogue: None,
        usages: None,
        other_regions: &[],
    });
    assert_eq!(labels(&actions), ["Retry without zones"]);
    assert_eq!(
        actions[0].retry.as_ref().and_then(|r| r.zones.clone()),
        Some(Vec::new())
    );
}

#[test]
fn a_zone_the_catalogue_restricts_is_taken_as_the_failed_one() {
    let request = request(&["1", "2", "3"]);
    let classification = capacity(Facts::default());
    let mut catalogue = catalogue();
    if let Some(worker) = catalogue
        .skus
        .iter_mut()
        .find(|s| s.name == "Standard_D4as_v5")
    {
        worker.restricted_zones = vec!["1".into()];
    }
    let actions = alternatives(&CapacityFailure {
        request: &request,
        classification: &classification,
        zonal: true,
        catalogue: Some(&catalogue),
        usages: None,
        other_regions: &[],
    });
    assert_eq!(labels(&actions)[0], "Retry with zones 2, 3");
}

#[test]
fn a_chosen_subnet_keeps_the_region_and_a_degraded_catalogue_offers_no_size() {
    let mut request = request(&[]);
    request.subnet_id = Some("/subscriptions/s/x".into());
    let classification = capacity(Facts::default());
    let degraded = VmSizeCatalogue {
        skus: Vec::new(),
        degraded: true,
        usages: Vec::new(),
    };
    let others = [(region("westeurope", "West Europe"), catalogue())];
    let actions = alternatives(&CapacityFailure {
        request: &request,
        classification: &classification,
        zonal: false,
        catalogue: Some(&degraded),
        usages: None,
        other_regions: &others,
    });
    assert!(actions.is_empty(), "{actions:?}");
}

#[test]
fn nearby_regions_are_read_first_and_at_most_eight() {
    let names = [
        "eastus",
        "westeurope",
        "japaneast",
        "northeurope",
        "swedencentral",
        "uksouth",
        "francecentral",
        "germanywestcentral",
        "westus",
        "norwayeast",
        "polandcentral",
        "italynorth",
        "australiaeast",
    ];
    let regions: Vec<RegionInfo> = names.iter().map(|n| region(n, n)).collect();
    let read: Vec<String> = regions_to_read("swedencentral", &regions)
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(
        read,
        [
            "westeurope",
            "northeurope",
            "uksouth",
            "francecentral",
            "germanywestcentral",
            "norwayeast",
            "polandcentral",
            "italynorth",
        ]
    );
    let from_us = regions_to_read("eastus", &regions);
    assert_eq!(from_us[0].name, "westus");
    assert_eq!(from_us.len(), MAX_REGIONS_READ);
}
