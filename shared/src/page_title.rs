//! The browser tab's title: the product's name, led by the progress of the caller's running
//! create (`▶ 3/5 Creating aks-prod · AKS Provisioning Dashboard`), so a user on another tab
//! sees it move.

use crate::progress::{ProvisionPhase, TaskView};

/// The title of every page.
pub const PRODUCT_TITLE: &str = "AKS Provisioning Dashboard";

/// The dashboard's title while `views` are followed; `stopping` says which tasks their owner
/// asked to stop. The first unfinished task leads, and `+N` counts the others.
pub fn dashboard_title(views: &[TaskView], stopping: impl Fn(&str) -> bool) -> String {
    let mut running = views.iter().filter(|view| !view.status.is_finished());
    let Some(first) = running.next() else {
        return PRODUCT_TITLE.to_owned();
    };
    let others = running.count();
    let lead = first.progress.as_ref().map_or_else(
        || "▶ Creating".to_owned(),
        |progress| {
            let name = &progress.cluster_name;
            if stopping(&first.task_id) {
                format!("■ Stopping {name}")
            } else {
                format!(
                    "▶ {}/{} {} {name}",
                    progress.step.max(0),
                    progress.total_steps,
                    phase_verb(progress.phase)
                )
            }
        },
    );
    let more = if others > 0 {
        format!(" +{others}")
    } else {
        String::new()
    };
    format!("{lead}{more} · {PRODUCT_TITLE}")
}

/// One word for a running phase (also the activity list's).
pub(crate) fn phase_verb(phase: ProvisionPhase) -> &'static str {
    match phase {
        ProvisionPhase::Queued => "Queued",
        ProvisionPhase::PreparingRequest | ProvisionPhase::EnsuringResourceGroup => "Preparing",
        ProvisionPhase::CreatingCluster => "Creating",
        ProvisionPhase::VerifyingCluster => "Verifying",
        ProvisionPhase::Done => "Done",
        ProvisionPhase::Failed => "Failed",
        ProvisionPhase::CancelledByUser => "Stopped",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::{ProvisionProgress, TaskStatus};
    use crate::provision::ProvisionRequest;
    use crate::test_support::task_view;
    use rstest::rstest;

    fn task(id: &str, name: &str, status: TaskStatus, phase: ProvisionPhase) -> TaskView {
        let request = ProvisionRequest {
            cluster_name: name.into(),
            ..ProvisionRequest::default()
        };
        let mut progress = ProvisionProgress::queued(id, &request);
        progress.phase = phase;
        progress.step = phase.step().unwrap_or(0);
        TaskView {
            task_id: id.into(),
            ..task_view(status, progress)
        }
    }

    #[test]
    fn no_running_create_leaves_the_product_name() {
        assert_eq!(dashboard_title(&[], |_| false), PRODUCT_TITLE);
        let done = task("a", "aks-a", TaskStatus::Success, ProvisionPhase::Done);
        let failed = task("b", "aks-b", TaskStatus::Failure, ProvisionPhase::Failed);
        assert_eq!(dashboard_title(&[done, failed], |_| false), PRODUCT_TITLE);
    }

    #[rstest]
    #[case(ProvisionPhase::Queued, "▶ 0/5 Queued aks-prod")]
    #[case(ProvisionPhase::EnsuringResourceGroup, "▶ 2/5 Preparing aks-prod")]
    #[case(ProvisionPhase::CreatingCluster, "▶ 3/5 Creating aks-prod")]
    #[case(ProvisionPhase::VerifyingCluster, "▶ 4/5 Verifying aks-prod")]
    fn a_running_create_leads_with_its_step(#[case] phase: ProvisionPhase, #[case] lead: &str) {
        let running = task("a", "aks-prod", TaskStatus::Progress, phase);
        assert_eq!(
            dashboard_title(&[running], |_| false),
            format!("{lead} · {PRODUCT_TITLE}")
        );
    }

    #[test]
    fn a_stop_asked_for_and_other_running_creates_show() {
        let done = task("a", "aks-a", TaskStatus::Success, ProvisionPhase::Done);
        let first = task(
            "b",
            "aks-b",
            TaskStatus::Progress,
            ProvisionPhase::CreatingCluster,
        );
        let second = task("c", "aks-c", TaskStatus::Pending, ProvisionPhase::Queued);
        let views = [done, first, second];
        assert_eq!(
            dashboard_title(&views, |id| id == "b"),
            format!("■ Stopping aks-b +1 · {PRODUCT_TITLE}")
        );
        assert_eq!(
            dashboard_title(&views, |_| false),
            format!("▶ 3/5 Creating aks-b +1 · {PRODUCT_TITLE}")
        );
    }
}
