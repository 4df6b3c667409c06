//! What the browser notification says when a create the user follows ends while its tab is
//! hidden (issue 19, point 1): the cluster and how it ended in the title, one line of why in
//! the body, in the same words as the page.

use crate::error_card::shown_failure;
use crate::progress::{CANCELLED_CODE, TaskStatus, TaskView};

/// A notification's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndNotice {
    /// "Cluster aks-prod is ready", "Create of aks-prod failed", "Create of aks-prod was stopped".
    pub title: String,
    /// Where it was created, or why it failed or who stopped it.
    pub body: String,
}

/// The notice of `view`'s end; `None` while it runs.
pub fn end_notice(view: &TaskView) -> Option<EndNotice> {
    let progress = view.progress.as_ref();
    let name = progress
        .map(|p| p.cluster_name.clone())
        .or_else(|| view.result.as_ref().map(|r| r.cluster.name.clone()))
        .unwrap_or_default();
    match view.status {
        TaskStatus::Success => Some(EndNotice {
            title: format!("Cluster {name} is ready"),
            body: match progress {
                Some(progress) => format!(
                    "Created in {}, resource group {}.",
                    progress.region, progress.resource_group
                ),
                None => "Created.".to_owned(),
            },
        }),
        TaskStatus::Failure | TaskStatus::Revoked => {
            let failure = shown_failure(view);
            let ended = if failure.code == CANCELLED_CODE {
                "was stopped"
            } else {
                "failed"
            };
            // The server classifies every failure it answers. Classifying here instead would put
            // the classifier into the page's first bundle (the notices run from the polling).
            let body = failure
                .classification
                .map_or(failure.message, |classification| classification.summary);
            Some(EndNotice {
                title: format!("Create of {name} {ended}"),
                body,
            })
        }
        TaskStatus::Pending | TaskStatus::Started | TaskStatus::Progress => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::{CANCELLED_CODE, CANCELLED_MESSAGE, ProvisionProgress, TaskFailure};
    use crate::provision::ProvisionRequest;
    use crate::test_support::task_view;
    use rstest::rstest;

    fn task(status: TaskStatus, error: Option<TaskFailure>) -> TaskView {
        let request = ProvisionRequest {
            cluster_name: "aks-prod".into(),
            region: "eastus".into(),
            resource_group: "rg-prod".into(),
            ..ProvisionRequest::default()
        };
        TaskView {
            error,
            ..task_view(status, ProvisionProgress::queued("j", &request))
        }
    }

    fn failure(code: &str, message: &str) -> Option<TaskFailure> {
        Some(TaskFailure {
            classification: None,
            code: code.into(),
            message: message.into(),
            raw: String::new(),
        })
    }

    #[rstest]
    #[case(TaskStatus::Pending)]
    #[case(TaskStatus::Started)]
    #[case(TaskStatus::Progress)]
    fn a_running_create_has_no_notice(#[case] status: TaskStatus) {
        assert_eq!(end_notice(&task(status, None)), None);
    }

    #[test]
    fn each_end_says_how_it_ended() {
        let ready = end_notice(&task(TaskStatus::Success, None)).expect("a notice");
        assert_eq!(ready.title, "Cluster aks-prod is ready");
        assert_eq!(ready.body, "Created in eastus, resource group rg-prod.");

        let stopped = end_notice(&task(
            TaskStatus::Revoked,
            failure(CANCELLED_CODE, CANCELLED_MESSAGE),
        ))
        .expect("a notice");
        assert_eq!(stopped.title, "Create of aks-prod was stopped");
        assert_eq!(stopped.body, CANCELLED_MESSAGE);

        let failed = end_notice(&task(
            TaskStatus::Failure,
            failure(
                "K8sVersionNotSupported",
                "Version 1.20 is not supported in this region.",
            ),
        ))
        .expect("a notice");
        assert_eq!(failed.title, "Create of aks-prod failed");
        assert!(failed.body.contains("1.20"), "{}", failed.body);
    }

    #[test]
    fn a_failure_the_server_classified_is_told_in_the_card_s_summary() {
        let view = task(
            TaskStatus::Failure,
            failure(
                "K8sVersionNotSupported",
                "Version 1.20 is not supported in this region.",
            ),
        );
        let served = crate::error_card::classify_task(&view).expect("a failure");
        let mut classified = view.clone();
        if let Some(error) = classified.error.as_mut() {
            error.classification = Some(Box::new(served.clone()));
        }
        let notice = end_notice(&classified).expect("a notice");
        assert_eq!(notice.body, served.summary);
        assert_ne!(notice.body, "Version 1.20 is not supported in this region.");
    }
}
