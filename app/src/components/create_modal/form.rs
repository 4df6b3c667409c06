//! The create form's state: one signal per input, which fields the user has touched, and the
//! messages to show. Messages come from [`ProvisionRequest::error_for`], the same rules the
//! server answers 400 with, so the form and the API never disagree.

use leptos::prelude::*;
use shared::error_card::RetryDraft;
use shared::provision::{ProvisionRequest, RequestChanges};
use shared::size_choice::{SizeSwap, size_swap};
use shared::vm_size::{VmSizeOption, default_system_size, default_worker_size};

/// Field names, as the API names them (and as `AppError::Validation` reports them).
pub mod field {
    /// Subscription.
    pub const SUBSCRIPTION: &str = "subscription_id";
    /// Cluster name.
    pub const CLUSTER_NAME: &str = "cluster_name";
    /// Region.
    pub const REGION: &str = "region";
    /// Resource group.
    pub const RESOURCE_GROUP: &str = "resource_group";
    /// System pool VM size.
    pub const SYSTEM_VM_SIZE: &str = "system_vm_size";
    /// System pool node count.
    pub const SYSTEM_NODE_COUNT: &str = "system_node_count";
    /// Worker pool VM size.
    pub const WORKER_VM_SIZE: &str = "node_sku";
    /// Worker pool node count.
    pub const WORKER_NODE_COUNT: &str = "node_count";
    /// Kubernetes version.
    pub const KUBERNETES_VERSION: &str = "kubernetes_version";
    /// Availability zones of both pools.
    pub const ZONES: &str = "zones";
    /// The existing subnet for the nodes.
    pub const SUBNET: &str = "subnet_id";

    /// A CSS selector of the control that edits `field` (the cluster name's for an unknown
    /// field). The zones are a group of checkboxes: their first one.
    pub fn selector(field: &str) -> &'static str {
        match field {
            SUBSCRIPTION => "#create-subscription",
            REGION => "#create-region",
            RESOURCE_GROUP => "#create-resource-group",
            SYSTEM_VM_SIZE => "#create-system-size",
            SYSTEM_NODE_COUNT => "#create-system-count",
            WORKER_VM_SIZE => "#create-worker-size",
            WORKER_NODE_COUNT => "#create-worker-count",
            KUBERNETES_VERSION => "#create-kubernetes-version",
            ZONES => "#create-zones input",
            SUBNET => "#create-subnet",
            _ => "#create-cluster-name",
        }
    }
}

/// Nodes the system pool starts with.
const DEFAULT_SYSTEM_NODES: &str = "1";
/// Nodes the worker pool starts with.
const DEFAULT_WORKER_NODES: &str = "3";

/// Every input of the create form (cheap to copy).
#[derive(Clone, Copy)]
pub struct CreateForm {
    /// Subscription id.
    pub subscription_id: RwSignal<String>,
    /// Cluster name as typed.
    pub cluster_name: RwSignal<String>,
    /// Region name.
    pub region: RwSignal<String>,
    /// The resource group as typed; `None` until the user edits it (it then follows the name).
    resource_group: RwSignal<Option<String>>,
    /// System pool VM size.
    pub system_vm_size: RwSignal<String>,
    /// System pool node count as typed.
    pub system_node_count: RwSignal<String>,
    /// Worker pool VM size.
    pub node_sku: RwSignal<String>,
    /// Worker pool node count as typed.
    pub node_count: RwSignal<String>,
    /// Kubernetes version as typed (empty: AKS's default).
    pub kubernetes_version: RwSignal<String>,
    /// Availability zones of both pools, ascending (empty: no zone constraint).
    pub zones: RwSignal<Vec<String>>,
    /// ARM id of the existing subnet for the nodes (`None`: AKS creates a virtual network).
    pub subnet_id: RwSignal<Option<String>>,
    /// The region's VM sizes as last loaded, for the review's figures.
    pub sizes: RwSignal<Vec<VmSizeOption>>,
    touched: RwSignal<Vec<&'static str>>,
    submitted: RwSignal<bool>,
    /// A message the server sent for one field (a 400), until that field is edited.
    server_error: RwSignal<Option<(String, String)>>,
}

impl CreateForm {
    /// An empty form with the default node counts.
    pub fn new() -> Self {
        Self {
            subscription_id: RwSignal::new(String::new()),
            cluster_name: RwSignal::new(String::new()),
            region: RwSignal::new(String::new()),
            resource_group: RwSignal::new(None),
            system_vm_size: RwSignal::new(String::new()),
            system_node_count: RwSignal::new(DEFAULT_SYSTEM_NODES.into()),
            node_sku: RwSignal::new(String::new()),
            node_count: RwSignal::new(DEFAULT_WORKER_NODES.into()),
            kubernetes_version: RwSignal::new(String::new()),
            zones: RwSignal::new(Vec::new()),
            subnet_id: RwSignal::new(None),
            sizes: RwSignal::new(Vec::new()),
            touched: RwSignal::new(Vec::new()),
            submitted: RwSignal::new(false),
            server_error: RwSignal::new(None),
        }
    }

    /// The resource group: as typed, or `rg-<cluster name>` until the user edits it.
    pub fn resource_group(&self) -> String {
        self.resource_group.get().unwrap_or_else(|| {
            let name = self.cluster_name.get();
            let name = name.trim();
            if name.is_empty() {
                String::new()
            } else {
                format!("rg-{name}")
            }
        })
    }

    /// Stores what the user typed into the resource group field.
    pub fn set_resource_group(&self, value: String) {
        self.resource_group.set(Some(value));
    }

    /// Fills the form with a failed attempt's settings (names, pools, zones, subnet). Counts that
    /// come from the attempt count
    /// as typed, so the pre-flight's smart default never changes them behind the user's back.
    pub fn apply_draft(&self, draft: &RetryDraft) {
        self.subscription_id.set(draft.subscription_id.clone());
        self.cluster_name.set(draft.cluster_name.clone());
        self.region.set(draft.region.clone());
        self.resource_group.set(Some(draft.resource_group.clone()));
        if let Some(pool) = &draft.system_pool {
            self.system_vm_size.set(pool.vm_size.clone());
            self.system_node_count.set(pool.count.to_string());
            self.touch(field::SYSTEM_NODE_COUNT);
        }
        if let Some(pool) = &draft.worker_pool {
            self.node_sku.set(pool.vm_size.clone());
            self.node_count.set(pool.count.to_string());
            self.touch(field::WORKER_NODE_COUNT);
        }
        self.set_zones(draft.zones.clone());
        set_if_changed(self.subnet_id, draft.subnet_id.clone());
        if let Some(version) = &draft.kubernetes_version {
            self.kubernetes_version.set(version.clone());
        }
    }

    /// Makes a one-click retry's changes ("Retry with Standard_D8as_v5") to what the form
    /// holds, with the request's own rules ([`RequestChanges::apply`]). Only the fields a
    /// change can name are written back, so counts and names stay as they are.
    pub fn apply_changes(&self, changes: &RequestChanges) {
        let changed = changes.apply(untrack(|| self.request()));
        set_if_changed(self.region, changed.region);
        set_if_changed(self.node_sku, changed.node_sku);
        set_if_changed(self.system_vm_size, changed.system_vm_size);
        self.set_zones(changed.zones);
    }

    /// Chooses `zones` (kept ascending and each once).
    pub fn set_zones(&self, mut zones: Vec<String>) {
        zones.sort_unstable();
        zones.dedup();
        set_if_changed(self.zones, zones);
    }

    /// After a region's catalogue loaded: drops chosen zones the region does not offer.
    pub fn keep_offered_zones(&self, offered: &[String]) {
        let outside = self
            .zones
            .with_untracked(|zones| zones.iter().any(|zone| !offered.contains(zone)));
        if outside {
            self.zones
                .update(|zones| zones.retain(|zone| offered.contains(zone)));
        }
    }

    /// Records that the user edited `field`: its message shows from now on, and a message the
    /// server sent for it goes away.
    pub fn touch(&self, field: &'static str) {
        self.touched.update(|touched| {
            if !touched.contains(&field) {
                touched.push(field);
            }
        });
        if self
            .server_error
            .with_untracked(|e| e.as_ref().is_some_and(|(f, _)| f == field))
        {
            self.server_error.set(None);
        }
    }

    /// A submit was attempted: every message shows.
    pub fn mark_submitted(&self) {
        self.submitted.set(true);
    }

    /// Shows the server's message under `field`.
    pub fn set_server_error(&self, field: String, message: String) {
        self.server_error.set(Some((field, message)));
    }

    /// The system pool's node count (0 when it is not a number; its message says so).
    pub fn system_nodes(&self) -> i32 {
        parse_count(&self.system_node_count.get()).unwrap_or(0)
    }

    /// The worker pool's node count (0 when it is not a number; its message says so).
    pub fn worker_nodes(&self) -> i32 {
        parse_count(&self.node_count.get()).unwrap_or(0)
    }

    /// The request the form describes, normalised as the server will read it.
    pub fn request(&self) -> ProvisionRequest {
        let version = self.kubernetes_version.get();
        ProvisionRequest {
            subscription_id: self.subscription_id.get(),
            resource_group: self.resource_group(),
            region: self.region.get(),
            cluster_name: self.cluster_name.get(),
            node_sku: self.node_sku.get(),
            node_count: self.worker_nodes(),
            system_vm_size: self.system_vm_size.get(),
            system_node_count: self.system_nodes(),
            kubernetes_version: Some(version),
            zones: self.zones.get(),
            subnet_id: self.subnet_id.get(),
        }
        .normalized()
    }

    /// What a pre-flight checks, once every field it reads is valid. The name and Kubernetes
    /// version are left out (no check reads them), so typing the name starts no check unless
    /// the resource group still follows it.
    pub fn preflight_request(&self) -> Option<ProvisionRequest> {
        let counts_ok = parse_count(&self.system_node_count.get()).is_some()
            && parse_count(&self.node_count.get()).is_some();
        let request = ProvisionRequest {
            cluster_name: String::new(),
            kubernetes_version: None,
            ..self.request()
        };
        (counts_ok && request.preflight_errors().is_empty()).then_some(request)
    }

    /// True once the user edited `field` (not counting a submit attempt).
    pub fn is_touched(&self, field: &'static str) -> bool {
        self.touched
            .with_untracked(|touched| touched.contains(&field))
    }

    /// The message for `field` whether or not it shows yet.
    fn problem(&self, field: &str) -> Option<String> {
        let server = self.server_error.with(|e| {
            e.as_ref()
                .filter(|(f, _)| f == field)
                .map(|(_, message)| message.clone())
        });
        if server.is_some() {
            return server;
        }
        let not_a_number = |text: RwSignal<String>, what: &str| {
            parse_count(&text.get())
                .is_none()
                .then(|| format!("{what} must be a whole number."))
        };
        match field {
            field::SYSTEM_NODE_COUNT => {
                not_a_number(self.system_node_count, "System pool node count")
            }
            field::WORKER_NODE_COUNT => not_a_number(self.node_count, "Worker node count"),
            _ => None,
        }
        .or_else(|| self.request().error_for(field))
    }

    /// The message to show under `field`: once the user touched it or tried to submit.
    pub fn message(&self, field: &'static str) -> Option<String> {
        let shows = self.submitted.get() || self.touched.with(|t| t.contains(&field));
        if shows { self.problem(field) } else { None }
    }

    /// True when no field has a problem (shown or not).
    pub fn is_valid(&self) -> bool {
        let counts_ok = parse_count(&self.system_node_count.get()).is_some()
            && parse_count(&self.node_count.get()).is_some();
        counts_ok && self.request().field_errors().is_empty()
    }

    /// After `region`'s catalogue loaded: keeps chosen sizes that are available there, and
    /// otherwise picks the defaults. Answers each chosen size it replaced, and why, for the form
    /// to say (a size not chosen yet is simply set).
    pub fn apply_size_defaults(&self, sizes: &[VmSizeOption], region: &str) -> Vec<SizeSwap> {
        let mut swaps = Vec::new();
        for (pool, chosen, default) in [
            (
                "System pool",
                self.system_vm_size,
                default_system_size(sizes),
            ),
            ("Worker pool", self.node_sku, default_worker_size(sizes)),
        ] {
            let current = chosen.get_untracked();
            let keeps = sizes
                .iter()
                .any(|size| size.available && size.name == current);
            if keeps {
                continue;
            }
            swaps.extend(size_swap(pool, &current, sizes, region, default));
            chosen.set(default.map(|size| size.name.clone()).unwrap_or_default());
        }
        swaps
    }
}

impl Default for CreateForm {
    fn default() -> Self {
        Self::new()
    }
}

/// Writes `value` unless the signal holds it already (nothing downstream re-runs then).
fn set_if_changed<T: PartialEq + Send + Sync + 'static>(signal: RwSignal<T>, value: T) {
    if signal.with_untracked(|current| *current != value) {
        signal.set(value);
    }
}

/// A node count typed into a number input.
fn parse_count(text: &str) -> Option<i32> {
    text.trim().parse().ok()
}
