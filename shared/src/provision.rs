//! The create request (`POST /api/aks/provision`, the create modal) and its validation with
//! ARM's own rules (docs/PRODUCT.md §3, docs/ARM_FACTS.md §1).
//!
//! One function, [`ProvisionRequest::field_errors`], serves both the modal's live messages and
//! the server's 400 answers, so the browser and the API can never disagree about a field.

use crate::naming::{
    validate_cluster_name, validate_region_name, validate_resource_group_name,
    validate_subscription_id,
};
use serde::{Deserialize, Serialize};

/// Name of the system node pool the dashboard creates.
pub const SYSTEM_POOL_NAME: &str = "system";
/// Name of the worker (user) node pool the dashboard creates.
pub const WORKER_POOL_NAME: &str = "workers";
/// Largest node count of one pool (ARM: `count` 0–1000 for user pools, 1–1000 for system pools).
pub const MAX_POOL_NODES: i32 = 1000;
/// The DNS prefix limit AKS enforces (1–54 characters).
const DNS_PREFIX_MAX: usize = 54;

/// What the user asks to create. Field names follow the earlier product's API.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvisionRequest {
    /// Subscription (GUID).
    pub subscription_id: String,
    /// Resource group; created when it does not exist.
    pub resource_group: String,
    /// Region (`koreacentral`).
    pub region: String,
    /// Cluster name.
    pub cluster_name: String,
    /// VM size of the worker pool.
    pub node_sku: String,
    /// Worker node count.
    pub node_count: i32,
    /// VM size of the system pool.
    pub system_vm_size: String,
    /// System node count.
    pub system_node_count: i32,
    /// "1.x" or "1.x.y"; `None` or empty means AKS's default.
    #[serde(default)]
    pub kubernetes_version: Option<String>,
    /// Availability zones of both pools (`"1"`, `"2"`, `"3"`); empty lets Azure place nodes
    /// without a zone constraint.
    #[serde(default)]
    pub zones: Vec<String>,
    /// ARM id of an existing subnet for the nodes (Azure CNI); `None` lets AKS create its own
    /// virtual network.
    #[serde(default)]
    pub subnet_id: Option<String>,
}

/// What a one-click "Retry with …" changes in a request; `None` keeps the field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RequestChanges {
    /// A different region.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// A different worker size.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_sku: Option<String>,
    /// A different system-pool size.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system_vm_size: Option<String>,
    /// Different availability zones (an empty list drops the zone constraint).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zones: Option<Vec<String>>,
}

impl RequestChanges {
    /// The request with these changes made.
    pub fn apply(&self, mut request: ProvisionRequest) -> ProvisionRequest {
        if let Some(region) = &self.region {
            request.region = region.clone();
        }
        if let Some(size) = &self.node_sku {
            request.node_sku = size.clone();
        }
        if let Some(size) = &self.system_vm_size {
            request.system_vm_size = size.clone();
        }
        if let Some(zones) = &self.zones {
            request.zones = zones.clone();
        }
        request
    }
}

/// A field the user must fix, named as the API names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The request field (`cluster_name`, `node_count`, …).
    pub field: String,
    /// What is wrong, as a sentence for the person who typed it.
    pub message: String,
}

impl ProvisionRequest {
    /// The members of a JSON create body that are not fields of a create request, in the
    /// body's order (empty when `body` is not an object). The API refuses them rather than
    /// ignore them: a misspelt `kubernetes_versoin` would otherwise create a cluster with
    /// AKS's default version without a word.
    pub fn unknown_fields(body: &serde_json::Value) -> Vec<String> {
        let known = serde_json::to_value(Self::default()).unwrap_or_default();
        match (body.as_object(), known.as_object()) {
            (Some(body), Some(known)) => body
                .keys()
                .filter(|key| !known.contains_key(*key))
                .cloned()
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The same request with surrounding whitespace removed from every text field and an empty
    /// Kubernetes version read as "AKS's default".
    pub fn normalized(mut self) -> Self {
        for field in [
            &mut self.subscription_id,
            &mut self.resource_group,
            &mut self.region,
            &mut self.cluster_name,
            &mut self.node_sku,
            &mut self.system_vm_size,
        ] {
            *field = field.trim().to_owned();
        }
        self.kubernetes_version = self
            .kubernetes_version
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty());
        let mut zones: Vec<String> = self
            .zones
            .iter()
            .map(|zone| zone.trim().to_owned())
            .filter(|zone| !zone.is_empty())
            .collect();
        zones.sort();
        zones.dedup();
        self.zones = zones;
        self.subnet_id = self
            .subnet_id
            .map(|id| id.trim().to_owned())
            .filter(|id| !id.is_empty());
        self
    }

    /// Every problem of the request, in form order (empty when it can be sent to ARM).
    pub fn field_errors(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let mut check = |field: &str, outcome: Result<(), String>| {
            if let Err(message) = outcome {
                errors.push(FieldError {
                    field: field.to_owned(),
                    message,
                });
            }
        };
        let text =
            |outcome: Result<(), crate::naming::NameError>| outcome.map_err(|e| e.to_string());
        check(
            "subscription_id",
            text(validate_subscription_id(&self.subscription_id)),
        );
        check(
            "cluster_name",
            text(validate_cluster_name(&self.cluster_name)),
        );
        check("region", text(validate_region_name(&self.region)));
        check(
            "resource_group",
            text(validate_resource_group_name(&self.resource_group)),
        );
        check(
            "system_vm_size",
            validate_vm_size("System pool VM size", &self.system_vm_size),
        );
        check(
            "system_node_count",
            validate_count("System pool node count", self.system_node_count, 1),
        );
        check(
            "node_sku",
            validate_vm_size("Worker VM size", &self.node_sku),
        );
        check(
            "node_count",
            validate_count("Worker node count", self.node_count, 0),
        );
        if let Some(version) = &self.kubernetes_version {
            check("kubernetes_version", validate_kubernetes_version(version));
        }
        check("zones", validate_zones(&self.zones));
        if let Some(subnet_id) = &self.subnet_id {
            check(
                "subnet_id",
                validate_subnet_id(subnet_id, &self.subscription_id),
            );
        }
        errors
    }

    /// The first problem, for answers that name one field (`400 {code, message, field}`).
    pub fn validate(&self) -> Result<(), FieldError> {
        match self.field_errors().into_iter().next() {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    /// The problems among the fields a pre-flight reads. The cluster name and Kubernetes version
    /// are not read, and an empty resource group only skips its row, so a draft can be checked
    /// while the user is still typing (docs/PRODUCT.md §3: the name does not trigger a pre-flight).
    pub fn preflight_errors(&self) -> Vec<FieldError> {
        self.field_errors()
            .into_iter()
            .filter(|error| match error.field.as_str() {
                "cluster_name" | "kubernetes_version" => false,
                "resource_group" => !self.resource_group.is_empty(),
                _ => true,
            })
            .collect()
    }

    /// The message for `field`, if it has one (the modal shows it under the input).
    pub fn error_for(&self, field: &str) -> Option<String> {
        self.field_errors()
            .into_iter()
            .find(|e| e.field == field)
            .map(|e| e.message)
    }

    /// The cluster's DNS prefix, derived from its name: AKS allows 1–54 letters, digits and
    /// hyphens, starting and ending with a letter or digit, and a cluster name may hold `_`.
    pub fn dns_prefix(&self) -> String {
        let mapped: String = self
            .cluster_name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .take(DNS_PREFIX_MAX)
            .collect();
        let trimmed = mapped.trim_matches('-');
        if trimmed.is_empty() {
            "aks".to_owned()
        } else {
            trimmed.to_owned()
        }
    }
}

/// A request that was normalised and passed every field check: the only kind the server creates
/// a cluster from. Validating once, at the boundary, and carrying the proof in the type keeps
/// the services from checking again (or forgetting to).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidProvisionRequest(ProvisionRequest);

impl TryFrom<ProvisionRequest> for ValidProvisionRequest {
    type Error = FieldError;

    /// Normalises `request`, then answers its first field error, if any.
    fn try_from(request: ProvisionRequest) -> Result<Self, FieldError> {
        let request = request.normalized();
        request.validate()?;
        Ok(Self(request))
    }
}

impl ValidProvisionRequest {
    /// The request itself.
    pub fn into_inner(self) -> ProvisionRequest {
        self.0
    }
}

impl std::ops::Deref for ValidProvisionRequest {
    type Target = ProvisionRequest;

    fn deref(&self) -> &ProvisionRequest {
        &self.0
    }
}

fn validate_vm_size(what: &str, size: &str) -> Result<(), String> {
    if size.is_empty() {
        return Err(format!("{what} is required."));
    }
    let shape_ok = size.len() <= 64
        && size
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'));
    if shape_ok {
        Ok(())
    } else {
        Err(format!(
            "{what} must be a VM size name such as Standard_D4s_v5."
        ))
    }
}

/// Zones a request may name (Azure regions with zones have exactly these three).
pub const ZONES: [&str; 3] = ["1", "2", "3"];

fn validate_zones(zones: &[String]) -> Result<(), String> {
    if let Some(bad) = zones.iter().find(|zone| !ZONES.contains(&zone.as_str())) {
        let shown: String = bad.chars().take(8).collect();
        return Err(format!(
            "Availability zones must be \"1\", \"2\" or \"3\" (got {shown:?})."
        ));
    }
    let mut seen: Vec<&str> = Vec::new();
    for zone in zones {
        if seen.contains(&zone.as_str()) {
            return Err(format!("Availability zone {zone} is listed twice."));
        }
        seen.push(zone);
    }
    Ok(())
}

fn validate_subnet_id(id: &str, subscription_id: &str) -> Result<(), String> {
    let subnet = crate::network::SubnetId::parse(id)?;
    if !subnet.subscription_id.eq_ignore_ascii_case(subscription_id) {
        return Err(format!(
            "The subnet must be in the cluster's subscription {subscription_id} (it is in {}).",
            subnet.subscription_id
        ));
    }
    Ok(())
}

fn validate_count(what: &str, count: i32, min: i32) -> Result<(), String> {
    if (min..=MAX_POOL_NODES).contains(&count) {
        Ok(())
    } else {
        Err(format!(
            "{what} must be between {min} and {MAX_POOL_NODES} (it is {count})."
        ))
    }
}

fn validate_kubernetes_version(version: &str) -> Result<(), String> {
    let parts: Vec<&str> = version.split('.').collect();
    let shape_ok = parts.first() == Some(&"1")
        && (2..=3).contains(&parts.len())
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 4 && p.chars().all(|c| c.is_ascii_digit()));
    if shape_ok {
        Ok(())
    } else {
        Err(
            "Kubernetes version must look like 1.33 or 1.33.2 (leave it empty for AKS's default)."
                .into(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_that_are_not_request_fields_are_named() {
        let body = serde_json::json!({
            "subscription_id": "x",
            "kubernetes_versoin": "1.33",
            "kubernetes_version": null,
            "__proto__": {},
        });
        assert_eq!(
            ProvisionRequest::unknown_fields(&body),
            vec!["__proto__".to_owned(), "kubernetes_versoin".to_owned()]
        );
        assert!(ProvisionRequest::unknown_fields(&serde_json::json!([1])).is_empty());
    }
    use rstest::rstest;

    fn valid() -> ProvisionRequest {
        ProvisionRequest {
            subscription_id: "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f".into(),
            resource_group: "rg-demo".into(),
            region: "eastus".into(),
            cluster_name: "aks-demo".into(),
            node_sku: "Standard_D4s_v5".into(),
            node_count: 3,
            system_vm_size: "Standard_D2s_v5".into(),
            system_node_count: 1,
            kubernetes_version: None,
            zones: Vec::new(),
            subnet_id: None,
        }
    }

    #[test]
    fn a_valid_request_is_normalised_once_and_a_bad_one_names_its_field() {
        let mut padded = valid();
        padded.cluster_name = "  aks-demo ".into();
        padded.kubernetes_version = Some(" ".into());
        let checked = ValidProvisionRequest::try_from(padded).expect("valid");
        assert_eq!(
            (checked.cluster_name.as_str(), &checked.kubernetes_version),
            ("aks-demo", &None)
        );
        assert_eq!(checked.into_inner(), valid());
        let mut bad = valid();
        bad.node_count = -1;
        let error = ValidProvisionRequest::try_from(bad).expect_err("invalid");
        assert_eq!(error.field, "node_count");
    }

    #[test]
    fn a_draft_without_name_or_group_can_be_pre_flighted() {
        let mut draft = valid();
        draft.cluster_name = String::new();
        draft.resource_group = String::new();
        draft.kubernetes_version = Some("latest".into());
        assert_eq!(draft.preflight_errors(), vec![]);
        assert!(draft.validate().is_err(), "but it cannot be submitted");
    }

    #[rstest]
    #[case::bad_group("rg.", "resource_group")]
    #[case::bad_region("East US", "region")]
    fn fields_the_pre_flight_reads_must_be_valid(#[case] value: &str, #[case] field: &str) {
        let mut draft = valid();
        match field {
            "resource_group" => draft.resource_group = value.into(),
            _ => draft.region = value.into(),
        }
        let fields: Vec<String> = draft
            .preflight_errors()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, vec![field.to_owned()]);
    }

    #[test]
    fn a_worker_count_out_of_range_stops_the_pre_flight() {
        let mut draft = valid();
        draft.node_count = MAX_POOL_NODES + 1;
        assert_eq!(draft.preflight_errors()[0].field, "node_count");
    }

    #[test]
    fn a_valid_request_has_no_errors() {
        assert_eq!(valid().field_errors(), vec![]);
        assert_eq!(valid().validate(), Ok(()));
    }

    #[rstest]
    #[case::empty_name(|r: &mut ProvisionRequest| r.cluster_name.clear(), "cluster_name")]
    #[case::name_ends_with_hyphen(|r: &mut ProvisionRequest| r.cluster_name = "aks-".into(), "cluster_name")]
    #[case::name_too_long(|r: &mut ProvisionRequest| r.cluster_name = "a".repeat(64), "cluster_name")]
    #[case::bad_subscription(|r: &mut ProvisionRequest| r.subscription_id = "sub-1".into(), "subscription_id")]
    #[case::upper_case_region(|r: &mut ProvisionRequest| r.region = "East US".into(), "region")]
    #[case::rg_ending_in_dot(|r: &mut ProvisionRequest| r.resource_group = "rg.".into(), "resource_group")]
    #[case::no_system_size(|r: &mut ProvisionRequest| r.system_vm_size.clear(), "system_vm_size")]
    #[case::size_with_space(|r: &mut ProvisionRequest| r.node_sku = "Standard D4".into(), "node_sku")]
    #[case::zero_system_nodes(|r: &mut ProvisionRequest| r.system_node_count = 0, "system_node_count")]
    #[case::negative_workers(|r: &mut ProvisionRequest| r.node_count = -1, "node_count")]
    #[case::too_many_workers(|r: &mut ProvisionRequest| r.node_count = 1001, "node_count")]
    #[case::bad_version(|r: &mut ProvisionRequest| r.kubernetes_version = Some("latest".into()), "kubernetes_version")]
    #[case::version_not_1(|r: &mut ProvisionRequest| r.kubernetes_version = Some("2.0".into()), "kubernetes_version")]
    #[case::zone_4(|r: &mut ProvisionRequest| r.zones = vec!["4".into()], "zones")]
    #[case::zone_word(|r: &mut ProvisionRequest| r.zones = vec!["westeurope-1".into()], "zones")]
    #[case::zone_twice(|r: &mut ProvisionRequest| r.zones = vec!["2".into(), "2".into()], "zones")]
    #[case::subnet_shape(|r: &mut ProvisionRequest| r.subnet_id = Some("aks-nodes".into()), "subnet_id")]
    #[case::subnet_elsewhere(|r: &mut ProvisionRequest| r.subnet_id = Some(SUBNET.replace("8c2f9f8e", "00000000")), "subnet_id")]
    #[case::subnet_newline(|r: &mut ProvisionRequest| r.subnet_id = Some(format!("{SUBNET}\r\nX-Evil: 1")), "subnet_id")]
    fn each_rule_names_its_field(#[case] break_it: fn(&mut ProvisionRequest), #[case] field: &str) {
        let mut request = valid();
        break_it(&mut request);
        let errors = request.field_errors();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].field, field);
        assert!(!errors[0].message.is_empty());
        assert_eq!(
            request.validate().map_err(|e| e.field),
            Err(field.to_owned())
        );
        assert!(request.error_for(field).is_some());
    }

    const SUBNET: &str = "/subscriptions/8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/vnet-spoke/subnets/aks-nodes";

    #[test]
    fn zones_and_a_subnet_of_the_subscription_are_valid() {
        let mut request = valid();
        request.zones = vec!["1".into(), "2".into(), "3".into()];
        request.subnet_id = Some(SUBNET.replace("resourceGroups", "resourcegroups"));
        assert_eq!(request.field_errors(), vec![]);
        let message = request_with_subnet(&SUBNET.replace("8c2f9f8e", "00000000"))
            .error_for("subnet_id")
            .expect("another subscription's subnet");
        assert!(message.contains("cluster's subscription"), "{message}");
    }

    fn request_with_subnet(id: &str) -> ProvisionRequest {
        ProvisionRequest {
            subnet_id: Some(id.into()),
            ..valid()
        }
    }

    #[test]
    fn normalizing_sorts_and_dedups_zones_and_drops_an_empty_subnet() {
        let mut request = valid();
        request.zones = vec![" 3".into(), "1".into(), "3".into(), " ".into()];
        request.subnet_id = Some("  ".into());
        let request = request.normalized();
        assert_eq!(request.zones, vec!["1".to_owned(), "3".to_owned()]);
        assert_eq!(request.subnet_id, None);
        let padded = request_with_subnet(&format!(" {SUBNET} ")).normalized();
        assert_eq!(padded.subnet_id.as_deref(), Some(SUBNET));
    }

    #[test]
    fn zones_and_subnet_are_known_members_and_stop_a_pre_flight_when_bad() {
        let body = serde_json::json!({"zones": ["1"], "subnet_id": null, "zone": "1"});
        assert_eq!(
            ProvisionRequest::unknown_fields(&body),
            vec!["zone".to_owned()]
        );
        let mut draft = valid();
        draft.zones = vec!["0".into()];
        assert_eq!(draft.preflight_errors()[0].field, "zones");
    }

    #[test]
    fn limits_are_inclusive() {
        let mut request = valid();
        request.node_count = 0;
        request.system_node_count = MAX_POOL_NODES;
        request.kubernetes_version = Some("1.33.2".into());
        assert_eq!(request.field_errors(), vec![]);
    }

    #[test]
    fn errors_come_in_form_order() {
        let request = ProvisionRequest::default();
        let fields: Vec<String> = request
            .field_errors()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "subscription_id",
                "cluster_name",
                "region",
                "resource_group",
                "system_vm_size",
                "system_node_count",
                "node_sku"
            ]
        );
    }

    #[test]
    fn normalizing_trims_text_and_drops_an_empty_version() {
        let mut request = valid();
        request.cluster_name = "  aks-demo ".into();
        request.kubernetes_version = Some("  ".into());
        let request = request.normalized();
        assert_eq!(request.cluster_name, "aks-demo");
        assert_eq!(request.kubernetes_version, None);
    }

    #[rstest]
    #[case("aks-demo", "aks-demo")]
    #[case("my_cluster_1", "my-cluster-1")]
    #[case("a", "a")]
    #[case(&"b".repeat(63), &"b".repeat(54))]
    #[case(&format!("{}_x", "c".repeat(53)), &"c".repeat(53))]
    #[case("___", "aks")]
    fn dns_prefix_follows_aks_rules(#[case] name: &str, #[case] expected: &str) {
        let request = ProvisionRequest {
            cluster_name: name.into(),
            ..valid()
        };
        assert_eq!(request.dns_prefix(), expected);
    }

    #[test]
    fn wire_names_match_the_earlier_api() {
        let json = serde_json::to_value(valid()).expect("serialize");
        for key in [
            "subscription_id",
            "resource_group",
            "region",
            "cluster_name",
            "node_sku",
            "node_count",
            "system_vm_size",
            "system_node_count",
        ] {
            assert!(json.get(key).is_some(), "{key}");
        }
        let parsed: ProvisionRequest = serde_json::from_value(serde_json::json!({
            "subscription_id": "s", "resource_group": "r", "region": "x", "cluster_name": "c",
            "node_sku": "n", "node_count": 1, "system_vm_size": "v", "system_node_count": 1
        }))
        .expect("kubernetes_version is optional");
        assert_eq!(parsed.kubernetes_version, None);
    }
}
