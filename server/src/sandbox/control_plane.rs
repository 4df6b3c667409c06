//! The sandbox's control plane: resource groups, managed clusters and their long-running
//! operations, with quota accounting, as ARM and AKS behave (ARM_FACTS.md §1–§5).
//!
//! Time is evaluated lazily: every operation remembers when it started and how long it lasts,
//! and [`ControlPlane::advance`] moves states forward whenever something is read. No background
//! task is needed, and a paused reader sees exactly what a poller would have seen.

use super::reply::{Reply, headers};
use super::world::{RegionConfig, RestrictionConfig, World};
use axum::http::{StatusCode, header};
use serde_json::{Value, json};
use shared::naming::{validate_cluster_name, validate_pool_name};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Lower-cased (subscription, resource group).
type GroupKey = (String, String);
/// Lower-cased (subscription, resource group, cluster).
type ClusterKey = (String, String, String);

/// Where an absolute URL handed out in headers points (scheme + host of the request).
pub struct Origin<'a> {
    /// e.g. `http://127.0.0.1:4100`.
    pub base_url: &'a str,
    /// The api-version the caller used; echoed into operation URLs as ARM does.
    pub api_version: &'a str,
}

/// A resource group.
#[derive(Clone, Debug)]
struct ResourceGroup {
    subscription: String,
    name: String,
    location: String,
}

/// A node pool of a cluster.
#[derive(Clone, Debug)]
struct Pool {
    name: String,
    mode: String,
    vm_size: String,
    count: u32,
    provisioning_state: String,
    provisioning_error: Option<Value>,
}

/// A managed cluster.
#[derive(Clone, Debug)]
struct Cluster {
    subscription: String,
    resource_group: String,
    name: String,
    location: String,
    kubernetes_version: String,
    current_kubernetes_version: String,
    dns_prefix: String,
    tags: Value,
    pools: Vec<Pool>,
    provisioning_state: String,
    power_state: String,
    running_operation: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OperationKind {
    Create,
    Delete,
    Abort,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OperationStatus {
    InProgress,
    Canceling,
    Succeeded,
    Failed,
    Canceled,
}

impl OperationStatus {
    fn as_str(self) -> &'static str {
        match self {
            Self::InProgress => "InProgress",
            Self::Canceling => "Canceling",
            Self::Succeeded => "Succeeded",
            Self::Failed => "Failed",
            Self::Canceled => "Canceled",
        }
    }

    fn is_terminal(self) -> bool {
        matches!(self, Self::Succeeded | Self::Failed | Self::Canceled)
    }
}

/// A long-running operation.
#[derive(Clone, Debug)]
struct Operation {
    id: String,
    subscription: String,
    location: String,
    cluster: ClusterKey,
    kind: OperationKind,
    started: Instant,
    started_at: OffsetDateTime,
    duration: Duration,
    /// When the region's midway events (capacity, capacity-restricted sizes, the competing
    /// deployment's claim) are met; cleared once they have been, so they happen once.
    hazard_at: Option<Duration>,
    abort_requested: Option<Instant>,
    /// For an abort: the operation it cancels.
    aborts: Option<String>,
    status: OperationStatus,
    ended_at: Option<OffsetDateTime>,
    error: Option<Value>,
}

impl Operation {
    /// A new in-progress operation with a fresh id, started now.
    fn start(
        kind: OperationKind,
        subscription: &str,
        location: &str,
        cluster: &ClusterKey,
        duration: Duration,
    ) -> Self {
        Self {
            id: uuid::Uuid::new_v4().to_string(),
            subscription: subscription.to_owned(),
            location: location.to_owned(),
            cluster: cluster.clone(),
            kind,
            started: Instant::now(),
            started_at: OffsetDateTime::now_utc(),
            duration,
            hazard_at: None,
            abort_requested: None,
            aborts: None,
            status: OperationStatus::InProgress,
            ended_at: None,
            error: None,
        }
    }
}

/// Mutable state of the simulated cloud.
pub struct ControlPlane {
    world: World,
    groups: BTreeMap<GroupKey, ResourceGroup>,
    clusters: BTreeMap<ClusterKey, Cluster>,
    operations: BTreeMap<String, Operation>,
    /// Regional vCPUs the competing deployment took, per lower-cased (subscription, region).
    /// An entry is made once and never removed: that deployment keeps its VMs.
    competing_claims: BTreeMap<(String, String), i64>,
}

fn lower(value: &str) -> String {
    value.to_ascii_lowercase()
}

fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}

fn seconds(value: f64) -> Duration {
    Duration::from_secs_f64(value.max(0.0))
}

/// What a managed-cluster PUT asked for, after validation.
struct ClusterRequest {
    location: String,
    dns_prefix: String,
    kubernetes_version: String,
    current_kubernetes_version: String,
    tags: Value,
    pools: Vec<Pool>,
}

impl ControlPlane {
    /// A control plane holding the world's seeded resource groups and clusters.
    pub fn new(world: World) -> Self {
        let mut plane = Self {
            world,
            groups: BTreeMap::new(),
            clusters: BTreeMap::new(),
            operations: BTreeMap::new(),
            competing_claims: BTreeMap::new(),
        };
        for seed in plane.world.resource_groups.clone() {
            plane.groups.insert(
                (lower(&seed.subscription), lower(&seed.name)),
                ResourceGroup {
                    subscription: seed.subscription,
                    name: seed.name,
                    location: lower(&seed.location),
                },
            );
        }
        for seed in plane.world.clusters.clone() {
            let pools = seed
                .pools
                .iter()
                .map(|pool| Pool {
                    name: pool.name.clone(),
                    mode: pool.mode.clone(),
                    vm_size: pool.vm_size.clone(),
                    count: pool.count,
                    provisioning_state: "Succeeded".into(),
                    provisioning_error: None,
                })
                .collect();
            let key = (
                lower(&seed.subscription),
                lower(&seed.resource_group),
                lower(&seed.name),
            );
            plane.clusters.insert(
                key,
                Cluster {
                    subscription: seed.subscription,
                    resource_group: seed.resource_group,
                    dns_prefix: seed.name.clone(),
                    name: seed.name,
                    location: lower(&seed.location),
                    kubernetes_version: seed.kubernetes_version.clone(),
                    current_kubernetes_version: seed.kubernetes_version,
                    tags: json!({}),
                    pools,
                    provisioning_state: "Succeeded".into(),
                    power_state: "Running".into(),
                    running_operation: None,
                },
            );
        }
        plane
    }

    // ----- subscriptions, providers, SKUs, usages -------------------------------------------

    /// `GET /subscriptions`.
    pub fn list_subscriptions(&self) -> Reply {
        let value: Vec<Value> = self
            .world
            .subscriptions
            .iter()
            .map(|s| {
                json!({
                    "id": format!("/subscriptions/{}", s.id),
                    "authorizationSource": "RoleBased",
                    "subscriptionId": s.id,
                    "tenantId": self.world.identity.tenant_id,
                    "displayName": s.display_name,
                    "state": "Enabled",
                    "subscriptionPolicies": {
                        "locationPlacementId": "Public_2014-09-01",
                        "quotaId": "PayAsYouGo_2014-09-01",
                        "spendingLimit": "Off"
                    }
                })
            })
            .collect();
        let count = value.len();
        Reply::json(
            StatusCode::OK,
            json!({ "value": value, "count": { "type": "Total", "value": count } }),
        )
    }

    /// `GET /subscriptions/{sub}/providers/Microsoft.ContainerService`.
    pub fn container_service_provider(&self, subscription: &str) -> Reply {
        let aks_locations: Vec<&str> = self
            .world
            .regions
            .iter()
            .filter(|r| r.aks)
            .map(|r| r.display_name.as_str())
            .collect();
        let api_versions = ["2026-01-01", "2025-10-01", "2025-08-01", "2025-07-01"];
        Reply::json(
            StatusCode::OK,
            json!({
                "id": format!("/subscriptions/{subscription}/providers/Microsoft.ContainerService"),
                "namespace": "Microsoft.ContainerService",
                "registrationState": "Registered",
                "registrationPolicy": "RegistrationRequired",
                "resourceTypes": [
                    { "resourceType": "managedClusters", "locations": aks_locations, "apiVersions": api_versions,
                      "capabilities": "CrossResourceGroupResourceMove, CrossSubscriptionResourceMove, SystemAssignedResourceIdentity, SupportsTags, SupportsLocation" },
                    { "resourceType": "locations", "locations": [], "apiVersions": api_versions },
                    { "resourceType": "locations/operations", "locations": aks_locations, "apiVersions": api_versions },
                    { "resourceType": "locations/operationresults", "locations": aks_locations, "apiVersions": api_versions }
                ]
            }),
        )
    }

    /// `GET /subscriptions/{sub}/providers/Microsoft.Compute/skus[?$filter=location eq 'x']`.
    pub fn resource_skus(&self, location_filter: Option<&str>) -> Vec<Value> {
        let mut value = Vec::new();
        for region in &self.world.regions {
            if location_filter.is_some_and(|wanted| !wanted.eq_ignore_ascii_case(&region.name)) {
                continue;
            }
            for size in &self.world.vm_sizes {
                let restrictions: Vec<Value> = region
                    .restrictions
                    .iter()
                    .filter(|r| r.vm_size.eq_ignore_ascii_case(&size.name))
                    .map(|r| restriction_json(&region.name, r))
                    .collect();
                let (tier, short) = size
                    .name
                    .split_once('_')
                    .unwrap_or(("Standard", size.name.as_str()));
                value.push(json!({
                    "resourceType": "virtualMachines",
                    "name": size.name,
                    "tier": tier,
                    "size": short,
                    "family": size.family,
                    "locations": [region.name],
                    "locationInfo": [{ "location": region.name, "zones": region.zones, "zoneDetails": [] }],
                    "capabilities": [
                        { "name": "vCPUs", "value": size.vcpus.to_string() },
                        { "name": "vCPUsAvailable", "value": size.vcpus.to_string() },
                        { "name": "MemoryGB", "value": size.memory_gb.to_string() },
                        { "name": "HyperVGenerations", "value": "V1,V2" },
                        { "name": "PremiumIO", "value": "True" },
                        { "name": "AcceleratedNetworkingEnabled", "value": "True" },
                        { "name": "LowPriorityCapable", "value": "True" }
                    ],
                    "restrictions": restrictions
                }));
            }
        }
        value
    }

    /// `GET /subscriptions/{sub}/providers/Microsoft.Compute/locations/{loc}/usages`.
    pub fn compute_usages(&mut self, subscription: &str, location: &str) -> Reply {
        self.advance(Instant::now());
        let Some(region) = self.world.region(location).cloned() else {
            return location_not_available(
                location,
                "Microsoft.Compute/locations/usages",
                &self.world,
            );
        };
        let scaled = |limit: u32| self.scaled_limit(subscription, limit);
        let usage = self.cluster_usage(subscription, &region.name);
        let regional_used =
            self.outside_regional_usage(subscription, &region) + usage.values().sum::<i64>();
        let mut value = vec![json!({
            "unit": "Count",
            "currentValue": regional_used,
            "limit": scaled(region.regional_vcpu_limit),
            "name": { "value": "cores", "localizedValue": "Total Regional vCPUs" }
        })];
        let mut families: Vec<&str> = self
            .world
            .vm_sizes
            .iter()
            .map(|s| s.family.as_str())
            .collect();
        families.sort_unstable();
        families.dedup();
        for family in families {
            let base = region.family_usage.get(family).copied().unwrap_or(0);
            let limit = region
                .family_limits
                .get(family)
                .copied()
                .unwrap_or(region.family_vcpu_limit);
            value.push(json!({
                "unit": "Count",
                "currentValue": i64::from(base) + usage.get(family).copied().unwrap_or(0),
                "limit": scaled(limit),
                "name": { "value": family, "localizedValue": family_display_name(family) }
            }));
        }
        Reply::json(StatusCode::OK, json!({ "value": value }))
    }

    /// A quota limit of the world as `subscription` sees it (scaled by its `quota_scale`).
    fn scaled_limit(&self, subscription: &str, limit: u32) -> i64 {
        let scale = self
            .world
            .subscription(subscription)
            .map_or(1.0, |s| s.quota_scale);
        (f64::from(limit) * scale).floor() as i64
    }

    /// Regional vCPUs used outside the sandbox's clusters in one subscription × region: the
    /// region's configured usage plus what the competing deployment took there, once it has.
    fn outside_regional_usage(&self, subscription: &str, region: &RegionConfig) -> i64 {
        let claimed = self
            .competing_claims
            .get(&(lower(subscription), lower(&region.name)))
            .copied()
            .unwrap_or(0);
        i64::from(region.regional_vcpu_usage) + claimed
    }

    /// vCPUs used per family by the sandbox's clusters in one subscription × region. Failed and
    /// Canceled clusters keep counting until deleted, as their scale sets still hold the VMs;
    /// a pool whose VMs could not be allocated (it carries a provisioning error) holds none.
    fn cluster_usage(&self, subscription: &str, location: &str) -> BTreeMap<String, i64> {
        let mut usage = BTreeMap::new();
        for cluster in self.clusters.values() {
            if !cluster.subscription.eq_ignore_ascii_case(subscription)
                || cluster.location != lower(location)
            {
                continue;
            }
            for pool in cluster
                .pools
                .iter()
                .filter(|p| p.provisioning_error.is_none())
            {
                if let Some(size) = self.world.vm_size(&pool.vm_size) {
                    *usage.entry(size.family.clone()).or_insert(0) +=
                        i64::from(pool.count * size.vcpus);
                }
            }
        }
        usage
    }

    // ----- resource groups -----------------------------------------------------------------

    fn group(&self, subscription: &str, name: &str) -> Option<&ResourceGroup> {
        self.groups.get(&(lower(subscription), lower(name)))
    }

    /// `GET /subscriptions/{sub}/resourcegroups/{rg}`.
    pub fn get_group(&self, subscription: &str, name: &str) -> Reply {
        match self.group(subscription, name) {
            Some(group) => Reply::json(StatusCode::OK, group_json(group)),
            None => group_not_found(name),
        }
    }

    /// `HEAD /subscriptions/{sub}/resourcegroups/{rg}`: 204 or 404, no body.
    pub fn group_exists(&self, subscription: &str, name: &str) -> Reply {
        match self.group(subscription, name) {
            Some(_) => Reply::empty(StatusCode::NO_CONTENT),
            None => Reply::empty(StatusCode::NOT_FOUND),
        }
    }

    /// `PUT /subscriptions/{sub}/resourcegroups/{rg}`.
    pub fn put_group(&mut self, subscription: &str, name: &str, body: &Value) -> Reply {
        if let Err(error) = shared::naming::validate_resource_group_name(name) {
            return Reply::arm_error(
                StatusCode::BAD_REQUEST,
                "InvalidResourceGroup",
                format!(
                    "The provided resource group name '{name}' has these invalid characters or length: {error}"
                ),
            );
        }
        let scope = format!("/subscriptions/{subscription}/resourcegroups/{name}");
        if let Some(denied) = self.deny_write(
            &scope,
            "Microsoft.Resources/subscriptions/resourcegroups/write",
        ) {
            return denied;
        }
        let Some(location) = body.get("location").and_then(Value::as_str) else {
            return Reply::arm_error(
                StatusCode::BAD_REQUEST,
                "LocationRequired",
                "The location property is required for this definition.",
            );
        };
        if self.world.region(location).is_none() {
            let names: Vec<&str> = self.world.regions.iter().map(|r| r.name.as_str()).collect();
            return Reply::arm_error(
                StatusCode::BAD_REQUEST,
                "LocationNotAvailableForResourceGroup",
                format!(
                    "The provided location '{location}' is not available for resource group. List of available regions is '{}'.",
                    names.join(",")
                ),
            );
        }
        let key = (lower(subscription), lower(name));
        if let Some(existing) = self.groups.get(&key) {
            if existing.location != lower(location) {
                return Reply::arm_error(
                    StatusCode::CONFLICT,
                    "InvalidResourceGroupLocation",
                    format!(
                        "Invalid resource group location '{location}'. The Resource group already exists in location '{}'.",
                        existing.location
                    ),
                );
            }
            return Reply::json(StatusCode::OK, group_json(existing));
        }
        let group = ResourceGroup {
            subscription: subscription.to_owned(),
            name: name.to_owned(),
            location: lower(location),
        };
        let reply = Reply::json(StatusCode::CREATED, group_json(&group));
        self.groups.insert(key, group);
        reply
    }

    /// `GET …/resourcegroups/{rg}/providers/Microsoft.Authorization/permissions`: the identity's
    /// permissions at the group, one entry per role. The identity holds Contributor, or Reader
    /// where the group lies under a denied write scope. A denied scope *below* the group (one
    /// cluster, say) leaves the group's answer at Contributor, as a deny on a single resource
    /// does in Azure, so such a create passes this read and is refused by the PUT.
    pub fn group_permissions(&self, subscription: &str, name: &str) -> Result<Vec<Value>, Reply> {
        if self.group(subscription, name).is_none() {
            return Err(group_not_found(name));
        }
        let scope = format!("/subscriptions/{subscription}/resourceGroups/{name}");
        let (actions, not_actions): (&[&str], &[&str]) = if self.write_denied(&scope) {
            (&["*/read"], &[])
        } else {
            (&["*"], CONTRIBUTOR_NOT_ACTIONS)
        };
        Ok(vec![json!({
            "actions": actions,
            "notActions": not_actions,
            "dataActions": [],
            "notDataActions": [],
        })])
    }

    /// True when `scope` is a denied write scope or lies under one.
    fn write_denied(&self, scope: &str) -> bool {
        let scope_lower = lower(scope);
        self.world.denied_write_scopes.iter().any(|d| {
            let denied = lower(d.scope.trim_end_matches('/'));
            scope_lower == denied || scope_lower.starts_with(&format!("{denied}/"))
        })
    }

    /// 403 `AuthorizationFailed` when `scope` lies under a denied scope.
    fn deny_write(&self, scope: &str, action: &str) -> Option<Reply> {
        self.write_denied(scope).then(|| {
            let identity = &self.world.identity;
            Reply::arm_error(
                StatusCode::FORBIDDEN,
                "AuthorizationFailed",
                format!(
                    "The client '{}' with object id '{}' does not have authorization to perform action '{action}' over scope '{scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.",
                    identity.principal_client_id, identity.principal_object_id
                ),
            )
        })
    }

    // ----- managed clusters ----------------------------------------------------------------

    /// `GET …/managedClusters/{name}`.
    pub fn get_cluster(&mut self, subscription: &str, group: &str, name: &str) -> Reply {
        self.advance(Instant::now());
        if self.group(subscription, group).is_none() {
            return group_not_found(group);
        }
        match self.clusters.get(&cluster_key(subscription, group, name)) {
            Some(cluster) => Reply::json(StatusCode::OK, self.cluster_json(cluster)),
            None => cluster_not_found(group, name),
        }
    }

    /// Clusters of a subscription, optionally of one resource group (an error reply when that
    /// resource group does not exist).
    pub fn list_clusters(
        &mut self,
        subscription: &str,
        group: Option<&str>,
    ) -> Result<Vec<Value>, Reply> {
        self.advance(Instant::now());
        if let Some(group) = group
            && self.group(subscription, group).is_none()
        {
            return Err(group_not_found(group));
        }
        Ok(self
            .clusters
            .values()
            .filter(|c| c.subscription.eq_ignore_ascii_case(subscription))
            .filter(|c| group.is_none_or(|g| c.resource_group.eq_ignore_ascii_case(g)))
            .map(|c| self.cluster_json(c))
            .collect())
    }

    /// `PUT …/managedClusters/{name}`: validates like ARM and AKS, then starts the create (or,
    /// for an existing cluster with no running operation, an update).
    pub fn put_cluster(
        &mut self,
        origin: &Origin<'_>,
        subscription: &str,
        group: &str,
        name: &str,
        if_none_match: Option<&str>,
        body: &Value,
    ) -> Reply {
        if let Err(refused) = self.authorize_cluster_write(
            subscription,
            group,
            name,
            "Microsoft.ContainerService/managedClusters/write",
        ) {
            return refused;
        }
        if let Err(error) = validate_cluster_name(name) {
            return Reply::aks_error(
                StatusCode::BAD_REQUEST,
                "InvalidParameter",
                format!("The value of parameter resourceName is invalid. {error}"),
            );
        }
        let key = cluster_key(subscription, group, name);
        let existing = self.clusters.get(&key);
        if if_none_match.is_some_and(|v| v.trim() == "*") && existing.is_some() {
            // Status from ETag semantics (ARM_FACTS.md §1); the body text is unverified.
            return Reply::aks_error(
                StatusCode::PRECONDITION_FAILED,
                "PreconditionFailed",
                format!(
                    "Operation failed because managed cluster '{name}' already exists and the request has header If-None-Match: *."
                ),
            );
        }
        if let Some(cluster) = existing
            && let Some(operation) = cluster
                .running_operation
                .as_ref()
                .and_then(|id| self.operations.get(id))
        {
            return Reply::aks_error(
                StatusCode::CONFLICT,
                "OperationNotAllowed",
                format!(
                    "Operation is not allowed because there's an in progress {} managed cluster operation (operation ID: {}) on the managed cluster started on UTC {}. Please wait for it to finish before starting a new operation. You can also use 'az aks operation-abort ...' to abort the ongoing operation.",
                    if operation.kind == OperationKind::Delete {
                        "delete"
                    } else {
                        "create"
                    },
                    operation.id,
                    rfc3339(operation.started_at)
                ),
            );
        }
        let request = match self.validate_cluster_body(name, body) {
            Ok(request) => request,
            Err(reply) => return *reply,
        };
        if let Some(cluster) = existing
            && cluster.location != request.location
        {
            return Reply::aks_error(
                StatusCode::BAD_REQUEST,
                "InvalidParameter",
                format!(
                    "The location of managed cluster '{name}' cannot be changed from '{}' to '{}'.",
                    cluster.location, request.location
                ),
            );
        }
        if let Some(reply) = self.check_quota(subscription, &key, &request) {
            return reply;
        }

        let timings = self.world.timings.clone();
        let hazardous = self.world.region(&request.location).is_some_and(|r| {
            r.fail_creates_midway
                || r.competing_deployment_vcpus > 0
                || request
                    .pools
                    .iter()
                    .any(|p| r.capacity_restricted(&p.vm_size))
        });
        let duration = seconds(timings.create_seconds);
        let operation = Operation {
            // Past the system pools (half-way), while the other pools' VMs are allocated.
            hazard_at: hazardous.then(|| duration.mul_f64(0.6)),
            ..Operation::start(
                OperationKind::Create,
                subscription,
                &request.location,
                &key,
                duration,
            )
        };
        let operation_id = operation.id.clone();
        let status = if existing.is_some() {
            StatusCode::OK
        } else {
            StatusCode::CREATED
        };
        let state = if existing.is_some() {
            "Updating"
        } else {
            "Creating"
        };
        let pools = request
            .pools
            .into_iter()
            .map(|pool| Pool {
                provisioning_state: state.into(),
                ..pool
            })
            .collect();
        let cluster = Cluster {
            subscription: existing
                .map_or_else(|| subscription.to_owned(), |c| c.subscription.clone()),
            resource_group: existing.map_or_else(|| group.to_owned(), |c| c.resource_group.clone()),
            name: existing.map_or_else(|| name.to_owned(), |c| c.name.clone()),
            location: request.location.clone(),
            kubernetes_version: request.kubernetes_version,
            current_kubernetes_version: request.current_kubernetes_version,
            dns_prefix: request.dns_prefix,
            tags: request.tags,
            pools,
            provisioning_state: state.into(),
            power_state: "Running".into(),
            running_operation: Some(operation_id.clone()),
        };
        let body = self.cluster_json(&cluster);
        self.clusters.insert(key.clone(), cluster);
        self.operations.insert(operation_id.clone(), operation);
        let async_url = operation_url(
            origin,
            subscription,
            &request.location,
            "operations",
            &operation_id,
        );
        Reply::json(status, body)
            .with_header(headers::AZURE_ASYNC_OPERATION, async_url)
            .with_header(header::RETRY_AFTER, timings.retry_after_seconds.to_string())
    }

    fn validate_cluster_body(
        &self,
        name: &str,
        body: &Value,
    ) -> Result<ClusterRequest, Box<Reply>> {
        let invalid = |message: String| {
            Box::new(Reply::aks_error(
                StatusCode::BAD_REQUEST,
                "InvalidParameter",
                message,
            ))
        };
        let Some(location) = body.get("location").and_then(Value::as_str) else {
            return Err(Box::new(Reply::arm_error(
                StatusCode::BAD_REQUEST,
                "LocationRequired",
                "The location property is required for this definition.",
            )));
        };
        let location = lower(location);
        let region = match self.world.region(&location) {
            Some(region) if region.aks => region,
            _ => {
                return Err(Box::new(location_not_available(
                    &location,
                    "Microsoft.ContainerService/managedClusters",
                    &self.world,
                )));
            }
        };
        let properties = body.get("properties").cloned().unwrap_or(Value::Null);
        let dns_prefix = match properties.get("dnsPrefix").and_then(Value::as_str) {
            Some(prefix) if !prefix.is_empty() => prefix.to_owned(),
            _ => {
                return Err(invalid(
                    "Required parameter dnsPrefix is missing (null).".into(),
                ));
            }
        };
        let requested_version = properties
            .get("kubernetesVersion")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        let current_kubernetes_version = self.resolve_version(&requested_version).ok_or_else(|| {
            Box::new(Reply::aks_error(
                StatusCode::BAD_REQUEST,
                "K8sVersionNotSupported",
                format!("Version {requested_version} is not supported in this region. Please use [az aks get-versions] command to get the supported version list in this region."),
            ))
        })?;
        let Some(profiles) = properties
            .get("agentPoolProfiles")
            .and_then(Value::as_array)
        else {
            return Err(invalid(
                "Required parameter agentPoolProfiles is missing (null).".into(),
            ));
        };
        if profiles.is_empty() {
            return Err(invalid(
                "Required parameter agentPoolProfiles is missing (null).".into(),
            ));
        }
        let mut pools: Vec<Pool> = Vec::new();
        for profile in profiles {
            let pool_name = profile.get("name").and_then(Value::as_str).unwrap_or("");
            if let Err(error) = validate_pool_name(pool_name) {
                return Err(invalid(format!(
                    "The value of parameter agentPoolProfile.name is invalid. {error}"
                )));
            }
            if pools.iter().any(|p| p.name == pool_name) {
                return Err(invalid(format!(
                    "The agent pool name '{pool_name}' is used more than once."
                )));
            }
            let mode = profile
                .get("mode")
                .and_then(Value::as_str)
                .unwrap_or("User");
            let mode = if mode.eq_ignore_ascii_case("System") {
                "System"
            } else {
                "User"
            };
            let count = profile.get("count").and_then(Value::as_i64).unwrap_or(1);
            let minimum = if mode == "System" { 1 } else { 0 };
            if !(minimum..=1000).contains(&count) {
                return Err(invalid(format!(
                    "The value of parameter agentPoolProfile.count is invalid. Please see https://aka.ms/aks-naming-rules for more details. Count for {mode} pool '{pool_name}' must be between {minimum} and 1000, got {count}."
                )));
            }
            let vm_size = profile.get("vmSize").and_then(Value::as_str).unwrap_or("");
            let blocked = |size: &str| {
                Box::new(Reply::aks_error(
                    StatusCode::BAD_REQUEST,
                    "BadRequest",
                    format!(
                        "The VM size of {size} is not allowed in your subscription in location '{location}'.  For more details, please visit https://aka.ms/cpu-quota"
                    ),
                ))
            };
            let Some(size) = self.world.vm_size(vm_size) else {
                return Err(blocked(&format!("AgentPoolProfile:{pool_name}")));
            };
            if location_restriction(&region.restrictions, &size.name).is_some() {
                return Err(blocked(&format!("AgentPoolProfile:{pool_name}")));
            }
            if mode == "System" && (size.vcpus < 2 || size.memory_gb < 4.0) {
                return Err(invalid(format!(
                    "System node pool '{pool_name}' must use a VM size with at least 2 vCPUs and 4 GB of memory; {} has {} vCPUs and {} GB.",
                    size.name, size.vcpus, size.memory_gb
                )));
            }
            pools.push(Pool {
                name: pool_name.to_owned(),
                mode: mode.to_owned(),
                vm_size: size.name.clone(),
                count: u32::try_from(count).unwrap_or(0),
                provisioning_state: String::new(),
                provisioning_error: None,
            });
        }
        if !pools.iter().any(|p| p.mode == "System") {
            return Err(invalid(format!(
                "Managed cluster '{name}' must have at least one agent pool with mode 'System'. Please see https://aka.ms/aks/nodepool/mode for more details."
            )));
        }
        Ok(ClusterRequest {
            location,
            dns_prefix,
            kubernetes_version: requested_version,
            current_kubernetes_version,
            tags: body.get("tags").cloned().unwrap_or_else(|| json!({})),
            pools,
        })
    }

    /// Resolves "", "1.x" or "1.x.y" to a supported patch version.
    fn resolve_version(&self, requested: &str) -> Option<String> {
        let defaults = &self.world.cluster_defaults;
        if requested.is_empty() {
            return Some(defaults.default_kubernetes_version.clone());
        }
        defaults
            .kubernetes_versions
            .iter()
            .filter(|v| *v == requested || v.starts_with(&format!("{requested}.")))
            .max_by_key(|v| {
                v.split('.')
                    .filter_map(|p| p.parse::<u32>().ok())
                    .collect::<Vec<_>>()
            })
            .cloned()
    }

    /// AKS's synchronous quota check: per family first, then the regional total.
    fn check_quota(
        &self,
        subscription: &str,
        key: &ClusterKey,
        request: &ClusterRequest,
    ) -> Option<Reply> {
        let region = self.world.region(&request.location)?;
        let scaled = |limit: u32| self.scaled_limit(subscription, limit);
        let surge = self.world.cluster_defaults.surge_nodes_per_pool;
        let mut needed: BTreeMap<String, i64> = BTreeMap::new();
        for pool in &request.pools {
            if let Some(size) = self.world.vm_size(&pool.vm_size) {
                *needed.entry(size.family.clone()).or_insert(0) +=
                    i64::from((pool.count + surge) * size.vcpus);
            }
        }
        // An update only needs what it adds beyond what the cluster already holds.
        let mut usage = self.cluster_usage(subscription, &request.location);
        if let Some(current) = self.clusters.get(key) {
            for pool in current
                .pools
                .iter()
                .filter(|p| p.provisioning_error.is_none())
            {
                if let Some(size) = self.world.vm_size(&pool.vm_size) {
                    *usage.entry(size.family.clone()).or_insert(0) -=
                        i64::from(pool.count * size.vcpus);
                }
            }
        }
        for (family, cores) in &needed {
            let limit = scaled(
                region
                    .family_limits
                    .get(family)
                    .copied()
                    .unwrap_or(region.family_vcpu_limit),
            );
            let used = i64::from(region.family_usage.get(family).copied().unwrap_or(0))
                + usage.get(family).copied().unwrap_or(0);
            let remaining = (limit - used).max(0);
            if *cores > remaining {
                return Some(Reply::aks_error(
                    StatusCode::BAD_REQUEST,
                    "ErrCode_InsufficientVCPUQuota",
                    format!(
                        "Insufficient vcpu quota requested {cores}, remaining {remaining} for family {family} for region {}. Surge nodes would also consume vcpu quota.",
                        region.name
                    ),
                ));
            }
        }
        let total: i64 = needed.values().sum();
        let used = self.outside_regional_usage(subscription, region) + usage.values().sum::<i64>();
        let remaining = (scaled(region.regional_vcpu_limit) - used).max(0);
        (total > remaining).then(|| {
            // The family form above is a real AKS text; this regional form is reconstructed (unverified).
            Reply::aks_error(
                StatusCode::BAD_REQUEST,
                "ErrCode_InsufficientVCPUQuota",
                format!(
                    "Insufficient regional vcpu quota left for location {}. left regional vcpu quota {remaining}, requested quota {total}. Surge nodes would also consume vcpu quota.",
                    region.name
                ),
            )
        })
    }

    /// Brings state up to now, then applies ARM's checks before any cluster write: RBAC on the
    /// cluster's scope (403), then the resource group's existence (404).
    fn authorize_cluster_write(
        &mut self,
        subscription: &str,
        group: &str,
        name: &str,
        action: &str,
    ) -> Result<(), Reply> {
        self.advance(Instant::now());
        let scope = format!(
            "/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.ContainerService/managedClusters/{name}"
        );
        if let Some(denied) = self.deny_write(&scope, action) {
            return Err(denied);
        }
        if self.group(subscription, group).is_none() {
            return Err(group_not_found(group));
        }
        Ok(())
    }

    /// `DELETE …/managedClusters/{name}`: 202 + LRO, or 204 when absent. A running create is
    /// pre-empted, as AKS does (`AKSOperationPreemptedByDelete`).
    pub fn delete_cluster(
        &mut self,
        origin: &Origin<'_>,
        subscription: &str,
        group: &str,
        name: &str,
    ) -> Reply {
        if let Err(refused) = self.authorize_cluster_write(
            subscription,
            group,
            name,
            "Microsoft.ContainerService/managedClusters/delete",
        ) {
            return refused;
        }
        let key = cluster_key(subscription, group, name);
        let Some(cluster) = self.clusters.get(&key) else {
            return Reply::empty(StatusCode::NO_CONTENT);
        };
        let location = cluster.location.clone();
        let running = cluster.running_operation.clone();
        let operation_id = match running.as_ref().and_then(|id| self.operations.get(id)) {
            Some(op) if op.kind == OperationKind::Delete => op.id.clone(),
            other => {
                if let Some(preempted) = other.map(|op| op.id.clone()) {
                    let message = format!(
                        "This operation has been preempted by a delete operation on managed cluster '{name}'."
                    );
                    self.finish(
                        &preempted,
                        OperationStatus::Failed,
                        Some(
                            json!({ "code": "AKSOperationPreemptedByDelete", "message": message }),
                        ),
                    );
                }
                let operation = Operation::start(
                    OperationKind::Delete,
                    subscription,
                    &location,
                    &key,
                    seconds(self.world.timings.delete_seconds),
                );
                let id = operation.id.clone();
                self.operations.insert(id.clone(), operation);
                if let Some(cluster) = self.clusters.get_mut(&key) {
                    cluster.provisioning_state = "Deleting".into();
                    cluster.running_operation = Some(id.clone());
                    for pool in &mut cluster.pools {
                        pool.provisioning_state = "Deleting".into();
                    }
                }
                id
            }
        };
        self.accepted(origin, subscription, &location, &operation_id)
    }

    /// `POST …/managedClusters/{name}/abort`: 202 + LRO while an operation runs; 409 otherwise.
    pub fn abort_cluster_operation(
        &mut self,
        origin: &Origin<'_>,
        subscription: &str,
        group: &str,
        name: &str,
    ) -> Reply {
        if let Err(refused) = self.authorize_cluster_write(
            subscription,
            group,
            name,
            "Microsoft.ContainerService/managedClusters/abort/action",
        ) {
            return refused;
        }
        let key = cluster_key(subscription, group, name);
        let Some(cluster) = self.clusters.get(&key) else {
            return cluster_not_found(group, name);
        };
        let location = cluster.location.clone();
        let target = cluster
            .running_operation
            .as_ref()
            .and_then(|id| self.operations.get(id))
            .cloned();
        let Some(target) = target.filter(|op| op.kind == OperationKind::Create) else {
            // The spec says "a 409 error code is returned"; the code and text here are unverified.
            return Reply::aks_error(
                StatusCode::CONFLICT,
                "OperationNotAllowed",
                format!(
                    "There is no running operation to abort on managed cluster '{name}'; the latest operation has already completed."
                ),
            );
        };
        // A second abort while the first settles answers with the same abort operation.
        let existing_abort = self
            .operations
            .values()
            .find(|op| op.aborts.as_deref() == Some(target.id.as_str()))
            .map(|op| op.id.clone());
        let abort_id = existing_abort.unwrap_or_else(|| {
            // An abort ends when the operation it cancels does; its own duration is unused.
            let operation = Operation {
                aborts: Some(target.id.clone()),
                ..Operation::start(
                    OperationKind::Abort,
                    subscription,
                    &location,
                    &key,
                    Duration::ZERO,
                )
            };
            let (id, now) = (operation.id.clone(), operation.started);
            self.operations.insert(id.clone(), operation);
            if let Some(op) = self.operations.get_mut(&target.id) {
                op.abort_requested = Some(now);
                op.status = OperationStatus::Canceling;
            }
            if let Some(cluster) = self.clusters.get_mut(&key) {
                cluster.provisioning_state = "Canceling".into();
            }
            id
        });
        self.accepted(origin, subscription, &location, &abort_id)
    }

    /// 202 with `Azure-AsyncOperation`, `Location` and `Retry-After`.
    fn accepted(
        &self,
        origin: &Origin<'_>,
        subscription: &str,
        location: &str,
        operation_id: &str,
    ) -> Reply {
        Reply::empty(StatusCode::ACCEPTED)
            .with_header(
                headers::AZURE_ASYNC_OPERATION,
                operation_url(origin, subscription, location, "operations", operation_id),
            )
            .with_header(
                header::LOCATION,
                operation_url(
                    origin,
                    subscription,
                    location,
                    "operationresults",
                    operation_id,
                ),
            )
            .with_header(
                header::RETRY_AFTER,
                self.world.timings.retry_after_seconds.to_string(),
            )
    }

    // ----- operations ----------------------------------------------------------------------

    /// `GET …/locations/{loc}/operations/{id}`: the async-operation status resource.
    pub fn operation_status(&mut self, subscription: &str, location: &str, id: &str) -> Reply {
        self.advance(Instant::now());
        let Some(op) = self.operation_of(subscription, location, id) else {
            return operation_not_found(id);
        };
        let mut body = json!({
            "id": format!("/subscriptions/{}/providers/Microsoft.ContainerService/locations/{}/operations/{}", op.subscription, op.location, op.id),
            "name": op.id,
            "status": op.status.as_str(),
            "startTime": rfc3339(op.started_at),
        });
        if let Some(ended) = op.ended_at {
            body["endTime"] = json!(rfc3339(ended));
        }
        if op.kind == OperationKind::Create && !op.status.is_terminal() {
            let fraction =
                op.started.elapsed().as_secs_f64() / op.duration.as_secs_f64().max(0.001);
            body["percentComplete"] = json!((fraction * 100.0).clamp(0.0, 99.0).floor());
        }
        if let Some(error) = &op.error {
            body["error"] = error.clone();
        }
        let reply = Reply::json(StatusCode::OK, body);
        if op.status.is_terminal() {
            reply
        } else {
            reply.with_header(
                header::RETRY_AFTER,
                self.world.timings.retry_after_seconds.to_string(),
            )
        }
    }

    /// `GET …/locations/{loc}/operationresults/{id}`: 202 while running, then the final answer.
    pub fn operation_result(
        &mut self,
        origin: &Origin<'_>,
        subscription: &str,
        location: &str,
        id: &str,
    ) -> Reply {
        self.advance(Instant::now());
        let Some(op) = self.operation_of(subscription, location, id) else {
            return operation_not_found(id);
        };
        match op.status {
            OperationStatus::InProgress | OperationStatus::Canceling => {
                Reply::empty(StatusCode::ACCEPTED)
                    .with_header(
                        header::LOCATION,
                        operation_url(origin, subscription, location, "operationresults", id),
                    )
                    .with_header(
                        header::RETRY_AFTER,
                        self.world.timings.retry_after_seconds.to_string(),
                    )
            }
            OperationStatus::Succeeded => Reply::empty(StatusCode::NO_CONTENT),
            OperationStatus::Failed | OperationStatus::Canceled => Reply::json(
                StatusCode::BAD_REQUEST,
                json!({ "error": op.error.clone().unwrap_or(Value::Null) }),
            ),
        }
    }

    fn operation_of(&self, subscription: &str, location: &str, id: &str) -> Option<&Operation> {
        self.operations.get(&lower(id)).filter(|op| {
            op.subscription.eq_ignore_ascii_case(subscription)
                && op.location.eq_ignore_ascii_case(location)
        })
    }

    /// Moves every running operation forward to `now`.
    pub fn advance(&mut self, now: Instant) {
        let running: Vec<String> = self
            .operations
            .values()
            .filter(|op| !op.status.is_terminal())
            .map(|op| op.id.clone())
            .collect();
        for id in running {
            let Some(op) = self.operations.get(&id).cloned() else {
                continue;
            };
            let elapsed = now.saturating_duration_since(op.started);
            match op.kind {
                OperationKind::Create => self.advance_create(&op, now, elapsed),
                OperationKind::Delete => {
                    if elapsed >= op.duration {
                        self.clusters.remove(&op.cluster);
                        self.finish(&op.id, OperationStatus::Succeeded, None);
                    }
                }
                OperationKind::Abort => {
                    let target_done = op
                        .aborts
                        .as_ref()
                        .and_then(|t| self.operations.get(t))
                        .is_none_or(|t| t.status.is_terminal());
                    if target_done {
                        self.finish(&op.id, OperationStatus::Succeeded, None);
                    }
                }
            }
        }
    }

    fn advance_create(&mut self, op: &Operation, now: Instant, elapsed: Duration) {
        // System pools come up halfway through, as the control plane needs them, unless the
        // create was aborted or failed before that point, or their size has no capacity here.
        // Checked first so a reader who arrives after a later milestone still sees this one.
        let system_ready = op.duration / 2;
        let stopped_before = op
            .abort_requested
            .map(|at| at.saturating_duration_since(op.started));
        let failed_before = op.hazard_at;
        if elapsed >= system_ready
            && stopped_before.is_none_or(|at| at >= system_ready)
            && failed_before.is_none_or(|at| at >= system_ready)
            && let Some(cluster) = self.clusters.get_mut(&op.cluster)
        {
            let region = self.world.region(&op.location);
            for pool in cluster.pools.iter_mut().filter(|p| {
                p.mode == "System" && !region.is_some_and(|r| r.capacity_restricted(&p.vm_size))
            }) {
                pool.provisioning_state = "Succeeded".into();
            }
        }
        let abort_seconds = seconds(self.world.timings.abort_seconds);
        if let Some(requested) = op.abort_requested {
            if now.saturating_duration_since(requested) >= abort_seconds {
                // Code and text unverified: AKS docs name the state (Canceled), not the error body.
                let error = json!({
                    "code": "OperationCancelled",
                    "message": "The operation was cancelled by an abort request (az aks operation-abort). Nothing was rolled back; the cluster stopped at the step it had reached."
                });
                self.finish(&op.id, OperationStatus::Canceled, Some(error));
            }
            return;
        }
        if let Some(hazard_at) = op.hazard_at
            && elapsed >= hazard_at
        {
            // Met once: a create that survives them runs on to the end.
            if let Some(stored) = self.operations.get_mut(&op.id) {
                stored.hazard_at = None;
            }
            if let Some(failure) = self.meet_hazards(op) {
                if let Some(cluster) = self.clusters.get_mut(&op.cluster)
                    && let Some(failed) = cluster.pools.iter_mut().find(|p| p.name == failure.pool)
                {
                    failed.provisioning_error = Some(failure.detail);
                }
                self.finish(&op.id, OperationStatus::Failed, Some(failure.error));
                return;
            }
        }
        if elapsed >= op.duration {
            self.finish(&op.id, OperationStatus::Succeeded, None);
        }
    }

    /// The region's midway events, in the order a create meets them: a pool of a
    /// capacity-restricted size fails as its scale set is deployed; then the competing deployment
    /// takes its vCPUs and the pools still to come must fit the regional quota; then capacity
    /// runs out (`fail_creates_midway`). Answers the first failure, if any.
    fn meet_hazards(&mut self, op: &Operation) -> Option<PoolFailure> {
        let region = self.world.region(&op.location)?.clone();
        if let Some(failure) = self.capacity_restricted_failure(&region, op) {
            return Some(failure);
        }
        if let Some(failure) = self.competing_claim(&region, op) {
            return Some(failure);
        }
        region
            .fail_creates_midway
            .then(|| self.allocation_failure(op))
    }

    /// `SkuNotAvailable` for the first pool still to come whose size has no capacity here,
    /// although the SKU list shows it without restriction.
    fn capacity_restricted_failure(
        &self,
        region: &RegionConfig,
        op: &Operation,
    ) -> Option<PoolFailure> {
        let pool = self.clusters.get(&op.cluster)?.pools.iter().find(|p| {
            p.provisioning_state != "Succeeded" && region.capacity_restricted(&p.vm_size)
        })?;
        // Compute's wording (corpus s011, s022), wrapped as AKS wraps a failed scale set.
        let detail = json!({
            "code": "SkuNotAvailable",
            "message": format!(
                "The requested VM size for resource 'Following SKUs have failed for Capacity Restrictions: {}' is currently not available in location '{}'. Please try another size or deploy to a different location or different zone. See https://aka.ms/azureskunotavailable for details.",
                pool.vm_size, region.name
            ),
        });
        Some(PoolFailure {
            pool: pool.name.clone(),
            error: resource_operation_failure(&detail),
            detail,
        })
    }

    /// The competing deployment's claim, made once per subscription × region: it takes
    /// `competing_deployment_vcpus` (no more than is free at that moment) and keeps them. The
    /// create's pools still to come are then allocated in order; the first that no longer fits
    /// the regional quota fails the create with Compute's quota error as AKS relays it.
    fn competing_claim(&mut self, region: &RegionConfig, op: &Operation) -> Option<PoolFailure> {
        let key = (lower(&op.subscription), lower(&region.name));
        if region.competing_deployment_vcpus == 0 || self.competing_claims.contains_key(&key) {
            return None;
        }
        let cluster = self.clusters.get(&op.cluster)?;
        let surge = self.world.cluster_defaults.surge_nodes_per_pool;
        // (pool, vCPUs it holds once up, vCPUs its allocation needs, surge included)
        let pending: Vec<(String, i64, i64)> = cluster
            .pools
            .iter()
            .filter(|p| p.provisioning_state != "Succeeded" && p.provisioning_error.is_none())
            .filter_map(|p| {
                let size = self.world.vm_size(&p.vm_size)?;
                Some((
                    p.name.clone(),
                    i64::from(p.count * size.vcpus),
                    i64::from((p.count + surge) * size.vcpus),
                ))
            })
            .collect();
        let (cluster_name, group) = (cluster.name.clone(), cluster.resource_group.clone());
        let limit = self.scaled_limit(&op.subscription, region.regional_vcpu_limit);
        // Allocated now: everything but this create's pools still to come.
        let mut used = self.outside_regional_usage(&op.subscription, region)
            + self
                .cluster_usage(&op.subscription, &region.name)
                .values()
                .sum::<i64>()
            - pending.iter().map(|(_, held, _)| held).sum::<i64>();
        let claim = i64::from(region.competing_deployment_vcpus).min((limit - used).max(0));
        self.competing_claims.insert(key, claim);
        tracing::info!(
            subscription = %op.subscription,
            region = %region.name,
            claim,
            "sandbox: a competing deployment took regional vCPUs"
        );
        used += claim;
        for (pool, _, needed) in pending {
            if used + needed > limit {
                let shortfall = RegionalQuotaShortfall {
                    subscription: &op.subscription,
                    location: &region.name,
                    group: &group,
                    cluster: &cluster_name,
                    limit,
                    used,
                    needed,
                };
                return Some(shortfall.failure(pool));
            }
            used += needed;
        }
        None
    }

    /// `AllocationFailed` on the first user pool (or the first pool): no capacity for its size.
    fn allocation_failure(&self, op: &Operation) -> PoolFailure {
        let (pool, vm_size) = self
            .clusters
            .get(&op.cluster)
            .and_then(|c| {
                c.pools
                    .iter()
                    .find(|p| p.mode == "User")
                    .or(c.pools.first())
            })
            .map(|p| (p.name.clone(), p.vm_size.clone()))
            .unwrap_or_default();
        let detail = json!({
            "code": "AllocationFailed",
            "target": pool,
            "message": format!("Allocation failed. We do not have sufficient capacity for the requested VM size {vm_size} in this region. Read more about improving likelihood of allocation success at http://aka.ms/allocation-guidance"),
        });
        PoolFailure {
            pool,
            error: resource_operation_failure(&detail),
            detail,
        }
    }

    /// Ends an operation and brings its cluster to the matching state.
    fn finish(&mut self, id: &str, status: OperationStatus, error: Option<Value>) {
        let Some(op) = self.operations.get_mut(id) else {
            return;
        };
        op.status = status;
        op.ended_at = Some(OffsetDateTime::now_utc());
        op.error = error;
        let (kind, cluster_key) = (op.kind, op.cluster.clone());
        if kind == OperationKind::Abort {
            return;
        }
        let Some(cluster) = self.clusters.get_mut(&cluster_key) else {
            return;
        };
        if cluster.running_operation.as_deref() == Some(id) {
            cluster.running_operation = None;
        }
        let state = status.as_str();
        cluster.provisioning_state = state.into();
        for pool in &mut cluster.pools {
            let pool_done =
                pool.provisioning_state == "Succeeded" && status != OperationStatus::Succeeded;
            if !pool_done {
                pool.provisioning_state = state.into();
            }
        }
    }

    // ----- rendering -----------------------------------------------------------------------

    fn cluster_json(&self, cluster: &Cluster) -> Value {
        let id = shared::portal::managed_cluster_id(
            &cluster.subscription,
            &cluster.resource_group,
            &cluster.name,
        );
        let hash = format!("{:08x}", fnv1a(&id));
        let fqdn_known = !matches!(cluster.provisioning_state.as_str(), "Creating");
        let pools: Vec<Value> = cluster
            .pools
            .iter()
            .map(|pool| {
                let mut profile = json!({
                    "name": pool.name,
                    "count": pool.count,
                    "vmSize": pool.vm_size,
                    "osType": "Linux",
                    "osSKU": "Ubuntu",
                    "mode": pool.mode,
                    "type": "VirtualMachineScaleSets",
                    "maxPods": 110,
                    "orchestratorVersion": cluster.current_kubernetes_version,
                    "currentOrchestratorVersion": cluster.current_kubernetes_version,
                    "provisioningState": pool.provisioning_state,
                    "powerState": { "code": "Running" },
                    "upgradeSettings": { "maxSurge": "10%" },
                });
                if let Some(error) = &pool.provisioning_error {
                    profile["status"] = json!({ "provisioningError": error });
                }
                profile
            })
            .collect();
        let mut properties = json!({
            "provisioningState": cluster.provisioning_state,
            "powerState": { "code": cluster.power_state },
            "kubernetesVersion": if cluster.kubernetes_version.is_empty() { &cluster.current_kubernetes_version } else { &cluster.kubernetes_version },
            "currentKubernetesVersion": cluster.current_kubernetes_version,
            "dnsPrefix": cluster.dns_prefix,
            "agentPoolProfiles": pools,
            "nodeResourceGroup": format!("MC_{}_{}_{}", cluster.resource_group, cluster.name, cluster.location),
            "enableRBAC": true,
            "maxAgentPools": 100,
            "networkProfile": { "networkPlugin": "azure", "networkPluginMode": "overlay", "loadBalancerSku": "standard", "outboundType": "loadBalancer" },
        });
        if fqdn_known {
            properties["fqdn"] = json!(format!(
                "{}-{hash}.hcp.{}.azmk8s.io",
                cluster.dns_prefix, cluster.location
            ));
            properties["azurePortalFQDN"] = json!(format!(
                "{}-{hash}.portal.hcp.{}.azmk8s.io",
                cluster.dns_prefix, cluster.location
            ));
        }
        json!({
            "id": id,
            "location": cluster.location,
            "name": cluster.name,
            "type": "Microsoft.ContainerService/ManagedClusters",
            "tags": cluster.tags,
            "sku": { "name": "Base", "tier": "Free" },
            "identity": {
                "type": "SystemAssigned",
                "principalId": format!("{:08x}-0000-4000-8000-{:012x}", fnv1a(&cluster.name), u64::from(fnv1a(&id))),
                "tenantId": self.world.identity.tenant_id,
            },
            "properties": properties,
        })
    }
}

/// The built-in Contributor role's `notActions`
/// (<https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/privileged#contributor>).
const CONTRIBUTOR_NOT_ACTIONS: &[&str] = &[
    "Microsoft.Authorization/*/Delete",
    "Microsoft.Authorization/*/Write",
    "Microsoft.Authorization/elevateAccess/Action",
    "Microsoft.Blueprint/blueprintAssignments/write",
    "Microsoft.Blueprint/blueprintAssignments/delete",
    "Microsoft.Compute/galleries/share/action",
    "Microsoft.Purview/consents/write",
    "Microsoft.Purview/consents/delete",
    "Microsoft.Resources/deploymentStacks/manageDenySetting/action",
    "Microsoft.Subscription/cancel/action",
    "Microsoft.Subscription/enable/action",
];

/// A pool that failed midway through a create.
struct PoolFailure {
    /// The pool's name.
    pool: String,
    /// What the pool shows as `status.provisioningError`.
    detail: Value,
    /// The operation's error.
    error: Value,
}

/// A node pool's scale set that the regional vCPU quota refuses, with Compute's figures.
struct RegionalQuotaShortfall<'a> {
    /// Subscription id.
    subscription: &'a str,
    /// Region name.
    location: &'a str,
    /// The cluster's resource group.
    group: &'a str,
    /// The cluster.
    cluster: &'a str,
    /// "Current Limit".
    limit: i64,
    /// "Current Usage".
    used: i64,
    /// "Additional Required".
    needed: i64,
}

impl RegionalQuotaShortfall<'_> {
    /// Compute's refusal of `pool`'s scale set (`OperationNotAllowed`; wording and request link
    /// from real errors), relayed by AKS as the operation's `QuotaExceeded` with its
    /// "Provisioning of resource(s) for container service …" prefix (ARM error corpus q007-q009
    /// and the failed-LRO shape in arm-errors-NOTES.md).
    fn failure(&self, pool: String) -> PoolFailure {
        let Self {
            subscription,
            location,
            group,
            cluster,
            limit,
            used,
            needed,
        } = self;
        let new_limit = used + needed;
        let compute = format!(
            "Operation could not be completed as it results in exceeding approved Total Regional Cores quota. Additional details - Deployment Model: Resource Manager, Location: {location}, Current Limit: {limit}, Current Usage: {used}, Additional Required: {needed}, (Minimum) New Limit Required: {new_limit}. Setup Alerts when Quota reaches threshold. Learn more at https://aka.ms/quotamonitoringalerting . Submit a request for Quota increase at https://aka.ms/ProdportalCRP/#blade/Microsoft_Azure_Capacity/UsageAndQuota.ReactView/Parameters/%7B%22subscriptionId%22:%22{subscription}%22,%22command%22:%22openQuotaApprovalBlade%22,%22quotas%22:[%7B%22location%22:%22{location}%22,%22providerId%22:%22Microsoft.Compute%22,%22resourceName%22:%22cores%22,%22quotaRequest%22:%7B%22properties%22:%7B%22limit%22:{new_limit},%22unit%22:%22Count%22,%22name%22:%7B%22value%22:%22cores%22%7D%7D%7D%7D]%7D by specifying parameters listed in the ‘Details’ section for deployment to succeed. Please read more about quota limits at https://docs.microsoft.com/en-us/azure/azure-supportability/regional-quota-requests"
        );
        let detail = json!({ "code": "OperationNotAllowed", "message": compute });
        let error = json!({
            "code": "QuotaExceeded",
            "message": format!(
                "Provisioning of resource(s) for container service {cluster} in resource group {group} failed. Message: {compute}"
            ),
            "details": [detail],
        });
        PoolFailure {
            pool,
            detail,
            error,
        }
    }
}

/// AKS's operation error when a resource it deploys (a node pool's scale set) ends Failed.
fn resource_operation_failure(detail: &Value) -> Value {
    json!({
        "code": "ResourceOperationFailure",
        "message": "The resource operation completed with terminal provisioning state 'Failed'.",
        "details": [detail],
    })
}

fn cluster_key(subscription: &str, group: &str, name: &str) -> ClusterKey {
    (lower(subscription), lower(group), lower(name))
}

/// A stable 32-bit hash for made-up but repeatable ids (FQDN suffixes, principal ids).
fn fnv1a(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

fn operation_url(
    origin: &Origin<'_>,
    subscription: &str,
    location: &str,
    kind: &str,
    id: &str,
) -> String {
    format!(
        "{}/subscriptions/{subscription}/providers/Microsoft.ContainerService/locations/{location}/{kind}/{id}?api-version={}",
        origin.base_url, origin.api_version
    )
}

fn group_json(group: &ResourceGroup) -> Value {
    json!({
        "id": format!("/subscriptions/{}/resourceGroups/{}", group.subscription, group.name),
        "name": group.name,
        "type": "Microsoft.Resources/resourceGroups",
        "location": group.location,
        "properties": { "provisioningState": "Succeeded" },
    })
}

fn group_not_found(name: &str) -> Reply {
    Reply::arm_error(
        StatusCode::NOT_FOUND,
        "ResourceGroupNotFound",
        format!("Resource group '{name}' could not be found."),
    )
}

fn cluster_not_found(group: &str, name: &str) -> Reply {
    Reply::arm_error(
        StatusCode::NOT_FOUND,
        "ResourceNotFound",
        format!(
            "The Resource 'Microsoft.ContainerService/managedClusters/{name}' under resource group '{group}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix"
        ),
    )
}

fn operation_not_found(id: &str) -> Reply {
    Reply::arm_error(
        StatusCode::NOT_FOUND,
        "NotFound",
        format!("Operation '{id}' was not found."),
    )
}

fn location_not_available(location: &str, resource_type: &str, world: &World) -> Reply {
    let available: Vec<&str> = world
        .regions
        .iter()
        .filter(|r| r.aks)
        .map(|r| r.name.as_str())
        .collect();
    Reply::arm_error(
        StatusCode::BAD_REQUEST,
        "LocationNotAvailableForResourceType",
        format!(
            "The provided location '{location}' is not available for resource type '{resource_type}'. List of available regions for the resource type is '{}'.",
            available.join(",")
        ),
    )
}

/// A restriction that blocks the whole region (zone-only restrictions do not block a create
/// that asks for no zones).
fn location_restriction<'a>(
    restrictions: &'a [RestrictionConfig],
    vm_size: &str,
) -> Option<&'a RestrictionConfig> {
    restrictions
        .iter()
        .find(|r| r.vm_size.eq_ignore_ascii_case(vm_size) && r.zones.is_empty())
}

fn restriction_json(location: &str, restriction: &RestrictionConfig) -> Value {
    if restriction.zones.is_empty() {
        json!({
            "type": "Location",
            "values": [location],
            "restrictionInfo": { "locations": [location] },
            "reasonCode": restriction.reason,
        })
    } else {
        json!({
            "type": "Zone",
            "values": [location],
            "restrictionInfo": { "locations": [location], "zones": restriction.zones },
            "reasonCode": restriction.reason,
        })
    }
}

/// "standardDSv5Family" → "Standard DSv5 Family vCPUs", as compute usages localise it.
fn family_display_name(family: &str) -> String {
    let core = family.strip_prefix("standard").unwrap_or(family);
    let core = core.strip_suffix("Family").unwrap_or(core);
    format!("Standard {core} Family vCPUs")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn family_names_are_localised_like_compute_usages() {
        assert_eq!(
            family_display_name("standardDSv5Family"),
            "Standard DSv5 Family vCPUs"
        );
        assert_eq!(
            family_display_name("standardNCSv3Family"),
            "Standard NCSv3 Family vCPUs"
        );
    }

    const SUB: &str = "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f";
    const OTHER_SUB: &str = "1f0e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
    const ORIGIN: Origin<'static> = Origin {
        base_url: "http://127.0.0.1:1",
        api_version: "2025-10-01",
    };

    /// A create body: one system pool of 1 × Standard_D2s_v5, `workers` × Standard_D4s_v5.
    fn cluster_body(location: &str, workers: u32) -> Value {
        json!({
            "location": location,
            "identity": { "type": "SystemAssigned" },
            "properties": {
                "dnsPrefix": "race",
                "agentPoolProfiles": [
                    { "name": "system", "mode": "System", "vmSize": "Standard_D2s_v5", "count": 1 },
                    { "name": "workers", "mode": "User", "vmSize": "Standard_D4s_v5", "count": workers },
                ],
            },
        })
    }

    /// PUTs a centralindia cluster with `workers` workers and lets its whole create run;
    /// answers the operation's final status.
    fn create_sized(
        plane: &mut ControlPlane,
        sub: &str,
        group: &str,
        name: &str,
        workers: u32,
    ) -> Value {
        let reply = plane.put_cluster(
            &ORIGIN,
            sub,
            group,
            name,
            Some("*"),
            &cluster_body("centralindia", workers),
        );
        assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
        let url = reply
            .headers
            .iter()
            .find(|(h, _)| *h == headers::AZURE_ASYNC_OPERATION)
            .map(|(_, url)| url.clone())
            .expect("operation url");
        let id = url
            .split('?')
            .next()
            .and_then(|path| path.rsplit('/').next())
            .expect("operation id")
            .to_owned();
        plane.advance(Instant::now() + Duration::from_secs(3600));
        plane
            .operation_status(sub, "centralindia", &id)
            .body
            .expect("status body")
    }

    /// The subscription's Total Regional vCPUs in use in centralindia.
    fn regional_cores(plane: &mut ControlPlane, sub: &str) -> i64 {
        let body = plane
            .compute_usages(sub, "centralindia")
            .body
            .expect("usages");
        body["value"][0]["currentValue"].as_i64().expect("cores")
    }

    #[test]
    fn the_competing_deployment_claims_once_per_subscription() {
        let mut world = World::default_world().expect("world");
        // Both subscriptions see centralindia's full 40 vCPUs.
        world
            .subscriptions
            .iter_mut()
            .for_each(|s| s.quota_scale = 1.0);
        let mut plane = ControlPlane::new(world);
        assert_eq!(regional_cores(&mut plane, SUB), 0, "nothing used before");

        // 1 × 2 + 3 × 4 = 14 vCPUs fit the 40 free; halfway, the system pool is up (2) and the
        // other deployment takes 32, so the workers' 12 no longer fit: 2 + 32 + 12 > 40.
        let status = create_sized(&mut plane, SUB, "rg-platform", "aks-race", 3);
        assert_eq!(status["status"], "Failed", "{status}");
        let error = &status["error"];
        assert_eq!(error["code"], "QuotaExceeded", "{error}");
        assert_eq!(
            error["details"][0]["code"], "OperationNotAllowed",
            "{error}"
        );
        let message = error["details"][0]["message"].as_str().unwrap_or_default();
        assert!(
            message.starts_with("Operation could not be completed as it results in exceeding approved Total Regional Cores quota. Additional details - Deployment Model: Resource Manager, Location: centralindia, Current Limit: 40, Current Usage: 34, Additional Required: 12, (Minimum) New Limit Required: 46. "),
            "{message}"
        );
        assert!(
            error["message"].as_str().is_some_and(|m| m.starts_with(
                "Provisioning of resource(s) for container service aks-race in resource group rg-platform failed. Message: Operation could not be completed"
            )),
            "{error}"
        );
        let cluster = plane
            .get_cluster(SUB, "rg-platform", "aks-race")
            .body
            .expect("cluster");
        let pools = &cluster["properties"]["agentPoolProfiles"];
        assert_eq!(cluster["properties"]["provisioningState"], "Failed");
        assert_eq!(pools[0]["provisioningState"], "Succeeded", "{pools}");
        assert_eq!(pools[1]["provisioningState"], "Failed", "{pools}");
        assert_eq!(
            pools[1]["status"]["provisioningError"]["code"], "OperationNotAllowed",
            "{pools}"
        );
        // The claim stays; the failed workers hold nothing, the system pool its 2 vCPUs.
        assert_eq!(regional_cores(&mut plane, SUB), 34);

        // A create that fits what is left meets no second claim and succeeds.
        let status = create_sized(&mut plane, SUB, "rg-platform", "aks-after", 1);
        assert_eq!(status["status"], "Succeeded", "{status}");
        assert_eq!(
            regional_cores(&mut plane, SUB),
            40,
            "32 + 2 + 6, claimed once"
        );

        // Another subscription has its own competing deployment.
        assert_eq!(regional_cores(&mut plane, OTHER_SUB), 0);
        let group = plane.put_group(
            OTHER_SUB,
            "rg-other",
            &json!({ "location": "centralindia" }),
        );
        assert_eq!(group.status, StatusCode::CREATED);
        let status = create_sized(&mut plane, OTHER_SUB, "rg-other", "aks-race", 3);
        assert_eq!(status["error"]["code"], "QuotaExceeded", "{status}");
        assert_eq!(regional_cores(&mut plane, OTHER_SUB), 34);
        assert_eq!(regional_cores(&mut plane, SUB), 40, "untouched");
    }

    #[test]
    fn a_claim_takes_no_more_than_is_free() {
        // The small subscription sees a quarter of centralindia: 10 vCPUs. With the system pool
        // up (2), the other deployment can take only 8, and the single worker (4) does not fit.
        let mut plane = ControlPlane::new(World::default_world().expect("world"));
        plane.put_group(
            OTHER_SUB,
            "rg-small",
            &json!({ "location": "centralindia" }),
        );
        let status = create_sized(&mut plane, OTHER_SUB, "rg-small", "aks-small", 1);
        let message = status["error"]["details"][0]["message"]
            .as_str()
            .unwrap_or_default();
        assert!(
            message.contains("Current Limit: 10, Current Usage: 10, Additional Required: 4, (Minimum) New Limit Required: 14."),
            "{message}"
        );
        assert_eq!(regional_cores(&mut plane, OTHER_SUB), 10);
    }

    #[test]
    fn a_capacity_restricted_size_fails_only_the_creates_that_use_it() {
        let mut plane = ControlPlane::new(World::default_world().expect("world"));
        let skus = plane.resource_skus(Some("francecentral"));
        let d4 = skus
            .iter()
            .find(|s| s["name"] == "Standard_D4s_v5")
            .expect("listed");
        assert_eq!(d4["restrictions"], json!([]), "listed as available");

        let mut body = cluster_body("francecentral", 2);
        let reply = plane.put_cluster(&ORIGIN, SUB, "rg-platform", "aks-fr", None, &body);
        assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
        // A system pool of the restricted size is never up either.
        body["properties"]["agentPoolProfiles"] = json!([
            { "name": "system", "mode": "System", "vmSize": "Standard_D4s_v5", "count": 1 },
        ]);
        let reply = plane.put_cluster(&ORIGIN, SUB, "rg-platform", "aks-fr-sys", None, &body);
        assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
        body["properties"]["agentPoolProfiles"] = json!([
            { "name": "system", "mode": "System", "vmSize": "Standard_D2s_v5", "count": 1 },
            { "name": "workers", "mode": "User", "vmSize": "Standard_D8s_v5", "count": 2 },
        ]);
        let reply = plane.put_cluster(&ORIGIN, SUB, "rg-platform", "aks-fr-ok", None, &body);
        assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
        plane.advance(Instant::now() + Duration::from_secs(3600));

        let cluster = |plane: &mut ControlPlane, name: &str| {
            plane
                .get_cluster(SUB, "rg-platform", name)
                .body
                .expect("cluster")["properties"]
                .clone()
        };
        let failed = cluster(&mut plane, "aks-fr");
        assert_eq!(failed["provisioningState"], "Failed");
        let pools = &failed["agentPoolProfiles"];
        assert_eq!(pools[0]["provisioningState"], "Succeeded", "{pools}");
        assert_eq!(pools[1]["provisioningState"], "Failed", "{pools}");
        assert_eq!(
            pools[1]["status"]["provisioningError"],
            json!({
                "code": "SkuNotAvailable",
                "message": "The requested VM size for resource 'Following SKUs have failed for Capacity Restrictions: Standard_D4s_v5' is currently not available in location 'francecentral'. Please try another size or deploy to a different location or different zone. See https://aka.ms/azureskunotavailable for details.",
            })
        );
        let system_only = cluster(&mut plane, "aks-fr-sys");
        assert_eq!(
            system_only["agentPoolProfiles"][0]["provisioningState"], "Failed",
            "{system_only}"
        );
        assert_eq!(
            cluster(&mut plane, "aks-fr-ok")["provisioningState"],
            "Succeeded"
        );
    }

    #[test]
    fn versions_resolve_to_the_newest_matching_patch() {
        let plane = ControlPlane::new(World::default_world().expect("world"));
        assert_eq!(plane.resolve_version("").as_deref(), Some("1.33.5"));
        assert_eq!(plane.resolve_version("1.34").as_deref(), Some("1.34.1"));
        assert_eq!(plane.resolve_version("1.32.9").as_deref(), Some("1.32.9"));
        assert_eq!(plane.resolve_version("1.3"), None);
        assert_eq!(plane.resolve_version("1.99"), None);
    }
}
