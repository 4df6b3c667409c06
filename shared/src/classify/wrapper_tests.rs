//! The classifier on the shapes every client wraps Azure's errors in (arm-errors-NOTES.md,
//! "JSON shapes" and "Patterns"): written from those shape descriptions and the public AKS
//! troubleshooting articles, not copied from the corpora, so they test the generalisation the
//! corpus tests cannot.

use super::*;

const PRINCIPAL: &str = "5d3f1e2a-7b9c-4d8e-a1f0-3c2b4a5d6e7f";
const SUB: &str = "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f";

fn run(text: &str) -> Classification {
    classify(text, None, &ErrorContext::default())
}

fn in_swedencentral(zones: &[&str]) -> ErrorContext {
    ErrorContext {
        subscription_id: Some(SUB.into()),
        region: Some("swedencentral".into()),
        resource_group: Some("rg-demo".into()),
        vm_sizes: vec!["Standard_D2s_v5".into(), "Standard_D4as_v5".into()],
        zones: zones.iter().map(|z| (*z).to_owned()).collect(),
        pools: [
            ("system", "Standard_D2s_v5"),
            ("workers", "Standard_D4as_v5"),
        ]
        .map(|(name, vm_size)| PoolSize {
            name: name.into(),
            vm_size: vm_size.into(),
        })
        .to_vec(),
    }
}

/// The operation error of a create that failed midway, as the sandbox and AKS report it.
fn allocation_failure(code: &str, pool: &str, message: &str) -> String {
    serde_json::json!({
        "code": "ResourceOperationFailure",
        "message": "The resource operation completed with terminal provisioning state 'Failed'.",
        "details": [{"code": code, "target": pool, "message": message}]
    })
    .to_string()
}

#[test]
fn a_layered_allocation_failure_is_explained_by_its_deepest_cause() {
    let body = allocation_failure(
        "AllocationFailed",
        "workers",
        "Allocation failed. We do not have sufficient capacity for the requested VM size Standard_D4as_v5 in this region. Read more about improving likelihood of allocation success at http://aka.ms/allocation-guidance",
    );
    let arm = ArmError::from_response(200, &body);
    for c in [
        classify(&body, None, &in_swedencentral(&[])),
        classify(&body, Some(&arm), &in_swedencentral(&[])),
    ] {
        assert_eq!(c.category, Category::Capacity);
        assert_eq!(c.facts.pool.as_deref(), Some("workers"));
        assert_eq!(c.facts.sizes, vec!["Standard_D4as_v5"]);
        assert_eq!(
            c.summary,
            "No capacity for Standard_D4as_v5 in swedencentral (pool workers) right now."
        );
        assert!(!c.details.contains("terminal provisioning state"));
    }
}

#[test]
fn the_sandbox_s_regional_outage_names_the_pool_s_size_from_the_request() {
    // Compute's own wording names no size; the request's pool does.
    let body = allocation_failure(
        "AllocationFailed",
        "workers",
        "Allocation failed. We do not have sufficient capacity for the requested VM size in this region. Read more about improving likelihood of allocation success at http://aka.ms/allocation-guidance",
    );
    let c = classify(&body, None, &in_swedencentral(&[]));
    assert_eq!(
        c.summary,
        "No capacity for Standard_D4as_v5 in swedencentral (pool workers) right now."
    );
}

#[test]
fn a_subnet_in_another_region_and_a_missing_subnet() {
    let region = r#"{"code":"InvalidParameter","message":"The Agentpool workers's vnet vnet-spoke is in location 'eastus', which is not the location 'westeurope' of managed cluster 'aks'. The virtual network must be in the same region as the cluster.","target":"agentPoolProfile.vnetSubnetID"}"#;
    let c = run(region);
    assert_eq!(c.category, Category::Network);
    assert_eq!(
        c.summary,
        "Virtual network vnet-spoke was not found, or is not in the cluster's region."
    );
    let missing = r#"{"code":"SubnetNotFound","message":"Could not find subnet aks-x in vnet vnet-spoke from resource group rg-network of subscription s."}"#;
    let c = run(missing);
    assert_eq!(c.category, Category::Network);
    assert_eq!(
        c.summary,
        "Subnet aks-x of vnet-spoke was not found, or is not in the cluster's region."
    );
}

#[test]
fn a_zone_out_of_capacity_names_the_request_s_zone_only_when_it_had_one() {
    let body = allocation_failure(
        "ZonalAllocationFailed",
        "system",
        "Allocation failed. We do not have sufficient capacity for the requested VM size in this zone.",
    );
    let c = classify(&body, None, &in_swedencentral(&["1"]));
    assert_eq!(c.category, Category::Capacity);
    assert_eq!(c.facts.zones, vec!["1"]);
    assert_eq!(c.facts.pool.as_deref(), Some("system"));
    assert!(
        c.summary.contains("swedencentral zone 1 (pool system)"),
        "{}",
        c.summary
    );
    // "In this zone" of a request in zones 1 and 2 does not say which: none is claimed.
    let c = classify(&body, None, &in_swedencentral(&["1", "2"]));
    assert_eq!(c.category, Category::Capacity);
    assert!(c.facts.zones.is_empty(), "{:?}", c.facts.zones);
    assert!(!c.summary.contains("zones 1, 2"), "{}", c.summary);
}

#[test]
fn escaped_json_three_levels_deep_in_an_activity_log() {
    // The RP's error as a JSON string inside a deployment detail, inside an activity-log
    // `statusMessage` string: three rounds of escaping.
    let inner = serde_json::json!({"status": "Failed", "error": {"code": "OverconstrainedZonalAllocationRequest",
        "target": "np2", "message": "Allocation failed. VM(s) with the following constraints cannot be allocated, because the condition is too restrictive. Constraints applied are:\n - Availability Zone\n - VM Size"}});
    let deployment = serde_json::json!({"code": "DeploymentFailed", "details": [{"code": "Conflict", "message": inner.to_string()}]});
    let activity = serde_json::json!({"properties": {"statusMessage": deployment.to_string()}});
    let c = run(&activity.to_string());
    assert_eq!(c.category, Category::Capacity);
    assert_eq!(c.facts.pool.as_deref(), Some("np2"));
}

#[test]
fn terraform_azurerm_polling_gutter() {
    let text = "│ Error: creating Agent Pool (Subscription: \"00000000-0000-0000-0000-000000000000\"\n│ Resource Group Name: \"rg\"\n│ Managed Cluster Name: \"aks\"\n│ Agent Pool Name: \"gpu\"): polling after CreateOrUpdate: polling failed: the Azure API returned the following error:\n│ \n│ Status: \"ZonalAllocationFailed\"\n│ Code: \"\"\n│ Message: \"Allocation failed. We do not have sufficient capacity for the requested VM size Standard_NC24ads_A100_v4 in this zone.\"\n│ Activity Id: \"\"\n│ \n│   with azurerm_kubernetes_cluster_node_pool.gpu,";
    let c = run(text);
    assert_eq!(c.category, Category::Capacity);
    assert_eq!(c.facts.pool.as_deref(), Some("gpu"));
    assert_eq!(c.facts.sizes, vec!["Standard_NC24ads_A100_v4"]);
}

#[test]
fn azapi_gutter_with_a_policy_denial_and_its_identifiers() {
    let text = format!(
        "│ creating/updating Resource: (ResourceId\n│ \"/subscriptions/{SUB}/resourceGroups/rg-governed/providers/Microsoft.ContainerService/managedClusters/aks\"\n│ / Api Version \"2024-05-01\"): PUT\n│ ----------------------------------------\n│ RESPONSE 403: 403 Forbidden\n│ ERROR CODE: RequestDisallowedByPolicy\n│ ----------------------------------------\n│ {{\n│   \"error\": {{\n│     \"code\": \"RequestDisallowedByPolicy\",\n│     \"target\": \"aks\",\n│     \"message\": \"Resource 'aks' was disallowed by policy. Policy identifiers: '[{{\\\"policyAssignment\\\":{{\\\"name\\\":\\\"Allowed locations for AKS\\\",\\\"id\\\":\\\"/subscriptions/{SUB}/resourceGroups/rg-governed/providers/Microsoft.Authorization/policyAssignments/allowed-locations\\\"}},\\\"policyDefinition\\\":{{\\\"name\\\":\\\"Allowed locations\\\",\\\"id\\\":\\\"/providers/Microsoft.Authorization/policyDefinitions/e56962a6-4747-49cd-b67b-bf8b01975c4c\\\"}}}}]'.\"\n│   }}\n│ }}\n│ ----------------------------------------\n│ \n│   with azapi_resource.aks,"
    );
    let c = run(&text);
    assert_eq!(c.category, Category::Policy);
    let policy = c.facts.policy.clone().unwrap_or_default();
    assert_eq!(
        policy.assignment_name.as_deref(),
        Some("Allowed locations for AKS")
    );
    assert_eq!(
        policy.scope,
        Some(format!("/subscriptions/{SUB}/resourceGroups/rg-governed"))
    );
    assert!(
        c.summary.contains("\"Allowed locations for AKS\""),
        "{}",
        c.summary
    );
    assert!(
        c.summary.contains("resource group rg-governed"),
        "{}",
        c.summary
    );
    assert!(
        c.actions[0]
            .href
            .as_deref()
            .is_some_and(|h| h.contains("PolicyComplianceDetailedBlade"))
    );
}

#[test]
fn the_sandbox_policy_body_with_additional_info() {
    let body = format!(
        r#"{{"error":{{"code":"RequestDisallowedByPolicy","target":"aks-demo","message":"Resource 'aks-demo' was disallowed by policy. Policy identifiers: '[{{\"policyAssignment\":{{\"name\":\"Allowed locations for AKS\",\"id\":\"/subscriptions/{SUB}/resourceGroups/rg-governed/providers/Microsoft.Authorization/policyAssignments/allowed-locations\"}},\"policyDefinition\":{{\"name\":\"Allowed locations\",\"id\":\"/providers/Microsoft.Authorization/policyDefinitions/e56962a6\"}}}}]'.","additionalInfo":[{{"type":"PolicyViolation","info":{{"policyDefinitionDisplayName":"Allowed locations","policyDefinitionEffect":"deny","policyAssignmentDisplayName":"Allowed locations for AKS","policyAssignmentScope":"/subscriptions/{SUB}/resourceGroups/rg-governed","policyAssignmentParameters":{{"listOfAllowedLocations":{{"value":["westeurope","swedencentral"]}}}}}}}}]}}}}"#
    );
    let arm = ArmError::from_response(403, &body);
    let c = classify("", Some(&arm), &ErrorContext::default());
    assert_eq!(c.category, Category::Policy);
    let policy = c.facts.policy.clone().unwrap_or_default();
    assert_eq!(
        policy.allowed_locations,
        vec!["westeurope", "swedencentral"]
    );
    assert!(
        c.summary
            .ends_with("denied the request: it allows only the regions westeurope, swedencentral."),
        "{}",
        c.summary
    );
}

#[test]
fn powershell_insufficient_subnet_size() {
    let text = "New-AzAksCluster : Long running operation failed with status 'Failed'.\n    Additional Info:'Pre-allocated IPs 124 exceeds IPs available 59 in Subnet Cidr 10.10.0.0/26, Subnet Name snet-aks. http://aka.ms/aks/insufficientsubnetsize'\nAt line:1 char:1\n+ New-AzAksCluster -ResourceGroupName rg -Name aks -NodeCount 3 ...\n+ ~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n    + CategoryInfo          : CloseError: (:) [New-AzAksCluster], CloudException\n    + FullyQualifiedErrorId : Microsoft.Azure.Commands.Aks.NewAzureRmAks";
    let c = run(text);
    assert_eq!(c.category, Category::Network);
    let network = c.facts.network.clone().unwrap_or_default();
    assert_eq!(
        (network.ips_needed, network.ips_available),
        (Some(124), Some(59))
    );
    assert_eq!(
        c.summary,
        "Subnet snet-aks (10.10.0.0/26) has 59 free IP addresses; the cluster needs 124."
    );
    assert!(c.actions.iter().any(|a| {
        a.href
            .as_deref()
            .is_some_and(|h| h.contains("plan-ip-addressing"))
    }));
}

#[test]
fn python_traceback_with_a_linked_authorization_on_a_subnet() {
    let subnet = format!(
        "/subscriptions/{SUB}/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/vnet-spoke/subnets/aks-nodes"
    );
    let text = format!(
        "Traceback (most recent call last):\n  File \"/usr/lib/python3/site-packages/azure/core/polling/base_polling.py\", line 517, in run\n    self._poll()\n  File \"create.py\", line 40, in main\n    poller.result()\nazure.core.exceptions.HttpResponseError: (LinkedAuthorizationFailed) The client 'dash@contoso.com' with object id '{PRINCIPAL}' has permission to perform action 'Microsoft.ContainerService/managedClusters/write' on scope '/subscriptions/{SUB}/resourceGroups/rg-demo/providers/Microsoft.ContainerService/managedClusters/aks'; however, it does not have permission to perform action 'Microsoft.Network/virtualNetworks/subnets/join/action' on the linked scope(s) '{subnet}' or the linked scope(s) are invalid.\nCode: LinkedAuthorizationFailed\nMessage: The client 'dash@contoso.com' with object id '{PRINCIPAL}' has permission to perform action 'x' on scope 'y'; however, it does not have permission to perform action 'Microsoft.Network/virtualNetworks/subnets/join/action' on the linked scope(s) '{subnet}' or the linked scope(s) are invalid."
    );
    let c = run(&text);
    assert_eq!(c.category, Category::Network);
    assert_eq!(
        c.facts.missing_action.as_deref(),
        Some("Microsoft.Network/virtualNetworks/subnets/join/action")
    );
    let command = c
        .actions
        .iter()
        .find_map(|a| a.command.clone())
        .unwrap_or_default();
    assert_eq!(
        command,
        format!(
            "az role assignment create --assignee {PRINCIPAL} --role 'Network Contributor' --scope {subnet}"
        )
    );
    assert_eq!(
        c.summary,
        "The identity lacks Microsoft.Network/virtualNetworks/subnets/join/action on subnet aks-nodes of vnet-spoke."
    );
}

#[test]
fn aks_reconciler_text_mixing_codes_is_explained_by_the_subcode() {
    let text = format!(
        "(ReconcileVNetError) Reconcile VNet failed. Details: VNetReconciler retry failed: Category: ClientError; SubCode: LinkedAuthorizationFailed; Dependency: Microsoft.Network/virtualNetworks; OrginalError: Code=\"LinkedAuthorizationFailed\" Message=\"The client '{PRINCIPAL}' with object id '{PRINCIPAL}' has permission to perform action 'Microsoft.Network/virtualNetworks/write' on scope 'x'; however, it doesn't have permission to perform action 'Microsoft.Network/ddosProtectionPlans/join/action' on the linked scope(s) '/subscriptions/{SUB}/resourceGroups/ddos/providers/Microsoft.Network/ddosProtectionPlans/plan' or the linked scope(s) are invalid.\"; AKSTeam: Networking, Retriable: false."
    );
    let c = run(&text);
    assert_eq!(c.category, Category::Network);
    assert!(c.actions.iter().any(|a| {
        a.command
            .as_deref()
            .is_some_and(|cmd| cmd.ends_with("/ddosProtectionPlans/plan"))
    }));
}

#[test]
fn controller_logs() {
    // cluster-autoscaler (klog), Karpenter (JSON lines), CAPZ (go-azure-sdk inside a reconcile
    // error) and ASO (a condition message).
    let autoscaler = "E0312 10:01:02.123456       1 azure_scale_set.go:220] Failed to update the capacity for vmss aks-user-12345678-vmss: Code=\"OverconstrainedAllocationRequest\" Message=\"Allocation failed. VM(s) with the following constraints cannot be allocated, because the condition is too restrictive.\"";
    let karpenter = r#"{"level":"ERROR","time":"2025-01-01T00:00:00Z","logger":"controller","message":"failed launching nodeclaim","error":"creating instance, virtualMachine.BeginCreateOrUpdate for VM \"aks-default-x\" failed: PUT https://management.azure.com/x\n--------------------------------------------------------------------------------\nRESPONSE 409: 409 Conflict\nERROR CODE: ZonalAllocationFailed\n--------------------------------------------------------------------------------\n{\n  \"error\": {\n    \"code\": \"ZonalAllocationFailed\",\n    \"message\": \"Allocation failed. We do not have sufficient capacity for the requested VM size Standard_D8s_v5 in this zone.\"\n  }\n}"}"#;
    let capz = "E0101 reconcile error controller=azuremachine \"failed to reconcile AzureMachine: failed to create resource rg/vm (service: virtualmachine): PUT https://management.azure.com/x\\n----\\nRESPONSE 400: 400 Bad Request\\nERROR CODE: SubnetIsFull\\n----\\n{\\n  \\\"error\\\": {\\n    \\\"code\\\": \\\"SubnetIsFull\\\",\\n    \\\"message\\\": \\\"Subnet node-subnet with address prefix 10.1.0.0/24 does not have enough capacity for 1 IP addresses.\\\"\\n  }\\n}\"";
    let aso = "Reason: RequestDisallowedByPolicy\nSeverity: Error\nMessage: Resource 'aks' was disallowed by policy. Reasons: 'Only approved VM sizes are allowed.'. See error details for policy resource IDs.: PUT https://management.azure.com/x";
    assert_eq!(run(autoscaler).category, Category::Capacity);
    let c = run(karpenter);
    assert_eq!(c.category, Category::Capacity);
    assert_eq!(c.facts.sizes, vec!["Standard_D8s_v5"]);
    let c = run(capz);
    assert_eq!(c.category, Category::Network);
    assert_eq!(
        c.facts.network.and_then(|n| n.cidr).as_deref(),
        Some("10.1.0.0/24")
    );
    let c = run(aso);
    assert_eq!(c.category, Category::Policy);
    assert!(
        c.summary.contains("Only approved VM sizes are allowed"),
        "{}",
        c.summary
    );
}

#[test]
fn truncated_texts_still_classify() {
    let policy = "Resource 'aks' was disallowed by policy. Policy identifiers: '[{\"policyAssignment\":{\"name\":\"Deny public IPs\",\"id\":\"/subscriptions/x/providers/Microsoft.Authoriz";
    let c = run(policy);
    assert_eq!(c.category, Category::Policy);
    assert!(c.summary.contains("\"Deny public IPs\""), "{}", c.summary);
    let subnet = "(SubnetIsFull) Subnet /subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/sn with address prefix 10.0.0.0/2";
    let c = run(subnet);
    assert_eq!(c.category, Category::Network);
    assert_eq!(
        c.facts
            .network
            .and_then(|n| n.subnet)
            .as_deref()
            .map(|s| s.ends_with("/subnets/sn")),
        Some(true)
    );
    let quota = "Location: westeurope, Current Limit: 20, Current Usage: 16, Additional Requ";
    let c = run(quota);
    assert_eq!(c.category, Category::Quota);
    assert_eq!((c.facts.limit, c.facts.usage), (Some(20), Some(16)));
}

#[test]
fn other_resource_providers_errors_of_the_same_kinds() {
    for (text, expected) in [
        (
            "unexpected status 400 (400 Bad Request) with error: NetcfgSubnetRangesOverlap: Subnet 'b' is not valid because its IP address range overlaps with that of an existing subnet in virtual network 'v'.",
            Category::Network,
        ),
        (
            "Code=\"InUseSubnetCannotBeDeleted\" Message=\"Subnet default is in use by /subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/nic/ipConfigurations/ipconfig1 and cannot be deleted.\"",
            Category::Network,
        ),
        (
            "(RequestDisallowedByPolicy) Resource 'kv-demo' was disallowed by policy. Reasons: 'Key vaults should have soft delete enabled'.",
            Category::Policy,
        ),
        (
            "Status: \"SkuNotAvailable\" Message: \"The requested VM size Standard_M128 is currently not available in location 'westus' zones '1'\"",
            Category::SkuBlocked,
        ),
        (
            "ContainerGroupQuotaReached: Resource type 'Microsoft.ContainerInstance/containerGroups' container group quota 'StandardCores' exceeded in region 'westeurope'. Limit: '10', Usage: '10', Requested: '4'.",
            Category::Quota,
        ),
        (
            "The requested resource is currently not available in location 'eastus' due to high demand. Please try a different location or size.",
            Category::Capacity,
        ),
    ] {
        assert_eq!(run(text).category, expected, "{text}");
    }
}
