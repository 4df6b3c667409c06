//! A region's VM size catalogue: which sizes a subscription can deploy there, with the reason
//! for those it cannot, cached for a few minutes because the create modal and every pre-flight
//! read it and it changes rarely; concurrent misses share one ARM read.

use crate::arm::ArmClientError;
use crate::arm::models::{SkuRestriction, VmSku};
use crate::azure_access::CallerArm;
use crate::error::{ServiceError, checked};
use crate::ttl_cache::TtlCache;
use shared::naming::{validate_region_name, validate_subscription_id};
use shared::vm_size::{VmSizeCatalogue, VmSizeOption};
use std::sync::Arc;
use std::time::Duration;

/// How long a region's VM size catalogue is reused.
const CATALOGUE_TTL: Duration = Duration::from_secs(5 * 60);

/// Principal, lower-case subscription id, region.
type CatalogueKey = (Arc<str>, String, String);

/// VM size catalogues by principal × subscription × region (a principal's answer is never
/// another's: what a subscription offers is only shown to whoever may read it).
#[derive(Clone)]
pub struct VmSizeCatalogues {
    cache: Arc<TtlCache<CatalogueKey, VmSizeCatalogue>>,
}

impl Default for VmSizeCatalogues {
    fn default() -> Self {
        Self::new()
    }
}

impl VmSizeCatalogues {
    /// An empty cache.
    pub fn new() -> Self {
        Self {
            cache: Arc::new(TtlCache::new(CATALOGUE_TTL)),
        }
    }

    /// The sizes of `region` for `subscription_id`, smallest first. When ARM cannot be read the
    /// answer is a degraded, empty catalogue (not cached); only bad parameters are errors.
    #[tracing::instrument(skip(self, arm), err)]
    pub async fn get(
        &self,
        arm: &CallerArm,
        subscription_id: &str,
        region: &str,
    ) -> Result<VmSizeCatalogue, ServiceError> {
        let subscription_id =
            checked(subscription_id, "subscription_id", validate_subscription_id)?;
        let region = checked(region, "region", validate_region_name)?;
        let key = (
            arm.principal.clone(),
            subscription_id.to_ascii_lowercase(),
            region.to_owned(),
        );
        let fetched = self
            .cache
            .get_or_fetch(key, || async {
                let skus = arm.client.list_vm_skus(subscription_id, region).await?;
                let mut options: Vec<VmSizeOption> = skus.into_iter().map(size_option).collect();
                options.sort_by(|a, b| (a.vcpus, &a.name).cmp(&(b.vcpus, &b.name)));
                Ok::<_, ArmClientError>(VmSizeCatalogue {
                    skus: options,
                    degraded: false,
                    usages: Vec::new(),
                })
            })
            .await;
        Ok(fetched.unwrap_or_else(|error| {
            // Unreachable, throttled or refusing: the modal and the pre-flight still work from a
            // degraded answer (sizes unchecked), and the next call asks ARM again.
            tracing::warn!(%error, region, "VM sizes unreadable; answering a degraded catalogue");
            VmSizeCatalogue {
                skus: Vec::new(),
                degraded: true,
                usages: Vec::new(),
            }
        }))
    }
}

/// The catalogue's view of one SKU. A `Location` restriction blocks the size in the whole region;
/// `Zone` restrictions only block the zones they name, which a create that asks for no zones (the
/// dashboard's) never uses, so the size stays available and carries the zones and reason.
fn size_option(sku: VmSku) -> VmSizeOption {
    let blocking = sku
        .restrictions
        .iter()
        .find(|r| r.kind.eq_ignore_ascii_case("Location"));
    let zonal: Vec<&SkuRestriction> = sku
        .restrictions
        .iter()
        .filter(|r| r.kind.eq_ignore_ascii_case("Zone"))
        .collect();
    let mut restricted_zones: Vec<String> = zonal.iter().flat_map(|r| r.zones.clone()).collect();
    restricted_zones.sort_unstable();
    restricted_zones.dedup();
    let mut zones = sku.zones;
    zones.sort_unstable();
    zones.dedup();
    VmSizeOption {
        available: blocking.is_none(),
        reason: blocking
            .or(zonal.first().copied())
            .map(|r| r.reason_code.clone()),
        restricted_zones,
        zones,
        name: sku.name,
        vcpus: sku.vcpus,
        memory_gb: sku.memory_gb,
        family: sku.family,
    }
}
