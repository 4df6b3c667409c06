//! Managed clusters: get, list, create or update (PUT), delete and abort, with ARM's checks
//! before a write, and the resource body ARM answers with.

use super::ControlPlane;
use super::cluster_request::{ClusterName, ClusterRequest};
use super::groups::group_not_found;
use super::model::{
    Cluster, ClusterKey, Operation, OperationKind, OperationStatus, Pool, cluster_key,
    new_resource_uid, since,
};
use super::operations::operation_url;
use super::{Origin, rfc3339, seconds};
use crate::reply::{Reply, headers};
use axum::http::{StatusCode, header};
use serde_json::{Value, json};
use shared::naming::validate_cluster_name;
use std::time::Duration;
use time::OffsetDateTime;

impl ControlPlane {
    /// `GET …/managedClusters/{name}`.
    pub fn get_cluster(&mut self, subscription: &str, group: &str, name: &str) -> Reply {
        let now = OffsetDateTime::now_utc();
        self.advance(now);
        if self.group(subscription, group).is_none() {
            return group_not_found(group);
        }
        match self.clusters.get(&cluster_key(subscription, group, name)) {
            Some(cluster) if self.not_yet_visible(cluster, now) => cluster_not_found(group, name),
            Some(cluster) => Reply::json(StatusCode::OK, self.cluster_json(cluster)),
            None => cluster_not_found(group, name),
        }
    }

    /// The `create_visible_after_ms` fault: a cluster whose create started less than that long
    /// ago reads as not found, as when ARM answered before the resource provider recorded it.
    fn not_yet_visible(&self, cluster: &Cluster, now: OffsetDateTime) -> bool {
        let hidden_for = Duration::from_millis(self.world.faults.create_visible_after_ms);
        !hidden_for.is_zero()
            && cluster
                .running_operation
                .as_ref()
                .and_then(|id| self.operations.get(id))
                .is_some_and(|op| {
                    op.kind == OperationKind::Create && since(now, op.started_at) < hidden_for
                })
    }

    /// Clusters of a subscription, optionally of one resource group (an error reply when that
    /// resource group does not exist).
    pub fn list_clusters(
        &mut self,
        subscription: &str,
        group: Option<&str>,
    ) -> Result<Vec<Value>, Reply> {
        self.advance(OffsetDateTime::now_utc());
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
        let key = cluster_key(subscription, group, name);
        match self.admit_cluster_put(subscription, group, name, &key, if_none_match, body) {
            Ok(request) => self.start_put(origin, (subscription, group, name), key, request),
            Err(refused) => refused,
        }
    }

    /// The checks of a cluster PUT, in ARM's and AKS's order: RBAC and the resource group, Azure
    /// Policy (ARM's, before the resource provider), then AKS's: the cluster's name,
    /// `If-None-Match`, a running operation, the body (pools, sizes, zones), the location of an
    /// existing cluster, the pools' subnets, and quota.
    fn admit_cluster_put(
        &mut self,
        subscription: &str,
        group: &str,
        name: &str,
        key: &ClusterKey,
        if_none_match: Option<&str>,
        body: &Value,
    ) -> Result<ClusterRequest, Reply> {
        self.authorize_cluster_write(subscription, group)?;
        let resource_id = shared::portal::managed_cluster_id(subscription, group, name);
        self.enforce_policies(
            &resource_id,
            "Microsoft.ContainerService/managedClusters",
            body,
        )?;
        if let Err(error) = validate_cluster_name(name) {
            return Err(Reply::aks_error(
                StatusCode::BAD_REQUEST,
                "InvalidParameter",
                format!("The value of parameter resourceName is invalid. {error}"),
            ));
        }
        let existing = self.clusters.get(key);
        self.refuse_concurrent_write(existing, name, if_none_match)?;
        let cluster_name = ClusterName { group, name };
        let request = self.validate_cluster_body(cluster_name, body)?;
        if let Some(cluster) = existing
            && cluster.location != request.location
        {
            return Err(Reply::aks_error(
                StatusCode::BAD_REQUEST,
                "InvalidParameter",
                format!(
                    "The location of managed cluster '{name}' cannot be changed from '{}' to '{}'.",
                    cluster.location, request.location
                ),
            ));
        }
        self.check_subnets(key, cluster_name, &request)?;
        match self.check_quota(subscription, key, &request) {
            Some(refused) => Err(refused),
            None => Ok(request),
        }
    }

    /// 412 when `If-None-Match: *` meets an existing cluster; 409 while an operation runs on it.
    fn refuse_concurrent_write(
        &self,
        existing: Option<&Cluster>,
        name: &str,
        if_none_match: Option<&str>,
    ) -> Result<(), Reply> {
        if if_none_match.is_some_and(|v| v.trim() == "*") && existing.is_some() {
            // Status from ETag semantics (docs/ARM_FACTS.md §1); the body text is unverified.
            return Err(Reply::aks_error(
                StatusCode::PRECONDITION_FAILED,
                "PreconditionFailed",
                format!(
                    "Operation failed because managed cluster '{name}' already exists and the request has header If-None-Match: *."
                ),
            ));
        }
        let running = existing
            .and_then(|cluster| cluster.running_operation.as_ref())
            .and_then(|id| self.operations.get(id));
        match running {
            Some(operation) => Err(Reply::aks_error(
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
            )),
            None => Ok(()),
        }
    }

    /// Records the cluster as `Creating` (201) or, when it exists, `Updating` (200), with its
    /// create operation, and answers with the operation's URL.
    fn start_put(
        &mut self,
        origin: &Origin<'_>,
        (subscription, group, name): (&str, &str, &str),
        key: ClusterKey,
        request: ClusterRequest,
    ) -> Reply {
        let operation = self.create_operation(subscription, &key, &request);
        let operation_id = operation.id.clone();
        let existing = self.clusters.get(&key);
        let (status, state) = if existing.is_some() {
            (StatusCode::OK, "Updating")
        } else {
            (StatusCode::CREATED, "Creating")
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
            resource_uid: existing.map_or_else(new_resource_uid, |c| c.resource_uid.clone()),
            pools,
            network: request.network,
            provisioning_state: state.into(),
            power_state: "Running".into(),
            running_operation: Some(operation_id.clone()),
        };
        let body = self.cluster_json(&cluster);
        if existing.is_none() {
            let id = body["id"].as_str().unwrap_or_default().to_ascii_lowercase();
            *self.accepted_creates.entry(id).or_default() += 1;
        }
        self.clusters.insert(key, cluster);
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
            .with_header(
                header::RETRY_AFTER,
                self.world.timings.retry_after_seconds.to_string(),
            )
    }

    /// The create operation of a PUT. In a region with a failure story for it, the create
    /// meets that story past its system pools (60 % of the way), while the other pools' VMs
    /// are allocated.
    fn create_operation(
        &self,
        subscription: &str,
        key: &ClusterKey,
        request: &ClusterRequest,
    ) -> Operation {
        let hazardous = self.world.region(&request.location).is_some_and(|r| {
            r.competing_deployment_vcpus > 0
                || request
                    .pools
                    .iter()
                    .any(|p| r.blocks_pool(&p.vm_size, &p.zones))
        });
        let duration = seconds(self.world.timings.create_seconds);
        Operation {
            hazard_at: hazardous.then(|| duration.mul_f64(0.6)),
            ..Operation::start(
                OperationKind::Create,
                subscription,
                &request.location,
                key,
                duration,
            )
        }
    }

    /// Brings state up to now, then checks that the cluster's resource group exists (404) — the
    /// caller's right to write was checked before the request got here.
    fn authorize_cluster_write(&mut self, subscription: &str, group: &str) -> Result<(), Reply> {
        self.advance(OffsetDateTime::now_utc());
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
        if let Err(refused) = self.authorize_cluster_write(subscription, group) {
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
                        OffsetDateTime::now_utc(),
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
        if let Err(refused) = self.authorize_cluster_write(subscription, group) {
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
            let (id, now) = (operation.id.clone(), operation.started_at);
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

    /// Creates accepted so far, per lower-cased cluster id (see `ACCEPTED_CREATES_PATH`).
    pub fn accepted_creates(&self) -> Value {
        json!(self.accepted_creates)
    }

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
                    "maxPods": pool.max_pods_or_default(&cluster.network),
                    "orchestratorVersion": cluster.current_kubernetes_version,
                    "currentOrchestratorVersion": cluster.current_kubernetes_version,
                    "provisioningState": pool.provisioning_state,
                    "powerState": { "code": "Running" },
                    "upgradeSettings": { "maxSurge": "10%" },
                });
                if let Some(error) = &pool.provisioning_error {
                    profile["status"] = json!({ "provisioningError": error });
                }
                if !pool.zones.is_empty() {
                    profile["availabilityZones"] = json!(pool.zones);
                }
                if let Some(subnet) = &pool.vnet_subnet_id {
                    profile["vnetSubnetID"] = json!(subnet);
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
            "resourceUID": cluster.resource_uid,
            "nodeResourceGroup": format!("MC_{}_{}_{}", cluster.resource_group, cluster.name, cluster.location),
            "enableRBAC": true,
            "maxAgentPools": 100,
            "networkProfile": network_profile(cluster),
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

/// `networkProfile`: as asked, else AKS's default (Azure CNI overlay).
fn network_profile(cluster: &Cluster) -> Value {
    let network = &cluster.network;
    let plugin = network.plugin.as_deref().unwrap_or("azure");
    let mut profile = json!({ "networkPlugin": plugin, "loadBalancerSku": "standard", "outboundType": "loadBalancer" });
    let mode = match (&network.plugin, &network.mode) {
        (_, Some(mode)) => Some(mode.as_str()),
        (None, None) => Some("overlay"),
        (Some(_), None) => None,
    };
    if let Some(mode) = mode {
        profile["networkPluginMode"] = json!(mode);
    }
    profile
}

/// A stable 32-bit hash for made-up but repeatable ids (FQDN suffixes, principal ids).
pub(super) fn fnv1a(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
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
