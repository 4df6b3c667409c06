//! What the `Dashboard.Admin` app role adds (issue 15): who stopped a job, in the words the job's
//! owner reads ("Stopped by an administrator, Dana Admin"), and the administrator's view of every
//! user's running and failed jobs.
//!
//! The wording is pure so the server (which stores it in the job, for other devices and for
//! scripts) and the browser (which shows it on the card) say the same thing. A stop by the
//! job's own owner keeps the wording it always had; only a stop by someone else, which only an
//! administrator may do, names them.

use crate::caller::Caller;
use crate::classify::Category;
use crate::error_card::headline;
use crate::progress::{CANCELLED_MESSAGE, TaskView, format_elapsed};
use serde::{Deserialize, Serialize};

/// Why a caller without the `Dashboard.Admin` app role is refused the administrator's view (403).
pub const ADMIN_ONLY_MESSAGE: &str =
    "Only an administrator (the Dashboard.Admin app role) may see every user's jobs.";

/// Who stopped a job, as its task shows it (`stopped_by` of `GET /api/tasks/{task_id}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoppedBy {
    /// The name of the person who stopped it.
    pub display_name: String,
    /// True when they stopped it as an administrator, i.e. it was not their own job.
    pub administrator: bool,
}

impl StoppedBy {
    /// "Stopped by an administrator, Dana Admin" for an administrator's stop; `None` for the
    /// owner's own stop, which keeps its usual words.
    pub fn line(&self) -> Option<String> {
        self.administrator
            .then(|| format!("Stopped by an administrator, {}", self.display_name.trim()))
    }
}

/// Who recorded the cancel of a job, as the job keeps it: the person (tenant, object id, name)
/// and whether they acted as an administrator rather than as the job's owner.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelActor {
    /// The person (their roles are not kept).
    pub person: Caller,
    /// True when the person is not the job's owner (so they acted through [`crate::caller::ADMIN_ROLE`]).
    pub administrator: bool,
}

impl CancelActor {
    /// The actor of `caller`'s cancel of a job owned by `owner`. Whether the caller may cancel
    /// at all is the service's check; this only records in which capacity they did.
    pub fn of(caller: &Caller, owner: &Caller) -> Self {
        Self {
            person: Caller {
                roles: Vec::new(),
                ..caller.clone()
            },
            administrator: !caller.is(owner),
        }
    }

    /// How the job's task shows this actor.
    pub fn stopped_by(&self) -> StoppedBy {
        StoppedBy {
            display_name: self.person.display_name.clone(),
            administrator: self.administrator,
        }
    }
}

/// The failure message of a cancelled job (`error.message`): [`CANCELLED_MESSAGE`], followed by
/// who stopped it when an administrator did.
pub fn cancelled_message(stopped_by: Option<&StoppedBy>) -> String {
    match stopped_by.and_then(StoppedBy::line) {
        Some(line) => format!("{CANCELLED_MESSAGE} {line}."),
        None => CANCELLED_MESSAGE.to_owned(),
    }
}

/// The job's message while an administrator's cancel settles; `None` for the owner's own
/// cancel (the server keeps its usual message).
pub fn cancel_requested_message(stopped_by: &StoppedBy) -> Option<String> {
    stopped_by
        .line()
        .map(|line| format!("{line}: cancellation requested; waiting for the worker to stop."))
}

/// `message` (a closing message of the worker) preceded by who stopped the job when an
/// administrator did, unless it already says so.
pub fn with_stopped_by(message: &str, stopped_by: Option<&StoppedBy>) -> String {
    match stopped_by.and_then(StoppedBy::line) {
        Some(line) if !message.contains(&line) => format!("{line}. {message}"),
        _ => message.to_owned(),
    }
}

/// The owner of a job in the administrator's lists.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobOwner {
    /// Their tenant (empty on jobs written before tenants were recorded).
    pub tenant_id: String,
    /// Their object id.
    pub object_id: String,
    /// Their name.
    pub display_name: String,
}

impl From<&Caller> for JobOwner {
    fn from(caller: &Caller) -> Self {
        Self {
            tenant_id: caller.tenant_id.clone(),
            object_id: caller.object_id.clone(),
            display_name: caller.display_name.clone(),
        }
    }
}

/// One job in the administrator's view.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminJob {
    /// Whose job it is.
    pub owner: JobOwner,
    /// When it was submitted (epoch ms).
    pub created_at_ms: i64,
    /// When it ended (epoch ms), for a failed one.
    pub finished_at_ms: Option<i64>,
    /// The task, as its owner reads it.
    pub task: TaskView,
    /// The failure's category (its headline), for a failed one.
    pub category: Option<Category>,
}

impl AdminJob {
    /// The cluster the job creates.
    pub fn cluster_name(&self) -> &str {
        self.task
            .progress
            .as_ref()
            .map_or("", |progress| progress.cluster_name.as_str())
    }

    /// The region it creates it in.
    pub fn region(&self) -> &str {
        self.task
            .progress
            .as_ref()
            .map_or("", |progress| progress.region.as_str())
    }

    /// True while a recorded stop settles: the job has not finished, but someone stopped it.
    pub fn stopping(&self) -> bool {
        self.task.stopped_by.is_some() && !self.task.status.is_finished()
    }

    /// The headline of its failure, as the error card titles it ("Quota too small").
    pub fn error_headline(&self) -> &'static str {
        headline(self.category.unwrap_or(Category::Unknown))
    }

    /// "4m 12s ago": how long ago it was submitted, as the task last counted it.
    pub fn started_ago(&self) -> String {
        let seconds = self
            .task
            .progress
            .as_ref()
            .map_or(0, |progress| progress.elapsed_seconds);
        format!("{} ago", format_elapsed(seconds))
    }

    /// The accessible name of its Stop button: "Stop aks-demo of Alice Example".
    pub fn stop_label(&self) -> String {
        format!(
            "Stop {} of {}",
            self.cluster_name(),
            self.owner.display_name
        )
    }
}

/// What `GET /api/admin/jobs` answers: every user's unfinished jobs (oldest first) and every
/// user's recent failed creates (newest first).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AdminJobs {
    /// Jobs that have not finished.
    pub running: Vec<AdminJob>,
    /// Creates that failed within the window, dismissed by their owner or not.
    pub failed: Vec<AdminJob>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::caller::ADMIN_ROLE;

    fn person(oid: &str, name: &str) -> Caller {
        Caller {
            tenant_id: "t".into(),
            object_id: oid.into(),
            display_name: name.into(),
            roles: Vec::new(),
        }
    }

    #[test]
    fn an_administrator_s_stop_names_them_and_the_owner_s_keeps_today_s_words() {
        let alice = person("a", "Alice Example");
        let mut dana = person("d", "Dana Admin");
        dana.roles = vec![ADMIN_ROLE.into()];

        let by_dana = CancelActor::of(&dana, &alice);
        assert!(by_dana.administrator);
        assert!(by_dana.person.roles.is_empty(), "roles are not kept");
        let stopped = by_dana.stopped_by();
        assert_eq!(
            stopped.line().as_deref(),
            Some("Stopped by an administrator, Dana Admin")
        );
        assert_eq!(
            cancelled_message(Some(&stopped)),
            "Provisioning task was cancelled before it finished. Stopped by an administrator, Dana Admin."
        );
        assert_eq!(
            cancel_requested_message(&stopped).as_deref(),
            Some(
                "Stopped by an administrator, Dana Admin: cancellation requested; waiting for the worker to stop."
            )
        );
        assert_eq!(
            with_stopped_by("Cancelled; nothing was created.", Some(&stopped)),
            "Stopped by an administrator, Dana Admin. Cancelled; nothing was created."
        );
        assert_eq!(
            with_stopped_by("Stopped by an administrator, Dana Admin. x", Some(&stopped)),
            "Stopped by an administrator, Dana Admin. x",
            "said once"
        );

        let by_alice = CancelActor::of(&alice, &alice);
        assert!(!by_alice.administrator);
        let own = by_alice.stopped_by();
        assert_eq!(own.line(), None);
        assert_eq!(cancelled_message(Some(&own)), CANCELLED_MESSAGE);
        assert_eq!(cancelled_message(None), CANCELLED_MESSAGE);
        assert_eq!(cancel_requested_message(&own), None);
        assert_eq!(with_stopped_by("m", Some(&own)), "m");
    }

    #[test]
    fn an_administrator_stopping_their_own_job_is_its_owner() {
        let mut dana = person("d", "Dana Admin");
        dana.roles = vec![ADMIN_ROLE.into()];
        assert!(!CancelActor::of(&dana, &person("d", "Dana Admin")).administrator);
        let legacy_owner = Caller {
            tenant_id: String::new(),
            ..person("d", "Dana Admin")
        };
        assert!(
            !CancelActor::of(&dana, &legacy_owner).administrator,
            "a job from before tenants"
        );
    }

    #[test]
    fn a_listed_job_names_its_cluster_owner_and_state() {
        let request = crate::provision::ProvisionRequest {
            cluster_name: "aks-demo".into(),
            region: "eastus".into(),
            ..Default::default()
        };
        let job = AdminJob {
            owner: JobOwner::from(&person("a", "Alice Example")),
            created_at_ms: 1,
            finished_at_ms: None,
            task: TaskView {
                task_id: "t".into(),
                job_id: "j".into(),
                status: crate::progress::TaskStatus::Progress,
                ready: false,
                progress: Some(crate::progress::ProvisionProgress::queued("j", &request)),
                result: None,
                error: None,
                deletion: None,
                stopped_by: None,
                owner_must_sign_in: false,
            },
            category: None,
        };
        assert_eq!(job.stop_label(), "Stop aks-demo of Alice Example");
        assert_eq!((job.cluster_name(), job.region()), ("aks-demo", "eastus"));
        assert_eq!(job.started_ago(), "0s ago");
        assert!(!job.stopping());
        assert_eq!(job.error_headline(), "Provisioning failed");

        let mut job = job;
        job.task.stopped_by = Some(StoppedBy {
            display_name: "Dana Admin".into(),
            administrator: true,
        });
        assert!(job.stopping(), "stopped, not yet finished");
        job.task.status = crate::progress::TaskStatus::Revoked;
        assert!(!job.stopping());
        job.category = Some(Category::Quota);
        assert_eq!(job.error_headline(), "Quota too small");
    }
}
