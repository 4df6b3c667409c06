//! Which managed cluster on Azure is a job's own (docs/PRODUCT.md §4, "Ownership mark").
//!
//! A cluster is addressed by subscription, resource group and name, and a name can be reused:
//! a cancelled attempt leaves a partial cluster, someone deletes it, someone else creates a
//! healthy cluster with the same name. Name alone must therefore never decide what a job may
//! follow, abort or delete. Every create carries the job's mark, the tag
//! [`JOB_TAG`]` = <job id>`, and the first cluster seen with that mark gives its `resourceUID`
//! (docs/ARM_FACTS.md §1), which the job records. A cluster is the job's own only when it
//! carries the mark and, once a resourceUID is recorded, that same resourceUID.
//!
//! Everything that reads the cluster by name for a job goes through [`Sighting`], so a
//! foreign cluster is never adopted, followed, aborted, deleted or reported as the job's.

use crate::arm::models::ManagedCluster;
use crate::arm::{ArmClient, ArmClientError};
use crate::store::JobRecord;
use std::collections::BTreeMap;

/// The tag every create carries; its value is the job id.
pub const JOB_TAG: &str = "aks-dashboard-job";

/// What a read of a job's cluster name found on Azure.
#[derive(Debug)]
pub(super) enum Sighting {
    /// The job's own cluster.
    Own(Box<ManagedCluster>),
    /// A cluster with that name that this job did not create.
    Foreign,
    /// No cluster with that name.
    Absent,
}

impl Sighting {
    /// The job's own cluster, if that is what was seen (a foreign one counts as absent).
    pub(super) fn own(self) -> Option<ManagedCluster> {
        match self {
            Self::Own(cluster) => Some(*cluster),
            Self::Foreign | Self::Absent => None,
        }
    }
}

/// The identity a job's cluster must carry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct OwnershipMark {
    job_id: String,
    resource_uid: Option<String>,
}

impl OwnershipMark {
    /// The mark of `job` as its row holds it.
    pub(super) fn of(job: &JobRecord) -> Self {
        Self {
            job_id: job.job_id.clone(),
            resource_uid: job.cluster_resource_uid.clone(),
        }
    }

    /// The tags a create of this job sends.
    pub(super) fn tags(&self) -> BTreeMap<String, String> {
        BTreeMap::from([(JOB_TAG.to_owned(), self.job_id.clone())])
    }

    /// Whether `cluster` is the job's: it carries the job's tag (tag names compare
    /// case-insensitively, as ARM's do) and, when both are known, the recorded resourceUID.
    pub(super) fn owns(&self, cluster: &ManagedCluster) -> bool {
        let tagged = cluster.tags.as_ref().is_some_and(|tags| {
            tags.iter()
                .any(|(name, value)| name.eq_ignore_ascii_case(JOB_TAG) && *value == self.job_id)
        });
        let same_resource = match (&self.resource_uid, &cluster.properties.resource_uid) {
            (Some(recorded), Some(seen)) => recorded == seen,
            _ => true,
        };
        tagged && same_resource
    }

    /// What `read` (a GET of the cluster by name) says about the job's cluster.
    pub(super) fn judge(&self, read: Option<ManagedCluster>) -> Sighting {
        match read {
            Some(cluster) if self.owns(&cluster) => Sighting::Own(Box::new(cluster)),
            Some(cluster) => {
                tracing::warn!(job_id = %self.job_id, cluster = %cluster.id, "a cluster with this name was not created by this job; leaving it alone");
                Sighting::Foreign
            }
            None => Sighting::Absent,
        }
    }

    /// Reads the cluster `job` names and judges it.
    pub(super) async fn read(
        &self,
        arm: &ArmClient,
        job: &JobRecord,
    ) -> Result<Sighting, ArmClientError> {
        let request = &job.request;
        let read = arm
            .get_cluster(
                &request.subscription_id,
                &request.resource_group,
                &request.cluster_name,
            )
            .await?;
        Ok(self.judge(read))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cluster(tags: serde_json::Value, uid: Option<&str>) -> ManagedCluster {
        serde_json::from_value(json!({
            "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks",
            "name": "aks",
            "location": "eastus",
            "tags": tags,
            "properties": { "provisioningState": "Succeeded", "resourceUID": uid },
        }))
        .expect("cluster")
    }

    fn mark(uid: Option<&str>) -> OwnershipMark {
        OwnershipMark {
            job_id: "job-1".into(),
            resource_uid: uid.map(str::to_owned),
        }
    }

    #[test]
    fn only_a_cluster_with_the_jobs_tag_is_its_own() {
        let own = cluster(json!({ "aks-dashboard-job": "job-1" }), Some("u1"));
        assert!(mark(None).owns(&own));
        assert!(mark(Some("u1")).owns(&own));
        let upper = cluster(json!({ "AKS-Dashboard-Job": "job-1", "team": "x" }), None);
        assert!(
            mark(None).owns(&upper),
            "tag names compare case-insensitively"
        );
        for foreign in [
            cluster(json!({}), Some("u1")),
            cluster(serde_json::Value::Null, None),
            cluster(json!({ "aks-dashboard-job": "job-2" }), None),
            cluster(json!({ "aks-dashboard-job": "JOB-1" }), None),
            cluster(json!({ "owner": "job-1" }), None),
        ] {
            assert!(!mark(None).owns(&foreign), "{:?}", foreign.tags);
        }
    }

    #[test]
    fn a_recorded_resource_uid_must_match_when_azure_sends_one() {
        let recreated = cluster(json!({ "aks-dashboard-job": "job-1" }), Some("u2"));
        assert!(!mark(Some("u1")).owns(&recreated));
        let without_uid = cluster(json!({ "aks-dashboard-job": "job-1" }), None);
        assert!(mark(Some("u1")).owns(&without_uid));
    }

    #[test]
    fn the_create_sends_the_mark_as_a_tag() {
        assert_eq!(
            mark(None).tags(),
            BTreeMap::from([("aks-dashboard-job".to_owned(), "job-1".to_owned())])
        );
        let sighting = mark(None).judge(Some(cluster(json!({}), None)));
        assert!(matches!(sighting, Sighting::Foreign));
        assert!(mark(None).judge(None).own().is_none());
    }
}
