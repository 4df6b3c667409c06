//! The world file's checks: the default world tells every story, the environment overrides
//! timings, and an inconsistent world is refused with the reason.

use super::*;

#[test]
fn default_world_parses_and_tells_every_story() {
    let world = World::default_world().expect("default world");
    assert!(world.vm_sizes.len() >= 12);
    assert!(world.regions.iter().any(|r| !r.aks), "a region without AKS");
    let sweden = world.region("swedencentral").expect("swedencentral");
    let zones = |z: &[&str]| z.iter().map(|z| (*z).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        sweden.shortage("Standard_D4as_v5", &[]),
        Some(Shortage::Regional),
        "a size out of capacity"
    );
    assert_eq!(
        sweden.shortage("Standard_D4s_v5", &zones(&["1", "2"])),
        Some(Shortage::Zonal(zones(&["1"]))),
        "a zone out of capacity"
    );
    assert_eq!(
        sweden.shortage("Standard_D4s_v5", &zones(&["2", "3"])),
        None
    );
    assert!(
        world
            .policy_assignments
            .iter()
            .any(|a| a.scope.ends_with("/rg-governed")
                && !a.allows_location("eastus")
                && a.allows_location("West Europe")),
        "a policy denying a region"
    );
    let subnets: Vec<(&str, Option<u64>)> = world
        .virtual_networks
        .iter()
        .flat_map(|v| &v.subnets)
        .map(|s| (s.name.as_str(), s.usable_addresses()))
        .collect();
    assert_eq!(
        subnets,
        [("aks-small", Some(27)), ("aks-nodes", Some(1019))],
        "a subnet too small and one that fits"
    );
    assert!(
        world.regions.iter().any(|r| r.regional_vcpu_limit <= 100),
        "a quota-tight region"
    );
    assert!(
        world
            .regions
            .iter()
            .any(|r| r.restrictions.iter().any(|x| x.zones.is_empty()
                && world
                    .vm_size(&x.vm_size)
                    .is_some_and(|s| s.name == "Standard_D16s_v5"))),
        "a blocked size"
    );
    assert!(!world.denied_write_scopes.is_empty(), "a read-only scope");
    assert!(
        world
            .regions
            .iter()
            .any(|r| r.aks && r.competing_deployment_vcpus > 0),
        "a quota race"
    );
    assert!(
        world.regions.iter().any(|r| r.aks
            && r.capacity_restricted("Standard_D4s_v5")
            && r.restrictions.is_empty()),
        "a size listed as available that has no capacity at deploy time"
    );
    assert!(
        world
            .denied_write_scopes
            .iter()
            .any(|d| d.scope.ends_with("/managedClusters/aks-locked")),
        "a cluster the identity cannot write in a group it can"
    );
}

#[test]
fn environment_overrides_timings_and_replaces_the_world() {
    let lookup = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    };
    let world = World::from_lookup(lookup(&[
        ("SANDBOX_CREATE_SECONDS", "2.5"),
        ("SANDBOX_DELETE_SECONDS", "0.75"),
        ("SANDBOX_RETRY_AFTER_SECONDS", "1"),
        ("SANDBOX_VALIDATION_MS", "2500"),
        ("SANDBOX_ACCESS_TOKEN_SECONDS", "20"),
    ]))
    .expect("world");
    assert_eq!(world.entra.access_token_lifetime_seconds, 20);
    assert!((world.timings.create_seconds - 2.5).abs() < f64::EPSILON);
    assert!((world.timings.delete_seconds - 0.75).abs() < f64::EPSILON);
    assert_eq!(world.timings.retry_after_seconds, 1);
    assert_eq!(world.timings.validation_ms, 2500);
    let error = World::from_lookup(lookup(&[("SANDBOX_CREATE_SECONDS", "soon")])).unwrap_err();
    assert_eq!(
        error.to_string(),
        "SANDBOX_CREATE_SECONDS must be a non-negative number, got \"soon\""
    );
    let error = World::from_lookup(lookup(&[("SANDBOX_DELETE_SECONDS", "-1")])).unwrap_err();
    assert_eq!(
        error.to_string(),
        "SANDBOX_DELETE_SECONDS must be a non-negative number, got \"-1\""
    );
    let error =
        World::from_lookup(lookup(&[("SANDBOX_ACCESS_TOKEN_SECONDS", "short")])).unwrap_err();
    assert_eq!(
        error.to_string(),
        "SANDBOX_ACCESS_TOKEN_SECONDS must be a non-negative number, got \"short\""
    );
    let default = World::from_lookup(lookup(&[])).expect("world");
    assert_eq!(
        default.entra.access_token_lifetime_seconds, 3600,
        "the default world's access tokens live an hour"
    );
    assert!(
        (default.timings.delete_seconds - 15.0).abs() < f64::EPSILON,
        "the default world's delete takes 15 s"
    );
    let error =
        World::from_lookup(lookup(&[("SANDBOX_CONFIG", "/nonexistent/world.toml")])).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("cannot read sandbox world /nonexistent/world.toml"),
        "{error}"
    );
}

#[test]
fn inconsistent_worlds_are_refused_with_the_reason() {
    let broken = DEFAULT_WORLD_TOML.replace(
        "{ vm_size = \"Standard_D16s_v5\", reason",
        "{ vm_size = \"Standard_Nope\", reason",
    );
    let error = World::from_toml(&broken).unwrap_err();
    assert!(error.to_string().contains("Standard_Nope"), "{error}");
    let broken = DEFAULT_WORLD_TOML.replace(
        "capacity_restricted_sizes = [\"Standard_D4s_v5\"]",
        "capacity_restricted_sizes = [\"Standard_Gone\"]",
    );
    let error = World::from_toml(&broken).unwrap_err();
    assert!(error.to_string().contains("Standard_Gone"), "{error}");
    let broken = DEFAULT_WORLD_TOML.replace(
        "{ vm_sizes = [\"Standard_D4as_v5\"] }",
        "{ vm_sizes = [\"Standard_Gone\"] }",
    );
    let error = World::from_toml(&broken).unwrap_err();
    assert!(error.to_string().contains("Standard_Gone"), "{error}");
    let broken = DEFAULT_WORLD_TOML.replace("\"10.240.0.0/27\"", "\"10.240.0/27\"");
    let error = World::from_toml(&broken).unwrap_err();
    assert!(error.to_string().contains("10.240.0/27"), "{error}");
    let broken = DEFAULT_WORLD_TOML.replace(
        "resource_group = \"rg-network\"",
        "resource_group = \"rg-nowhere\"",
    );
    let error = World::from_toml(&broken).unwrap_err();
    assert!(error.to_string().contains("vnet-spoke"), "{error}");
    let broken = DEFAULT_WORLD_TOML.replace("effect = \"deny\"", "effect = \"audit\"");
    let error = World::from_toml(&broken).unwrap_err();
    assert!(error.to_string().contains("deny only"), "{error}");
    let unknown_key = format!("{DEFAULT_WORLD_TOML}\n[surprise]\nx = 1\n");
    assert!(matches!(
        World::from_toml(&unknown_key),
        Err(WorldError::Parse(_))
    ));
}
