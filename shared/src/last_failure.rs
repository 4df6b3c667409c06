//! "Last attempt failed" (docs/PRODUCT.md §7): the record a failed create leaves, in the browser's
//! localStorage slot and in the server's history, and the pure rules around it.
//!
//! The browser keeps one record under [`SLOT_KEY`]; the server answers the caller's recent
//! failures ([`RecentFailures`]). Both sides speak the same [`LastFailure`] so the dashboard can
//! take the newer of the two ([`newest`]) and classify it with the job's own settings. Reading
//! the slot never fails: a slot that is too old ([`SlotRead::Stale`]) or not a record this build
//! wrote ([`SlotRead::Malformed`]) is reported so the caller prunes it, instead of crashing or
//! showing a half-read card. A cancelled create is never a failure here.

use crate::classify::{Classification, ErrorContext, classify};
use crate::error_card::{
    FailedAttempt, RetryDraft, failure_text, field_to_edit, pool_draft, portal_url_left,
};
use crate::progress::{CANCELLED_CODE, RequestedShape, TaskStatus, TaskView};
use crate::provision::FieldError;
use serde::{Deserialize, Serialize};

mod owner;

pub use owner::{owned_slot_text, read_owned_slot};

/// The localStorage key of the browser's slot (versioned: a new shape gets a new key).
pub const SLOT_KEY: &str = "elb_last_failed_provision_v1";

/// How long a failure is remembered: 24 h, in milliseconds.
pub const MAX_AGE_MS: i64 = 24 * 60 * 60 * 1000;

/// How far in the future a record's `when` may lie (clocks of two devices differ a little);
/// anything later was not written by a sane clock and is malformed.
pub const MAX_CLOCK_SKEW_MS: i64 = 5 * 60 * 1000;

/// One failed create, as the slot stores it and the server's history answers it. The wire
/// spelling is camelCase (`clusterName`, …), the shape the issue fixes for the slot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LastFailure {
    /// The text the classifier reads ([`failure_text`]): Azure's raw text, always
    /// carrying the error code.
    pub raw: String,
    /// The cluster the create was for.
    pub cluster_name: String,
    /// Its region.
    pub region: String,
    /// Its resource group.
    pub resource_group: String,
    /// Its subscription.
    pub subscription_id: String,
    /// When it failed, epoch milliseconds.
    pub when: i64,
    /// The job's id, when known (always in the server's answers): what Dismiss sends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_id: Option<String>,
    /// The job's task id, when known (always in the server's answers): what
    /// `GET /api/tasks/{task_id}` reads for the full task and its classified error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_id: Option<String>,
    /// The classifier's category wire name (`quota`, …), when the writer classified it (always
    /// in the server's answers). A reader classifies `raw` again rather than trust it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The pools and version the create asked for, so "Edit & retry" restores every field
    /// (absent from records written before it; the slot keeps the seed's six fields and grows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested: Option<RequestedShape>,
    /// The availability zones it asked for.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zones: Vec<String>,
    /// The subnet it chose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
    /// The portal page of the cluster the create left on Azure, when it left one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portal_url: Option<String>,
}

impl LastFailure {
    /// The record of a task that ended in FAILURE, stamped `when` = `now_ms` (the browser
    /// saves it the moment it sees the end; the server passes the job's finish time). `None`
    /// for any other status — a REVOKED (cancelled) task is never a failure, nor a FAILURE
    /// carrying the cancel code — and when the task has no progress or its progress lacks one
    /// of the names (such a record would be malformed on read).
    pub fn from_task(view: &TaskView, now_ms: i64) -> Option<LastFailure> {
        if view.status != TaskStatus::Failure {
            return None;
        }
        if view
            .error
            .as_ref()
            .is_some_and(|error| error.code == CANCELLED_CODE)
        {
            return None;
        }
        let progress = view.progress.as_ref()?;
        let raw = match &view.error {
            Some(error) => failure_text(error),
            // A FAILURE always carries its error; without one, the job's last words still say
            // something the card can show.
            None if !progress.message.is_empty() => progress.message.clone(),
            None => progress.label.clone(),
        };
        let record = LastFailure {
            raw,
            cluster_name: progress.cluster_name.clone(),
            region: progress.region.clone(),
            resource_group: progress.resource_group.clone(),
            subscription_id: progress.subscription_id.clone(),
            when: now_ms,
            job_id: (!view.job_id.is_empty()).then(|| view.job_id.clone()),
            task_id: (!view.task_id.is_empty()).then(|| view.task_id.clone()),
            category: None,
            requested: progress.requested.clone(),
            zones: progress.zones.clone(),
            subnet_id: progress.subnet_id.clone(),
            portal_url: portal_url_left(view),
        };
        record.names_present().then_some(record)
    }

    /// The same record with `category` set from [`LastFailure::classification`].
    pub fn with_category(mut self) -> Self {
        self.category = Some(self.classification().category.as_str().to_owned());
        self
    }

    /// What the classifier knows besides the text: the create's subscription, region and
    /// resource group (the record keeps no VM sizes).
    pub fn error_context(&self) -> ErrorContext {
        let known = |value: &str| (!value.is_empty()).then(|| value.to_owned());
        ErrorContext {
            subscription_id: known(&self.subscription_id),
            region: known(&self.region),
            resource_group: known(&self.resource_group),
            vm_sizes: Vec::new(),
            ..ErrorContext::default()
        }
    }

    /// The card's content: `raw` classified with the record's context.
    pub fn classification(&self) -> Classification {
        classify(&self.raw, None, &self.error_context())
    }

    /// The error card of the record: classified with its own settings, its portal link, and
    /// the draft "Edit & retry" refills the form with (every field the record keeps).
    pub fn attempt(&self) -> FailedAttempt {
        let classification = self.classification();
        let requested = self.requested.as_ref();
        let system_pool =
            requested.and_then(|shape| pool_draft(&shape.system_vm_size, shape.system_node_count));
        let draft = RetryDraft {
            subscription_id: self.subscription_id.clone(),
            cluster_name: self.cluster_name.clone(),
            region: self.region.clone(),
            resource_group: self.resource_group.clone(),
            worker_pool: requested.and_then(|shape| pool_draft(&shape.node_sku, shape.node_count)),
            zones: self.zones.clone(),
            subnet_id: self.subnet_id.clone(),
            kubernetes_version: requested.and_then(|shape| shape.kubernetes_version.clone()),
            focus_field: field_to_edit(&classification, system_pool.as_ref()),
            system_pool,
        };
        FailedAttempt {
            task_id: self.task_id.clone().unwrap_or_default(),
            cluster_name: self.cluster_name.clone(),
            stopped: false,
            classification,
            raw: self.raw.clone(),
            portal_url: self.portal_url.clone(),
            draft,
        }
    }

    /// True when every name the card and Edit & retry need is there.
    fn names_present(&self) -> bool {
        [
            &self.cluster_name,
            &self.region,
            &self.resource_group,
            &self.subscription_id,
        ]
        .iter()
        .all(|name| !name.is_empty())
    }
}

/// What reading the slot found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SlotRead {
    /// Nothing stored.
    Empty,
    /// A record younger than [`MAX_AGE_MS`]: show the card.
    Fresh(Box<LastFailure>),
    /// A record at least [`MAX_AGE_MS`] old: prune it.
    Stale,
    /// Not a record (bad JSON, a missing field or one of the wrong type, an empty name, a
    /// `when` more than [`MAX_CLOCK_SKEW_MS`] in the future): prune it.
    Malformed,
    /// Another caller's record, or one with no owner ([`read_owned_slot`]): never shown to
    /// this caller; prune it.
    Foreign,
}

/// Reads the slot's text (`None` when the key is absent) at `now_ms`.
pub fn read_slot(text: Option<&str>, now_ms: i64) -> SlotRead {
    let Some(text) = text else {
        return SlotRead::Empty;
    };
    let Ok(record) = serde_json::from_str::<LastFailure>(text) else {
        return SlotRead::Malformed;
    };
    if !record.names_present() || record.when > now_ms.saturating_add(MAX_CLOCK_SKEW_MS) {
        return SlotRead::Malformed;
    }
    if now_ms.saturating_sub(record.when) >= MAX_AGE_MS {
        return SlotRead::Stale;
    }
    SlotRead::Fresh(Box::new(record))
}

/// The newer of two records (the larger `when`; `a` on a tie), e.g. the server's and the slot's.
pub fn newest(a: Option<LastFailure>, b: Option<LastFailure>) -> Option<LastFailure> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if b.when > a.when { b } else { a }),
        (a, b) => a.or(b),
    }
}

/// What `GET /api/aks/recent-failed-provisions` and the `recent_failed_provisions` server
/// function answer: the caller's failed creates, newest first, each with `jobId` and
/// `category`; `degraded` with no jobs when the server could not read its history.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentFailures {
    /// Newest first.
    pub jobs: Vec<LastFailure>,
    /// True when the history could not be read (then `jobs` is empty).
    pub degraded: bool,
    /// When the caller's newest successful create finished (epoch ms): a failure before it is
    /// no longer the last attempt, on this device or any other.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_success_ms: Option<i64>,
    /// When the newest failure the caller dismissed had failed (epoch ms): Dismiss settles the
    /// last attempt, so an older failure does not take its place on the card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_dismissed_ms: Option<i64>,
}

impl RecentFailures {
    /// The answer when the history cannot be read.
    pub fn degraded() -> Self {
        Self {
            jobs: Vec::new(),
            degraded: true,
            last_success_ms: None,
            last_dismissed_ms: None,
        }
    }

    /// The newest failure, the one the dashboard shows.
    pub fn latest(&self) -> Option<&LastFailure> {
        // Items come newest first; a reduce keeps the first of equals all the same.
        self.jobs.iter().reduce(|newest, item| {
            if item.when > newest.when {
                item
            } else {
                newest
            }
        })
    }
}

/// What the dashboard shows once it knows both the server's history and the browser's slot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MergedMemory {
    /// The "Last attempt failed" card's record, if any.
    pub shown: Option<LastFailure>,
    /// True when the slot holds a record the server says is over: prune it.
    pub prune_slot: bool,
}

/// Merges the server's history with the slot's record (`None` on the server, before the slot
/// is read). The newer record wins, except that nothing at or before the caller's latest
/// success or latest dismissed failure shows, and a slot naming a job the server's (readable)
/// history no longer lists while it lists nothing newer was dismissed elsewhere, so it is
/// pruned rather than brought back.
pub fn merge(server: &RecentFailures, slot: Option<LastFailure>) -> MergedMemory {
    let settled = server.last_success_ms.max(server.last_dismissed_ms);
    let after_success = |record: &LastFailure| settled.is_none_or(|at| record.when > at);
    let from_server = server.latest().filter(|r| after_success(r)).cloned();
    let slot_is_over = slot.as_ref().is_some_and(|record| {
        let dismissed_elsewhere = !server.degraded
            && record.job_id.as_ref().is_some_and(|job_id| {
                let listed = server
                    .jobs
                    .iter()
                    .any(|r| r.job_id.as_ref() == Some(job_id));
                let newer_listed = server.jobs.iter().any(|r| r.when > record.when);
                !listed && !newer_listed
            });
        dismissed_elsewhere || !after_success(record)
    });
    let slot = slot.filter(|_| !slot_is_over);
    // The same job from both sides: the server's copy carries the classified category.
    let shown = match (from_server, slot) {
        (Some(server), Some(slot)) if server.job_id.is_some() && server.job_id == slot.job_id => {
            Some(server)
        }
        (server, slot) => newest(server, slot),
    };
    MergedMemory {
        shown,
        prune_slot: slot_is_over,
    }
}

/// What `POST /api/aks/recent-failed-provisions/{job_id}/dismiss` and the
/// `dismiss_failed_provision` server function answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DismissOutcome {
    /// The job.
    pub job_id: String,
    /// Always true: the failure is (now or already) dismissed.
    pub dismissed: bool,
    /// True when it had been dismissed before (dismissing twice changes nothing).
    pub already_dismissed: bool,
}

/// Default `hours` of the history: the slot's 24 h.
pub const DEFAULT_HOURS: i64 = 24;
/// Largest `hours`: a week.
pub const MAX_HOURS: i64 = 168;
/// Default `limit`.
pub const DEFAULT_LIMIT: i64 = 10;
/// Largest `limit`.
pub const MAX_LIMIT: i64 = 20;

/// How far back and how many failures the history answers; only valid windows exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HistoryWindow {
    hours: i64,
    limit: i64,
}

impl Default for HistoryWindow {
    /// 24 hours, 10 failures.
    fn default() -> Self {
        Self {
            hours: DEFAULT_HOURS,
            limit: DEFAULT_LIMIT,
        }
    }
}

impl HistoryWindow {
    /// 24 hours, [`MAX_LIMIT`] items: the window of the header's activity list.
    pub const ACTIVITY_LIST: Self = Self {
        hours: DEFAULT_HOURS,
        limit: MAX_LIMIT,
    };

    /// `hours` in 1..=[`MAX_HOURS`] and `limit` in 1..=[`MAX_LIMIT`], or the field that is not.
    pub fn new(hours: i64, limit: i64) -> Result<Self, FieldError> {
        if !(1..=MAX_HOURS).contains(&hours) {
            return Err(window_error("hours", MAX_HOURS));
        }
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(window_error("limit", MAX_LIMIT));
        }
        Ok(Self { hours, limit })
    }

    /// The window a query string asks for (`?hours=24&limit=10`); an absent value takes its
    /// default, anything but a whole number in range is an error naming the field.
    pub fn parse(hours: Option<&str>, limit: Option<&str>) -> Result<Self, FieldError> {
        let number = |value: Option<&str>, field: &str, default: i64, max: i64| match value {
            None => Ok(default),
            Some(text) => text.parse::<i64>().map_err(|_| window_error(field, max)),
        };
        Self::new(
            number(hours, "hours", DEFAULT_HOURS, MAX_HOURS)?,
            number(limit, "limit", DEFAULT_LIMIT, MAX_LIMIT)?,
        )
    }

    /// Hours back from now.
    pub fn hours(self) -> i64 {
        self.hours
    }

    /// Most failures answered.
    pub fn limit(self) -> i64 {
        self.limit
    }

    /// The earliest failure time included, for a history read at `now_ms`.
    pub fn since_ms(self, now_ms: i64) -> i64 {
        now_ms.saturating_sub(self.hours * 60 * 60 * 1000)
    }
}

fn window_error(field: &str, max: i64) -> FieldError {
    FieldError {
        field: field.to_owned(),
        message: format!("{field} must be a whole number from 1 to {max}."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::Category;
    use crate::progress::{ProvisionPhase, ProvisionProgress, TaskFailure};
    use crate::provision::ProvisionRequest;
    use rstest::rstest;
    use serde_json::{Value, json};

    const NOW: i64 = 1_800_000_000_000;

    fn failure(code: &str, message: &str, raw: &str) -> TaskFailure {
        TaskFailure {
            classification: None,
            code: code.into(),
            message: message.into(),
            raw: raw.into(),
        }
    }

    fn task(status: TaskStatus, error: Option<TaskFailure>) -> TaskView {
        let request = ProvisionRequest {
            subscription_id: "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f".into(),
            resource_group: "rg-demo".into(),
            region: "koreacentral".into(),
            cluster_name: "aks-demo".into(),
            system_vm_size: "Standard_D2s_v5".into(),
            system_node_count: 1,
            node_sku: "Standard_D4s_v5".into(),
            node_count: 2,
            kubernetes_version: Some("1.33".into()),
            zones: vec!["1".into(), "2".into()],
            ..ProvisionRequest::default()
        };
        let mut progress = ProvisionProgress::queued("job-1", &request);
        progress.status = status;
        progress.phase = ProvisionPhase::Failed;
        progress.message = "The create failed.".into();
        TaskView {
            task_id: "task-1".into(),
            job_id: "job-1".into(),
            status,
            ready: status.is_finished(),
            progress: Some(progress),
            result: None,
            error,
            deletion: None,
            owner_must_sign_in: false,
            stopped_by: None,
        }
    }

    fn record(when: i64) -> LastFailure {
        LastFailure {
            raw: "QuotaExceeded: Operation could not be completed as it results in exceeding approved Total Regional Cores quota.".into(),
            cluster_name: "aks-demo".into(),
            region: "koreacentral".into(),
            resource_group: "rg-demo".into(),
            subscription_id: "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f".into(),
            when,
            job_id: None,
            task_id: None,
            category: None,
            requested: None,
            zones: Vec::new(),
            subnet_id: None,
            portal_url: None,
        }
    }

    /// A fresh slot as the browser writes it, with `field` set to `value`, or removed when
    /// `value` is `None`.
    fn slot_with(field: &str, value: Option<Value>) -> String {
        let mut slot = serde_json::to_value(record(NOW - 1_000)).expect("serialize");
        match value {
            Some(value) => slot[field] = value,
            None => {
                slot.as_object_mut().expect("object").remove(field);
            }
        }
        slot.to_string()
    }

    #[test]
    fn a_failed_task_becomes_a_record_with_its_names() {
        let view = task(
            TaskStatus::Failure,
            Some(failure("AllocationFailed", "m", "No capacity.")),
        );
        let saved = LastFailure::from_task(&view, NOW).expect("a failure is saved");
        assert_eq!(
            saved,
            LastFailure {
                raw: "AllocationFailed: m\nNo capacity.".into(),
                cluster_name: "aks-demo".into(),
                region: "koreacentral".into(),
                resource_group: "rg-demo".into(),
                subscription_id: "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f".into(),
                when: NOW,
                job_id: Some("job-1".into()),
                task_id: Some("task-1".into()),
                category: None,
                requested: Some(RequestedShape {
                    system_vm_size: "Standard_D2s_v5".into(),
                    system_node_count: 1,
                    node_sku: "Standard_D4s_v5".into(),
                    node_count: 2,
                    kubernetes_version: Some("1.33".into()),
                }),
                zones: vec!["1".into(), "2".into()],
                subnet_id: None,
                portal_url: None,
            }
        );
        assert_eq!(
            read_slot(Some(&serde_json::to_string(&saved).expect("json")), NOW),
            SlotRead::Fresh(Box::new(saved))
        );
    }

    #[test]
    fn the_remembered_card_keeps_the_live_card_s_link_and_every_field_of_the_attempt() {
        let mut view = task(
            TaskStatus::Failure,
            Some(failure("AllocationFailed", "m", "No capacity.")),
        );
        let portal = "https://portal.azure.com/#resource/subscriptions/s/resourceGroups/rg-demo/providers/Microsoft.ContainerService/managedClusters/aks-demo";
        if let Some(progress) = view.progress.as_mut() {
            progress.portal_url = Some(portal.into());
            progress.cluster_state = Some("Failed".into());
        }
        let live = FailedAttempt::of_task(&view).expect("a card");
        let text = serde_json::to_string(&LastFailure::from_task(&view, NOW)).expect("json");
        let SlotRead::Fresh(remembered) = read_slot(Some(&text), NOW) else {
            panic!("the record reads back: {text}");
        };
        let card = remembered.attempt();
        assert_eq!(card.portal_url.as_deref(), Some(portal));
        assert_eq!(card.task_id, "task-1");
        assert_eq!(card.draft, live.draft);
        let worker = card.draft.worker_pool.as_ref().expect("the worker pool");
        assert_eq!(
            (worker.vm_size.as_str(), worker.count),
            ("Standard_D4s_v5", 2)
        );
        assert_eq!(card.draft.kubernetes_version.as_deref(), Some("1.33"));
        assert_eq!(card.draft.zones, ["1", "2"]);
    }

    #[test]
    fn a_record_of_the_seed_s_six_fields_still_reads() {
        let seed = json!({
            "raw": "QuotaExceeded: quota.",
            "clusterName": "aks-demo",
            "region": "koreacentral",
            "resourceGroup": "rg-demo",
            "subscriptionId": "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f",
            "when": NOW - 1_000,
        });
        let SlotRead::Fresh(record) = read_slot(Some(&seed.to_string()), NOW) else {
            panic!("a seed record reads");
        };
        let card = record.attempt();
        assert_eq!(card.draft.worker_pool, None);
        assert_eq!(card.portal_url, None);
    }

    #[rstest]
    #[case::cancelled(TaskStatus::Revoked, Some(failure(CANCELLED_CODE, "Cancelled.", "")))]
    #[case::revoked_without_error(TaskStatus::Revoked, None)]
    #[case::failure_with_the_cancel_code(
        TaskStatus::Failure,
        Some(failure(CANCELLED_CODE, "m", ""))
    )]
    #[case::success(TaskStatus::Success, None)]
    #[case::running(TaskStatus::Progress, None)]
    #[case::queued(TaskStatus::Pending, None)]
    fn only_a_real_failure_is_remembered(
        #[case] status: TaskStatus,
        #[case] error: Option<TaskFailure>,
    ) {
        assert_eq!(LastFailure::from_task(&task(status, error), NOW), None);
    }

    #[test]
    fn a_failure_needs_its_progress_and_every_name() {
        let error = Some(failure("AllocationFailed", "m", "raw"));
        let mut view = task(TaskStatus::Failure, error.clone());
        view.progress = None;
        assert_eq!(LastFailure::from_task(&view, NOW), None, "no progress");
        let mut view = task(TaskStatus::Failure, error);
        if let Some(progress) = view.progress.as_mut() {
            progress.resource_group.clear();
        }
        assert_eq!(
            LastFailure::from_task(&view, NOW),
            None,
            "no resource group"
        );
        let mut view = task(TaskStatus::Failure, None);
        view.job_id.clear();
        let saved = LastFailure::from_task(&view, NOW).expect("saved");
        assert_eq!(
            (saved.raw.as_str(), saved.job_id),
            ("The create failed.", None),
            "without an error the job's last message is the text"
        );
    }

    #[test]
    fn the_wire_is_camel_case_and_optional_fields_stay_out_until_set() {
        let json = serde_json::to_value(record(NOW)).expect("serialize");
        assert_eq!(
            json,
            json!({
                "raw": record(NOW).raw,
                "clusterName": "aks-demo",
                "region": "koreacentral",
                "resourceGroup": "rg-demo",
                "subscriptionId": "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f",
                "when": NOW,
            })
        );
        let classified = LastFailure {
            job_id: Some("job-1".into()),
            ..record(NOW)
        }
        .with_category();
        let json = serde_json::to_value(&classified).expect("serialize");
        assert_eq!(
            (json["jobId"].clone(), json["category"].clone()),
            (json!("job-1"), json!("quota"))
        );
        let history = RecentFailures {
            jobs: vec![classified],
            degraded: false,
            last_success_ms: None,
            last_dismissed_ms: None,
        };
        let json = serde_json::to_value(&history).expect("serialize");
        assert_eq!(json["degraded"], json!(false));
        assert!(
            json.get("last_success_ms").is_none(),
            "absent until a success"
        );
        assert_eq!(json["jobs"][0]["clusterName"], json!("aks-demo"));
    }

    #[rstest]
    #[case::absent(None, SlotRead::Empty)]
    #[case::fresh(Some(record(NOW - 1_000)), SlotRead::Fresh(Box::new(record(NOW - 1_000))))]
    #[case::just_written(Some(record(NOW)), SlotRead::Fresh(Box::new(record(NOW))))]
    #[case::almost_a_day(Some(record(NOW - MAX_AGE_MS + 1)), SlotRead::Fresh(Box::new(record(NOW - MAX_AGE_MS + 1))))]
    #[case::a_day(Some(record(NOW - MAX_AGE_MS)), SlotRead::Stale)]
    #[case::twenty_five_hours(Some(record(NOW - 25 * 60 * 60 * 1000)), SlotRead::Stale)]
    #[case::epoch(Some(record(0)), SlotRead::Stale)]
    #[case::other_clock_a_bit_ahead(Some(record(NOW + MAX_CLOCK_SKEW_MS)), SlotRead::Fresh(Box::new(record(NOW + MAX_CLOCK_SKEW_MS))))]
    #[case::far_future(Some(record(NOW + MAX_CLOCK_SKEW_MS + 1)), SlotRead::Malformed)]
    #[case::end_of_time(Some(record(i64::MAX)), SlotRead::Malformed)]
    #[case::before_time(Some(record(i64::MIN)), SlotRead::Stale)]
    fn a_slot_is_fresh_for_a_day(#[case] stored: Option<LastFailure>, #[case] expected: SlotRead) {
        let text = stored.map(|r| serde_json::to_string(&r).expect("json"));
        assert_eq!(read_slot(text.as_deref(), NOW), expected);
    }

    #[rstest]
    #[case::empty_text("")]
    #[case::not_json("not json")]
    #[case::truncated("{\"raw\":\"x\",\"clusterName\":")]
    #[case::null("null")]
    #[case::array("[]")]
    #[case::number("42")]
    #[case::string("\"QuotaExceeded\"")]
    #[case::empty_object("{}")]
    #[case::missing_raw(&slot_with("raw", None))]
    #[case::missing_cluster(&slot_with("clusterName", None))]
    #[case::missing_region(&slot_with("region", None))]
    #[case::missing_group(&slot_with("resourceGroup", None))]
    #[case::missing_subscription(&slot_with("subscriptionId", None))]
    #[case::missing_when(&slot_with("when", None))]
    #[case::snake_case_names(r#"{"raw":"x","cluster_name":"a","region":"r","resource_group":"g","subscription_id":"s","when":1}"#)]
    #[case::when_as_text(&slot_with("when", Some(json!("1800000000000"))))]
    #[case::when_fractional(&slot_with("when", Some(json!(1.5))))]
    #[case::when_null(&slot_with("when", Some(Value::Null)))]
    #[case::raw_as_object(&slot_with("raw", Some(json!({"code": "x"}))))]
    #[case::region_as_number(&slot_with("region", Some(json!(7))))]
    #[case::job_id_as_number(&slot_with("jobId", Some(json!(7))))]
    #[case::category_as_list(&slot_with("category", Some(json!(["quota"]))))]
    #[case::empty_cluster(&slot_with("clusterName", Some(json!(""))))]
    #[case::empty_region(&slot_with("region", Some(json!(""))))]
    #[case::empty_group(&slot_with("resourceGroup", Some(json!(""))))]
    #[case::empty_subscription(&slot_with("subscriptionId", Some(json!(""))))]
    fn a_slot_that_is_not_a_record_is_malformed(#[case] text: &str) {
        assert_eq!(read_slot(Some(text), NOW), SlotRead::Malformed);
    }

    #[test]
    fn unknown_fields_and_the_optional_ones_still_read() {
        let text = slot_with("addedLater", Some(json!({"any": "thing"})));
        assert_eq!(
            read_slot(Some(&text), NOW),
            SlotRead::Fresh(Box::new(record(NOW - 1_000)))
        );
        let text = slot_with("jobId", Some(json!("job-9")));
        let SlotRead::Fresh(read) = read_slot(Some(&text), NOW) else {
            panic!("fresh");
        };
        assert_eq!(read.job_id.as_deref(), Some("job-9"));
        let text = slot_with("raw", Some(json!("")));
        assert!(
            matches!(read_slot(Some(&text), NOW), SlotRead::Fresh(_)),
            "an empty raw text is not a name: the card says it knows nothing more"
        );
    }

    fn at(when: i64, id: &str) -> Option<LastFailure> {
        Some(LastFailure {
            job_id: Some(id.into()),
            ..record(when)
        })
    }

    #[rstest]
    #[case::none(None, None, None)]
    #[case::only_a(at(5, "a"), None, at(5, "a"))]
    #[case::only_b(None, at(5, "b"), at(5, "b"))]
    #[case::a_newer(at(9, "a"), at(5, "b"), at(9, "a"))]
    #[case::b_newer(at(5, "a"), at(9, "b"), at(9, "b"))]
    #[case::tie_keeps_a(at(5, "a"), at(5, "b"), at(5, "a"))]
    fn the_newer_record_wins(
        #[case] a: Option<LastFailure>,
        #[case] b: Option<LastFailure>,
        #[case] expected: Option<LastFailure>,
    ) {
        assert_eq!(newest(a, b), expected);
    }

    fn history(jobs: &[Option<LastFailure>], last_success_ms: Option<i64>) -> RecentFailures {
        RecentFailures {
            jobs: jobs.iter().flatten().cloned().collect(),
            degraded: false,
            last_success_ms,
            last_dismissed_ms: None,
        }
    }

    fn dismissed_at(mut history: RecentFailures, at: i64) -> RecentFailures {
        history.last_dismissed_ms = Some(at);
        history
    }

    #[rstest]
    #[case::nothing_anywhere(history(&[], None), None, None, false)]
    #[case::first_html_shows_the_server_s(history(&[at(9, "a")], None), None, at(9, "a"), false)]
    #[case::only_this_browser_knows_it_yet(history(&[], None), at(9, "n"), None, true)]
    #[case::the_slot_is_the_server_s_newest(history(&[at(9, "b"), at(5, "a")], None), at(10, "b"), at(9, "b"), false)]
    #[case::the_server_is_newer(history(&[at(9, "a")], None), at(5, "b"), at(9, "a"), false)]
    #[case::the_same_job_keeps_the_server_s(history(&[at(5, "a")], None), at(6, "a"), at(5, "a"), false)]
    #[case::dismissed_on_another_device(dismissed_at(history(&[at(3, "x")], None), 5), at(5, "a"), None, true)]
    #[case::an_older_failure_does_not_replace_a_dismissed_one(dismissed_at(history(&[at(3, "x")], None), 5), None, None, false)]
    #[case::a_failure_after_a_dismissal(dismissed_at(history(&[at(9, "b")], None), 5), None, at(9, "b"), false)]
    #[case::a_success_since(history(&[at(5, "a")], Some(7)), at(6, "b"), None, true)]
    #[case::a_failure_after_the_success(history(&[at(9, "a")], Some(7)), None, at(9, "a"), false)]
    fn server_and_slot_merge(
        #[case] server: RecentFailures,
        #[case] slot: Option<LastFailure>,
        #[case] shown: Option<LastFailure>,
        #[case] prune_slot: bool,
    ) {
        assert_eq!(merge(&server, slot), MergedMemory { shown, prune_slot });
    }

    #[test]
    fn an_unreadable_history_never_prunes_the_slot() {
        let merged = merge(&RecentFailures::degraded(), at(9, "a"));
        assert_eq!(
            merged,
            MergedMemory {
                shown: at(9, "a"),
                prune_slot: false
            }
        );
    }

    #[test]
    fn a_slot_without_a_job_id_is_kept_until_a_success() {
        let unnamed = Some(record(9));
        assert_eq!(merge(&history(&[], None), unnamed.clone()).shown, unnamed);
        assert!(merge(&history(&[], Some(10)), unnamed).prune_slot);
    }

    #[test]
    fn the_record_s_card_refills_its_names_and_points_at_the_field_to_change() {
        let attempt = record(NOW).attempt();
        assert_eq!(attempt.classification.category, Category::Quota);
        assert_eq!(attempt.lead(), "Provisioning aks-demo failed.");
        assert_eq!(attempt.raw, record(NOW).raw);
        assert_eq!(attempt.draft.cluster_name, "aks-demo");
        assert_eq!(attempt.draft.region, "koreacentral");
        assert_eq!(attempt.draft.resource_group, "rg-demo");
        assert_eq!(
            attempt.draft.subscription_id,
            "8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f"
        );
        assert_eq!(attempt.draft.worker_pool, None);
        assert_eq!(attempt.draft.focus_field, "node_count");
    }

    #[test]
    fn the_latest_of_a_history_is_its_newest() {
        let history = RecentFailures {
            jobs: vec![at(9, "b"), at(5, "a")].into_iter().flatten().collect(),
            degraded: false,
            last_success_ms: None,
            last_dismissed_ms: None,
        };
        assert_eq!(
            history.latest().and_then(|f| f.job_id.as_deref()),
            Some("b")
        );
        assert_eq!(RecentFailures::degraded().latest(), None);
        assert!(RecentFailures::degraded().degraded);
    }

    #[test]
    fn the_record_is_classified_with_its_own_settings() {
        let quota = record(NOW);
        let context = quota.error_context();
        assert_eq!(context.region.as_deref(), Some("koreacentral"));
        assert_eq!(context.resource_group.as_deref(), Some("rg-demo"));
        assert_eq!(
            context.subscription_id.as_deref(),
            Some("8c2f9f8e-3b1d-4c6a-9e5f-1a2b3c4d5e6f")
        );
        assert!(context.vm_sizes.is_empty());
        let classification = quota.classification();
        assert_eq!(classification.category, Category::Quota);
        assert_eq!(
            classification.facts.region.as_deref(),
            Some("koreacentral"),
            "from the context"
        );
        let unknown = LastFailure {
            raw: String::new(),
            ..record(NOW)
        };
        assert_eq!(unknown.classification().category, Category::Unknown);
        assert_eq!(unknown.with_category().category.as_deref(), Some("unknown"));
    }

    #[rstest]
    #[case::defaults(None, None, Ok((24, 10)))]
    #[case::smallest(Some("1"), Some("1"), Ok((1, 1)))]
    #[case::largest(Some("168"), Some("20"), Ok((168, 20)))]
    #[case::plus_sign(Some("+5"), None, Ok((5, 10)))]
    #[case::hours_zero(Some("0"), None, Err("hours"))]
    #[case::hours_too_many(Some("169"), None, Err("hours"))]
    #[case::hours_negative(Some("-1"), None, Err("hours"))]
    #[case::hours_empty(Some(""), None, Err("hours"))]
    #[case::hours_word(Some("day"), None, Err("hours"))]
    #[case::hours_fraction(Some("1.5"), None, Err("hours"))]
    #[case::hours_padded(Some(" 24"), None, Err("hours"))]
    #[case::hours_overflow(Some("99999999999999999999"), None, Err("hours"))]
    #[case::limit_zero(None, Some("0"), Err("limit"))]
    #[case::limit_too_many(None, Some("21"), Err("limit"))]
    #[case::limit_word(None, Some("ten"), Err("limit"))]
    #[case::both_bad_names_hours_first(Some("0"), Some("0"), Err("hours"))]
    fn the_window_is_bounded(
        #[case] hours: Option<&str>,
        #[case] limit: Option<&str>,
        #[case] expected: Result<(i64, i64), &str>,
    ) {
        let parsed = HistoryWindow::parse(hours, limit);
        match expected {
            Ok(bounds) => {
                let window = parsed.expect("valid");
                assert_eq!((window.hours(), window.limit()), bounds);
            }
            Err(field) => {
                let error = parsed.expect_err("invalid");
                assert_eq!(error.field, field);
                assert!(error.message.starts_with(field), "{}", error.message);
            }
        }
    }

    #[test]
    fn the_window_starts_hours_before_now() {
        let window = HistoryWindow::new(2, 5).expect("valid");
        assert_eq!(window.since_ms(NOW), NOW - 2 * 60 * 60 * 1000);
        assert_eq!(window.since_ms(i64::MIN), i64::MIN, "no overflow");
        assert_eq!(
            HistoryWindow::default(),
            HistoryWindow::new(24, 10).expect("valid")
        );
    }
}
