//! The submit-time row that the cluster's name is free in its resource group. The dashboard's
//! create never overwrites a cluster, so a name that is taken (by another team's cluster, or by
//! the Failed cluster an earlier attempt left behind) would only fail the job after it started;
//! refusing the submit says so at once, with what to do. A draft has no name yet, so the live
//! pre-flight never shows this row.

use super::{CheckStatus, PreflightCheck};
use crate::provision::ProvisionRequest;
use serde_json::json;

/// The row for a name that is taken (`existing_state` is the cluster's provisioning state);
/// `None` when the name is free.
pub fn cluster_name_check(
    request: &ProvisionRequest,
    existing_state: Option<&str>,
) -> Option<PreflightCheck> {
    let state = existing_state?;
    let (name, group) = (&request.cluster_name, &request.resource_group);
    let is = |known: &str| state.eq_ignore_ascii_case(known);
    let remedy = if is("Failed") {
        "delete it first (a failed attempt's card offers Delete partial cluster), or choose another name"
    } else if is("Deleting") {
        "wait until its deletion has finished, or choose another name"
    } else if is("Succeeded") || is("Canceled") {
        "choose another name"
    } else {
        "an operation on it is still running; choose another name"
    };
    Some(PreflightCheck {
        name: "cluster_name".into(),
        status: CheckStatus::Fail,
        message: format!(
            "A cluster named {name} already exists in resource group {group} ({state}); the dashboard never overwrites a cluster: {remedy}."
        ),
        details: json!({ "exists": true, "provisioning_state": state }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> ProvisionRequest {
        ProvisionRequest {
            cluster_name: "aks-demo".into(),
            resource_group: "rg-demo".into(),
            ..ProvisionRequest::default()
        }
    }

    #[test]
    fn a_free_name_has_no_row() {
        assert_eq!(cluster_name_check(&request(), None), None);
    }

    #[test]
    fn a_failed_cluster_blocks_the_submit_and_says_how_to_clear_it() {
        let row = cluster_name_check(&request(), Some("Failed")).expect("a row");
        assert_eq!(row.status, CheckStatus::Fail);
        assert!(
            row.message
                .contains("aks-demo already exists in resource group rg-demo (Failed)")
        );
        assert!(row.message.contains("Delete partial cluster"));
    }

    #[test]
    fn a_healthy_or_busy_cluster_is_never_offered_for_deletion() {
        for state in ["Succeeded", "Creating", "Updating"] {
            let row = cluster_name_check(&request(), Some(state)).expect("a row");
            assert!(row.message.contains("choose another name"), "{state}");
            assert!(!row.message.contains("Delete partial cluster"), "{state}");
        }
    }

    #[test]
    fn a_cluster_being_deleted_asks_to_wait() {
        let row = cluster_name_check(&request(), Some("Deleting")).expect("a row");
        assert!(row.message.contains("wait until its deletion has finished"));
    }
}
