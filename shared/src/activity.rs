//! The activity list (issue 19, point 1; the portal's bell): the caller's recent jobs of every
//! status, newest first, one line each in plain words.
//!
//! The server answers [`RecentJob`]s (`GET /api/aks/jobs`, the `recent_jobs` server function);
//! the page lays the views it follows live over them ([`activity_rows`]), so a running line
//! moves with its banner and a create started since the list was read joins it at the top. The
//! page reads the list again whenever a followed job ends, so once a job has ended the server's
//! view is the newer one.

use crate::error_card::headline;
use crate::page_title::phase_verb;
use crate::progress::{DeletionState, StateTone, TaskStatus, TaskView, format_elapsed};
use serde::{Deserialize, Serialize};

/// One of the caller's recent jobs as the server read it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecentJob {
    /// When it was submitted (epoch ms).
    pub created_at_ms: i64,
    /// When it ended (epoch ms), once it did.
    pub finished_at_ms: Option<i64>,
    /// The task, as a task read answers it (a failure carries its classification).
    pub task: TaskView,
}

/// One line of the activity list.
#[derive(Clone, Debug, PartialEq)]
pub struct ActivityRow {
    /// The newest view of the task (what "Show" brings back on the page).
    pub task: TaskView,
    /// The cluster the job creates.
    pub cluster_name: String,
    /// "rg-prod · eastus".
    pub place: String,
    /// How it stands: "3/5 Creating", "Ready", "Quota too small", "Stopped", ….
    pub outcome: String,
    /// The colour of `outcome`.
    pub tone: StateTone,
    /// "running 1m 20s", "ended 12 min ago".
    pub when: String,
}

/// The list's lines, newest first: every `recent` job, its view replaced by the page's own in
/// `live` (the views the page follows) while either of them still runs, then every running
/// live view the server's answer did not have yet. A followed job that ended and that the
/// answer does not hold lies outside its window. `stopping` says which tasks their owner asked
/// to stop; `now_ms` dates the ends the page saw before the server.
pub fn activity_rows(
    recent: &[RecentJob],
    live: &[TaskView],
    stopping: impl Fn(&str) -> bool,
    now_ms: i64,
) -> Vec<ActivityRow> {
    let mut jobs: Vec<RecentJob> = recent.to_vec();
    for view in live {
        let running = !view.status.is_finished();
        match jobs.iter_mut().find(|job| job.task.task_id == view.task_id) {
            Some(job) if running || !job.task.status.is_finished() => {
                if !running && job.finished_at_ms.is_none() {
                    job.finished_at_ms = Some(now_ms);
                }
                job.task = view.clone();
            }
            Some(_) => {}
            None if running => jobs.push(RecentJob {
                created_at_ms: now_ms.saturating_sub(elapsed_seconds(view).saturating_mul(1_000)),
                finished_at_ms: None,
                task: view.clone(),
            }),
            None => {}
        }
    }
    jobs.sort_by_key(|job| std::cmp::Reverse(job.created_at_ms));
    jobs.iter()
        .map(|job| row(job, stopping(&job.task.task_id), now_ms))
        .collect()
}

/// How many of `views` still run (the count on the list's button).
pub fn running_count(views: &[TaskView]) -> usize {
    views
        .iter()
        .filter(|view| !view.status.is_finished())
        .count()
}

/// The accessible name of the list's button: "Activity, 2 running".
pub fn button_label(running: usize) -> String {
    match running {
        0 => "Activity".to_owned(),
        count => format!("Activity, {count} running"),
    }
}

fn row(job: &RecentJob, stopping: bool, now_ms: i64) -> ActivityRow {
    let task = &job.task;
    let (cluster_name, place) = task.progress.as_ref().map_or_else(
        || (String::new(), String::new()),
        |progress| {
            (
                progress.cluster_name.clone(),
                format!("{} · {}", progress.resource_group, progress.region),
            )
        },
    );
    let (outcome, tone) = outcome(task, stopping);
    let when = if !task.status.is_finished() {
        format!("running {}", format_elapsed(elapsed_seconds(task)))
    } else {
        let ended = job.finished_at_ms.unwrap_or(job.created_at_ms);
        format!("ended {}", ago(now_ms.saturating_sub(ended) / 1_000))
    };
    ActivityRow {
        task: task.clone(),
        cluster_name,
        place,
        outcome,
        tone,
        when,
    }
}

/// How `task` stands, in the words of its banner or card, and their colour.
fn outcome(task: &TaskView, stopping: bool) -> (String, StateTone) {
    match task.status {
        TaskStatus::Pending | TaskStatus::Started | TaskStatus::Progress => {
            if stopping || task.stopped_by.is_some() {
                ("Stopping".to_owned(), StateTone::Warning)
            } else if task.owner_must_sign_in {
                ("Waiting for you to sign in".to_owned(), StateTone::Warning)
            } else {
                let step = task.progress.as_ref().map_or_else(
                    || "Creating".to_owned(),
                    |p| {
                        format!(
                            "{}/{} {}",
                            p.step.max(0),
                            p.total_steps,
                            phase_verb(p.phase)
                        )
                    },
                );
                (step, StateTone::Busy)
            }
        }
        TaskStatus::Success => ("Ready".to_owned(), StateTone::Good),
        TaskStatus::Failure => {
            let category = task
                .error
                .as_ref()
                .and_then(|error| error.classification.as_ref())
                .map(|classification| classification.category);
            let words = category.map_or("Failed", headline);
            (with_deletion(words, task), StateTone::Bad)
        }
        TaskStatus::Revoked => (with_deletion("Stopped", task), StateTone::Warning),
    }
}

/// `words`, followed by where the deletion of the partial cluster stands, once asked for.
fn with_deletion(words: &str, task: &TaskView) -> String {
    match task.deletion.as_ref().map(|deletion| deletion.state) {
        None => words.to_owned(),
        Some(DeletionState::Deleting) => format!("{words} · deleting the partial cluster"),
        Some(DeletionState::Deleted) => format!("{words} · partial cluster deleted"),
        Some(DeletionState::Failed) => format!("{words} · partial cluster not deleted"),
    }
}

/// Seconds since `view`'s job was submitted, as it last counted them.
fn elapsed_seconds(view: &TaskView) -> i64 {
    view.progress.as_ref().map_or(0, |p| p.elapsed_seconds)
}

/// "just now", "12 min ago", "3 h ago", "2 d ago".
fn ago(seconds: i64) -> String {
    match seconds.max(0) {
        0..60 => "just now".to_owned(),
        seconds @ 60..3_600 => format!("{} min ago", seconds / 60),
        seconds @ 3_600..86_400 => format!("{} h ago", seconds / 3_600),
        seconds => format!("{} d ago", seconds / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::{Category, Classification, Facts};
    use crate::progress::{ClusterDeletion, ProvisionPhase, ProvisionProgress, TaskFailure};
    use crate::provision::ProvisionRequest;
    use crate::test_support::task_view;
    use rstest::rstest;

    const NOW: i64 = 10_000_000;

    fn task(id: &str, status: TaskStatus, phase: ProvisionPhase, elapsed: i64) -> TaskView {
        let request = ProvisionRequest {
            cluster_name: format!("aks-{id}"),
            resource_group: "rg-prod".into(),
            region: "eastus".into(),
            ..ProvisionRequest::default()
        };
        let mut progress = ProvisionProgress::queued(id, &request);
        progress.phase = phase;
        progress.step = phase.step().unwrap_or(0);
        progress.elapsed_seconds = elapsed;
        TaskView {
            task_id: id.into(),
            ..task_view(status, progress)
        }
    }

    fn recent(view: TaskView, created: i64, finished: Option<i64>) -> RecentJob {
        RecentJob {
            created_at_ms: created,
            finished_at_ms: finished,
            task: view,
        }
    }

    fn failed(id: &str, category: Option<Category>) -> TaskView {
        TaskView {
            error: Some(TaskFailure {
                code: "QuotaExceeded".into(),
                message: "Operation could not be completed as it results in exceeding quota."
                    .into(),
                raw: String::new(),
                classification: category.map(|category| {
                    Box::new(Classification {
                        category,
                        summary: String::new(),
                        details: String::new(),
                        facts: Facts::default(),
                        actions: Vec::new(),
                    })
                }),
            }),
            ..task(id, TaskStatus::Failure, ProvisionPhase::Failed, 40)
        }
    }

    fn outcomes(rows: &[ActivityRow]) -> Vec<(&str, &str, StateTone)> {
        rows.iter()
            .map(|row| (row.cluster_name.as_str(), row.outcome.as_str(), row.tone))
            .collect()
    }

    #[test]
    fn every_status_in_the_words_of_its_banner_newest_first() {
        let recent = [
            recent(
                task("ok", TaskStatus::Success, ProvisionPhase::Done, 600),
                NOW - 3_600_000,
                Some(NOW - 3_000_000),
            ),
            recent(
                failed("quota", Some(Category::Quota)),
                NOW - 1_200_000,
                Some(NOW - 1_150_000),
            ),
            recent(
                task(
                    "run",
                    TaskStatus::Progress,
                    ProvisionPhase::CreatingCluster,
                    30,
                ),
                NOW - 30_000,
                None,
            ),
        ];
        let rows = activity_rows(&recent, &[], |_| false, NOW);
        assert_eq!(
            outcomes(&rows),
            [
                ("aks-run", "3/5 Creating", StateTone::Busy),
                ("aks-quota", "Quota too small", StateTone::Bad),
                ("aks-ok", "Ready", StateTone::Good),
            ]
        );
        let whens: Vec<&str> = rows.iter().map(|row| row.when.as_str()).collect();
        assert_eq!(
            whens,
            ["running 30s", "ended 19 min ago", "ended 50 min ago"]
        );
        assert_eq!(rows[0].place, "rg-prod · eastus");
    }

    #[test]
    fn live_views_replace_the_server_s_and_new_creates_join_at_the_top() {
        let recent = [recent(
            task(
                "a",
                TaskStatus::Progress,
                ProvisionPhase::EnsuringResourceGroup,
                5,
            ),
            NOW - 60_000,
            None,
        )];
        let live = [
            task("a", TaskStatus::Success, ProvisionPhase::Done, 70),
            task("b", TaskStatus::Pending, ProvisionPhase::Queued, 2),
        ];
        let rows = activity_rows(&recent, &live, |_| false, NOW);
        assert_eq!(
            outcomes(&rows),
            [
                ("aks-b", "0/5 Queued", StateTone::Busy),
                ("aks-a", "Ready", StateTone::Good),
            ]
        );
        assert_eq!(rows[1].when, "ended just now");
        assert_eq!(rows[1].task, live[0], "the newest view is the one shown");
    }

    #[test]
    fn once_both_ended_the_server_s_view_stays_and_an_ended_job_outside_it_is_left_out() {
        let deleted = TaskView {
            deletion: Some(ClusterDeletion {
                state: DeletionState::Deleted,
                message: String::new(),
                elapsed_seconds: 3,
            }),
            ..task(
                "a",
                TaskStatus::Revoked,
                ProvisionPhase::CancelledByUser,
                20,
            )
        };
        let recent = [recent(deleted, NOW - 60_000, Some(NOW - 30_000))];
        let stale = task(
            "a",
            TaskStatus::Revoked,
            ProvisionPhase::CancelledByUser,
            20,
        );
        let old = task("old", TaskStatus::Success, ProvisionPhase::Done, 600);
        let rows = activity_rows(&recent, &[stale, old], |_| false, NOW);
        assert_eq!(
            outcomes(&rows),
            [(
                "aks-a",
                "Stopped · partial cluster deleted",
                StateTone::Warning
            )]
        );
        assert_eq!(rows[0].when, "ended just now");
    }

    #[test]
    fn a_stop_and_the_deletion_it_led_to_are_named() {
        let asked = task(
            "a",
            TaskStatus::Progress,
            ProvisionPhase::CreatingCluster,
            9,
        );
        let rows = activity_rows(&[], &[asked], |id| id == "a", NOW);
        assert_eq!(outcomes(&rows)[0].1, "Stopping");
        assert_eq!(outcomes(&rows)[0].2, StateTone::Warning);

        let deleting = TaskView {
            deletion: Some(ClusterDeletion {
                state: DeletionState::Deleting,
                message: String::new(),
                elapsed_seconds: 1,
            }),
            ..task(
                "a",
                TaskStatus::Revoked,
                ProvisionPhase::CancelledByUser,
                20,
            )
        };
        let rows = activity_rows(&[recent(deleting, NOW, Some(NOW))], &[], |_| false, NOW);
        assert_eq!(
            outcomes(&rows)[0].1,
            "Stopped · deleting the partial cluster"
        );
    }

    #[test]
    fn a_failure_seen_before_its_classification_says_failed() {
        let running = task(
            "a",
            TaskStatus::Progress,
            ProvisionPhase::CreatingCluster,
            9,
        );
        let rows = activity_rows(
            &[recent(running, NOW - 9_000, None)],
            &[failed("a", None)],
            |_| false,
            NOW,
        );
        assert_eq!(outcomes(&rows)[0].1, "Failed");
    }

    #[rstest]
    #[case(0, "just now")]
    #[case(59, "just now")]
    #[case(60, "1 min ago")]
    #[case(3_599, "59 min ago")]
    #[case(7_200, "2 h ago")]
    #[case(172_800, "2 d ago")]
    #[case(-5, "just now")]
    fn ago_in_plain_words(#[case] seconds: i64, #[case] words: &str) {
        assert_eq!(ago(seconds), words);
    }

    #[test]
    fn the_button_counts_what_runs() {
        let views = [
            task(
                "a",
                TaskStatus::Progress,
                ProvisionPhase::CreatingCluster,
                1,
            ),
            task("b", TaskStatus::Success, ProvisionPhase::Done, 1),
            task("c", TaskStatus::Pending, ProvisionPhase::Queued, 1),
        ];
        assert_eq!(running_count(&views), 2);
        assert_eq!(button_label(2), "Activity, 2 running");
        assert_eq!(button_label(0), "Activity");
    }
}
