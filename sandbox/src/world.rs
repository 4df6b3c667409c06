//! The sandbox cloud's world: subscriptions, regions, VM sizes, quotas, restrictions, resource
//! groups, denied scopes, timings and faults, read from TOML; and its directory (users,
//! applications) with their role assignments ([`entra`]).
//!
//! The embedded `default_world.toml` tells one story per failure a user can meet; operators and
//! tests replace it with `SANDBOX_CONFIG` or by building a [`World`] in code.

mod capacity;
mod entra;
mod governance;
mod network;

pub use capacity::{CapacityOutage, Shortage};
pub use entra::{
    Application, BuiltInRole, DemoUser, EntraConfig, FederatedCredential, PublicKey, RoleAssignment,
};
pub use governance::{ALLOWED_LOCATIONS_DEFINITION, PolicyAssignment};
pub use network::{SubnetSeed, VirtualNetworkSeed, cidr_prefix_length};

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use thiserror::Error;

/// The embedded default world.
pub const DEFAULT_WORLD_TOML: &str = include_str!("default_world.toml");

/// Why a world file cannot be used.
#[derive(Debug, Error)]
pub enum WorldError {
    /// The file could not be read.
    #[error("cannot read sandbox world {path}: {source}")]
    Read {
        /// The path given in `SANDBOX_CONFIG`.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The TOML does not match the world's shape.
    #[error("sandbox world is not valid TOML for this schema: {0}")]
    Parse(#[from] toml::de::Error),
    /// An environment override is not a number.
    #[error("{name} must be a non-negative number, got {value:?}")]
    BadOverride {
        /// The variable.
        name: &'static str,
        /// Its value.
        value: String,
    },
    /// The world refers to something it does not define.
    #[error("sandbox world is inconsistent: {0}")]
    Inconsistent(String),
}

/// Everything the sandbox cloud simulates.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct World {
    /// The managed identity the token endpoint hands out.
    pub identity: IdentityConfig,
    /// Durations of operations and Retry-After.
    pub timings: Timings,
    /// Switchable faults.
    #[serde(default)]
    pub faults: Faults,
    /// AKS defaults (versions, surge).
    pub cluster_defaults: ClusterDefaults,
    /// ARM list behaviour.
    #[serde(default)]
    pub arm: ArmBehaviour,
    /// Subscriptions the identity can see.
    pub subscriptions: Vec<SubscriptionConfig>,
    /// The VM size catalogue.
    pub vm_sizes: Vec<VmSize>,
    /// Regions, their quotas and restrictions.
    pub regions: Vec<RegionConfig>,
    /// Resource groups that exist at start.
    #[serde(default)]
    pub resource_groups: Vec<ResourceGroupSeed>,
    /// Scopes the identity may read but not write: writes there answer 403, and a resource
    /// group's permissions read answers Reader's permissions at or under them (Contributor's
    /// elsewhere).
    #[serde(default)]
    pub denied_write_scopes: Vec<DeniedScope>,
    /// Clusters that exist at start.
    #[serde(default)]
    pub clusters: Vec<ClusterSeed>,
    /// The directory the sandbox's OpenID provider signs users in from.
    #[serde(default)]
    pub entra: EntraConfig,
    /// Who holds which role where. A world without any gives the managed identity Contributor
    /// on every subscription (what worlds written before role assignments meant).
    #[serde(default)]
    pub role_assignments: Vec<RoleAssignment>,
    /// Azure Policy assignments with the deny effect.
    #[serde(default)]
    pub policy_assignments: Vec<PolicyAssignment>,
    /// Virtual networks (with their subnets) that exist at start.
    #[serde(default)]
    pub virtual_networks: Vec<VirtualNetworkSeed>,
}

/// The identity behind sandbox tokens.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentityConfig {
    /// Tenant id put in tokens.
    pub tenant_id: String,
    /// Object id of the dashboard's identity (shown in AuthorizationFailed texts).
    pub principal_object_id: String,
    /// Client id of the dashboard's identity.
    pub principal_client_id: String,
    /// How long an issued token is valid.
    pub token_lifetime_seconds: u64,
    /// HS256 key that signs tokens; every sandbox with the same key accepts them.
    pub signing_key: String,
}

/// How long things take.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Timings {
    /// Delay before a managed-cluster PUT answers.
    pub validation_ms: u64,
    /// Duration of a create (fractions allowed, for tests).
    pub create_seconds: f64,
    /// Duration of a delete.
    pub delete_seconds: f64,
    /// Time from an abort request until the operation is Canceled.
    pub abort_seconds: f64,
    /// `Retry-After` sent with long-running operations (ARM sends whole seconds).
    pub retry_after_seconds: u64,
}

/// Faults to inject. Zero turns each off.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Faults {
    /// Every n-th ARM request answers 429 `SubscriptionRequestsThrottled`.
    #[serde(default)]
    pub throttle_every_nth_request: u64,
    /// `Retry-After` of those 429s.
    #[serde(default)]
    pub throttle_retry_after_seconds: u64,
    /// Every n-th ARM request answers 503 `ServiceUnavailable`.
    #[serde(default)]
    pub server_error_every_nth_request: u64,
    /// Added to every ARM response.
    #[serde(default)]
    pub latency_ms: u64,
    /// A managed-cluster create that the sandbox accepted (the cluster is Creating) is answered
    /// with this 5xx status instead of 201, as a gateway that timed out after the resource
    /// provider took the request would. 0 is off.
    #[serde(default)]
    pub create_accepted_then_status: u16,
    /// A managed-cluster create that the sandbox accepted loses its answer: the 201's headers
    /// go out, then the connection breaks in the middle of the body.
    #[serde(default)]
    pub create_accepted_then_answer_lost: bool,
    /// A cluster whose create started less than this long ago reads as 404, as when ARM answers
    /// a create (or times out) before the resource provider has recorded the cluster. 0 is off.
    #[serde(default)]
    pub create_visible_after_ms: u64,
    /// Throttle storms: of every `throttle_burst_every` ARM requests, the last
    /// `throttle_burst_length` answer 429 `SubscriptionRequestsThrottled` with
    /// `Retry-After: throttle_retry_after_seconds` (before anything is processed, as ARM does).
    #[serde(default)]
    pub throttle_burst_every: u64,
    /// Length of each throttle storm.
    #[serde(default)]
    pub throttle_burst_length: u64,
    /// 5xx bursts on reads: of every `read_error_burst_every` ARM reads (GET or HEAD, operation
    /// polls included), the last `read_error_burst_length` answer 503 `ServiceUnavailable`.
    /// Writes are never hit.
    #[serde(default)]
    pub read_error_burst_every: u64,
    /// Length of each 5xx burst.
    #[serde(default)]
    pub read_error_burst_length: u64,
    /// Hanging polls: every n-th read of an operation's status (`…/operations/{id}`,
    /// `…/operationresults/{id}`) waits `poll_hang_ms` before it is answered, longer than a
    /// client's per-request timeout.
    #[serde(default)]
    pub poll_hang_every_nth: u64,
    /// How long a hanging poll waits.
    #[serde(default)]
    pub poll_hang_ms: u64,
}

/// AKS defaults.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterDefaults {
    /// Versions a create may ask for ("1.x" or "1.x.y").
    pub kubernetes_versions: Vec<String>,
    /// Version used when none is asked for.
    pub default_kubernetes_version: String,
    /// Extra nodes per pool that a create counts against quota.
    pub surge_nodes_per_pool: u32,
}

/// How ARM lists behave.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArmBehaviour {
    /// Items per page before a `nextLink` is given.
    pub list_page_size: usize,
}

impl Default for ArmBehaviour {
    fn default() -> Self {
        Self {
            list_page_size: 100,
        }
    }
}

/// A subscription.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionConfig {
    /// Subscription GUID.
    pub id: String,
    /// Display name.
    pub display_name: String,
    /// Multiplies every quota limit in this subscription.
    #[serde(default = "one")]
    pub quota_scale: f64,
}

fn one() -> f64 {
    1.0
}

/// A VM size with its real figures.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VmSize {
    /// ARM name, e.g. `Standard_D4s_v5`.
    pub name: String,
    /// vCPUs.
    pub vcpus: u32,
    /// Memory in GiB.
    pub memory_gb: f64,
    /// Quota family (`standardDSv5Family`), joined with compute usages.
    pub family: String,
}

/// A region.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionConfig {
    /// Programmatic name.
    pub name: String,
    /// Display name.
    pub display_name: String,
    /// Whether AKS is offered here.
    pub aks: bool,
    /// Availability zones.
    #[serde(default)]
    pub zones: Vec<String>,
    /// Total Regional vCPUs limit.
    pub regional_vcpu_limit: u32,
    /// vCPUs already used by things outside the sandbox's clusters.
    pub regional_vcpu_usage: u32,
    /// Limit of every VM family here, unless `family_limits` says otherwise.
    pub family_vcpu_limit: u32,
    /// Per-family limits.
    #[serde(default)]
    pub family_limits: BTreeMap<String, u32>,
    /// Per-family usage outside the sandbox's clusters.
    #[serde(default)]
    pub family_usage: BTreeMap<String, u32>,
    /// SKU restrictions for this region.
    #[serde(default)]
    pub restrictions: Vec<RestrictionConfig>,
    /// Shorthand for a capacity outage of every size in the whole region: every create here
    /// passes validation, then fails midway with `AllocationFailed`.
    #[serde(default)]
    pub fail_creates_midway: bool,
    /// Sizes or zones out of capacity: a create deploying a pool into one passes validation,
    /// then fails midway (`AllocationFailed`, or `ZonalAllocationFailed` for a zonal outage).
    #[serde(default)]
    pub capacity_outages: Vec<CapacityOutage>,
    /// Another deployment in the same subscription claims this many regional vCPUs while a
    /// create runs here: at the create's midpoint, once per subscription, the claim (no more
    /// than is free at that moment) joins the subscription's regional usage and stays there (the
    /// usages API and later pre-flights see it). A create whose remaining pools no longer fit
    /// then fails on regional quota, as AKS reports a quota error found at node allocation.
    /// 0 turns the race off.
    #[serde(default)]
    pub competing_deployment_vcpus: u32,
    /// Sizes the SKU list shows as available (no restriction) that have no capacity when a
    /// create deploys them: a create with a pool of one passes validation, then fails midway
    /// with `SkuNotAvailable` ("Following SKUs have failed for Capacity Restrictions").
    #[serde(default)]
    pub capacity_restricted_sizes: Vec<String>,
}

impl RegionConfig {
    /// True when `vm_size` is one of this region's capacity-restricted sizes (case-insensitive,
    /// as ARM matches SKU names).
    pub fn capacity_restricted(&self, vm_size: &str) -> bool {
        self.capacity_restricted_sizes
            .iter()
            .any(|s| s.eq_ignore_ascii_case(vm_size))
    }

    /// The capacity shortage a pool of `vm_size` in `zones` meets here, if any.
    pub fn shortage(&self, vm_size: &str, zones: &[String]) -> Option<Shortage> {
        if self.fail_creates_midway {
            return Some(Shortage::Regional);
        }
        capacity::shortage(&self.capacity_outages, vm_size, zones)
    }

    /// True when a pool of `vm_size` in `zones` cannot be deployed here at create time: its
    /// size is capacity-restricted or out of capacity.
    pub fn blocks_pool(&self, vm_size: &str, zones: &[String]) -> bool {
        self.capacity_restricted(vm_size) || self.shortage(vm_size, zones).is_some()
    }
}

/// A VM size this region will not deploy (whole region, or only some zones).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestrictionConfig {
    /// The VM size.
    pub vm_size: String,
    /// `NotAvailableForSubscription` or `QuotaId`.
    pub reason: String,
    /// Restricted zones; empty means the whole region (a `Location` restriction).
    #[serde(default)]
    pub zones: Vec<String>,
}

/// A resource group present at start.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceGroupSeed {
    /// Subscription id.
    pub subscription: String,
    /// Name.
    pub name: String,
    /// Region.
    pub location: String,
}

/// A scope without write access.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeniedScope {
    /// ARM scope, e.g. `/subscriptions/…/resourceGroups/rg-readonly`.
    pub scope: String,
}

/// A cluster present at start.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterSeed {
    /// Subscription id.
    pub subscription: String,
    /// Resource group (must be seeded too).
    pub resource_group: String,
    /// Cluster name.
    pub name: String,
    /// Region.
    pub location: String,
    /// Kubernetes version.
    pub kubernetes_version: String,
    /// Node pools.
    pub pools: Vec<PoolSeed>,
}

/// A node pool of a seeded cluster.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolSeed {
    /// Pool name.
    pub name: String,
    /// `System` or `User`.
    pub mode: String,
    /// VM size.
    pub vm_size: String,
    /// Node count.
    pub count: u32,
}

impl World {
    /// The embedded default world.
    pub fn default_world() -> Result<Self, WorldError> {
        Self::from_toml(DEFAULT_WORLD_TOML)
    }

    /// Parses and checks a world.
    pub fn from_toml(text: &str) -> Result<Self, WorldError> {
        let world: World = toml::from_str(text)?;
        world.check()?;
        Ok(world)
    }

    /// The world the process environment asks for: `SANDBOX_CONFIG` (a path) or the default,
    /// then `SANDBOX_CREATE_SECONDS` / `SANDBOX_DELETE_SECONDS` / `SANDBOX_RETRY_AFTER_SECONDS` /
    /// `SANDBOX_VALIDATION_MS` / `SANDBOX_ACCESS_TOKEN_SECONDS` (the `[entra]` access tokens'
    /// lifetime, short in end-to-end runs so the dashboard refreshes them within a test).
    pub fn from_env() -> Result<Self, WorldError> {
        Self::from_lookup(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
    }

    /// As [`World::from_env`], reading variables through `lookup` (tests pass a map).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, WorldError> {
        let mut world = match lookup("SANDBOX_CONFIG") {
            Some(path) => Self::from_file(Path::new(&path))?,
            None => Self::default_world()?,
        };
        if let Some(seconds) = number(&lookup, "SANDBOX_CREATE_SECONDS")? {
            world.timings.create_seconds = seconds;
        }
        if let Some(seconds) = number(&lookup, "SANDBOX_DELETE_SECONDS")? {
            world.timings.delete_seconds = seconds;
        }
        if let Some(seconds) = number(&lookup, "SANDBOX_RETRY_AFTER_SECONDS")? {
            world.timings.retry_after_seconds = seconds.round() as u64;
        }
        if let Some(millis) = number(&lookup, "SANDBOX_VALIDATION_MS")? {
            world.timings.validation_ms = millis.round() as u64;
        }
        if let Some(seconds) = number(&lookup, "SANDBOX_ACCESS_TOKEN_SECONDS")? {
            world.entra.access_token_lifetime_seconds = seconds.round() as u64;
        }
        Ok(world)
    }

    /// Reads a world file.
    pub fn from_file(path: &Path) -> Result<Self, WorldError> {
        let text = std::fs::read_to_string(path).map_err(|source| WorldError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_toml(&text)
    }

    /// The region of this name (case-insensitive).
    pub fn region(&self, name: &str) -> Option<&RegionConfig> {
        self.regions
            .iter()
            .find(|r| r.name.eq_ignore_ascii_case(name))
    }

    /// The VM size of this name (case-insensitive, as ARM matches SKU names).
    pub fn vm_size(&self, name: &str) -> Option<&VmSize> {
        self.vm_sizes
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(name))
    }

    /// The subscription of this id (case-insensitive).
    pub fn subscription(&self, id: &str) -> Option<&SubscriptionConfig> {
        self.subscriptions
            .iter()
            .find(|s| s.id.eq_ignore_ascii_case(id))
    }

    fn check(&self) -> Result<(), WorldError> {
        let fail = |message: String| Err(WorldError::Inconsistent(message));
        if self.subscriptions.is_empty() {
            return fail("at least one subscription is required".into());
        }
        let numbers = [
            self.timings.create_seconds,
            self.timings.delete_seconds,
            self.timings.abort_seconds,
        ];
        if numbers.iter().any(|n| !n.is_finite() || *n < 0.0) {
            return fail("timings must be non-negative numbers".into());
        }
        if self.arm.list_page_size == 0 {
            return fail("arm.list_page_size must be at least 1".into());
        }
        for region in &self.regions {
            for restriction in &region.restrictions {
                if self.vm_size(&restriction.vm_size).is_none() {
                    return fail(format!(
                        "region {} restricts unknown VM size {}",
                        region.name, restriction.vm_size
                    ));
                }
            }
            let outage_sizes = region.capacity_outages.iter().flat_map(|o| &o.vm_sizes);
            if let Some(unknown) = region
                .capacity_restricted_sizes
                .iter()
                .chain(outage_sizes)
                .find(|size| self.vm_size(size).is_none())
            {
                return fail(format!(
                    "region {} capacity-restricts unknown VM size {unknown}",
                    region.name
                ));
            }
        }
        for group in &self.resource_groups {
            if self.subscription(&group.subscription).is_none()
                || self.region(&group.location).is_none()
            {
                return fail(format!(
                    "resource group {} names an unknown subscription or region",
                    group.name
                ));
            }
        }
        if let Some(problem) = self.entra.problem() {
            return fail(problem);
        }
        if let Some(problem) = network::problem(self).or_else(|| governance::problem(self)) {
            return fail(problem);
        }
        for assignment in &self.role_assignments {
            let subscription = assignment
                .scope
                .strip_prefix("/subscriptions/")
                .and_then(|rest| rest.split('/').next())
                .unwrap_or_default();
            if self.subscription(subscription).is_none() {
                return fail(format!(
                    "role assignment of {} names an unknown subscription in scope {}",
                    assignment.principal_id, assignment.scope
                ));
            }
        }
        for cluster in &self.clusters {
            let group_known = self.resource_groups.iter().any(|g| {
                g.subscription.eq_ignore_ascii_case(&cluster.subscription)
                    && g.name.eq_ignore_ascii_case(&cluster.resource_group)
            });
            if !group_known || self.region(&cluster.location).is_none() {
                return fail(format!(
                    "cluster {} names an unknown resource group or region",
                    cluster.name
                ));
            }
            if let Some(pool) = cluster
                .pools
                .iter()
                .find(|p| self.vm_size(&p.vm_size).is_none())
            {
                return fail(format!(
                    "cluster {} uses unknown VM size {}",
                    cluster.name, pool.vm_size
                ));
            }
        }
        Ok(())
    }
}

fn number(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &'static str,
) -> Result<Option<f64>, WorldError> {
    match lookup(name) {
        Some(value) => match value.trim().parse::<f64>() {
            Ok(number) if number.is_finite() && number >= 0.0 => Ok(Some(number)),
            _ => Err(WorldError::BadOverride { name, value }),
        },
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests;
