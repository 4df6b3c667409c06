//! The provisioning job as the browser and scripts see it (docs/PRODUCT.md §4, §8): task status,
//! steps and phases, the progress object, and the pure rules the banner draws from it
//! (elapsed text, the progress bar's fraction, pool chip tones).

use crate::admin::StoppedBy;
use crate::classify::{Action, Category, Classification, Facts};
use crate::cluster::ClusterSummary;
use crate::provision::ProvisionRequest;
use serde::{Deserialize, Serialize};

/// Steps of a create: preparing request → ensuring resource group → creating cluster on Azure →
/// verifying cluster → done.
pub const TOTAL_STEPS: i32 = 5;

/// A task's status, spelled as the earlier product's task API spelled it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TaskStatus {
    /// Written to the database, not yet picked up by the worker.
    Pending,
    /// The worker picked it up.
    Started,
    /// The worker has reported progress.
    Progress,
    /// The cluster exists and is Succeeded.
    Success,
    /// The create failed; `error` says why.
    Failure,
    /// Cancelled by its owner or an administrator.
    Revoked,
}

impl TaskStatus {
    /// True for SUCCESS, FAILURE and REVOKED: nothing will change any more.
    pub fn is_finished(self) -> bool {
        matches!(self, Self::Success | Self::Failure | Self::Revoked)
    }

    /// The wire spelling (`PENDING`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Started => "STARTED",
            Self::Progress => "PROGRESS",
            Self::Success => "SUCCESS",
            Self::Failure => "FAILURE",
            Self::Revoked => "REVOKED",
        }
    }

    /// Reads the wire spelling back (the store keeps it as text).
    pub fn parse(value: &str) -> Option<Self> {
        [
            Self::Pending,
            Self::Started,
            Self::Progress,
            Self::Success,
            Self::Failure,
            Self::Revoked,
        ]
        .into_iter()
        .find(|status| status.as_str() == value)
    }
}

/// Where a job stands. Running phases map to steps; `Failed` keeps the step it failed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProvisionPhase {
    /// Waiting for the worker.
    Queued,
    /// Step 1: checking the request and building the ARM body.
    PreparingRequest,
    /// Step 2: reading or creating the resource group.
    EnsuringResourceGroup,
    /// Step 3: the ARM PUT and its long-running operation.
    CreatingCluster,
    /// Step 4: reading the finished cluster.
    VerifyingCluster,
    /// Step 5: the cluster is ready.
    Done,
    /// The create failed.
    Failed,
    /// Its owner, or an administrator, stopped it (the job is REVOKED; an Azure create it
    /// started was aborted). The wire name predates administrators and is kept for scripts.
    CancelledByUser,
}

impl ProvisionPhase {
    const ALL: [Self; 8] = [
        Self::Queued,
        Self::PreparingRequest,
        Self::EnsuringResourceGroup,
        Self::CreatingCluster,
        Self::VerifyingCluster,
        Self::Done,
        Self::Failed,
        Self::CancelledByUser,
    ];

    /// The step a running phase is (`None` for `Queued`, `Failed` and `CancelledByUser`, which
    /// have no step of their own).
    pub fn step(self) -> Option<i32> {
        match self {
            Self::PreparingRequest => Some(1),
            Self::EnsuringResourceGroup => Some(2),
            Self::CreatingCluster => Some(3),
            Self::VerifyingCluster => Some(4),
            Self::Done => Some(5),
            Self::Queued | Self::Failed | Self::CancelledByUser => None,
        }
    }

    /// The human label the banner shows.
    pub fn label(self) -> &'static str {
        match self {
            Self::Queued => "Waiting for the worker",
            Self::PreparingRequest => "Preparing request",
            Self::EnsuringResourceGroup => "Ensuring resource group",
            Self::CreatingCluster => "Creating AKS cluster",
            Self::VerifyingCluster => "Verifying cluster",
            Self::Done => "Cluster ready",
            Self::Failed => "Provisioning failed",
            Self::CancelledByUser => "Cancelled",
        }
    }

    /// The wire spelling (`creating_cluster`), also what the store keeps.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Queued => "queued",
            Self::PreparingRequest => "preparing_request",
            Self::EnsuringResourceGroup => "ensuring_resource_group",
            Self::CreatingCluster => "creating_cluster",
            Self::VerifyingCluster => "verifying_cluster",
            Self::Done => "done",
            Self::Failed => "failed",
            Self::CancelledByUser => "cancelled_by_user",
        }
    }

    /// Reads the wire spelling back.
    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|phase| phase.as_str() == value)
    }
}

/// One node pool as the job last read it (keys as docs/PRODUCT.md §4 spells them).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolProgress {
    /// Pool name.
    pub name: String,
    /// The pool's provisioningState (the store's rows written before the REST API became
    /// snake_case spell it `provisioningState`).
    #[serde(alias = "provisioningState")]
    pub provisioning_state: String,
    /// Node count.
    pub count: i32,
    /// VM size (`vmSize` in older rows).
    #[serde(alias = "vmSize")]
    pub vm_size: String,
}

/// The progress object of a job (docs/PRODUCT.md §4).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProvisionProgress {
    /// The job.
    pub job_id: String,
    /// Its task status.
    pub status: TaskStatus,
    /// Current step (0 while queued).
    pub step: i32,
    /// [`TOTAL_STEPS`].
    pub total_steps: i32,
    /// Current phase.
    pub phase: ProvisionPhase,
    /// Human label of the phase.
    pub label: String,
    /// The latest thing the worker did, in words.
    pub message: String,
    /// Seconds since the job was submitted.
    pub elapsed_seconds: i64,
    /// Seconds since Azure accepted the create (the long step), once it did.
    pub arm_elapsed_seconds: Option<i64>,
    /// The cluster's ARM provisioningState, once Azure reports one.
    pub cluster_state: Option<String>,
    /// The pools as last read.
    pub pools: Vec<PoolProgress>,
    /// Portal page of the cluster, once the resource is visible.
    pub portal_url: Option<String>,
    /// The operation's `percentComplete`, when ARM sends it.
    pub percent_complete: Option<f64>,
    /// Cluster being created.
    pub cluster_name: String,
    /// Its resource group.
    pub resource_group: String,
    /// Its region.
    pub region: String,
    /// Its subscription.
    pub subscription_id: String,
    /// The availability zones the create asked for (empty: none; absent in older answers).
    #[serde(default)]
    pub zones: Vec<String>,
    /// The subnet the create put the nodes in, when one was chosen.
    #[serde(default)]
    pub subnet_id: Option<String>,
    /// The pools and version the create asked for, so "Edit & retry" restores them even when
    /// Azure never reported the pools (absent in older answers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested: Option<RequestedShape>,
}

/// What a create asked for besides its names, zones and subnet: both pools and the Kubernetes
/// version, with the request's own field names.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestedShape {
    /// VM size of the system pool.
    pub system_vm_size: String,
    /// System node count.
    pub system_node_count: i32,
    /// VM size of the worker pool.
    pub node_sku: String,
    /// Worker node count.
    pub node_count: i32,
    /// The Kubernetes version asked for (`None`: AKS's default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kubernetes_version: Option<String>,
}

impl RequestedShape {
    /// The shape of `request`.
    pub fn of(request: &ProvisionRequest) -> Self {
        Self {
            system_vm_size: request.system_vm_size.clone(),
            system_node_count: request.system_node_count,
            node_sku: request.node_sku.clone(),
            node_count: request.node_count,
            kubernetes_version: request
                .kubernetes_version
                .clone()
                .filter(|version| !version.trim().is_empty()),
        }
    }
}

/// How long a create usually takes once Azure accepted it (docs/ARM_FACTS.md §8: "a few minutes …
/// allow up to 10"). Only shapes the progress bar; nothing waits on it.
const TYPICAL_CREATE_SECONDS: f64 = 300.0;

impl ProvisionProgress {
    /// The progress of a job the worker has not picked up yet.
    pub fn queued(job_id: &str, request: &ProvisionRequest) -> Self {
        let phase = ProvisionPhase::Queued;
        Self {
            job_id: job_id.to_owned(),
            status: TaskStatus::Pending,
            step: 0,
            total_steps: TOTAL_STEPS,
            phase,
            label: phase.label().to_owned(),
            message: String::new(),
            elapsed_seconds: 0,
            arm_elapsed_seconds: None,
            cluster_state: None,
            pools: Vec::new(),
            portal_url: None,
            percent_complete: None,
            cluster_name: request.cluster_name.clone(),
            resource_group: request.resource_group.clone(),
            region: request.region.clone(),
            subscription_id: request.subscription_id.clone(),
            zones: request.zones.clone(),
            subnet_id: request.subnet_id.clone(),
            requested: Some(RequestedShape::of(request)),
        }
    }

    /// How far the whole job is, 0.0–1.0, for the banner's bar. Steps 1, 2 and 4 are quick, so
    /// the long step 3 spans 10 %–90 % and moves by ARM's `percentComplete` when sent, else by
    /// elapsed time against a typical create (approaching but never reaching the end), and never
    /// below the share of pools that already succeeded.
    pub fn fraction(&self) -> f64 {
        match self.phase {
            ProvisionPhase::Queued => 0.0,
            ProvisionPhase::PreparingRequest => 0.03,
            ProvisionPhase::EnsuringResourceGroup => 0.07,
            ProvisionPhase::CreatingCluster => 0.10 + 0.80 * self.creating_fraction(),
            ProvisionPhase::VerifyingCluster => 0.95,
            ProvisionPhase::Done => 1.0,
            // A stopped job keeps the bar where it stopped.
            ProvisionPhase::Failed | ProvisionPhase::CancelledByUser => match self.step {
                3 => 0.10 + 0.80 * self.creating_fraction(),
                step => f64::from(step.clamp(0, TOTAL_STEPS)) / f64::from(TOTAL_STEPS),
            },
        }
    }

    fn creating_fraction(&self) -> f64 {
        if let Some(percent) = self.percent_complete.filter(|p| p.is_finite()) {
            return (percent / 100.0).clamp(0.0, 1.0);
        }
        let seconds = self.arm_elapsed_seconds.unwrap_or(0).max(0) as f64;
        let by_time = 0.95 * (1.0 - (-seconds / TYPICAL_CREATE_SECONDS).exp());
        let done_pools = self
            .pools
            .iter()
            .filter(|p| p.provisioning_state.eq_ignore_ascii_case("Succeeded"))
            .count();
        let by_pools = if self.pools.is_empty() {
            0.0
        } else {
            0.9 * done_pools as f64 / self.pools.len() as f64
        };
        by_time.max(by_pools)
    }
}

/// What `GET /api/tasks/{task_id}` answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaskView {
    /// The task id.
    pub task_id: String,
    /// The job row's id.
    pub job_id: String,
    /// Status.
    pub status: TaskStatus,
    /// True once the status is finished.
    pub ready: bool,
    /// The progress object.
    pub progress: Option<ProvisionProgress>,
    /// The created cluster, on SUCCESS.
    pub result: Option<ProvisionResult>,
    /// Why it failed, on FAILURE or REVOKED.
    pub error: Option<TaskFailure>,
    /// The deletion of the partial cluster a cancelled or failed create left, once its owner
    /// asked for it (absent until then, and from answers of servers that predate it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion: Option<ClusterDeletion>,
    /// The running job waits for its owner to sign in again: Azure no longer accepts their
    /// sign-in, and the create continues once they do.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub owner_must_sign_in: bool,
    /// Who stopped it, once a cancel was recorded (absent until then, and from answers of
    /// servers that predate it). The owner's card names an administrator who did
    /// ([`crate::admin::StoppedBy::line`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped_by: Option<StoppedBy>,
}

/// Where the deletion of a partial cluster stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeletionState {
    /// Azure accepted (or is about to be sent) the delete of the managed cluster.
    Deleting,
    /// The managed cluster is gone.
    Deleted,
    /// Azure refused or failed the delete; `message` says why. Its owner may ask again.
    Failed,
}

impl DeletionState {
    /// The wire spelling (`deleting`, …), also what the store keeps.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Deleting => "deleting",
            Self::Deleted => "deleted",
            Self::Failed => "failed",
        }
    }

    /// Reads the wire spelling back.
    pub fn parse(value: &str) -> Option<Self> {
        [Self::Deleting, Self::Deleted, Self::Failed]
            .into_iter()
            .find(|state| state.as_str() == value)
    }
}

/// The deletion of the managed cluster a cancelled or failed create left on Azure. Only the
/// managed cluster is ever deleted, never its resource group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterDeletion {
    /// Where it stands.
    pub state: DeletionState,
    /// In words: [`DELETING_MESSAGE`], [`DELETED_MESSAGE`], or why it failed.
    pub message: String,
    /// Seconds since its owner asked, until it ended.
    pub elapsed_seconds: i64,
}

/// The message of a deletion that runs.
pub const DELETING_MESSAGE: &str = "Deleting the partial cluster on Azure…";

/// The message of a deletion that ended with the cluster gone.
pub const DELETED_MESSAGE: &str = "Partial cluster deleted.";

/// True for the provisioningStates in which Azure runs no operation on a cluster (Succeeded,
/// Failed, Canceled; any case), so a delete is accepted instead of refused with a conflict.
/// Creating, Canceling, Deleting, Updating and every other value are in progress, as ARM says.
pub fn is_terminal_cluster_state(state: &str) -> bool {
    let state = state.trim();
    ["Succeeded", "Failed", "Canceled"]
        .iter()
        .any(|settled| state.eq_ignore_ascii_case(settled))
}

/// Whether the owner of `task` may be offered **Delete partial cluster**: the create was
/// cancelled (REVOKED) or failed, it left a cluster resource on Azure (the task has its state
/// and portal page), that cluster's state is terminal on Azure ([`is_terminal_cluster_state`]), and no
/// deletion runs or has succeeded (a failed one may be retried). The server applies the same
/// rule against Azure's state at the moment of the request.
pub fn can_delete_partial_cluster(task: &TaskView) -> bool {
    let stopped = matches!(task.status, TaskStatus::Revoked | TaskStatus::Failure);
    let settled_cluster = task.progress.as_ref().is_some_and(|progress| {
        progress.portal_url.is_some()
            && progress
                .cluster_state
                .as_deref()
                .is_some_and(is_terminal_cluster_state)
    });
    let deletion_open = task
        .deletion
        .as_ref()
        .is_none_or(|deletion| deletion.state == DeletionState::Failed);
    stopped && settled_cluster && deletion_open
}

/// True while a stopped task still changes on Azure: its partial cluster is being deleted, or
/// Azure has not yet finished the operation the cluster was left in (Canceling after an abort),
/// so the page keeps reading it until **Delete partial cluster** can be offered.
pub fn settling_on_azure(task: &TaskView) -> bool {
    let deleting = task
        .deletion
        .as_ref()
        .is_some_and(|deletion| deletion.state == DeletionState::Deleting);
    let cluster_busy = task.deletion.is_none()
        && matches!(task.status, TaskStatus::Revoked | TaskStatus::Failure)
        && task.progress.as_ref().is_some_and(|progress| {
            progress.portal_url.is_some()
                && progress
                    .cluster_state
                    .as_deref()
                    .is_some_and(|state| !is_terminal_cluster_state(state))
        });
    deleting || cluster_busy
}

/// The outcome of a successful job.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvisionResult {
    /// The cluster as Azure reported it at the end.
    pub cluster: ClusterSummary,
}

/// Why a job did not succeed. On the wire the server's classification is flattened into it
/// (`{code, message, raw, category, summary, details, facts, actions}`, docs/PRODUCT.md §8), so
/// scripts get the card's content too; it is absent in what the store keeps and in answers of
/// servers that predate it, and a reader then classifies the failure itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "TaskFailureWire")]
pub struct TaskFailure {
    /// ARM's error code (innermost), or the dashboard's own (`cluster_exists`, …).
    pub code: String,
    /// One-line message.
    pub message: String,
    /// The raw text Azure sent, for the error card's folded section.
    pub raw: String,
    /// The server's classification of this failure with the job's settings as context, plus
    /// its one-click "Retry with …" suggestions for a capacity failure (boxed: a failure
    /// travels through the worker's results, which stay small without it).
    #[serde(flatten, default)]
    pub classification: Option<Box<Classification>>,
}

/// How a [`TaskFailure`] is read: its flattened classification's fields named one by one.
/// `#[serde(flatten)]` reads through a buffer of the whole object and a second deserializer of
/// every type inside the classification, which was the largest single piece of the browser
/// bundle; the wire is the same. A classification missing a field reads as none, as with
/// `flatten`; one that does not parse (an action kind a newer server added) is an error, where
/// `flatten` gave none. A category this version does not know reads as `Unknown`.
#[derive(Deserialize)]
struct TaskFailureWire {
    code: String,
    message: String,
    raw: String,
    category: Option<Category>,
    summary: Option<String>,
    details: Option<String>,
    facts: Option<Facts>,
    actions: Option<Vec<Action>>,
}

impl From<TaskFailureWire> for TaskFailure {
    /// The classification when all of it is there (as `flatten` read it: a partial one is none).
    fn from(wire: TaskFailureWire) -> Self {
        let classification = match (
            wire.category,
            wire.summary,
            wire.details,
            wire.facts,
            wire.actions,
        ) {
            (Some(category), Some(summary), Some(details), Some(facts), Some(actions)) => {
                Some(Box::new(Classification {
                    category,
                    summary,
                    details,
                    facts,
                    actions,
                }))
            }
            _ => None,
        };
        Self {
            code: wire.code,
            message: wire.message,
            raw: wire.raw,
            classification,
        }
    }
}

impl TaskFailure {
    /// A failure without a classification (the server adds one when it answers a read).
    pub fn new(
        code: impl Into<String>,
        message: impl Into<String>,
        raw: impl Into<String>,
    ) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
            raw: raw.into(),
            classification: None,
        }
    }
}

/// What `POST /api/aks/provision` answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProvisionAccepted {
    /// The job row's id.
    pub job_id: String,
    /// The task id to poll.
    pub task_id: String,
    /// Always `queued`.
    pub status: String,
    /// `/api/tasks/{task_id}` (snake_case like every REST answer; the earlier product's
    /// `statusQueryGetUri` is still read).
    #[serde(alias = "statusQueryGetUri")]
    pub status_query_get_uri: String,
    /// True when this submit matched a job of the caller that was already running for the same
    /// cluster (a double click), which is answered instead of starting a second one.
    pub reused: bool,
}

/// The error code of a cancelled job, whoever cancelled it (also its phase's wire spelling).
pub const CANCELLED_CODE: &str = "cancelled_by_user";

/// The message of a cancelled job; an administrator's stop adds who did it
/// ([`crate::admin::cancelled_message`]).
pub const CANCELLED_MESSAGE: &str = "Provisioning task was cancelled before it finished.";

/// What `POST /api/aks/cancel-provision/{task_id}` answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelOutcome {
    /// The task.
    pub task_id: String,
    /// Its job row.
    pub job_id: String,
    /// The status before this cancel.
    pub previous_status: TaskStatus,
    /// False when the job had already finished (nothing changed).
    pub was_running: bool,
    /// True: the job is (now or already) not running.
    pub cancelled: bool,
    /// Seconds after which the worker has stopped and the Azure abort has been sent, measured
    /// (see the cancel benchmark), so a client knows when to read the task again.
    pub settle_after_seconds: i64,
}

/// The colour family of a state chip.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StateTone {
    /// Succeeded, Running.
    Good,
    /// Creating, Updating and any other in-progress value.
    Busy,
    /// Canceling, Canceled, Stopped.
    Warning,
    /// Failed.
    Bad,
}

impl StateTone {
    /// The tone of an ARM provisioningState (any unknown value is in progress, as ARM says).
    pub fn of(state: &str) -> Self {
        let state = state.trim();
        if state.eq_ignore_ascii_case("Succeeded") || state.eq_ignore_ascii_case("Running") {
            Self::Good
        } else if state.eq_ignore_ascii_case("Failed") {
            Self::Bad
        } else if ["Canceled", "Cancelled", "Canceling", "Stopped"]
            .iter()
            .any(|s| state.eq_ignore_ascii_case(s))
        {
            Self::Warning
        } else {
            Self::Busy
        }
    }

    /// CSS modifier (`good`, `busy`, `warning`, `bad`).
    pub fn css_class(self) -> &'static str {
        match self {
            Self::Good => "good",
            Self::Busy => "busy",
            Self::Warning => "warning",
            Self::Bad => "bad",
        }
    }
}

/// "12s", "4m 12s", "1h 05m": how the banner writes durations.
pub fn format_elapsed(seconds: i64) -> String {
    let seconds = seconds.max(0);
    let (hours, minutes, secs) = (seconds / 3600, (seconds % 3600) / 60, seconds % 60);
    if hours > 0 {
        format!("{hours}h {minutes:02}m")
    } else if minutes > 0 {
        format!("{minutes}m {secs}s")
    } else {
        format!("{secs}s")
    }
}

#[cfg(test)]
mod tests;
