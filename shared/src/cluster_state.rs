//! A cluster's state as the clusters table shows it: one source of truth on the page.
//!
//! The listing is read when the page loads and when a followed job reaches a milestone, but a
//! job the page follows reads the cluster on Azure every second. So for a cluster that such a
//! job creates, the row shows what the job knows (Canceling once its owner asked to stop it,
//! the cluster's ARM state as last read, Deleting while its partial cluster is deleted), and the
//! listing's own state otherwise. The power state is shown only for a cluster shown as
//! Succeeded: ARM reports `Running` for a cluster still being created, and for one whose create
//! failed or was cancelled, where it says nothing true about a usable cluster (issue 19).

use crate::cluster::ClusterSummary;
use crate::progress::{DeletionState, StateTone, TaskView};

/// A job the page follows, as far as a table row needs it.
#[derive(Clone, Copy, Debug)]
pub struct FollowedJob<'a> {
    /// Its newest view.
    pub view: &'a TaskView,
    /// Its owner asked this page to stop it, and it has not ended yet.
    pub cancel_pending: bool,
}

/// What a row shows in its State cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShownClusterState {
    /// The provisioning state (`Creating`, `Canceling`, `Failed`, …).
    pub provisioning: String,
    /// The power state, only beside `Succeeded`.
    pub power: Option<String>,
    /// The colour family of the state chip.
    pub tone: StateTone,
}

/// True when `view` is the create of `cluster`, listed in `subscription_id` (names compare
/// without case, as ARM's do).
pub fn job_creates(view: &TaskView, subscription_id: &str, cluster: &ClusterSummary) -> bool {
    view.progress.as_ref().is_some_and(|progress| {
        progress
            .subscription_id
            .eq_ignore_ascii_case(subscription_id)
            && progress
                .resource_group
                .eq_ignore_ascii_case(&cluster.resource_group)
            && progress.cluster_name.eq_ignore_ascii_case(&cluster.name)
    })
}

/// The state to show for `cluster`, given the job that creates it when the page follows one.
pub fn shown_cluster_state(
    cluster: &ClusterSummary,
    job: Option<FollowedJob<'_>>,
) -> ShownClusterState {
    let provisioning = job
        .and_then(state_from_job)
        .unwrap_or_else(|| cluster.provisioning_state.clone());
    let power = provisioning
        .eq_ignore_ascii_case("Succeeded")
        .then(|| cluster.power_state.clone())
        .flatten();
    ShownClusterState {
        tone: StateTone::of(&provisioning),
        provisioning,
        power,
    }
}

fn state_from_job(job: FollowedJob<'_>) -> Option<String> {
    let view = job.view;
    match view.deletion.as_ref().map(|deletion| deletion.state) {
        Some(DeletionState::Deleting) => return Some("Deleting".into()),
        Some(DeletionState::Deleted) => return Some("Deleted".into()),
        Some(DeletionState::Failed) | None => {}
    }
    if job.cancel_pending && !view.status.is_finished() {
        return Some("Canceling".into());
    }
    view.progress.as_ref()?.cluster_state.clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::{ClusterDeletion, ProvisionProgress, TaskStatus};
    use crate::provision::ProvisionRequest;
    use crate::test_support::task_view;
    use rstest::rstest;

    fn listed(state: &str, power: Option<&str>) -> ClusterSummary {
        ClusterSummary {
            name: "aks-one".into(),
            resource_group: "rg-one".into(),
            region: "eastus".into(),
            kubernetes_version: None,
            provisioning_state: state.into(),
            power_state: power.map(Into::into),
            pools: Vec::new(),
            portal_url: String::new(),
        }
    }

    fn job(status: TaskStatus, cluster_state: Option<&str>) -> TaskView {
        let request = ProvisionRequest {
            subscription_id: "SUB-1".into(),
            resource_group: "RG-One".into(),
            cluster_name: "aks-one".into(),
            ..ProvisionRequest::default()
        };
        let mut progress = ProvisionProgress::queued("j", &request);
        progress.cluster_state = cluster_state.map(Into::into);
        task_view(status, progress)
    }

    fn followed(view: &TaskView, cancel_pending: bool) -> Option<FollowedJob<'_>> {
        Some(FollowedJob {
            view,
            cancel_pending,
        })
    }

    #[test]
    fn only_a_cluster_shown_as_succeeded_shows_its_power_state() {
        let shown = shown_cluster_state(&listed("Succeeded", Some("Stopped")), None);
        assert_eq!(shown.power.as_deref(), Some("Stopped"));
        assert_eq!(shown.tone, StateTone::Good);
        for state in ["Creating", "Failed", "Canceled", "Deleting"] {
            let shown = shown_cluster_state(&listed(state, Some("Running")), None);
            assert_eq!(shown.power, None, "{state}");
            assert_eq!(shown.provisioning, state);
        }
        assert_eq!(
            shown_cluster_state(&listed("Succeeded", None), None).power,
            None
        );
    }

    #[rstest]
    #[case::azure_state_read_since(TaskStatus::Progress, Some("Creating"), false, "Creating")]
    #[case::stop_asked(TaskStatus::Progress, Some("Creating"), true, "Canceling")]
    #[case::stopped_and_aborting(TaskStatus::Revoked, Some("Canceling"), true, "Canceling")]
    #[case::abort_settled(TaskStatus::Revoked, Some("Canceled"), true, "Canceled")]
    #[case::failed(TaskStatus::Failure, Some("Failed"), false, "Failed")]
    #[case::not_read_yet(TaskStatus::Started, None, false, "Creating")]
    fn a_followed_job_is_fresher_than_the_listing(
        #[case] status: TaskStatus,
        #[case] cluster_state: Option<&str>,
        #[case] cancel_pending: bool,
        #[case] shown: &str,
    ) {
        let view = job(status, cluster_state);
        let state = shown_cluster_state(
            &listed("Creating", Some("Running")),
            followed(&view, cancel_pending),
        );
        assert_eq!(state.provisioning, shown);
        assert_eq!(state.power, None);
    }

    #[rstest]
    #[case(DeletionState::Deleting, "Deleting")]
    #[case(DeletionState::Deleted, "Deleted")]
    #[case(DeletionState::Failed, "Canceled")]
    fn a_deletion_shows_on_the_row(#[case] deletion: DeletionState, #[case] shown: &str) {
        let mut view = job(TaskStatus::Revoked, Some("Canceled"));
        view.deletion = Some(ClusterDeletion {
            state: deletion,
            message: String::new(),
            elapsed_seconds: 1,
        });
        let state = shown_cluster_state(&listed("Canceled", None), followed(&view, false));
        assert_eq!(state.provisioning, shown);
    }

    #[test]
    fn a_job_matches_its_cluster_without_regard_to_case_and_nothing_else() {
        let view = job(TaskStatus::Progress, None);
        assert!(job_creates(&view, "sub-1", &listed("Creating", None)));
        assert!(!job_creates(&view, "sub-2", &listed("Creating", None)));
        let other = ClusterSummary {
            name: "aks-two".into(),
            ..listed("Creating", None)
        };
        assert!(!job_creates(&view, "sub-1", &other));
        let mut no_progress = view.clone();
        no_progress.progress = None;
        assert!(!job_creates(
            &no_progress,
            "sub-1",
            &listed("Creating", None)
        ));
    }
}
