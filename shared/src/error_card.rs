//! What the error card says about a create that failed or was stopped: the category's headline
//! and icon, the job's failure classified with the job's own settings as context, the settings
//! "Edit & retry" refills the form with, and the field it puts the user on.
//!
//! The card renders on the server (first HTML) and in the browser from the same data, so all of
//! this is pure and shared.

use crate::admin::StoppedBy;
use crate::classify::{
    Category, Classification, ErrorContext, Facts, PoolSize, category_actions, classify,
};
use crate::progress::{
    CANCELLED_CODE, DeletionState, ProvisionProgress, TaskFailure, TaskStatus, TaskView,
};
use crate::provision::{SYSTEM_POOL_NAME, WORKER_POOL_NAME};
use serde::{Deserialize, Serialize};

/// The card's title for a category.
pub fn headline(category: Category) -> &'static str {
    match category {
        Category::Quota => "Quota too small",
        Category::SkuBlocked => "VM size not available",
        Category::Capacity => "Azure is out of capacity",
        Category::Region => "Region cannot host the cluster",
        Category::Policy => "Blocked by Azure Policy",
        Category::RgPermission => "Permission denied",
        Category::Network => "Network cannot take the cluster",
        Category::Auth => "Azure refused the credentials",
        Category::Conflict => "Another operation is running",
        Category::Throttled => "Azure is throttling requests",
        Category::InvalidConfig => "A setting was rejected",
        Category::Cancelled => "Cancelled",
        Category::Unknown => "Provisioning failed",
    }
}

/// The picture beside a category's headline (decorative: the headline carries the meaning).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CardIcon {
    /// A gauge near its end: quota.
    Gauge,
    /// A circle struck through: a size that is not offered.
    Blocked,
    /// A cloud: Azure's own capacity.
    Cloud,
    /// A map pin: the region.
    Pin,
    /// A shield: policy.
    Shield,
    /// A padlock: permissions.
    Lock,
    /// Linked nodes: the network.
    Network,
    /// A key: credentials.
    Key,
    /// Two opposed arrows: a conflicting operation.
    Arrows,
    /// An hourglass: throttling.
    Hourglass,
    /// Sliders: a setting.
    Sliders,
    /// A stop square: a cancel.
    Stop,
    /// An exclamation mark: anything else.
    Alert,
}

/// The picture for a category.
pub fn icon(category: Category) -> CardIcon {
    match category {
        Category::Quota => CardIcon::Gauge,
        Category::SkuBlocked => CardIcon::Blocked,
        Category::Capacity => CardIcon::Cloud,
        Category::Region => CardIcon::Pin,
        Category::Policy => CardIcon::Shield,
        Category::RgPermission => CardIcon::Lock,
        Category::Network => CardIcon::Network,
        Category::Auth => CardIcon::Key,
        Category::Conflict => CardIcon::Arrows,
        Category::Throttled => CardIcon::Hourglass,
        Category::InvalidConfig => CardIcon::Sliders,
        Category::Cancelled => CardIcon::Stop,
        Category::Unknown => CardIcon::Alert,
    }
}

/// What the job knew about its request, for the classifier's links and missing facts.
pub fn error_context(progress: &ProvisionProgress) -> ErrorContext {
    let mut vm_sizes: Vec<String> = Vec::new();
    for pool in &progress.pools {
        if !pool.vm_size.is_empty() && !vm_sizes.contains(&pool.vm_size) {
            vm_sizes.push(pool.vm_size.clone());
        }
    }
    ErrorContext {
        subscription_id: non_empty(&progress.subscription_id),
        region: non_empty(&progress.region),
        resource_group: non_empty(&progress.resource_group),
        vm_sizes,
        pools: progress
            .pools
            .iter()
            .map(|pool| PoolSize {
                name: pool.name.clone(),
                vm_size: pool.vm_size.clone(),
            })
            .collect(),
        zones: progress.zones.clone(),
    }
}

fn non_empty(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_owned())
}

/// The text the classifier reads for a job's failure: Azure's raw text, with the job's code and
/// message in front when the raw text does not carry the code (the dashboard's own failures,
/// such as a timeout, have no raw text at all).
pub fn failure_text(failure: &TaskFailure) -> String {
    let head = if failure.code.is_empty() {
        failure.message.clone()
    } else {
        format!("{}: {}", failure.code, failure.message)
    };
    if failure.raw.is_empty() {
        head
    } else if !failure.code.is_empty() && failure.raw.contains(&failure.code) {
        failure.raw.clone()
    } else {
        format!("{head}\n{}", failure.raw)
    }
}

/// The card's content for a job's failure. A stop (its owner's or an administrator's) is
/// `cancelled` with the job's own words; anything else goes through the classifier.
pub fn classify_failure(failure: &TaskFailure, context: &ErrorContext) -> Classification {
    if failure.code == CANCELLED_CODE {
        return Classification {
            category: Category::Cancelled,
            summary: failure.message.clone(),
            details: "The dashboard stopped the job and asked Azure to abort the create. Nothing is rolled back: whatever Azure had built stays until it is deleted.".to_owned(),
            facts: Facts::default(),
            actions: category_actions(Category::Cancelled, &Facts::default(), context),
        };
    }
    classify(&failure_text(failure), None, context)
}

/// A failed or stopped task's failure classified with the job's settings as context: what the
/// server flattens into the task's `error` on every read. `None` for any other status.
pub fn classify_task(view: &TaskView) -> Option<Classification> {
    ended_badly(view).then(|| classify_failure(&shown_failure(view), &task_context(view)))
}

/// The portal page of what a task left on Azure, once the cluster was seen; none once its
/// partial cluster is deleted, as nothing is left there to open.
pub fn portal_url_left(view: &TaskView) -> Option<String> {
    let cluster_deleted = view
        .deletion
        .as_ref()
        .is_some_and(|deletion| deletion.state == DeletionState::Deleted);
    view.progress
        .as_ref()
        .and_then(|progress| progress.portal_url.clone())
        .filter(|_| !cluster_deleted)
}

fn ended_badly(view: &TaskView) -> bool {
    matches!(view.status, TaskStatus::Failure | TaskStatus::Revoked)
}

fn task_context(view: &TaskView) -> ErrorContext {
    view.progress
        .as_ref()
        .map(error_context)
        .unwrap_or_default()
}

/// The failure a failed or stopped task shows: its error, or a stand-in when it has none, with
/// the administrator who stopped it named.
pub(crate) fn shown_failure(view: &TaskView) -> TaskFailure {
    let mut failure = view.error.clone().unwrap_or_else(|| {
        TaskFailure::new(
            "stopped",
            "The job ended before the cluster was created.",
            "",
        )
    });
    // The server stores who stopped it in the message; a job that ended without those words
    // (its end was written before the actor could be read) still names them.
    if let Some(line) = view.stopped_by.as_ref().and_then(StoppedBy::line)
        && failure.code == CANCELLED_CODE
        && !failure.message.contains(&line)
    {
        failure.message = format!("{} {line}.", failure.message);
    }
    failure
}

/// A create that failed or was stopped, as its card shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailedAttempt {
    /// The job's task.
    pub task_id: String,
    /// The cluster it was creating.
    pub cluster_name: String,
    /// True when it was stopped, by its owner or by an administrator (the card informs rather
    /// than alarms).
    pub stopped: bool,
    /// What the card says.
    pub classification: Classification,
    /// Azure's raw text, folded away on the card (empty for the dashboard's own failures).
    pub raw: String,
    /// The cluster's portal page, once Azure had accepted the create (and until its partial
    /// cluster is deleted).
    pub portal_url: Option<String>,
    /// What "Edit & retry" puts back into the form.
    pub draft: RetryDraft,
}

impl FailedAttempt {
    /// The card of a task that ended in FAILURE or REVOKED; `None` for any other status. The
    /// server's classification is used when the task's error carries one (it adds what only the
    /// server can read, such as capacity suggestions); otherwise the failure is classified here.
    pub fn of_task(view: &TaskView) -> Option<Self> {
        if !ended_badly(view) {
            return None;
        }
        let failure = shown_failure(view);
        let cluster_name = view
            .progress
            .as_ref()
            .map(|progress| progress.cluster_name.clone())
            .unwrap_or_default();
        let portal_url = portal_url_left(view);
        let classification = match failure.classification.as_deref() {
            Some(served) => served.clone(),
            None => classify_failure(&failure, &task_context(view)),
        };
        let draft = view
            .progress
            .as_ref()
            .map(|progress| RetryDraft::from_progress(progress, &classification))
            .unwrap_or_default();
        Some(Self {
            task_id: view.task_id.clone(),
            cluster_name,
            stopped: failure.code == CANCELLED_CODE,
            classification,
            raw: failure.raw,
            portal_url,
            draft,
        })
    }

    /// The line above the summary: "Provisioning aks-demo failed." or "… was cancelled."
    pub fn lead(&self) -> String {
        if self.stopped {
            format!("Provisioning {} was cancelled.", self.cluster_name)
        } else {
            format!("Provisioning {} failed.", self.cluster_name)
        }
    }
}

/// A pool's settings to refill.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolDraft {
    /// VM size.
    pub vm_size: String,
    /// Node count.
    pub count: i32,
}

/// The settings "Edit & retry" puts back into the create form. Pools are known only when Azure
/// had reported them; the form keeps its defaults otherwise.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RetryDraft {
    /// Subscription.
    pub subscription_id: String,
    /// Cluster name.
    pub cluster_name: String,
    /// Region.
    pub region: String,
    /// Resource group.
    pub resource_group: String,
    /// The system pool, when known.
    pub system_pool: Option<PoolDraft>,
    /// The worker pool, when known.
    pub worker_pool: Option<PoolDraft>,
    /// The availability zones the attempt asked for.
    pub zones: Vec<String>,
    /// The subnet the attempt chose, if any.
    pub subnet_id: Option<String>,
    /// The Kubernetes version the attempt asked for (`None`: AKS's default, or not known).
    pub kubernetes_version: Option<String>,
    /// The form field (API name) to put the user on first.
    pub focus_field: &'static str,
}

impl RetryDraft {
    /// The draft of a job's request, focused on what its failure says to change. The pools are
    /// what the request asked for; from a job that predates [`RequestedShape`](crate::progress::RequestedShape), what Azure
    /// last reported of them.
    pub fn from_progress(progress: &ProvisionProgress, classification: &Classification) -> Self {
        let reported = |name: &str| {
            progress
                .pools
                .iter()
                .find(|p| p.name == name)
                .map(|p| PoolDraft {
                    vm_size: p.vm_size.clone(),
                    count: p.count,
                })
        };
        let requested = progress.requested.as_ref();
        let system_pool = requested
            .and_then(|shape| pool_draft(&shape.system_vm_size, shape.system_node_count))
            .or_else(|| reported(SYSTEM_POOL_NAME));
        let worker_pool = requested
            .and_then(|shape| pool_draft(&shape.node_sku, shape.node_count))
            .or_else(|| reported(WORKER_POOL_NAME));
        let focus_field = field_to_edit(classification, system_pool.as_ref());
        Self {
            subscription_id: progress.subscription_id.clone(),
            cluster_name: progress.cluster_name.clone(),
            region: progress.region.clone(),
            resource_group: progress.resource_group.clone(),
            system_pool,
            worker_pool,
            zones: progress.zones.clone(),
            subnet_id: progress.subnet_id.clone(),
            kubernetes_version: requested.and_then(|shape| shape.kubernetes_version.clone()),
            focus_field,
        }
    }
}

/// A pool's draft from a request's size and count; `None` when the size is not known.
pub fn pool_draft(vm_size: &str, count: i32) -> Option<PoolDraft> {
    (!vm_size.is_empty()).then(|| PoolDraft {
        vm_size: vm_size.to_owned(),
        count,
    })
}

/// The create form's field (by its API name) that a failure most likely asks the user to change.
///
/// * policy: `region` when the policy is about locations, the refused pool's size field when it
///   is about VM sizes, else `resource_group` (an assignment applies to a scope; another group
///   may lie outside it);
/// * capacity: `zones` when the failure names zones, else the failing pool's size field (the
///   system pool's when the error names it, the workers' otherwise);
/// * network: `subnet_id`.
pub fn field_to_edit(
    classification: &Classification,
    system_pool: Option<&PoolDraft>,
) -> &'static str {
    let facts = &classification.facts;
    let system_size_refused = |sizes: &[String]| {
        system_pool.is_some_and(|pool| {
            sizes
                .iter()
                .any(|size| size.eq_ignore_ascii_case(&pool.vm_size))
        })
    };
    let size_field = |system: bool| if system { "system_vm_size" } else { "node_sku" };
    match classification.category {
        Category::Quota => "node_count",
        Category::SkuBlocked => size_field(system_size_refused(&facts.sizes)),
        Category::Region => "region",
        Category::RgPermission => "resource_group",
        Category::Policy => match &facts.policy {
            Some(policy) if policy.is_about_locations() => "region",
            Some(policy) if policy.is_about_sizes() => {
                let system = !policy.allowed_sizes.is_empty()
                    && policy.denied_sizes.is_empty()
                    && system_pool.is_some_and(|pool| {
                        !policy
                            .allowed_sizes
                            .iter()
                            .any(|size| size.eq_ignore_ascii_case(&pool.vm_size))
                    });
                size_field(system || system_size_refused(&policy.denied_sizes))
            }
            _ => "resource_group",
        },
        Category::Capacity if !facts.zones.is_empty() => "zones",
        Category::Capacity => match facts.pool.as_deref() {
            Some(pool) => size_field(pool == SYSTEM_POOL_NAME),
            None => size_field(system_size_refused(&facts.sizes) && facts.sizes.len() == 1),
        },
        Category::Network => "subnet_id",
        _ => "cluster_name",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::ActionKind;
    use crate::progress::{CANCELLED_MESSAGE, PoolProgress, TaskStatus};
    use crate::provision::ProvisionRequest;
    use rstest::rstest;

    fn failure(code: &str, message: &str, raw: &str) -> TaskFailure {
        TaskFailure {
            classification: None,
            code: code.into(),
            message: message.into(),
            raw: raw.into(),
        }
    }

    fn progress_with_pools() -> ProvisionProgress {
        let request = ProvisionRequest {
            subscription_id: "sub-1".into(),
            cluster_name: "aks-demo".into(),
            region: "koreacentral".into(),
            resource_group: "rg-demo".into(),
            ..ProvisionRequest::default()
        };
        let mut progress = ProvisionProgress::queued("job-1", &request);
        progress.status = TaskStatus::Failure;
        progress.pools = vec![
            PoolProgress {
                name: SYSTEM_POOL_NAME.into(),
                provisioning_state: "Failed".into(),
                count: 1,
                vm_size: "Standard_D2s_v5".into(),
            },
            PoolProgress {
                name: WORKER_POOL_NAME.into(),
                provisioning_state: "Failed".into(),
                count: 10,
                vm_size: "Standard_D16s_v5".into(),
            },
        ];
        progress
    }

    #[rstest]
    #[case::raw_carries_the_code(
        failure("QuotaExceeded", "m", "{\"code\":\"QuotaExceeded\"}"),
        "{\"code\":\"QuotaExceeded\"}"
    )]
    #[case::no_raw(
        failure("ProvisioningTimedOut", "Too slow.", ""),
        "ProvisioningTimedOut: Too slow."
    )]
    #[case::raw_without_the_code(
        failure("AzureUnavailable", "gone", "connection reset"),
        "AzureUnavailable: gone\nconnection reset"
    )]
    #[case::no_code(failure("", "Just words.", ""), "Just words.")]
    fn failure_text_always_carries_the_code(#[case] failure: TaskFailure, #[case] expected: &str) {
        assert_eq!(failure_text(&failure), expected);
    }

    #[test]
    fn context_comes_from_the_job_with_each_size_once() {
        let mut progress = progress_with_pools();
        progress.pools[1].vm_size = "Standard_D2s_v5".into();
        let context = error_context(&progress);
        assert_eq!(context.subscription_id.as_deref(), Some("sub-1"));
        assert_eq!(context.region.as_deref(), Some("koreacentral"));
        assert_eq!(context.resource_group.as_deref(), Some("rg-demo"));
        assert_eq!(context.vm_sizes, vec!["Standard_D2s_v5".to_owned()]);
    }

    #[test]
    fn a_stop_the_owner_asked_for_is_cancelled_in_the_jobs_words() {
        let stopped = failure(
            CANCELLED_CODE,
            "Provisioning task was cancelled before it finished.",
            "",
        );
        let card = classify_failure(&stopped, &ErrorContext::default());
        assert_eq!(card.category, Category::Cancelled);
        assert_eq!(card.summary, stopped.message);
        assert!(card.actions.iter().any(|a| a.kind == ActionKind::Docs));
    }

    #[test]
    fn a_timeout_without_raw_text_is_still_classified_from_its_code_and_message() {
        let card = classify_failure(
            &failure(
                "QuotaExceeded",
                "Operation could not be completed as it results in exceeding approved Total Regional Cores quota. Additional details - Deployment Model: Resource Manager, Location: koreacentral, Current Limit: 100, Current Usage: 90, Additional Required: 40, (Minimum) New Limit Required: 130.",
                "",
            ),
            &error_context(&progress_with_pools()),
        );
        assert_eq!(card.category, Category::Quota);
        assert_eq!(card.facts.needed, Some(40));
        assert_eq!(card.facts.limit, Some(100));
    }

    fn task(status: TaskStatus, error: Option<TaskFailure>) -> TaskView {
        TaskView {
            task_id: "task-1".into(),
            job_id: "job-1".into(),
            status,
            ready: status.is_finished(),
            progress: Some(progress_with_pools()),
            result: None,
            error,
            deletion: None,
            owner_must_sign_in: false,
            stopped_by: None,
        }
    }

    #[test]
    fn only_failed_and_stopped_tasks_have_a_card() {
        for status in [
            TaskStatus::Pending,
            TaskStatus::Started,
            TaskStatus::Progress,
            TaskStatus::Success,
        ] {
            assert_eq!(
                FailedAttempt::of_task(&task(status, None)),
                None,
                "{status:?}"
            );
        }
        let failed = FailedAttempt::of_task(&task(
            TaskStatus::Failure,
            Some(failure("AuthorizationFailed", "The client 'c' with object id 'o' does not have authorization to perform action 'Microsoft.ContainerService/managedClusters/write' over scope '/subscriptions/s/resourceGroups/rg-demo/providers/Microsoft.ContainerService/managedClusters/aks-demo' or the scope is invalid.", "{\"error\":{\"code\":\"AuthorizationFailed\"}}")),
        ))
        .expect("a failed task has a card");
        assert_eq!(failed.lead(), "Provisioning aks-demo failed.");
        assert_eq!(failed.classification.category, Category::RgPermission);
        assert!(!failed.stopped);
        assert_eq!(failed.raw, "{\"error\":{\"code\":\"AuthorizationFailed\"}}");
        assert_eq!(failed.draft.focus_field, "resource_group");

        let stopped = FailedAttempt::of_task(&task(
            TaskStatus::Revoked,
            Some(failure(
                CANCELLED_CODE,
                "Provisioning task was cancelled before it finished.",
                "",
            )),
        ))
        .expect("a stopped task has a card");
        assert!(stopped.stopped);
        assert_eq!(stopped.lead(), "Provisioning aks-demo was cancelled.");
        assert_eq!(stopped.classification.category, Category::Cancelled);
    }

    #[rstest]
    #[case::not_asked(None, true)]
    #[case::deleting(Some(DeletionState::Deleting), true)]
    #[case::refused(Some(DeletionState::Failed), true)]
    #[case::deleted(Some(DeletionState::Deleted), false)]
    fn a_deleted_partial_cluster_leaves_no_portal_link(
        #[case] deletion: Option<DeletionState>,
        #[case] linked: bool,
    ) {
        let mut view = task(
            TaskStatus::Revoked,
            Some(failure(CANCELLED_CODE, CANCELLED_MESSAGE, "")),
        );
        if let Some(progress) = view.progress.as_mut() {
            progress.portal_url = Some("https://portal.azure.com/#resource/x".into());
        }
        view.deletion = deletion.map(|state| crate::progress::ClusterDeletion {
            state,
            message: String::new(),
            elapsed_seconds: 1,
        });
        let card = FailedAttempt::of_task(&view).expect("a card");
        assert_eq!(card.portal_url.is_some(), linked);
    }

    #[test]
    fn an_administrator_s_stop_names_them_on_the_owner_s_card() {
        let by_dana = StoppedBy {
            display_name: "Dana Admin".into(),
            administrator: true,
        };
        let stored = crate::admin::cancelled_message(Some(&by_dana));
        for message in [stored.as_str(), CANCELLED_MESSAGE] {
            let mut view = task(
                TaskStatus::Revoked,
                Some(failure(CANCELLED_CODE, message, "")),
            );
            view.stopped_by = Some(by_dana.clone());
            let card = FailedAttempt::of_task(&view).expect("a card");
            assert!(card.stopped);
            assert_eq!(
                card.classification.summary, stored,
                "said once, whether the stored message has it or not"
            );
        }
        let mut own = task(
            TaskStatus::Revoked,
            Some(failure(CANCELLED_CODE, CANCELLED_MESSAGE, "")),
        );
        own.stopped_by = Some(StoppedBy {
            display_name: "Alice Example".into(),
            administrator: false,
        });
        let card = FailedAttempt::of_task(&own).expect("a card");
        assert_eq!(card.classification.summary, CANCELLED_MESSAGE);
    }

    #[test]
    fn the_server_s_classification_is_used_when_the_error_carries_one() {
        let mut view = task(
            TaskStatus::Failure,
            Some(failure("AllocationFailed", "No capacity.", "")),
        );
        let served = classify_task(&view).expect("a failed task is classified");
        assert_eq!(
            FailedAttempt::of_task(&view).map(|a| a.classification),
            Some(served.clone()),
            "the local classification is the server's by construction"
        );
        let mut marked = served;
        marked.summary = "What the server said.".into();
        if let Some(error) = view.error.as_mut() {
            error.classification = Some(Box::new(marked.clone()));
        }
        let card = FailedAttempt::of_task(&view).expect("a card");
        assert_eq!(card.classification, marked);
        assert_eq!(classify_task(&task(TaskStatus::Success, None)), None);
    }

    #[test]
    fn the_draft_restores_zones_and_subnet() {
        let mut view = task(TaskStatus::Failure, Some(failure("X", "y", "")));
        if let Some(progress) = view.progress.as_mut() {
            progress.zones = vec!["1".into()];
            progress.subnet_id = Some("/subscriptions/s/subnets/n".into());
        }
        let draft = FailedAttempt::of_task(&view).expect("a card").draft;
        assert_eq!(draft.zones, vec!["1".to_owned()]);
        assert_eq!(
            draft.subnet_id.as_deref(),
            Some("/subscriptions/s/subnets/n")
        );
    }

    #[test]
    fn a_failed_task_without_an_error_still_says_it_stopped() {
        let attempt = FailedAttempt::of_task(&task(TaskStatus::Failure, None)).expect("a card");
        assert!(
            attempt
                .classification
                .summary
                .contains("ended before the cluster was created"),
            "{}",
            attempt.classification.summary
        );
    }

    #[test]
    fn every_category_has_a_headline_and_an_icon_of_its_own() {
        let mut icons = Vec::new();
        for category in Category::ALL {
            assert!(!headline(category).is_empty(), "{category:?}");
            assert!(!icons.contains(&icon(category)), "{category:?}");
            icons.push(icon(category));
        }
    }

    #[test]
    fn the_draft_refills_names_and_pools_and_focuses_the_worker_count_on_quota() {
        let progress = progress_with_pools();
        let quota = classify_failure(
            &failure(
                "QuotaExceeded",
                "Insufficient regional vcpu quota left for location koreacentral. left regional vcpu quota 20, requested quota 162.",
                "",
            ),
            &error_context(&progress),
        );
        let draft = RetryDraft::from_progress(&progress, &quota);
        assert_eq!(draft.cluster_name, "aks-demo");
        assert_eq!(draft.resource_group, "rg-demo");
        assert_eq!(draft.region, "koreacentral");
        assert_eq!(draft.subscription_id, "sub-1");
        assert_eq!(
            draft.worker_pool,
            Some(PoolDraft {
                vm_size: "Standard_D16s_v5".into(),
                count: 10
            })
        );
        assert_eq!(draft.focus_field, "node_count");
    }

    #[rstest]
    #[case::worker_size(Category::SkuBlocked, &["Standard_D16s_v5"], "node_sku")]
    #[case::system_size(Category::SkuBlocked, &["standard_d2s_v5"], "system_vm_size")]
    #[case::size_unknown(Category::SkuBlocked, &[], "node_sku")]
    #[case::region(Category::Region, &[], "region")]
    #[case::group(Category::RgPermission, &[], "resource_group")]
    #[case::network(Category::Network, &[], "subnet_id")]
    #[case::capacity_of_the_system_size(Category::Capacity, &["Standard_D2s_v5"], "system_vm_size")]
    #[case::capacity_of_both_sizes(
        Category::Capacity,
        &["Standard_D2s_v5", "Standard_D4as_v5"],
        "node_sku"
    )]
    #[case::policy_without_facts(Category::Policy, &[], "resource_group")]
    #[case::other(Category::Unknown, &[], "cluster_name")]
    fn the_field_to_edit_follows_the_category(
        #[case] category: Category,
        #[case] sizes: &[&str],
        #[case] expected: &str,
    ) {
        let classification = Classification {
            category,
            summary: String::new(),
            details: String::new(),
            facts: Facts {
                sizes: sizes.iter().map(|s| (*s).to_owned()).collect(),
                ..Facts::default()
            },
            actions: Vec::new(),
        };
        let system = PoolDraft {
            vm_size: "Standard_D2s_v5".into(),
            count: 1,
        };
        assert_eq!(field_to_edit(&classification, Some(&system)), expected);
    }

    #[test]
    fn the_context_names_each_pool_s_size() {
        let context = error_context(&progress_with_pools());
        let pools: Vec<(&str, &str)> = context
            .pools
            .iter()
            .map(|p| (p.name.as_str(), p.vm_size.as_str()))
            .collect();
        assert_eq!(pools.first(), Some(&(SYSTEM_POOL_NAME, "Standard_D2s_v5")));
        assert_eq!(pools.len(), 2);
    }

    fn with_facts(category: Category, facts: Facts) -> Classification {
        Classification {
            category,
            summary: String::new(),
            details: String::new(),
            facts,
            actions: Vec::new(),
        }
    }

    #[rstest]
    #[case::zonal(Some("workers"), &["1"], "zones")]
    #[case::system_pool(Some("system"), &[], "system_vm_size")]
    #[case::worker_pool(Some("workers"), &[], "node_sku")]
    fn capacity_focuses_the_failing_pool_or_the_zones(
        #[case] pool: Option<&str>,
        #[case] zones: &[&str],
        #[case] expected: &str,
    ) {
        let facts = Facts {
            pool: pool.map(str::to_owned),
            zones: zones.iter().map(|z| (*z).to_owned()).collect(),
            ..Facts::default()
        };
        assert_eq!(
            field_to_edit(&with_facts(Category::Capacity, facts), None),
            expected
        );
    }

    #[test]
    fn policy_focuses_what_the_policy_is_about() {
        use crate::classify::PolicyFacts;
        let system = PoolDraft {
            vm_size: "Standard_D2s_v5".into(),
            count: 1,
        };
        let policy = |policy: PolicyFacts| {
            with_facts(
                Category::Policy,
                Facts {
                    policy: Some(policy),
                    ..Facts::default()
                },
            )
        };
        let locations = policy(PolicyFacts {
            allowed_locations: vec!["westeurope".into()],
            ..PolicyFacts::default()
        });
        assert_eq!(field_to_edit(&locations, Some(&system)), "region");
        let named = policy(PolicyFacts {
            definition_name: Some("Allowed locations".into()),
            ..PolicyFacts::default()
        });
        assert_eq!(field_to_edit(&named, Some(&system)), "region");
        let system_size = policy(PolicyFacts {
            denied_sizes: vec!["standard_d2s_v5".into()],
            ..PolicyFacts::default()
        });
        assert_eq!(field_to_edit(&system_size, Some(&system)), "system_vm_size");
        let only_workers_allowed = policy(PolicyFacts {
            allowed_sizes: vec!["Standard_D4s_v5".into()],
            ..PolicyFacts::default()
        });
        assert_eq!(
            field_to_edit(&only_workers_allowed, Some(&system)),
            "system_vm_size"
        );
        let tags = policy(PolicyFacts {
            required_tags: vec!["Owner".into()],
            ..PolicyFacts::default()
        });
        assert_eq!(field_to_edit(&tags, Some(&system)), "resource_group");
    }
}
